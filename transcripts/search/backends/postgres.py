"""The PostgreSQL backend: a tsvector per quote with a GIN index, matched with `@@` and ranked by
ts_rank (see `PostgresBackend`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import connection

from ..documents import RUN, Document
from ..query import Query, Term
from .tables import BRIEF, HIDDEN, PG_PIECES, PG_TABLE, Ranked

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from ...models import Quote


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
        brief = ("D", [BRIEF] if document.brief else [])  # ranks after the others of its tier
        if len(grams) <= cls.PIECE_GRAMS and _size(grams + meta + tokens) <= cls.PIECE_BYTES:
            return cls._literal(("A", grams), ("B", meta), ("C", tokens), brief), []
        tokens = _prefix(tokens, cls.PIECE_BYTES - _size(meta) - 3, cls.PIECE_GRAMS)
        return cls._literal(("B", meta), ("C", tokens), brief), [
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

    def matching(self, quotes: QuerySet[Quote], query: Query) -> QuerySet[Quote]:
        return self.narrow(quotes, query).order_by()

    def ranked(
        self, quotes: QuerySet[Quote], query: Query, *, offset: int, size: int
    ) -> list[Ranked]:
        rows = self.narrow(quotes, query).values_list("id", "score", "tier")
        return list(rows[offset : offset + size])

    def metadata_expression(self, query: Query) -> str:
        """A positive term (or a synonym) in the quote's speaker, topic or tags (B)."""
        return "(" + " | ".join(self._phrase(t, "B") for t in query.positive) + ")"

    def narrow(self, quotes: QuerySet[Quote], query: Query) -> QuerySet[Quote]:
        """Ranked as SQLiteBackend.tiers ranks: metadata matches first, then the others; in
        each, brief quotes after the rest; then by ts_rank."""
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
                # brief quotes (a line, a host's short question) after the others of a tier
                "brief": f"{PG_TABLE}.document @@ %s::tsquery",
                "score": f"-ts_rank('{self.RANK_WEIGHTS}', {PG_TABLE}.document, %s::tsquery,"
                f" {self.RANK_NORMALIZATION})",
            },
            select_params=[self.metadata_expression(query), self._quoted(BRIEF), expression],
        ).order_by("tier", "brief", "score", "id")

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
