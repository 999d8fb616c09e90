"""Writes a parsed `Transcript` to the database: the one place events are created or replaced.

Everything happens inside one transaction, so a failed import leaves the database exactly as it
was. The same source (same checksum) imports once; `replace=True` re-imports an event in place,
keeping the `Event` row (and so its id and slug) and, for every quote that is still there (same
speaker and text, or a corrected version of it: see `alignment`), its row, its permalink number,
its editors' tags and its published flag. New quotes get numbers the event never used; a quote
that went away leaves a `QuoteRedirect` from its number. Our JSON export says each quote's
number itself (the backup/restore path): there the same number is the same quote.

Who each speaker is (`match_speakers`) is decided in one read-only function, which the admin's
import preview calls too, so the preview shows exactly what the import will do. A placeholder
(说话人1, SPEAKER_00, 提问者1) is a speaker of its own event only: never matched to a speaker
of another event, and never a match for a named person.

Rows are written and indexed in batches, so memory follows the batch, not the event.

Every value is checked first (`import_checks.checked`: lengths, numbers, slugs, tag names, NUL),
whatever the format. Imports take turns: the second of two imports of one file at the same moment
waits for the first, then finds its event ("unchanged": already imported), and two imports
never race to create the same speaker or tag (`_take_turn`); the unique source checksum is the
database's guarantee behind it. Tag names are resolved by `import_tags.tags_for_import` (a merged
tag's name is an alias and leads to the tag it was merged into), which holds the tags until the
import commits, so a merge meanwhile is refused as busy instead of failing the import at commit.
A backup (our JSON export) keeps its event's creation and change times and its tags' slugs,
aliases and old slugs.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import Literal

from django.db import IntegrityError, OperationalError, connection, transaction
from django.db.models import F, Max, Q
from taggit.models import Tag

from . import alignment, import_tags, slugs
from .import_checks import checked
from .models import (
    Event,
    Participation,
    Quote,
    QuoteRedirect,
    Section,
    Speaker,
    TaggedQuote,
    Topic,
)
from .parsing import Speaker as ParsedSpeaker
from .parsing import Transcript
from .parsing import Warning as ParseWarning
from .parsing.transcript import Dropped, Variant
from .search import service as search
from .speaker_matching import SpeakerMatch, match_speakers
from .tagging import TagBusy

BATCH = 1000
IMPORT_WAIT = 600  # seconds an import waits for the one before it (SQLite; PostgreSQL waits on)
IMPORT_LOCK = 0x5A1_0113  # PostgreSQL advisory lock: imports take turns


class ImportConflict(Exception):
    """The event already exists from another source and `replace` was not asked for."""


class ImportBusy(Exception):
    """Another import kept the database busy for longer than `IMPORT_WAIT`."""


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


@dataclass
class _Plan:
    """For each turn, in reading order: its permalink number and the row it updates (or None);
    and the rows that go, each with the turn index its readers are sent to."""

    numbers: list[int]
    rows: list[int | None]
    retired: dict[int, tuple[int, int]]  # old quote id → (its number, turn index)


def event_import(*, transcript: Transcript, replace: bool = False) -> ImportResult:
    """Write the transcript (see the module docstring). Raises `import_checks.InvalidValue` (a
    `ParseError`) for a value that cannot be stored, `ImportConflict`, or `ImportBusy`."""
    transcript = checked(transcript)
    try:
        return _import(transcript, replace)
    except IntegrityError:
        # Someone else wrote this source's event, its slug or one of its speakers at the same
        # moment, outside the turns imports take (an editor in the admin): once more, from what
        # is there now.
        try:
            return _import(transcript, replace)
        except IntegrityError as error:
            message = str(error).splitlines()[0] if str(error) else type(error).__name__
            raise ImportConflict(f"the database refused the event: {message}") from None


def _import(transcript: Transcript, replace: bool) -> ImportResult:
    with transaction.atomic():
        _take_turn()
        same_source = same_source_event(transcript, lock=True)
        if same_source and not replace:
            return ImportResult(
                event=same_source, status="unchanged", quotes=same_source.quotes.count()
            )
        event = same_source or same_event(transcript, lock=True)
        if event and not same_source and not replace:
            raise ImportConflict(
                f"event '{event.slug}' already exists from a different source; "
                "use --replace to re-import it in place"
            )
        status = "replaced" if event else "created"
        if event is None:
            event = Event(slug=_free_event_slug(transcript))
        tags = _tags(transcript)
        _fill_event(event, transcript, tags)
        matches = match_speakers(transcript, event=event if status == "replaced" else None)
        speakers = _resolve_speakers(matches)
        plan = _plan(event, transcript, speakers) if status == "replaced" else _fresh(transcript)
        replacing = status == "replaced"
        _write_contents(event, transcript, speakers, plan, replacing=replacing, tags=tags)
        _restore_times(event, transcript)
        return ImportResult(
            event=event,
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
            kept=sum(row is not None for row in plan.rows),
            added=sum(row is None for row in plan.rows),
            retired=len(plan.retired),
        )


def _take_turn() -> None:
    """Wait until no other import is writing, then hold the turn until this one commits.

    PostgreSQL: a transaction-level advisory lock. SQLite lets one transaction write at a time:
    its write lock is taken now, by a first write, because a transaction that has read before
    its first write cannot wait for the lock (it fails at once with "database is locked")."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [IMPORT_LOCK])
        elif connection.vendor == "sqlite":
            cursor.execute("PRAGMA busy_timeout")
            (previous,) = cursor.fetchone()
            cursor.execute(f"PRAGMA busy_timeout = {IMPORT_WAIT * 1000}")
            try:
                cursor.execute(f"UPDATE {Event._meta.db_table} SET id = id WHERE 0")
            except OperationalError:
                raise ImportBusy(
                    f"another import or edit kept the database busy for {IMPORT_WAIT} s; "
                    "try again when it has finished"
                ) from None
            finally:
                cursor.execute(f"PRAGMA busy_timeout = {int(previous)}")


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
        return import_tags.tags_for_import(names, details=getattr(transcript, "tag_details", ()))
    except TagBusy as error:
        raise ImportBusy(f"the tags are being changed: {error}") from None


