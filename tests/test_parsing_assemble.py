"""The label stage and the assembler, format by format alike: label variants, placeholders,
roles, what is nobody's speech, bilingual turns, headers and guest lists, start times.

Each test is a small transcript written the way real files are, and checks what an editor
would see in the import report."""

from __future__ import annotations

import pytest

from transcripts.parsing import ParseError, parse


def speakers(transcript) -> dict[str, str]:
    return {s.name: s.role for s in transcript.speakers}


def turns(transcript) -> list[tuple[str, str]]:
    return [(t.speaker, t.text) for t in transcript.turns]


# Label variants ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variant", "usual"),
    [
        ("王王明", "王明"),  # a doubled character
        ("赵-芳", "赵芳"),  # an inner hyphen
        ("欧阳 娜娜", "欧阳娜娜"),  # an inner space
        ("阿卜杜·拉", "阿卜杜拉"),  # a middle dot
        ("陳怡君", "陈怡君"),  # Traditional for Simplified
        ("ＡＬＩＣＥ", "Alice"),  # full-width letters
        ("王明老师", "王明"),  # an honorific
    ],
)
def test_a_rare_variant_of_a_label_is_the_same_speaker_and_is_reported(variant, usual):
    text = (
        f"座谈实录\n\n{usual}：第一段。\n\n李华：回应。\n\n{variant}：第二段。\n\n"
        f"李华：再回应。\n\n{usual}：第三段。\n"
    )
    transcript = parse(text, format="plaintext")
    assert [t.speaker for t in transcript.turns] == [usual, "李华", usual, "李华", usual]
    assert [(v.label, v.speaker, v.turns) for v in transcript.variants] == [(variant, usual, 1)]
    assert variant in transcript.speaker(usual).aliases


def test_different_placeholders_are_never_merged():
    text = "说话人1 00:00:01\n甲。\n说话人11 00:00:05\n乙。\nSpeaker 1  0:09\n丙。\n"
    transcript = parse(text, format="plaintext")
    assert [t.speaker for t in transcript.turns] == ["说话人1", "说话人11", "Speaker 1"]
    assert transcript.variants == ()


# Placeholders and roles ----------------------------------------------------------------------


def test_placeholders_are_flagged_for_the_editor_to_name():
    text = (
        "发言人1(00:00:01):大家好。\n发言人2(00:00:09):你好。\n[00:00:20] 观众: 请问？\n"
        "SPEAKER_00: hello there.\n主持人：谢谢。\n"
    )
    transcript = parse(text, format="plaintext")
    flagged = {s.name: s.placeholder for s in transcript.speakers}
    assert flagged == {
        "发言人1": True,
        "发言人2": True,
        "观众": True,
        "SPEAKER_00": True,
        "主持人": True,
    }
    assert speakers(transcript)["主持人"] == "host"
    assert speakers(transcript)["观众"] == "audience"


def test_a_bare_host_role_word_is_the_one_named_host():
    text = "城市圆桌\n\n主持人 林晓：欢迎。\n\n王明：谢谢。\n\n主持人：请继续。\n\n王明：好的。\n"
    transcript = parse(text, format="plaintext")
    assert speakers(transcript) == {"林晓": "host", "王明": "guest"}
    assert [t.speaker for t in transcript.turns] == ["林晓", "王明", "林晓", "王明"]
    assert not transcript.speaker("林晓").placeholder


@pytest.mark.parametrize(
    ("host_label", "guest_label"),
    [
        ("李然（采访人）", "张立（受访人）"),
        ("記者 李然", "受訪者 張立"),
        ("李然（主持）", "张立（嘉宾）"),
        ("李然(提问)", "张立(主讲)"),
    ],
)
def test_role_words_attached_to_labels_give_roles(host_label, guest_label):
    text = (
        f"访谈\n\n{host_label}：您好。\n\n{guest_label}：你好。\n\n李然：再问。\n\n张立：再答。\n"
    )
    transcript = parse(text, format="plaintext")
    roles = sorted(speakers(transcript).values())
    assert roles == ["guest", "host"]
    assert len(transcript.turns) == 4


def test_only_one_host_per_event():
    text = "对谈\n\n王芳（主持）：一。\n\n李明（主持人）：二。\n\n王芳：三。\n\n李明：四。\n"
    transcript = parse(text, format="plaintext")
    assert speakers(transcript) == {"王芳": "host", "李明": "other"}
    assert [w.code for w in transcript.warnings] == ["second-host"]


