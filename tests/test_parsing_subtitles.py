"""SRT and WebVTT as a container: each cue a block with its times; speakers only where the
container names them (voice tags, diarization prefixes, `>>`); every source line accounted for;
nothing but a `ParseError` for whatever is not a subtitle file.

Most tests read the container (`read` → blocks) without the label stage and the assembler, so
they say exactly what this module decides; the last ones go end to end through `parse`."""

from __future__ import annotations

import contextlib
import json
import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts.parsing import ParseError, decode
from transcripts.parsing.subtitles import looks_like, parse, read

from .conftest import DATA

SUBTITLES = DATA / "subtitles"
# Read-level samples, checked by the tests below; diarized.srt is a copy of the sample
# (/work/shared/samples/shapes/).
CONTAINERS = SUBTITLES / "containers"
SAMPLES = sorted(p.name for p in SUBTITLES.iterdir() if p.suffix in (".srt", ".vtt"))


def golden(transcript):
    """What an editor checks: title, speakers with roles, turn texts and times, warnings.
    (tests/regenerate_goldens.py can write the golden files with this function.)"""
    return {
        "title": transcript.title,
        "speakers": [{"name": s.name, "role": s.role} for s in transcript.speakers],
        "turns": [
            {
                "number": t.number,
                "speaker": t.speaker,
                "text": t.text,
                "start": t.start,
                "end": t.end,
                "stage_directions": list(t.stage_directions),
            }
            for t in transcript.turns
        ],
        "warnings": [w.code for w in transcript.warnings],
    }


def cues(*texts: str, vtt: bool = False) -> str:
    """Subtitle text with one cue per argument, two seconds each."""
    sep = "." if vtt else ","
    blocks = [
        f"{i}\n00:00:{2 * i:02d}{sep}000 --> 00:00:{2 * i + 2:02d}{sep}000\n{text}"
        for i, text in enumerate(texts, start=1)
    ]
    return ("WEBVTT\n\n" if vtt else "") + "\n\n".join(blocks) + "\n"


def blocks(text: str) -> list[tuple]:
    """(speaker, new_speaker, text) of each block."""
    return [(b.speaker, b.new_speaker, b.text) for b in read(text).blocks]


def sample(name: str) -> str:
    return decode((CONTAINERS / name).read_bytes())


def unaccounted(text: str) -> list[int]:
    """Non-blank source lines in no block's range and not consumed as structure."""
    document = read(text)
    covered = {line for line, _ in document.consumed}
    for block in document.blocks:
        covered.update(range(block.line, block.line + block.lines))
    lines = text.lstrip("\ufeff").split("\n")
    return [n for n, line in enumerate(lines, start=1) if line.strip() and n not in covered]


# Times and lines -----------------------------------------------------------------------------


def test_each_cue_is_a_block_with_its_times_in_seconds_and_its_first_text_line():
    document = read(cues("第一句。", "第二句，\n接着说。"))
    assert [(b.start, b.end, b.line, b.lines, b.text) for b in document.blocks] == [
        (2.0, 4.0, 3, 1, "第一句。"),
        (4.0, 6.0, 7, 2, "第二句，接着说。"),
    ]
    assert all(b.kind == "paragraph" and not b.gap for b in document.blocks)
    assert document.consumed == (
        (1, "cue number"),
        (2, "cue timing"),
        (5, "cue number"),
        (6, "cue timing"),
    )


@pytest.mark.parametrize(
    ("timing", "start", "end"),
    [
        ("01:02 --> 01:04", 62.0, 64.0),  # no hours, no milliseconds
        ("1:00:01.5 --> 1:00:03.25", 3601.5, 3603.25),  # one-digit hour, short fractions
        ("00:00:01,000 --> 00:00:02,000 align:start", 1.0, 2.0),  # cue settings
        ("100:00:00.000 --> 100:00:01.000", 360000.0, 360001.0),
        ("00:00:05.000 --> 00:00:04.000", 5.0, None),  # ends before it starts: start only
    ],
)
def test_timing_lines_in_their_common_forms(timing, start, end):
    document = read(f"1\n{timing}\n你好\n")
    assert [(b.start, b.end) for b in document.blocks] == [(start, end)]
    expected = [] if end is not None else [("cue-ends-before-start", 2)]
    assert [(w.code, w.position) for w in document.warnings] == expected


