"""The label stage: what reads as a speaker label, which labels name real speakers, how the
ways of writing one label are merged, and who holds which role."""

from __future__ import annotations

import pytest

from transcripts.parsing import parse
from transcripts.parsing.blocks import PARAGRAPH, Block
from transcripts.parsing.labels import is_credit, read_label
from transcripts.parsing.roster import find_speakers
from transcripts.parsing.transcript import Speaker


def find_roster(lines, declared=()) -> dict[str, Speaker]:
    """Label name as written in the file → the speaker it names, for lines as paragraphs."""
    blocks = [Block(PARAGRAPH, line, number) for number, line in enumerate(lines, start=1)]
    roster = find_speakers(blocks, declared)
    found = {}
    for name, label in roster.at_block.values():
        found.setdefault(label.name, roster.speakers[name])
    return found


@pytest.mark.parametrize(
    ("line", "name", "role", "time", "placeholder"),
    [
        ("王芳：你好", "王芳", None, None, False),
        ("王芳 : 你好", "王芳", None, None, False),
        ("王芳（主持）：欢迎", "王芳", "host", None, False),
        ("王芳(主持人):欢迎", "王芳", "host", None, False),
        ("王芳 (00:01:02)：嗯", "王芳", None, 62, False),
        ("[00:01:02] 王芳：嗯", "王芳", None, 62, False),
        ("[00:12] 王芳: 嗯", "王芳", None, 12, False),
        ("发言人1(00:00:01):大家好", "发言人1", "guest", 1, True),
        ("提問者2：請問", "提問者2", "audience", None, True),
        ("提问者 1：请问", "提问者1", "audience", None, True),
        ("观众A：请问", "观众A", "audience", None, True),
        ("问：为什么？", "问", "host", None, True),
        ("答：因为。", "答", "guest", None, True),
        ("Alice Chen: hi", "Alice Chen", None, None, False),
        ("【王小川】我补充一点", "王小川", None, None, False),
        ("【主持人】：欢迎", "主持人", "host", None, True),
        ("主持人 王芳：欢迎收听", "王芳", "host", None, False),
        ("主持人（陳怡君）：各位好", "陳怡君", "host", None, False),
        ("李然（采访人）：您好", "李然", "host", None, False),
        ("张立（受访人）：你好", "张立", "guest", None, False),
        ("記者 林美玲：請問", "林美玲", "host", None, False),
        ("嘉賓 林建宏：謝謝", "林建宏", "guest", None, False),
        ("Moderator Jane Doe: welcome", "Jane Doe", "host", None, False),
        ("Sam Altman (OpenAI): hi", "Sam Altman", None, None, False),
        ("说话人 1 00:00:03", "说话人1", "guest", 3, True),
        ("Speaker 2  0:19", "Speaker 2", "guest", 19, True),
        ("[SPEAKER_00]: hello", "SPEAKER_00", "guest", None, True),
        ("张三 00:01:02", "张三", None, 62, False),
        ("Lex Fridman (00:01:02) So, welcome.", "Lex Fridman", None, 62, False),
        ("Audience Member 1: hi", "Audience Member 1", "audience", None, True),
        ("Host: welcome", "Host", "host", None, True),
    ],
)
def test_labels_are_read(line, name, role, time, placeholder):
    label = read_label(line)
    assert (label.name, label.role, label.time, label.placeholder) == (
        name,
        role,
        time,
        placeholder,
    )


