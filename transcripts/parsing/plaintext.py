"""Plain text: a title line (optionally `date title`), an optional intro, then paragraphs that
open with a speaker label (`名：…`, see `labels`) or follow a name standing alone on its line.

Every non-empty line is a paragraph. A paragraph without a label continues the speaker before
it; consecutive paragraphs of one speaker form one turn, joined by a blank line ("\\n\\n") when
the source separated them by one (or never uses blank lines) and by "\\n" inside a block.
`一、标题` lines are parts. Credit lines (`摄影：…`, `来源：…`) are dropped and listed in a
warning; `来源：` also fills the source name.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from . import labels
from . import vocabulary as vocab
from .transcript import ParseError, Part, Speaker, Topic, Transcript, Turn, Warning

FORMAT = "plaintext"

_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?")
_TRAILING_DATE = re.compile(rf"[\s(（|｜—-]+{_DATE.pattern}[)）]?$")
_PART = re.compile(rf"^\s*(?P<numeral>{vocab.CHINESE_NUMERAL})\s*、\s*(?P<title>\S.{{0,39}})$")
_SOURCE = re.compile(rf"^\s*(?:来源|來源|source)\s*{vocab.COLON}\s*(?P<name>.+)$", re.IGNORECASE)
MIN_LABELLED = 2


@dataclass(frozen=True)
class Line:
    text: str
    position: int
    gap: bool  # a blank line comes before it


def lines_of(text: str) -> list[Line]:
    """The non-empty lines, stripped, with where they start."""
    found, position, gap = [], 0, False
    for raw in text.split("\n"):
        stripped = raw.strip().lstrip("\ufeff")
        if stripped:
            found.append(Line(stripped, position, gap))
        gap = not stripped
        position += len(raw) + 1
    return found


def looks_like(text: str) -> bool:
    """At least two paragraphs open with the label of a real speaker."""
    body = [line.text for line in lines_of(text)[1:]]
    roster = labels.find_roster(body)
    return sum(1 for line in body if labels.match(line, roster)) >= MIN_LABELLED


def parse(text: str) -> Transcript:
    lines = lines_of(text)
    if not lines:
        raise ParseError("the text is empty")
    body = lines[1:]
    roster = labels.find_roster([line.text for line in body])
    if labels.match(lines[0].text, roster):
        raise ParseError("the first line should be the title, not a speaker label", position=0)
    builder = TurnBuilder(roster, separate_all=not any(line.gap for line in body))
    for line in body:
        if not builder.credit(line) and not builder.label(line):
            title = _part_title(line.text, len(builder.parts) + 1)
            if title:
                builder.add_part(title)
            else:
                builder.prose(line)
    date, title = split_date(lines[0].text)
    return builder.transcript(title=title, date=date or builder.intro_date(), format=FORMAT)


def _part_title(line: str, expected: int) -> str:
    """`一、开场` when 一 is the next part number and the title is unpunctuated; else ""."""
    match = _PART.match(line)
    if not match or vocab.chinese_number(match.group("numeral")) != expected:
        return ""
    title = match.group("title")
    return "" if re.search(rf"[{re.escape(vocab.SENTENCE_ENDS)}，,]", title) else title


def split_date(line: str) -> tuple[datetime.date | None, str]:
    """`2024-05-18 标题` or `标题 2024-05-18` / `标题（2024年5月18日）` → (date, 标题); a line
    without a date at either end is all title."""
    line = line.strip()
    match = _DATE.match(line)
    if match:
        return to_date(match), line[match.end() :].strip(" -—|｜:：") or line
    match = _TRAILING_DATE.search(line)
    if match and match.start() > 0:
        return to_date(match), line[: match.start()].strip(" -—|｜:：") or line
    return None, line


def to_date(match: re.Match[str]) -> datetime.date | None:
    try:
        return datetime.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


@dataclass
class _Turn:
    speaker: str
    chunks: list[str]
    part: int | None
    topic: int | None
    position: int


@dataclass
class TurnBuilder:
    """Turns paragraphs into turns, parts and topics; shared by the plain and bold formats."""

    roster: dict[str, Speaker]
    separate_all: bool = False
    declared: tuple[Speaker, ...] = ()
    intro: list[str] = field(default_factory=list)
    turns: list[_Turn] = field(default_factory=list)
    parts: list[Part] = field(default_factory=list)
    topics: list[Topic] = field(default_factory=list)
    credits: list[str] = field(default_factory=list)
    warnings: list[Warning] = field(default_factory=list)
    spoken: dict[str, Speaker] = field(default_factory=dict)
    open_turn: _Turn | None = None

    def credit(self, line: Line) -> bool:
        if not labels.is_credit(line.text):
            return False
        self.credits.append(line.text)
        return True

    def label(self, line: Line) -> bool:
        found = labels.match(line.text, self.roster)
        if not found:
            return False
        speaker, label = found
        self.spoken.setdefault(speaker.name, speaker)
        current = self.open_turn
        if current is None or current.speaker != speaker.name:
            self._close()
            current = _Turn(speaker.name, [], self._part(), self._topic(), line.position)
            self.open_turn = current
        if label.text:
            self._append(current, label.text, line.gap)
        return True

    def prose(self, line: Line) -> None:
        if self.open_turn is None:
            self.intro.append(line.text)
        else:
            self._append(self.open_turn, line.text, line.gap)

    def add_part(self, title: str) -> None:
        self._close()
        self.parts.append(Part(number=len(self.parts) + 1, title=title))

    def add_topic(self, title: str, label: str = "") -> None:
        self._close()
        number = len(self.topics) + 1
        self.topics.append(Topic(number=number, title=title, part=self._part(), label=label))

    def _part(self) -> int | None:
        return self.parts[-1].number if self.parts else None

    def _topic(self) -> int | None:
        if self.topics and self.topics[-1].part == self._part():
            return self.topics[-1].number
        return None

    def _append(self, turn: _Turn, text: str, gap: bool) -> None:
        if turn.chunks:
            turn.chunks.append("\n\n" if gap or self.separate_all else "\n")
        turn.chunks.append(text)

    def _close(self) -> None:
        current, self.open_turn = self.open_turn, None
        if current is None:
            return
        if current.chunks:
            self.turns.append(current)
        else:
            message = f"label {current.speaker!r} is followed by no text"
            self.warnings.append(Warning("empty-turn", message, current.position))

    def intro_date(self) -> datetime.date | None:
        for line in self.intro[:5]:
            match = _DATE.search(line)
            if match:
                return to_date(match)
        return None

    def transcript(self, **fields) -> Transcript:
        self._close()
        if not self.turns:
            raise ParseError(
                "no speaker turns found: no paragraph opens with a speaker label used at least "
                "twice, a role word (主持人, 观众, 问/答...) or a declared speaker"
            )
        if not fields.get("title"):
            raise ParseError("no title line before the transcript", position=0)
        turns = tuple(
            Turn(
                number=number,
                speaker=turn.speaker,
                text="".join(turn.chunks),
                part=turn.part,
                topic=turn.topic,
                stage_directions=vocab.stage_directions("".join(turn.chunks)),
            )
            for number, turn in enumerate(self.turns, start=1)
        )
        return Transcript(
            speakers=self._speakers(),
            turns=turns,
            parts=tuple(self.parts),
            topics=tuple(self.topics),
            intro=fields.pop("intro", None) or "\n".join(self.intro),
            source_name=fields.pop("source_name", "") or self._source(),
            warnings=tuple(self._warnings()),
            **fields,
        )

    def _speakers(self) -> tuple[Speaker, ...]:
        """Declared speakers first (in their order), then the others as they first speak."""
        ordered = {s.name: self.spoken.get(s.name, s) for s in self.declared}
        for speaker in self.spoken.values():
            ordered.setdefault(speaker.name, speaker)
        return tuple(ordered.values())

    def _source(self) -> str:
        for line in self.credits:
            match = _SOURCE.match(line)
            if match:
                return match.group("name").strip()
        return ""

    def _warnings(self) -> list[Warning]:
        if not self.credits:
            return self.warnings
        listed = "; ".join(self.credits)
        return [*self.warnings, Warning("credit", f"left out credit lines: {listed}")]
