"""Our own JSON export (`export_event`), so an edited event can be exported and imported again.

Accepts one event object or an array of them; a missing or mistyped field is a `ParseError`
naming the event and the field. Fields added later (a quote's "start", "end" and "translation",
a speaker's "placeholder", the event's "created", "updated" and "recording_url", the
"tag_details") may be missing, as in exports made before they existed.

Refused here: NUL and lone surrogates (`\u0000`, `\ud800`: no database stores them) and
nesting too deep to read; the rest is checked for every format by `transcripts.import_checks`.

A backup also carries the event's creation and change times and its tags' slugs, aliases and
old slugs: `parse_all` returns those as `ExportedTranscript`s.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from .transcript import ROLES, ParseError, Part, Redirect, Speaker, Topic, Transcript, Turn

FORMAT = "json"
# Characters no database column holds: NUL (PostgreSQL refuses it) and UTF-16 halves that JSON's
# \uXXXX escapes can write alone (they cannot be encoded as UTF-8).
_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")


@dataclass(frozen=True)
class TagDetail:
    """A tag as a backup keeps it: the slug its links use, its aliases (search finds the tag by
    them), and the slugs it had before renames and merges (their links lead to it)."""

    name: str
    slug: str = ""
    aliases: tuple[str, ...] = ()
    old_slugs: tuple[str, ...] = ()


@dataclass(frozen=True)
class ExportedTranscript(Transcript):
    """An event read from (or written to) our export, with what only a backup carries."""

    created: datetime.datetime | None = None
    updated: datetime.datetime | None = None
    tag_details: tuple[TagDetail, ...] = ()


_EXPORT_HEAD = re.compile(r'\[?\s*\{\s*"event"\s*:')


def looks_like(text: str) -> bool:
    """A JSON object or array of objects (`[00:12] 名: …` opens with a bracket too) that is
    ours: with an "event". Other JSON (a speech-recognition export's segments) is for its own
    reader; JSON that does not parse is ours to refuse, saying "invalid JSON" and where."""
    head = text.lstrip("\ufeff \n\t\r")
    if not (head.startswith("{") or (head.startswith("[") and head[1:].lstrip()[:1] in ("{", "]"))):
        return False
    if _EXPORT_HEAD.match(head):  # as `export_event` writes it, "event" first: no second parse
        return True
    try:
        data = json.loads(head)
    except (ValueError, RecursionError):
        return True
    first = (data[0] if data else {}) if isinstance(data, list) else data
    return not data or (isinstance(first, dict) and "event" in first)


def parse_all(text: str) -> list[Transcript]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ParseError(f"invalid JSON: {exc.msg}", position=exc.pos) from None
    except RecursionError:
        raise ParseError("invalid JSON: nested too deeply") from None
    events = data if isinstance(data, list) else [data]
    if not events:
        raise ParseError("the JSON array holds no events")
    return [_event(item, index) for index, item in enumerate(events, start=1)]


class _Reader:
    """Typed access to one JSON object, with errors that say where."""

    def __init__(self, data: Any, where: str):
        if not isinstance(data, dict):
            raise ParseError(f"{where}: expected an object, got {type(data).__name__}")
        self.data, self.where = data, where

    def text(self, key: str, *, required: bool = False) -> str:
        value = self.data.get(key)
        if value is None or value == "":
            if required:
                raise ParseError(f"{self.where}: '{key}' is missing")
            return ""
        if not isinstance(value, str):
            raise ParseError(f"{self.where}: '{key}' must be a string")
        return _storable(value, f"{self.where}: '{key}'")

    def number(self, key: str, *, required: bool = True) -> int | None:
        value = self.data.get(key)
        if value is None and not required:
            return None
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ParseError(f"{self.where}: '{key}' must be a positive whole number")
        return value

    def seconds(self, key: str) -> float | None:
        """A time in the recording: a number of seconds, 0 or more, or null."""
        value = self.data.get(key)
        if value is None:
            return None
        if (
            not isinstance(value, (int, float))
            or isinstance(value, bool)
            or not math.isfinite(value)
            or value < 0
        ):
            raise ParseError(f"{self.where}: '{key}' must be a number of seconds, 0 or more")
        return float(value)

    def flag(self, key: str, *, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise ParseError(f"{self.where}: '{key}' must be true or false")
        return value

    def items(self, key: str) -> list[Any]:
        value = self.data.get(key, [])
        if not isinstance(value, list):
            raise ParseError(f"{self.where}: '{key}' must be a list")
        return value

    def strings(self, key: str) -> tuple[str, ...]:
        values = self.items(key)
        if not all(isinstance(v, str) and v.strip() for v in values):
            raise ParseError(f"{self.where}: '{key}' must be a list of non-empty strings")
        return tuple(_storable(v, f"{self.where}: '{key}'") for v in values)

    def moment(self, key: str) -> datetime.datetime | None:
        """A time with its offset (ISO 8601), or null."""
        raw = self.text(key)
        if not raw:
            return None
        try:
            value = datetime.datetime.fromisoformat(raw)
        except ValueError:
            value = None
        if value is None or value.tzinfo is None:
            raise ParseError(f"{self.where}: '{key}' {raw!r} is not an ISO 8601 time with offset")
        return value


def _storable(value: str, where: str) -> str:
    if found := _UNSTORABLE.search(value):
        what = "NUL" if found[0] == "\x00" else f"a lone surrogate U+{ord(found[0]):04X}"
        raise ParseError(f"{where} holds {what}, which cannot be stored")
    return value


def _event(data: Any, index: int) -> Transcript:
    root = _Reader(data, f"event {index}")
    event = _Reader(root.data.get("event"), f"event {index}")
    where = f"event {event.text('slug') or event.text('title') or index}"
    speakers = _speakers(root, where)
    parts = [
        Part(r.number("number"), r.text("title", required=True))
        for r in (_Reader(p, f"{where}, section") for p in root.items("sections"))
    ]
    topics = [
        Topic(
            r.number("number"),
            r.text("title", required=True),
            r.number("section", required=False),
            r.text("label"),
        )
        for r in (_Reader(t, f"{where}, topic") for t in root.items("topics"))
    ]
    by_slug = {s.slug: s.name for s in speakers}
    turns = [
        _turn(_Reader(item, f"{where}, quote {position}"), by_slug)
        for position, item in enumerate(root.items("quotes"), start=1)
    ]
    redirects = [
        Redirect(r.number("number"), r.number("to", required=False))
        for r in (_Reader(x, f"{where}, redirect") for x in root.items("redirects"))
    ]
    _check_references(where, parts, topics, turns)
    _check_redirects(where, redirects, turns)
    if not turns:
        raise ParseError(f"{where}: no speaker turns found (the 'quotes' list is empty)")
    published = event.data.get("published")
    return ExportedTranscript(
        title=event.text("title", required=True),
        slug=event.text("slug"),
        series=event.text("series"),
        date=_date(event),
        organizer=event.text("organizer"),
        source_name=event.text("source"),
        source_url=event.text("source_url"),
        intro=event.text("intro"),
        recording_url=event.text("recording_url"),
        published=published if isinstance(published, bool) else None,
        tags=event.strings("tags"),
        speakers=speakers,
        parts=tuple(parts),
        topics=tuple(topics),
        turns=tuple(turns),
        redirects=tuple(redirects),
        format=FORMAT,
        created=event.moment("created"),
        updated=event.moment("updated"),
        tag_details=tuple(
            _tag_detail(_Reader(t, f"{where}, tag {i}"))
            for i, t in enumerate(root.items("tag_details"), start=1)
        ),
    )


def _speakers(root: _Reader, where: str) -> tuple[Speaker, ...]:
    """The event's speakers, each with a slug and a name of its own (quotes name them by slug)."""
    speakers = tuple(
        _speaker(_Reader(s, f"{where}, speaker {i}"))
        for i, s in enumerate(root.items("speakers"), start=1)
    )
    if len({s.slug for s in speakers if s.slug}) != len(speakers):
        raise ParseError(f"{where}: every speaker needs a slug of its own")
    if len({s.name for s in speakers}) != len(speakers):
        raise ParseError(f"{where}: two speakers share a name")
    return speakers


def _turn(quote: _Reader, by_slug: dict[str, str]) -> Turn:
    slug = quote.text("speaker", required=True)
    if slug not in by_slug:
        raise ParseError(f"{quote.where}: speaker {slug!r} is not among the speakers")
    start, end = quote.seconds("start"), quote.seconds("end")
    if start is not None and end is not None and end < start:
        raise ParseError(f"{quote.where}: 'end' ({end:g}) is before 'start' ({start:g})")
    return Turn(
        number=quote.number("number"),
        speaker=by_slug[slug],
        text=quote.text("text", required=True),
        part=quote.number("section", required=False),
        topic=quote.number("topic", required=False),
        tags=quote.strings("tags"),
        published=quote.data.get("published") is not False,
        start=start,
        end=end,
        translation=quote.text("translation"),
    )


def _tag_detail(reader: _Reader) -> TagDetail:
    return TagDetail(
        name=reader.text("name", required=True),
        slug=reader.text("slug"),
        aliases=reader.strings("aliases"),
        old_slugs=reader.strings("old_slugs"),
    )


def _speaker(reader: _Reader) -> Speaker:
    role = reader.text("role") or "guest"
    if role not in ROLES:
        raise ParseError(f"{reader.where}: role {role!r} is not one of {', '.join(ROLES)}")
    return Speaker(
        name=reader.text("name", required=True),
        role=role,
        handle=reader.text("handle").lstrip("@"),
        bio=reader.text("bio"),
        slug=reader.text("slug"),
        placeholder=reader.flag("placeholder", default=False),
    )


def _date(event: _Reader) -> datetime.date | None:
    raw = event.text("date")
    if not raw:
        return None
    try:
        return datetime.date.fromisoformat(raw)
    except ValueError:
        raise ParseError(f"{event.where}: date {raw!r} is not YYYY-MM-DD") from None


def _check_references(where, parts, topics, turns) -> None:
    part_numbers = {p.number for p in parts}
    topic_numbers = {t.number for t in topics}
    for kind, numbers in (
        ("section", [p.number for p in parts]),
        ("topic", [t.number for t in topics]),
        ("quote", [t.number for t in turns]),
    ):
        if len(set(numbers)) != len(numbers):
            raise ParseError(f"{where}: two {kind}s share a number")
    for topic in topics:
        if topic.part is not None and topic.part not in part_numbers:
            raise ParseError(f"{where}: topic {topic.number} is in unknown section {topic.part}")
    for turn in turns:
        if turn.part is not None and turn.part not in part_numbers:
            raise ParseError(f"{where}: quote {turn.number} is in unknown section {turn.part}")
        if turn.topic is not None and turn.topic not in topic_numbers:
            raise ParseError(f"{where}: quote {turn.number} is in unknown topic {turn.topic}")


def _check_redirects(where, redirects, turns) -> None:
    """A retired number is nobody's number now, and leads to a quote of the event (or nowhere)."""
    numbers = {t.number for t in turns}
    if len({r.number for r in redirects}) != len(redirects):
        raise ParseError(f"{where}: two redirects share a number")
    for redirect in redirects:
        if redirect.number in numbers:
            raise ParseError(f"{where}: redirect {redirect.number} is also a quote's number")
        if redirect.target is not None and redirect.target not in numbers:
            raise ParseError(
                f"{where}: redirect {redirect.number} leads to unknown quote {redirect.target}"
            )


def dump(transcript: Transcript) -> dict[str, Any]:
    """The JSON form of one event; `parse_all` reads it back. Speakers need their slugs set.
    Quotes are in reading order, each with its permalink number (numbers that re-imports
    retired leave gaps, listed under "redirects" when there are any), its place in the
    recording ("start", "end": seconds, or null) and its "translation" ("" when none)."""
    slugs = {s.name: s.slug for s in transcript.speakers}
    data = {
        "event": _dump_event(transcript),
        "speakers": [
            {
                "name": s.name,
                "slug": s.slug,
                "handle": s.handle,
                "bio": s.bio,
                "role": s.role,
                "placeholder": s.placeholder,
            }
            for s in transcript.speakers
        ],
        "sections": [{"number": p.number, "title": p.title} for p in transcript.parts],
        "topics": [
            {"number": t.number, "title": t.title, "section": t.part, "label": t.label}
            for t in transcript.topics
        ],
        "quotes": [_dump_quote(turn, slugs[turn.speaker]) for turn in transcript.turns],
    }
    if transcript.redirects:
        data["redirects"] = [{"number": r.number, "to": r.target} for r in transcript.redirects]
    if isinstance(transcript, ExportedTranscript) and transcript.tag_details:
        data["tag_details"] = [
            {
                "name": t.name,
                "slug": t.slug,
                "aliases": list(t.aliases),
                "old_slugs": list(t.old_slugs),
            }
            for t in transcript.tag_details
        ]
    return data


def _dump_event(transcript: Transcript) -> dict[str, Any]:
    event = {
        "title": transcript.title,
        "slug": transcript.slug,
        "series": transcript.series,
        "date": transcript.date.isoformat() if transcript.date else None,
        "organizer": transcript.organizer,
        "source": transcript.source_name,
        "source_url": transcript.source_url,
        "intro": transcript.intro,
        "published": transcript.published,
        "tags": list(transcript.tags),
    }
    if transcript.recording_url:  # only then: exports of events without one are unchanged
        event["recording_url"] = transcript.recording_url
    if isinstance(transcript, ExportedTranscript):
        for key, moment in (("created", transcript.created), ("updated", transcript.updated)):
            if moment is not None:
                event[key] = moment.isoformat()
    return event


def _dump_quote(turn: Turn, speaker_slug: str) -> dict[str, Any]:
    return {
        "number": turn.number,
        "speaker": speaker_slug,
        "section": turn.part,
        "topic": turn.topic,
        "text": turn.text,
        "tags": list(turn.tags),
        "published": turn.published,
        "start": turn.start,
        "end": turn.end,
        "translation": turn.translation,
    }
