"""Template filters for transcript text."""

from __future__ import annotations

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from ..quoteview import QuoteView

register = template.Library()


@register.filter
def quote_html(quote: QuoteView) -> SafeString:
    """A quote's text, escaped, with its stage directions (`QuoteView.segments`) in
    <span class="stage">.

    A filter rather than an include: it runs once per quote on pages with thousands of them.
    """
    if not quote.segments:
        return conditional_escape(quote.text)
    return mark_safe(  # every piece is escaped here
        "".join(
            f'<span class="stage">{conditional_escape(piece)}</span>'
            if stage
            else conditional_escape(piece)
            for stage, piece in quote.segments
        )
    )
