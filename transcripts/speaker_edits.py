"""Editors' work on speakers: naming an event's placeholders, merging two people, finding one.

`map_speakers` names an event's speakers in one step (说话人1 is 王明, 说话人2 is someone new):
their quotes and participation move to the person, the placeholder row goes, and a
`SpeakerAlias` of the event keeps the label, so a later import of the same event maps it the
same way (`speaker_matching`). `merge_speakers` makes two rows one person across every event:
quotes, participations, bio, handle and aliases move, the old name becomes an alias and the old
page address a `SpeakerRedirect`. Each event changed gets a revision (`history.revision`); the
moved quotes are reindexed (the speaker's name is in their search metadata) and cached pages
forgotten.

Speakers are people shared across events: they are in no event's revision, so restoring an
event from before a merge finds its quotes' old speaker gone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from pypinyin import Style, lazy_pinyin

from . import history, pagecache, slugs, vocabulary
from .models import Event, Participation, Quote, Speaker, SpeakerAlias, SpeakerRedirect
from .search import service as search

MAX_NAME = 100  # Speaker.name

__all__ = ["MergeResult", "SpeakerEditError", "map_speakers", "merge_speakers", "speaker_choices"]

# which of two participations of one person at one event says more: the host, then a guest...
ROLE_RANK = {"host": 0, "guest": 1, "other": 2, "audience": 3}


class SpeakerEditError(ValueError):
    """The change cannot be made this way; the message is for the editor."""


@dataclass
class MergeResult:
    into: Speaker
    source_name: str
    source_slug: str
    quotes: int  # quotes that moved
    events: list[str] = field(default_factory=list)  # slugs of the events changed


# Naming an event's speakers ---------------------------------------------------------------


def map_speakers(*, event: Event, mapping: dict[Speaker, Speaker | str], user) -> int:
    """Give the event's speakers (usually placeholders) their people: an existing `Speaker`,
    or a name (the named person of exactly that name, else a new person). Returns how many
    quotes moved. One transaction and one revision of the event."""
    if not mapping:
        raise SpeakerEditError("请至少为一位发言人指定姓名。")
    names = "，".join(f"{key.name} → {_label(value)}" for key, value in mapping.items())
    with (
        pagecache.said_by_service(),
        history.revision(event, user=user, comment=f"命名发言人：{names}"),
    ):
        event = Event.objects.select_for_update().get(pk=event.pk)
        pairs = _resolved(event, mapping)
        moved: list[int] = []
        for key, target in pairs:
            moved += _move_in_event(event, key, target)
            _remember(key.name, target, event)
            if not _in_use(key):
                _retire(key, into=target)
        _touched([event], moved)
    return len(moved)


def _label(value: Speaker | str) -> str:
    return value.name if isinstance(value, Speaker) else value.strip()


def _resolved(event: Event, mapping: dict[Speaker, Speaker | str]) -> list[tuple[Speaker, Speaker]]:
    """(speaker of the event, person) pairs, as they are now; refuses what cannot be done."""
    present = set(event.participations.values_list("speaker_id", flat=True))
    present |= set(event.quotes.values_list("speaker_id", flat=True).distinct())
    keys = {key.pk for key in mapping}
    pairs = []
    for key, value in mapping.items():
        if key.pk not in present:
            raise SpeakerEditError(f"“{key.name}”不是这场活动的发言人。")
        target = _person(value)
        if target.pk == key.pk:
            continue
        if target.pk in keys:
            raise SpeakerEditError(f"“{target.name}”本身也在改名，请分两次操作。")
        pairs.append((Speaker.objects.get(pk=key.pk), target))
    return pairs


def _person(value: Speaker | str) -> Speaker:
    """The named person of this name, or a new one; a `Speaker` as it is now."""
    if isinstance(value, Speaker):
        found = Speaker.objects.filter(pk=value.pk).first()
        if found is None:
            raise SpeakerEditError(f"发言人“{value.name}”已被删除或合并，请刷新后重试。")
        return found
    name = " ".join(value.split())
    if not name:
        raise SpeakerEditError("请填写发言人的姓名。")
    if len(name) > Speaker._meta.get_field("name").max_length:
        raise SpeakerEditError("姓名太长了（最多 100 个字）。")
    same = list(Speaker.objects.named().filter(name=name)[:2])
    if len(same) > 1:
        raise SpeakerEditError(f"有不止一位名叫“{name}”的发言人，请从列表中选择。")
    if same:
        return same[0]
    return new_person(name)


def new_person(name: str) -> Speaker:
    """A new named person with a slug no speaker and no old speaker link has (call it inside the
    revision that uses them). Two editors adding one name at once get two free slugs."""
    name = " ".join((name or "").split())
    if not name:
        raise SpeakerEditError("请填写发言人的姓名。")
    if len(name) > MAX_NAME:
        raise SpeakerEditError(f"姓名最多 {MAX_NAME} 个字。")
    base = slugs.speaker_slug(name)
    for _ in range(3):
        taken = {*Speaker.objects.filter(slug__startswith=base).values_list("slug", flat=True)}
        old = SpeakerRedirect.objects.filter(old_slug__startswith=base)  # a merged one's link
        taken.update(old.values_list("old_slug", flat=True))
        speaker = Speaker(name=name, slug=slugs.unique_slug(base, taken))
        try:
            with transaction.atomic():
                speaker.save()
        except IntegrityError:
            continue  # the slug was taken meanwhile: the next free one
        vocabulary.changed()
        return speaker
    raise SpeakerEditError("发言人正被另一位编辑添加，请再试一次。")


# Merging two people -------------------------------------------------------------------------


def merge_speakers(*, source: Speaker, into: Speaker, user) -> MergeResult:
    """Make `source` part of `into` across every event (see the module docstring); `source`
    is deleted. One transaction; a revision for each event changed."""
    if source.pk == into.pk:
        raise SpeakerEditError("不能把发言人合并到自己。")
    with transaction.atomic(), pagecache.said_by_service():
        locked = {
            s.pk: s
            for s in Speaker.objects.select_for_update()
            .filter(pk__in=[source.pk, into.pk])
            .order_by("pk")
        }
        if len(locked) < 2:
            raise SpeakerEditError("要合并的发言人已被删除或合并，请刷新后重试。")
        source, into = locked[source.pk], locked[into.pk]
        ids = set(source.participations.values_list("event_id", flat=True))
        ids |= set(source.quotes.values_list("event_id", flat=True).distinct())
        events = list(Event.objects.filter(pk__in=ids).order_by("pk"))
        moved: list[int] = []
        comment = f"合并发言人：{source.name} → {into.name}"
        for event in events:
            with history.revision(event, user=user, comment=comment):
                moved += _move_in_event(event, source, into)
        if source.name != into.name:
            if source.placeholder:  # 说话人1 names someone in its own events only
                for event in events:
                    _remember(source.name, into, event)
            else:
                _remember(source.name, into, None)
        result = MergeResult(
            into=into,
            source_name=source.name,
            source_slug=source.slug,
            quotes=len(moved),
            events=[event.slug for event in events],
        )
        _retire(source, into=into)
        _touched(events, moved)
    into.refresh_from_db()
    return result


# Finding a speaker -------------------------------------------------------------------------

_CANDIDATES = 500  # rows read for one completion at most
_pinyin: dict[str, object] = {}


def speaker_choices(query: str, *, limit: int = 10) -> list[Speaker]:
    """Speakers for a completion list: name, handle or alias containing the query, or pinyin
    (wangming, wm) starting it; named people first, then placeholders, closest matches first."""
    text = " ".join((query or "").replace("\x00", "").split())
    if not text or len(text) > 100 or limit <= 0:
        return []
    condition = (
        Q(name__icontains=text)
        | Q(handle__icontains=text.lstrip("@"))
        | Q(aliases__name__icontains=text)
    )
    key = re.sub(r"[^a-z0-9]", "", text.lower()) if text.isascii() else ""
    if key:
        sounds = [pk for pk, keys in _pinyin_keys() if any(k.startswith(key) for k in keys)]
        condition |= Q(pk__in=sounds[:_CANDIDATES])
    found = Speaker.objects.filter(condition).distinct().prefetch_related("aliases")
    return sorted(found[:_CANDIDATES], key=lambda s: _closeness(s, text, key))[:limit]


def _closeness(speaker: Speaker, text: str, key: str) -> tuple:
    folded = text.casefold()
    names = [speaker.name.casefold(), *(a.name.casefold() for a in speaker.aliases.all())]
    handle = speaker.handle.casefold()
    if folded in names or (handle and folded.lstrip("@") == handle):
        rank = 0
    elif any(name.startswith(folded) for name in names):
        rank = 1
    elif key and any(k.startswith(key) for k in _keys(speaker.name)):
        rank = 2
    else:
        rank = 3
    return (speaker.placeholder, rank, len(speaker.name), speaker.name, speaker.pk)


def _keys(name: str) -> tuple[str, str]:
    """A name's full pinyin and its initials, letters and digits only (王明: wangming, wm)."""
    full = "".join(lazy_pinyin(name, errors="default"))
    initials = "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default"))
    return tuple(re.sub(r"[^a-z0-9]", "", k.lower()) for k in (full, initials))


