"""The editors' workbench writes to quotes: text, splits and merges, speakers, times and tags.
Each service is one transaction that first locks the event's row, so two editors' changes to one
event wait for each other, and reads the quotes again under that lock: it works from what is
there now, not from the page the editor saw. The change is one revision of the event
(`history.revision`, with a comment saying what changed) and keeps the search index and the
cached pages in step. Rows are written with `update()` and bulk queries, so the model signals
(which would reindex one quote at a time) stay out of it.

Permalinks. A quote's number is never given to another quote: a split-off half takes a number
above every number the event ever used (its quotes' and its `QuoteRedirect`s'), and a quote
merged into the one before it leaves a redirect from its number to that quote.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django import forms
from django.db import transaction
from django.db.models import F, Max
from taggit.models import Tag

from . import history, pagecache
from .import_tags import tags_for_import
from .models import Event, Quote, QuoteRedirect, Speaker, TaggedQuote
from .search import service as search
from .tag_forms import typed_tag_names

MAX_SECONDS = 48 * 3600  # no recording is two days long: a typo


class EditError(ValueError):
    """The change cannot be made this way; the message is for the editor."""


# Plumbing (shared with heading_edits) ----------------------------------------------------------


@contextmanager
def locked(event_id: int) -> Iterator[Event]:
    """One transaction holding the event's row until it ends."""
    with transaction.atomic(), pagecache.said_by_service():
        event = Event.objects.select_for_update().filter(pk=event_id).first()
        if event is None:
            raise EditError("这场活动已被删除。")
        yield event


def current(quote: Quote, event: Event) -> Quote:
    """The quote as it is now, under the event's lock."""
    found = Quote.objects.select_related("speaker").filter(pk=quote.pk).first()
    if found is None:
        raise EditError(f"第{quote.number}段发言刚被删除或合并了，请刷新页面。")
    if found.event_id != event.pk:
        raise EditError(f"第{found.number}段发言不属于活动“{event.title}”。")
    return found


def finish(event: Event, *, index: Iterable[int] = (), remove: Iterable[int] = ()) -> None:
    """After a change: the search index, the event's version and its cached pages."""
    if remove := list(remove):
        search.remove_quotes(remove)
    if index := list(index):
        search.index_quotes(index)
    event.save(update_fields=["updated_at"])  # a new version: cached pages are not reused
    pagecache.content_changed(events=[event.slug])


def shift(event: Event, *, after: int, by: int) -> None:
    """Move every quote after position `after` by `by` places. (event, position) is unique and
    checked row by row, so the rows first move above every position in use, then back."""
    top = event.quotes.aggregate(top=Max("position"))["top"] or 0
    event.quotes.filter(position__gt=after).update(position=F("position") + top)
    event.quotes.filter(position__gt=top + after).update(position=F("position") - top + by)


def next_number(event: Event) -> int:
    """A number the event never used: above its quotes' and its retired numbers."""
    live = event.quotes.aggregate(top=Max("number"))["top"] or 0
    retired = event.quote_redirects.aggregate(top=Max("number"))["top"] or 0
    return max(live, retired) + 1


def _wide(char: str) -> bool:
    """CJK characters and full-width punctuation: written without spaces between them."""
    return ord(char) >= 0x2E80


def join_texts(first: str, second: str) -> str:
    """Two texts as one: nothing between CJK text, a space between Latin words."""
    first, second = first.rstrip(), second.lstrip()
    if not first or not second:
        return first or second
    glue = "" if _wide(first[-1]) or _wide(second[0]) else " "
    return first + glue + second


# Text --------------------------------------------------------------------------------------------


def edit_text(*, quote: Quote, text: str, user) -> Quote:
    """Replace the quote's text."""
    text = (text or "").strip()
    if not text:
        raise EditError("发言文字不能为空。")
    with locked(quote.event_id) as event:
        quote = current(quote, event)
        if quote.text == text:
            return quote
        with history.revision(event, user=user, comment=f"编辑第{quote.number}段文字"):
            Quote.objects.filter(pk=quote.pk).update(text=text)
            quote.text = text
            finish(event, index=[quote.pk])
    return quote


