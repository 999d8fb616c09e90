"""What a revision of an event holds (`read_snapshot`) and what changed between two revisions
(`compare`), with word-level diffs of texts (`word_diff`) over jieba's words.

Snapshots are read straight from reversion's stored JSON (one row per object), without building
model instances: the history pages read two snapshots per revision shown.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from typing import Literal

from django.contrib.contenttypes.models import ContentType
from reversion.models import Version

from . import segmentation
from .models import (
    Event,
    Participation,
    Quote,
    QuoteRedirect,
    Section,
    Speaker,
    TaggedEvent,
    TaggedQuote,
    Topic,
)

Op = Literal["equal", "insert", "delete"]


def word_diff(old: str, new: str) -> list[tuple[Op, str]]:
    """The changes from `old` to `new`, word by word: ("equal"|"insert"|"delete", text) pieces
    in reading order (a replaced run is its deletion, then its insertion); adjacent pieces of
    one kind are joined."""
    a, b = segmentation.diff_tokens(old), segmentation.diff_tokens(new)
    pieces: list[tuple[Op, str]] = []
    for tag, i1, i2, j1, j2 in SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if tag == "equal":
            _add(pieces, "equal", "".join(a[i1:i2]))
            continue
        _add(pieces, "delete", "".join(a[i1:i2]))
        _add(pieces, "insert", "".join(b[j1:j2]))
    return pieces


def _add(pieces: list[tuple[Op, str]], op: Op, text: str) -> None:
    if not text:
        return
    if pieces and pieces[-1][0] == op:
        pieces[-1] = (op, pieces[-1][1] + text)
    else:
        pieces.append((op, text))


# Snapshots -------------------------------------------------------------------------------------


@dataclass
class Snapshot:
    """One event as one revision holds it: each kind of row by primary key → its stored fields
    (foreign keys as ids, under the field's name: "speaker", "section", "content_object"...)."""

    event: dict
    sections: dict[int, dict] = field(default_factory=dict)
    topics: dict[int, dict] = field(default_factory=dict)
    participations: dict[int, dict] = field(default_factory=dict)
    quotes: dict[int, dict] = field(default_factory=dict)
    redirects: dict[int, dict] = field(default_factory=dict)
    quote_tags: dict[int, dict] = field(default_factory=dict)
    event_tags: dict[int, dict] = field(default_factory=dict)
    speakers: dict[int, dict] = field(default_factory=dict)

    def tags_of(self) -> dict[int, set[int]]:
        """Quote id → its tag ids."""
        tags: dict[int, set[int]] = {}
        for row in self.quote_tags.values():
            tags.setdefault(row["content_object"], set()).add(row["tag"])
        return tags


KINDS = {
    Section: "sections",
    Topic: "topics",
    Participation: "participations",
    Quote: "quotes",
    QuoteRedirect: "redirects",
}


def read_snapshot(revision_id: int, event_id: int) -> Snapshot | None:
    """The event as revision `revision_id` holds it (None if it holds no such event)."""
    rows = Version.objects.filter(revision_id=revision_id).values_list(
        "content_type_id", "serialized_data"
    )
    models = {ContentType.objects.get_for_model(m).pk: m for m in (Event, *KINDS, Speaker)}
    models |= {ContentType.objects.get_for_model(m).pk: m for m in (TaggedQuote, TaggedEvent)}
    snapshot, tagged, speakers = Snapshot(event={}), [], {}
    for content_type_id, data in rows:
        model = models.get(content_type_id)
        if model is None:
            continue
        (row,) = json.loads(data)
        pk, fields = row["pk"], row["fields"]
        if model is Event and pk == event_id:
            snapshot.event = fields
        elif model in KINDS and fields.get("event") == event_id:
            getattr(snapshot, KINDS[model])[pk] = fields
        elif model is TaggedEvent and fields["content_object"] == event_id:
            snapshot.event_tags[pk] = fields
        elif model is TaggedQuote:
            tagged.append((pk, fields))
        elif model is Speaker:
            speakers[pk] = fields
    if not snapshot.event:
        return None
    snapshot.quote_tags = {pk: f for pk, f in tagged if f["content_object"] in snapshot.quotes}
    used = {q["speaker"] for q in snapshot.quotes.values()}
    used |= {p["speaker"] for p in snapshot.participations.values()}
    snapshot.speakers = {pk: f for pk, f in speakers.items() if pk in used}
    return snapshot


# Comparing -------------------------------------------------------------------------------------


@dataclass
class QuoteChange:
    number: int
    kind: Literal["added", "removed", "changed"]
    text: list[tuple[Op, str]]
    speaker: tuple[str, str] | None = None  # (before, after) when it changed
    heading: tuple[str, str] | None = None
    tags: tuple[list[str], list[str]] | None = None  # (removed, added)


@dataclass
class HeadingChange:
    kind: Literal["part", "topic"]
    change: Literal["added", "removed", "changed"]
    title: list[tuple[Op, str]]


@dataclass
class Changes:
    quotes: list[QuoteChange] = field(default_factory=list)
    headings: list[HeadingChange] = field(default_factory=list)

    def count(self, kind: str) -> int:
        return sum(1 for change in self.quotes if change.kind == kind)

    @property
    def added(self) -> int:
        return self.count("added")

    @property
    def removed(self) -> int:
        return self.count("removed")

    @property
    def changed(self) -> int:
        return self.count("changed")


@dataclass
class Names:
    """Names of the speakers and tags two snapshots refer to, read once."""

    speakers: dict[int, str]
    tags: dict[int, str]

    @classmethod
    def of(cls, *snapshots: Snapshot) -> Names:
        from taggit.models import Tag

        speakers = {pk: f["name"] for s in snapshots for pk, f in s.speakers.items()}
        ids = {q["speaker"] for s in snapshots for q in s.quotes.values()} - set(speakers)
        speakers |= dict(Speaker.objects.filter(pk__in=ids).values_list("pk", "name"))
        tag_ids = {row["tag"] for s in snapshots for row in s.quote_tags.values()}
        return cls(speakers, dict(Tag.objects.filter(pk__in=tag_ids).values_list("pk", "name")))

    def speaker(self, pk: int) -> str:
        return self.speakers.get(pk, f"(已删除的发言人 {pk})")


def compare(old: Snapshot | None, new: Snapshot, names: Names | None = None) -> Changes:
    """What changed from `old` to `new` (everything is new when there is no `old`), in reading
    order: quotes by number; a moved quote (position only) is no change."""
    old = old or Snapshot(event=new.event)
    names = names or Names.of(old, new)
    changes = Changes()
    old_tags, new_tags = old.tags_of(), new.tags_of()
    for pk in sorted(old.quotes.keys() | new.quotes.keys(), key=lambda pk: _number(old, new, pk)):
        before, after = old.quotes.get(pk), new.quotes.get(pk)
        if before is None:
            changes.quotes.append(
                QuoteChange(after["number"], "added", word_diff("", after["text"]))
            )
        elif after is None:
            changes.quotes.append(
                QuoteChange(before["number"], "removed", word_diff(before["text"], ""))
            )
        else:
            tags = (old_tags.get(pk, set()), new_tags.get(pk, set()))
            change = _quote_change(before, after, tags, old, new, names)
            if change is not None:
                changes.quotes.append(change)
    changes.headings = [
        *_heading_changes("part", old.sections, new.sections),
        *_heading_changes("topic", old.topics, new.topics),
    ]
    return changes


def _number(old: Snapshot, new: Snapshot, pk: int) -> int:
    return (new.quotes.get(pk) or old.quotes[pk])["number"]


def _quote_change(before, after, tags, old, new, names: Names) -> QuoteChange | None:
    same = before["text"] == after["text"]  # (jieba is the cost: only texts that changed)
    text = [("equal", after["text"])] if same else word_diff(before["text"], after["text"])
    change = QuoteChange(after["number"], "changed", text)
    if before["speaker"] != after["speaker"]:
        change.speaker = (names.speaker(before["speaker"]), names.speaker(after["speaker"]))
    headings = (_heading(old, before), _heading(new, after))
    if headings[0] != headings[1]:
        change.heading = headings
    if tags[0] != tags[1]:
        removed = sorted(names.tags.get(t, "?") for t in tags[0] - tags[1])
        change.tags = (removed, sorted(names.tags.get(t, "?") for t in tags[1] - tags[0]))
    text_changed = not same or before["translation"] != after["translation"]
    if text_changed or change.speaker or change.heading or change.tags:
        return change
    return None


def _heading(snapshot: Snapshot, quote: dict) -> str:
    section = snapshot.sections.get(quote["section"])
    topic = snapshot.topics.get(quote["topic"])
    return " / ".join(h["title"] for h in (section, topic) if h) or "(无标题)"


def _heading_changes(kind, old: dict[int, dict], new: dict[int, dict]) -> list[HeadingChange]:
    found = []
    for pk in sorted(old.keys() | new.keys(), key=lambda pk: (new.get(pk) or old[pk])["number"]):
        before, after = old.get(pk), new.get(pk)
        if before is None:
            found.append(HeadingChange(kind, "added", word_diff("", after["title"])))
        elif after is None:
            found.append(HeadingChange(kind, "removed", word_diff(before["title"], "")))
        elif before["title"] != after["title"]:
            found.append(HeadingChange(kind, "changed", word_diff(before["title"], after["title"])))
    return found
