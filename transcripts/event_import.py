"""Writes a parsed `Transcript` to the database: the one place events are created or replaced.

Everything happens inside one transaction, so a failed import leaves the database exactly as it
was. The same source (same checksum) imports once (`_create` writes a new event); `replace=True`
re-imports an event in place (`_replace`), keeping the `Event` row (and so its id and slug) and,
for every quote that is still there, its row, its permalink number, its editors' tags and its
published flag (`import_permalinks` decides the numbers and writes the redirects).

Who each speaker is (`match_speakers`) is decided in one read-only function, which the admin's
import preview calls too, so the preview shows exactly what the import will do. A placeholder
(说话人1, SPEAKER_00, 提问者1) is a speaker of its own event only: never matched to a speaker
of another event, nor to a named person (`import_speakers` writes the rows). Rows are written and
indexed in batches, so memory follows the batch, not the event.

Every value is checked first (`import_checks.checked`), whatever the format. Imports take
turns: the second of two imports of one file at the same moment waits for the first, then finds
its event ("unchanged": already imported), and two imports never race to create the same speaker
or tag (`import_turns`); the unique source checksum is the database's guarantee behind it. Tag
names are resolved (and held until commit) by `import_tags.tags_for_import`. A backup (our JSON
export) keeps creation and change times and its tags' slugs, aliases and old slugs.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from django.db import IntegrityError, transaction
from django.db.models import F, Max
from taggit.models import Tag

from . import history, import_tags, pagecache, slugs
from .import_checks import checked
from .import_permalinks import Plan, replacement_plan, write_redirects
from .import_speakers import speaker_rows
from .import_turns import ImportBusy, take_turn
from .models import Event, Participation, Quote, Section, Speaker, TaggedQuote, Topic
from .parsing import ParseWarning, Transcript, script
from .parsing.json_export import ExportedTranscript
from .parsing.transcript import Dropped, Variant
from .search import service as search
from .speaker_matching import SpeakerMatch, match_speakers
from .tagging import TagBusy

BATCH = 1000
# What a re-import rewrites on a quote it keeps (a backup's published flag too: see `_replace`)
KEPT_FIELDS = [
    *("position", "speaker", "text", "section", "topic"),
    *("translation", "start_time", "end_time"),
]


class ImportConflict(Exception):
    """The event already exists from another source and `replace` was not asked for."""


@dataclass
class ImportResult:
    event: Event
    status: Literal["created", "replaced", "unchanged"]
    quotes: int = 0
    sections: int = 0
    topics: int = 0
    new_speakers: list[str] = field(default_factory=list)
    existing_speakers: list[str] = field(default_factory=list)
    placeholders: list[str] = field(default_factory=list)  # speakers of this event only
    warnings: tuple[ParseWarning, ...] = ()
    dropped: tuple[Dropped, ...] = ()  # source lines in no quote, title or metadata, and why
    variants: tuple[Variant, ...] = ()  # labels merged into a speaker (王王明 → 王明)
    kept: int = 0  # quotes that kept their number (and row) through a replace
    added: int = 0  # quotes given a new number
    retired: int = 0  # numbers that now redirect

    @property
    def glued(self) -> int:
        """Parts whose title may hold a glued heading: an editor should split them."""
        return glued_headings(self.warnings)


def glued_headings(warnings: tuple[ParseWarning, ...]) -> int:
    return sum(1 for warning in warnings if warning.code == "glued-heading")


@dataclass(frozen=True)
class QuoteRow:
    """A quote to write, with the names of the tags its turn carries."""

    quote: Quote
    tag_names: tuple[str, ...]


@dataclass
class _Written:
    """What an import wrote before the quotes: the tags by casefolded name, who the speakers are
    and their rows by transcript name, and the event's parts and topics by number."""

    event: Event
    tags: dict[str, Tag]
    matches: list[SpeakerMatch]
    speakers: dict[str, Speaker]
    sections: dict[int, Section] = field(default_factory=dict)
    topics: dict[int, Topic] = field(default_factory=dict)


