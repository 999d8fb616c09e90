"""The import-accuracy corpus: its cases, their input bytes, and the comparison that judges them.

Each case in tests/data/corpus/ is a transcript in a shape people actually have (a speech
recognition export, a saved web page, a Word document...) with a hand-reviewed
`<file>.expected.json` beside it. The comparison follows the project's acceptance checker
(/work/shared/acceptance/check_shapes.py): names compare after NFKC and with all whitespace
removed, start times within ±0.51 s, part titles by substring. It adds a few keys of its own
(`shapes`, `speaker_order`, `placeholders`, `topics`, `title`, `date`, `in_quotes`, `variants`).

A report key the importer does not give yet (`start`, `placeholder`, `variants`...) counts as
None / false / empty, so a missing feature reads as a clean "expected X, got nothing" rather
than a crash. Word documents are not committed: `<case>.docx.json` holds the paragraphs and runs,
and `case_input` builds the .docx in memory with python-docx.

Pure Python: Django is only imported (lazily) by `run_case`, which calls the importer.
"""

from __future__ import annotations

import io
import json
import traceback
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CORPUS = Path(__file__).resolve().parent / "data" / "corpus"
EXPECTED_SUFFIX = ".expected.json"
SPEC_SUFFIX = ".json"  # `talk.docx` is built from `talk.docx.json`
START_TOLERANCE = 0.51  # the acceptance checker's: a cue rounded to the second still matches

REQUIRED_SHAPES = frozenset(
    {
        "asr-speaker-time-line",
        "asr-inline-time",
        "asr-bracket-time",
        "asr-header",
        "otter-english",
        "whisperx-json",
        "srt-speakers",
        "placeholders",
        "label-variants",
        "latin-names",
        "roles-from-text",
        "guest-list",
        "front-matter",
        "not-speech",
        "bilingual",
        "markdown-heading-labels",
        "bold-labels",
        "label-alone",
        "parts-and-topics",
        "traditional",
        "simplified",
        "docx",
        "html",
        "no-timestamps",
        "timestamps",
    }
)

# Every key an expectation may use; a misspelt key would otherwise silently check nothing.
EXPECTATION_KEYS = frozenset(
    {
        "_note",
        "shapes",
        "speakers",
        "speaker_order",
        "roles",
        "placeholders",
        "turns",
        "starts",
        "parts",
        "topics",
        "title",
        "date",
        "not_speech",
        "not_in_quotes",
        "in_quotes",
        "both_languages",
        "variants",
    }
)


@dataclass(frozen=True)
class Case:
    """One corpus transcript: `name` is the file name the importer would see."""

    name: str
    source: Path  # the committed file: the transcript itself, or the spec a .docx is built from
    expected: dict[str, Any]

    @property
    def stem(self) -> str:
        """What `import_event FILE` passes as `name`: the file name without its extension."""
        return self.name.rsplit(".", 1)[0]

    @property
    def generated(self) -> bool:
        """True when the input is built from a spec rather than read as it is."""
        return self.source.name != self.name


def list_cases(folder: Path = CORPUS) -> list[Case]:
    """Every case with an expectation file, sorted by name. The expectation file is what makes
    a case: an input without one is a draft, and an expectation without input is an error."""
    cases = []
    for expected_path in sorted(folder.glob(f"*{EXPECTED_SUFFIX}")):
        name = expected_path.name[: -len(EXPECTED_SUFFIX)]
        source = folder / name
        if not source.exists():
            source = folder / (name + SPEC_SUFFIX)
        if not source.exists():
            raise FileNotFoundError(f"{expected_path.name} has no input {name} (nor {source.name})")
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        cases.append(Case(name=name, source=source, expected=expected))
    return cases


def case_input(case: Case) -> bytes:
    """The bytes a user would upload for this case."""
    if not case.generated:
        return case.source.read_bytes()
    spec = json.loads(case.source.read_text(encoding="utf-8"))
    if case.name.endswith(".docx"):
        return build_docx(spec)
    raise ValueError(f"no generator for {case.name}")


def build_docx(spec: dict[str, Any]) -> bytes:
    """A Word document from a spec: {"title": core title, "paragraphs": [{"style", "text"} or
    {"style", "runs": [{"text", "bold", "italic"}]}]}. Styles are the built-in ones people use
    (Title, Heading 1, Heading 2, Caption, List Bullet, Normal)."""
    from docx import Document  # python-docx; only needed for the Word cases

    document = Document()
    if spec.get("title"):
        document.core_properties.title = spec["title"]
    for block in spec["paragraphs"]:
        paragraph = document.add_paragraph(style=block.get("style") or None)
        runs = block.get("runs") or [{"text": block.get("text", "")}]
        for run_spec in runs:
            run = paragraph.add_run(run_spec["text"])
            run.bold = run_spec.get("bold") or None
            run.italic = run_spec.get("italic") or None
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def source_text(case: Case) -> str:
    """All the human-written text of a case, for checking that an expectation quotes the file
    (a typo in a `not_in_quotes` string would otherwise pass forever)."""
    text = case.source.read_text(encoding="utf-8")
    if not case.generated:
        return text
    spec = json.loads(text)
    pieces = [spec.get("title", "")]
    for block in spec["paragraphs"]:
        pieces.append(block.get("text", ""))
        pieces.extend(run["text"] for run in block.get("runs", []))
    return "\n".join(pieces)


