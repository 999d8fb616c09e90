"""Listen along: an event's recording (a media file played in the page, or a YouTube / Bilibili
page linked at each quote's time), shown only when quotes have times, and never a way in for
markup or a script."""

from __future__ import annotations

import json
import re

import pytest
from django.core.cache import cache

from transcripts.event_import import event_import
from transcripts.models import Event
from transcripts.recordings import Recording, at, recording_at_url

from .factories import import_demo, recorded_transcript

# Kinds and time addresses (pure) ---------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("https://media.example.org/salon/2024-05.mp3", "audio"),
        ("https://media.example.org/salon/2024-05.M4A?download=1", "audio"),
        ("https://archive.example.org/a/b.opus", "audio"),
        ("http://example.org/talk.wav", "audio"),
        ("https://example.org/talk.webm", "video"),
        ("https://example.org/talk.mp4#t=10", "video"),
        ("https://www.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"),
        ("https://m.youtube.com/watch?v=dQw4w9WgXcQ", "youtube"),
        ("https://youtu.be/dQw4w9WgXcQ", "youtube"),
        ("https://www.bilibili.com/video/BV1xx411c7mD", "bilibili"),
        ("https://b23.tv/abc123", "bilibili"),
        ("https://notyoutube.com/watch?v=1", "link"),  # a look-alike host is just a link
        ("https://example.org/salon/recording/", "link"),
        ("https://example.org/mp3", "link"),
    ],
)
def test_the_kind_of_recording_comes_from_its_address(url, kind):
    assert recording_at_url(url) == Recording(url, kind)


@pytest.mark.parametrize(
    "url", ["", "javascript:alert(1)//x.mp3", "ftp://example.org/a.mp3", "data:audio/wav,xx"]
)
def test_addresses_that_are_not_web_addresses_are_no_recording(url):
    assert recording_at_url(url) is None


@pytest.mark.parametrize(
    ("url", "seconds", "expected"),
    [
        ("https://www.youtube.com/watch?v=abc", 75.9, "https://www.youtube.com/watch?v=abc&t=75s"),
        ("https://youtu.be/abc", 75, "https://youtu.be/abc?t=75s"),
        ("https://youtu.be/abc?t=3", 75, "https://youtu.be/abc?t=75s"),  # replaced, not doubled
        (
            "https://www.bilibili.com/video/BV1x?p=2",
            75,
            "https://www.bilibili.com/video/BV1x?p=2&t=75",
        ),
        ("https://media.example.org/a.mp3", 65.25, "#t=65.25"),
        ("https://media.example.org/a.mp3", 60.0, "#t=60"),
        ("https://example.org/page", 75, "https://example.org/page"),
    ],
)
def test_a_moment_of_the_recording_has_an_address(url, seconds, expected):
    assert at(recording_at_url(url), seconds) == expected


def test_a_moment_of_a_media_file_is_on_the_event_page():
    recording = recording_at_url("https://media.example.org/a.mp3")
    assert at(recording, 5, page="/events/x/") == "/events/x/#t=5"


# The event page ------------------------------------------------------------------------------

pytestmark_db = pytest.mark.django_db
AUDIO = "https://media.example.org/salon/talk.mp3"


@pytest.fixture
def recorded(db):
    cache.clear()
    return event_import(transcript=recorded_transcript()).event


def with_recording(event: Event, url: str) -> Event:
    Event.objects.filter(pk=event.pk).update(recording_url=url)  # no validation: any stored text
    cache.clear()
    event.refresh_from_db()
    return event


def page(client, event: Event, suffix: str = "") -> str:
    response = client.get(event.get_absolute_url() + suffix)
    assert response.status_code == 200
    return response.content.decode()


@pytestmark_db
def test_an_audio_recording_plays_in_the_page_and_each_time_seeks_it(client, recorded):
    html = page(client, with_recording(recorded, AUDIO))
    assert f'<audio class="listen-player" controls preload="metadata" src="{AUDIO}">' in html
    assert re.search(r'<script src="[^"]*/js/listen\.[^"]*js" defer>', html)
    assert re.search(r'<link rel="stylesheet" href="[^"]*/css/listen\.[^"]*css">', html)
    assert re.findall(r'<a class="seek" href="([^"]+)"[^>]*><time class="start"', html) == [
        "#t=5",
        "#t=65.25",
        "#t=3725",
    ]


@pytestmark_db
def test_a_video_file_plays_in_a_video_player(client, recorded):
    html = page(client, with_recording(recorded, "https://media.example.org/talk.mp4"))
    assert '<video class="listen-player" controls' in html and "<audio" not in html


