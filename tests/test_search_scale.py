"""Search at the scale of one file: a 200,000-character quote is indexed and found wherever a word
is in it, and a large unpublished event costs searches nothing. On SQLite and (make
test-postgres) on PostgreSQL, where such a quote was too long for one tsvector."""

from __future__ import annotations

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from transcripts.filters import QuoteFilters
from transcripts.models import Event, Quote
from transcripts.search import service
from transcripts.search.backends import PostgresBackend

from .factories import import_demo, make_event

pytestmark = pytest.mark.django_db
LENGTH = 200_000
# words whose characters the filler never uses, so each is found exactly where it was put
WORDS = ("量子纠缠", "拓扑绝缘体", "引力波探测", "暗物质晕", "超导量子比特")
# where a word could straddle a piece of a long quote on PostgreSQL: both ends of the overlap
STEP = PostgresBackend.PIECE_GRAMS - PostgresBackend.OVERLAP
EDGES = (STEP - 2, PostgresBackend.PIECE_GRAMS - 2, 3 * STEP - 2, 3 * STEP + 250)


def long_text(placed: dict[int, str], length: int = LENGTH) -> str:
    """`length` characters of CJK filler from a fixed seed (every bigram nearly new: the worst
    case for the index), with each word of `placed` at its offset."""
    rng = random.Random(12)
    filler = [chr(c) for c in range(0x4E00, 0x4E00 + 3000)]  # 一..: none of WORDS' characters
    chars = rng.choices(filler, k=length)
    for offset, word in placed.items():
        chars[offset : offset + len(word)] = word
    return "".join(chars[:length])


@pytest.fixture
def long_quote() -> Quote:
    event = make_event(quotes=12, slug="long")
    quote = event.quotes.get(number=5)
    quote.text = long_text({0: WORDS[0], LENGTH // 2: WORDS[1], LENGTH - 5: WORDS[2]})
    quote.save()  # indexed by the post_save receiver
    return quote


def found(query: str, **filters) -> list[int]:
    results = service.quote_search(query, QuoteFilters(**filters), page_size=200)
    assert results.count == len(results.hits)
    return [hit.quote.pk for hit in results.hits]


def test_a_200000_character_quote_is_found_wherever_a_word_is(long_quote):
    for word in WORDS[:3]:
        assert found(word) == found(word, event="long") == [long_quote.pk], word
    assert found(WORDS[3]) == []
    assert found(f'"{WORDS[1][1:4]}"') == [long_quote.pk]  # inside the word, as a phrase
    hit = service.quote_search(WORDS[2]).hits[0]
    assert f"<mark>{WORDS[2]}</mark>" in hit.snippet


def test_words_far_apart_in_a_long_quote_combine_and_exclude_exactly(long_quote):
    """Every word must be somewhere in the quote; an excluded word anywhere in it excludes it."""
    assert found(f"{WORDS[0]} {WORDS[2]}") == [long_quote.pk]
    assert found(f"{WORDS[0]} -{WORDS[2]}") == []
    assert found(f"{WORDS[2]} -{WORDS[3]}") == [long_quote.pk]
    assert found(f"{WORDS[0]} {WORDS[3]}") == []


def test_a_word_is_found_at_every_edge_between_pieces():
    """PostgreSQL keeps a long quote's grams in overlapping pieces: a word across the end of one
    piece is whole in the next. (SQLite keeps the quote whole; the same answers.)"""
    event = make_event(quotes=len(EDGES), slug="edges")
    quotes = list(event.quotes.order_by("number"))
    for quote, edge in zip(quotes, EDGES, strict=True):
        quote.text = long_text({edge: WORDS[4]}, length=40_000)
        quote.save()
    assert sorted(found(WORDS[4])) == sorted(q.pk for q in quotes)
    assert sorted(found(f'"{WORDS[4][:3]}"')) == sorted(q.pk for q in quotes)


def test_a_long_quote_is_hidden_and_published_with_its_event(long_quote):
    Event.objects.filter(slug="long").update(published=False)
    assert found(WORDS[1]) == []
    Event.objects.filter(slug="long").update(published=True)
    assert found(WORDS[1]) == [long_quote.pk]


def test_the_admin_saves_a_200000_character_quote_and_search_finds_it(admin_client):
    """It failed on PostgreSQL ("string is too long for tsvector"), shown as "database
    unavailable"."""
    quote = make_event(quotes=12, slug="long").quotes.get(number=5)
    url = f"/admin/transcripts/quote/{quote.pk}/change/"
    form = admin_client.get(url).context["adminform"].form
    data = {name: form[name].value() for name in form.fields}
    data = {name: "" if value is None else value for name, value in data.items()}
    data.update(tags="", published="on", text=long_text({LENGTH - 5: WORDS[2]}))
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[-500:]
    assert Quote.objects.get(pk=quote.pk).text.endswith(WORDS[2])
    assert found(WORDS[2]) == [quote.pk]


def test_a_large_draft_changes_nothing_a_search_does():
    """Hidden quotes are not in the index: with a draft event beside the published ones, a
    search runs the very same statements, with the same answers, as without it."""
    import_demo()

    def search() -> tuple[list[str], int]:
        with CaptureQueriesContext(connection) as queries:
            results = service.quote_search("模型", page_size=20)
            count, _ = results.count, results.hits
        return [q["sql"] for q in queries.captured_queries], count

    search()  # loads the segmentation vocabulary and the speakers' names
    before, count = search()
    make_event(quotes=600, slug="draft", published=False)
    search()  # the draft's speakers are new names
    after, count_after = search()
    assert after == before and count_after == count


def test_importing_a_file_with_a_300000_character_quote_indexes_it(tmp_path):
    """As the hardening check does it: the import writes and indexes it in one transaction."""
    import json

    from django.core.management import call_command

    event = {
        "event": {"title": "长发言", "slug": "changfayan", "published": True},
        "speakers": [{"name": "陈老师", "slug": "chen", "role": "guest"}],
        "quotes": [
            {"number": 1, "speaker": "chen", "text": "数据" * 150_000 + WORDS[2]},
            {"number": 2, "speaker": "chen", "text": "谢谢大家。"},
        ],
    }
    path = tmp_path / "long.json"
    path.write_text(json.dumps(event, ensure_ascii=False), encoding="utf-8")
    call_command("import_event", str(path), stdout=None)
    quote = Quote.objects.get(event__slug="changfayan", number=1)
    assert found(WORDS[2]) == found(f"数据 {WORDS[2]}") == [quote.pk]
    assert found('"数据据"') == []  # no such phrase: 据 is followed by 数 only
