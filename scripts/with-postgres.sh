#!/usr/bin/env bash
# Runs a command (the tests) with a PostgreSQL server they can use, and says which:
#   scripts/with-postgres.sh cargo test --workspace --locked
# The tests read SIGHTLINE_TEST_POSTGRES: an administrator's URL (a login that may create
# databases and roles; each test makes and drops its own database). In order:
#   1. SIGHTLINE_TEST_POSTGRES, if set and answering;
#   2. the machine's server on 127.0.0.1:5432 (database `test`, trust authentication), started
#      with pg_ctlcluster when its cluster is installed but stopped;
#   3. a throwaway cluster: Debian's `postgresql` installed if missing, initdb into a temporary
#      folder, pg_ctl on a free port of 127.0.0.1, stopped and removed when the command ends.
# SIGHTLINE_PG_THROWAWAY=1 goes straight to 3 (to try it on a machine that has a server).
# It never lets the PostgreSQL tests be skipped: without a server it fails.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: scripts/with-postgres.sh COMMAND..." >&2; exit 2; }

answers() { psql "$1" -Atqc 'SELECT 1' >/dev/null 2>&1; }

if [ -z "${SIGHTLINE_PG_THROWAWAY:-}" ] && [ -n "${SIGHTLINE_TEST_POSTGRES:-}" ] && answers "$SIGHTLINE_TEST_POSTGRES"; then
  echo "with-postgres: $SIGHTLINE_TEST_POSTGRES (SIGHTLINE_TEST_POSTGRES)" >&2
  exec "$@"
fi

sudo_cmd=""
if [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then sudo_cmd="sudo"; fi

machine=postgres://127.0.0.1:5432/test
if [ -z "${SIGHTLINE_PG_THROWAWAY:-}" ] && command -v psql >/dev/null 2>&1; then
  if ! pg_isready -q -h 127.0.0.1 -p 5432 && [ -d /etc/postgresql ] && [ -n "$(ls /etc/postgresql)" ]; then
    echo "with-postgres: starting the machine's cluster" >&2
    $sudo_cmd pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -n 1)" main start || true
    for _ in $(seq 1 30); do pg_isready -q -h 127.0.0.1 -p 5432 && break; sleep 1; done
  fi
  if answers "$machine"; then
    export SIGHTLINE_TEST_POSTGRES=$machine
    echo "with-postgres: $machine (the machine's server)" >&2
    exec "$@"
  fi
fi

# A throwaway cluster.
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ]; then
  echo "with-postgres: installing Debian's postgresql" >&2
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq postgresql >/dev/null
  bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
fi
dir=$(mktemp -d /tmp/sightline-pg.XXXXXX)
port=$(( 55000 + RANDOM % 5000 ))
as_owner=()
if [ "$(id -u)" -eq 0 ]; then
  # initdb and postgres refuse to run as root: the package's `postgres` user owns the cluster.
  id postgres >/dev/null 2>&1 || useradd --system --no-create-home postgres
  chown postgres "$dir"
  as_owner=(runuser -u postgres --)
fi
"${as_owner[@]}" "$bin/initdb" -A trust -U postgres -D "$dir/data" >"$dir/initdb.log"
"${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
  -o "-p $port -k $dir -c listen_addresses=127.0.0.1" start >/dev/null
stop() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap stop EXIT
export SIGHTLINE_TEST_POSTGRES=postgres://postgres@127.0.0.1:$port/postgres
echo "with-postgres: $SIGHTLINE_TEST_POSTGRES (a throwaway cluster in $dir)" >&2
"$@"
