"""The label grammar: the speaker label opening one block of text, read the same way for every
format. Which labels name real speakers is decided over the whole file by `roster`.

How a label is written (`read_label`, on a block's first line, markup already removed):
`名：…`, `名:`, `名（主持）：`, `名 (00:01:02)：`, `名(00:00:01):…`, `[00:01:02] 名：…`,
`[00:00:01 - 00:00:05] 名：`, `【名】…`, `[SPEAKER_00]: …`, `主持人 王芳：`, `主持人（陳怡君）：`,
`王芳 主持人：`, `Q. …`, or a name alone on its line (`名：`, `名`, `说话人1 00:00:05`,
`Speaker 1  0:03`) before the speech, or a name and a time before the speech without a colon
(`Lex Fridman (00:01:02) So…`), or a title, a surname and a full stop as hearing records
print them (`Mr. Hartwell. The subcommittee…`). A speech number before the label (`1．名：`,
`（2）名：`) is no part of it, and a colon may be written with a look-alike (︰, ∶).

A label must read like a name (`looks_like_name`: short, no sentence punctuation, not a
pronoun, a speech verb, a credit or metadata word). A placeholder (`placeholder_name`: 说话人1,
Speaker 3, SPEAKER_00, 提问者1, a bare 观众 or 主持人, 问/答) names no one yet. `variant_key` is
what two ways of writing one label have in common.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from . import vocabulary as vocab
from .dates import ascii_times, seconds

MAX_NAME = 24
MAX_BARE_NAME = 16  # a name alone on its line, with no colon, must be shorter
MAX_CHINESE_NAME = 8

# Words that open metadata or prose lines, never a speaker.
NOT_NAMES = frozenset(
    (
        *("注", "注意", "备注", "備註", "提示", "说明", "說明", "时间", "時間", "地点", "地點"),
        *("日期", "主题", "主題", "活动", "活動", "地址", "摘要", "简介", "簡介", "关键词"),
        *("關鍵詞", "关键字", "關鍵字", "标签", "標籤", "原文", "链接", "鏈接", "问题", "問題"),
        *("答案", "结论", "結論", "原因", "结果", "結果", "重点", "重點", "例如", "比如", "其中"),
        *("总之", "總之", "首先", "其次", "最后", "最後", "第一", "第二", "第三", "另外", "此外"),
        *("文字记录", "文字記錄", "转写", "轉寫", "全文", "导读", "導讀", "前言", "引言", "按"),
        *("编者按", "編者按", "议程", "議程", "会议", "會議", "嘉宾介绍", "嘉賓介紹", "背景"),
        *("note", "notes", "ps", "p.s", "tip", "warning", "update", "http", "https", "faq"),
        *("example", "summary", "answer", "question", "edit", "disclaimer", "transcript"),
        *("translation", "introduction", "conclusion", "background", "context", "step"),
        *("chapter", "part", "section", "episode", "date", "time", "location", "topic", "re"),
        *("keywords", "tags", "agenda", "abstract", "tldr", "tl;dr", "warning", "caution"),
    )
)
# English words that open a line with a colon without naming anyone (one-off labels only).
COMMON_WORDS = frozenset(
    (
        *("however", "so", "well", "also", "yes", "no", "okay", "ok", "first", "second", "third"),
        *("finally", "then", "now", "here", "there", "this", "that", "these", "those", "but"),
        *("and", "or", "because", "why", "what", "how", "when", "where", "who", "which", "result"),
        *("results", "today", "tomorrow", "yesterday", "remember", "important", "key", "takeaway"),
        *("takeaways", "lesson", "fact", "truth", "problem", "solution", "goal", "idea", "plan"),
        *("point", "reason", "quote", "caveat", "spoiler", "hint", "correction", "clarification"),
        *("definition", "rule", "rules", "principle", "tips", "hints", "pros", "cons", "meanwhile"),
        *("anyway", "actually", "basically", "interesting", "sources", "references", "links"),
        *("resources", "thanks", "welcome", "hello", "hi", "translator", "editor", "moderator"),
    )
)
_THINKING = re.compile(
    r"我|你们|觉得|覺得|认为|認為|问题|問題|这个|這個|那个|那個|就是|因为|因為|所以|的|了|是|在|说"
)
_PRONOUN = re.compile(
    r"^(?:他|她|它|我|你|您|咱|大家|有人|我们|我們|they|he|she|we|i|you)(?:们|們)?$|^(?:他|她|它|我|你|您|咱)"
)
_SPEECH_ENDING = re.compile(
    r"(?:说|說|道|讲|講|表示|认为|認為|指出|提到|强调|強調|回答|回应|回應|是|为|為|如下|包括"
    r"|said|says|wrote|asks|asked|replied|explains|notes)$"
)
_METADATA_ENDING = re.compile(
    r"(?:时间|時間|日期|地点|地點|主题|主題|议程|議程|提示|说明|說明|总结|總結|观点|觀點|背景|"
    r"来源|來源|简介|簡介|关键词|關鍵詞|链接|鏈接|名单|名單|介绍|介紹|摘要|纪要|紀要|速览|速覽|回顾|"
    r"回顧|概要|要点|要點|议题|議題|材料|资料|資料)$"
)
_REFUSED_CHARS = re.compile(rf"[{re.escape(vocab.SENTENCE_ENDS)}，,、「」『』“”\"《》<>*#|｜/\\=]")
CJK = re.compile(r"[\u3400-\u9fff]")
_CHINESE_ONLY = re.compile(r"^[\u3400-\u9fff·・]+$")
LATIN_NAME = re.compile(
    r"^(?:[A-Z][\w.'’-]*|(?:de|van|von|der|den|da|di|la|le|du|bin|al|el|dos|das)\b)"
    r"(?:\s+(?:[A-Z][\w.'’-]*|de|van|von|der|den|da|di|la|le|du|bin|al|el|dos|das|of)){0,3}$"
)
PLACEHOLDER = re.compile(
    r"^(?P<word>[^\d_]+?)(?:[\s_]*(?P<seat>\d{1,3})|[\s_]+(?P<letter>[A-Za-z])"
    r"|(?<=[\u3400-\u9fff])(?P<cjk_seat>[A-Za-z]|[一二三四五六七八九十]{1,2}|[甲乙丙丁戊己庚辛]))?$"
)


def seat(match: re.Match[str]) -> str:
    """The seat number or letter of a placeholder match: 1 in 说话人1, A in 观众A."""
    return match.group("seat") or match.group("letter") or match.group("cjk_seat") or ""


_NUMBERED_QUESTION = re.compile(r"^(?:[QＱ]\s*\d{1,3}|第[一二三四五六七八九十百\d]+.*)$")
# a name never opens with a digit nor holds a year (原创 小镇书房 2024-05-18 20:30 is a byline)
_DIGITS = re.compile(r"^\d|\d{4}")
_HONORIFIC = re.compile(r"(?:老师|老師|先生|女士|小姐|博士|教授|同学|同學|总|總|院士)$")

TIME = r"\d{1,2}:\d{2}(?::\d{2})?(?:[.,]\d{1,3})?"
# [00:00:01 - 00:00:05], [00:00:04 → 00:00:41]: the start counts
_UNTIL = rf"(?:\s*(?:-->|->|→|⟶|-|–|—|~|～)\s*{TIME})?"
_TIME_RANGE = re.compile(rf"(?P<start>{TIME}){_UNTIL}")
_NAME = rf"[^\s:：()（）\[\]【】][^:：()（）\[\]【】\n]{{0,{MAX_NAME - 1}}}?"
_NOTE = r"[(（\[【](?P<note>[^()（）\[\]【】\n]{1,60})[)）\]】]"
_COLON = rf"{vocab.COLON}(?!//)"
# [00:01:02] 名：…  /  名（主持）：…  /  名 (00:01:02)：…  /  [SPEAKER_00]: …
_LABEL = re.compile(
    rf"^\s*(?:[\[(（【]?(?P<lead>{TIME}){_UNTIL}[\])）】]?\s*)?"
    rf"(?:\[(?P<boxed>[^\[\]\n:：]{{1,30}})\]|(?P<name>{_NAME}))"
    rf"\s*(?:{_NOTE}\s*)?(?:[\[(（]?(?P<time>{TIME}){_UNTIL}[\])）]?\s*)?{_COLON}[ \t\u3000]*"
)
# 说话人1 00:00:05 / Speaker 1  0:03 / 张三 (00:01:02) — alone, or before the speech
_TIMED = re.compile(
    rf"^\s*(?P<name>{_NAME})\s*(?:{_NOTE}\s*)?"
    rf"(?:\s|[\[(（])(?P<time>{TIME}){_UNTIL}[\])）]?(?:\s*{vocab.COLON})?(?:\s+|$)"
)
# Q. / A. / 问. before the speech, as English interviews write them
_INTERVIEW_DOT = re.compile(r"^\s*(?P<name>[QAＱＡ问答問])[.．、]\s+(?=\S)")
# 00:00:05 说话人1 (alone on its line)
_LEAD_TIMED = re.compile(rf"^\s*[\[(（]?(?P<time>{TIME})[\])）]?\s+(?P<name>{_NAME})\s*$")
_PAREN_NAME = re.compile(r"^\s*[(（](?P<name>[^()（）:：\n]{1,24})[)）]\s*(?=\S)(?![:：])")
_BARE = re.compile(rf"^\s*(?P<name>{_NAME})\s*(?:{_NOTE})?\s*$")
_BRACKETED = re.compile(
    r"^\s*[【\[<]\s*(?P<name>[^【】\[\]<>()（）:：\n]{1,24}?)\s*"
    r"(?:[(（](?P<note>[^()（）【】\[\]<>\n]{1,40})[)）]\s*)?[】\]>]"
    rf"(?:\s*{vocab.COLON})?[ \t\u3000]*"
)
# marks that copied articles and lists put before a label
_DECORATION = re.compile(r"^\s*(?:[▍▎▌▋■□◆◇●○•▶▷►➤➜→|｜]|[-*+]\s|—{1,2})\s*")
# the number of a speech in minutes that count them: 1．名：, 2、名：, （3）名：, ④ 名：
_ENUMERATOR = re.compile(r"^\s*(?:\d{1,3}\s*[.．、]|[(（]\d{1,3}[)）]|[①-⑳])\s*(?=\S)")
# Mr. Hartwell. / Mrs. DELACROIX. / Senator Ortiz of Ohio. / The CHAIRMAN.: a title, a surname and
# a full stop before the speech, as the records of hearings and parliaments print every label
TITLED_DOT = re.compile(
    r"^\s*(?P<name>(?:(?i:mr|mrs|ms|mx|dr|prof|miss|sen|rep)\.?|(?i:chairman|chairwoman|chair"
    r"|senator|representative|secretary|commissioner|judge|justice|governor|mayor|admiral"
    r"|general|ambassador))(?:\s+[A-Z][\w'’-]+){1,2}(?:\s+of\s+[A-Z][a-z]+(?:\s+[A-Z][a-z]+)?)?"
    r"|(?i:the\s+(?:chairman|chairwoman|chair|clerk|speaker|president|court|witness)))"
    r"\.[ \t]+(?=\S)"
)
_COLON_FORM = re.compile(f"[{vocab.COLON_FORMS}]")
# a time opening the speech itself: (00:01:02) So… / [01:02] 大家好
LEADING_TIME = re.compile(rf"^\s*[\[(（](?P<time>{TIME})[\])）]\s*|^\s*(?P<plain>{TIME})\s+")
# a time closing the paragraph, as some editors stamp each one: `Welcome back. (00:01:05)`
TRAILING_TIME = re.compile(rf"\s*[\[(（](?P<time>{TIME})[\])）]\s*$")
_NOTE_PIECES = re.compile(r"[,，、;；/|｜]\s*|\s+(?=\d)")
_CREDIT_LINE = re.compile(
    r"^\s*[(（【\[]?\s*(?:"
    + "|".join(sorted(map(re.escape, vocab.CREDIT_WORDS), key=len, reverse=True))
    + r")\s*(?:[:：|｜丨/]|\s*[)）】\]]\s*$)",
    re.IGNORECASE,
)
_SEPARATORS = re.compile(r"[\s\-‐‑‒–—_·・•‧.]+")


@dataclass(frozen=True, slots=True)
class Label:
    """One speaker label as written; `text` is what follows it in the block."""

    written: str  # the label without its colon and time: 王王明, 主持人 林晓, 王芳（主持）
    name: str  # the name it gives: 王王明, 林晓, 王芳, 说话人1
    role: str | None = None  # what the label itself says (a role word or note, 问/答)
    note: str = ""  # bracketed text that is neither a role nor a time: an affiliation
    time: float | None = None  # seconds
    text: str = ""
    # colon | alone | bare | timed | bracketed | paren | heading | container | titled (Mr. Name.)
    style: str = "colon"
    bold: bool = False
    placeholder: bool = False  # a role word or seat only: 说话人1, 观众, SPEAKER_00


def is_credit(line: str) -> bool:
    """`摄影：…`, `图源：…`, `(图：…)`: credit and caption lines, never speech."""
    return bool(_CREDIT_LINE.match(line))


def read_label(line: str) -> Label | None:
    """The label opening `line`, or the name standing alone on it; None otherwise."""
    first, _, more = line.partition("\n")
    first = ascii_times(first)  # 说话人１　００：００：０３
    first = _DECORATION.sub("", first, count=1)  # ▍王明：, ● 王明：, - 王明：
    first = _ENUMERATOR.sub("", first, count=1)  # 1．王明：
    first = _one_colon(first)  # 许嘉言︰ is 许嘉言：
    rest_lines = f"\n{more}" if more else ""
    alone = not more.strip()
    match = TITLED_DOT.match(first)
    if match:  # Mr. Hartwell. The subcommittee will come to order.
        text = first[match.end() :] + rest_lines
        return _label(match.group("name"), None, None, text, "titled")
    match = _LEAD_TIMED.match(first) if alone else None
    if match and not match.group("name").rstrip().endswith((".", "!", "?")):
        return _label(match.group("name"), None, match.group("time"), "", "timed")
    match = _INTERVIEW_DOT.match(first)
    if match:  # Q. How long…? / A. Twenty years.
        return _label(match.group("name"), None, None, first[match.end() :] + rest_lines, "colon")
    match = _BRACKETED.match(first)
    if match:
        if vocab.has_stage_word(match.group("name")):
            return None  # 【掌声】 is a stage direction, not a speaker
        text = first[match.end() :] + rest_lines
        return _label(match.group("name"), match.group("note"), None, text, "bracketed")
    match = _PAREN_NAME.match(first)
    if match and _paren_name(match.group("name")):  # （张三）大家好: subtitles mark speakers so
        return _label(match.group("name"), None, None, first[match.end() :] + rest_lines, "paren")
    # before `名：`, which would read `说话人 1 00:00:03` as 说话人 1 00, then :00:03
    match = _TIMED.match(first)
    if match:
        text = first[match.end() :] + rest_lines
        return _label(match.group("name"), match.group("note"), match.group("time"), text, "timed")
    match = _LABEL.match(first)
    if match:
        name = match.group("boxed") or match.group("name")
        if match.group("boxed") and re.fullmatch(TIME, name.strip()):
            return None
        text = first[match.end() :] + rest_lines
        time = match.group("time") or match.group("lead")
        style = "timed" if time else ("colon" if text.strip() else "alone")
        return _label(name, match.group("note"), time, text, style)
    if alone:
        match = _BARE.match(first)
        if match and len(match.group("name").strip()) <= MAX_BARE_NAME:
            return _label(match.group("name"), match.group("note"), None, "", "bare")
    return None


def _paren_name(name: str) -> bool:
    """（张三）, (Dana Lee) before the speech: a personal name or a placeholder in round
    brackets, never a stage word such as （笑声） or (Laughter); one English word in brackets
    is a sound note far more often than a name ((Singing), (Foreign))."""
    if vocab.has_stage_word(name) or vocab.is_stage_direction(name):
        return False
    one_word = name.isascii() and len(name.split()) < 2
    return not one_word and (strongly_name_like(name.strip()) or bool(placeholder_name(name)))


def _one_colon(first: str) -> str:
    """The line with its first colon written the usual way when another character stands for
    it (︰, ∶): only that one, and only before any usual colon, so a ratio later in the speech
    (3∶2) is left as written."""
    other = _COLON_FORM.search(first)
    if other is None or re.search(vocab.COLON, first[: other.start()]):
        return first
    return f"{first[: other.start()]}：{first[other.end() :]}"


def _label(name: str, note: str | None, time: str | None, text: str, style: str) -> Label | None:
    name = re.sub(r"\s+", " ", name.strip())
    epithet = _EPITHET.match(name)
    if epithet and not note and " " in epithet.group("person").strip():
        name, note = epithet.group("person"), epithet.group("note")  # JANE DOE, HOST
    role, other, found_time, said = None, [], time, []
    for piece in _NOTE_PIECES.split(note or ""):
        piece = piece.strip()
        if not piece:
            continue
        timed = _TIME_RANGE.fullmatch(piece)
        if timed:
            found_time = found_time or timed.group("start")
            continue
        said.append(piece)
        if vocab.role_of_word(piece) or _role_in(piece):
            role = vocab.role_of_word(piece) or _role_in(piece)
        else:
            other.append(piece)
    written = name + (f"（{'，'.join(said)}）" if said else "")
    # 主持人（陳怡君）: the note is the person, the name their role
    person = other[0] if len(other) == 1 else ""
    if vocab.role_of_word(name) and looks_like_name(person) and not _placeholder_like(person):
        role, name, other = vocab.role_of_word(name), person, []
    placeholder = placeholder_name(name)
    if placeholder:
        name = placeholder
    else:
        split = vocab.role_prefix(name) or vocab.role_suffix(name)
        if split and looks_like_name(split[0]):
            name, role = split[0], role or split[1]
    if not looks_like_name(name) or is_credit(name + "："):
        return None
    if placeholder:
        role = role or placeholder_role(name)
    if found_time and style in ("colon", "alone", "bare"):
        style = "timed"  # 王芳 (00:01:02)：…
    return Label(
        written=written,
        name=name,
        role=role,
        note=" ".join(other),
        time=seconds(found_time) if found_time else None,
        text=text.strip(),
        style=style,
        placeholder=bool(placeholder),
    )


# `STEVE INSKEEP, HOST`, `Jane Doe, CEO`: a capitalised description after a comma, as English
# transcripts introduce people, reads like a bracketed note.
_EPITHET = re.compile(
    r"^(?P<person>[A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){1,3}),\s*"
    r"(?P<note>[A-Z][\w.&'’-]*(?:\s+(?:[A-Z&][\w.&'’-]*|of|at|the|for|and|in|on)){0,5})$"
)


_PLACEHOLDER_SEAT = re.compile(r"^[\d一二三四五六七八九十甲乙丙丁A-Za-z]{1,3}$")


def _placeholder_like(note: str) -> bool:
    """主持人（A）, 观众（2）: a seat or a role word in brackets, not a person."""
    return bool(vocab.role_of_word(note) or _PLACEHOLDER_SEAT.match(note))


def _role_in(note: str) -> str | None:
    """A role word inside a longer note: 座談會主持人, 本期嘉宾 → host, guest."""
    lowered = note.lower()
    for word in sorted(vocab.ROLE_WORDS, key=len, reverse=True):
        if len(word) >= 2 and not word.isascii() and word in lowered:
            return vocab.ROLE_WORDS[word]
    return None


def placeholder_name(name: str) -> str:
    """说话人 1 → 说话人1, Speaker 3, SPEAKER_00, 观众, 提問者2, 问: a label that names no one,
    written the usual way; "" for a person's name. The one rule for what a placeholder is."""
    match = PLACEHOLDER.match(name.strip())
    if not match:
        return ""
    word, number = match.group("word").strip(), unicodedata.normalize("NFKC", seat(match))
    if not (vocab.role_of_word(word) or (word.lower() in vocab.INTERVIEW_WORDS and not number)):
        return ""
    if word.isascii():
        return name.strip()  # Speaker 1, SPEAKER_00 stay as written
    return word + number


