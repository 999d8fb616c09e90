"""How one speech-recognition segment's fields are read, for `asr_json`: its times in any unit
or spelling, its text (given whole or in pieces: words, sentences, elements) and its speaker.

Key names are compared without case, `_` or `-` (`start_time`, `startTime` and `StartTime` are
one key). Times are kept as written with their unit ("s", "ms", or "?" while the file has not
said: `asr_json` decides the unit of bare numbers once per file). Every wrong type is a
`ParseError` naming the segment.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Any

from .dates import seconds
from .languages import inline_separator
from .transcript import ParseError

Time = tuple[float, str]  # a time as written, and its unit: "s", "ms", "?" or "?int" (bare)

START_KEYS = ("start", "starttime", "begin", "begintime", "from", "ts", "startseconds")
END_KEYS = ("end", "endtime", "stop", "to", "endts", "endseconds")
START_MS_KEYS = ("startms", "beginms", "starttimems", "offsetms")
NESTED_TIMES = ("offsets", "timestamps", "timestamp")
END_MS_KEYS = ("endms", "endtimems", "stopms")
TEXT_KEYS = ("text", "transcript", "sentence", "content", "finalsentence", "display", "value")
WORD_KEYS = ("punctuatedword", "word", "text", "value", "content")
SPEAKER_KEYS = ("speakername", "speaker", "speakerlabel", "speakerid", "spk", "spkid")
SPEAKER_TAG = "speakertag"  # Google: a number
PARTS = ("elements", "sentences", "words")  # a segment's text and times, given in pieces
_CLOCK = re.compile(r"^(?:(\d{1,3}):)?([0-5]?\d):([0-5]?\d(?:[.,]\d+)?)$")
_NUMBER = re.compile(r"^\d+(?:\.\d+)?s?$")  # "12.5", and Google's "12.5s"
_NO_SPACE_BEFORE = re.compile(r"^[,.!?;:%)\]}'’”…，。！？；：、）】」』]")


def has_time(keys: dict) -> bool:
    """The keys (normalised) hold a start time, flat or nested."""
    return any(key in keys for key in (*START_KEYS, *START_MS_KEYS, *NESTED_TIMES))


def norm(key: Any) -> str:
    """`start_time`, `startTime`, `StartTime` → starttime."""
    return str(key).lower().replace("_", "").replace("-", "")


@dataclass
class Record:
    """A segment as read, its times not yet converted (the unit is decided per file)."""

    number: int
    start: Time
    end: Time | None
    text: str
    speaker: str
    turn_next: bool = False  # whisper.cpp tinydiarize: the next segment is someone else


@dataclass(frozen=True)
class Plan:
    """Where one shape of segment keeps its fields: segments of one file share a shape, so
    key names are compared once per shape, not once per segment. None: no such key."""

    names: tuple[str, ...]  # the keys, compared without case, `_` or `-`
    start: str | None
    end: str | None
    unit: str
    text: str | None
    speaker: str | None

    @classmethod
    def of(cls, keys: tuple) -> Plan:
        names = tuple(norm(key) for key in keys)
        found = {name: True for name in names}
        start = next((key for key in START_MS_KEYS if key in found), None)
        ends, unit = (END_MS_KEYS, "ms") if start else (END_KEYS, "?")
        start = start or next((key for key in START_KEYS if key in found), None)
        return cls(
            names,
            start,
            next((key for key in ends if key in found), None),
            unit,
            next((key for key in TEXT_KEYS if key in found), None),
            next((key for key in (*SPEAKER_KEYS, SPEAKER_TAG) if key in found), None),
        )


def segment(item: Any, number: int, plans: dict[tuple, Plan]) -> Record:
    where = f"segment {number}"
    if not isinstance(item, dict):
        raise ParseError(f"{where}: expected an object, got {type_name(item)}")
    keys = tuple(item)
    plan = plans.get(keys) or plans.setdefault(keys, Plan.of(keys))
    fields = dict(zip(plan.names, item.values(), strict=True))
    start = fields.get(plan.start)
    if start is not None and (plan.end or "duration" not in fields):
        start = _time(start, where, plan.start, plan.unit)
        end = fields.get(plan.end)
        end = None if end is None else _time(end, where, plan.end, plan.unit)
    else:
        start, end = times(fields, where)
    text = fields.get(plan.text)
    text = " ".join(text.split()) if isinstance(text, str) else _text(fields, where)
    turn_next = fields.get("speakerturnnext", False)
    if not isinstance(turn_next, bool):
        raise ParseError(f"{where}: 'speaker_turn_next' must be true or false")
    name = speaker(fields, where, plan.speaker or "")
    return Record(number, start, end, text, name, turn_next)


def times(fields: dict, where: str, *, pieces: bool = True) -> tuple[Time, Time | None]:
    """Start and end (None when not given), from flat, nested or piecewise time fields."""
    for starts, ends, unit in ((START_MS_KEYS, END_MS_KEYS, "ms"), (START_KEYS, END_KEYS, "?")):
        start_key = next((key for key in starts if fields.get(key) is not None), None)
        if start_key is None:
            continue
        start = _time(fields[start_key], where, start_key, unit)
        end_key = next((key for key in ends if fields.get(key) is not None), None)
        if end_key is not None:
            return start, _time(fields[end_key], where, end_key, unit)
        if fields.get("duration") is not None:
            length = _time(fields["duration"], where, "duration", unit)
            return start, _after(start, length)
        return start, None
    return _nested_times(fields, where, pieces=pieces)


def _after(start: Time, length: Time) -> Time | None:
    """The end a duration gives, when both are in one unit: bare numbers are seconds unless
    the whole file says milliseconds, and a clock-time start puts its duration in seconds."""
    if start[1] == length[1]:
        return start[0] + length[0], start[1]
    if length[1][0] == "?" and start[1][0] in "?s":
        return start[0] + length[0], "s" if start[1] == "s" else "?"
    return None


def _nested_times(fields: dict, where: str, *, pieces: bool) -> tuple[Time, Time | None]:
    """whisper.cpp's `offsets` (ms) and `timestamps` ({"from", "to"}); Hugging Face's
    `timestamp` pair (its end is null for a chunk cut off at the end); else the first and
    last of the segment's timed pieces (Rev.ai elements, Tingwu words)."""
    for key, unit in (("offsets", "ms"), ("timestamps", "?")):
        pair = fields.get(key)
        if isinstance(pair, dict) and pair.get("from") is not None:
            start = _time(pair["from"], where, f"{key}.from", unit)
            end = None if pair.get("to") is None else _time(pair["to"], where, f"{key}.to", unit)
            return start, end
    pair = fields.get("timestamp")
    if isinstance(pair, list) and len(pair) == 2 and pair[0] is not None:
        start = _time(pair[0], where, "timestamp", "?")
        return start, None if pair[1] is None else _time(pair[1], where, "timestamp", "?")
    for key in PARTS if pieces else ():
        found = fields.get(key)
        parts = [
            {norm(k): v for k, v in part.items()}
            for part in (found if isinstance(found, list) else ())
            if isinstance(part, dict)
        ]
        timed = [times(part, f"{where}, {key}", pieces=False) for part in parts if has_time(part)]
        if timed:
            return timed[0][0], timed[-1][1]
    raise ParseError(f"{where}: no start time (expected 'start', 'start_time', 'offsets'...)")


