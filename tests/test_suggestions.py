"""Tag suggestions for editors: on the demo event, every suggestion is a word an editor could
accept as a tag — no fillers, no names, 大模型 whole, existing tags first and marked as such."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from transcripts import segmentation
from transcripts.models import Quote, TagAlias
from transcripts.suggestions import looks_like_a_tag, suggest_for_quotes, suggest_tags

from .factories import import_demo

FILLERS = {"我们", "觉得", "这个", "可能", "非常", "就是", "其实", "一个"}
SPEAKERS = {"刘知远", "张俊林", "尤洋", "杨军", "溪亭日暮", "观众"}


@pytest.fixture
def quotes(db) -> dict[int, Quote]:
    cache.clear()
    import_demo()
    return {q.number: q for q in Quote.objects.order_by("number")}


def all_suggestions(quotes: dict[int, Quote], limit: int = 8) -> dict[int, list]:
    by_id = suggest_for_quotes(quotes.values(), limit=limit)
    return {number: by_id[quote.pk] for number, quote in quotes.items()}


def names(suggestions) -> list[str]:
    return [s.name for s in suggestions]


def test_no_suggestion_is_a_stopword_a_filler_a_number_or_a_single_character(quotes):
    stopwords = segmentation.stopwords()
    suggested = all_suggestions(quotes, limit=50)
    assert sum(map(len, suggested.values())) > 300  # the demo gives plenty to choose from
    for number, suggestions in suggested.items():
        for name in names(suggestions):
            assert name not in stopwords and name not in FILLERS, (number, name)
            assert len(name) >= 2 and not name.replace(".", "").isdigit(), (number, name)


GENERIC = {"能力", "方法", "对标", "问题", "时候", "东西"}


def test_generic_words_are_never_new_tags(quotes):
    """能力, 方法, 对标 name no topic: they were suggested as new tags before."""
    for number, suggestions in all_suggestions(quotes, limit=50).items():
        new = {s.name for s in suggestions if not s.known}
        assert new.isdisjoint(GENERIC), (number, new & GENERIC)
    assert "能力" in segmentation.content_words(quotes[9].text) or any(
        "能力" in q.text for q in quotes.values()
    )


def test_no_suggestion_is_a_speakers_name_or_part_of_one(quotes):
    for number, suggestions in all_suggestions(quotes, limit=50).items():
        for name in names(suggestions):
            assert not any(name in speaker or speaker in name for speaker in SPEAKERS), (
                number,
                name,
            )
    # 张俊林 calls 刘知远 "知远老师" in quote 35
    assert "知远" in segmentation.content_words(quotes[35].text)
    assert "知远" not in names(suggest_tags(quotes[35], limit=50))


def test_da_mo_xing_is_suggested_whole_and_mo_xing_never_alone(quotes):
    suggested = all_suggestions(quotes)
    containing = [n for n, q in quotes.items() if "大模型" in q.text]
    assert len(containing) > 40
    only_inside = 0
    for number in containing:
        assert "大模型" in names(suggested[number]), number
        text = quotes[number].text
        if text.count("模型") == text.count("大模型"):  # every 模型 is inside 大模型
            assert "模型" not in names(suggest_tags(quotes[number], limit=50)), number
            only_inside += 1
    assert only_inside > 10
    # where the speaker says 模型 alone, it may be a keyword, next to 大模型
    assert "模型" in names(suggest_tags(quotes[29], limit=20))


def test_existing_tags_rank_first_and_are_marked_known(quotes):
    suggest_tags(quotes[45])  # the corpus statistics are cached now
    privacy = Tag.objects.create(name="隐私")
    suggestions = suggest_tags(quotes[45])  # 张俊林 on privacy and 大模型
    first = suggestions[0]
    assert (first.name, first.known, first.slug) == ("隐私", True, privacy.slug)
    assert all(not s.known and s.slug is None for s in suggestions[1:])
    assert "大模型" in names(suggestions[1:])
    # on every quote, known tags come before new keywords
    tag_names = set(Tag.objects.values_list("name", flat=True))
    for number, found in all_suggestions(quotes, limit=50).items():
        flags = [s.known for s in found]
        assert flags == sorted(flags, reverse=True), number
        assert all((s.name in tag_names) == s.known for s in found), number


def test_a_quotes_own_tags_are_not_suggested(quotes):
    assert list(quotes[66].tags.names()) == []
    assert suggest_tags(quotes[66])[0].name == "通用人工智能"  # it says 通用人工智能
    quotes[66].tags.add("通用人工智能")
    assert "通用人工智能" not in names(suggest_tags(quotes[66], limit=50))
    for number, suggestions in all_suggestions(quotes, limit=50).items():
        own = set(quotes[number].tags.names())
        assert own.isdisjoint(names(suggestions)), number


def test_an_alias_is_suggested_as_its_tag(quotes):
    quotes[62].tags.add("基础模型")
    tag = Tag.objects.get(name="基础模型")
    TagAlias.objects.create(tag=tag, name="基座模型")
    for number in (60, 61):  # they say 基座模型
        suggestions = suggest_tags(quotes[number], limit=50)
        assert suggestions[0].name == "基础模型" and suggestions[0].known, number
        assert suggestions[0].slug == tag.slug
        assert "基座模型" not in names(suggestions), number
    quotes[60].tags.add(tag)  # already tagged: its alias is not suggested either
    assert {"基础模型", "基座模型"}.isdisjoint(names(suggest_tags(quotes[60], limit=50)))


def test_the_limit_is_respected(quotes):
    assert len(suggest_tags(quotes[9], limit=3)) == 3
    assert len(suggest_tags(quotes[9])) == 8
    assert suggest_tags(quotes[28]) == []  # 得先有千斤。


def test_suggestions_for_many_quotes_take_a_fixed_number_of_queries(quotes):
    """Bulk suggestions (the admin's "apply top suggestions" action) must not query per quote."""
    suggest_tags(quotes[1])  # fills the corpus cache
    counts = []
    for selection in ([quotes[1]], list(quotes.values())):
        with CaptureQueriesContext(connection) as queries:
            suggest_for_quotes(selection, limit=3)
        counts.append(len(queries))
    # tags, aliases, speaker names, the quotes' own tags, the corpus signature
    assert counts == [5, 5]


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("隐私", True),
        ("AI", True),
        ("OpenAI", True),
        ("er", False),
        ("我先", False),
        ("这是", False),
        ("一次", False),
        ("万亿", False),
        ("看看", False),
        ("张老师", False),
    ],
)
def test_what_a_new_keyword_must_look_like(word, expected):
    assert looks_like_a_tag(word) is expected
