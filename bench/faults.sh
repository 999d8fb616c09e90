#!/usr/bin/env bash
# Fault drill: the site under load while its parts fail, one after another.
#
#   bench/faults.sh                   # OUTAGE=20 CONNECTIONS=32 WORKERS=4 by default
#
# Starts its own PostgreSQL cluster (initdb/pg_ctl from Debian's postgresql packages), its own
# Redis and gunicorn (gunicorn.conf.py, production settings) on free loopback ports, never the
# shared 5432/6379 services; loads the demo event; then runs the reader mix of bench/load.lua
# with wrk through five phases:
#   1. baseline;
#   2. Redis stopped for OUTAGE seconds (load while it is down), then started again (10 s);
#   3. PostgreSQL the same;
#   4. a gunicorn worker killed (SIGKILL);
#   5. `import_event --replace` of a changed demo event.
# Prints per phase the status codes (200s served from the page cache counted apart), socket
# errors, and the time to recover: for Redis until /healthz says the cache is "ok" again and a
# page is served from it, for PostgreSQL until an uncached search answers 200, for the worker
# until gunicorn has all its workers again, for the import how long it took.
# Exits 1 on any 500, or when during the PostgreSQL outage anything but a cached page or a 503
# was answered. Everything it started is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUTAGE=${OUTAGE:-20}
CONNECTIONS=${CONNECTIONS:-32}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-4}
PY=$ROOT/.venv/bin/python
[ -x "$PY" ] || { echo "bench/faults.sh: run 'make install' first" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)…"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
[ -x "$PGBIN/initdb" ] || { echo "bench/faults.sh: no PostgreSQL server (apt-get install postgresql)" >&2; exit 1; }
REDIS_SERVER=$(command -v redis-server) || { echo "bench/faults.sh: no redis-server (apt-get install redis-server)" >&2; exit 1; }

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/salon-faults.XXXXXX")
chmod 755 "$SCRATCH"
PGDATA=$SCRATCH/pg
SERVER="" REDIS_PID="" WRK_PID=""
# PostgreSQL refuses to run as root: as root, the cluster belongs to the postgres user.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
cleanup() {
  set +e
  [ -n "$WRK_PID" ] && kill "$WRK_PID" 2>/dev/null
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null; wait "$SERVER" 2>/dev/null; fi
  if [ -n "$REDIS_PID" ]; then kill "$REDIS_PID" 2>/dev/null; wait "$REDIS_PID" 2>/dev/null; fi
  [ -f "$PGDATA/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate stop >/dev/null 2>&1
  [ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$SCRATCH"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() { "$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
PGPORT=$(free_port) REDIS_PORT=$(free_port) PORT=$(free_port)
BASE="http://127.0.0.1:$PORT"
now() { date +%s.%N; }
since() { "$PY" -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$1" "$(now)"; }

# PostgreSQL and Redis of our own -----------------------------------------------------------------
mkdir -p "$PGDATA"
if [ "$(id -u)" = 0 ]; then chown postgres "$PGDATA"; fi
as_pg "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --no-locale --no-sync >"$SCRATCH/initdb.log" 2>&1 \
  || { cat "$SCRATCH/initdb.log" >&2; exit 1; }
pg_start() {
  as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGDATA/server.log" -w -t 60 \
    -o "-p $PGPORT -k $PGDATA -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100" \
    start >/dev/null
}
pg_stop() { as_pg "$PGBIN/pg_ctl" -D "$PGDATA" -m fast -w stop >/dev/null; }
pg_start
"$PGBIN/psql" -q -h 127.0.0.1 -p "$PGPORT" -U postgres -c "CREATE DATABASE salon" >/dev/null

redis_start() {
  "$REDIS_SERVER" --port "$REDIS_PORT" --bind 127.0.0.1 --save "" --appendonly no \
    --dir "$SCRATCH" --logfile "$SCRATCH/redis.log" &
  REDIS_PID=$!
  for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
  echo "redis-server did not start" >&2; exit 1
}
redis_stop() { kill "$REDIS_PID"; wait "$REDIS_PID" 2>/dev/null || true; REDIS_PID=""; }
redis_start

# The site ----------------------------------------------------------------------------------------
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECURE_SSL_REDIRECT=0  # plain http on loopback; everything else as in production
export DATABASE_URL=postgres://postgres@127.0.0.1:$PGPORT/salon
export REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0
export GUNICORN_BIND=127.0.0.1:$PORT GUNICORN_WORKERS=$WORKERS
export GUNICORN_ACCESS_LOG=$SCRATCH/access.log
printf 'from salon_site.settings import *  # noqa: F403\n\nSTATIC_ROOT = %s\n' \
  "'$SCRATCH/static'" >"$SCRATCH/faults_settings.py"
export DJANGO_SETTINGS_MODULE=faults_settings
export PYTHONPATH=$SCRATCH:$ROOT${PYTHONPATH:+:$PYTHONPATH}

echo "== PostgreSQL $(basename "$(dirname "$PGBIN")") on :$PGPORT, Redis on :$REDIS_PORT, gunicorn ($WORKERS workers) on :$PORT"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py import_event fixtures/demo-event.json >/dev/null
"$PY" manage.py collectstatic --noinput -v0
# the same event with one quote changed: what the --replace phase imports
"$PY" - "$SCRATCH/changed.json" <<'EOF'
import json, sys
data = json.load(open("fixtures/demo-event.json", encoding="utf-8"))
event = data[0] if isinstance(data, list) else data
event["quotes"][0]["text"] += "(补充一句。)"
json.dump(data, open(sys.argv[1], "w", encoding="utf-8"), ensure_ascii=False)
EOF

"$ROOT/.venv/bin/gunicorn" --config gunicorn.conf.py salon_site.wsgi >>"$SCRATCH/gunicorn.log" 2>&1 &
SERVER=$!
for _ in $(seq 150); do
  curl -fs "$BASE/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVER" 2>/dev/null || { cat "$SCRATCH/gunicorn.log" >&2; exit 1; }
  sleep 0.2
done
curl -fs "$BASE/healthz" >/dev/null || { cat "$SCRATCH/gunicorn.log" >&2; echo "gunicorn did not answer" >&2; exit 1; }

# wrk: bench/load.lua's reader mix, counting status codes (and 200s that came from the cache) --------
cat >"$SCRATCH/faults.lua" <<'EOF'
dofile("bench/load.lua")
counts = {}
function response(status, headers, body)
  local key = tostring(status)
  counts[key] = (counts[key] or 0) + 1
  if status == 200 and headers["X-Page-Cache"] == "hit" then counts.cached = (counts.cached or 0) + 1 end
end
local threads = {}
function setup(thread) table.insert(threads, thread) end
function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for key, value in pairs(thread:get("counts")) do total[key] = (total[key] or 0) + value end
  end
  local errors = summary.errors
  io.write(string.format("SOCKET %d\n", errors.connect + errors.read + errors.write + errors.timeout))
  for key, value in pairs(total) do io.write(string.format("CODE %s %d\n", key, value)) end
end
EOF
load_start() {  # load_start NAME SECONDS: wrk in the background for that long
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2s" --timeout 10s -s "$SCRATCH/faults.lua" "$BASE" \
    >"$SCRATCH/wrk-$1.out" 2>&1 &
  WRK_PID=$!
}
load_wait() { wait "$WRK_PID" || true; WRK_PID=""; }

FAILED=0
RESULTS=()
report() {  # report RUN LABEL RECOVERY: one line for a wrk run; checks its status codes
  local name=$2 recovery=$3 out=$SCRATCH/wrk-$1.out codes socket
  codes=$(awk '$1 == "CODE" && $2 != "cached" {print $2 "=" $3}' "$out" | sort | paste -sd' ')
  local cached total five_hundreds bad
  cached=$(awk '$1 == "CODE" && $2 == "cached" {print $3}' "$out"); cached=${cached:-0}
  total=$(awk '$1 == "CODE" && $2 != "cached" {s += $3} END {print s + 0}' "$out")
  socket=$(awk '$1 == "SOCKET" {print $2}' "$out"); socket=${socket:-?}
  five_hundreds=$(awk '$1 == "CODE" && $2 == "500" {print $3}' "$out"); five_hundreds=${five_hundreds:-0}
  [ "$total" -gt 0 ] || { echo "$name: wrk got no answer: $(tail -n 3 "$out")" >&2; FAILED=1; }
  [ "$five_hundreds" = 0 ] || FAILED=1
  RESULTS+=("$(printf '%-30s %8s %-30s %8s %7s  %s' "$name" "$total" "${codes:-none}" "$cached" "$socket" "$recovery")")
}

wait_until() {  # wait_until SECONDS COMMAND...: poll every 0.1 s; prints the seconds it took
  local limit=$1 start
  shift
  start=$(now)
  for _ in $(seq $((limit * 10))); do
    if "$@" >/dev/null 2>&1; then since "$start"; return 0; fi
    sleep 0.1
  done
  echo "not within ${limit}s"
  return 1
}
EVENT=/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/
# (grep reads to the end, not -q: with pipefail, curl cut off by an early grep -q fails the check)
cache_ok() { curl -fs "$BASE/healthz" | grep '"cache": "ok"' >/dev/null && curl -fsI "$BASE$EVENT" | grep -i '^x-page-cache: hit' >/dev/null; }
search_ok() { [ "$(curl -s -o /dev/null -w '%{http_code}' "$BASE/search/?q=%E7%AE%97%E5%8A%9B")" = 200 ]; }
all_workers() { [ "$(pgrep -P "$SERVER" | wc -l)" -ge "$WORKERS" ]; }

echo "== warm-up, then phases of load with wrk: $THREADS threads × $CONNECTIONS connections"
load_start warmup 5; load_wait

load_start baseline 10; load_wait
report baseline baseline "-"

redis_stop
load_start redis-down "$OUTAGE"; load_wait
redis_start
load_start redis-back 10
REDIS_RECOVERY=$(wait_until 30 cache_ok) || FAILED=1
load_wait
report redis-down "Redis stopped ${OUTAGE} s" "-"
report redis-back "Redis started again" "cache ok, pages cached after ${REDIS_RECOVERY} s"

pg_stop
load_start postgres-down "$OUTAGE"; load_wait
pg_start
load_start postgres-back 10
PG_RECOVERY=$(wait_until 60 search_ok) || FAILED=1
load_wait
report postgres-down "PostgreSQL stopped ${OUTAGE} s" "-"
report postgres-back "PostgreSQL started again" "uncached search 200 after ${PG_RECOVERY} s"
# during the outage: pages from the cache (200, X-Page-Cache: hit) and 503s, nothing else
PG_OTHER=$(awk '
  $1 == "CODE" && $2 == "cached" {cached = $3}
  $1 == "CODE" && $2 == "200" {ok = $3}
  $1 == "CODE" && $2 != "cached" && $2 != "200" && $2 != "503" {other = other " " $2 "=" $3}
  END {if (ok - cached > 0) other = other " 200-not-from-cache=" (ok - cached); print other}' \
  "$SCRATCH/wrk-postgres-down.out")

load_start worker 15; sleep 3
VICTIM=$(pgrep -P "$SERVER" | head -n 1)
kill -9 "$VICTIM"
WORKER_RECOVERY=$(wait_until 30 all_workers) || FAILED=1
load_wait
report worker "a worker killed (SIGKILL)" "all $WORKERS workers again after ${WORKER_RECOVERY} s"

load_start replace 40; sleep 5
IMPORT_START=$(now)
"$PY" manage.py import_event --replace "$SCRATCH/changed.json" >"$SCRATCH/import.out" 2>&1 \
  || { echo "import_event --replace failed:" >&2; cat "$SCRATCH/import.out" >&2; FAILED=1; }
IMPORT_SECONDS=$(since "$IMPORT_START")
load_wait
report replace "import_event --replace" "import took ${IMPORT_SECONDS} s"
if ! curl -fs "$BASE$EVENT" | grep "补充一句" >/dev/null; then
  echo "the replaced event does not show the change" >&2; FAILED=1
  curl -fsI "$BASE$EVENT" | grep -i "x-page-cache\|etag\|last-modified" >&2
  "$PY" manage.py shell -c "from django.core.cache import cache; from transcripts.models import Event; e = Event.objects.get(slug='${EVENT#/events/}'.strip('/')); print('db', e.updated_at.isoformat(), 'cache', cache.get('event-version:' + e.slug), cache.get('site-version'))" >&2
fi

printf '\n%-30s %8s %-30s %8s %7s  %s\n' phase answers 'status codes' 'cached' 'socket' 'recovery'
printf '%s\n' "${RESULTS[@]}"
echo
if [ -n "$PG_OTHER" ]; then
  echo "PostgreSQL outage: answers other than cached pages and 503s:$PG_OTHER" >&2
  FAILED=1
else
  echo "PostgreSQL outage: only cached pages (200) and 503s"
fi
LOGGED=$(grep -c "unavailable, serving without it" "$SCRATCH/gunicorn.log" || true)
echo "the Redis outage was logged $LOGGED times ($WORKERS workers: once per worker)"
if grep -q '" 500 ' "$SCRATCH/access.log"; then
  echo "500s in the access log:" >&2
  grep -m 5 '" 500 ' "$SCRATCH/access.log" >&2 || true
  FAILED=1
fi
[ "$FAILED" = 0 ] && echo "faults: no 500 in any phase" || echo "faults: FAILED" >&2
exit $FAILED
