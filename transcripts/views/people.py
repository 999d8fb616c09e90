"""Speaker and tag pages."""

from __future__ import annotations

from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from taggit.models import Tag

from ..forms import QuoteFilterForm
from ..models import Quote, Speaker, SpeakerRedirect, TagRedirect
from ..pagecache import site_page
from ..reader import (
    quotes_across_events,
    speaker_keywords,
    speaker_reading,
    speakers_with_stats,
    tags_with_counts,
)


@site_page
def speaker_list(request):
    # named people only: an event's placeholders (说话人1) are no one to look up across events
    speakers = speakers_with_stats().named()
    return render(request, "transcripts/speaker_list.html", {"speakers": speakers})


@site_page
def speaker_detail(request, slug: str):
    # someone who appears at no published event has no public page (takedowns included); a
    # placeholder has one (its event links to it), unlisted and not for search engines
    try:
        speaker = get_object_or_404(
            Speaker.objects.filter(participations__event__published=True).distinct(), slug=slug
        )
    except Http404:  # merged into someone else: the old link leads to them
        return _moved_speaker(request, slug)
    form = QuoteFilterForm(request.GET, without=["speaker"])  # the page is the speaker's own
    reading = speaker_reading(speaker, form.filters(), form.problems())
    return render(
        request,
        "transcripts/speaker_detail.html",
        {
            "speaker": speaker,
            "reading": reading,
            "keywords": speaker_keywords().get(speaker.pk, []),
            "filtered": reading.filters.active,
        },
    )


def _moved_speaker(request, slug: str) -> HttpResponsePermanentRedirect:
    """A 301 to the speaker this old slug was merged into; a 404 for a slug never known."""
    moved = SpeakerRedirect.objects.select_related("speaker").filter(old_slug=slug).first()
    if moved is None or Speaker.objects.filter(slug=slug).exists():
        raise Http404("no such speaker")
    query = request.META.get("QUERY_STRING", "")
    url = reverse("speaker-detail", args=[moved.speaker.slug]) + (f"?{query}" if query else "")
    return HttpResponsePermanentRedirect(url)


@site_page
def tag_list(request):
    return render(request, "transcripts/tag_list.html", {"tags": tags_with_counts()})


@site_page
def tag_detail(request, slug: str):
    tag = Tag.objects.filter(slug=slug).first()
    if tag is None:  # renamed or merged away: the old link leads to the tag's page now
        moved = get_object_or_404(TagRedirect.objects.select_related("tag"), old_slug=slug)
        query = request.META.get("QUERY_STRING", "")
        url = reverse("tag-detail", args=[moved.tag.slug]) + (f"?{query}" if query else "")
        return HttpResponsePermanentRedirect(url)
    groups = quotes_across_events(Quote.objects.filter(tags=tag))
    if not groups:  # only on hidden quotes or drafts: as unknown to readers as a tag never made
        raise Http404("no public quote carries this tag")
    return render(
        request,
        "transcripts/tag_detail.html",
        {
            "tag": tag,
            "groups": groups,
            "shown": sum(len(q) for _, q in groups),
        },
    )
