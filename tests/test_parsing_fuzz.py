"""Whatever the input, the parsers raise nothing but ParseError: random text, and real
transcripts mutated (cut, spliced, with characters dropped or doubled)."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from transcripts.parsing import FORMATS, ParseError, load, parse_all

from .conftest import DATA, SEED

SAMPLES = [
    SEED.read_text(encoding="utf-8"),
    (DATA / "zhihu_robotics_roundtable.txt").read_text(encoding="utf-8"),
    (DATA / "markdown" / "model_salon_zh_hans.md").read_text(encoding="utf-8"),
    (DATA / "subtitles" / "salon_voice_tags.vtt").read_text(encoding="utf-8"),
    (DATA / "plaintext" / "simplified_roles.txt").read_text(encoding="utf-8"),
]
FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def parses_or_refuses(text: str, format: str = "auto") -> None:
    try:
        transcripts = parse_all(text, format=format)
    except ParseError as error:
        assert str(error)  # a message for the operator
        return
    for transcript in transcripts:
        assert transcript.turns and all(turn.text for turn in transcript.turns)


@FUZZ
@given(text=st.text(max_size=400), format=st.sampled_from(["auto", *FORMATS]))
def test_random_text_in_any_format(text, format):
    parses_or_refuses(text, format)


@FUZZ
@given(
    sample=st.sampled_from(SAMPLES),
    cuts=st.lists(st.tuples(st.integers(0, 60_000), st.integers(0, 400)), max_size=6),
    insert=st.text(alphabet="主持人观众:：@一二三Q1、。()（）\n #*>", max_size=20),
)
def test_mutated_transcripts(sample, cuts, insert):
    parses_or_refuses(mutated(sample, cuts, insert))


@FUZZ
@given(data=st.binary(max_size=300))
def test_random_bytes(data):
    """Bytes decode and parse into turns, or are refused with a message."""
    try:
        transcripts = load(data)
    except ParseError as error:
        assert str(error)
    else:
        assert all(t.turns for t in transcripts)


def test_a_guest_list_marker_without_guests_is_no_crash():
    """Found by test_mutated_transcripts: a dump whose guest list lost its entries (here three
    characters cut inside 嘉宾介绍) made the Zhihu parser fail with a ValueError."""
    text = SAMPLES[0][:185] + SAMPLES[0][188:]
    parses_or_refuses(text)
    parses_or_refuses("嘉宾介绍\n主持人:大家好。\n张三:你好。", "zhihu")


def test_a_guest_named_with_digits_is_no_crash():
    """Found by test_mutated_transcripts: "1:" inserted into the guest list made a guest named
    "1", and its label made the Zhihu parser fail with a KeyError."""
    text = SAMPLES[0][:373] + "1:1:" + SAMPLES[0][373:]
    parses_or_refuses(text)


def mutated(sample: str, cuts: list[tuple[int, int]], insert: str) -> str:
    """What test_mutated_transcripts makes of a sample."""
    text = sample
    for start, length in cuts:
        start %= max(1, len(text))
        text = text[:start] + insert + text[start + length :]
    return text


def test_labels_with_no_text_after_them_are_refused_with_a_message():
    """Found by test_mutated_transcripts: a dump whose only labels are followed by no text gave
    an event with no turns instead of a ParseError."""
    cuts = [(114, 0), (114, 0), (114, 183), (114, 400), (453, 132), (5981, 0)]
    text = mutated(SAMPLES[1], cuts, "1:")
    try:
        transcripts = parse_all(text, format="zhihu")
    except ParseError as error:
        assert "no speaker turns" in str(error)
    else:
        raise AssertionError(f"parsed into {transcripts}")