def test_a_guest_list_declares_people_and_is_not_a_turn():
    text = (
        "人工智能与教育圆桌实录\n\n嘉宾介绍：\n主持人 周敏，某研究院研究员\n"
        "李想：北京师范大学教授\n\n周敏：欢迎。\n李想：谢谢。\n周敏：开始吧。\n"
    )
    transcript = parse(text, format="plaintext")
    assert speakers(transcript) == {"周敏": "host", "李想": "guest"}
    assert transcript.speaker("李想").bio == "北京师范大学教授"
    assert [t.speaker for t in transcript.turns] == ["周敏", "李想", "周敏"]


# Which labels name speakers ------------------------------------------------------------------


def test_one_unbolded_label_among_bolded_ones_and_a_malformed_one_are_found():
    text = (
        "# 圆桌\n\n**王明（主持**）：欢迎。\n\n**李华**：谢谢。\n\n张强：补充一点。\n\n"
        "**李华**：同意。\n\n**张强**：谢谢。\n"
    )
    transcript = parse(text, format="markdown")
    assert speakers(transcript) == {"王明": "host", "李华": "guest", "张强": "guest"}
    assert len(transcript.turns) == 5


def test_a_label_alone_on_its_line_opens_the_speech_below_it():
    text = (
        "播客\n\n主持人：\n大家好。\n\n阿飞：\n谢谢邀请。\n\n已经五年了。\n\n"
        "主持人：\n路上安全吗？\n"
    )
    transcript = parse(text, format="plaintext")
    assert turns(transcript) == [
        ("主持人", "大家好。"),
        ("阿飞", "谢谢邀请。\n\n已经五年了。"),
        ("主持人", "路上安全吗？"),
    ]


def test_latin_names_and_a_time_before_the_speech():
    text = (
        "Podcast 400\n\nLex Fridman\n(00:00:00) Welcome to the show.\n\nAda Lovelace\n"
        "(00:01:05) Thanks for having me.\n\nLex Fridman\n(00:01:10) Let's start.\n"
    )
    transcript = parse(text, format="plaintext")
    assert [(t.speaker, t.start, t.text) for t in transcript.turns] == [
        ("Lex Fridman", 0.0, "Welcome to the show."),
        ("Ada Lovelace", 65.0, "Thanks for having me."),
        ("Lex Fridman", 70.0, "Let's start."),
    ]


def test_colons_in_prose_make_no_speakers():
    text = (
        "会议纪要\n\n会议时间：2024年3月\n\n他说：这件事要慢慢来。\n\n原因是：预算不够。\n\n"
        "举个例子：上个月的活动。\n\n主持人：我们开始吧。\n\n王明：好。\n\n主持人：谢谢。\n"
    )
    transcript = parse(text, format="plaintext")
    assert set(speakers(transcript)) == {"主持人", "王明"}
    assert "会议时间：2024年3月" in transcript.intro


def test_a_title_with_a_colon_is_no_speaker():
    text = "Open Data Meetup: Notes\n\nAlice Chen: Welcome.\nBob Li: Thanks.\nAlice Chen: Go on.\n"
    transcript = parse(text, format="plaintext")
    assert transcript.title == "Open Data Meetup: Notes"
    assert set(speakers(transcript)) == {"Alice Chen", "Bob Li"}


def test_numbered_questions_are_topics_not_speakers():
    text = (
        "# 问答\n\n**主持人**：开始提问。\n\n**Q1：数据从哪里来**\n\n**李华**：从业务里来。\n\n"
        "**Q2：如何评估**\n\n**李华**：看任务。\n"
    )
    transcript = parse(text, format="markdown")
    assert [(t.label, t.title) for t in transcript.topics] == [
        ("Q1", "数据从哪里来"),
        ("Q2", "如何评估"),
    ]
    assert set(speakers(transcript)) == {"主持人", "李华"}


# Not speech ----------------------------------------------------------------------------------


def test_captions_images_links_end_markers_and_promotion_are_dropped_with_reasons():
    text = (
        "# 沙龙\n\n**王明**：第一段。\n\n![现场](a.jpg)\n\n图源：作者拍摄\n\n**李华**：第二段。\n\n"
        "[阅读原文](https://example.com)\n\n**王明**：第三段。\n\n（完）\n\n扫码关注我们\n\n往期回顾\n"
    )
    transcript = parse(text, format="markdown")
    assert [t.text for t in transcript.turns] == ["第一段。", "第二段。", "第三段。"]
    reasons = {d.text: d.reason for d in transcript.dropped}
    assert reasons == {
        "现场": "image",
        "图源：作者拍摄": "caption or credit",
        "阅读原文": "link",
        "（完）": "end marker",
        "扫码关注我们": "after the end of the transcript",
        "往期回顾": "after the end of the transcript",
    }