def event_import(
    *, transcript: Transcript, replace: bool = False, user=None, source: str = ""
) -> ImportResult:
    """Write the transcript (see the module docstring). Raises `import_checks.InvalidValue` (a
    `ParseError`) for a value that cannot be stored, `ImportConflict`, or `ImportBusy`. The
    event's history records the import ("导入 <source or format>") as `user`'s change."""
    transcript = checked(transcript)
    comment = f"导入 {source or transcript.format}"
    try:
        return _import(transcript, replace, user=user, comment=comment)
    except IntegrityError:
        # Someone else wrote this source's event, its slug or one of its speakers at the same
        # moment, outside the turns imports take (an editor in the admin): once more, from what
        # is there now.
        try:
            return _import(transcript, replace, user=user, comment=comment)
        except IntegrityError as error:
            message = first_line(error)
            raise ImportConflict(f"the database refused the event: {message}") from None


def first_line(error: Exception) -> str:
    """What the database said, in one line (its messages run on with details)."""
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def _import(transcript: Transcript, replace: bool, *, user, comment: str) -> ImportResult:
    with (
        transaction.atomic(),
        pagecache.said_by_service(),
        history.revision(user=user, comment=comment),  # its events: those it saves
    ):
        take_turn()
        same_source = same_source_event(transcript, lock=True)
        if same_source and not replace:
            return ImportResult(
                event=same_source, status="unchanged", quotes=same_source.quotes.count()
            )
        event = same_source or same_event(transcript, lock=True)
        if event is None:
            result = _create(transcript)
        elif replace:
            result = _replace(event, transcript)
        else:
            raise ImportConflict(
                f"event '{event.slug}' already exists from a different source; "
                "use --replace to re-import it in place"
            )
        _restore_times(result.event, transcript)
        pagecache.content_changed(events=[result.event.slug])
        return result


def _create(transcript: Transcript) -> ImportResult:
    """A new event: every quote is new, indexed batch by batch from memory, in this
    transaction (readers never see half)."""
    written = _prepare(Event(slug=_free_event_slug(transcript)), transcript, own_event=None)
    _write_structure(written, transcript)
    plan = Plan.fresh(transcript)
    ids: list[int] = []
    for batch in _batches(written, transcript, plan):
        quotes = Quote.objects.bulk_create([row.quote for row in batch])
        _tag(batch, written.tags)
        search.index_new_quotes(batch)
        ids += [quote.pk for quote in quotes]
    if transcript.redirects:
        write_redirects(written.event, transcript, plan, ids)
    return _result(written, "created", transcript, plan)


def _replace(event: Event, transcript: Transcript) -> ImportResult:
    """A new version of `event`, written in place: the quotes that are still there keep their
    rows (updated), new ones are created, the rest go; the event is re-indexed after. From our
    JSON export the file's tags and published flags are the truth; otherwise the editors'
    tags and flags of kept quotes stay."""
    from_file = transcript.format == "json"
    written = _prepare(event, transcript, own_event=event)
    plan = replacement_plan(event, transcript, written.speakers)
    _clear(event, transcript)
    _write_structure(written, transcript)
    ids: list[int] = []
    for batch in _batches(written, transcript, plan):
        new = [row for row in batch if row.quote.pk is None]
        Quote.objects.bulk_update(
            [row.quote for row in batch if row.quote.pk is not None],
            [*KEPT_FIELDS, "published"] if from_file else KEPT_FIELDS,
        )
        Quote.objects.bulk_create([row.quote for row in new])
        _tag(batch if from_file else new, written.tags)
        ids += [row.quote.pk for row in batch]
    write_redirects(event, transcript, plan, ids)
    if plan.retired:
        Quote.objects.filter(pk__in=list(plan.retired)).delete()
    search.index_quotes(event.quotes.all(), fresh=True)
    return _result(written, "replaced", transcript, plan)


