"""What readers see while an import is half done: the import service runs in a thread and is held
inside its transaction once every row is written (before it commits), while this thread reads
the pages, the API and search through the test client.

Shared by the PostgreSQL test (in-process, tests/test_postgres_only.py) and the SQLite WAL test
(a subprocess on a file database, tests/test_serving.py). Returns what was seen, for the tests to
judge.

`Held` and `InThread` stage two writers at once (an import and a merge, two renames...) for
tests/test_write_races.py: one is held inside its transaction while the other runs.
"""

from __future__ import annotations

import dataclasses
import threading
from unittest import mock

from django.db import connection
from django.test import Client

from transcripts import event_import as service
from transcripts.parsing import load

from .conftest import DEMO

SLUG = "da-mo-xing-xun-lian-he-jin-hua-zhi-lu"
PAGE = f"/events/{SLUG}/"
NEW_TITLE = "大模型训练和进化之路(修订版)"
WAIT = 60  # seconds; only reached if the import thread dies


def demo_transcript():
    (transcript,) = load(DEMO.read_bytes())
    return transcript


def revised_transcript():
    """The demo retitled and cut to its first 40 turns: a --replace import of it rewrites every
    row of the event."""
    transcript = demo_transcript()
    return dataclasses.replace(
        transcript, title=NEW_TITLE, turns=transcript.turns[:40], checksum="revised-demo"
    )


def what_readers_see(client: Client) -> dict:
    page = client.get(PAGE)
    html = page.content.decode()
    api = client.get(f"/api/events/{SLUG}/quotes")
    search = client.get("/api/search", {"q": "幻觉"})
    return {
        "page": page.status_code,
        "quotes_on_page": html.count('class="quote"'),
        "new_title_on_page": NEW_TITLE in html,
        "api": api.status_code,
        "api_quotes": api.json()["count"] if api.status_code == 200 else None,
        "home_lists_it": f"/events/{SLUG}/" in client.get("/").content.decode(),
        "search_hits": search.json()["count"] if search.status_code == 200 else None,
    }


def readers_during_a_paused_import(*, replace: bool) -> dict:
    """{"before": ..., "during": ..., "after": ...}: readers' view before the import, while it is
    held, then once it committed. With `replace`, the demo is imported first and replaced by the
    revised one."""
    if replace:
        service.event_import(transcript=demo_transcript())
    before = what_readers_see(Client())
    transcript = revised_transcript() if replace else demo_transcript()
    reached, release = threading.Event(), threading.Event()
    step = "_replace" if replace else "_create"  # returns once every row is written
    write = getattr(service, step)
    failures: list[BaseException] = []

    def held(*args, **kwargs):
        written = write(*args, **kwargs)
        reached.set()
        release.wait(WAIT)
        return written

    def run():
        try:
            service.event_import(transcript=transcript, replace=replace)
        except BaseException as error:  # reported by the caller
            failures.append(error)
        finally:
            connection.close()

    with mock.patch.object(service, step, side_effect=held):
        importer = threading.Thread(target=run)
        importer.start()
        try:
            if not reached.wait(WAIT):
                raise AssertionError(f"the import never reached its last step: {failures}")
            during = what_readers_see(Client())
        finally:
            release.set()
            importer.join(WAIT)
    if failures:
        raise failures[0]
    return {"before": before, "during": during, "after": what_readers_see(Client())}


# Two writers at once ---------------------------------------------------------------------------


class Held:
    """Holds every call of `module.name` made in another thread inside the caller's transaction
    until `release()`: `reached` is set when one is held. Use as a context manager."""

    def __init__(self, module, name: str):
        self.module, self.name = module, name
        self.reached, self.released = threading.Event(), threading.Event()

    def __enter__(self) -> Held:
        original = getattr(self.module, self.name)

        def held(*args, **kwargs):
            result = original(*args, **kwargs)
            if threading.current_thread() is not threading.main_thread():
                self.reached.set()
                self.released.wait(WAIT)
            return result

        self.patch = mock.patch.object(self.module, self.name, side_effect=held)
        self.patch.start()
        return self

    def release(self) -> None:
        self.released.set()

    def __exit__(self, *exc) -> None:
        self.released.set()
        self.patch.stop()


class InThread:
    """Runs `call()` in a thread with its own database connection; `join()` gives its result or
    raises what it raised."""

    def __init__(self, call):
        self.result, self.error = None, None

        def run():
            try:
                self.result = call()
            except BaseException as error:  # given to the caller by join()
                self.error = error
            finally:
                connection.close()

        self.thread = threading.Thread(target=run)
        self.thread.start()

    def join(self):
        self.thread.join(WAIT)
        if self.thread.is_alive():
            raise AssertionError("the thread did not finish")
        if self.error is not None:
            raise self.error
        return self.result
