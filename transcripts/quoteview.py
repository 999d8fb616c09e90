"""A quote as readers see it: what the pages and the API show of a quote, declared once.

The reads in `reader` fetch quotes and the small tables around them (the event's speakers,
sections, topics, tags) in a fixed number of queries; `quote_view` turns each quote into a
`QuoteView` from those tables, in memory. Templates and the API read only these fields, so a
page never walks a relation (no query per quote) and nothing is bolted onto model instances.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext
from taggit.models import Tag

from .models import Participation, Quote, Section, Speaker, TaggedQuote, Topic
from .parsing.languages import language
from .parsing.vocabulary import STAGE_DIRECTION
from .typography import fullwidth

# Above this many quotes, read the tags of their whole event rather than name every quote.
_TAGS_BY_ID_LIMIT = 200


@dataclass(frozen=True, slots=True)
class SpeakerAtEvent:
    """A speaker as one event shows them: their role and printed bio there (a participation)
    and, on the event page, how much they said."""

    speaker: Speaker
    role: str
    role_label: str
    bio: str
    url: str
    turns: int = 0
    chars: int = 0
    share: float = 0.0

    @classmethod
    def of(cls, speaker: Speaker, participation: Participation | None, **stats) -> SpeakerAtEvent:
        """The speaker with their role and bio at one event (if they had one there)."""
        return cls(
            speaker=speaker,
            role=participation.role if participation else "other",
            role_label=participation.get_role_display() if participation else "",
            bio=participation.bio if participation else "",
            url=speaker.get_absolute_url(),
            **stats,
        )

    @property
    def name(self) -> str:
        return self.speaker.name

    @property
    def slug(self) -> str:
        return self.speaker.slug

    @property
    def placeholder(self) -> bool:
        return self.speaker.placeholder


@dataclass(frozen=True, slots=True)
class QuoteView:
    """One quote on a page or in the API: its text, who said it where, and its permalink."""

    number: int
    position: int
    text: str  # as stored
    shown: str  # as set for readers: `typography.fullwidth` (when on), see `display_text`
    translation: str  # the turn in the source's other language ("" when none)
    translation_lang: str  # "en" or "zh", for the `lang` attribute ("" without a translation)
    start: float | None  # seconds into the recording
    end: float | None
    clock: str  # the start as a reader reads it: "01:05", "1:02:03" ("" when unknown)
    seconds: str  # the start as a player seeks it: "65.25" ("" when unknown)
    segments: tuple[tuple[bool, str], ...] | None  # `shown`, see `text_segments`
    speaker: SpeakerAtEvent
    section: Section | None
    topic: Topic | None
    tags: tuple[Tag, ...]  # by name
    url: str  # the permalink

    @property
    def link_label(self) -> str:
        return gettext("第 %(number)s 段发言的链接") % {"number": self.number}


def quote_view(
    quote: Quote,
    *,
    speaker: SpeakerAtEvent,
    section: Section | None,
    topic: Topic | None,
    tags: Iterable[Tag],
    event_url: str,
) -> QuoteView:
    """The quote as readers see it; `event_url` is its event's page (the permalink is below it)."""
    start = quote.start_time
    shown = display_text(quote.text)
    return QuoteView(
        number=quote.number,
        position=quote.position,
        text=quote.text,
        shown=shown,
        translation=quote.translation,
        translation_lang=script_language(quote.translation) if quote.translation else "",
        start=start,
        end=quote.end_time,
        clock=clock(start) if start is not None else "",
        seconds=plain_seconds(start) if start is not None else "",
        segments=text_segments(shown),
        speaker=speaker,
        section=section,
        topic=topic,
        tags=tuple(sorted(tags, key=lambda tag: tag.name)),
        url=f"{event_url}q/{quote.number}/",
    )


def tags_by_quote(quotes: list[Quote], *, event_id: int | None = None) -> dict[int, list[Tag]]:
    """Quote id → its tags: 1 query (none without quotes). With `event_id` (all the quotes are
    of that event), many quotes read their event's tags instead of a huge IN list."""
    if not quotes:
        return {}
    if event_id is not None and len(quotes) > _TAGS_BY_ID_LIMIT:
        rows = TaggedQuote.objects.filter(content_object__event_id=event_id)
    else:
        rows = TaggedQuote.objects.filter(content_object_id__in=[q.pk for q in quotes])
    tags: dict[int, list[Tag]] = {}
    for row in rows.select_related("tag"):
        tags.setdefault(row.content_object_id, []).append(row.tag)
    return tags


def clock(seconds: float) -> str:
    """3725.4 → "1:02:05"; 65 → "01:05" (whole seconds, rounded down)."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"


def plain_seconds(seconds: float) -> str:
    """65.0 → "65", 65.25 → "65.25": for data-start and the datetime duration (PT65.25S)."""
    return f"{seconds:.3f}".rstrip("0").rstrip(".")


def script_language(text: str) -> str:
    """The language to declare for a translation: "en" for Latin script (the other language of
    our bilingual transcripts is English), else "zh": the parser's own reading of the script."""
    return "en" if language(text) == "en" else "zh"


def display_text(text: str) -> str:
    """A quote's text as readers see it: half-width punctuation between Chinese characters
    shown full-width (`typography`), unless TRANSCRIPTS_FULLWIDTH_PUNCTUATION is off."""
    if getattr(settings, "TRANSCRIPTS_FULLWIDTH_PUNCTUATION", True):
        return fullwidth(text)
    return text


_DATA = Path(__file__).resolve().parent / "data"
_JOINED = re.compile(r"\s*(?:[、,，/;；&+]|\band\b)\s*")
_ROLE_COLON = re.compile(r"^[^:：]{1,8}[:：]\s*")


@cache
def stage_words() -> frozenset[str]:
    """The curated stage words (data/stage_words.txt), lower case."""
    lines = (_DATA / "stage_words.txt").read_text(encoding="utf-8").splitlines()
    return frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


@lru_cache(maxsize=4096)
def is_stage_direction(inner: str) -> bool:
    """（笑）, (Laughter), （笑声、掌声）, （观众：笑）: the text inside brackets is made of
    known stage words (after a role and a colon, maybe); （暗房）, (g0v), (主持) are not."""
    words = stage_words()
    inner = inner.strip().rstrip("。.!！…").lower()
    candidates = [inner, _ROLE_COLON.sub("", inner, count=1)]
    return any(
        parts and all(part in words for part in parts)
        for parts in ([p for p in _JOINED.split(c) if p] for c in candidates)
    )


def text_segments(text: str) -> tuple[tuple[bool, str], ...] | None:
    """Split a quote's text around stage directions (known stage words in brackets, see
    `is_stage_direction`): ((is_stage_direction, text), ...); None when there are none (the
    common case, rendered as plain text)."""
    if "(" not in text and "（" not in text and "[" not in text and "【" not in text:
        return None
    segments, cursor = [], 0
    for match in STAGE_DIRECTION.finditer(text):
        if not is_stage_direction(match.group()[1:-1]):
            continue
        segments.append((False, text[cursor : match.start()]))
        segments.append((True, match.group()))
        cursor = match.end()
    if not segments:
        return None
    segments.append((False, text[cursor:]))
    return tuple((stage, piece) for stage, piece in segments if piece)
