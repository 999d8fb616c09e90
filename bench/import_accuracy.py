"""How many transcripts of the corpus import exactly right.

Runs the importer (`transcripts.parsing.load`, then the `--dry-run --report json` report) over
every case in tests/data/corpus/ and compares each report with its hand-reviewed expectation
(tests/corpus_check.py, the same comparison as tests/test_import_corpus.py). Prints one line per
case, `ok   name` or `MISS name: problems`, and last `N/M exact`.

    .venv/bin/python bench/import_accuracy.py [--strict] [--full] [NAME ...]

It is a measurement, so it exits 0 whatever the figure; `--strict` exits 1 unless every case is
exact. `--full` prints every problem instead of the first 400 characters; NAMEs (substrings of
case names) pick cases. No database is touched: the report is built from the parse alone.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LINE_LIMIT = 400


def setup_django() -> None:
    """The report module imports the models, so Django must be configured (no database use)."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon_site.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("names", nargs="*", help="only cases whose name contains one of these")
    parser.add_argument("--strict", action="store_true", help="exit 1 unless every case is exact")
    parser.add_argument("--full", action="store_true", help="print every problem in full")
    args = parser.parse_args(argv)
    setup_django()
    from tests.corpus_check import compare, list_cases, run_case

    cases = [c for c in list_cases() if not args.names or any(n in c.name for n in args.names)]
    exact = 0
    for case in cases:
        report, problems = run_case(case)
        if report is not None:
            problems = compare(report, case.expected)
        if not problems:
            exact += 1
            print(f"ok   {case.name}")
            continue
        line = "; ".join(problems)
        print(f"MISS {case.name}: {line if args.full else line[:LINE_LIMIT]}")
    print(f"{exact}/{len(cases)} exact")
    return 1 if args.strict and exact != len(cases) else 0


if __name__ == "__main__":
    sys.exit(main())
