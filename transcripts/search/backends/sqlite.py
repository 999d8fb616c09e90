"""The SQLite backend: an FTS5 table, one row per quote, searched with MATCH and ranked by bm25.

Its index holds exactly what readers may see, so a search without the reader's filters is
answered from the index alone (`count_index`, `ranked_index`: the `IndexSearch` interface).

The FTS5 table is contentless: it keeps the index, not a copy of the words it indexed. A
contentless table (SQLite 3.40: no `contentless_delete`) forgets an entry only when told the
words it was given, so those wait beside it in a plain table (`KEPT`), as the aside table keeps a
hidden quote's, without their marks (`stored`), which SQL puts back (`INDEXED`): two thirds of
the words' size, and one expression for what goes in and what comes out, so the two never differ.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import OperationalError, connection

from ..documents import RUN, Document
from ..query import Query, Term
from .tables import BRIEF, FTS_TABLE, HIDDEN, Ranked

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ...models import Quote

# the words of the index's public entries, as `stored` keeps them (the hidden ones': HIDDEN)
KEPT = "transcripts_quote_fts_kept"
COLUMNS = "grams, tokens, meta"
TOKEN_MARK, META_MARK = "\ue001", "\ue000"


def _marked_sql(column: str, mark: str) -> str:
    """SQL giving `SQLiteBackend.marked` of a stored column: its mark before each word (a
    brief quote's word has none)."""
    marked = f"'{mark}' || replace({column}, ' ', ' {mark}')"
    if column == "tokens":
        marked = f"replace({marked}, '{mark}{BRIEF}', '{BRIEF}')"
    return f"CASE {column} WHEN '' THEN '' ELSE {marked} END"


# the index's columns from a row of KEPT or HIDDEN: what is inserted, and what deletes it
INDEXED = f"grams, {_marked_sql('tokens', TOKEN_MARK)}, {_marked_sql('meta', META_MARK)}"


def unindex_sql(where: str) -> str:
    """The statement that takes the entries of the KEPT rows `where` picks out of the index."""
    return (
        f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}, rowid, {COLUMNS})"
        f" SELECT 'delete', quote_id, {INDEXED} FROM {KEPT} WHERE {where}"
    )


def index_sql(source: str, where: str) -> str:
    """The statement that puts the entries of the `source` rows `where` picks in the index."""
    return (
        f"INSERT INTO {FTS_TABLE} (rowid, {COLUMNS})"
        f" SELECT quote_id, {INDEXED} FROM {source} WHERE {where}"
    )


