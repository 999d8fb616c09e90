"""Which quote of a corrected transcript is which quote of the version already published.

`--replace` re-imports an event; readers' links (/events/<slug>/q/<number>/) must keep showing
the same words. So the old and the new sequence of turns are aligned:

1. runs that did not change (same speaker, same text once normalised) pair up one to one;
2. inside each run that changed, old and new turns pair up by speaker and text similarity (a
   corrected typo, a reworded sentence), the most similar first, in order, never crossing;
3. a new turn still unpaired that took in most of the text of an old one nearby (two turns
   merged into one) is that old turn, preferably one of the same speaker.

An old turn left unpaired is retired; its readers are sent to the new turn that took in its
text, else to the nearest following turn that survived.

Pure Python (difflib): no Django, no database. Input is (speaker, text) pairs; output indexes.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_left
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field
from difflib import SequenceMatcher

SIMILAR = 0.6  # text similarity (difflib ratio) for two turns of one speaker to be one quote
SIMILAR_OTHER_SPEAKER = 0.9  # the same words given to someone else (a corrected label)
ABSORBED = 0.8  # share of an old turn's text found in a new turn that took it in
MIN_ABSORBED = 5  # characters: shorter turns (对。) occur inside others by chance
MAX_COMPARISONS = 20_000  # per changed run; bigger runs compare only turns near the diagonal
NEAR = 8  # how far from where it stood an old turn's text is looked for


@dataclass(frozen=True)
class Alignment:
    """`matched[new index] = old index` for the quotes that stay the same quote;
    `retired[old index] = new index` for the others: where their readers should go."""

    matched: dict[int, int] = field(default_factory=dict)
    retired: dict[int, int] = field(default_factory=dict)


def normalise(text: str) -> str:
    """What counts as the same text: NFKC (full-width ＡＢＣ, compatibility forms) with all
    whitespace removed, so re-wrapped lines or a changed blank line are no change."""
    return "".join(unicodedata.normalize("NFKC", text).split())


def align(old: Sequence[tuple[Hashable, str]], new: Sequence[tuple[Hashable, str]]) -> Alignment:
    old_keys = [(speaker, normalise(text)) for speaker, text in old]
    new_keys = [(speaker, normalise(text)) for speaker, text in new]
    matched: dict[int, int] = {}
    runs: list[_Run] = []
    matcher = SequenceMatcher(None, old_keys, new_keys, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            matched.update((j1 + k, i1 + k) for k in range(i2 - i1))
        elif tag != "insert":
            run = _Run(old_keys, new_keys, i1, i2, j1, j2)
            pairs = run.similar_pairs()
            pairs.update(run.absorbing_pairs(pairs))
            matched.update(pairs)
            runs.append(run)
    neighbours = _Neighbours(matched, len(new_keys))
    retired = {}
    for run in runs:
        for i in range(run.i1, run.i2):
            if i not in neighbours.paired:
                absorbing = run.absorbing(i)
                retired[i] = absorbing if absorbing is not None else neighbours.after(i, run.j1)
    return Alignment(matched, retired)


def by_number(old_numbers: Sequence[int], new_numbers: Sequence[int]) -> Alignment:
    """Our JSON export names each quote's permalink number: the same number is the same quote,
    and a number the file leaves out retires to the nearest following surviving quote."""
    new_index = {number: j for j, number in enumerate(new_numbers)}
    matched = {new_index[n]: i for i, n in enumerate(old_numbers) if n in new_index}
    neighbours = _Neighbours(matched, len(new_numbers))
    retired = {
        i: neighbours.after(i, i) for i in range(len(old_numbers)) if i not in neighbours.paired
    }
    return Alignment(matched, retired)


def _similarity(a: str, b: str) -> float:
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    if matcher.real_quick_ratio() < SIMILAR or matcher.quick_ratio() < SIMILAR:
        return 0.0
    return matcher.ratio()


def _share(text: str, other: str) -> float:
    """How much of `text` is found, in order, in `other` (0 for texts too short to tell)."""
    if len(text) < MIN_ABSORBED or len(other) < len(text) * ABSORBED:
        return 0.0
    blocks = SequenceMatcher(None, text, other, autojunk=False).get_matching_blocks()
    return sum(block.size for block in blocks) / len(text)


@dataclass
class _Run:
    """Old turns i1..i2 that became new turns j1..j2 (possibly none)."""

    old: list
    new: list
    i1: int
    i2: int
    j1: int
    j2: int

    def near(self, i: int, width: int) -> range:
        """New turns within `width` of where old turn i would stand in this run."""
        centre = self.j1 + round((i - self.i1) * (self.j2 - self.j1) / (self.i2 - self.i1))
        return range(max(self.j1, centre - width), min(self.j2, centre + width + 1))

    def near_old(self, j: int) -> range:
        """Old turns that may have new turn j near them (a superset of `near`'s inverse)."""
        per_new = (self.i2 - self.i1) / (self.j2 - self.j1)
        centre = self.i1 + round((j - self.j1) * per_new)
        width = round((NEAR + 1) * max(1.0, per_new)) + 1
        return range(max(self.i1, centre - width), min(self.i2, centre + width + 1))

    def similar_pairs(self) -> dict[int, int]:
        """{new: old} for similar turns, the most similar first, keeping reading order."""
        if self.j1 == self.j2:
            return {}
        width = max(NEAR, MAX_COMPARISONS // (2 * (self.i2 - self.i1)))
        candidates = []
        for i in range(self.i1, self.i2):
            speaker, text = self.old[i]
            for j in self.near(i, width):
                other_speaker, other_text = self.new[j]
                same = other_speaker == speaker
                if not same and len(other_text) != len(text):
                    continue
                score = _similarity(text, other_text)
                if score >= (SIMILAR if same else SIMILAR_OTHER_SPEAKER):
                    candidates.append((-score, i, j))
        candidates.sort()
        olds: list[int] = []  # accepted pairs by old index; their new indexes rise with them
        news: list[int] = []
        for _, i, j in candidates:
            at = bisect_left(olds, i)
            if at < len(olds) and olds[at] == i:
                continue
            if (at and news[at - 1] >= j) or (at < len(news) and news[at] <= j):
                continue  # taken, or it would cross an accepted pair
            olds.insert(at, i)
            news.insert(at, j)
        return dict(zip(news, olds, strict=True))

    def absorbing_pairs(self, pairs: dict[int, int]) -> dict[int, int]:
        """{new: old} for unpaired new turns that took in an unpaired old turn's text (a merge):
        the new turn is the old one of its own speaker if it can, else the first it took in."""
        taken = set(pairs.values())
        found: dict[int, int] = {}
        for j in range(self.j1, self.j2):
            if j in pairs:
                continue
            speaker, text = self.new[j]
            absorbed = [
                i
                for i in self.near_old(j)
                if i not in taken
                and j in self.near(i, NEAR)
                and _share(self.old[i][1], text) >= ABSORBED
            ]
            if absorbed:
                i = next((i for i in absorbed if self.old[i][0] == speaker), absorbed[0])
                found[j] = i
                taken.add(i)
        return found

    def absorbing(self, i: int) -> int | None:
        """The new turn near old turn i that holds most of its text, if one holds enough."""
        best, best_share = None, 0.0
        for j in self.near(i, NEAR):
            share = _share(self.old[i][1], self.new[j][1])
            if share >= ABSORBED and share > best_share:
                best, best_share = j, share
        return best


class _Neighbours:
    """Where a retired old quote's readers go when no new quote took in its text."""

    def __init__(self, matched: dict[int, int], new_length: int) -> None:
        self.survivors = sorted((i, j) for j, i in matched.items())
        self.kept = [i for i, _ in self.survivors]
        self.paired = set(self.kept)
        self.new_length = new_length

    def after(self, i: int, fallback: int) -> int:
        at = bisect_left(self.kept, i)
        if at < len(self.kept):
            return self.survivors[at][1]  # the nearest following surviving quote
        if at:
            return self.survivors[at - 1][1]  # none follows: the nearest before it
        return min(fallback, self.new_length - 1)  # nothing survived at all
