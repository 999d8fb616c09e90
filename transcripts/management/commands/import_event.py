"""Import transcripts: `python manage.py import_event PATH [PATH ...]`.

Each event is imported in its own transaction: the same file twice is a no-op that says so,
`--replace` re-imports an existing event in place, `--dry-run` parses and reports without
writing, and `--report json` prints the parsed event(s) as JSON on stdout. After each event the
human output says what the importer decided beyond the counts: the placeholder speakers left
for an editor to name (待命名), the label variants merged into a speaker, and the source lines
left out of the event, counted by reason. Bad input gets one line on stderr naming the file
and the problem, exit code 1, and an unchanged database.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import DataError
from tqdm import tqdm

from transcripts import parsing
from transcripts.event_export import report
from transcripts.event_import import (
    ImportBusy,
    ImportConflict,
    ImportResult,
    event_import,
    first_line,
)
from transcripts.import_checks import checked
from transcripts.speaker_matching import is_placeholder


class Command(BaseCommand):
    help = (
        "Import transcript files as events: plain text, Markdown, Word (.docx), web pages "
        "(.html), SRT/VTT subtitles, speech-recognition exports, or our JSON export."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "paths", nargs="+", metavar="PATH", help="transcript files, or folders of them"
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="parse and report, write nothing"
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="re-import an event that already exists, in place",
        )
        parser.add_argument(
            "--report", choices=["json"], help="print the parsed event(s) as JSON on stdout"
        )
        parser.add_argument(
            "--format",
            default="auto",
            choices=["auto", *parsing.FORMAT_NAMES],
            help="input format (default: auto)",
        )

    def handle(self, *paths, **options):
        reports, failures = [], []
        files = _expand(options["paths"])
        batch = len(files) > 1
        progress = tqdm(files, unit="file", file=self.stderr._out, disable=not batch)
        for path in progress:
            try:
                transcripts = parsing.load(
                    _read(path), format=options["format"], name=Path(path).stem
                )
                for transcript in transcripts:
                    if options["report"] == "json" or options["dry_run"]:
                        transcript = checked(transcript)  # as the import would store it
                    if options["report"] == "json":  # a copy of every quote: only if asked
                        reports.append(report(transcript))
                    if options["dry_run"]:
                        self._say_dry_run(path, transcript)
                    else:
                        self._say(
                            path,
                            event_import(
                                transcript=transcript,
                                replace=options["replace"],
                                source=Path(path).name,
                            ),
                        )
            except (parsing.ParseError, ImportConflict, ImportBusy, OSError, DataError) as exc:
                if isinstance(exc, DataError):  # a value the checks let through, the database not
                    exc = f"the database refused a value: {first_line(exc)}"
                failures.append(f"{path}: {exc}")
                if batch:
                    progress.write(
                        self.style.ERROR(f"{path}: failed: {exc}"), file=self.stderr._out
                    )
        if batch:
            self._out(
                f"{len(files)} files: {len(files) - len(failures)} imported or unchanged, "
                f"{len(failures)} failed"
            )
        if options["report"] == "json":
            self.stdout.write(
                json.dumps(
                    reports[0] if len(reports) == 1 else reports, ensure_ascii=False, indent=2
                )
            )
        if failures:
            for line in failures[:-1]:
                self.stderr.write(line)
            raise CommandError(failures[-1])

    def _out(self, message: str) -> None:
        # With --report json, stdout carries only the JSON; progress goes to stderr.
        stream = self.stderr if self._report_json else self.stdout
        stream.write(message)

    def execute(self, *args, **options):
        self._report_json = options.get("report") == "json"
        return super().execute(*args, **options)

    def _say_dry_run(self, path: str, transcript: parsing.Transcript) -> None:
        self._out(f"{path}: dry run, nothing written: {_counts(transcript)}")
        placeholders = [s.name for s in transcript.speakers if is_placeholder(s)]
        self._say_decisions(placeholders, transcript.variants, transcript.dropped)
        for warning in transcript.warnings:
            self._out(self.style.WARNING(f"  warning: {warning.message}"))

    def _say_decisions(self, placeholders, variants, dropped) -> None:
        """What the importer decided that the counts do not show."""
        if placeholders:
            self._out(f"  待命名: {', '.join(placeholders)}")
        for variant in variants:
            self._out(f"  merged: {variant.label} → {variant.speaker} ({variant.turns} turns)")
        if dropped:
            reasons = Counter(line.reason for line in dropped)
            self._out(
                f"  dropped {len(dropped)} line{'s' if len(dropped) != 1 else ''}: "
                + ", ".join(f"{reason} {n}" for reason, n in sorted(reasons.items()))
            )

    def _say(self, path: str, result: ImportResult) -> None:
        event = result.event
        if result.status == "unchanged":
            self._out(
                f"{path}: already imported as '{event.slug}' ({result.quotes} quotes); "
                "nothing changed (use --replace to import it again)"
            )
            return
        self._out(
            self.style.SUCCESS(
                f"{path}: {result.status} '{event.slug}': {result.sections} parts, "
                f"{result.topics} topics, {result.quotes} quotes; speakers new: "
                f"{', '.join(result.new_speakers) or '-'}; existing: "
                f"{', '.join(result.existing_speakers) or '-'}"
            )
        )
        if result.status == "replaced":
            self._out(
                f"  permalinks: {result.kept} quotes kept their numbers, {result.added} new, "
                f"{result.retired} old numbers redirect"
            )
        self._say_decisions(result.placeholders, result.variants, result.dropped)
        for warning in result.warnings:
            self._out(self.style.WARNING(f"  warning: {warning.message}"))


def _expand(paths: list[str]) -> list[str]:
    """Directories stand for the files in them (sorted, hidden files skipped)."""
    files = []
    for path in paths:
        folder = Path(path)
        if folder.is_dir():
            files += sorted(
                str(p) for p in folder.rglob("*") if p.is_file() and not p.name.startswith(".")
            )
        else:
            files.append(path)
    return files


def _read(path: str) -> bytes:
    file = Path(path)
    if not file.exists():
        raise OSError("no such file")
    try:
        return file.read_bytes()
    except OSError as exc:
        raise OSError(exc.strerror or "cannot read the file") from None


def _counts(transcript: parsing.Transcript) -> str:
    return (
        f"'{transcript.title}': {len(transcript.parts)} parts, {len(transcript.topics)} topics, "
        f"{len(transcript.turns)} quotes, {len(transcript.speakers)} speakers"
    )
