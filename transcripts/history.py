"""Every change to an event is a revision (django-reversion's tables): who, when, what, and the
whole event as it stood afterwards, so that any revision can be restored (`history_restore`).

A revision of an event holds a snapshot of the event row, its parts, topics, participations,
quotes, quote tags, event tags and quote redirects, and (read only, never restored) the speakers
its quotes name, so that a speaker merged away since can be found again. Write paths that change
an event (the workbench, the admin, the import) run inside `revision(event, user=…, comment=…)`;
the snapshot is taken when the block ends, after the change. Blocks nest: an inner block is a
savepoint of the outer one and adds its events and comment to the outer revision.

An event need not be named up front: inside a block, saving a quote, part, topic, participation,
redirect or event, deleting a quote, or retagging a quote or event adds its event (the admin's
forms and actions are found that way). An event met for the first time since it came in before
history existed first gets a baseline revision (its state before the change), so the first
change can be undone too.

The snapshot is written here, in bulk (reversion's own `add_to_revision` copies its bookkeeping
for every object, quadratic in the size of an event), in reversion's format, so reversion's
`Version` API reads it: each model's rows read in one query and serialized in one pass, the
versions written by one statement per batch. An event of more than `MAX_QUOTES` quotes gets no
history.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import reversion
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connections, models, router, transaction
from django.db.models.signals import m2m_changed, post_save, pre_delete, pre_save
from django.utils import timezone
from reversion.models import Revision, Version

from .models import (
    Event,
    Participation,
    Quote,
    QuoteRedirect,
    Section,
    Speaker,
    TaggedEvent,
    TaggedQuote,
    Topic,
)

log = logging.getLogger(__name__)

BASELINE_COMMENT = "修改之前的版本"
MAX_QUOTES = 50_000  # a snapshot copies every quote; bigger events are not kept in history
BATCH = 1000
EVENT_PARTS = (Section, Topic, Participation, QuoteRedirect)  # rows with an `event` key


def register_models() -> None:
    """Called once from the app's ready(): the models a revision holds (reversion reads them)."""
    if reversion.is_registered(Event):
        return
    reversion.register(
        Event,
        exclude=("updated_at",),
        follow=("sections", "topics", "participations", "quotes", "quote_redirects"),
    )
    for model in (*EVENT_PARTS, TaggedQuote, TaggedEvent, Speaker):
        reversion.register(model)
    reversion.register(Quote, follow=("taggedquote_set",))
    for sender in (Event, *EVENT_PARTS, Quote):
        pre_save.connect(_saving, sender=sender, dispatch_uid=f"history-pre-{sender.__name__}")
        post_save.connect(_saved, sender=sender, dispatch_uid=f"history-post-{sender.__name__}")
    pre_delete.connect(_saving, sender=Quote, dispatch_uid="history-delete-quote")
    for through in (Quote.tags.through, Event.tags.through):
        m2m_changed.connect(_retagged, sender=through, dispatch_uid=f"history-{through.__name__}")


# The open revision -----------------------------------------------------------------------------


@dataclass
class _Frame:
    user: object
    comments: list[str]
    events: dict[int, None] = field(default_factory=dict)  # ordered set of event ids


_frame: ContextVar[_Frame | None] = ContextVar("history_frame", default=None)


def _event_id(instance) -> int | None:
    return instance.pk if isinstance(instance, Event) else getattr(instance, "event_id", None)


def _saving(sender, instance, raw: bool = False, **kwargs) -> None:
    track(_event_id(instance))


def _saved(sender, instance, created: bool = False, raw: bool = False, **kwargs) -> None:
    if created:  # a new event's id is known only now; a new event has nothing to go back to
        track(_event_id(instance), new=isinstance(instance, Event))


def _retagged(sender, instance, action: str, **kwargs) -> None:
    if action.startswith("pre_") and isinstance(instance, Event | Quote):
        track(_event_id(instance))


def track(event: Event | int | None, *, new: bool = False) -> None:
    """Add `event` to the open revision, if one is open (after a baseline if it has none and
    is not `new`)."""
    frame = _frame.get()
    event_id = event.pk if isinstance(event, Event) else event
    if frame is None or event_id is None or event_id in frame.events:
        return
    if not new:
        ensure_baseline(event_id, user=frame.user)
    frame.events[event_id] = None


def in_revision() -> bool:
    return _frame.get() is not None


@contextmanager
def revision(event: Event | int | None = None, *, user=None, comment: str = "") -> Iterator[None]:
    """Run a change as one revision, inside one transaction: snapshot(s) taken at the end of the
    block, after the change; a failed change records nothing. `event` may be None when the
    block finds its events itself (see the module docstring)."""
    user = user if getattr(user, "is_authenticated", False) else None
    outer = _frame.get()
    if outer is not None:
        yield from _nested(outer, event, user, comment)
        return
    frame = _Frame(user=user, comments=[comment])
    token = _frame.set(frame)
    try:
        with transaction.atomic():
            track(event)
            yield
            _record(frame)
    finally:
        _frame.reset(token)


def _nested(frame: _Frame, event, user, comment: str) -> Iterator[None]:
    """A block inside another: a savepoint; what it adds is taken back if it fails."""
    events, comments = dict(frame.events), list(frame.comments)
    try:
        with transaction.atomic():
            frame.user = frame.user or user
            if comment:
                frame.comments.append(comment)
            track(event)
            yield
    except BaseException:
        frame.events, frame.comments = events, comments
        raise


def _comment(frame: _Frame) -> str:
    """The most specific comment: what the inner blocks (the services) said, else the outer's."""
    return "；".join(c for c in frame.comments[1:] if c) or frame.comments[0]