def test_text_after_a_blank_line_inside_a_cue_keeps_the_cue_times():
    text = (
        "1\n00:00:01,000 --> 00:00:02,000\n第一行\n\n第二行\n\n"
        "2\n00:00:03,000 --> 00:00:04,000\n下一条\n"
    )
    document = read(text)
    assert [(b.text, b.start, b.line, b.lines) for b in document.blocks] == [
        ("第一行第二行", 1.0, 3, 3),
        ("下一条", 3.0, 9, 1),
    ]
    assert [(w.code, w.position) for w in document.warnings] == [
        ("blank-line-in-cue", text.index("第二行"))
    ]


# Text ----------------------------------------------------------------------------------------


def test_lines_join_without_space_in_chinese_and_with_one_between_latin_words():
    assert blocks(cues("我们今天\n聊聊 AI", "Tonight we talk about\n<i>small</i> models.")) == [
        ("", False, "我们今天聊聊 AI"),
        ("", False, "Tonight we talk about small models."),
    ]


def test_tags_go_and_entities_are_read_after_them():
    text = cues('<font color="#ff0">小时候</font>{\\an8}我住在<b>老城区</b>', "a &lt;b&gt; &amp; c")
    assert [t for _, _, t in blocks(text)] == ["小时候我住在老城区", "a <b> & c"]


def test_a_cue_of_markup_only_gives_no_block_but_its_line_is_accounted_for():
    text = cues("<i></i>", "有字")
    assert [t for _, _, t in blocks(text)] == ["有字"]
    assert (3, "markup") in read(text).consumed


def test_name_prefixes_stay_in_the_text_for_the_label_stage():
    assert blocks(cues("主持人：欢迎。", "结论很简单：少即是多。")) == [
        ("", False, "主持人：欢迎。"),
        ("", False, "结论很简单：少即是多。"),
    ]


def test_a_later_cue_line_that_may_open_with_a_label_starts_a_block_of_its_own():
    document = read(cues("王蕾：谢谢。\n赵刚：我补充一点。\n就这些。"))
    assert [(b.text, b.line, b.start) for b in document.blocks] == [
        ("王蕾：谢谢。", 3, 2.0),
        ("赵刚：我补充一点。就这些。", 4, 2.0),
    ]


# Speakers the container names ----------------------------------------------------------------


def test_voice_tags_name_the_speaker_and_two_voices_make_two_blocks():
    text = cues(
        "<v Ann>Hello</v> <v 王五>你好</v>",
        "<v.loud Sarah Lee>Thank you,\nit is great to be here.</v>",
        "（笑）没有声音标签",
        vtt=True,
    )
    assert blocks(text) == [
        ("Ann", False, "Hello"),
        ("王五", False, "你好"),
        ("Sarah Lee", False, "Thank you, it is great to be here."),
        ("", False, "（笑）没有声音标签"),
    ]


def test_a_voice_with_a_role_word_is_kept_as_written_for_the_label_stage():
    assert blocks(cues("<v 主持人 王芳>欢迎。", vtt=True)) == [("主持人 王芳", False, "欢迎。")]


def test_diarization_prefixes_name_the_speaker_and_leave_the_text():
    assert blocks(sample("whisperx_diarized.srt")) == [
        ("SPEAKER_00", False, "欢迎收听本期节目。"),
        ("", False, "今天聊聊城市骑行。"),  # no prefix: the speaker goes on
        ("SPEAKER_01", False, "谢谢邀请，我骑车上班五年了。"),
        ("SPEAKER_00", False, "那安全问题呢？"),  # `[SPEAKER_00]` alone on its line
        ("SPEAKER_01", False, "路口最危险。"),  # a second prefix inside the cue
    ]


def test_whisper_cpp_speaker_marks_and_an_unknown_one():
    assert blocks(sample("whispercpp_diarize.srt")) == [
        ("speaker 0", False, "Hello and welcome."),
        ("speaker 1", False, "Thanks for having me."),
        ("", False, "Right."),  # (speaker ?): whisper.cpp could not tell
    ]


