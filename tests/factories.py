"""Plain factory functions for test data, built through the real import service."""

from __future__ import annotations

import itertools

from transcripts.event_import import event_import
from transcripts.models import Event
from transcripts.parsing import Part, Speaker, Topic, Transcript, Turn

from .conftest import DEMO

SENTENCES = (
    "我们认为大模型的幻觉问题还需要更多研究。",
    "算力和数据决定了基座模型的上限。",
    "强化学习让模型学会了对齐人类的偏好。",
    "推荐系统和广告是最早落地的场景之一。",
    "开源社区推动了整个行业的发展(观众:笑)。",
)


def import_demo() -> Event:
    """The curated demo event (published, 70 quotes, 12 topics, a few tags)."""
    from transcripts.parsing import load

    (transcript,) = load(DEMO.read_bytes())
    return event_import(transcript=transcript).event


def make_event(
    *,
    quotes: int = 100,
    slug: str = "big-event",
    title: str = "压力测试活动",
    speakers: int = 6,
    parts: int = 5,
    topics_per_part: int = 4,
    tag_every: int = 7,
    published: bool = True,
) -> Event:
    """A synthetic event of any size, with parts, topics and tags spread over its quotes."""
    people = [
        Speaker(
            name=f"发言人{i}",
            role="host" if i == 0 else "guest",
            handle=f"speaker{i}",
            bio=f"第 {i} 位嘉宾的简介",
            slug=f"{slug}-speaker-{i}",
        )
        for i in range(speakers)
    ]
    part_list = [Part(number=p, title=f"第{p}部分") for p in range(1, parts + 1)]
    topic_list = [
        Topic(number=(p - 1) * topics_per_part + t, title=f"话题 {p}-{t}", part=p)
        for p in range(1, parts + 1)
        for t in range(1, topics_per_part + 1)
    ]
    per_topic = max(1, quotes // len(topic_list))
    sentences = itertools.cycle(SENTENCES)
    turns = []
    for number in range(1, quotes + 1):
        topic = topic_list[min((number - 1) // per_topic, len(topic_list) - 1)]
        turns.append(
            Turn(
                number=number,
                speaker=people[number % speakers].name,
                text="".join(next(sentences) for _ in range(3)),
                part=topic.part,
                topic=topic.number,
                tags=("压力测试",) if number % tag_every == 0 else (),
            )
        )
    transcript = Transcript(
        title=title,
        slug=slug,
        series="测试系列",
        intro="一个用来测试的大活动。",
        speakers=tuple(people),
        parts=tuple(part_list),
        topics=tuple(topic_list),
        turns=tuple(turns),
        published=published,
        format="json",
        checksum=f"synthetic-{slug}",
    )
    return event_import(transcript=transcript).event


def recorded_transcript(
    *,
    slug: str = "recorded",
    title: str = "一场有录音的访谈",
    checksum: str = "",
    speakers: tuple[Speaker, ...] | None = None,
    turns: tuple[Turn, ...] | None = None,
    published: bool = True,
) -> Transcript:
    """A transcript as a speech-recognition export gives it: placeholder speakers (说话人1,
    说话人2), start and end times, and a bilingual turn. Built directly, not parsed."""
    people = speakers or (
        Speaker(name="说话人1", role="host", placeholder=True),
        Speaker(name="说话人2", placeholder=True),
        Speaker(name="王明", handle="wangming"),
    )
    said = turns or (
        Turn(1, "说话人1", "欢迎大家来到今天的访谈。", start=5.0, end=9.5),
        Turn(
            2,
            "说话人2",
            "谢谢,很高兴来到这里。",
            start=65.25,
            end=70.0,
            translation="Thank you, glad to be here.",
        ),
        Turn(3, "王明", "我补充一句。", start=3725.0),
        Turn(4, "说话人1", "今天就到这里。"),
    )
    return Transcript(
        title=title,
        slug=slug,
        speakers=tuple(people),
        turns=tuple(said),
        published=published,
        format="asr",
        checksum=checksum or f"recorded-{slug}",
    )
