"""Restoring an event to one of its revisions, as one new revision.

The event's parts, topics, participations, quotes and their tags become what the revision holds
(rows keep their ids, so a quote keeps its number). What it does not change: the event's slug
(its address) and every published flag (taking a quote or an event down is its own act, never
undone by a restore); speakers are people shared across events and are not restored: a quote
whose speaker was merged away since goes to the speaker it was merged into.

Permalinks stay: every quote number that was live before the restore and is not after becomes a
`QuoteRedirect` to the quote that now holds its text (the best text overlap, else the quote at
its old place), redirects that led to a quote the restore removed follow it there, redirects the
revision holds come back, and a redirect whose number is live again goes. Redirects are never
dropped otherwise: an old link keeps working whatever is restored after.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db.models import F
from django.utils import timezone
from reversion.models import Version

from . import history, pagecache
from .history_diff import Snapshot, read_snapshot
from .models import (
    Event,
    Participation,
    Quote,
    QuoteRedirect,
    Section,
    Speaker,
    SpeakerAlias,
    SpeakerRedirect,
    TaggedEvent,
    TaggedQuote,
    Topic,
)
from .search import service as search

OUT_OF_THE_WAY = 1_000_000  # live quotes step aside while the revision's positions are written
KEPT = ("slug", "published", "created_at", "updated_at")  # the event's, whatever is restored
QUOTE_FIELDS = [
    *("number", "position", "speaker", "section", "topic", "text"),
    *("translation", "start_time", "end_time"),
]
NEAR = 10  # how far (in positions) a removed quote's text is looked for without containment


class RestoreError(ValueError):
    """A revision that cannot be restored (the message says why, in Chinese)."""


@dataclass
class RestoreResult:
    event: Event
    restored_from: Version
    quotes: int
    redirected: list[int] = field(default_factory=list)  # numbers that now lead elsewhere
    revived: list[int] = field(default_factory=list)  # numbers live again
    lost_tags: int = 0  # tags the revision had that no longer exist


def restore(*, event: Event, version_id: int, user) -> RestoreResult:
    version = history.versions_of(event).filter(pk=version_id).first()
    if version is None:
        raise RestoreError("没有这个版本。")
    snapshot = read_snapshot(version.revision_id, event.pk)
    if snapshot is None:
        raise RestoreError("这个版本里没有这场活动。")
    when = timezone.localtime(version.revision.date_created)
    comment = f"恢复到 {when:%Y-%m-%d %H:%M} 的版本"
    with pagecache.said_by_service(), history.revision(event, user=user, comment=comment):
        speakers = _speaker_map(snapshot, event)
        before = _live(event)
        removed = list(event.quotes.exclude(pk__in=snapshot.quotes).values_list("pk", flat=True))
        leading_to_removed = dict(
            QuoteRedirect.objects.filter(target_id__in=removed).values_list("pk", "target_id")
        )
        Quote.objects.filter(pk__in=removed).delete()
        _clear(event)
        _write_event(event, snapshot)
        _write_structure(event, snapshot, speakers)
        _write_quotes(event, snapshot, speakers)
        lost = _write_tags(event, snapshot)
        result = RestoreResult(event, version, len(snapshot.quotes), lost_tags=lost)
        _keep_permalinks(event, snapshot, before, leading_to_removed, result)
        search.remove_quotes(removed)
        search.index_quotes(event.quotes.all())
        pagecache.content_changed(events=[event.slug])
    return result


def _speaker_map(snapshot: Snapshot, event: Event) -> dict[int, int]:
    """The revision's speaker ids → speakers that exist now (a merged one: the one it went to)."""
    used = {q["speaker"] for q in snapshot.quotes.values()}
    used |= {p["speaker"] for p in snapshot.participations.values()}
    mapping = {pk: pk for pk in Speaker.objects.filter(pk__in=used).values_list("pk", flat=True)}
    for pk in sorted(used - set(mapping)):
        known = snapshot.speakers.get(pk)
        found = _merged_into(known, event) if known else None
        if found is None:
            name = f"「{known['name']}」" if known else f"(编号 {pk})"
            raise RestoreError(
                f"无法恢复：这个版本里的发言人{name}已经不存在，也查不到他被合并到了哪位发言人。"
                "请先新建这位发言人，或恢复更晚的版本。"
            )
        mapping[pk] = found
    return mapping


def _merged_into(speaker: dict, event: Event) -> int | None:
    by_slug = SpeakerRedirect.objects.filter(old_slug=speaker["slug"])
    by_alias = SpeakerAlias.objects.filter(name=speaker["name"], event__in=[event.pk, None])
    for found in (by_slug, by_alias.order_by("event_id")):
        pk = found.values_list("speaker_id", flat=True).first()
        if pk is not None:
            return pk
    same_name = list(Speaker.objects.filter(name=speaker["name"]).values_list("pk", flat=True)[:2])
    return same_name[0] if len(same_name) == 1 else None


def _live(event: Event) -> dict[int, tuple[int, str, int]]:
    """number → (quote id, text, position) of the event's quotes now."""
    rows = event.quotes.values_list("number", "pk", "text", "position")
    return {number: (pk, text, position) for number, pk, text, position in rows}


def _clear(event: Event) -> None:
    """Out of the way of the revision's rows: the quotes' positions and numbers (unique per
    event, checked row by row), their headings, tags; the parts, topics, participations and
    event tags (written again, with their ids, from the revision)."""
    event.quotes.update(
        position=F("position") + OUT_OF_THE_WAY,
        number=F("number") + OUT_OF_THE_WAY,
        section=None,
        topic=None,
    )
    TaggedQuote.objects.filter(content_object__event=event).delete()
    TaggedEvent.objects.filter(content_object=event).delete()
    event.participations.all().delete()
    event.topics.all().delete()
    event.sections.all().delete()