def placeholder_role(name: str) -> str | None:
    """The role a placeholder's word stands for: 主持人 → host, 提问者2 → audience."""
    word = PLACEHOLDER.match(name).group("word").strip()
    return vocab.role_of_word(word) or vocab.INTERVIEW_WORDS.get(word.lower())


def looks_like_name(name: str) -> bool:
    """Short, unpunctuated, not a pronoun, a speech verb, a number or a metadata word."""
    if not 0 < len(name) <= MAX_NAME or _REFUSED_CHARS.search(name) or _DIGITS.search(name):
        return False
    if _NUMBERED_QUESTION.match(name):
        return False  # Q1：… is an audience question, a topic
    lowered = name.lower()
    if lowered in NOT_NAMES or lowered.rstrip(".") in NOT_NAMES or _PRONOUN.match(lowered):
        return False
    if _SPEECH_ENDING.search(lowered) and not vocab.role_of_word(name):
        return False
    if _METADATA_ENDING.search(name) and not vocab.role_of_word(name):
        return False
    # a run of Chinese longer than a name or a title, or one that thinks aloud, is a sentence
    # fragment before a colon (这个问题我觉得分为几个层面：…)
    sentence = len(name) > MAX_CHINESE_NAME or _THINKING.search(name)
    if _CHINESE_ONLY.match(name) and not vocab.role_of_word(name) and sentence:
        return False
    if name.isascii() and not (LATIN_NAME.match(name) or placeholder_name(name)):
        return name.lower() in vocab.INTERVIEW_WORDS or vocab.role_of_word(name) is not None
    return len(name.split()) <= 4


