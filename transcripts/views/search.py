"""The search page: ranked, highlighted, filterable results; hostile input gets a message."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse

from ..forms import SearchForm
from ..search.service import quote_search


def search(request):
    form = SearchForm(request.GET)
    filters, problems = form.search_filters(), form.problems()
    raw = request.GET.get("q", "")
    results, facets = None, {}
    if raw.strip():
        results = quote_search(raw, filters, page=form.cleaned_data.get("page") or 1)
        for hit in results.hits:
            hit.url = reverse("quote-detail", args=[hit.quote.event.slug, hit.quote.number])
        if not results.error and results.count:
            facets = {
                "speakers": [
                    {
                        "name": row["speaker__name"],
                        "n": row["n"],
                        "url": "?" + _with(request.GET, speaker=row["speaker__slug"]),
                        "active": row["speaker__slug"] == filters.speaker,
                    }
                    for row in results.by_speaker
                ],
                "events": [
                    {
                        "name": row["event__title"],
                        "n": row["n"],
                        "url": "?" + _with(request.GET, event=row["event__slug"]),
                        "active": row["event__slug"] == filters.event,
                    }
                    for row in results.by_event
                ],
            }
    return render(
        request,
        "transcripts/search.html",
        {
            "form": form,
            "q": raw,
            "results": results,
            "problems": problems,
            "query_string": _without(request.GET, "page"),
            "filters": filters,
            "facets": facets,
            "clear_filters": "?" + _with(request.GET, event="", speaker="", topic="", tag=""),
        },
    )


def _with(params, **changes: str) -> str:
    """The query string with these parameters set (or removed when empty), back to page 1."""
    kept = params.copy()
    kept.pop("page", None)
    for name, value in changes.items():
        kept.pop(name, None)
        if value:
            kept[name] = value
    return kept.urlencode()


def _without(params, *names: str) -> str:
    kept = params.copy()
    for name in names:
        kept.pop(name, None)
    return kept.urlencode()
