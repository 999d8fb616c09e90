"""The assembler: a container's blocks and the label stage's roster in, a `Transcript` out.

One walk through the blocks, in reading order, for every format:
- before the first turn: the title, a speech-recognition header (date | length, 关键词,
  文字记录), a guest list (declared speakers, with bios), the intro;
- a block with a speaker label opens a turn, unless the same speaker is already talking (then
  the label only continues the turn); a block without one continues the open turn;
- headings are parts (the shallowest level) and topics (deeper ones, `Q1：…` questions);
  `一、标题` and `第一部分：标题` lines are parts in formats without headings;
- captions, credits, images, links, separators, end markers and the promotion after the last
  turn are no one's speech: they go to the report's `dropped` list with the reason.
Every block ends up somewhere: in a quote, a title, the metadata, or `dropped`.

Bilingual files, where (nearly) every turn is given in Chinese and in another language, get one
quote per turn with the other language kept as its `translation`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace

from . import blocks as kinds
from . import dates, headings, labels, notspeech
from . import vocabulary as vocab
from .blocks import Block, Document
from .front import Front
from .languages import language
from .roster import Roster, find_speakers
from .transcript import (
    Dropped,
    ParseError,
    Part,
    Speaker,
    Topic,
    Transcript,
    Turn,
    Variant,
    Warning,
)

UNKNOWN_SPEAKER = "未知发言人"
UNTITLED = "未命名"
MAX_TITLE = 120
MAX_QUESTION = 80

_BRACKETED = re.compile(r"^\s*[(（【\[](?P<inner>[^\n]+)[)）】\]]\s*$")
_CJK = re.compile(r"[\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_SOURCE = re.compile(rf"^\s*(?:来源|來源|source)\s*{vocab.COLON}\s*(?P<name>.+)$", re.IGNORECASE)


def assemble(document: Document) -> Transcript:
    """The transcript the blocks hold (see the module docstring)."""
    return account(document, placements=False)[0]


@dataclass(frozen=True)
class Placement:
    """Where one block went: `kind` is quote (`number` says which), title, intro, label (a
    label alone on its line: its name is the speaker's), metadata or dropped; `text` is the
    block's text as it was placed there."""

    block: int
    kind: str
    text: str
    number: int | None = None


def account(document: Document, *, placements: bool = True) -> tuple[Transcript, list[Placement]]:
    """The transcript, and where each of the document's blocks went (for the accounting that
    proves nothing is lost; `placements=False` skips keeping them, for big imports)."""
    blocks = document.blocks
    front = Front(blocks)
    declared = _merge_declared(document.speakers, front.guests)
    roster = find_speakers(blocks, declared, skip={*front.consumed, *front.dropped})
    walk = _Walk(blocks, roster, front, declared_title=document.title or front.title)
    walk.tracking = placements
    if not roster.at_block and len(declared) == 1:
        walk.sole = declared[0].name  # a talk: the one declared speaker says everything
    walk.run()
    translated = walk.pair_translations()
    if not walk.turns and roster.at_block:
        raise ParseError(
            "no speaker turns found: every speaker label is followed by no text",
            position=min(roster.at_block),
        )
    if not walk.turns:
        raise ParseError(
            "no speaker turns found: no paragraph opens with a speaker label used at least "
            "twice, a role word (主持人, 观众, 问/答...), a placeholder (说话人1, Speaker 2), a "
            "time, or a declared speaker"
        )
    title = document.title or front.title or walk.title
    warnings = [w for w in roster.warnings if not w.message.startswith(tuple(translated))]
    warnings += walk.warnings
    if not title:
        title = UNTITLED
        warnings.append(Warning("missing-title", f"the file names no title; using {UNTITLED!r}"))
    date, title = _date_and_title(document, title, walk)
    turns = _bilingual(walk.turns)
    transcript = Transcript(
        title=title,
        date=date,
        series=document.series,
        organizer=document.organizer,
        source_name=document.source_name or walk.source_name,
        source_url=document.source_url,
        intro="\n\n".join(text for text in (document.intro, _join(walk.intro)) if text),
        tags=document.tags,
        speakers=_speakers(declared, roster, walk, translated),
        parts=tuple(walk.parts),
        topics=tuple(walk.topics),
        turns=tuple(turns),
        warnings=tuple([*warnings, *document.warnings]),
        dropped=tuple(sorted([*document.dropped, *walk.dropped], key=lambda d: d.line)),
        variants=(*roster.variants, *_translated_variants(translated)),
        format=document.format,
    )
    return transcript, walk.placements()


def _date_and_title(document: Document, title: str, walk: _Walk):
    date, bare = dates.split_date(title)
    if document.title:
        bare = title  # a declared title is kept as written
    found = document.date or date or walk.header_date
    if found is None:
        found = next((d for d in (dates.find_date(t) for t, _, _ in walk.intro[:5]) if d), None)
    return found, bare


def _merge_declared(declared, guests) -> tuple[Speaker, ...]:
    """Front-matter speakers first; guest-list entries add those not already declared."""
    known = {labels.variant_key(s.name) for s in declared}
    return (*declared, *(g for g in guests if labels.variant_key(g.name) not in known))


# The walk ----------------------------------------------------------------------------------


@dataclass(slots=True)
class _Turn:
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


class _Walk:
    """Goes through the blocks once, building turns, parts and topics (module docstring)."""

    def __init__(self, blocks, roster: Roster, front: Front, declared_title="") -> None:
        self.blocks = blocks
        self.roster = roster
        self.front = front
        self.turns: list[Turn] = []
        self.parts: list[Part] = []
        self.topics: list[Topic] = []
        self.intro: list[Chunk] = []
        self.dropped: list[Dropped] = []
        self.warnings: list[Warning] = []
        self.title = ""
        self.source_name = ""
        self.header_date = front.header_date
        self.unknown: Speaker | None = None
        self.open: _Turn | None = None
        self.last: _Turn | None = None
        self.pending: list[tuple[int, str]] = []  # (block index, stage direction)
        self.index = 0
        self.placed: dict[int, tuple[str, str, _Turn | None]] = {}
        self.merged: dict[int, _Turn] = {}  # id of a turn given again in another language
        self.tracking = True  # keep where each block went (`placements`)
        self.sole = ""  # the one declared speaker of a file without labels (a talk)
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
                last.chunks.append(_chunk(direction, PARAGRAPH_BREAK))
                last.directions.append(direction)
                self._place("quote", direction, last, index)

    def pair_translations(self) -> dict[str, str]:
        """Turn pairs that give one turn twice, in Chinese and in the original language,
        under two labels (`主持人：…` then `Host: …`): one turn, the other label an alias.
        Returns the other-language label → (the speaker it is, turns)."""
        pairs, index, turns = [], 0, self.turns
        while index + 1 < len(turns):
            first, second = turns[index], turns[index + 1]
            languages = {_turn_language(first), _turn_language(second)}
            if languages == {"zh", "en"} and first.speaker != second.speaker:
                zh, en = (first, second) if _turn_language(first) == "zh" else (second, first)
                if (zh.part, zh.topic) == (en.part, en.topic):
                    pairs.append((zh, en))
                    index += 2
                    continue
            index += 1
        names = {(zh.speaker, en.speaker) for zh, en in pairs}
        one_to_one = len({z for z, _ in names}) == len(names) == len({e for _, e in names})
        both = sum(1 for t in turns if {"zh", "en"} <= {c[2] for c in t.chunks})  # one label
        if len(turns) < 4 or not one_to_one or len(pairs) * 2 + both < 0.8 * len(turns):
            return {}
        for zh, en in pairs:
            zh.chunks += [_chunk(text, PARAGRAPH_BREAK) for text, _, _ in en.chunks]
            zh.start = min((t for t in (zh.start, en.start) if t is not None), default=None)
            zh.end = en.end if en.end is not None else zh.end
            self.merged[id(en)] = zh
        self.turns = [t for t in turns if id(t) not in self.merged]
        counts = Counter(en.speaker for _, en in pairs)
        return {en: (zh, counts[en]) for zh, en in names}

    def placements(self) -> list[Placement]:
        numbers = {id(turn): number for number, turn in enumerate(self.turns, start=1)}
        numbers |= {key: numbers[id(turn)] for key, turn in self.merged.items()}
        return [
            Placement(index, kind, text, numbers.get(id(turn)) if turn else None)
            for index, (kind, text, turn) in sorted(self.placed.items())
        ]

    def _place(self, kind: str, text: str, turn: _Turn | None = None, index=None) -> None:
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
        if block.new_speaker:
            return self._unknown(block)
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

    def _open(self, speaker: str, block: Block, start: float | None) -> _Turn:
        part = self.parts[-1].number if self.parts else None
        topic = self.topics[-1].number if self.topics and self.topics[-1].part == part else None
        turn = _Turn(speaker, part, topic, block.line, self.index, start=start)
        for index, direction in self.pending:
            turn.chunks.append(_chunk(direction, PARAGRAPH_BREAK))
            turn.directions.append(direction)
            self._place("quote", direction, turn, index)
        self.pending = []
        self.open = turn
        return turn

    def _append(self, turn: _Turn, text: str, block: Block) -> None:
        lead = labels.LEADING_TIME.match(text)
        if lead and len(text) > lead.end():
            if turn.start is None:
                turn.start = labels.seconds(lead.group("time") or lead.group("plain"))
            text = text[lead.end() :]
        text = text.strip()
        if block.gap or turn.paragraph_break or (self.separate_all and block.start is None):
            separator = PARAGRAPH_BREAK
        elif block.start is not None and turn.chunks:  # subtitle cues run on inline
            before = turn.chunks[-1][0][-1:]
            separator = "" if _CJK_EDGE.match(before) or _CJK_EDGE.match(text[:1]) else " "
        else:
            separator = "\n"
        turn.chunks.append(_chunk(text, separator))
        turn.paragraph_break = False
        self._place("quote", text.strip(), turn)

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
            self.warnings.append(Warning("empty-turn", message, turn.line))
            block = self.blocks[turn.block]
            self.dropped.append(Dropped(block.line, block.text, "speaker label with no speech"))
            self._place("dropped", block.text, None, turn.block)
            return
        self.last = turn
        self.turns.append(turn)


# After the walk ----------------------------------------------------------------------------


PARAGRAPH_BREAK = "\n\n"
Chunk = tuple[str, str, str]  # (text, the separator before it, its language)
_CJK_EDGE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


def _chunk(text: str, separator: str) -> Chunk:
    return (text, separator, language(text))


def _turn_language(turn: _Turn) -> str:
    """ "zh" or "en" when every paragraph of the turn is in that language (or neither)."""
    found = {language for _, _, language in turn.chunks} - {""}
    return found.pop() if len(found) == 1 else ""


def _translated_variants(translated: dict[str, tuple[str, int]]) -> list[Variant]:
    return [Variant(label, speaker, turns) for label, (speaker, turns) in translated.items()]


def _bilingual(turns: list[_Turn]) -> list[Turn]:
    """Turns, numbered; in a bilingual file the non-Chinese paragraphs become the
    translation."""
    both = [t for t in turns if {"zh", "en"} <= {language for _, _, language in t.chunks}]
    bilingual = len(both) >= 2 and len(both) * 2 >= len(turns)
    result = []
    for number, turn in enumerate(turns, start=1):
        chunks, other = turn.chunks, []
        if bilingual and turn in both:
            other = [chunk for chunk in chunks if chunk[2] == "en"]
            chunks = [chunk for chunk in chunks if chunk[2] != "en"]
        text = _join(chunks)
        result.append(
            Turn(
                number=number,
                speaker=turn.speaker,
                text=text,
                part=turn.part,
                topic=turn.topic,
                stage_directions=_directions(text, turn.directions),
                start=turn.start,
                end=turn.end,
                translation=_join(other),
            )
        )
    return result


def _directions(text: str, written: list[str]) -> tuple[str, ...]:
    """Stage directions in the order they stand: bracketed lines of their own, and bracketed
    remarks with a stage word inside the speech (（笑）, (laughter))."""
    found = {m.start(): m.group() for m in vocab.STAGE_DIRECTION.finditer(text)}
    found = {at: d for at, d in found.items() if vocab.is_stage_direction(d[1:-1])}
    at = 0
    for direction in written:
        at = text.find(direction, at)
        if at >= 0:
            found[at] = direction
            at += len(direction)
    return tuple(found[key] for key in sorted(found))


def _join(chunks) -> str:
    """Paragraphs joined by the separator each was given; the first stands alone."""
    return "".join(chunk[0] if i == 0 else chunk[1] + chunk[0] for i, chunk in enumerate(chunks))


def _speakers(declared, roster: Roster, walk: _Walk, translated) -> tuple[Speaker, ...]:
    """Declared speakers first (in their order), then the others as they first speak; a
    speaker whose labels all lead to no text is left out unless declared."""
    speaking = {turn.speaker for turn in walk.turns}
    ordered = {}
    for speaker in declared:
        found = roster.speakers.get(speaker.name, speaker)
        ordered[speaker.name] = found
    aliases = {}
    for other, (name, _) in translated.items():
        aliases.setdefault(name, []).append(other)
    for name, speaker in roster.speakers.items():
        if name in speaking:
            extra = tuple(aliases.get(name, ()))
            ordered.setdefault(name, replace(speaker, aliases=(*speaker.aliases, *extra)))
    if walk.unknown is not None and UNKNOWN_SPEAKER in speaking:
        ordered.setdefault(UNKNOWN_SPEAKER, walk.unknown)
    return tuple(ordered.values())
