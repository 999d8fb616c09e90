"""How well the proposals for a raw import find its topic boundaries and its speakers' names.

Over the hand-written speech-recognition transcripts in `tests/data/proposals/` (each with an
`.expected.json`: the turn numbers where a new topic starts, and the true name of each
placeholder, null when the text does not say it), the pure algorithms of `transcripts.proposals`
run as `propose(event)` runs them (no database: the IDF is the file's own turns). Per file and in
total: boundaries proposed, true (within ±1 turn of a true one, each true one matched once),
false, missed; names proposed, right, wrong, missed (a placeholder with a true name and no
proposal). `-v` prints each proposal.

    .venv/bin/python bench/proposal_bench.py [-v]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data" / "proposals"


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon_site.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


def score_boundaries(proposed: list[int], true: list[int]) -> Counter:
    left = list(true)
    result = Counter(proposed=len(proposed))
    for number in proposed:
        match = next((t for t in left if abs(t - number) <= 1), None)
        if match is None:
            result["false"] += 1
        else:
            left.remove(match)
            result["true"] += 1
    result["missed"] = len(left)
    return result


def score_names(proposed: dict[str, str], true: dict[str, str | None]) -> Counter:
    result = Counter(proposed=len(proposed))
    for label, name in proposed.items():
        result["right" if true.get(label) == name else "wrong"] += 1
    result["missed"] = sum(1 for label, name in true.items() if name and label not in proposed)
    return result


def run_file(path: Path, verbose: bool) -> tuple[Counter, Counter]:
    from transcripts import keywords, proposals
    from transcripts.parsing import load

    (transcript,) = load(path.read_bytes())
    expected = json.loads(path.with_suffix(".expected.json").read_text(encoding="utf-8"))
    turns = [proposals.read_turn(t.text) for t in transcript.turns]
    frequencies = keywords.DocumentFrequencies.of(t.words for t in turns)
    topics = proposals.segment(turns, lambda w: frequencies.idf(w.casefold()))
    numbers = [transcript.turns[start].number for start, _, _ in topics[1:]]
    said = [(t.speaker, t.text) for t in transcript.turns]
    placeholders = {s.name for s in transcript.speakers if s.placeholder}
    named = [s.name for s in transcript.speakers if not s.placeholder]
    found = proposals.naming.propose_names(said, placeholders, intro=transcript.intro, names=named)
    if verbose:
        for start, title, score in topics:
            print(f"    topic at {transcript.turns[start].number:>3} ({score:.2f}): {title}")
        for label, evidence in sorted(found.items()):
            print(f"    {label} → {evidence.name} ({evidence.reason})")
    names = {label: e.name for label, e in found.items()}
    return score_boundaries(numbers, expected["boundaries"]), score_names(names, expected["names"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    verbose = parser.parse_args().verbose
    setup()
    total_b, total_n = Counter(), Counter()
    line = "{:<28} boundaries {:>2} proposed {:>2} true {:>2} false {:>2} missed | "
    line += "names {:>2} proposed {:>2} right {:>2} wrong {:>2} missed"
    for path in sorted(DATA.glob("*.txt")):
        b, n = run_file(path, verbose)
        total_b.update(b)
        total_n.update(n)
        print(line.format(path.stem, *_figures(b, n)))
    print(line.format("TOTAL", *_figures(total_b, total_n)))
    return 0


def _figures(b: Counter, n: Counter) -> list[int]:
    return [b[k] for k in ("proposed", "true", "false", "missed")] + [
        n[k] for k in ("proposed", "right", "wrong", "missed")
    ]


if __name__ == "__main__":
    sys.exit(main())
