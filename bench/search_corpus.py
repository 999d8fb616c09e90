"""The search bench's synthetic corpus: reproducible events made of the seed's own sentences.

`search_bench.py` times every backend on it and `delete_bench.py` deletes events made of it, so
both build it here, one way: a fixed random seed; the quotes of `fixtures/demo-event-raw.txt`
split into sentences at 。！？!?, each synthetic quote 1-3 of them; events of about 6 speakers (a
host, four guests, the audience) drawn from a shared pool, parts and topics titled from the seed's
own, every 7th quote tagged with an editor tag it mentions; rows written with bulk_create. Both
benches also start Django the same way (`setup_django`): on DATABASE_URL, else a temporary SQLite
file.
"""

from __future__ import annotations

import datetime
import os
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "fixtures" / "demo-event-raw.txt"
RANDOM_SEED = 20240518
SENTENCE = re.compile(r"[^。！？!?]+[。！？!?]*")
EDITOR_TAGS = ("幻觉", "百模大战", "AGI", "通用人工智能", "推荐系统", "算力", "强化学习", "开源")
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚桂英华玉萍红娟建文辉力鹏宇浩然思远晨曦"
POOL = 150  # speakers shared by the events
DRAFTS = 2  # unpublished events, so the published filter has something to drop
PARTS, TOPICS_PER_PART, TAG_EVERY = 5, 4, 7


def setup_django(scratch: Path) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "salon_site.settings")
    os.environ.setdefault("DJANGO_DEBUG", "0")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)


@dataclass
class Seed:
    title: str
    series: str
    sentences: list[str]
    people: list[tuple[str, str]]  # (name, handle) of the seed's named speakers
    parts: list[str]
    topics: list[str]


def read_seed() -> Seed:
    from transcripts.parsing import load

    (transcript,) = load(SEED.read_bytes())
    sentences = [
        piece.strip()
        for turn in transcript.turns
        for piece in SENTENCE.findall(turn.text)
        if piece.strip()
    ]
    return Seed(
        title=transcript.title,
        series=transcript.series or "盐沙龙",
        sentences=sentences,
        people=[(s.name, s.handle) for s in transcript.speakers if s.role != "audience"],
        parts=[p.title for p in transcript.parts],
        topics=[t.title for t in transcript.topics],
    )


def speaker_pool(rng: random.Random, seed: Seed) -> list[tuple[str, str]]:
    """The seed's named speakers, then generated two- and three-character names."""
    names = [name for name, _ in seed.people]
    people = list(seed.people)
    while len(people) < POOL:
        name = rng.choice(SURNAMES) + "".join(rng.choices(GIVEN, k=rng.randint(1, 2)))
        if name not in names:
            names.append(name)
            people.append((name, ""))
    return people


def build_corpus(rng: random.Random, seed: Seed, events: int, per_event: int) -> int:
    """Events, speakers, participations, parts, topics, quotes and tags, in bulk, in one
    transaction. Returns the number of quotes written."""
    from django.db import transaction
    from taggit.models import Tag

    from transcripts import vocabulary
    from transcripts.models import Speaker

    pool = speaker_pool(rng, seed)
    written = 0
    with transaction.atomic():
        speakers = Speaker.objects.bulk_create(
            Speaker(name=name, slug=f"bench-speaker-{i}", handle=handle or f"bench{i}")
            for i, (name, handle) in enumerate(pool)
        )
        audience = Speaker.objects.create(name="观众", slug="bench-audience")
        tags = {
            name: Tag.objects.create(name=name, slug=f"bench-tag-{i}")
            for i, name in enumerate(EDITOR_TAGS)
        }
        cast = Cast(speakers, audience, tags)
        for i in range(events + DRAFTS):
            written += write_event(
                rng, seed, cast, number=i + 1, quotes=per_event, published=i < events
            )
    vocabulary.changed()  # speaker and tag names join the segmentation dictionary
    return written


@dataclass
class Cast:
    """The speakers and editor tags every generated event draws from."""

    speakers: list
    audience: object
    tags: dict


def written_cast() -> Cast:
    """The speakers and tags `build_corpus` wrote, to make more events with."""
    from taggit.models import Tag

    from transcripts.models import Speaker

    speakers = list(Speaker.objects.filter(slug__startswith="bench-speaker-").order_by("pk"))
    tags = {t.name: t for t in Tag.objects.filter(slug__startswith="bench-tag-")}
    return Cast(speakers, Speaker.objects.get(slug="bench-audience"), tags)


def write_event(
    rng: random.Random,
    seed: Seed,
    cast: Cast,
    *,
    number: int,
    quotes: int,
    published: bool,
    slug: str = "",
):
    """One event (about 6 speakers: a host, four guests, the audience; parts and topics titled
    from the seed's own; `quotes` quotes of 1-3 seed sentences; every 7th quote tagged with an
    editor tag it mentions), in bulk. Returns the number of quotes written."""
    from transcripts.models import Event, Participation, Quote, Section, TaggedQuote, Topic

    start = datetime.date(2023, 1, 7)
    event = Event.objects.create(
        title=f"{seed.title} · 第{number}场",
        slug=slug or f"search-bench-{number:03d}",
        series=seed.series,
        date=start + datetime.timedelta(days=7 * (number - 1)),
        published=published,
        source_checksum=f"{slug or 'search-bench'}-{RANDOM_SEED}-{number}",
        source_format="json",
    )
    people = rng.sample(cast.speakers, 5)  # a host and four guests, then the audience
    roles = ["host"] + ["guest"] * 4 + ["audience"]
    Participation.objects.bulk_create(
        Participation(event=event, speaker=person, role=role, order=order)
        for order, (person, role) in enumerate(zip([*people, cast.audience], roles, strict=True))
    )
    sections = Section.objects.bulk_create(
        Section(event=event, number=p, title=seed.parts[(p - 1) % len(seed.parts)])
        for p in range(1, PARTS + 1)
    )
    topics = Topic.objects.bulk_create(
        Topic(
            event=event,
            section=sections[p],
            number=p * TOPICS_PER_PART + t + 1,
            title=seed.topics[(p * TOPICS_PER_PART + t) % len(seed.topics)],
            label=f"Q{t + 1}" if p == PARTS - 1 else "",
        )
        for p in range(PARTS)
        for t in range(TOPICS_PER_PART)
    )
    per_topic = max(1, quotes // len(topics))
    # who speaks: guests most, the host often, the audience now and then
    voices = [people[0]] * 2 + people[1:] * 4 + [cast.audience]
    for first in range(1, quotes + 1, 20_000):  # memory follows the batch, not the event
        batch = []
        for n in range(first, min(quotes, first + 19_999) + 1):
            topic = topics[min((n - 1) // per_topic, len(topics) - 1)]
            text = "".join(rng.choice(seed.sentences) for _ in range(rng.randint(1, 3)))
            batch.append(
                Quote(
                    event=event,
                    number=n,
                    position=n,
                    speaker=rng.choice(voices),
                    section=topic.section,
                    topic=topic,
                    text=text,
                )
            )
        Quote.objects.bulk_create(batch, batch_size=2000)
        tagged = []
        for quote in batch[TAG_EVERY - 1 :: TAG_EVERY]:
            mentioned = [t for t in EDITOR_TAGS if t.casefold() in quote.text.casefold()]
            if mentioned:
                tagged.append(TaggedQuote(content_object=quote, tag=cast.tags[mentioned[0]]))
        TaggedQuote.objects.bulk_create(tagged, batch_size=2000)
    return quotes
