"""Reads events back out as `Transcript`s and as the JSON that `import_event` accepts.

Export goes through the same `Transcript` shape and the same JSON writer as the import report,
so export → import → export gives identical JSON. Quotes come in reading order with their
permalink numbers, and retired numbers with their redirects: importing an export (a backup)
gives every quote its number back. A backup also carries what readers see beyond the
transcript: when the event was created and last changed (the feeds print both), and each tag's
slug, aliases and old slugs (`ExportedTranscript`): restored into an empty database, it gives
the same pages, feeds, sitemaps, API answers and search results.

The import report (`report`, what `--report json` and the admin preview show) adds what only the
parser knows and the database does not keep: warnings, the source lines that went into no quote,
title or metadata (`dropped`, with why), the labels merged into a speaker (`variants`) and the
other ways each speaker's label was written (`aliases`).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from typing import Any

from django.db.models import Prefetch

from .models import Event, Participation, Quote, QuoteRedirect
from .parsing import Part, Redirect, Speaker, Topic, Transcript, Turn, json_export
from .parsing.json_export import ExportedTranscript, TagDetail
from .slugs import speaker_slug, title_slug
from .speaker_matching import is_placeholder

# each tag with its aliases and old slugs (taggit's manager takes no custom queryset)
TAGS = ("tags", "tags__aliases", "tags__redirects")


def events_for_export():
    """Everything an export reads, in a fixed number of queries whatever the size."""
    return Event.objects.order_by("slug").prefetch_related(
        *TAGS,
        Prefetch(
            "participations",
            queryset=Participation.objects.select_related("speaker").order_by("order", "pk"),
        ),
        "sections",
        "topics__section",
        Prefetch(
            "quotes",
            queryset=Quote.objects.select_related("speaker", "section", "topic")
            .prefetch_related(*TAGS)
            .order_by("position"),
        ),
        Prefetch(
            "quote_redirects",
            queryset=QuoteRedirect.objects.select_related("target")
            .only("number", "event_id", "target__number")
            .order_by("number"),
        ),
    )


def event_transcript(event: Event) -> ExportedTranscript:
    """The event as a backup holds it (reads only what `events_for_export` prefetched)."""
    quotes = list(event.quotes.all())
    tags = {tag.pk: tag for tag in event.tags.all()}
    tags.update((tag.pk, tag) for quote in quotes for tag in quote.tags.all())
    return ExportedTranscript(
        title=event.title,
        slug=event.slug,
        series=event.series,
        date=event.date,
        organizer=event.organizer,
        source_name=event.source_name,
        source_url=event.source_url,
        intro=event.intro,
        recording_url=event.recording_url,
        published=event.published,
        tags=tuple(sorted(tag.name for tag in event.tags.all())),
        speakers=tuple(_speaker(p) for p in event.participations.all()),
        parts=tuple(Part(s.number, s.title) for s in event.sections.all()),
        topics=tuple(
            Topic(t.number, t.title, t.section.number if t.section else None, t.label)
            for t in event.topics.all()
        ),
        turns=tuple(_turn(quote) for quote in quotes),
        redirects=tuple(
            Redirect(r.number, r.target.number if r.target else None)
            for r in event.quote_redirects.all()
        ),
        format=event.source_format,
        checksum=event.source_checksum,
        created=event.created_at,
        updated=event.updated_at,
        tag_details=tuple(_tag_detail(tag) for tag in sorted(tags.values(), key=_name)),
    )


def _speaker(participation: Participation) -> Speaker:
    person = participation.speaker
    return Speaker(
        name=person.name,
        role=participation.role,
        handle=person.handle,
        bio=participation.bio,
        slug=person.slug,
        placeholder=person.placeholder,
    )


def _turn(quote: Quote) -> Turn:
    return Turn(
        number=quote.number,
        speaker=quote.speaker.name,
        text=quote.text,
        part=quote.section.number if quote.section else None,
        topic=quote.topic.number if quote.topic else None,
        tags=tuple(sorted(tag.name for tag in quote.tags.all())),
        published=quote.published,
        start=quote.start_time,
        end=quote.end_time,
        translation=quote.translation,
    )


def _tag_detail(tag) -> TagDetail:
    return TagDetail(
        name=tag.name,
        slug=tag.slug,
        aliases=tuple(sorted(alias.name for alias in tag.aliases.all())),
        old_slugs=tuple(sorted(redirect.old_slug for redirect in tag.redirects.all())),
    )


def _name(tag) -> str:
    return tag.name


def export_events(events: Iterable[Event]) -> list[dict[str, Any]]:
    return [json_export.dump(event_transcript(event)) for event in events]


def report(transcript: Transcript) -> dict[str, Any]:
    """A parsed (not yet imported) transcript as export JSON, plus what the parser noticed.
    Speaker slugs are the ones a fresh database would give; a speaker is a placeholder when
    the import will make it one."""
    with_slugs = replace(
        transcript,
        speakers=tuple(
            replace(s, slug=s.slug or speaker_slug(s.name), placeholder=is_placeholder(s))
            for s in transcript.speakers
        ),
    )
    data = json_export.dump(with_slugs)
    for speaker, person in zip(data["speakers"], transcript.speakers, strict=True):
        speaker["aliases"] = list(person.aliases)
    data["event"]["slug"] = transcript.slug or title_slug(transcript.title)
    data["format"] = transcript.format
    data["checksum"] = transcript.checksum
    data["warnings"] = [
        {"code": w.code, "message": w.message, "position": w.position} for w in transcript.warnings
    ]
    data["dropped"] = [
        {"line": d.line, "text": d.text, "reason": d.reason} for d in transcript.dropped
    ]
    data["variants"] = [
        {"label": v.label, "speaker": v.speaker, "turns": v.turns} for v in transcript.variants
    ]
    return data
