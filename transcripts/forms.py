"""The reader's filters as a GET form: shareable URLs, checked values, never a server error.

One form reads `?event=&speaker=&topic=&tag=` for every page and the API (its `help_text` is what
the API documents); search adds the query and the page. Each caller keeps only the fields that
mean something to it (the event page has its event already).
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms
from django.utils.translation import gettext, gettext_lazy

from .filters import QuoteFilters


class QuoteFilterForm(forms.Form):
    """`?event=<event slug>&speaker=<speaker slug>&topic=<topic number>&tag=<tag slug>`, all
    optional; `without` drops fields a page does not offer."""

    event = forms.CharField(required=False, max_length=120, help_text="an event slug")
    speaker = forms.CharField(
        required=False, max_length=100, help_text="a speaker slug, e.g. zhangjunlin"
    )
    topic = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=32767,
        help_text="a topic number within its event: 1, 2, 3…",
    )
    tag = forms.CharField(required=False, max_length=100, help_text="a tag slug, e.g. 幻觉")

    messages = {"topic": gettext_lazy("话题应当是一个编号(1、2、3…)")}

    def __init__(self, data=None, *, without: Iterable[str] = ()):
        super().__init__(data)
        for name in without:
            del self.fields[name]

    def filters(self) -> QuoteFilters:
        """The valid filters; an invalid field is dropped (its problem is shown instead)."""
        self.is_valid()
        data = self.cleaned_data  # holds only the fields that are valid
        return QuoteFilters(
            event=data.get("event") or "",
            speaker=data.get("speaker") or "",
            topic=data.get("topic"),
            tag=data.get("tag") or "",
        )

    def problems(self) -> list[str]:
        """A message for each invalid field, in the reader's language."""
        self.is_valid()
        return [
            str(self.messages[name])
            if name in self.messages
            else gettext("%(field)s: %(errors)s") % {"field": name, "errors": " ".join(errors)}
            for name, errors in self.errors.items()
        ]


class SearchForm(QuoteFilterForm):
    """`/search/?q=…&event=&speaker=&topic=&tag=&page=`: the query, the filters, the page."""

    q = forms.CharField(required=False, help_text='words (all must occur), "a phrase", -excluded')
    page = forms.IntegerField(
        required=False, min_value=1, max_value=10_000, help_text="page number, from 1"
    )

    messages = {**QuoteFilterForm.messages, "page": gettext_lazy("页码应当是一个正整数")}

    @property
    def page_number(self) -> int:
        self.is_valid()
        return self.cleaned_data.get("page") or 1
