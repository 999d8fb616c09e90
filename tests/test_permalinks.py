"""Quote permalinks survive corrected re-imports: `import_event --replace` keeps the number (and
URL) of every quote still there, gives new quotes numbers the event never used, and answers 301
from a removed or merged quote's old number to the quote its readers should see.

The transcript (tests/data/permalinks/) is ours. Version 2 corrects version 1 the ways editors
do: a typo fixed (3), a quote inserted near the start, an interjection removed (6), and a line
wrongly labelled 观众 (9) merged back into the turn it belongs to (8).
"""

from __future__ import annotations

import json
import re

import pytest
from django.core.management import call_command

from transcripts import event_import
from transcripts.alignment import align
from transcripts.models import Event, Quote, QuoteRedirect

from .conftest import DATA, export_all, run_command

pytestmark = pytest.mark.django_db

V1 = DATA / "permalinks" / "salon_v1.txt"
V2 = DATA / "permalinks" / "salon_v2.txt"
V1_TEXTS = {
    1: "欢迎大家来到今天的沙龙",
    2: "谢谢主持人。我先说数据",
    4: "那评测呢？现在的榜单还可信吗？",
    5: "榜单只能参考",
    7: "最后一个问题",
    10: "闭源模型在产品体验上仍然领先",
    11: "感谢三位嘉宾",
}
# Version 2 in reading order: the inserted quote is new (12); 6 and 9 are gone.
V2_NUMBERS = [1, 12, 2, 3, 4, 5, 7, 8, 10, 11]


def import_file(path, *options) -> Event:
    run_command("import_event", str(path), *options)
    event = Event.objects.get()
    if not event.published:
        event.published = True
        event.save()
    return event


def quote_url(event: Event, number: int) -> str:
    return f"/events/{event.slug}/q/{number}/"


def reading_order(client, event: Event) -> list[int]:
    html = client.get(event.get_absolute_url()).content.decode()
    return [int(n) for n in re.findall(r'data-quote="(\d+)"', html)]


@pytest.fixture
def replaced(client):
    """Version 1 imported and read (links shared, a tag, a takedown), then version 2 over it."""
    event = import_file(V1)
    assert reading_order(client, event) == list(range(1, 12))
    Quote.objects.get(number=3).tags.add("合成数据")
    hidden = Quote.objects.get(number=10)
    hidden.published = False
    hidden.save()
    import_file(V2, "--replace")
    return Event.objects.get()


def test_unchanged_quotes_keep_their_urls_and_words(client, replaced):
    for number, words in V1_TEXTS.items():
        if number == 10:
            continue  # taken down by an editor, and still so (below)
        response = client.get(quote_url(replaced, number))
        assert response.status_code == 200, number
        assert words in response.content.decode()


def test_a_corrected_quote_keeps_its_number_tags_and_the_editors_takedown(client, replaced):
    corrected = Quote.objects.get(event=replaced, number=3)
    assert "模型崩溃" in corrected.text
    assert list(corrected.tags.names()) == ["合成数据"]
    assert "模型崩溃" in client.get(quote_url(replaced, 3)).content.decode()
    assert not Quote.objects.get(number=10).published
    assert client.get(quote_url(replaced, 10)).status_code == 404


def test_removed_and_merged_quotes_redirect_to_the_right_quote(client, replaced):
    removed = client.get(quote_url(replaced, 6))
    assert removed.status_code == 301
    assert removed["Location"] == quote_url(replaced, 7)  # the next quote that survived
    merged = client.get(quote_url(replaced, 9))
    assert merged.status_code == 301
    assert merged["Location"] == quote_url(replaced, 8)  # the quote that took in its words
    landing = client.get(quote_url(replaced, 8)).content.decode()
    assert "我认为差距在缩小，尤其是在中文任务上" in landing
    assert client.get(quote_url(replaced, 99)).status_code == 404


def test_new_quotes_get_fresh_numbers_and_the_page_reads_in_the_new_order(client, replaced):
    inserted = Quote.objects.get(event=replaced, text__startswith="先做个自我介绍")
    assert inserted.number == 12 and inserted.position == 2
    assert reading_order(client, replaced) == [n for n in V2_NUMBERS if n != 10]
    assert [q.number for q in replaced.quotes.all()] == V2_NUMBERS
    assert [q.position for q in replaced.quotes.all()] == list(range(1, 11))


def test_previous_and_next_follow_the_reading_order(client, replaced):
    html = client.get(quote_url(replaced, 2)).content.decode()
    assert quote_url(replaced, 12) in html  # the inserted quote now comes before quote 2
    assert quote_url(replaced, 3) in html


def test_the_search_index_matches_the_new_version(client, replaced):
    def numbers(q: str) -> set[int]:
        body = client.get("/api/search", {"q": q, "event": replaced.slug}).json()
        return {row["number"] for row in body["results"]}

    assert numbers("自我介绍") == {12}
    assert numbers("模型崩溃") == {3}
    assert numbers("奔溃") == set()
    assert numbers("中文任务") == {8}  # the merged quote, under its surviving number
    assert numbers("榜单") == {4, 5}


