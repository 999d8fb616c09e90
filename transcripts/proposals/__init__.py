"""Proposals for a raw import (a speech-recognition transcript: no parts, no topics, 说话人1):
where its topics change, and who its placeholder speakers are. Read-only; an editor accepts a
boundary with `heading_edits.insert_heading(kind="topic")` and a name with
`speaker_edits.map_speakers`.

The algorithms are pure and live in `tiling` (TextTiling over the turns' content words, titles
by TF-IDF) and `naming` (self-introductions, hand-offs, the intro's guest list); this module only
reads the event. Boundaries are proposed only inside stretches of quotes without a topic, and
every such stretch also gets its first heading (score 0: the start of a stretch, not a shift),
so that the whole stretch can be titled.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .. import keywords, segmentation, suggestions, vocabulary
from ..models import Event
from . import naming, tiling


@dataclass(frozen=True)
class BoundaryProposal:
    before_quote_id: int
    title: str
    score: float  # the depth of the valley; 0 for the first heading of an untitled stretch


@dataclass(frozen=True)
class NameProposal:
    speaker_id: int
    name: str
    quote_id: int  # the quote that gives it away
    reason: str


@dataclass(frozen=True)
class Proposals:
    boundaries: list[BoundaryProposal] = field(default_factory=list)
    names: list[NameProposal] = field(default_factory=list)


@dataclass(frozen=True)
class TaggedTurn:
    """One turn for the algorithms: its content words in search mode (咖啡豆 is also 咖啡, so
    two turns on coffee share words), its nouns (titles), whether it announces a new subject."""

    words: list[str]
    nouns: list[str]
    cue: bool = False


def read_turn(text: str) -> TaggedTurn:
    words = [w.casefold() for w in segmentation.search_tokens(text)]
    nouns = [
        word
        for word, flag in segmentation.tagged_words(text)
        if flag in segmentation.NOUN_TAGS
        and flag not in segmentation.PERSON_TAGS
        and segmentation.is_content_word(word)
    ]
    cue = bool(tiling.CUES.search(text))
    return TaggedTurn([w for w in words if segmentation.is_content_word(w)], nouns, cue)


def segment(turns: list[TaggedTurn], idf, *, exclude=frozenset()) -> list[tuple[int, str, float]]:
    """(first turn, title, score) of each topic of a stretch of turns without topics: the
    stretch's start, then each boundary TextTiling finds."""
    cues = {i for i, t in enumerate(turns) if t.cue}
    found = tiling.boundaries([t.words for t in turns], cues=cues)
    starts = [(0, 0.0), *found]
    result = []
    for k, (start, score) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(turns)
        nouns = [n for t in turns[start:end] for n in t.nouns]
        result.append((start, tiling.title(nouns, idf, exclude=exclude), score))
    return result


def propose(event: Event) -> Proposals:
    """Topic boundaries inside the untitled stretches of the event, and a name for each
    placeholder speaker the text names. A handful of queries, none per quote."""
    curated = vocabulary.current()
    rows = list(
        event.quotes.order_by("position").values_list(
            "id",
            "text",
            "topic_id",
            "section_id",
            "speaker_id",
            "speaker__name",
            "speaker__placeholder",
        )
    )
    turns = [read_turn(text) for _, text, *_ in rows]
    names = list(
        event.participations.filter(speaker__placeholder=False).values_list(
            "speaker__name", flat=True
        )
    )
    idf = _idf(turns, suggestions.corpus(curated))
    exclude = frozenset(n for n in turns_nouns(turns) if curated.is_name(n))
    boundaries = []
    for first, last in _untitled_stretches(rows):
        for start, title, score in segment(turns[first:last], idf, exclude=exclude):
            boundaries.append(BoundaryProposal(rows[first + start][0], title, score))
    said = [(row[5], row[1]) for row in rows]
    placeholders = {row[5]: row[4] for row in rows if row[6]}
    found = naming.propose_names(said, placeholders, intro=event.intro, names=names)
    proposals = [
        NameProposal(placeholders[label], e.name, rows[e.turn][0], e.reason)
        for label, e in sorted(found.items(), key=lambda item: item[1].turn)
    ]
    return Proposals(boundaries=boundaries, names=proposals)


def turns_nouns(turns: list[TaggedTurn]) -> set[str]:
    return {n for t in turns for n in t.nouns}


def _idf(turns: list[TaggedTurn], corpus: keywords.DocumentFrequencies):
    """IDF over the published corpus and this event's turns together: an empty corpus (a new
    site) still tells this event's common words from its rare ones."""
    own = keywords.DocumentFrequencies.of(t.words for t in turns)
    merged = dict(corpus.frequency)
    for word, count in own.frequency.items():
        merged[word] = merged.get(word, 0) + count
    together = keywords.DocumentFrequencies(corpus.size + own.size, merged)
    return lambda word: together.idf(word.casefold())


def _untitled_stretches(rows) -> list[tuple[int, int]]:
    """[first, last) index ranges of consecutive quotes without a topic, in one section."""
    stretches = []
    first = None
    for i, row in enumerate([*rows, None]):
        untitled = row is not None and row[2] is None
        same = first is not None and row is not None and row[3] == rows[first][3]
        if first is not None and not (untitled and same):
            stretches.append((first, i))
            first = None
        if untitled and first is None:
            first = i
    return stretches
