"""The editors' workbench writes to headings: parts (`Section`) and topics (`Topic`).

A heading stands before the quote that starts it: it covers that quote and the ones after it, up to
the next heading of its kind (a topic also ends where its part ends). A heading is never empty:
moves that would leave one without quotes are refused. Editing one heading reassigns quotes, so
after each change the topics follow their quotes (a topic belongs to the part of its first quote;
a quote of it left in another part has no topic), parts and topics are numbered 1..N again in
reading order, and every quote whose part or topic changed is reindexed (its search entry holds
its topic's title).

Each service is one transaction holding the event's row and one revision of the event, like the
quote edits (`quote_edits`), and raises `quote_edits.EditError` for what the editor can fix.
"""

from __future__ import annotations

from typing import Literal

from django.db.models import Max, Min, Q, QuerySet

from . import history
from .models import Event, Quote, Section, Topic
from .quote_edits import EditError, current, finish, locked

Kind = Literal["section", "topic"]
NOUN = {"section": "部分", "topic": "话题"}
MODEL = {"section": Section, "topic": Topic}
FIELD = {"section": "section_id", "topic": "topic_id"}


def _kind(heading: Section | Topic) -> Kind:
    return "section" if isinstance(heading, Section) else "topic"


def _clean_title(title: str, kind: Kind) -> str:
    title = " ".join((title or "").split())
    longest = MODEL[kind]._meta.get_field("title").max_length
    if not title:
        raise EditError(f"请填写{NOUN[kind]}标题。")
    if len(title) > longest:
        raise EditError(f"{NOUN[kind]}标题最多 {longest} 个字。")
    return title


def _current_heading(heading: Section | Topic, event: Event) -> Section | Topic:
    found = type(heading).objects.filter(pk=heading.pk, event=event).first()
    if found is None:
        raise EditError(f"{NOUN[_kind(heading)]}“{heading.title}”刚被删除了，请刷新页面。")
    return found


# Where headings start and end --------------------------------------------------------------------


def _value(quote: Quote | None, kind: Kind, section_id: int | None = None) -> int | None:
    """The heading of this kind a quote is under; for a topic, only within part `section_id`."""
    if quote is None or (kind == "topic" and quote.section_id != section_id):
        return None
    return getattr(quote, FIELD[kind])


def _before(event: Event, quote: Quote) -> Quote | None:
    return event.quotes.filter(position=quote.position - 1).first()


def _starts(event: Event, quote: Quote, kind: Kind) -> bool:
    """Whether a heading of this kind starts at the quote."""
    value = getattr(quote, FIELD[kind])
    return value is not None and _value(_before(event, quote), kind, quote.section_id) != value


def _same_run(quote: Quote, kind: Kind) -> Q:
    """The quotes under the same heading of this kind as `quote` (and in its part)."""
    same = Q(**{FIELD[kind]: getattr(quote, FIELD[kind])})
    return same & Q(section_id=quote.section_id) if kind == "topic" else same


def _run_from(event: Event, quote: Quote, kind: Kind) -> QuerySet[Quote]:
    """The quote and those after it under the same heading, up to the next heading's start."""
    later = event.quotes.filter(position__gt=quote.position)
    stop = later.exclude(_same_run(quote, kind)).aggregate(stop=Min("position"))["stop"]
    run = event.quotes.filter(position__gte=quote.position)
    return run if stop is None else run.filter(position__lt=stop)


def _between(event: Event, start: int, stop: int) -> QuerySet[Quote]:
    return event.quotes.filter(position__gte=start, position__lt=stop)


# After a change ----------------------------------------------------------------------------------


def _layout(event: Event) -> dict[int, tuple[int | None, int | None]]:
    return {pk: (s, t) for pk, s, t in event.quotes.values_list("pk", "section_id", "topic_id")}


def _topics_follow_quotes(event: Event) -> None:
    """A topic belongs to the part of its first quote; its quotes in another part leave it."""
    rows = event.quotes.filter(topic__isnull=False).order_by("position")
    first: dict[int, int | None] = {}
    stray = []
    for pk, topic_id, section_id in rows.values_list("pk", "topic_id", "section_id"):
        if first.setdefault(topic_id, section_id) != section_id:
            stray.append(pk)
    Quote.objects.filter(pk__in=stray).update(topic=None)
    moved = [t for t in event.topics.filter(pk__in=first) if t.section_id != first[t.pk]]
    for topic in moved:
        topic.section_id = first[topic.pk]
    Topic.objects.bulk_update(moved, ["section"])


def renumber(headings: QuerySet) -> None:
    """Number an event's parts or topics 1..N in reading order (by their first quote); one
    without quotes keeps its place after the one numbered before it. (event, number) is unique
    and checked row by row, so changed rows first move above every number in use."""
    rows = list(headings.annotate(first=Min("quotes__position")).order_by("number"))
    keyed, key = [], 0
    for row in rows:
        key = row.first if row.first is not None else key
        keyed.append((key, row.number, row))
    ordered = [row for _, _, row in sorted(keyed, key=lambda item: item[:2])]
    changed = [(n, row) for n, row in enumerate(ordered, start=1) if row.number != n]
    if not changed:
        return
    above = max(row.number for row in rows)
    for n, row in changed:
        row.number = above + n
    headings.model.objects.bulk_update([row for _, row in changed], ["number"])
    for n, row in changed:
        row.number = n
    headings.model.objects.bulk_update([row for _, row in changed], ["number"])


