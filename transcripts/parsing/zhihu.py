"""A Zhihu article dumped to plain text: title line, metadata line, then ONE line that runs the
intro, the guest list, the numbered parts, sub-headings, speaker turns, audience Q&A and the
footer together, then a machine summary and related-links junk.

Everything is found from the text itself. The roster comes from the guest list
(`@handle 名:bio`, `主持人 @handle :bio`) plus role words (主持人, 观众...); a turn is the text
between a roster label (`名:` / `名 ：`) and the next boundary (label, part heading, audience
question, footer). Sub-headings carry no markup: they are the short unpunctuated tail left after
the last sentence of a turn, right before the next label.
"""

from __future__ import annotations

import datetime
import re
from bisect import bisect_left
from dataclasses import dataclass

from . import dates
from . import vocabulary as vocab
from .assemble import assemble
from .blocks import HEADING, PARAGRAPH, Block, Document
from .transcript import Dropped, ParseError, ParseWarning, Speaker, Transcript

FORMAT = "zhihu"

_TITLE_SEPARATORS = re.compile(r"\s*[|｜丨]\s*")
_SERIES_SUFFIX = re.compile(r"(?:文字实录|图文实录|实录|全文|整理稿)$")
_META_LINE = re.compile(r"原文约|阅读约需|发表于|编辑于|发布于")
_ROLE_ALTERNATION = "|".join(sorted(map(re.escape, vocab.ROLE_WORDS), key=len, reverse=True))
_GUEST_ENTRY = re.compile(
    rf"(?:(?P<role>{_ROLE_ALTERNATION})\s*)?@(?P<handle>[^\s@:：]{{1,40}})"
    rf"(?:\s+(?P<name>[^\s@:：]{{1,20}}))?\s*{vocab.COLON}"
)
_PART_HEADING = re.compile(rf"({vocab.CHINESE_NUMERAL})、")
_QUESTION_HEADING = re.compile(rf"[QＱ]\s*(\d{{1,3}})\s*{vocab.COLON}")
_SENTENCE_END = re.compile(
    rf"(?:[{re.escape(vocab.SENTENCE_ENDS)}]|\.(?=\s|$))[{re.escape(vocab.CLOSERS)}]*"
    r"(?:\s*[(（][^()（）]{0,30}[)）])*"
)
_CREDIT = re.compile(
    "(?:"
    + "|".join(sorted(map(re.escape, vocab.CREDIT_WORDS), key=len, reverse=True))
    + ")"
    + rf"\s*{vocab.COLON}"
    + "|"
    + "|".join(map(re.escape, vocab.FOOTER_MARKERS))
)
_SOURCE = re.compile(
    rf"(?:来源|來源)\s*{vocab.COLON}\s*(?P<name>[^\s:：]+)"
    r"(?:\s+(?P<url>(?:https?://)?[\w-]+(?:\.[\w-]+)+(?:/\S*)?))?"
)
_AUTHOR = re.compile(rf"作者\s*{vocab.COLON}\s*(?P<name>[^\s:：【]+)")
MAX_HEADING = 40
MAX_PART_TITLE = 60
MAX_QUESTION_TITLE = 80


@dataclass(frozen=True)
class _Boundary:
    start: int
    end: int
    kind: str  # "label", "part", "question", "footer"
    value: str = ""
    number: int = 0


def looks_like(text: str) -> bool:
    """One very long line holding most of the text, with colons in it: the Zhihu dump."""
    body = _body_line(text.split("\n"))[1]
    return len(body) >= 0.6 * len(text.strip()) and len(re.findall(vocab.COLON, body)) >= 2


