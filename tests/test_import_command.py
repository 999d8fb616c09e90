"""`import_event`: the seed imports exactly, once; replace, dry run and bad input behave, and a
failed import leaves the database exactly as it was."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace

import pytest
from django.core.management.base import CommandError

from transcripts import parsing
from transcripts.event_import import event_import
from transcripts.models import Event, Participation, Quote, Section, Speaker, Topic
from transcripts.parsing import Turn
from transcripts.parsing.transcript import Dropped, Variant

from .conftest import DATA, DEMO, SEED, contains_whole, export_all, run_command
from .factories import recorded_transcript

pytestmark = pytest.mark.django_db

ROBOTICS = DATA / "zhihu_robotics_roundtable.txt"


def _counts():
    return {
        m.__name__: m.objects.count()
        for m in (Event, Speaker, Participation, Section, Topic, Quote)
    }


def test_seed_import_gives_the_event_a_careful_reader_sees():
    out, _ = run_command("import_event", str(SEED))
    event = Event.objects.get()
    assert "created 'da-mo-xing-xun-lian-he-jin-hua-zhi-lu'" in out
    assert event.title == "大模型训练和进化之路" and event.series == "AI 盐沙龙"
    assert event.published is False  # a raw import waits for an editor
    assert event.sections.get(number=1).title == "从业者的感悟"
    assert event.topics.count() == 9
    per_role = Counter(Quote.objects.values_list("speaker__participations__role", flat=True))
    assert per_role == {"host": 22, "guest": 43, "audience": 5}
    host = Participation.objects.get(event=event, role="host")
    assert host.speaker.name == "溪亭日暮" and host.bio.startswith("CCF 杰出会员")
    assert Speaker.objects.get(name="刘知远").slug == "liuzhiyuan"
    assert Speaker.objects.get(name="刘知远").handle == "zibuyu9"
    q3 = Topic.objects.get(label="Q3")
    assert q3.section.number == 5
    assert [q.speaker.name for q in q3.quotes.order_by("number")] == ["观众", "张俊林", "刘知远"]


def test_the_import_reports_glued_headings_for_an_editor():
    out, _ = run_command("import_event", str(SEED))
    assert out.count("warning: part") == 3
    assert "百模大战" in out


def test_importing_the_same_file_again_is_a_no_op_that_says_so():
    run_command("import_event", str(SEED))
    before = export_all()
    out, _ = run_command("import_event", str(SEED))
    assert "already imported" in out and "nothing changed" in out
    assert export_all() == before


def test_replace_reimports_in_place_keeping_numbers_and_editors_tags():
    run_command("import_event", str(SEED))
    event = Event.objects.get()
    quote = event.quotes.get(number=17)
    quote.tags.add("乐观")
    before = export_all()
    out, _ = run_command("import_event", str(SEED), "--replace")
    assert "replaced" in out
    assert Event.objects.get().pk == event.pk
    after = export_all()
    # the same event, changed just now (a text file says nothing of when: its pages get a new
    # version; our JSON export does say, tests/test_backup.py)
    assert after[0]["event"].pop("updated") > before[0]["event"].pop("updated")
    assert after == before
    assert list(Quote.objects.get(number=17).tags.names()) == ["乐观"]


def test_a_changed_source_with_the_same_title_needs_replace(tmp_path):
    run_command("import_event", str(SEED))
    edited = tmp_path / "edited.txt"
    edited.write_text(
        SEED.read_text(encoding="utf-8").replace("我也一样。", "我也一样,差不多。"),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match=r"already exists.*--replace"):
        run_command("import_event", str(edited))
    run_command("import_event", str(edited), "--replace")
    assert Quote.objects.filter(text="我也一样,差不多。").count() == 1
    assert Event.objects.count() == 1


def test_dry_run_writes_nothing_and_reports_json_on_stdout_only():
    out, err = run_command("import_event", str(SEED), "--dry-run", "--report", "json")
    assert _counts() == dict.fromkeys(_counts(), 0)
    report = json.loads(out)
    assert report["event"]["title"] == "大模型训练和进化之路"
    assert len(report["quotes"]) == 70
    assert [w["code"] for w in report["warnings"]].count("glued-heading") == 3
    assert "dry run" in err


def test_report_json_for_a_real_import_matches_the_export():
    out, _ = run_command("import_event", str(ROBOTICS), "--report", "json")
    reported, (exported,) = json.loads(out), export_all()
    for key in ("sections", "topics", "quotes"):
        assert reported[key] == exported[key]


def test_two_events_share_people_but_not_quotes_nor_their_audience():
    run_command("import_event", str(SEED))
    run_command("import_event", str(ROBOTICS))
    assert Event.objects.count() == 2
    # 观众 names no one: each event's audience is its own placeholder speaker
    audiences = Speaker.objects.filter(name="观众")
    assert audiences.count() == 2 and all(a.placeholder for a in audiences)
    assert [a.participations.count() for a in audiences] == [1, 1]
    assert Quote.objects.filter(event__slug__startswith="ju-shen").count() == 14
    assert list(
        Quote.objects.filter(event__slug__startswith="ju-shen").values_list("number", flat=True)
    ) == list(range(1, 15))


def test_same_name_with_another_handle_is_another_person(tmp_path):
    run_command("import_event", str(ROBOTICS))
    other = tmp_path / "other.txt"
    other.write_text(
        "另一场圆桌|测试实录\n\n发表于:\n\n嘉宾介绍@chenmo2 陈默:另一位陈默,诗人"
        "主持人 @青山 :主持人一、开场主持人:请讲。陈默:我是另一个陈默。\n",
        encoding="utf-8",
    )
    run_command("import_event", str(other))
    assert sorted(Speaker.objects.filter(name="陈默").values_list("slug", "handle")) == [
        ("chenmo", "chenmo"),
        ("chenmo-2", "chenmo2"),
    ]
    assert Speaker.objects.filter(name="青山").count() == 1  # same handle: same person


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (bytes(range(256)) * 8, "binary"),
        (b"\xff\xfe\x00\xd8garbage\x00\x00", "UTF-16"),
        ("这是一段没有任何发言人的文字。只是一段话。\n".encode(), "no speaker turns"),
        (b'{"event": {"title": "x"}, "quotes": [', "invalid JSON"),
    ],
)
def test_bad_input_is_one_clear_error_and_changes_nothing(tmp_path, content, message):
    run_command("import_event", str(SEED))
    before = export_all()
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    with pytest.raises(CommandError, match=message) as caught:
        run_command("import_event", str(bad))
    assert str(caught.value).startswith(str(bad))
    assert "\n" not in str(caught.value)
    assert export_all() == before


def test_a_missing_file_is_named(tmp_path):
    with pytest.raises(CommandError, match=r"missing\.txt: no such file"):
        run_command("import_event", str(tmp_path / "missing.txt"))


def test_a_failure_half_way_rolls_the_whole_event_back(monkeypatch):
    """Speakers, sections and topics written before the failure disappear with it."""
    run_command("import_event", str(ROBOTICS))
    before, counts = export_all(), _counts()

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(Quote.objects, "bulk_create", explode)
    with pytest.raises(RuntimeError):
        run_command("import_event", str(SEED))
    assert _counts() == counts and export_all() == before


def test_one_bad_file_among_good_ones_fails_only_itself(tmp_path):
    bad = tmp_path / "empty.txt"
    bad.write_bytes(b"")
    with pytest.raises(CommandError, match="empty"):
        run_command("import_event", str(SEED), str(bad), str(ROBOTICS))
    assert Event.objects.count() == 2


def test_the_curated_demo_event_loads_published_with_twelve_topics():
    run_command("import_event", str(DEMO))
    event = Event.objects.get()
    assert event.published
    assert event.topics.count() == 12 and event.sections.count() == 5
    assert event.sections.get(number=2).title == "现状:行业现象与技术水平"
    assert event.topics.get(number=1).title == "百模大战"
    q3 = event.topics.get(label="Q3")
    assert q3.quotes.count() == 3
    assert q3.quotes.filter(speaker__slug="zhangjunlin").count() == 1
    assert Quote.objects.filter(speaker__slug="zhangjunlin").count() == 13


def test_a_folder_imports_every_file_and_a_bad_one_fails_alone(tmp_path):
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "a-seed.txt").write_bytes(SEED.read_bytes())
    (folder / "b-broken.txt").write_bytes(b"\x00\x01binary")
    (folder / "c-robotics.txt").write_bytes(ROBOTICS.read_bytes())
    from io import StringIO

    from django.core.management import call_command

    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError, match=r"b-broken\.txt"):
        call_command("import_event", str(folder), stdout=out, stderr=err)
    assert Event.objects.count() == 2
    assert contains_whole(out.getvalue(), "3 files: 2 imported or unchanged, 1 failed")
    assert "b-broken.txt: failed" in err.getvalue()


# What the importer decided ------------------------------------------------------------------


@pytest.fixture
def decided(monkeypatch):
    """The seed as the new parser reports it: a merged label variant and three dropped lines
    (built here, not parsed: the parser is tested on its own)."""
    (seed,) = parsing.load(SEED.read_bytes())
    transcript = replace(
        seed,
        variants=(Variant(label="刘知远远", speaker="刘知远", turns=2),),
        dropped=(
            Dropped(line=3, text="图源:网络", reason="caption"),
            Dropped(line=480, text="点击关注", reason="promotion"),
            Dropped(line=481, text="长按二维码", reason="promotion"),
        ),
    )
    monkeypatch.setattr(parsing, "load", lambda *args, **kwargs: [transcript])
    return transcript


def test_the_import_says_what_it_merged_left_out_and_left_unnamed(decided):
    out, _ = run_command("import_event", str(SEED))
    assert "created 'da-mo-xing-xun-lian-he-jin-hua-zhi-lu'" in out
    assert "  待命名: 观众\n" in out
    assert "  merged: 刘知远远 → 刘知远 (2 turns)\n" in out
    assert "  dropped 3 lines: caption 1, promotion 2\n" in out


def test_the_dry_run_says_the_same_and_writes_nothing(decided):
    out, _ = run_command("import_event", str(SEED), "--dry-run")
    assert "dry run, nothing written" in out
    assert "待命名: 观众" in out and "merged: 刘知远远 → 刘知远 (2 turns)" in out
    assert contains_whole(out, "dropped 3 lines: caption 1, promotion 2")
    assert _counts() == dict.fromkeys(_counts(), 0)


def test_the_json_report_lists_dropped_lines_and_variants(decided):
    out, err = run_command("import_event", str(SEED), "--dry-run", "--report", "json")
    report = json.loads(out)
    assert report["dropped"] == [
        {"line": 3, "text": "图源:网络", "reason": "caption"},
        {"line": 480, "text": "点击关注", "reason": "promotion"},
        {"line": 481, "text": "长按二维码", "reason": "promotion"},
    ]
    assert report["variants"] == [{"label": "刘知远远", "speaker": "刘知远", "turns": 2}]
    assert {s["name"]: s["placeholder"] for s in report["speakers"]}["观众"] is True
    assert "待命名: 观众" in err  # the human lines go to stderr, stdout is only the JSON


def test_a_clean_import_says_nothing_about_merges_or_dropped_lines(tmp_path):
    out, _ = run_command("import_event", str(DEMO))
    assert "merged:" not in out and "dropped" not in out


def test_a_word_file_reaches_the_parser_as_bytes(tmp_path, monkeypatch):
    """.docx is a zip: the command hands the parser the file's bytes, never decoded text."""
    original, seen = parsing.load, []

    def load(data, **kwargs):
        seen.append(data)
        return original(DEMO.read_bytes(), **kwargs)

    docx = tmp_path / "访谈.docx"
    docx.write_bytes(b"PK\x03\x04\x14\x00\x06\x00" + bytes(range(256)))
    monkeypatch.setattr(parsing, "load", load)
    run_command("import_event", str(docx))
    assert seen == [docx.read_bytes()]
    assert Event.objects.count() == 1


def test_impossible_times_from_a_parser_are_left_out_not_refused():
    """The JSON reader refuses them; another parser's slip costs the time, not the import."""
    said = (
        Turn(1, "说话人1", "一。", start=10.0, end=4.0),
        Turn(2, "说话人2", "二。", start=-3.0, end=1.0),
        Turn(3, "王明", "三。", start=float("nan")),
    )
    event = event_import(transcript=recorded_transcript(turns=said)).event
    assert list(event.quotes.values_list("start_time", "end_time")) == [
        (10.0, None),
        (None, 1.0),
        (None, None),
    ]
