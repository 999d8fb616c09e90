"""The dry-run report of the admin's import: what importing one parsed event would do, for the
editor to check before confirming.

It shows what the import will decide, from the import's own code: who each speaker is
(`match_speakers`: a new person, someone already known, or a placeholder of this event only), the
label variants the parser merged, and every source line left out of the event, with why.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .. import parsing
from ..event_export import report
from ..event_import import glued_headings, same_event, same_source_event
from ..models import Event, Participation, Speaker
from ..parsing import notspeech
from ..parsing.vocabulary import chinese_numeral
from ..speaker_matching import SpeakerMatch, match_speakers

WARNING_LABELS = {
    "glued-heading": "部分标题可能粘连了小标题",
    "caption": "略去了图片说明或多余的行",
    "empty-turn": "空发言（发言人标记后没有内容，已略去）",
    "missing-title": "文件里没有标题，用了文件名",
    "second-host": "不止一位主持人（其余的记为“其他”）",
    "line-numbers": "网页带有行号，已去掉",
    "times-in-milliseconds": "时间以毫秒记，已换算成秒",
    "cue-ends-before-start": "字幕的结束时间早于开始时间",
    "blank-line-in-cue": "字幕条目中有空行",
    "rolling-captions": "滚动字幕，已去掉重复的行",
    # the import's own checks (`import_checks`): values mended rather than refused
    "control-characters": "去掉了控制字符",
    "value-cut": "内容过长，已截断",
    "value-left-out": "内容无法保存，已略去",
    "slug-remade": "网址名不合格，已重新生成",
}
# Why the parser left a line out of every quote, in the editors' language (the parser's own
# English words are shown for reasons not listed here).
DROPPED_LABELS = {
    notspeech.CAPTION: "图片说明或署名",
    notspeech.IMAGE: "图片",
    notspeech.LINK: "链接",
    notspeech.SEPARATOR: "分隔线",
    notspeech.END: "结束标记",
    notspeech.AFTER_END: "正文结束之后",
    notspeech.PROMOTION: "文末推广",
    notspeech.HEADER: "语音转写的页头",
    notspeech.KEYWORDS: "语音转写的关键词",
    notspeech.APP_NOTICE: "会议软件的提示",
    notspeech.SIGNATURE: "编辑的署名附注",
    "speaker label with no speech": "没有发言内容的发言人标记",
    "empty heading": "空标题",
    "quoted text between sections, outside any turn": "部分之间、不属于任何发言的引文",
    "table of contents": "目录",
    "text box in a drawing": "图形中的文本框",
    "table header row": "表格的标题行",
    "front matter field the site does not use": "本站不用的文件头字段",
    "page text outside the article": "正文以外的网页文字",
    "the title repeated after the transcript": "文末重复的标题",
    "related links after the transcript": "文末的相关链接",
    "summary after the transcript": "文末的摘要",
    "footer after the transcript (its source and author are kept as metadata)": (
        "文末的来源和作者（已记入活动信息）"
    ),
}
SAMPLE_QUOTES = 2  # the first quotes of each speaker the preview shows
SAMPLE_LENGTH = 80


@dataclass
class SpeakerLine:
    name: str
    handle: str
    role: str
    quotes: int
    existing: Speaker | None  # the row the import will use; None: it creates one
    placeholder: bool  # a speaker of this event only, for an editor to name
    aliases: tuple[str, ...] = ()
    samples: tuple[str, ...] = ()  # the first quotes, shortened: does the label fit the words?

    @classmethod
    def of(cls, match: SpeakerMatch, quotes: int, samples: tuple[str, ...] = ()) -> SpeakerLine:
        person = match.person
        return cls(
            name=person.name,
            handle=person.handle,
            role=Participation.Role(person.role).label,
            quotes=quotes,
            existing=match.speaker,
            placeholder=match.placeholder,
            aliases=person.aliases,
            samples=samples,
        )


@dataclass
class EventPreview:
    """What importing one parsed event would do, for the editor to check before confirming."""

    data: dict  # the dry-run report: export JSON plus format, checksum, warnings, dropped...
    parts: list[dict]
    loose_topics: list[dict]
    speakers: list[SpeakerLine]
    warnings: list[dict]
    variants: list[dict]  # labels merged into a speaker: 王王明 → 王明 (2 turns)
    dropped: list[dict]  # source lines in no quote, title or metadata: line, text, reason
    same_source: Event | None = None  # already imported from this very file
    same_slug: Event | None = None
    counts: dict = field(default_factory=dict)
    glued: int = 0  # glued-heading warnings: parts an editor should split after the import


def preview(transcript: parsing.Transcript, *, replace: bool = False) -> EventPreview:
    data = report(transcript)
    parts, loose = _contents(data)
    same_source = same_source_event(transcript)
    # the event a replacing import writes into, whose own placeholders it keeps
    target = (same_source or same_event(transcript)) if replace else None
    quotes = Counter(turn.speaker for turn in transcript.turns)
    samples = first_quotes(transcript)
    return EventPreview(
        data=data,
        parts=parts,
        loose_topics=loose,
        speakers=[
            SpeakerLine.of(match, quotes[match.person.name], samples.get(match.person.name, ()))
            for match in match_speakers(transcript, event=target)
        ],
        warnings=[
            dict(w, label=WARNING_LABELS.get(w["code"], w["code"])) for w in data["warnings"]
        ],
        variants=data["variants"],
        dropped=[
            dict(d, label=DROPPED_LABELS.get(d["reason"], d["reason"])) for d in data["dropped"]
        ],
        same_source=same_source,
        same_slug=None if same_source else Event.objects.filter(slug=data["event"]["slug"]).first(),
        glued=glued_headings(transcript.warnings),
        counts={
            "parts": len(transcript.parts),
            "topics": len(transcript.topics),
            "quotes": len(transcript.turns),
            "speakers": len(transcript.speakers),
            "placeholders": sum(1 for s in data["speakers"] if s["placeholder"]),
        },
    )


def first_quotes(
    transcript: parsing.Transcript, *, each: int = SAMPLE_QUOTES, length: int = SAMPLE_LENGTH
) -> dict[str, tuple[str, ...]]:
    """Each speaker's first `each` quotes, on one line and cut to `length` characters (…)."""
    found: dict[str, list[str]] = {}
    for turn in transcript.turns:
        texts = found.setdefault(turn.speaker, [])
        if len(texts) < each:
            text = " ".join(turn.text.split())
            texts.append(text[:length] + "…" if len(text) > length else text)
    return {name: tuple(texts) for name, texts in found.items()}


def _contents(data: dict) -> tuple[list[dict], list[dict]]:
    """The report's parts, each with its topics, and the topics of no part."""
    topics = [dict(t, label_title=f"{t['label']} {t['title']}".strip()) for t in data["topics"]]
    parts = [dict(s, numeral=chinese_numeral(s["number"]), topics=[]) for s in data["sections"]]
    by_number = {part["number"]: part for part in parts}
    loose = []
    for topic in topics:
        part = by_number.get(topic["section"])
        (part["topics"] if part else loose).append(topic)
    return parts, loose