def _prepare(event: Event, transcript: Transcript, *, own_event: Event | None) -> _Written:
    """The event row and its tags, and the speakers' rows; `own_event` is the event whose own
    placeholders the transcript's are (`match_speakers`)."""
    tags = _tags(transcript)
    _fill_event(event, transcript, tags)
    matches = match_speakers(transcript, event=own_event)
    return _Written(event=event, tags=tags, matches=matches, speakers=speaker_rows(matches))


def _result(written: _Written, status, transcript: Transcript, plan: Plan) -> ImportResult:
    matches = written.matches
    return ImportResult(
        event=written.event,
        status=status,
        quotes=len(transcript.turns),
        sections=len(transcript.parts),
        topics=len(transcript.topics),
        new_speakers=[m.person.name for m in matches if m.speaker is None],
        existing_speakers=[m.person.name for m in matches if m.speaker is not None],
        placeholders=[m.person.name for m in matches if m.placeholder],
        warnings=transcript.warnings,
        dropped=transcript.dropped,
        variants=transcript.variants,
        kept=plan.kept,
        added=plan.added,
        retired=len(plan.retired),
    )


def same_source_event(transcript: Transcript, *, lock: bool = False) -> Event | None:
    """The event imported from this very source (same checksum), if any."""
    if not transcript.checksum:
        return None
    events = Event.objects.select_for_update() if lock else Event.objects
    return events.filter(source_checksum=transcript.checksum).first()


def same_event(transcript: Transcript, *, lock: bool = False) -> Event | None:
    """The existing event this transcript is a new version of: the same slug, and the same
    title unless the source names its slug (our JSON export)."""
    slug = transcript.slug or slugs.title_slug(transcript.title)
    events = Event.objects.select_for_update() if lock else Event.objects
    existing = events.filter(slug=slug).first()
    if existing is None or (not transcript.slug and existing.title != transcript.title):
        return None
    return existing


def _free_event_slug(transcript: Transcript) -> str:
    base = transcript.slug or slugs.title_slug(transcript.title)
    taken = Event.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    return slugs.unique_slug(base, taken)


def _tags(transcript: Transcript) -> dict[str, Tag]:
    """The tag of every name the event and its quotes carry (casefolded name → tag)."""
    names = [*transcript.tags, *(name for turn in transcript.turns for name in turn.tags)]
    try:
        details = transcript.tag_details if isinstance(transcript, ExportedTranscript) else ()
        return import_tags.tags_for_import(names, details=details)
    except TagBusy as error:
        raise ImportBusy(f"the tags are being changed: {error}") from None


def _restore_times(event: Event, transcript: Transcript) -> None:
    """A backup (our JSON export) keeps when its event was created and last changed, as it keeps
    its tags and flags: the feeds, the sitemap and the home page's order print or follow them.
    Restored over the event in place, the event is again as it was then (its page version, the
    change time, with it: a page cached from then is that content)."""
    if not isinstance(transcript, ExportedTranscript):
        return
    moments = {"created_at": transcript.created, "updated_at": transcript.updated}
    times = {field: moment for field, moment in moments.items() if moment is not None}
    if times:
        Event.objects.filter(pk=event.pk).update(**times)
        for field, moment in times.items():
            setattr(event, field, moment)


def _fill_event(event: Event, transcript: Transcript, tags: dict[str, Tag]) -> None:
    event.title = transcript.title
    event.series = transcript.series
    event.date = transcript.date
    event.organizer = transcript.organizer
    event.source_name = transcript.source_name
    event.source_url = transcript.source_url
    event.intro = transcript.intro
    if transcript.recording_url:  # other formats never carry one: an editor's stays
        event.recording_url = transcript.recording_url
    event.source_checksum = transcript.checksum
    event.source_format = transcript.format
    event.language = script.script_of(transcript.title, *(t.text for t in transcript.turns))
    if transcript.published is not None:
        event.published = transcript.published
    new = event.pk is None  # a new event has no tags to take off
    event.save()
    if transcript.tags or (not new and event.tags.exists()):
        event.tags.set([tags[name.casefold()] for name in transcript.tags])


