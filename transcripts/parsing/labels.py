"""The speaker-label grammar shared by the line-based text formats (plain text, bold names).

A label opens a paragraph: `名：`, `名:`, `名 :`, `名（主持）：`, `名 (00:01:02)：`,
`[00:01:02] 名：`, `提问者2：`, `问：` / `答：`, `【名】…`, `主持人 王芳：` (a role word, a space,
the name); or a name stands alone on its own line before the speech, possibly followed by a time
as meeting-minute exports write it (`说话人 1 00:00:03`, `Speaker 1  0:03`).

Which candidates are real speakers (`find_roster`) — a label must look like a name (at most 20
characters, no sentence punctuation, not a pronoun, not ending in a speech verb such as 说/表示,
not a credit word such as 摄影/来源) AND one of:
  1. it is a role word (主持人, 观众, Host...), a numbered asker (提问者1) or 问/答/Q/A;
  2. it is declared by the source (front matter speakers, a guest list);
  3. it is used as a label at least twice in the document;
  4. it is written like a label accepted by 1-3: in 【】, in capitals (JOHN SMITH:), or alone on
     its line with a time (李四 00:00:35).
A prose article with `他说：` or a one-off `原因是：` therefore never yields speakers.

Roles: a bracketed role word wins (`王芳（主持）：` makes 王芳 the host for all her later `王芳：`
labels), then the declared role, then the role word itself; everyone else is a guest. 问/Q is the
interviewer (host) and 答/A the interviewee (guest); when exactly one named speaker holds that
role (declared, or given by a bracketed role word), 问/答 and plain role words such as 主持人
resolve to that person instead of standing as speakers of their own.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from . import vocabulary as vocab
from .transcript import Speaker

MAX_NAME = 20
MAX_BARE_NAME = 12  # a name alone on its line, with no colon, must be shorter
MIN_REPEATS = 2

CREDIT_WORDS = (
    *vocab.CREDIT_WORDS,
    *("图", "圖", "文", "文字", "翻译", "翻譯", "速记", "速記", "听写", "聽寫", "审校", "審校"),
    *("photo", "photos", "source", "editor", "credit", "credits", "author", "transcribed by"),
)
# Words that open metadata or prose lines, never a speaker.
NOT_NAMES = frozenset(
    [
        "注",
        "注意",
        "备注",
        "備註",
        "提示",
        "说明",
        "說明",
        "时间",
        "時間",
        "地点",
        "地點",
        "日期",
        "主题",
        "主題",
        "活动",
        "活動",
        "地址",
        "摘要",
        "简介",
        "簡介",
        "关键词",
        "關鍵詞",
        "标签",
        "標籤",
        "原文",
        "链接",
        "鏈接",
        "问题",
        "問題",
        "答案",
        "结论",
        "結論",
        "原因",
        "结果",
        "結果",
        "重点",
        "重點",
        "例如",
        "比如",
        "其中",
        "总之",
        "總之",
        "首先",
        "其次",
        "最后",
        "最後",
        "note",
        "ps",
        "tip",
        "warning",
        "update",
        "http",
        "https",
    ]
)
MAX_CHINESE_NAME = 8
_CHINESE_ONLY = re.compile(r"^[\u3400-\u9fff·・]+$")
_THINKING = re.compile(
    r"我|你们|觉得|覺得|认为|認為|问题|問題|这个|這個|那个|那個|就是|因为|因為|所以"
)
_PRONOUN = re.compile(r"^(?:他|她|它|我|你|您|咱|大家|有人)(?:们|們)?")
_SPEECH_ENDING = re.compile(
    r"(?:说|說|道|讲|講|表示|认为|認為|指出|提到|强调|強調|回答|回应|回應|是|为|為|如下|包括|said|says|wrote)$"
)
_METADATA_ENDING = re.compile(r"(?:时间|時間|日期|地点|地點|主题|主題|议程|議程)$")  # 会议时间
_REFUSED_CHARS = re.compile(rf"[{re.escape(vocab.SENTENCE_ENDS)}，,、「」『』“”\"《》<>*#|｜/\\]")
_TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
_LABEL = re.compile(
    rf"^\s*(?:[\[(（【]?(?P<lead>{_TIME})[\])）】]?\s+)?"
    rf"(?P<name>[^\s:：()（）\[\]【】][^:：()（）\[\]【】\n]{{0,{MAX_NAME - 1}}}?)"
    r"\s*(?:[(（\[【](?P<note>[^()（）\[\]【】\n]{1,40})[)）\]】]\s*)?"
    rf"{vocab.COLON}(?!//)[ \t\u3000]*"
)
_BARE = re.compile(
    rf"^\s*(?P<name>[^\s:：()（）\[\]【】][^:：()（）\[\]【】\n]{{0,{MAX_BARE_NAME - 1}}}?)"
    r"\s*(?:[(（\[【](?P<note>[^()（）\[\]【】\n]{1,40})[)）\]】])?\s*$"
)
_TIMED_BARE = re.compile(
    rf"^\s*(?P<name>[^\s:：()（）\[\]【】][^:：()（）\[\]【】\n]{{0,{MAX_BARE_NAME - 1}}}?)"
    rf"\s+[\[(（]?(?P<time>{_TIME})[\])）]?\s*$"
)
_BRACKETED = re.compile(
    r"^\s*【\s*(?P<name>[^【】()（）:：\n]{1,20}?)\s*"
    r"(?:[(（](?P<note>[^()（）【】\n]{1,40})[)）]\s*)?】"
    rf"\s*{vocab.COLON}?[ \t\u3000]*"
)
_SEAT = re.compile(r"^(?P<word>\D+?)\s*(?P<seat>\d{1,3})$")
_NOTE_PIECES = re.compile(r"[,，、;；/]\s*|\s+(?=\d)")
_CREDIT_LINE = re.compile(
    r"^\s*[(（【\[]?\s*(?:"
    + "|".join(sorted(map(re.escape, CREDIT_WORDS), key=len, reverse=True))
    + r")\s*[:：|｜丨]",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Label:
    """One speaker label as written; `text` is what follows it on the line."""

    name: str
    role: str | None = None  # what the label itself says (bracketed role, role word, 问/答)
    timestamp: str = ""
    seat: int | None = None  # 提问者2 → 2
    note: str = ""  # bracketed text that is neither a role nor a time: an affiliation
    text: str = ""
    bare: bool = False  # the name stands alone on its line, without a colon
    bracketed: bool = False  # 【名】


def is_credit(line: str) -> bool:
    """`摄影：…`, `来源：…`, `(图：…)`: credit and caption lines, never speech."""
    return bool(_CREDIT_LINE.match(line))


def read_label(line: str) -> Label | None:
    """The label opening `line` (`名：…`), or the name standing alone on it; None otherwise."""
    first = line.split("\n", 1)[0]
    alone = "\n" not in line.strip()
    timed = _TIMED_BARE.match(first) if alone else None
    if timed:  # before `名：`, which would read `说话人 1 00:00:03` as 说话人 1 00, then :00:03
        label = _label(timed.group("name"), None, timed.group("time"), "")
        return Label(**{**label.__dict__, "bare": True}) if label else None
    match = _BRACKETED.match(first)
    if match and vocab.has_stage_word(match.group("name")):
        return None  # 【掌声】 is a stage direction, not a speaker
    if match:
        label = _label(match.group("name"), match.group("note"), None, line[match.end() :])
        return Label(**{**label.__dict__, "bracketed": True}) if label else None
    match = _LABEL.match(first)
    if match:
        rest = line[match.end() :]
        return _label(match.group("name"), match.group("note"), match.group("lead"), rest)
    if alone:
        bare = _BARE.match(first)
        if bare:
            label = _label(bare.group("name"), bare.group("note"), None, "")
            return Label(**{**label.__dict__, "bare": True}) if label else None
    return None


def _label(name: str, note: str | None, lead: str | None, text: str) -> Label | None:
    name = re.sub(r"\s+", " ", name.strip())
    seat = None
    seated = _SEAT.match(name)
    if seated and vocab.role_of_word(seated.group("word")):
        seat = int(seated.group("seat"))
        if not seated.group("word").isascii():  # 提问者 1 is 提问者1; Speaker 1 stays
            name = seated.group("word") + seated.group("seat")
    if not looks_like_name(name) or is_credit(name + "："):
        return None
    word = seated.group("word") if seat is not None else name
    role = vocab.role_of_word(word) or vocab.INTERVIEW_WORDS.get(word.lower())
    prefixed = vocab.role_prefix(name) if role is None else None  # 主持人 王芳：
    if prefixed and not _is_role_name(prefixed[0]) and looks_like_name(prefixed[0]):
        name, role = prefixed
    timestamp, other = lead or "", []
    for piece in _NOTE_PIECES.split(note or ""):
        if not piece:
            continue
        if re.fullmatch(_TIME, piece):
            timestamp = piece
        elif vocab.role_of_word(piece):
            role = vocab.role_of_word(piece)
        else:
            other.append(piece)
    return Label(name, role, timestamp, seat, " ".join(other), text.strip())


def looks_like_name(name: str) -> bool:
    """Short, unpunctuated, not a pronoun, a speech verb, a number or a metadata word."""
    if not 0 < len(name) <= MAX_NAME or _REFUSED_CHARS.search(name) or name[0].isdigit():
        return False
    if name.lower() in NOT_NAMES or _PRONOUN.match(name) or _SPEECH_ENDING.search(name.lower()):
        return False
    if _METADATA_ENDING.search(name):
        return False
    # a run of Chinese longer than a name or a title, or one that thinks aloud, is a sentence
    # fragment before a colon (这个问题我觉得分为几个层面：…), however often it recurs
    if _CHINESE_ONLY.match(name) and (len(name) > MAX_CHINESE_NAME or _THINKING.search(name)):
        return False
    return len(name.split()) <= 4


def find_roster(paragraphs: Iterable[str], declared: Sequence[Speaker] = ()) -> dict[str, Speaker]:
    """Label name → speaker, for the labels that name real speakers (see the module rules)."""
    labels = [label for label in map(read_label, paragraphs) if label]
    counts = Counter(label.name for label in labels)
    known = {speaker.name: speaker for speaker in declared}
    real = {
        label.name
        for label in labels
        if label.role or label.name in known or counts[label.name] >= MIN_REPEATS
    }
    # a label in the style of an accepted one (【名】, JANE DOE:) is a speaker even if used once
    styles = {_style(label) for label in labels if label.name in real} - {""}
    real |= {label.name for label in labels if _style(label) in styles}
    accepted: dict[str, list[Label]] = {}
    for label in labels:
        if label.name in real:
            accepted.setdefault(label.name, []).append(label)
    roster = {name: _speaker(name, found, known.get(name)) for name, found in accepted.items()}
    explicit = [roster[name] for name, found in accepted.items() if any(f.role for f in found)]
    _resolve_role_words(roster, [*declared, *explicit])
    return roster


def _style(label: Label) -> str:
    """A distinctive way of writing labels: 【名】, a name and a time alone on a line, or
    capitals as English transcripts write speaker names (JANE DOE:, not Q or A); "" for the
    ordinary ones."""
    if label.bracketed:
        return "bracketed"
    if label.bare and label.timestamp:
        return "timed"  # 说话人 1 00:00:03, as meeting-minute exports write every label
    letters = [ch for ch in label.name if ch.isalpha()]
    if label.name.isascii() and len(letters) >= 2 and all(ch.isupper() for ch in letters):
        return "capitals"
    return ""


def _speaker(name: str, labels: list[Label], declared: Speaker | None) -> Speaker:
    explicit = next((label.role for label in labels if label.role), None)
    note = next((label.note for label in labels if label.note), "")
    if declared:
        return Speaker(
            name=declared.name,
            role=declared.role or explicit or "guest",
            handle=declared.handle,
            bio=declared.bio or note,
        )
    return Speaker(name=name, role=explicit or "guest", bio=note)


def _resolve_role_words(roster: dict[str, Speaker], known: Sequence[Speaker]) -> None:
    """主持人 / 问 / 答 stand for the one named speaker known to hold that role (declared, or
    given a bracketed role word), when there is exactly one."""
    named = [s for s in known if not _is_role_name(s.name)]
    for name in list(roster):
        if not _is_role_name(name) or _SEAT.match(name):
            continue
        role = roster[name].role
        holders = {s.name: s for s in named if s.role == role and role in ("host", "guest")}
        if len(holders) == 1:
            holder = next(iter(holders.values()))
            roster[name] = roster.get(holder.name, holder)


def _is_role_name(name: str) -> bool:
    word = _SEAT.match(name).group("word") if _SEAT.match(name) else name
    return bool(vocab.role_of_word(word) or vocab.INTERVIEW_WORDS.get(word.lower()))


def match(paragraph: str, roster: dict[str, Speaker]) -> tuple[Speaker, Label] | None:
    """The roster speaker whose label opens `paragraph`, with the label read."""
    label = read_label(paragraph)
    if label is None or label.name not in roster:
        return None
    return roster[label.name], label
