#!/usr/bin/env bash
# Load test: gunicorn (gunicorn.conf.py, production settings) on loopback, loaded with wrk.
#
#   bench/load.sh                      # DURATION=60 CONNECTIONS=64 by default
#   DURATION=20 CONNECTIONS=32 bench/load.sh
#
# Three phases of DURATION seconds each, after a warm-up, all against the same server:
#   1. mix: event pages, filters, quote permalinks, speakers, tags, search and the API
#      (bench/load.lua picks a URL per request);
#   2. the cached event page alone;
#   3. a static file of the same bytes (the event page saved under STATIC_ROOT), served by
#      whitenoise from the same gunicorn.
# For each: requests/s, p50 and p99 latency, and errors (non-2xx/3xx answers; socket errors and
# timeouts). Then the ratio of event-page to static requests/s (goal: at least 0.5).
# Exits 1 when any request failed or the ratio misses its goal.
#
# The database is a scratch SQLite file with the demo event (or DATABASE_URL, which should then
# be a throwaway database); static files are collected into the scratch folder (a settings module
# written there imports salon_site.settings unchanged and moves STATIC_ROOT). REDIS_URL, when
# set, is used as in production. wrk comes from Debian's package (installed when missing).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-64}
THREADS=${THREADS:-2}
WARMUP=${WARMUP:-10}
PY=$ROOT/.venv/bin/python
[ -x "$PY" ] || { echo "bench/load.sh: run 'make install' first" >&2; exit 1; }
if ! command -v wrk >/dev/null; then
  echo "installing wrk (Debian package)…"
  apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
fi

SCRATCH=$(mktemp -d "${TMPDIR:-/tmp}/salon-load.XXXXXX")
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  [ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$SCRATCH"
}
trap cleanup EXIT

PORT=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
BASE="http://127.0.0.1:$PORT"
export DJANGO_DEBUG=0
export DJANGO_SECRET_KEY
DJANGO_SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')
export DJANGO_ALLOWED_HOSTS=127.0.0.1,localhost
export DJANGO_SECURE_SSL_REDIRECT=0  # plain http on loopback; everything else as in production
export DATABASE_URL=${DATABASE_URL:-sqlite:///$SCRATCH/load.sqlite3}
export GUNICORN_BIND=127.0.0.1:$PORT
export GUNICORN_ACCESS_LOG=$SCRATCH/access.log
printf 'from salon_site.settings import *  # noqa: F403\n\nSTATIC_ROOT = %s\n' \
  "'$SCRATCH/static'" >"$SCRATCH/load_settings.py"
export DJANGO_SETTINGS_MODULE=load_settings
export PYTHONPATH=$SCRATCH:$ROOT${PYTHONPATH:+:$PYTHONPATH}

echo "== setting up: ${DATABASE_URL%%\?*}, cache: ${REDIS_URL:-local memory per worker}"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py import_event fixtures/demo-event.json >/dev/null
"$PY" manage.py collectstatic --noinput -v0

start_server() {
  "$ROOT/.venv/bin/gunicorn" --config gunicorn.conf.py salon_site.wsgi >>"$SCRATCH/gunicorn.log" 2>&1 &
  SERVER=$!
  for _ in $(seq 100); do
    curl -fs "$BASE/healthz" >/dev/null 2>&1 && return 0
    kill -0 "$SERVER" 2>/dev/null || break
    sleep 0.2
  done
  cat "$SCRATCH/gunicorn.log" >&2
  echo "gunicorn did not answer /healthz" >&2
  exit 1
}
stop_server() { kill "$SERVER"; wait "$SERVER" 2>/dev/null || true; SERVER=""; }

EVENT=/events/da-mo-xing-xun-lian-he-jin-hua-zhi-lu/
# The event page's bytes become a static file; whitenoise indexes STATIC_ROOT when the (preloaded)
# application starts, so the server is started again once the file is there.
start_server
curl -fs "$BASE$EVENT" -o "$SCRATCH/page.html"
stop_server
SIZE=$(stat -c %s "$SCRATCH/page.html")
mkdir -p "$SCRATCH/static/bench"
cp "$SCRATCH/page.html" "$SCRATCH/static/bench/event-page.html"
: >"$SCRATCH/gunicorn.log"
start_server
sleep 1
WORKERS=$(grep -c "Booting worker" "$SCRATCH/gunicorn.log" || true)
STATIC_SIZE=$(curl -fs "$BASE/static/bench/event-page.html" | wc -c)
[ "$STATIC_SIZE" = "$SIZE" ] || { echo "static copy is $STATIC_SIZE bytes, page is $SIZE" >&2; exit 1; }

run() {  # run NAME SECONDS [PATH]: one wrk phase, prints its RESULT line
  local name=$1 seconds=$2
  shift 2
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"${seconds}s" --timeout 10s --latency \
    -s bench/load.lua "$BASE" -- "$@" >"$SCRATCH/wrk-$name.out" 2>&1
  grep '^RESULT' "$SCRATCH/wrk-$name.out" || { cat "$SCRATCH/wrk-$name.out" >&2; exit 1; }
}
field() { sed -n "s/.*$2=\([0-9.]*\).*/\1/p" <<<"$1"; }

echo "== gunicorn: $WORKERS workers on $THREADS wrk threads × $CONNECTIONS connections, ${DURATION}s a phase; event page $SIZE bytes"
run warmup "$WARMUP" >/dev/null
run warmup-page 2 "$EVENT" >/dev/null
MIX=$(run mix "$DURATION")
PAGE=$(run page "$DURATION" "$EVENT")
STATIC=$(run static "$DURATION" /static/bench/event-page.html)

printf '\n%-26s %9s %9s %9s %9s %12s %13s\n' phase requests 'req/s' 'p50 ms' 'p99 ms' 'non-2xx/3xx' 'socket errors'
ERRORS=0
for phase in "mix (pages, search, API):$MIX" "cached event page:$PAGE" "static file, same bytes:$STATIC"; do
  name=${phase%%:RESULT*}
  line=RESULT${phase#*:RESULT}
  printf '%-26s %9s %9s %9s %9s %12s %13s\n' "$name" "$(field "$line" requests)" "$(field "$line" rps)" \
    "$(field "$line" p50_ms)" "$(field "$line" p99_ms)" "$(field "$line" status_errors)" "$(field "$line" socket_errors)"
  ERRORS=$((ERRORS + $(field "$line" status_errors) + $(field "$line" socket_errors)))
done
RATIO=$("$PY" -c "print(f'{$(field "$PAGE" rps) / $(field "$STATIC" rps):.2f}')")
echo
echo "event page / static file: $RATIO (goal ≥ 0.5); errors: $ERRORS (goal 0)"
"$PY" -c "import sys; sys.exit(0 if $RATIO >= 0.5 and $ERRORS == 0 else 1)"
