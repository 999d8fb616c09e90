"""Feeds, the sitemap and page metadata: how the site is found and shared."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from .factories import import_demo, make_event

pytestmark = pytest.mark.django_db
EVENT = "/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/"


@pytest.fixture(autouse=True)
def demo():
    return import_demo()


def test_home_advertises_an_atom_feed_of_published_events(client):
    make_event(quotes=3, slug="hidden", title="草稿活动", published=False)
    home = client.get("/").content.decode()
    href = re.search(
        r'<link rel="alternate" type="application/atom\+xml"[^>]*href="([^"]+)"', home
    ).group(1)
    feed = client.get(href)
    assert feed["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(feed.content)
    titles = [e.text for e in root.iter("{http://www.w3.org/2005/Atom}title")]
    assert "AI 盐沙龙 · 大模型训练和进化之路" in titles
    assert not any("草稿活动" in (t or "") for t in titles)
    rss = client.get("/feed/rss/")
    assert b"<rss" in rss.content and "大模型训练和进化之路" in rss.content.decode()


def test_sitemap_lists_events_quotes_speakers_and_tags(client):
    make_event(quotes=3, slug="hidden", published=False)
    xml = client.get("/sitemap.xml").content.decode()
    locations = re.findall(r"<loc>([^<]+)</loc>", xml)
    assert f"http://testserver{EVENT}" in locations
    assert not any("/q/" in loc for loc in locations)  # quotes have their own sitemap
    assert "http://testserver/speakers/zhangjunlin/" in locations
    assert "http://testserver/tags/%E5%B9%BB%E8%A7%89/" in locations
    assert not any("hidden" in loc for loc in locations)


def test_robots_txt_names_both_sitemaps_and_quote_permalinks_are_paginated(client, settings):
    robots = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in robots
    sitemaps = re.findall(r"^Sitemap: http://testserver(\S+)$", robots, re.M)
    assert sitemaps == ["/sitemap.xml", "/sitemap-quotes.xml"]
    make_event(quotes=40, slug="more")
    from transcripts.views.discovery import QuoteSitemap

    QuoteSitemap.limit, limit = 100, QuoteSitemap.limit
    try:
        first = re.findall(
            r"<loc>([^<]+)</loc>", client.get("/sitemap-quotes.xml").content.decode()
        )
        second = client.get("/sitemap-quotes.xml", {"p": 2}).content.decode()
    finally:
        QuoteSitemap.limit = limit
    assert len(first) == 100 and f"http://testserver{EVENT}q/70/" in first
    assert len(re.findall(r"<loc>", second)) == 10


@pytest.mark.parametrize(
    "path",
    ["/", EVENT, EVENT + "q/3/", "/speakers/", "/speakers/zhangjunlin/", "/tags/", "/tags/幻觉/"],
)
def test_every_page_has_a_title_description_canonical_link_and_landmarks(client, path):
    html = client.get(path).content.decode()
    assert re.search(r"<title>[^<]+</title>", html)
    assert re.search(r'<meta name="description" content="[^"]+">', html)
    assert re.search(r'<link rel="canonical" href="http://testserver/[^"]*">', html)
    assert '<html lang="zh-hans">' in html
    for landmark in ("<header", "<nav", '<main id="main"', "<footer"):
        assert landmark in html
    assert html.count("<h1") == 1
    assert 'class="skip-link" href="#main"' in html
