"""How much the whole import of the seed costs next to jieba segmenting the same text.

In one process, after a warm-up: the median time of `jieba.cut_for_search` over the seed text,
and of the full import (read bytes, decode, parse, write every row in one transaction) into a
fresh database. Prints both and their ratio; the goal is a ratio of at most 1.5.

    DJANGO_DEBUG=1 .venv/bin/python bench/import_bench.py [--rounds N]

Uses DATABASE_URL when set (it should point at an empty, throwaway database), otherwise a
temporary SQLite file.
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "demo-event-raw.txt"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon_site.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    if "DATABASE_URL" not in os.environ:
        scratch = Path(tempfile.mkdtemp(prefix="import-bench-")) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


def median_seconds(action, rounds: int, reset=lambda: None) -> float:
    times = []
    for _ in range(rounds):
        reset()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    setup_django()
    import jieba

    from transcripts.event_import import event_import
    from transcripts.models import Event, Speaker
    from transcripts.parsing import load

    jieba.setLogLevel(logging.WARNING)
    data = SEED.read_bytes()
    text = data.decode("utf-8")

    def segment() -> None:
        list(jieba.cut_for_search(text))

    def import_seed() -> None:
        for transcript in load(data):
            event_import(transcript=transcript)

    def empty_database() -> None:
        Event.objects.all().delete()
        Speaker.objects.all().delete()

    # Warm-up: jieba's dictionary, Django's connection and query compilation.
    segment()
    empty_database()
    import_seed()

    jieba_s = median_seconds(segment, args.rounds)
    import_s = median_seconds(import_seed, args.rounds, reset=empty_database)
    print(
        f"seed: {len(text)} characters, {Event.objects.get().quotes.count()} quotes, "
        f"{args.rounds} rounds, median"
    )
    print(f"jieba.cut_for_search   {jieba_s * 1000:8.1f} ms")
    print(f"full import            {import_s * 1000:8.1f} ms")
    print(f"ratio {import_s / jieba_s:.2f}  (import / segmentation; goal <= 1.5)")


if __name__ == "__main__":
    main()