def _instance(model, pk: int, fields: dict, **overrides):
    values = {}
    for model_field in model._meta.concrete_fields:
        if model_field.name in fields and not model_field.primary_key:
            values[model_field.attname] = model_field.to_python(fields[model_field.name])
    return model(pk=pk, **(values | overrides))


def _write_event(event: Event, snapshot: Snapshot) -> None:
    fields = {k: v for k, v in snapshot.event.items() if k not in KEPT}
    restored = _instance(Event, event.pk, fields)
    checksum = restored.source_checksum
    if checksum and Event.objects.filter(source_checksum=checksum).exclude(pk=event.pk).exists():
        restored.source_checksum = event.source_checksum  # another event holds it now
    names = [f.attname for f in Event._meta.concrete_fields if f.name in fields]
    values = {name: getattr(restored, name) for name in names}
    Event.objects.filter(pk=event.pk).update(**values, updated_at=timezone.now())


def _write_structure(event: Event, snapshot: Snapshot, speakers: dict[int, int]) -> None:
    Section.objects.bulk_create(
        _instance(Section, pk, f, event_id=event.pk) for pk, f in snapshot.sections.items()
    )
    Topic.objects.bulk_create(
        _instance(Topic, pk, f, event_id=event.pk) for pk, f in snapshot.topics.items()
    )
    seen: set[int] = set()  # two people merged into one since: one participation
    rows = []
    for pk, fields in sorted(snapshot.participations.items(), key=lambda r: r[1]["order"]):
        speaker = speakers[fields["speaker"]]
        if speaker not in seen:
            seen.add(speaker)
            rows.append(_instance(Participation, pk, fields, event_id=event.pk, speaker_id=speaker))
    Participation.objects.bulk_create(rows)


def _write_quotes(event: Event, snapshot: Snapshot, speakers: dict[int, int]) -> None:
    existing = set(event.quotes.values_list("pk", flat=True))
    quotes = [
        _instance(Quote, pk, f, event_id=event.pk, speaker_id=speakers[f["speaker"]])
        for pk, f in snapshot.quotes.items()
    ]
    Quote.objects.bulk_update([q for q in quotes if q.pk in existing], QUOTE_FIELDS, batch_size=500)
    Quote.objects.bulk_create([q for q in quotes if q.pk not in existing], batch_size=500)


def _write_tags(event: Event, snapshot: Snapshot) -> int:
    """The revision's tags on its quotes and event; returns how many no longer exist."""
    from taggit.models import Tag

    rows = [(TaggedQuote, pk, f) for pk, f in snapshot.quote_tags.items()]
    rows += [(TaggedEvent, pk, f) for pk, f in snapshot.event_tags.items()]
    alive = set(
        Tag.objects.filter(pk__in={f["tag"] for _, _, f in rows}).values_list("pk", flat=True)
    )
    for model in (TaggedQuote, TaggedEvent):
        model.objects.bulk_create(
            _instance(model, pk, f) for m, pk, f in rows if m is model and f["tag"] in alive
        )
    return sum(1 for _, _, f in rows if f["tag"] not in alive)


def _keep_permalinks(event, snapshot, before, leading_to_removed, result: RestoreResult) -> None:
    after = _live(event)
    QuoteRedirect.objects.filter(event=event, number__in=list(after)).delete()
    result.revived = sorted(n for n in after if n not in before)
    existing = dict(event.quote_redirects.values_list("number", "target_id"))
    for fields in snapshot.redirects.values():
        number, target = fields["number"], fields["target"]
        if number not in after and number not in existing:
            alive = target in {pk for pk, _, _ in after.values()}
            QuoteRedirect.objects.create(
                event=event, number=number, target_id=target if alive else None
            )
            existing[number] = target if alive else None
    homes: dict[int, int | None] = {}  # removed or renumbered quote's id → its text's new home
    for number, (pk, text, position) in before.items():
        if number in after:
            continue
        home = _home(text, position, after)
        homes[pk] = home
        result.redirected.append(number)
        if existing.get(number) is None:
            QuoteRedirect.objects.update_or_create(
                event=event, number=number, defaults={"target_id": home}
            )
    for redirect_pk, old_target in leading_to_removed.items():
        if homes.get(old_target) is not None:
            QuoteRedirect.objects.filter(pk=redirect_pk).update(target_id=homes[old_target])
    result.redirected.sort()


def _home(text: str, position: int, after: dict[int, tuple[int, str, int]]) -> int | None:
    """The quote that holds `text` now: one containing it (the nearest), else the most similar
    one near its old place, else the one at its old place (or the last)."""
    quotes = sorted(after.values(), key=lambda row: row[2])
    if not quotes:
        return None
    containing = [row for row in quotes if text and text in row[1]]
    if containing:
        return min(containing, key=lambda row: abs(row[2] - position))[0]
    best, best_ratio = None, 0.3
    for pk, other, at in quotes:
        if abs(at - position) <= NEAR:
            matcher = SequenceMatcher(None, text, other, autojunk=False)
            if matcher.quick_ratio() > best_ratio and (ratio := matcher.ratio()) > best_ratio:
                best, best_ratio = pk, ratio
    if best is not None:
        return best
    at_place = [row for row in quotes if row[2] == position]
    return (at_place or quotes[-1:])[0][0]
