"""Keeping derived data current when rows change outside the services: the cached page versions
(the event's and the site's, `pagecache`), the search index (through the search service) and
the segmentation vocabulary (`vocabulary`).

The services (the import, `tagging`, `editing`, `event_deletion`) say what changed themselves,
with one `pagecache.content_changed` call, and the page cache receivers here stay quiet while
they run (`pagecache.signals_speak`). What remains is for writes that bypass them, which the
admin's plain forms and actions, taggit's managers and the shell make:

- an event saved or deleted (its form, the publish action): its pages and the site's;
- a quote saved (its form, the publish action) or retagged: reindexed, its event's version moved;
  a quote deleted: unindexed;
- an event retagged, a participation, part or topic saved, a tag deleted: the site's pages;
- a speaker or tag saved (renamed): the vocabulary, their quotes reindexed, the site's pages;
  an alias saved or deleted: the vocabulary.

The search receivers run whoever writes: the services write in bulk, which sends no signal, and
index what they wrote themselves.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_migrate
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag

from . import vocabulary
from .aliases import SpeakerAlias
from .models import Event, Participation, Quote, Section, Speaker, TagAlias, Topic
from .pagecache import content_changed, signals_speak
from .search import outbox, visibility
from .search import service as search


@receiver([post_save, post_delete], sender=Event, dispatch_uid="forget-event-version")
def _forget_version(sender, instance: Event, **kwargs) -> None:
    _changed(events=[instance.slug])


def _changed(*, events: Iterable[str] = (), on_commit: bool = True) -> None:
    """Pages forget what a write outside the services changed (the services say it themselves)."""
    if signals_speak():
        content_changed(events=events, on_commit=on_commit)


def _touch_event(event_id: int) -> None:
    """A quote changed: its event's pages get a new version (cached pages are not reused)."""
    Event.objects.filter(pk=event_id).update(updated_at=timezone.now())
    slug = Event.objects.filter(pk=event_id).values_list("slug", flat=True).first()
    if slug:
        _changed(events=[slug])


@receiver(post_save, sender=Quote, dispatch_uid="index-saved-quote")
def _index_quote(sender, instance: Quote, raw: bool = False, **kwargs) -> None:
    if not raw:
        search.index_quotes([instance.pk])
        _touch_event(instance.event_id)


@receiver(post_delete, sender=Quote, dispatch_uid="unindex-deleted-quote")
def _unindex_quote(sender, instance: Quote, **kwargs) -> None:
    search.remove_quotes([instance.pk])
    # once per row of a bulk delete: the service around it, if any, says so once on commit
    _changed(on_commit=False)


@receiver(m2m_changed, sender=Quote.tags.through, dispatch_uid="index-retagged-quote")
def _index_retagged(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Quote):
        search.index_quotes([instance.pk])
        _touch_event(instance.event_id)
    elif pk_set:  # tag.quote_set changed: pk_set holds quote ids
        search.index_quotes(pk_set)
        _changed()


@receiver(m2m_changed, sender=Event.tags.through, dispatch_uid="forget-retagged-event")
def _event_retagged(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _changed()


@receiver(post_save, sender=Participation, dispatch_uid="forget-participation")
@receiver(post_save, sender=Section, dispatch_uid="forget-section")
@receiver(post_delete, sender=Tag, dispatch_uid="forget-deleted-tag")
def _shown_on_pages(sender, raw: bool = False, **kwargs) -> None:
    """Roles, bios and part titles are printed on the cached pages."""
    if not raw:
        _changed()


@receiver(post_save, sender=Speaker, dispatch_uid="index-renamed-speaker")
@receiver(post_save, sender=Tag, dispatch_uid="index-renamed-tag")
def _vocabulary_changed(sender, instance, created: bool = False, raw: bool = False, **kwargs):
    if raw:
        return
    vocabulary.changed()
    _changed()  # names are printed on every page that lists them
    if created:
        return
    if sender is Speaker:
        search.index_quotes(Quote.objects.filter(speaker=instance))
    else:
        search.index_quotes(Quote.objects.filter(tags=instance))


@receiver([post_save, post_delete], sender=SpeakerAlias, dispatch_uid="speaker-alias-changed")
@receiver([post_save, post_delete], sender=TagAlias, dispatch_uid="alias-changed")
def _alias_changed(sender, instance: TagAlias, raw: bool = False, **kwargs) -> None:
    if not raw:
        vocabulary.changed()  # synonyms and the dictionary follow the aliases


@receiver(post_save, sender=Topic, dispatch_uid="index-renamed-topic")
def _index_topic(sender, instance: Topic, created: bool = False, raw: bool = False, **kwargs):
    if not raw:
        _changed()
    if not created and not raw:
        search.index_quotes(Quote.objects.filter(topic=instance))


@receiver(pre_migrate, dispatch_uid="search-triggers-down")
def _before_migrating(sender, using: str, **kwargs) -> None:
    """SQLite cannot rebuild a table while a trigger elsewhere names it (`search.visibility`)."""
    if sender.name == "transcripts":
        visibility.uninstall(using)
        outbox.uninstall(using)


@receiver(post_migrate, dispatch_uid="search-triggers-up")
def _after_migrating(sender, using: str, **kwargs) -> None:
    """The index's triggers back in place, and its entries on the side their quotes belong."""
    if sender.name == "transcripts":
        visibility.install(using)
        outbox.install(using)
