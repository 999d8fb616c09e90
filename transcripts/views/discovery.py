"""Feeds and the sitemap: what search engines and feed readers see of published events."""

from __future__ import annotations

import datetime
from urllib.parse import urlencode

from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.db.models import F
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag

from ..models import Event, Quote, Speaker
from ..reader import home_events
from ..search.service import SearchResults, quote_search


class LatestEventsFeed(Feed):
    title = _("盐沙龙 · 最新活动实录")
    description = _("新发布的沙龙与圆桌讨论实录")

    def link(self):
        return reverse("home")

    def items(self):
        return home_events()[:30]

    def item_title(self, event: Event) -> str:
        return f"{event.series} · {event.title}" if event.series else event.title

    def item_description(self, event: Event) -> str:
        speakers = "、".join(
            p.speaker.name
            for p in event.participations.all()
            if p.role != "audience" and not p.speaker.placeholder
        )
        count = ngettext("%(count)s 段发言", "%(count)s 段发言", event.quote_count) % {
            "count": event.quote_count
        }
        # feed readers render a description as HTML: the text is escaped once for that (and
        # once more by the XML writer), so markup in an intro or a name shows as written
        return escape(f"{event.intro}\n\n{speakers} · {count}")

    def item_pubdate(self, event: Event) -> datetime.datetime:
        if event.date:
            return timezone.make_aware(datetime.datetime.combine(event.date, datetime.time(12)))
        return event.created_at

    def item_updateddate(self, event: Event) -> datetime.datetime:
        return event.updated_at

    def item_author_name(self, event: Event) -> str:
        return event.organizer


class LatestEventsAtomFeed(LatestEventsFeed):
    feed_type = Atom1Feed
    subtitle = LatestEventsFeed.description


# Quotes to follow: a search, a speaker, a tag --------------------------------------------------

FEED_QUOTES = 30


def latest_quotes(quotes):
    """Public quotes among these, newest event first, the last said first, as a feed lists them."""
    return (
        quotes.filter(pk__in=Quote.objects.public().values("pk"))
        .select_related("event", "speaker")
        .order_by(F("event__date").desc(nulls_last=True), "-event_id", "-position")[:FEED_QUOTES]
    )


class QuoteFeed(Feed):
    """An Atom feed of quotes: each entry the quote's permalink, with its speaker and event."""

    feed_type = Atom1Feed

    def item_title(self, quote: Quote) -> str:
        return f"{quote.speaker.name} · {quote.event.title}"

    def item_description(self, quote: Quote) -> str:
        return escape(quote.text)  # escaped once for HTML, as LatestEventsFeed's

    def item_link(self, quote: Quote) -> str:
        return quote.get_absolute_url()

    def item_author_name(self, quote: Quote) -> str:
        return quote.speaker.name

    def item_pubdate(self, quote: Quote) -> datetime.datetime:
        return LatestEventsFeed.item_pubdate(self, quote.event)

    def item_updateddate(self, quote: Quote) -> datetime.datetime:
        return quote.event.updated_at


class SpeakerQuotesFeed(QuoteFeed):
    def get_object(self, request, slug: str) -> Speaker:
        speakers = Speaker.objects.filter(participations__event__published=True).distinct()
        return get_object_or_404(speakers, slug=slug)

    def title(self, speaker: Speaker) -> str:
        return _("盐沙龙 · %(name)s的发言") % {"name": speaker.name}

    def link(self, speaker: Speaker) -> str:
        return speaker.get_absolute_url()

    def items(self, speaker: Speaker):
        return latest_quotes(Quote.objects.filter(speaker=speaker))


class TagQuotesFeed(QuoteFeed):
    def get_object(self, request, slug: str) -> Tag:
        return get_object_or_404(Tag, slug=slug)

    def title(self, tag: Tag) -> str:
        return _("盐沙龙 · 标签“%(name)s”的发言") % {"name": tag.name}

    def link(self, tag: Tag) -> str:
        return reverse("tag-detail", args=[tag.slug])

    def items(self, tag: Tag):
        return latest_quotes(Quote.objects.filter(tags=tag))


class SearchQuotesFeed(QuoteFeed):
    """The quotes a search finds (a speaker's name included), newest first: an unsearchable
    query is a 404, as an unknown speaker is."""

    def get_object(self, request) -> SearchResults:
        results = quote_search(request.GET.get("q", ""))
        if results.error or results.query is None:
            raise Http404(results.error)
        return results

    def title(self, results: SearchResults) -> str:
        return _("盐沙龙 · 搜索“%(q)s”") % {"q": results.query.raw}

    def link(self, results: SearchResults) -> str:
        return f"{reverse('search')}?{urlencode({'q': results.query.raw})}"

    def items(self, results: SearchResults):
        return latest_quotes(results.matching())


class EventSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return Event.objects.published()

    def lastmod(self, event: Event):
        return event.updated_at


class QuoteSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.4
    limit = 5000

    def items(self):
        return (
            Quote.objects.public()
            .select_related("event")
            .only("number", "event__slug", "event__updated_at")
            .order_by("event_id", "position")
        )

    def location(self, quote: Quote) -> str:
        return reverse("quote-detail", args=[quote.event.slug, quote.number])

    def lastmod(self, quote: Quote):
        return quote.event.updated_at


class SpeakerSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        # named people only: a placeholder's page (说话人1 of one event) is not for search engines
        return (
            Speaker.objects.named()
            .filter(quotes__event__published=True, quotes__published=True)
            .distinct()
            .order_by("slug")
        )


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def items(self):
        return (
            Tag.objects.filter(
                transcripts_taggedquote_items__content_object__event__published=True,
                transcripts_taggedquote_items__content_object__published=True,
            )
            .distinct()
            .order_by("slug")
        )

    def location(self, tag: Tag) -> str:
        return reverse("tag-detail", args=[tag.slug])


class PageSitemap(Sitemap):
    priority = 0.7

    def items(self):
        return ["home", "speaker-list", "tag-list"]

    def location(self, name: str) -> str:
        return reverse(name)


# Quote permalinks have a sitemap of their own, paginated (?p=2...), so /sitemap.xml stays small
# however many quotes there are; robots.txt names both.
SITEMAPS = {
    "pages": PageSitemap,
    "events": EventSitemap,
    "speakers": SpeakerSitemap,
    "tags": TagSitemap,
}
QUOTE_SITEMAPS = {"quotes": QuoteSitemap}


def robots_txt(request):
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap'))}",
        f"Sitemap: {request.build_absolute_uri(reverse('sitemap-quotes'))}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
