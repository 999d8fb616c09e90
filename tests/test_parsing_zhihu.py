"""The Zhihu one-line dump: the seed exactly, and a transcript written here that shares nothing
with the seed but its format (other names, numbers, colon widths and headings)."""

from __future__ import annotations

import json
import re
from collections import Counter

import pytest

from transcripts.event_export import report
from transcripts.parsing import ParseError, parse
from transcripts.parsing.zhihu import looks_like

from .conftest import DATA

ROBOTICS = DATA / "zhihu_robotics_roundtable.txt"


@pytest.fixture(scope="module")
def seed(request):
    from .conftest import SEED

    return parse(SEED.read_text(encoding="utf-8"))


def test_seed_matches_the_reviewed_golden_report(seed_path):
    """The whole parsed seed (every quote's text and place) is pinned by a reviewed golden file."""
    from transcripts.parsing import load

    expected = json.loads((DATA / "demo-event-raw.expected.json").read_text(encoding="utf-8"))
    assert report(load(seed_path.read_bytes())[0]) == expected


def test_seed_event_metadata(seed):
    assert seed.title == "大模型训练和进化之路"
    assert seed.series == "AI 盐沙龙"
    assert seed.date is None  # the dump says 发表于: with no date
    assert seed.organizer == "知乎科技"
    assert (seed.source_name, seed.source_url) == ("知乎", "https://www.zhihu.com")
    assert seed.intro.startswith("国内百模大战竞争激烈")
    assert seed.intro.endswith("分享给各位知友共同交流。")


def test_seed_parts(seed):
    titles = [p.title for p in seed.parts]
    assert [p.number for p in seed.parts] == [1, 2, 3, 4, 5]
    for title, start in zip(
        titles,
        [
            "从业者的感悟",
            "现状:行业现象与技术水平",
            "应用:发展方向与落地选择",
            "发展趋势:行业未来与个人职业规划",
            "现场观众问答",
        ],
        strict=True,
    ):
        assert title.startswith(start)


def test_seed_topics_and_audience_questions(seed):
    assert [(t.title, t.part) for t in seed.topics if not t.label] == [
        ("国内大模型的水平", 2),
        ("大模型的边界在哪里", 2),
        ("重构还是融合", 3),
        ("个人如何在大模型时代自处", 4),
    ]
    assert [(t.label, t.title) for t in seed.topics if t.label] == [
        ("Q1", "如何将大模型应用至广告、推荐算法"),
        ("Q2", "面对大量前沿文献如何管理时间"),
        ("Q3", "如何评估基座模型"),
        ("Q4", "学生的未来规划"),
        ("Q5", "通用人工智能的实现"),
    ]
    assert [t.number for t in seed.topics] == list(range(1, 10))


def test_seed_glued_headings_are_kept_and_reported(seed):
    glued = [w for w in seed.warnings if w.code == "glued-heading"]
    assert len(glued) == 3
    for part, heading in [(2, "百模大战"), (3, "大模型与小模型能否结合"), (4, "大模型的未来趋势")]:
        assert seed.parts[part - 1].title.endswith(heading)
        assert any(heading in w.message for w in glued)


def test_seed_turn_counts_per_speaker(seed):
    roles = {s.name: s.role for s in seed.speakers}
    by_speaker = Counter(t.speaker for t in seed.turns)
    assert len(seed.turns) == 70
    assert [t.number for t in seed.turns] == list(range(1, 71))
    assert by_speaker == {
        "溪亭日暮": 22,
        "张俊林": 13,
        "刘知远": 12,
        "尤洋": 10,
        "杨军": 8,
        "观众": 5,
    }
    assert roles["溪亭日暮"] == "host" and roles["观众"] == "audience"
    assert {roles[name] for name in ("张俊林", "刘知远", "尤洋", "杨军")} == {"guest"}


def test_seed_guest_list(seed):
    host = seed.speaker("溪亭日暮")
    assert host.bio == "CCF 杰出会员,科技盐究员,人工智能话题优秀答主"
    assert seed.speaker("刘知远").handle == "zibuyu9"
    assert seed.speaker("刘知远").bio.startswith("清华大学计算机系长聘副教授")
    assert (
        seed.speaker("张俊林").bio == "新浪微博新技术研发负责人,自然语言处理、深度学习话题优秀答主"
    )


def test_seed_quote_boundaries(seed, seed_text):
    first, last_yang = seed.turns[0], [t for t in seed.turns if t.speaker == "杨军"][-1]
    assert first.text.startswith("尤老师和刘老师都是学者")
    assert last_yang.text.endswith("这是我的认识。")
    stage = [t for t in seed.turns if "(观众:笑)" in t.text]
    assert len(stage) == 1 and stage[0].text.endswith("OKR ?(观众:笑)")
    assert stage[0].stage_directions == ("(观众:笑)",)
    assert all(t.text.strip("()（）") != "观众:笑" for t in seed.turns)


def test_seed_every_quote_is_the_source_text_between_its_label_and_the_next_boundary(
    seed, seed_text
):
    label = r"(?:主持人|观众|尤洋|刘知远|杨军|张俊林)\s*[:：]"
    cursor = 0
    for turn in seed.turns:
        at = seed_text.find(turn.text, cursor)
        assert at >= 0, f"quote {turn.number} is not verbatim"
        assert re.search(label + r"\s*$", seed_text[max(0, at - 8) : at]), turn.number
        following = seed_text[at + len(turn.text) : at + len(turn.text) + 30]
        assert re.match(
            r"\s*(?:"
            + label
            + r"|[一二三四五]、|Q\d[:：]|观众大合影|"
            + "|".join(t.title for t in seed.topics if not t.label)
            + ")",
            following,
        ), (turn.number, following)
        cursor = at + len(turn.text)


