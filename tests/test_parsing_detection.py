"""Format detection: every sample is read by the right parser without --format, and the
import command takes them all (a bad file among them fails alone)."""

from __future__ import annotations

import pytest

from transcripts.parsing import decode, detect_format, load

from .conftest import DATA, DEMO, SEED, SHARED, shared_file

SAMPLES = [
    (SEED, "zhihu"),
    (DATA / "zhihu_robotics_roundtable.txt", "zhihu"),
    (DEMO, "json"),
    (SHARED / "samples" / "2017-04-07-speech-freedom-forum.md", "markdown"),
    (DATA / "markdown" / "model_salon_zh_hans.md", "markdown"),
    (DATA / "markdown" / "open_gov_zh_hant_en.md", "markdown"),
    (DATA / "bold" / "english_inline.md", "markdown"),
    (DATA / "bold" / "front_matter_traditional.md", "markdown"),
    (DATA / "plaintext" / "english_names_alone.txt", "plaintext"),
    (DATA / "plaintext" / "simplified_roles.txt", "plaintext"),
    (DATA / "plaintext" / "traditional_interview.txt", "plaintext"),
    (DATA / "subtitles" / "english_panel.vtt", "subtitles"),
    (DATA / "subtitles" / "lecture_no_labels.srt", "subtitles"),
    (DATA / "subtitles" / "salon_prefixes.srt", "subtitles"),
    (DATA / "subtitles" / "salon_voice_tags.vtt", "subtitles"),
]


@pytest.mark.parametrize(("path", "expected"), SAMPLES, ids=[p.name for p, _ in SAMPLES])
def test_each_sample_is_detected_as_its_format(path, expected):
    if path.is_relative_to(SHARED):  # the CC0 sample: skipped without ../shared, failed on CI
        path = shared_file(path.relative_to(SHARED))
    assert detect_format(decode(path.read_bytes())) == expected
    (transcript,) = load(path.read_bytes())
    assert transcript.turns and transcript.format == expected


@pytest.mark.django_db
def test_every_sample_imports_with_the_command(tmp_path):
    from django.core.management import call_command

    from transcripts.models import Event

    # the ../shared sample when it is there (its detection test fails on CI when it is not)
    paths = [
        str(p) for p, _ in SAMPLES if p != DEMO and (p.exists() or not p.is_relative_to(SHARED))
    ]
    call_command("import_event", *paths, stdout=None)
    assert Event.objects.count() == len(paths)
    # untitled subtitles are named after their files
    assert Event.objects.filter(title__in=["salon_prefixes", "lecture_no_labels"]).count() == 2
