"""Admin for quotes."""

from django.contrib import admin

from ..models import Quote


@admin.register(Quote)
class QuoteAdmin(admin.ModelAdmin):
    list_display = ["event", "number", "speaker", "section", "topic", "preview"]
    list_filter = ["event", "speaker"]
    list_select_related = ["event", "speaker", "section", "topic"]
    search_fields = ["text"]
    autocomplete_fields = ["speaker"]
    raw_id_fields = ["event", "section", "topic"]

    @admin.display(description="发言")
    def preview(self, quote: Quote) -> str:
        return quote.text[:60] + ("…" if len(quote.text) > 60 else "")