def test_chevrons_mark_a_change_of_speaker_and_a_name_after_them_stays_in_the_text():
    assert blocks(sample("broadcast.srt")) == [
        ("", True, "GOOD EVENING. I'M ANNA LEE."),
        ("", False, "TONIGHT: THE NEW BRIDGE OPENS."),
        ("", True, "IT'S ABOUT TIME."),
        ("", True, "ANNA LEE: WE ASKED COMMUTERS WHAT THEY THINK."),
        ("", True, "I LOVE IT."),  # `>>` in the middle of a line
        ("", True, "NOBODY ASKED ME."),  # a cue of `>>` alone marks the next one
    ]


def test_escaped_chevrons_in_webvtt_are_chevrons():
    assert blocks(cues("&gt;&gt; 主持人：开始吧。", vtt=True)) == [("", True, "主持人：开始吧。")]


def test_arrows_and_single_angle_brackets_are_text():
    assert [t for _, _, t in blocks(cues("a > b", "x >>= y"))] == ["a > b", "x >>= y"]


# Rolling captions ----------------------------------------------------------------------------


def test_rolling_captions_lose_their_repeated_lines_and_keep_every_word_once():
    document = read(sample("youtube_auto.vtt"))
    assert [(b.text, b.start, b.end, b.new_speaker) for b in document.blocks] == [
        ("welcome back to the show", 0.32, 2.76, False),  # the 10 ms repeat extends it
        ("today we talk about bikes", 2.76, 5.2, False),
        ("thanks for having me", 5.2, 8.04, True),
        ("so how long have you been riding", 8.04, 10.5, False),
    ]
    repeated = [line for line, what in document.consumed if what == "repeated caption"]
    assert repeated == [10, 14, 18, 22, 26, 30]
    assert [w.code for w in document.warnings] == ["blank-line-in-cue", "rolling-captions"]


def test_a_cue_repeated_later_or_repeating_a_line_in_its_middle_is_kept():
    later = "1\n00:00:01,000 --> 00:00:02,000\n对。\n\n2\n00:00:05,000 --> 00:00:06,000\n对。\n"
    assert [t for _, _, t in blocks(later)] == ["对。", "对。"]
    middle = cues("第一行\n第二行", "新的一行\n第二行")
    assert [t for _, _, t in blocks(middle)] == ["第一行第二行", "新的一行第二行"]


def test_a_rolled_up_line_with_another_voice_is_not_a_repeat():
    text = cues("<v A>好。", "<v B>好。", vtt=True)
    assert blocks(text) == [("A", False, "好。"), ("B", False, "好。")]


# Title and structure -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ("WEBVTT - 机器人圆桌\n\n", "机器人圆桌"),
        ("WEBVTT\nTitle: 夜谈\nKind: captions\n\n", "夜谈"),
        ("WEBVTT\n\nNOTE title: Open Source AI Panel\n\n", "Open Source AI Panel"),
        ("WEBVTT\n\nNOTE 志愿者整理\n\n", ""),
        ("", ""),  # SRT names no title: the assembler falls back on the file name
    ],
)
def test_the_title_comes_from_the_header_or_a_note(head, title):
    body = "1\n00:00:01.000 --> 00:00:02.000\n一句话。\n"
    assert read(head + body).title == title


def test_header_notes_styles_and_cue_ids_are_consumed_as_structure():
    text = (
        "WEBVTT - 标题\nKind: captions\n\nNOTE\n两行\n备注\n\nSTYLE\n::cue { color: red }\n\n"
        "intro\n00:00:01.000 --> 00:00:02.000\n<v 甲>一句话。\n"
    )
    document = read(text)
    assert document.consumed == (
        (1, "title"),
        (2, "header"),
        (4, "note"),
        (5, "note"),
        (6, "note"),
        (8, "note"),
        (9, "note"),
        (11, "cue number"),
        (12, "cue timing"),
    )
    assert [(b.line, b.text) for b in document.blocks] == [(13, "一句话。")]


def test_a_cue_glued_to_the_header_is_read():
    document = read("WEBVTT\nTitle: 夜谈\n00:00:01.000 --> 00:00:02.000\n<v 甲>一句话。</v>\n")
    assert (document.title, blocks("WEBVTT\n00:00:01.000 --> 00:00:02.000\nhi\n")) == (
        "夜谈",
        [("", False, "hi")],
    )
    assert [(b.speaker, b.text, b.line) for b in document.blocks] == [("甲", "一句话。", 4)]


