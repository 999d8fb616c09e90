"""The import-accuracy corpus: every transcript in tests/data/corpus/ imports exactly as its
hand-reviewed expectation says.

The expectations were written by reading each file as an editor would, not by running the
importer (house style 18: a test never hard-codes what the code under test just produced). The
other tests here keep the corpus itself honest: it covers every transcript shape we promise to
read, each expectation is consistent and quotes its own file, and the comparison can fail.
`bench/import_accuracy.py` prints the same comparison as one line per case.
"""

from __future__ import annotations

import copy
import itertools
from typing import Any

import pytest

from .corpus_check import (
    EXPECTATION_KEYS,
    REQUIRED_SHAPES,
    Case,
    compare,
    list_cases,
    norm,
    run_case,
    source_text,
)

CASES = list_cases()
ROLES = {"host", "guest", "audience", "other"}
MIN_CASES = 32


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_case_imports_exactly(case: Case):
    """What an editor would see after importing this file: the right people, turns, times,
    parts and nothing of the page chrome or credits inside a quote."""
    report, problems = run_case(case)
    if report is not None:
        problems = compare(report, case.expected)
    assert problems == [], f"{case.name}: " + "; ".join(problems)


def test_corpus_covers_every_shape():
    """Each shape of transcript we promise to read is judged by at least one case."""
    assert len(CASES) >= MIN_CASES
    covered = set().union(*(set(c.expected.get("shapes", [])) for c in CASES))
    assert sorted(REQUIRED_SHAPES - covered) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_expectation_is_well_formed(case: Case):
    """An expectation is reviewed and self-consistent: a wrong count here would make the corpus
    judge the importer wrongly."""
    want = case.expected
    assert set(want) <= EXPECTATION_KEYS, f"unknown keys {set(want) - EXPECTATION_KEYS}"
    assert len(want.get("_note", "")) > 40, "say what the file tests and how the turns were counted"
    assert want["shapes"] and set(want["shapes"]) <= REQUIRED_SHAPES
    assert ("timestamps" in want["shapes"]) == ("starts" in want)
    assert ("no-timestamps" in want["shapes"]) != ("timestamps" in want["shapes"])
    speakers = {norm(name) for name in want["speakers"]}
    if "speaker_order" in want:
        assert len(want["speaker_order"]) == want["turns"]
        assert {norm(name) for name in want["speaker_order"]} == speakers
    if "starts" in want:
        assert len(want["starts"]) == want["turns"]
        assert want["starts"] == sorted(want["starts"])
    assert {norm(name) for name in want.get("placeholders", [])} <= speakers
    assert {norm(name) for name in want.get("roles", {})} <= speakers
    assert set(want.get("roles", {}).values()) <= ROLES
    assert list(want.get("roles", {}).values()).count("host") <= 1
    assert {norm(name) for name in want.get("variants", {}).values()} <= speakers
    assert len(want.get("both_languages", [])) <= want["turns"]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_expectation_quotes_the_file(case: Case):
    """Every string an expectation names is really in the file, so a typo cannot turn a check
    into one that always passes."""
    text = source_text(case)
    squeezed = norm(text)
    want = case.expected
    strings = (
        want.get("not_speech", [])
        + want.get("not_in_quotes", [])
        + want.get("in_quotes", [])
        + want.get("parts", [])
        + want.get("topics", [])
        + [s for pair in want.get("both_languages", []) for s in pair]
        + list(want.get("variants", {}))
    )
    if want.get("title") and want["title"] != case.stem:
        strings.append(want["title"])
    missing = [s for s in strings if s not in text]
    assert missing == []
    assert [n for n in want["speakers"] if norm(n) not in squeezed] == []
    # the report's JSON escapes these, so a string holding them could never be found there
    searched_as_json = want.get("not_speech", []) + [
        s for pair in want.get("both_languages", []) for s in pair
    ]
    assert [s for s in searched_as_json if '"' in s or "\\" in s] == []


