"""Speaker and tag pages."""

from __future__ import annotations

from django.db.models import Count, Sum
from django.db.models.functions import Length
from django.http import Http404, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext
from taggit.models import Tag

from ..forms import SpeakerQuoteFilterForm
from ..models import Participation, Quote, Speaker, TagRedirect, Topic
from ..reader import quotes_across_events, speaker_keywords, speakers_with_stats, tags_with_counts
from .caching import site_page


@site_page
def speaker_list(request):
    # named people only: an event's placeholders (说话人1) are no one to look up across events
    speakers = speakers_with_stats().named()
    return render(request, "transcripts/speaker_list.html", {"speakers": speakers})


@site_page
def speaker_detail(request, slug: str):
    # someone who appears at no published event has no public page (takedowns included); a
    # placeholder has one (its event links to it), unlisted and not for search engines
    speaker = get_object_or_404(
        Speaker.objects.filter(participations__event__published=True).distinct(), slug=slug
    )
    participations = list(
        Participation.objects.filter(speaker=speaker, event__published=True)
        .select_related("event")
        .order_by("-event__date", "-event__created_at")
    )
    spoken = Quote.objects.public().filter(speaker=speaker)
    stats = spoken.aggregate(turns=Count("id"), chars=Sum(Length("text")))
    form = SpeakerQuoteFilterForm(request.GET)
    filters, problems = form.filters(), form.problems()
    event_slug = form.cleaned_data.get("event") or ""
    events = {p.event.slug: p.event for p in participations}
    if event_slug and event_slug not in events:
        problems.append(
            gettext("%(speaker)s 没有参加活动:%(event)s")
            % {"speaker": speaker.name, "event": event_slug}
        )
    if filters.topic is not None and not event_slug and len(events) == 1:
        event_slug = next(iter(events))
    if filters.topic is not None and not event_slug:
        problems.append(gettext("按话题筛选时请先选择活动"))
    quotes = spoken
    if event_slug:
        quotes = quotes.filter(event__slug=event_slug)
    if filters.topic is not None:
        quotes = quotes.filter(topic__number=filters.topic)
    if filters.tag:
        quotes = quotes.filter(tags__slug=filters.tag)
    groups = [] if problems else quotes_across_events(quotes)
    topics = list(
        Topic.objects.filter(quotes__in=spoken)
        .distinct()
        .select_related("event")
        .order_by("event_id", "number")
    )
    tags = list(
        Tag.objects.filter(transcripts_taggedquote_items__content_object__in=spoken)
        .annotate(uses=Count("id"))
        .order_by("-uses", "name")
    )
    return render(
        request,
        "transcripts/speaker_detail.html",
        {
            "speaker": speaker,
            "participations": participations,
            "stats": stats,
            "keywords": speaker_keywords().get(speaker.pk, []),
            "groups": groups,
            "form": form,
            "problems": problems,
            "topics": topics,
            "tags": tags,
            "filtered": bool(event_slug or filters.active),
            "shown": sum(len(q) for _, q in groups),
        },
    )


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