# Writing the contents ----------------------------------------------------------------------


def _clear(event: Event, transcript: Transcript) -> None:
    """Make way for a replaced event's new contents: its quotes leave the index and step out of
    the way of the new positions 1..N (unique per event); its participations, parts and topics
    go (and, from our JSON export, its quotes' tags: the file's are the truth)."""
    search.remove_quotes(event.quotes.values_list("pk", flat=True))
    top = event.quotes.aggregate(top=Max("position"))["top"] or 0
    shift = max(top, len(transcript.turns))
    event.quotes.update(position=F("position") + shift, section=None, topic=None)
    if transcript.format == "json":
        TaggedQuote.objects.filter(content_object__event=event).delete()
    # (a new event has none: deleting through Django's collector costs queries even then)
    event.participations.all().delete()
    event.topics.all().delete()
    event.sections.all().delete()


def _write_structure(written: _Written, transcript: Transcript) -> None:
    """The event's participations, parts and topics (the parts and topics kept in `written`)."""
    event, speakers = written.event, written.speakers
    firsts = {id(speakers[s.name]): s for s in reversed(transcript.speakers)}  # aliases: one row
    Participation.objects.bulk_create(
        Participation(event=event, speaker=speakers[s.name], role=s.role, bio=s.bio, order=i)
        for i, s in enumerate(transcript.speakers)
        if firsts[id(speakers[s.name])] is s
    )
    written.sections = {
        s.number: s
        for s in Section.objects.bulk_create(
            Section(event=event, number=p.number, title=p.title) for p in transcript.parts
        )
    }
    written.topics = {
        t.number: t
        for t in Topic.objects.bulk_create(
            Topic(
                event=event,
                number=t.number,
                title=t.title,
                label=t.label,
                section=written.sections.get(t.part),
            )
            for t in transcript.topics
        )
    }


def _batches(written: _Written, transcript: Transcript, plan: Plan) -> Iterator[list[QuoteRow]]:
    """The quotes of the turns, `BATCH` at a time (their rows and numbers from `plan`)."""
    turns = transcript.turns
    for start in range(0, len(turns), BATCH):
        yield [
            _quote_row(written, turn, j, plan)
            for j, turn in enumerate(turns[start : start + BATCH], start)
        ]


def _quote_row(written: _Written, turn, index: int, plan: Plan) -> QuoteRow:
    quote = Quote(
        pk=plan.rows[index],
        event=written.event,
        number=plan.numbers[index],
        position=index + 1,
        speaker=written.speakers[turn.speaker],
        text=turn.text,
        section=written.sections.get(turn.part),
        topic=written.topics.get(turn.topic),
        published=turn.published,
        translation=turn.translation,
        **_times(turn),
    )
    return QuoteRow(quote=quote, tag_names=tuple(turn.tags))


def _times(turn) -> dict[str, float | None]:
    """The turn's place in the recording; a time that cannot be one (negative, or an end
    before the start) is left out rather than refused: the text matters more than the clock."""
    start = turn.start if turn.start is not None and turn.start >= 0 else None
    end = turn.end if turn.end is not None and turn.end >= 0 else None
    if start is not None and end is not None and end < start:
        end = None
    return {"start_time": start, "end_time": end}


def _tag(rows: list[QuoteRow], tags: dict[str, Tag]) -> None:
    """Tag the quotes in bulk (one query), with the tags `import_tags.tags_for_import` gave."""
    TaggedQuote.objects.bulk_create(
        {
            (row.quote.pk, tags[name.casefold()].pk): TaggedQuote(
                content_object=row.quote, tag=tags[name.casefold()]
            )
            for row in rows
            for name in row.tag_names
        }.values()
    )
