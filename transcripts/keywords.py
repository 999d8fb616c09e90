"""Keywords by TF-IDF over our own corpus, for speaker pages (`reader.speaker_keywords`) and tag
suggestions (`suggestions`): one IDF formula and one cache version for both.

The IDF is the smoothed one (scikit-learn's): log((1 + n) / (1 + df)) + 1, never zero, so a
word every document holds still counts by its frequency. What is computed over the public
quotes is cached under `version(vocabulary)`, which moves when the corpus does (an event or
quote published, edited, taken down) or the curated vocabulary does (the segmentation with it).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from django.db.models import Count, Max, Q

from . import segmentation
from .models import Event
from .parsing.script import to_simplified
from .vocabulary import Vocabulary


def corpus_signature() -> str:
    """Changes whenever the public corpus does (an event or quote published, edited, taken
    down). 1 query."""
    signature = Event.objects.published().aggregate(
        changed=Max("updated_at"),
        events=Count("id", distinct=True),
        quotes=Count("quotes", filter=Q(quotes__published=True)),
    )
    changed = signature["changed"].timestamp() if signature["changed"] else 0
    return f"{changed}:{signature['events']}:{signature['quotes']}"


def version(vocabulary: Vocabulary) -> str:
    """The key for anything computed over the public quotes as segmented with this vocabulary:
    1 query."""
    return f"{corpus_signature()}:{vocabulary.signature}"


@dataclass(frozen=True)
class DocumentFrequencies:
    """In how many of `size` documents each word occurs."""

    size: int
    frequency: Mapping[str, int]

    @classmethod
    def of(cls, documents: Iterable[Iterable[str]]) -> DocumentFrequencies:
        frequency: Counter[str] = Counter()
        size = 0
        for words in documents:
            frequency.update(set(words))
            size += 1
        return cls(size, dict(frequency))

    def idf(self, word: str, *, counted: bool = True) -> float:
        """`counted=False` for a document outside those counted: it holds the word too."""
        frequency = self.frequency.get(word, 0) + (0 if counted else 1)
        return math.log((1 + self.size) / (1 + frequency)) + 1

    def tf_idf(self, count: int, length: int, word: str, *, counted: bool = True) -> float:
        """The weight of a word said `count` times among `length` words."""
        return count / length * self.idf(word, counted=counted)


def distinctive_words(
    documents: Mapping[object, list[str]],
    groups: Mapping[object, Iterable[object]],
    *,
    top: int = 10,
    exclude: Iterable[str] = (),
) -> dict[object, list[str]]:
    """TF-IDF keywords per group of documents, with IDF from the documents themselves.

    `documents` maps a document key to its content words; `groups` maps a group (a speaker) to
    its document keys. A word scores by how often the group says it, times how rare it is
    across all documents; a word said once by the group, or found in every document, is not
    distinctive, and words in `exclude` (speaker names) and function words in either script
    (`is_function_word`) never count.
    """
    excluded = set(exclude)
    frequencies = DocumentFrequencies.of(documents.values())
    result = {}
    for group, keys in groups.items():
        counts = Counter(w for key in keys for w in documents.get(key, ()) if w not in excluded)
        length = sum(counts.values()) or 1
        scored = {
            word: frequencies.tf_idf(count, length, word)
            for word, count in counts.items()
            if count >= 2
            and frequencies.frequency[word] < frequencies.size
            and not is_function_word(word)
        }
        ranked = sorted(scored.items(), key=lambda item: (-item[1], item[0]))
        result[group] = [word for word, _ in ranked[:top]]
    return result


@lru_cache(maxsize=20_000)
def is_function_word(word: str) -> bool:
    """A word that carries no topic, in Simplified or Traditional characters: 時候, 東西 and
    我們 are read in Simplified (时候, 东西, 我们) against the stopwords (`segmentation`)."""
    return not segmentation.is_content_word(to_simplified(word))
