"""How fast the event page is, rendered and from the page cache, for a small and a long event.

Two figures for the curated demo event and for a generated event of 2,500 quotes (built like
`tests.factories.make_event`):

1. uncached: the median server-side time of a full render, in this process through
   `django.test.Client`, the cache emptied before every request (goal: under 0.3 s for 2,500
   quotes);
2. cached: requests per second for the cached page next to a static file of the same bytes served
   by whitenoise, both through the same gunicorn (2 workers) in the same run, loaded with `wrk` on
   loopback (goal: cached at least 0.5x static).

    DJANGO_DEBUG=0 DJANGO_SECRET_KEY=<32+ characters> \\
        DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost,testserver \\
        .venv/bin/python bench/render_bench.py [--rounds N] [--duration S] [--quotes N]

Uses DATABASE_URL when set (it should point at an empty, throwaway database), otherwise a
temporary SQLite file. Static files are collected into a temporary STATIC_ROOT, set by a small
settings module written next to it that imports the project's settings unchanged.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIG_SLUG = "big"
UNCACHED_GOAL_S = 0.3
RATIO_GOAL = 0.5
WRK = shutil.which("wrk") or ("/usr/bin/wrk" if Path("/usr/bin/wrk").exists() else None)
SETTINGS_MODULE = "render_bench_settings"
SLICES = 4  # alternating load slices per URL


def setup_django(scratch: Path) -> Path:
    """Settings pointing STATIC_ROOT into `scratch`; migrated database; collected static files.
    Returns STATIC_ROOT."""
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_DEBUG", "0")
    # plain http on loopback, as behind a TLS-terminating proxy: no redirect to https
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch / 'bench.sqlite3'}"
    static_root = scratch / "static"
    base = os.environ.get("DJANGO_SETTINGS_MODULE", "salon_site.settings")
    (scratch / f"{SETTINGS_MODULE}.py").write_text(
        f"from {base} import *  # noqa: F403\n\nSTATIC_ROOT = {str(static_root)!r}\n",
        encoding="utf-8",
    )
    sys.path.insert(0, str(scratch))
    os.environ["DJANGO_SETTINGS_MODULE"] = SETTINGS_MODULE
    os.environ["PYTHONPATH"] = os.pathsep.join(
        [str(scratch), str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]
    )
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0, interactive=False)
    call_command("collectstatic", verbosity=0, interactive=False)
    return static_root


@dataclass
class Throughput:
    cached: float
    static: float
    ratio: float


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def uncached_render(client, path: str, host: str, rounds: int) -> tuple[float, bytes]:
    """Median seconds of a full render (after one warm-up) and the page's bytes."""
    from django.core.cache import cache

    times = []
    for _ in range(rounds + 1):
        cache.clear()
        start = time.perf_counter()
        response = client.get(path, HTTP_HOST=host)
        times.append(time.perf_counter() - start)
        if response.status_code != 200 or response["X-Page-Cache"] != "miss":
            raise SystemExit(f"{path}: status {response.status_code}, expected an uncached 200")
    return statistics.median(times[1:]), response.content


# Load generation ------------------------------------------------------------------------------


def wrk_rate(url: str, seconds: int, connections: int) -> float:
    """Requests per second from `wrk -t2 -c<connections>`; any non-2xx response is an error."""
    completed = subprocess.run(
        [WRK, "-t2", f"-c{connections}", f"-d{seconds}s", url],
        capture_output=True,
        text=True,
        timeout=seconds + 30,
    )
    output = completed.stdout + completed.stderr
    if completed.returncode != 0 or "Non-2xx" in output:
        raise SystemExit(f"wrk failed on {url}:\n{output}")
    match = re.search(r"Requests/sec:\s+([\d.]+)", output)
    if match is None:
        raise SystemExit(f"cannot read wrk's output:\n{output}")
    return float(match.group(1))


def python_rate(url: str, seconds: int, connections: int) -> float:
    """The fallback without wrk: threads with keep-alive connections, reconnecting whenever the
    server closes; bounded by `seconds`. Client-bound (one Python process), so only a rough
    figure."""
    parts = urllib.request.urlparse(url)
    deadline = time.monotonic() + seconds
    lock, done = threading.Lock(), [0]

    def worker() -> None:
        connection, count = None, 0
        while time.monotonic() < deadline:
            if connection is None:
                connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
            try:
                connection.request("GET", parts.path)
                response = connection.getresponse()
                response.read()
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = None
                continue
            if response.status != 200:
                raise RuntimeError(f"{url}: status {response.status}")
            count += 1
            if response.will_close:
                connection.close()
                connection = None
        with lock:
            done[0] += count

    start = time.monotonic()
    with ThreadPoolExecutor(connections) as pool:
        for future in [pool.submit(worker) for _ in range(connections)]:
            future.result()
    return done[0] / (time.monotonic() - start)


def request_rate(url: str, seconds: int) -> float:
    return wrk_rate(url, seconds, 32) if WRK else python_rate(url, seconds, 8)


def fetch(url: str) -> tuple[bytes, dict[str, str]]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read(), dict(response.headers)


def start_gunicorn(port: int, log: Path) -> subprocess.Popen:
    with log.open("wb") as output:
        return subprocess.Popen(
            [
                *(sys.executable, "-m", "gunicorn", "salon_site.wsgi"),
                *("-b", f"127.0.0.1:{port}", "-w", "2", "--chdir", str(ROOT)),
                # gunicorn.conf.py recycles workers after ~20,000 requests; a recycled worker
                # starts with an empty page cache (local memory here), which is not what this
                # measures: the steady state of a cached page
                *("--max-requests", "0"),
            ],
            env=os.environ.copy(),
            stdout=output,
            stderr=subprocess.STDOUT,
        )


