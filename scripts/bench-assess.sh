#!/usr/bin/env bash
# Reproduces the `assess` comparison of the two engines in BENCHMARKS.md:
#   scripts/bench-assess.sh DIR [SCALE] [SEED]      (default: scale 100, seed 1)
# Writes the synthetic returns to DIR/syn, ingests every return into an embedded workspace
# (DIR/sqlite) and a PostgreSQL one (DIR/postgres, database `sightline_bench_assess` on
# SIGHTLINE_BENCH_POSTGRES, default postgres://127.0.0.1:5432/test), links both, then times
# `assess --json` on each, alternating, three times, with /usr/bin/time; checks the outputs are
# the same bytes; then drops the database and its roles. Needs a release build.
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:?usage: scripts/bench-assess.sh DIR [SCALE] [SEED]}
scale=${2:-100}
seed=${3:-1}
bin=${SIGHTLINE:-${CARGO_TARGET_DIR:-target}/release/sightline}
admin=${SIGHTLINE_BENCH_POSTGRES:-postgres://127.0.0.1:5432/test}
database=sightline_bench_assess
rm -rf "$dir"
mkdir -p "$dir"
"$bin" synth --out "$dir/syn" --scale "$scale" --seed "$seed" >/dev/null
export SIGHTLINE_KEY_FILE="$dir/sightline.key"
psql -q "$admin" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" -c "CREATE DATABASE $database"
"$bin" init "$dir/sqlite" >/dev/null
"$bin" init "$dir/postgres" --database "${admin%/*}/$database" >/dev/null
for ws in sqlite postgres; do
  "$bin" --workspace "$dir/$ws" agencies import "$dir/syn/agencies.csv" >/dev/null
  start=$SECONDS
  for return_dir in "$dir"/syn/returns/*/; do
    agency=$(basename "$return_dir")
    profile=()
    [ -f "$dir/syn/profiles/$agency.toml" ] && profile=(--profile "$dir/syn/profiles/$agency.toml")
    "$bin" --workspace "$dir/$ws" ingest --agency "$agency" "${profile[@]}" "$return_dir"* >/dev/null || [ $? -eq 1 ]
  done
  echo "$ws: ingest of every return $((SECONDS - start)) s"
  /usr/bin/time -f "$ws: link %e s %M KB" "$bin" --workspace "$dir/$ws" link >/dev/null
done
for run in 1 2 3; do
  for ws in sqlite postgres; do
    /usr/bin/time -f "$ws: assess run $run %e s %M KB" "$bin" --workspace "$dir/$ws" assess --json >"$dir/assess-$ws.json"
  done
done
cmp "$dir/assess-sqlite.json" "$dir/assess-postgres.json" && echo "assess --json: the same bytes on both engines"
psql -q "$admin" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)"
for role in analysis ingest linkage; do psql -q "$admin" -c "DROP ROLE IF EXISTS ${database}_$role"; done
