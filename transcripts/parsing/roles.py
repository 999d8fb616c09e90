"""Roles the labels do not say by themselves: a bare role word (主持人, 问, 答) standing for the
one named speaker said to hold that role, a host named only in the intro's prose (`座谈会由团县委
书记孙强主持`), and the rule that an event has at most one host."""

from __future__ import annotations

import re
from dataclasses import replace

from . import vocabulary as vocab
from .labels import PLACEHOLDER, seat
from .transcript import ParseWarning, Speaker


def resolve_role_words(at_block, speakers, holders, labels_of, declared) -> None:
    """A bare 主持人 / 问 / 答 is the one named speaker whose role is said (by a label or a
    declaration) to be that one. `at_block` (block index → (name, label)) is updated."""
    named = [
        s
        for s in holders.values()
        if s.name in declared or not (s.placeholder or _is_role_word(s.name))
    ]
    for name, speaker in list(speakers.items()):
        if name in declared or not _is_role_word(name) or speaker.role not in ("host", "guest"):
            continue
        if PLACEHOLDER.match(name) and seat(PLACEHOLDER.match(name)):
            continue  # 说话人1 is someone; which someone, the editor says
        said = [s for s in named if s.role == speaker.role and _said(s, labels_of, declared)]
        if len(said) != 1:
            continue
        holder = said[0]
        for index, (who, label) in list(at_block.items()):
            if who == name:
                at_block[index] = (holder.name, label)
        del speakers[name]
        speakers.setdefault(holder.name, holder)


def _said(speaker: Speaker, labels_of, declared) -> bool:
    """The speaker's role is said by a label or a declaration, not assumed by default."""
    if speaker.name in declared and declared[speaker.name].role:
        return True
    return any(label.role == speaker.role for label in labels_of.get(speaker.name, ()))


def _is_role_word(name: str) -> bool:
    match = PLACEHOLDER.match(name)
    word = match.group("word").strip() if match else name
    return bool(vocab.role_of_word(word) or vocab.INTERVIEW_WORDS.get(name.lower()))


# How an intro names the host in a sentence; {name} is a speaker's name.
_HOSTED_BY = (
    r"由[^，。,；;：:\n]{{0,16}}?{name}(?:先生|女士|老师|老師|教授|博士)?(?:主持|主理|擔任主持|担任主持)",
    r"{name}(?:先生|女士|老师|老師)?(?:担任|擔任)?主持(?:人)?[^\w]",
    r"主持人(?:为|為|是|由)\s*{name}",
    r"(?i:moderated by|hosted by)\s+{name}\b",
    r"\b(?i:host|moderator)\s+{name}\b",  # Host Lena Brandt visits…, with moderator Jane Doe
    r"{name},?\s+(?i:(?:the |our |your )?(?:host|moderator)\b)",  # Lena Brandt, host of…
)


def host_in_prose(speakers: dict[str, Speaker], declared, prose: str) -> None:
    """When no label or declaration names a host, the intro's prose may: `座谈会由团县委书记孙强
    主持`, `主持人为林晓`, `moderated by Jane Doe`. The one speaking guest it names becomes the
    host; none, or more than one, changes nothing."""
    if not prose or any(s.role == "host" for s in (*speakers.values(), *declared.values())):
        return
    named = [
        name
        for name, speaker in speakers.items()
        if not speaker.placeholder
        and speaker.role == "guest"
        and len(name) >= 2
        and any(re.search(p.format(name=re.escape(name)), prose) for p in _HOSTED_BY)
    ]
    if len(named) == 1:
        speakers[named[0]] = replace(speakers[named[0]], role="host")


def one_host(at_block, speakers: dict[str, Speaker]) -> list[ParseWarning]:
    """The first host (by first label) stays host; any other becomes "other", with a warning."""
    hosts = []
    for _, (name, _) in sorted(at_block.items()):
        if name in speakers and speakers[name].role == "host" and name not in hosts:
            hosts.append(name)
    warnings = []
    for name in hosts[1:]:
        speakers[name] = replace(speakers[name], role="other")
        warnings.append(
            ParseWarning(
                "second-host",
                f"{name} is labelled as a host too; {hosts[0]} is the host, {name} is marked "
                "as other",
            )
        )
    return warnings


_ANSWER_WORD = {"q": "A", "问": "答", "問": "答"}


def interview_answerer(speakers: dict[str, Speaker], declared) -> tuple[str, Speaker] | None:
    """An interview that labels only its questions (`Q：…`, `问：…`) with each answer a plain
    paragraph below: the questioner's label, and who answers — the one guest the header
    declares (受访者：刘洋), or an unnamed A / 答 when it declares no one. None for any other
    file, or when the header declares several guests (whose answer it is, the file does not
    say)."""
    if len(speakers) != 1:
        return None
    ((name, speaker),) = speakers.items()
    answer = _ANSWER_WORD.get(name.lower())
    if answer is None or speaker.role != "host":
        return None
    guests = [s for s in declared if s.role != "host" and s.name != name]
    if len(guests) > 1:
        return None
    if guests:
        return name, guests[0]
    return name, Speaker(answer, role="guest", placeholder=True)
