"""Diarized speech-recognition JSON as a container: each segment a block with its times in
seconds and the speaker the tool names, whatever tool wrote it; our own export never taken for
one; anything malformed refused with a `ParseError` that names the segment.

Most tests read the container (`read` → blocks); the last ones go end to end through `parse`."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts.parsing import ParseError, Speaker, Transcript, Turn, decode, json_export
from transcripts.parsing.asr_json import looks_like, parse, read

from .conftest import DATA

SAMPLES = DATA / "asr_json"  # whisperx-segments.json is a copy of the sample


def blocks(data) -> list[tuple]:
    """(start, end, speaker, text) of each block; `data` is JSON text or a value to dump."""
    text = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return [(b.start, b.end, b.speaker, b.text) for b in read(text).blocks]


def sample(name: str) -> str:
    return decode((SAMPLES / name).read_bytes())


# The tools' shapes ---------------------------------------------------------------------------


def test_whisperx_segments_with_words_and_a_segment_without_a_speaker():
    document = read(sample("whisperx_words.json"))
    assert [(b.start, b.end, b.speaker) for b in document.blocks] == [
        (0.031, 4.112, "SPEAKER_00"),
        (4.352, 9.5, "SPEAKER_00"),
        (9.82, 15.004, "SPEAKER_01"),
        (15.2, 16.0, ""),  # WhisperX could not tell: the previous speaker goes on
        (16.3, 22.75, "SPEAKER_01"),
        (23.01, 27.4, "SPEAKER_00"),
        (31.5, 38.02, "SPEAKER_02"),  # the blank segment before it gives no block
    ]
    assert document.blocks[0].text == "各位好，欢迎来到城市更新沙龙。"
    assert [b.line for b in document.blocks] == [1, 2, 3, 4, 5, 6, 8]  # segment ordinals
    assert all(b.kind == "paragraph" and not b.gap and not b.new_speaker for b in document.blocks)
    assert (document.format, document.title, document.warnings) == ("asr-json", "", ())


def test_a_bare_list_of_segments():
    assert blocks([{"start": 0.0, "end": 1.5, "text": " 你好", "speaker": "SPEAKER_00"}]) == [
        (0.0, 1.5, "SPEAKER_00", "你好")
    ]


def test_assemblyai_utterances_are_in_milliseconds_with_letters_for_speakers():
    warnings = read(sample("assemblyai.json")).warnings
    assert [w.code for w in warnings] == ["times-in-milliseconds"]  # guessed: said
    assert blocks(sample("assemblyai.json")) == [
        (0.24, 1.89, "Speaker A", "Thanks for joining us."),
        (2.11, 3.62, "Speaker B", "Happy to be here."),
        (3.9, 6.48, "Speaker A", "So where did the project start?"),
    ]


def test_deepgram_utterances_with_numbered_speakers():
    assert blocks(sample("deepgram.json")) == [
        (0.08, 0.96, "Speaker 0", "Welcome everyone."),
        (1.52, 2.0, "Speaker 1", "Thank you."),
    ]


def test_deepgram_without_utterances_reads_the_paragraphs_then_the_words():
    data = json.loads(sample("deepgram.json"))
    del data["results"]["utterances"]
    expected = [
        (0.08, 0.96, "Speaker 0", "Welcome everyone."),
        (1.52, 2.0, "Speaker 1", "Thank you."),
    ]
    assert blocks(data) == expected
    del data["results"]["channels"][0]["alternatives"][0]["paragraphs"]
    assert blocks(data) == expected  # consecutive words of one speaker make one block
    assert [b.line for b in read(json.dumps(data)).blocks] == [1, 3]  # their first word


def test_whisper_cpp_transcription_with_clock_strings_and_speaker_turns():
    document = read(sample("whisper_cpp.json"))
    assert [(b.start, b.end, b.new_speaker, b.text) for b in document.blocks] == [
        (0.0, 3.24, False, "大家好，我们开始吧。"),
        (3.24, 6.0, True, "好的，我先介绍一下。"),  # speaker_turn_next on the one before
        (6.0, 8.5, False, "我们团队做的是语音识别。"),
    ]


def test_rev_monologues_take_times_and_text_from_their_elements():
    assert blocks(sample("rev.json")) == [
        (0.25, 1.1, "Ana", "Hi, everyone."),
        (1.4, 1.9, "Speaker 1", "Hello!"),  # speaker_name null: the number
    ]


def test_aws_audio_segments_with_times_as_strings():
    assert blocks(sample("aws_transcribe.json")) == [
        (0.52, 1.49, "spk_0", "Good evening."),
        (1.9, 3.05, "spk_1", "Good evening to you."),
    ]


def test_alibaba_sentences_in_milliseconds_with_capitalised_keys():
    assert blocks(sample("aliyun_sentences.json")) == [
        (0.76, 3.24, "Speaker 1", "欢迎大家收听。"),
        (3.48, 8.12, "Speaker 1", "今天的话题是乡村图书馆。"),
        (8.4, 12.96, "Speaker 2", "我在乡下开了三年图书馆。"),
    ]


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (  # Hugging Face pipeline chunks: a timestamp pair, open at the end
            {
                "text": "x",
                "chunks": [
                    {"timestamp": [0.0, 2.5], "text": " hi"},
                    {"timestamp": [2.5, None], "text": " there"},
                ],
            },
            [(0.0, 2.5, "", "hi"), (2.5, None, "", "there")],
        ),
        (  # Tencent: StartMs / EndMs, FinalSentence
            {
                "ResultDetail": [
                    {"FinalSentence": "你好", "StartMs": 0, "EndMs": 1200, "SpeakerId": 0}
                ]
            },
            [(0.0, 1.2, "Speaker 0", "你好")],
        ),
        (  # Tingwu: paragraphs of words in ms
            {
                "Transcription": {
                    "Paragraphs": [
                        {
                            "SpeakerId": "1",
                            "Words": [
                                {"Start": 100, "End": 900, "Text": "大家"},
                                {"Start": 900, "End": 1800, "Text": "好"},
                            ],
                        }
                    ]
                }
            },
            [(0.1, 1.8, "Speaker 1", "大家好")],
        ),
        (  # insanely-fast-whisper: the diarized `speakers` list wins over plain `chunks`
            {
                "speakers": [{"speaker": "SPEAKER_00", "text": " hi", "timestamp": [0.0, 1.0]}],
                "chunks": [{"timestamp": [0.0, 1.0], "text": " hi"}],
            },
            [(0.0, 1.0, "SPEAKER_00", "hi")],
        ),
        (  # clock strings, spk, a duration instead of an end, camelCase
            {
                "segments": [
                    {"startTime": "00:01:02.5", "duration": 2, "transcript": "x", "spk": "spk_1"}
                ]
            },
            [(62.5, 64.5, "spk_1", "x")],
        ),
        (  # a duration in seconds, whole or not
            {
                "segments": [
                    {"start": 1.5, "duration": 2, "text": "x"},
                    {"start": 4, "duration": 1.25, "text": "y"},
                ]
            },
            [(1.5, 3.5, "", "x"), (4.0, 5.25, "", "y")],
        ),
        (  # start and end as clock strings
            {"segments": [{"start": "1:02", "end": "00:01:03,5", "text": "z"}]},
            [(62.0, 63.5, "", "z")],
        ),
        (  # Google-style "1.5s" strings and speaker tags
            {"segments": [{"start_time": "1.5s", "end_time": "3s", "text": "y", "speakerTag": 2}]},
            [(1.5, 3.0, "Speaker 2", "y")],
        ),
        (  # seconds as whole numbers: short segments are not milliseconds
            {
                "segments": [
                    {"start": 0, "end": 5, "text": "a"},
                    {"start": 5, "end": 9, "text": "b"},
                ]
            },
            [(0.0, 5.0, "", "a"), (5.0, 9.0, "", "b")],
        ),
        (  # whole numbers for a long talk in seconds, one float among them
            {
                "segments": [
                    {"start": 0, "end": 300, "text": "a"},
                    {"start": 300, "end": 612.5, "text": "b"},
                ]
            },
            [(0.0, 300.0, "", "a"), (300.0, 612.5, "", "b")],
        ),
    ],
)
def test_other_shapes(data, expected):
    assert blocks(data) == expected


@pytest.mark.parametrize(
    ("speaker", "name"),
    [
        ("SPEAKER_00", "SPEAKER_00"),
        ("  Jane   Doe ", "Jane Doe"),
        ("王芳", "王芳"),
        (3, "Speaker 3"),
        ("3", "Speaker 3"),
        (2.0, "Speaker 2"),
        ("B", "Speaker B"),  # alone, "B" could read as a label of its own
        ("unknown", ""),
        ("?", ""),
        (None, ""),
    ],
)
def test_speakers_are_kept_as_written_and_bare_ids_become_placeholders(speaker, name):
    (block,) = read(
        json.dumps({"segments": [{"start": 1.0, "text": "x", "speaker": speaker}]})
    ).blocks
    assert block.speaker == name


def test_a_title_at_the_top_level_titles_the_document():
    assert (
        read('{"title": " 城市  骑行 ", "segments": [{"start": 1.0, "text": "x"}]}').title
        == "城市 骑行"
    )
    assert (
        read('{"name": "Episode 4", "segments": [{"start": 1.0, "text": "x"}]}').title
        == "Episode 4"
    )


# Refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "invalid JSON"),
        ("{", "invalid JSON"),
        ('{"segments": [{"start": -1, "end": 2, "text": "x"}]}', "segment 1: 'start' is negative"),
        (
            '{"segments": [{"start": 1, "text": "a"}, {"start": 3, "end": 2, "text": "x"}]}',
            "segment 2: it ends",
        ),
        ('{"segments": [{"start": NaN, "end": 2, "text": "x"}]}', "NaN"),
        ('{"segments": [{"start": Infinity, "text": "x"}]}', "Infinity"),
        ('{"segments": [{"start": 1e999, "text": "x"}]}', "segment 1: 'start' is not a finite"),
        (
            '{"segments": [{"start": 1' + "0" * 400 + ', "text": "x"}]}',
            "segment 1: 'start' is not a finite",
        ),
        ('{"segments": [{"start": 1' + "0" * 5000 + ', "text": "x"}]}', "number too long"),
        ('{"segments": [{"start": true, "text": "x"}]}', "segment 1: 'start' must be a number"),
        ('{"segments": [{"start": "soon", "text": "x"}]}', "segment 1: 'start' is not a time"),
        ('{"segments": [{"start": 1, "text": 5}]}', "segment 1: 'text' must be a string"),
        ('{"segments": [{"start": 1}]}', "segment 1: no text"),
        ('{"segments": [{"start": 1, "text": "a"}, {"text": "b"}]}', "segment 2: no start time"),
        ('{"segments": [{"start": 1, "text": "x"}, "y"]}', "segment 2: expected an object"),
        ('{"segments": ["x"]}', "segment 1: expected an object"),
        (
            '{"segments": [{"start": 1, "text": "x", "speaker": []}]}',
            "segment 1: 'speaker' must be",
        ),
        (
            '{"segments": [{"start": 1, "text": "x", "speaker": 1.5}]}',
            "segment 1: 'speaker' must be",
        ),
        (
            '{"segments": [{"start": 1, "text": "x", "speaker_turn_next": 1}]}',
            "segment 1: 'speaker_turn_next'",
        ),
        (
            '{"segments": [{"start": 1, "words": [{"word": 7, "start": 1}]}]}',
            "segment 1, words 1: its text",
        ),
        ('{"segments": [{"start": 1, "end": 2, "text": "  "}]}', "hold no text"),
        ('{"segments": []}', "no speech-recognition segments"),
        ('{"text": "just text"}', "no speech-recognition segments"),
        ("[1, 2, 3]", "segment 1: expected an object"),
        ('"a string"', "no speech-recognition segments"),
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"a": ' * 5000 + "1" + "}" * 5000, "nested too deeply"),
    ],
)
def test_malformed_input_is_refused_with_a_message_naming_the_segment(text, message):
    with pytest.raises(ParseError, match=message.replace("(", r"\(").replace("[", r"\[")):
        read(text)


# Detection -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(p.name for p in SAMPLES.iterdir()))
def test_every_sample_is_recognised(name):
    assert looks_like(sample(name))


def export_of(*turns: str) -> dict:
    transcript = Transcript(
        title="沙龙",
        slug="salon",
        speakers=(Speaker("王芳", slug="wang-fang"),),
        turns=tuple(
            Turn(number, "王芳", text, start=number * 2.0, end=number * 2.0 + 1)
            for number, text in enumerate(turns, start=1)
        ),
    )
    return json_export.dump(transcript)


def test_our_own_export_is_not_taken_for_speech_recognition_output():
    """Its quotes have speakers, texts and (now) start times: the shape of segments."""
    export = export_of("你好。", "再见。")
    assert not looks_like(json.dumps(export, ensure_ascii=False))
    assert not looks_like(json.dumps([export, export], ensure_ascii=False))
    reordered = {
        "speakers": export["speakers"],
        "quotes": export["quotes"],
        "event": export["event"],
    }
    assert not looks_like(json.dumps(reordered, ensure_ascii=False))


@pytest.mark.parametrize(
    "text",
    [
        "",
        "主持人：你好。\n",
        "1\n00:00:01,000 --> 00:00:02,000\n你好\n",
        '{"segments": "none"}',
        '{"data": {"text": "contains \\"segments\\": [ in a string"}}',
        '[{"speaker": "A", "text": "no times"}]',
        "[1, 2]",
        "[",
    ],
)
def test_looks_like_refuses_what_is_not_timed_segments(text):
    assert not looks_like(text)


KEYS = (
    *("segments", "start", "end", "text", "speaker", "words", "word", "utterances", "StartMs"),
    *("timestamp", "offsets", "from", "to", "elements", "duration", "spk", "sentences"),
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**20), 10**20) | st.floats() | st.text(max_size=8),
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(KEYS),
            children,
            max_size=5,
        )
    ),
    max_leaves=30,
)


@settings(max_examples=500, deadline=None)
@given(JSON)
def test_any_json_reads_into_timed_blocks_or_raises_parse_error(data):
    text = json.dumps(data, allow_nan=True)
    try:
        document = read(text)
    except ParseError as error:
        assert str(error)
        return
    for block in document.blocks:
        assert block.text and block.start >= 0
        assert block.end is None or block.end >= block.start


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_looks_like_never_raises(text):
    looks_like(text)
    looks_like("[" + text)
    looks_like("{" + text)


# End to end: the container, the label stage and the assembler -------------------------------


def test_whisperx_sample_gives_one_turn_per_segment_at_its_start():
    transcript = parse(sample("whisperx-segments.json"))
    assert [(t.speaker, t.start) for t in transcript.turns] == [
        ("SPEAKER_00", 0.5),
        ("SPEAKER_01", 6.4),
        ("SPEAKER_00", 15.0),
        ("SPEAKER_01", 19.5),
        ("SPEAKER_02", 31.2),
        ("SPEAKER_00", 41.0),
    ]
    assert {s.name for s in transcript.speakers} == {"SPEAKER_00", "SPEAKER_01", "SPEAKER_02"}
    assert all(s.placeholder for s in transcript.speakers)


def test_segments_of_one_speaker_make_one_turn_and_unnamed_ones_continue_it():
    transcript = parse(
        json.dumps(
            {
                "segments": [
                    {"start": 0.0, "end": 2.0, "text": "开场前的寒暄。"},
                    {"start": 2.0, "end": 4.0, "text": "欢迎。", "speaker": "SPEAKER_00"},
                    {"start": 4.0, "end": 6.0, "text": "我们开始。", "speaker": "SPEAKER_00"},
                    {"start": 6.0, "end": 8.0, "text": "接着说。"},
                    {"start": 8.5, "end": 9.0, "text": "好。", "speaker": "SPEAKER_01"},
                ]
            },
            ensure_ascii=False,
        )
    )
    assert [(t.speaker, t.start, t.end) for t in transcript.turns] == [
        ("未知发言人", 0.0, 2.0),
        ("SPEAKER_00", 2.0, 8.0),
        ("SPEAKER_01", 8.5, 9.0),
    ]
    assert "接着说。" in transcript.turns[1].text
