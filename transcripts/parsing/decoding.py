"""Bytes to text: the only place that knows about encodings.

Refuses what cannot be a transcript (empty, binary, undecodable) with a `ParseError` that says
which, so the command can print one clear line.

Strict decodes are tried in a fixed order, and the first that fits wins:

1. a byte order mark: UTF-8, UTF-32 or UTF-16 as it says;
2. NUL bytes without a BOM: UTF-16 (little endian when most NULs sit at odd offsets, where ASCII
   puts them, big endian otherwise) only when the decode is clean, holds no NUL character, reads
   as text (95% letters, CJK, punctuation, spaces) and the bytes are not simply UTF-8 text with a
   stray NUL; anything else with NULs is binary;
3. UTF-8;
4. the legacy Chinese encodings, GB18030 (a superset of GBK and GB2312) and Big5 (as cp950, then
   Big5-HKSCS). Both accept most byte soups (every Big5 pair is a valid GBK pair), so a clean decode
   proves little: each candidate is scored on how much of it is everyday Chinese (the 3,755 level-1
   GB2312 characters, the 5,401 frequent Big5 characters and Chinese punctuation) against oddities
   (private-use, bopomofo, kana, box drawing...) that a wrong guess produces. The higher score wins;
   on a tie GB18030, the mainland default. No library needed: detection libraries guess among
   dozens of encodings and are least sure on exactly these short GBK/Big5 texts.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata

from .transcript import ParseError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that never occur in a text file (tab, newlines and form feed are fine).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")
_LEGACY = (("gb18030",), ("cp950", "big5hkscs"))
_PUNCTUATION = set("，。、；：？！「」『』“”‘’（）《》〈〉【】…—·　")
# UTF-16 without a BOM must read as text: letters, CJK, punctuation, spaces.
_TEXT_CATEGORIES = ("L", "N", "P", "Z", "S")
_MIN_TEXT_SHARE = 0.95
# Characters looked at when judging a reading: enough to decide, bounded for 50 MB files.
_SAMPLE = 200_000


def decode(data: bytes) -> str:
    """Decode a transcript file's bytes; normalise line ends to \\n."""
    if not data.strip():
        raise ParseError("the file is empty")
    text = _with_bom(data)
    if text is None and b"\x00" in data:
        text = _utf16_without_bom(data)
        if text is None:
            raise ParseError(
                "binary file (it contains NUL bytes), not a text transcript",
                position=data.index(b"\x00"),
            )
    if text is None:
        text = _utf8_or_legacy(data)
    if "\x00" in text:
        raise ParseError("binary file (it contains NUL characters)", position=text.index("\x00"))
    if len(_CONTROL.findall(text, 0, 65536)) > 8:
        raise ParseError("binary file (it contains control characters), not a text transcript")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParseError("the file holds no text")
    return text


def _with_bom(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ParseError(
                    f"not valid {encoding.upper()} text although it starts with a byte order mark",
                    position=exc.start,
                ) from None
    return None


def _utf16_without_bom(data: bytes) -> str | None:
    """The text when the NULs are the zero halves of UTF-16 code units, else None (binary)."""
    if len(data) % 2:
        return None
    odd, even = data[1::2].count(0), data[0::2].count(0)
    # ASCII puts its NUL on the high side; a few CJK characters (一 is 00 4E) on the other.
    encoding = "utf-16-le" if odd >= even else "utf-16-be"
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    if not text or "\x00" in text:
        return None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        # Valid UTF-8 with NULs in it: UTF-16 only if it is ASCII-heavy UTF-16, whose every other
        # byte is NUL; otherwise it is text with stray NULs, which we refuse.
        if data.count(0) < 0.9 * len(data) / 2:
            return None
    sample = text[:_SAMPLE]
    readable = sum(1 for ch in sample if ch in "\n\r\t" or _is_text(ch))
    return text if readable >= _MIN_TEXT_SHARE * len(sample) else None


def _is_text(ch: str) -> bool:
    category = unicodedata.category(ch)
    if _is_cjk(ch):
        return True
    return category[0] in _TEXT_CATEGORIES and category != "Lo"  # Lo: stray Yi, Hangul...


def _is_cjk(ch: str) -> bool:
    code = ord(ch)
    return 0x4E00 <= code <= 0x9FFF or 0x3400 <= code <= 0x4DBF or 0x3000 <= code <= 0x303F


def _utf8_or_legacy(data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        utf8_error = exc
    candidates = []
    for order, family in enumerate(_LEGACY):
        for encoding in family:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            candidates.append((_chinese_score(text), -order, text))
            break
    if candidates:
        score, _, text = max(candidates)
        if score > 0:
            return text
    raise ParseError(
        "cannot decode the file: not UTF-8, UTF-16, GB18030/GBK or Big5 text "
        "(is it binary or another encoding?)",
        position=utf8_error.start,
    )


def _chinese_score(text: str) -> int:
    """Everyday Chinese characters and punctuation count for a reading, oddities against it."""
    common = _common_characters()
    score = 0
    for ch in text[:_SAMPLE]:
        if ord(ch) < 0x80:
            continue
        if ch in common or ch in _PUNCTUATION:
            score += 1
        elif not _is_cjk(ch):
            score -= 2  # private use, bopomofo, kana, Greek, box drawing: a wrong guess
    return score


@functools.cache
def _common_characters() -> frozenset[str]:
    """Level-1 GB2312 (the 3,755 most used Simplified characters) and the 5,401 frequent Big5
    characters (Traditional), read from the codecs themselves rather than shipped as data."""
    found = set()
    for encoding, leads, trails in (
        ("gb2312", range(0xB0, 0xD8), range(0xA1, 0xFF)),
        ("big5", range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)]),
    ):
        for lead in leads:
            for trail in trails:
                try:
                    found.add(bytes((lead, trail)).decode(encoding))
                except UnicodeDecodeError:
                    continue
    return frozenset(found)
