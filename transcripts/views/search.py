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
                "speakers": [
                    {
                        "slug": row["speaker__slug"],
                        "name": row["speaker__name"],
                        "n": row["n"],
                        "active": row["speaker__slug"] == filters.speaker,
                    }
                    for row in speakers
                ],
                "events": [
                    {
                        "slug": row["event__slug"],
                        "name": row["event__title"],
                        "n": row["n"],
                        "active": row["event__slug"] == filters.event,
                    }
                    for row in events
                ],
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