def _restore_times(event: Event, transcript: Transcript) -> None:
    """A backup (our JSON export) keeps when its event was created and last changed, as it keeps
    its tags and flags: the feeds, the sitemap and the home page's order print or follow them.
    Restored over the event in place, the event is again as it was then (its page version, the
    change time, with it: a page cached from then is that content)."""
    times = {
        field: moment
        for field, moment in (
            ("created_at", getattr(transcript, "created", None)),
            ("updated_at", getattr(transcript, "updated", None)),
        )
        if moment is not None
    }
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
    event.source_checksum = transcript.checksum
    event.source_format = transcript.format
    if transcript.published is not None:
        event.published = transcript.published
    event.save()
    if transcript.tags or event.tags.exists():
        event.tags.set([tags[name.casefold()] for name in transcript.tags])


# Who the speakers are ----------------------------------------------------------------------


def _resolve_speakers(matches: list[SpeakerMatch]) -> dict[str, Speaker]:
    """A row for every match: existing ones get the handle and bio they lacked, new ones are
    created (placeholders flagged as such, each with a slug of its own)."""
    resolved, created = {}, []
    for match in matches:
        person, row = match.person, match.speaker
        if row is None:
            row = Speaker(
                name=person.name,
                handle=person.handle,
                bio=person.bio,
                placeholder=match.placeholder,
            )
            created.append((person, row))
        else:
            _fill_blanks(row, person)
        resolved[person.name] = row
    if created:
        _create_speakers(created)
    return resolved


def _create_speakers(created: list[tuple[ParsedSpeaker, Speaker]]) -> None:
    """Give new speakers free slugs (one query for all) and write them in one statement."""
    bases = [person.slug or slugs.speaker_slug(person.name) for person, _ in created]
    taken = set(
        Speaker.objects.filter(
            reduce(operator.or_, (Q(slug__startswith=base) for base in set(bases)))
        ).values_list("slug", flat=True)
    )
    for (_, speaker), base in zip(created, bases, strict=True):
        speaker.slug = slugs.unique_slug(base, taken)
        taken.add(speaker.slug)
    Speaker.objects.bulk_create([speaker for _, speaker in created])
    search.vocabulary_changed()  # their names join the segmentation dictionary


def _fill_blanks(speaker: Speaker, person: ParsedSpeaker) -> None:
    changed = []
    if person.handle and not speaker.handle:
        speaker.handle = person.handle
        changed.append("handle")
    if person.bio and not speaker.bio:
        speaker.bio = person.bio
        changed.append("bio")
    if changed:
        speaker.save(update_fields=changed)


def _fresh(transcript: Transcript) -> _Plan:
    """A new event: every turn is a new quote with the number the transcript gives it."""
    turns = transcript.turns
    return _Plan([turn.number for turn in turns], [None] * len(turns), {})


def _plan(event: Event, transcript: Transcript, speakers: dict[str, Speaker]) -> _Plan:
    """Which existing quote each turn of the new version is (see the module docstring)."""
    old = list(event.quotes.order_by("position").values_list("pk", "number", "speaker_id", "text"))
    turns = transcript.turns
    if transcript.format == "json":
        aligned = alignment.by_number([o[1] for o in old], [turn.number for turn in turns])
        numbers = [turn.number for turn in turns]
    else:
        aligned = alignment.align(
            [(speaker, text) for _, _, speaker, text in old],
            [(speakers[turn.speaker].pk, turn.text) for turn in turns],
        )
        used = max(
            max((number for _, number, _, _ in old), default=0),
            event.quote_redirects.aggregate(top=Max("number"))["top"] or 0,
        )
        numbers = []
        for j in range(len(turns)):
            if j in aligned.matched:
                numbers.append(old[aligned.matched[j]][1])
            else:
                used += 1  # never a number the event has used, even one now retired
                numbers.append(used)
    rows = [old[aligned.matched[j]][0] if j in aligned.matched else None for j in range(len(turns))]
    retired = {old[i][0]: (old[i][1], j) for i, j in aligned.retired.items()}
    return _Plan(numbers, rows, retired)


