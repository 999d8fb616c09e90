"""Which script a paragraph is written in: Chinese, or a Latin-script language (the original of
a bilingual transcript, for us English). A script count, not a language guess; used to split a
bilingual turn into its text and translation, and to give a translation its `lang`. Also how two
pieces of one line join: no space between Chinese text, one between Latin words."""

from __future__ import annotations

import re

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
_WIDE_EDGE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")  # CJK and full-width


def inline_separator(before: str, after: str) -> str:
    """What joins two pieces of one line (subtitle cues, recognised words): nothing when either
    side is Chinese or full-width punctuation, else a space."""
    return "" if _WIDE_EDGE.match(before[-1:]) or _WIDE_EDGE.match(after[:1]) else " "


def language(text: str) -> str:
    """ "zh" for Chinese text (English words inside are fine), "en" for text in Latin letters
    with (almost) no Chinese, "" for neither (numbers, a stage direction)."""
    if text.isascii():
        return "en" if len(text) >= 12 and len(_LATIN.findall(text)) >= 12 else ""
    wide = (len(text.encode()) - len(text)) // 2  # about one per Chinese character
    if wide >= 6 and wide * 3 >= len(text) - wide:  # Chinese, whatever its Latin letters
        return "zh"
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN.findall(text))
    if cjk >= 2 and cjk * 3 >= latin:
        return "zh"
    if latin >= 12 and cjk * 20 <= latin:
        return "en"
    return ""
