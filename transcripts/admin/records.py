"""Admin for events, speakers and quotes."""

from django.contrib import admin

from ..models import Event, Participation, Section, Speaker, Topic


class ParticipationInline(admin.TabularInline):
    model = Participation
    extra = 0
    autocomplete_fields = ["speaker"]


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0


class TopicInline(admin.TabularInline):
    model = Topic
    extra = 0


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "series", "date", "published", "slug"]
    list_filter = ["published", "series"]
    search_fields = ["title", "intro"]
    prepopulated_fields = {"slug": ["title"]}
    inlines = [ParticipationInline, SectionInline, TopicInline]


@admin.register(Speaker)
class SpeakerAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "handle"]
    search_fields = ["name", "slug", "handle"]
