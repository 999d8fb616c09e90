"""Advanced SubStation Alpha subtitles (.ass, .ssa), as Aegisub and subtitle groups write them,
read as a container: each `Dialogue:` event becomes a cue of the subtitle reader (`subtitles`),
so times, rolling captions, bilingual lines and `名：` prefixes are read as in SRT and WebVTT.

What the container itself says:
- `[Script Info]`'s `Title:` titles the file (not Aegisub's placeholder "Default Aegisub file");
- an event's Name (SSA: Actor) field is its speaker, as a WebVTT voice is (unless it only
  tags the line's language, `CN`/`EN`);
- `\\N` and `\\n` break a line (a bilingual event is `中文\\NEnglish`), `\\h` is a space, and
  `{…}` blocks (override tags such as `{\\i1}`, or comments) are not text;
- `Comment:` events, the styles and the other sections are structure, never speech;
- events in a sign or credit style or name (`Staff`, `Title`, `Sign`, `OP`, `注释`…) are
  on-screen text (the group's credits, a title card, a street sign): reported in `dropped`.

Events are read in time order (a script may keep its signs apart from the dialogue). Events
shown together (the same start and end, one speaker or none named) are one cue: bilingual
scripts often give the Chinese line and its original as two events in two styles.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import TYPE_CHECKING

from . import dates
from .blocks import Document
from .subtitles import Cue, CueReader
from .transcript import Dropped, ParseError

if TYPE_CHECKING:
    from .transcript import Transcript

FORMAT = "ass"

_SECTION = re.compile(r"^\s*\[(?P<name>[^\]]+)\]\s*$")
_EVENT = re.compile(
    r"^\s*(?P<kind>Dialogue|Comment|Picture|Sound|Movie|Command)\s*:\s*(?P<rest>.*)$"
)
_TIME = re.compile(r"^\s*(\d{1,2}:[0-5]\d:[0-5]\d(?:\.\d{1,3})?)\s*$")
_OVERRIDE = re.compile(r"\{[^}]*\}")
_BREAK = re.compile(r"\\[Nn]")
_PLACEHOLDER_TITLE = "default aegisub file"
# Styles that subtitle groups give to on-screen text rather than speech.
_SIGN_STYLE = re.compile(
    r"(?:^|[\s_\-.])(?:signs?|staff|credits?|titles?|logo|notes?|op|ed|kara(?:oke)?|typeset|ts|"
    r"screen)(?:$|[\s_\-.\d])|注释|註釋|标题|標題|片头|片頭|片尾|制作|製作|字幕组|字幕組|屏幕字|画面字",
    re.IGNORECASE,
)
# Name fields that some groups use to tag a line's language rather than its speaker.
_LANGUAGE_TAGS = frozenset(("cn", "chs", "cht", "zh", "sc", "tc", "en", "eng", "jp", "jpn", "ja"))
DEFAULT_FIELDS = ("layer", "start", "end", "style", "name", "marginl", "marginr", "marginv")
DEFAULT_FIELDS += ("effect", "text")


def looks_like(text: str) -> bool:
    """A `[Script Info]` header first, or an `[Events]` section with `Dialogue:` lines."""
    head = text.lstrip("\ufeff \n\t")
    if head[:13].lower() == "[script info]":
        return True
    return "[Events]" in head[:200_000] and bool(re.search(r"^Dialogue:\s*\d", head, re.M))


def parse(text: str) -> Transcript:
    from .assemble import assemble

    return assemble(read(text))


def read(text: str) -> Document:
    """The dialogue events as cues, the script's title, and every other line in `consumed`."""
    script = _Script()
    for number, raw in enumerate(text.lstrip("\ufeff").split("\n"), start=1):
        script.line(number, raw.rstrip("\r"))
    if not script.events:
        raise ParseError("no dialogue events found (no `Dialogue:` line in an [Events] section)")
    reader = CueReader()
    reader.title = script.title
    for cue in _cues(sorted(script.events, key=lambda e: e[:3])):
        reader.add_cue(cue)
    document = reader.document()
    return replace(
        document,
        format=FORMAT,
        consumed=(*script.consumed, *document.consumed),
        dropped=(*document.dropped, *script.dropped),
    )


