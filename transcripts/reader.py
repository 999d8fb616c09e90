"""Reads for the public site: what each page shows, in a fixed number of queries.

Pages never walk relations from templates. Each function here fetches what its page needs in a
known number of queries (whatever the number of quotes) and hands back plain objects: quotes as
`QuoteView`s (see `quoteview`), built from small lookup tables in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from django.core.cache import cache
from django.db.models import Count, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Length
from django.utils.translation import gettext
from taggit.models import Tag

from . import keywords, segmentation, vocabulary
from .filters import QuoteFilters
from .models import Event, Participation, Quote, Section, Speaker, Topic
from .quoteview import QuoteView, SpeakerAtEvent, quote_view, tags_by_quote


@dataclass(frozen=True)
class Chosen:
    """What the event page's filters resolved to (None: not asked for, or not found)."""

    speaker: SpeakerAtEvent | None = None
    topic: Topic | None = None
    tag: Tag | None = None


@dataclass
class EventReading:
    event: Event
    speakers: list[SpeakerAtEvent]
    sections: list[Section]
    topics: list[Topic]
    tags: list[Tag]
    quotes: list[QuoteView]
    total_quotes: int
    total_chars: int
    filters: QuoteFilters
    chosen: Chosen = Chosen()
    problems: list[str] = field(default_factory=list)


def event_reading(event: Event, filters: QuoteFilters) -> EventReading:
    """Everything the event page shows (`filters.event` is ignored: the event is given).
    Queries: participations, sections, topics, tags, per-speaker stats, quotes, quote tags — 7,
    whatever the size of the event."""
    participations = list(
        Participation.objects.filter(event=event).select_related("speaker").order_by("order")
    )
    sections = list(Section.objects.filter(event=event).order_by("number"))
    topics = list(Topic.objects.filter(event=event).order_by("number"))
    tags = list(
        Tag.objects.filter(
            transcripts_taggedquote_items__content_object__event=event,
            transcripts_taggedquote_items__content_object__published=True,
        )
        .annotate(uses=Count("transcripts_taggedquote_items"))
        .order_by("-uses", "name")
    )
    speakers = _speakers(event, participations)
    reading = EventReading(
        event=event,
        speakers=speakers,
        sections=sections,
        topics=topics,
        tags=tags,
        quotes=[],
        total_quotes=sum(s.turns for s in speakers),
        total_chars=sum(s.chars for s in speakers),
        filters=filters,
    )
    _choose(reading)
    if not reading.problems:
        reading.quotes = _quotes(event, reading)
    return reading


def _speakers(event: Event, participations: list[Participation]) -> list[SpeakerAtEvent]:
    stats = {
        row["speaker_id"]: row
        for row in Quote.objects.filter(event=event, published=True)
        .values("speaker_id")
        .annotate(turns=Count("id"), chars=Sum(Length("text")))
        .order_by()
    }
    total = sum(row["chars"] or 0 for row in stats.values()) or 1
    speakers = []
    for p in participations:
        row = stats.get(p.speaker_id, {})
        chars = row.get("chars") or 0
        speakers.append(
            SpeakerAtEvent.of(
                p.speaker, p, turns=row.get("turns", 0), chars=chars, share=chars / total
            )
        )
    return speakers


def _choose(reading: EventReading) -> None:
    """Resolve the filters against what the event has; unknown values become problems."""
    filters, problems = reading.filters, reading.problems
    speaker = topic = tag = None
    if filters.speaker:
        speaker = next((s for s in reading.speakers if s.slug == filters.speaker), None)
        if speaker is None:
            problems.append(
                gettext("本场没有这位发言人:%(speaker)s") % {"speaker": filters.speaker}
            )
    if filters.topic is not None:
        topic = next((t for t in reading.topics if t.number == filters.topic), None)
        if topic is None:
            problems.append(gettext("本场没有第 %(topic)s 个话题") % {"topic": filters.topic})
    if filters.tag:
        tag = next((t for t in reading.tags if t.slug == filters.tag), None)
        if tag is None:
            problems.append(gettext("本场没有标签:%(tag)s") % {"tag": filters.tag})
    reading.chosen = Chosen(speaker=speaker, topic=topic, tag=tag)


