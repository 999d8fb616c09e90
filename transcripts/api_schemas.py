"""What the JSON API answers (django-ninja schemas), read from the same objects the pages show:
models, `reader`'s `QuoteView`s and the search service's results. The field names are the
public API: renaming one breaks clients (see README, "The API")."""

from __future__ import annotations

import datetime

from django import forms
from django.urls import reverse
from ninja import Schema
from pydantic import Field, create_model

from .models import Event, Participation, Topic
from .quoteview import QuoteView


def query_parameters(name: str, form: type[forms.Form], *, without=()) -> type[Schema]:
    """The form's fields as documented query parameters: strings, checked by the form itself
    (so the pages and the API give the same messages), described by each field's help_text."""
    fields = {
        field_name: (str, Field("", description=str(field.help_text)))
        for field_name, field in form.base_fields.items()
        if field_name not in without
    }
    return create_model(name, __base__=Schema, **fields)


class Message(Schema):
    detail: str


class InvalidFilters(Schema):
    detail: str
    problems: list[str]


# Events ----------------------------------------------------------------------------------------


class EventSpeaker(Schema):
    slug: str
    name: str
    role: str
    placeholder: bool  # a label that names no one yet (说话人1): this event's speaker only

    @staticmethod
    def resolve_slug(participation: Participation) -> str:
        return participation.speaker.slug

    @staticmethod
    def resolve_name(participation: Participation) -> str:
        return participation.speaker.name

    @staticmethod
    def resolve_placeholder(participation: Participation) -> bool:
        return participation.speaker.placeholder


class EventSpeakerDetail(EventSpeaker):
    handle: str
    bio: str = ""

    @staticmethod
    def resolve_handle(participation: Participation) -> str:
        return participation.speaker.handle


class EventSummary(Schema):
    slug: str
    title: str
    series: str
    date: datetime.date | None
    organizer: str
    intro: str
    quote_count: int
    url: str
    speakers: list[EventSpeaker]

    @staticmethod
    def resolve_url(event: Event) -> str:
        return event.get_absolute_url()

    @staticmethod
    def resolve_speakers(event: Event) -> list[Participation]:
        return list(event.participations.all())


class SectionOut(Schema):
    number: int
    title: str


class TopicOut(Schema):
    number: int
    title: str
    label: str
    section: int | None

    @staticmethod
    def resolve_section(topic: Topic) -> int | None:
        return topic.section.number if topic.section else None


class EventDetail(EventSummary):
    speakers: list[EventSpeakerDetail]
    sections: list[SectionOut]
    topics: list[TopicOut]

    @staticmethod
    def resolve_sections(event: Event) -> list:
        return list(event.sections.all())

    @staticmethod
    def resolve_topics(event: Event) -> list[Topic]:
        return list(event.topics.all())


class QuoteOut(Schema):
    """A `QuoteView` (the quote as the event page shows it) in JSON."""

    number: int
    speaker: str  # the speaker's slug
    speaker_name: str
    role: str
    section: int | None
    topic: int | None
    text: str
    translation: str  # the turn in the source's other language ("" when none)
    start: float | None  # seconds into the recording where the quote begins
    end: float | None
    tags: list[str]
    url: str

    @staticmethod
    def resolve_speaker(quote: QuoteView) -> str:
        return quote.speaker.slug

    @staticmethod
    def resolve_speaker_name(quote: QuoteView) -> str:
        return quote.speaker.name

    @staticmethod
    def resolve_role(quote: QuoteView) -> str:
        return quote.speaker.role

    @staticmethod
    def resolve_section(quote: QuoteView) -> int | None:
        return quote.section.number if quote.section else None

    @staticmethod
    def resolve_topic(quote: QuoteView) -> int | None:
        return quote.topic.number if quote.topic else None

    @staticmethod
    def resolve_tags(quote: QuoteView) -> list[str]:
        return [tag.name for tag in quote.tags]


