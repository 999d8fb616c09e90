"""Deleting events of any size: in bulk SQL, in batches, in one transaction.

Django's delete collector loads every row that goes with an event and sends a signal per quote
(each one re-reading and writing the search index): a 1.7-million-quote event timed the admin
out. Here the quotes go a batch at a time, a few statements per batch: their tags, the redirects
that lead to them, their search index entries, the quotes. Then the event's own redirects,
topics, parts and participations, and finally the event itself through Django, which now has
next to nothing to collect (its tags); the pages of the event and the site's are forgotten
(`pagecache.content_changed`). Speakers stay, as they do when Django deletes.

`Quote` rows are deleted in SQL, past the collector: every relation to a quote must be handled
here (a test lists them, so a new one cannot be forgotten).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction

from . import pagecache
from .models import (
    Event,
    Participation,
    Quote,
    QuoteRedirect,
    Section,
    TaggedEvent,
    TaggedQuote,
    Topic,
)
from .search import service as search

BATCH = 5000
# what goes with an event, in the order the confirmation page lists it
PARTS = (Quote, TaggedQuote, QuoteRedirect, Topic, Section, Participation, TaggedEvent)


@dataclass(frozen=True)
class Deletion:
    """What deleting one event removes: rows per model, for the confirmation page."""

    event: Event
    rows: dict[type, int]


def deletion_summary(events: Iterable[Event]) -> list[Deletion]:
    """How many rows of each kind go with each event (a count per kind, nothing loaded)."""
    return [
        Deletion(
            event,
            {
                Quote: event.quotes.count(),
                TaggedQuote: TaggedQuote.objects.filter(content_object__event=event).count(),
                QuoteRedirect: event.quote_redirects.count(),
                Topic: event.topics.count(),
                Section: event.sections.count(),
                Participation: event.participations.count(),
                TaggedEvent: TaggedEvent.objects.filter(content_object=event).count(),
            },
        )
        for event in events
    ]


def delete_events(events: Iterable[Event]) -> int:
    """Delete the events and everything that is theirs, all or nothing. Returns how many
    quotes went."""
    deleted = 0
    with transaction.atomic(), pagecache.said_by_service():
        for event in events:
            deleted += _delete_event(event)
    return deleted


def _delete_event(event: Event) -> int:
    event.quote_redirects.all().delete()
    deleted, last = 0, 0
    while ids := list(
        Quote.objects.filter(event=event, pk__gt=last)
        .order_by("pk")
        .values_list("pk", flat=True)[:BATCH]
    ):
        TaggedQuote.objects.filter(content_object_id__in=ids).delete()
        # another event's redirect that leads here leads nowhere now (as SET_NULL would do)
        QuoteRedirect.objects.filter(target_id__in=ids).update(target=None)
        search.remove_quotes(ids)
        with connection.cursor() as cursor:  # exactly the batch: this event's ids up to the last
            cursor.execute(
                f"DELETE FROM {Quote._meta.db_table} WHERE event_id = %s AND id > %s AND id <= %s",
                [event.pk, last, ids[-1]],
            )
        deleted += len(ids)
        last = ids[-1]
    event.topics.all().delete()
    event.sections.all().delete()
    event.participations.all().delete()
    event.delete()
    pagecache.content_changed(events=[event.slug])
    return deleted
