"""Who each speaker of a parsed transcript is: a person already in the database, or someone new.

One read-only function, `match_speakers`, decides it for the import service and for the admin's
import preview alike, so that the preview shows exactly what the import will do (a copy of the
rule in the preview once drifted from the import's).

A placeholder (说话人1, SPEAKER_00, 提问者1, a bare 观众) names no one yet: it is a speaker of
its own event only, never matched to a speaker of another event and never a match for a named
person. An editor names it later.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from django.db.models import Q

from .models import Event, Speaker
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

    @property
    def status(self) -> Literal["new", "existing"]:
        return "new" if self.speaker is None else "existing"


def match_speakers(transcript: Transcript, *, event: Event | None = None) -> list[SpeakerMatch]:
    """The `Speaker` row each transcript speaker is, in transcript order. Reads only (at most
    3 queries); `event` is the event being re-imported in place, if any.

    A named person is the row with the same handle, or else the same name unless both have
    different handles; never a placeholder row. A placeholder is, on a re-import of `event`,
    that event's own placeholder of the same name (its quotes keep their permalinks); in our
    JSON export (a backup), the placeholder row of the same slug and name that no event uses
    any more (restoring after the events were deleted); otherwise nobody yet: a new row."""
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
    matches = []
    for person, placeholder in flagged:
        if placeholder:
            row = own.get(person.name) or unused.get(person.slug)
            row = row if row is not None and row.name == person.name else None
        else:
            row = _same_person(person, known)
        matches.append(SpeakerMatch(person=person, speaker=row, placeholder=placeholder))
    return matches


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
