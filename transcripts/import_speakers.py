"""The `Speaker` rows an import writes with: `speaker_matching` decides who each speaker is
(read-only, shared with the admin's preview); this module acts on that decision. New rows get
slugs no speaker and no old speaker link (`SpeakerRedirect`) has."""

from __future__ import annotations

import operator
from functools import reduce

from django.db.models import Q

from . import slugs, vocabulary
from .models import Speaker, SpeakerRedirect
from .parsing import Speaker as ParsedSpeaker
from .speaker_matching import SpeakerMatch


def speaker_rows(matches: list[SpeakerMatch]) -> dict[str, Speaker]:
    """A row for every match, by transcript name: existing ones get the handle and bio they
    lacked, new ones are created (placeholders flagged as such, each with a slug of its own).
    Two names of one person (an alias) share one row object."""
    resolved, created, rows = {}, [], {}
    for match in matches:
        person, row = match.person, match.speaker
        if row is None:
            row = Speaker(
                name=person.name,
                handle=person.handle,
                bio=person.bio,
                placeholder=match.placeholder,
            )
            created.append((person, row))
        else:
            row = rows.setdefault(row.pk, row)
            _fill_blanks(row, person)
        resolved[person.name] = row
    if created:
        _create_speakers(created)
    return resolved


def _create_speakers(created: list[tuple[ParsedSpeaker, Speaker]]) -> None:
    """Give new speakers free slugs (one query for all) and write them in one statement."""
    bases = [person.slug or slugs.speaker_slug(person.name) for person, _ in created]
    # nor the old slug of a merged speaker, which leads to the speaker it was merged into
    starts = reduce(operator.or_, (Q(slug__startswith=base) for base in set(bases)))
    old = reduce(operator.or_, (Q(old_slug__startswith=base) for base in set(bases)))
    taken = set(
        Speaker.objects.filter(starts)
        .order_by()
        .values_list("slug", flat=True)
        .union(SpeakerRedirect.objects.filter(old).order_by().values_list("old_slug", flat=True))
    )
    for (_, speaker), base in zip(created, bases, strict=True):
        speaker.slug = slugs.unique_slug(base, taken)
        taken.add(speaker.slug)
    Speaker.objects.bulk_create([speaker for _, speaker in created])
    vocabulary.changed()  # their names join the segmentation dictionary


def _fill_blanks(speaker: Speaker, person: ParsedSpeaker) -> None:
    changed = []
    if person.handle and not speaker.handle:
        speaker.handle = person.handle
        changed.append("handle")
    if person.bio and not speaker.bio:
        speaker.bio = person.bio
        changed.append("bio")
    if changed:
        speaker.save(update_fields=changed)
