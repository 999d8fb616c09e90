"""Every value of a parsed transcript checked at the door, whatever its format (issue 12).

`event_import` passes each `Transcript` through `checked()` before it writes anything, so a
hostile or oversized file is never a traceback, a `DataError` or a row that takes pages down.
What the database cannot hold or the site cannot serve is refused with one line naming the field
(`InvalidValue`, a `ParseError`: the command and the admin say it as they say a parse error); it
is mended, with a warning in the import report, where an editor would rather have the event and
fix one field than be refused the whole file:

| value                                      | what happens                                      |
| ------------------------------------------ | ------------------------------------------------- |
| event, part and topic titles; series,      | longer than the column: cut there, with a warning |
| organizer, source name; topic label        |                                                   |
| source URL                                 | longer than the column: left out, with a warning  |
| event and speaker slugs (our JSON)         | not a URL slug (a space, a slash, Chinese) or too |
|                                            | long: made again from the title or the name, with |
|                                            | a warning                                         |
| speaker name, handle                       | too long, or a control character: refused (they   |
|                                            | say who someone is: a cut name is someone else)   |
| tag names (quotes', the event's, a         | NFKC, invisible characters removed (see           |
| backup's aliases)                          | `slugs.clean_tag_name`); empty, too long, or no   |
|                                            | letter or digit (`!!!`): refused                  |
| quote, part, topic and redirect numbers    | beyond the database column: refused               |
| any text                                   | NUL or a lone surrogate: refused; other control   |
|                                            | characters (tab and newline apart) removed: the   |
|                                            | feeds are XML, which has no room for them         |

Quote text has no length limit here: the search index takes a long quote in pieces.
"""

from __future__ import annotations

import re
from dataclasses import replace

from django.db.backends.base.operations import BaseDatabaseOperations

from . import slugs, tagging
from .models import Event, Section, Speaker, Topic
from .parsing import ParseError, ParseWarning, Transcript
from .parsing.json_export import TagDetail

