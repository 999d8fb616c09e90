"""`{% share_card_url event quote as card_url %}`: the absolute address of a quote's share card,
or "" when cards cannot be drawn (no CJK font), so the page carries no og:image."""

from __future__ import annotations

from django import template
from django.urls import reverse

from .. import share_card

register = template.Library()


@register.simple_tag(takes_context=True)
def share_card_url(context, event, quote) -> str:
    if share_card.font_path() is None:
        return ""
    path = reverse("quote-card", args=[event.slug, quote.number])
    request = context.get("request")
    return request.build_absolute_uri(path) if request is not None else path
