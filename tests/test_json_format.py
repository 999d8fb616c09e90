"""Our JSON export as an input format: read back exactly, and refused clearly when malformed."""

from __future__ import annotations

import json

import pytest

from transcripts.parsing import ParseError, json_export, load, parse_all

from .conftest import DEMO


def _event(**changes):
    data = {
        "event": {"title": "测试", "slug": "ce-shi", "date": "2024-03-01"},
        "speakers": [
            {"name": "甲", "slug": "jia", "role": "host"},
            {"name": "乙", "slug": "yi", "handle": "@yiyi", "role": "guest"},
        ],
        "sections": [{"number": 1, "title": "开场"}],
        "topics": [{"number": 1, "title": "话题", "section": 1}],
        "quotes": [
            {"number": 1, "speaker": "jia", "section": 1, "topic": None, "text": "你好。"},
            {
                "number": 2,
                "speaker": "yi",
                "section": 1,
                "topic": 1,
                "text": "好。",
                "tags": ["问候"],
            },
        ],
    }
    data.update(changes)
    return data


def test_demo_event_reads_back_to_the_same_json():
    text = DEMO.read_text(encoding="utf-8")
    (transcript,) = parse_all(text)
    assert json_export.dump(transcript) == json.loads(text)


def test_fields_are_read():
    (t,) = parse_all(json.dumps(_event(), ensure_ascii=False))
    assert t.date.isoformat() == "2024-03-01"
    assert t.speaker("乙").handle == "yiyi"
    assert [(x.speaker, x.topic, x.tags) for x in t.turns] == [
        ("甲", None, ()),
        ("乙", 1, ("问候",)),
    ]


def test_an_array_holds_many_events_each_with_its_own_checksum():
    one, two = _event(), _event(event={"title": "另一个", "slug": "ling-yi-ge"})
    transcripts = load(json.dumps([one, two], ensure_ascii=False).encode())
    assert [t.slug for t in transcripts] == ["ce-shi", "ling-yi-ge"]
    assert transcripts[0].checksum != transcripts[1].checksum
    (alone,) = load(json.dumps(one, ensure_ascii=False).encode())
    assert alone.checksum == transcripts[0].checksum


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"event": {"slug": "x"}}, "'title' is missing"),
        ({"event": {"title": "t", "date": "昨天"}}, "date '昨天' is not YYYY-MM-DD"),
        ({"quotes": []}, "no speaker turns"),
        ({"quotes": [{"number": 1, "speaker": "nobody", "text": "x"}]}, "'nobody' is not among"),
        ({"quotes": [{"number": 0, "speaker": "jia", "text": "x"}]}, "positive whole number"),
        ({"quotes": [{"number": 1, "speaker": "jia", "text": "x", "topic": 9}]}, "unknown topic"),
        ({"speakers": [{"name": "甲", "slug": "jia", "role": "boss"}]}, "role 'boss'"),
        ({"sections": "开场"}, "'sections' must be a list"),
    ],
)
def test_malformed_exports_are_refused_with_the_field_named(change, message):
    with pytest.raises(ParseError, match=message):
        parse_all(json.dumps(_event(**change), ensure_ascii=False))


def test_invalid_json_says_where():
    with pytest.raises(ParseError, match="invalid JSON") as caught:
        parse_all('{"event": ')
    assert caught.value.position == 10
