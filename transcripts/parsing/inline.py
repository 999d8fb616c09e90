"""Runs of inline text in the rich containers (Word, web pages): what a block's opening bold
(its `lead`) is, and whether the block is only links. Both containers gather a block's text as
pieces marked bold or link, and a label reads the same whichever container it came from.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Protocol

INVISIBLE_CHARS = re.compile("[\u200b-\u200d\u2060\ufeff\u00ad]")  # zero-width, soft hyphen
SPACES = re.compile(r"\s+")
_WORD = re.compile(r"\w")


class Piece(Protocol):
    text: str
    bold: bool
    link: bool


def lead(pieces: Sequence[Piece], text: str, *, clean: Callable[[str], str], stop: str = "") -> str:
    """The bold pieces that open the block (blank pieces between bold ones allowed), cleaned,
    as a prefix of `text`; "" when the block does not open in bold. A piece holding `stop` (a
    line break kept inside a heading) ends the opening."""
    opening: list[Piece] = []
    for piece in pieces:
        if (stop and stop in piece.text) or not (piece.bold or not piece.text.strip()):
            break
        opening.append(piece)
    if not any(piece.bold and piece.text.strip() for piece in opening):
        return ""
    found = clean("".join(piece.text for piece in opening))
    return found if text.startswith(found) else ""


def links_only(pieces: Sequence[Piece]) -> bool:
    """Only links, and separators between them (上一篇 · 下一篇)."""
    worded = [piece for piece in pieces if _WORD.search(piece.text)]
    return bool(worded) and all(piece.link for piece in worded)
