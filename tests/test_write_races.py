"""Writers at the same moment (issue 12): two imports of one file, an import and an editor
creating the same tag, a merge or a rename during an import, two editors renaming tags. Each ends
in a correct state or a clear message (`ImportResult` "unchanged", `TagBusy`, `TagError`),
never an IntegrityError, a failed commit or an orphaned URL.

The in-process races need two connections that really run at once: PostgreSQL
(`make test-postgres`), with threads (`tests/import_race.py`). On SQLite, which lets one
transaction write at a time, two `import_event` processes race on a file database, as an
operator's two terminals would.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import threading
import time

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.urls import reverse
from taggit.models import Tag

from transcripts import event_import as service
from transcripts import tagging
from transcripts.models import Event, Quote, TagAlias
from transcripts.parsing import load

from .conftest import DEMO, ROOT
from .factories import import_demo
from .import_race import WAIT, Held, InThread, demo_transcript

DEMO_DATA = json.loads(DEMO.read_text(encoding="utf-8"))


def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("two connections writing at once: PostgreSQL only (make test-postgres)")


def variant(slug: str, *, tags: tuple[str, ...] = ()):
    """The demo as another event, its first quote tagged `tags`."""
    data = copy.deepcopy(DEMO_DATA)
    data["event"].update(slug=slug, title=f"另一场 {slug}")
    data["quotes"][0]["tags"] = list(tags)
    (transcript,) = load(json.dumps(data, ensure_ascii=False).encode())
    return transcript


def first_quote_tags(slug: str) -> list[str]:
    return sorted(Quote.objects.get(event__slug=slug, position=1).tags.names())


# Two imports of one file -----------------------------------------------------------------------


def test_two_import_processes_of_one_new_file_give_one_event_and_already_imported(tmp_path):
    """SQLite file database, two `import_event` at once: the second waits for the first's
    write lock, then finds its event. (Before: "database is locked" tracebacks.)"""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "race-test-secret-key-0123456789-abcdefghijklmnop",
    }
    env.pop("REDIS_URL", None)
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput"], env=env, check=True, capture_output=True)
    racers = [
        subprocess.Popen(
            [*manage, "import_event", str(DEMO)],
            env=env,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [racer.communicate(timeout=WAIT * 3) for racer in racers]
    assert [racer.returncode for racer in racers] == [0, 0], outputs
    said = sorted(
        "created" if " created " in out else "already" if "already imported" in out else out
        for out, _ in outputs
    )
    assert said == ["already", "created"], outputs
    exported = subprocess.run(
        [*manage, "export_event"], env=env, capture_output=True, text=True, check=True
    )
    assert len(json.loads(exported.stdout)) == 1


@pytest.mark.django_db(transaction=True)
def test_the_second_import_of_a_file_waits_for_the_first_and_finds_its_event():
    postgresql_only()
    transcript = demo_transcript()
    with Held(service, "_create") as held:
        first = InThread(lambda: service.event_import(transcript=transcript))
        assert held.reached.wait(WAIT)
        second = InThread(lambda: service.event_import(transcript=transcript))
        time.sleep(1)
        assert second.thread.is_alive()  # waiting for its turn
        held.release()
        statuses = [first.join().status, second.join().status]
    assert statuses == ["created", "unchanged"]
    assert Event.objects.count() == 1


# Tags an import names --------------------------------------------------------------------------


@pytest.mark.django_db
def test_an_import_naming_a_merged_tag_gets_the_tag_it_was_merged_into():
    import_demo()
    tagging.merge_tags(sources=[Tag.objects.get(name="幻觉")], target="模型幻觉")
    service.event_import(transcript=variant("later", tags=("幻觉", "AGI")))
    assert first_quote_tags("later") == ["AGI", "模型幻觉"]
    assert not Tag.objects.filter(name="幻觉").exists()  # an alias, never created again
    assert TagAlias.objects.get(name="幻觉").tag.name == "模型幻觉"


class OpenTransaction:
    """`call()` in a thread, inside a transaction kept open (its rows written, not committed)
    until `commit()`."""

    def __init__(self, call):
        self.written, self.committing = threading.Event(), threading.Event()

        def run():
            with transaction.atomic():
                result = call()
                self.written.set()
                self.committing.wait(WAIT)
            return result

        self.thread = InThread(run)
        assert self.written.wait(WAIT)

    def commit(self):
        self.committing.set()
        return self.thread.join()


@pytest.mark.django_db(transaction=True)
def test_an_editor_and_an_import_creating_the_same_new_tag_share_it():
    """The editor's transaction creates the tag first; the import, creating it too, waits on
    the unique name, then takes the editor's tag instead of failing."""
    postgresql_only()
    import_demo()
    editor = OpenTransaction(lambda: tagging.create_tag("具身智能"))
    importer = InThread(
        lambda: service.event_import(transcript=variant("shared", tags=("具身智能",)))
    )
    time.sleep(1)
    assert importer.thread.is_alive()  # waiting on the editor's uncommitted tag
    tag, created = editor.commit()
    assert created and importer.join().status == "created"
    assert first_quote_tags("shared") == [tag.name]
    assert Tag.objects.filter(name="具身智能").count() == 1
    assert first_quote_tags("shared") == ["具身智能"]


@pytest.mark.django_db(transaction=True)
def test_the_same_new_tag_created_twice_at_once_is_one_tag():
    postgresql_only()
    first = OpenTransaction(lambda: tagging.create_tag("世界模型"))
    second = InThread(lambda: tagging.create_tag("世界模型"))
    time.sleep(1)
    assert second.thread.is_alive()
    (one, created_one), (two, created_two) = first.commit(), second.join()
    assert one.pk == two.pk and (created_one, created_two) == (True, False)


