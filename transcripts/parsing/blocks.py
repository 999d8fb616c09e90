"""What a container reader gives the rest of the parser: the source as a list of blocks.

A format module (plain text, Markdown, subtitles, Word, a web page, a speech-recognition export)
knows only its container. It turns the file into `Block`s — paragraphs, headings, block quotes,
images and captions, subtitle cues — with their markup removed but remembered (a bold run that
opens the block, a heading's level, a cue's times, a speaker the container itself names), plus
whatever metadata the container declares (`Document`). It never decides who speaks: the label
stage (`labels`) finds speaker labels in blocks for every format alike, and the assembler
(`assemble`) makes turns, parts and topics and accounts for every source line.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from .transcript import Dropped, ParseWarning, Speaker

PARAGRAPH = "paragraph"  # a line or paragraph of text
HEADING = "heading"  # a Markdown/HTML/Word heading (`level` 1..6)
QUOTE = "quote"  # a block quote (Markdown `>`, HTML <blockquote>)
IMAGE = "image"  # an image (its alt text, or "" when it has none)
CAPTION = "caption"  # a caption the container marks as one (<figcaption>, Word "Caption")
RULE = "rule"  # a thematic break (---, ***, <hr>)
SIGNATURE = "signature"  # a note's author mark, no one's speech (HackMD's `[name=…]`)
KINDS = (PARAGRAPH, HEADING, QUOTE, IMAGE, CAPTION, RULE, SIGNATURE)


@dataclass(frozen=True, slots=True)
class Block:
    """One block of the source, in reading order.

    `text` is plain text: markup removed, inline line breaks kept as "\\n". `line` is the
    1-based source line the block starts on (for a container without lines, such as a Word
    file, the paragraph's ordinal), so that the report can say where everything went.
    """

    kind: str
    text: str
    line: int
    level: int = 0  # heading level, 1 = the title level
    gap: bool = True  # a blank line (or a paragraph boundary) separates it from the block before
    lead: str = ""  # the text of a bold/strong run opening the block, markup removed
    start: float | None = None  # seconds, where the container gives times (subtitle cues, ASR)
    end: float | None = None
    speaker: str = ""  # a speaker the container itself names (<v 名>, diarization, JSON field)
    new_speaker: bool = False  # the container marks a change of speaker without naming it (>>)
    list_item: bool = False  # a list item (its bullet or number removed)
    link_only: bool = False  # the block is nothing but one or more links
    lines: int = 1  # how many source lines the block spans
    # the block gives the one before it again in the other language (a bilingual subtitle's
    # second line): it never opens a turn, and a label on it only translates the speaker's name
    translation: bool = False


@dataclass(frozen=True)
class Document:
    """A container's reading of a file: its blocks, and the metadata the container declares
    (front matter, an HTML <title>, a Word title, a subtitle header). Fields left empty are
    for the assembler to find in the blocks (a title line, a date in the intro)."""

    blocks: tuple[Block, ...]
    format: str
    title: str = ""
    date: datetime.date | None = None
    series: str = ""
    organizer: str = ""
    source_name: str = ""
    source_url: str = ""
    intro: str = ""
    tags: tuple[str, ...] = ()
    speakers: tuple[Speaker, ...] = ()  # declared: front matter, a guest list
    dropped: tuple[Dropped, ...] = ()  # what the container itself left out, and why
    warnings: tuple[ParseWarning, ...] = ()  # what the container noticed (a glued heading...)
    # Lines the container consumed as structure, not content (front matter, subtitle numbers
    # and timing lines, a WEBVTT header): (line, what it became), for the accounting.
    consumed: tuple[tuple[int, str], ...] = field(default=(), compare=False)