def run_case(case: Case) -> tuple[dict[str, Any] | None, list[str]]:
    """Import the case through the public interface (`load` then `report`), as
    `import_event FILE --dry-run --report json` does. An exception is a problem, not a crash."""
    from transcripts.event_export import report
    from transcripts.parsing import load

    try:
        transcripts = load(case_input(case), format="auto", name=case.stem)
    except Exception as error:  # any failure to import is the finding, reported per case
        where = traceback.extract_tb(error.__traceback__)[-1]
        return None, [f"import failed: {type(error).__name__}: {error} ({where.name})"]
    if len(transcripts) != 1:
        return None, [f"expected one event, got {len(transcripts)}"]
    return report(transcripts[0]), []


# --- the comparison ------------------------------------------------------------------------


def norm(text: str | None) -> str:
    """Names compare as the acceptance checker compares them: NFKC, no whitespace at all
    (`说话人 1` is `说话人1`; full-width `Ｋｅｖｉｎ` is `Kevin`)."""
    return "".join(unicodedata.normalize("NFKC", text or "").split())


def seconds(value: Any) -> float | None:
    """A start time as seconds, whether the report gives a number or "00:01:02,500"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        total = 0.0
        try:
            for piece in value.replace(",", ".").split(":"):
                total = total * 60 + float(piece)
        except ValueError:
            return None
        return total
    return None


def quote_start(quote: dict[str, Any]) -> float | None:
    """The quote's start in seconds, under any of the names the acceptance checker accepts."""
    for key in ("start", "start_time", "time", "begin", "start_seconds"):
        if quote.get(key) is not None:
            return seconds(quote[key])
    return None


