"""`export_event`: the JSON schema, one event or all, and export → import → export identity."""

from __future__ import annotations

import json

import pytest

from transcripts.event_import import event_import
from transcripts.models import Event, Quote

from .conftest import DATA, DEMO, SEED, export_all, run_command
from .factories import recorded_transcript

pytestmark = pytest.mark.django_db


def test_an_empty_database_exports_an_empty_array():
    assert export_all() == []


def test_one_event_by_slug_in_the_documented_schema():
    run_command("import_event", str(SEED))
    data = json.loads(run_command("export_event", "da-mo-xing-xun-lian-he-jin-hua-zhi-lu")[0])
    assert set(data) >= {"event", "speakers", "sections", "topics", "quotes"}
    assert set(data["event"]) >= {"title", "slug", "series", "date", "organizer", "source", "intro"}
    liu = next(s for s in data["speakers"] if s["name"] == "刘知远")
    assert liu == {
        "name": "刘知远",
        "slug": "liuzhiyuan",
        "handle": "zibuyu9",
        "role": "guest",
        "bio": liu["bio"],
        "placeholder": False,
    }
    first = data["quotes"][0]
    assert first["speaker"] == "xitingrimu" and first["section"] == 1 and first["topic"] is None
    assert first["text"].startswith("尤老师和刘老师都是学者")
    # a Zhihu article has no recording and one language
    assert (first["start"], first["end"], first["translation"]) == (None, None, "")


def test_export_import_export_is_identical(tmp_path):
    run_command("import_event", str(DEMO))
    run_command("import_event", str(DATA / "zhihu_robotics_roundtable.txt"))
    Quote.objects.get(event__slug__startswith="ju-shen", number=3).tags.add("成本", "硬件")
    first = export_all()
    dump = tmp_path / "all.json"
    dump.write_text(json.dumps(first, ensure_ascii=False), encoding="utf-8")
    Event.objects.all().delete()
    run_command("import_event", str(dump))
    assert export_all() == first


def test_editing_an_export_and_reimporting_it_changes_the_event(tmp_path):
    run_command("import_event", str(DEMO))
    (data,) = export_all()
    data["topics"][0]["title"] = "百模大战:内卷还是繁荣"
    data["quotes"][1]["tags"] = ["创业"]
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    run_command("import_event", str(edited), "--replace")
    event = Event.objects.get()
    assert event.topics.get(number=1).title == "百模大战:内卷还是繁荣"
    assert list(event.quotes.get(number=2).tags.names()) == ["创业"]


def test_times_translations_and_placeholders_are_exported_and_read_back(tmp_path):
    event_import(transcript=recorded_transcript())
    (data,) = export_all()
    assert [(q["start"], q["end"], q["translation"]) for q in data["quotes"]] == [
        (5.0, 9.5, ""),
        (65.25, 70.0, "Thank you, glad to be here."),
        (3725.0, None, ""),
        (None, None, ""),
    ]
    assert [s["placeholder"] for s in data["speakers"]] == [True, True, False]
    dump = tmp_path / "recorded.json"
    dump.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    Event.objects.all().delete()
    run_command("import_event", str(dump))
    assert export_all() == [data]
