#!/usr/bin/env bash
# Reproduces the `check` throughput figures in BENCHMARKS.md:
#   scripts/bench-check.sh [ROWS...]        (default: 250000 1000000 3000000; a return's table may hold at most 3,000,000 rows, F305)
# Generates a synthetic people CSV per size (template layout, one row in a thousand invalid),
# checks it with the release build under /usr/bin/time, and prints rows/s and peak memory.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(250000 1000000 3000000)
cargo build --release --locked -q -p sightline
mkdir -p target/bench
printf '%10s %10s %12s %12s %10s\n' rows MB seconds rows/s peak_MB
for rows in "${sizes[@]}"; do
  file="target/bench/people-$rows.csv"
  [ -f "$file" ] || cargo run --release --locked -q -p sightline-intake --example make_people -- "$rows" "$file"
  log=$(mktemp)
  /usr/bin/time -f '%e %M' -o "$log" target/release/sightline check "$file" >/dev/null || true
  read -r seconds peak_kb < <(tail -n 1 "$log")
  rm -f "$log"
  mb=$(( $(stat -c %s "$file") / 1000000 ))
  awk -v r="$rows" -v mb="$mb" -v s="$seconds" -v k="$peak_kb" \
    'BEGIN { printf "%10d %10d %12.2f %12.0f %10.0f\n", r, mb, s, r / s, k / 1024 }'
done
