"""Reads for the editors' workbench: the transcript as readers see it, cut into blocks.

A block is one quote with the headings (part, topic) that start at it, exactly where the event
page prints them (a heading where the part or topic changes from the previous quote). The page
reads every block in a fixed number of queries; an edit re-renders only the blocks it touched
(`blocks_between`), reading the quote just before them to know which headings start there.
Hidden (unpublished) quotes are shown too, marked: editors see what readers do not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet

from ..models import Event, Participation, Quote, Section, Speaker, Topic
from ..quoteview import QuoteView, SpeakerAtEvent, quote_view, tags_by_quote

_FIELDS = (
    *("id", "number", "position", "text", "speaker_id", "section_id", "topic_id"),
    *("event_id", "translation", "start_time", "end_time", "published"),
)


@dataclass(frozen=True)
class Heading:
    kind: str  # "section" or "topic"
    obj: Section | Topic

    @property
    def label(self) -> str:
        return "部分" if self.kind == "section" else "话题"


@dataclass(frozen=True)
class Block:
    pk: int
    published: bool
    speaker_id: int
    text: str  # the stored text, for the editor's textarea
    view: QuoteView
    headings: tuple[Heading, ...] = ()


@dataclass
class Lookups:
    """The event's small tables, read once: speakers (with their role here), parts, topics."""

    event: Event
    speakers: dict[int, SpeakerAtEvent]
    sections: dict[int, Section]
    topics: dict[int, Topic]
    extra: set[int] = field(default_factory=set)

    @classmethod
    def read(cls, event: Event) -> Lookups:
        participations = Participation.objects.filter(event=event).select_related("speaker")
        return cls(
            event=event,
            speakers={p.speaker_id: SpeakerAtEvent.of(p.speaker, p) for p in participations},
            sections={s.pk: s for s in Section.objects.filter(event=event)},
            topics={t.pk: t for t in Topic.objects.filter(event=event)},
        )

    def people(self) -> list[SpeakerAtEvent]:
        """The event's speakers, placeholders last, for the filter and the naming panel."""
        return sorted(self.speakers.values(), key=lambda s: (s.placeholder, s.speaker.slug))

    def add_missing(self, quotes: list[Quote]) -> None:
        """Speakers of these quotes without a participation here (one query, only if any)."""
        missing = {q.speaker_id for q in quotes} - self.speakers.keys()
        for speaker in Speaker.objects.filter(pk__in=missing) if missing else ():
            self.speakers[speaker.pk] = SpeakerAtEvent.of(speaker, None)


def _quotes(event: Event) -> QuerySet[Quote]:
    return Quote.objects.filter(event=event).only(*_FIELDS).order_by("position")


def _headings(quote: Quote, previous: Quote | None, lookups: Lookups) -> tuple[Heading, ...]:
    headings = []
    if quote.section_id and (previous is None or previous.section_id != quote.section_id):
        headings.append(Heading("section", lookups.sections[quote.section_id]))
    if quote.topic_id and (previous is None or previous.topic_id != quote.topic_id):
        headings.append(Heading("topic", lookups.topics[quote.topic_id]))
    return tuple(headings)


def _blocks(quotes: list[Quote], previous: Quote | None, lookups: Lookups) -> list[Block]:
    lookups.add_missing(quotes)
    tags = tags_by_quote(quotes, event_id=lookups.event.pk)
    event_url = lookups.event.get_absolute_url()
    blocks = []
    for quote in quotes:
        view = quote_view(
            quote,
            speaker=lookups.speakers[quote.speaker_id],
            section=lookups.sections.get(quote.section_id),
            topic=lookups.topics.get(quote.topic_id),
            tags=tags.get(quote.pk, ()),
            event_url=event_url,
        )
        blocks.append(
            Block(
                pk=quote.pk,
                published=quote.published,
                speaker_id=quote.speaker_id,
                text=quote.text,
                view=view,
                headings=_headings(quote, previous, lookups),
            )
        )
        previous = quote
    return blocks


def event_blocks(event: Event, lookups: Lookups) -> list[Block]:
    """Every quote of the event as a block: 2 queries (quotes, tags), 3 with a speaker that has
    no participation here."""
    return _blocks(list(_quotes(event)), None, lookups)


def blocks_between(event: Event, first: int, last: int) -> list[Block]:
    """The blocks of the quotes at positions first..last: 5 queries (with the lookups)."""
    lookups = Lookups.read(event)
    rows = list(_quotes(event).filter(position__gte=first - 1, position__lte=last))
    previous = rows.pop(0) if rows and rows[0].position == first - 1 else None
    return _blocks(rows, previous, lookups)


def block_of(quote: Quote) -> Block | None:
    """One quote's block, as it is now (None if the quote is gone)."""
    blocks = blocks_between(quote.event, quote.position, quote.position)
    return blocks[0] if blocks else None
