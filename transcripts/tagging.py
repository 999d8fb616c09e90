"""Tag management for editors: rename, merge, delete unused tags, add aliases.

A tag's name is in the search metadata of every quote it is on and in jieba's vocabulary, its slug
is in links readers have shared, and the cached event pages print both. So every write here
reindexes the quotes whose tags changed, tells every process to reload the vocabulary, moves the
pages of the events concerned to a new version, and records a `TagRedirect` for each slug that
stops existing, so `/tags/<old slug>/` keeps working. Tags are written with `update()` and bulk
queries, not `save()`: the service does the reindexing itself, once, whatever the number of quotes.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from taggit.models import Tag

from .models import Event, Quote, TagAlias, TaggedEvent, TaggedQuote, TagRedirect
from .search import service as search
from .views.caching import forget_event_version

MAX_NAME = 100  # Tag.name and TagAlias.name


class TagError(Exception):
    """A tag change that cannot be made, with a message for the editor."""


@dataclass(frozen=True)
class Renamed:
    tag: Tag
    old_name: str
    old_slug: str
    quotes: int  # quotes carrying the tag, reindexed


@dataclass(frozen=True)
class Merged:
    target: Tag
    sources: tuple[str, ...]  # names of the tags merged away (now aliases of the target)
    quotes: int  # quotes that carried a source tag, all of them now carry the target
    created: bool = False  # the target is a new tag, named by the editor


@dataclass(frozen=True)
class DeletedTags:
    deleted: tuple[str, ...]
    kept: tuple[str, ...]  # asked for but in use, so left alone


# Checks ----------------------------------------------------------------------------------------


def tag_name_problem(name: str, *, tag: Tag | None = None, merging: Iterable[Tag] = ()) -> str:
    """Why `name` cannot be the name of `tag` (None: a new tag), "" if it can. It may take over
    an alias of the tag itself or of the tags being merged into it. Names compare
    case-insensitively, as taggit does here (TAGGIT_CASE_INSENSITIVE)."""
    if not name:
        return "名称不能为空。"
    if len(name) > MAX_NAME:
        return f"名称最多 {MAX_NAME} 个字。"
    if not Tag().slugify(name):
        return f"「{name}」里没有可以用在网址里的字符。"
    owners = [t.pk for t in (tag, *merging) if t is not None]
    if other := Tag.objects.filter(name__iexact=name).exclude(pk__in=owners).first():
        return f"已有标签「{other.name}」:要把两个标签合成一个,请用“合并所选标签”。"
    aliases = TagAlias.objects.filter(name__iexact=name).exclude(tag_id__in=owners)
    if alias := aliases.select_related("tag").first():
        return f"「{alias.name}」已是标签「{alias.tag.name}」的别名。"
    return ""


def alias_problem(name: str, *, alias: TagAlias | None = None) -> str:
    """Why `name` cannot be an alias (`alias`: the one being edited), "" if it can."""
    if not name:
        return "别名不能为空。"
    if len(name) > MAX_NAME:
        return f"别名最多 {MAX_NAME} 个字。"
    if tag := Tag.objects.filter(name__iexact=name).first():
        return f"「{tag.name}」已是一个标签的名称,不能再作别名。"
    others = TagAlias.objects.filter(name__iexact=name).select_related("tag")
    if alias is not None and alias.pk:
        others = others.exclude(pk=alias.pk)
    if other := others.first():
        return f"「{other.name}」已是标签「{other.tag.name}」的别名。"
    return ""


def _free_slug(tag: Tag, name: str) -> str:
    """taggit's slug for `name`, with taggit's `_1`, `_2`... if another tag holds it."""
    taken = set(
        Tag.objects.exclude(pk=tag.pk)
        .filter(slug__startswith=tag.slugify(name))
        .values_list("slug", flat=True)
    )
    slug, i = tag.slugify(name), 0
    while slug in taken:
        i += 1
        slug = tag.slugify(name, i)
    return slug


# Writes ----------------------------------------------------------------------------------------


def rename_tag(*, tag: Tag, new_name: str) -> Renamed:
    """Rename a tag and recompute its slug; its old slug redirects to it from now on."""
    new_name = new_name.strip()
    old_name, old_slug = tag.name, tag.slug
    if new_name == old_name:
        return Renamed(tag=tag, old_name=old_name, old_slug=old_slug, quotes=0)
    if problem := tag_name_problem(new_name, tag=tag):
        raise TagError(problem)
    with transaction.atomic():
        new_slug = _free_slug(tag, new_name)
        Tag.objects.filter(pk=tag.pk).update(name=new_name, slug=new_slug)
        tag.name, tag.slug = new_name, new_slug
        TagAlias.objects.filter(tag=tag, name__iexact=new_name).delete()
        if new_slug != old_slug:
            _redirect([old_slug], to=tag)
        quote_ids = _quote_ids([tag.pk])
        _reindex(quote_ids, event_ids=_event_ids([tag.pk]))
    return Renamed(tag=tag, old_name=old_name, old_slug=old_slug, quotes=len(quote_ids))


def merge_tags(*, sources: Iterable[Tag], target: Tag | str) -> Merged:
    """Move every quote and event from the sources to the target (a tag, or the name of a tag to
    use or create), keep the sources' names as aliases of the target and their slugs as
    redirects to it, and delete the sources."""
    sources = list(sources)
    with transaction.atomic():
        target, created = _merge_target(target, sources)
        sources = [s for s in sources if s.pk != target.pk]
        if not sources:
            raise TagError("请至少选择一个要并入目标的其他标签。")
        source_ids = [s.pk for s in sources]
        quote_ids = _quote_ids(source_ids)
        event_ids = _event_ids(source_ids)
        _move(TaggedQuote, quote_ids, source_ids, target)
        _move(TaggedEvent, event_ids, source_ids, target)

        TagAlias.objects.filter(tag_id__in=source_ids).update(tag=target)
        TagAlias.objects.filter(tag=target, name__iexact=target.name).delete()
        taken = {n.casefold() for n in TagAlias.objects.values_list("name", flat=True)}
        TagAlias.objects.bulk_create(
            TagAlias(tag=target, name=s.name)
            for s in sources
            if s.name.casefold() not in taken and s.name.casefold() != target.name.casefold()
        )
        TagRedirect.objects.filter(tag_id__in=source_ids).update(tag=target)
        _redirect([s.slug for s in sources], to=target)
        Tag.objects.filter(pk__in=source_ids).delete()
        _reindex(quote_ids, event_ids=event_ids)
    names = tuple(s.name for s in sources)
    return Merged(target=target, sources=names, quotes=len(quote_ids), created=created)


def delete_unused_tags(*, tags: Iterable[Tag] | None = None) -> DeletedTags:
    """Delete the tags (all of them when None) that no quote and no event carries."""
    with transaction.atomic():
        candidates = Tag.objects.all()
        if tags is not None:
            candidates = candidates.filter(pk__in=[t.pk for t in tags])
        unused = candidates.filter(
            ~Exists(TaggedQuote.objects.filter(tag=OuterRef("pk"))),
            ~Exists(TaggedEvent.objects.filter(tag=OuterRef("pk"))),
        )
        deleted = dict(unused.values_list("pk", "name"))
        kept = candidates.exclude(pk__in=list(deleted)).order_by("name")
        kept_names = () if tags is None else tuple(kept.values_list("name", flat=True))
        if deleted:
            unused.filter(pk__in=list(deleted)).delete()
            search.vocabulary_changed()
    return DeletedTags(deleted=tuple(sorted(deleted.values())), kept=kept_names)


def delete_tag(*, tag: Tag) -> int:
    """Delete a tag even if in use (the admin's delete button); returns how many quotes lost it."""
    with transaction.atomic():
        quote_ids = _quote_ids([tag.pk])
        event_ids = _event_ids([tag.pk])
        Tag.objects.filter(pk=tag.pk).delete()
        _reindex(quote_ids, event_ids=event_ids)
    return len(quote_ids)


def add_alias(*, tag: Tag, name: str) -> TagAlias:
    """Another name for a tag (LLM → 大模型); never the name or alias of any tag."""
    name = name.strip()
    if problem := alias_problem(name):
        raise TagError(problem)
    with transaction.atomic():
        alias = TagAlias.objects.create(tag=tag, name=name)
        search.vocabulary_changed()
    return alias


# Helpers ---------------------------------------------------------------------------------------


def _merge_target(target: Tag | str, sources: list[Tag]) -> tuple[Tag, bool]:
    """The target tag itself, the tag with that name, or a new tag with that name (True)."""
    if isinstance(target, Tag):
        return target, False
    name = target.strip()
    if existing := Tag.objects.filter(name__iexact=name).first():
        return existing, False
    if problem := tag_name_problem(name, merging=sources):
        raise TagError(problem)
    tag = Tag(name=name)
    tag.slug = _free_slug(tag, name)
    tag.save()
    return tag, True


def _move(through, owner_ids: set[int], source_ids: list[int], target: Tag) -> None:
    """Tag every owner (quote or event) that carried a source tag with the target, once."""
    has_target = set(
        through.objects.filter(tag=target, content_object_id__in=owner_ids).values_list(
            "content_object_id", flat=True
        )
    )
    through.objects.filter(tag_id__in=source_ids).delete()
    through.objects.bulk_create(
        through(content_object_id=pk, tag=target) for pk in sorted(owner_ids - has_target)
    )


def _redirect(old_slugs: list[str], *, to: Tag) -> None:
    TagRedirect.objects.filter(old_slug__in=[*old_slugs, to.slug]).delete()
    TagRedirect.objects.bulk_create(TagRedirect(old_slug=slug, tag=to) for slug in old_slugs)


def _quote_ids(tag_ids: list[int]) -> set[int]:
    rows = TaggedQuote.objects.filter(tag_id__in=tag_ids).values_list("content_object_id")
    return {pk for (pk,) in rows}


def _event_ids(tag_ids: list[int]) -> set[int]:
    rows = TaggedEvent.objects.filter(tag_id__in=tag_ids).values_list("content_object_id")
    return {pk for (pk,) in rows}


def _reindex(quote_ids: set[int], *, event_ids: set[int]) -> None:
    """The names changed: reload the vocabulary, reindex these quotes, and give the events they
    belong to a new page version (their cached pages print tag names and slugs)."""
    search.vocabulary_changed()
    quotes = Quote.objects.filter(pk__in=quote_ids)
    search.index_quotes(quotes)
    event_ids = event_ids | set(quotes.values_list("event_id", flat=True).distinct())
    events = Event.objects.filter(pk__in=event_ids)
    events.update(updated_at=timezone.now())
    for slug in events.values_list("slug", flat=True):
        forget_event_version(slug)
