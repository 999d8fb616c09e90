"""Two ways of writing one person's label that the variant key does not see: a short group or
title before a known Chinese name (`调研组 刘洋` for `刘洋`), and an English given name or surname
alone for a full name used elsewhere (`Linda` for `Linda Park`, `INSKEEP` for `STEVE INSKEEP`).
Each answers with the key of the known name, for the roster to merge into and report."""

from __future__ import annotations

from collections import Counter

from . import vocabulary as vocab
from .labels import CJK, LATIN_NAME, placeholder_name


def prefixed_name(key: str, forms: dict[str, Counter], accepted: set[str]) -> str:
    """`调研组 刘洋` beside a more frequent `刘洋`: a short group or title written before a known
    name is the same speaker. The key of that name, or ""."""
    if not CJK.search(key):
        return ""
    count = sum(forms[key].values())
    for other in accepted:
        known = other != key and len(other) >= 2 and bool(CJK.search(other))
        prefixed = key.endswith(other) and len(key) - len(other) <= 4
        if known and prefixed and sum(forms[other].values()) >= count:
            return other
    return ""


def short_name(key: str, forms: dict[str, Counter], accepted: set[str]) -> str:
    """`Linda` beside `Linda Park`, `INSKEEP` beside `STEVE INSKEEP`: after the first label,
    English transcripts call people by their given name or (radio, print) their surname. The
    key of the one accepted full name whose first or last word the label is, or ""."""
    written = forms[key].most_common(1)[0][0]
    if " " in written or not LATIN_NAME.match(written) or placeholder_name(written):
        return ""
    if vocab.role_of_word(written) or written.lower() in vocab.INTERVIEW_WORDS:
        return ""
    word = written.casefold()
    found = []
    for other in accepted:
        if other == key:
            continue
        words = forms[other].most_common(1)[0][0].casefold().split()
        full = 2 <= len(words) <= 4 and LATIN_NAME.match(" ".join(words).title())
        if full and word in (words[0], words[-1]):
            found.append(other)
    return found[0] if len(found) == 1 else ""
