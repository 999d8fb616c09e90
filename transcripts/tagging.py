"""Tag management for editors: rename, merge, delete unused tags, add aliases.

A tag's name is in the search metadata of every quote it is on and in jieba's vocabulary, its slug
is in links readers have shared, and the cached event pages print both. So every write here
reindexes the quotes whose tags changed, tells every process to reload the vocabulary, moves the
pages of the events concerned to a new version, and records a `TagRedirect` for each slug that
stops existing, so `/tags/<old slug>/` keeps working. Tags are written with `update()` and bulk
queries, not `save()`: the service does the reindexing itself, once, whatever the number of quotes.

Names are cleaned the same way at every door (`slugs.clean_tag_name`, then `name_fault`): this
module's checks, the admin's forms, the tags box of the quote and event forms
(`tag_forms.TagNamesField`) and the import (`import_checks`).

Concurrency. Each write locks the rows it changes first (`SELECT … FOR UPDATE NOWAIT`) and works
from what it finds under the lock, not from what the editor's form was built from: two editors
renaming one tag end with one name and every old slug redirecting, and a rename can say the tag
was renamed meanwhile (`seen_name`). An import holds the tags it uses until it commits
(`import_tags.tags_for_import`), so a merge, rename or delete of them meanwhile is refused with
`TagBusy` ("try again in a minute") instead of failing the import at its commit; names that
collide with a write committed meanwhile (two tags renamed to one name, one new tag created
twice) are a `TagError` or the other's tag, never a 500.
"""

from __future__ import annotations

import operator
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import reduce

from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from taggit.models import Tag

from . import pagecache, vocabulary
from .models import Event, Quote, TagAlias, TaggedEvent, TaggedQuote, TagRedirect
from .search import service as search
from .slugs import clean_tag_name, is_tag_slug, tag_slug

MAX_NAME = 100  # Tag.name and TagAlias.name
BUSY = "这些标签正被一次导入或另一位编辑使用,请过一会儿再试。"


class TagError(Exception):
    """A tag change that cannot be made, with a message for the editor."""


class TagBusy(TagError):
    """Another transaction (a long import, another editor) holds the tags: try again later."""


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


def name_fault(name: str) -> str:
    """What makes a cleaned name (`clean_tag_name`) unfit for any tag or alias, whatever the
    others: "empty", "long", "no-slug" (`!!!`: no letter or digit for a web address), or ""."""
    if not name:
        return "empty"
    if len(name) > MAX_NAME:
        return "long"
    if not tag_slug(name):
        return "no-slug"
    return ""


def fault_message(name: str, what: str = "名称") -> str:
    """Why a cleaned name cannot name a tag, in the editors' words ("" if it can)."""
    return {
        "empty": f"{what}不能为空(不可见的字符不算)。",
        "long": f"{what}最多 {MAX_NAME} 个字。",
        "no-slug": f"「{name}」里没有可以用在网址里的字符(至少要有一个字母、数字或汉字)。",
        "": "",
    }[name_fault(name)]


def tag_name_problem(name: str, *, tag: Tag | None = None, merging: Iterable[Tag] = ()) -> str:
    """Why `name` (cleaned) cannot be the name of `tag` (None: a new tag), "" if it can. It may
    take over an alias of the tag itself or of the tags being merged into it. Names compare
    case-insensitively, as taggit does here (TAGGIT_CASE_INSENSITIVE)."""
    if problem := fault_message(name):
        return problem
    owners = [t.pk for t in (tag, *merging) if t is not None]
    if other := Tag.objects.filter(name__iexact=name).exclude(pk__in=owners).first():
        return f"已有标签「{other.name}」:要把两个标签合成一个,请用“合并所选标签”。"
    aliases = TagAlias.objects.filter(name__iexact=name).exclude(tag_id__in=owners)
    if alias := aliases.select_related("tag").first():
        return f"「{alias.name}」已是标签「{alias.tag.name}」的别名。"
    return ""


