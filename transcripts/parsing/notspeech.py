"""What is in a transcript file but is nobody's speech: captions and credits, images, links,
separators, end markers, the promotion after the transcript, and the header a speech-recognition
tool writes before it. One function per question, each answering with the reason an editor reads
in the import report ("" when the block is ordinary text)."""

from __future__ import annotations

import re

from . import blocks as kinds
from . import dates
from . import vocabulary as vocab
from .blocks import Block
from .labels import is_credit

CAPTION = "caption or credit"
IMAGE = "image"
LINK = "link"
SEPARATOR = "separator"
SIGNATURE = "a note signed by one of the file's editors"
END = "end marker"
AFTER_END = "after the end of the transcript"
PROMOTION = "promotion after the transcript"
HEADER = "speech-recognition header"
KEYWORDS = "keywords from the speech-recognition header"

_IMAGE_LINE = re.compile(
    r"^\s*(?:!\[[^\]]*\]\([^)]*\)\s*)+$|^\s*[\[【(（]\s*(?:图片|圖片|图|圖|image|photo|img|视频|視頻)"
    r"\s*[\]】)）]\s*$",
    re.IGNORECASE,
)
_URL_LINE = re.compile(
    r"^\s*(?:<?https?://\S+>?|\[[^\]]*\]\([^)]*\))(?:\s+(?:<?https?://\S+>?|\[[^\]]*\]\([^)]*\)))*\s*$"
)
# ▲ 图为… / ↑ 活动现场 / 图1：…: WeChat and print captions
_CAPTION_MARK = re.compile(
    r"^\s*(?:[▲△↑⬆︎▶▷]|图\s*\d+\s*[:：.、]|圖\s*\d+\s*[:：.、]|Figure\s+\d+"
    r"|(?:photo|image|picture|illustration|video)\s+(?:by|via|from|courtesy|credit)\b)",
    re.IGNORECASE,
)
_PROMOTION = re.compile(
    r"^[\s▼▽↓⬇👇👆✦✧★☆※•·\-—_=~*#【\[（(]*(?:"
    + "|".join(sorted(map(re.escape, vocab.PROMOTION_MARKERS), key=len, reverse=True))
    + ")",
    re.IGNORECASE,
)
# Phrases that mark a footer wherever they stand in a line after the last turn.
_PROMOTION_ANYWHERE = re.compile(
    r"二维码|二維碼|扫码|掃碼|qr code|转载请|轉載請|转载须|轉載須|许可协议|許可協議|版权|版權"
    r"|整理不易|点个赞|點個讚|点赞|點讚|点个在看|關注我們|关注我们|公众号|公眾號|cc by",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"\d+\s*(?:小时|小時|分钟|分鐘|秒|hours?|hrs?|minutes?|mins?|seconds?|secs?)\b|\d{1,2}:\d{2}:\d{2}"
    r"|(?:时长|時長|duration|length)\s*[:：]?\s*\d",
    re.IGNORECASE,
)
_HEADER_MARK = re.compile(
    r"^\s*(?:文字记录|文字記錄|转写文本|轉寫文本|转写结果|轉寫結果|录音转文字|錄音轉文字|全文记录"
    r"|transcript|full transcript)\s*[:：]?\s*$",
    re.IGNORECASE,
)
_KEYWORDS = re.compile(
    r"^\s*(?:关键词|關鍵詞|关键字|關鍵字|keywords?)\s*[:：]\s*(?P<rest>.*)$", re.IGNORECASE
)


_APP_NOTICE = re.compile(
    r"^\S.{0,40}?\s(?:started|stopped|paused|resumed) (?:transcription|recording|transcribing)\.?$"
    r"|^\S.{0,40}?\s(?:joined|left) the (?:meeting|call)\.?$"
    r"|(?:开始|停止|暂停|结束|開始|停止|暫停|結束)(?:录制|錄製|转写|轉寫|录音|錄音)$"
    r"|(?:加入|离开|離開|退出)了?(?:会议|會議)$"
    r"|^meeting ended after \d{1,2}:\d{2}(?::\d{2})?\W*$",
    re.IGNORECASE,
)
APP_NOTICE = "meeting app notice"
# [Whereupon, at 11:42 a.m., the subcommittee was adjourned.] / [The prepared statement of Dr.
# Feldman follows:]: what the reporter of a hearing or a parliament adds to the record
_RECORD_NOTE = re.compile(
    r"^\s*\[\s*(?:whereupon\b[^\[\]]*|[^\[\]]{0,160}\bfollows?\s*:"
    r"|the (?:information|material|letter|document|statement|report)s? referred to[^\[\]]*)\]\s*$",
    re.IGNORECASE,
)
RECORD_NOTE = "a note of the record's reporter"


