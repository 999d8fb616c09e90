"""Tantivy (the Rust search library, Python package `tantivy`) as the search bench's reference peer:
the project's optional Tantivy backend (`transcripts.search.backends.tantivy`) itself.

Issue 16 holds our backends to Tantivy's figures (each within 10x of its median, no index over
twice its size), so the peer must do the same work as they do, or the ratios say nothing. The
backend does: it indexes the service's own documents (`service._documents`: bigram grams, jieba
tokens, metadata grams, the brief flag) of every public quote, answers the same parsed `Query`
with an exact count, and ranks a page in the same two tiers with brief quotes after the rest of
each, then BM25. Its rebuild time is the SQL backends' `rebuild()`'s: segmentation included.

The index is built once from the primary database; the other database's process opens it too
(the corpus, ids included, is the same). `tantivy` is imported lazily: without it the bench goes
on with no reference peer.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path


def installed() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True


@dataclass
class Built:
    documents: int
    seconds: float  # `rebuild()`: the documents (segmentation) and the index, as the SQL ones
    size: int  # bytes on disk


def build(path: Path) -> Built:
    """A fresh index at `path` of every public quote of this database."""
    from django.db import transaction

    from transcripts.search.backends.tantivy import TantivyBackend

    backend = TantivyBackend(path)
    start = time.perf_counter()
    with transaction.atomic():  # as `manage.py rebuild_search_index` runs it
        documents = backend.rebuild()
    return Built(documents, time.perf_counter() - start, backend.index_size())


class Peer:
    """A built index, opened for searching, through the backend's own index-only path."""

    def __init__(self, path: Path):
        from transcripts.search.backends.tantivy import TantivyBackend

        self.path = path
        self.backend = TantivyBackend(path)

    def search(self, query, size: int) -> tuple[list[int], int]:
        """The first `size` quote ids, best first, and the exact count of matches."""
        page = self.backend.ranked_index(query, offset=0, size=size)
        return [pk for pk, _, _ in page], self.backend.count_index(query)
