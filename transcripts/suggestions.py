"""Tag suggestions for editors: which tags a quote could get, best first.

A quote's content words (`segmentation.content_words`: precise mode, curated dictionary,
stopwords gone) are scored by TF-IDF, with the IDF taken from our own corpus of published quotes
and cached until that corpus or the vocabulary changes. The curated vocabulary ranks first:
existing tags (an alias counts as its tag) are `known` and come before everything else, then the
shipped domain terms, then other keywords. A new keyword must look like a tag: not a speaker's
name or part of one, not a pronoun, number or honorific phrase (我先, 一次, 张老师), and used in
at least two quotes, since a tag that groups nothing helps no reader.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache

from . import keywords, segmentation, vocabulary
from .keywords import DocumentFrequencies
from .models import Quote, TaggedQuote
from .vocabulary import Vocabulary

# Known tags, then shipped domain terms, then the rest.
KNOWN, DOMAIN, OTHER = 0, 1, 2
MIN_QUOTES = 2  # a new keyword must occur in this many quotes (this one included)
MAX_SHARE = 0.3  # nor in more than this share of the corpus's quotes: it names no topic
# Nouns that name no topic, whatever the corpus says: the talk's own scaffolding.
GENERIC_NOUNS = frozenset(
    [
        "能力",
        "方法",
        "方面",
        "方式",
        "情况",
        "角度",
        "过程",
        "程度",
        "东西",
        "问题",
        "时候",
        "事情",
        "地方",
        "部分",
        "时间",
        "结果",
        "原因",
        "意义",
        "作用",
        "水平",
        "领域",
        "阶段",
        "层面",
        "本质",
        "核心",
        "关键",
        "感觉",
        "想法",
        "观点",
        "状态",
        "背景",
        "条件",
        "机会",
        "目标",
        "效果",
    ]
)
_PRONOUN_START = frozenset("我你您他她它咱这那哪")
_NUMERAL_START = frozenset("一二两三四五六七八九十百千万亿几第")
_HONORIFICS = ("老师", "先生", "女士", "同学", "教授", "博士")


@dataclass(frozen=True)
class Suggestion:
    name: str
    score: float
    known: bool  # an existing tag (accepting it reuses that tag)
    slug: str | None = None  # the existing tag's slug; None for a new keyword


def _tier(vocabulary: Vocabulary, key: str) -> int:
    if key in vocabulary.tags:
        return KNOWN
    return DOMAIN if key in vocabulary.domain else OTHER


def looks_like_a_tag(word: str) -> bool:
    """Whether a new keyword (not curated) could be a tag: pure shape rules, no database."""
    if word.isascii():
        return len(word) > 2 or not word.islower()  # AI, NLP yes; er no
    if word[0] in _PRONOUN_START or word[0] in _NUMERAL_START:
        return False  # 我先, 这是, 一次, 几个, 万亿
    if len(word) == 2 and word[0] == word[1]:
        return False  # 看看, 想想
    return not any(word.endswith(h) and len(word) > len(h) for h in _HONORIFICS)


# The corpus ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Corpus(DocumentFrequencies):
    """Document frequencies over the published quotes, and which quotes they are."""

    members: frozenset[int] = frozenset()


def corpus(curated: Vocabulary) -> Corpus:
    """The corpus statistics, cached until a published quote, event or the vocabulary changes:
    1 query on a hit, 2 on a miss."""
    key = f"suggestion-corpus:{keywords.version(curated)}"
    result = cache.get(key)
    if result is None:
        frequency: Counter[str] = Counter()
        members = []
        for pk, text in Quote.objects.public().values_list("id", "text").iterator():
            members.append(pk)
            frequency.update({curated.canonical(w) for w in segmentation.content_words(text)})
        result = Corpus(len(members), dict(frequency), frozenset(members))
        cache.set(key, result, timeout=None)
    return result


# Suggestions -----------------------------------------------------------------------------------


def suggest_tags(quote: Quote, *, limit: int = 8) -> list[Suggestion]:
    """The best tags for one quote, known tags first. 5 or 6 queries."""
    return suggest_for_quotes([quote], limit=limit)[quote.pk]


def suggest_for_quotes(quotes: Iterable[Quote], limit: int = 8) -> dict[int, list[Suggestion]]:
    """Suggestions for many quotes, by quote id, in a fixed number of queries: the vocabulary (3),
    the quotes' tags (1), the corpus (1, or 2 when it must be recomputed). The vocabulary is
    read afresh: a tag an editor created a moment ago, in any process, counts at once."""
    quotes = list(quotes)
    curated = vocabulary.load()
    own: dict[int, set[int]] = {}
    rows = TaggedQuote.objects.filter(content_object_id__in=[q.pk for q in quotes if q.pk])
    for quote_id, tag_id in rows.values_list("content_object_id", "tag_id"):
        own.setdefault(quote_id, set()).add(tag_id)
    statistics = corpus(curated)
    return {q.pk: _rank(q, own.get(q.pk, set()), curated, statistics, limit) for q in quotes}


def _rank(
    quote: Quote, own: set[int], curated: Vocabulary, statistics: Corpus, limit: int
) -> list[Suggestion]:
    tagged = segmentation.tagged_words(quote.text)
    words = [w for w, _ in tagged if segmentation.is_content_word(w)]
    nouns = {w for w, flag in tagged if flag in segmentation.NOUN_TAGS}
    counts: Counter[str] = Counter()
    surface: dict[str, str] = {}
    for word in words:
        key = curated.canonical(word)
        counts[key] += 1
        surface.setdefault(key, word)
    in_corpus = quote.pk in statistics.members
    ranked = []
    for key, count in counts.items():
        word, tier = surface[key], _tier(curated, key)
        if curated.is_name(word):
            continue
        ref = curated.tags.get(key)
        if ref is not None and ref.id in own:
            continue
        if tier == OTHER and not (
            word in nouns and _worth_a_new_tag(word, key, statistics, in_corpus)
        ):
            continue
        score = statistics.tf_idf(count, len(words), key, counted=in_corpus)
        suggestion = Suggestion(
            name=ref.name if ref else word,
            score=round(score, 4),
            known=ref is not None,
            slug=ref.slug if ref else None,
        )
        ranked.append((tier, -suggestion.score, key, suggestion))
    ranked.sort(key=lambda item: item[:3])
    return [item[3] for item in ranked[:limit]]


def _worth_a_new_tag(word: str, key: str, statistics: Corpus, in_corpus: bool) -> bool:
    quotes = statistics.frequency.get(key, 0) + (0 if in_corpus else 1)
    too_common = quotes > MAX_SHARE * max(statistics.size, 1) and statistics.size >= 10
    return (
        quotes >= MIN_QUOTES
        and not too_common
        and key not in GENERIC_NOUNS
        and looks_like_a_tag(word)
    )
