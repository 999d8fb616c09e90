"""The tables of the full-text index, which the backends write and `visibility`'s triggers move
entries between."""

from __future__ import annotations

FTS_TABLE = "transcripts_quote_fts"
PG_TABLE = "transcripts_quote_search"
# the entries of hidden quotes, as their index writes them (plain tables: never searched)
HIDDEN = {"sqlite": "transcripts_quote_fts_hidden", "postgresql": "transcripts_quote_search_hidden"}
PG_PIECES = "transcripts_quote_search_piece"  # a very long quote's grams, in pieces

Ranked = tuple[int, float, int]  # (quote id, score: lower is better, tier: 1 ranks first)
# A word in a brief quote's entry (`documents.is_brief`), so it ranks after the others of its
# tier: a private-use character, never in our text nor in a query's words (FTS5 tokens column;
# a PostgreSQL lexeme of weight D, which ts_rank weighs 0 and no query names but the band's).
BRIEF = "\ue002"
