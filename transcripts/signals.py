"""Keeping derived data current when rows change outside the import service (the admin):
the cached page versions (the event's and the site's, `views.caching`), and the search index
(through the search service).

The import service writes in bulk (no signals) and indexes its event itself; saving its event
forgets the versions.
"""

from __future__ import annotations

from django.db.models.signals import m2m_changed, post_delete, post_migrate, post_save, pre_migrate
from django.dispatch import receiver
from django.utils import timezone
from taggit.models import Tag

from .models import Event, Participation, Quote, Section, Speaker, TagAlias, Topic
from .search import service as search
from .search import visibility
from .views.caching import forget_event_version, forget_site_version


@receiver([post_save, post_delete], sender=Event, dispatch_uid="forget-event-version")
def _forget_version(sender, instance: Event, **kwargs) -> None:
    forget_event_version(instance.slug)


def _touch_event(event_id: int) -> None:
    """A quote changed: its event's pages get a new version (cached pages are not reused)."""
    Event.objects.filter(pk=event_id).update(updated_at=timezone.now())
    slug = Event.objects.filter(pk=event_id).values_list("slug", flat=True).first()
    if slug:
        forget_event_version(slug)


@receiver(post_save, sender=Quote, dispatch_uid="index-saved-quote")
def _index_quote(sender, instance: Quote, raw: bool = False, **kwargs) -> None:
    if not raw:
        search.index_quotes([instance.pk])
        _touch_event(instance.event_id)


@receiver(post_delete, sender=Quote, dispatch_uid="unindex-deleted-quote")
def _unindex_quote(sender, instance: Quote, **kwargs) -> None:
    search.remove_quotes([instance.pk])
    # once per row when an event's quotes are replaced: the import forgets again on commit
    forget_site_version(on_commit=False)


@receiver(m2m_changed, sender=Quote.tags.through, dispatch_uid="index-retagged-quote")
def _index_retagged(sender, instance, action: str, reverse: bool, pk_set, **kwargs) -> None:
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Quote):
        search.index_quotes([instance.pk])
        _touch_event(instance.event_id)
    elif pk_set:  # tag.quote_set changed: pk_set holds quote ids
        search.index_quotes(pk_set)
        forget_site_version()


@receiver(m2m_changed, sender=Event.tags.through, dispatch_uid="forget-retagged-event")
def _event_retagged(sender, action: str, **kwargs) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        forget_site_version()


@receiver(post_save, sender=Participation, dispatch_uid="forget-participation")
@receiver(post_save, sender=Section, dispatch_uid="forget-section")
@receiver(post_delete, sender=Tag, dispatch_uid="forget-deleted-tag")
def _shown_on_pages(sender, raw: bool = False, **kwargs) -> None:
    """Roles, bios and part titles are printed on the cached pages."""
    if not raw:
        forget_site_version()


@receiver(post_save, sender=Speaker, dispatch_uid="index-renamed-speaker")
@receiver(post_save, sender=Tag, dispatch_uid="index-renamed-tag")
def _vocabulary_changed(sender, instance, created: bool = False, raw: bool = False, **kwargs):
    if raw:
        return
    search.vocabulary_changed()
    forget_site_version()  # names are printed on every page that lists them
    if created:
        return
    if sender is Speaker:
        search.index_quotes(Quote.objects.filter(speaker=instance))
    else:
        search.index_quotes(Quote.objects.filter(tags=instance))


@receiver([post_save, post_delete], sender=TagAlias, dispatch_uid="alias-changed")
def _alias_changed(sender, instance: TagAlias, raw: bool = False, **kwargs) -> None:
    if not raw:
        search.vocabulary_changed()  # synonyms and the dictionary follow the aliases


@receiver(post_save, sender=Topic, dispatch_uid="index-renamed-topic")
def _index_topic(sender, instance: Topic, created: bool = False, raw: bool = False, **kwargs):
    if not raw:
        forget_site_version()
    if not created and not raw:
        search.index_quotes(Quote.objects.filter(topic=instance))


@receiver(pre_migrate, dispatch_uid="search-triggers-down")
def _before_migrating(sender, using: str, **kwargs) -> None:
    """SQLite cannot rebuild a table while a trigger elsewhere names it (`search.visibility`)."""
    if sender.name == "transcripts":
        visibility.uninstall(using)


@receiver(post_migrate, dispatch_uid="search-triggers-up")
def _after_migrating(sender, using: str, **kwargs) -> None:
    """The index's triggers back in place, and its entries on the side their quotes belong."""
    if sender.name == "transcripts":
        visibility.install(using)
