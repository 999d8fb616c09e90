"""Transcript parsing: bytes or text in, plain `Transcript` dataclasses out.

Pure Python: no Django, no database, no jieba. One module per input format behind `parse()`;
every failure is a `ParseError` with a human message.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace

from . import bold, json_export, markdown, plaintext, subtitles, zhihu
from .decoding import decode
from .transcript import ParseError, Part, Redirect, Speaker, Topic, Transcript, Turn, Warning

__all__ = [
    "FORMATS",
    "ParseError",
    "Part",
    "Redirect",
    "Speaker",
    "Topic",
    "Transcript",
    "Turn",
    "Warning",
    "decode",
    "detect_format",
    "load",
    "parse",
    "parse_all",
]

# Detection tries these in order: the most specific shapes first, plain text last.
FORMATS = {
    json_export.FORMAT: json_export,
    zhihu.FORMAT: zhihu,
    markdown.FORMAT: markdown,
    subtitles.FORMAT: subtitles,
    bold.FORMAT: bold,
    plaintext.FORMAT: plaintext,
}


DEFAULT_FORMAT = plaintext.FORMAT


def detect_format(text: str) -> str:
    """The first format that recognises the text; otherwise the default text format, whose
    parser then says what it could not find."""
    for name, module in FORMATS.items():
        if module.looks_like(text):
            return name
    return DEFAULT_FORMAT


def parse_all(text: str, *, format: str = "auto") -> list[Transcript]:
    """Every event in the text (our JSON export may hold many; other formats hold one)."""
    name = detect_format(text) if format == "auto" else format
    if name not in FORMATS:
        raise ParseError(f"unknown format {name!r} (supported: {', '.join(FORMATS)})")
    module = FORMATS[name]
    if hasattr(module, "parse_all"):
        return module.parse_all(text)
    return [module.parse(text)]


def parse(text: str, *, format: str = "auto") -> Transcript:
    """The one event in the text."""
    transcripts = parse_all(text, format=format)
    if len(transcripts) != 1:
        raise ParseError(f"expected one event, found {len(transcripts)}")
    return transcripts[0]


def load(data: bytes, *, format: str = "auto", name: str = "") -> list[Transcript]:
    """Decode and parse a file's bytes; each transcript carries the checksum of its source.
    `name` (the file's name without its extension) titles a transcript that has no title."""
    transcripts = parse_all(decode(data), format=format)
    if name:
        transcripts = [
            replace(t, title=name) if any(w.code == "missing-title" for w in t.warnings) else t
            for t in transcripts
        ]
    if len(transcripts) == 1 and transcripts[0].format != json_export.FORMAT:
        return [replace(transcripts[0], checksum=hashlib.sha256(data).hexdigest())]
    return [replace(t, checksum=_checksum(t)) for t in transcripts]


def _checksum(transcript: Transcript) -> str:
    """A JSON event's checksum covers its content, not where it sat in a file of many."""
    fields = {"redirects": transcript.redirects} if transcript.redirects else {}
    content = json.dumps(
        {
            **fields,
            "title": transcript.title,
            "slug": transcript.slug,
            "turns": transcript.turns,
            "parts": transcript.parts,
            "topics": transcript.topics,
            "speakers": transcript.speakers,
            "intro": transcript.intro,
            "tags": transcript.tags,
            "published": transcript.published,
        },
        ensure_ascii=False,
        sort_keys=True,
        default=repr,
    )
    return hashlib.sha256(content.encode()).hexdigest()
