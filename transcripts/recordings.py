"""An event's recording as the reader pages use it: what kind it is and where a moment of it is.

An editor gives one address (`Event.recording_url`). A media file (by its extension) plays in the
page with the browser's own player, and the page follows it (`static/js/listen.js`); a YouTube or
Bilibili page cannot be embedded (our CSP allows no third-party frames or scripts), so each quote's
time links to that page at that moment instead; any other address is shown as a plain link.
Pure functions of the address: no query, nothing per request, so pages stay cacheable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from .models import Event
from .quoteview import plain_seconds

Kind = Literal["audio", "video", "youtube", "bilibili", "link"]

AUDIO = frozenset({".mp3", ".m4a", ".ogg", ".oga", ".opus", ".wav", ".flac", ".aac"})
VIDEO = frozenset({".mp4", ".webm", ".mov", ".m4v"})
# host (or a parent domain of it) → the site whose page we link to at a time
SITES: dict[str, Kind] = {
    "youtube.com": "youtube",
    "youtu.be": "youtube",
    "bilibili.com": "bilibili",
    "b23.tv": "bilibili",
}
SITE_NAMES = {"youtube": "YouTube", "bilibili": "Bilibili"}


@dataclass(frozen=True, slots=True)
class Recording:
    url: str
    kind: Kind

    @property
    def in_page(self) -> bool:
        """Played here, by an <audio> or <video> element the page follows."""
        return self.kind in ("audio", "video")

    @property
    def external(self) -> bool:
        """A video site's page: quotes link there at their time."""
        return self.kind in ("youtube", "bilibili")

    @property
    def seekable(self) -> bool:
        """A quote's time can take the reader to that moment (here or on the site)."""
        return self.in_page or self.external

    @property
    def site_name(self) -> str:
        return SITE_NAMES.get(self.kind, "")


def recording(event: Event) -> Recording | None:
    """The event's recording, or None without one (or with an address that is not http(s))."""
    url = (event.recording_url or "").strip()
    return recording_at_url(url)


def recording_at_url(url: str) -> Recording | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    path = parts.path.lower()
    extension = path[path.rfind(".") :] if "." in path.rsplit("/", 1)[-1] else ""
    if extension in AUDIO:
        return Recording(url, "audio")
    if extension in VIDEO:
        return Recording(url, "video")
    host = parts.hostname.lower()
    for domain, kind in SITES.items():
        if host == domain or host.endswith("." + domain):
            return Recording(url, kind)
    return Recording(url, "link")


def listening(event: Event, quotes: Iterable) -> Recording | None:
    """The recording a page shows: only when the event has one and some quote has a start time
    (`quotes` are `QuoteView`s); without times there is nothing to follow or link to."""
    found = recording(event)
    if found is None or not any(quote.start is not None for quote in quotes):
        return None
    return found


def at(recording: Recording, seconds: float, *, page: str = "") -> str:
    """Where a reader hears the moment `seconds` into the recording: for a media file the event
    page (`page`, "" for the page itself) with `#t=`, which `listen.js` seeks to; for YouTube and
    Bilibili their page with their own `t` parameter; for a plain link, the link."""
    seconds = max(0.0, float(seconds))
    if recording.in_page:
        return f"{page}#t={plain_seconds(seconds)}"
    if recording.kind == "youtube":
        return _with_query(recording.url, t=f"{int(seconds)}s")
    if recording.kind == "bilibili":
        return _with_query(recording.url, t=str(int(seconds)))
    return recording.url


def _with_query(url: str, **values: str) -> str:
    """`url` with these query parameters set (replacing any of the same name)."""
    parts = urlsplit(url)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k not in values]
    query.extend(values.items())
    return urlunsplit(parts._replace(query=urlencode(query)))
