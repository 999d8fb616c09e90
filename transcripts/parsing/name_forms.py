"""Two ways of writing one person's label that the variant key does not see: a short group or
title before a known Chinese name (`调研组 刘洋` for `刘洋`), and an English given name or surname
alone for a full name used elsewhere (`Linda` for `Linda Park`, `INSKEEP` for `STEVE INSKEEP`).
Each answers with the key of the known name, for the roster to merge into and report. And a
title with a surname (`陈博士`, `Dr. Chen`) for the one guest the file declared with that surname.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence

from . import vocabulary as vocab
from .labels import CJK, LATIN_NAME, placeholder_name
from .transcript import Speaker


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


# 陈博士, 王老师: a surname and a title, as Chinese labels name a declared guest after the list
_CHINESE_TITLED = re.compile(
    r"^(?P<surname>[\u3400-\u9fff]{1,2}?)(?:博士|教授|老师|老師|先生|女士|院士|总|總|局|主任)$"
)
# Dr. Chen, Prof. Wang: the same in English
_LATIN_TITLE = re.compile(r"^(?i:dr|prof|professor|mr|mrs|ms|miss|mx)\.?\s+")
_LATIN_TITLED = re.compile(_LATIN_TITLE.pattern + r"(?P<surname>[A-Z][\w'’-]+)$")


def titled_name(written: str, declared: Sequence[Speaker]) -> str:
    """`陈博士` or `Dr. Chen` for the one declared `陈静博士（Dr. Jing Chen）`: after a guest
    list, labels often give only a title and the surname, in either language. The declared
    name, or "" when no declared person, or more than one, has that surname."""
    match = _CHINESE_TITLED.match(written)
    if match:
        surname = match.group("surname")
        found = {
            s.name for s in declared if vocab.is_chinese_name(s.name) and s.name.startswith(surname)
        }
        return found.pop() if len(found) == 1 else ""
    match = _LATIN_TITLED.match(written)
    if not match:
        return ""
    surname = match.group("surname").casefold()
    found = set()
    for person in declared:
        for form in (person.name, *person.aliases):
            words = _LATIN_TITLE.sub("", form).casefold().split()
            if form.isascii() and len(words) >= 2 and surname in (words[0], words[-1]):
                found.add(person.name)
    return found.pop() if len(found) == 1 else ""
