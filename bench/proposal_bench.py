"""How well the proposals for a raw import find its topic boundaries and its speakers' names.

Over the hand-written speech-recognition transcripts in `tests/data/proposals/` (each with an
`.expected.json`: the turn numbers where a new topic starts, and the true name of each
placeholder, null when the text does not say it), the pure algorithms of `transcripts.proposals`
run as `propose(event)` runs them (no database: the IDF is the file's own turns). Per file and in
total: boundaries proposed, true (within ±1 turn of a true one, each true one matched once),
false, missed; names proposed, right, partly right (a form of address that fits: 刘老师 for
刘知远), wrong, missed (a placeholder with a true name and no proposal). `-v` prints each proposal.

`--real` runs them on transcripts we did not write for this: the seed, the CC0 Markdown sample,
the Zhihu round table and every case of the import corpus (`tests/data/corpus/`) with at least
eight turns and two headings, each made raw as a speech-recognition tool gives it (headings and
intro gone, speakers renamed 说话人1, 说话人2… by first appearance). The truth is what the source
said: a boundary wherever the part or topic changes, and each placeholder's real name.

    .venv/bin/python bench/proposal_bench.py [-v] [--real]
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


HONORIFICS = ("老师", "教授", "博士", "先生", "女士", "总", "院长", "主任")


def partly_right(name: str, true: str | None) -> bool:
    """A form of address that fits the true name: 刘老师 for 刘知远, Sam for Sam Liu."""
    if not true:
        return False
    fits = (name[: -len(h)] for h in HONORIFICS if name.endswith(h) and len(name) > len(h))
    stem = next(fits, "")
    if stem:
        return true.startswith(stem)
    return true.split()[0] == name and " " in true


def score_names(proposed: dict[str, str], true: dict[str, str | None]) -> Counter:
    result = Counter(proposed=len(proposed))
    for label, name in proposed.items():
        if true.get(label) == name:
            result["right"] += 1
        elif partly_right(name, true.get(label)):
            result["partly"] += 1  # the editor completes the name; not counted as wrong
        else:
            result["wrong"] += 1
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


def real_sources() -> list[Path]:
    shared = ROOT.parent / "shared"
    found = sorted((shared / "seed").glob("*")) + sorted((shared / "samples").glob("*.md"))
    found.append(ROOT / "tests" / "data" / "zhihu_robotics_roundtable.txt")
    corpus = ROOT / "tests" / "data" / "corpus"
    found += sorted(p for p in corpus.iterdir() if p.is_file() and not _is_meta(p))
    return [p for p in found if p.is_file()]


def _is_meta(path: Path) -> bool:
    return path.name.endswith(".expected.json") or path.name == "README.md"


def run_raw(path: Path, verbose: bool) -> tuple[Counter, Counter] | None:
    """One real transcript made raw; None when it has too few turns or headings to judge."""
    from transcripts import keywords, proposals
    from transcripts.parsing import ParseError, load

    try:
        (transcript,) = load(path.read_bytes())
    except (ParseError, ValueError):
        return None
    said = list(transcript.turns)
    heads = [(t.part, t.topic) for t in said]
    true_b = [i + 1 for i in range(1, len(said)) if heads[i] != heads[i - 1]]
    if len(said) < 8 or not true_b:
        return None
    labels: dict[str, str] = {}
    for turn in said:
        labels.setdefault(turn.speaker, f"说话人{len(labels) + 1}")
    placeholders = {s.name for s in transcript.speakers if s.placeholder}
    true_n = {label: (None if name in placeholders else name) for name, label in labels.items()}
    turns = [proposals.read_turn(t.text) for t in said]
    frequencies = keywords.DocumentFrequencies.of(t.words for t in turns)
    topics = proposals.segment(turns, lambda w: frequencies.idf(w.casefold()))
    raw = [(labels[t.speaker], t.text) for t in said]
    found = proposals.naming.propose_names(raw, set(labels.values()))
    if verbose:
        print(f"  {path.name}: true boundaries {true_b}")
        for start, title, score in topics[1:]:
            print(f"    topic at {start + 1:>3} ({score:.2f}): {title}")
        for label, evidence in sorted(found.items()):
            print(f"    {label} → {evidence.name} (true {true_n[label]}; {evidence.reason})")
    proposed_b = [start + 1 for start, _, _ in topics[1:]]
    names = {label: e.name for label, e in found.items()}
    return score_boundaries(proposed_b, true_b), score_names(names, true_n)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-v", "--verbose", action="store_true")
    parser.add_argument("--real", action="store_true", help="real transcripts, made raw")
    options = parser.parse_args()
    setup()
    total_b, total_n = Counter(), Counter()
    line = "{:<40} boundaries {:>3} proposed {:>3} true {:>3} false {:>3} missed | "
    line += "names {:>2} proposed {:>2} right {:>2} partly {:>2} wrong {:>2} missed"
    if options.real:
        runs = ((p.name[:40], run_raw(p, options.verbose)) for p in real_sources())
    else:
        runs = ((p.stem, run_file(p, options.verbose)) for p in sorted(DATA.glob("*.txt")))
    for name, figures in runs:
        if figures is None:
            continue
        b, n = figures
        total_b.update(b)
        total_n.update(n)
        print(line.format(name, *_figures(b, n)))
    print(line.format("TOTAL", *_figures(total_b, total_n)))
    return 0


def _figures(b: Counter, n: Counter) -> list[int]:
    return [b[k] for k in ("proposed", "true", "false", "missed")] + [
        n[k] for k in ("proposed", "right", "partly", "wrong", "missed")
    ]


if __name__ == "__main__":
    sys.exit(main())