@pytest.mark.parametrize(
    "path",
    [*(SUBTITLES / name for name in SAMPLES), *sorted(CONTAINERS.iterdir())],
    ids=lambda p: p.name,
)
def test_every_non_blank_line_of_a_sample_is_in_a_block_or_consumed(path):
    assert unaccounted(decode(path.read_bytes())) == []


# Refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("\n\n  \n", "empty"),
        ("1\n00:00:01,000 -> 00:00:02,000\n你好\n", "broken timestamp"),
        ("1\n00:00:01,000 --> 00:0x:02,000\n你好\n", "broken timestamp"),
        ("1\n00:00:75,000 --> 00:00:80,000\n你好\n", "broken timestamp"),
        ("1\n00:61:00,000 --> 00:62:00,000\n你好\n", "broken timestamp"),
        ("1\n你好\n", "timing line"),
        ("WEBVTT\n\n2\n00:00:01.000 --> 00:00:02.000\n\n3\nno timing\n", "no timing line"),
        ("WEBVTT\n\nNOTE only a note\n", "no subtitle cues"),
        ("1\n00:00:01,000 --> 00:00:02,000\n<i></i>\n", "no text"),
        ("just some prose\nwithout cues\n", "timing line"),
    ],
)
def test_malformed_files_raise_a_clear_parse_error(text, message):
    with pytest.raises(ParseError, match=message):
        read(text)


def test_looks_like_only_subtitles():
    assert looks_like("WEBVTT\n")
    assert looks_like("1\n00:00:01,000 --> 00:00:02,000\nhi\n")
    assert not looks_like("主持人：你好。\n嘉宾：你好。\n")
    assert not looks_like("会议时间 10:00:00 到 12:00:00\n")


def test_a_long_whitespace_line_is_read_in_linear_time():
    """The cue finder is anchored at line starts; an unanchored one takes quadratic time on a
    long run of spaces (minutes for this input)."""
    text = cues("你好") + " " * 2_000_000 + "\n" + "\t " * 500_000
    began = time.perf_counter()
    assert [t for _, _, t in blocks(text)] == ["你好"]
    assert time.perf_counter() - began < 5


def test_long_cues_are_read_in_linear_time():
    """A cue of many lines reads whole; a cue after a long one is compared with it over a few
    lines only (a caption rolls up a few lines at most): trying every possible overlap of the
    two takes about half a minute here."""
    lines = [f"line {i}" for i in range(100_000)]
    text = (
        cues("\n".join("词" for _ in range(300_000)))
        + "\n9\n00:01:00,000 --> 00:01:01,000\n"
        + "\n".join(lines)
        + "\n\n10\n00:01:01,000 --> 00:01:02,000\n"
        + "\n".join(reversed(lines))  # only its first line repeats the cue before
        + "\n"
    )
    began = time.perf_counter()
    document = read(text)
    assert time.perf_counter() - began < 10
    assert len(document.blocks[0].text) == 300_000
    assert document.blocks[-1].text.startswith("line 99998 line 99997")
    assert document.blocks[-1].text.endswith("line 1 line 0")


SUBTITLE_ALPHABET = st.sampled_from(
    [
        *("\n", "\n\n", " ", "-->", "->", "00:00:01,000", "1:2.3", "WEBVTT", "NOTE", "title:"),
        *("<v ", "<v.a 名>", "</v>", "<i>", ">", "<", ">>", "&gt;&gt;", "&amp;", "[SPEAKER_01]"),
        *("SPEAKER_00:", "(speaker 1)", "主持人：", "张三：", "：", ":", "1", "你好。", "hello"),
        *("（笑）", "{\\an8}", "\ufeff", "\t", "STYLE"),
    ]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(SUBTITLE_ALPHABET, max_size=40).map("".join))
def test_fuzzed_subtitles_read_into_accounted_blocks_or_raise_parse_error(text):
    try:
        document = read(text)
    except ParseError as error:
        assert str(error)
        return
    assert document.blocks and all(b.text.strip() for b in document.blocks)
    assert all(b.start is not None and b.start >= 0 for b in document.blocks)
    assert unaccounted(text) == []


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_random_text_raises_nothing_but_parse_error(text):
    with contextlib.suppress(ParseError):
        read(text)


