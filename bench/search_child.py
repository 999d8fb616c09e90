"""The search bench's other SQL backend, in a process of its own (`search_bench.py --child`).

Django keeps one settings module, and so one default database, per process: the backend the
primary is not runs in a child that builds the same corpus (same generator, same seed), times the
same ways and prints its figures as one JSON line. Beside PostgreSQL it gets a temporary SQLite
file; beside SQLite a throwaway PostgreSQL database `search_bench_<pid>`, dropped afterwards.

Neither process may outlive a stop. SIGTERM (what `timeout` sends) ends either one through its
cleanup, as Ctrl-C does (`stop_on_sigterm`): the parent stops its child, then drops the throwaway
database; the child removes its scratch folder. The child also watches its parent
(`watch_parent`) and stops when it is gone, so a parent killed outright (SIGKILL) does not leave
it building on its own; that parent's throwaway database stays, since nobody is left to drop it.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager, redirect_stdout
from dataclasses import asdict
from pathlib import Path
from urllib.parse import urlsplit

from search_corpus import setup_django
from search_figures import Figures, Tantivy, build_and_index, measure, python_counts
from search_ways import PAGE, QUERIES, parsed, visible, ways

ENTRY = Path(__file__).resolve().with_name("search_bench.py")  # runs `child` given --child
DEFAULT_POSTGRES = "postgres://postgres@127.0.0.1:5432"


def stop_on_sigterm() -> None:
    """SIGTERM raises SystemExit, so the process ends through every `finally` and context
    manager, as with Ctrl-C; a second SIGTERM is ignored, so it cannot cut the cleanup short."""

    def stop(signum, frame) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        os.write(2, f"search bench (pid {os.getpid()}): stopped, cleaning up\n".encode())
        raise SystemExit(128 + signum)

    signal.signal(signal.SIGTERM, stop)


def watch_parent() -> None:
    """SIGTERM to this process once its parent is gone (checked every second): a parent killed
    outright cannot stop its child, and the child, adopted by another process, would go on."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="watch-parent", daemon=True).start()


def child(args) -> None:
    """The bench in a process of its own, for the other SQL backend: progress on stderr, its
    figures as one JSON line on stdout."""
    watch_parent()
    out = sys.stdout
    scratch = Path(tempfile.mkdtemp(prefix="search-bench-child-"))
    try:
        with redirect_stdout(sys.stderr):
            setup_django(scratch)
            figures = build_and_index(args.quotes, args.per_event)
            peer = None
            if args.tantivy_index:
                import tantivy_peer

                peer = tantivy_peer.Peer(Path(args.tantivy_index))
                if not names_these_quotes(peer):
                    print("warning: Tantivy's ids are not this database's quotes: no peer here")
                    peer = None
            from django.db import connection

            figures.rows = measure(ways(connection.vendor, peer), args.rounds)
            figures.expected = python_counts()
        print(json.dumps(asdict(figures), ensure_ascii=False), file=out)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def names_these_quotes(peer) -> bool:
    """Whether the index built from the primary database names this one's public quotes (the
    corpus is the same, ids included, when both databases start empty)."""
    ids, _ = peer.search(parsed(QUERIES[0]), PAGE)
    return visible().filter(pk__in=ids).count() == len(ids)


@contextmanager
def other_database(args, vendor: str, scratch: Path):
    """The other SQL backend's database URL (None when it does not run): a temporary SQLite file
    beside PostgreSQL; beside SQLite, a throwaway database on the PostgreSQL server that
    `--postgres` names or that answers at DEFAULT_POSTGRES, dropped afterwards."""
    other = "sqlite" if vendor == "postgresql" else "postgresql"
    if other not in args.backends:
        yield None
    elif other == "sqlite":
        yield f"sqlite:///{scratch / 'other.sqlite3'}"
    else:
        with throwaway_postgres(args.postgres or DEFAULT_POSTGRES) as url:
            yield url


def postgres_answers(server: str) -> str:
    """Why the PostgreSQL server cannot be used ("" when it answers)."""
    try:
        import psycopg
    except ImportError:
        return "psycopg is not installed"
    try:
        psycopg.connect(server, connect_timeout=3).close()
    except psycopg.Error as error:
        return str(error).strip().splitlines()[0]
    return ""


@contextmanager
def throwaway_postgres(server: str):
    where = urlsplit(server)
    if why := postgres_answers(server):
        print(f"\npostgresql: none at {where.hostname}:{where.port or 5432} ({why}): skipped")
        yield None
        return
    import psycopg

    name = f"search_bench_{os.getpid()}"
    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield where._replace(path=f"/{name}").geturl()
    finally:
        with psycopg.connect(server, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stop(process: subprocess.Popen) -> None:
    """The child told to stop, killed if it has not within 30 s. Its pipes are closed first: it
    must not block writing to a parent that no longer reads."""
    process.stdout.close()
    process.stderr.close()
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()


def described(url: str) -> str:
    """A database URL without its password: the backend, and where."""
    where = urlsplit(url)
    if where.scheme == "sqlite":
        return "sqlite (a temporary file)"
    return (
        f"postgresql (database {where.path.lstrip('/')} at {where.hostname}:{where.port or 5432})"
    )


def run_other(args, url: str, peer: Tantivy | None) -> Figures | None:
    """The bench's child on the other database: its progress shown as it goes, its figures."""
    print(f"\nthe same corpus on {described(url)}, in a process of its own:", flush=True)
    command = [sys.executable, str(ENTRY), "--child"]
    command += ["--quotes", str(args.quotes), "--per-event", str(args.per_event)]
    command += ["--rounds", str(args.rounds)]
    if peer is not None:
        command += ["--tantivy-index", str(peer.path)]
    env = {**os.environ, "DATABASE_URL": url}
    with subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            for line in process.stderr:
                print(f"  | {line}", end="", flush=True)
            output = process.stdout.read().strip().splitlines()
        except BaseException:  # stopped (SIGTERM, Ctrl-C): the child first, then its database
            stop(process)
            raise
    if process.returncode or not output:
        print(f"  the run failed (exit status {process.returncode}): no figures for it")
        return None
    return Figures.from_dict(json.loads(output[-1]))
