"""Feeds and the sitemap: what search engines and feed readers see of published events."""

from __future__ import annotations

import datetime

from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.http import HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from taggit.models import Tag

from ..models import Event, Quote, Speaker
from ..reader import home_events


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