_UNSTORABLE = re.compile(r"[\x00\ud800-\udfff]")  # NUL, and UTF-16 halves UTF-8 cannot encode
_CONTROL = re.compile(r"[\x01-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not in XML 1.0
# The smallest database's columns (PostgreSQL's integer and smallint; SQLite takes more).
MAX_QUOTE_NUMBER = BaseDatabaseOperations.integer_field_ranges["PositiveIntegerField"][1]
MAX_PART_NUMBER = BaseDatabaseOperations.integer_field_ranges["PositiveSmallIntegerField"][1]

_TAG_FAULTS = {
    "empty": "is empty once invisible characters are removed",
    "long": f"is longer than {tagging.MAX_NAME} characters",
    "no-slug": "has no letter or digit for its web address",
}


class InvalidValue(ParseError):
    """A value the database cannot hold or the site cannot serve, named by its field."""


def _limit(model, field: str) -> int:
    return model._meta.get_field(field).max_length


def checked(transcript: Transcript) -> Transcript:
    """The transcript with every value fit to store, or `InvalidValue` for the first that
    cannot be (see the module docstring). Mended values add warnings."""
    return _Door(transcript).transcript()


class _Door:
    def __init__(self, transcript: Transcript):
        self.source = transcript
        slug = (
            transcript.slug
            if slugs.is_url_slug(transcript.slug, max_length=_limit(Event, "slug"))
            else ""
        )
        self.where = f"event {_printable(slug or transcript.title)[:60]}"
        self.warnings: list[ParseWarning] = []

    # One value ---------------------------------------------------------------------------------

    def at(self, field: str) -> str:
        """Where a field is, as the JSON reader says it: `event X: 'title'`, `event X, quote
        3: 'text'`."""
        return f"{self.where}{'' if field.startswith(':') else ', '}{field}"

    def refuse(self, field: str, problem: str):
        raise InvalidValue(f"{self.at(field)} {problem}")

    def warn(self, code: str, message: str) -> None:
        self.warnings.append(ParseWarning(code, self.at(message)))

    def text(self, value: str, field: str, *, limit: int | None = None, strict=False) -> str:
        """`strict`: a name, refused rather than changed."""
        if found := _UNSTORABLE.search(value):
            what = "NUL" if found[0] == "\x00" else f"a lone surrogate U+{ord(found[0]):04X}"
            self.refuse(field, f"holds {what}, which cannot be stored")
        if _CONTROL.search(value):
            if strict:
                self.refuse(field, "holds a control character")
            value = _CONTROL.sub("", value)
            self.warn("control-characters", f"{field}: control characters removed")
        if limit is not None and len(value) > limit:
            if strict:
                self.refuse(field, f"has {len(value)} characters, at most {limit}")
            value = value[:limit].rstrip()
            self.warn("value-cut", f"{field} cut to {limit} characters")
        return value

    def required(self, value: str, field: str, **options) -> str:
        value = self.text(value, field, **options)
        if not value.strip():
            self.refuse(field, "is empty")
        return value

    def number(self, value: int | None, field: str, *, top: int) -> None:
        if value is not None and not 1 <= value <= top:
            self.refuse(field, f"{value} is out of range (1 to {top})")

    def slug(self, value: str, field: str, *, limit: int) -> str:
        """A slug the URLs can carry, or "" (the import makes one from the title or name)."""
        if not value or slugs.is_url_slug(value, max_length=limit):
            return value
        self.warn(
            "slug-remade",
            f"{field} {_printable(value)[:60]!r} is not a web address slug: made again",
        )
        return ""

    def tag(self, raw: str, field: str) -> str:
        name = slugs.clean_tag_name(self.text(raw, field))
        if fault := tagging.name_fault(name):
            self.refuse(field, f"{_printable(raw)[:40]!r} {_TAG_FAULTS[fault]}")
        return name

    def tags(self, names: tuple[str, ...], field: str) -> tuple[str, ...]:
        """Clean names, each once (tag names ignore case)."""
        unique: dict[str, str] = {}
        for raw in names:
            name = self.tag(raw, field)
            unique.setdefault(name.casefold(), name)
        return tuple(unique.values())

    # The transcript ----------------------------------------------------------------------------

    def transcript(self) -> Transcript:
        t = self.source
        changes = {
            "title": self.required(t.title, ": 'title'", limit=_limit(Event, "title")),
            "slug": self.slug(t.slug, ": 'slug'", limit=_limit(Event, "slug")),
            "series": self.text(t.series, ": 'series'", limit=_limit(Event, "series")),
            "organizer": self.text(t.organizer, ": 'organizer'", limit=_limit(Event, "organizer")),
            "source_name": self.text(
                t.source_name, ": 'source'", limit=_limit(Event, "source_name")
            ),
            "source_url": self.url(t.source_url),
            "recording_url": self.url(t.recording_url, "recording_url"),
            "intro": self.text(t.intro, ": 'intro'"),
            "tags": self.tags(t.tags, ": 'tags'"),
            "speakers": tuple(self.speakers()),
            "parts": tuple(self.parts()),
            "topics": tuple(self.topics()),
            "turns": tuple(self.turns()),
        }
        for r in t.redirects:
            self.number(r.number, "redirect: 'number'", top=MAX_QUOTE_NUMBER)
            self.number(r.target, "redirect: 'to'", top=MAX_QUOTE_NUMBER)
        if details := getattr(t, "tag_details", ()):
            changes["tag_details"] = tuple(self.tag_details(details))
        changes = {k: v for k, v in changes.items() if v != getattr(t, k)}
        if self.warnings:
            changes["warnings"] = (*t.warnings, *self.warnings)
        return replace(t, **changes) if changes else t

    def url(self, value: str, field: str = "source_url") -> str:
        value = self.text(value, f": '{field}'")
        if len(value) > (limit := _limit(Event, field)):
            self.warn("value-left-out", f": '{field}' is longer than {limit} characters: left out")
            return ""
        return value

    def speakers(self):
        handles: dict[str, str] = {}
        for i, s in enumerate(self.source.speakers, start=1):
            field = f"speaker {i}"
            name = self.required(
                s.name, f"{field}: 'name'", limit=_limit(Speaker, "name"), strict=True
            )
            handle = self.text(
                s.handle, f"{field}: 'handle'", limit=_limit(Speaker, "handle"), strict=True
            )
            if handle and handles.setdefault(handle, name) != name:
                self.refuse(f"{field}: 'handle'", f"{handle!r} is also {handles[handle]}'s")
            yield replace(
                s,
                bio=self.text(s.bio, f"{field}: 'bio'"),
                slug=self.slug(s.slug, f"{field}: 'slug'", limit=_limit(Speaker, "slug")),
            )

    def parts(self):
        for p in self.source.parts:
            field = f"section {p.number}"
            self.number(p.number, f"{field}: 'number'", top=MAX_PART_NUMBER)
            title = self.required(p.title, f"{field}: 'title'", limit=_limit(Section, "title"))
            yield p if title == p.title else replace(p, title=title)

    def topics(self):
        for t in self.source.topics:
            field = f"topic {t.number}"
            self.number(t.number, f"{field}: 'number'", top=MAX_PART_NUMBER)
            title = self.required(t.title, f"{field}: 'title'", limit=_limit(Topic, "title"))
            label = self.text(t.label, f"{field}: 'label'", limit=_limit(Topic, "label"))
            yield (
                t if (title, label) == (t.title, t.label) else replace(t, title=title, label=label)
            )

    def turns(self):
        for position, turn in enumerate(self.source.turns, start=1):
            field = f"quote {position}"
            self.number(turn.number, f"{field}: 'number'", top=MAX_QUOTE_NUMBER)
            text = self.required(turn.text, f"{field}: 'text'")
            translation = self.text(turn.translation, f"{field}: 'translation'")
            tags = self.tags(turn.tags, f"{field}: 'tags'") if turn.tags else ()
            if (text, translation, tags) == (turn.text, turn.translation, turn.tags):
                yield turn
            else:
                yield replace(turn, text=text, translation=translation, tags=tags)

    def tag_details(self, details: tuple[TagDetail, ...]):
        """A backup's tag details: a slug, alias or old slug that cannot be one is left out."""
        for detail in details:
            field = ": 'tag_details'"
            aliases = []
            for raw in detail.aliases:
                alias = slugs.clean_tag_name(self.text(raw, field))
                if tagging.name_fault(alias):
                    self.warn("value-left-out", f"{field}: alias {_printable(raw)!r} left out")
                else:
                    aliases.append(alias)
            yield TagDetail(
                name=self.tag(detail.name, field),
                slug=detail.slug if slugs.is_tag_slug(detail.slug) else "",
                aliases=tuple(aliases),
                old_slugs=tuple(s for s in detail.old_slugs if slugs.is_tag_slug(s)),
            )


def _printable(value: str) -> str:
    """A value as a one-line message may quote it: no NUL, control character or surrogate."""
    return _CONTROL.sub("", _UNSTORABLE.sub("\ufffd", value)).replace("\n", " ")