def _pinyin_keys() -> list[tuple[int, tuple[str, str]]]:
    """Every speaker's pinyin keys, computed again when speakers change (the vocabulary
    version moves with every speaker added, renamed or merged)."""
    version = vocabulary.version()
    if _pinyin.get("version") != version:
        rows = Speaker.objects.values_list("pk", "name")
        _pinyin.update(version=version, keys=[(pk, _keys(name)) for pk, name in rows])
    return _pinyin["keys"]


# What both do -------------------------------------------------------------------------------


def _move_in_event(event: Event, key: Speaker, target: Speaker) -> list[int]:
    """Move `key`'s quotes and participation in `event` to `target`; the ids of the quotes."""
    ids = list(Quote.objects.filter(event=event, speaker=key).values_list("pk", flat=True))
    Quote.objects.filter(pk__in=ids).update(speaker=target)
    theirs = Participation.objects.filter(event=event, speaker=key).first()
    if theirs is None:
        return ids
    kept = Participation.objects.filter(event=event, speaker=target).first()
    if kept is None:
        theirs.speaker = target
        theirs.save(update_fields=["speaker"])
        return ids
    role = min(theirs.role, kept.role, key=lambda r: ROLE_RANK.get(r, 9))
    bio, order = kept.bio or theirs.bio, min(kept.order, theirs.order)
    theirs.delete()  # first: the event has one host
    Participation.objects.filter(pk=kept.pk).update(role=role, bio=bio, order=order)
    return ids


