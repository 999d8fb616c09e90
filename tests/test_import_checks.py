"""Hostile or oversized values at the door (issue 12): each is refused with one line naming the
file and the field, or stored in a form every page can serve, never a traceback, a DataError or
a row that takes the home page, the feeds, the sitemap or the API down.

The files are the demo export with one value changed, imported with `import_event` as an operator
would. The rules are `transcripts.import_checks` (every format) and the JSON reader's own.
"""

from __future__ import annotations

import copy
import json

import pytest
from django.core.cache import cache
from django.core.management.base import CommandError
from taggit.models import Tag

from transcripts.import_checks import checked
from transcripts.models import Event, Quote, Speaker
from transcripts.parsing import ParseError, Transcript, Turn
from transcripts.parsing import Speaker as ParsedSpeaker

from .conftest import DEMO, contains_whole, run_command

pytestmark = pytest.mark.django_db

DEMO_DATA = json.loads(DEMO.read_text(encoding="utf-8"))
PAGES = ["/", "/tags/", "/speakers/", "/sitemap.xml", "/feed/", "/feed/rss/", "/api/events"]
PAGES += ["/api/tags", "/api/speakers", "/search/?q=幻觉"]


def hostile(tmp_path, change, name="hostile", *, escaped=False):
    """The demo as a new published event, with `change` applied; its file's path. `escaped`:
    every non-ASCII character written as \\uXXXX (a lone surrogate can only be written so)."""
    data = copy.deepcopy(DEMO_DATA)
    data["event"].update(slug=f"hardening-{name}", title=f"加固测试 {name}", published=True)
    change(data)
    path = tmp_path / f"{name}.json"
    path.write_text(json.dumps(data, ensure_ascii=escaped), encoding="utf-8")
    return path


def refused(path) -> str:
    """The one-line message `import_event` refuses the file with; nothing was written."""
    events = Event.objects.count()
    with pytest.raises(CommandError) as error:
        run_command("import_event", str(path))
    message = str(error.value)
    assert "\n" not in message and message.startswith(f"{path}: ")
    assert Event.objects.count() == events
    return message


def pages_answer(client) -> None:
    cache.clear()
    for page in PAGES:
        assert client.get(page).status_code == 200, page


def first_quote_tags(slug: str) -> list[str]:
    return sorted(Quote.objects.get(event__slug=slug, position=1).tags.names())


# Lengths and numbers ---------------------------------------------------------------------------


def test_a_300_character_title_is_cut_to_the_column_with_a_warning(tmp_path, client):
    path = hostile(tmp_path, lambda d: d["event"].update(title="长" * 300), "long-title")
    out, _ = run_command("import_event", str(path))
    assert "warning" in out and "'title' cut to 200 characters" in out
    assert Event.objects.get(slug="hardening-long-title").title == "长" * 200
    pages_answer(client)


def test_a_150_character_tag_is_refused_naming_the_quote(tmp_path):
    path = hostile(tmp_path, lambda d: d["quotes"][0].update(tags=["标" * 150]))
    message = refused(path)
    assert "quote 1: 'tags'" in message and "longer than 100 characters" in message


def test_a_speaker_name_is_never_cut_it_is_refused(tmp_path):
    path = hostile(tmp_path, lambda d: d["speakers"][0].update(name="名" * 101))
    assert contains_whole(refused(path), "speaker 1: 'name' has 101 characters, at most 100")


def test_a_quote_number_beyond_the_database_column_is_refused(tmp_path):
    path = hostile(tmp_path, lambda d: d["quotes"][0].update(number=2**40))
    message = refused(path)
    assert "quote 1: 'number' 1099511627776 is out of range (1 to 2147483647)" in message


def test_a_part_number_beyond_the_database_column_is_refused(tmp_path):
    def change(d):
        d["sections"][0]["number"] = 40_000
        for quote in d["quotes"]:
            if quote["section"] == 1:
                quote["section"] = 40_000
        for topic in d["topics"]:
            if topic["section"] == 1:
                topic["section"] = 40_000

    assert "section 40000: 'number' 40000 is out of range (1 to 32767)" in refused(
        hostile(tmp_path, change)
    )


def test_a_200000_character_quote_is_stored_whole_and_found(tmp_path, client):
    path = hostile(tmp_path, lambda d: d["quotes"][0].update(text="数据" * 100_000), "long")
    run_command("import_event", str(path))
    assert len(Quote.objects.get(event__slug="hardening-long", position=1).text) == 200_000
    pages_answer(client)


# Characters no database or feed can hold --------------------------------------------------------


def test_nul_in_a_json_string_is_refused(tmp_path):
    path = hostile(tmp_path, lambda d: d["quotes"][0].update(text="前\u0000后"))
    message = refused(path)
    assert "quote 1: 'text' holds NUL, which cannot be stored" in message


def test_a_lone_surrogate_in_a_json_string_is_refused(tmp_path):
    path = hostile(tmp_path, lambda d: d["speakers"][0].update(bio="半个\ud800字"), escaped=True)
    assert "'bio' holds a lone surrogate U+D800" in refused(path)


