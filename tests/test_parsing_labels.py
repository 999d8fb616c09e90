"""The label grammar: what reads as a speaker label, and which labels name real speakers."""

from __future__ import annotations

import pytest

from transcripts.parsing.labels import find_roster, is_credit, read_label
from transcripts.parsing.transcript import Speaker


@pytest.mark.parametrize(
    ("line", "name", "role", "timestamp", "seat"),
    [
        ("王芳：你好", "王芳", None, "", None),
        ("王芳 : 你好", "王芳", None, "", None),
        ("王芳（主持）：欢迎", "王芳", "host", "", None),
        ("王芳(主持人):欢迎", "王芳", "host", "", None),
        ("王芳 (00:01:02)：嗯", "王芳", None, "00:01:02", None),
        ("[00:01:02] 王芳：嗯", "王芳", None, "00:01:02", None),
        ("提問者2：請問", "提問者2", "audience", "", 2),
        ("提问者 1：请问", "提问者1", "audience", "", 1),
        ("问：为什么？", "问", "host", "", None),
        ("答：因为。", "答", "guest", "", None),
        ("Alice Chen: hi", "Alice Chen", None, "", None),
    ],
)
def test_labels_are_read(line, name, role, timestamp, seat):
    label = read_label(line)
    assert (label.name, label.role, label.timestamp, label.seat) == (name, role, timestamp, seat)


@pytest.mark.parametrize(
    "line",
    [
        "他说：好",
        "她說：好",
        "原因是：太忙",
        "http://example.com",
        "2024年5月1日：晴",
        "时间：下午",
    ],
)
def test_sentence_fragments_are_not_labels(line):
    assert read_label(line) is None


@pytest.mark.parametrize(
    "line", ["摄影：张三", "編輯：李四", "来源：知乎", "（图：王五）", "Source: blog"]
)
def test_credit_lines_are_never_speakers(line):
    assert is_credit(line)
    assert find_roster([line, line]) == {}


def test_a_name_must_repeat_unless_it_is_a_role_word_or_declared():
    roster = find_roster(["李明：一", "赵雪：二", "李明：三", "主持人：四"])
    assert set(roster) == {"李明", "主持人"}
    declared = find_roster(["赵雪：二"], [Speaker("赵雪", role="guest")])
    assert set(declared) == {"赵雪"}


def test_a_bracketed_role_holds_for_later_plain_labels_and_role_words():
    roster = find_roster(["王芳（主持）：欢迎", "王芳：好", "主持人：谢谢"])
    assert roster["王芳"].role == "host"
    assert roster["主持人"] is roster["王芳"]


def test_interview_labels_map_to_the_one_declared_speaker_of_their_role():
    declared = [Speaker("记者甲", role="host"), Speaker("老周", role="guest")]
    roster = find_roster(["问：一", "答：二"], declared)
    assert (roster["问"].name, roster["答"].name) == ("记者甲", "老周")


def test_a_recurring_sentence_before_a_colon_is_not_a_speaker():
    """Found by the format benchmark: a sentence that recurs before a colon became a speaker."""
    paragraphs = [
        "主持人：请谈谈。",
        "这个问题我觉得分为几个层面：第一,资源。",
        "张三：我同意。",
        "这个问题我觉得分为几个层面：第二,人才。",
        "张三：谢谢。",
    ]
    assert set(find_roster(paragraphs)) == {"主持人", "张三"}
