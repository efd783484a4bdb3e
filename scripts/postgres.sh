#!/usr/bin/env bash
# A throwaway PostgreSQL server on 127.0.0.1 for tests and benchmarks.
#
#   scripts/postgres.sh start   installs PostgreSQL if missing, starts a fresh server, prints DATABASE_URL=…
#   scripts/postgres.sh stop    stops it by its PID and removes its data
#
# State lives in var/postgres-PORT/ (data directory, socket, PID). Set PGPORT to choose the port (default 54329).
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
port="${PGPORT:-54329}"
state="$here/var/postgres-$port"


find_bindir() {
  if command -v pg_config >/dev/null 2>&1 && [ -x "$(pg_config --bindir)/initdb" ]; then
    pg_config --bindir
    return
  fi
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
  [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

as_owner() {
  # PostgreSQL refuses to run as root: run its programs as the 'postgres' system user then.
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

start() {
  local bindir
  bindir=$(find_bindir || true)
  if [ -z "$bindir" ]; then
    echo "Installing PostgreSQL (Debian packages postgresql, postgresql-contrib)…" >&2
    if [ "$(id -u)" = 0 ]; then sudo=""; else sudo="sudo"; fi
    $sudo apt-get update -qq >&2
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq postgresql postgresql-contrib >&2
    bindir=$(find_bindir)
  fi
  stop >/dev/null 2>&1 || true
  mkdir -p "$state"
  if [ "$(id -u)" = 0 ]; then chown postgres "$state"; fi
  as_owner "$bindir/initdb" -D "$state/data" -U trellis -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
  as_owner "$bindir/pg_ctl" -D "$state/data" -l "$state/server.log" -w -t 60 start \
    -o "-p $port -k $state -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" >/dev/null
  head -n 1 "$state/data/postmaster.pid" > "$state/pid"
  as_owner "$bindir/createdb" -h 127.0.0.1 -p "$port" -U trellis trellis
  echo "DATABASE_URL=postgres://trellis@127.0.0.1:$port/trellis"
}

stop() {
  [ -f "$state/pid" ] || return 0
  local pid
  pid=$(cat "$state/pid")
  if kill -0 "$pid" 2>/dev/null; then
    kill -INT "$pid"   # fast shutdown
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
  fi
  rm -rf "$state"
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  *) echo "usage: $0 start|stop" >&2; exit 2 ;;
esac