def test_a_promotion_after_the_last_turn_is_dropped_to_the_end():
    text = "沙龙\n\n王明：一。\n李华：二。\n王明：三。\n长按二维码关注\n每周五更新\n"
    transcript = parse(text, format="plaintext")
    assert transcript.turns[-1].text == "三。"
    assert [d.reason for d in transcript.dropped] == ["promotion after the transcript"] * 2


def test_a_speech_recognition_header_is_metadata_not_speech():
    text = (
        "2024年5月18日 下午 2:00|1小时 12分钟 5秒\n\n关键词:\n大模型、数据、对齐\n\n文字记录:\n"
        "王明 00:00\n好，开始吧。\n\n李华 00:08\n谢谢。\n"
    )
    transcript = parse(text, format="plaintext")
    assert transcript.date.isoformat() == "2024-05-18"
    assert [(t.speaker, t.start) for t in transcript.turns] == [("王明", 0.0), ("李华", 8.0)]
    assert {d.text for d in transcript.dropped} == {"关键词:", "大模型、数据、对齐", "文字记录:"}


# Bilingual -----------------------------------------------------------------------------------


def test_a_turn_given_in_two_languages_is_one_quote_with_its_translation():
    text = (
        "# 访谈\n\n**Alice:** 你为什么开源？\n\n**Alice:** Why open source?\n\n"
        "**Sam Chen:** 因为开放带来创新。\n\nBecause openness brings innovation.\n\n"
        "**Alice:** 怎么赚钱？\n\n**Alice:** How do you make money?\n"
    )
    transcript = parse(text, format="markdown")
    assert [(t.speaker, t.text, t.translation) for t in transcript.turns] == [
        ("Alice", "你为什么开源？", "Why open source?"),
        ("Sam Chen", "因为开放带来创新。", "Because openness brings innovation."),
        ("Alice", "怎么赚钱？", "How do you make money?"),
    ]


def test_english_words_inside_a_chinese_transcript_are_not_a_translation():
    text = (
        "访谈\n\n问：为什么离开？\n\n答：I just felt the timing was right. 后来就出来了。\n\n"
        "问：产品是什么？\n\n答：我们做 on-device 模型。\n\nFor narrow tasks it is better.\n"
    )
    transcript = parse(text, format="plaintext")
    assert all(t.translation == "" for t in transcript.turns)
    assert transcript.turns[-1].text.endswith("For narrow tasks it is better.")


# Errors --------------------------------------------------------------------------------------


def test_labels_with_no_speech_say_so():
    with pytest.raises(ParseError, match="followed by no text"):
        parse("标题\n\n说话人1 00:00:01\n\n说话人2 00:00:05\n", format="plaintext")


def test_a_turn_given_again_under_its_english_label_is_one_quote():
    """Translated interviews write each turn twice under two labels (主持人 / Host): one quote,
    and the English label is reported as the same speaker."""
    text = (
        "# 对话\n\n**主持人：** 你为什么开源？\n\n**Host:** Why open source?\n\n"
        "**陈山：** 因为开放带来创新。\n\n**Sam Chen:** Because openness brings innovation.\n\n"
        "**主持人：** 怎么赚钱？\n\n**Host:** How do you make money?\n\n"
        "**陈山：** 靠企业服务。\n\n**Sam Chen:** Through enterprise services.\n"
    )
    transcript = parse(text, format="markdown")
    assert [(t.speaker, t.text, t.translation) for t in transcript.turns] == [
        ("主持人", "你为什么开源？", "Why open source?"),
        ("陈山", "因为开放带来创新。", "Because openness brings innovation."),
        ("主持人", "怎么赚钱？", "How do you make money?"),
        ("陈山", "靠企业服务。", "Through enterprise services."),
    ]
    assert {(v.label, v.speaker, v.turns) for v in transcript.variants} == {
        ("Host", "主持人", 2),
        ("Sam Chen", "陈山", 2),
    }
    assert transcript.warnings == ()


