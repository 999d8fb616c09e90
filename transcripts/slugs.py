"""Readable ASCII slugs from Chinese names and titles, through pypinyin.

刘知远 → liuzhiyuan (people: one word, as they write their name in pinyin);
大模型训练和进化之路 → da-mo-xing-xun-lian-he-jin-hua-zhi-lu (titles: a syllable per word).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.utils.text import slugify
from pypinyin import Style, lazy_pinyin

MAX_LENGTH = 80
_CJK_RUNS = re.compile(r"([\u3400-\u9fff·・]+)|[^\u3400-\u9fff·・]+")


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
