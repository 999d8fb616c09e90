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
    text = sample
    for start, length in cuts:
        start %= max(1, len(text))
        text = text[:start] + insert + text[start + length :]
    parses_or_refuses(text)


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