def ideal_report(case: Case) -> dict[str, Any]:
    """The report a perfect importer would give, built from the expectation alone. If the
    comparison rejects it, the expectation contradicts itself (a string both required in and
    banned from the quotes, say)."""
    want = case.expected
    names = list(want["speakers"])
    slugs = {norm(name): f"s{i}" for i, name in enumerate(names)}
    roles = {norm(k): v for k, v in want.get("roles", {}).items()}
    flagged = {norm(name) for name in want.get("placeholders", [])}
    order = want.get("speaker_order") or list(
        itertools.islice(itertools.cycle(names), want["turns"])
    )
    pairs = want.get("both_languages", [])
    quotes = []
    for i, name in enumerate(order):
        pair = pairs[i] if i < len(pairs) else ["", ""]
        quotes.append(
            {
                "number": i + 1,
                "speaker": slugs[norm(name)],
                "text": "\n".join(want.get("in_quotes", [])) if i == 0 else pair[0],
                "translation": pair[1],
                "start": want["starts"][i] if "starts" in want else None,
            }
        )
        if i == 0 and pair[0]:
            quotes[0]["text"] += "\n" + pair[0]
    return {
        "event": {"title": want.get("title", case.stem), "date": want.get("date")},
        "speakers": [
            {
                "name": name,
                "slug": slugs[norm(name)],
                "role": roles.get(norm(name), "guest"),
                "placeholder": norm(name) in flagged,
            }
            for name in names
        ],
        "sections": [{"number": i + 1, "title": t} for i, t in enumerate(want.get("parts", []))],
        "topics": [{"number": i + 1, "title": t} for i, t in enumerate(want.get("topics", []))],
        "quotes": quotes,
        "dropped": [{"line": 0, "text": t, "reason": "ideal"} for t in want.get("not_speech", [])],
        "variants": [
            {"label": label, "speaker": slugs[norm(canonical)], "turns": 1}
            for label, canonical in want.get("variants", {}).items()
        ],
    }


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_expectation_is_satisfiable(case: Case):
    """A perfect import of this case passes, so a MISS always points at the importer."""
    assert compare(ideal_report(case), case.expected) == []


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_compare_notices_a_lost_turn(case: Case):
    """The comparison can fail: dropping the last turn of a perfect import is caught."""
    report = ideal_report(case)
    report["quotes"].pop()
    assert compare(report, case.expected) != []


def test_compare_notices_wrong_speaker_role_time_and_leak():
    """One perfect report, four plausible mistakes, each named in the problems."""
    case = next(c for c in CASES if "starts" in c.expected and c.expected.get("not_in_quotes"))
    base = ideal_report(case)

    wrong_speaker = copy.deepcopy(base)
    wrong_speaker["speakers"][0]["name"] = "某人"
    wrong_time = copy.deepcopy(base)
    wrong_time["quotes"][-1]["start"] += 5
    leak = copy.deepcopy(base)
    leak["quotes"][0]["text"] += case.expected["not_in_quotes"][0]
    two_hosts = copy.deepcopy(base)
    for speaker in two_hosts["speakers"]:
        speaker["role"] = "host"

    assert any("speakers" in p for p in compare(wrong_speaker, case.expected))
    assert any("start times" in p for p in compare(wrong_time, case.expected))
    assert any("inside a quote" in p for p in compare(leak, case.expected))
    assert any("at most one" in p for p in compare(two_hosts, case.expected))


def test_compare_reports_missing_keys_without_crashing():
    """An importer that gives no `start`, `placeholder` or `variants` yet gets a clean MISS."""
    case = max(CASES, key=lambda c: len(c.expected))
    problems = compare({"quotes": [{"text": "x"}], "speakers": []}, case.expected)
    assert problems
    assert compare([], case.expected) == ["the report is a list, not a JSON object"]
