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

import hashlib
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.cache import cache
from taggit.models import Tag

from . import segmentation
from .models import Quote, Speaker, TagAlias, TaggedQuote
from .reader import corpus_signature

# Known tags, then shipped domain terms, then the rest.
KNOWN, DOMAIN, OTHER = 0, 1, 2
MIN_QUOTES = 2  # a new keyword must occur in this many quotes (this one included)
_PRONOUN_START = frozenset("我你您他她它咱这那哪")
_NUMERAL_START = frozenset("一二两三四五六七八九十百千万亿几第")
_HONORIFICS = ("老师", "先生", "女士", "同学", "教授", "博士")


@dataclass(frozen=True)
class Suggestion:
    name: str
    score: float
    known: bool  # an existing tag (accepting it reuses that tag)
    slug: str | None = None  # the existing tag's slug; None for a new keyword


@dataclass(frozen=True)
class _TagRef:
    id: int
    name: str
    slug: str


@dataclass(frozen=True)
class Vocabulary:
    """What the editors have curated: tags and their aliases, by case-folded name; the shipped
    domain terms; speaker names and the pieces of them jieba might cut out (知远)."""

    tags: dict[str, _TagRef]
    domain: frozenset[str]
    names: frozenset[str]
    name_pieces: frozenset[str]
    signature: str

    @classmethod
    def load(cls) -> Vocabulary:
        """3 queries: tags, aliases, speaker names. Segmentation learns all of them."""
        tags = {
            t.id: _TagRef(t.id, t.name, t.slug)
            for t in Tag.objects.only("id", "name", "slug").order_by("pk")
        }
        aliases = list(TagAlias.objects.values_list("name", "tag_id").order_by("name"))
        names = sorted(set(Speaker.objects.values_list("name", flat=True)))
        by_name = {ref.name.casefold(): ref for ref in tags.values()}
        for alias, tag_id in aliases:
            by_name.setdefault(alias.casefold(), tags[tag_id])
        segmentation.add_vocabulary(
            [ref.name for ref in tags.values()] + [a for a, _ in aliases] + names
        )
        pieces = {
            name[i:j]
            for name in names
            for i in range(len(name))
            for j in range(i + 2, len(name) + 1)
        }
        raw = "\n".join(
            [f"t:{r.id}:{r.name}" for r in tags.values()]
            + [f"a:{a}:{t}" for a, t in aliases]
            + [f"s:{n}" for n in names]
        )
        return cls(
            tags=by_name,
            domain=frozenset(term.casefold() for term in segmentation.domain_terms()),
            names=frozenset(names),
            name_pieces=frozenset(pieces),
            signature=hashlib.sha256(raw.encode()).hexdigest()[:16],
        )

    def tier(self, key: str) -> int:
        if key in self.tags:
            return KNOWN
        return DOMAIN if key in self.domain else OTHER

    def canonical(self, word: str) -> str:
        """The key a word counts under: its tag's name for a tag or alias, else itself."""
        key = word.casefold()
        ref = self.tags.get(key)
        return ref.name.casefold() if ref else key

    def is_name(self, word: str) -> bool:
        return (
            word in self.names
            or word in self.name_pieces
            or any(name in word for name in self.names)
        )


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
class Corpus:
    """Document frequencies over the published quotes: in how many each word occurs."""

    size: int
    frequency: dict[str, int]
    members: frozenset[int]

    def idf(self, key: str, *, counting_self: bool) -> float:
        frequency = self.frequency.get(key, 0) + (0 if counting_self else 1)
        return math.log((1 + self.size) / (1 + frequency)) + 1


def corpus(vocabulary: Vocabulary) -> Corpus:
    """The corpus statistics, cached until a published quote, event or the vocabulary changes:
    1 query on a hit, 2 on a miss."""
    key = f"suggestion-corpus:{corpus_signature()}:{vocabulary.signature}"
    result = cache.get(key)
    if result is None:
        frequency: Counter[str] = Counter()
        members = []
        for pk, text in Quote.objects.public().values_list("id", "text").iterator():
            members.append(pk)
            frequency.update({vocabulary.canonical(w) for w in segmentation.content_words(text)})
        result = Corpus(len(members), dict(frequency), frozenset(members))
        cache.set(key, result, timeout=None)
    return result


# Suggestions -----------------------------------------------------------------------------------


def suggest_tags(quote: Quote, *, limit: int = 8) -> list[Suggestion]:
    """The best tags for one quote, known tags first. 5 or 6 queries."""
    return suggest_for_quotes([quote], limit=limit)[quote.pk]


def suggest_for_quotes(quotes: Iterable[Quote], limit: int = 8) -> dict[int, list[Suggestion]]:
    """Suggestions for many quotes, by quote id, in a fixed number of queries: the vocabulary (3),
    the quotes' tags (1), the corpus (1, or 2 when it must be recomputed)."""
    quotes = list(quotes)
    vocabulary = Vocabulary.load()
    own: dict[int, set[int]] = {}
    rows = TaggedQuote.objects.filter(content_object_id__in=[q.pk for q in quotes if q.pk])
    for quote_id, tag_id in rows.values_list("content_object_id", "tag_id"):
        own.setdefault(quote_id, set()).add(tag_id)
    statistics = corpus(vocabulary)
    return {q.pk: _rank(q, own.get(q.pk, set()), vocabulary, statistics, limit) for q in quotes}


def _rank(
    quote: Quote, own: set[int], vocabulary: Vocabulary, statistics: Corpus, limit: int
) -> list[Suggestion]:
    words = segmentation.content_words(quote.text)
    counts: Counter[str] = Counter()
    surface: dict[str, str] = {}
    for word in words:
        key = vocabulary.canonical(word)
        counts[key] += 1
        surface.setdefault(key, word)
    in_corpus = quote.pk in statistics.members
    ranked = []
    for key, count in counts.items():
        word, tier = surface[key], vocabulary.tier(key)
        if vocabulary.is_name(word):
            continue
        ref = vocabulary.tags.get(key)
        if ref is not None and ref.id in own:
            continue
        if tier == OTHER and not _worth_a_new_tag(word, key, statistics, in_corpus):
            continue
        score = count / len(words) * statistics.idf(key, counting_self=in_corpus)
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
    return quotes >= MIN_QUOTES and looks_like_a_tag(word)
