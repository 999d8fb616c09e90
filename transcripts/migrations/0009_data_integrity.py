"""Data integrity (issue 12): one event per source, and the rows that took pages down repaired.

- `unique_event_source`: the same source (checksum) is one event, even when two imports of it
  race; should two events share a checksum already, the older one keeps it.
- Event and speaker slugs that a URL cannot carry (a space, a slash, Chinese: they took the home
  page, the feeds, the sitemap and the API down) are made again from the title or name.
- Tag names lose invisible characters (zero-width, bidi controls) and are NFKC-normalised; a
  tag that becomes a look-alike of another is merged into it (its quotes and events, aliases and
  old slugs go to the other; its slug redirects there). A tag slug that no URL can carry (empty,
  as `!!!` got) is made again: from the name, or `tag-<id>` when the name has no letter or digit.
  Aliases are cleaned the same way; one that becomes empty or a tag's name goes.
- The tag fields' form field cleans names the same way (`models.CuratedTags`): no schema change.

The search index keeps the old spellings of repaired tag names until `rebuild_search_index`.
"""

from django.db import migrations, models

import transcripts.models
from transcripts.slugs import (
    clean_tag_name,
    is_tag_slug,
    is_url_slug,
    speaker_slug,
    tag_slug,
    title_slug,
    unique_slug,
)


def one_event_per_source(apps, schema_editor):
    Event = apps.get_model("transcripts", "Event")
    seen = set()
    rows = Event.objects.exclude(source_checksum="").order_by("created_at", "pk")
    for pk, checksum in rows.values_list("pk", "source_checksum"):
        if checksum in seen:
            Event.objects.filter(pk=pk).update(source_checksum="")
        seen.add(checksum)


def _repair_slugs(model, max_length: int, make) -> None:
    taken = set(model.objects.values_list("slug", flat=True))
    for row in model.objects.order_by("pk"):
        if not is_url_slug(row.slug, max_length=max_length):
            row.slug = unique_slug(make(row), taken)
            taken.add(row.slug)
            model.objects.filter(pk=row.pk).update(slug=row.slug)


def url_slugs(apps, schema_editor):
    _repair_slugs(apps.get_model("transcripts", "Event"), 120, lambda e: title_slug(e.title))
    _repair_slugs(apps.get_model("transcripts", "Speaker"), 100, lambda s: speaker_slug(s.name))


def _move_tagged(through, source, target) -> None:
    has_target = set(through.objects.filter(tag=target).values_list("content_object_id", flat=True))
    for row in through.objects.filter(tag=source):
        if row.content_object_id in has_target:
            row.delete()
        else:
            through.objects.filter(pk=row.pk).update(tag=target)


def clean_tags(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    TaggedQuote = apps.get_model("transcripts", "TaggedQuote")
    TaggedEvent = apps.get_model("transcripts", "TaggedEvent")
    TagAlias = apps.get_model("transcripts", "TagAlias")
    TagRedirect = apps.get_model("transcripts", "TagRedirect")

    groups: dict[str, list] = {}
    for tag in Tag.objects.order_by("pk"):
        clean = clean_tag_name(tag.name)[:100] or f"tag-{tag.pk}"
        groups.setdefault(clean.casefold(), []).append((tag, clean))
    for members in groups.values():
        # the tag already spelled cleanly stays (else the oldest); the look-alikes join it
        keep, name = next(((t, c) for t, c in members if t.name == c), members[0])
        for tag, _ in members:
            if tag.pk == keep.pk:
                continue
            _move_tagged(TaggedQuote, tag, keep)
            _move_tagged(TaggedEvent, tag, keep)
            TagAlias.objects.filter(tag=tag).update(tag=keep)
            TagRedirect.objects.filter(tag=tag).update(tag=keep)
            if is_tag_slug(tag.slug) and not TagRedirect.objects.filter(old_slug=tag.slug).exists():
                TagRedirect.objects.create(old_slug=tag.slug, tag=keep)
            tag.delete()
        if keep.name != name:
            Tag.objects.filter(pk=keep.pk).update(name=name)
    taken = set(Tag.objects.values_list("slug", flat=True))
    for tag in Tag.objects.order_by("pk"):
        if not is_tag_slug(tag.slug):
            base = tag_slug(tag.name) or f"tag-{tag.pk}"
            slug, i = base, 0
            while slug in taken:
                i += 1
                slug = f"{base}_{i}"
            taken.add(slug)
            Tag.objects.filter(pk=tag.pk).update(slug=slug)

    names = {n.casefold() for n in Tag.objects.values_list("name", flat=True)}
    for alias in TagAlias.objects.order_by("pk"):
        clean = clean_tag_name(alias.name)[:100]
        if not clean or clean.casefold() in names:
            alias.delete()
            continue
        names.add(clean.casefold())
        if clean != alias.name:
            TagAlias.objects.filter(pk=alias.pk).update(name=clean)


class Migration(migrations.Migration):
    dependencies = [
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
        ("transcripts", "0008_quote_times_translation_speaker_placeholder"),
    ]

    operations = [
        migrations.RunPython(one_event_per_source, migrations.RunPython.noop),
        migrations.RunPython(url_slugs, migrations.RunPython.noop),
        migrations.RunPython(clean_tags, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="event",
            constraint=models.UniqueConstraint(
                condition=models.Q(("source_checksum", ""), _negated=True),
                fields=("source_checksum",),
                name="unique_event_source",
            ),
        ),
        migrations.AlterField(
            model_name="event",
            name="tags",
            field=transcripts.models.CuratedTags(
                blank=True,
                help_text="A comma-separated list of tags.",
                through="transcripts.TaggedEvent",
                to="taggit.Tag",
                verbose_name="标签",
            ),
        ),
        migrations.AlterField(
            model_name="quote",
            name="tags",
            field=transcripts.models.CuratedTags(
                blank=True,
                help_text="A comma-separated list of tags.",
                through="transcripts.TaggedQuote",
                to="taggit.Tag",
                verbose_name="标签",
            ),
        ),
    ]