def strongly_name_like(name: str) -> bool:
    """Reads like a personal name even when used once: 王明, 欧阳娜娜, Sam Chen, Bob."""
    if vocab.is_chinese_name(name) and not _THINKING.search(name[1:]):
        return True
    if CJK.search(name):  # mixed: Sam Altman（OpenAI）is handled by its note; 小王 etc.
        return False
    words = name.split()
    if len(words) == 1 and words[0].lower() in COMMON_WORDS:
        return False  # `However:` at the start of a wrapped line is no one
    return 1 <= len(words) <= 3 and all(w[:1].isupper() and w[1:].islower() for w in words)


@lru_cache(maxsize=4096)
def variant_key(name: str) -> str:
    """What two ways of writing one label have in common: width, case, spaces, hyphens and
    middle dots, doubled characters, Traditional forms and an honorific are left out."""
    key = unicodedata.normalize("NFKC", name).casefold()
    key = _SEPARATORS.sub("", _simplified(key))
    key = _HONORIFIC.sub("", key) if len(key) > 3 else key
    return re.sub(r"([^\d])\1+", r"\1", key)


@lru_cache(maxsize=1)
def _converter():
    import opencc

    return opencc.OpenCC("t2s")


def _simplified(text: str) -> str:
    return _converter().convert(text) if CJK.search(text) else text


# The roster -------------------------------------------------------------------------------
