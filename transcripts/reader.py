"""Reads for the public site: what each page shows, in a fixed number of queries.

Pages never walk relations from templates. Each function here fetches what its page needs in a
known number of queries (whatever the number of quotes) and hands back plain objects, with the
per-quote details (speaker, part, topic, tags) attached from small lookup tables in memory.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache
from django.db.models import Count, F, Max, Prefetch, Q, Sum
from django.db.models.functions import Length
from django.urls import reverse
from django.utils.translation import gettext
from taggit.models import Tag

from . import segmentation
from .models import Event, Participation, Quote, Section, Speaker, TaggedQuote, Topic
from .parsing.languages import language
from .parsing.vocabulary import STAGE_DIRECTION


@dataclass(frozen=True)
class QuoteFilters:
    """The reader's filters, already checked: a speaker slug, a topic number, a tag slug."""

    speaker: str = ""
    topic: int | None = None
    tag: str = ""

    @property
    def active(self) -> bool:
        return bool(self.speaker or self.topic is not None or self.tag)


@dataclass
class Person:
    """A speaker as one event shows them."""

    speaker: Speaker
    role: str
    role_label: str
    bio: str
    url: str
    turns: int = 0
    chars: int = 0
    share: float = 0.0

    @classmethod
    def at_event(cls, speaker: Speaker, participation: Participation | None, **details) -> Person:
        """The speaker with their role and printed bio at one event (if they had one)."""
        return cls(
            speaker=speaker,
            role=participation.role if participation else "other",
            role_label=participation.get_role_display() if participation else "",
            bio=participation.bio if participation else "",
            url=details.pop("url", None) or speaker.get_absolute_url(),
            **details,
        )

    @property
    def name(self) -> str:
        return self.speaker.name

    @property
    def slug(self) -> str:
        return self.speaker.slug

    @property
    def placeholder(self) -> bool:
        return self.speaker.placeholder


@dataclass
class EventReading:
    event: Event
    people: list[Person]
    sections: list[Section]
    topics: list[Topic]
    tags: list[Tag]
    quotes: list[Quote]
    total_quotes: int
    total_chars: int
    filters: QuoteFilters
    problems: list[str] = field(default_factory=list)
    chosen: dict[str, Any] = field(default_factory=dict)


def event_reading(event: Event, filters: QuoteFilters) -> EventReading:
    """Everything the event page shows. Queries: participations, sections, topics, tags,
    per-speaker stats, quotes, quote tags — 7, whatever the size of the event."""
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
    people = _people(event, participations)
    reading = EventReading(
        event=event,
        people=people,
        sections=sections,
        topics=topics,
        tags=tags,
        quotes=[],
        total_quotes=sum(p.turns for p in people),
        total_chars=sum(p.chars for p in people),
        filters=filters,
    )
    _choose(reading)
    if not reading.problems:
        reading.quotes = _quotes(event, reading)
    return reading


def _people(event: Event, participations: list[Participation]) -> list[Person]:
    stats = {
        row["speaker_id"]: row
        for row in Quote.objects.filter(event=event, published=True)
        .values("speaker_id")
        .annotate(turns=Count("id"), chars=Sum(Length("text")))
        .order_by()
    }
    total = sum(row["chars"] or 0 for row in stats.values()) or 1
    people = []
    for p in participations:
        row = stats.get(p.speaker_id, {})
        chars = row.get("chars") or 0
        people.append(
            Person.at_event(
                p.speaker,
                p,
                url=reverse("speaker-detail", args=[p.speaker.slug]),
                turns=row.get("turns", 0),
                chars=chars,
                share=chars / total,
            )
        )
    return people


def _choose(reading: EventReading) -> None:
    """Resolve the filters against what the event has; unknown values become problems."""
    filters = reading.filters
    if filters.speaker:
        person = next((p for p in reading.people if p.slug == filters.speaker), None)
        if person is None:
            reading.problems.append(
                gettext("本场没有这位发言人:%(speaker)s") % {"speaker": filters.speaker}
            )
        reading.chosen["speaker"] = person
    if filters.topic is not None:
        topic = next((t for t in reading.topics if t.number == filters.topic), None)
        if topic is None:
            reading.problems.append(
                gettext("本场没有第 %(topic)s 个话题") % {"topic": filters.topic}
            )
        reading.chosen["topic"] = topic
    if filters.tag:
        tag = next((t for t in reading.tags if t.slug == filters.tag), None)
        if tag is None:
            reading.problems.append(gettext("本场没有标签:%(tag)s") % {"tag": filters.tag})
        reading.chosen["tag"] = tag


def _quotes(event: Event, reading: EventReading) -> list[Quote]:
    queryset = Quote.objects.filter(event=event, published=True).only(
        *("id", "number", "text", "speaker_id", "section_id", "topic_id", "event_id"),
        *("translation", "start_time", "end_time"),
    )
    chosen = reading.chosen
    if chosen.get("speaker"):
        queryset = queryset.filter(speaker=chosen["speaker"].speaker)
    if chosen.get("topic"):
        queryset = queryset.filter(topic=chosen["topic"])
    if chosen.get("tag"):
        queryset = queryset.filter(tags=chosen["tag"])
    quotes = list(queryset.order_by("position"))
    attach_details(quotes, reading.people, reading.sections, reading.topics)
    return quotes


