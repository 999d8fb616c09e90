"""The roster: which labels name real speakers, and who they are, decided once over the whole
file for every format. A container gives blocks, `labels.read_label` reads the label opening
each; the assembler then only asks `Roster.at(index)`.

Which labels name speakers (`find_speakers`): a label that reads like a name and has one of
  1. a role word or a placeholder (主持人, 观众, 说话人1, Speaker 3, SPEAKER_00, 问/答);
  2. a declaration: front matter, a guest list, or the container itself (voice tags, JSON);
  3. a time beside it, as speech-recognition exports write every label;
  4. a second use as a label in the file, or a variant of an accepted label (below);
  5. the style of accepted labels (【名】, capitals, a heading or a line of its own, bold),
     or, used once in a plain `名：`, the look of a personal name (a common surname and one or
     two more characters; capitalised Latin words).
A prose article with `他说：` or a one-off `原因是：` therefore never yields speakers.

Variants: labels that differ only by width, case, inner spaces, hyphens or middle dots, a
doubled character, Traditional/Simplified form, an honorific (老师, 先生) or a short group
before the name (调研组 刘洋) are one speaker, named as the most frequent form; an English given
name or surname alone (`Linda`, `INSKEEP`) is the one full name it belongs to; the unnamed
host's words (主持, 主持人, Host) are one host. Every merge is reported (`Variant`).

A title and a surname (陈博士, `Dr. Chen`) is the one declared guest with that surname, and a
guest list may declare the name in both scripts (`李开复（Kai-Fu Lee）`): both are that guest.

Roles (the `roles` module): declared roles first, then what the labels say (`名（主持）`,
`主持人 名`, `采访人`, `受访人`), then role words, then a host named in the intro's prose;
everyone else is a guest. A bare role word (主持人, 问, 答) stands for the one named speaker
holding that role, when there is exactly one; otherwise it is a placeholder speaker of its own.
At most one host: later hosts become "other", with a warning.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field, replace

from . import blocks as kinds
from . import vocabulary as vocab
from .blocks import Block
from .labels import (
    LATIN_NAME,
    LEADING_TIME,
    MAX_BARE_NAME,
    PLACEHOLDER,
    TITLED_DOT,
    Label,
    placeholder_name,
    placeholder_role,
    read_label,
    seat,
    strongly_name_like,
    variant_key,
)
from .name_forms import prefixed_name, short_name, titled_name
from .roles import host_in_prose, one_host, resolve_role_words
from .transcript import ParseWarning, Speaker, Variant

MIN_REPEATS = 2


@dataclass
class Roster:
    """Who speaks where: block index → (speaker name, label), the speakers by name in the
    order they first speak, the label variants merged, and warnings for the editor."""

    at_block: dict[int, tuple[str, Label]] = field(default_factory=dict)
    speakers: dict[str, Speaker] = field(default_factory=dict)
    variants: list[Variant] = field(default_factory=list)
    warnings: list[ParseWarning] = field(default_factory=list)

    def at(self, index: int) -> tuple[Speaker, Label] | None:
        found = self.at_block.get(index)
        return (self.speakers[found[0]], found[1]) if found else None


_LABEL_KINDS = (kinds.PARAGRAPH, kinds.HEADING, kinds.QUOTE)


def candidates(blocks: Sequence[Block], skip: Collection[int] = ()) -> dict[int, Label]:
    """The label each block opens with, before deciding which name real speakers."""
    found = {}
    for index, block in enumerate(blocks):
        if index in skip or block.translation:
            continue  # a translation's label only says the name again, in the other language
        if block.speaker:
            found[index] = _container_label(block)
            continue
        if block.kind not in _LABEL_KINDS or not block.text or not _may_open_label(block.text):
            continue
        label = read_label(block.text)
        if label is None:
            continue
        if block.kind == kinds.HEADING:
            if label.style not in ("alone", "bare", "timed") or label.text:
                continue  # `## 张三：AI 的未来` is a talk's title, not a label
            label = replace(label, style="heading" if label.style != "bare" else "heading-bare")
        if block.new_speaker:
            label = replace(label, style="container")  # `>> Dev:` the container says so
        bold = bool(block.lead) and _covers(block.lead, label)
        if label.style == "bare" and _timed_speech(blocks, index + 1):
            label = replace(label, style="timed")  # Lex Fridman / (00:01:05) So…
        found[index] = replace(label, bold=bold) if bold else label
    return found


def _may_open_label(text: str) -> bool:
    """Cheap test before the grammar: a label needs a colon, a bracket opening the line, 【】 or
    a time near the start, or the line is short enough to be a name alone."""
    head = text[:120]
    if "：" in head or ":" in head or "【" in head or any(c in head for c in vocab.COLON_FORMS):
        return True
    if head.lstrip().startswith(("[", "<", "(", "（")):
        return True  # [Dana Whitfield] In Arizona, about forty percent…
    if TITLED_DOT.match(head):
        return True  # Mr. Hartwell. The subcommittee will come to order.
    first = text.split("\n", 1)[0]
    return len(first) <= MAX_BARE_NAME + 62


def _timed_speech(blocks: Sequence[Block], index: int) -> bool:
    """The block opens with a time, as speech under a name line does in podcast transcripts,
    or was timed by a time line of its own while the name above was not (`名`, `00:00:05`, the
    speech: a recognition export pasted as text)."""
    if index >= len(blocks):
        return False
    block = blocks[index]
    timed_alone = block.start is not None and blocks[index - 1].start is None
    return timed_alone or bool(LEADING_TIME.match(block.text))


def _container_label(block: Block) -> Label:
    name = re.sub(r"\s+", " ", block.speaker.strip())
    placeholder = placeholder_name(name)
    role = placeholder_role(placeholder) if placeholder else None
    split = None if placeholder else (vocab.role_prefix(name) or vocab.role_suffix(name))
    if split:
        name, role = split[0], split[1]
    return Label(
        written=block.speaker,
        name=placeholder or name,
        role=role,
        text=block.text,
        style="container",
        placeholder=bool(placeholder),
        time=block.start,
    )


def _covers(lead: str, label: Label) -> bool:
    """The bold run opening the block holds the label's name (**名**：, **名：**, and the
    malformed **名（主持**）：)."""
    lead = lead.strip().rstrip(":：").strip()
    return bool(lead) and (label.written.startswith(lead) or lead.startswith(label.name))


def find_speakers(
    blocks: Sequence[Block], declared: Sequence[Speaker] = (), skip: Collection[int] = ()
) -> Roster:
    """Decide which labels name speakers (see the module rules) and who they are; blocks in
    `skip` (a guest list, a header) are no one's label."""
    found = candidates(blocks, skip)
    accepted = _accepted(found, blocks, declared, skip)
    groups = _groups(found, accepted, declared)
    roster = Roster()
    for index, label in sorted(found.items()):
        canonical = groups.get(variant_key(label.name))
        if canonical is None:
            continue
        roster.at_block[index] = (canonical, label)
    first = min(roster.at_block, default=0)
    prose = "\n".join(b.text for i, b in enumerate(blocks[:first]) if i not in skip)
    _assign(roster, {s.name: s for s in declared}, prose)
    roster.variants = _variants(found, roster)
    return roster