def _time(value: Any, where: str, key: str, unit: str) -> Time:
    """A time as found: a number (in `unit`; "?" while the file has not said), a number string
    or a clock string (seconds)."""
    if type(value) is float and 0 <= value < math.inf:  # the usual case, quickly
        return value, unit
    if isinstance(value, str):
        text = value.strip()
        clock = _CLOCK.match(text)
        if clock:
            return seconds(text), "s"
        if _NUMBER.match(text):
            return _finite(float(text.rstrip("s")), where, key), "s" if unit == "?" else unit
        raise ParseError(f"{where}: '{key}' is not a time: {value[:40]!r}")
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ParseError(f"{where}: '{key}' must be a number or a time, got {type_name(value)}")
    if isinstance(value, int) and unit == "?":
        return _finite(value, where, key), "?int"
    return _finite(value, where, key), unit


def _finite(value: float, where: str, key: str) -> float:
    try:
        number = float(value)
    except OverflowError:
        number = math.inf
    if not math.isfinite(number):
        raise ParseError(f"{where}: '{key}' is not a finite number")
    if number < 0:
        raise ParseError(f"{where}: '{key}' is negative ({number:g})")
    return number


def _text(fields: dict, where: str) -> str:
    key = next((key for key in TEXT_KEYS if key in fields), None)
    if key is not None and fields[key] is not None:
        value = fields[key]
        if not isinstance(value, str):
            raise ParseError(f"{where}: '{key}' must be a string, got {type_name(value)}")
        return " ".join(value.split())
    for key in PARTS:  # Rev.ai elements; Deepgram paragraphs' sentences; Tingwu words
        if isinstance(fields.get(key), list):
            pieces = [
                piece_text(part, f"{where}, {key} {n}") for n, part in enumerate(fields[key], 1)
            ]
            if key == "elements":  # Rev.ai gives the spaces and punctuation as elements
                return " ".join("".join(pieces).split())
            return join_words(piece.strip() for piece in pieces)
    raise ParseError(f"{where}: no text (expected 'text', 'transcript'...)")


