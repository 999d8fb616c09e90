"""Diarized speech-recognition JSON, read as a container: each segment becomes a timed block.

Tools write the same thing in many shapes: a list of segments, each with a start, an end, a text
and (after diarization) a speaker. Rather than one reader per tool, this module finds the list
wherever it sits and reads each segment's fields by their usual names (in any case or spelling:
`start_time`, `startTime`, `StartTime`), so that a tool it has never seen usually works too.
Known shapes: WhisperX, whisper-diarization, faster-whisper and OpenAI (`segments`, or a bare
list); whisper.cpp (`transcription`, `offsets` in ms, `speaker_turn_next`); AssemblyAI
(`utterances` in ms, `speaker: "A"`); Deepgram (`results.utterances`, or the first channel's
paragraphs or words, `speaker: 0`); Rev.ai (`monologues` of elements); AWS (`audio_segments`);
Hugging Face (`chunks` with a `timestamp` pair); Alibaba (`Sentences`, `BeginTime` in ms),
Tingwu (`Paragraphs` of `Words`), Tencent (`ResultDetail`, `StartMs`). Times may be numbers,
number strings ("12.5", Google's "12.5s") or clock strings ("00:01:02.5"). A list of words
only becomes one block per run of words of one speaker.

Milliseconds: a key says so (`StartMs`, `offsets`), or every time in the file is a whole number
and a typical segment would otherwise last a minute or more. Speakers are kept as written
("SPEAKER_00", "spk_0"); a bare number or letter becomes "Speaker 0" / "Speaker A", a placeholder
the label stage knows (a bare "A" would read as 答). A segment without one has `speaker=""`, which
lets the previous speaker go on. Wrong types, negative or non-finite times, an end before its
start, JSON nested too deeply: a `ParseError` naming the segment, never another exception. There
are no source lines to point at, so a block's `line` is its segment's ordinal.
"""

from __future__ import annotations

import itertools
import json
import re
import statistics
from typing import TYPE_CHECKING, Any

from . import asr_fields
from .blocks import PARAGRAPH, Block, Document
from .transcript import ParseError, ParseWarning

if TYPE_CHECKING:
    from .transcript import Transcript

FORMAT = "asr-json"

# Where the segments are, most specific first (keys compared without case, `_` or `-`).
SEGMENT_LISTS = (
    *("segments", "utterances", "monologues", "audiosegments", "paragraphs", "sentences"),
    *("resultdetail", "speakers", "chunks", "transcription", "results", "result", "channels"),
    *("alternatives", "wordsegments", "words"),
)
FIRST_ONLY = ("channels", "alternatives")  # one per audio channel / best guess first
TITLE_KEYS = ("title", "name")
# Sniffing: a key that holds segments; a key of our own export ("event", "quotes"). A key
# inside a JSON string has escaped quotes (\"segments\"), so these match real keys only.
_CONTAINER = re.compile(
    r'"(?:segments|utterances|monologues|audio_segments|paragraphs|sentences|resultdetail'
    r'|chunks|transcription|speakers|channels|alternatives|word_segments)"\s*:\s*[\[{]',
    re.IGNORECASE,
)
_EXPORT = re.compile(r'"(?:event|quotes)"\s*:\s*[\[{]')
MS_TYPICAL_LENGTH = 50  # a typical segment "lasting" this many seconds is in milliseconds
MAX_DEPTH = 6  # how deep to look for the segment list


def looks_like(text: str) -> bool:
    """JSON whose segments carry times and text; never our own export (`event`, `quotes`)."""
    head = text.lstrip("\ufeff \t\r\n")
    if head.startswith("["):
        first = _first_item(head)
        return isinstance(first, dict) and (_segment_like(first) or _word_like(first))
    if head.startswith("{"):
        return bool(_CONTAINER.search(head)) and not _EXPORT.search(head)
    return False


def parse(text: str) -> Transcript:
    from .assemble import assemble

    return assemble(read(text))


def read(text: str) -> Document:
    data = _load(text)
    items, words = _find(data)
    where = "word" if words else "segment"
    plans: dict[tuple, asr_fields.Plan] = {}
    records = (
        _word_runs(items)
        if words
        else [asr_fields.segment(item, n, plans) for n, item in enumerate(items, 1)]
    )
    scale = _scale(records)
    blocks = []
    new_speaker = False
    for record in records:
        start, end = _checked_times(record, scale, where)
        if record.text:
            blocks.append(
                Block(
                    kind=PARAGRAPH,
                    text=record.text,
                    line=record.number,
                    gap=False,
                    start=start,
                    end=end,
                    speaker=record.speaker,
                    new_speaker=new_speaker,
                )
            )
            new_speaker = False
        new_speaker = new_speaker or record.turn_next
    if not blocks:
        raise ParseError(f"the speech-recognition {where}s hold no text")
    warnings = ()
    if scale != 1:  # a guess from the numbers: say so, an editor can check the first start
        message = "the times are whole numbers too large for seconds: read as milliseconds"
        warnings = (ParseWarning("times-in-milliseconds", message),)
    return Document(blocks=tuple(blocks), format=FORMAT, title=_title(data), warnings=warnings)


def _load(text: str) -> Any:
    try:
        return json.loads(text.lstrip("\ufeff"), parse_constant=_refuse_constant)
    except json.JSONDecodeError as error:
        raise ParseError(f"invalid JSON: {error.msg}", position=error.pos) from None
    except ParseError:
        raise
    except RecursionError:
        raise ParseError("the JSON is nested too deeply") from None
    except ValueError:  # an integer of thousands of digits
        raise ParseError("invalid JSON: a number too long to read") from None


