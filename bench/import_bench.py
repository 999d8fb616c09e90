"""How much the whole import of the seed costs next to the word segmentation it does.

In one process, after a warm-up, in alternating rounds: the median time of the segmentation the
import's indexing does (`segmentation.search_tokens`: the project's tokenizer, with the speaker
and tag names the import adds to it, HMM off, over each quote's text normalised as the index
normalises it; normalising is left out of this baseline, as it is the import's own work), and
of the full import (read bytes, decode, parse, write every row and index every quote in one
transaction) into a fresh database. Prints both and their ratio; the goal is a ratio of at
most 1.5.

    DJANGO_DEBUG=1 .venv/bin/python bench/import_bench.py [--rounds N]

Uses DATABASE_URL when set (it should point at an empty, throwaway database), otherwise a
temporary SQLite file.
"""

from __future__ import annotations

import argparse
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


def median_seconds(actions: dict, rounds: int, reset=lambda: None) -> dict[str, float]:
    """Each action's median time, the actions taking turns within every round (a busy
    neighbour slows them alike); `reset` runs before each, untimed."""
    times: dict[str, list[float]] = {name: [] for name in actions}
    for _ in range(rounds):
        for name, action in actions.items():
            reset()
            start = time.perf_counter()
            action()
            times[name].append(time.perf_counter() - start)
    return {name: statistics.median(found) for name, found in times.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9)
    args = parser.parse_args()
    setup_django()
    from transcripts import segmentation
    from transcripts.event_import import event_import
    from transcripts.models import Event, Quote, Speaker
    from transcripts.parsing import load
    from transcripts.search.documents import normalize

    data = SEED.read_bytes()

    def import_seed() -> None:
        for transcript in load(data):
            event_import(transcript=transcript)

    def empty_database() -> None:
        Event.objects.all().delete()
        Speaker.objects.all().delete()

    # Warm-up: the tokenizer's dictionary and the names the import adds to it, Django's
    # connection and query compilation.
    empty_database()
    import_seed()
    # What the import's indexing segments: every quote's text, normalised.
    texts = [normalize(text) for text in Quote.objects.values_list("text", flat=True)]

    def segment() -> None:
        for text in texts:
            segmentation.search_tokens(text)

    segment()
    ways = {"segment": segment, "import": import_seed}
    medians = median_seconds(ways, args.rounds, reset=empty_database)
    segment_s, import_s = medians["segment"], medians["import"]
    print(
        f"seed: {len(data.decode('utf-8'))} characters, {len(texts)} quotes "
        f"({sum(map(len, texts))} characters of quote text), {args.rounds} rounds, median"
    )
    print(f"segmentation.search_tokens {segment_s * 1000:8.1f} ms  (normalised quotes, HMM off)")
    print(f"full import                {import_s * 1000:8.1f} ms")
    print(f"ratio {import_s / segment_s:.2f}  (import / segmentation; goal <= 1.5)")


if __name__ == "__main__":
    main()
