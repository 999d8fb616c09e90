"""Writes a parsed `Transcript` to the database: the one place events are created or replaced.

Everything happens inside one transaction, so a failed import leaves the database exactly as it
was. The same source (same checksum) imports once; `replace=True` re-imports an event in place,
keeping the `Event` row (and so its id and slug) and carrying editors' tags over to quotes whose
speaker and text did not change.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass, field
from functools import reduce
from typing import Literal

from django.db import transaction
from django.db.models import Q
from taggit.models import Tag

from . import slugs
from .models import Event, Participation, Quote, Section, Speaker, TaggedQuote, Topic
from .parsing import Transcript
from .parsing import Warning as ParseWarning
from .search import service as search


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
        carried = _clear(event) if status == "replaced" else {}
        if transcript.format == "json":  # the file's own tags are the truth, even when empty
            carried = {}
        _fill_event(event, transcript)
        speakers, new, existing = _resolve_speakers(transcript)
        quotes = _write_contents(event, transcript, speakers, carried)
        search.index_new_quotes(quotes)  # in this transaction: readers never see half
        return ImportResult(
            event=event,
            status=status,
            quotes=len(transcript.turns),
            sections=len(transcript.parts),
            topics=len(transcript.topics),
            new_speakers=new,
            existing_speakers=existing,
            warnings=transcript.warnings,
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


def _clear(event: Event) -> dict[tuple[int, str], tuple[list[str], bool]]:
    """Remove an event's contents before it is written again; returns what editors decided
    about its quotes (tags, published), keyed by (speaker id, text), so unchanged quotes keep
    it."""
    decided: dict[tuple[int, str], tuple[list[str], bool]] = {}
    for quote in event.quotes.prefetch_related("tags"):
        names = [tag.name for tag in quote.tags.all()]
        if names or not quote.published:
            decided[(quote.speaker_id, quote.text)] = (names, quote.published)
    search.remove_quotes(event.quotes.values_list("pk", flat=True))
    event.quotes.all().delete()
    event.topics.all().delete()
    event.sections.all().delete()
    event.participations.all().delete()
    return decided


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


def _write_contents(event, transcript, speakers, carried) -> list[Quote]:
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
    quotes = Quote.objects.bulk_create(
        Quote(
            event=event,
            number=turn.number,
            speaker=speakers[turn.speaker],
            text=turn.text,
            section=sections.get(turn.part),
            topic=topics.get(turn.topic),
            published=carried.get((speakers[turn.speaker].pk, turn.text), ((), turn.published))[1],
        )
        for turn in transcript.turns
    )
    for quote, turn in zip(quotes, transcript.turns, strict=True):
        quote.tag_names = list(turn.tags) or list(
            carried.get((quote.speaker_id, quote.text), ((), True))[0]
        )
    _tag(quotes)
    return quotes


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
