"""Transcript parsing: bytes or text in, plain `Transcript` dataclasses out.

Pure Python: no Django, no database, no jieba. One module per input format behind `parse()`;
every failure is a `ParseError` with a human message.
"""

from __future__ import annotations

import hashlib
import importlib
import json
from dataclasses import replace

from . import ass, json_export, markdown, plaintext, subtitles, zhihu
from .assemble import assemble
from .blocks import Document
from .decoding import decode
from .transcript import (
    Dropped,
    ParseError,
    ParseWarning,
    Part,
    Redirect,
    Speaker,
    Topic,
    Transcript,
    Turn,
    Variant,
)

__all__ = [
    "FORMATS",
    "FORMAT_NAMES",
    "Dropped",
    "ParseError",
    "ParseWarning",
    "Part",
    "Redirect",
    "Speaker",
    "Topic",
    "Transcript",
    "Turn",
    "Variant",
    "decode",
    "detect_format",
    "load",
    "parse",
    "parse_all",
    "read_document",
]


def _optional(name: str):
    """A container reader that may not be installed yet in this checkout."""
    try:
        return importlib.import_module(f".{name}", __name__)
    except ImportError:
        return None


asr_json = _optional("asr_json")
html = _optional("html")
docx = _optional("docx")

# Detection tries these in order: the most specific shapes first, plain text last. A text
# format module has `looks_like(text)` and `read(text) -> Document` (a container reader) or,
# for our own JSON, `parse_all(text)`.
FORMATS = {
    **({asr_json.FORMAT: asr_json} if asr_json and hasattr(asr_json, "read") else {}),
    json_export.FORMAT: json_export,
    **({html.FORMAT: html} if html and hasattr(html, "read") else {}),
    zhihu.FORMAT: zhihu,
    subtitles.FORMAT: subtitles,
    ass.FORMAT: ass,
    markdown.FORMAT: markdown,
    plaintext.FORMAT: plaintext,
}
# Binary containers, recognised from their bytes before any decoding.
BINARY_FORMATS = {docx.FORMAT: docx} if docx and hasattr(docx, "read_bytes") else {}
# Names that older versions used: Markdown with bold labels was a format of its own.
ALIASES = {"bold": markdown.FORMAT}
# Every format an operator may name (`--format`, the admin's menu).
FORMAT_NAMES = (*FORMATS, *BINARY_FORMATS)


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
    name = detect_format(text) if format == "auto" else ALIASES.get(format, format)
    if name not in FORMATS:
        raise ParseError(f"unknown format {name!r} (supported: {', '.join(FORMATS)})")
    module = FORMATS[name]
    if hasattr(module, "parse_all"):
        return module.parse_all(text)
    if hasattr(module, "read"):
        return [assemble(module.read(text))]
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
    binary = _binary_format(data, format)
    if binary:
        transcripts = [assemble(binary.read_bytes(data))]
    else:
        transcripts = parse_all(decode(data), format=format)
    if name:
        transcripts = [
            replace(t, title=name) if any(w.code == "missing-title" for w in t.warnings) else t
            for t in transcripts
        ]
    if len(transcripts) == 1 and transcripts[0].format != json_export.FORMAT:
        return [replace(transcripts[0], checksum=hashlib.sha256(data).hexdigest())]
    return [replace(t, checksum=_checksum(t)) for t in transcripts]


def read_document(data: bytes, *, format: str = "auto") -> Document:
    """The container's reading of a file (its blocks and declared metadata), for the
    accounting of every source line; our own JSON export has none."""
    binary = _binary_format(data, format)
    if binary:
        return binary.read_bytes(data)
    text = decode(data)
    name = detect_format(text) if format == "auto" else ALIASES.get(format, format)
    module = FORMATS.get(name)
    if module is None or not hasattr(module, "read"):
        raise ParseError(f"format {name!r} is not read as blocks")
    return module.read(text)


def _binary_format(data: bytes, format: str):
    """The binary container (a Word file) the bytes are, if any."""
    if format in BINARY_FORMATS:
        return BINARY_FORMATS[format]
    if format == "auto":
        return next((m for m in BINARY_FORMATS.values() if m.looks_like_bytes(data)), None)
    return None


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
