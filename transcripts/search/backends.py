"""The full-text index behind one small interface: SQLite FTS5 (the embedded default) or a
PostgreSQL tsvector with a GIN index. Both index the same pre-segmented documents and match the
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
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection

from .documents import RUN, Document
from .query import Query, Term

FTS_TABLE = "transcripts_quote_fts"
PG_TABLE = "transcripts_quote_search"
# the entries of hidden quotes, as their index writes them (plain tables: never searched)
HIDDEN = {"sqlite": "transcripts_quote_fts_hidden", "postgresql": "transcripts_quote_search_hidden"}
PG_PIECES = "transcripts_quote_search_piece"  # a very long quote's grams, in pieces


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
        """Insert documents (a hidden quote's entry goes aside), replacing older ones unless the
        caller knows there are none."""
        rows: dict[bool, list[tuple]] = {True: [], False: []}
        for d in documents:
            marked = (self.marked("tokens", d.tokens), self.marked("meta", d.meta))
            rows[d.visible].append((d.quote_id, d.grams, *marked))
        if not rows[True] and not rows[False]:
            return
        with connection.cursor() as cursor:
            if not fresh:
                self._delete(cursor, [row[0] for row in rows[True] + rows[False]])
            for table, key, batch in (
                (FTS_TABLE, "rowid", rows[True]),
                (HIDDEN["sqlite"], "quote_id", rows[False]),
            ):
                if batch:
                    cursor.executemany(
                        f"INSERT INTO {table} ({key}, grams, tokens, meta) VALUES (%s, %s, %s, %s)",
                        batch,
                    )

    def delete(self, quote_ids: Iterable[int]) -> None:
        ids = list(quote_ids)
        if ids:
            with connection.cursor() as cursor:
                self._delete(cursor, ids)

    @staticmethod
    def _delete(cursor, ids: list[int]) -> None:
        rows = [(pk,) for pk in ids]
        cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", rows)
        cursor.executemany(f"DELETE FROM {HIDDEN['sqlite']} WHERE quote_id = %s", rows)

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")
            cursor.execute(f"DELETE FROM {HIDDEN['sqlite']}")

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

    def ranked_index(self, query: Query, *, offset: int, size: int) -> list[tuple[int, float, int]]:
        """(quote id, score, tier) of one page, best first, from the index alone."""
        weights = ", ".join(str(w) for w in self.WEIGHTS)
        sql = (
            f"SELECT rowid, bm25({FTS_TABLE}, {weights}) AS score FROM {FTS_TABLE} "
            f"WHERE {FTS_TABLE} MATCH %s ORDER BY score, rowid LIMIT %s OFFSET %s"
        )
        page: list[tuple[int, float, int]] = []
        with connection.cursor() as cursor:
            for tier, expression in enumerate(self.tiers(query), start=1):
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


class PostgresBackend:
    """A tsvector per quote over the pre-segmented document: grams weighted A, metadata B, jieba
    tokens C; a GIN index; ts_rank to order.

    The tsvector and the tsquery are written as literals (`::tsvector`, `::tsquery`), not through
    `to_tsvector`/`to_tsquery`: the documents are already segmented, and PostgreSQL's parser
    would segment them again, its own way and per the database's locale (1e5x becomes the
    number 1e5 and the word x; code points it does not know as letters vanish, as do words
    over 2,047 bytes). Literals keep exactly our lexemes at exactly our positions, as FTS5 sees
    them.

    Limits of the format: a literal holds under 1 MB of lexemes, positions stop at 16383 and a
    lexeme keeps 256 of them. So a very long quote (over `PIECE_GRAMS` grams: a 200,000-character
    quote made a 1.2 MB literal) keeps only its metadata and first tokens in its row, for the
    tier and the score, and its grams go to `PG_PIECES` in overlapping pieces: any phrase a
    query can hold lies whole in one piece. Such a quote matches when every term is in one of
    its pieces and no excluded term in any (`_long_matches`); it ranks by its row.
    """

    # ts_rank weights {D, C, B, A}: tokens C, metadata B, grams A, in the ratios of
    # SQLiteBackend.WEIGHTS (bm25 grams 1.0, tokens 0.5, meta 2.0); each must be at most 1.
    RANK_WEIGHTS = "{0, 0.25, 1.0, 0.5}"
    # ts_rank normalisation 1: divide by 1 + log(document length), as bm25 favours short quotes
    RANK_NORMALIZATION = 1
    PIECE_GRAMS = 8000  # positions stay far below 16383, the metadata and tokens included
    PIECE_BYTES = 512 * 1024  # lexeme bytes per row (counted high), under the literal's 1 MB
    # A query holds at most 200 characters (query.MAX_LENGTH), so at most 200 grams in a row.
    OVERLAP = 256
    # Longer Latin words are cut: no query term is longer than 200 characters, so a cut word
    # matches exactly what the whole one would (PostgreSQL refuses lexemes over 2,047 bytes).
    MAX_WORD = 256

    def write(self, documents: Iterable[Document], *, fresh: bool = False) -> None:
        """Insert documents (a hidden quote's row goes aside), replacing older ones (and their
        pieces) unless the caller knows there are none."""
        rows: dict[bool, list[tuple]] = {True: [], False: []}
        pieces: list[tuple] = []
        for d in documents:
            vector, parts = self.vectors(d)
            rows[d.visible].append((d.quote_id, vector))
            pieces += [(d.quote_id, number, part) for number, part in enumerate(parts, 1)]
        ids = [row[0] for row in rows[True] + rows[False]]
        if not ids:
            return
        with connection.cursor() as cursor:
            if not fresh:
                self._delete(cursor, ids)
            for table, batch in ((PG_TABLE, rows[True]), (HIDDEN["postgresql"], rows[False])):
                if batch:
                    cursor.executemany(
                        f"INSERT INTO {table} (quote_id, document) VALUES (%s, %s::tsvector)", batch
                    )
            if pieces:
                cursor.executemany(
                    f"INSERT INTO {PG_PIECES} (quote_id, piece, document)"
                    " VALUES (%s, %s, %s::tsvector)",
                    pieces,
                )

    @classmethod
    def vectors(cls, document: Document) -> tuple[str, list[str]]:
        """The tsvector literal of a document's row, and of its pieces when it is too long for
        one. A row: grams at positions 1..n (A), then the metadata (B), then the jieba tokens
        (C), a position left free between parts. A lexeme may repeat: PostgreSQL merges its
        positions."""
        grams, meta = cls._words(document.grams), cls._words(document.meta)
        tokens = cls._words(" ".join(RUN.findall(document.tokens)))  # as FTS5: no punctuation
        if len(grams) <= cls.PIECE_GRAMS and _size(grams + meta + tokens) <= cls.PIECE_BYTES:
            return cls._literal(("A", grams), ("B", meta), ("C", tokens)), []
        tokens = _prefix(tokens, cls.PIECE_BYTES - _size(meta), cls.PIECE_GRAMS)
        return cls._literal(("B", meta), ("C", tokens)), [
            cls._literal(("A", piece)) for piece in cls._pieces(grams)
        ]

    @classmethod
    def _pieces(cls, grams: list[str]) -> list[list[str]]:
        """Pieces of at most PIECE_GRAMS grams and PIECE_BYTES bytes, each starting OVERLAP
        grams before the end of the one before."""
        pieces, start = [], 0
        while True:
            piece = _prefix(grams[start:], cls.PIECE_BYTES, cls.PIECE_GRAMS)
            pieces.append(piece)
            if start + len(piece) >= len(grams):
                return pieces
            start += len(piece) - cls.OVERLAP

    @classmethod
    def _words(cls, text: str) -> list[str]:
        if "'" in text or "\\" in text:  # never in our documents; for safety
            text = text.replace("\\", "\\\\").replace("'", "''")
        words = text.split()
        if max(map(len, words), default=0) > cls.MAX_WORD:  # rare
            words = [word[: cls.MAX_WORD] for word in words]
        return words

    @staticmethod
    def _literal(*parts: tuple[str, list[str]]) -> str:
        entries: list[str] = []
        position = 1
        for weight, words in parts:
            entries.extend(f"'{word}':{p}{weight}" for p, word in enumerate(words, position))
            position += len(words) + 1
        return " ".join(entries)

    def delete(self, quote_ids: Iterable[int]) -> None:
        ids = list(quote_ids)
        if ids:
            with connection.cursor() as cursor:
                self._delete(cursor, ids)

    @staticmethod
    def _delete(cursor, ids: list[int]) -> None:
        for table in (PG_TABLE, HIDDEN["postgresql"], PG_PIECES):
            cursor.execute(f"DELETE FROM {table} WHERE quote_id = ANY(%s)", [ids])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            for table in (PG_TABLE, HIDDEN["postgresql"], PG_PIECES):
                cursor.execute(f"DELETE FROM {table}")

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
        match, params = f"{PG_TABLE}.document @@ %s::tsquery", [expression]
        if long := self._long_matches(query):  # their rows hold no grams: named by id
            match, params = f"({match} OR {PG_TABLE}.quote_id = ANY(%s))", [expression, long]
        return quotes.extra(
            tables=[PG_TABLE],
            where=[f"{PG_TABLE}.quote_id = transcripts_quote.id", match],
            params=params,
            select={
                "tier": f"CASE WHEN {PG_TABLE}.document @@ %s::tsquery THEN 1 ELSE 2 END",
                "score": f"-ts_rank('{self.RANK_WEIGHTS}', {PG_TABLE}.document, %s::tsquery,"
                f" {self.RANK_NORMALIZATION})",
            },
            select_params=[self.metadata_expression(query), expression],
        ).order_by("tier", "score", "id")

    def _long_matches(self, query: Query) -> list[int]:
        """The very long quotes in the index that match (see the class docstring): every
        positive term in one of their pieces, no negative term in any. One query, on the
        pieces' own GIN index; nothing to read while no quote is that long."""
        terms = [(self._phrase(t, "A"), not t.negated) for t in query.terms]
        having = " AND ".join(
            ("" if positive else "NOT ") + "bool_or(p.document @@ %s::tsquery)"
            for _, positive in terms
        )
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT p.quote_id FROM {PG_PIECES} p WHERE p.document @@ %s::tsquery"
                f" AND EXISTS (SELECT 1 FROM {PG_TABLE} s WHERE s.quote_id = p.quote_id)"
                f" GROUP BY p.quote_id HAVING {having}",
                [" | ".join(phrase for phrase, _ in terms), *(phrase for phrase, _ in terms)],
            )
            return [pk for (pk,) in cursor.fetchall()]

    @staticmethod
    def _quoted(lexeme: str) -> str:
        """A lexeme in a tsvector/tsquery literal: in single quotes, quotes and backslashes
        doubled (ours hold only CJK characters, digits and a-z; this is for safety)."""
        if "'" in lexeme or "\\" in lexeme:
            lexeme = lexeme.replace("\\", "\\\\").replace("'", "''")
        return f"'{lexeme}'"


def _size(words: list[str]) -> int:
    return sum(map(len, words)) * 3  # bytes at most: CJK takes 3, the rest is ASCII


def _prefix(words: list[str], size: int, count: int) -> list[str]:
    """The longest start of `words` with at most `count` words and `size` bytes."""
    words = words[:count]
    if _size(words) <= size:
        return words
    total = 0
    for n, word in enumerate(words):
        total += len(word) * 3
        if total > size:
            return words[:n]
    return words


def backend() -> SQLiteBackend | PostgresBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise NotImplementedError(f"no search backend for {connection.vendor}")
