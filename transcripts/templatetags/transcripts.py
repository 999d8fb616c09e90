"""Template filters for transcript text."""

from __future__ import annotations

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe

from ..quoteview import QuoteView

register = template.Library()

# A short Latin token with a hyphen (GPT-3, Llama-2-7B, text-davinci): kept on one line, since
# a browser may break after the hyphen of a word set among Chinese text.
_HYPHENATED = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]+(?:[-‐][A-Za-z0-9]+)+(?![A-Za-z0-9])")
_NOWRAP_MAX = 24


@register.filter
def quote_html(quote: QuoteView) -> SafeString:
    """A quote's text as readers see it (`QuoteView.shown`: full-width punctuation between
    Chinese characters), escaped, with its stage directions (`QuoteView.segments`) in
    <span class="stage"> and short hyphenated Latin words in <span class="latin"> (no break).

    A filter rather than an include: it runs once per quote on pages with thousands of them.
    """
    if not quote.segments:
        return mark_safe(plain_html(quote.shown))  # escaped there
    return mark_safe(  # every piece is escaped here
        "".join(
            f'<span class="stage">{conditional_escape(piece)}</span>'
            if stage
            else plain_html(piece)
            for stage, piece in quote.segments
        )
    )


def plain_html(text: str) -> str:
    """The text escaped, with its short hyphenated Latin words in <span class="latin">."""
    if "-" not in text and "‐" not in text:
        return conditional_escape(text)
    out, cursor = [], 0
    for match in _HYPHENATED.finditer(text):
        if match.end() - match.start() > _NOWRAP_MAX:
            continue
        out.append(conditional_escape(text[cursor : match.start()]))
        out.append(f'<span class="latin">{conditional_escape(match.group())}</span>')
        cursor = match.end()
    out.append(conditional_escape(text[cursor:]))
    return "".join(out)
