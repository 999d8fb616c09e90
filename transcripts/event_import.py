"""Writes a parsed `Transcript` to the database: the one place events are created or replaced.

Everything happens inside one transaction, so a failed import leaves the database exactly as it
was. The same source (same checksum) imports once; `replace=True` re-imports an event in place,
keeping the `Event` row (and so its id and slug) and, for every quote that is still there (same
speaker and text, or a corrected version of it: see `alignment`), its row, its permalink number,
its editors' tags and its published flag. New quotes get numbers the event never used; a quote
that went away leaves a `QuoteRedirect` from its number. Our JSON export says each quote's
number itself (the backup/restore path): there the same number is the same quote.

Rows are written and indexed in batches, so memory follows the batch, not the event.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import Literal

from django.db import transaction
from django.db.models import F, Max, Q
from taggit.models import Tag

from . import alignment, slugs
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
from .parsing import Transcript
from .parsing import Warning as ParseWarning
from .search import service as search

BATCH = 1000


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
    warnings: tuple[ParseWarning, ...] = ()
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
    with transaction.atomic():
        same_source = (
            Event.objects.select_for_update().filter(source_checksum=transcript.checksum).first()
            if transcript.checksum
            else None
        )
        if same_source and not replace:
            return ImportResult(
                event=same_source, status="unchanged", quotes=same_source.quotes.count()
            )
        event = same_source or _event_to_replace(transcript, replace)
        status = "replaced" if event else "created"
        if event is None:
            event = Event(slug=_free_event_slug(transcript))
        _fill_event(event, transcript)
        speakers, new, existing = _resolve_speakers(transcript)
        plan = _plan(event, transcript, speakers) if status == "replaced" else _fresh(transcript)
        _write_contents(event, transcript, speakers, plan, replacing=status == "replaced")
        return ImportResult(
            event=event,
            status=status,
            quotes=len(transcript.turns),
            sections=len(transcript.parts),
            topics=len(transcript.topics),
            new_speakers=new,
            existing_speakers=existing,
            warnings=transcript.warnings,
            kept=sum(row is not None for row in plan.rows),
            added=sum(row is None for row in plan.rows),
            retired=len(plan.retired),
        )


def _event_to_replace(transcript: Transcript, replace: bool) -> Event | None:
    """The existing event this transcript is a new version of, if any (same slug and title)."""
    slug = transcript.slug or slugs.title_slug(transcript.title)
    existing = Event.objects.select_for_update().filter(slug=slug).first()
    if existing is None or (not transcript.slug and existing.title != transcript.title):
        return None
    if not replace:
        raise ImportConflict(
            f"event '{existing.slug}' already exists from a different source; "
            "use --replace to re-import it in place"
        )
    return existing


def _free_event_slug(transcript: Transcript) -> str:
    base = transcript.slug or slugs.title_slug(transcript.title)
    taken = Event.objects.filter(slug__startswith=base).values_list("slug", flat=True)
    return slugs.unique_slug(base, taken)


def _fill_event(event: Event, transcript: Transcript) -> None:
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
        event.tags.set(list(transcript.tags))


def _resolve_speakers(transcript: Transcript) -> tuple[dict[str, Speaker], list[str], list[str]]:
    """Map each transcript speaker to a `Speaker` row: the same handle, or else the same name
    (unless both have different handles), is the same person; anyone else is created."""
    handles = [s.handle for s in transcript.speakers if s.handle]
    names = [s.name for s in transcript.speakers]
    known = list(Speaker.objects.filter(Q(handle__in=handles) | Q(name__in=names)))
    resolved, new, existing = {}, [], []
    created: list[tuple[object, Speaker]] = []
    for person in transcript.speakers:
        match = next((k for k in known if person.handle and k.handle == person.handle), None)
        match = match or next(
            (
                k
                for k in known
                if k.name == person.name
                and not (person.handle and k.handle and k.handle != person.handle)
            ),
            None,
        )
        if match is None:
            match = Speaker(name=person.name, handle=person.handle, bio=person.bio)
            created.append((person, match))
            known.append(match)
            new.append(person.name)
        else:
            _fill_blanks(match, person)
            existing.append(person.name)
        resolved[person.name] = match
    if created:
        _create_speakers(created)
    return resolved, new, existing


def _create_speakers(created: list[tuple[object, Speaker]]) -> None:
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


def _fill_blanks(speaker: Speaker, person) -> None:
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


def _write_contents(event, transcript, speakers, plan: _Plan, *, replacing: bool) -> None:
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
        fields = ["position", "speaker", "text", "section", "topic"]
        Quote.objects.bulk_update(
            [q for q in batch if q.pk], [*fields, "published"] if from_file else fields
        )
        created = Quote.objects.bulk_create([q for q in batch if not q.pk])
        _tag(batch if from_file else created)
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
    )
    quote.tag_names = list(turn.tags)
    return quote


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


def _tag(quotes: list[Quote]) -> None:
    """Tag the new quotes in bulk (one query to find tags, one to link them); taggit's
    case-insensitive matching is kept, so AGI and agi are one tag."""
    names = {name for quote in quotes for name in quote.tag_names}
    if not names:
        return
    known = {tag.name.casefold(): tag for tag in Tag.objects.filter(name__in=names)}
    for name in sorted(names):
        if name.casefold() not in known:
            tag = Tag.objects.filter(name__iexact=name).first() or Tag.objects.create(name=name)
            known[name.casefold()] = tag
    TaggedQuote.objects.bulk_create(
        {
            (quote.pk, known[name.casefold()].pk): TaggedQuote(
                content_object=quote, tag=known[name.casefold()]
            )
            for quote in quotes
            for name in quote.tag_names
        }.values()
    )