def _accepted(found: dict[int, Label], blocks, declared_people, skip) -> set[str]:
    """Variant keys of the labels that name speakers (rules 1-5 of the module docstring)."""
    declared_keys = set(_declared_forms(declared_people))
    speaking = {
        i: label for i, label in found.items() if _introduces_speech(label, i, found, blocks)
    }
    counts = Counter(variant_key(label.name) for label in speaking.values())
    accepted = set()
    for label in speaking.values():
        key = variant_key(label.name)
        is_declared = key in declared_keys or titled_name(label.name, declared_people)
        if _strong(label) or is_declared or _repeated(label, counts[key]):
            accepted.add(key)
    styles = {_style(label) for label in found.values() if variant_key(label.name) in accepted}
    first = next((i for i, b in enumerate(blocks) if b.text and i not in skip), None)
    for index, label in speaking.items():
        if index == first and label.style in ("colon", "bare", "bracketed"):
            continue  # a one-off label on the first line is the title: `Meetup: Notes`, `【实录】…`
        if _one_off(label, styles, bool(accepted)):
            accepted.add(variant_key(label.name))
    return accepted


def _strong(label: Label) -> bool:
    """Rules 1-3: a placeholder or role word, the container's word, or a time beside it."""
    return (
        label.style in ("container", "timed")
        or label.placeholder
        or (label.role is not None and label.style != "bare")
    )


def _repeated(label: Label, count: int) -> bool:
    """Rule 4: used twice; a name alone on its line, with no colon, must also read like one
    (or come back a third time: a nickname such as 溪亭日暮)."""
    if count < MIN_REPEATS:
        return False
    if label.style not in ("bare", "heading-bare"):
        return True
    return strongly_name_like(label.name) or bool(LATIN_NAME.match(label.name)) or count >= 3


def _one_off(label: Label, styles: set[tuple], others: bool) -> bool:
    """Rule 5: a label used once that is written like the accepted ones, or reads like a
    personal name among other speakers."""
    style = _style(label)
    if style in styles and label.style not in ("colon", "bare", "heading-bare"):
        return True  # 【名】, a heading or a line of its own, like the others
    if style in styles and (label.bold or style[2]):
        return True  # **名**：, **名** alone, JANE DOE: among labels written the same way
    if style in styles and label.style == "heading-bare" and strongly_name_like(label.name):
        return True  # `### 王明` among other name headings
    if label.style in ("alone", "heading") and strongly_name_like(label.name):
        return True
    if label.style == "colon" and others and strongly_name_like(label.name):
        return True
    # Sam Altman (OpenAI): once, among other speakers
    return label.style != "bare" and bool(label.note) and others and label.name[:1].isupper()


