"""The assembler: a container's blocks and the label stage's roster in, a `Transcript` out.

One walk through the blocks, in reading order, for every format:
- before the first turn: the title, a speech-recognition header (date | length, 关键词,
  文字记录), a guest list (declared speakers, with bios), the intro;
- a block with a speaker label opens a turn, unless the same speaker is already talking (then
  the label only continues the turn); a block without one continues the open turn;
- headings are parts (the shallowest level) and topics (deeper ones, `Q1：…` questions);
  `一、标题` and `第一部分：标题` lines are parts in formats without headings;
- captions, credits, images, links, separators, end markers and the promotion after the last
  turn are no one's speech: they go to the report's `dropped` list with the reason.
Every block ends up somewhere: in a quote, a title, the metadata, or `dropped`. The walk itself
is in `walk.py`; this module turns what it gathered into the `Transcript`.

Bilingual files, where (nearly) every turn is given in Chinese and in another language, get one
quote per turn with the other language kept as its `translation`.
"""

from __future__ import annotations

from dataclasses import replace

from . import dates, labels
from . import vocabulary as vocab
from .bilingual import pair_translations, translated_names
from .blocks import Document
from .front import Front, self_introduced
from .roles import interview_answerer
from .roster import Roster, find_speakers
from .transcript import ParseError, ParseWarning, Speaker, Transcript, Turn, Variant
from .walk import UNKNOWN_SPEAKER, OpenTurn, Placement, Walk, join_chunks

__all__ = ["Placement", "account", "assemble"]

UNTITLED = "未命名"


def assemble(document: Document) -> Transcript:
    """The transcript the blocks hold (see the module docstring)."""
    return account(document, placements=False)[0]


def account(document: Document, *, placements: bool = True) -> tuple[Transcript, list[Placement]]:
    """The transcript, and where each of the document's blocks went (for the accounting that
    proves nothing is lost; `placements=False` skips keeping them, for big imports)."""
    blocks = document.blocks
    front = Front(blocks)
    declared = _merge_declared(document.speakers, front.guests)
    roster = find_speakers(blocks, declared, skip={*front.consumed, *front.dropped})
    if not roster.at_block and not declared:
        speaker = self_introduced(blocks)  # a talk's captions: 大家好，我是周磊
        declared = (speaker,) if speaker else ()
    walk = Walk(blocks, roster, front, declared_title=document.title or front.title)
    walk.tracking = placements
    if not roster.at_block and len(declared) == 1:
        walk.sole = declared[0].name  # a talk: the one declared speaker says everything
    walk.answers = interview_answerer(roster.speakers, declared)
    walk.run()
    translated = {**translated_names(walk), **pair_translations(walk)}
    if not walk.turns and roster.at_block:
        raise ParseError(
            "no speaker turns found: every speaker label is followed by no text",
            position=min(roster.at_block),
        )
    if not walk.turns:
        raise ParseError(
            "no speaker turns found: no paragraph opens with a speaker label used at least "
            "twice, a role word (主持人, 观众, 问/答...), a placeholder (说话人1, Speaker 2), a "
            "time, or a declared speaker"
        )
    title = document.title or front.title or walk.title
    warnings = [w for w in roster.warnings if not w.message.startswith(tuple(translated))]
    warnings += walk.warnings
    if not title:
        title = UNTITLED
        message = f"the file names no title; using {UNTITLED!r}"
        warnings.append(ParseWarning("missing-title", message))
    date, title = _date_and_title(document, title, walk)
    turns = _bilingual(walk.turns)
    transcript = Transcript(
        title=title,
        date=date,
        series=document.series,
        organizer=document.organizer,
        source_name=document.source_name or walk.source_name,
        source_url=document.source_url,
        intro="\n\n".join(text for text in (document.intro, join_chunks(walk.intro)) if text),
        tags=document.tags,
        speakers=_speakers(declared, roster, walk, translated),
        parts=tuple(walk.parts),
        topics=tuple(walk.topics),
        turns=tuple(turns),
        warnings=tuple([*warnings, *document.warnings]),
        dropped=tuple(sorted([*document.dropped, *walk.dropped], key=lambda d: d.line)),
        variants=(*roster.variants, *_translated_variants(translated)),
        format=document.format,
    )
    return transcript, walk.placements()


def _date_and_title(document: Document, title: str, walk: Walk):
    date, bare = dates.split_date(title)
    if document.title:
        bare = title  # a declared title is kept as written
    found = document.date or date or walk.header_date
    if found is None:
        found = next((d for d in (dates.find_date(t) for t, _, _ in walk.intro[:5]) if d), None)
    return found, bare


def _merge_declared(declared, guests) -> tuple[Speaker, ...]:
    """Front-matter speakers first; guest-list entries add those not already declared."""
    known = {labels.variant_key(s.name) for s in declared}
    return (*declared, *(g for g in guests if labels.variant_key(g.name) not in known))


def _translated_variants(translated: dict[str, tuple[str, int]]) -> list[Variant]:
    return [Variant(label, speaker, turns) for label, (speaker, turns) in translated.items()]


def _bilingual(turns: list[OpenTurn]) -> list[Turn]:
    """Turns, numbered; in a bilingual file the non-Chinese paragraphs become the
    translation."""
    both = [t for t in turns if {"zh", "en"} <= {language for _, _, language in t.chunks}]
    bilingual = len(both) >= 2 and len(both) * 2 >= len(turns)
    result = []
    for number, turn in enumerate(turns, start=1):
        chunks, other = turn.chunks, []
        if bilingual and turn in both:
            other = [chunk for chunk in chunks if chunk[2] == "en"]
            chunks = [chunk for chunk in chunks if chunk[2] != "en"]
        text = join_chunks(chunks)
        result.append(
            Turn(
                number=number,
                speaker=turn.speaker,
                text=text,
                part=turn.part,
                topic=turn.topic,
                stage_directions=_directions(text, turn.directions),
                start=turn.start,
                end=turn.end,
                translation=join_chunks(other),
            )
        )
    return result


def _directions(text: str, written: list[str]) -> tuple[str, ...]:
    """Stage directions in the order they stand: bracketed lines of their own, and bracketed
    remarks with a stage word inside the speech (（笑）, (laughter))."""
    found = {m.start(): m.group() for m in vocab.STAGE_DIRECTION.finditer(text)}
    found = {at: d for at, d in found.items() if vocab.is_stage_direction(d[1:-1])}
    at = 0
    for direction in written:
        at = text.find(direction, at)
        if at >= 0:
            found[at] = direction
            at += len(direction)
    return tuple(found[key] for key in sorted(found))


def _speakers(declared, roster: Roster, walk: Walk, translated) -> tuple[Speaker, ...]:
    """Declared speakers first (in their order), then the others as they first speak; a
    speaker whose labels all lead to no text is left out unless declared."""
    speaking = {turn.speaker for turn in walk.turns}
    ordered = {}
    for speaker in declared:
        found = roster.speakers.get(speaker.name, speaker)
        ordered[speaker.name] = found
    aliases = {}
    for other, (name, _) in translated.items():
        aliases.setdefault(name, []).append(other)
    for name, speaker in roster.speakers.items():
        if name in speaking:
            extra = tuple(aliases.get(name, ()))
            ordered.setdefault(name, replace(speaker, aliases=(*speaker.aliases, *extra)))
    if walk.answers and walk.answers[1].name in speaking:
        ordered.setdefault(walk.answers[1].name, walk.answers[1])
    if walk.unknown is not None and UNKNOWN_SPEAKER in speaking:
        ordered.setdefault(UNKNOWN_SPEAKER, walk.unknown)
    return tuple(ordered.values())