def test_big_events_are_written_in_batches_with_the_same_result(client, monkeypatch):
    """Rows and search documents go in batches (bounded memory for a 50 MB transcript); a batch
    of 3 quotes shows that batch edges lose nothing."""
    monkeypatch.setattr(event_import, "BATCH", 3)
    event = import_file(V1)
    assert reading_order(client, event) == list(range(1, 12))
    import_file(V2, "--replace")
    assert [q.number for q in Quote.objects.all()] == V2_NUMBERS
    found = client.get("/api/search", {"q": "感谢三位嘉宾"}).json()["results"]
    assert [row["number"] for row in found] == [11]


def test_the_command_says_what_it_kept_renumbered_and_redirected(client):
    import_file(V1)
    out, _ = run_command("import_event", str(V2), "--replace")
    assert "replaced" in out
    assert re.search(r"(?<!\d)9 quotes kept their numbers, 1 new, 2 old numbers redirect", out)


def test_export_then_import_restores_numbers_and_redirects_exactly(client, replaced, tmp_path):
    (exported,) = export_all()
    assert [q["number"] for q in exported["quotes"]] == V2_NUMBERS
    assert exported["redirects"] == [{"number": 6, "to": 7}, {"number": 9, "to": 8}]
    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps(exported, ensure_ascii=False, indent=2), encoding="utf-8")
    Event.objects.all().delete()
    restored = import_file(backup)
    assert export_all() == [exported]
    assert client.get(quote_url(restored, 9))["Location"] == quote_url(restored, 8)
    run_command("import_event", str(backup), "--replace")
    assert export_all() == [exported]


def test_redirects_follow_when_their_target_goes_later(client, replaced, tmp_path):
    """Version 3 drops quote 8 (where 9 led) and adds a closing remark: 9 now leads where 8's
    readers go, and the new quote takes 13, never a retired number."""
    text = V2.read_text(encoding="utf-8")
    text = text.replace(
        "李雷：我认为差距在缩小，尤其是在中文任务上，开源社区的进步非常快。\n\n", ""
    )
    text += "\n韩梅梅：谢谢大家，欢迎会后继续交流。\n"
    v3 = tmp_path / "salon_v3.txt"
    v3.write_text(text, encoding="utf-8")
    import_file(v3, "--replace")
    redirects = dict(QuoteRedirect.objects.values_list("number", "target__number"))
    assert redirects == {6: 7, 8: 10, 9: 10}
    assert Quote.objects.get(text__startswith="谢谢大家").number == 13
    assert client.get(quote_url(replaced, 9)).status_code == 404  # 10 is hidden (fixture)
    republished = Quote.objects.get(number=10)
    republished.published = True
    republished.save()
    assert client.get(quote_url(replaced, 9))["Location"] == quote_url(replaced, 10)


def test_a_redirect_to_a_hidden_quote_is_not_found(client, replaced):
    target = Quote.objects.get(event=replaced, number=7)
    target.published = False
    target.save()
    assert client.get(quote_url(replaced, 6)).status_code == 404


def test_the_same_file_again_with_replace_changes_no_number(replaced):
    before = export_all()
    call_command("import_event", str(V2), "--replace", stdout=None)
    after = export_all()
    after[0]["event"]["updated"] = before[0]["event"]["updated"]  # replaced: changed just now
    assert after == before


def test_admin_shows_number_and_position_and_does_not_let_them_be_edited(admin_client, replaced):
    quote = Quote.objects.get(event=replaced, number=12)
    changelist = admin_client.get("/admin/transcripts/quote/", {"event__id__exact": replaced.pk})
    headers = re.findall(r'<div class="text"><a [^>]*>([^<]+)</a>', changelist.content.decode())
    assert headers[:2] == ["编号", "顺序"]
    rows = changelist.context["cl"].result_list
    assert [(q.number, q.position) for q in rows][:3] == [(1, 1), (12, 2), (2, 3)]
    change = admin_client.get(f"/admin/transcripts/quote/{quote.pk}/change/").content.decode()
    assert 'name="number"' not in change and 'name="position"' not in change
    redirects = admin_client.get("/admin/transcripts/quoteredirect/").content.decode()
    # each redirect names the quote it leads to: number, speaker, the start of the text
    assert re.search(r"第 7 段 · [^<·]+ · 最后一个问题", redirects)
    assert re.search(r"第 8 段 · [^<·]+ · 我认为差距在缩小", redirects)


# The alignment itself: plain data, no database ------------------------------------------------


def test_a_corrected_speaker_label_keeps_the_quote():
    old = [("甲", "第一段话，内容很长很长。"), ("乙", "第二段话，说的是另一件事。")]
    new = [("甲", "第一段话，内容很长很长。"), ("丙", "第二段话，说的是另一件事。")]
    assert align(old, new).matched == {0: 0, 1: 1}


def test_a_rewritten_quote_is_a_new_quote_and_its_number_leads_to_the_next():
    old = [("甲", "开场白。"), ("乙", "完全不同的旧观点，后来被删掉了。"), ("甲", "结束语。")]
    new = [("甲", "开场白。"), ("乙", "全新的发言，与原来毫无关系！"), ("甲", "结束语。")]
    aligned = align(old, new)
    assert aligned.matched == {0: 0, 2: 2}
    assert aligned.retired == {1: 2}