@pytestmark_db
def test_a_youtube_recording_is_linked_at_each_quote_time_never_embedded(client, recorded):
    url = "https://www.youtube.com/watch?v=abc"
    html = page(client, with_recording(recorded, url))
    assert "<iframe" not in html and "<audio" not in html and "listen.js" not in html
    assert "在 YouTube 上观看" in html
    assert re.findall(r'<a class="seek" href="([^"]+)"', html) == [
        "https://www.youtube.com/watch?v=abc&amp;t=5s",
        "https://www.youtube.com/watch?v=abc&amp;t=65s",
        "https://www.youtube.com/watch?v=abc&amp;t=3725s",
    ]


@pytestmark_db
def test_any_other_address_is_a_plain_link_and_times_stay_text(client, recorded):
    html = page(client, with_recording(recorded, "https://example.org/salon/recording/"))
    assert '<a href="https://example.org/salon/recording/" rel="nofollow noopener">' in html
    assert 'class="seek"' not in html and "<audio" not in html


@pytestmark_db
def test_nothing_of_listening_shows_without_a_recording(client, recorded):
    html = page(client, recorded)
    assert "data-listen" not in html and 'class="seek"' not in html and "listen.css" not in html
    assert '<time class="start"' in html  # the times themselves still show


@pytestmark_db
def test_nothing_of_listening_shows_when_no_quote_has_a_time(client):
    cache.clear()
    demo = with_recording(import_demo(), AUDIO)  # the demo has no times
    html = page(client, demo)
    assert "data-listen" not in html and "<audio" not in html and "listen.js" not in html


@pytestmark_db
def test_a_hostile_address_is_escaped_or_refused(client, recorded):
    hostile = 'https://media.example.org/a.mp3?x="><script>alert(1)</script>'
    html = page(client, with_recording(recorded, hostile))
    assert "<script>alert(1)" not in html
    assert 'src="https://media.example.org/a.mp3?x=&quot;&gt;&lt;script&gt;' in html
    html = page(client, with_recording(recorded, "javascript:alert(1)//a.mp3"))
    assert "javascript:" not in html and "data-listen" not in html


@pytestmark_db
def test_the_content_security_policy_lets_the_recording_play_and_nothing_else(client, recorded):
    response = client.get(with_recording(recorded, AUDIO).get_absolute_url())
    policy = dict(
        part.strip().split(" ", 1) for part in response["Content-Security-Policy"].split(";")
    )
    assert policy["media-src"] == "'self' https:"  # an https recording from any host plays
    assert policy["script-src"] == "'self'" and "frame-src" not in policy
    assert policy["default-src"] == "'self'"  # frames and the rest: our own origin only


# The quote page --------------------------------------------------------------------------------


@pytestmark_db
def test_a_quote_page_links_to_the_event_page_at_its_time(client, recorded):
    with_recording(recorded, AUDIO)
    html = page(client, recorded, "q/2/")
    assert f'<a class="seek" href="{recorded.get_absolute_url()}#t=65.25"><time' in html


@pytestmark_db
def test_a_quote_page_links_to_the_video_site_at_its_time(client, recorded):
    with_recording(recorded, "https://www.bilibili.com/video/BV1x")
    html = page(client, recorded, "q/2/")
    assert '<a class="seek" href="https://www.bilibili.com/video/BV1x?t=65"><time' in html


# Editors ---------------------------------------------------------------------------------------


@pytestmark_db
def test_editors_can_set_the_recording_in_the_admin(admin_client, recorded):
    html = admin_client.get(f"/admin/transcripts/event/{recorded.pk}/change/").content.decode()
    assert 'name="recording_url"' in html


# Backups -----------------------------------------------------------------------------------------


@pytestmark_db
def test_the_recording_survives_an_export_and_a_reimport(recorded):
    from transcripts.event_export import event_transcript, events_for_export
    from transcripts.parsing import load
    from transcripts.parsing.json_export import dump

    with_recording(recorded, AUDIO)
    exported = json.dumps(dump(event_transcript(events_for_export().get(pk=recorded.pk))))
    assert json.loads(exported)["event"]["recording_url"] == AUDIO
    Event.objects.filter(pk=recorded.pk).update(recording_url="")
    (transcript,) = load(exported.encode())
    assert transcript.recording_url == AUDIO
    event_import(transcript=transcript, replace=True)
    recorded.refresh_from_db()
    assert recorded.recording_url == AUDIO