def read(text: str) -> Document:
    """The dump as blocks: part and question headings, one paragraph per turn with the speaker
    its label names (found by the guest list's names, inside the one long line), sub-headings;
    the guest list as declared speakers; the head and footer as metadata."""
    lines = text.split("\n")
    body_index, body = _body_line(lines)
    title_index = next((i for i in range(body_index) if lines[i].strip()), None)
    if title_index is None:
        raise ParseError("no title line before the transcript", position=0)
    title_line = lines[title_index].strip()
    head = [
        (i + 1, lines[i].strip()) for i in range(title_index + 1, body_index) if lines[i].strip()
    ]

    guests, guest_start, guest_end = _guest_list(body)
    speakers = _roster(guests)
    boundaries = _boundaries(body, guest_end, _label_pattern(speakers))
    if not any(b.kind == "label" for b in boundaries):
        raise ParseError(
            "no speaker turns found: no '名:' label of a listed guest or a role word "
            "(主持人, 观众, 嘉宾...) in the text"
        )
    walk = _Walk(body, boundaries, speakers, line=body_index + 1)
    walk.run()
    title, series = _title_and_series(title_line)
    tail = [
        (i + 1, lines[i].strip()) for i in range(body_index + 1, len(lines)) if lines[i].strip()
    ]
    footer = body[walk.footer_start :] + "\n" + "\n".join(line for _, line in tail)
    source = _SOURCE.search(footer)
    author = _AUTHOR.search(footer)
    intro = [line for _, line in head if not _META_LINE.search(line)]
    intro.append(body[:guest_start].strip())
    dropped = list(walk.dropped)
    if body[walk.footer_start :].strip():
        dropped.append(Dropped(body_index + 1, body[walk.footer_start :].strip(), FOOTER))
    dropped += [Dropped(number, line, _tail_reason(line, title_line)) for number, line in tail]
    return Document(
        blocks=tuple(walk.blocks),
        format=FORMAT,
        title=title,
        series=series,
        date=_date([line for _, line in head]),
        organizer=author.group("name") if author else "",
        source_name=source.group("name") if source else "",
        source_url=_url(source.group("url")) if source and source.group("url") else "",
        intro="\n".join(part for part in intro if part),
        speakers=tuple(_listed(speakers)),
        dropped=tuple(dropped),
        warnings=tuple(walk.warnings),
        consumed=((title_index + 1, "title"), *((n, "metadata") for n, _ in head)),
    )


FOOTER = "footer after the transcript (its source and author are kept as metadata)"


def _tail_reason(line: str, title_line: str) -> str:
    """What the lines after the dump's body are: the title again, related links, a summary."""
    if line == title_line:
        return "the title repeated after the transcript"
    if any(marker in line for marker in vocab.FOOTER_MARKERS):
        return "related links after the transcript"
    return "summary after the transcript"


def _listed(roster: dict[str, Speaker]) -> list[Speaker]:
    """The guest list's people, each once, in list order."""
    listed = []
    for speaker in roster.values():
        if speaker.handle and speaker not in listed:
            listed.append(speaker)
    return listed


def _index_of(lines: list[str], stripped: str) -> int:
    for index, line in enumerate(lines):
        if line.strip() == stripped:
            return index
    return -1


def _body_line(lines: list[str]) -> tuple[int, str]:
    """The line that carries the transcript: the one with the most colons, then the longest."""
    best = max(
        range(len(lines)),
        key=lambda i: (len(re.findall(vocab.COLON, lines[i])) >= 2, len(lines[i])),
    )
    return best, lines[best]


def _title_and_series(line: str) -> tuple[str, str]:
    pieces = _TITLE_SEPARATORS.split(line, maxsplit=1)
    if len(pieces) == 1:
        return line, ""
    return pieces[0], _SERIES_SUFFIX.sub("", pieces[1]).strip()


def _date(head: list[str]) -> datetime.date | None:
    """The date the first dated line of the header names (None if that date is impossible)."""
    return dates.to_date(next(filter(None, map(dates.DATE.search, head)), None))


def _url(raw: str) -> str:
    return raw if raw.startswith(("http://", "https://")) else f"https://{raw}"


