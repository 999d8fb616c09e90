"""Who each speaker of a parsed transcript is: a person already in the database, or someone new.

One read-only function, `match_speakers`, decides it for the import service and for the admin's
import preview alike, so that the preview shows exactly what the import will do (a copy of the
rule in the preview once drifted from the import's).

A placeholder (说话人1, SPEAKER_00, 提问者1, a bare 观众) names no one yet: it is a speaker of
its own event only, never matched to a speaker of another event and never a match for a named
person. An editor names it later.

An editor's decisions stay: a `SpeakerAlias` of the event being re-imported (说话人1 of this
event is 王明, recorded when an editor named the placeholder or merged it) maps that label to
its person first; a global alias (王王明 → 王明, left by a merge) maps a named label nobody else
has.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Q

from .models import Event, Speaker, SpeakerAlias
from .parsing import Speaker as ParsedSpeaker
from .parsing import Transcript
from .parsing.labels import placeholder_name


def named_like_placeholder(name: str) -> bool:
    """A label that names no one (说话人1, SPEAKER_00, a bare 观众), by the parser's own rule:
    this catches a source that does not say (an export made before placeholders existed), so
    that 提问者1 of one event is never taken for another's."""
    return bool(placeholder_name(name))


def is_placeholder(person: ParsedSpeaker) -> bool:
    """A speaker of one event only, until an editor names them. A handle names someone: 发言人2
    with a Zhihu handle is that person, whatever the label."""
    return person.placeholder or (named_like_placeholder(person.name) and not person.handle)


@dataclass(frozen=True)
class SpeakerMatch:
    """What the import does with one transcript speaker: use `speaker` (an existing row), or
    create a row when it is None. A `placeholder` gets a row of this event's own."""

    person: ParsedSpeaker
    speaker: Speaker | None
    placeholder: bool
    alias: bool = False  # matched through a `SpeakerAlias` (an editor's earlier decision)

    @property
    def status(self) -> Literal["new", "existing"]:
        return "new" if self.speaker is None else "existing"


def match_speakers(transcript: Transcript, *, event: Event | None = None) -> list[SpeakerMatch]:
    """The `Speaker` row each transcript speaker is, in transcript order. Reads only (at most
    4 queries); `event` is the event being re-imported in place, if any.

    A label with an alias of `event` is that alias's speaker (two labels may so be one person).
    A named person is the row with the same handle, or else the same name unless both have
    different handles; never a placeholder row. A placeholder is, on a re-import of `event`,
    that event's own placeholder of the same name (its quotes keep their permalinks); in our
    JSON export (a backup), the placeholder row of the same slug and name that no event uses
    any more (restoring after the events were deleted); otherwise nobody yet: a new row. A named
    label no one has is the speaker of its global alias, if any."""
    flagged = [(person, is_placeholder(person)) for person in transcript.speakers]
    named = [person for person, placeholder in flagged if not placeholder]
    placeholders = [person for person, placeholder in flagged if placeholder]
    known: list[Speaker] = []
    if named:
        handles = [s.handle for s in named if s.handle]
        names = [s.name for s in named]
        known = list(Speaker.objects.named().filter(Q(handle__in=handles) | Q(name__in=names)))
    own: dict[str, Speaker] = {}
    if placeholders and event is not None and event.pk:
        own = {
            s.name: s for s in Speaker.objects.filter(placeholder=True, participations__event=event)
        }
    unused: dict[str, Speaker] = {}
    if slugged := [s.slug for s in placeholders if s.slug]:
        unused = {
            s.slug: s
            for s in Speaker.objects.filter(
                placeholder=True,
                slug__in=slugged,
                participations__isnull=True,
                quotes__isnull=True,
            )
        }
    aliases = _aliases(transcript, event)
    matches = []
    for person, placeholder in flagged:
        aliased = aliases.get((person.name, True))
        if aliased is None and not placeholder and not _same_person(person, known):
            aliased = aliases.get((person.name, False))
        if aliased is not None:
            match = SpeakerMatch(person, aliased, placeholder=aliased.placeholder, alias=True)
            matches.append(match)
            continue
        if placeholder:
            row = own.get(person.name) or unused.get(person.slug)
            row = row if row is not None and row.name == person.name else None
        else:
            row = _same_person(person, known)
        matches.append(SpeakerMatch(person=person, speaker=row, placeholder=placeholder))
    return matches


def _aliases(transcript: Transcript, event: Event | None) -> dict[tuple[str, bool], Speaker]:
    """The aliases among the transcript's labels: (label, True) for an alias of `event`,
    (label, False) for a global one. One query."""
    labels = [person.name for person in transcript.speakers]
    if not labels:
        return {}
    scope = Q(event__isnull=True)
    if event is not None and event.pk:
        scope |= Q(event=event)
    found = SpeakerAlias.objects.filter(scope, name__in=labels).select_related("speaker")
    return {(alias.name, alias.event_id is not None): alias.speaker for alias in found}


def _same_person(person: ParsedSpeaker, known: list[Speaker]) -> Speaker | None:
    by_handle = next((k for k in known if person.handle and k.handle == person.handle), None)
    return by_handle or next(
        (
            k
            for k in known
            if k.name == person.name
            and not (person.handle and k.handle and k.handle != person.handle)
        ),
        None,
    )
