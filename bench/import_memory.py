"""Peak memory and throughput of `manage.py import_event` on a big generated transcript.

Issue 6 asks that a 50 MB transcript import with bounded memory. This generates a transcript
(bench/format_bench.py's generator: the seed's own sentences, fixed random seed) of `--mb`
megabytes in `--format`, migrates a throwaway SQLite database, and runs the operator's command,
`manage.py import_event FILE`, in a child process: once on a tiny file of the same shape into
a scratch database (the baseline: Django, jieba's dictionary, the search vocabulary) and once
on the big file. Prints
wall time, characters per second, the child's peak resident set size (`wait4`), and the growth
over the baseline relative to the file's size.

    .venv/bin/python bench/import_memory.py [--mb 50] [--format zhihu]

A full 50 MB import segments every quote with jieba for the search index: about one and a half
to two minutes on two cores, so this is its own script (bench/format_bench.py's budget is
shorter). Uses DATABASE_URL when set (an empty, throwaway database), otherwise a temporary
SQLite file.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

import format_bench  # noqa: E402  (the generators live there)

MB = 1_000_000
BASELINE_MB = 0.05


def run(args: list[str], env: dict[str, str]) -> tuple[float, int, str]:
    """Run `manage.py ARGS` in a child; (seconds, peak RSS in bytes, stdout+stderr)."""
    start = time.perf_counter()
    child = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{output[-2000:]}")
    return seconds, usage.ru_maxrss * 1024, output  # ru_maxrss is in KB on Linux


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=50, help="size of the generated transcript")
    parser.add_argument("--format", default="zhihu", choices=format_bench.FORMATS)
    args = parser.parse_args()

    folder = Path(tempfile.mkdtemp(prefix="import-memory-"))
    env = {
        **os.environ,
        "DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG", "1"),
        "DATABASE_URL": os.environ.get("DATABASE_URL", f"sqlite:///{folder / 'bench.sqlite3'}"),
    }
    sentences = format_bench.seed_sentences()
    tiny = format_bench.generate(args.format, BASELINE_MB, sentences, folder)
    big = format_bench.generate(args.format, args.mb, sentences, folder)
    size = big.stat().st_size
    chars = len(big.read_text(encoding="utf-8"))
    scratch = {**env, "DATABASE_URL": f"sqlite:///{folder / 'baseline.sqlite3'}"}
    for database in (env, scratch):
        run(["migrate", "--noinput", "-v", "0"], database)

    _, baseline, _ = run(["import_event", str(tiny)], scratch)
    seconds, peak, output = run(["import_event", str(big)], env)
    quotes = next((line for line in output.splitlines() if "quotes" in line), "").strip()
    growth = peak - baseline
    print(f"{args.format}, {size / MB:.1f} MB, {chars:,} characters: {quotes[:160]}")
    print(
        f"import_event: {seconds:.1f} s = {chars / seconds:,.0f} chars/s; peak RSS "
        f"{peak / MB:.0f} MB (baseline {baseline / MB:.0f} MB on a {BASELINE_MB:g} MB file), "
        f"growth {growth / MB:.0f} MB = {growth / size:.1f}x the file, "
        f"peak {peak / size:.1f}x the file"
    )
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