def _quotes(event: Event, reading: EventReading) -> list[QuoteView]:
    queryset = Quote.objects.filter(event=event, published=True).only(
        *("id", "number", "position", "text", "speaker_id", "section_id", "topic_id"),
        *("event_id", "translation", "start_time", "end_time"),
    )
    chosen = reading.chosen
    if chosen.speaker:
        queryset = queryset.filter(speaker=chosen.speaker.speaker)
    if chosen.topic:
        queryset = queryset.filter(topic=chosen.topic)
    if chosen.tag:
        queryset = queryset.filter(tags=chosen.tag)
    quotes = list(queryset.order_by("position"))
    speakers = {s.speaker.pk: s for s in reading.speakers}
    # a speaker an editor left without a participation here: no role (one more query, rarely)
    missing = {q.speaker_id for q in quotes} - speakers.keys()
    for speaker in Speaker.objects.filter(pk__in=missing) if missing else ():
        speakers[speaker.pk] = SpeakerAtEvent.of(speaker, None)
    sections = {s.pk: s for s in reading.sections}
    topics = {t.pk: t for t in reading.topics}
    tags = tags_by_quote(quotes, event_id=event.pk)
    event_url = event.get_absolute_url()
    return [
        quote_view(
            quote,
            speaker=speakers[quote.speaker_id],
            section=sections.get(quote.section_id),
            topic=topics.get(quote.topic_id),
            tags=tags.get(quote.pk, ()),
            event_url=event_url,
        )
        for quote in quotes
    ]


# Speaker keywords -----------------------------------------------------------------------------


def speaker_keywords(top: int = 10) -> dict[int, list[str]]:
    """Each speaker's distinctive words over all published quotes (`keywords`: TF-IDF with the
    IDF of our own corpus), cached until the corpus or the vocabulary changes."""
    curated = vocabulary.current()
    key = f"speaker-keywords:{keywords.version(curated)}:{top}"
    result = cache.get(key)
    if result is None:
        result = _compute_speaker_keywords(curated, top)
        cache.set(key, result, timeout=None)
    return result


def _compute_speaker_keywords(curated: vocabulary.Vocabulary, top: int) -> dict[int, list[str]]:
    rows = list(Quote.objects.public().values_list("id", "speaker_id", "text"))
    documents = {pk: segmentation.content_words(text) for pk, _, text in rows}
    groups: dict[int, list[int]] = {}
    for pk, speaker_id, _ in rows:
        groups.setdefault(speaker_id, []).append(pk)
    return keywords.distinctive_words(documents, groups, top=top, exclude=curated.names)


# A speaker's page -----------------------------------------------------------------------------


@dataclass
class SpeakerReading:
    speaker: Speaker
    participations: list[Participation]  # at published events, newest first
    stats: dict  # turns, chars
    filters: QuoteFilters  # as applied: the event is chosen for them when there is only one
    problems: list[str]
    groups: list[tuple[Event, list[QuoteView]]]
    topics: list[Topic]  # the topics they spoke on, for the filter form
    tags: list[Tag]  # the tags on their quotes, with `uses`

    @property
    def shown(self) -> int:
        return sum(len(quotes) for _, quotes in self.groups)

    @property
    def event_choices(self) -> list[Event]:
        """The events to choose among (none when there is only one)."""
        events = [p.event for p in self.participations]
        return events if len(events) > 1 else []


def speaker_reading(speaker: Speaker, filters: QuoteFilters, problems=()) -> SpeakerReading:
    """A speaker's page: their events, counts and quotes as `filters` narrow them (its speaker is
    ignored: the speaker is given); `problems` the form found come first. 7 queries."""
    participations = appearances(speaker)
    spoken = Quote.objects.public().filter(speaker=speaker)
    filters, found = _speaker_filters(speaker, filters, [p.event.slug for p in participations])
    problems = [*problems, *found]
    return SpeakerReading(
        speaker=speaker,
        participations=participations,
        stats=spoken.aggregate(turns=Count("id"), chars=Sum(Length("text"))),
        filters=filters,
        problems=problems,
        groups=[] if problems else quotes_across_events(filters.narrow(spoken)),
        topics=list(
            Topic.objects.filter(quotes__in=spoken)
            .distinct()
            .select_related("event")
            .order_by("event_id", "number")
        ),
        tags=list(
            Tag.objects.filter(transcripts_taggedquote_items__content_object__in=spoken)
            .annotate(uses=Count("id"))
            .order_by("-uses", "name")
        ),
    )


def _published_participations() -> QuerySet:
    return (
        Participation.objects.filter(event__published=True)
        .select_related("event")
        .order_by("-event__date", "-event__created_at")
    )


def appearances(speaker: Speaker) -> list[Participation]:
    """The speaker's participations in published events, newest first, with the events: 1 query."""
    return list(_published_participations().filter(speaker=speaker))


def with_appearances(speakers: QuerySet) -> QuerySet:
    """These speakers, each with its `appearances` (as above) read with them: 1 query for all."""
    return speakers.prefetch_related(
        Prefetch("participations", queryset=_published_participations(), to_attr="appearances")
    )