def alias_problem(name: str, *, alias: TagAlias | None = None) -> str:
    """Why `name` (cleaned) cannot be an alias (`alias`: the one being edited), "" if it can."""
    if problem := fault_message(name, "别名"):
        return problem
    if tag := Tag.objects.filter(name__iexact=name).first():
        return f"「{tag.name}」已是一个标签的名称,不能再作别名。"
    others = TagAlias.objects.filter(name__iexact=name).select_related("tag")
    if alias is not None and alias.pk:
        others = others.exclude(pk=alias.pk)
    if other := others.first():
        return f"「{other.name}」已是标签「{other.tag.name}」的别名。"
    return ""


def free_slug(tag: Tag, name: str) -> str:
    """taggit's slug for `name`, with taggit's `_1`, `_2`... if another tag holds it."""
    taken = set(
        Tag.objects.exclude(pk=tag.pk)
        .filter(slug__startswith=tag_slug(name))
        .values_list("slug", flat=True)
    )
    slug, i = tag_slug(name), 0
    while slug in taken:
        i += 1
        slug = f"{tag_slug(name)}_{i}"
    return slug


def any_name(names: Iterable[str], field: str = "name") -> Q:
    return reduce(operator.or_, (Q(**{f"{field}__iexact": name}) for name in names), Q(pk=None))


# Locks -----------------------------------------------------------------------------------------


@contextmanager
def _tag_write() -> Iterator[None]:
    """One transaction (a savepoint within the admin's) for a tag write. Rows another
    transaction holds (an import, another editor) make it a `TagBusy`, not a 500: PostgreSQL
    says so at once (NOWAIT), SQLite when the write lock is someone else's."""
    try:
        with transaction.atomic(), pagecache.said_by_service():
            yield
    except OperationalError as error:
        if _held_by_another(error):
            raise TagBusy(BUSY) from None
        raise


def _held_by_another(error: OperationalError) -> bool:
    """PostgreSQL's "lock not available" (NOWAIT) or a deadlock; SQLite's "database is locked"."""
    return getattr(error.__cause__, "sqlstate", None) in ("55P03", "40P01") or (
        "database is locked" in str(error)
    )


def _lock(tags: Iterable[Tag]) -> dict[int, Tag]:
    """The current rows of these tags, locked until the transaction ends; a tag deleted (merged
    away) meanwhile is missing."""
    ids = sorted({tag.pk for tag in tags})
    return {tag.pk: tag for tag in Tag.objects.select_for_update(nowait=True).filter(pk__in=ids)}


# Writes ----------------------------------------------------------------------------------------


def rename_tag(*, tag: Tag, new_name: str, seen_name: str | None = None) -> Renamed:
    """Rename a tag and recompute its slug; its old slug redirects to it from now on. With
    `seen_name` (the name the editor's form showed), a tag renamed meanwhile is a `TagError`."""
    new_name = clean_tag_name(new_name)
    with _tag_write():
        current = _lock([tag]).get(tag.pk)
        if current is None:
            raise TagError("这个标签刚被删除或合并了。")
        if seen_name is not None and current.name != seen_name:
            raise TagError(f"这个标签刚被别人改名为「{current.name}」:请重新打开它再改。")
        tag.name, tag.slug = current.name, current.slug
        old_name, old_slug = current.name, current.slug
        if new_name == old_name:
            return Renamed(tag=tag, old_name=old_name, old_slug=old_slug, quotes=0)
        if problem := tag_name_problem(new_name, tag=tag):
            raise TagError(problem)
        new_slug = free_slug(tag, new_name)
        try:
            with transaction.atomic():
                Tag.objects.filter(pk=tag.pk).update(name=new_name, slug=new_slug)
        except IntegrityError:  # another editor took the name or the slug and committed
            raise TagError(
                tag_name_problem(new_name, tag=tag) or "另一位编辑刚用了这个网址名,请再试一次。"
            ) from None
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
    with _tag_write():
        held = _lock([*sources, *([target] if isinstance(target, Tag) else [])])
        sources = [held[s.pk] for s in sources if s.pk in held]  # as they are now
        if isinstance(target, Tag):
            if target.pk not in held:
                raise TagError("目标标签刚被删除或合并了。")
            target = held[target.pk]
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
    with _tag_write():
        candidates = Tag.objects.all()
        if tags is not None:
            candidates = candidates.filter(pk__in=list(_lock(tags)))
        unused = candidates.filter(
            ~Exists(TaggedQuote.objects.filter(tag=OuterRef("pk"))),
            ~Exists(TaggedEvent.objects.filter(tag=OuterRef("pk"))),
        )
        deleted = dict(unused.values_list("pk", "name"))
        kept = candidates.exclude(pk__in=list(deleted)).order_by("name")
        kept_names = () if tags is None else tuple(kept.values_list("name", flat=True))
        if deleted:
            unused.filter(pk__in=list(deleted)).delete()
            vocabulary.changed()
            pagecache.content_changed()
    return DeletedTags(deleted=tuple(sorted(deleted.values())), kept=kept_names)


