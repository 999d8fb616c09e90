"""The commands as an operator runs them: exit codes, one-line errors, no tracebacks."""

from __future__ import annotations

import json

import pytest

from .conftest import DEMO, SEED


@pytest.fixture(scope="module")
def imported(cli):
    result = cli("import_event", str(SEED))
    assert result.returncode == 0, result.stderr
    return json.loads(cli("export_event").stdout)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty.txt", b""),
        ("binary.txt", bytes(range(256)) * 16),
        ("undecodable.txt", b"\xff\xfe\x00\xd8garbage\x00\x00"),
        ("nospeakers.txt", "这是一段没有任何发言人的文字。只是一段话。\n".encode()),
        ("missing.txt", None),
    ],
)
def test_bad_input_exits_1_with_one_line_naming_the_file(cli, imported, tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    result = cli("import_event", str(path))
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and name in lines[0]
    assert "Traceback" not in result.stderr
    assert json.loads(cli("export_event").stdout) == imported


def test_export_is_accepted_by_import_and_round_trips(cli, imported, tmp_path):
    exported = tmp_path / "all.json"
    exported.write_text(json.dumps(imported, ensure_ascii=False), encoding="utf-8")
    again = cli("import_event", str(exported), "--replace")
    assert again.returncode == 0, again.stderr
    assert json.loads(cli("export_event").stdout) == imported


def test_export_of_an_unknown_slug_fails_clearly(cli, imported):
    result = cli("export_event", "no-such-event")
    assert result.returncode == 1
    assert "no event with slug 'no-such-event'" in result.stderr


def test_report_json_keeps_stdout_pure_json(cli):
    result = cli("import_event", str(DEMO), "--dry-run", "--report", "json")
    assert result.returncode == 0
    assert json.loads(result.stdout)["event"]["slug"] == "da-mo-xing-xun-lian-he-jin-hua-zhi-lu"