@pytest.mark.parametrize(
    "line",
    [
        "他说：好",
        "她說：好",
        "原因是：太忙",
        "http://example.com",
        "2024年5月1日：晴",
        "时间：下午",
        "【掌声】",
        "【现场笑】大家都笑了",
        "会议时间 10:30",
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
    """A label used once counts when it reads like a personal name among other speakers (a
    guest who speaks once); a word that does not read like one must repeat."""
    roster = find_roster(["李明：一", "溪亭：二", "李明：三", "主持人：四", "赵雪：五"])
    assert set(roster) == {"李明", "主持人", "赵雪"}
    declared = find_roster(["赵雪：二"], [Speaker("赵雪", role="guest")])
    assert set(declared) == {"赵雪"}


def test_a_bracketed_role_holds_for_later_plain_labels_and_role_words():
    roster = find_roster(["王芳（主持）：欢迎", "王芳：好", "主持人：谢谢"])
    assert roster["王芳"].role == "host"
    assert roster["主持人"] == roster["王芳"]


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


def test_a_label_used_once_counts_when_written_like_accepted_ones():
    """Transcripts write all their labels one way: 【名】, capitals, or a name and a time alone
    on a line (meeting-minute exports). A guest who speaks once is still a speaker there."""
    assert set(find_roster(["【主持人】欢迎。", "【李开复】谢谢。", "【王小川】补充。"])) == {
        "主持人",
        "李开复",
        "王小川",
    }
    english = ["MODERATOR: Welcome.", "JANE DOE: Hi.", "JANE DOE: Yes.", "JOHN SMITH: Also."]
    assert set(find_roster(english)) == {"MODERATOR", "JANE DOE", "JOHN SMITH"}
    minutes = ["说话人 1 00:00:05", "开始吧。", "李四 00:00:35", "我补充一下。"]
    assert set(find_roster(minutes)) == {"说话人1", "李四"}


def test_one_off_capitals_or_brackets_in_prose_are_not_speakers():
    assert find_roster(["FAQ: see below.", "NOTE: beta.", "【导读】本文介绍……", "正文。"]) == {}


@pytest.mark.parametrize(
    ("fmt", "text"),
    [
        ("plaintext", "座談會\n\n與談人：各位好。（掌聲）\n\nModerator：謝謝。\n"),
        ("bold", "# 座談會\n\n**與談人**：各位好。（掌聲）\n\n**Moderator**：謝謝。\n"),
        ("markdown", "# 座談會\n\n### 與談人：\n各位好。（掌聲）\n\n### Moderator：\n謝謝。\n"),
        (
            "subtitles",
            "WEBVTT 座談會\n\n00:00:01.000 --> 00:00:02.000\n與談人：各位好。（掌聲）\n\n"
            "00:00:02.000 --> 00:00:03.000\nModerator：謝謝。\n",
        ),
        (
            "zhihu",
            "座談會\n\n发表于 2024-01-01\n\n"
            + "開場白很長很長。" * 20
            + "一、引言與談人:各位好。（掌聲）主持:謝謝。\n",  # a Chinese dump: Chinese words
        ),
    ],
)
def test_every_format_knows_the_same_role_and_stage_words(fmt, text):
    """One vocabulary for all parsers: a Traditional role word (與談人) and an English one
    (Moderator; 主持 in a Zhihu dump) are speakers at first use, and （掌聲） is a stage
    direction, in every format."""
    transcript = parse(text, format=fmt)
    host = "主持" if fmt == "zhihu" else "Moderator"
    assert [(s.name, s.role) for s in transcript.speakers] == [("與談人", "guest"), (host, "host")]
    assert transcript.turns[0].stage_directions == ("（掌聲）",)


@pytest.mark.parametrize(
    ("line", "name", "text"),
    [
        ("许嘉言︰我的店在老城区。", "许嘉言", "我的店在老城区。"),  # U+FE30, an IME's colon
        ("蒋芸∶比分是3∶2。", "蒋芸", "比分是3∶2。"),  # the ratio sign; the speech keeps its own
        ("主持人 ：欢迎。", "主持人", "欢迎。"),
        ("1．周文斌（街道办）：今天请大家来。", "周文斌", "今天请大家来。"),
        ("（2）刘桂芳：我们那栋楼。", "刘桂芳", "我们那栋楼。"),
        ("3、马丽：补贴有调整。", "马丽", "补贴有调整。"),
        ("Mr. Hartwell. The subcommittee will come to order.", "Mr. Hartwell", None),
        ("Senator Ortiz of Ohio. Thank you, Madam Chair.", "Senator Ortiz of Ohio", None),
        ("Mrs. DELACROIX. Thank you.", "Mrs. DELACROIX", "Thank you."),
        ("The CHAIRMAN. Without objection.", "The CHAIRMAN", "Without objection."),
    ],
)
def test_labels_written_the_ways_minutes_and_records_write_them(line, name, text):
    """A look-alike colon, a speech number before the label, and a hearing record's
    `Mr. Name.` are labels; the number and the full stop stay out of the name and the text."""
    label = read_label(line)
    assert label is not None and label.name == name
    assert label.text == (text or line.split(". ", 2)[-1])


@pytest.mark.parametrize(
    "line",
    [
        "Mr. Hartwell said the plan was fine.",  # prose about someone, no full stop after him
        "3∶2 是最后的比分",  # a ratio, not a label
        "2024. 那一年我们搬了家。",  # a year, not a speech number before a name
    ],
)
def test_prose_is_no_label_however_it_starts(line):
    assert read_label(line) is None


def test_a_time_range_with_an_arrow_gives_the_start():
    """`[00:00:04 → 00:00:41] **Name:**`, as AI transcription tools write Markdown."""
    label = read_label("[00:00:04 → 00:00:41] Helen Marsh: Good afternoon.")
    assert (label.name, label.time, label.text) == ("Helen Marsh", 4.0, "Good afternoon.")


def test_unknown_speaker_names_no_one():
    """Otter writes `Unknown Speaker` for a voice it could not tell apart: a placeholder."""
    roster = find_roster(["Unknown Speaker  0:27", "Was that the one?", "Rosa Lee  0:30", "Yes."])
    assert roster["Unknown Speaker"].placeholder
    assert not roster["Rosa Lee"].placeholder


def test_hearing_labels_need_no_colon_but_name_the_speakers():
    transcript = parse(
        "Mr. Hartwell. The subcommittee will come to order.\n\n"
        "Ms. Okonjo. Thank you. I manage the water system in Pine Hollow.\n\n"
        "Mr. Hartwell. Thank you. Ms. Okonjo, how long did it take?\n\n"
        "Ms. Okonjo. Four years."
    )
    assert [t.speaker for t in transcript.turns] == ["Mr. Hartwell", "Ms. Okonjo"] * 2
    assert transcript.turns[2].text == "Thank you. Ms. Okonjo, how long did it take?"


def test_a_company_opening_a_paragraph_is_no_hearing_speaker():
    """`General Motors.` opening a paragraph reads like `General Smith.`; used once in a file
    whose speakers are written `名:`, it is speech, not a new speaker."""
    transcript = parse(
        "Dana Whitfield: We sold the first fleet to a carmaker.\n\n"
        "General Motors. They took two hundred vans that year.\n\n"
        "Marcus Lee: That's a big first customer.\n\n"
        "Dana Whitfield: It was."
    )
    speakers = [t.speaker for t in transcript.turns]
    assert speakers == ["Dana Whitfield", "Marcus Lee", "Dana Whitfield"]
    assert "General Motors. They took" in transcript.turns[0].text


def test_a_witness_heard_once_is_a_speaker_among_other_hearing_labels():
    found = find_roster(
        [
            "Mr. Hartwell. The subcommittee will come to order.",
            "Mrs. Delacroix. Thank you, Mr. Chairman.",
            "Mr. Hartwell. Dr. Feldman, you are recognized.",
            "Dr. Feldman. Thank you. A third of small systems have no drought plan.",
            "Mrs. Delacroix. Thank you.",
        ]
    )
    assert set(found) == {"Mr. Hartwell", "Mrs. Delacroix", "Dr. Feldman"}


@pytest.mark.parametrize(
    ("line", "name"),
    [("（张三）大家好，欢迎。", "张三"), ("(Dana Lee) Thanks for having me.", "Dana Lee")],
)
def test_a_name_in_round_brackets_before_the_speech_is_a_label(line, name):
    label = read_label(line)
    assert label is not None and label.name == name and label.style == "paren"


@pytest.mark.parametrize(
    "line", ["（笑声）好的", "(Laughter) okay", "(Singing) la la", "(Foreign) so", "（一）剪纸课程"]
)
def test_a_sound_note_or_numbering_in_round_brackets_is_no_label(line):
    assert read_label(line) is None


def test_full_width_times_read_as_times():
    label = read_label("说话人１　００：０１：０５")
    assert (label.name, label.time, label.placeholder) == ("说话人1", 65.0, True)


def test_a_byline_with_a_date_and_time_is_no_label():
    assert read_label("原创 小镇书房 2024-05-18 20:30 发表于浙江") is None


def test_a_guest_declared_in_two_scripts_is_one_speaker_under_either_label():
    text = (
        "圆桌\n\n嘉宾：\n李开复（Kai-Fu Lee），创新工场董事长\n主持人：杨澜\n\n"
        "杨澜：欢迎。\n\n李开复：谢谢。\n\nKai-Fu Lee: Thank you too.\n\n杨澜：好。\n"
    )
    transcript = parse(text)
    assert [t.speaker for t in transcript.turns] == ["杨澜", "李开复", "杨澜"]
    assert ("Kai-Fu Lee", "李开复") in {(v.label, v.speaker) for v in transcript.variants}


def test_a_title_and_surname_label_is_the_one_declared_guest_with_that_surname():
    text = (
        "对谈\n\n主讲嘉宾：陈静博士（Dr. Jing Chen），清华大学\n主持人：刘洁\n\n"
        "刘洁：欢迎。\n\n陈博士：谢谢。\n\n刘洁：请讲。\n\nDr. Chen: Gladly.\n"
    )
    transcript = parse(text)
    assert [t.speaker for t in transcript.turns] == ["刘洁", "陈静", "刘洁", "陈静"]
    assert transcript.speaker("陈静").bio == "清华大学"


def test_a_title_and_surname_shared_by_two_declared_guests_stays_as_written():
    text = (
        "对谈\n\n嘉宾：陈静（教授）、陈立（研究员）\n\n陈老师：第一句。\n\n"
        "陈静：第二句。\n\n陈老师：第三句。\n"
    )
    speakers = {t.speaker for t in parse(text).turns}
    assert "陈老师" in speakers


def test_a_sentence_quoting_the_host_after_a_guest_list_is_no_guest():
    text = (
        "座谈会纪要\n\n嘉宾介绍：\n王明：民宿主理人\n李华：电商创业者\n\n"
        "会上，孙强说：“乡村需要年轻人。”\n\n孙强：先请王明说说。\n\n王明：好。\n\n"
        "李华：我补充。\n\n孙强：谢谢。\n"
    )
    transcript = parse(text)
    assert [t.speaker for t in transcript.turns] == ["孙强", "王明", "李华", "孙强"]
    assert "会上" not in {s.name for s in transcript.speakers}
