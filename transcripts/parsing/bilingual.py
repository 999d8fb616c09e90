"""Bilingual transcripts after the walk: the names a file gives its speakers in the other
language, kept as aliases. Two ways a file gives a turn twice:
- two turns in a row under two labels, one Chinese and one in the original language
  (`主持人：…` then `Host: …`): one turn, the other label an alias (`pair_translations`);
- a translation block under the Chinese one (a bilingual subtitle's second line) whose label
  says the speaker's name again (`Ingrid:` under `英格丽德：`): `translated_names`.
Both return the other-language label → (the speaker it is, turns), for the assembler's aliases
and the report's variants.
"""

from __future__ import annotations

from collections import Counter

from .walk import PARAGRAPH_BREAK, Walk, make_chunk, turn_language

MIN_TURNS = 4
SHARE = 0.8  # of the turns that must come in pairs (or hold both languages)


def pair_translations(walk: Walk) -> dict[str, tuple[str, int]]:
    """Merges each pair of turns that gives one turn in both languages (see the module)."""
    pairs, index, turns = [], 0, walk.turns
    while index + 1 < len(turns):
        first, second = turns[index], turns[index + 1]
        languages = {turn_language(first), turn_language(second)}
        if languages == {"zh", "en"} and first.speaker != second.speaker:
            zh, en = (first, second) if turn_language(first) == "zh" else (second, first)
            if (zh.part, zh.topic) == (en.part, en.topic):
                pairs.append((zh, en))
                index += 2
                continue
        index += 1
    names = {(zh.speaker, en.speaker) for zh, en in pairs}
    one_to_one = len({z for z, _ in names}) == len(names) == len({e for _, e in names})
    both = sum(1 for t in turns if {"zh", "en"} <= {c[2] for c in t.chunks})  # one label
    if len(turns) < MIN_TURNS or not one_to_one or len(pairs) * 2 + both < SHARE * len(turns):
        return {}
    for zh, en in pairs:
        zh.chunks += [make_chunk(text, PARAGRAPH_BREAK) for text, _, _ in en.chunks]
        zh.start = min((t for t in (zh.start, en.start) if t is not None), default=None)
        zh.end = en.end if en.end is not None else zh.end
        walk.merged[id(en)] = zh
    walk.turns = [t for t in turns if id(t) not in walk.merged]
    counts = Counter(en.speaker for _, en in pairs)
    return {en: (zh, counts[en]) for zh, en in names}


def translated_names(walk: Walk) -> dict[str, tuple[str, int]]:
    """The names translations' labels gave (`Ingrid` for 英格丽德), when each stands for one
    speaker only."""
    speakers: dict[str, set[str]] = {}
    for name, speaker in walk.translated:
        speakers.setdefault(name, set()).add(speaker)
    return {
        name: (speaker, count)
        for (name, speaker), count in walk.translated.items()
        if len(speakers[name]) == 1
    }
