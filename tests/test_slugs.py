"""Readable ASCII slugs from Chinese names and titles."""

from __future__ import annotations

from transcripts.slugs import speaker_slug, title_slug, unique_slug


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