def _settle(event: Event, before: dict[int, tuple[int | None, int | None]]) -> None:
    """Topics follow their quotes, headings are numbered again, changed quotes reindexed."""
    _topics_follow_quotes(event)
    renumber(event.sections.all())
    renumber(event.topics.all())
    after = _layout(event)
    finish(event, index=[pk for pk, place in after.items() if before.get(pk) != place])


# Services ----------------------------------------------------------------------------------------


def insert_heading(*, before: Quote, kind: Kind, title: str, user) -> Section | Topic:
    """A new part or topic starting at quote `before`, up to the next heading of its kind (a
    topic: within `before`'s part)."""
    if kind not in NOUN:
        raise EditError("标题只能是部分或话题。")
    title = _clean_title(title, kind)
    with locked(before.event_id) as event:
        quote = current(before, event)
        if _starts(event, quote, kind):
            raise EditError(f"第{quote.number}段前面已经有{NOUN[kind]}标题了：要改标题请用改名。")
        comment = f"插入{NOUN[kind]}“{title}”于第{quote.number}段前"
        with history.revision(event, user=user, comment=comment):
            layout = _layout(event)
            number = (MODEL[kind].objects.filter(event=event).aggregate(n=Max("number"))["n"]) or 0
            if kind == "section":
                heading = Section.objects.create(event=event, number=number + 1, title=title)
            else:
                heading = Topic.objects.create(
                    event=event, section_id=quote.section_id, number=number + 1, title=title
                )
            _run_from(event, quote, kind).update(**{FIELD[kind]: heading.pk})
            _settle(event, layout)
        heading.refresh_from_db()
    return heading


def rename_heading(*, heading: Section | Topic, title: str, user) -> None:
    kind = _kind(heading)
    title = _clean_title(title, kind)
    with locked(heading.event_id) as event:
        heading = _current_heading(heading, event)
        if heading.title == title:
            return
        comment = f"{NOUN[kind]}“{heading.title}”改名为“{title}”"
        with history.revision(event, user=user, comment=comment):
            type(heading).objects.filter(pk=heading.pk).update(title=title)
            heading.title = title
            quotes = heading.quotes.values_list("pk", flat=True) if kind == "topic" else []
            finish(event, index=list(quotes))


def move_heading(*, heading: Section | Topic, before: Quote, user) -> None:
    """The heading starts at quote `before` from now on: the quotes between its old and new
    start change heading. It moves within the run of quotes before it or its own quotes only
    (a topic never into another part), and never so that a heading is left without quotes."""
    kind = _kind(heading)
    with locked(heading.event_id) as event:
        heading = _current_heading(heading, event)
        quote = current(before, event)
        field = FIELD[kind]
        if kind == "topic" and quote.section_id != heading.section_id:
            raise EditError(f"第{quote.number}段在另一个部分里：话题不能移出它的部分。")
        first = event.quotes.filter(**{field: heading.pk}).order_by("position").first()
        if first is not None and first.pk == quote.pk:
            return
        comment = f"{NOUN[kind]}“{heading.title}”移到第{quote.number}段前"
        moving, value = _moving(event, heading, kind, first=first, to=quote)
        with history.revision(event, user=user, comment=comment):
            layout = _layout(event)
            moving.update(**{field: value})
            _settle(event, layout)


def _moving(
    event: Event, heading: Section | Topic, kind: Kind, *, first: Quote | None, to: Quote
) -> tuple[QuerySet[Quote], int | None]:
    """The quotes that change heading when `heading` starts at `to`, and their new heading."""
    noun, field = NOUN[kind], FIELD[kind]
    if first is None:  # a heading without quotes takes the run `to` starts
        if _starts(event, to, kind):
            raise EditError(f"第{to.number}段前面已经有{noun}标题了。")
        return _run_from(event, to, kind), heading.pk
    section = heading_section(heading, kind)
    value = _value(_before(event, first), kind, section)
    if to.position > first.position:  # later: its first quotes go to the heading before it
        if getattr(to, field) != heading.pk:
            raise EditError(f"第{to.number}段不在{noun}“{heading.title}”里：请移到相邻的发言前。")
        return _between(event, first.position, to.position), value
    run = _between(event, to.position, first.position)  # earlier: it takes the quotes before
    inside = Q(**{field: value}) & (Q(section_id=section) if kind == "topic" else Q())
    if run.exclude(inside).exists():
        raise EditError(f"第{to.number}段和{noun}“{heading.title}”之间隔着别的标题。")
    earlier = event.quotes.filter(**{field: value}, position__lt=to.position)
    if value is not None and not earlier.exists():
        raise EditError(f"这样前一个{noun}就没有发言了：请先移除它。")
    return run, heading.pk


def heading_section(heading: Section | Topic, kind: Kind) -> int | None:
    return heading.section_id if kind == "topic" else None


def remove_heading(*, heading: Section | Topic, user) -> None:
    """Remove the heading: its quotes (and, for a part, its topics) join the heading of its kind
    before it, or none if it was the first."""
    kind = _kind(heading)
    with locked(heading.event_id) as event:
        heading = _current_heading(heading, event)
        field = FIELD[kind]
        first = event.quotes.filter(**{field: heading.pk}).order_by("position").first()
        section = heading_section(heading, kind)
        value = _value(_before(event, first), kind, section) if first else None
        comment = f"移除{NOUN[kind]}“{heading.title}”"
        with history.revision(event, user=user, comment=comment):
            layout = _layout(event)
            event.quotes.filter(**{field: heading.pk}).update(**{field: value})
            if kind == "section":
                event.topics.filter(section=heading).update(section_id=value)
            type(heading).objects.filter(pk=heading.pk).delete()
            _settle(event, layout)