def test_unnamed_host_words_are_one_host():
    text = "读书会\n\n主持：大家好。\n张伟：我先说。\n主持人：请。\n张伟：好的。\n李娜：补充。\n"
    transcript = parse(text, format="plaintext")
    assert speakers(transcript) == {"主持": "host", "张伟": "guest", "李娜": "guest"}
    assert [(v.label, v.speaker) for v in transcript.variants] == [("主持人", "主持")]


def test_english_interviews_write_q_and_a_with_a_full_stop():
    text = "Interview\n\nQ. How long?\nA. Twenty years.\nQ. What changed?\nA. The internet.\n"
    transcript = parse(text, format="plaintext")
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        ("Q", "How long?"),
        ("A", "Twenty years."),
        ("Q", "What changed?"),
        ("A", "The internet."),
    ]


def test_a_time_range_before_a_label_gives_the_start():
    text = "会议\n\n[00:00:01 - 00:00:05] 王明: 你好。\n[00:00:06 - 00:00:09] 李华: 你好。\n"
    transcript = parse(text, format="plaintext")
    assert [(t.speaker, t.start) for t in transcript.turns] == [("王明", 1.0), ("李华", 6.0)]


def test_a_time_opening_the_speech_under_a_bold_name_is_no_speaker():
    """`**Jane Roe**` then `_(00:00:20)_ Sure.`: Sure. is speech, not a name."""
    text = (
        "# Episode\n\n**Lex Fridman**\n_(00:00:00)_ Welcome.\n\n**Jane Roe**\n"
        "_(00:00:12)_ Thanks.\n\n**Lex Fridman**\n_(00:00:15)_ Go on.\n\n**Jane Roe**\n"
        "_(00:00:20)_ Sure.\n"
    )
    transcript = parse(text, format="markdown")
    assert [(t.speaker, t.start, t.text) for t in transcript.turns][-1] == (
        "Jane Roe",
        20.0,
        "Sure.",
    )
    assert set(speakers(transcript)) == {"Lex Fridman", "Jane Roe"}


def test_a_capitalised_word_before_a_colon_in_wrapped_speech_is_no_speaker():
    text = (
        "Panel notes\n\nALICE CHEN: We tried three approaches last year\n"
        "However: none of them scaled.\nBOB LI: Same here.\nALICE CHEN: Right.\n"
        "BOB LI: And one more: Dev asked about cost.\n"
    )
    transcript = parse(text, format="plaintext")
    assert set(speakers(transcript)) == {"ALICE CHEN", "BOB LI"}
    assert transcript.turns[0].text.endswith("However: none of them scaled.")


def test_a_latin_first_name_used_once_among_other_speakers_is_a_speaker():
    text = (
        "Reading group\n\nAlice: Who starts?\n\n王磊：我先。\n\nBob: 同意。\n\nAlice: OK.\n\n"
        "王磊：好。\n"
    )
    transcript = parse(text, format="plaintext")
    assert [t.speaker for t in transcript.turns] == ["Alice", "王磊", "Bob", "Alice", "王磊"]


def test_square_bracketed_names_open_turns_and_bracketed_sounds_do_not():
    text = "播客\n\n[王明] 大家好。\n\n[Music]\n\n[李华] 你好。\n\n[王明] 开始吧。\n\n[笑] 好的。\n"
    transcript = parse(text, format="plaintext")
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        ("王明", "大家好。\n\n[Music]"),
        ("李华", "你好。"),
        ("王明", "开始吧。\n\n[笑] 好的。"),
    ]


def test_marks_copied_articles_put_before_labels_are_not_part_of_the_name():
    text = "对谈\n\n▍王明：你好。\n\n● 李华：你好。\n\n▍王明：开始吧。\n\n- 李华：好。\n"
    transcript = parse(text, format="plaintext")
    assert [t.speaker for t in transcript.turns] == ["王明", "李华", "王明", "李华"]


def test_a_bold_name_alone_on_its_line_used_once_among_others_is_a_speaker():
    text = (
        "# 三人谈\n\n**王明**\n\n今天聊城市。\n\n**李华**\n\n我先说。\n\n**王明**\n\n好。\n\n"
        "**第一点**\n\n是交通。\n\n**赵雪**\n\n我补充。\n"
    )
    transcript = parse(text, format="markdown")
    assert [t.speaker for t in transcript.turns] == ["王明", "李华", "王明", "赵雪"]
    assert "**第一点**" not in transcript.turns[2].text and "第一点" in transcript.turns[2].text


