"""The read-only JSON API at /api/ (django-ninja), documented at /api/openapi.json and /api/docs.

It shows what the site shows, and only published events. The quotes endpoint reads the query
string with the event page's own `QuoteFilterForm` and `reader.event_reading`, so the page and
the API cannot disagree about what `?speaker=&topic=&tag=` selects. Every endpoint runs a fixed
number of queries whatever the number of quotes. The docs page uses ninja's bundled swagger-ui
("ninja" is in INSTALLED_APPS), so it loads nothing from a CDN.
"""

from __future__ import annotations

import datetime

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from ninja import NinjaAPI, Query, Schema, Status, Swagger
from ninja.decorators import decorate_view
from ninja.renderers import JSONRenderer

from .forms import QuoteFilterForm, SearchForm
from .models import Event, Participation, Quote, Topic
from .reader import event_reading, home_events, speakers_with_stats, tags_with_counts
from .search.service import quote_search
from .views.caching import site_page


class ReadableJSONRenderer(JSONRenderer):
    """Chinese stays Chinese in the JSON (幻觉, not \\u5e7b\\u89c9)."""

    json_dumps_params = {"ensure_ascii": False}


api = NinjaAPI(
    title="盐沙龙 API",
    version="1.0.0",
    description="Read-only JSON for published salon transcripts: events, quotes, speakers, tags.",
    urls_namespace="api",
    renderer=ReadableJSONRenderer(),
    # validatorUrl=None: swagger-ui would otherwise ask validator.swagger.io about the schema.
    docs=Swagger(settings={"validatorUrl": None}),
)


# Schemas ---------------------------------------------------------------------------------------


class Message(Schema):
    detail: str


class InvalidFilters(Schema):
    detail: str
    problems: list[str]


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
    number: int
    speaker: str
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
    def resolve_start(quote: Quote) -> float | None:
        return quote.start_time

    @staticmethod
    def resolve_end(quote: Quote) -> float | None:
        return quote.end_time

    @staticmethod
    def resolve_speaker(quote: Quote) -> str:
        return quote.person.slug

    @staticmethod
    def resolve_speaker_name(quote: Quote) -> str:
        return quote.person.name

    @staticmethod
    def resolve_role(quote: Quote) -> str:
        return quote.person.role

    @staticmethod
    def resolve_section(quote: Quote) -> int | None:
        return quote.part.number if quote.part else None

    @staticmethod
    def resolve_topic(quote: Quote) -> int | None:
        return quote.subject.number if quote.subject else None

    @staticmethod
    def resolve_tags(quote: Quote) -> list[str]:
        return [tag.name for tag in quote.tag_list]

    @staticmethod
    def resolve_url(quote: Quote) -> str:
        return quote.url


class QuoteList(Schema):
    count: int
    results: list[QuoteOut]
    problems: list[str] = []


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
    appearances: list[Appearance]


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


# Endpoints -------------------------------------------------------------------------------------


def _published_event(slug: str) -> Event:
    return get_object_or_404(Event.objects.published(), slug=slug)


@api.get("/events", response=list[EventSummary], tags=["events"])
@decorate_view(site_page)  # cached for anonymous readers, 304 when unchanged
def event_list(request):
    """Published events, newest first (2 queries)."""
    return home_events()


@api.get("/events/{slug:slug}", response={200: EventDetail, 404: Message}, tags=["events"])
@decorate_view(site_page)  # cached for anonymous readers, 304 when unchanged
def event_detail(request, slug: str):
    """One published event with its speakers, parts and topics (4 queries)."""
    events = (
        Event.objects.published()
        .annotate(quote_count=Count("quotes", filter=Q(quotes__published=True)))
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("speaker").order_by("order"),
            ),
            "sections",
            Prefetch("topics", queryset=Topic.objects.select_related("section")),
        )
    )
    return get_object_or_404(events, slug=slug)


