"""Export events as JSON: `python manage.py export_event [SLUG]`.

With a slug: that event as one JSON object. Without: a JSON array of all events (empty when
there are none). The output is accepted by `import_event`.
"""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from transcripts.event_export import events_for_export, export_events


class Command(BaseCommand):
    help = "Export one event (by slug) or all events as JSON on stdout."

    def add_arguments(self, parser):
        parser.add_argument("slug", nargs="?", help="the event's slug; omit for all events")

    def handle(self, *args, **options):
        slug = options["slug"]
        events = events_for_export()
        if slug:
            events = events.filter(slug=slug)
        exported = export_events(events)
        if slug and not exported:
            raise CommandError(f"no event with slug '{slug}'")
        data = exported[0] if slug else exported
        self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
