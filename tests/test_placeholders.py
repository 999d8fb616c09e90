"""Placeholder speakers (说话人1, SPEAKER_00, 提问者1): each belongs to one event. A second event's
说话人1 is someone else; a re-import of the same event keeps its own 说话人1 (and so its quotes'
permalinks); named people are never matched to a placeholder; /speakers/ and the sitemap list
named people only, while a placeholder's own page still answers."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from django.core.cache import cache

from transcripts.event_export import report
from transcripts.event_import import event_import
from transcripts.models import Event, Speaker
from transcripts.parsing import Speaker as ParsedSpeaker
from transcripts.parsing import Turn, load
from transcripts.reader import home_events
from transcripts.speaker_matching import is_placeholder, match_speakers, named_like_placeholder
from transcripts.views.discovery import LatestEventsFeed

from .conftest import contains_whole, export_all, run_command
from .factories import import_demo, recorded_transcript

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _cold_cache():
    cache.clear()


def rows(event: Event) -> dict[str, Speaker]:
    return {p.speaker.name: p.speaker for p in event.participations.select_related("speaker")}


# Who is who ---------------------------------------------------------------------------------


def test_a_second_events_placeholder_is_someone_else():
    first = event_import(transcript=recorded_transcript(slug="first")).event
    second = event_import(transcript=recorded_transcript(slug="second")).event
    one, two = rows(first), rows(second)
    assert one["说话人1"].pk != two["说话人1"].pk and one["说话人2"].pk != two["说话人2"].pk
    assert one["说话人1"].placeholder and two["说话人1"].placeholder
    assert one["说话人1"].slug == "shuohuaren-1" and two["说话人1"].slug == "shuohuaren-1-2"
    assert one["王明"].pk == two["王明"].pk  # a named person is the same person
    assert not one["王明"].placeholder
    assert Speaker.objects.filter(name="说话人1").count() == 2


@pytest.mark.parametrize(
    "name", ["说话人1", "提問者2", "SPEAKER_00", "Speaker 3", "观众", "主持人"]
)
def test_a_label_that_names_no_one_is_a_placeholder_even_unmarked(name):
    """A source made before placeholders existed (an old export) does not mark them."""
    unmarked = ParsedSpeaker(name=name, role="audience")
    assert is_placeholder(unmarked)
    transcripts = [
        recorded_transcript(
            slug=slug,
            speakers=(unmarked, ParsedSpeaker(name="王明")),
            turns=(Turn(1, name, "请问一个问题。"), Turn(2, "王明", "好的。")),
        )
        for slug in ("first", "second")
    ]
    for transcript in transcripts:
        event_import(transcript=transcript)
    assert Speaker.objects.filter(name=name, placeholder=True).count() == 2
    assert Speaker.objects.filter(name="王明").count() == 1


@pytest.mark.parametrize("name", ["王明", "Sam Altman", "主持人王明", "Speakerman", "Hostage"])
def test_names_are_not_placeholders(name):
    assert not named_like_placeholder(name)


def test_a_handle_names_someone_whatever_the_label():
    assert not is_placeholder(ParsedSpeaker(name="发言人2", handle="fayanren2"))


def test_a_named_speaker_never_takes_a_placeholders_row():
    """An editor's 说话人1 still waiting for a name is no match for a person of that name."""
    Speaker.objects.create(name="王明", slug="wang-ming-placeholder", placeholder=True)
    event = event_import(transcript=recorded_transcript()).event
    wang = rows(event)["王明"]
    assert wang.slug == "wangming" and not wang.placeholder
    assert Speaker.objects.filter(name="王明").count() == 2


def test_replacing_an_event_keeps_its_own_placeholders_and_their_permalinks():
    first = event_import(transcript=recorded_transcript(slug="first")).event
    event_import(transcript=recorded_transcript(slug="second"))
    before = rows(first)
    corrected = recorded_transcript(
        slug="first",
        checksum="corrected",
        turns=(
            Turn(1, "说话人1", "欢迎大家来到今天的访谈!", start=5.0),  # corrected
            Turn(2, "说话人2", "谢谢,很高兴来到这里。", start=65.25),
            Turn(3, "王明", "我补充一句。"),
            Turn(4, "说话人1", "今天就到这里。"),
        ),
    )
    result = event_import(transcript=corrected, replace=True)
    assert result.status == "replaced" and result.kept == 4 and result.retired == 0
    assert result.placeholders == ["说话人1", "说话人2"]
    assert set(result.existing_speakers) == {"说话人1", "说话人2", "王明"}
    assert {name: s.pk for name, s in rows(first).items()} == {
        name: s.pk for name, s in before.items()
    }
    assert Speaker.objects.filter(name="说话人1").count() == 2  # the other event's is untouched
    assert first.quotes.get(number=1).text == "欢迎大家来到今天的访谈!"


def test_matching_reads_only_and_says_what_the_import_will_do(django_assert_num_queries):
    event = event_import(transcript=recorded_transcript(slug="first")).event
    speakers_before = list(Speaker.objects.values_list("pk", "slug", "handle", "bio"))
    transcript = recorded_transcript(slug="first", checksum="again")
    # 1. named people by handle or name  2. the event's own placeholders  3. aliases
    with django_assert_num_queries(3):
        again = match_speakers(transcript, event=event)
    assert [(m.person.name, m.status, m.placeholder) for m in again] == [
        ("说话人1", "existing", True),
        ("说话人2", "existing", True),
        ("王明", "existing", False),
    ]
    elsewhere = match_speakers(transcript)  # a new event: its placeholders are new
    assert [m.status for m in elsewhere] == ["new", "new", "existing"]
    assert list(Speaker.objects.values_list("pk", "slug", "handle", "bio")) == speakers_before


