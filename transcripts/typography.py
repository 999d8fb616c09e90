"""Chinese typography for display: half-width punctuation written between Chinese characters
shown full-width (你好,世界 → 你好，世界), the stored text unchanged.

`fullwidth` is pure and fast on the common case (a text with no half-width punctuation, or no
Chinese, comes back as it is). Rules, for a mark outside a web address:

- `,` `;` `:` widen when the nearest character before or after (past spaces) is Chinese, but
  never between two digits (1,000, 12:34, 3:2);
- `?` `!` widen after a Chinese character (吗? → 吗？, 真的?! → 真的？！);
- `(…)` widens when its content holds Chinese, or when a neighbour is Chinese and the bracket
  is not glued to a Latin word or number (f(x), GPT-4(o) stay);
- spaces around a widened mark go: a full-width mark carries its own space.
"""

from __future__ import annotations

import re

_CJK_CHARS = (
    "\u3040-\u30ff"  # kana
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"  # ideographs
    "\u3000-\u303f\uff01-\uff60"  # CJK and full-width punctuation (、。「」（）：…)
)
_CJK = re.compile(f"[{_CJK_CHARS}]")
_IDEOGRAPH = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_MARKS = re.compile(r"[,;:?!(]")
_CANDIDATES = re.compile(r"[,;:?!()]")
# A web address, without the punctuation that ends the sentence it stands in.
_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.\-]*://|www\.)[!-~]*[A-Za-z0-9/#=_~&%\-]")
_BRACKETED = re.compile(r"\(([^()\n]{0,80})\)")
_WIDE = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！", "(": "（", ")": "）"}
_SPACES = " \t\u00a0"


def is_cjk(char: str) -> bool:
    """A Chinese or Japanese character, or a full-width punctuation mark."""
    return bool(char) and bool(_CJK.match(char))


def fullwidth(text: str) -> str:
    """The text as a Chinese reader expects it set: see the module's rules."""
    if not _MARKS.search(text) or not _IDEOGRAPH.search(text):
        return text
    protected = _protected(text)
    out: list[str] = []  # pieces of text and marks
    closing: set[int] = set()  # where the ")" of a widened "(" stands
    cursor, widened = 0, False
    for match in _CANDIDATES.finditer(text):
        at = match.start()
        piece = text[cursor:at]
        out.append(piece.lstrip(_SPACES) if widened else piece)
        cursor, char = at + 1, match.group()
        widened = not any(a <= at < b for a, b in protected) and _widens(text, at, out, closing)
        if widened:
            _drop_trailing_spaces(out)
        out.append(_WIDE[char] if widened else char)
    rest = text[cursor:]
    out.append(rest.lstrip(_SPACES) if widened else rest)
    return "".join(out)


def _widens(text: str, at: int, out: list[str], closing: set[int]) -> bool:
    """Whether the mark at `at` is to be shown full-width (`out`: what is written before it)."""
    char = text[at]
    before = _before(out)
    if char == ")":
        return at in closing
    if char in "?!":
        return is_cjk(before)
    if char == "(":
        return _bracket_widens(text, at, before, closing)
    if _between_digits(text, at):
        return False
    return is_cjk(before) or is_cjk(_after(text, at + 1))


def _bracket_widens(text: str, at: int, before: str, closing: set[int]) -> bool:
    match = _BRACKETED.match(text, at)
    if not match:
        return False
    glued = at > 0 and text[at - 1].isascii() and text[at - 1].isalnum()
    inner = bool(_IDEOGRAPH.search(match.group(1)))
    widen = inner or (not glued and (is_cjk(before) or is_cjk(_after(text, match.end()))))
    if widen:
        closing.add(match.end() - 1)
    return widen


def _between_digits(text: str, at: int) -> bool:
    return 0 < at < len(text) - 1 and text[at - 1].isdigit() and text[at + 1].isdigit()


def _before(out: list[str]) -> str:
    for piece in reversed(out):
        piece = piece.rstrip(_SPACES)
        if piece:
            return piece[-1]
    return ""


def _after(text: str, start: int) -> str:
    for char in text[start:]:
        if char not in _SPACES:
            return char
    return ""


def _drop_trailing_spaces(out: list[str]) -> None:
    while out and not out[-1].rstrip(_SPACES):
        out.pop()
    if out:
        out[-1] = out[-1].rstrip(_SPACES)


def _protected(text: str) -> list[tuple[int, int]]:
    """Where the web addresses are: their marks are never touched."""
    if "://" not in text and "www." not in text:
        return []
    return [match.span() for match in _URL.finditer(text)]
