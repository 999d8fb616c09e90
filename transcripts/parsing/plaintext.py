"""Plain text: every non-empty line is a paragraph block; a line of dashes or stars is a
separator. Speech-recognition exports (`说话人1 00:00:05` then the text, `发言人1(00:00:01):…`,
`[00:12] 名: …`), interviews (问：/答：), minutes and copied articles are all plain text: what
their labels say is the label stage's business, what their lines are is the assembler's."""

from __future__ import annotations

import re

from . import blocks as kinds
from .assemble import assemble
from .blocks import Block, Document
from .roster import find_speakers
from .transcript import Transcript

FORMAT = "plaintext"
MIN_LABELLED = 2

_RULE = re.compile(r"^\s*(?:[-*_=~—–·•]\s*){3,}$")


def read(text: str, *, format: str = FORMAT) -> Document:
    return Document(blocks=tuple(line_blocks(text)), format=format)


def line_blocks(text: str, first_line: int = 1) -> list[Block]:
    """One block per non-empty line, numbered from `first_line`."""
    found, gap = [], True
    for number, raw in enumerate(text.split("\n"), start=first_line):
        stripped = raw.strip().lstrip("\ufeff").strip()
        if not stripped:
            gap = True
            continue
        kind = kinds.RULE if _RULE.match(stripped) else kinds.PARAGRAPH
        found.append(Block(kind, stripped, number, gap=gap))
        gap = False
    return found


def looks_like(text: str) -> bool:
    """At least two paragraphs open with the label of a real speaker."""
    roster = find_speakers(line_blocks(text))
    return len(roster.at_block) >= MIN_LABELLED


def parse(text: str) -> Transcript:
    return assemble(read(text))
