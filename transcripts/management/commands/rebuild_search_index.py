"""Rebuild the full-text index from the quotes: `python manage.py rebuild_search_index`.

Needed after restoring a database dump without its index, or after changing how documents are
built. Runs in one transaction: searches keep seeing the old index until the new one is whole.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from tqdm import tqdm

from transcripts.models import Quote
from transcripts.search import service


class Command(BaseCommand):
    help = "Rebuild the search index for every quote, with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("--no-progress", action="store_true", help="no progress bar")

    def handle(self, *args, **options):
        total = Quote.objects.count()
        with (
            tqdm(
                total=total, unit="quotes", disable=options["no_progress"], file=self.stderr._out
            ) as bar,
            transaction.atomic(),
        ):
            done = service.rebuild(progress=bar.update)
        self.stdout.write(self.style.SUCCESS(f"indexed {done} quotes"))
