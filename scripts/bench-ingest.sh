#!/usr/bin/env bash
# Reproduces the `ingest` figures in BENCHMARKS.md:
#   scripts/bench-ingest.sh [ROWS]        (default: 1000000)
# Generates a synthetic people CSV (template layout; given and family names, dates of birth,
# postcodes and ids, so five identifiers a row are sealed; one row in a thousand rejected),
# then times `sightline ingest` into a fresh workspace with /usr/bin/time, three times.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
cargo build --release --locked -q -p sightline
mkdir -p target/bench
file="target/bench/people-$rows.csv"
[ -f "$file" ] || cargo run --release --locked -q -p sightline-intake --example make_people -- "$rows" "$file"
sightline=target/release/sightline
printf 'agency_id,name,type,area,requested\nBENCH,Bench Police,police,E23000001,yes\n' >target/bench/agencies.csv
printf '%10s %10s %12s %10s %10s\n' rows seconds rows/s peak_MB store_MB
for run in 1 2 3; do
  workspace=target/bench/workspace
  rm -rf "$workspace"
  "$sightline" init "$workspace" >/dev/null
  "$sightline" --workspace "$workspace" agencies import target/bench/agencies.csv >/dev/null
  log=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$log" "$sightline" --workspace "$workspace" ingest "$file" --agency BENCH >/dev/null || true
  read -r seconds peak_kb < <(tail -n 1 "$log")
  rm -f "$log"
  store_mb=$(( $(stat -c %s "$workspace/store.sqlite") / 1000000 ))
  awk -v r="$rows" -v s="$seconds" -v k="$peak_kb" -v m="$store_mb" \
    'BEGIN { printf "%10d %10.2f %12.0f %10.0f %10d\n", r, s, r / s, k / 1024, m }'
done
