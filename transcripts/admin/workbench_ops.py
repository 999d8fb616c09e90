"""The workbench's operations: each reads one small form, calls one service, and says what the
page must show again (`Changed`). The services do the writing, one revision each
(`history.revision`), keeping the search index and the cached pages in step; an editor's
mistake is an error with a Chinese message (the services' `EditError`, `SpeakerEditError`,
`TagError`, or `InputError` here), which the view turns into a 422 fragment."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from taggit.models import Tag

from .. import heading_edits, history, quote_edits, speaker_edits
from ..models import Event, Quote, Section, Speaker, Topic
from .workbench_forms import (
    InputError,
    chosen_speaker,
    offset,
    parse_time,
    quotes_of,
    speaker_by_id,
    tag_names,
)


@dataclass
class Changed:
    """What to show again: the blocks at positions first..last in place of the block of
    `target` (a quote id), or the whole transcript (`whole`); quotes gone; the quote to focus."""

    message: str
    target: int | None = None
    first: int = 0
    last: int = 0
    whole: bool = False
    removed: list[int] = field(default_factory=list)
    also: list[int] = field(default_factory=list)  # positions of neighbours shown again (OOB)
    focus: int | None = None
    panels: bool = False  # the speaker panels too (new or renamed speakers)
    proposals: bool = False


def _one(quote: Quote, message: str) -> Changed:
    quote = Quote.objects.get(pk=quote.pk)
    return Changed(message, quote.pk, quote.position, quote.position, focus=quote.pk)


# One quote ---------------------------------------------------------------------------------------


def edit_text(request, event: Event, quote: Quote) -> Changed:
    quote_edits.edit_text(quote=quote, text=request.POST.get("text", ""), user=request.user)
    return _one(quote, f"已保存第 {quote.number} 段发言。")


def split(request, event: Event, quote: Quote) -> Changed:
    text = request.POST.get("text")
    if text is not None and text.strip() != quote.text:  # edited before splitting: save first
        offset(request.POST.get("at"), text.strip())  # (a split that cannot be saves nothing)
        quote = quote_edits.edit_text(quote=quote, text=text, user=request.user)
        quote = Quote.objects.get(pk=quote.pk)
    at = offset(request.POST.get("at"), quote.text)
    first, second = quote_edits.split_quote(quote=quote, at=at, user=request.user)
    first, second = Quote.objects.get(pk=first.pk), Quote.objects.get(pk=second.pk)
    message = f"已拆分：第 {first.number} 段的后半成为第 {second.number} 段。"
    return Changed(message, quote.pk, first.position, second.position, focus=second.pk)


def merge(request, event: Event, quote: Quote) -> Changed:
    previous = quote_edits.merge_into_previous(quote=quote, user=request.user)
    previous = Quote.objects.get(pk=previous.pk)
    into = previous.number
    return Changed(
        f"已把第 {quote.number} 段并入第 {into} 段（旧编号转到第 {into} 段）。",
        previous.pk,
        previous.position,
        previous.position,
        removed=[quote.pk],
        also=[previous.position + 1],
        focus=previous.pk,
    )


def reassign(request, event: Event, quote: Quote) -> Changed:
    to = chosen_speaker(request.POST)
    every = request.POST.get("scope") == "label"
    old = Speaker.objects.get(pk=quote.speaker_id)
    name = to if isinstance(to, str) else to.name
    with history.revision(event, user=request.user, comment=f"改发言人为{name}"):
        if isinstance(to, str):
            to = speaker_edits.new_person(to)
        if every:
            count = quote_edits.reassign_label(event=event, speaker=old, to=to, user=request.user)
        else:
            quote_edits.reassign(quotes=[quote], speaker=to, user=request.user)
    if every:
        message = f"已把“{old.name}”的 {count} 段发言改为{to.name}。"
        return Changed(message, whole=True, focus=quote.pk, panels=True)
    changed = _one(quote, f"第 {quote.number} 段发言改为{to.name}。")
    changed.panels = True
    return changed


def set_time(request, event: Event, quote: Quote) -> Changed:
    seconds = parse_time(request.POST.get("time", ""))
    quote_edits.set_start_time(quote=quote, seconds=seconds, user=request.user)
    said = "已清除开始时间" if seconds is None else "已设置开始时间"
    return _one(quote, f"第 {quote.number} 段：{said}。")


def add_tags(request, event: Event, quote: Quote) -> Changed:
    names = tag_names(request.POST.get("tags", ""))
    tags = quote_edits.add_tags(quotes=[quote], names=names, user=request.user)
    return _one(quote, f"第 {quote.number} 段加上了标签：{'、'.join(t.name for t in tags)}。")


def remove_tag(request, event: Event, quote: Quote) -> Changed:
    try:
        tag = Tag.objects.get(pk=int(request.POST.get("tag", "")))
    except (ValueError, Tag.DoesNotExist):
        raise InputError("没有这个标签（可能刚被删除或合并）。") from None
    quote_edits.remove_tag(quote=quote, tag=tag, user=request.user)
    return _one(quote, f"第 {quote.number} 段去掉了标签：{tag.name}。")


def insert_heading(request, event: Event, quote: Quote) -> Changed:
    kind = request.POST.get("kind", "topic")
    if kind not in ("section", "topic"):
        raise InputError("标题只能是“部分”或“话题”。")
    title = request.POST.get("title", "").strip()
    if not title:
        raise InputError("请填写标题。")
    heading_edits.insert_heading(before=quote, kind=kind, title=title, user=request.user)
    label = "部分" if kind == "section" else "话题"
    return Changed(f"已在第 {quote.number} 段前加上{label}：{title}。", whole=True, focus=quote.pk)


QUOTE_OPS: dict[str, Callable[..., Changed]] = {
    "text": edit_text,
    "split": split,
    "merge": merge,
    "reassign": reassign,
    "time": set_time,
    "tag": add_tags,
    "untag": remove_tag,
    "heading": insert_heading,
}


# Headings ----------------------------------------------------------------------------------------

HEADING_MODELS = {"section": Section, "topic": Topic}


def _first_quote(heading: Section | Topic) -> Quote | None:
    return heading.quotes.order_by("position").first()


def rename_heading(request, event: Event, heading: Section | Topic) -> Changed:
    title = request.POST.get("title", "").strip()
    if not title:
        raise InputError("请填写标题。")
    heading_edits.rename_heading(heading=heading, title=title, user=request.user)
    first = _first_quote(heading)
    return Changed(f"标题已改为：{title}。", whole=True, focus=first.pk if first else None)


def move_heading(request, event: Event, heading: Section | Topic) -> Changed:
    first = _first_quote(heading)
    step = -1 if request.POST.get("direction") == "up" else 1
    before = first and Quote.objects.filter(event=event, position=first.position + step).first()
    if before is None:
        raise InputError("标题已经不能再往这个方向移了。")
    heading_edits.move_heading(heading=heading, before=before, user=request.user)
    return Changed(f"标题已移到第 {before.number} 段前。", whole=True, focus=before.pk)


def remove_heading(request, event: Event, heading: Section | Topic) -> Changed:
    first = _first_quote(heading)
    heading_edits.remove_heading(heading=heading, user=request.user)
    return Changed(f"已删除标题：{heading.title}。", whole=True, focus=first.pk if first else None)


HEADING_OPS = {"rename": rename_heading, "move": move_heading, "remove": remove_heading}


# The whole event ---------------------------------------------------------------------------------


def bulk_tags(request, event: Event) -> Changed:
    quotes = quotes_of(event, request.POST.getlist("quotes"))
    names = tag_names(request.POST.get("tags", ""))
    tags = quote_edits.add_tags(quotes=quotes, names=names, user=request.user)
    message = f"已给 {len(quotes)} 段发言加上标签：{'、'.join(t.name for t in tags)}。"
    return Changed(message, whole=True, focus=quotes[0].pk)


def name_speakers(request, event: Event) -> Changed:
    """One form, one input per speaker of the event (`name-<id>`, and `id-<id>` when a
    completion was chosen): every filled one is mapped (`speaker_edits.map_speakers`)."""
    mapping: dict[Speaker, Speaker | str] = {}
    for speaker in Speaker.objects.filter(participations__event=event):
        name = request.POST.get(f"name-{speaker.pk}", "").strip()
        if not name or name == speaker.name:
            continue
        chosen = request.POST.get(f"id-{speaker.pk}", "")
        person = speaker_by_id(chosen) if chosen else None
        mapping[speaker] = person if person is not None and person.name == name else name
    if not mapping:
        raise InputError("请至少给一位发言人填上名字。")
    moved = speaker_edits.map_speakers(event=event, mapping=mapping, user=request.user)
    names = "、".join(f"{old.name}→{_label(new)}" for old, new in mapping.items())
    return Changed(f"已命名：{names}（{moved} 段发言）。", whole=True, panels=True, proposals=True)


def _label(value: Speaker | str) -> str:
    return value if isinstance(value, str) else value.name


def accept_boundary(request, event: Event) -> Changed:
    quote = quotes_of(event, [request.POST.get("quote", "")])[0]
    title = request.POST.get("title", "").strip()
    if not title:
        raise InputError("请填写话题标题。")
    heading_edits.insert_heading(before=quote, kind="topic", title=title, user=request.user)
    message = f"已在第 {quote.number} 段前加上话题：{title}。"
    return Changed(message, whole=True, focus=quote.pk, proposals=True)


def accept_name(request, event: Event) -> Changed:
    speaker = speaker_by_id(request.POST.get("speaker", ""))
    name = request.POST.get("name", "").strip()
    if not name:
        raise InputError("请填写名字。")
    moved = speaker_edits.map_speakers(event=event, mapping={speaker: name}, user=request.user)
    message = f"已把“{speaker.name}”命名为{name}（{moved} 段发言）。"
    return Changed(message, whole=True, panels=True, proposals=True)


EVENT_OPS = {
    "bulk-tags": bulk_tags,
    "speakers": name_speakers,
    "accept-boundary": accept_boundary,
    "accept-name": accept_name,
}
