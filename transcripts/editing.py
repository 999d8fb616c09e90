"""Editors' corrections the admin's plain forms cannot make in one step.

`split_heading` fixes what the Zhihu dump does to some parts: the part's first sub-heading is glued
onto its title (现状:行业现象与技术水平百模大战), so the part's first turns have no topic. Only an
editor can tell where the title ends; the parser flags the part (`glued-heading`) and this service
makes the split: a shorter part title, a new topic heading those first turns, and the event's
topics numbered again in reading order.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Min, QuerySet

from . import pagecache
from .models import Event, Quote, Section, Topic
from .search import service as search


class SplitError(ValueError):
    """The heading cannot be split this way; the message is for the editor."""


@dataclass(frozen=True)
class HeadingSplit:
    section: Section
    topic: Topic
    quotes: int  # how many quotes the new topic heads


def remaining_title(title: str, topic_title: str) -> str:
    """The part title once `topic_title`, which must end it, is cut off."""
    topic_title = topic_title.strip()
    if not topic_title:
        raise SplitError("请填写话题标题。")
    if not title.endswith(topic_title):
        raise SplitError(f"“{topic_title}”不是部分标题“{title}”的结尾。")
    rest = title[: -len(topic_title)].rstrip()
    if not rest:
        raise SplitError("话题标题不能是整个部分标题:部分标题不能为空。")
    return rest


def leading_quotes(section: Section) -> QuerySet[Quote]:
    """The section's quotes before its first topic: the turns a glued heading should head."""
    first = section.quotes.filter(topic__isnull=False).aggregate(first=Min("position"))["first"]
    quotes = section.quotes.filter(topic__isnull=True)
    if first is not None:
        quotes = quotes.filter(position__lt=first)
    return quotes.order_by("position")


def split_heading(*, section: Section, topic_title: str) -> HeadingSplit:
    """Cut `topic_title` off the end of the section's title and make it a topic heading the
    section's quotes before its first topic; renumber the event's topics in reading order."""
    with transaction.atomic(), pagecache.said_by_service():
        event = Event.objects.select_for_update().get(pk=section.event_id)
        section = Section.objects.get(pk=section.pk)  # as it is now, under the event's lock
        section.title = remaining_title(section.title, topic_title)
        moved = list(leading_quotes(section).values_list("pk", flat=True))
        if not moved:
            raise SplitError("这个部分在第一个话题之前没有发言,没有可以拆出的话题。")
        section.save(update_fields=["title"])
        last = event.topics.aggregate(last=Max("number"))["last"] or 0
        topic = Topic.objects.create(
            event=event, section=section, number=last + 1, title=topic_title.strip()
        )
        Quote.objects.filter(pk__in=moved).update(topic=topic)
        renumber_topics(event)
        topic.refresh_from_db(fields=["number"])
        search.index_quotes(moved)  # their search metadata holds the topic title
        event.save(update_fields=["updated_at"])  # a new version: cached pages are not reused
        pagecache.content_changed(events=[event.slug])
    return HeadingSplit(section=section, topic=topic, quotes=len(moved))


def renumber_topics(event: Event) -> None:
    """Number the event's topics 1..N in reading order (by their first quote). A topic without
    quotes keeps its place after the topic numbered before it.

    (event, number) is unique and checked row by row, so changed rows first move above every
    number in use, then to their final numbers."""
    topics = list(event.topics.annotate(first=Min("quotes__position")).order_by("number"))
    keyed, key = [], 0
    for topic in topics:
        key = topic.first if topic.first is not None else key
        keyed.append((key, topic.number, topic))
    ordered = [topic for _, _, topic in sorted(keyed, key=lambda item: item[:2])]
    changed = [
        (position, topic)
        for position, topic in enumerate(ordered, start=1)
        if topic.number != position
    ]
    if not changed:
        return
    above = max(topic.number for topic in topics)
    for position, topic in changed:
        topic.number = above + position
    Topic.objects.bulk_update([topic for _, topic in changed], ["number"])
    for position, topic in changed:
        topic.number = position
    Topic.objects.bulk_update([topic for _, topic in changed], ["number"])
