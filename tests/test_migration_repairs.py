"""Migration 0009 repairs the rows that took pages down before the import checked its values
(issue 12): event and speaker slugs no URL can carry, tags with an empty slug (`!!!`), tag names
with invisible characters (look-alike duplicates), and two events of one source."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from transcripts.slugs import is_tag_slug, is_url_slug

BEFORE = [("transcripts", "0008_quote_times_translation_speaker_placeholder")]
AFTER = [("transcripts", "0009_data_integrity")]


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


@pytest.fixture
def old_database():
    """The database as 0008 left it; migrated to the latest again afterwards."""
    apps = migrate(BEFORE)
    yield apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_bad_slugs_and_tag_names_are_repaired(old_database):
    apps = old_database
    Event = apps.get_model("transcripts", "Event")
    Speaker = apps.get_model("transcripts", "Speaker")
    Quote = apps.get_model("transcripts", "Quote")
    Tag = apps.get_model("taggit", "Tag")
    TaggedQuote = apps.get_model("transcripts", "TaggedQuote")
    TagAlias = apps.get_model("transcripts", "TagAlias")
    TagRedirect = apps.get_model("transcripts", "TagRedirect")

    spaced = Event.objects.create(title="有空格的活动", slug="a b/c", source_checksum="same")
    chinese = Event.objects.create(title="中文网址", slug="中文-huodong", source_checksum="same")
    person = Speaker.objects.create(name="王明", slug="wang ming/x")
    quotes = [
        Quote.objects.create(event=spaced, number=n, position=n, speaker=person, text=f"第{n}段")
        for n in (1, 2)
    ]
    agi = Tag.objects.create(name="AGI", slug="agi")
    look_alike = Tag.objects.create(name="AGI\u200b", slug="agi_1")
    bangs = Tag.objects.create(name="!!!", slug="")
    invisible = Tag.objects.create(name="\u202e", slug="_1")
    TaggedQuote.objects.create(content_object=quotes[0], tag=look_alike)
    TaggedQuote.objects.create(content_object=quotes[1], tag=look_alike)
    TaggedQuote.objects.create(content_object=quotes[1], tag=agi)
    TaggedQuote.objects.create(content_object=quotes[0], tag=bangs)
    TagAlias.objects.create(tag=look_alike, name="通用\u200b智能")
    TagAlias.objects.create(tag=agi, name="a\u200bgi")  # the tag's own name once cleaned

    apps = migrate(AFTER)
    Event = apps.get_model("transcripts", "Event")
    Speaker = apps.get_model("transcripts", "Speaker")
    Tag = apps.get_model("taggit", "Tag")
    TaggedQuote = apps.get_model("transcripts", "TaggedQuote")
    TagAlias = apps.get_model("transcripts", "TagAlias")
    TagRedirect = apps.get_model("transcripts", "TagRedirect")

    assert Event.objects.get(pk=spaced.pk).slug == "you-kong-ge-de-huo-dong"
    assert Event.objects.get(pk=chinese.pk).slug == "zhong-wen-wang-zhi"
    assert Speaker.objects.get(pk=person.pk).slug == "wangming"
    # one source, one event: the older keeps the checksum
    assert list(Event.objects.order_by("pk").values_list("source_checksum", flat=True)) == [
        "same",
        "",
    ]
    # the look-alike joined AGI: its quotes (once each), its alias, and its slug as a redirect
    assert not Tag.objects.filter(pk=look_alike.pk).exists()
    assert sorted(
        TaggedQuote.objects.filter(tag_id=agi.pk).values_list("content_object_id", flat=True)
    ) == [q.pk for q in quotes]
    assert TagRedirect.objects.get(old_slug="agi_1").tag_id == agi.pk
    assert list(TagAlias.objects.values_list("name", "tag_id")) == [("通用智能", agi.pk)]
    # every slug is one a URL can carry
    assert Tag.objects.get(pk=bangs.pk).slug == f"tag-{bangs.pk}"
    assert Tag.objects.get(pk=invisible.pk).name == f"tag-{invisible.pk}"
    assert all(is_tag_slug(slug) for slug in Tag.objects.values_list("slug", flat=True))
    assert all(
        is_url_slug(slug, max_length=120) for slug in Event.objects.values_list("slug", flat=True)
    )