def _refuse_constant(name: str) -> None:
    raise ParseError(f"invalid JSON: {name} is not a number of seconds")


def _first_item(head: str) -> Any:
    """The first element of a JSON array, decoded alone (the rest may be megabytes)."""
    start = len(head) - len(head[1:].lstrip()) if len(head) > 1 else 1
    try:
        return json.JSONDecoder().raw_decode(head, start)[0]
    except (ValueError, RecursionError):
        return None


# Finding the segments ------------------------------------------------------------------------


def _find(data: Any) -> tuple[list, bool]:
    """The list of segments (or of words, the bool says which) wherever it sits."""
    found = _search(data, 0)
    if found is None:  # the likeliest list, so that the error names what is wrong in it
        found = (_likeliest(data), False)
    if not found[0]:
        raise ParseError(
            "no speech-recognition segments found: expected a list of objects with a start "
            "time and a text, alone or under 'segments', 'utterances', 'transcription'..."
        )
    return found


def _likeliest(data: Any) -> list:
    if isinstance(data, dict):
        keys = {asr_fields.norm(key): value for key, value in data.items()}
        data = next((keys[key] for key in SEGMENT_LISTS if isinstance(keys.get(key), list)), [])
    return data if isinstance(data, list) else []


def _search(data: Any, depth: int) -> tuple[list, bool] | None:
    if depth > MAX_DEPTH:
        return None
    if isinstance(data, list):
        first = data[0] if data else None
        if isinstance(first, dict) and _segment_like(first):
            return data, False
        if isinstance(first, dict) and _word_like(first):
            return data, True
        return None
    if not isinstance(data, dict):
        return None
    keys = {asr_fields.norm(key): value for key, value in data.items()}
    for key in SEGMENT_LISTS:
        value = keys.get(key)
        if key in FIRST_ONLY and isinstance(value, list) and value:
            value = value[0]
        found = _search(value, depth + 1) if isinstance(value, (list, dict)) else None
        if found:
            return found
    return None


def _segment_like(item: dict) -> bool:
    """Times and a text, directly or in its pieces (Rev.ai elements, Tingwu words)."""
    keys = {asr_fields.norm(key): value for key, value in item.items()}
    if "word" in keys or "punctuatedword" in keys:
        return False
    if asr_fields.has_time(keys) and any(key in keys for key in asr_fields.TEXT_KEYS):
        return True
    parts = next((keys[key] for key in asr_fields.PARTS if isinstance(keys.get(key), list)), None)
    first = parts[0] if parts else None
    return isinstance(first, dict) and (
        asr_fields.has_time(keys) or asr_fields.has_time({asr_fields.norm(k): 0 for k in first})
    )


def _word_like(item: dict) -> bool:
    keys = {asr_fields.norm(key) for key in item}
    return bool(keys & {"word", "punctuatedword"}) and bool(
        keys & {*asr_fields.START_KEYS, *asr_fields.START_MS_KEYS}
    )


# Word lists, units, checks -------------------------------------------------------------------


def _word_runs(words: list) -> list[asr_fields.Record]:
    """Consecutive words of one speaker as one record (numbered by their first word)."""
    runs: list[asr_fields.Record] = []
    texts: list[list[str]] = []
    for number, word in enumerate(words, start=1):
        where = f"word {number}"
        text = asr_fields.piece_text(word, where).strip()
        fields = {asr_fields.norm(key): value for key, value in word.items()}
        start, end = asr_fields.times(fields, where)
        speaker = asr_fields.speaker(fields, where)
        if runs and runs[-1].speaker == speaker:
            runs[-1].end = end or runs[-1].end
            texts[-1].append(text)
            continue
        runs.append(asr_fields.Record(number, start, end, "", speaker))
        texts.append([text])
    for run, pieces in zip(runs, texts, strict=True):
        run.text = asr_fields.join_words(pieces)
    return runs


def _scale(records: list[asr_fields.Record]) -> float:
    """Seconds per unit of the bare numbers: 0.001 when they are whole numbers and a typical
    segment would otherwise last a minute or more (AssemblyAI's milliseconds), else 1."""
    times = [t for r in records for t in (r.start, r.end) if t is not None and t[1][0] == "?"]
    if not times or any(unit == "?" for _, unit in times):
        return 1.0
    lengths = [
        r.end[0] - r.start[0]
        for r in records
        if r.end is not None and r.start[1] == r.end[1] == "?int" and r.end[0] > r.start[0]
    ]
    if not lengths:
        starts = [r.start[0] for r in records if r.start[1] == "?int"]
        lengths = [b - a for a, b in itertools.pairwise(starts) if b > a]
    return 0.001 if lengths and statistics.median(lengths) >= MS_TYPICAL_LENGTH else 1.0


def _seconds(time: asr_fields.Time, scale: float) -> float:
    value, unit = time
    factor = 0.001 if unit == "ms" else scale if unit[0] == "?" else 1.0
    return round(value * factor, 3)


def _checked_times(
    record: asr_fields.Record, scale: float, where: str
) -> tuple[float, float | None]:
    start = _seconds(record.start, scale)
    end = None if record.end is None else _seconds(record.end, scale)
    if end is not None and end < start:
        raise ParseError(
            f"{where} {record.number}: it ends ({end:g} s) before it starts ({start:g} s)"
        )
    return start, end


def _title(data: Any) -> str:
    fields = (
        {asr_fields.norm(key): value for key, value in data.items()}
        if isinstance(data, dict)
        else {}
    )
    titles = (fields.get(key) for key in TITLE_KEYS)
    return next((" ".join(t.split()) for t in titles if isinstance(t, str) and t.strip()), "")[:200]
