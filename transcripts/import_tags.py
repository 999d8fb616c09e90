"""The tags an import names: each name's tag (by name, by alias, or new), held until the import
commits, and what a backup keeps of its tags (slugs, aliases, old slugs).

A tag merged away lives on as an alias of the tag it was merged into: an import naming it gets
that tag, never a new tag of the old name. The tags are held (FOR KEY SHARE on PostgreSQL) so a
merge, rename or delete meanwhile is refused as busy (`tagging.TagBusy`) instead of deleting a
row the import links to and failing it at its commit.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection
from taggit.models import Tag

from . import vocabulary
from .models import TagAlias, TagRedirect
from .parsing.json_export import TagDetail
from .tagging import BUSY, TagBusy, any_name, create_tag


def tags_for_import(names: Iterable[str], *, details: Iterable[TagDetail] = ()) -> dict[str, Tag]:
    """The tag each (cleaned) name stands for, keyed by the name casefolded: the tag of that
    name, else the tag an alias of that name leads to (a tag merged away lives on as an alias:
    it is never created again), else a new tag, given the slug a backup's `details` keep for it
    when that slug is free. A backup's aliases and old slugs are added where free.

    Every tag is held until the import commits (FOR KEY SHARE on PostgreSQL: other imports may
    use it too; a merge, rename or delete is refused as busy). A tag merged away between the
    look-up and the lock is looked up again (its name is an alias now). New tags are created
    in name order, so two imports creating the same tags wait for each other instead of
    deadlocking; the one that waited takes the tag the other created."""
    wanted = {name.casefold(): name for name in names}
    slugs = {d.name.casefold(): d.slug for d in details}
    found: dict[str, Tag] = {}
    for _ in range(3):
        pending = sorted(key for key in wanted if key not in found)
        known = find_tags([wanted[key] for key in pending])
        held = _hold({tag.pk for tag in known.values()})
        for key in pending:
            tag = known.get(key)
            if tag is None:
                tag, _created = create_tag(wanted[key], slug=slugs.get(key, ""))
                if _hold({tag.pk}):
                    found[key] = tag
            elif tag.pk in held:
                found[key] = tag
        if len(found) == len(wanted):
            break
    else:
        raise TagBusy(BUSY)
    _restore_details(details, found)
    return found


def find_tags(names: list[str]) -> dict[str, Tag]:
    """casefolded name → the tag of that name, or of that alias (case ignored); names with no
    tag are left out. Never creates anything: the admin's tag forms read names this way too."""
    if not names:
        return {}
    tags = {t.name.casefold(): t for t in Tag.objects.filter(name__in=names)}
    if missing := [n for n in names if n.casefold() not in tags]:
        tags.update({t.name.casefold(): t for t in Tag.objects.filter(any_name(missing))})
    if missing := [n for n in names if n.casefold() not in tags]:
        aliases = TagAlias.objects.filter(any_name(missing)).select_related("tag")
        tags.update({a.name.casefold(): a.tag for a in aliases})
    return tags


def _hold(ids: set[int]) -> set[int]:
    """Lock these tags against deletion and renaming until the transaction ends; the ids that
    still exist. SQLite needs no lock: the import holds the database's write lock."""
    if not ids or connection.vendor != "postgresql":
        return ids
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT id FROM {Tag._meta.db_table} WHERE id = ANY(%s) FOR KEY SHARE", [sorted(ids)]
        )
        return {pk for (pk,) in cursor.fetchall()}


def _restore_details(details: Iterable[TagDetail], tags: dict[str, Tag]) -> None:
    """A backup's aliases and old slugs, for the tags the import uses, where nobody holds them
    (an alias is never a tag's name or another tag's alias; an old slug never a tag's slug)."""
    aliases = {}
    old_slugs = {}
    for detail in details:
        if (tag := tags.get(detail.name.casefold())) is None:
            continue
        for alias in detail.aliases:
            aliases.setdefault(alias.casefold(), (alias, tag))
        for old in detail.old_slugs:
            old_slugs.setdefault(old, tag)
    if aliases:
        names = [name for name, _ in aliases.values()]
        taken = {
            t.casefold() for t in Tag.objects.filter(any_name(names)).values_list("name", flat=True)
        }
        taken |= {
            a.casefold()
            for a in TagAlias.objects.filter(any_name(names)).values_list("name", flat=True)
        }
        new = [
            TagAlias(tag=tag, name=name) for key, (name, tag) in aliases.items() if key not in taken
        ]
        if new:
            TagAlias.objects.bulk_create(new)
            vocabulary.changed()
    if old_slugs:
        taken = set(Tag.objects.filter(slug__in=list(old_slugs)).values_list("slug", flat=True))
        taken |= set(
            TagRedirect.objects.filter(old_slug__in=list(old_slugs)).values_list(
                "old_slug", flat=True
            )
        )
        TagRedirect.objects.bulk_create(
            TagRedirect(old_slug=old, tag=tag) for old, tag in old_slugs.items() if old not in taken
        )
