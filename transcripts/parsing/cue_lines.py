"""A subtitle cue's lines: markup taken out, and cut where the speaker may change (WebVTT voice
tags, diarization prefixes, `>>`, a later line that may open with a `名：` label). The rules are
in `subtitles`' docstring; this module holds the line-level reading they need.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from .languages import inline_separator
from .vocabulary import COLON_FORMS

_VOICE = re.compile(r"<v(?:\.[^\s>]*)?(?:\s+([^>]*))?>", re.IGNORECASE)
_TAG = re.compile(r"</?[A-Za-z][^>]*>|<\d[\d:.]*>|\{\\[^}]*\}")
_DIARIZED = re.compile(
    r"^(?:\[(SPEAKER_\d+)\]\s*[:：]?|(SPEAKER_\d+)\s*[:：]|\((speaker (?:\d+|\?))\))\s*",
    re.IGNORECASE,
)
_TURN_MARK = re.compile(r"^>{2,3}(?!>)\s*")
_MID_TURN_MARK = re.compile(r"\s>{2,3}(?:\s+|$)")
# Could a `名：` label open this line? Only to start a new block there; the label stage decides.
_MAYBE_LABEL = re.compile(
    r"^[^\s:：，。！？,!?;；]{1,20}(?: [^\s:：，。！？,!?;；]{1,20}){0,2}\s*"
    rf"[:：{COLON_FORMS}]"
)


@dataclass
class Piece:
    """A block being built from a cue's lines."""

    speaker: str
    new_speaker: bool
    texts: list[str]
    first: int = 0  # the first and last line that gave it text
    last: int = 0


def line_key(raw: str, text: str) -> str:
    """A cue line as shown (tags removed), with its voices: what a rolling caption repeats."""
    if "<" in raw:
        voices = [voice.group(1) or "" for voice in _VOICE.finditer(raw)]
        if voices:
            return text + "\0" + "\0".join(voices)
    return text


def speaker_pieces(lines: list[tuple[int, str, str, str]], consumed: list) -> list[Piece]:
    """A cue's lines cut where the speaker may change: a voice, a diarization prefix, a `>>`,
    or a later line that may open with a `名：` label (the block inherits the cue's voice)."""
    if len(lines) == 1:  # the usual cue: one line, no voice tag, no `>>`
        number, raw, clean, _ = lines[0]
        text, speaker = _diarized(clean)
        if text and "<" not in raw and ">>" not in clean:
            return [Piece(speaker, False, [text], number, number)]
    pieces: list[Piece] = []
    for index, (number, raw, clean, _) in enumerate(lines):
        took_text = False
        for voice, part, line_start in _voice_parts(raw, clean):
            for text, marked in _turn_marks(part):
                text, diarized = _diarized(text)
                current = pieces[-1] if pieces else None
                if marked or current is None or diarized not in ("", current.speaker):
                    inherited = "" if marked or current is None else current.speaker
                    pieces.append(Piece(diarized or voice or inherited, marked, []))
                elif voice and voice != current.speaker:
                    pieces.append(Piece(voice, False, []))
                elif line_start and index and _MAYBE_LABEL.match(text):
                    pieces.append(Piece(current.speaker, False, []))
                if text:
                    piece = pieces[-1]
                    piece.texts.append(text)
                    piece.first, piece.last = piece.first or number, number
                    took_text = True
        if not took_text:
            consumed.append((number, "speaker change"))
    return pieces


def _voice_parts(raw: str, clean: str) -> list[tuple[str | None, str, bool]]:
    """A line cut at its voice tags: (voice name or None, text without tags, starts the line)."""
    voices = list(_VOICE.finditer(raw)) if "<" in raw else []
    if not voices:
        return [(None, clean, True)]
    parts: list[tuple[str | None, str, bool]] = []
    if raw[: voices[0].start()].strip():
        parts.append((None, clean_line(raw[: voices[0].start()]), True))
    for voice, following in zip(voices, [*voices[1:], None], strict=True):
        end = following.start() if following else len(raw)
        name = " ".join((voice.group(1) or "").split()) or None
        parts.append((name, clean_line(raw[voice.end() : end]), not parts))
    return parts


def _turn_marks(text: str) -> list[tuple[str, bool]]:
    """A line cut at `>>` speaker changes: (text, a `>>` opens it)."""
    if ">>" not in text:
        return [(text, False)]
    mark = _TURN_MARK.match(text)
    if mark:
        text = text[mark.end() :]
    marked = bool(mark)
    if ">>" not in text:
        return [(text, marked)]
    parts = _MID_TURN_MARK.split(text)
    return [(parts[0], marked), *((part, True) for part in parts[1:])]


def _diarized(text: str) -> tuple[str, str]:
    """`[SPEAKER_00]: text` → (text, SPEAKER_00); whisper.cpp's `(speaker 0)` too."""
    if not text.startswith(("[", "(", "S", "s")):
        return text, ""
    match = _DIARIZED.match(text)
    if not match:
        return text, ""
    speaker = next(group for group in match.groups() if group)
    return text[match.end() :], "" if speaker.endswith("?") else speaker


def clean_line(text: str) -> str:
    if "<" in text or "{" in text:
        text = _TAG.sub("", text)
    return " ".join(html.unescape(text).split())


def join_cue_text(texts: list[str]) -> str:
    """No space between Chinese text, one between Latin words."""
    if len(texts) == 1:
        return texts[0]
    parts: list[str] = []
    for text in texts:
        if parts:
            parts.append(inline_separator(parts[-1], text))
        parts.append(text)
    return "".join(parts)


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z\u00c0-\u024f]")
MIN_BILINGUAL_CUES = 3


def bilingual_split(texts: list[str]) -> int | None:
    """Where a cue's original starts when the cue gives Chinese lines over their Latin-script
    original (中英双语字幕: `欢迎来到节目。` / `Welcome to the show.`); None for any other cue."""
    split = next((i for i, text in enumerate(texts) if not _CJK.search(text)), None)
    if not split or not all(_CJK.search(text) for text in texts[:split]):
        return None
    rest = texts[split:]
    return split if all(_LATIN.search(t) and not _CJK.search(t) for t in rest) else None


def is_bilingual(cues: list[list[str]]) -> bool:
    """Most cues with text (and at least three) give Chinese over the original: the file is a
    bilingual subtitle, and a cue's second language is its translation. A mixed panel where one
    cue holds a Chinese speaker and then an English one is not, since most of its cues hold one
    language."""
    shown = [texts for texts in (list(filter(None, cue)) for cue in cues) if texts]
    pairs = sum(1 for texts in shown if bilingual_split(texts))
    return pairs >= MIN_BILINGUAL_CUES and pairs * 2 >= len(shown)
