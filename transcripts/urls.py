from django.contrib.sitemaps.views import sitemap
from django.urls import path, register_converter

from .pagecache import site_page
from .views import cards, discovery, events, people, search


class UnicodeSlugConverter:
    """Tag slugs keep Chinese (百模大战); Django's <slug:> is ASCII only."""

    regex = r"[-\w]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(UnicodeSlugConverter, "uslug")

urlpatterns = [
    path("", events.home, name="home"),
    path("events/<slug:slug>/", events.event_detail, name="event-detail"),
    path("events/<slug:slug>/q/<int:number>/", events.quote_detail, name="quote-detail"),
    path("events/<slug:slug>/q/<int:number>/card.png", cards.quote_card, name="quote-card"),
    path("speakers/", people.speaker_list, name="speaker-list"),
    path("speakers/<slug:slug>/", people.speaker_detail, name="speaker-detail"),
    path("search/", search.search, name="search"),
    path("tags/", people.tag_list, name="tag-list"),
    path("tags/<uslug:slug>/", people.tag_detail, name="tag-detail"),
    # feed readers and crawlers poll: cached, and a 304 when nothing changed
    path("feed/", site_page(discovery.LatestEventsAtomFeed()), name="feed-atom"),
    path("feed/rss/", site_page(discovery.LatestEventsFeed()), name="feed-rss"),
    path("search/feed/", site_page(discovery.SearchQuotesFeed()), name="search-feed"),
    path(
        "speakers/<slug:slug>/feed/", site_page(discovery.SpeakerQuotesFeed()), name="speaker-feed"
    ),
    path("tags/<uslug:slug>/feed/", site_page(discovery.TagQuotesFeed()), name="tag-feed"),
    path("sitemap.xml", site_page(sitemap), {"sitemaps": discovery.SITEMAPS}, name="sitemap"),
    path(
        "sitemap-quotes.xml",
        site_page(sitemap),
        {"sitemaps": discovery.QUOTE_SITEMAPS},
        name="sitemap-quotes",
    ),
    path("robots.txt", discovery.robots_txt, name="robots"),
]
