#!/usr/bin/env bash
# Reproduces the `ingest` figures in BENCHMARKS.md:
#   scripts/bench-ingest.sh [ROWS] [ENGINE]     (default: 1000000 sqlite; ENGINE sqlite or postgres)
# Generates a synthetic people CSV (template layout; given and family names, dates of birth,
# postcodes and ids, so five identifiers a row are sealed; one row in a thousand rejected),
# then times `sightline ingest` into a fresh workspace with /usr/bin/time, three times.
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
sightline=$target/release/sightline
admin=${SIGHTLINE_BENCH_POSTGRES:-postgres://127.0.0.1:5432/test}
printf 'agency_id,name,type,area,requested\nBENCH,Bench Police,police,E23000001,yes\n' >target/bench/agencies.csv
printf '%10s %10s %12s %10s %10s\n' rows seconds rows/s peak_MB store_MB
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
  /usr/bin/time -f '%e %M' -o "$log" "$sightline" --workspace "$workspace" ingest "$file" --agency BENCH >/dev/null || true
  read -r seconds peak_kb < <(tail -n 1 "$log")
  rm -f "$log"
  if [ "$engine" = postgres ]; then
    store_mb=$(( $(psql -At "${admin%/*}/sightline_bench" -c "SELECT pg_database_size(current_database())") / 1000000 ))
  else
    store_mb=$(( $(stat -c %s "$workspace/store.sqlite") / 1000000 ))
  fi
  awk -v r="$rows" -v s="$seconds" -v k="$peak_kb" -v m="$store_mb" \
    'BEGIN { printf "%10d %10.2f %12.0f %10.0f %10d\n", r, s, r / s, k / 1024, m }'
done
if [ "$engine" = postgres ]; then
  psql -q "$admin" -c "DROP DATABASE IF EXISTS sightline_bench WITH (FORCE)"
  psql -q "$admin" -c "DROP ROLE IF EXISTS sightline_bench_analysis" -c "DROP ROLE IF EXISTS sightline_bench_ingest" -c "DROP ROLE IF EXISTS sightline_bench_linkage"
fi
