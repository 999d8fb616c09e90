"""Chinese word segmentation: the one module that imports jieba.

jieba is initialised lazily (its dictionary takes about a second to load) with a user dictionary
of the curated vocabulary: the shipped domain terms (大模型, 百模大战...) plus whatever the caller
adds (speaker names, tag names). Stopwords are stopwordsiso's Chinese list plus the
conversational fillers in `data/stopwords_extra.txt`.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable
from functools import cache
from pathlib import Path

import jieba
import stopwordsiso

DATA = Path(__file__).resolve().parent / "data"
_lock = threading.Lock()
_tokenizer: jieba.Tokenizer | None = None
_added: set[str] = set()
_CONTENT = re.compile(r"[\u3400-\u9fff]|[A-Za-z]")
_NUMBER = re.compile(r"^[\d.,%]+$")

jieba.setLogLevel(logging.WARNING)


def _data_lines(name: str) -> list[str]:
    lines = (DATA / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@cache
def domain_terms() -> tuple[str, ...]:
    return tuple(_data_lines("domain_terms.txt"))


@cache
def stopwords() -> frozenset[str]:
    return frozenset(stopwordsiso.stopwords("zh")) | frozenset(_data_lines("stopwords_extra.txt"))


def tokenizer() -> jieba.Tokenizer:
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                fresh = jieba.Tokenizer()
                fresh.initialize()
                for term in domain_terms():
                    fresh.add_word(term)
                _tokenizer = fresh
    return _tokenizer


def add_vocabulary(words: Iterable[str]) -> None:
    """Keep these words whole from now on (speaker names, tag names)."""
    new = [w.strip() for w in words if w and w.strip() and w.strip() not in _added]
    if not new:
        return
    segmenter = tokenizer()
    with _lock:
        for word in new:
            segmenter.add_word(word)
            _added.add(word)


def is_content_word(word: str) -> bool:
    """A word that can carry a topic: two characters or more, not a stopword or a number."""
    word = word.strip()
    return (
        len(word) >= 2
        and word.lower() not in stopwords()
        and word not in stopwords()
        and not _NUMBER.match(word)
        and bool(_CONTENT.search(word))
    )


def content_words(text: str) -> list[str]:
    """The content words of a text, in order, in jieba's precise mode."""
    return [w for w in tokenizer().lcut(text) if is_content_word(w)]


def search_tokens(text: str) -> list[str]:
    """jieba's search-engine mode, the same at index and query time (without the HMM for new
    words: the curated dictionary knows ours, and it is a fifth faster)."""
    return tokenizer().lcut_for_search(text, HMM=False)


def query_words(text: str) -> list[str]:
    """The words of a search query in precise mode. Stopwords are dropped when the query has
    other words (大模型的幻觉 → 大模型, 幻觉) and kept when it has nothing else (我们 → 我们)."""
    words = [w for w in tokenizer().lcut(text, HMM=False) if _CONTENT.search(w) or w.isdigit()]
    content = [w for w in words if w not in stopwords()]
    return content or words


# Parts of speech -------------------------------------------------------------------------------

# jieba's noun-like tags: common and proper nouns, organisations, places, people, verbal nouns,
# Latin words (GPT, RLHF).
NOUN_TAGS = frozenset(("n", "nz", "nt", "ns", "nr", "nrfg", "nrt", "vn", "eng", "user"))
PERSON_TAGS = frozenset(("nr", "nrfg", "nrt"))
_pos_tokenizer: list = []


def _tagger():
    if not _pos_tokenizer:
        import jieba.posseg

        segmenter = tokenizer()
        with _lock:
            if not _pos_tokenizer:
                _pos_tokenizer.append(jieba.posseg.POSTokenizer(segmenter))
    return _pos_tokenizer[0]


def tagged_words(text: str) -> list[tuple[str, str]]:
    """(word, part of speech) in jieba's precise mode. A curated word (a domain term, a tag, a
    speaker's name) is tagged "user": jieba's dictionary of tags does not know it."""
    curated = _added | set(domain_terms())
    result = []
    for pair in _tagger().lcut(text):
        word, flag = pair.word, pair.flag
        result.append((word, "user" if word in curated else flag))
    return result


def noun_runs(text: str) -> list[list[str]]:
    """The runs of adjacent content nouns of a text, in order (数据 隐私 → one run of two): the
    pieces a noun phrase is made of."""
    runs: list[list[str]] = [[]]
    for word, flag in tagged_words(text):
        if flag in NOUN_TAGS and is_content_word(word):
            runs[-1].append(word)
        elif runs[-1]:
            runs.append([])
    return [run for run in runs if run]


def diff_tokens(text: str) -> list[str]:
    """Every token of a text in jieba's precise mode, spaces and punctuation included: joined,
    they give the text back (word-level diffs, `history_diff`)."""
    return tokenizer().lcut(text)
