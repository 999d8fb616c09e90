"""`{% recording_at recording seconds [page] %}`: the address of a moment of an event's recording
(see `transcripts.recordings.at`), for the quote times on the event and quote pages."""

from __future__ import annotations

from django import template

from .. import recordings

register = template.Library()


@register.simple_tag
def recording_at(recording: recordings.Recording | None, seconds, page: str = "") -> str:
    """ "" without a recording or a time (the template shows the time as plain text then)."""
    if recording is None or seconds is None or seconds == "":
        return ""
    return recordings.at(recording, float(seconds), page=page)
