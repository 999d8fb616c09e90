"""Backup and restore: `export_event` (all events, as one JSON array) imported into an empty
database gives the site back: the same export, the same pages byte for byte, the same search
results. Runs on SQLite with `make test` and on PostgreSQL with `make test-postgres`; the second
test restores into a brand-new SQLite file through the commands, as an operator would.

The export carries what readers see beyond the transcripts (issue 12): when each event was
created and last changed (the feeds print both), and each tag's slug as it is, its aliases
(search follows them) and its old slugs (their links redirect). What it does not carry (and a
database dump does): accounts, the admin history, and tags no event uses.
"""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.urls import reverse
from taggit.models import Tag

from transcripts import tagging
from transcripts.models import (
    Event,
    Participation,
    Quote,
    Section,
    Speaker,
    TagAlias,
    TagRedirect,
    Topic,
)
from transcripts.search.service import quote_search

from .conftest import export_all, manage_py_ok, run_command
from .factories import import_demo, make_event

pytestmark = pytest.mark.django_db

EVENT = "/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/"
PAGES = [
    "/",
    EVENT,
    f"{EVENT}?speaker=zhangjunlin",
    f"{EVENT}?tag=备份标签",
    f"{EVENT}q/3/",
    "/events/second/",
    "/events/second/q/7/",
    "/speakers/",
    "/speakers/zhangjunlin/",
    "/tags/",
    "/tags/幻觉/",
    "/tags/备份标签/",
    "/api/events",
    "/api/events/second/quotes",
    "/api/tags",
    "/sitemap.xml",
    "/feed/",
    "/feed/rss/",
    "/tags/ai_1/",
    "/tags/计算资源/",
]
SEARCHES = ["幻觉", "大模型", "强化学习", '"基座模型"', "算力 -幻觉", "推荐系统", "LLM", "GPU"]


def build_site() -> None:
    """The demo, a second event and a draft, with an editor's changes on top."""
    import_demo()
    make_event(quotes=30, slug="second", title="第二场活动", tag_every=5)
    make_event(quotes=5, slug="draft", title="草稿", published=False)
    demo = Event.objects.get(slug="da-mo-xing-xun-lian-he-jin-hua-zhi-lu")
    demo.quotes.get(number=3).tags.add("备份标签")
    demo.quotes.get(number=4).tags.remove(*demo.quotes.get(number=4).tags.all())
    hidden = demo.quotes.get(number=7)
    hidden.published = False
    hidden.save()
    second = Event.objects.get(slug="second")
    second.intro = "编辑改过的介绍。"
    second.save()
    # the tag work of editors: an alias, a rename and a merge (old slugs redirect), and a tag
    # whose slug is not the one its name alone would get (ai_1: "ai" was taken)
    tagging.add_alias(tag=Tag.objects.get(name="幻觉"), name="LLM")
    tagging.rename_tag(tag=Tag.objects.get(name="算力"), new_name="计算资源")
    tagging.merge_tags(sources=[Tag.objects.get(name="AGI")], target="通用人工智能")
    tagging.add_alias(tag=Tag.objects.get(name="计算资源"), name="GPU")
    demo.quotes.get(number=5).tags.add("AI")
    demo.quotes.get(number=6).tags.add("A.I.")


def snapshot(client) -> dict:
    pages = {}
    for url in PAGES:
        cache.clear()  # rendered from the database, not from the page cache
        response = client.get(url)
        assert response.status_code == 200, url
        pages[url] = response.content.decode()
    searches = {
        q: [(hit.quote.event.slug, hit.quote.number) for hit in quote_search(q, page_size=200).hits]
        for q in SEARCHES
    }
    return {"pages": pages, "searches": searches}


def empty_the_database() -> None:
    Event.objects.all().delete()
    Speaker.objects.all().delete()
    Tag.objects.all().delete()
    for model in (Event, Quote, Participation, Section, Topic, Speaker, Tag):
        assert not model.objects.exists(), model
    assert quote_search("大模型").count == 0


def test_exporting_everything_and_importing_it_into_an_empty_database_gives_the_site_back(
    client, tmp_path
):
    build_site()
    exported = export_all()
    assert [event["event"]["slug"] for event in exported] == [
        "da-mo-xing-xun-lian-he-jin-hua-zhi-lu",
        "draft",
        "second",
    ]
    before = snapshot(client)
    assert all(before["searches"].values()), before["searches"]  # every search finds something

    backup = tmp_path / "backup.json"
    backup.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    empty_the_database()
    cache.clear()
    assert client.get(EVENT).status_code == 404
    run_command("import_event", str(backup))

    assert export_all() == exported
    after = snapshot(client)
    for url in PAGES:
        assert after["pages"][url] == before["pages"][url], url
    assert after["searches"] == before["searches"]
    assert not Event.objects.get(slug="draft").published
    assert not Quote.objects.get(event__slug=EVENT.split("/")[2], number=7).published
    assert Tag.objects.get(name="A.I.").slug == "ai_1"  # restored before "AI", slug kept
    assert sorted(TagAlias.objects.values_list("name", flat=True)) == ["AGI", "GPU", "LLM"]
    assert {(r.old_slug, r.tag.name) for r in TagRedirect.objects.all()} == {
        ("agi", "通用人工智能"),
        ("算力", "计算资源"),
    }
    assert client.get("/tags/算力/")["Location"] == reverse("tag-detail", args=["计算资源"])


def test_an_export_made_before_times_and_tag_details_were_kept_still_imports(tmp_path):
    build_site()
    exported = export_all()
    for event in exported:
        del event["event"]["created"], event["event"]["updated"]
        event.pop("tag_details", None)
    backup = tmp_path / "old-backup.json"
    backup.write_text(json.dumps(exported, ensure_ascii=False), encoding="utf-8")
    empty_the_database()
    run_command("import_event", str(backup))
    assert sorted(Event.objects.values_list("slug", flat=True)) == [
        "da-mo-xing-xun-lian-he-jin-hua-zhi-lu",
        "draft",
        "second",
    ]
    assert Quote.objects.filter(tags__name="A.I.").exists()


RENDER = """
import json
from django.core.cache import cache
from django.urls import reverse
from django.test import Client
from django.test.utils import override_settings
plain = {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}
with override_settings(STORAGES={"default": plain, "staticfiles": plain}):  # no collectstatic
    pages = {}
    for url in %r:
        cache.clear()
        pages[url] = Client().get(url).content.decode()
print(json.dumps(pages))
"""


def test_a_backup_restores_into_a_brand_new_database_with_the_commands(client, tmp_path):
    build_site()
    backup = tmp_path / "backup.json"
    backup.write_text(run_command("export_event")[0], encoding="utf-8")
    before = {url: snapshot_page(client, url) for url in PAGES}

    env = {
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'restored.sqlite3'}",
        "DJANGO_SECRET_KEY": "backup-test-secret-key-0123456789-abcdefghijklmnop",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
    }

    def manage(*args: str) -> str:
        return manage_py_ok(env, *args).stdout

    manage("migrate", "--noinput")
    manage("import_event", str(backup))
    assert json.loads(manage("export_event")) == json.loads(backup.read_text(encoding="utf-8"))
    restored = json.loads(manage("shell", "--no-imports", "-c", RENDER % (PAGES,)))
    for url in PAGES:
        assert restored[url] == before[url], url


def snapshot_page(client, url: str) -> str:
    cache.clear()
    return client.get(url).content.decode()