def test_control_characters_are_removed_so_the_feeds_stay_xml(tmp_path, client):
    path = hostile(tmp_path, lambda d: d["event"].update(intro="响铃\u0007换页\u000c完"), "bell")
    out, _ = run_command("import_event", str(path))
    assert "'intro': control characters removed" in out
    assert Event.objects.get(slug="hardening-bell").intro == "响铃换页完"
    pages_answer(client)


def test_json_nested_too_deeply_is_a_one_line_parse_error(tmp_path):
    path = tmp_path / "nested.json"
    path.write_text('{"event": ' + "[" * 20_000 + "]" * 20_000 + "}")
    assert "invalid JSON: nested too deeply" in refused(path)
    path.write_text("[" * 20_000 + "]" * 20_000)  # not our export's shape: a text without turns
    assert "no speaker turns found" in refused(path)


# Tags ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "why"),
    [
        ("!!!", "has no letter or digit"),
        ("\u202e", "is empty once invisible characters are removed"),
        ("\u200b\u200d", "is empty once invisible characters are removed"),
    ],
    ids=["punctuation", "bidi-control", "zero-width"],
)
def test_a_tag_that_cannot_have_a_web_address_is_refused(tmp_path, client, tag, why):
    run_command("import_event", str(DEMO))
    message = refused(hostile(tmp_path, lambda d: d["quotes"][0].update(tags=[tag])))
    assert "quote 1: 'tags'" in message and why in message
    assert all(t.slug for t in Tag.objects.all())
    pages_answer(client)


def test_zero_width_characters_make_no_look_alike_tags(tmp_path, client):
    run_command("import_event", str(DEMO))
    tags = set(Tag.objects.values_list("name", flat=True))
    assert {"AGI", "幻觉"} <= tags
    path = hostile(tmp_path, lambda d: d["quotes"][0].update(tags=["AGI\u200b", "幻\u200d觉"]))
    run_command("import_event", str(path))
    assert set(Tag.objects.values_list("name", flat=True)) == tags
    assert first_quote_tags("hardening-hostile") == ["AGI", "幻觉"]
    names = [tag["name"] for tag in client.get("/api/tags").json()]
    assert not any("\u200b" in n or "\u200d" in n for n in names)


def test_full_width_and_spaced_tags_are_one_spelling(tmp_path):
    path = hostile(tmp_path, lambda d: d["quotes"][0].update(tags=["ＡＧＩ", " 强化  学习 "]))
    run_command("import_event", str(path))
    assert first_quote_tags("hardening-hostile") == ["AGI", "强化 学习"]


# Slugs -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "slug", ["a b/c", "中文 活动", "x" * 121], ids=["space-slash", "chinese", "long"]
)
def test_an_event_slug_a_url_cannot_carry_is_made_again_from_the_title(tmp_path, client, slug):
    def change(d):
        d["event"]["slug"] = slug

    out, _ = run_command("import_event", str(hostile(tmp_path, change, "slug")))
    assert "is not a web address slug: made again" in out
    event = Event.objects.get(title="加固测试 slug")
    assert event.slug == "jia-gu-ce-shi-slug"
    assert client.get(event.get_absolute_url()).status_code == 200
    pages_answer(client)


def test_a_speaker_slug_a_url_cannot_carry_is_made_again_from_the_name(tmp_path, client):
    def change(d):
        old = d["speakers"][0]["slug"]
        d["speakers"][0]["slug"] = old + " x/y"
        for quote in d["quotes"]:
            if quote["speaker"] == old:
                quote["speaker"] = old + " x/y"

    run_command("import_event", str(hostile(tmp_path, change)))
    name = DEMO_DATA["speakers"][0]["name"]
    assert Speaker.objects.get(name=name).slug == DEMO_DATA["speakers"][0]["slug"]
    pages_answer(client)


def test_two_speakers_with_one_handle_are_refused(tmp_path):
    def change(d):
        d["speakers"][1]["handle"] = d["speakers"][0]["handle"] = "same-person"

    assert "speaker 2: 'handle' 'same-person' is also" in refused(hostile(tmp_path, change))


# Every format, not only JSON ---------------------------------------------------------------------


def test_the_checks_cover_transcripts_of_every_format():
    """The service's own guard: a parser of any format that lets a value through is caught."""
    transcript = Transcript(
        title="标题" * 150,
        speakers=(ParsedSpeaker(name="甲"),),
        turns=(Turn(number=1, speaker="甲", text="你好\u0000", tags=()),),
        format="markdown",
    )
    with pytest.raises(ParseError, match="quote 1: 'text' holds NUL"):
        checked(transcript)
    fixed = checked(
        Transcript(
            title="标题" * 150,
            speakers=(ParsedSpeaker(name="甲"),),
            turns=(Turn(number=1, speaker="甲", text="你好", tags=("ＡＩ\u200b",)),),
            format="markdown",
        )
    )
    assert len(fixed.title) == 200 and fixed.turns[0].tags == ("AI",)
    assert [w.code for w in fixed.warnings] == ["value-cut"]
