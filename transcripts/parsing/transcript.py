"""The format-independent shape every parser returns and every later stage reads.

Plain frozen dataclasses: no Django, no database, no jieba. A parser turns text into a
`Transcript`; the import service turns a `Transcript` into rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

ROLES = ("host", "guest", "audience", "other")


class ParseError(ValueError):
    """The input cannot be read as a transcript.

    `position` is a character offset into the text (or a byte offset while decoding) where
    the problem was found, when there is one.
    """

    def __init__(self, message: str, *, position: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.position = position

    def __str__(self) -> str:
        if self.position is None:
            return self.message
        return f"{self.message} (at character {self.position})"


@dataclass(frozen=True)
class Speaker:
    """A person (or a role such as 观众) who speaks in the transcript."""

    name: str
    role: str = "guest"
    handle: str = ""
    bio: str = ""
    slug: str = ""  # only when the source names one (our JSON export)
    # A label that names no one yet (说话人1, Speaker 3, SPEAKER_00, 提问者1, a bare 主持人): a
    # speaker of this one event, never matched to a person of another event.
    placeholder: bool = False
    # Other ways the source wrote this speaker's label (王王明, 赵-芳, 陳怡君 for 陈怡君).
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Part:
    """A numbered division of the event: 一、从业者的感悟."""

    number: int
    title: str


@dataclass(frozen=True)
class Topic:
    """A sub-heading or an audience question inside a part, numbered in event order."""

    number: int
    title: str
    part: int | None = None
    label: str = ""  # "Q1" for audience questions, "" for plain sub-headings


@dataclass(frozen=True)
class Turn:
    """One speaker turn. `speaker` is the `Speaker.name` it belongs to."""

    number: int
    speaker: str
    text: str
    part: int | None = None
    topic: int | None = None
    stage_directions: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    published: bool = True
    start: float | None = None  # seconds into the recording where the turn begins
    end: float | None = None  # and where it ends, when the source says
    translation: str = ""  # the same turn in the source's other language (bilingual files)


@dataclass(frozen=True)
class Redirect:
    """A quote number a re-import retired, and the number of the quote its old link leads to
    (None: the number stays retired and leads nowhere). Only our JSON export carries these."""

    number: int
    target: int | None


@dataclass(frozen=True)
class ParseWarning:
    """Something an editor should look at; the import still goes ahead."""

    code: str
    message: str
    position: int | None = None


@dataclass(frozen=True)
class Dropped:
    """A source line that is in no quote, title or metadata field, and why (a caption, a
    credit, an image, the promotion after the transcript...). `line` counts from 1."""

    line: int
    text: str
    reason: str


@dataclass(frozen=True)
class Variant:
    """A label written another way than the speaker's usual one, merged into that speaker:
    王王明 → 王明 in `turns` turns."""

    label: str
    speaker: str
    turns: int


@dataclass(frozen=True)
class Transcript:
    title: str
    speakers: tuple[Speaker, ...]
    turns: tuple[Turn, ...]
    parts: tuple[Part, ...] = ()
    topics: tuple[Topic, ...] = ()
    series: str = ""
    date: datetime.date | None = None
    organizer: str = ""
    source_name: str = ""
    source_url: str = ""
    intro: str = ""
    recording_url: str = ""  # an audio/video file or a video page (only our JSON export has it)
    slug: str = ""  # only when the source names one (our JSON export)
    published: bool | None = None  # None: the source does not say
    tags: tuple[str, ...] = ()
    redirects: tuple[Redirect, ...] = ()
    warnings: tuple[ParseWarning, ...] = field(default=(), compare=False)
    dropped: tuple[Dropped, ...] = field(default=(), compare=False)
    variants: tuple[Variant, ...] = field(default=(), compare=False)
    format: str = ""
    checksum: str = ""  # sha256 of the source, set by the loader

    def speaker(self, name: str) -> Speaker:
        for speaker in self.speakers:
            if speaker.name == name:
                return speaker
        raise KeyError(name)
