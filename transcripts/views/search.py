"""The search page: ranked, highlighted, filterable results; hostile input gets a message."""

from __future__ import annotations

from django.shortcuts import render

from ..forms import SearchForm
from ..search.service import quote_search


def search(request):
    form = SearchForm(request.GET)
    filters = form.filters()
    raw = request.GET.get("q", "")
    results = quote_search(raw, filters, page=form.page_number) if raw.strip() else None
    facets = {}
    if results and not results.error:
        # the facets before the count: one walk over the matches gives both
        speakers, events = results.by_speaker, results.by_event
        if results.count:
            facets = {
                "speakers": _links(speakers, "speaker", "name", filters.speaker),
                "events": _links(events, "event", "title", filters.event),
            }
    return render(
        request,
        "transcripts/search.html",
        {
            "form": form,
            "q": raw,
            "results": results,
            "problems": form.problems(),
            "filters": filters,
            "facets": facets,
        },
    )


def _links(rows: list[dict], prefix: str, label: str, active: str) -> list[dict]:
    """One facet's entries as the template shows them: slug, name, results, whether chosen."""
    return [
        {
            "slug": row[f"{prefix}__slug"],
            "name": row[f"{prefix}__{label}"],
            "n": row["n"],
            "active": row[f"{prefix}__slug"] == active,
        }
        for row in rows
    ]
