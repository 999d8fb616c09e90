"""Atom feeds a reader can follow: a search, a speaker, a tag. Only public quotes, newest first,
each entry the quote's permalink with its speaker and event; the pages link their feed."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from transcripts.models import Event, Quote

from .factories import import_demo, make_event

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture(autouse=True)
def demo():
    return import_demo()


def entries(client, url: str, **params) -> list[tuple[str, str, str]]:
    """(title, link, author) of each entry, in order."""
    response = client.get(url, params)
    assert response.status_code == 200, response.content[:200]
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return [
        (
            entry.findtext(f"{ATOM}title"),
            entry.find(f"{ATOM}link").get("href"),
            entry.findtext(f"{ATOM}author/{ATOM}name"),
        )
        for entry in feed.iter(f"{ATOM}entry")
    ]


def test_a_speakers_feed_lists_their_public_quotes_latest_first(client, demo):
    hidden = Quote.objects.filter(speaker__slug="liuzhiyuan").order_by("position").first()
    hidden.published = False
    hidden.save()
    found = entries(client, "/speakers/liuzhiyuan/feed/")
    numbers = [int(link.rstrip("/").rsplit("/", 1)[1]) for _, link, _ in found]
    public = Quote.objects.public().filter(speaker__slug="liuzhiyuan").order_by("-position")
    assert numbers == [q.number for q in public] and hidden.number not in numbers
    assert all(title == f"刘知远 · {demo.title}" and who == "刘知远" for title, _, who in found)
    assert found[0][1].endswith(f"/events/{demo.slug}/q/{numbers[0]}/")


def test_a_newer_event_comes_first_and_a_draft_never(client, demo):
    make_event(quotes=20, slug="draft", published=False)
    newer = make_event(quotes=20, slug="newer")
    Event.objects.filter(pk=newer.pk).update(date="2099-01-01")
    found = entries(client, "/search/feed/", q="幻觉")
    links = [link for _, link, _ in found]
    assert links and "/events/newer/" in links[0]
    assert not any("/events/draft/" in link for link in links)
    assert any(f"/events/{demo.slug}/" in link for link in links)


def test_a_search_feed_follows_what_the_search_finds(client, demo):
    found = entries(client, "/search/feed/", q="刘知远")
    assert len(found) == 12 and {who for _, _, who in found} == {"刘知远"}
    assert client.get("/search/feed/", {"q": "!!!"}).status_code == 404
    assert client.get("/search/feed/").status_code == 404


def test_a_tags_feed_lists_the_quotes_it_tags(client, demo):
    quote = Quote.objects.filter(tags__isnull=False).first()
    tag = quote.tags.first()
    found = entries(client, f"/tags/{tag.slug}/feed/")
    tagged = Quote.objects.public().filter(tags=tag)
    assert len(found) == tagged.count() > 0
    assert client.get("/tags/no-such-tag/feed/").status_code == 404


def test_pages_name_their_feeds(client, demo):
    tag = Quote.objects.filter(tags__isnull=False).first().tags.first()
    pages = {
        "/speakers/liuzhiyuan/": "/speakers/liuzhiyuan/feed/",
        reverse("tag-detail", args=[tag.slug]): reverse("tag-feed", args=[tag.slug]),
        "/search/?q=%E5%B9%BB%E8%A7%89": "/search/feed/?q=%E5%B9%BB%E8%A7%89",
    }
    for page, feed in pages.items():
        html = client.get(page).content.decode()
        assert 'type="application/atom+xml"' in html and f'href="{feed}"' in html, page