EDITOR_NOTE = "editor's note after the transcript"
_MADE = (
    r"(?:整理|审阅|審閱|审定|審定|删节|刪節|删减|刪減|首发|首發|转载|轉載|刊于|刊於|刊登|发表|發表"
    r"|授权|授權|录音|錄音|仅代表|僅代表|不代表)"
)
# （本文根据现场录音整理，未经嘉宾审阅） / 以上内容由速记整理: how the text was made or published
# (or whose views it holds: （本文仅代表作者观点）)
_NOTE_ZH = re.compile(
    rf"^[(（【\[][^\n]{{0,60}}?{_MADE}[^\n]*[)）】\]][。.]?$"
    r"|^[※*＊注註:：\s]*(?:本文|全文|此文|本稿|文字稿|以上内容|以上文字|以上为|以上為"
    rf"|本次(?:对谈|對談|访谈|訪談|采访|採訪|讲座|講座|活动|活動))[^\n]{{0,60}}?{_MADE}"
)
# This interview has been edited for length and clarity. / Stacks is produced by Northside Audio.
_NOTE_EN = re.compile(
    r"^[*_\s(\[]*(?:(?:this|the above|the following)\s+(?:interview|conversation|transcript|article"
    r"|q&a|episode)\s+(?:has been|have been|was|is|first|originally|appeared|appears)\b"
    r"|(?:interview|transcript|conversation)s?\s+(?:has been |have been )?(?:edited|condensed)\b"
    r"|[\w'’ ]{0,40}?\b(?:is|was|are|were) (?:produced|edited|transcribed|mixed|recorded) by\b"
    r"|(?:produced|edited|transcribed|mixed|recorded|music|theme music) by\b)",
    re.IGNORECASE,
)
_FIRST_PERSON = re.compile(r"\b(?:I|I'm|I’m|we|we're|my|our|you|your)\b", re.IGNORECASE)
# `编辑 李娜 校对 王心`, `责编 | 张三`: credit words and names without a colon, as articles end
_CREDIT_RUN = re.compile(
    r"^\s*(?:(?:"
    + "|".join(
        sorted((re.escape(w) for w in vocab.CREDIT_WORDS if not w.isascii()), key=len, reverse=True)
    )
    + r")(?:\s+|\s*[|｜丨/]\s*)(?:[\u3400-\u9fff·]{2,4}|[A-Za-z][A-Za-z. ]{0,20})"
    + r"\s*[|｜丨/]?\s*){1,6}$"
)
# Dr. Miriam Okafor is a clinical audiologist in Baltimore. (the closing bio of a magazine piece)
_CLOSING_BIO = re.compile(
    r"^(?:(?:Dr|Prof|Mr|Mrs|Ms|Rev)\.?\s+)?[A-Z][\w'’-]+(?:\s+[A-Z][\w.'’-]+){1,3}"
    r"\s+(?:is|was|has been|teaches|works|lives|leads|directs|runs|founded|co-founded)"
    r"\s[^\n]{5,200}$"
)


def is_editor_note(block: Block, last: bool) -> bool:
    """A line after the last turn that speaks about the text, not in it: how it was made or
    where it appeared, its credits without a colon, or (as the file's last line) the short bio
    of someone named in full. Never a line in the first or second person: that is speech."""
    text = block.text.strip()
    if "\n" in text or len(text) > 240:
        return False
    if _NOTE_ZH.match(text) or (len(text) < 60 and _CREDIT_RUN.match(text)):
        return True
    if _FIRST_PERSON.search(text):
        return False
    return bool(_NOTE_EN.match(text) or (last and _CLOSING_BIO.match(text)))


def reason(block: Block) -> str:
    """Why this block is not speech wherever it stands, or ""."""
    if _APP_NOTICE.search(block.text.strip()) and len(block.text) < 80:
        return APP_NOTICE
    if block.text.startswith("[") and _RECORD_NOTE.match(block.text):
        return RECORD_NOTE
    if block.kind == kinds.IMAGE or _IMAGE_LINE.match(block.text):
        return IMAGE
    if block.kind == kinds.CAPTION or is_credit(block.text) or _CAPTION_MARK.match(block.text):
        return CAPTION
    if block.kind == kinds.RULE:
        return SEPARATOR
    if block.kind == kinds.SIGNATURE:
        return SIGNATURE
    if block.link_only or _URL_LINE.match(block.text):
        return LINK
    if vocab.END_MARKER.match(block.text):
        return END
    return ""


def is_promotion(block: Block) -> bool:
    """A line that begins the subscribe/scan-the-code tail of an article."""
    text = block.text.strip()
    return bool(_PROMOTION.match(text) or (len(text) < 120 and _PROMOTION_ANYWHERE.search(text)))


def is_recording_line(text: str) -> bool:
    """`2024年5月18日 下午 2:00|1小时 12分钟 5秒`: the date and length of a recording, as
    speech-recognition exports open."""
    return bool(dates.DATE.search(text) and _DURATION.search(text) and len(text) < 80)


def is_header_mark(text: str) -> bool:
    """`文字记录:` / `Transcript`: the line after which a recognition export's text starts."""
    return bool(_HEADER_MARK.match(text))


def keywords(text: str) -> str | None:
    """The keywords of a `关键词: 大模型、数据` line ("" when they follow on the next lines)."""
    match = _KEYWORDS.match(text)
    return match.group("rest").strip() if match else None
