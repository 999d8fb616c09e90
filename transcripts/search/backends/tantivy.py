"""The optional Tantivy backend (`SEARCH_BACKEND=tantivy`): the same documents, the same parsed
query and the same ranking as the database backends, answered by Tantivy (the Rust search
library) from a folder beside the database (`SEARCH_INDEX_DIR`): on the bench's 200,000 quotes
its index answers about 4 times faster than FTS5's SQL (12 times PostgreSQL's) and is a seventh
of FTS5's size.

The index holds a document per public quote: `documents.build_document`'s grams and metadata
with their positions (a term is the phrase of its grams, as in FTS5), its jieba tokens with
their frequencies (only ever looked up one at a time), and the brief flag. The words are
separated by spaces already, so the tokenizer splits on whitespace and changes nothing.

Keeping it in step: the database says what changed, in its own transaction (`outbox`); after
the commit `drain` re-reads each quote named there and writes what the service's own
`_documents` makes of it (or removes it when it is gone or hidden), commits the index, and only
then deletes those rows. So what is written is always what the database committed, and nothing
is lost to a crash or a busy writer: the rows wait for the next drain (the next write, the next
search, which looks for them with one query, or `rebuild_search_index`). Only one process at a
time may hold Tantivy's writer; a drain that finds it busy leaves its rows to the next one.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from contextlib import nullcontext
from pathlib import Path
from typing import TYPE_CHECKING

import tantivy
from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from .. import outbox
from ..documents import RUN, Document
from ..query import Query, Term
from .tables import Ranked

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ...models import Quote
MUST = tantivy.Occur.Must
TOKENIZER = "salon_whitespace"
HEAP_BYTES = 64_000_000  # the writer's memory: a segment is flushed when it fills
REBUILD_HEAP_BYTES = 128_000_000  # a rebuild's: fewer, larger segments
BATCH = 1000  # quotes per batch of documents
# a filtered search reads at most this many ids of the quotes that pass the filters (more: the
# index's matches go to the database instead)
FILTERED_IDS = 50_000
DRAIN_ROWS = 10_000  # outbox rows applied per index commit
WRITER_WAIT_S = 30  # how long a rebuild waits for another process's drain to let go
# bm25 of a jieba token weighs half a gram's, a metadata match twice (SQLiteBackend.WEIGHTS)
TOKENS_BOOST, META_BOOST = 0.5, 2.0


def _schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_unsigned_field("id", indexed=True, fast=True)  # the quote id
    builder.add_text_field("grams", tokenizer_name=TOKENIZER, index_option="position")
    builder.add_text_field("tokens", tokenizer_name=TOKENIZER, index_option="freq")
    builder.add_text_field("meta", tokenizer_name=TOKENIZER, index_option="position")
    builder.add_boolean_field("brief", indexed=True)
    return builder.build()


def directory_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


class TantivyBackend:
    """One index folder, opened once per process (`at`)."""

    _opened: dict[Path, TantivyBackend] = {}

    @classmethod
    def at(cls, path: Path) -> TantivyBackend:
        """The backend of the index at `path`; the outbox's triggers put in place on first use
        in this process (they are also after every `migrate`)."""
        path = Path(path)
        if path not in cls._opened:
            outbox.install()
            cls._opened[path] = cls(path)
        return cls._opened[path]

    def __init__(self, path: Path):
        path.mkdir(parents=True, exist_ok=True)
        self.path = path
        self._last_kept: tuple | None = None
        self.schema = _schema()
        try:
            self.index = tantivy.Index(self.schema, path=str(path), reuse=True)
        except (OSError, ValueError) as error:
            raise OSError(
                f"the search index at {path} cannot be opened ({error}): remove the folder and"
                " run `manage.py rebuild_search_index`"
            ) from error
        analyzer = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build()
        self.index.register_tokenizer(TOKENIZER, analyzer)

    # Writing -------------------------------------------------------------------------------------

    def write(self, documents: Iterable[Document], *, fresh: bool = False) -> None:
        """Note the quotes as changed; the index takes them in after the commit (`drain`), from
        what the database then holds: a document built before the commit may be stale by then."""
        self._changed(d.quote_id for d in documents)

    def delete(self, quote_ids: Iterable[int]) -> None:
        self._changed(quote_ids)

    def _changed(self, quote_ids: Iterable[int]) -> None:
        if outbox.enqueue(quote_ids):
            transaction.on_commit(self.drain, robust=True)

    def clear(self) -> None:
        """Empty the index once the transaction commits (a rebuild's writes follow it)."""
        transaction.on_commit(self._empty)

    def _empty(self) -> None:
        writer = self._writer(wait=True)
        try:
            writer.delete_all_documents()
            writer.commit()
        finally:
            writer.wait_merging_threads()
        self.index.reload()

    def optimize(self) -> None:
        """Nothing to do: the writer merges segments in its own threads, waited for when it
        lets go of the index."""

    def analyze(self) -> None:
        """Nothing to refresh: no query planner."""

    def index_size(self) -> int:
        """Bytes of the index folder."""
        return directory_size(self.path)

    def _writer(self, *, wait: bool = False, heap: int = HEAP_BYTES):
        """The index's one writer, or None while another drain (here or in another process)
        holds it; `wait` tries for a while, then fails."""
        deadline = time.monotonic() + (WRITER_WAIT_S if wait else 0)
        while True:
            try:
                return self.index.writer(heap, 1)
            except ValueError as error:
                if "LockBusy" not in str(error):
                    raise
                if time.monotonic() >= deadline:
                    if wait:
                        raise
                    return None
                time.sleep(0.1)

    def drain(self) -> int:
        """Apply the outbox: each quote named there re-read and its document replaced (or
        removed: gone or hidden), the index committed, then those rows deleted. Returns how many
        rows were applied; none when nothing waits or another drain holds the writer."""
        if not outbox.pending():
            return 0
        writer = self._writer()
        if writer is None:
            return 0
        applied = 0
        try:
            while rows := outbox.take(DRAIN_ROWS):
                self._apply(writer, sorted({quote_id for _, quote_id in rows}))
                writer.commit()
                outbox.forget(row_id for row_id, _ in rows)
                applied += len(rows)
        finally:
            writer.wait_merging_threads()  # lets go of the writer
            self.index.reload()
        return applied

    def _apply(self, writer, quote_ids: list[int]) -> None:
        from ...models import Quote

        for start in range(0, len(quote_ids), BATCH):
            chunk = quote_ids[start : start + BATCH]
            writer.delete_documents_by_query(tantivy.Query.term_set_query(self.schema, "id", chunk))
            for document in self._documents(Quote.objects.public().filter(pk__in=chunk)):
                writer.add_document(self._document(document))

    @staticmethod
    def _documents(quotes: QuerySet[Quote]) -> list[Document]:
        """The service's own documents of these quotes. Where the database locks rows (the
        service locks the events'), inside a transaction, which also reads the primary, not a
        replica that may lag (`salon_site.routers`)."""
        from ... import vocabulary
        from .. import service

        vocabulary.current()  # jieba keeps tag and speaker names whole
        locks = connection.features.has_select_for_update
        with transaction.atomic() if locks else nullcontext():
            found = list(quotes.select_related("speaker", "topic").order_by("pk"))
            return service._documents(found) if found else []

    @staticmethod
    def _document(document: Document) -> tantivy.Document:
        built = tantivy.Document()
        built.add_unsigned("id", document.quote_id)
        built.add_text("grams", document.grams)
        built.add_text("tokens", " ".join(RUN.findall(document.tokens)))  # no punctuation
        built.add_text("meta", document.meta)
        built.add_boolean("brief", document.brief)
        return built

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """A fresh index of every public quote, swapped in by one commit (searches see the old
        one until then); the outbox's rows read first are then applied. Returns how many quotes
        were indexed."""
        from ...models import Quote

        outbox.install()
        writer = self._writer(wait=True, heap=REBUILD_HEAP_BYTES)
        done = 0
        try:
            waiting = [row_id for row_id, _ in outbox.take()]
            writer.delete_all_documents()
            quotes, last = Quote.objects.public().order_by("pk").values_list("pk", flat=True), 0
            while batch := list(quotes.filter(pk__gt=last)[:BATCH]):
                for document in self._documents(Quote.objects.filter(pk__in=batch)):
                    writer.add_document(self._document(document))
                done, last = done + len(batch), batch[-1]
                if progress:
                    progress(len(batch))
            writer.commit()
            outbox.forget(waiting)
        finally:
            writer.wait_merging_threads()
            self.index.reload()
        return done

    # Searching -----------------------------------------------------------------------------------

    def _searcher(self) -> tantivy.Searcher:
        """A searcher of the latest commit (whichever process made it), after applying whatever
        the outbox holds: changes made by triggers, or left by a crash or a busy writer."""
        if outbox.pending():
            transaction.on_commit(self.drain, robust=True)  # now, outside a transaction
        self.index.reload()
        return self.index.searcher()

    def count_index(self, query: Query) -> int:
        return self._count(self._searcher(), self._recall(query))

    @staticmethod
    def _count(searcher: tantivy.Searcher, recall: tantivy.Query) -> int:
        constant = tantivy.Query.const_score_query(recall, 1.0)  # counting needs no scoring
        return searcher.search(constant, 1, count=True).count

    def ranked_index(self, query: Query, *, offset: int, size: int) -> list[Ranked]:
        """(quote id, score, tier) of one page, best first: the bands of `_bands` in turn."""
        return self._page(self._searcher(), self._bands(query), offset, size)

    def _page(self, searcher, bands, offset: int, size: int) -> list[Ranked]:
        page: list[Ranked] = []
        for tier, band in bands:
            found = searcher.search(band, size - len(page), count=bool(offset), offset=offset)
            if offset and offset >= found.count:  # the page starts after this band
                offset -= found.count
                continue
            ids = searcher.fast_field_values("id", [address for _, address in found.hits])
            page += [(pk, -score, tier) for pk, (score, _) in zip(ids, found.hits, strict=True)]
            offset = 0
            if len(page) == size:
                break
        return page

    def _kept(self, quotes: QuerySet[Quote], query: Query) -> list[int]:
        """`_find_kept`, once per search: its count and its page ask with the same queryset."""
        last = self._last_kept
        if last is None or last[0] is not quotes or last[1] != query:
            last = self._last_kept = (quotes, query, self._find_kept(quotes, query))
        return last[2]

    def _find_kept(self, quotes: QuerySet[Quote], query: Query) -> list[int]:
        """The ids of the matching quotes that pass the reader's filters, from the smaller
        side: when fewer quotes pass the filters than match (a filter by event or speaker, a
        common word), their ids go to the index as one more condition; otherwise the index's
        matches go to the database, which keeps those that pass. Exact either way."""
        searcher = self._searcher()
        recall = self._recall(query)
        total = self._count(searcher, recall)
        if not total:
            return []
        limit = min(total, FILTERED_IDS)
        passing = list(quotes.order_by().values_list("id", flat=True)[:limit])
        if len(passing) < limit:  # every quote that passes: the index picks the matches
            return self._ids(searcher, recall, self._only(passing), limit=len(passing))
        matches = self._ids(searcher, recall, limit=total)
        kept = quotes.filter(pk__in=RawSQL(outbox.ids_sql(), [outbox.ids_param(matches)]))
        return list(kept.order_by().values_list("id", flat=True))

    def _only(self, ids: list[int]) -> tantivy.Query:
        """A condition that keeps these quotes, adding nothing to their score."""
        return tantivy.Query.const_score_query(
            tantivy.Query.term_set_query(self.schema, "id", ids), 0.0
        )

    @staticmethod
    def _ids(searcher, *conditions: tantivy.Query, limit: int) -> list[int]:
        """The ids of the (at most `limit`) quotes that meet every condition, unranked."""
        Q = tantivy.Query
        matching = Q.boolean_query([(MUST, condition) for condition in conditions])
        hits = searcher.search(Q.const_score_query(matching, 1.0), limit, count=False).hits
        return searcher.fast_field_values("id", [address for _, address in hits])

    def matching(self, quotes: QuerySet[Quote], query: Query) -> QuerySet[Quote]:
        """The quotes (the reader's filters applied) that match, as one parameter of ids."""
        kept = self._kept(quotes, query)
        if not kept:
            return quotes.none()
        return quotes.filter(pk__in=RawSQL(outbox.ids_sql(), [outbox.ids_param(kept)]))

    def ranked(
        self, quotes: QuerySet[Quote], query: Query, *, offset: int, size: int
    ) -> list[Ranked]:
        """One page of the matching quotes that pass the reader's filters: their ids are one
        more condition of every band, so each band ranks only them."""
        kept = self._kept(quotes, query)
        if not kept:
            return []
        only = self._only(kept)
        bands = [
            (tier, tantivy.Query.boolean_query([(MUST, band), (MUST, only)]))
            for tier, band in self._bands(query)
        ]
        return self._page(self.index.searcher(), bands, offset, size)

    # Queries: SQLiteBackend's expressions, in Tantivy's terms ----------------------------------

    def _recall(self, query: Query) -> tantivy.Query:
        """Every positive term (or one of its synonyms) as the phrase of its grams; no negated
        one (SQLiteBackend.recall_expression)."""
        clauses = [(MUST, self._any("grams", t)) for t in query.positive]
        clauses += [(tantivy.Occur.MustNot, self._any("grams", t)) for t in query.negative]
        return tantivy.Query.boolean_query(clauses)

    def _bands(self, query: Query) -> list[tuple[int, tantivy.Query]]:
        """(tier, query) of SQLiteBackend.tiers: quotes whose metadata names a term (scored
        with it), then the others (scored with their jieba tokens), each tier's brief quotes
        after its others; BM25 within a band."""
        Q, occur = tantivy.Query, tantivy.Occur
        recall = self._recall(query)
        meta = Q.boolean_query([(occur.Should, self._any("meta", t)) for t in query.positive])
        meta = Q.boost_query(meta, META_BOOST)
        brief = Q.const_score_query(Q.term_query(self.schema, "brief", True), 0.0)
        tokens = self._tokens(query)
        bands = []
        for tier in (1, 2):
            for is_brief in (False, True):
                clauses = [
                    (MUST, recall),
                    (MUST if tier == 1 else occur.MustNot, meta),
                    (MUST if is_brief else occur.MustNot, brief),
                ]
                if tier == 2 and tokens is not None:
                    clauses.append((occur.Should, tokens))
                bands.append((tier, Q.boolean_query(clauses)))
        return bands

    def _tokens(self, query: Query) -> tantivy.Query | None:
        """Every positive term's jieba tokens, ORed, adding to the score (none for a term
        jieba keeps as one word: SQLiteBackend._boost)."""
        Q = tantivy.Query
        tokens = [
            Q.term_query(self.schema, "tokens", token, index_option="freq")
            for term in query.positive
            if term.tokens != (term.text,)
            for token in term.tokens
        ]
        if not tokens:
            return None
        should = Q.boolean_query([(tantivy.Occur.Should, q) for q in tokens])
        return Q.boost_query(should, TOKENS_BOOST)

    def _any(self, field: str, term: Term) -> tantivy.Query:
        """The term's phrase, or any of its synonyms' (a tag's name and aliases)."""
        phrases = [self._phrase(field, t.grams, t.prefix) for t in (term, *term.alternatives)]
        if len(phrases) == 1:
            return phrases[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, p) for p in phrases])

    def _phrase(self, field: str, grams: tuple[str, ...], prefix: bool) -> tantivy.Query:
        """The grams in a row; a `prefix` term's last gram may continue (every word of the
        dictionary that it starts: exact, where Tantivy's phrase prefix stops at 50)."""
        Q = tantivy.Query
        if prefix:
            last = re.escape(grams[-1]) + ".*"
            if len(grams) == 1:
                return Q.regex_query(self.schema, field, last)
            return Q.regex_phrase_query(self.schema, field, [*map(re.escape, grams[:-1]), last])
        if len(grams) == 1:
            return Q.term_query(self.schema, field, grams[0], index_option="freq")
        return Q.phrase_query(self.schema, field, list(grams))
