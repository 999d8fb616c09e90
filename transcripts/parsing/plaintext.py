"""Plain text: every non-empty line is a paragraph block; a line of dashes or stars is a
separator; a time alone on its line times the line below (a video site's transcript panel).
Speech-recognition exports (`说话人1 00:00:05` then the text, `发言人1(00:00:01):…`,
`[00:12] 名: …`), interviews (问：/答：), minutes and copied articles are all plain text: what
their labels say is the label stage's business, what their lines are is the assembler's."""

from __future__ import annotations

import re
from dataclasses import replace

from . import blocks as kinds
from .assemble import assemble
from .blocks import Block, Document
from .dates import ascii_times, seconds
from .labels import TIME
from .roster import find_speakers
from .transcript import Transcript

FORMAT = "plaintext"
MIN_LABELLED = 2

_RULE = re.compile(r"^\s*(?:[-*_=~—–·•]\s*){3,}$")


def read(text: str, *, format: str = FORMAT) -> Document:
    found, consumed = timed_lines(line_blocks(text))
    return Document(blocks=tuple(found), format=format, consumed=tuple(consumed))


# `0:03` / `[00:01:02]` alone on its line: the time of the line below it
_TIME_LINE = re.compile(rf"^[\[(（]?(?P<time>{TIME})[\])）]?$")


def timed_lines(found: list[Block]) -> tuple[list[Block], list[tuple[int, str]]]:
    """A time alone on its line gives its start to the line below, as text copied from a video
    site's transcript panel writes every caption (`0:03`, then the words said there)."""
    result: list[Block] = []
    consumed: list[tuple[int, str]] = []
    pending: tuple[Block, float] | None = None
    for block in found:
        is_paragraph = block.kind == kinds.PARAGRAPH
        match = _TIME_LINE.match(ascii_times(block.text)) if is_paragraph else None
        if pending is not None and match is None:
            time_block, start = pending
            block = replace(block, start=start, gap=time_block.gap or block.gap)
            consumed.append((time_block.line, "caption time"))
            pending = None
        elif pending is not None:
            result.append(pending[0])  # two times in a row: the first stays as it is
            pending = None
        if match is not None:
            pending = (block, seconds(match.group("time")))
            continue
        result.append(block)
    if pending is not None:
        result.append(pending[0])
    return result, consumed


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
