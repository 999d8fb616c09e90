"""The full-text index behind one small interface: SQLite FTS5 (the embedded default) or a
PostgreSQL tsvector with a GIN index. Both index the same pre-segmented documents and match the
same parsed query, so results are the same on both; only the SQL differs.

A backend writes and deletes documents, and narrows an ordinary `Quote` queryset (with the
reader's filters already applied) to the matching quotes (`matching`, for counts and facets)
and ranks them a page at a time (`ranked`): quotes whose speaker, topic or tags name a term
first, then the others, each by relevance (bm25 / ts_rank).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from django.db import connection

from .documents import RUN, Document
from .query import Query, Term

FTS_TABLE = "transcripts_quote_fts"
PG_TABLE = "transcripts_quote_search"


class SQLiteBackend:
    """FTS5, one row per quote (rowid = quote id), columns grams, tokens and meta."""

    # bm25 column weights: recall grams, jieba tokens, metadata (speaker, topic, tags)
    WEIGHTS = (1.0, 0.5, 2.0)
    # Jieba tokens and metadata are stored as index words of their own, a private-use character
    # before each (never in our text: documents hold CJK, digits and a-z), so a phrase in one
    # column reads only that column's postings: 模型 in a topic title is not the 模型 of the
    # text, and quotes whose metadata names a term are found without walking every quote that
    # says it. Punctuation tokens are dropped, as the tokenizer would drop them.
    MARKS = {"grams": "", "tokens": "\ue001", "meta": "\ue000"}

    @classmethod
    def marked(cls, column: str, text: str) -> str:
        mark = cls.MARKS[column]
        if not mark:
            return text
        words = RUN.findall(text)
        return mark + f" {mark}".join(words) if words else ""  # joined in C: the import's hot path

    def write(self, documents: Iterable[Document], *, fresh: bool = False) -> None:
        """Insert documents, replacing older ones unless the caller knows there are none."""
        rows = [
            (d.quote_id, d.grams, self.marked("tokens", d.tokens), self.marked("meta", d.meta))
            for d in documents
        ]
        if not rows:
            return
        with connection.cursor() as cursor:
            if not fresh:
                cursor.executemany(
                    f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", [(row[0],) for row in rows]
                )
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, grams, tokens, meta) VALUES (%s, %s, %s, %s)",
                rows,
            )

    def delete(self, quote_ids: Iterable[int]) -> None:
        ids = [(pk,) for pk in quote_ids]
        if ids:
            with connection.cursor() as cursor:
                cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", ids)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")

    def optimize(self) -> None:
        """Merge the index into one b-tree (after a rebuild: fewer segments to read per query)."""
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")

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

    def tiers(self, query: Query) -> tuple[str, str]:
        """The ranking in two tiers, each ordered by bm25: quotes whose speaker, topic or tags
        name a term first, then the others (where the jieba tokens add to the score). Together
        they are exactly the recall set. The first tier is small and cheap to rank; ranking
        the tokens in it too would double its cost and change little (its metadata dominates).
        """
        recall, meta = self.recall_expression(query), self.metadata_expression(query)
        return f"({recall}) AND {meta}", f"(({recall}) NOT {meta}) AND {self._boost(query)}"

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

    def matching(self, quotes, query: Query):
        """The matching quotes, unordered: for counting (a third of the ranked cost)."""
        return quotes.extra(
            tables=[FTS_TABLE],
            where=[f"{FTS_TABLE}.rowid = transcripts_quote.id", f"{FTS_TABLE} MATCH %s"],
            params=[self.recall_expression(query)],
        )

    def ranked(self, quotes, query: Query, *, offset: int, size: int):
        """(quote id, score, tier) of one page of the matching quotes (the reader's filters
        applied to `quotes`), ranked as `tiers` ranks them."""
        weights = ", ".join(str(w) for w in self.WEIGHTS)
        page: list[tuple[int, float, int]] = []
        for tier, expression in enumerate(self.tiers(query), start=1):
            in_tier = quotes.extra(
                tables=[FTS_TABLE],
                where=[f"{FTS_TABLE}.rowid = transcripts_quote.id", f"{FTS_TABLE} MATCH %s"],
                params=[expression],
            )
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

    # The fast path, for searches without reader filters: the index alone answers, and the few
    # hidden quotes (unpublished, or in an unpublished event) are skipped. Joining every match
    # to its quote and event costs a B-tree lookup per match; this costs none. Ranking a tier
    # costs bm25 over all of its quotes, so the first tier alone answers when it fills the page.

    # Hidden quotes come in runs of consecutive ids (a draft event's quotes were written
    # together), so they are subtracted as a few rowid ranges that FTS5 seeks to directly.
    MAX_HIDDEN_RANGES = 64

    def hidden_signature(self) -> tuple:
        """What changes whenever the set of hidden quotes does, read from small indexes in one
        query: the draft events with their `updated_at`, count, sum and highest id of the
        unpublished quotes (a partial index), and the highest quote id. Quotes join a draft
        event as new rows (ids grow: SQLite's AUTOINCREMENT never reuses one) or by a save that
        touches the event (`signals`); publishing flags change the first two parts, even when
        set with a bulk `update()`."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT (SELECT group_concat(id || '@' || updated_at) FROM (SELECT id, updated_at"
                " FROM transcripts_event WHERE NOT published ORDER BY id)),"
                " (SELECT count(*) || ',' || coalesce(sum(id), 0) || ',' || coalesce(max(id), 0)"
                " FROM transcripts_quote WHERE NOT published),"
                " (SELECT max(id) FROM transcripts_quote)"
            )
            return cursor.fetchone()

    def count_visible(self, query: Query, hidden: frozenset[int]) -> int:
        return self._count(self.recall_expression(query), hidden)

    def _count(self, expression: str, hidden: frozenset[int]) -> int:
        count = f"SELECT count(*) FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s"
        ranges = _hidden_ranges(hidden)
        with connection.cursor() as cursor:
            if len(ranges) > self.MAX_HIDDEN_RANGES:  # scattered: subtract them one by one
                cursor.execute(count.replace("count(*)", "rowid"), [expression])
                return sum(1 for (pk,) in cursor.fetchall() if pk not in hidden)
            # all matches minus the matches inside each hidden range, in one statement
            sql = f"SELECT ({count})" + f" - ({count} AND rowid BETWEEN %s AND %s)" * len(ranges)
            params = [expression]
            for low, high in ranges:
                params += [expression, low, high]
            cursor.execute(sql, params)
            return cursor.fetchone()[0]

    def ranked_visible(
        self, query: Query, hidden: frozenset[int], *, offset: int, size: int
    ) -> list[tuple[int, float, int]]:
        """(quote id, score, tier) of one page, best first, hidden quotes skipped."""
        page: list[tuple[int, float, int]] = []
        for tier, expression in enumerate(self.tiers(query), start=1):
            if offset:  # skip whole tiers before the page by counting them
                before = self._count(expression, hidden)
                if offset >= before:
                    offset -= before
                    continue
            rows = self._ranked(expression, hidden, offset=offset, size=size - len(page))
            page += [(pk, score, tier) for pk, score in rows]
            offset = 0
            if len(page) == size:
                break
        return page

    def _ranked(
        self, expression: str, hidden: frozenset[int], *, offset: int, size: int
    ) -> list[tuple[int, float]]:
        weights = ", ".join(str(w) for w in self.WEIGHTS)
        want, limit = offset + size, offset + size + 64
        sql = (
            f"SELECT rowid, bm25({FTS_TABLE}, {weights}) AS score FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY score, rowid LIMIT %s"
        )
        with connection.cursor() as cursor:
            while True:
                cursor.execute(sql, [expression, limit])
                rows = cursor.fetchall()
                visible = [row for row in rows if row[0] not in hidden]
                if len(visible) >= want or len(rows) < limit:
                    return visible[offset:want]
                limit *= 4


