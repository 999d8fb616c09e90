"""Topic boundaries by lexical cohesion: TextTiling (Hearst 1997, "TextTiling: Segmenting Text
into Multi-paragraph Subtopic Passages") over the speaker turns of a transcript. Pure: it takes
the content words of each turn, no database and no jieba.

Turns vary from 对 to a page, so a block is not k turns but as many turns as it takes to hold
`BLOCK_WORDS` content words (at most `MAX_BLOCK_TURNS`). At every gap between two turns the
block before and the block after are compared by the cosine of their word counts; a gap where
the conversation changed subject is a valley of that curve. Its depth is how far the curve
climbs back on both sides (to the nearest peaks). A valley is a boundary when it is deeper than
Hearst's cutoff, mean − sd/2 of the valleys' depths, and than an absolute floor `MIN_DEPTH`:
the cutoff is relative, and a conversation on one subject still has shallow valleys. Two
boundaries are at least `MIN_TURNS` turns apart, the deeper one kept.
"""

from __future__ import annotations

import math
import re
import statistics
from collections import Counter
from collections.abc import Callable, Sequence

BLOCK_WORDS = 40  # content words in a block, at least
MAX_BLOCK_TURNS = 6  # a block never spans more turns than this
MIN_TURNS = 3  # a topic lasts at least this many turns
MIN_DEPTH = 0.25  # an absolute floor under Hearst's relative cutoff
CUE_BONUS = 0.15  # a host announcing a new subject (下一个问题) deepens the valley at their turn
CUES = re.compile(
    r"下一个(?:问题|话题)|换个话题|另一个话题|第[一二三四五]个(?:问题|话题)|最后一个(?:问题|话题)"
    r"|最后聊|再聊聊|接下来(?:我们)?聊|^(?:好[，,。]?\s*)?(?:说到|谈到|聊聊|我们聊聊|先聊)"
)


def cue_turns(texts: Sequence[str]) -> set[int]:
    """The turns that announce a new subject (the discourse cues of Passonneau and Litman)."""
    return {i for i, text in enumerate(texts) if CUES.search(text)}


def _block(turns: Sequence[Sequence[str]], indexes: range) -> Counter[str]:
    block: Counter[str] = Counter()
    for taken, i in enumerate(indexes, 1):
        block.update(turns[i])
        if sum(block.values()) >= BLOCK_WORDS or taken >= MAX_BLOCK_TURNS:
            break
    return block


def cosine(a: Counter[str], b: Counter[str]) -> float:
    if not a or not b:
        return 0.0
    dot = sum(count * b[word] for word, count in a.items() if word in b)
    norm = math.sqrt(sum(c * c for c in a.values())) * math.sqrt(sum(c * c for c in b.values()))
    return dot / norm


def gap_scores(turns: Sequence[Sequence[str]]) -> list[float]:
    """The similarity at each gap: `scores[g]` is between turn g and turn g + 1 (0-based), so
    there are len(turns) - 1 of them. Smoothed by a moving average of three."""
    raw = [
        cosine(_block(turns, range(g, -1, -1)), _block(turns, range(g + 1, len(turns))))
        for g in range(len(turns) - 1)
    ]
    return [statistics.fmean(raw[max(0, g - 1) : g + 2]) for g in range(len(raw))]


def depth_scores(scores: Sequence[float]) -> list[float]:
    """How deep each gap lies below the nearest peaks on both sides (0 for a gap on a peak)."""
    depths = []
    for g, score in enumerate(scores):
        left = right = score
        i = g
        while i > 0 and scores[i - 1] >= left:
            i -= 1
            left = scores[i]
        i = g
        while i < len(scores) - 1 and scores[i + 1] >= right:
            i += 1
            right = scores[i]
        depths.append((left - score) + (right - score))
    return depths


def _valleys(scores: Sequence[float]) -> list[int]:
    last = len(scores) - 1
    return [
        g
        for g, s in enumerate(scores)
        if (g == 0 or scores[g - 1] >= s) and (g == last or scores[g + 1] >= s)
    ]


def boundaries(
    turns: Sequence[Sequence[str]],
    *,
    cues: set[int] = frozenset(),
    min_turns: int = MIN_TURNS,
    min_depth: float = MIN_DEPTH,
) -> list[tuple[int, float]]:
    """(index of the turn a new topic starts at, depth) for each proposed boundary, in order.
    `turns` holds each turn's content words; `cues` the turns that announce a new subject: a
    valley next to one moves onto it and counts deeper."""
    if len(turns) < 2 * min_turns:
        return []
    scores = gap_scores(turns)
    depths = depth_scores(scores)
    starts = {}
    for g in _valleys(scores):
        start = next((s for s in (g + 1, g + 2, g) if s in cues), None)
        starts[g] = g + 1 if start is None else start
        if start is not None:
            depths[g] += CUE_BONUS
    valleys = [g for g in _valleys(scores) if depths[g] > 0]
    if not valleys:
        return []
    values = [depths[g] for g in valleys]
    spread = statistics.pstdev(values) if len(values) > 1 else 0.0
    cutoff = max(statistics.fmean(values) - spread / 2, min_depth)
    chosen: list[int] = []
    for g in sorted(valleys, key=lambda g: -depths[g]):
        start = starts[g]  # the turn after the gap (or a cue next to it) opens the new topic
        if depths[g] < cutoff or start < min_turns or len(turns) - start < min_turns:
            continue
        if all(abs(start - other) >= min_turns for other in chosen):
            chosen.append(start)
    depth = {starts[g]: depths[g] for g in valleys}
    return sorted((start, round(depth[start], 4)) for start in chosen)


def title(
    nouns: Sequence[str], idf: Callable[[str], float], *, terms: int = 3, exclude=frozenset()
) -> str:
    """A stretch's title: its most distinctive nouns (count × idf), two or three joined with
    "、"; a noun said more than once in the stretch first. "" when it has none."""
    counts = Counter(w for w in nouns if w not in exclude)
    ranked = sorted(counts, key=lambda w: (counts[w] < 2, -counts[w] * idf(w), w))
    return "、".join(ranked[:terms])