def _write_contents(event, transcript, speakers, plan: _Plan, *, replacing: bool, tags) -> None:
    """Rows for the turns, in batches: existing quotes updated in place, new ones created.
    A new event is indexed batch by batch from memory; a replaced one is re-indexed after."""
    turns = transcript.turns
    from_file = transcript.format == "json"  # the file's tags and flags are the truth
    if replacing:
        search.remove_quotes(event.quotes.values_list("pk", flat=True))
        top = event.quotes.aggregate(top=Max("position"))["top"] or 0
        # out of the way of the new positions 1..N (unique per event)
        event.quotes.update(position=F("position") + max(top, len(turns)), section=None, topic=None)
        if from_file:
            TaggedQuote.objects.filter(content_object__event=event).delete()
        # (a new event has none: deleting through Django's collector costs queries even then)
        event.participations.all().delete()
        event.topics.all().delete()
        event.sections.all().delete()
    sections, topics = _write_structure(event, transcript, speakers)
    ids: list[int] = []
    for start in range(0, len(turns), BATCH):
        batch = [
            _quote(event, turn, j, plan, speakers, sections, topics)
            for j, turn in enumerate(turns[start : start + BATCH], start)
        ]
        fields = [
            *("position", "speaker", "text", "section", "topic"),
            *("translation", "start_time", "end_time"),
        ]
        Quote.objects.bulk_update(
            [q for q in batch if q.pk], [*fields, "published"] if from_file else fields
        )
        created = Quote.objects.bulk_create([q for q in batch if not q.pk])
        _tag(batch if from_file else created, tags)
        if not replacing:
            search.index_new_quotes(batch)  # in this transaction: readers never see half
        ids += [q.pk for q in batch]
    if replacing or transcript.redirects:
        _write_redirects(event, transcript, plan, ids)
    if plan.retired:
        Quote.objects.filter(pk__in=list(plan.retired)).delete()
    if replacing:
        search.index_quotes(event.quotes.all(), fresh=True)


def _write_structure(event, transcript, speakers) -> tuple[dict, dict]:
    Participation.objects.bulk_create(
        Participation(event=event, speaker=speakers[s.name], role=s.role, bio=s.bio, order=i)
        for i, s in enumerate(transcript.speakers)
    )
    sections = {
        s.number: s
        for s in Section.objects.bulk_create(
            Section(event=event, number=p.number, title=p.title) for p in transcript.parts
        )
    }
    topics = {
        t.number: t
        for t in Topic.objects.bulk_create(
            Topic(
                event=event,
                number=t.number,
                title=t.title,
                label=t.label,
                section=sections.get(t.part),
            )
            for t in transcript.topics
        )
    }
    return sections, topics


def _quote(event, turn, index, plan, speakers, sections, topics) -> Quote:
    quote = Quote(
        pk=plan.rows[index],
        event=event,
        number=plan.numbers[index],
        position=index + 1,
        speaker=speakers[turn.speaker],
        text=turn.text,
        section=sections.get(turn.part),
        topic=topics.get(turn.topic),
        published=turn.published,
        translation=turn.translation,
        **_times(turn),
    )
    quote.tag_names = list(turn.tags)
    return quote


def _times(turn) -> dict[str, float | None]:
    """The turn's place in the recording; a time that cannot be one (negative, or an end
    before the start) is left out rather than refused: the text matters more than the clock."""
    start = turn.start if turn.start is not None and turn.start >= 0 else None
    end = turn.end if turn.end is not None and turn.end >= 0 else None
    if start is not None and end is not None and end < start:
        end = None
    return {"start_time": start, "end_time": end}


def _write_redirects(event: Event, transcript: Transcript, plan: _Plan, ids: list[int]) -> None:
    """Every number the event retired leads somewhere: redirects to quotes that now go are
    re-pointed where those quotes' readers go, and each number retired now gets one."""
    moved = {old_id: ids[j] for old_id, (_, j) in plan.retired.items()}
    targets = {
        number: moved.get(target, target)
        for number, target in event.quote_redirects.values_list("number", "target_id")
    }
    targets.update({number: ids[j] for number, j in plan.retired.values()})
    by_number = dict(zip(plan.numbers, ids, strict=True))
    targets.update(
        {r.number: by_number[r.target] if r.target else None for r in transcript.redirects}
    )
    live = set(plan.numbers)
    event.quote_redirects.all().delete()
    QuoteRedirect.objects.bulk_create(
        QuoteRedirect(event=event, number=number, target_id=target)
        for number, target in sorted(targets.items())
        if number not in live
    )


def _tag(quotes: list[Quote], tags: dict[str, Tag]) -> None:
    """Tag the quotes in bulk (one query), with the tags `import_tags.tags_for_import` gave."""
    TaggedQuote.objects.bulk_create(
        {
            (quote.pk, tags[name.casefold()].pk): TaggedQuote(
                content_object=quote, tag=tags[name.casefold()]
            )
            for quote in quotes
            for name in quote.tag_names
        }.values()
    )