def test_a_talk_with_one_declared_speaker_and_no_labels_is_their_speech():
    text = (
        "一场讲座\n\n主讲人：周汝清，北京某高校教授\n\n大家好，今天我讲老城。\n\n"
        "老城最重要的是人。\n"
    )
    transcript = parse(text, format="plaintext")
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        ("周汝清", "大家好，今天我讲老城。\n\n老城最重要的是人。")
    ]
    assert transcript.speaker("周汝清").bio == "北京某高校教授"


def test_prose_without_labels_and_without_one_declared_speaker_is_refused():
    with pytest.raises(ParseError, match="no speaker turns"):
        parse("随笔\n\n他说：这件事要慢慢来。\n\n我想了很久。\n", format="plaintext")


def test_names_in_angle_brackets_as_chat_logs_and_generated_podcasts_write_them():
    text = "播客\n\n<Person1> 大家好。\n\n<Person2> 你好。\n\n<Person1> 开始吧。\n"
    transcript = parse(text, format="plaintext")
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        ("Person1", "大家好。"),
        ("Person2", "你好。"),
        ("Person1", "开始吧。"),
    ]
    assert all(s.placeholder for s in transcript.speakers)


# Shapes from real sources: radio, magazines, video sites ---------------------------------------


def test_a_given_name_or_surname_alone_is_the_full_name_used_before():
    text = (
        "Morning Edition\n\nSTEVE INSKEEP, HOST: Good morning.\n\nDALE KESSLER: Morning.\n\n"
        "INSKEEP: How is the harvest?\n\nKESSLER: Late.\n\nLinda Park: I agree.\n\n"
        "Linda: It was a wet spring.\n"
    )
    transcript = parse(text, format="plaintext")
    assert [t.speaker for t in transcript.turns] == [
        "STEVE INSKEEP",
        "DALE KESSLER",
        "STEVE INSKEEP",
        "DALE KESSLER",
        "Linda Park",
    ]
    assert speakers(transcript)["STEVE INSKEEP"] == "host"
    assert {(v.label, v.speaker) for v in transcript.variants} >= {
        ("INSKEEP", "STEVE INSKEEP"),
        ("Linda", "Linda Park"),
    }


def test_a_given_name_shared_by_two_speakers_stays_its_own_label():
    text = "Notes\n\nLinda Park: One.\n\nLinda Wu: Two.\n\nLinda: Three.\n\nLinda: Four.\n"
    transcript = parse(text, format="plaintext")
    assert "Linda" in speakers(transcript)


def test_a_sentence_opening_with_a_word_and_a_comma_is_no_label():
    text = (
        "Talk\n\nJane Doe: I called him.\n\nJohn Roe: And?\n\n"
        "Jane Doe: He said no.\n\nSo, I asked him: why not?\n"
    )
    transcript = parse(text, format="plaintext")
    assert set(speakers(transcript)) == {"Jane Doe", "John Roe"}
    assert transcript.turns[-1].text.endswith("So, I asked him: why not?")


@pytest.mark.parametrize(
    "note",
    [
        "（本文根据现场录音整理，未经嘉宾审阅）",
        "编辑 李娜 校对 王心",
        "This interview has been edited for length and clarity.",
        "Stacks is produced by Northside Audio.",
    ],
)
def test_an_editors_note_after_the_last_turn_is_no_ones_speech(note):
    text = f"对谈\n\n王明：第一句。\n\n李华：第二句。\n\n王明：最后一句。\n\n{note}\n"
    transcript = parse(text, format="plaintext")
    assert transcript.turns[-1].text == "最后一句。"
    assert note in [d.text for d in transcript.dropped]


@pytest.mark.parametrize(
    "said", ["以上只是我个人的看法，谢谢。", "We were produced by a tiny team, thank you all."]
)
def test_a_speakers_last_words_about_the_talk_stay_in_the_turn(said):
    text = f"对谈\n\n王明：第一句。\n\n李华：第二句。\n\n王明：最后一句。\n\n{said}\n"
    assert parse(text, format="plaintext").turns[-1].text.endswith(said)


def test_a_one_off_bracketed_title_on_the_first_line_is_no_speaker():
    text = "【圆桌实录】老街改造\n\n【主持人】开始吧。\n\n【周宏】好。\n\n【主持人】谢谢。\n"
    transcript = parse(text, format="plaintext")
    assert set(speakers(transcript)) == {"主持人", "周宏"}
    assert "老街改造" in transcript.title


