"""The full-text index behind one small interface: SQLite FTS5 (the embedded default) or
PostgreSQL tsvectors with GIN indexes. Both index the same pre-segmented documents and match the
same parsed query, so results are the same on both; only the SQL differs.

A backend writes and deletes documents, and narrows an ordinary `Quote` queryset (with the
reader's filters already applied) to the matching quotes (`matching`, for counts and facets)
and ranks them a page at a time (`ranked`): quotes whose speaker, topic or tags name a term
first, then the others, each by relevance (bm25 / ts_rank).

The index holds exactly the quotes readers may see (published, in a published event). The
entries of the others wait in a table of their own (`HIDDEN`), written the same way, so hidden
quotes cost a search nothing, however many there are, and publishing moves entries back
without segmenting a word again. Database triggers move them whichever way a flag changes
(`visibility`); `write` puts each document where it belongs.

The interface is declared here (`SearchBackend`, and `IndexSearch` for a backend whose index
alone answers a search without filters); one module per backend implements it. The setting
`SEARCH_BACKEND` chooses: `database` (the default: FTS5 or tsvectors, whichever the database is)
or `tantivy`, an index beside the database (`tantivy`, imported only when chosen).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from .postgres import PostgresBackend
from .sqlite import SQLiteBackend
from .tables import FTS_TABLE, HIDDEN, PG_PIECES, PG_TABLE, Ranked

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ...models import Quote
    from ..documents import Document
    from ..query import Query

__all__ = [
    "FTS_TABLE",
    "HIDDEN",
    "PG_PIECES",
    "PG_TABLE",
    "IndexFacets",
    "IndexSearch",
    "PostgresBackend",
    "Ranked",
    "SQLiteBackend",
    "SearchBackend",
    "SeparateIndex",
    "backend",
]


class SearchBackend(Protocol):
    """What the search service asks of a full-text index."""

    def write(self, documents: Iterable[Document], *, fresh: bool = False) -> None:
        """Put each document where it belongs (the index, or aside when hidden), replacing the
        quote's older entry unless `fresh` (the caller knows there is none)."""

    def delete(self, quote_ids: Iterable[int]) -> None: ...

    def clear(self) -> None: ...

    def optimize(self) -> None:
        """Whatever makes the index fastest after a rebuild."""

    def analyze(self) -> None:
        """Refresh what the database's planner knows of the index (after a large import)."""

    def matching(self, quotes: QuerySet[Quote], query: Query) -> QuerySet[Quote]:
        """The quotes (the reader's filters applied) that match, unordered: counts, facets."""

    def ranked(
        self, quotes: QuerySet[Quote], query: Query, *, offset: int, size: int
    ) -> list[Ranked]:
        """One page of the matching quotes, best first: metadata matches (tier 1) first."""


@runtime_checkable
class IndexSearch(SearchBackend, Protocol):
    """A backend whose index holds exactly what readers may see, so it answers a search without
    the reader's filters alone, joining no quote or event."""

    def count_index(self, query: Query) -> int: ...

    def ranked_index(self, query: Query, *, offset: int, size: int) -> list[Ranked]: ...


@runtime_checkable
class IndexFacets(Protocol):
    """A backend whose index alone tells, for a search without the reader's filters, how many
    matching quotes each (speaker, event) pair holds: both facets from one walk over the
    matches, joined to nothing but the quotes' speaker and event."""

    def groups_index(self, query: Query) -> list[tuple[int, int, int]]:
        """(speaker id, event id, matching quotes) of every pair with at least one."""


@runtime_checkable
class SeparateIndex(Protocol):
    """A backend whose index lives outside the database, and rebuilds it itself."""

    def rebuild(self, progress) -> int: ...


def backend() -> SearchBackend:
    if settings.SEARCH_BACKEND == "tantivy":
        from .tantivy import TantivyBackend

        return TantivyBackend.at(settings.SEARCH_INDEX_DIR)
    if settings.SEARCH_BACKEND != "database":
        raise ImproperlyConfigured(
            f"SEARCH_BACKEND={settings.SEARCH_BACKEND!r}: database or tantivy"
        )
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise NotImplementedError(f"no search backend for {connection.vendor}")
