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
    """The demo file predates start/end/translation and placeholders: read, it gets them as
    "none" (no time, no translation, a named speaker) and gives nothing else back changed."""
    text = DEMO.read_text(encoding="utf-8")
    (transcript,) = parse_all(text)
    expected = json.loads(text)
    for speaker in expected["speakers"]:
        speaker["placeholder"] = False
    for quote in expected["quotes"]:
        quote.update(start=None, end=None, translation="")
    assert json_export.dump(transcript) == expected


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


def test_times_translations_and_placeholders_are_read():
    speakers = [
        {"name": "说话人1", "slug": "s1", "role": "host", "placeholder": True},
        {"name": "乙", "slug": "yi"},
    ]
    quotes = [
        {"number": 1, "speaker": "s1", "text": "你好。", "start": 0, "end": 2.5},
        {"number": 2, "speaker": "yi", "text": "好。", "start": 3.25, "translation": "Fine."},
        {"number": 3, "speaker": "yi", "text": "嗯。", "start": None, "end": None},
    ]
    (t,) = parse_all(json.dumps(_event(speakers=speakers, quotes=quotes), ensure_ascii=False))
    assert [(s.name, s.placeholder) for s in t.speakers] == [("说话人1", True), ("乙", False)]
    assert [(x.start, x.end, x.translation) for x in t.turns] == [
        (0.0, 2.5, ""),
        (3.25, None, "Fine."),
        (None, None, ""),
    ]
    again = json_export.dump(t)
    assert [(q["start"], q["end"], q["translation"]) for q in again["quotes"]] == [
        (0.0, 2.5, ""),
        (3.25, None, "Fine."),
        (None, None, ""),
    ]
    assert [s["placeholder"] for s in again["speakers"]] == [True, False]


def _quote(**fields):
    return {"quotes": [{"number": 1, "speaker": "jia", "text": "x", **fields}]}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (_quote(start=-1), r"quote 1: 'start' must be a number of seconds, 0 or more"),
        (_quote(start="00:01:05"), r"quote 1: 'start' must be a number of seconds"),
        (_quote(start=True), r"quote 1: 'start' must be a number of seconds"),
        (_quote(end=[1]), r"quote 1: 'end' must be a number of seconds"),
        (_quote(start=10, end=9.5), r"quote 1: 'end' \(9.5\) is before 'start' \(10\)"),
        (_quote(translation=3), r"quote 1: 'translation' must be a string"),
        (
            {"speakers": [{"name": "甲", "slug": "jia", "placeholder": "yes"}]},
            r"speaker 1: 'placeholder' must be true or false",
        ),
    ],
)
def test_mistyped_times_translations_and_flags_are_refused_naming_the_quote(change, message):
    with pytest.raises(ParseError, match=message):
        parse_all(json.dumps(_event(**change), ensure_ascii=False))


def test_a_time_that_is_not_finite_is_refused():
    text = json.dumps(_event(**_quote(start=1.0)), ensure_ascii=False).replace("1.0", "NaN")
    with pytest.raises(ParseError, match="'start' must be a number of seconds"):
        parse_all(text)


@pytest.mark.parametrize(
    ("text", "ours"),
    [
        ('{"event": {"title": "x"}, "quotes": []}', True),
        ('[\n  {\n    "event": {"title": "x"}}]', True),
        ('{"quotes": [], "event": {"title": "x"}}', True),  # keys in another order
        ('{"event": ', True),  # broken: ours to refuse with "invalid JSON"
        ("[]", True),
        ('{"segments": [{"start": 0.5, "end": 6.2, "text": "大家好", "speaker": "S0"}]}', False),
        ('[{"start": 0.5, "end": 6.2, "text": "大家好", "speaker": "SPEAKER_00"}]', False),
        ("[00:12] 主持人: 大家好", False),
    ],
)
def test_only_our_export_is_read_as_our_json(text, ours):
    """A speech-recognition export is JSON too, and goes to its own reader."""
    assert json_export.looks_like(text) is ours


def test_json_nested_too_deeply_is_a_parse_error():
    with pytest.raises(ParseError, match="nested too deeply"):
        parse_all('{"event": ' + "[" * 100_000 + "]" * 100_000 + "}")
