"""Markdown with a speaker heading before every paragraph: `# 2017-04-07 title`, then
`### 名：` (or `### 名（主持）：`) before each paragraph, `##` headings for parts and `> （…）`
blockquotes for stage directions or part markers.

Speakers come only from `###` headings that end in a colon and read like a name, never from
sentences. Consecutive paragraphs of one speaker form one turn (a stage direction does not break
it); a part or topic heading always does. Roles come from role words in the label or its
bracketed note; a bare 主持人 heading is the one named host when the transcript declares one.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from . import vocabulary as vocab
from .transcript import ParseError, Part, Speaker, Topic, Transcript, Turn, Warning

FORMAT = "markdown"

_ROLE_BY_LENGTH = sorted(vocab.ROLE_WORDS, key=len, reverse=True)

_HEADING = re.compile(r"#{1,6}(?=\s|$)")
_SPEAKER_LABEL = re.compile(
    r"(?P<name>[^()（）:：]+?)\s*(?:[(（](?P<note>[^()（）]*)[)）])?\s*[:：]"
)
_SEAT = re.compile(r"(?:\d{1,3}|(?<=[^\x00-\x7f])[A-Za-z]|[一二三四五六七八九十]{1,3})$")
_TIMESTAMP = re.compile(r"\d{1,2}(?::\d{2}){1,2}")
_NOT_A_NAME = re.compile(rf"[{re.escape(vocab.SENTENCE_ENDS)}，,、「」《》“”]")
_DATE = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*")
_PART_MARKER = re.compile(
    rf"(?:第\s*(?:{vocab.CHINESE_NUMERAL}|\d{{1,2}})\s*"
    r"(?:部分|單元|单元|環節|环节|場|场|節|节|輪|轮|篇|章|部)"
    r"|(?:part|session|section)\s+\d{1,2}\b)\s*[:：、.]?\s*(?P<title>.*)",
    re.IGNORECASE,
)
_NUMBERING = re.compile(rf"(?:{vocab.CHINESE_NUMERAL}|\d{{1,2}})\s*[、.．]\s*(?P<title>.+)")
_QUESTION = re.compile(r"[QＱ]\s*(?P<number>\d{1,3})\s*[:：.、]?\s*(?P<title>.*)")
_BRACKETED = re.compile(r"[(（【\[](?P<inner>[^\n]+)[)）】\]]")
_RULE = re.compile(r"(?:-{3,}|\*{3,}|_{3,})")
MAX_NAME = 40


@dataclass(frozen=True)
class _Block:
    kind: str  # "heading", "quote", "paragraph"
    text: str
    position: int
    level: int = 0


@dataclass
class _OpenTurn:
    speaker: str
    part: int | None
    topic: int | None
    position: int
    paragraphs: list[str] = field(default_factory=list)
    directions: list[str] = field(default_factory=list)


def looks_like(text: str) -> bool:
    """At least one `### 名：` line: nothing else puts a colon-ended label in a heading."""
    return any(_speaker_label(block) for block in _blocks(text) if block.kind == "heading")


def parse(text: str) -> Transcript:
    blocks = _blocks(text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n"))
    for block in blocks:
        if block.kind == "heading" and not block.text.strip("#:： \t"):
            raise ParseError("empty heading: a '#' line with no text", position=block.position)
    labels = [label for block in blocks if (label := _speaker_label(block))]
    if not labels:
        raise ParseError(
            "no speaker turns found: no '### 名：' heading (a name, optionally with a role in "
            "brackets, then a colon) in the text"
        )
    title_block = next((b for b in blocks if b.kind == "heading" and b.level == 1), None)
    if title_block is None:
        raise ParseError("no title: the transcript needs a '# date title' first line")
    walk = _Walk(_roster(labels))
    walk.run([b for b in blocks if b is not title_block])
    if not walk.turns:
        raise ParseError(
            "no speaker turns found: every '### 名：' heading is followed by no text",
            position=labels[0][3],
        )
    date, title = _date_and_title(title_block.text)
    warnings = list(walk.warnings)
    if date is None and _DATE.match(title_block.text):
        warnings.append(Warning("bad-date", f"not a calendar date: {title_block.text!r}"))
    return Transcript(
        title=title,
        date=date,
        intro="\n\n".join(walk.intro),
        speakers=tuple(walk.speakers.values()),
        parts=tuple(walk.parts),
        topics=tuple(walk.topics),
        turns=tuple(walk.turns),
        warnings=tuple(warnings),
        format=FORMAT,
    )


def _blocks(text: str) -> list[_Block]:
    """Headings, blockquotes and paragraphs with their character offsets; rules dropped."""
    blocks: list[_Block] = []
    position = 0
    for line in text.split("\n"):
        stripped = line.strip()
        heading = _HEADING.match(stripped)
        previous = blocks[-1] if blocks else None
        if heading:
            blocks.append(
                _Block("heading", stripped[heading.end() :].strip(), position, heading.end())
            )
        elif stripped.startswith(">"):
            quoted = stripped.lstrip(">").strip()
            if previous and previous.kind == "quote":
                blocks[-1] = _Block(
                    "quote", f"{previous.text}\n{quoted}".strip(), previous.position
                )
            else:
                blocks.append(_Block("quote", quoted, position))
        elif not stripped or _RULE.fullmatch(stripped):
            blocks.append(_Block("blank", "", position))
        elif previous and previous.kind == "paragraph":
            blocks[-1] = _Block("paragraph", f"{previous.text}\n{stripped}", previous.position)
        else:
            blocks.append(_Block("paragraph", stripped, position))
        position += len(line) + 1
    return [b for b in blocks if b.kind != "blank" and (b.kind != "quote" or b.text)]


def _speaker_label(block: _Block) -> tuple[str, str, str, int] | None:
    """(name, note, role, position) when the heading is `### 名：`/`### 名（主持）：` and the
    name reads like a name: short, no sentence punctuation, not a part marker."""
    if block.kind != "heading" or block.level < 3:
        return None
    match = _SPEAKER_LABEL.fullmatch(block.text)
    if not match:
        return None
    name = " ".join(match.group("name").split())
    note = (match.group("note") or "").strip()
    if len(name) > MAX_NAME or _NOT_A_NAME.search(name) or _PART_MARKER.fullmatch(name):
        return None
    if any(name.startswith(word) for word in vocab.CREDIT_WORDS):
        return None
    return name, note, _role(name, note), block.position


def _role(name: str, note: str) -> str:
    """The role a role word gives: the label itself (提問者2), else its note (座談會主持人)."""
    word = _SEAT.sub("", name) or name
    if vocab.role_of_word(word):
        return vocab.role_of_word(word)
    lowered = note.lower()
    return next((vocab.ROLE_WORDS[w] for w in _ROLE_BY_LENGTH if w in lowered), "")


def _roster(labels: list[tuple[str, str, str, int]]) -> dict[str, Speaker]:
    """Name → speaker, first role and note win; a bare host role word (主持人) becomes the one
    person declared host by a note, so 王芳（主持人） and 主持人 are one speaker."""
    roster: dict[str, Speaker] = {}
    for name, note, role, _ in labels:
        bio = "" if not note or _role("", note) or _TIMESTAMP.fullmatch(note) else note
        if name not in roster:
            roster[name] = Speaker(name=name, role=role or "guest", bio=bio)
        elif role and roster[name].role == "guest" and not vocab.role_of_word(name):
            roster[name] = Speaker(name=name, role=role, bio=roster[name].bio or bio)
    hosts = [s for s in roster.values() if s.role == "host" and not vocab.role_of_word(s.name)]
    if len(hosts) == 1:
        for word, role in vocab.ROLE_WORDS.items():
            if role == "host" and word in roster:
                roster[word] = hosts[0]
    return roster


def _date_and_title(heading: str) -> tuple[datetime.date | None, str]:
    match = _DATE.match(heading)
    if not match:
        return None, heading
    title = heading[match.end() :].strip() or heading
    try:
        return datetime.date(*(int(g) for g in match.groups())), title
    except ValueError:
        return None, title


def _heading_title(text: str) -> str:
    """A part or topic title without its numbering: `一、开场` → 开场, `第一部分：开场` → 开场."""
    for pattern in (_PART_MARKER, _NUMBERING):
        match = pattern.fullmatch(text)
        if match and match.group("title").strip():
            return match.group("title").strip()
    return text


class _Walk:
    """Goes through the blocks in reading order, merging a speaker's paragraphs into turns."""

    def __init__(self, roster: dict[str, Speaker]) -> None:
        self.roster = roster
        self.speakers: dict[str, Speaker] = {}
        self.parts: list[Part] = []
        self.topics: list[Topic] = []
        self.turns: list[Turn] = []
        self.warnings: list[Warning] = []
        self.intro: list[str] = []
        self.part: int | None = None
        self.topic: int | None = None
        self.open: _OpenTurn | None = None
        self.pending: list[str] = []  # stage directions waiting for the next turn

    def run(self, blocks: list[_Block]) -> None:
        for block in blocks:
            label = _speaker_label(block)
            if label:
                self._speak(self.roster[label[0]], block.position)
            elif block.kind == "heading":
                self._heading(block)
            elif block.kind == "quote" and _BRACKETED.fullmatch(block.text):
                self._bracketed(block)
            else:
                self._paragraph(block)
        self._close()
        if self.pending and self.turns:
            last = self.turns[-1]
            text = "\n\n".join([last.text, *self.pending])
            directions = (*last.stage_directions, *self.pending)
            self.turns[-1] = Turn(
                last.number, last.speaker, text, last.part, last.topic, directions
            )

    def _speak(self, speaker: Speaker, position: int) -> None:
        """A heading of the speaker already talking continues the turn; anyone else opens one."""
        if self.open and self.open.speaker == speaker.name:
            return
        self._close()
        self.open = _OpenTurn(speaker.name, self.part, self.topic, position)
        self.open.paragraphs.extend(self.pending)
        self.open.directions.extend(self.pending)
        self.pending = []

    def _heading(self, block: _Block) -> None:
        """`#`/`##` and part-like headings are parts; deeper ones are topics (Q1 …: a question)."""
        self._close()
        if block.level <= 2 or _PART_MARKER.fullmatch(block.text.rstrip(":：")):
            self._new_part(block.text.rstrip(":："))
            return
        question = _QUESTION.fullmatch(block.text)
        label = f"Q{int(question.group('number'))}" if question else ""
        title = question.group("title").strip() if question else ""
        number = len(self.topics) + 1
        self.topics.append(Topic(number, title or _heading_title(block.text), self.part, label))
        self.topic = number

    def _bracketed(self, block: _Block) -> None:
        """`> （第二部分：問答）` announces a part; any other bracketed blockquote is a stage
        direction kept in the turn it interrupts (or the next one, if no turn is open)."""
        inner = _BRACKETED.fullmatch(block.text).group("inner").strip()
        if _PART_MARKER.fullmatch(inner):
            self._close()
            self._new_part(inner)
        elif self.open:
            self.open.paragraphs.append(block.text)
            self.open.directions.append(block.text)
        else:
            self.pending.append(block.text)

    def _paragraph(self, block: _Block) -> None:
        if self.open:
            self.open.paragraphs.append(block.text)
            self.open.directions.extend(vocab.stage_directions(block.text))
        elif not self.turns and self.part is None:
            self.intro.append(block.text)
        else:
            self.warnings.append(
                Warning(
                    "unattributed",
                    f"left out text under no speaker heading: {block.text[:60]!r}",
                    block.position,
                )
            )

    def _new_part(self, text: str) -> None:
        self.part = len(self.parts) + 1
        self.topic = None
        self.parts.append(Part(self.part, _heading_title(text)))

    def _close(self) -> None:
        turn, self.open = self.open, None
        if turn is None:
            return
        if not turn.paragraphs:
            self.warnings.append(
                Warning(
                    "empty-turn",
                    f"heading {turn.speaker!r} is followed by no text",
                    turn.position,
                )
            )
            return
        self.speakers.setdefault(turn.speaker, self.roster[turn.speaker])
        self.turns.append(
            Turn(
                number=len(self.turns) + 1,
                speaker=turn.speaker,
                text="\n\n".join(turn.paragraphs),
                part=turn.part,
                topic=turn.topic,
                stage_directions=tuple(turn.directions),
            )
        )
