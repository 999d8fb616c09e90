"""Words and punctuation that every format parser shares: role words, credit words, colons,
sentence ends, brackets, Chinese numerals. Data, not logic, so parsers agree on them."""

from __future__ import annotations

import re

COLON = "[:：]"

# Label words that name a role instead of a person, mapped to the role they stand for:
# Simplified, Traditional and English (lower case; `role_of_word` ignores the case of ASCII).
ROLE_WORDS: dict[str, str] = {
    "主持人": "host",
    "主持": "host",
    "host": "host",
    "moderator": "host",
    "嘉宾": "guest",
    "嘉賓": "guest",
    "主讲人": "guest",
    "主講人": "guest",
    "主讲": "guest",
    "主講": "guest",
    "与谈人": "guest",
    "與談人": "guest",
    "guest": "guest",
    "speaker": "guest",
    "panelist": "guest",
    "说话人": "guest",
    "說話人": "guest",
    "发言人": "guest",
    "發言人": "guest",
    "观众": "audience",
    "觀眾": "audience",
    "现场观众": "audience",
    "現場觀眾": "audience",
    "听众": "audience",
    "聽眾": "audience",
    "提问者": "audience",
    "提問者": "audience",
    "audience": "audience",
    "audience member": "audience",
    "questioner": "audience",
}

# Interview labels: 问/Q is the interviewer, 答/A the interviewee.
INTERVIEW_WORDS: dict[str, str] = {
    "问": "host",
    "問": "host",
    "q": "host",
    "答": "guest",
    "a": "guest",
}


def role_of_word(word: str) -> str | None:
    """The role a role word stands for (主持人, 與談人, Moderator → host...), None otherwise."""
    return ROLE_WORDS.get(word.lower() if word.isascii() else word)


def role_prefix(name: str) -> tuple[str, str] | None:
    """`主持人 王芳`, `Moderator Jane Doe` → (the person, their role); None for other names."""
    prefix, _, person = name.partition(" ")
    role = role_of_word(prefix)
    if role and person.strip() and not role_of_word(person.strip()):
        return person.strip(), role
    return None


# Words that introduce the guest list.
GUEST_LIST_MARKERS = (
    "嘉宾介绍",
    "嘉宾简介",
    "嘉宾名单",
    "参与嘉宾",
    "出席嘉宾",
    "圆桌嘉宾",
    "嘉賓介紹",
)

# Credit and caption lines: "来源:知乎" is a footer, never a speaker.
CREDIT_WORDS = (
    "来源",
    "來源",
    "作者",
    "编辑",
    "編輯",
    "责任编辑",
    "責任編輯",
    "责编",
    "摄影",
    "攝影",
    "撰文",
    "整理",
    "校对",
    "校對",
    "出品",
    "原文链接",
    "原文鏈接",
    "图片来源",
    "圖片來源",
)
FOOTER_MARKERS = ("相关推荐", "相關推薦", "点击下载", "【知乎日报】")

SENTENCE_ENDS = "。！？!?…；;"
CLOSERS = "」』”\"’'）)】]》"
OPEN_BRACKETS = "(（[【"
CLOSE_BRACKETS = ")）]】"

# Bracketed remarks that are stage directions rather than speech: (观众:笑), （掌声）.
STAGE_DIRECTION = re.compile(r"[(（【\[][^()（）【】\[\]]{1,30}[)）】\]]")
# Words inside brackets that make them a stage direction: Simplified, Traditional, English.
STAGE_WORDS = (
    *("笑", "掌声", "鼓掌", "音频", "视频", "停顿", "沉默", "众人", "全场", "现场"),
    *("掌聲", "影片", "視頻", "音頻", "停頓", "眾人", "全場", "現場"),
    *("applause", "laugh", "laughter", "inaudible", "crosstalk", "pause"),
)

_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
CHINESE_NUMERAL = "[一二三四五六七八九十]{1,3}"


def chinese_number(numeral: str) -> int | None:
    """一 → 1, 十二 → 12, 二十一 → 21; None for what is not a small Chinese numeral."""
    if not numeral:
        return None
    if numeral == "十":
        return 10
    if "十" in numeral:
        tens, _, units = numeral.partition("十")
        value = (_DIGITS.get(tens, -100) if tens else 1) * 10
        value += _DIGITS.get(units, -100) if units else 0
        return value if value > 0 else None
    if len(numeral) == 1 and numeral in _DIGITS:
        return _DIGITS[numeral] or None
    return None


def chinese_numeral(number: int) -> str:
    """1 → 一, 12 → 十二, 21 → 二十一 (for numbers 1..99)."""
    digits = "零一二三四五六七八九"
    if number < 10:
        return digits[number]
    tens, units = divmod(number, 10)
    return (digits[tens] if tens > 1 else "") + "十" + (digits[units] if units else "")


def stage_directions(text: str) -> tuple[str, ...]:
    """The bracketed stage directions inside a turn, in order: brackets holding a stage word
    （笑）, （掌聲）, (laughter) or a role word (观众:笑)."""
    return tuple(
        match.group()
        for match in STAGE_DIRECTION.finditer(text)
        if is_stage_direction(match.group()[1:-1])
    )


def is_stage_direction(inner: str) -> bool:
    return bool(_STAGE_OR_ROLE.search(inner))


def has_stage_word(text: str) -> bool:
    """（掌声）, 【笑】, [Laughter]: a stage word, whoever is named with it."""
    return bool(_STAGE.search(text))


def _any_word(words) -> re.Pattern[str]:
    """English words only at a word's start: (Laughter), (host laughs), never (ghost)."""
    return re.compile(
        "|".join(
            rf"\b{re.escape(word)}" if word.isascii() else re.escape(word)
            for word in sorted(set(words), key=len, reverse=True)
        ),
        re.IGNORECASE,
    )


_STAGE_OR_ROLE = _any_word([*STAGE_WORDS, *ROLE_WORDS])
_STAGE = _any_word(STAGE_WORDS)


def is_inside_brackets(text: str, position: int, *, window: int = 40) -> bool:
    """True when `position` sits inside an unclosed bracket opened shortly before it."""
    start = max(0, position - window)
    depth = 0
    for ch in reversed(text[start:position]):
        if ch in CLOSE_BRACKETS:
            depth += 1
        elif ch in OPEN_BRACKETS:
            if depth == 0:
                return True
            depth -= 1
    return False
