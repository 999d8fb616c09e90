"""Rewrite the parser's golden files from what the parser gives today, for review.

    make golden                      # rewrite, then read `git diff tests/data`
    make golden GOLDEN_ARGS=--check  # exit 1 if any golden file would change

A golden file is a reviewed statement of what the parser must give: regenerate only after a
deliberate change, read every changed line against the source transcript, and say in the
commit message what changed and why (tests/data/README.md). Each golden file is written by the
same function its test compares with, so the two cannot drift.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"


def _setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon_site.settings")
    os.environ.setdefault("DJANGO_SECRET_KEY", "golden-regenerator-not-for-production-0123456789")
    import django

    django.setup()


def goldens() -> list[tuple[Path, object]]:
    """(golden file, what the parser gives now) for every golden file."""
    from tests import (
        test_parsing_markdown,
        test_parsing_plaintext,
        test_parsing_subtitles,
        test_parsing_zhihu,
    )
    from transcripts.event_export import report
    from transcripts.parsing import decode, load, markdown, plaintext, subtitles

    found = []
    for golden in sorted((DATA / "plaintext").glob("*.expected.json")):
        source = golden.with_name(golden.name.replace(".expected.json", ".txt"))
        summary = test_parsing_plaintext.summary(plaintext.parse(source.read_text("utf-8")))
        found.append((golden, summary))
    for folder, summary in (
        ("bold", test_parsing_plaintext.summary),
        ("markdown", test_parsing_markdown.as_json),
    ):
        for golden in sorted((DATA / folder).glob("*.expected.json")):
            source = golden.with_name(golden.name.replace(".expected.json", ".md"))
            found.append((golden, summary(markdown.parse(source.read_text("utf-8")))))
    for golden in sorted((DATA / "subtitles").glob("*.expected.json")):
        source = golden.with_name(golden.name.replace(".expected.json", ""))
        parsed = subtitles.parse(decode(source.read_bytes()))
        found.append((golden, test_parsing_subtitles.golden(parsed)))
    for golden, source in (
        (DATA / "demo-event-raw.expected.json", ROOT / "fixtures" / "demo-event-raw.txt"),
        (DATA / "zhihu_robotics_roundtable.expected.json", test_parsing_zhihu.ROBOTICS),
    ):
        found.append((golden, report(load(source.read_bytes())[0])))
    return found


def main() -> int:
    _setup()
    changed = []
    for golden, value in goldens():
        text = json.dumps(value, ensure_ascii=False, indent=2) + "\n"
        if not golden.exists() or golden.read_text("utf-8") != text:
            changed.append(golden)
            if "--check" not in sys.argv:
                golden.write_text(text, encoding="utf-8")
    for golden in changed:
        print(
            f"{'would change' if '--check' in sys.argv else 'rewrote'} {golden.relative_to(ROOT)}"
        )
    return 1 if changed and "--check" in sys.argv else 0


if __name__ == "__main__":
    sys.exit(main())
