"""Bytes to text: the only place that knows about encodings.

Refuses what cannot be a transcript (empty, binary, undecodable) with a `ParseError` that says
which, so the command can print one clear line.
"""

from __future__ import annotations

import codecs
import re

from .transcript import ParseError

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Control characters that never occur in a text file (tab, newlines and form feed are fine).
_CONTROL = re.compile("[\x00-\x08\x0b\x0e-\x1a\x1c-\x1f]")


def decode(data: bytes) -> str:
    """Decode a transcript file's bytes; normalise line ends to \\n."""
    if not data.strip():
        raise ParseError("the file is empty")
    text = None
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError as exc:
                raise ParseError(
                    f"not valid {encoding.upper()} text although it starts with a byte order mark",
                    position=exc.start,
                ) from None
            break
    if text is None:
        if b"\x00" in data:
            raise ParseError(
                "binary file (it contains NUL bytes), not a text transcript",
                position=data.index(b"\x00"),
            )
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ParseError(
                "not UTF-8 text: cannot decode the file (is it binary or another encoding?)",
                position=exc.start,
            ) from None
    if "\x00" in text:
        raise ParseError("binary file (it contains NUL characters)", position=text.index("\x00"))
    if len(_CONTROL.findall(text, 0, 65536)) > 8:
        raise ParseError("binary file (it contains control characters), not a text transcript")
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise ParseError("the file holds no text")
    return text