def test_a_chapter_list_of_times_and_titles_is_no_speaker():
    text = (
        "# Episode 1\n\n- 00:00 Intro\n- 00:48 Counting the value\n- 02:10 Outro\n\n"
        "[00:00:05] Priya Desai: Welcome.\n\n[00:00:14] Tom Becker: Thanks.\n\n"
        "[00:00:20] Priya Desai: Let's start.\n"
    )
    transcript = parse(text, format="markdown")
    assert set(speakers(transcript)) == {"Priya Desai", "Tom Becker"}
    assert [t.start for t in transcript.turns] == [5, 14, 20]


def test_a_time_alone_on_its_line_times_the_line_below():
    text = "张伟\n00:00:05\n我们开始吧。\n\n李娜\n00:00:09\n好的。\n\n张伟\n00:00:12\n谢谢。\n"
    transcript = parse(text, format="plaintext")
    assert [(t.speaker, t.start) for t in transcript.turns] == [
        ("张伟", 5),
        ("李娜", 9),
        ("张伟", 12),
    ]
    assert all("00:00" not in t.text for t in transcript.turns)


def test_label_less_captions_are_one_turn_by_whoever_introduces_themself():
    cues = ["大家好，我是周磊。", "今天聊聊面馆。", "我们下期见。"]
    text = "".join(
        f"{i}\n00:00:0{i},000 --> 00:00:0{i},900\n{cue}\n\n" for i, cue in enumerate(cues, 1)
    )
    transcript = parse(text)
    assert [(t.speaker, t.start) for t in transcript.turns] == [("周磊", 1)]
    assert not transcript.speaker("周磊").placeholder


def test_label_less_captions_without_a_name_stay_one_unknown_speaker():
    cues = ["大家好，我是一名厨师。", "今天聊聊面馆。", "我们下期见。"]
    text = "".join(
        f"{i}\n00:00:0{i},000 --> 00:00:0{i},900\n{cue}\n\n" for i, cue in enumerate(cues, 1)
    )
    transcript = parse(text)
    assert len(transcript.turns) == 1
    assert transcript.speakers[0].placeholder


def test_the_host_named_in_the_intro_prose_is_the_host():
    text = (
        "座谈会纪要\n\n座谈会由团县委书记孙强主持。\n\n孙强：开始吧。\n\n王明：好的。\n\n"
        "孙强：请继续。\n\n王明：说完了。\n"
    )
    transcript = parse(text)
    assert transcript.speaker("孙强").role == "host"
    assert transcript.speaker("王明").role == "guest"


def test_unlabelled_answers_after_labelled_questions_are_the_declared_interviewees():
    text = (
        "专访\n\n受访者：刘洋，急诊科医生\n\nQ：夜班是什么样的？\n\n从五点开始。\n\n"
        "到第二天早上。\n\nQ：最难的是什么？\n\n做决定。\n"
    )
    transcript = parse(text)
    assert [(t.speaker, t.text) for t in transcript.turns] == [
        ("Q", "夜班是什么样的？"),
        ("刘洋", "从五点开始。\n\n到第二天早上。"),
        ("Q", "最难的是什么？"),
        ("刘洋", "做决定。"),
    ]


def test_unlabelled_answers_with_no_declared_interviewee_are_an_unnamed_answerer():
    transcript = parse("访谈\n\n问：为什么？\n\n因为喜欢。\n\n问：然后呢？\n\n就留下了。\n")
    assert [t.speaker for t in transcript.turns] == ["问", "答", "问", "答"]
    assert transcript.speaker("答").placeholder


def test_a_time_closing_each_paragraph_is_its_start_not_its_text():
    text = (
        "Episode 1\n\n[Host] Welcome back. (00:00:04)\n\n"
        "[Dana Lee] Thanks for having me, it is good to be here today. (00:00:21)\n\n"
        "[Host] Let's start. (00:00:27)\n\n[Dana Lee] Sure. (00:00:33)\n"
    )
    turns = parse(text).turns
    assert [t.start for t in turns] == [4.0, 21.0, 27.0, 33.0]
    assert all("00:00" not in t.text for t in turns)


def test_a_wechat_bar_heading_opens_a_part():
    text = (
        "对谈\n\n▍为什么回来\n\n【主持人】为什么？\n\n【周禾】不想加班。\n\n"
        "▍怎么活下去\n\n【主持人】怎么办？\n\n【周禾】卖咖啡。\n"
    )
    transcript = parse(text)
    assert [p.title for p in transcript.parts] == ["为什么回来", "怎么活下去"]
    assert [t.part for t in transcript.turns] == [1, 1, 2, 2]