class SQLiteBackend:
    """FTS5, one row per quote (rowid = quote id), columns grams, tokens and meta."""

    # bm25 column weights: recall grams, jieba tokens, metadata (speaker, topic, tags)
    WEIGHTS = (1.0, 0.5, 2.0)
    # Jieba tokens and metadata are stored as index words of their own, a private-use character
    # before each (never in our text: documents hold CJK, digits and a-z), so a phrase in one
    # column reads only that column's postings: 模型 in a topic title is not the 模型 of the
    # text, and quotes whose metadata names a term are found without walking every quote that
    # says it. Punctuation tokens are dropped, as the tokenizer would drop them.
    MARKS = {"grams": "", "tokens": TOKEN_MARK, "meta": META_MARK}

    @classmethod
    def marked(cls, column: str, text: str) -> str:
        mark = cls.MARKS[column]
        if not mark:
            return text
        words = RUN.findall(text)
        return mark + f" {mark}".join(words) if words else ""  # joined in C: the import's hot path

    @staticmethod
    def stored(document: Document) -> tuple[int, str, str, str]:
        """A document's row of KEPT or HIDDEN: its words without their marks (`INDEXED` adds
        them), a brief quote's word last."""
        tokens = " ".join(RUN.findall(document.tokens))
        if document.brief:  # a word of its own, never in a query's tokens (see `tiers`)
            tokens = f"{tokens} {BRIEF}" if tokens else BRIEF
        return (document.quote_id, document.grams, tokens, " ".join(RUN.findall(document.meta)))

    def write(self, documents: Iterable[Document], *, fresh: bool = False) -> None:
        """Insert documents (a hidden quote's entry goes aside), replacing older ones unless the
        caller knows there are none."""
        rows: dict[bool, list[tuple]] = {True: [], False: []}
        for d in documents:
            rows[d.visible].append(self.stored(d))
        if not rows[True] and not rows[False]:
            return
        insert = "INSERT INTO {} (quote_id, grams, tokens, meta) VALUES (%s, %s, %s, %s)"
        with connection.cursor() as cursor:
            if not fresh:
                self._delete(cursor, [row[0] for row in rows[True] + rows[False]])
            if rows[False]:
                cursor.executemany(insert.format(HIDDEN["sqlite"]), rows[False])
            if rows[True]:
                cursor.executemany(insert.format(KEPT), rows[True])
                cursor.executemany(
                    index_sql(KEPT, "quote_id = %s"), [(row[0],) for row in rows[True]]
                )

    def delete(self, quote_ids: Iterable[int]) -> None:
        ids = list(quote_ids)
        if ids:
            with connection.cursor() as cursor:
                self._delete(cursor, ids)

    @staticmethod
    def _delete(cursor, ids: list[int]) -> None:
        rows = [(pk,) for pk in ids]
        cursor.executemany(unindex_sql("quote_id = %s"), rows)
        cursor.executemany(f"DELETE FROM {KEPT} WHERE quote_id = %s", rows)
        cursor.executemany(f"DELETE FROM {HIDDEN['sqlite']} WHERE quote_id = %s", rows)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('delete-all')")
            cursor.execute(f"DELETE FROM {KEPT}")
            cursor.execute(f"DELETE FROM {HIDDEN['sqlite']}")

    def optimize(self) -> None:
        """Merge the index into one b-tree (after a rebuild: fewer segments to read per query)."""
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")

    def analyze(self) -> None:
        """Nothing to refresh: FTS5 plans a MATCH the same whatever the index holds."""

    def index_size(self) -> int:
        """Bytes the index takes in the database file: the FTS5 table's own tables, KEPT and
        the aside table (`dbstat`; without it, the whole file, an upper bound)."""
        with connection.cursor() as cursor:
            try:
                cursor.execute(
                    "SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name LIKE %s",
                    [f"{FTS_TABLE}%"],
                )
            except OperationalError:  # dbstat not compiled in
                cursor.execute(
                    "SELECT page_count * page_size FROM pragma_page_count, pragma_page_size"
                )
            return cursor.fetchone()[0]

    def match_expression(self, query: Query) -> str:
        """Recall: every positive term as a phrase of grams, minus the negated ones. Ranking:
        the same phrases, their jieba tokens and metadata, ORed (which keeps the recall set)."""
        recall = self.recall_expression(query)
        return f"({recall}) AND ({self._boost(query)} OR {self.metadata_expression(query)})"

    def _boost(self, query: Query) -> str:
        """Every positive term's grams and jieba tokens, ORed: adds to bm25, never narrows.
        A term jieba keeps as one word (语言, AGI) is left out of the tokens: its token stands
        wherever its grams do, save inside a longer word jieba keeps whole (拼算力), so it
        would barely move the order, at a fifth more cost for every quote ranked."""
        boost = []
        for term in query.positive:
            boost.append(self._any("grams", term))
            if term.tokens != (term.text,):
                boost.extend(self._phrase("tokens", (token,), False) for token in term.tokens)
        return "(" + " OR ".join(boost) + ")"

    def metadata_expression(self, query: Query) -> str:
        """A positive term (or a synonym) in the quote's speaker, topic or tags."""
        return "(" + " OR ".join(self._any("meta", t) for t in query.positive) + ")"

    def tiers(self, query: Query) -> tuple[str, ...]:
        """The ranking in two tiers, each ordered by bm25: quotes whose speaker, topic or tags
        name a term first, then the others (where the jieba tokens add to the score). Together
        they are exactly the recall set. The first tier is small and cheap to rank; ranking
        the tokens in it too would double its cost and change little (its metadata dominates).
        Each tier comes in two bands, its brief quotes (`documents.is_brief`: a line, a host's
        short question) after the others: tier `i // 2 + 1` of the expressions returned."""
        recall, meta = self.recall_expression(query), self.metadata_expression(query)
        brief = f'tokens : "{BRIEF}"'
        bands = []
        for tier in (f"({recall}) AND {meta}", f"(({recall}) NOT {meta}) AND {self._boost(query)}"):
            bands += [f"({tier}) NOT {brief}", f"({tier}) AND {brief}"]
        return tuple(bands)

    def _any(self, column: str, term: Term) -> str:
        """The term, or any of its synonyms (a tag's name and aliases)."""
        phrases = [self._phrase(column, t.grams, t.prefix) for t in (term, *term.alternatives)]
        return phrases[0] if len(phrases) == 1 else "(" + " OR ".join(phrases) + ")"

    @classmethod
    def _phrase(cls, column: str, grams: tuple[str, ...], prefix: bool) -> str:
        # grams hold only CJK characters, digits and a-z: nothing to escape inside the quotes
        return f'{column} : "{cls.marked(column, " ".join(grams))}"' + (" *" if prefix else "")

    def recall_expression(self, query: Query) -> str:
        """Only what decides which quotes match (counts and facets need no ranking)."""
        recall = " AND ".join(self._any("grams", t) for t in query.positive)
        for term in query.negative:
            recall = f"({recall}) NOT {self._any('grams', term)}"
        return recall

    @staticmethod
    def _joined(quotes: QuerySet[Quote], expression: str) -> QuerySet[Quote]:
        """The quotes whose index entry matches the FTS5 expression (the one join to the index)."""
        return quotes.extra(
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = transcripts_quote.id", f"{FTS_TABLE} MATCH %s"],
            params=[expression],
        )

    def matching(self, quotes: QuerySet[Quote], query: Query) -> QuerySet[Quote]:
        """The matching quotes, unordered: for counting (a third of the ranked cost)."""
        return self._joined(quotes, self.recall_expression(query))

    def ranked(
        self, quotes: QuerySet[Quote], query: Query, *, offset: int, size: int
    ) -> list[Ranked]:
        """(quote id, score, tier) of one page of the matching quotes (the reader's filters
        applied to `quotes`), ranked as `tiers` ranks them."""
        weights = ", ".join(str(w) for w in self.WEIGHTS)
        page: list[Ranked] = []
        for band, expression in enumerate(self.tiers(query)):
            tier = band // 2 + 1
            in_tier = self._joined(quotes, expression)
            if offset:  # skip whole tiers before the page by counting them
                before = in_tier.order_by().count()
                if offset >= before:
                    offset -= before
                    continue
            rows = (
                in_tier.extra(select={"score": f"bm25({FTS_TABLE}, {weights})"})
                .order_by("score", "id")
                .values_list("id", "score")[offset : offset + size - len(page)]
            )
            page += [(pk, score, tier) for pk, score in rows]
            offset = 0
            if len(page) == size:
                break
        return page

    # The fast path, for searches without reader filters: the index holds only what readers
    # may see, so it answers alone. Joining every match to its quote and event costs a B-tree
    # lookup per match; this costs none. Ranking a tier costs bm25 over all of its quotes, so
    # the first tier alone answers when it fills the page.

    def count_index(self, query: Query) -> int:
        return self._count(self.recall_expression(query))

    def _count(self, expression: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s", [expression]
            )
            return cursor.fetchone()[0]

    def groups_index(self, query: Query) -> list[tuple[int, int, int]]:
        """(speaker id, event id, matches) per pair: each match's quote found by its id."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT q.speaker_id, q.event_id, count(*) FROM {FTS_TABLE}"
                f" JOIN transcripts_quote q ON q.id = {FTS_TABLE}.rowid"
                f" WHERE {FTS_TABLE} MATCH %s GROUP BY q.speaker_id, q.event_id",
                [self.recall_expression(query)],
            )
            return cursor.fetchall()

    def ranked_index(self, query: Query, *, offset: int, size: int) -> list[Ranked]:
        """(quote id, score, tier) of one page, best first, from the index alone."""
        weights = ", ".join(str(w) for w in self.WEIGHTS)
        sql = (
            f"SELECT rowid, bm25({FTS_TABLE}, {weights}) AS score FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY score, rowid LIMIT %s OFFSET %s"
        )
        page: list[Ranked] = []
        with connection.cursor() as cursor:
            for band, expression in enumerate(self.tiers(query)):
                tier = band // 2 + 1
                if offset:  # skip whole tiers before the page by counting them
                    before = self._count(expression)
                    if offset >= before:
                        offset -= before
                        continue
                cursor.execute(sql, [expression, size - len(page), offset])
                page += [(pk, score, tier) for pk, score in cursor.fetchall()]
                offset = 0
                if len(page) == size:
                    break
        return page
