"""Cache bookkeeping only: a saved or deleted event forgets its cached page version."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Event
from .views.caching import forget_event_version


@receiver([post_save, post_delete], sender=Event, dispatch_uid="forget-event-version")
def _forget_version(sender, instance: Event, **kwargs) -> None:
    forget_event_version(instance.slug)