def _introduces_speech(label: Label, index: int, found: dict[int, Label], blocks) -> bool:
    """A name alone on its line, without a colon, is a label only when speech follows it; a
    time and a title alone among other such lines is a chapter list (`00:00 Intro`)."""
    if label.style == "timed" and not label.text and _chapter_line(blocks, index):
        return not any(_chapter_line(blocks, i) for i in (index - 1, index + 1))
    if label.style not in ("bare", "heading-bare"):
        return True
    following = index + 1
    return following < len(blocks) and following not in found


def _chapter_line(blocks, index: int) -> bool:
    """`00:48 Counting the value of a library`: one line, a time, then a title (no speech)."""
    if not 0 <= index < len(blocks) or "\n" in blocks[index].text:
        return False
    text = blocks[index].text
    if not LEADING_TIME.match(text):
        return False
    label = read_label(text)
    return label is None or not label.text


def _style(label: Label) -> tuple[str, bool, bool]:
    letters = sum(c.isalpha() for c in label.name)
    capitals = label.name.isascii() and letters >= 2 and label.name.isupper()
    return (label.style, label.bold, capitals)


def _groups(found: dict[int, Label], accepted: set[str], declared) -> dict[str, str]:
    """Variant key → the speaker's name: the declared name, else the most frequent form."""
    forms: dict[str, Counter] = {}
    for label in found.values():
        forms.setdefault(variant_key(label.name), Counter())[label.name] += 1
    into = {key: key for key in forms if key in accepted}
    _one_unnamed_per_role(found, forms, accepted, into)
    by_key = _declared_forms(declared)
    for key in forms:
        titled = titled_name(forms[key].most_common(1)[0][0], declared)
        if titled:  # 陈博士, Dr. Chen for the declared 陈静
            into[key] = variant_key(titled)
            continue
        target = prefixed_name(key, forms, accepted)
        if target:
            into[key] = target
            if target in accepted:
                forms[target].update(forms[key])
            continue
        target = short_name(key, forms, accepted)
        if target:
            into[key] = target  # named after the full name, however often the short form is
    return {
        key: by_key.get(target) or forms[target].most_common(1)[0][0]
        for key, target in into.items()
    }


def _declared_forms(declared) -> dict[str, str]:
    """Variant key → declared name, for every way the declaration writes the person: the name,
    a handle, the name in the other script (`李开复（Kai-Fu Lee）`)."""
    forms = {}
    for person in declared:
        for form in (person.name, person.handle, *person.aliases):
            if form:
                forms.setdefault(variant_key(form), person.name)
    return forms


def _one_unnamed_per_role(found, forms, accepted, into) -> None:
    """主持 and 主持人 (or Host), 观众 and 听众, with no seat number: the one unnamed host, the
    audience; named after the most frequent form."""
    by_role: dict[str, list[str]] = {}
    for label in found.values():
        key = variant_key(label.name)
        match = PLACEHOLDER.match(label.name)
        if key in accepted and label.placeholder and match and not seat(match):
            role = placeholder_role(label.name)
            if role in ("host", "audience") and key not in by_role.setdefault(role, []):
                by_role[role].append(key)
    for keys in by_role.values():
        main = max(keys, key=lambda k: sum(forms[k].values()))
        for key in keys:
            if key != main:
                into[key] = main
                forms[main].update(forms[key])


def _assign(roster: Roster, declared: dict[str, Speaker], prose: str) -> None:
    """Speakers in the order they first speak, with their roles; role words resolved, and a
    host named only in the `prose` before the first label found."""
    labels_of: dict[str, list[Label]] = {}
    for name, label in roster.at_block.values():
        labels_of.setdefault(name, []).append(label)
    speakers = {
        name: _speaker(name, found, declared.get(name)) for name, found in labels_of.items()
    }
    holders = {**declared, **speakers}  # a declared host may speak only as 主持人
    resolve_role_words(roster.at_block, speakers, holders, labels_of, declared)
    host_in_prose(speakers, declared, prose)
    roster.warnings += one_host(roster.at_block, speakers)
    order = []
    for _, (name, _) in sorted(roster.at_block.items()):
        if name not in order:
            order.append(name)
    roster.speakers = {name: speakers.get(name) or holders[name] for name in order}


def _speaker(name: str, labels: list[Label], known: Speaker | None) -> Speaker:
    said = next((label.role for label in labels if label.role), None)
    note = next((label.note for label in labels if label.note), "")
    return Speaker(
        name=name,
        role=(known.role if known and known.role else None) or said or "guest",
        handle=known.handle if known else "",
        bio=(known.bio if known else "") or note,
        placeholder=known is None and all(label.placeholder for label in labels),
    )


def _variants(found: dict[int, Label], roster: Roster) -> list[Variant]:
    """Every way a label was written other than its speaker's name, with its count."""
    counts: Counter = Counter()
    for name, label in roster.at_block.values():
        if label.style == "container":
            continue
        written = label.written
        if written != name:
            counts[(written, name)] += 1
    for written, name in counts:
        roster.speakers[name] = replace(
            roster.speakers[name], aliases=(*roster.speakers[name].aliases, written)
        )
    return [Variant(written, name, turns) for (written, name), turns in counts.items()]
