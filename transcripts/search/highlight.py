"""Snippets with the matched words in <mark>, built from escaped text."""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .documents import CJK, normalize
from .query import Term

WIDTH = 140
LEAD = 40


def term_pattern(term: Term) -> re.Pattern[str]:
    """A term's runs in order, with anything but letters between them (gpt-4 matches gpt 4)."""
    between = rf"[^{CJK}0-9a-z]*"
    return re.compile(between.join(re.escape(run) for run in term.runs))


def _aligned(text: str) -> str:
    """The normalised text with one character per character of `text`, so match positions
    in it are positions in the original."""
    normalized = normalize(text)
    if len(normalized) == len(text):
        return normalized
    return "".join((normalize(ch) or " ")[:1] for ch in text)


def spans(text: str, terms: tuple[Term, ...]) -> list[tuple[int, int]]:
    normalized = _aligned(text)
    found = sorted(
        (m.start(), m.end())
        for term in terms
        for variant in (term, *term.alternatives)
        for m in term_pattern(variant).finditer(normalized)
        if m.end() > m.start()
    )
    merged: list[tuple[int, int]] = []
    for start, end in found:
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def snippet(text: str, terms: tuple[Term, ...], *, width: int = WIDTH) -> SafeString:
    """A window of the text around the first match, matches marked, cuts shown with …."""
    marks = spans(text, terms)
    start = max(0, marks[0][0] - LEAD) if marks else 0
    end = min(len(text), start + width)
    if end - start < width:
        start = max(0, end - width)
    parts = ["…" if start > 0 else ""]
    cursor = start
    for mark_start, mark_end in marks:
        if mark_end <= start or mark_start >= end:
            continue
        mark_start, mark_end = max(mark_start, start), min(mark_end, end)
        parts.append(escape(text[cursor:mark_start]))
        parts.append(f"<mark>{escape(text[mark_start:mark_end])}</mark>")
        cursor = mark_end
    parts.append(escape(text[cursor:end]))
    parts.append("…" if end < len(text) else "")
    return mark_safe("".join(parts))  # every piece of text above is escaped
