"""Plain-text transcripts, pinned by golden files generated once and reviewed line by line."""

from __future__ import annotations

import contextlib
import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from transcripts.parsing import ParseError, dates, plaintext

from .conftest import DATA

FOLDER = DATA / "plaintext"
GOLDEN = [
    "simplified_roles",
    "traditional_interview",
    "english_names_alone",
    "founder_interview_mixed",  # 问：/答： with English sentences, credit lines at the end
    "reading_club_minutes",  # a meeting-minutes export: `说话人 1 00:00:05` on its own line
]


def summary(transcript) -> dict:
    """The parts of a transcript an editor sees, as JSON-ready data."""
    data = dataclasses.asdict(transcript)
    data["date"] = transcript.date.isoformat() if transcript.date else None
    data["warnings"] = [w.message for w in transcript.warnings]
    del data["checksum"]
    if not data["redirects"]:  # only our JSON export carries retired quote numbers
        del data["redirects"]
    return json.loads(json.dumps(data, ensure_ascii=False))


def check_golden(module, folder, name, suffix):
    text = (folder / f"{name}.{suffix}").read_text(encoding="utf-8")
    expected = json.loads((folder / f"{name}.expected.json").read_text(encoding="utf-8"))
    assert summary(module.parse(text)) == expected


@pytest.mark.parametrize("name", GOLDEN)
def test_golden(name):
    check_golden(plaintext, FOLDER, name, "txt")


@pytest.mark.parametrize("name", GOLDEN)
def test_detected(name):
    assert plaintext.looks_like((FOLDER / f"{name}.txt").read_text(encoding="utf-8"))


def test_a_prose_article_with_he_said_lines_has_no_speakers():
    text = (FOLDER / "negative_prose.txt").read_text(encoding="utf-8")
    assert not plaintext.looks_like(text)
    with pytest.raises(ParseError, match="no speaker turns"):
        plaintext.parse(text)


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet="王芳主持人问答：:（）()\n 。摄影提问者12**#-", max_size=300))
def test_only_parse_errors_escape(text):
    with contextlib.suppress(ParseError):
        plaintext.parse(text)


@pytest.mark.parametrize(
    ("line", "date", "title"),
    [
        ("2024-05-18 盐沙龙", "2024-05-18", "盐沙龙"),
        ("盐沙龙第十期 2024-05-18", "2024-05-18", "盐沙龙第十期"),
        ("盐沙龙第十期（2024年5月18日）", "2024-05-18", "盐沙龙第十期"),
        ("2049 年的城市", None, "2049 年的城市"),
    ],
)
def test_a_date_at_either_end_of_the_title_line_is_the_date(line, date, title):
    found, rest = dates.split_date(line)
    assert (found.isoformat() if found else None, rest) == (date, title)


def test_a_google_meet_transcript_keeps_the_meeting_name_and_date_and_drops_its_notices():
    transcript = plaintext.parse(
        "Roadmap review (2024-03-12 10:02 GMT-7) - Transcript\n"
        "Aisha Karimi: Okay, let's start.\n"
        "Ben Lockwood: Hi all.\n"
        "00:05:00\n\n"
        "Aisha Karimi: Let's take those first. Thanks, everyone.\n"
        "Meeting ended after 00:06:41 👋\n"
    )
    assert (transcript.title, transcript.date) == ("Roadmap review", dates.find_date("2024-03-12"))
    assert transcript.turns[-1].text == "Let's take those first. Thanks, everyone."
    assert [d.text for d in transcript.dropped] == ["Meeting ended after 00:06:41 👋"]


def test_a_hearing_reporters_bracketed_notes_are_no_speech():
    """`[The prepared statement of … follows:]` and `[Whereupon, … adjourned.]` are the
    record's, not the speaker's; a bracketed remark inside a statement is speech."""
    transcript = plaintext.parse(
        "Mr. Hartwell. Dr. Feldman, you are recognized.\n\n"
        "Dr. Feldman. Thank you. Our surveys [published in March] show a gap.\n\n"
        "[The prepared statement of Dr. Feldman follows:]\n\n"
        "Mr. Hartwell. The record will remain open.\n\n"
        "[Whereupon, at 11:42 a.m., the subcommittee was adjourned.]\n"
    )
    assert transcript.turns[1].text == "Thank you. Our surveys [published in March] show a gap."
    assert transcript.turns[2].text == "The record will remain open."
    assert len([d for d in transcript.dropped if d.text.startswith("[")]) == 2
