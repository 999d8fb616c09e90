"""Part and topic headings as transcripts write them without markup: `一、开场` and
`第一部分：开场` (parts), `（一）剪纸课程` (topics), `Q1：如何评估` (audience questions), and a
heading's title without its numbering."""

from __future__ import annotations

import re

from . import vocabulary as vocab

MAX_PART_TITLE = 40

PART_LINE = re.compile(rf"^\s*(?P<numeral>{vocab.CHINESE_NUMERAL})\s*、\s*(?P<title>\S.{{0,39}})$")
PART_MARKER = re.compile(
    rf"^\s*(?:第\s*(?P<numeral>{vocab.CHINESE_NUMERAL}|\d{{1,2}})\s*"
    r"(?:部分|單元|单元|環節|环节|場|场|節|节|輪|轮|篇|章|部)"
    r"|(?:part|session|section)\s+(?P<digits>\d{1,2})\b)\s*[:：、.．]?\s*(?P<title>.*)$",
    re.IGNORECASE,
)
NUMBERING = re.compile(
    rf"^\s*(?:{vocab.CHINESE_NUMERAL}|\d{{1,2}})\s*[、.．]\s*(?=\S)"
    rf"|^\s*[(（](?:{vocab.CHINESE_NUMERAL}|\d{{1,2}})[)）]\s*"
)
TOPIC_LINE = re.compile(
    rf"^\s*[(（](?P<numeral>{vocab.CHINESE_NUMERAL}|\d{{1,2}})[)）]\s*(?P<title>\S.{{0,39}})$"
)
# ▍为什么回县城: the bar WeChat's editors put before a section heading
BAR_HEADING = re.compile(r"^\s*[▍▎▌▋┃]\s*(?P<title>[^:：\s].{0,39})$")
QUESTION = re.compile(r"^\s*[QＱ]\s*(?P<number>\d{1,3})\s*[:：.．、]?\s*(?P<title>.+)$")
PUNCTUATED = re.compile(rf"[{re.escape(vocab.SENTENCE_ENDS)}，,]")


def part_title(line: str, expected: int) -> str:
    """`一、开场` when 一 is the next part number and the title is unpunctuated, or
    `第一部分：开场`, or a heading behind a bar (`▍书店怎么活下去`); else ""."""
    match = PART_LINE.match(line)
    if match and vocab.chinese_number(match.group("numeral")) == expected:
        title = match.group("title")
        return "" if PUNCTUATED.search(title) else title
    marker = PART_MARKER.match(line)
    if marker and marker.group("title") and len(marker.group("title")) <= MAX_PART_TITLE:
        title = marker.group("title")
        return "" if PUNCTUATED.search(title) else title
    bar = BAR_HEADING.match(line)
    if bar:
        title = bar.group("title").strip().rstrip("？?！!")
        return "" if PUNCTUATED.search(title) or re.search(vocab.COLON, title) else title
    return ""


def topic_title(line: str, expected: int) -> str:
    """`（一）剪纸课程` when 一 is the next topic number of the part, unpunctuated; else ""."""
    match = TOPIC_LINE.match(line)
    if not match:
        return ""
    numeral = match.group("numeral")
    number = int(numeral) if numeral.isdigit() else vocab.chinese_number(numeral)
    title = match.group("title")
    return title if number == expected and not PUNCTUATED.search(title) else ""


def heading_title(text: str) -> str:
    """A part or topic title without its numbering: `一、开场` → 开场, `第一部分：开场` → 开场."""
    marker = PART_MARKER.match(text)
    if marker and marker.group("title").strip():
        return marker.group("title").strip()
    stripped = NUMBERING.sub("", text, count=1).strip()
    return stripped or text