def piece_text(piece: Any, where: str) -> str:
    """A word's or a sentence's text; AWS items hide it in `alternatives[0].content`."""
    if not isinstance(piece, dict):
        raise ParseError(f"{where}: expected an object, got {type_name(piece)}")
    fields = {norm(key): value for key, value in piece.items()}
    key = next((key for key in WORD_KEYS if fields.get(key) is not None), None)
    value = fields[key] if key else None
    choices = fields.get("alternatives")
    if key is None and isinstance(choices, list) and choices and isinstance(choices[0], dict):
        value = choices[0].get("content")
    if value is not None and not isinstance(value, str):
        raise ParseError(f"{where}: its text must be a string, got {type_name(value)}")
    return value or ""


def join_words(pieces) -> str:
    """No space between Chinese characters or before punctuation, one between Latin words."""
    text = ""
    for piece in pieces:
        if not piece:
            continue
        if text and not _NO_SPACE_BEFORE.match(piece):
            text += inline_separator(text, piece)
        text += piece
    return text


def speaker(fields: dict, where: str, key: str = "") -> str:
    """The speaker as written; a bare number or letter becomes `Speaker 0` / `Speaker A`."""
    if not key or fields.get(key) is None:  # Rev.ai's speaker_name may be null, its speaker not
        key = next((k for k in (*SPEAKER_KEYS, SPEAKER_TAG) if fields.get(k) is not None), "")
        if not key:
            return ""
    value = fields[key]
    if isinstance(value, str) and value.startswith("SPEAKER_"):  # WhisperX, pyannote
        return value
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise ParseError(f"{where}: '{key}' must be a name or a number, got {type_name(value)}")
    if isinstance(value, float):
        if not value.is_integer():
            raise ParseError(f"{where}: '{key}' must be a name or a whole number")
        value = int(value)
    name = " ".join(str(value).split())
    if name in ("", "?", "-1", "None", "null", "unknown", "UNKNOWN"):
        return ""
    if name.isdigit() or (len(name) == 1 and name.isascii() and name.isalpha()):
        return f"Speaker {name}"
    return name


def type_name(value: Any) -> str:
    return {dict: "an object", list: "a list", str: "a string", bool: "true/false"}.get(
        type(value), "null" if value is None else "a number"
    )