def test_robotics_transcript_written_here():
    """Nothing in the parser is tied to the seed: other names, handles, colon widths, spaces
    before colons, a part title with a full-width colon, one glued heading, parts 一..三."""
    t = parse(ROBOTICS.read_text(encoding="utf-8"))
    assert (t.title, t.series, t.date.isoformat()) == (
        "具身智能圆桌:机器人何时走进家庭",
        "硅与碳沙龙",
        "2024-05-18",
    )
    assert (t.organizer, t.source_name) == ("星河科技", "硅与碳")
    assert [(s.name, s.role, s.handle) for s in t.speakers] == [
        ("陈默", "guest", "chenmo"),
        ("李娜", "guest", "李娜"),
        ("王磊", "guest", "王磊"),
        ("青山", "host", "青山"),
        ("观众", "audience", ""),
    ]
    assert t.speaker("李娜").bio == "北京某大学自动化系副教授,研究方向为机器人学习、强化学习"
    assert [p.title for p in t.parts] == [
        "开场：机器人为什么难",
        "数据:从哪里来仿真还是真机",
        "现场观众问答",
    ]
    assert [(x.number, x.title, x.part, x.label) for x in t.topics] == [
        (1, "开源的作用", 2, ""),
        (2, "家用机器人什么时候能普及", 3, "Q1"),
        (3, "学生该学什么", 3, "Q2"),
    ]
    assert [x.speaker for x in t.turns] == [
        "青山",
        "陈默",
        "李娜",
        "王磊",
        "青山",
        "李娜",
        "陈默",
        "青山",
        "王磊",
        "观众",
        "陈默",
        "观众",
        "李娜",
        "王磊",
    ]
    assert t.turns[2].text == (
        "我补充一点。王磊老师刚才在后台说,硬件的成本也是一个大问题,一台双臂机器人要 30 万元。"
        "(观众:笑)当然这个价格在下降。"
    )
    assert t.turns[6].text == "我们的经验是两者结合,七成仿真、三成真机。"  # sub-heading cut off
    assert t.turns[7].topic == 1 and t.turns[6].topic is None
    assert t.turns[-1].text == "多参与开源项目,这是我的建议。"  # caption and footer cut off
    assert {w.code for w in t.warnings} == {"glued-heading"}
    assert ("现场合影", "caption or credit") in {(d.text, d.reason) for d in t.dropped}
    glued = next(w for w in t.warnings if w.code == "glued-heading")
    assert glued.message.startswith("part 2")


def test_robotics_transcript_matches_its_golden_report():
    from transcripts.parsing import load

    expected = json.loads(
        (DATA / "zhihu_robotics_roundtable.expected.json").read_text(encoding="utf-8")
    )
    assert report(load(ROBOTICS.read_bytes())[0]) == expected


def _dump(body: str, title: str = "测试圆桌|测试沙龙实录") -> str:
    return f"{title}\n\n发表于:2023-01-02\n\n{body}\n"


def test_numbered_askers_are_separate_speakers():
    t = parse(
        _dump(
            "嘉宾介绍@amy 艾米:研究员主持人 @老周 :记者一、问答主持人:请提问。"
            "提问者1:第一个问题是什么?艾米:是数据。提问者2:第二个呢?艾米:是算力。"
        )
    )
    assert [(x.speaker, x.text) for x in t.turns] == [
        ("老周", "请提问。"),
        ("提问者1", "第一个问题是什么?"),
        ("艾米", "是数据。"),
        ("提问者2", "第二个呢?"),
        ("艾米", "是算力。"),
    ]
    assert {s.name: s.role for s in t.speakers}["提问者2"] == "audience"


def test_names_mid_sentence_and_labels_in_brackets_are_not_turns():
    t = parse(
        _dump(
            "嘉宾介绍@bo 张博:工程师@李雪 :教授主持人:张博和李雪都来了(李雪:对)。"
            "张博 :我同意李雪刚才说的观点,张博这个名字很常见。李雪：谢谢。"
        )
    )
    assert [(x.speaker, x.text) for x in t.turns] == [
        ("主持人", "张博和李雪都来了(李雪:对)。"),
        ("张博", "我同意李雪刚才说的观点,张博这个名字很常见。"),
        ("李雪", "谢谢。"),
    ]


def test_credit_lines_in_the_footer_are_not_speakers():
    t = parse(
        _dump(
            "嘉宾介绍@x 甲乙:学者主持人:开始吧。甲乙:好的,就到这里。"
            "摄影:丙丁 编辑:戊己 来源:某站 作者:某公司"
        )
    )
    assert [s.name for s in t.speakers] == ["甲乙", "主持人"]
    assert t.turns[-1].text == "好的,就到这里。"
    assert t.organizer == "某公司"


def test_a_text_without_speaker_labels_is_refused():
    with pytest.raises(ParseError, match="no speaker turns"):
        parse(_dump("这是一段没有任何发言人的文字。只是一段话:没有名字。"))


def test_detection_needs_a_long_line_with_colons():
    assert looks_like(
        _dump(
            "主持人:欢迎各位来到今天的圆桌,我们先请嘉宾做个自我介绍。嘉宾:大家好,很高兴来到这里。"
        )
    )
    assert not looks_like("第一行\n第二行\n第三行\n")
