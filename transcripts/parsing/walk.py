"""The walk: one pass through a container's blocks, in reading order, that opens and continues
turns, starts parts and topics, and notes where every block went (see `assemble`'s docstring for
the rules it follows). The assembler turns what it gathered into a `Transcript`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from . import blocks as kinds
from . import dates, headings, labels, notspeech
from . import vocabulary as vocab
from .blocks import Block
from .front import Front
from .languages import inline_separator, language
from .roster import Roster
from .transcript import Dropped, ParseWarning, Part, Speaker, Topic

UNKNOWN_SPEAKER = "未知发言人"
MAX_TITLE = 120
MAX_QUESTION = 80
PARAGRAPH_BREAK = "\n\n"
Chunk = tuple[str, str, str]  # (text, the separator before it, its language)

_BRACKETED = re.compile(r"^\s*[(（【\[](?P<inner>[^\n]+)[)）】\]]\s*$")
_SOURCE = re.compile(rf"^\s*(?:来源|來源|source)\s*{vocab.COLON}\s*(?P<name>.+)$", re.IGNORECASE)


@dataclass(frozen=True)
class Placement:
    """Where one block went: `kind` is quote (`number` says which), title, intro, label (a
    label alone on its line: its name is the speaker's), metadata or dropped; `text` is the
    block's text as it was placed there."""

    block: int
    kind: str
    text: str
    number: int | None = None


@dataclass(slots=True)
class OpenTurn:
    """A turn while the walk builds it: its paragraphs are chunks until the assembler joins them."""

    speaker: str
    part: int | None
    topic: int | None
    line: int
    block: int  # the block that opened it
    start: float | None = None
    end: float | None = None
    chunks: list[Chunk] = field(default_factory=list)
    directions: list[str] = field(default_factory=list)  # written as lines of their own
    paragraph_break: bool = False  # the next text starts a paragraph (after a label line)


class Walk:
    """Goes through the blocks once, building turns, parts and topics (module docstring)."""

    def __init__(self, blocks, roster: Roster, front: Front, declared_title="") -> None:
        self.blocks = blocks
        self.roster = roster
        self.front = front
        self.turns: list[OpenTurn] = []
        self.parts: list[Part] = []
        self.topics: list[Topic] = []
        self.intro: list[Chunk] = []
        self.dropped: list[Dropped] = []
        self.warnings: list[ParseWarning] = []
        self.title = ""
        self.source_name = ""
        self.header_date = front.header_date
        self.unknown: Speaker | None = None
        self.open: OpenTurn | None = None
        self.last: OpenTurn | None = None
        self.pending: list[tuple[int, str]] = []  # (block index, stage direction)
        self.index = 0
        self.placed: dict[int, tuple[str, str, OpenTurn | None]] = {}
        self.merged: dict[int, OpenTurn] = {}  # id of a turn given again in another language
        self.translated: Counter = Counter()  # (a name in a translation's label, the speaker)
        self.tracking = True  # keep where each block went (`placements`)
        self.sole = ""  # the one declared speaker of a file without labels (a talk)
        self.answers: tuple[str, Speaker] | None = None  # Q labelled, answers not (roles.py)
        self.ended = False
        self.tail = ""
        labelled = [i for i in roster.at_block]
        self.first_label = min(labelled, default=len(blocks))
        self.last_label = max(labelled, default=-1)
        untimed = [b for b in blocks[1:] if b.start is None]
        self.separate_all = bool(untimed) and not any(b.gap for b in untimed)
        levels = [
            b.level
            for i, b in enumerate(blocks)
            if b.kind == kinds.HEADING and i not in roster.at_block
        ]
        self.title_index = self._title_index(levels, declared_title)
        rest = [
            b.level
            for i, b in enumerate(blocks)
            if b.kind == kinds.HEADING and i not in roster.at_block and i != self.title_index
        ]
        self.part_level = min(rest, default=0)

    def _title_index(self, levels, declared: str) -> int | None:
        """The first block, when it reads as a title: a heading of the top level, or a short
        line that is no label, header, caption or speech. When the container declares the
        title, only a first block that repeats it."""
        for index, block in enumerate(self.blocks):
            if index in self.front.consumed or index in self.front.dropped:
                continue
            if declared:
                same = labels.variant_key(block.text) == labels.variant_key(declared)
                return index if same and index not in self.roster.at_block else None
            if index in self.roster.at_block or index >= self.first_label:
                return None
            if block.kind == kinds.HEADING:
                return index if block.level == min(levels) else None
            if block.kind != kinds.PARAGRAPH or notspeech.reason(block) or block.start is not None:
                return None
            text = block.text.strip()
            if len(text) > MAX_TITLE or "\n" in text or headings.part_title(text, 1):
                return None
            return index
        return None

    def run(self) -> None:
        for index, block in enumerate(self.blocks):
            self.index = index
            self._block(index, block)
        self._close()
        if self.pending and self.turns:
            last = self.turns[-1]
            for index, direction in self.pending:
                last.chunks.append(make_chunk(direction, PARAGRAPH_BREAK))
                last.directions.append(direction)
                self._place("quote", direction, last, index)

    def placements(self) -> list[Placement]:
        numbers = {id(turn): number for number, turn in enumerate(self.turns, start=1)}
        numbers |= {key: numbers[id(turn)] for key, turn in self.merged.items()}
        return [
            Placement(index, kind, text, numbers.get(id(turn)) if turn else None)
            for index, (kind, text, turn) in sorted(self.placed.items())
        ]

    def _place(self, kind: str, text: str, turn: OpenTurn | None = None, index=None) -> None:
        if self.tracking:
            self.placed[self.index if index is None else index] = (kind, text, turn)

    def _drop(self, block: Block, why: str) -> None:
        self.dropped.append(Dropped(block.line, block.text, why))
        self._place("dropped", block.text)

    def _block(self, index: int, block: Block) -> None:
        if index in self.front.dropped:
            return self._drop(block, self.front.dropped[index])
        if index in self.front.consumed:
            return self._place("metadata", block.text)
        if index == self.title_index:
            self.title = block.text.strip()
            return self._place("title", self.title)
        found = self.roster.at(index)
        if found:
            self.ended, self.tail = False, ""
            return self._label(block, *found)
        if self.tail:
            return self._drop(block, self.tail)
        why = notspeech.reason(block)
        if why == notspeech.SEPARATOR and index > self.last_label and self.turns:
            self.tail = notspeech.AFTER_END  # a rule under the last turn: the footer follows
        if why:
            return self._not_speech(block, why)
        if index > self.last_label and notspeech.is_promotion(block):
            self.tail = notspeech.PROMOTION
            return self._drop(block, self.tail)
        spoken = self.open is not None or bool(self.turns)
        last = index == len(self.blocks) - 1
        if index > self.last_label and spoken and notspeech.is_editor_note(block, last):
            self.tail = notspeech.AFTER_END
            return self._drop(block, notspeech.EDITOR_NOTE)
        if block.new_speaker:
            return self._unknown(block)
        if block.translation and self.open is not None:
            return self._translation(block)
        if block.kind == kinds.HEADING:
            return self._heading(block)
        return self._text(index, block)

    def _not_speech(self, block: Block, why: str) -> None:
        self._drop(block, why)
        if why == notspeech.END:
            self.tail = notspeech.AFTER_END
        source = _SOURCE.match(block.text)
        if source and not self.source_name:
            self.source_name = source.group("name").strip()

    def _label(self, block: Block, speaker: Speaker, label: labels.Label) -> None:
        start = label.time if label.time is not None else block.start
        current = self.open
        if current is None or current.speaker != speaker.name or block.new_speaker:
            self._close()
            current = self._open(speaker.name, block, start)
        if label.text:
            self._append(current, label.text, block)
        else:
            self._place("label", speaker.name)
            if current.chunks:
                current.paragraph_break = True  # `### 名：` again: a new paragraph of the turn
        if block.end is not None:
            current.end = block.end

    def _open(self, speaker: str, block: Block, start: float | None) -> OpenTurn:
        part = self.parts[-1].number if self.parts else None
        topic = self.topics[-1].number if self.topics and self.topics[-1].part == part else None
        turn = OpenTurn(speaker, part, topic, block.line, self.index, start=start)
        for index, direction in self.pending:
            turn.chunks.append(make_chunk(direction, PARAGRAPH_BREAK))
            turn.directions.append(direction)
            self._place("quote", direction, turn, index)
        self.pending = []
        self.open = turn
        return turn

    def _append(self, turn: OpenTurn, text: str, block: Block) -> None:
        lead = labels.LEADING_TIME.match(text)
        if lead and len(text) > lead.end():
            if turn.start is None:
                turn.start = dates.seconds(lead.group("time") or lead.group("plain"))
            text = text[lead.end() :]
        trail = labels.TRAILING_TIME.search(text)
        if trail and trail.start() > 0:
            if turn.start is None and not turn.chunks:
                turn.start = dates.seconds(trail.group("time"))
            text = text[: trail.start()]
        text = text.strip()
        if turn.start is None and block.start is not None:
            turn.start = block.start  # `名` then `00:00:05` alone, then the speech
        if block.gap or turn.paragraph_break or (self.separate_all and block.start is None):
            separator = PARAGRAPH_BREAK
        elif block.start is not None and turn.chunks:  # subtitle cues run on inline
            separator = inline_separator(self._before(turn, text, block), text)
        else:
            separator = "\n"
        # a translation is in the original's language however short it is (`Such as?`)
        turn.chunks.append(
            (text, separator, "en") if block.translation else make_chunk(text, separator)
        )
        turn.paragraph_break = False
        self._place("quote", text.strip(), turn)

    def _translation(self, block: Block) -> None:
        """The open turn's words again in the other language; a label on them (`Ingrid:` under
        `英格丽德：`) is the speaker's name in that language, kept as an alias."""
        text, label = block.text, labels.read_label(block.text)
        if label is not None and label.text:
            text = label.text
            if label.name != self.open.speaker:
                self.translated[(label.name, self.open.speaker)] += 1
        self._append(self.open, text, block)
        if block.end is not None:
            self.open.end = block.end

    @staticmethod
    def _before(turn: OpenTurn, text: str, block: Block) -> str:
        """The text a cue runs on from: a translation runs on from the last one in its own
        language (`Welcome.` + ` You have…`), not from the Chinese line above it."""
        if block.translation:
            same = language(text)
            return next((c[0] for c in reversed(turn.chunks) if c[2] == same), turn.chunks[-1][0])
        return turn.chunks[-1][0]

    def _unknown(self, block: Block) -> None:
        """`>>` without a name: someone else speaks, and the file does not say who."""
        if self.unknown is None:
            self.unknown = Speaker(UNKNOWN_SPEAKER, role="guest", placeholder=True)
        self._close()
        turn = self._open(UNKNOWN_SPEAKER, block, block.start)
        self._append(turn, block.text, block)
        turn.end = block.end

    def _heading(self, block: Block) -> None:
        text = block.text.strip().rstrip(":：").strip()
        if not text:
            return self._drop(block, "empty heading")
        self._close()
        question = headings.QUESTION.match(text)
        marker = headings.PART_MARKER.match(text)
        if question and block.level > self.part_level:
            return self._add_topic(question.group("title"), f"Q{int(question.group('number'))}")
        if (marker and marker.group("title")) or block.level <= self.part_level:
            return self._add_part(headings.heading_title(text))
        return self._add_topic(headings.heading_title(text), "")

    def _text(self, index: int, block: Block) -> None:
        text = block.text.strip()
        paragraph = block.kind == kinds.PARAGRAPH
        part = headings.part_title(text, len(self.parts) + 1) if paragraph else ""
        if part:
            self._close()
            return self._add_part(part)
        bracketed = _BRACKETED.match(text)
        if bracketed and "\n" not in text:
            inner = bracketed.group("inner").strip()
            marker = headings.PART_MARKER.match(inner)
            if marker and marker.group("title"):
                self._close()
                return self._add_part(headings.heading_title(inner))
            if self.open is None and self.last is None and not vocab.has_stage_word(inner):
                pass  # （以下依發言順序整理）before the first turn: the intro
            elif block.kind == kinds.QUOTE or vocab.is_stage_direction(inner):
                return self._direction(text, block)
        topic = headings.topic_title(text, self._topics_in_part() + 1) if paragraph else ""
        if topic:
            self._close()
            return self._add_topic(topic, "")
        question = headings.QUESTION.match(text) if paragraph else None
        if question and index > self.first_label and len(text) <= MAX_QUESTION:
            self._close()
            return self._add_topic(question.group("title"), f"Q{int(question.group('number'))}")
        if self.answers and self.open and self.open.speaker == self.answers[0] and self.open.chunks:
            self._close()  # the plain paragraph after a question: the answer
            self.open = self._open(self.answers[1].name, block, block.start)
        if self.open is not None:
            self._append(self.open, text, block)
            if block.end is not None:
                self.open.end = block.end
        elif self.last is not None and block.kind == kinds.QUOTE:
            self._drop(block, "quoted text between sections, outside any turn")
        elif self.last is not None:  # after a heading: the last speaker goes on
            turn = self._open(self.last.speaker, block, block.start)
            self._append(turn, text, block)
        elif self.sole and index > max(self.front.consumed, default=-1):
            turn = self._open(self.sole, block, block.start)
            self._append(turn, text, block)
        elif block.start is not None or (
            block.kind == kinds.PARAGRAPH and index > self.first_label
        ):
            # time-coded text, or text between labels, before anyone is known to speak
            self._unknown(block)
        else:
            gap = block.gap or self.separate_all
            self.intro.append((text, PARAGRAPH_BREAK if gap else "\n", ""))
            self._place("intro", text)

    def _direction(self, text: str, block: Block) -> None:
        """A bracketed line of its own: a stage direction in the turn it interrupts, or in the
        next one when no one is talking."""
        if self.open is None:
            self.pending.append((self.index, text))
            return
        self.open.directions.append(text)
        self._append(self.open, text, replace(block, gap=True))
        self.open.paragraph_break = True

    def _topics_in_part(self) -> int:
        part = self.parts[-1].number if self.parts else None
        return sum(1 for topic in self.topics if topic.part == part and not topic.label)

    def _add_part(self, title: str) -> None:
        self.parts.append(Part(len(self.parts) + 1, title))
        self._place("title", title)

    def _add_topic(self, title: str, label: str) -> None:
        part = self.parts[-1].number if self.parts else None
        self.topics.append(Topic(len(self.topics) + 1, title.strip(), part, label))
        self._place("title", title.strip())

    def _close(self) -> None:
        turn, self.open = self.open, None
        if turn is None:
            return
        if not turn.chunks:
            message = f"label {turn.speaker!r} is followed by no text"
            self.warnings.append(ParseWarning("empty-turn", message, turn.line))
            block = self.blocks[turn.block]
            self.dropped.append(Dropped(block.line, block.text, "speaker label with no speech"))
            self._place("dropped", block.text, None, turn.block)
            return
        self.last = turn
        self.turns.append(turn)


def make_chunk(text: str, separator: str) -> Chunk:
    return (text, separator, language(text))


def turn_language(turn: OpenTurn) -> str:
    """ "zh" or "en" when every paragraph of the turn is in that language (or neither)."""
    found = {language for _, _, language in turn.chunks} - {""}
    return found.pop() if len(found) == 1 else ""


def join_chunks(chunks) -> str:
    """Paragraphs joined by the separator each was given; the first stands alone."""
    return "".join(chunk[0] if i == 0 else chunk[1] + chunk[0] for i, chunk in enumerate(chunks))