def _record(frame: _Frame) -> None:
    if frame.events:
        write_revision(list(frame.events), user=frame.user, comment=_comment(frame))


# Snapshots -------------------------------------------------------------------------------------


def versions_of(event: Event | int):
    """The event's revisions, newest first (each a reversion `Version` of the event row, with
    its `revision` and the revision's user)."""
    pk = event.pk if isinstance(event, Event) else event
    return (
        Version.objects.get_for_object_reference(Event, pk)
        .select_related("revision__user")
        .order_by("-pk")
    )


def ensure_baseline(event_id: int, *, user=None) -> None:
    """Record the event as it is now if it has no revision yet (imported before history)."""
    if not versions_of(event_id).exists():
        write_revision([event_id], user=user, comment=BASELINE_COMMENT)


def write_revision(event_ids: list[int], *, user, comment: str) -> Revision | None:
    """One revision holding a snapshot of each event that (still) exists."""
    events = []
    for event in Event.objects.filter(pk__in=event_ids).annotate(n=models.Count("quotes")):
        if event.n > MAX_QUOTES:
            log.warning("%s: %d quotes, too many to keep in history", event.slug, event.n)
        else:
            events.append(event)
    if not events:
        return None
    revision = Revision.objects.create(date_created=timezone.now(), user=user, comment=comment)
    for event in events:
        for batch in _batched(_versions(event)):
            _insert_versions(revision.pk, batch)
    return revision


def _batched(versions: Iterator[tuple]) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for version in versions:
        batch.append(version)
        if len(batch) == BATCH:
            yield batch
            batch = []
    if batch:
        yield batch


def _versions(event: Event) -> Iterator[tuple]:
    """Every row of the event's snapshot, as reversion stores it (`_rows`). The speakers are
    those of its participations (read with them), and any other its quotes name (read after)."""
    # (each in its model's order within one event: ordering by "event" would join its table)
    yield from _rows([event], lambda e: e.title)
    yield from _rows(event.sections.order_by("number"), str)
    yield from _rows(event.topics.order_by("number"), str)
    participations = list(event.participations.select_related("speaker").order_by("order", "pk"))
    yield from _rows(participations, lambda p: f"{p.speaker.name} ({p.get_role_display()})")
    yield from _rows(event.quote_redirects.order_by("number"), lambda r: f"#{r.number}")
    tagged_event = TaggedEvent.objects.filter(content_object=event).select_related("tag")
    yield from _rows(tagged_event, lambda t: t.tag.name)
    speakers = {p.speaker_id: p.speaker for p in participations}
    quotes = event.quotes.order_by("pk")
    batch = list(quotes[:BATCH])
    while batch:
        _add_speakers(speakers, {quote.speaker_id for quote in batch})
        yield from _rows(batch, lambda q: f"#{q.number} {speakers[q.speaker_id].name}")
        tagged = TaggedQuote.objects.filter(content_object__in=[q.pk for q in batch])
        yield from _rows(tagged.select_related("tag"), lambda t: t.tag.name)
        batch = list(quotes.filter(pk__gt=batch[-1].pk)[:BATCH]) if len(batch) == BATCH else []
    yield from _rows([speakers[pk] for pk in sorted(speakers)], lambda s: s.name)


def _add_speakers(speakers: dict[int, Speaker], ids: set[int]) -> None:
    """Read the speakers of `ids` not in `speakers` yet (a quote's speaker is nearly always a
    participant: usually no query)."""
    if missing := ids - speakers.keys():
        speakers.update((s.pk, s) for s in Speaker.objects.filter(pk__in=missing))


# a version's columns, as `_rows` gives them (reversion's `Version`, less its revision)
VERSION_FIELDS = ("object_id", "content_type", "db", "format", "serialized_data", "object_repr")


def _rows(objects: Iterable[models.Model], label: Callable[[Any], str]) -> Iterator[tuple]:
    """The versions of rows of one model, serialized in one pass: exactly what reversion's
    "json" format stores (Django's JSON serializer of a one-object list), each object encoded
    at once by the C encoder, not streamed through the Python one."""
    objects = list(objects)
    if not objects:
        return
    model = type(objects[0])
    fields = reversion.revisions._get_options(model).fields
    content_type_id = ContentType.objects.get_for_model(model).pk
    db = router.db_for_write(model)
    data = serializers.serialize("python", objects, fields=fields)
    for obj, item in zip(objects, data, strict=True):
        serialized = json.dumps([item], cls=DjangoJSONEncoder, ensure_ascii=False)
        yield (str(obj.pk), content_type_id, db, "json", serialized, label(obj)[:200])


def _insert_versions(revision_id: int, rows: list[tuple]) -> None:
    """Write versions with one statement run over the rows: `bulk_create` would build a
    `Version` of each and prepare its every field again, a fifth of what a revision costs."""
    connection = connections[router.db_for_write(Version)]
    name = connection.ops.quote_name
    columns = [Version._meta.get_field(f).column for f in ("revision", *VERSION_FIELDS)]
    sql = "INSERT INTO {} ({}) VALUES ({})".format(
        name(Version._meta.db_table),
        ", ".join(map(name, columns)),
        ", ".join(["%s"] * len(columns)),
    )
    with connection.cursor() as cursor:
        cursor.executemany(sql, [(revision_id, *row) for row in rows])


def restore(*, event: Event, version_id: int, user):
    """Restore `event` to one of its revisions, as a new revision (see `history_restore`)."""
    from .history_restore import restore as restore_event

    return restore_event(event=event, version_id=version_id, user=user)