def split_quote(*, quote: Quote, at: int, user) -> tuple[Quote, Quote]:
    """Cut the quote's text at character `at`: the first half keeps its number, tags and start
    time; the second half is a new quote right after it (a never-used number, the same speaker,
    part, topic and tags, the end time; its start time is unknown)."""
    with locked(quote.event_id) as event:
        quote = current(quote, event)
        if not isinstance(at, int):
            raise EditError("拆分的位置必须是文字中的一个位置。")
        head, tail = quote.text[:at].strip(), quote.text[at:].strip()
        if at <= 0 or at >= len(quote.text) or not head or not tail:
            raise EditError("拆分的位置必须在文字中间，拆开的两半都要有文字。")
        number = next_number(event)
        comment = f"把第{quote.number}段拆分为第{quote.number}段和第{number}段"
        with history.revision(event, user=user, comment=comment):
            shift(event, after=quote.position, by=1)
            (second,) = Quote.objects.bulk_create(
                [
                    Quote(
                        event=event,
                        number=number,
                        position=quote.position + 1,
                        speaker=quote.speaker,
                        section_id=quote.section_id,
                        topic_id=quote.topic_id,
                        text=tail,
                        end_time=quote.end_time,
                        published=quote.published,
                    )
                ]
            )
            if second.pk is None:  # backends that do not return ids from a bulk insert
                second = event.quotes.get(number=number)
            Quote.objects.filter(pk=quote.pk).update(text=head, end_time=None)
            quote.text, quote.end_time = head, None
            tag_ids = TaggedQuote.objects.filter(content_object=quote).values_list("tag_id")
            TaggedQuote.objects.bulk_create(
                TaggedQuote(content_object=second, tag_id=tag_id) for (tag_id,) in tag_ids
            )
            finish(event, index=[quote.pk, second.pk])
    return quote, second


def merge_into_previous(*, quote: Quote, user) -> Quote:
    """Join the quote to the one before it, which keeps its number and now holds both texts
    (and translations), both quotes' tags and the later end time. The merged quote's number
    leads to it from now on, and so does every old number that led to the merged quote."""
    with locked(quote.event_id) as event:
        quote = current(quote, event)
        previous = event.quotes.filter(position=quote.position - 1).first()
        if previous is None:
            raise EditError(f"第{quote.number}段是第一段发言，前面没有可以并入的发言。")
        if (previous.section_id, previous.topic_id) != (quote.section_id, quote.topic_id):
            raise EditError(
                f"第{quote.number}段和第{previous.number}段不在同一个部分或话题里："
                "请先移动或移除它们之间的标题，再合并。"
            )
        if previous.published != quote.published:
            raise EditError(f"第{quote.number}段与前一段一个公开、一个隐藏，不能合并。")
        comment = f"第{quote.number}段并入第{previous.number}段"
        with history.revision(event, user=user, comment=comment):
            _merge(event, previous, quote)
            finish(event, index=[previous.pk], remove=[quote.pk])
    return previous


def _merge(event: Event, previous: Quote, quote: Quote) -> None:
    previous.text = join_texts(previous.text, quote.text)
    previous.translation = join_texts(previous.translation, quote.translation)
    previous.end_time = quote.end_time
    start, end = previous.start_time, previous.end_time
    if start is not None and end is not None and end < start:
        previous.end_time = None  # the times were wrong: unknown rather than impossible
    Quote.objects.filter(pk=previous.pk).update(
        text=previous.text, translation=previous.translation, end_time=previous.end_time
    )
    have = set(TaggedQuote.objects.filter(content_object=previous).values_list("tag_id", flat=True))
    more = TaggedQuote.objects.filter(content_object=quote).exclude(tag_id__in=have)
    TaggedQuote.objects.bulk_create(
        TaggedQuote(content_object=previous, tag_id=tag_id)
        for tag_id in more.values_list("tag_id", flat=True)
    )
    event.quote_redirects.filter(target=quote).update(target=previous)
    QuoteRedirect.objects.create(event=event, number=quote.number, target=previous)
    Quote.objects.filter(pk=quote.pk).delete()
    shift(event, after=quote.position, by=-1)