# End to end: the container, the label stage and the assembler -------------------------------


@pytest.mark.parametrize("name", SAMPLES)
def test_samples_match_their_reviewed_golden_files(name):
    path = SUBTITLES / name
    expected = json.loads((SUBTITLES / f"{name}.expected.json").read_text(encoding="utf-8"))
    text = decode(path.read_bytes())
    assert looks_like(text)
    assert golden(parse(text)) == expected


def test_diarized_srt_turns_follow_the_speakers_and_start_at_their_first_cue():
    """Five cues: SPEAKER_00, SPEAKER_01 twice (one turn), SPEAKER_00, SPEAKER_01."""
    transcript = parse(sample("diarized.srt"))
    assert [(t.speaker, t.start) for t in transcript.turns] == [
        ("SPEAKER_00", 1.0),
        ("SPEAKER_01", 4.8),
        ("SPEAKER_00", 12.3),
        ("SPEAKER_01", 15.2),
    ]
    assert transcript.turns[1].end == 12.0
    assert all(s.placeholder for s in transcript.speakers)


def test_chevrons_with_names_become_turns_of_those_names():
    transcript = parse(
        cues(
            ">> Maria: Good evening.",
            "Our guest is Dev.",
            ">> Dev: Thanks, Maria.",
            ">> Maria: Welcome.",
        )
    )
    assert [(t.speaker, t.start) for t in transcript.turns] == [
        ("Maria", 2.0),
        ("Dev", 6.0),
        ("Maria", 8.0),
    ]
    assert "Our guest is Dev." in transcript.turns[0].text
    assert not any(">>" in t.text for t in transcript.turns)


BILINGUAL_SRT = """1
00:00:01,000 --> 00:00:03,000
主持人：欢迎来到我们的节目。
Welcome to our show.

2
00:00:03,500 --> 00:00:06,000
英格丽德：谢谢，我第一次来中国。
Ingrid: Thanks, it's my first trip to China.

3
00:00:06,500 --> 00:00:08,000
英格丽德：我很喜欢这里的冬天。
Ingrid: I love the winters here.

4
00:00:08,500 --> 00:00:10,000
主持人：真的吗？
Really?
"""


def test_a_bilingual_cue_gives_the_turn_and_its_translation():
    """中英双语字幕: the English line under each Chinese one is the turn's translation, and
    its label (`Ingrid:`) is the speaker's name again, not a speaker of its own."""
    transcript = parse(BILINGUAL_SRT)
    assert [t.speaker for t in transcript.turns] == ["主持人", "英格丽德", "主持人"]
    guest = transcript.turns[1]
    assert guest.text == "谢谢，我第一次来中国。我很喜欢这里的冬天。"
    assert guest.translation == "Thanks, it's my first trip to China. I love the winters here."
    assert transcript.turns[2].translation == "Really?"  # short, but still the original
    assert "Ingrid" in transcript.speaker("英格丽德").aliases


def test_a_mixed_panel_is_not_a_bilingual_file():
    """One cue where a Chinese speaker hands over to an English one, among cues in one
    language: two speakers, each with their own words, nothing taken for a translation."""
    text = (
        "1\n00:00:01,000 --> 00:00:03,000\n主持人：请介绍一下你自己。\nBob: Sure, I'm Bob.\n\n"
        "2\n00:00:03,500 --> 00:00:06,000\nBob: I build boats in Norway.\n\n"
        "3\n00:00:06,500 --> 00:00:08,000\n主持人：谢谢。\n"
    )
    transcript = parse(text)
    assert [t.speaker for t in transcript.turns] == ["主持人", "Bob", "主持人"]
    assert transcript.turns[1].text == "Sure, I'm Bob. I build boats in Norway."
    assert all(not t.translation for t in transcript.turns)