def _guest_list(body: str) -> tuple[list[Speaker], int, int]:
    """The guests, where the guest list starts, and where it ends (the first part heading or
    the first role-word label after it)."""
    markers = [body.find(m) for m in vocab.GUEST_LIST_MARKERS if m in body]
    start = min(markers) if markers else -1
    entries_from = start if start >= 0 else 0
    end = _first_structure(body, entries_from)
    entries = list(_GUEST_ENTRY.finditer(body, entries_from, end))
    if start < 0:
        if not entries:
            return [], 0, 0
        start = entries[0].start()
    guests = []
    for index, entry in enumerate(entries):  # a marker may stand before no entry at all
        bio_end = entries[index + 1].start() if index + 1 < len(entries) else end
        name = entry.group("name") or entry.group("handle")
        role = vocab.ROLE_WORDS.get(entry.group("role") or "", "guest")
        guests.append(
            Speaker(
                name=name,
                role=role,
                handle=entry.group("handle"),
                bio=body[entry.end() : bio_end].strip(),
            )
        )
    if guests:
        # A guest's own name followed by a colon inside the list is not a turn.
        names = _label_pattern(_roster(guests))
        for match in names.finditer(body, entries[-1].end(), end):
            end = match.start()
            break
        last = guests[-1]
        guests[-1] = Speaker(
            last.name, last.role, last.handle, body[entries[-1].end() : end].strip()
        )
    return guests, start, end


def _first_structure(body: str, start: int) -> int:
    """Where the guest list must end at the latest: the part heading 一、 or a role-word label."""
    candidates = [len(body)]
    heading = re.search(r"一、", body[start:])
    if heading:
        candidates.append(start + heading.start())
    role_label = re.search(rf"(?<!@)(?:{_ROLE_ALTERNATION})\s*{vocab.COLON}", body[start:])
    if role_label:
        candidates.append(start + role_label.start())
    return min(candidates)


def _roster(guests: list[Speaker]) -> dict[str, Speaker]:
    """Label text → speaker: each guest by name and handle, plus the role words."""
    roster: dict[str, Speaker] = {}
    for guest in guests:
        roster[guest.name] = guest
        if len(guest.handle) >= 2:
            roster.setdefault(guest.handle, guest)
    host = next((g for g in guests if g.role == "host"), None)
    for word, role in vocab.ROLE_WORDS.items():
        if role == "host" and host is not None:
            roster.setdefault(word, host)
        else:
            roster.setdefault(word, Speaker(name=word, role=role))
    return roster


def _label_pattern(roster: dict[str, Speaker]) -> re.Pattern[str]:
    names = "|".join(sorted(map(re.escape, roster), key=len, reverse=True))
    return re.compile(rf"(?<![@A-Za-z0-9_])(?P<label>{names})(?P<seat>\d{{0,2}})\s*{vocab.COLON}")


def _boundaries(body: str, start: int, label_re: re.Pattern[str]) -> list[_Boundary]:
    labels = [
        _Boundary(m.start(), m.end(), "label", m.group("label") + m.group("seat"))
        for m in label_re.finditer(body, start)
        if not vocab.is_inside_brackets(body, m.start())
    ]
    label_starts = [b.start for b in labels]
    questions = _headings(body, start, _QUESTION_HEADING, label_starts, "question")
    stops = sorted(label_starts + [q.start for q in questions])
    found = labels + questions + _headings(body, start, _PART_HEADING, stops, "part")
    found.sort(key=lambda b: b.start)
    last_label = max(label_starts, default=start)
    footer = _CREDIT.search(body, last_label)
    found.append(_Boundary(footer.start() if footer else len(body), len(body), "footer"))
    return [b for b in found if b.kind == "footer" or b.start < found[-1].start]


def _headings(body, start, pattern, stops, kind) -> list[_Boundary]:
    """Numbered headings, accepted only in sequence (一 then 二...; Q1 then Q2...) and only when
    their title runs unpunctuated up to the next label (or, for parts, audience question)."""
    accepted, expected = [], 1
    limit = MAX_PART_TITLE if kind == "part" else MAX_QUESTION_TITLE
    for match in pattern.finditer(body, start):
        raw = match.group(1)
        number = vocab.chinese_number(raw) if kind == "part" else int(raw)
        if number != expected:
            continue
        at = bisect_left(stops, match.end())  # stops are sorted: no scan from the start
        next_label = stops[at] if at < len(stops) else None
        if next_label is None or next_label - match.end() > limit:
            continue
        title = body[match.end() : next_label].strip()
        if not title or re.search(rf"[{vocab.SENTENCE_ENDS}](?!$)|[，,]", title):
            continue
        accepted.append(_Boundary(match.start(), match.end(), kind, title, number))
        expected += 1
    return accepted


