"""The read-only JSON API at /api/ (django-ninja), documented at /api/openapi.json and /api/docs.

It shows what the site shows, and only published events. Its query parameters are the pages'
own filter form (`forms.QuoteFilterForm`, declared to ninja by `query_parameters`), and the
quotes endpoint answers with `reader.event_reading`'s `QuoteView`s, so the page and the API
cannot disagree about what `?speaker=&topic=&tag=` selects. Every endpoint runs a fixed number
of queries whatever the number of quotes. The docs page uses ninja's bundled swagger-ui ("ninja"
is in INSTALLED_APPS), so it loads nothing from a CDN. The answers' shapes: `api_schemas`.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.shortcuts import get_object_or_404
from django.urls import path
from ninja import NinjaAPI, Query, Status, Swagger
from ninja.decorators import decorate_view
from ninja.renderers import JSONRenderer

from .api_schemas import (
    EventDetail,
    EventSummary,
    InvalidFilters,
    Message,
    QuoteList,
    SearchError,
    SearchOut,
    SpeakerDetail,
    SpeakerStats,
    TagOut,
    query_parameters,
)
from .forms import QuoteFilterForm, SearchForm
from .models import Event, Participation, Topic
from .pagecache import site_page
from .reader import (
    event_reading,
    home_events,
    speakers_with_stats,
    tags_with_counts,
    with_appearances,
)
from .search.service import quote_search


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

# The event is in the path; the query is a parameter of its own (required).
EventQuoteParameters = query_parameters("EventQuoteParameters", QuoteFilterForm, without=["event"])
SearchParameters = query_parameters("SearchParameters", SearchForm, without=["q"])


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
def event_quotes(request, slug: str, filters: Query[EventQuoteParameters]):
    """The event's quotes in reading order, filtered exactly as the event page filters them:
    `speaker` is a speaker slug, `topic` a topic number (1, 2, 3…), `tag` a tag slug.
    A value the event does not have gives no quotes and a message in `problems`;
    a topic that is not a number is a 422. 8 queries, whatever the size of the event."""
    event = _published_event(slug)
    form = QuoteFilterForm(filters.dict(), without=["event"])
    if form.problems():
        return Status(422, {"detail": "invalid filters", "problems": form.problems()})
    reading = event_reading(event, form.filters())
    return {"count": len(reading.quotes), "results": reading.quotes, "problems": reading.problems}


@api.get("/speakers", response=list[SpeakerStats], tags=["speakers"])
@decorate_view(site_page)  # cached for anonymous readers, 304 when unchanged
def speaker_list(request):
    """Everyone who speaks in a published event, most turns first (1 query). Unlike the
    /speakers/ page, placeholders (an event's 说话人1, not yet named) are listed too, flagged
    `placeholder`."""
    return list(speakers_with_stats())  # read here (see `search`)


@api.get("/speakers/{slug:slug}", response={200: SpeakerDetail, 404: Message}, tags=["speakers"])
@decorate_view(site_page)  # cached for anonymous readers, 304 when unchanged
def speaker_detail(request, slug: str):
    """One speaker, with the published events they appear at (2 queries), all read here:
    a query run while ninja serialises the answer would make a lost database a 500."""
    return get_object_or_404(with_appearances(speakers_with_stats()), slug=slug)


@api.get("/tags", response=list[TagOut], tags=["tags"])
@decorate_view(site_page)  # cached for anonymous readers, 304 when unchanged
def tag_list(request):
    """Tags on published quotes, most used first (1 query)."""
    return list(tags_with_counts())  # read here (see `search`)


@api.get("/search", response={200: SearchOut, 400: SearchError}, tags=["search"])
def search(
    request,
    filters: Query[SearchParameters],
    q: str = Query(..., description=SearchForm.base_fields["q"].help_text),
    page_size: str = Query("20", description="results per page, at most 200"),
):
    """Ranked full-text search over published quotes, with the reader filters. Each result names
    its event slug and quote number; `snippet` is escaped HTML with the matches in <mark>.
    A query that cannot be searched (nothing but punctuation, too long…) is a 400 with a message."""
    form = SearchForm({"q": q, **filters.dict()})
    if form.problems():
        return Status(400, {"detail": " ".join(form.problems())})
    size = int(page_size) if page_size.isdecimal() else 20
    results = quote_search(q, form.filters(), page=form.page_number, page_size=size)
    if results.error:
        return Status(400, {"detail": results.error, "speakers": results.speakers})
    # read here, not while ninja serialises the answer: pydantic reports a database error
    # raised there as a failed validation (a 500), the middleware gives a lost database a 503
    # (the facets before the count: one walk over the matches gives both)
    results.by_speaker, results.by_event, results.count, results.hits, results.speakers  # noqa: B018
    return results


urlpatterns = [path("", api.urls)]
