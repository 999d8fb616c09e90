"""A reader's query string → terms the backends can match, or a `QueryError` that says why not.

Syntax: words (大模型 幻觉: every word must occur), `"a phrase"` (exactly these characters),
`-word` (must not occur). A chunk of Chinese without spaces is cut into words by jieba's precise
mode with the curated dictionary, dropping stopwords, so 大模型的幻觉 means 大模型 AND 幻觉. Every
word becomes a sequence of index grams; nothing the reader types ever reaches the database as
query syntax.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from .. import segmentation
from .documents import RUN, normalize, run_grams

MAX_LENGTH = 200
MAX_TERMS = 12
_CHUNK = re.compile(r'(-?)"([^"]*)"|(\S+)')


class QueryError(ValueError):
    """A query we cannot search for; the message is for the reader."""


@dataclass(frozen=True)
class Term:
    text: str  # normalised, as it is highlighted
    grams: tuple[str, ...]  # consecutive index grams (a phrase)
    tokens: tuple[str, ...]  # jieba search tokens, for ranking
    negated: bool = False
    prefix: bool = False  # the last gram may continue (a Latin word, a single Chinese character)
    runs: tuple[str, ...] = ()  # the term's runs of characters, for highlighting
    alternatives: tuple[Term, ...] = ()  # synonyms that match too (a tag's name and aliases)


@dataclass(frozen=True)
class Query:
    raw: str
    terms: tuple[Term, ...]

    @property
    def positive(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if not t.negated)

    @property
    def negative(self) -> tuple[Term, ...]:
        return tuple(t for t in self.terms if t.negated)


def parse_query(raw: str) -> Query:
    raw = (raw or "").replace("\x00", " ").strip()
    if not raw:
        raise QueryError("请输入要搜索的词。")
    if len(raw) > MAX_LENGTH:
        raise QueryError(f"搜索词太长了（{len(raw)} 个字），请缩短到 {MAX_LENGTH} 字以内。")
    terms: list[Term] = []
    for match in _CHUNK.finditer(raw.replace("“", '"').replace("”", '"')):
        negated = bool(match.group(1)) if match.group(2) is not None else False
        chunk = match.group(2) if match.group(2) is not None else match.group(3)
        if match.group(3) is not None and chunk.startswith("-") and len(chunk) > 1:
            negated, chunk = True, chunk[1:]
        if match.group(2) is not None:
            terms.extend(_phrase(chunk, negated))
        else:
            terms.extend(_words(chunk, negated))
    terms = list(dict.fromkeys(terms))
    if not any(not t.negated for t in terms):
        raise QueryError(
            "没有可以搜索的词:搜索词只包含标点、符号或“我们”“这个”这样的常用词。"
            if not terms
            else "请至少输入一个要查找的词(以 - 开头的词只用来排除)。"
        )
    if len(terms) > MAX_TERMS:
        raise QueryError(f"搜索词太多了,请最多使用 {MAX_TERMS} 个词。")
    return Query(raw=raw, terms=tuple(terms))


def _term(text: str, negated: bool) -> Term | None:
    """The grams a term must match in order: every run as the index writes it, except that the
    last run may continue into longer text — so its trailing unigram is left out, and a last
    run that is a Latin word or a single Chinese character matches as a prefix."""
    runs = RUN.findall(text)
    if not runs:
        return None
    term_grams: list[str] = []
    for position, run in enumerate(runs):
        produced = run_grams(run)
        if position == len(runs) - 1 and len(produced) > 1:
            produced = produced[:-1]
        term_grams.extend(produced)
    tokens = tuple(t for t in segmentation.search_tokens(text) if RUN.fullmatch(t))
    return Term(
        text=text.strip(),
        grams=tuple(term_grams),
        tokens=tokens or tuple(term_grams),
        negated=negated,
        prefix=len(run_grams(runs[-1])) == 1,
        runs=tuple(runs),
    )


def _phrase(text: str, negated: bool) -> list[Term]:
    normalized = normalize(text)
    # inside quotes, spaces between Chinese characters do not break the phrase
    joined = re.sub(r"(?<=[\u3400-\ufaff])\s+(?=[\u3400-\ufaff])", "", normalized)
    term = _term(joined, negated)
    return [term] if term else []


def _words(chunk: str, negated: bool) -> list[Term]:
    normalized = normalize(chunk)
    found = []
    for word in segmentation.query_words(normalized):
        term = _term(word, negated)
        if term:
            found.append(term)
    return found


def with_synonyms(query: Query, groups: dict[str, tuple[str, ...]]) -> Query:
    """Each term that is a tag name or alias also matches the rest of its group (LLM finds
    大模型 when LLM is an alias of the tag 大模型). `groups` maps a normalised word to its
    normalised synonyms."""
    terms = []
    for term in query.terms:
        synonyms = [s for s in groups.get(term.text, ()) if s != term.text]
        alternatives = tuple(t for t in (_term(s, term.negated) for s in synonyms) if t is not None)
        terms.append(replace(term, alternatives=alternatives) if alternatives else term)
    return replace(query, terms=tuple(terms))
