"""gunicorn settings for `make serve` (gunicorn reads ./gunicorn.conf.py by itself).

Read from the environment through the settings module's own helpers, so a value that cannot be
understood stops the server with a message naming the variable:

| variable               | default                                           |
| ---------------------- | ------------------------------------------------- |
| GUNICORN_BIND          | 127.0.0.1:8000 (comma list; a proxy in front)     |
| GUNICORN_WORKERS       | 2 × CPU cores + 1 (5 on 2 cores)                  |
| GUNICORN_THREADS       | 1 (sync workers; more makes gthread workers)      |
| GUNICORN_TIMEOUT       | 30 seconds before a stuck worker is restarted     |
| GUNICORN_MAX_REQUESTS  | 20000 requests, then a worker is replaced (±10 %) |
| GUNICORN_ACCESS_LOG    | - (stdout); empty turns the access log off        |
| GUNICORN_LIMIT_REQUEST_LINE | 0: no limit of gunicorn's own (see below)    |
| GUNICORN_LIMIT_REQUEST_FIELD_SIZE | 32768 bytes for one header line        |
"""

from __future__ import annotations

import os

from salon_site.settings import env_int, env_list, env_str

bind = env_list("GUNICORN_BIND", "127.0.0.1:8000")
workers = env_int("GUNICORN_WORKERS", 2 * (os.cpu_count() or 1) + 1)
threads = env_int("GUNICORN_THREADS", 1)

# Load Django, the URL configuration and the templates once, then fork: faster restarts of
# workers, memory shared between them. Database connections are opened lazily, after the fork.
preload_app = True

timeout = env_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = 30  # a worker asked to stop finishes its requests for up to this long
keepalive = 5  # behind a proxy that keeps connections open

# Recycle workers now and then (a slow leak never grows without bound); the jitter keeps them
# from all restarting at once.
max_requests = env_int("GUNICORN_MAX_REQUESTS", 20000)
max_requests_jitter = max(1, max_requests // 10)

# Forwarded headers: gunicorn trusts none, from any peer (its default trusts X-Forwarded-Proto
# and friends from 127.0.0.1 and from a unix socket, which would make any request that reaches
# it through a careless proxy "https"). Whether a request was https is Django's to decide, from
# DJANGO_SECURE_PROXY_SSL_HEADER alone, set only when a TLS proxy in front sets that header.
forwarded_allow_ips = ""
secure_scheme_headers: dict[str, str] = {}
forwarder_headers = ""

# Long addresses: a search for 2,000 Chinese characters is some 18,000 bytes of URL, and gunicorn's
# default request-line limit (4094 bytes) answers it with a bare "414 URI Too Long" before Django
# can say that the query is too long. Gunicorn accepts a limit up to 8190 bytes or none at all (0);
# none it is, so the search view answers with its own message: gunicorn's fast parser still stops
# a line at 1 MB, and the slow one at the worker timeout. A proxy in front must let such lines
# through too (nginx: `large_client_header_buffers 4 32k;`). The page a long search answers with
# sends its address back as the Referer of every link followed from it: a header line of
# 32 KB is allowed for that (gunicorn's default is 8190 bytes).
limit_request_line = env_int("GUNICORN_LIMIT_REQUEST_LINE", 0)
limit_request_field_size = env_int("GUNICORN_LIMIT_REQUEST_FIELD_SIZE", 32768)

accesslog = env_str("GUNICORN_ACCESS_LOG", "-") or None
errorlog = "-"
# client, request line, status, bytes, milliseconds, referrer, user agent
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms "%(f)s" "%(a)s"'

# Heartbeat files in memory, not on a disk that may stall.
if os.path.isdir("/dev/shm"):
    worker_tmp_dir = "/dev/shm"


def post_fork(server, worker):
    # Nothing should have connected before the fork; make sure no worker shares a connection.
    from django.db import connections

    connections.close_all()
