"""Readable ASCII slugs from Chinese names and titles, through pypinyin; and the rules a slug or
a tag name must follow to be part of a URL.

刘知远 → liuzhiyuan (people: one word, as they write their name in pinyin);
大模型训练和进化之路 → da-mo-xing-xun-lian-he-jin-hua-zhi-lu (titles: a syllable per word).

Event and speaker slugs are ASCII (Django's `<slug:>`); tag slugs keep Chinese (taggit's, and
our `<uslug:>`). Every way in (an import, an admin form, a data migration) checks with these.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from django.utils.text import slugify
from pypinyin import Style, lazy_pinyin

MAX_LENGTH = 80
_CJK_RUNS = re.compile(r"([\u3400-\u9fff·・]+)|[^\u3400-\u9fff·・]+")
# What Django's <slug:> converter matches: an event or speaker slug that is not this takes down
# every page that links to it (the home page, feeds, the sitemap, the API).
_URL_SLUG = re.compile(r"[-a-zA-Z0-9_]+")
_TAG_SLUG = re.compile(r"[-\w]+")  # the <uslug:> converter of tag pages
_SPACES = re.compile(r"\s+")


def _syllables(text: str) -> list[str]:
    # Latin words, digits and punctuation pass through pypinyin unchanged and slugify cleans them.
    return [slugify(piece) for piece in lazy_pinyin(text, style=Style.NORMAL, errors="default")]


def speaker_slug(name: str) -> str:
    """刘知远 → liuzhiyuan; 提问者2 → tiwenzhe-2; Andrew Ng → andrew-ng; 'speaker' for symbols."""
    words = []
    for run in _CJK_RUNS.finditer(name):
        words.append("".join(_syllables(run[0])) if run[1] else slugify(run[0]))
    return slugify("-".join(w for w in words if w))[:MAX_LENGTH].strip("-") or "speaker"


def title_slug(title: str) -> str:
    """A title as hyphenated pinyin syllables, cut at a word boundary."""
    slug = slugify("-".join(p for p in _syllables(title) if p))
    if len(slug) > MAX_LENGTH:
        slug = slug[:MAX_LENGTH].rsplit("-", 1)[0]
    return slug or "event"


def unique_slug(base: str, taken: Iterable[str]) -> str:
    """base, or base-2, base-3... whichever is not taken."""
    taken = set(taken)
    if base not in taken:
        return base
    counter = 2
    while f"{base}-{counter}" in taken:
        counter += 1
    return f"{base}-{counter}"


def is_url_slug(value: str, *, max_length: int) -> bool:
    """An event or speaker slug a URL can carry: ASCII letters, digits, - and _ only."""
    return 0 < len(value) <= max_length and bool(_URL_SLUG.fullmatch(value))


def is_tag_slug(value: str, *, max_length: int = 100) -> bool:
    """A tag slug a tag page's URL can carry (Chinese kept)."""
    return 0 < len(value) <= max_length and bool(_TAG_SLUG.fullmatch(value))


def tag_slug(name: str) -> str:
    """taggit's slug for a tag name ("" when the name has no letter or digit, as `!!!`)."""
    return slugify(name, allow_unicode=True)


def clean_tag_name(name: str) -> str:
    """A tag name as stored: NFKC (full-width ＡＧＩ is AGI), without invisible characters
    (zero-width spaces and joiners, bidi controls: they make look-alike duplicates), control
    characters as spaces, runs of spaces as one, no spaces around. May be "" (refuse it)."""
    name = unicodedata.normalize("NFKC", name)
    name = "".join(
        " " if unicodedata.category(c) == "Cc" else c
        for c in name
        if unicodedata.category(c) != "Cf"
    )
    return _SPACES.sub(" ", name).strip()