def delete_tag(*, tag: Tag) -> int:
    """Delete a tag even if in use (the admin's delete button); returns how many quotes lost it."""
    with _tag_write():
        _lock([tag])
        quote_ids = _quote_ids([tag.pk])
        event_ids = _event_ids([tag.pk])
        Tag.objects.filter(pk=tag.pk).delete()
        _reindex(quote_ids, event_ids=event_ids)
    return len(quote_ids)


def add_alias(*, tag: Tag, name: str) -> TagAlias:
    """Another name for a tag (LLM → 大模型); never the name or alias of any tag."""
    name = clean_tag_name(name)
    if problem := alias_problem(name):
        raise TagError(problem)
    try:
        with _tag_write():
            alias = TagAlias.objects.create(tag=tag, name=name)
            vocabulary.changed()
    except IntegrityError:  # another editor gave the same alias meanwhile
        raise TagError(alias_problem(name) or f"「{name}」已是一个别名。") from None
    return alias


# Helpers ---------------------------------------------------------------------------------------


def create_tag(name: str, *, slug: str = "") -> tuple[Tag, bool]:
    """(a new tag, True), or (the tag of this name another transaction created meanwhile,
    False). `slug`: the slug to give it if free (a backup's)."""
    for _ in range(3):
        tag = Tag(name=name)
        free = slug and is_tag_slug(slug) and not Tag.objects.filter(slug=slug).exists()
        tag.slug = slug if free else free_slug(tag, name)
        try:
            with transaction.atomic():
                tag.save()
            return tag, True
        except IntegrityError:
            if existing := Tag.objects.filter(name__iexact=name).first():
                return existing, False
            slug = ""  # the slug was taken meanwhile: the next free one
    raise TagBusy(BUSY)


def _merge_target(target: Tag | str, sources: list[Tag]) -> tuple[Tag, bool]:
    """The target tag itself, the tag with that name, or a new tag with that name (True)."""
    if isinstance(target, Tag):
        return target, False
    name = clean_tag_name(target)
    if existing := Tag.objects.filter(name__iexact=name).first():
        return _lock([existing]).get(existing.pk) or existing, False
    if problem := tag_name_problem(name, merging=sources):
        raise TagError(problem)
    return create_tag(name)


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
    vocabulary.changed()
    quotes = Quote.objects.filter(pk__in=quote_ids)
    search.index_quotes(quotes)
    event_ids = event_ids | set(quotes.values_list("event_id", flat=True).distinct())
    events = Event.objects.filter(pk__in=event_ids)
    events.update(updated_at=timezone.now())
    pagecache.content_changed(events=events.values_list("slug", flat=True))