@pytest.mark.django_db(transaction=True)
def test_a_merge_during_an_import_is_refused_as_busy_and_the_import_commits():
    """Before: the merge deleted the tag the import was linking to, and the import failed at its
    commit. Now the import holds its tags: the merge says to try again, and can once it is done."""
    postgresql_only()
    import_demo()
    hallucination = Tag.objects.get(name="幻觉")
    with Held(service, "_create") as held:
        importer = InThread(
            lambda: service.event_import(transcript=variant("long", tags=("幻觉",)))
        )
        assert held.reached.wait(WAIT)
        with pytest.raises(tagging.TagBusy):
            tagging.merge_tags(sources=[hallucination], target="模型幻觉")
        held.release()
        assert importer.join().status == "created"
    assert first_quote_tags("long") == ["幻觉"]
    tagging.merge_tags(sources=[hallucination], target="模型幻觉")
    assert first_quote_tags("long") == ["模型幻觉"]


# Editors renaming ------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_two_editors_renaming_one_tag_leave_no_orphaned_slug(client):
    postgresql_only()
    import_demo()
    seen = Tag.objects.get(name="幻觉")  # both editors' forms show this
    with Held(tagging, "_reindex") as held:
        first = InThread(lambda: tagging.rename_tag(tag=seen, new_name="模型幻觉"))
        assert held.reached.wait(WAIT)
        with pytest.raises(tagging.TagBusy):
            tagging.rename_tag(tag=seen, new_name="幻象", seen_name="幻觉")
        held.release()
        first.join()
    with pytest.raises(tagging.TagError, match="刚被别人改名为「模型幻觉」"):
        tagging.rename_tag(tag=seen, new_name="幻象", seen_name="幻觉")
    tagging.rename_tag(tag=seen, new_name="幻象")  # the second editor confirms
    cache.clear()
    for old in ("幻觉", "模型幻觉"):  # both old links lead to the tag
        response = client.get(reverse("tag-detail", args=[old]))
        assert response["Location"] == reverse("tag-detail", args=["幻象"]), old


@pytest.mark.django_db(transaction=True)
def test_two_tags_renamed_to_one_name_at_once_is_a_tag_error():
    postgresql_only()
    import_demo()
    compute, open_source = Tag.objects.get(name="算力"), Tag.objects.get(name="开源")
    with Held(tagging, "_reindex") as held:
        first = InThread(lambda: tagging.rename_tag(tag=compute, new_name="资源"))
        assert held.reached.wait(WAIT)
        second = InThread(lambda: tagging.rename_tag(tag=open_source, new_name="资源"))
        time.sleep(1)  # the second waits on the unique name the first has not committed
        held.release()
        first.join()
        with pytest.raises(tagging.TagError, match="已有标签「资源」"):
            second.join()
    assert sorted(Tag.objects.filter(name__in=["资源", "开源"]).values_list("name", flat=True)) == [
        "开源",
        "资源",
    ]


@pytest.mark.django_db
def test_a_rename_in_the_admin_of_a_tag_renamed_meanwhile_asks_again(admin_client, client):
    """The editor's form was opened before another editor renamed the tag: saving shows the new
    name as a form error; saving again renames it, and every old slug redirects."""
    import_demo()
    tag = Tag.objects.get(name="幻觉")
    url = f"/admin/taggit/tag/{tag.pk}/change/"
    form = {"name": "幻象", "seen_name": "幻觉", "aliases-TOTAL_FORMS": "0"}
    form |= {"aliases-INITIAL_FORMS": "0", "aliases-MIN_NUM_FORMS": "0"}
    form |= {"aliases-MAX_NUM_FORMS": "1000", "_save": "保存"}
    tagging.rename_tag(tag=tag, new_name="模型幻觉")  # the other editor, first
    response = admin_client.post(url, form)
    assert response.status_code == 200
    html = response.content.decode()
    assert "刚被别人改名为「模型幻觉」" in html and 'value="模型幻觉"' in html  # seen now
    response = admin_client.post(url, form | {"seen_name": "模型幻觉"})
    assert response.status_code == 302
    cache.clear()
    for old in ("幻觉", "模型幻觉"):
        response = client.get(reverse("tag-detail", args=[old]))
        assert response["Location"] == reverse("tag-detail", args=["幻象"]), old


@pytest.mark.django_db
def test_what_the_rename_service_refuses_after_the_form_is_a_message_not_a_500(
    admin_client, monkeypatch
):
    import_demo()
    tag = Tag.objects.get(name="幻觉")

    def refused(**kwargs):
        raise tagging.TagBusy(tagging.BUSY)

    monkeypatch.setattr(tagging, "rename_tag", refused)
    url = f"/admin/taggit/tag/{tag.pk}/change/"
    form = {"name": "幻象", "seen_name": "幻觉", "aliases-TOTAL_FORMS": "0"}
    form |= {"aliases-INITIAL_FORMS": "0", "aliases-MIN_NUM_FORMS": "0"}
    form |= {"aliases-MAX_NUM_FORMS": "1000", "_save": "保存"}
    response = admin_client.post(url, form, follow=True)
    assert response.status_code == 200
    assert tagging.BUSY in response.content.decode()
    assert Tag.objects.get(pk=tag.pk).name == "幻觉"