# Speakers --------------------------------------------------------------------------------------


def reassign(*, quotes: Iterable[Quote], speaker: Speaker, user) -> int:
    """Give these quotes (of one event) to `speaker`; returns how many changed speaker."""
    quotes = list(quotes)
    events = {q.event_id for q in quotes}
    if not quotes:
        return 0
    if len(events) > 1:
        raise EditError("一次只能修改同一场活动里的发言。")
    with locked(events.pop()) as event:
        rows = list(event.quotes.filter(pk__in=[q.pk for q in quotes]).order_by("position"))
        if len(rows) != len({q.pk for q in quotes}):
            raise EditError("有的发言刚被删除或合并了，请刷新页面。")
        _check_speaker(event, speaker)
        changing = [q for q in rows if q.speaker_id != speaker.pk]
        if not changing:
            return 0
        numbers = "、".join(str(q.number) for q in changing[:5])
        which = f"第{numbers}段" if len(changing) <= 5 else f"第{numbers}等{len(changing)}段"
        with history.revision(event, user=user, comment=f"{which}改由{speaker.name}发言"):
            Quote.objects.filter(pk__in=[q.pk for q in changing]).update(speaker=speaker)
            _take_part(event, speaker)
            finish(event, index=[q.pk for q in changing])
    return len(changing)


def reassign_label(*, event: Event, speaker: Speaker, to: Speaker, user) -> int:
    """Every quote of `speaker` in the event goes to `to`, and so does their participation
    (role and bio), unless `to` already has one; returns how many quotes moved."""
    if speaker.pk == to.pk:
        raise EditError("新旧发言人是同一个人。")
    with locked(event.pk) as event:
        _check_speaker(event, to)
        ids = list(event.quotes.filter(speaker=speaker).values_list("pk", flat=True))
        if not ids:
            raise EditError(f"{speaker.name}在这场活动里没有发言。")
        comment = f"{speaker.name}的{len(ids)}段发言改由{to.name}发言"
        with history.revision(event, user=user, comment=comment):
            Quote.objects.filter(pk__in=ids).update(speaker=to)
            _hand_over(event, speaker, to)
            finish(event, index=ids)
    return len(ids)


def _check_speaker(event: Event, speaker: Speaker) -> None:
    """A placeholder (说话人1) names someone at its own event only."""
    if speaker.placeholder and not event.participations.filter(speaker=speaker).exists():
        raise EditError(f"“{speaker.name}”是另一场活动的待命名发言人，不能用在这里。")


def _take_part(event: Event, speaker: Speaker) -> None:
    if not event.participations.filter(speaker=speaker).exists():
        order = event.participations.aggregate(top=Max("order"))["top"]
        event.participations.create(speaker=speaker, order=0 if order is None else order + 1)


def _hand_over(event: Event, speaker: Speaker, to: Speaker) -> None:
    """`speaker`'s participation becomes `to`'s; if `to` has one, it keeps it (and the host's
    role, if `speaker` was the host)."""
    old = event.participations.filter(speaker=speaker).first()
    mine = event.participations.filter(speaker=to).first()
    if old is None:
        _take_part(event, to)
    elif mine is None:
        event.participations.filter(pk=old.pk).update(speaker=to)
    else:
        event.participations.filter(pk=old.pk).delete()
        if old.role == "host":
            event.participations.filter(pk=mine.pk).update(role=old.role)


# Times -----------------------------------------------------------------------------------------


