"""SRT and WebVTT subtitles, read as a container: each cue becomes a block that keeps its times.

Who speaks is decided once for every format, by the label stage (`labels`) and the assembler
(`assemble`); this module only reads what the container itself says: the cue times, WebVTT voice
tags (`<v 名>`), diarization prefixes (WhisperX's `[SPEAKER_00]:`, `SPEAKER_00:`, whisper.cpp's
`(speaker 0)`) and the `>>` that broadcast and YouTube captions put where the speaker changes.
A `名：` prefix stays in the text for the label stage to judge.

A cue gives one block, or several when the speaker changes inside it (two voices, a `>>`, a
diarization prefix, or a later line opening with what may be a `名：` label, so that the label
stage finds it at the start of a block). A cue's lines are joined without a line break (no space
between Chinese, one between Latin words): a cue boundary is where a captioner broke the line, not
a paragraph, so every block has `gap=False` and the assembler can join a speaker's cues inline.

Rolling captions (YouTube's automatic ones show each line twice, first at the bottom, then
scrolled up): a cue whose first lines repeat the previous cue's last lines loses the repeat, and a
cue repeating the previous one whole, right after it, only extends the previous block's end. The
repeated lines are accounted for as "repeated caption".

Bilingual subtitles (中英双语: most cues give Chinese lines over their Latin-script original,
decided once for the file): such a cue gives a block for each language, the second marked as
the first one's `translation`, so the assembler keeps it as the turn's translation and never
reads a label on it as a new speaker. In any other file a cue's lines stay one block, so a
mixed panel where a Chinese speaker and an English one share a cue is cut at their labels.

Timing lines are checked strictly (a broken one is a `ParseError` naming it: a file with a mangled
timing line is likely mangled elsewhere too). A cue ending before it starts keeps only its start,
which is what "listen along" follows.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from . import dates
from . import vocabulary as vocab
from .blocks import PARAGRAPH, Block, Document
from .cue_lines import (
    bilingual_split,
    clean_line,
    is_bilingual,
    join_cue_text,
    line_key,
    speaker_pieces,
)
from .transcript import ParseError, ParseWarning

if TYPE_CHECKING:
    from collections.abc import Iterator

    from .transcript import Transcript

FORMAT = "subtitles"
_Chunk = tuple[int, int, list[str]]  # a run of non-blank lines: (offset, first line, lines)

# Minutes and seconds above 59 do not match: such a line is then a broken timing line.
_TIME = r"(?:\d{1,3}:)?[0-5]?\d:[0-5]?\d(?:[,.]\d{1,3})?"
_TIMING = re.compile(rf"^\s*({_TIME})\s*-->\s*({_TIME})(?:\s+.*)?$")
_LOOSE_TIMING = re.compile(r"-->|\d+:\d+\S*\s*-+>")
# A run of non-blank lines: a cue, a note, the header. Anchored at line starts, so a long
# whitespace-only line is scanned a bounded number of times (the whole read stays linear).
_CHUNK = re.compile(r"^[^\S\n]*\S.*(?:\n[^\S\n]*\S.*)*", re.MULTILINE)
_NOT_A_CUE = re.compile(r"^(?:NOTE|STYLE|REGION)\b")
_NOTE_TITLE = re.compile(rf"^NOTE\s+(?:title|标题|標題)\s*{vocab.COLON}\s*(.+)$", re.IGNORECASE)
_HEADER_TITLE = re.compile(rf"^(?:title|标题|標題)\s*{vocab.COLON}\s*(.+)$", re.IGNORECASE)
_HEADER_FIELD = re.compile(r"^\s*[A-Za-z][\w-]*\s*:\s")  # Kind: captions, Language: en
ROLLING_GAP = 0.1  # seconds: a whole repeat this close after its cue is a rolling caption
MAX_ROLLED = 8  # lines a rolling caption may repeat


def looks_like(text: str) -> bool:
    """A WEBVTT header, or a timing line (`00:00:01,000 --> ...`) among the first lines."""
    head = text.lstrip("\ufeff \n\t")
    if head.startswith("WEBVTT"):
        return True
    lines = [line for line in head.split("\n", 12)[:12] if line.strip()]
    return any(_TIMING.match(line) for line in lines[:4])


def parse(text: str) -> Transcript:
    from .assemble import assemble

    return assemble(read(text))


def read(text: str) -> Document:
    """The cues as blocks, the title the header or a note gives, and every structural line
    (numbers, timing lines, header, notes) in `consumed`."""
    text = text.lstrip("\ufeff")
    chunks = _chunks(text)
    first = next(chunks, None)
    if first is None:
        raise ParseError("the subtitle file is empty: no cues")
    reader = CueReader()
    if first[2][0].lstrip().startswith("WEBVTT"):
        first = reader.header(*first)
    if first is not None:
        reader.chunk(*first)
    for chunk in chunks:
        reader.chunk(*chunk)
    return reader.document()


def _chunks(text: str) -> Iterator[_Chunk]:
    """Runs of non-blank lines: (character offset, line number, lines)."""
    line, last = 1, 0
    for match in _CHUNK.finditer(text):
        line += text.count("\n", last, match.start())
        last = match.start()
        yield match.start(), line, match.group().split("\n")


@dataclass
class Cue:
    start: float
    end: float | None
    lines: list[tuple[int, str]]  # (line number, source line) of its text
    speaker: str = ""  # the speaker the container names for the whole cue (an ASS actor)


class CueReader:
    """Walks the chunks in order; a cue is turned into blocks once its text is complete (a
    blank line inside a cue's text continues the cue)."""

    def __init__(self) -> None:
        self.title = ""
        self.blocks: list[Block] = []
        self.consumed: list[tuple[int, str]] = []
        self.cue: Cue | None = None
        self.read: list[Cue] = []  # every cue, turned into blocks once the whole file is read
        self.cues = 0
        self.bilingual = False  # most cues give a Chinese line over its original (decided once)
        self.previous: list[str] = []  # the last cue's lines, to recognise rolling captions
        self.previous_end: float | None = None
        self.pending_new = False  # a `>>` that ended a cue marks the next one's first block
        self.warnings: list[ParseWarning] = []

    def header(self, position: int, line: int, lines: list[str]) -> _Chunk | None:
        """Reads `WEBVTT 标题` and header fields; returns a cue glued to the header, if any."""
        self.title = lines[0].strip()[len("WEBVTT") :].strip(" \t-–—:：")
        self.consumed.append((line, "title" if self.title else "header"))
        for index, raw in enumerate(lines[1:], start=1):
            if _TIMING.match(raw):
                has_id = index > 1 and not _HEADER_FIELD.match(lines[index - 1])
                start = index - 1 if has_id else index
                self.consumed.extend((line + i, "header") for i in range(1, start))
                return position, line + start, lines[start:]
            field = _HEADER_TITLE.match(raw.strip())
            titled = bool(field) and not self.title
            if titled:
                self.title = field.group(1).strip()
            self.consumed.append((line + index, "title" if titled else "header"))
        return None

    def chunk(self, position: int, line: int, lines: list[str]) -> None:
        timing = 0
        match = _TIMING.match(lines[0])
        if match is None and lines[0].isdigit() and len(lines) > 1:  # an SRT cue number
            timing, match = 1, _TIMING.match(lines[1])
        if match is None:
            if _NOT_A_CUE.match(lines[0].strip()):
                return self._note(line, lines)
            timing = _timing_index(lines, position)
            if timing is None:
                return self._continue(position, line, lines)
            match = _TIMING.match(lines[timing])
        self._flush()
        if timing:
            self.consumed.append((line, "cue number"))
        self.consumed.append((line + timing, "cue timing"))
        start, end = _times(match)
        if end is None:
            message = f"the cue at line {line + timing} ends before it starts; its end is left out"
            at = position + sum(len(number) + 1 for number in lines[:timing])  # the timing line
            self.warnings.append(ParseWarning("cue-ends-before-start", message, at))
        first = line + timing + 1
        self.cue = Cue(start, end, [(first + i, raw) for i, raw in enumerate(lines[timing + 1 :])])
        self.cues += 1
        return None

    def _note(self, line: int, lines: list[str]) -> None:
        """NOTE, STYLE and REGION blocks: no speech; `NOTE title: 标题` titles the file."""
        note = _NOTE_TITLE.match(lines[0].strip())
        if note and not self.title:
            self.title = note.group(1).strip()
            self.consumed.append((line, "title"))
            line, lines = line + 1, lines[1:]
        self.consumed.extend((line + i, "note") for i in range(len(lines)))

    def _continue(self, position: int, line: int, lines: list[str]) -> None:
        """Text after a blank line inside a cue belongs to that cue."""
        if self.cue is None:
            raise ParseError(
                "not a subtitle cue: expected a timing line such as "
                "'00:00:01,000 --> 00:00:04,000'",
                position=position,
            )
        message = f"a cue's text holds a blank line (line {line - 1}); read as one cue"
        self.warnings.append(ParseWarning("blank-line-in-cue", message, position))
        self.cue.lines.extend((line + i, raw) for i, raw in enumerate(lines))

    def add_cue(self, cue: Cue) -> None:
        """A cue another container has read (an ASS event), in the file's order."""
        self._flush()
        self.cue = cue
        self.cues += 1

    def document(self) -> Document:
        self._flush()
        cleaned = [[clean_line(raw) for _, raw in cue.lines] for cue in self.read]
        self.bilingual = is_bilingual(cleaned)
        for cue, texts in zip(self.read, cleaned, strict=True):
            self._blocks(cue, texts)
        if not self.cues:
            raise ParseError(
                "no subtitle cues found (no timing line such as '00:00:01,000 --> ...')"
            )
        if not self.blocks:
            raise ParseError("the subtitle cues hold no text")
        repeats = sum(what == "repeated caption" for _, what in self.consumed)
        if repeats:
            message = f"rolling captions: {repeats} repeated lines left out, each kept once"
            self.warnings.append(ParseWarning("rolling-captions", message))
        return Document(
            blocks=tuple(self.blocks),
            format=FORMAT,
            title=self.title,
            warnings=tuple(self.warnings),
            consumed=tuple(self.consumed),
        )

    def _flush(self) -> None:
        """The finished cue waits for the end of the file (`document`)."""
        cue, self.cue = self.cue, None
        if cue is not None:
            self.read.append(cue)

    def _blocks(self, cue: Cue, texts: list[str]) -> None:
        """The cue's blocks (`texts`: its lines cleaned), after taking out what a rolling
        caption repeats."""
        lines = []
        for (number, raw), text in zip(cue.lines, texts, strict=True):
            if text:
                lines.append((number, raw, text, line_key(raw, text) if "<" in raw else text))
            else:  # nothing but markup: <i></i>, {\an8}
                self.consumed.append((number, "markup"))
        lines = self._unrolled(cue, lines)
        if lines is None:
            return
        split = bilingual_split([line[2] for line in lines]) if self.bilingual else None
        if split:  # the Chinese lines, then their original: a block each, the second marked
            self._pieces(cue, lines[:split], translation=False)
            self._pieces(cue, lines[split:], translation=True)
        else:
            self._pieces(cue, lines, translation=False)

    def _pieces(self, cue: Cue, lines: list, *, translation: bool) -> None:
        for piece in speaker_pieces(lines, self.consumed):
            text = join_cue_text(piece.texts)
            if not text:
                self.pending_new = self.pending_new or piece.new_speaker
                continue
            self.blocks.append(
                Block(
                    kind=PARAGRAPH,
                    text=text,
                    line=piece.first,
                    lines=piece.last - piece.first + 1,
                    gap=False,
                    start=cue.start,
                    end=cue.end,
                    speaker="" if translation else piece.speaker or cue.speaker,
                    new_speaker=piece.new_speaker or self.pending_new,
                    translation=translation,
                )
            )
            self.pending_new = False

    def _unrolled(self, cue: Cue, lines: list) -> list | None:
        """The cue's lines without those repeating the previous cue's last ones; None when the
        cue repeats the previous one whole, right after it (that block then ends later)."""
        keys = [line[3] for line in lines]
        repeated = _repeated(self.previous, keys)
        if keys:
            self.previous = keys
        if repeated and repeated == len(keys):  # the whole cue again
            if self._follows(cue):
                self.consumed.extend((line[0], "repeated caption") for line in lines)
                self.blocks[-1] = replace(self.blocks[-1], end=cue.end)
                self.previous_end = cue.end
                return None
            repeated = 0  # said again later: speech, not a rolling caption
        self.consumed.extend((line[0], "repeated caption") for line in lines[:repeated])
        self.previous_end = cue.end
        return lines[repeated:]

    def _follows(self, cue: Cue) -> bool:
        """A whole repeat is a rolling caption only right after the cue it repeats."""
        end = self.previous_end
        return bool(self.blocks) and end is not None and cue.start <= end + ROLLING_GAP


def _timing_index(block: list[str], position: int) -> int | None:
    """Where the timing line is (first line, or second after a cue number or id)."""
    for index, line in enumerate(block[:2]):
        if _TIMING.match(line):
            return index
        if _LOOSE_TIMING.search(line):
            raise ParseError(f"broken timestamp line {line.strip()!r}", position=position)
    if re.fullmatch(r"\s*\d+\s*", block[0]):
        raise ParseError(
            f"cue {block[0].strip()} has no timing line (expected e.g. "
            "'00:00:01,000 --> 00:00:04,000')",
            position=position,
        )
    return None


def _times(match: re.Match[str]) -> tuple[float, float | None]:
    """Start and end in seconds (the pattern already refused minutes or seconds above 59)."""
    start, end = dates.seconds(match.group(1)), dates.seconds(match.group(2))
    return start, (end if end >= start else None)


def _repeated(previous: list[str], keys: list[str]) -> int:
    """How many of a cue's first lines repeat the previous cue's last lines (a caption rolls
    up a few lines at most; looking further would make long cues quadratic)."""
    if not keys or keys[0] not in previous[-MAX_ROLLED:]:
        return 0
    for count in range(min(len(previous), len(keys), MAX_ROLLED), 0, -1):
        if keys[:count] == previous[-count:]:
            return count
    return 0