def _speakers_by_slug(report: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {s.get("slug"): s for s in report.get("speakers") or []}


def _quote_speaker_names(report: dict[str, Any]) -> list[str]:
    """The normalised speaker name of each quote, in order ("?slug" when the slug is unknown)."""
    speakers = _speakers_by_slug(report)
    names = []
    for quote in report.get("quotes") or []:
        slug = quote.get("speaker")
        names.append(norm(speakers[slug].get("name")) if slug in speakers else f"?{slug}")
    return names


def _check_speakers(report: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """Who speaks, how often the turn changes hands, and in what order."""
    problems = []
    quotes = report.get("quotes") or []
    order = _quote_speaker_names(report)
    speaking = set(order)
    wanted = {norm(name) for name in want["speakers"]}
    if speaking != wanted:
        extra, missing = sorted(speaking - wanted), sorted(wanted - speaking)
        problems.append(f"speakers: unexpected {extra}, missing {missing}")
    if len(quotes) != want["turns"]:
        problems.append(f"{len(quotes)} turns, expected {want['turns']}")
    if "speaker_order" in want:
        wanted_order = [norm(name) for name in want["speaker_order"]]
        if order != wanted_order:
            problems.append(
                f"speaker order differs from turn {_first_difference(order, wanted_order)}"
            )
    return problems


def _first_difference(got: list[str], wanted: list[str]) -> str:
    """Where two speaker sequences part, said the way an editor would look it up."""
    for i, (g, w) in enumerate(zip(got, wanted, strict=False)):
        if g != w:
            return f"{i + 1}: got {g}, expected {w}"
    shorter = min(len(got), len(wanted))
    return (
        f"{shorter + 1}: got {got[shorter : shorter + 1]}, expected {wanted[shorter : shorter + 1]}"
    )


def _check_roles(report: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """Roles where the file makes them knowable; at most one host whatever the file says."""
    problems = []
    speakers = report.get("speakers") or []
    for name, role in (want.get("roles") or {}).items():
        got = [s.get("role") for s in speakers if norm(s.get("name")) == norm(name)]
        if got != [role]:
            problems.append(f"role of {name}: {got}, expected {role}")
    hosts = [s.get("name") for s in speakers if s.get("role") == "host"]
    if len(hosts) > 1:
        problems.append(f"{len(hosts)} hosts {hosts}: an event has at most one")
    return problems


def _check_placeholders(report: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """Exactly the expected speaking speakers are flagged placeholder (names no one yet)."""
    if "placeholders" not in want:
        return []
    speaking = set(_quote_speaker_names(report))
    flagged = {
        norm(s.get("name"))
        for s in report.get("speakers") or []
        if s.get("placeholder") is True and norm(s.get("name")) in speaking
    }
    wanted = {norm(name) for name in want["placeholders"]}
    if flagged == wanted:
        return []
    return [
        f"placeholders: unexpected {sorted(flagged - wanted)}, missing {sorted(wanted - flagged)}"
    ]


def _check_starts(report: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """Each quote starts where its first label or cue does (within the tolerance)."""
    if "starts" not in want:
        return []
    got = [quote_start(q) for q in report.get("quotes") or []]
    wanted = want["starts"]
    bad = len(got) != len(wanted) or any(
        g is None or abs(g - w) > START_TOLERANCE for g, w in zip(got, wanted, strict=False)
    )
    return [f"start times {got}, expected {wanted}"] if bad else []


def _check_titles(found: list[str], wanted: list[str], what: str) -> list[str]:
    """Part or topic titles: same count, each expected title inside the one found."""
    found_n = [unicodedata.normalize("NFKC", t) for t in found]
    wanted_n = [unicodedata.normalize("NFKC", t) for t in wanted]
    if len(found_n) == len(wanted_n) and all(
        w in f for w, f in zip(wanted_n, found_n, strict=True)
    ):
        return []
    return [f"{what} {found}, expected {wanted}"]


def _check_structure(report: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """Title, date, parts and topics."""
    problems = []
    event = report.get("event") or {}
    if "title" in want:
        title = event.get("title") or ""
        if unicodedata.normalize("NFKC", want["title"]) not in unicodedata.normalize("NFKC", title):
            problems.append(f"title {title!r}, expected it to contain {want['title']!r}")
    if "date" in want and (event.get("date") or None) != want["date"]:
        problems.append(f"date {event.get('date')!r}, expected {want['date']!r}")
    if "parts" in want:
        titles = [p.get("title") or "" for p in report.get("sections") or []]
        problems += _check_titles(titles, want["parts"], "parts")
    if "topics" in want:
        titles = [
            f"{t.get('label') or ''} {t.get('title') or ''}".strip()
            for t in report.get("topics") or []
        ]
        problems += _check_titles(titles, want["topics"], "topics")
    return problems


def _check_text(report: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """What must stay out of the quotes, what must be kept in them, and nothing lost."""
    problems = []
    quotes = report.get("quotes") or []
    quote_text = "\n".join(q.get("text") or "" for q in quotes)
    whole = json.dumps(report, ensure_ascii=False)
    for text in (want.get("not_speech") or []) + (want.get("not_in_quotes") or []):
        if text in quote_text:
            problems.append(f"{text!r} is inside a quote")
    for text in want.get("not_speech") or []:
        if text not in whole:
            problems.append(
                f"{text!r} is lost: not in the report (nothing may be dropped silently)"
            )
    for text in want.get("in_quotes") or []:
        if text not in quote_text:
            problems.append(f"{text!r} is in no quote's text (a lost or misplaced paragraph)")
    as_json = [json.dumps(q, ensure_ascii=False) for q in quotes]
    for i, pair in enumerate(want.get("both_languages") or []):
        if i >= len(as_json) or not all(p in as_json[i] for p in pair):
            problems.append(f"quote {i + 1} lacks one language of {pair}")
    return problems


def _check_variants(report: dict[str, Any], want: dict[str, Any]) -> list[str]:
    """Each expected variant label is reported as merged into its frequent form. The report's
    `speaker` may be a slug (as quotes use) or a name; either is accepted."""
    problems = []
    speakers = _speakers_by_slug(report)
    reported = []
    for entry in report.get("variants") or []:
        speaker = entry.get("speaker")
        name = speakers[speaker].get("name") if speaker in speakers else speaker
        reported.append(
            (unicodedata.normalize("NFKC", entry.get("label") or "").strip(), norm(name))
        )
    for label, canonical in (want.get("variants") or {}).items():
        if (unicodedata.normalize("NFKC", label).strip(), norm(canonical)) not in reported:
            problems.append(f"variant {label!r} is not reported as merged into {canonical!r}")
    return problems


CHECKS = (
    _check_speakers,
    _check_roles,
    _check_placeholders,
    _check_starts,
    _check_structure,
    _check_text,
    _check_variants,
)


def compare(report: dict[str, Any], expected: dict[str, Any]) -> list[str]:
    """Human-readable differences between an import report and a case's expectation; an empty
    list means the import is exactly right."""
    if not isinstance(report, dict):
        return [f"the report is a {type(report).__name__}, not a JSON object"]
    problems = []
    for check in CHECKS:
        problems += check(report, expected)
    return problems