def clock(seconds: float) -> str:
    """1:02:05 for 3725 seconds; 0:05 for 5."""
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def set_start_time(*, quote: Quote, seconds: float | None, user) -> Quote:
    """Set (or clear, with None) when the quote starts in the recording."""
    if seconds is not None:
        if not isinstance(seconds, int | float) or not math.isfinite(seconds):
            raise EditError("开始时间必须是一个秒数。")
        if seconds < 0:
            raise EditError("开始时间不能是负数。")
        if seconds > MAX_SECONDS:
            raise EditError(f"开始时间 {clock(seconds)} 超出了录音的长度。")
        seconds = float(seconds)
    with locked(quote.event_id) as event:
        quote = current(quote, event)
        if seconds is not None and quote.end_time is not None and seconds > quote.end_time:
            raise EditError(
                f"开始时间 {clock(seconds)} 晚于这段发言的结束时间 {clock(quote.end_time)}。"
            )
        if quote.start_time == seconds:
            return quote
        said = f"设为 {clock(seconds)}" if seconds is not None else "清除"
        with history.revision(event, user=user, comment=f"第{quote.number}段开始时间{said}"):
            Quote.objects.filter(pk=quote.pk).update(start_time=seconds)
            quote.start_time = seconds
            finish(event)
    return quote


# Tags ------------------------------------------------------------------------------------------


def _tag_names(names: Iterable[str]) -> list[str]:
    cleaned: dict[str, str] = {}
    try:
        for raw in names:
            for name in typed_tag_names(raw):
                cleaned.setdefault(name.casefold(), name)
    except forms.ValidationError as error:
        raise EditError(" ".join(error.messages)) from None
    if not cleaned:
        raise EditError("请填写标签名。")
    return list(cleaned.values())


def add_tags(*, quotes: Iterable[Quote], names: list[str], user) -> list[Tag]:
    """Tag these quotes (of one event) with each name's tag: the tag of that name, the tag an
    alias of that name leads to, or a new tag. A quote that has the tag already keeps it."""
    names = _tag_names(names)
    quotes = list(quotes)
    events = {q.event_id for q in quotes}
    if len(events) != 1:
        raise EditError("请选择同一场活动里的发言。" if events else "请选择要加标签的发言。")
    with locked(events.pop()) as event:
        ids = list(event.quotes.filter(pk__in=[q.pk for q in quotes]).values_list("pk", flat=True))
        if len(ids) != len({q.pk for q in quotes}):
            raise EditError("有的发言刚被删除或合并了，请刷新页面。")
        found = tags_for_import(names)
        tags = list({found[name.casefold()].pk: found[name.casefold()] for name in names}.values())
        have = set(
            TaggedQuote.objects.filter(
                content_object_id__in=ids, tag__in=[t.pk for t in tags]
            ).values_list("content_object_id", "tag_id")
        )
        adding = [(pk, t.pk) for pk in ids for t in tags if (pk, t.pk) not in have]
        if not adding:
            return tags
        shown = "".join(f"「{t.name}」" for t in tags)
        numbers = "、".join(str(q.number) for q in quotes)
        which = f"第{numbers}段" if len(ids) <= 5 else f"{len(ids)}段发言"
        with history.revision(event, user=user, comment=f"给{which}加上标签{shown}"):
            TaggedQuote.objects.bulk_create(
                TaggedQuote(content_object_id=pk, tag_id=tag_id) for pk, tag_id in adding
            )
            finish(event, index=sorted({pk for pk, _ in adding}))
    return tags


def remove_tag(*, quote: Quote, tag: Tag, user) -> None:
    """Take the tag off the quote (nothing happens if it does not carry it)."""
    with locked(quote.event_id) as event:
        quote = current(quote, event)
        rows = TaggedQuote.objects.filter(content_object=quote, tag_id=tag.pk)
        if not rows.exists():
            return
        comment = f"去掉第{quote.number}段的标签「{tag.name}」"
        with history.revision(event, user=user, comment=comment):
            rows.delete()
            finish(event, index=[quote.pk])