@api.get(
    "/events/{slug:slug}/quotes",
    response={200: QuoteList, 404: Message, 422: InvalidFilters},
    tags=["events"],
)
@decorate_view(site_page)  # cached for anonymous readers, 304 when unchanged
def event_quotes(
    request,
    slug: str,
    speaker: str = Query("", description="a speaker slug, e.g. zhangjunlin"),
    topic: str = Query("", description="a topic number: 1, 2, 3…"),
    tag: str = Query("", description="a tag slug, e.g. 幻觉"),
):
    """The event's quotes in reading order, filtered exactly as the event page filters them:
    `speaker` is a speaker slug, `topic` a topic number (1, 2, 3…), `tag` a tag slug.
    A value the event does not have gives no quotes and a message in `problems`;
    a topic that is not a number is a 422. 8 queries, whatever the size of the event."""
    event = _published_event(slug)
    # The arguments above document the query string; the page's form reads it, as on the page.
    form = QuoteFilterForm(request.GET)
    if form.problems():
        return Status(422, {"detail": "invalid filters", "problems": form.problems()})
    reading = event_reading(event, form.filters())
    for quote in reading.quotes:
        quote.url = reverse("quote-detail", args=[event.slug, quote.number])
    return {"count": len(reading.quotes), "results": reading.quotes, "problems": reading.problems}


@api.get("/speakers", response=list[SpeakerStats], tags=["speakers"])
@decorate_view(site_page)  # cached for anonymous readers, 304 when unchanged
def speaker_list(request):
    """Everyone who speaks in a published event, most turns first (1 query). Unlike the
    /speakers/ page, placeholders (an event's 说话人1, not yet named) are listed too, flagged
    `placeholder`."""
    return speakers_with_stats()


@api.get("/speakers/{slug:slug}", response={200: SpeakerDetail, 404: Message}, tags=["speakers"])
@decorate_view(site_page)  # cached for anonymous readers, 304 when unchanged
def speaker_detail(request, slug: str):
    """One speaker, with the published events they appear at (2 queries)."""
    speaker = get_object_or_404(speakers_with_stats(), slug=slug)
    speaker.appearances = list(
        Participation.objects.filter(speaker=speaker, event__published=True)
        .select_related("event")
        .order_by("-event__date", "-event__created_at")
    )
    return speaker


@api.get("/tags", response=list[TagOut], tags=["tags"])
@decorate_view(site_page)  # cached for anonymous readers, 304 when unchanged
def tag_list(request):
    """Tags on published quotes, most used first (1 query)."""
    return tags_with_counts()


class SearchHitOut(Schema):
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
    count: int
    page: int
    page_size: int
    results: list[SearchHitOut]
    speakers: list[SpeakerLink]
    by_speaker: list[Facet]
    by_event: list[Facet]


class SearchError(Schema):
    detail: str
    speakers: list[SpeakerLink] = []


@api.get("/search", response={200: SearchOut, 400: SearchError}, tags=["search"])
def search(
    request,
    q: str = Query(..., description='words (all must occur), "a phrase", -excluded'),
    event: str = Query("", description="an event slug"),
    speaker: str = Query("", description="a speaker slug"),
    topic: str = Query("", description="a topic number (within the event)"),
    tag: str = Query("", description="a tag slug"),
    page: str = Query("1", description="page number, from 1"),
    page_size: str = Query("20", description="results per page, at most 200"),
):
    """Ranked full-text search over published quotes, with the reader filters. Each result names
    its event slug and quote number; `snippet` is escaped HTML with the matches in <mark>.
    A query that cannot be searched (nothing but punctuation, too long…) is a 400 with a message."""
    form = SearchForm(request.GET)
    if form.problems():
        return Status(400, {"detail": " ".join(form.problems())})
    size = int(page_size) if page_size.isdigit() else 20
    results = quote_search(
        q, form.search_filters(), page=form.cleaned_data.get("page") or 1, page_size=size
    )
    if results.error:
        return Status(400, {"detail": results.error, "speakers": results.speakers})
    return {
        "count": results.count,
        "page": results.page,
        "page_size": results.page_size,
        "results": [
            {
                "event": hit.quote.event.slug,
                "event_title": hit.quote.event.title,
                "number": hit.quote.number,
                "speaker": hit.quote.speaker.slug,
                "speaker_name": hit.quote.speaker.name,
                "topic": hit.quote.topic.number if hit.quote.topic else None,
                "text": hit.quote.text,
                "snippet": str(hit.snippet),
                "url": reverse("quote-detail", args=[hit.quote.event.slug, hit.quote.number]),
                "tier": hit.tier,
                "score": hit.score,
            }
            for hit in results.hits
        ],
        "speakers": results.speakers,
        "by_speaker": [
            {"slug": r["speaker__slug"], "name": r["speaker__name"], "count": r["n"]}
            for r in results.by_speaker
        ],
        "by_event": [
            {"slug": r["event__slug"], "name": r["event__title"], "count": r["n"]}
            for r in results.by_event
        ],
    }


urlpatterns = [path("", api.urls)]
