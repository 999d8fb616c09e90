"""The curated vocabulary: tag names and their aliases, speaker names, the shipped domain terms.

Search (jieba keeps the names whole; an alias is a synonym of its tag), tag suggestions (known
tags first, names never suggested) and speaker keywords (names excluded) all read it here, in one
loader (`load`, 3 queries), which also teaches it to the segmentation.

One version, in the cache, says when it changed: every write that changes a tag, an alias or a
speaker calls `changed()` (the services, and `signals` for the admin's plain forms), at once and
again when the transaction commits, so a process that read the vocabulary just before the commit
reads it again. `current()` is this process's copy, reloaded when the version moves; what is
computed from it is keyed by its `signature` (see `keywords.version`).
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from functools import cached_property

from django.core.cache import cache
from django.db import transaction
from taggit.models import Tag

from . import segmentation
from .models import Speaker, TagAlias

VERSION_KEY = "search-vocabulary-version"


@dataclass(frozen=True)
class TagRef:
    id: int
    name: str
    slug: str


@dataclass(frozen=True)
class Vocabulary:
    """Tags by id, aliases (name, tag id), speaker names, domain terms; and a signature that
    changes whenever any of them does."""

    tag_list: tuple[TagRef, ...]
    aliases: tuple[tuple[str, int], ...]
    names: frozenset[str]
    domain: frozenset[str]
    signature: str
    version: int = field(default=0, compare=False)

    @cached_property
    def tags(self) -> dict[str, TagRef]:
        """Tags by case-folded name, an alias counting as its tag."""
        by_id = {ref.id: ref for ref in self.tag_list}
        by_name = {ref.name.casefold(): ref for ref in self.tag_list}
        for alias, tag_id in self.aliases:
            if tag_id in by_id:  # (a tag created between the two reads is not in the list)
                by_name.setdefault(alias.casefold(), by_id[tag_id])
        return by_name

    @cached_property
    def name_pieces(self) -> frozenset[str]:
        """The pieces of speakers' names jieba might cut out of them (知远)."""
        return frozenset(
            name[i:j]
            for name in self.names
            for i in range(len(name))
            for j in range(i + 2, len(name) + 1)
        )

    def canonical(self, word: str) -> str:
        """The key a word counts under: its tag's name for a tag or alias, else itself."""
        key = word.casefold()
        ref = self.tags.get(key)
        return ref.name.casefold() if ref else key

    def is_name(self, word: str) -> bool:
        """A speaker's name, a piece of one, or a word holding one."""
        return (
            word in self.names
            or word in self.name_pieces
            or any(name in word for name in self.names)
        )


def changed() -> None:
    """Tags, aliases or speakers changed: every process reloads the vocabulary (now, and again
    once the transaction commits)."""
    _move_version()
    if transaction.get_connection().in_atomic_block:
        transaction.on_commit(_move_version, robust=True)


def _move_version() -> None:
    try:
        cache.incr(VERSION_KEY)
    except ValueError:  # no version yet (or no cache): a new one
        cache.set(VERSION_KEY, time.time_ns(), None)


def version() -> int:
    """The current version; a cache emptied meanwhile starts a new one (0 when there is no
    cache at all: each process then keeps what it loaded)."""
    value = cache.get(VERSION_KEY)
    if value is None:
        cache.add(VERSION_KEY, time.time_ns(), None)
        value = cache.get(VERSION_KEY, 0)
    return value


def load() -> Vocabulary:
    """The vocabulary as the database has it now: 3 queries (tags, aliases, speaker names).
    The segmentation learns all of them."""
    now = version()
    tags = tuple(
        TagRef(t.id, t.name, t.slug) for t in Tag.objects.only("id", "name", "slug").order_by("pk")
    )
    aliases = tuple(TagAlias.objects.values_list("name", "tag_id").order_by("name"))
    names = sorted(set(Speaker.objects.values_list("name", flat=True)))
    segmentation.add_vocabulary([ref.name for ref in tags] + [a for a, _ in aliases] + names)
    raw = "\n".join(
        [f"t:{r.id}:{r.name}" for r in tags]
        + [f"a:{a}:{t}" for a, t in aliases]
        + [f"s:{n}" for n in names]
    )
    return Vocabulary(
        tag_list=tags,
        aliases=aliases,
        names=frozenset(names),
        domain=frozenset(term.casefold() for term in segmentation.domain_terms()),
        signature=hashlib.sha256(raw.encode()).hexdigest()[:16],
        version=now,
    )


_current: list[Vocabulary] = []


def current() -> Vocabulary:
    """This process's copy, reloaded (`load`) when the version has moved: no query otherwise."""
    now = version()
    if not _current or _current[0].version != now:
        _current[:] = [load()]
    return _current[0]
