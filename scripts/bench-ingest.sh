#!/usr/bin/env bash
# Reproduces the `ingest` figures in BENCHMARKS.md:
#   scripts/bench-ingest.sh [ROWS] [ENGINE]     (default: 1000000 sqlite; ENGINE sqlite or postgres)
# Generates a synthetic people CSV (template layout; given and family names, dates of birth,
# postcodes and ids, so five identifiers a row are sealed; one row in a thousand rejected),
# then times `sightline ingest` into a fresh workspace with /usr/bin/time, three times. Each
# line gives the wall, rows/s, peak memory and store size, the client's CPU (user + system), the
# whole machine's busy CPU over the run (from /proc/stat: the client, the server and anything
# else running), for PostgreSQL on this machine the server's CPU for the ingest (its backends,
# counted when they end: also any other client's that end meanwhile), and the load average when
# the run began: on a shared machine the wall is only comparable between runs with the same load.
# postgres: a fresh database `sightline_bench` on SIGHTLINE_BENCH_POSTGRES (an administrator's
# URL; default postgres://127.0.0.1:5432/test), dropped and made again for each run.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
engine=${2:-sqlite}
target=${CARGO_TARGET_DIR:-target}
cargo build --release --locked -q -p sightline
mkdir -p target/bench
file="target/bench/people-$rows.csv"
[ -f "$file" ] || cargo run --release --locked -q -p sightline-intake --example make_people -- "$rows" "$file"
# SIGHTLINE names another binary to time (an earlier build, for pairing before and after).
sightline=${SIGHTLINE:-$target/release/sightline}
admin=${SIGHTLINE_BENCH_POSTGRES:-postgres://127.0.0.1:5432/test}
printf 'agency_id,name,type,area,requested\nBENCH,Bench Police,police,E23000001,yes\n' >target/bench/agencies.csv
printf '%10s %10s %12s %10s %10s %10s %10s %12s %6s\n' rows seconds rows/s peak_MB store_MB client_cpu server_cpu machine_cpu load
# Busy and total jiffies of the whole machine.
busy() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
# The CPU of a local PostgreSQL server's backends that have ended (the postmaster's reaped
# children: cutime + cstime), in jiffies; empty when the server is not on this machine.
server_jiffies() {
  local checkpointer postmaster
  checkpointer=$(psql -At "$admin" -c "SELECT pid FROM pg_stat_activity WHERE backend_type = 'checkpointer'" 2>/dev/null) || return 0
  postmaster=$(awk '/^PPid:/ { print $2 }' "/proc/$checkpointer/status" 2>/dev/null) || return 0
  [ -n "$postmaster" ] && awk '{ print $16 + $17 }' "/proc/$postmaster/stat" 2>/dev/null || true
}
for run in 1 2 3; do
  workspace=target/bench/workspace
  rm -rf "$workspace"
  if [ "$engine" = postgres ]; then
    psql -q "$admin" -c "DROP DATABASE IF EXISTS sightline_bench WITH (FORCE)" -c "CREATE DATABASE sightline_bench"
    "$sightline" init "$workspace" --database "${admin%/*}/sightline_bench" >/dev/null
  else
    "$sightline" init "$workspace" >/dev/null
  fi
  "$sightline" --workspace "$workspace" agencies import target/bench/agencies.csv >/dev/null
  log=$(mktemp)
  load=$(cut -d' ' -f1 /proc/loadavg)
  busy_before=$(busy)
  server_before=""
  [ "$engine" = postgres ] && server_before=$(server_jiffies)
  /usr/bin/time -f '%e %M %U %S' -o "$log" "$sightline" --workspace "$workspace" ingest "$file" --agency BENCH >/dev/null || true
  busy_after=$(busy)
  server_cpu=-
  if [ -n "$server_before" ]; then
    # The ingest's connections have ended with it (a backend reaped a moment later is waited for).
    sleep 0.2
    server_after=$(server_jiffies)
    [ -n "$server_after" ] && server_cpu=$(awk -v j="$((server_after - server_before))" -v hz="$(getconf CLK_TCK)" 'BEGIN { printf "%.2f", j / hz }')
  fi
  read -r seconds peak_kb user_s system_s < <(tail -n 1 "$log")
  rm -f "$log"
  if [ "$engine" = postgres ]; then
    store_mb=$(( $(psql -At "${admin%/*}/sightline_bench" -c "SELECT pg_database_size(current_database())") / 1000000 ))
  else
    store_mb=$(( $(stat -c %s "$workspace/store.sqlite") / 1000000 ))
  fi
  awk -v r="$rows" -v s="$seconds" -v k="$peak_kb" -v m="$store_mb" -v u="$user_s" -v y="$system_s" \
    -v b="$((busy_after - busy_before))" -v hz="$(getconf CLK_TCK)" -v l="$load" -v c="$server_cpu" \
    'BEGIN { printf "%10d %10.2f %12.0f %10.0f %10d %10.2f %10s %12.2f %6s\n", r, s, r / s, k / 1024, m, u + y, c, b / hz, l }'
done
if [ "$engine" = postgres ]; then
  psql -q "$admin" -c "DROP DATABASE IF EXISTS sightline_bench WITH (FORCE)"
  psql -q "$admin" -c "DROP ROLE IF EXISTS sightline_bench_analysis" -c "DROP ROLE IF EXISTS sightline_bench_ingest" -c "DROP ROLE IF EXISTS sightline_bench_linkage"
fi
