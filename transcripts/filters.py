"""The reader's filters, defined once: the event page, a speaker's page, search and the API all
narrow quotes by the same four values, checked by one form (`forms.QuoteFilterForm`)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet


@dataclass(frozen=True)
class QuoteFilters:
    """Checked filter values: an event slug, a speaker slug, a topic number (topics are numbered
    within their event) and a tag slug; empty (or None) means "any"."""

    event: str = ""
    speaker: str = ""
    topic: int | None = None
    tag: str = ""

    @property
    def active(self) -> bool:
        return bool(self.event or self.speaker or self.topic is not None or self.tag)

    def narrow(self, quotes: QuerySet) -> QuerySet:
        """These quotes, keeping those the filters select (by slug and number, across events)."""
        if self.event:
            quotes = quotes.filter(event__slug=self.event)
        if self.speaker:
            quotes = quotes.filter(speaker__slug=self.speaker)
        if self.topic is not None:
            quotes = quotes.filter(topic__number=self.topic)
        if self.tag:
            quotes = quotes.filter(tags__slug=self.tag)
        return quotes


NO_FILTERS = QuoteFilters()