class QuoteList(Schema):
    count: int
    results: list[QuoteOut]
    problems: list[str] = []


# Speakers and tags -----------------------------------------------------------------------------


class SpeakerStats(Schema):
    slug: str
    name: str
    handle: str
    placeholder: bool  # a label that names no one yet (说话人1): one event's speaker only
    turns: int
    chars: int
    events: int
    url: str

    @staticmethod
    def resolve_chars(speaker) -> int:
        return speaker.chars or 0

    @staticmethod
    def resolve_url(speaker) -> str:
        return speaker.get_absolute_url()


class Appearance(Schema):
    event: str
    title: str
    role: str
    url: str

    @staticmethod
    def resolve_event(participation: Participation) -> str:
        return participation.event.slug

    @staticmethod
    def resolve_title(participation: Participation) -> str:
        return participation.event.title

    @staticmethod
    def resolve_url(participation: Participation) -> str:
        return participation.event.get_absolute_url()


class SpeakerDetail(SpeakerStats):
    bio: str
    appearances: list[Appearance]  # read with the speaker (`reader.with_appearances`)


class TagOut(Schema):
    name: str
    slug: str
    count: int
    url: str

    @staticmethod
    def resolve_count(tag) -> int:
        return tag.uses

    @staticmethod
    def resolve_url(tag) -> str:
        return reverse("tag-detail", args=[tag.slug])


# Search ----------------------------------------------------------------------------------------


class SearchHitOut(Schema):
    """A search service `Hit`: its quote (with event, speaker and topic) and snippet."""

    event: str
    event_title: str
    number: int
    speaker: str
    speaker_name: str
    topic: int | None
    text: str
    snippet: str
    url: str
    tier: int  # 1: a term names the quote's speaker, topic or a tag (ranked first); 2: the rest
    score: float  # relevance within the tier, lower is better (bm25; -ts_rank on PostgreSQL)

    @staticmethod
    def resolve_event(hit) -> str:
        return hit.quote.event.slug

    @staticmethod
    def resolve_event_title(hit) -> str:
        return hit.quote.event.title

    @staticmethod
    def resolve_number(hit) -> int:
        return hit.quote.number

    @staticmethod
    def resolve_speaker(hit) -> str:
        return hit.quote.speaker.slug

    @staticmethod
    def resolve_speaker_name(hit) -> str:
        return hit.quote.speaker.name

    @staticmethod
    def resolve_topic(hit) -> int | None:
        return hit.quote.topic.number if hit.quote.topic else None

    @staticmethod
    def resolve_text(hit) -> str:
        return hit.quote.text

    @staticmethod
    def resolve_snippet(hit) -> str:
        return str(hit.snippet)

    @staticmethod
    def resolve_url(hit) -> str:
        return hit.quote.get_absolute_url()


class SpeakerLink(Schema):
    slug: str
    name: str
    url: str

    @staticmethod
    def resolve_url(speaker) -> str:
        return speaker.get_absolute_url()


class Facet(Schema):
    slug: str
    name: str
    count: int


class SearchOut(Schema):
    """The search service's `SearchResults`: one page of hits, and counts to narrow down."""

    count: int
    page: int
    page_size: int
    results: list[SearchHitOut]
    speakers: list[SpeakerLink]
    by_speaker: list[Facet]
    by_event: list[Facet]

    @staticmethod
    def resolve_results(results) -> list:
        return results.hits

    @staticmethod
    def resolve_by_speaker(results) -> list[dict]:
        return [
            {"slug": r["speaker__slug"], "name": r["speaker__name"], "count": r["n"]}
            for r in results.by_speaker
        ]

    @staticmethod
    def resolve_by_event(results) -> list[dict]:
        return [
            {"slug": r["event__slug"], "name": r["event__title"], "count": r["n"]}
            for r in results.by_event
        ]


class SearchError(Schema):
    detail: str
    speakers: list[SpeakerLink] = []