ASS = r"""[Script Info]
; Script generated by Aegisub 3.2.2
Title: 圆桌对话
ScriptType: v4.00+

[V4+ Styles]
Format: Name, Fontname, Fontsize, PrimaryColour, Bold, Italic, Alignment, Encoding
Style: Default,Arial,60,&H00FFFFFF,0,0,2,1

[Events]
Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
Comment: 0,0:00:00.00,0:00:02.00,Default,,0,0,0,,校对到这里
Dialogue: 0,0:00:06.00,0:00:08.00,Default,林可,0,0,0,,我同意，{\i1}真的{\i0}同意。
Dialogue: 0,0:00:00.50,0:00:03.00,Staff,,0,0,0,,{\fad(200,200)}翻译：小鱼
Dialogue: 0,0:00:03.00,0:00:05.50,Default,陈蔚,0,0,0,,欢迎大家，我们开始吧, 先请林可。\Nsecond line
"""


def test_an_ass_script_is_read_as_cues_with_its_actors():
    """Aegisub's format: the Name field names the speaker, `{…}` overrides and comments are
    no text, a `\\N` breaks a line, a Staff-style credit is dropped with its reason, the
    Comment event is structure, and events go in time order."""
    from transcripts.parsing import ass, detect_format

    assert detect_format(ASS) == "ass" and not looks_like(ASS)
    document = ass.read(ASS)
    assert document.title == "圆桌对话"
    assert [(b.speaker, b.text, b.start) for b in document.blocks] == [
        ("陈蔚", "欢迎大家，我们开始吧, 先请林可。second line", 3.0),
        ("林可", "我同意，真的同意。", 6.0),
    ]
    assert [(d.text, d.reason) for d in document.dropped] == [
        ("翻译：小鱼", "on-screen text (style Staff)")
    ]
    assert (12, "comment") in document.consumed


def test_an_ass_script_without_dialogue_is_refused():
    from transcripts.parsing import ass

    with pytest.raises(ParseError, match="no dialogue events"):
        ass.read("[Script Info]\nTitle: x\n\n[Events]\nFormat: Layer, Start, End, Text\n")
    with pytest.raises(ParseError, match="not an event time"):
        ass.read("[Events]\nFormat: Layer, Start, End, Text\nDialogue: 0,soon,0:00:02.00,hi\n")


def test_an_ass_scripts_two_language_events_shown_together_are_one_cue():
    """字幕组 scripts often give each line as two events at the same times, a Chinese style and
    an English one, the Name tagging the language or left empty: one cue, one turn, its
    English the translation."""
    from transcripts.parsing import parse_all

    events = [
        ("0:00:01.00", "0:00:03.00", "CN", "", "主持人：欢迎来到节目。"),
        ("0:00:01.00", "0:00:03.00", "EN", "EN", "Host: Welcome to the show."),
        ("0:00:03.50", "0:00:05.00", "CN", "", "王磊：谢谢邀请。"),
        ("0:00:03.50", "0:00:05.00", "EN", "EN", "Wang Lei: Thanks for having me."),
        ("0:00:05.50", "0:00:07.00", "CN", "", "主持人：我们开始吧。"),
        ("0:00:05.50", "0:00:07.00", "EN", "EN", "Host: Let's begin."),
    ]
    script = "[Events]\nFormat: Layer, Start, End, Style, Name, Text\n" + "".join(
        f"Dialogue: 0,{start},{end},{style},{name},{text}\n"
        for start, end, style, name, text in events
    )
    transcript = parse_all(script)[0]
    assert [(t.speaker, t.text, t.translation) for t in transcript.turns] == [
        ("主持人", "欢迎来到节目。", "Welcome to the show."),
        ("王磊", "谢谢邀请。", "Thanks for having me."),
        ("主持人", "我们开始吧。", "Let's begin."),
    ]


def test_a_name_in_brackets_at_a_cue_start_changes_the_speaker():
    srt = (
        "1\n00:00:01,000 --> 00:00:03,000\n（张三）大家好。\n\n"
        "2\n00:00:03,500 --> 00:00:05,000\n今天聊种菜。\n\n"
        "3\n00:00:05,500 --> 00:00:07,000\n（李四）我先说。\n\n"
        "4\n00:00:07,500 --> 00:00:09,000\n（笑声）\n\n"
        "5\n00:00:09,500 --> 00:00:11,000\n（张三）好。\n"
    )
    turns = parse(srt).turns
    assert [(t.speaker, t.start) for t in turns] == [("张三", 1.0), ("李四", 5.5), ("张三", 9.5)]
    assert "（张三）" not in turns[0].text
