"""What the workbench's small forms send, read and checked: times, tag names, chosen speakers,
and the completion lists (speakers, tags). Pure reads; the writes are the services'."""

from __future__ import annotations

import re

from django.db.models import Q
from taggit.models import Tag

from .. import speaker_edits
from ..models import Event, Quote, Speaker, TagAlias

_TIME = re.compile(r"^(?:(\d+)[:：])?(?:(\d+)[:：])?(\d+(?:\.\d+)?)$")
_TAG_SEPARATORS = re.compile(r"[,，、;；\n]+")
MAX_CHOICES = 10


class InputError(ValueError):
    """What the editor sent cannot be read; the message says what to fix."""


def parse_time(value: str) -> float | None:
    """ "1:23:45" → 5025, "12:34" → 754, "75.5" → 75.5; "" → None (no start time)."""
    value = value.strip()
    if not value:
        return None
    match = _TIME.match(value)
    if match is None:
        raise InputError(f"看不懂这个时间：“{value}”。请写成 1:23:45、12:34 或 75.5（秒）。")
    first, second, seconds = match.groups()
    hours, minutes = (first, second) if second is not None else (None, first)
    total = float(seconds) + int(minutes or 0) * 60 + int(hours or 0) * 3600
    if (minutes is not None or hours is not None) and float(seconds) >= 60:
        raise InputError(f"秒数不能大于 59：“{value}”。")
    if second is not None and int(second) >= 60:
        raise InputError(f"分钟数不能大于 59：“{value}”。")
    return total


def tag_names(value: str) -> list[str]:
    """The tag names typed in one box: separated by commas (，、 too) or new lines."""
    names = [name.strip() for name in _TAG_SEPARATORS.split(value) if name.strip()]
    if not names:
        raise InputError("请填写标签名。")
    return names


def offset(value: str, text: str) -> int:
    """A split position inside `text`: neither at its start nor at its end."""
    try:
        at = int(value)
    except (TypeError, ValueError):
        raise InputError("拆分位置不对。") from None
    if not 0 < at < len(text):
        raise InputError("光标要在发言中间才能拆分（不能在开头或结尾）。")
    return at


def speaker_by_id(value: str) -> Speaker:
    try:
        return Speaker.objects.get(pk=int(value))
    except (TypeError, ValueError, Speaker.DoesNotExist):
        raise InputError("没有找到这位发言人，请从列表中选择。") from None


def chosen_speaker(data) -> Speaker | str:
    """The speaker a reassign form chose: an existing one (`speaker`, an id) or the name of a
    new person (`name`)."""
    if data.get("speaker"):
        return speaker_by_id(data["speaker"])
    name = data.get("name", "").strip()
    if not name:
        raise InputError("请选择发言人，或填写新发言人的名字。")
    if len(name) > Speaker._meta.get_field("name").max_length:
        raise InputError("名字太长了。")
    return name


def quotes_of(event: Event, ids: list[str]) -> list[Quote]:
    """The event's quotes with these ids (others ignored), in reading order."""
    numbers = [int(value) for value in ids if value.isdigit()]
    quotes = list(Quote.objects.filter(event=event, pk__in=numbers).order_by("position"))
    if not quotes:
        raise InputError("请先选择发言（勾选，或用“全选显示的”）。")
    return quotes


# Completion ------------------------------------------------------------------------------------


def speaker_options(query: str) -> list[dict]:
    """Speakers for a completion list: `speaker_edits.speaker_choices` (name, pinyin, handle)."""
    return [
        {
            "id": speaker.pk,
            "value": speaker.name,
            "label": speaker.name,
            "hint": " · ".join(
                part
                for part in (speaker.handle, speaker.slug, "待命名" if speaker.placeholder else "")
                if part
            ),
        }
        for speaker in speaker_edits.speaker_choices(query.strip(), limit=MAX_CHOICES)
    ]


def tag_options(query: str) -> list[dict]:
    """Existing tags and aliases whose name (or slug) holds the query; an alias stands for its
    tag (adding it adds the tag)."""
    query = query.strip()
    if not query:
        return []
    tags = Tag.objects.filter(Q(name__icontains=query) | Q(slug__icontains=query)).order_by("name")[
        :MAX_CHOICES
    ]
    options = [{"id": tag.pk, "value": tag.name, "label": tag.name, "hint": ""} for tag in tags]
    aliases = TagAlias.objects.filter(name__icontains=query).select_related("tag")
    for alias in aliases.order_by("name")[:MAX_CHOICES]:
        options.append(
            {
                "id": alias.tag.pk,
                "value": alias.tag.name,
                "label": alias.name,
                "hint": alias.tag.name,
            }
        )
    options.sort(key=lambda option: (not option["label"].startswith(query), option["label"]))
    return options[:MAX_CHOICES]