def test_a_backup_restores_placeholders_with_their_slugs(tmp_path):
    event_import(transcript=recorded_transcript(slug="first"))
    event_import(transcript=recorded_transcript(slug="second"))
    first = export_all()
    assert {s["name"]: s["placeholder"] for s in first[0]["speakers"]} == {
        "说话人1": True,
        "说话人2": True,
        "王明": False,
    }
    dump = tmp_path / "all.json"
    dump.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    Event.objects.all().delete()  # the speakers stay behind, in no event
    run_command("import_event", str(dump))
    assert export_all() == first
    assert Speaker.objects.filter(name="说话人1").count() == 2  # no third row


def test_a_placeholder_row_still_in_an_event_is_not_restored_into_another(tmp_path):
    event_import(transcript=recorded_transcript(slug="first"))
    (data,) = export_all()
    data["event"].update(slug="copy", title="另一场")
    copy = tmp_path / "copy.json"
    copy.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    run_command("import_event", str(copy))
    first, second = (rows(Event.objects.get(slug=s)) for s in ("first", "copy"))
    assert first["说话人1"].pk != second["说话人1"].pk
    assert second["说话人1"].slug == "shuohuaren-1-2"


# What readers see ---------------------------------------------------------------------------


@pytest.fixture
def recorded():
    import_demo()
    return event_import(transcript=recorded_transcript()).event


def test_the_speaker_list_and_the_sitemap_list_named_people_only(client, recorded):
    listing = client.get("/speakers/").content.decode()
    assert "/speakers/wangming/" in listing and "/speakers/zhangjunlin/" in listing
    assert "说话人" not in listing and "/speakers/shuohuaren-1/" not in listing
    assert "/speakers/guanzhong/" not in listing  # the demo's 观众 (an old export, unmarked)
    sitemap = client.get("/sitemap.xml").content.decode()
    assert "/speakers/wangming/" in sitemap and "/speakers/shuohuaren-1/" not in sitemap


def test_a_placeholders_own_page_answers_unlisted(client, recorded):
    response = client.get("/speakers/shuohuaren-1/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 lang="zh">说话人1</h1>' in html and "待命名" in html
    assert '<meta name="robots" content="noindex, follow">' in html
    named = client.get("/speakers/wangming/").content.decode()
    assert "待命名" not in named and 'content="noindex' not in named


def test_the_event_page_marks_its_placeholders(client, recorded):
    html = client.get(recorded.get_absolute_url()).content.decode()
    people = html[html.index('class="people"') : html.index("</ul>", html.index('class="people"'))]
    assert people.count('class="placeholder-mark"') == 2
    assert '<a href="/speakers/shuohuaren-1/" lang="zh">说话人1</a>' in people
    wang = people[people.index(">王明</a>") : people.index("</li>", people.index(">王明</a>"))]
    assert "placeholder-mark" not in wang


def test_the_api_flags_placeholders(client, recorded):
    event = client.get(f"/api/events/{recorded.slug}").json()
    assert {s["name"]: s["placeholder"] for s in event["speakers"]} == {
        "说话人1": True,
        "说话人2": True,
        "王明": False,
    }
    speakers = {s["slug"]: s["placeholder"] for s in client.get("/api/speakers").json()}
    assert speakers["shuohuaren-1"] is True and speakers["wangming"] is False
    assert client.get("/api/speakers/shuohuaren-1").json()["placeholder"] is True


def test_the_feed_names_people_not_placeholders(recorded):
    (event,) = [e for e in home_events() if e.pk == recorded.pk]
    description = LatestEventsFeed().item_description(event)
    assert "王明" in description and "说话人" not in description


# The report -----------------------------------------------------------------------------------


def test_the_dry_run_report_marks_placeholders_and_keeps_aliases():
    (transcript,) = load(
        json.dumps(
            {
                "event": {"title": "旧导出"},
                "speakers": [
                    {"name": "提问者1", "slug": "tiwenzhe-1", "role": "audience"},
                    {"name": "王明", "slug": "wangming"},
                ],
                "quotes": [
                    {"number": 1, "speaker": "tiwenzhe-1", "text": "请问?"},
                    {"number": 2, "speaker": "wangming", "text": "好。"},
                ],
            },
            ensure_ascii=False,
        ).encode()
    )
    transcript = replace(
        transcript,
        speakers=(
            transcript.speakers[0],
            replace(transcript.speakers[1], aliases=("王王明", "王-明")),
        ),
    )
    data = report(transcript)
    assert [(s["name"], s["placeholder"], s["aliases"]) for s in data["speakers"]] == [
        ("提问者1", True, []),
        ("王明", False, ["王王明", "王-明"]),
    ]


def test_placeholders_are_listed_after_the_import_and_the_dry_run(tmp_path):
    data = json.dumps(
        {
            "event": {"title": "有占位发言人的活动", "slug": "zhan-wei"},
            "speakers": [
                {"name": "说话人1", "slug": "s1", "placeholder": True},
                {"name": "说话人2", "slug": "s2", "placeholder": True},
                {"name": "王明", "slug": "wangming"},
            ],
            "quotes": [
                {"number": 1, "speaker": "s1", "text": "一。"},
                {"number": 2, "speaker": "s2", "text": "二。"},
                {"number": 3, "speaker": "wangming", "text": "三。"},
            ],
        },
        ensure_ascii=False,
    )
    path = tmp_path / "event.json"
    path.write_text(data, encoding="utf-8")
    dry, _ = run_command("import_event", str(path), "--dry-run")
    assert contains_whole(dry, "待命名: 说话人1, 说话人2")
    out, _ = run_command("import_event", str(path))
    assert contains_whole(out, "待命名: 说话人1, 说话人2") and "王明" in out
