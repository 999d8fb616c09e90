"""The PostgreSQL backend: tsvectors per quote with GIN indexes, matched with `@@` and ranked by
ts_rank (see `PostgresBackend`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection

from ..documents import Document
from ..query import Query, Term
from .tables import HIDDEN, PG_PIECES, PG_TABLE, Ranked

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ...models import Quote


class PostgresBackend:
    """Per quote: its grams with positions and no weights (`recall`, GIN-indexed), its metadata
    grams (`meta`, the speaker's, topic's and tags' names, GIN-indexed) and whether it is brief.
    `@@` matches; metadata matches rank first (tier 1), brief quotes after the others of their
    tier, then ts_rank over the grams.

    Without weight labels the GIN index decides a plain word alone (a weighted query made it
    re-read every candidate's stored vector); a phrase (a term of several grams) still reads
    its candidates' `recall`, which holds the grams and nothing else.

    The tsvector and the tsquery are written as literals (`::tsvector`, `::tsquery`), not through
    `to_tsvector`/`to_tsquery`: the documents are already segmented, and PostgreSQL's parser
    would segment them again, its own way and per the database's locale (1e5x becomes the
    number 1e5 and the word x; code points it does not know as letters vanish, as do words
    over 2,047 bytes). Literals keep exactly our lexemes at exactly our positions, as FTS5 sees
    them.

    Limits of the format: a literal holds under 1 MB of lexemes, positions stop at 16383 and a
    lexeme keeps 256 of them. So a very long quote (over `PIECE_GRAMS` grams: a 200,000-character
    quote made a 1.2 MB literal) keeps no grams in its row, only its metadata, and its grams go
    to `PG_PIECES` in overlapping pieces: any phrase a query can hold lies whole in one piece.
    Such a quote matches when every term is in one of its pieces and no excluded term in any
    (`_long_matches`).
    """

    # ts_rank normalisation 1: divide by 1 + log(document length), as bm25 favours short quotes
    RANK_NORMALIZATION = 1
    PIECE_GRAMS = 8000  # positions stay far below 16383
    PIECE_BYTES = 512 * 1024  # lexeme bytes per row (counted high), under the literal's 1 MB
    # A query holds at most 200 characters (query.MAX_LENGTH), so at most 200 grams in a row.
    OVERLAP = 256
    # Longer Latin words are cut: no query term is longer than 200 characters, so a cut word
    # matches exactly what the whole one would (PostgreSQL refuses lexemes over 2,047 bytes).
    MAX_WORD = 256
    TABLES = (PG_TABLE, HIDDEN["postgresql"], PG_PIECES)

    def write(self, documents: Iterable[Document], *, fresh: bool = False) -> None:
        """Insert documents (a hidden quote's row goes aside), replacing older ones (and their
        pieces) unless the caller knows there are none."""
        rows: dict[bool, list[tuple]] = {True: [], False: []}
        pieces: list[tuple] = []
        for d in documents:
            recall, meta, parts = self.vectors(d)
            rows[d.visible].append((d.quote_id, recall, meta, d.brief))
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
                        f"INSERT INTO {table} (quote_id, recall, meta, brief)"
                        " VALUES (%s, %s::tsvector, %s::tsvector, %s)",
                        batch,
                    )
            if pieces:
                cursor.executemany(
                    f"INSERT INTO {PG_PIECES} (quote_id, piece, document)"
                    " VALUES (%s, %s, %s::tsvector)",
                    pieces,
                )

    @classmethod
    def vectors(cls, document: Document) -> tuple[str, str, list[str]]:
        """The tsvector literals of a document's grams and metadata, and its grams' pieces when
        they are too long for one row (the row's grams are then empty). A lexeme may repeat:
        PostgreSQL merges its positions."""
        grams, meta = cls._words(document.grams), cls._literal(cls._words(document.meta))
        if len(grams) <= cls.PIECE_GRAMS and _size(grams) <= cls.PIECE_BYTES:
            return cls._literal(grams), meta, []
        return "", meta, [cls._literal(piece) for piece in cls._pieces(grams)]

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
    def _literal(words: list[str]) -> str:
        return " ".join(f"'{word}':{p}" for p, word in enumerate(words, 1))

    def delete(self, quote_ids: Iterable[int]) -> None:
        ids = list(quote_ids)
        if ids:
            with connection.cursor() as cursor:
                self._delete(cursor, ids)

    @classmethod
    def _delete(cls, cursor, ids: list[int]) -> None:
        for table in cls.TABLES:
            cursor.execute(f"DELETE FROM {table} WHERE quote_id = ANY(%s)", [ids])

    def clear(self) -> None:
        with connection.cursor() as cursor:
            for table in self.TABLES:
                cursor.execute(f"DELETE FROM {table}")

    def optimize(self) -> None:
        self.analyze()

    def analyze(self) -> None:
        """ANALYZE the index's tables: after a bulk load the planner otherwise guesses a
        common word matches a few hundred rows where it matches tens of thousands, and picks
        plans for the few hundred."""
        with connection.cursor() as cursor:
            for table in self.TABLES:
                cursor.execute(f"ANALYZE {table}")

    def index_size(self) -> int:
        """Bytes the index takes on disk: its tables, their TOAST and their indexes."""
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT sum(pg_total_relation_size(t)) FROM unnest(%s::regclass[]) t",
                [list(self.TABLES)],
            )
            return int(cursor.fetchone()[0] or 0)

    def recall_expression(self, query: Query) -> str:
        """A tsquery literal: every positive term as a phrase of grams, minus the negated ones."""
        recall = " & ".join(self._phrase(t) for t in query.positive)
        for term in query.negative:
            recall += f" & !{self._phrase(term)}"
        return recall

    def metadata_expression(self, query: Query) -> str:
        """A positive term (or a synonym) in the quote's speaker, topic or tags."""
        return " | ".join(self._phrase(t) for t in query.positive)

    @staticmethod
    def _phrase(term: Term) -> str:
        """The term's phrase of grams, or any of its synonyms' (a tag's name and aliases)."""
        phrases = []
        for variant in (term, *term.alternatives):
            grams = [PostgresBackend._quoted(gram) for gram in variant.grams]
            if variant.prefix:
                grams[-1] += ":*"
            phrases.append("(" + " <-> ".join(grams) + ")")
        return phrases[0] if len(phrases) == 1 else "(" + " | ".join(phrases) + ")"

    def _match(self, query: Query, alias: str) -> tuple[str, list]:
        """The condition on the index row `alias` and its parameters."""
        match, params = f"{alias}.recall @@ %s::tsquery", [self.recall_expression(query)]
        if long := self._long_matches(query):  # their rows hold no grams: named by id
            match, params = f"({match} OR {alias}.quote_id = ANY(%s))", [*params, long]
        return match, params

    def matching(self, quotes: QuerySet[Quote], query: Query) -> QuerySet[Quote]:
        match, params = self._match(query, PG_TABLE)
        return quotes.extra(
            tables=[PG_TABLE],
            where=[f"{PG_TABLE}.quote_id = transcripts_quote.id", match],
            params=params,
        ).order_by()

    def ranked(
        self, quotes: QuerySet[Quote], query: Query, *, offset: int, size: int
    ) -> list[Ranked]:
        """One page of the matching quotes (the reader's filters applied to `quotes`), ranked
        as `SQLiteBackend.tiers` ranks: metadata matches first, then the others; in each, brief
        quotes after the rest; then by ts_rank."""
        match, params = self._match(query, PG_TABLE)
        rows = quotes.extra(
            tables=[PG_TABLE],
            where=[f"{PG_TABLE}.quote_id = transcripts_quote.id", match],
            params=params,
            select={
                "tier": f"CASE WHEN {PG_TABLE}.meta @@ %s::tsquery THEN 1 ELSE 2 END",
                "brief": f"{PG_TABLE}.brief",
                "score": f"-ts_rank({PG_TABLE}.recall, %s::tsquery, {self.RANK_NORMALIZATION})",
            },
            select_params=[self.metadata_expression(query), self.recall_expression(query)],
        ).order_by("tier", "brief", "score", "id")
        return list(rows.values_list("id", "score", "tier")[offset : offset + size])

    # The fast path, for searches without reader filters: the index holds only what readers
    # may see, so it answers alone, joining no quote or event. The page is found band by band
    # (tier 1, then 2; each the substantive quotes, then the brief), so a tier that fills the
    # page leaves the next unranked.

    def count_index(self, query: Query) -> int:
        match, params = self._match(query, "s")
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT count(*) FROM {PG_TABLE} s WHERE {match}", params)
            return cursor.fetchone()[0]

    def groups_index(self, query: Query) -> list[tuple[int, int, int]]:
        """(speaker id, event id, matches) per pair, from one walk over the matches."""
        match, params = self._match(query, "s")
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT q.speaker_id, q.event_id, count(*) FROM {PG_TABLE} s"
                f" JOIN transcripts_quote q ON q.id = s.quote_id WHERE {match}"
                " GROUP BY q.speaker_id, q.event_id",
                params,
            )
            return cursor.fetchall()

    def ranked_index(self, query: Query, *, offset: int, size: int) -> list[Ranked]:
        """(quote id, score, tier) of one page, best first, from the index alone."""
        match, params = self._match(query, "s")
        meta, recall = self.metadata_expression(query), self.recall_expression(query)
        page: list[Ranked] = []
        with connection.cursor() as cursor:
            for band, (in_meta, brief) in enumerate(BANDS):
                where = (
                    f" FROM {PG_TABLE} s WHERE {match} AND {'' if in_meta else 'NOT '}"
                    f"s.meta @@ %s::tsquery AND {'' if brief else 'NOT '}s.brief"
                )
                if offset:  # skip whole bands before the page by counting them
                    cursor.execute(f"SELECT count(*){where}", [*params, meta])
                    before = cursor.fetchone()[0]
                    if offset >= before:
                        offset -= before
                        continue
                cursor.execute(
                    f"SELECT s.quote_id, -ts_rank(s.recall, %s::tsquery,"
                    f" {self.RANK_NORMALIZATION}) AS score{where}"
                    " ORDER BY score, s.quote_id LIMIT %s OFFSET %s",
                    [recall, *params, meta, size - len(page), offset],
                )
                page += [(pk, score, band // 2 + 1) for pk, score in cursor.fetchall()]
                offset = 0
                if len(page) == size:
                    break
        return page

    def _long_matches(self, query: Query) -> list[int]:
        """The very long quotes in the index that match (see the class docstring): every
        positive term in one of their pieces, no negative term in any. One query, on the
        pieces' own GIN index; nothing to read while no quote is that long."""
        terms = [(self._phrase(t), not t.negated) for t in query.terms]
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


# the bands of the ranking, in order: (in tier 1: a term in the metadata, brief)
BANDS = ((True, False), (True, True), (False, False), (False, True))


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
