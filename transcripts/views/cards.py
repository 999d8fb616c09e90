"""A quote's share card: /events/<slug>/q/<n>/card.png, the image link previews show.

Drawing a card takes a tenth of a second, so a card is drawn once per version of the content it
shows (the event's version and the site version, as for the pages) and kept in the cache; a
repeat request is answered from the cache, and a client that has the current card gets a 304.
"""

from __future__ import annotations

import hashlib

from django.core.cache import cache
from django.http import Http404, HttpResponse
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date
from django.utils.translation import gettext

from .. import share_card
from ..models import Event
from ..pagecache import published_event_version, site_version
from ..reader import quote_reading

CARD_TIMEOUT = 24 * 60 * 60
# Previews are fetched by crawlers: a card may be kept for an hour, then asked for again.
CACHE_CONTROL = {"public": True, "max_age": 60 * 60}


def quote_card(request, slug: str, number: int):
    path = share_card.font_path()
    if path is None:
        raise Http404("no font for share cards")
    version, event = published_event_version(slug)
    if version is None:
        raise Http404("no published event with this slug")
    site = site_version()
    raw = "|".join([slug, str(number), version.value, site.value, path, request.LANGUAGE_CODE])
    etag = f'"{hashlib.sha256(raw.encode()).hexdigest()[:32]}"'
    modified = max(version.modified, site.modified).timestamp()
    response = get_conditional_response(request, etag=etag, last_modified=modified)
    if response is None:
        key = f"share-card:{hashlib.sha256(raw.encode()).hexdigest()}"
        png = cache.get(key)
        if png is None:
            png = _draw(event or _published(slug), number, path)
            cache.set(key, png, CARD_TIMEOUT)
        response = HttpResponse(png, content_type="image/png")
    response["ETag"] = etag
    response["Last-Modified"] = http_date(modified)
    patch_cache_control(response, **CACHE_CONTROL)
    return response


def _published(slug: str) -> Event:
    event = Event.objects.published().filter(slug=slug).first()
    if event is None:
        raise Http404("no published event with this slug")
    return event


def _draw(event: Event, number: int, path: str) -> bytes:
    reading = quote_reading(event, number)
    if reading is None:
        raise Http404("no quote with this number")
    quote = reading.quote
    card = share_card.Card(
        text=getattr(quote, "shown", quote.text),  # punctuation as the page shows it
        speaker=quote.speaker.name,
        event_title=event.title,
        site_name=gettext("盐沙龙"),
        date=event.date.isoformat() if event.date else "",
        language=event.language,
    )
    return share_card.render(card, path)