class PostgresBackend:
    """A tsvector per quote over the pre-segmented document: grams weighted A, metadata B, jieba
    tokens C; a GIN index; ts_rank to order.

    The tsvector and the tsquery are written as literals (`::tsvector`, `::tsquery`), not through
    `to_tsvector`/`to_tsquery`: the documents are already segmented, and PostgreSQL's parser
    would segment them again, its own way and per the database's locale (1e5x becomes the
    number 1e5 and the word x; code points it does not know as letters vanish, as do words
    over 2,047 bytes). Literals keep exactly our lexemes at exactly our positions, as FTS5 sees
    them. Limits of the format: positions stop at 16383 and a lexeme keeps at most 256 of them,
    so a phrase beyond ~16,000 grams into one quote is not found.
    """

    # ts_rank weights {D, C, B, A}: tokens C, metadata B, grams A, in the ratios of
    # SQLiteBackend.WEIGHTS (bm25 grams 1.0, tokens 0.5, meta 2.0); each must be at most 1.
    RANK_WEIGHTS = "{0, 0.25, 1.0, 0.5}"
    # ts_rank normalisation 1: divide by 1 + log(document length), as bm25 favours short quotes
    RANK_NORMALIZATION = 1
    MAX_LEXEME_BYTES = 2046  # PostgreSQL refuses longer lexemes

    def write(self, documents: Iterable[Document], *, fresh: bool = False) -> None:
        rows = [(d.quote_id, self.vector(d)) for d in documents]
        if not rows:
            return
        with connection.cursor() as cursor:
            cursor.executemany(
                f"""INSERT INTO {PG_TABLE} (quote_id, document) VALUES (%s, %s::tsvector)
                    ON CONFLICT (quote_id) DO UPDATE SET document = EXCLUDED.document""",
                rows,
            )

    @classmethod
    def vector(cls, document: Document) -> str:
        """The tsvector literal of a document: grams at positions 1..n (A), then the metadata
        (B), then the jieba tokens (C), a position left free between parts. A lexeme may repeat:
        PostgreSQL merges its positions, clamps them at 16383 and keeps 256 of them."""

        entries: list[str] = []
        position = 1
        for weight, text in (
            ("A", document.grams),
            ("B", document.meta),
            # as the FTS5 tokenizer does: drop the punctuation tokens
            ("C", " ".join(RUN.findall(document.tokens))),
        ):
            if "'" in text or "\\" in text:  # never in our documents; for safety
                text = text.replace("\\", "\\\\").replace("'", "''")
            words = text.split()
            if max(map(len, words), default=0) > cls.MAX_LEXEME_BYTES // 3:  # rare
                words = [w for w in words if len(w.encode()) <= cls.MAX_LEXEME_BYTES]
            entries.extend(f"'{word}':{p}{weight}" for p, word in enumerate(words, position))
            position += len(words) + 1
        return " ".join(entries)

    def delete(self, quote_ids: Iterable[int]) -> None:
        ids = list(quote_ids)
        if ids:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {PG_TABLE} WHERE quote_id = ANY(%s)", [ids])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {PG_TABLE}")

    def optimize(self) -> None:
        """Nothing to do: autovacuum keeps the GIN index (ANALYZE runs on its own schedule)."""

    def match_expression(self, query: Query) -> str:
        """A tsquery literal. Recall: every positive term as a phrase of grams (A), minus the
        negated ones. Ranking: the same phrases, in the metadata too (B), and their jieba tokens
        (C), ORed (which keeps the recall set)."""
        recall = " & ".join(self._phrase(t, "A") for t in query.positive)
        for term in query.negative:
            recall += f" & !{self._phrase(term, 'A')}"
        boost = []
        for term in query.positive:
            boost += [self._phrase(term, "A"), self._phrase(term, "B")]
            boost += [f"{self._quoted(token)}:C" for token in term.tokens]
        return f"({recall}) & ({' | '.join(boost)})"

    @staticmethod
    def _phrase(term: Term, weight: str) -> str:
        """The term's phrase of grams, or any of its synonyms' (a tag's name and aliases)."""
        phrases = []
        for variant in (term, *term.alternatives):
            grams = [f"{PostgresBackend._quoted(gram)}:{weight}" for gram in variant.grams]
            if variant.prefix:
                grams[-1] = f"{PostgresBackend._quoted(variant.grams[-1])}:*{weight}"
            phrases.append("(" + " <-> ".join(grams) + ")")
        return phrases[0] if len(phrases) == 1 else "(" + " | ".join(phrases) + ")"

    def matching(self, quotes, query: Query):
        return self.narrow(quotes, query).order_by()

    def ranked(self, quotes, query: Query, *, offset: int, size: int):
        rows = self.narrow(quotes, query).values_list("id", "score", "tier")
        return list(rows[offset : offset + size])

    def metadata_expression(self, query: Query) -> str:
        """A positive term (or a synonym) in the quote's speaker, topic or tags (B)."""
        return "(" + " | ".join(self._phrase(t, "B") for t in query.positive) + ")"

    def narrow(self, quotes, query: Query):
        """Ranked as SQLiteBackend.tiers ranks: metadata matches first, then by ts_rank."""
        expression = self.match_expression(query)
        return quotes.extra(
            tables=[PG_TABLE],
            where=[
                f"{PG_TABLE}.quote_id = transcripts_quote.id",
                f"{PG_TABLE}.document @@ %s::tsquery",
            ],
            params=[expression],
            select={
                "tier": f"CASE WHEN {PG_TABLE}.document @@ %s::tsquery THEN 1 ELSE 2 END",
                "score": f"-ts_rank('{self.RANK_WEIGHTS}', {PG_TABLE}.document, %s::tsquery,"
                f" {self.RANK_NORMALIZATION})",
            },
            select_params=[self.metadata_expression(query), expression],
        ).order_by("tier", "score", "id")

    @staticmethod
    def _quoted(lexeme: str) -> str:
        """A lexeme in a tsvector/tsquery literal: in single quotes, quotes and backslashes
        doubled (ours hold only CJK characters, digits and a-z; this is for safety)."""
        if "'" in lexeme or "\\" in lexeme:
            lexeme = lexeme.replace("\\", "\\\\").replace("'", "''")
        return f"'{lexeme}'"


def id_ranges(ids: Iterable[int]) -> list[tuple[int, int]]:
    """Sorted ids as (first, last) runs of consecutive ids: {1, 2, 3, 7} → [(1, 3), (7, 7)]."""
    ranges: list[list[int]] = []
    for pk in sorted(ids):
        if ranges and ranges[-1][1] == pk - 1:
            ranges[-1][1] = pk
        else:
            ranges.append([pk, pk])
    return [(low, high) for low, high in ranges]


@lru_cache(maxsize=4)
def _hidden_ranges(hidden: frozenset[int]) -> list[tuple[int, int]]:
    """id_ranges of the hidden set, computed once per set (the service keeps the same frozenset
    until the hidden quotes change; a frozenset keeps its hash)."""
    return id_ranges(hidden)


def backend() -> SQLiteBackend | PostgresBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise NotImplementedError(f"no search backend for {connection.vendor}")
