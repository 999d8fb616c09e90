"""What the index stores for a quote, and the normalisation shared by index, query and highlight.

Text is normalised (NFKC, case-folded, Traditional → Simplified with OpenCC) before anything
else, so 幻覺 finds 幻觉 and PPO finds ppo. Recall comes from `grams`: for every run of CJK
characters its overlapping bigrams followed by its last character, and Latin words and numbers as
they are. A term of two or more characters is then the phrase of its bigrams, which matches
exactly where the term occurs, however jieba segments the context (拼算力, 大模型...). Ranking adds
jieba's search tokens.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from operator import add

import opencc

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(rf"[{CJK}]+|[0-9a-z]+")


@cache
def _converter() -> opencc.OpenCC:
    return opencc.OpenCC("t2s")


def normalize(text: str) -> str:
    """NFKC, case-folded, Simplified: the one form the index, queries and highlighting share."""
    return _converter().convert(unicodedata.normalize("NFKC", text).casefold())


def run_grams(run: str) -> list[str]:
    """One run of CJK characters or one Latin word as index tokens (see the module docstring)."""
    if len(run) == 1 or not ("\u3400" <= run[0] <= "\ufaff"):
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)] + [run[-1]]


def grams(normalized: str) -> list[str]:
    """run_grams over a whole text (the import's hot path: bigrams are built in C by map)."""
    found: list[str] = []
    for run in RUN.findall(normalized):
        if len(run) > 1 and run[0] >= "\u3400":
            found.extend(map(add, run, run[1:]))
            found.append(run[-1])
        else:
            found.append(run)
    return found


@dataclass(frozen=True)
class Document:
    """The index entry of one quote: recall grams, ranking tokens, and metadata grams; whether
    readers may see the quote (the index searches only those; the others' entries wait aside
    until the quote or its event is published)."""

    quote_id: int
    grams: str
    tokens: str
    meta: str
    visible: bool = True
    brief: bool = False  # ranks after the substantive quotes of its tier (`is_brief`)


# Ranking: within a tier, a quote too short to say much, or a host's short question that only
# repeats the words of the discussion, comes after the quotes that answer (recall unchanged).
BRIEF_CHARS = 20
HOST_QUESTION_CHARS = 100
_QUESTION_END = re.compile(r"[?？][\s\"'”’）)」』…。]*$")


def is_brief(text: str, *, host: bool = False) -> bool:
    """Whether a quote ranks after the others of its tier: under BRIEF_CHARS characters, or a
    host's question under HOST_QUESTION_CHARS (it ends with ？ or ?)."""
    size = len(text.strip())
    if size < BRIEF_CHARS:
        return True
    return host and size < HOST_QUESTION_CHARS and bool(_QUESTION_END.search(text))


@lru_cache(maxsize=4096)
def _meta(speaker: str, topic: str, tags: tuple[str, ...]) -> str:
    return " ".join(grams(normalize(" ".join([speaker, topic, *tags]))))


def build_document(
    quote_id: int,
    text: str,
    *,
    speaker: str,
    topic: str,
    tags: list[str],
    visible: bool = True,
    host: bool = False,
) -> Document:
    from .. import segmentation

    normalized = normalize(text)
    return Document(
        quote_id=quote_id,
        grams=" ".join(grams(normalized)),
        # punctuation tokens are dropped by the index's own tokenizer
        tokens=" ".join(segmentation.search_tokens(normalized)),
        meta=_meta(speaker, topic, tuple(sorted(tags))),
        visible=visible,
        brief=is_brief(text, host=host),
    )
