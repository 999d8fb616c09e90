"""Reader filters as GET forms: shareable URLs, checked values, never a server error."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext

from .reader import QuoteFilters


class QuoteFilterForm(forms.Form):
    """`?speaker=<speaker slug>&topic=<topic number>&tag=<tag slug>`, all optional."""

    speaker = forms.CharField(required=False, max_length=100)
    topic = forms.IntegerField(required=False, min_value=1, max_value=32767)
    tag = forms.CharField(required=False, max_length=100)

    def filters(self) -> QuoteFilters:
        """The valid filters; an invalid field is dropped (its error is shown on the page)."""
        self.is_valid()
        data = self.cleaned_data  # holds only the fields that are valid
        return QuoteFilters(
            speaker=(data.get("speaker") or "").strip(),
            topic=data.get("topic"),
            tag=(data.get("tag") or "").strip(),
        )

    def problems(self) -> list[str]:
        messages = {"topic": gettext("话题应当是一个编号(1、2、3…)")}
        self.is_valid()
        return [
            messages.get(
                name,
                gettext("%(field)s: %(errors)s") % {"field": name, "errors": " ".join(errors)},
            )
            for name, errors in self.errors.items()
        ]


class SpeakerQuoteFilterForm(QuoteFilterForm):
    """On a speaker's page, topics are numbered within an event: `?event=<slug>&topic=<n>`."""

    event = forms.SlugField(required=False, max_length=120)


class SearchForm(forms.Form):
    """`/search/?q=…&event=&speaker=&topic=&tag=&page=`: the query and the reader's filters."""

    q = forms.CharField(required=False, strip=True)
    event = forms.CharField(required=False, max_length=120)
    speaker = forms.CharField(required=False, max_length=100)
    topic = forms.IntegerField(required=False, min_value=1, max_value=32767)
    tag = forms.CharField(required=False, max_length=100)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000)

    def search_filters(self):
        from .search.service import SearchFilters

        self.is_valid()
        data = self.cleaned_data
        return SearchFilters(
            event=(data.get("event") or "").strip(),
            speaker=(data.get("speaker") or "").strip(),
            topic=data.get("topic"),
            tag=(data.get("tag") or "").strip(),
        )

    def problems(self) -> list[str]:
        self.is_valid()
        messages = {
            "topic": gettext("话题应当是一个编号(1、2、3…)"),
            "page": gettext("页码应当是一个正整数"),
        }
        return [messages.get(name, f"{name}: {' '.join(e)}") for name, e in self.errors.items()]
