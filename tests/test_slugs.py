"""Readable ASCII slugs from Chinese names and titles."""

from __future__ import annotations

from transcripts.slugs import (
    clean_tag_name,
    is_tag_slug,
    is_url_slug,
    speaker_slug,
    tag_slug,
    title_slug,
    unique_slug,
)


def test_people_get_their_name_in_pinyin_as_one_word():
    assert speaker_slug("刘知远") == "liuzhiyuan"
    assert speaker_slug("溪亭日暮") == "xitingrimu"
    assert speaker_slug("提问者2") == "tiwenzhe-2"
    assert speaker_slug("Andrew Ng") == "andrew-ng"
    assert speaker_slug("★") == "speaker"


def test_titles_get_a_syllable_per_word_and_stay_short():
    assert title_slug("大模型训练和进化之路") == "da-mo-xing-xun-lian-he-jin-hua-zhi-lu"
    assert title_slug("GPT-4 与大模型：2023") == "gpt-4-yu-da-mo-xing-2023"
    long = title_slug("人工智能" * 30)
    assert len(long) <= 80 and not long.endswith("-")


def test_unique_slug_adds_a_counter():
    assert unique_slug("liuzhiyuan", []) == "liuzhiyuan"
    assert unique_slug("liuzhiyuan", ["liuzhiyuan", "liuzhiyuan-2"]) == "liuzhiyuan-3"


# What may be part of a URL (issue 12) ---------------------------------------------------------


def test_event_and_speaker_slugs_are_ascii_words_a_url_can_carry():
    assert is_url_slug("da-mo-xing_2024", max_length=120)
    for bad in ("a b/c", "中文-huodong", "", "x" * 121, "a\u200bb", "a.b"):
        assert not is_url_slug(bad, max_length=120), bad


def test_tag_slugs_keep_chinese_but_never_are_empty():
    assert is_tag_slug("百模大战") and is_tag_slug("agi_1")
    assert not is_tag_slug("") and not is_tag_slug("a b") and not is_tag_slug("x" * 101)
    assert tag_slug("百模大战") == "百模大战" and tag_slug("AGI") == "agi"
    assert tag_slug("!!!") == "" and tag_slug("\u202e") == ""  # refused at every door


def test_tag_names_lose_invisible_characters_and_get_one_spelling():
    assert clean_tag_name("AGI\u200b") == "AGI"  # zero-width space
    assert clean_tag_name("幻\u200d觉") == "幻觉"  # zero-width joiner
    assert clean_tag_name("\u202e开源\u202c") == "开源"  # bidi override and pop
    assert clean_tag_name("\ufeffＡＧＩ") == "AGI"  # BOM; full-width letters (NFKC)
    assert clean_tag_name("  强化\t\n学习  ") == "强化 学习"
    assert clean_tag_name("\u202e") == "" and clean_tag_name("\u200b\u200c") == ""
    assert clean_tag_name("!!!") == "!!!"  # visible: kept, and refused for its empty slug