def _speaker_filters(
    speaker: Speaker, filters: QuoteFilters, events: list[str]
) -> tuple[QuoteFilters, list[str]]:
    """The filters for this speaker's events; topics are numbered within an event, so a topic
    needs one (theirs, when they spoke at only one)."""
    filters, problems = replace(filters, speaker=""), []
    if filters.event and filters.event not in events:
        problems.append(
            gettext("%(speaker)s 没有参加活动:%(event)s")
            % {"speaker": speaker.name, "event": filters.event}
        )
    if filters.topic is not None and not filters.event and len(events) == 1:
        filters = replace(filters, event=events[0])
    if filters.topic is not None and not filters.event:
        problems.append(gettext("按话题筛选时请先选择活动"))
    return filters, problems


# Home, speakers and tags ---------------------------------------------------------------------


def home_events() -> list[Event]:
    """Published events, newest first, with quote counts and speakers: 2 queries."""
    return list(
        Event.objects.published()
        .annotate(quote_count=Count("quotes", filter=Q(quotes__published=True)))
        .newest_first()
        .prefetch_related(
            Prefetch(
                "participations",
                queryset=Participation.objects.select_related("speaker").order_by("order"),
            )
        )
    )


def speakers_with_stats():
    """Everyone who speaks in a published event, with events, turns and characters: 1 query."""
    return (
        Speaker.objects.filter(quotes__event__published=True, quotes__published=True)
        .annotate(
            turns=Count("quotes"),
            chars=Sum(Length("quotes__text")),
            events=Count("quotes__event", distinct=True),
        )
        .order_by("-turns", "slug")
    )


def tags_with_counts():
    """Tags on published quotes, most used first: 1 query."""
    return (
        Tag.objects.filter(
            transcripts_taggedquote_items__content_object__event__published=True,
            transcripts_taggedquote_items__content_object__published=True,
        )
        .annotate(uses=Count("transcripts_taggedquote_items"))
        .order_by("-uses", "name")
    )


def quotes_across_events(quotes_queryset) -> list[tuple[Event, list[QuoteView]]]:
    """Quotes from many events, grouped by event in reading order, as readers see them:
    3 queries (quotes, their tags, their speakers' roles)."""
    quotes = list(
        quotes_queryset.filter(published=True, event__published=True)
        .select_related("event", "speaker", "section", "topic")
        .order_by(
            F("event__date").desc(nulls_last=True), "-event__created_at", "event_id", "position"
        )
    )
    tags = tags_by_quote(quotes)
    roles = {
        (p.event_id, p.speaker_id): p
        for p in Participation.objects.filter(
            event_id__in={q.event_id for q in quotes},
            speaker_id__in={q.speaker_id for q in quotes},
        )
    }
    speakers: dict[tuple[int, int], SpeakerAtEvent] = {}
    groups: dict[int, tuple[Event, str, list[QuoteView]]] = {}
    for quote in quotes:
        key = (quote.event_id, quote.speaker_id)
        if key not in speakers:
            speakers[key] = SpeakerAtEvent.of(quote.speaker, roles.get(key))
        if quote.event_id not in groups:
            groups[quote.event_id] = (quote.event, quote.event.get_absolute_url(), [])
        _, event_url, views = groups[quote.event_id]
        views.append(
            quote_view(
                quote,
                speaker=speakers[key],
                section=quote.section,
                topic=quote.topic,
                tags=tags.get(quote.pk, ()),
                event_url=event_url,
            )
        )
    return [(event, views) for event, _, views in groups.values()]


# One quote ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuoteReading:
    """A quote's permalink page: the quote, and the public quotes before and after it."""

    quote: QuoteView
    previous: Quote | None
    next: Quote | None


def quote_reading(event: Event, number: int) -> QuoteReading | None:
    """The public quote with this number in the event (None if there is none): 5 queries (the
    quote with its speaker, section and topic; the speaker's participation; the previous and the
    next public quote; the quote's tags)."""
    quote = (
        Quote.objects.select_related("speaker", "section", "topic")
        .filter(event=event, number=number, published=True)
        .first()
    )
    if quote is None:
        return None
    participation = event.participations.filter(speaker=quote.speaker).first()
    public = Quote.objects.filter(event=event, published=True).select_related("speaker")
    public = public.only("number", "position", "text", "speaker__name", "event_id")
    previous = public.filter(position__lt=quote.position).order_by("-position").first()
    following = public.filter(position__gt=quote.position).order_by("position").first()
    view = quote_view(
        quote,
        speaker=SpeakerAtEvent.of(quote.speaker, participation),
        section=quote.section,
        topic=quote.topic,
        tags=tags_by_quote([quote]).get(quote.pk, ()),
        event_url=event.get_absolute_url(),
    )
    return QuoteReading(quote=view, previous=previous, next=following)
