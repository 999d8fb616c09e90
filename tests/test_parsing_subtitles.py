"""SRT and WebVTT subtitles: speakers only from voice tags or repeated `名：` labels, cues of one
speaker merged into a turn, one unknown speaker when nothing is labelled, and nothing but a
`ParseError` for whatever is not a subtitle file."""

from __future__ import annotations

import contextlib
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts.parsing import ParseError, decode
from transcripts.parsing.subtitles import UNKNOWN_SPEAKER, UNTITLED, looks_like, parse

from .conftest import DATA

SUBTITLES = DATA / "subtitles"
SAMPLES = sorted(p.name for p in SUBTITLES.iterdir() if p.suffix in (".srt", ".vtt"))


def golden(transcript):
    """What an editor checks: title, speakers with roles, turn texts, warnings."""
    return {
        "title": transcript.title,
        "speakers": [{"name": s.name, "role": s.role} for s in transcript.speakers],
        "turns": [
            {
                "number": t.number,
                "speaker": t.speaker,
                "text": t.text,
                "stage_directions": list(t.stage_directions),
            }
            for t in transcript.turns
        ],
        "warnings": [w.code for w in transcript.warnings],
    }


@pytest.mark.parametrize("name", SAMPLES)
def test_samples_match_their_reviewed_golden_files(name):
    path = SUBTITLES / name
    expected = json.loads((SUBTITLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    text = decode(path.read_bytes())
    assert looks_like(text)
    assert golden(parse(text)) == expected


def cues(*texts: str, vtt: bool = False) -> str:
    """Subtitle text with one cue per argument, two seconds each."""
    sep = "." if vtt else ","
    blocks = [
        f"{i}\n00:00:{2 * i:02d}{sep}000 --> 00:00:{2 * i + 2:02d}{sep}000\n{text}"
        for i, text in enumerate(texts, start=1)
    ]
    return ("WEBVTT\n\n" if vtt else "") + "\n\n".join(blocks) + "\n"


def test_a_label_used_once_is_part_of_the_sentence_not_a_speaker():
    transcript = parse(cues("结论很简单：少即是多。", "张伟：我同意。", "所以呢？"))
    assert [s.name for s in transcript.speakers] == [UNKNOWN_SPEAKER]
    assert transcript.turns[0].text == "结论很简单：少即是多。张伟：我同意。所以呢？"


def test_role_words_and_labels_with_a_role_count_the_first_time():
    transcript = parse(cues("主持人：欢迎。", "李娜（嘉宾）：谢谢。", "提问者2：请问一下。"))
    assert [(s.name, s.role) for s in transcript.speakers] == [
        ("主持人", "host"),
        ("李娜", "guest"),
        ("提问者2", "audience"),
    ]


def test_unlabelled_cues_before_the_first_label_belong_to_the_unknown_speaker():
    transcript = parse(cues("（片头音乐）", "主持人：开始吧。", "好的。"))
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        (UNKNOWN_SPEAKER, "（片头音乐）"),
        ("主持人", "开始吧。好的。"),
    ]
    assert "unknown-speaker" in [w.code for w in transcript.warnings]


def test_several_voices_in_one_cue_and_mixed_languages():
    transcript = parse(
        cues(
            "<v Ann>Hello</v> <v 王五>你好</v>",
            "<v 王五>我们开始吧，</v>",
            "<v 王五>OK.</v>",
            vtt=True,
        )
    )
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        ("Ann", "Hello"),
        ("王五", "你好我们开始吧，OK."),
    ]


def test_vtt_header_title_line_and_cue_glued_to_the_header():
    text = "WEBVTT\nTitle: 夜谈\n00:00:01.000 --> 00:00:02.000\n<v 甲>一句话。</v>\n"
    transcript = parse(text)
    assert transcript.title == "夜谈"
    assert [t.text for t in transcript.turns] == ["一句话。"]


def test_missing_title_warns_and_uses_a_placeholder():
    transcript = parse(cues("hello"))
    assert transcript.title == UNTITLED
    assert [w.code for w in transcript.warnings] == ["missing-title"]


def test_timestamps_without_hours_or_milliseconds_are_accepted():
    text = "1\n01:02 --> 01:04\n第一句。\n\n2\n1:00:01.5 --> 1:00:03.25\n第二句。\n"
    assert parse(text).turns[0].text == "第一句。第二句。"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("\n\n  \n", "empty"),
        ("1\n00:00:01,000 -> 00:00:02,000\n你好\n", "broken timestamp"),
        ("1\n00:00:01,000 --> 00:0x:02,000\n你好\n", "broken timestamp"),
        ("1\n00:00:75,000 --> 00:00:80,000\n你好\n", "broken timestamp"),
        ("1\n你好\n", "timing line"),
        ("WEBVTT\n\n2\n00:00:01.000 --> 00:00:02.000\n\n3\nno timing\n", "no timing line"),
        ("WEBVTT\n\nNOTE only a note\n", "no subtitle cues"),
        ("1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n", "no text"),
        ("just some prose\nwithout cues\n", "timing line"),
    ],
)
def test_malformed_files_raise_a_clear_parse_error(text, message):
    with pytest.raises(ParseError, match=message):
        parse(text)


def test_looks_like_only_subtitles():
    assert looks_like("WEBVTT\n")
    assert looks_like("1\n00:00:01,000 --> 00:00:02,000\nhi\n")
    assert not looks_like("主持人：你好。\n嘉宾：你好。\n")
    assert not looks_like("会议时间 10:00:00 到 12:00:00\n")


SUBTITLE_ALPHABET = st.sampled_from(
    [
        "\n",
        "\n\n",
        " ",
        "-->",
        "->",
        "00:00:01,000",
        "1:2.3",
        "WEBVTT",
        "NOTE",
        "title:",
        "<v ",
        "<v.a 名>",
        "</v>",
        "<i>",
        ">",
        "<",
        "&amp;",
        "主持人：",
        "张三：",
        "：",
        ":",
        "1",
        "你好。",
        "hello",
        "（笑）",
        "{\\an8}",
        "\ufeff",
        "\t",
        "STYLE",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(SUBTITLE_ALPHABET, max_size=40).map("".join))
def test_fuzzed_subtitles_raise_nothing_but_parse_error(text):
    try:
        transcript = parse(text)
    except ParseError:
        return
    assert transcript.turns
    assert all(t.text for t in transcript.turns)
    assert {t.speaker for t in transcript.turns} <= {s.name for s in transcript.speakers}


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_text_raises_nothing_but_parse_error(text):
    with contextlib.suppress(ParseError):
        parse(text)
