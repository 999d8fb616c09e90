"""SRT and WebVTT subtitles: numbered or named cues, each a timing line then its text.

Speakers come from WebVTT voice tags (`<v 名>`) or from a `名：` prefix at the start of a cue
line. A prefix counts only when the same name labels at least two cues, is a role word (主持人,
观众...) or carries a role (`名（主持）：`), so an ordinary sentence with a colon never becomes a
speaker. Consecutive cues of one speaker make one turn; unlabelled cues continue the current
speaker; a file with no labels at all is one speaker, 未知发言人 (never invented from sentences).
Timestamps are checked (a broken one is a `ParseError`) but not kept: a quote is text,
and the order of the cues already gives the order of the turns.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass

from . import vocabulary as vocab
from .transcript import ParseError, Speaker, Transcript, Turn, Warning

FORMAT = "subtitles"
UNKNOWN_SPEAKER = "未知发言人"
UNTITLED = "未命名字幕"

_TIME = r"(?:(\d{1,3}):)?(\d{1,2}):(\d{1,2})(?:[,.](\d{1,3}))?"
_TIMING = re.compile(rf"^\s*{_TIME}\s*-->\s*{_TIME}(?:\s+.*)?$")
_LOOSE_TIMING = re.compile(r"-->|\d+:\d+\S*\s*-+>")
_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+([^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<\d[\d:.]*>|\{\\[^}]*\}")
_NOTE_TITLE = re.compile(rf"^NOTE\s+(?:title|标题|標題)\s*{vocab.COLON}\s*(.+)$", re.IGNORECASE)
_LABEL = re.compile(
    r"^\s*(?P<name>[\u3400-\u9fff·]{1,8}|[A-Za-z][\w.'’-]{0,20}(?: [A-Za-z][\w.'’-]{0,20}){0,2})"
    r"(?P<seat>\d{0,2})\s*(?:[(（](?P<role>[^()（）]{1,10})[)）])?\s*[:：]\s*"
)
# Characters that make a would-be label a sentence ("我认为：", "问题是："), not a name.
_NOT_NAME = set("的了是说这那们么吗呢吧啊就都也认为觉得")
_HEADER_TITLE = re.compile(rf"^(?:title|标题|標題)\s*{vocab.COLON}\s*(.+)$", re.IGNORECASE)
_CJK_EDGE = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")


@dataclass
class _Line:
    text: str
    voice: str | None = None  # from a <v> tag
    label: str | None = None  # a `名：` prefix, accepted or not later
    label_role: str = ""  # a role the label or voice tag gives: 名（主持）：, <v 主持人 王芳>
    prefix: str = ""  # the label as written, put back when it is no speaker
    cue: int = 0


def looks_like(text: str) -> bool:
    """A WEBVTT header, or a timing line (`00:00:01,000 --> ...`) among the first lines."""
    head = text.lstrip("\ufeff \n\t")
    if head.startswith("WEBVTT"):
        return True
    lines = [line for line in head.split("\n", 12)[:12] if line.strip()]
    return any(_TIMING.match(line) for line in lines[:4])


def parse(text: str) -> Transcript:
    blocks = _blocks(text.lstrip("\ufeff"))
    if not blocks:
        raise ParseError("the subtitle file is empty: no cues")
    title, warnings, lines = "", [], []
    is_vtt = blocks[0][1][0].lstrip().startswith("WEBVTT")
    if is_vtt:
        blocks[:1] = _vtt_header(blocks[0])
        title = blocks.pop(0)[1][0]
    cues = 0
    for position, block in blocks:
        first = block[0].strip()
        if re.match(r"^(NOTE|STYLE|REGION)\b", first):
            note = _NOTE_TITLE.match(first)
            if note and not title:
                title = note.group(1).strip()
            continue
        timing = _timing_index(block, position)
        if timing is None:
            if not cues:
                raise ParseError(
                    "not a subtitle cue: expected a timing line such as "
                    "'00:00:01,000 --> 00:00:04,000'",
                    position=position,
                )
            warnings.append(
                Warning("blank-line-in-cue", "a cue's text holds a blank line", position)
            )
        else:
            cues += 1
            _check_timing(block[timing], position)
        for raw in block[timing + 1 if timing is not None else 0 :]:
            lines.extend(_cue_lines(raw, cues))
    if not cues:
        raise ParseError("no subtitle cues found (no timing line such as '00:00:01,000 --> ...')")
    if not any(line.text for line in lines):
        raise ParseError("the subtitle cues hold no text")
    if not title:
        title = UNTITLED
        warnings.append(
            Warning("missing-title", f"the subtitles name no title; using {UNTITLED!r}")
        )
    speakers, turns = _turns(lines, warnings)
    return Transcript(
        title=title,
        speakers=tuple(speakers),
        turns=tuple(turns),
        warnings=tuple(warnings),
        format=FORMAT,
    )


def _vtt_header(block: tuple[int, list[str]]) -> list[tuple[int, list[str]]]:
    """The title found in the header (`WEBVTT 标题` or a `Title:` line) as a one-line block, then
    any cue glued to the header without a blank line."""
    position, lines = block
    title = lines[0].strip()[len("WEBVTT") :].strip(" \t-–—:：")
    for index, line in enumerate(lines[1:], start=1):
        if _TIMING.match(line):
            start = index - 1 if index > 1 and "-->" not in lines[index - 1] else index
            return [(position, [title]), (position, lines[start:])]
        header = _HEADER_TITLE.match(line.strip())
        if header and not title:
            title = header.group(1).strip()
    return [(position, [title])]


def _blocks(text: str) -> list[tuple[int, list[str]]]:
    """Groups of non-blank lines, each with the character offset where it starts."""
    blocks, current, start, offset = [], [], 0, 0
    for line in text.split("\n"):
        if line.strip():
            if not current:
                start = offset
            current.append(line)
        elif current:
            blocks.append((start, current))
            current = []
        offset += len(line) + 1
    if current:
        blocks.append((start, current))
    return blocks


def _timing_index(block: list[str], position: int) -> int | None:
    """Where the timing line is (first line, or second after a cue number or id)."""
    for index, line in enumerate(block[:2]):
        if _TIMING.match(line):
            return index
        if _LOOSE_TIMING.search(line):
            raise ParseError(f"broken timestamp line {line.strip()!r}", position=position)
    if re.fullmatch(r"\s*\d+\s*", block[0]):
        raise ParseError(
            f"cue {block[0].strip()} has no timing line (expected e.g. "
            "'00:00:01,000 --> 00:00:04,000')",
            position=position,
        )
    return None


def _check_timing(line: str, position: int) -> None:
    match = _TIMING.match(line)
    groups = match.groups()
    for minutes, seconds in ((groups[1], groups[2]), (groups[5], groups[6])):
        if int(minutes) > 59 or int(seconds) > 59:
            raise ParseError(f"broken timestamp line {line.strip()!r}", position=position)


def _cue_lines(raw: str, cue: int) -> list[_Line]:
    """One cue line, split at voice tags, with tags stripped and any `名：` prefix noted."""
    pieces: list[_Line] = []
    voices = list(_VOICE.finditer(raw))
    if voices:
        if raw[: voices[0].start()].strip():
            pieces.append(_Line(raw[: voices[0].start()], cue=cue))
        for voice, following in zip(voices, [*voices[1:], None], strict=True):
            end = following.start() if following else len(raw)
            name = _clean(voice.group(1) or "") or None
            prefixed = vocab.role_prefix(name) if name else None  # <v 主持人 王芳>
            role = prefixed[1] if prefixed else ""
            name = prefixed[0] if prefixed else name
            pieces.append(_Line(raw[voice.end() : end], voice=name, label_role=role, cue=cue))
    else:
        pieces.append(_Line(raw, cue=cue))
    for piece in pieces:
        piece.text = _clean(piece.text)
        label = _LABEL.match(piece.text)
        if piece.voice is None and label and label.end() < len(piece.text):
            name = label.group("name") + label.group("seat")
            if label.group("name") not in vocab.CREDIT_WORDS and not _NOT_NAME & set(name):
                piece.label, piece.prefix = name, label.group()
                piece.text = piece.text[label.end() :]
                piece.label_role = vocab.role_of_word(label.group("role") or "") or ""
    return [piece for piece in pieces if piece.text]


def _clean(text: str) -> str:
    return " ".join(html.unescape(_TAG.sub("", text)).split())


def _accepted_labels(lines: list[_Line]) -> set[str]:
    """Labels naming a role word, or labelling two cues or more."""
    counts = Counter(name for name, _ in {(line.label, line.cue) for line in lines if line.label})
    with_role = {line.label for line in lines if line.label and line.label_role}
    return {
        name
        for name, count in counts.items()
        if count >= 2 or name in with_role or vocab.role_of_word(_seatless(name))
    }


def _turns(lines: list[_Line], warnings: list[Warning]) -> tuple[list[Speaker], list[Turn]]:
    accepted = _accepted_labels(lines)
    speakers: dict[str, Speaker] = {}
    turns: list[tuple[str, str]] = []
    for line in lines:
        name = line.voice or (line.label if line.label in accepted else None)
        text = line.text
        if line.label and name is None:  # a prefix that is no speaker stays part of the text
            text = line.prefix + line.text
        if name is None:
            name = turns[-1][0] if turns else UNKNOWN_SPEAKER
        if name not in speakers:
            speakers[name] = Speaker(name=name, role=_role(name, line))
        if turns and turns[-1][0] == name:
            turns[-1] = (name, _join(turns[-1][1], text))
        else:
            turns.append((name, text))
    if UNKNOWN_SPEAKER in speakers and len(speakers) > 1:
        warnings.append(
            Warning("unknown-speaker", f"text before the first speaker label is {UNKNOWN_SPEAKER}")
        )
    return list(speakers.values()), [
        Turn(
            number=index,
            speaker=name,
            text=text,
            stage_directions=vocab.stage_directions(text),
        )
        for index, (name, text) in enumerate(turns, start=1)
    ]


def _role(name: str, line: _Line) -> str:
    if name == UNKNOWN_SPEAKER:
        return "other"
    if line.label_role and name in (line.label, line.voice):
        return line.label_role
    return vocab.role_of_word(_seatless(name)) or "guest"


def _seatless(name: str) -> str:
    """提问者2 → 提问者, Audience Member 1 → Audience Member."""
    return name.rstrip("0123456789").rstrip()


def _join(before: str, after: str) -> str:
    """No space between Chinese text, one between Latin words."""
    if _CJK_EDGE.match(before[-1:]) or _CJK_EDGE.match(after[:1]):
        return before + after
    return f"{before} {after}"