class _Walk:
    """Goes through the boundaries in reading order, turning them into blocks."""

    def __init__(self, body: str, boundaries: list[_Boundary], roster, *, line: int) -> None:
        self.body = body
        self.boundaries = boundaries
        self.roster = roster
        self.line = line
        self.blocks: list[Block] = []
        self.dropped: list[Dropped] = []
        self.warnings: list[ParseWarning] = []
        self.footer_start = boundaries[-1].start
        self._turns_before_topic: dict[int, int] = {}
        self._subheaded: set[int] = set()

    def run(self) -> None:
        part = 0
        topic = False
        for boundary, following in zip(self.boundaries, self.boundaries[1:], strict=False):
            if boundary.kind == "part":
                part, topic = boundary.number, False
                self._heading(boundary.value, 2)
            elif boundary.kind == "question":
                topic = True
                self._heading(f"Q{boundary.number}：{boundary.value}", 3)
            elif boundary.kind == "label":
                text, tail = self._split_tail(boundary.end, following)
                self._turn(boundary, text)
                if part and not topic and text:
                    self._turns_before_topic[part] = self._turns_before_topic.get(part, 0) + 1
                if tail and following.kind == "label":
                    topic = True
                    self._heading(tail, 3, subheading=part)
                elif tail:
                    self.dropped.append(Dropped(self.line, tail, "caption or credit"))
        self._warn_glued_headings()

    def _heading(self, text: str, level: int, subheading: int | None = None) -> None:
        self.blocks.append(Block(HEADING, text, self.line, level=level))
        if subheading is not None:
            self._subheaded.add(subheading)

    def _turn(self, boundary: _Boundary, text: str) -> None:
        if not text:
            self.warnings.append(
                ParseWarning(
                    "empty-turn", f"label {boundary.value!r} is followed by no text", boundary.start
                )
            )
            return
        self.blocks.append(Block(PARAGRAPH, text, self.line, speaker=self._speaker(boundary.value)))

    def _speaker(self, label: str) -> str:
        """The speaker a label names: a listed guest (by name or handle) or a role word, which
        with a seat number (观众2) is a placeholder of its own."""
        word = label
        while word not in self.roster:
            word = word[:-1]  # the word may end in digits itself: the longest one wins
        base = self.roster[word]
        return label if word != label else base.name

    def _split_tail(self, start: int, following: _Boundary) -> tuple[str, str]:
        """A turn's text, and the short unpunctuated tail after its last sentence (a sub-heading
        before a label, a photo caption before the footer)."""
        raw = self.body[start : following.start].strip()
        if following.kind == "question":
            return raw, ""
        ends = list(_SENTENCE_END.finditer(raw))
        if not ends:
            return raw, ""
        last_end = ends[-1]
        tail = raw[last_end.end() :].strip()
        if not tail or len(tail) > MAX_HEADING or re.search(r"[，,。:：]", tail):
            return raw, ""
        return raw[: last_end.end()].rstrip(), tail

    def _warn_glued_headings(self) -> None:
        """A part that has sub-headings but whose first turns precede all of them most likely had
        its first sub-heading glued onto its title by the dump."""
        titles = [b.text for b in self.blocks if b.kind == HEADING and b.level == 2]
        for number, title in enumerate(titles, start=1):
            before = self._turns_before_topic.get(number, 0)
            if number in self._subheaded and before:
                self.warnings.append(
                    ParseWarning(
                        "glued-heading",
                        f"part {number} title {title!r} may end with a sub-heading "
                        f"glued onto it: its first {before} turn(s) come before any sub-heading; "
                        "split it by hand if so",
                    )
                )


def parse(text: str) -> Transcript:
    return assemble(read(text))