def attach_details(quotes, people, sections, topics) -> None:
    """Give each quote its person, part, topic, tags and text segments, from lookup tables."""
    by_speaker = {p.speaker.pk: p for p in people}
    by_section = {s.pk: s for s in sections}
    by_topic = {t.pk: t for t in topics}
    link_label = gettext("第 %(number)s 段发言的链接")
    tags: dict[int, list[Tag]] = {}
    if quotes:
        # A few quotes: their own tags; a whole event: all its tags (no huge IN list).
        rows = (
            TaggedQuote.objects.filter(content_object_id__in=[q.pk for q in quotes])
            if len(quotes) <= 200
            else TaggedQuote.objects.filter(content_object__event_id=quotes[0].event_id)
        ).select_related("tag")
        for row in rows:
            tags.setdefault(row.content_object_id, []).append(row.tag)
    for quote in quotes:
        quote.person = by_speaker.get(quote.speaker_id)
        quote.part = by_section.get(quote.section_id)
        quote.subject = by_topic.get(quote.topic_id)
        quote.tag_list = sorted(tags.get(quote.pk, []), key=lambda t: t.name)
        quote.segments = text_segments(quote.text)
        quote.link_label = link_label % {"number": quote.number}
        _recording_details(quote)


def _recording_details(quote: Quote) -> None:
    """Where the quote starts in the recording, as a reader reads it (`clock`: 1:05 as
    "01:05", an hour and more as "1:02:03") and as a player seeks it (`seconds`), and the
    language of its translation (for the `lang` attribute)."""
    start = quote.start_time
    quote.clock = clock(start) if start is not None else ""
    quote.seconds = plain_seconds(start) if start is not None else ""
    quote.translation_lang = script_language(quote.translation) if quote.translation else ""


def clock(seconds: float) -> str:
    """3725.4 → "1:02:05"; 65 → "01:05" (whole seconds, rounded down)."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def plain_seconds(seconds: float) -> str:
    """65.0 → "65", 65.25 → "65.25": for data-start and the datetime duration (PT65.25S)."""
    return f"{seconds:.3f}".rstrip("0").rstrip(".")


def script_language(text: str) -> str:
    """The language to declare for a translation: "en" for Latin script (the other language of
    our bilingual transcripts is English), else "zh": the parser's own reading of the script."""
    return "en" if language(text) == "en" else "zh"


def text_segments(text: str) -> list[tuple[bool, str]] | None:
    """Split a quote's text around stage directions: [(is_stage_direction, text), ...];
    None when there are none (the common case, rendered as plain text)."""
    if "(" not in text and "（" not in text:
        return None
    segments, cursor = [], 0
    for match in STAGE_DIRECTION.finditer(text):
        segments.append((False, text[cursor : match.start()]))
        segments.append((True, match.group()))
        cursor = match.end()
    if not segments:
        return None
    segments.append((False, text[cursor:]))
    return [(stage, piece) for stage, piece in segments if piece]


# Speaker keywords -----------------------------------------------------------------------------


def corpus_signature() -> str:
    """Changes whenever the public corpus does (an event or quote published, edited, taken
    down): the key for anything computed over all public quotes. 1 query."""
    signature = Event.objects.published().aggregate(
        changed=Max("updated_at"),
        events=Count("id", distinct=True),
        quotes=Count("quotes", filter=Q(quotes__published=True)),
    )
    changed = signature["changed"].timestamp() if signature["changed"] else 0
    return f"{changed}:{signature['events']}:{signature['quotes']}"


def speaker_keywords(top: int = 10) -> dict[int, list[str]]:
    """Each speaker's distinctive words over all published quotes (TF-IDF with the IDF of our own
    corpus), cached until the corpus changes."""
    key = f"speaker-keywords:{corpus_signature()}:{top}"
    result = cache.get(key)
    if result is None:
        result = _compute_speaker_keywords(top)
        cache.set(key, result, timeout=None)
    return result


def _compute_speaker_keywords(top: int) -> dict[int, list[str]]:
    rows = list(Quote.objects.public().values_list("id", "speaker_id", "text"))
    names = list(Speaker.objects.values_list("name", flat=True))
    segmentation.add_vocabulary(names)
    documents = {pk: segmentation.content_words(text) for pk, _, text in rows}
    groups: dict[int, list[int]] = {}
    for pk, speaker_id, _ in rows:
        groups.setdefault(speaker_id, []).append(pk)
    return segmentation.distinctive_words(documents, groups, top=top, exclude=names)


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


def quotes_across_events(quotes_queryset) -> list[tuple[Event, list[Quote]]]:
    """Quotes from many events, grouped by event in reading order, with details attached:
    3 queries (quotes, their tags, their speakers' roles)."""
    quotes = list(
        quotes_queryset.filter(published=True, event__published=True)
        .select_related("event", "speaker", "section", "topic")
        .order_by(
            F("event__date").desc(nulls_last=True), "-event__created_at", "event_id", "position"
        )
    )
    ids = [q.pk for q in quotes]
    tags: dict[int, list[Tag]] = {}
    for row in TaggedQuote.objects.filter(content_object_id__in=ids).select_related("tag"):
        tags.setdefault(row.content_object_id, []).append(row.tag)
    roles = {
        (p.event_id, p.speaker_id): p
        for p in Participation.objects.filter(
            event_id__in={q.event_id for q in quotes},
            speaker_id__in={q.speaker_id for q in quotes},
        )
    }
    urls = {q.speaker_id: reverse("speaker-detail", args=[q.speaker.slug]) for q in quotes}
    groups: dict[int, tuple[Event, list[Quote]]] = {}
    for quote in quotes:
        participation = roles.get((quote.event_id, quote.speaker_id))
        quote.person = Person.at_event(quote.speaker, participation, url=urls[quote.speaker_id])
        quote.part, quote.subject = quote.section, quote.topic
        quote.tag_list = sorted(tags.get(quote.pk, []), key=lambda t: t.name)
        quote.segments = text_segments(quote.text)
        _recording_details(quote)
        groups.setdefault(quote.event_id, (quote.event, []))[1].append(quote)
    return list(groups.values())