def wait_until_serving(server: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited:\n{log.read_text(errors='replace')[-2000:]}")
        try:
            fetch(f"http://127.0.0.1:{port}/static/css/site.css")
            return
        except (OSError, urllib.error.URLError):
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer:\n{log.read_text(errors='replace')[-2000:]}")


def cached_versus_static(base: str, page: str, static: str, slice_seconds: int) -> Throughput:
    """Requests per second for the cached page and for the static file, in alternating slices
    (a busy neighbour then hurts both alike), after a warm-up that fills both workers' page
    caches. The ratio is the median of the slices' ratios."""
    body, _ = fetch(base + page)
    static_body, _ = fetch(base + static)
    if body != static_body:
        raise SystemExit(f"{page}: the page and its static copy differ ({len(body)} bytes)")
    request_rate(base + page, 2)
    request_rate(base + static, 1)
    _, headers = fetch(base + page)
    if headers.get("X-Page-Cache") != "hit":
        raise SystemExit(f"{page} is not served from the page cache: {headers}")
    slices = [
        (request_rate(base + page, slice_seconds), request_rate(base + static, slice_seconds))
        for _ in range(SLICES)
    ]
    return Throughput(
        cached=statistics.mean(cached for cached, _ in slices),
        static=statistics.mean(plain for _, plain in slices),
        ratio=statistics.median(cached / plain for cached, plain in slices),
    )


# Main -----------------------------------------------------------------------------------------


@dataclass
class Page:
    label: str
    quotes: int
    path: str
    static_path: str
    uncached_s: float
    throughput: Throughput | None = None


def render_pages(events, host: str, static_root: Path, rounds: int) -> list[Page]:
    """Times each event page uncached and writes its bytes where whitenoise will serve them."""
    from django.conf import settings
    from django.test import Client

    client = Client()
    copies = static_root / "render-bench"
    copies.mkdir()
    print(f"\nuncached event page: median of {rounds} in-process renders, cache emptied each time")
    pages = []
    for index, (label, event) in enumerate(events):
        path = event.get_absolute_url()
        seconds, body = uncached_render(client, path, host, rounds)
        (copies / f"{event.slug}.html").write_bytes(body)
        page = Page(
            label=label,
            quotes=event.quotes.count(),
            path=path,
            static_path=f"/{settings.STATIC_URL.strip('/')}/render-bench/{event.slug}.html",
            uncached_s=seconds,
        )
        goal = f"  (goal < {UNCACHED_GOAL_S} s)" if index == len(events) - 1 else ""
        print(
            f"  {label:>6}: {page.quotes:5d} quotes {len(body) / 1024:6.0f} KiB"
            f"  {seconds * 1000:7.1f} ms{goal}"
        )
        pages.append(page)
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=9, help="uncached renders per event")
    parser.add_argument("--duration", type=int, default=12, help="seconds of load per URL")
    parser.add_argument("--quotes", type=int, default=2500, help="quotes in the long event")
    args = parser.parse_args()
    scratch = Path(tempfile.mkdtemp(prefix="render-bench-"))
    server = None
    try:
        static_root = setup_django(scratch)
        from django.conf import settings

        from tests.factories import import_demo, make_event

        events = [("demo", import_demo()), ("long", make_event(quotes=args.quotes, slug=BIG_SLUG))]
        print(
            f"DEBUG={settings.DEBUG}; load average {os.getloadavg()[0]:.1f}, {os.cpu_count()} CPUs"
        )
        if settings.DEBUG:
            print("warning: DEBUG is on; run with DJANGO_DEBUG=0 for production-like figures")
        port = free_port()
        host = f"127.0.0.1:{port}"  # the host gunicorn will see, so the static copy is identical
        pages = render_pages(events, host, static_root, args.rounds)

        slice_seconds = max(1, args.duration // SLICES)
        if WRK:
            tool = f"wrk -t2 -c32 -d{slice_seconds}s, {SLICES} alternating slices per URL"
        else:
            tool = (
                "wrk not found: Python thread-pool client, 8 keep-alive connections "
                f"(client-bound), {SLICES} alternating {slice_seconds}s slices per URL"
            )
        print(f"\ncached event page versus a static file of the same bytes (gunicorn -w 2; {tool})")
        server = start_gunicorn(port, scratch / "gunicorn.log")
        wait_until_serving(server, port, scratch / "gunicorn.log")
        for page in pages:
            page.throughput = cached_versus_static(
                f"http://{host}", page.path, page.static_path, slice_seconds
            )
            print(
                f"  {page.label:>6}: cached {page.throughput.cached:7.1f} req/s"
                f"  static {page.throughput.static:7.1f} req/s"
                f"  ratio {page.throughput.ratio:.2f}  (goal >= {RATIO_GOAL})"
            )
        long = pages[-1]
        print(
            f"event page {long.quotes} quotes: {long.uncached_s:.2f} s uncached "
            f"(goal < {UNCACHED_GOAL_S}); cached/static throughput ratio "
            f"{long.throughput.ratio:.2f} (goal >= {RATIO_GOAL})"
        )
    finally:
        if server is not None:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()
        shutil.rmtree(scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
