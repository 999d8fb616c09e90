"""Chinese typography: full-width punctuation in quotes (display only), stage directions only for
stage words, hyphenated Latin words kept whole, the script of an event (zh-Hans / zh-Hant) and
its fonts, speakers' keywords without function words in either script, linked to a search."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.cache import cache
from django.test import override_settings

from transcripts.event_import import event_import
from transcripts.keywords import is_function_word
from transcripts.models import Event, Quote
from transcripts.parsing import Speaker, Transcript, Turn
from transcripts.parsing.script import script_of
from transcripts.quoteview import is_stage_direction, text_segments
from transcripts.typography import fullwidth

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("stored", "shown"),
    [
        ("用GPT-3,它很好", "用GPT-3，它很好"),
        ("你好, 世界!", "你好，世界！"),
        ("真的吗?!", "真的吗？！"),
        ("第一;第二", "第一；第二"),
        ("原因:数据不够", "原因：数据不够"),
        ("Note:这个", "Note：这个"),
        ("OK, 我们开始", "OK，我们开始"),
        ("（笑）,然后", "（笑），然后"),
        ("我们 (主持) 说", "我们（主持）说"),
        ("参加了(g0v)的活动", "参加了（g0v）的活动"),
        ("GPT (一个模型) today", "GPT（一个模型）today"),
        ("下一句(观众:笑)。", "下一句（观众：笑）。"),
        # numbers, times and ratios keep their marks
        ("一共1,000个", "一共1,000个"),
        ("下午12:34开始", "下午12:34开始"),
        ("比分3:2,赢了", "比分3:2，赢了"),
        # Latin attached to a bracket: a function or a model name, not a remark
        ("函数f(x)的值", "函数f(x)的值"),
        ("GPT-4(o)很好", "GPT-4(o)很好"),
        # web addresses are never touched, the sentence around them is
        ("网址https://example.com/a?b=1,c:2,然后", "网址https://example.com/a?b=1,c:2，然后"),
        ("见 https://zh.wikipedia.org/wiki/X_(Y) 。", "见 https://zh.wikipedia.org/wiki/X_(Y) 。"),
        ("see (https://a.com),好", "see (https://a.com)，好"),
        ("访问www.example.com:8080,好", "访问www.example.com:8080，好"),
        # English stays English
        ("Hello, world: yes? (ok) No!", "Hello, world: yes? (ok) No!"),
        ("He said: (fine), really?", "He said: (fine), really?"),
        ("OKR ?", "OKR ?"),
        ("", ""),
        ("没有标点的句子", "没有标点的句子"),
    ],
)
def test_half_width_marks_among_chinese_are_shown_full_width(stored, shown):
    assert fullwidth(stored) == shown


def test_widening_is_idempotent_and_keeps_every_character():
    text = "我们用GPT-3,它说:你好?(笑)然后 1,000 个 12:34 https://a.b/c?d=e,好!"
    once = fullwidth(text)
    assert fullwidth(once) == once
    assert re.sub(r"[\s,，:：?？!！(（)）]", "", once) == re.sub(r"[\s,:?!()]", "", text)


@pytest.mark.parametrize(
    "inner", ["笑", "大笑", "掌声", "掌聲", "鼓掌", "音乐", "全场笑", "众笑", "停顿", "沉默"]
)
def test_known_stage_words_are_stage_directions(inner):
    assert is_stage_direction(inner)


@pytest.mark.parametrize(
    "inner",
    [
        "Laughter",
        "applause",
        "音频中断",
        "观众:笑",
        "观众：笑",
        "笑声、掌声",
        "laughter and applause",
    ],
)
def test_stage_words_with_a_role_or_joined_are_stage_directions(inner):
    assert is_stage_direction(inner)


@pytest.mark.parametrize(
    "inner",
    ["暗房", "g0v", "主持", "笑话", "一个笑话", "现场直播的链接", "ghost", "1", "Laughter Lab"],
)
def test_other_bracketed_text_is_plain(inner):
    assert not is_stage_direction(inner)


def test_segments_mark_only_stage_directions():
    assert text_segments("我们在（暗房）里和(g0v)的朋友聊") is None
    assert text_segments("好的（笑）然后【掌声】(g0v)") == (
        (False, "好的"),
        (True, "（笑）"),
        (False, "然后"),
        (True, "【掌声】"),
        (False, "(g0v)"),
    )


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("我們在這個時候說的東西，大模型的幻覺問題", "zh-Hant"),
        ("我们在这个时候说的东西，大模型的幻觉问题", "zh-Hans"),
        ("Only English here.", "zh-Hans"),
        ("", "zh-Hans"),
    ],
)
def test_the_script_of_a_text(text, script):
    assert script_of(text) == script


def test_function_words_in_either_script():
    assert all(is_function_word(w) for w in ["時候", "東西", "我們", "这个", "覺得"])
    assert not any(is_function_word(w) for w in ["大模型", "幻覺", "強化學習", "GPT"])


# Pages ----------------------------------------------------------------------------------------

TRADITIONAL = (
    "我們這個時候說的東西,其實是大模型的幻覺問題。",
    "我們覺得強化學習的東西很重要,這個時候要用GPT-3,它很好(笑)。",
    "我們覺得幻覺問題和強化學習是這個時候最重要的東西(暗房)。",
)


def traditional_event() -> Event:
    people = (
        Speaker(name="林小明", role="host", handle="linxm", slug="linxiaoming"),
        Speaker(name="陳大文", handle="chendw", slug="chendawen"),
    )
    turns = tuple(
        Turn(number, people[number % 2].name, TRADITIONAL[(number - 1) % 3])
        for number in range(1, 13)
    )
    transcript = Transcript(
        title="臺北的大模型座談",
        slug="taipei",
        speakers=people,
        turns=turns,
        published=True,
        format="json",
        checksum="synthetic-taipei",
    )
    return event_import(transcript=transcript).event


@pytest.fixture
def taipei(db):
    cache.clear()
    return traditional_event()


def test_import_detects_traditional_text_and_pages_declare_it(client, taipei):
    assert taipei.language == "zh-Hant"
    html = client.get(taipei.get_absolute_url()).content.decode()
    assert '<article class="event" lang="zh-Hant">' in html
    quote = client.get(f"{taipei.get_absolute_url()}q/2/").content.decode()
    assert re.search(r'<article class="quote quote-single"[^>]*lang="zh-Hant"', quote)
    css = (ROOT / "static" / "css" / "type.css").read_text(encoding="utf-8")
    assert re.search(r':lang\(zh-Hant\)\s*\{[^}]*"Noto Sans CJK TC"', css)
    assert "css/type.css" in html


def test_quotes_show_full_width_marks_hyphenated_words_whole_and_only_real_stage_words(
    client, taipei
):
    html = client.get(f"{taipei.get_absolute_url()}q/2/").content.decode()
    latin, stage = '<span class="latin">GPT-3</span>', '<span class="stage">（笑）</span>'
    assert f"很重要，這個時候要用{latin}，它很好{stage}。" in html
    third = client.get(f"{taipei.get_absolute_url()}q/3/").content.decode()
    assert "最重要的東西（暗房）。" in third and '<span class="stage">（暗房）' not in third
    stored = Quote.objects.get(event=taipei, number=2).text
    assert "重要,這個時候要用GPT-3,它很好(笑)" in stored  # the text itself is unchanged


@override_settings(TRANSCRIPTS_FULLWIDTH_PUNCTUATION=False)
def test_full_width_marks_can_be_turned_off(client, taipei):
    html = client.get(f"{taipei.get_absolute_url()}q/2/").content.decode()
    assert '要用<span class="latin">GPT-3</span>,它很好<span class="stage">(笑)</span>' in html


def test_search_highlights_the_stored_text_of_a_widened_quote(client, taipei):
    html = client.get("/search/", {"q": "GPT"}).content.decode()
    assert re.search(r'<p class="text" lang="zh-Hant">.*?<mark>GPT</mark>', html, re.S)
    assert (
        "<mark>" in html
        and "&lt;mark" not in html
        and "<span class=" not in html.split('class="hits"')[-1].split("</ol>")[0]
    )


def test_traditional_keywords_skip_function_words_and_search_the_speakers_quotes(client, taipei):
    html = client.get("/speakers/chendawen/").content.decode()
    listed = html[html.index('class="keywords"') :].split("</ul>")[0]
    links = re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', listed)
    words = [word for _, word in links]
    assert words and not {"時候", "東西", "我們", "這個", "覺得", "其實"} & set(words)
    href = links[0][0]
    assert href.replace("&amp;", "&").endswith("&speaker=chendawen")
    found = client.get(href.replace("&amp;", "&")).content.decode()
    assert "陳大文" in found and "林小明</a>" not in found.split('class="hits"')[-1]


def test_editors_can_change_an_events_script(admin_client, taipei):
    html = admin_client.get(f"/admin/transcripts/event/{taipei.pk}/change/").content.decode()
    select = re.search(r'<select name="language".*?</select>', html, re.S).group()
    assert re.search(r'<option value="zh-Hant" selected>', select) and "zh-Hans" in select


def test_the_chinese_interface_writes_full_width_punctuation(client, taipei):
    assert "林小明</a>（主持）" in client.get("/").content.decode()
    assert "林小明</a> (host)" in client.get("/en/").content.decode()
    html = client.get("/speakers/chendawen/").content.decode()
    assert re.search(r"\d+ 段发言，共 \d+ 字", html) and "段发言," not in html