def _cues(events) -> list[Cue]:
    """One cue per event, or per group of events shown together by one speaker (or none)."""
    cues: list[Cue] = []
    for start, end, number, speaker, pieces in events:
        last = cues[-1] if cues else None
        together = last is not None and (last.start, last.end) == (start, end)
        if together and (not speaker or not last.speaker or speaker == last.speaker):
            last.speaker = last.speaker or speaker
            last.lines.extend((number, piece) for piece in pieces)
            continue
        cues.append(Cue(start, end, [(number, piece) for piece in pieces], speaker))
    return cues


class _Script:
    """Reads the script line by line: which section, which fields an event has, and its
    events as (start, end, line, speaker, text lines)."""

    def __init__(self) -> None:
        self.section = ""
        self.fields = DEFAULT_FIELDS
        self.title = ""
        self.events: list[tuple[float, float | None, int, str, list[str]]] = []
        self.consumed: list[tuple[int, str]] = []
        self.dropped: list[Dropped] = []

    def line(self, number: int, raw: str) -> None:
        if not raw.strip():
            return
        section = _SECTION.match(raw)
        if section:
            self.section = section.group("name").strip().lower()
            return self.consumed.append((number, "section"))
        if self.section != "events":
            return self._header(number, raw)
        event = _EVENT.match(raw)
        if raw.lstrip().lower().startswith("format:"):
            names = raw.split(":", 1)[1].split(",")
            self.fields = tuple(name.strip().lower() for name in names)
            return self.consumed.append((number, "event format"))
        if event is None or event.group("kind") != "Dialogue":
            return self.consumed.append((number, "comment" if event else "header"))
        return self._dialogue(number, event.group("rest"))

    def _header(self, number: int, raw: str) -> None:
        key, colon, value = raw.partition(":")
        title = key.strip().lower() == "title" and self.section == "script info" and colon
        if title and value.strip().lower() != _PLACEHOLDER_TITLE and not self.title:
            self.title = value.strip()
            return self.consumed.append((number, "title"))
        return self.consumed.append((number, "header"))

    def _dialogue(self, number: int, rest: str) -> None:
        values = [value.strip() for value in rest.split(",", len(self.fields) - 1)]
        if len(values) != len(self.fields) or "text" not in self.fields:
            raise ParseError(f"line {number}: a Dialogue line without all its fields")
        event = dict(zip(self.fields, values, strict=True))
        start, end = _time(event.get("start", ""), number), _time(event.get("end", ""), number)
        text = _OVERRIDE.sub("", event["text"]).replace("\\h", " ")
        pieces = [piece for piece in _BREAK.split(text) if piece.strip()]
        if not pieces:
            return self.consumed.append((number, "markup"))
        style, speaker = event.get("style", ""), event.get("name") or event.get("actor") or ""
        for field, value in (("style", style.lstrip("*")), ("name", speaker)):
            if _SIGN_STYLE.search(value):
                shown = " / ".join(" ".join(piece.split()) for piece in pieces)
                self.dropped.append(Dropped(number, shown, f"on-screen text ({field} {value})"))
                return None
        if speaker.lower() in _LANGUAGE_TAGS:
            speaker = ""  # `CN` / `EN`: which language the line is in, not who says it
        self.events.append((start, end if end >= start else None, number, speaker, pieces))
        return None


def _time(value: str, number: int) -> float:
    match = _TIME.match(value)
    if match is None:
        raise ParseError(f"line {number}: {value!r} is not an event time (expected 0:00:01.50)")
    return dates.seconds(match.group(1))
