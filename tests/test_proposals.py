"""Proposals for a raw speech-recognition import: where its topics change (TextTiling over the
turns, titled by their distinctive nouns) and who its placeholder speakers are (self-
introductions, hand-offs, the intro's guest list). The pure algorithms are tested on plain
text; `propose(event)` once through the database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from django.core.cache import cache

from transcripts import proposals
from transcripts.event_import import event_import
from transcripts.models import Quote
from transcripts.parsing import load
from transcripts.proposals import naming, tiling

DATA = Path(__file__).parent / "data" / "proposals"
FILES = sorted(p.stem for p in DATA.glob("*.txt"))


def transcript(stem: str):
    (parsed,) = load((DATA / f"{stem}.txt").read_bytes())
    expected = json.loads((DATA / f"{stem}.expected.json").read_text(encoding="utf-8"))
    return parsed, expected


def test_there_are_enough_varied_transcripts():
    assert len(FILES) >= 6
    shifts = [len(transcript(stem)[1]["boundaries"]) for stem in FILES]
    assert 0 in shifts and max(shifts) >= 3


# Names ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("大家好，我是王明，欢迎来到今天的沙龙。", "王明"),
        ("我叫李华。", "李华"),
        ("我是来自深圳一家机器人公司的孙悦，做仓储机器人。", "孙悦"),
        ("我是今天的主持人陈静。", "陈静"),
        ("我是北京一所中学的数学老师宋佳。", "宋佳"),
        ("大家好我是周婷今天很高兴", "周婷"),
        ("我叫 Alice Wang，在一家外企工作。", "Alice Wang"),
        ("我是欧阳娜娜。", "欧阳娜娜"),
        ("我是说这个问题没那么简单。", None),
        ("我是觉得前半部分有点慢。", None),
        ("我是做推荐系统的。", None),
        ("我是王明的学生。", None),
        ("我是高中老师。", None),
        ("我是 Google 的工程师。", None),
    ],
)
def test_a_self_introduction_names_only_a_name(text, name):
    assert naming.self_introduction(text) == name


@pytest.mark.parametrize(
    ("said", "name"),
    [("王老师", "王明"), ("那王老师", "王明"), ("知远老师", "刘知远"), ("李总", "李华")],
)
def test_a_form_of_address_is_completed_from_the_known_names(said, name):
    assert naming.address(said, ["王明", "刘知远", "李华"]) == name


def test_a_surname_alone_stays_a_form_of_address_and_nobody_is_no_name():
    assert naming.address("吴老师", ["王明"]) == "吴老师"
    assert naming.address("王老师", ["王明", "王芳"]) == "王老师"  # two fit: no guess
    assert naming.address("大家", ["王明"]) is None
    assert naming.address("主持人", ["王明"]) is None


def test_thanks_name_the_previous_speaker_and_invitations_the_next():
    turns = [
        ("说话人1", "欢迎大家。下面有请李华给我们讲讲。"),
        ("说话人2", "谢谢主持人。我先讲讲数据。"),
        ("说话人1", "谢谢李华的分享。王老师您怎么看？"),
        ("说话人3", "我同意。"),
    ]
    found = naming.propose_names(turns, {"说话人1", "说话人2", "说话人3"}, intro="嘉宾：王明、李华")
    assert {label: e.name for label, e in found.items()} == {"说话人2": "李华", "说话人3": "王明"}
    assert found["说话人2"].turn == 1 and "有请李华" in found["说话人2"].reason


def test_only_placeholders_get_names_and_no_name_goes_twice():
    turns = [("王明", "我是王明。"), ("说话人1", "谢谢王老师，我是李华。")]
    turns.append(("说话人2", "我叫李华。"))
    found = naming.propose_names(turns, {"说话人1", "说话人2"}, names=["王明"])
    assert set(found) == {"说话人1"} and found["说话人1"].name == "李华"


def test_the_last_guest_of_the_intro_goes_to_the_last_placeholder():
    turns = [("说话人1", "我是主持人陈静，今天聊聊芯片。"), ("说话人2", "芯片很难做。")]
    found = naming.propose_names(turns, {"说话人1", "说话人2"}, intro="嘉宾：赵磊；主持人：陈静")
    assert found["说话人2"].name == "赵磊" and found["说话人2"].reason == "简介中唯一未对应的嘉宾"


# Topics ---------------------------------------------------------------------------------------


def test_two_subjects_are_split_where_they_change_and_one_subject_is_not():
    coffee = [["咖啡豆", "烘焙", "手冲", "咖啡", "萃取", "水温"]] * 6
    bikes = [["自行车", "骑行", "头盔", "车道", "通勤", "单车"]] * 6
    assert [start for start, _ in tiling.boundaries(coffee + bikes)] == [6]
    assert tiling.boundaries(coffee + coffee) == []


def test_a_topic_lasts_at_least_three_turns():
    a, b = [["咖啡", "咖啡豆", "烘焙"]], [["自行车", "骑行", "头盔"]]
    assert tiling.boundaries(a * 4 + b * 2 + a * 4) == []


def test_a_title_is_the_stretchs_most_distinctive_nouns():
    idf = {"咖啡": 2.0, "咖啡豆": 2.5, "问题": 0.5, "水温": 2.0}.get
    nouns = ["问题", "问题", "问题", "咖啡", "咖啡", "咖啡豆", "咖啡豆", "水温"]
    assert tiling.title(nouns, lambda w: idf(w, 1.0)) == "咖啡豆、咖啡、问题"


@pytest.mark.parametrize("stem", FILES)
def test_the_proposals_on_the_hand_written_transcripts(stem):
    """Measured in bench/proposal_bench.py: every true boundary within ±1 turn, no false one,
    every name right. A regression shows here first."""
    parsed, expected = transcript(stem)
    turns = [proposals.read_turn(t.text) for t in parsed.turns]
    found = proposals.segment(turns, lambda word: 1.0)
    starts = [parsed.turns[start].number for start, _, _ in found[1:]]
    assert len(starts) == len(expected["boundaries"])
    assert all(abs(s - t) <= 1 for s, t in zip(starts, expected["boundaries"], strict=True))
    placeholders = {s.name for s in parsed.speakers if s.placeholder}
    said = [(t.speaker, t.text) for t in parsed.turns]
    names = naming.propose_names(said, placeholders, intro=parsed.intro)
    assert {k: e.name for k, e in names.items()} == {
        k: v for k, v in expected["names"].items() if v
    }


# Through the database --------------------------------------------------------------------------


@pytest.mark.django_db
def test_propose_reads_a_raw_import_and_changes_nothing():
    cache.clear()
    parsed, _ = transcript("ai_panel_guest_list")
    event = event_import(transcript=parsed).event
    quotes = {q.position: q for q in Quote.objects.filter(event=event)}
    before = list(Quote.objects.values_list("id", "text", "speaker_id", "topic_id"))
    result = proposals.propose(event)
    assert [b.before_quote_id for b in result.boundaries] == [
        quotes[1].pk,
        quotes[7].pk,
        quotes[13].pk,
    ]
    assert result.boundaries[0].score == 0 and all(b.score > 0 for b in result.boundaries[1:])
    assert "开源" in result.boundaries[1].title
    named = {p.speaker_id: p for p in result.names}
    assert {p.name for p in result.names} == {"陈静", "王明", "李华"}
    host = named[quotes[1].speaker_id]
    assert host.name == "陈静" and host.quote_id == quotes[1].pk
    assert host.reason == "第1段自我介绍：我是今天的主持人陈静"
    assert list(Quote.objects.values_list("id", "text", "speaker_id", "topic_id")) == before
