#!/usr/bin/env bash
# Reproduces the full-pipeline coverage of the estimate of victims in all (issue 16) in
# BENCHMARKS.md:
#   scripts/bench-hidden.sh [SEEDS] [SCALE]        (default: 20 worlds at scale 1)
# For each seed: `sightline demo` (synth → ingest → link → assess → report), then
# `assess --truth`, whose row `victims.estimated_total` compares the estimate and its 95%
# interval with the world's `victims_total` (victims known to an agency or not). Prints one
# line per world, then the coverage and the median relative error.
set -euo pipefail
cd "$(dirname "$0")/.."
seeds=${1:-20}
scale=${2:-1}
cargo build --release --locked -q -p sightline
bin="${CARGO_TARGET_DIR:-target}/release/sightline"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for seed in $(seq 1 "$seeds"); do
  "$bin" demo --out "$work/demo" --scale "$scale" --seed "$seed" >/dev/null 2>&1
  "$bin" --workspace "$work/demo/ws" assess --truth "$work/demo/syn" \
    | awk -v seed="$seed" '$1 == "victims.estimated_total" {
        gsub(",", "", $2); gsub(",", "", $3); print seed, $2, $3, $4, $5, $6 }'
done | awk '
  { n++; err = ($2 - $3) / $3; if (err < 0) err = -err; e[n] = err; if ($6 == "yes") c++;
    printf "seed %2d: estimate %s truth %s error %s interval %s %s\n", $1, $2, $3, $4, $5, ($6 == "yes" ? "covers" : "MISSES") }
  END {
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (e[j] < e[i]) { t = e[i]; e[i] = e[j]; e[j] = t }
    median = (n % 2) ? e[(n + 1) / 2] : (e[n / 2] + e[n / 2 + 1]) / 2
    printf "coverage %d/%d, median relative error %.4f\n", c, n, median }'