def _remember(name: str, target: Speaker, event: Event | None) -> None:
    """The label `name` is `target` from now on (in `event`, or everywhere)."""
    if name == target.name and event is None:
        return
    SpeakerAlias.objects.update_or_create(name=name, event=event, defaults={"speaker": target})


def _in_use(speaker: Speaker) -> bool:
    return speaker.quotes.exists() or speaker.participations.exists()


def _retire(source: Speaker, *, into: Speaker) -> None:
    """`source` has nothing left: its aliases, old links, bio and handle go to `into`, its
    address leads there, and it is deleted."""
    SpeakerAlias.objects.filter(speaker=source).update(speaker=into)
    SpeakerAlias.objects.filter(speaker=into, name=into.name, event__isnull=True).delete()
    SpeakerRedirect.objects.filter(speaker=source).update(speaker=into)
    SpeakerRedirect.objects.update_or_create(old_slug=source.slug, defaults={"speaker": into})
    SpeakerRedirect.objects.filter(old_slug=into.slug).delete()  # its own address is live
    blanks = {}
    if source.bio and not into.bio:
        blanks["bio"] = into.bio = source.bio
    handle = source.handle
    source.delete()
    if handle and not into.handle:
        blanks["handle"] = into.handle = handle
    if blanks:  # an update: a save would reindex every quote of theirs (signals)
        Speaker.objects.filter(pk=into.pk).update(**blanks)
    vocabulary.changed()


def _touched(events: Iterable[Event], moved: list[int]) -> None:
    """Reindex the moved quotes; the events' pages and the site's are out of date."""
    events = list(events)
    if moved:
        search.index_quotes(moved)
    Event.objects.filter(pk__in=[e.pk for e in events]).update(updated_at=timezone.now())
    pagecache.content_changed(events=[e.slug for e in events])
