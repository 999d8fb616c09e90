"""Format detection: every sample is read by the right parser without --format, and the
import command takes them all (a bad file among them fails alone)."""

from __future__ import annotations

import pytest

from transcripts.parsing import decode, detect_format, load

from .conftest import DATA, DEMO, ROOT, SEED

SAMPLES = [
    (SEED, "zhihu"),
    (DATA / "zhihu_robotics_roundtable.txt", "zhihu"),
    (DEMO, "json"),
    (ROOT.parent / "shared" / "samples" / "2017-04-07-speech-freedom-forum.md", "markdown"),
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
    if not path.exists():  # the CC0 sample lives in ../shared beside the project
        pytest.skip(f"{path} is not beside the project")
    assert detect_format(decode(path.read_bytes())) == expected
    (transcript,) = load(path.read_bytes())
    assert transcript.turns and transcript.format == expected


@pytest.mark.django_db
def test_every_sample_imports_with_the_command(tmp_path):
    from django.core.management import call_command

    from transcripts.models import Event

    paths = [str(p) for p, _ in SAMPLES if p.exists() and p != DEMO]
    call_command("import_event", *paths, stdout=None)
    assert Event.objects.count() == len(paths)
    # untitled subtitles are named after their files
    assert Event.objects.filter(title__in=["salon_prefixes", "lecture_no_labels"]).count() == 2
