"""The SQLite index stores jieba tokens and metadata as marked words of their own
(`SQLiteBackend.MARKS`): rewrite the rows already there. PostgreSQL keeps its weights."""

import re

from django.db import migrations

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
RUN = re.compile(rf"[{CJK}]+|[0-9a-z]+")  # as transcripts.search.documents.RUN, frozen here
TOKEN, META = "\ue001", "\ue000"
BATCH = 2000


def _marked(mark: str, text: str) -> str:
    return " ".join(mark + word for word in RUN.findall(text))


def mark_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        last = 0
        while True:
            cursor.execute(
                "SELECT rowid, grams, tokens, meta FROM transcripts_quote_fts"
                " WHERE rowid > %s ORDER BY rowid LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            fresh = [
                (pk, grams, _marked(TOKEN, tokens), _marked(META, meta))
                for pk, grams, tokens, meta in rows
                if not tokens.startswith(TOKEN) and not meta.startswith(META)
            ]
            cursor.executemany(
                "DELETE FROM transcripts_quote_fts WHERE rowid = %s", [(row[0],) for row in fresh]
            )
            cursor.executemany(
                "INSERT INTO transcripts_quote_fts (rowid, grams, tokens, meta)"
                " VALUES (%s, %s, %s, %s)",
                fresh,
            )
            last = rows[-1][0]
        # every row was rewritten: merge the index back into one b-tree
        cursor.execute(
            "INSERT INTO transcripts_quote_fts (transcripts_quote_fts) VALUES ('optimize')"
        )


def unmark_columns(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(
            "UPDATE transcripts_quote_fts SET tokens = replace(tokens, %s, ''),"
            " meta = replace(meta, %s, '')",
            [TOKEN, META],
        )


class Migration(migrations.Migration):
    dependencies = [("transcripts", "0006_quote_position_redirects")]

    operations = [migrations.RunPython(mark_columns, unmark_columns)]
