#!/usr/bin/env bash
# Peak memory of `sightline check` (release build) on the largest inputs the limits let through,
# and on inputs just past them, for RELIABILITY.md. The hostile corpus itself is measured by
# `cargo test -p sightline-intake --test hostile` (SIGHTLINE_HOSTILE_REPORT=1 prints it).
#
#   scripts/peak-memory.sh
#
# Files go to $CARGO_TARGET_DIR/peak (about 600 MB); /usr/bin/time (Debian `time`) reads the
# peak resident set.
set -euo pipefail
cd "$(dirname "$0")/.."
target=${CARGO_TARGET_DIR:-target}
cargo build --release --locked -q -p sightline
cargo build --release --locked -q -p sightline-intake --example make_people
dir="$target/peak"
mkdir -p "$dir"
make() { [ -f "$dir/$2" ] || "$@"; }
people() { "$target/release/examples/make_people" "$1" "$dir/$2" >/dev/null; }
large() { python3 scripts/hostile/make_large.py "$1" "$2" "$dir/$3"; }
[ -f "$dir/people-2999999.csv" ] || people 2999999 people-2999999.csv
[ -f "$dir/people-3000001.csv" ] || people 3000001 people-3000001.csv
[ -f "$dir/rejected-2999999.csv" ] || large rejected_rows 2999999 rejected-2999999.csv
[ -f "$dir/workbook-180000-rows.xlsx" ] || large workbook_cells 180000 workbook-180000-rows.xlsx
[ -f "$dir/workbook-220000-rows.xlsx" ] || large workbook_cells 220000 workbook-220000-rows.xlsx
[ -f "$dir/shared-strings-600000.xlsx" ] || large shared_strings 600000 shared-strings-600000.xlsx
printf '| file | size | exit | peak memory | outcome |\n|---|---:|---:|---:|---|\n'
for file in people-2999999.csv people-3000001.csv rejected-2999999.csv workbook-180000-rows.xlsx workbook-220000-rows.xlsx shared-strings-600000.xlsx; do
  log=$(mktemp)
  out=$(mktemp)
  code=0
  /usr/bin/time -f '%M' -o "$log" "$target/release/sightline" check "$dir/$file" >"$out" 2>&1 || code=$?
  peak_kb=$(tail -n 1 "$log")
  outcome=$(grep -m1 -oE 'refused \(F3[0-9]+\)|^Result: .*rejected' "$out" || true)
  size=$(numfmt --to=iec --suffix=B "$(stat -c %s "$dir/$file")")
  printf '| `%s` | %s | %d | %d MiB | %s |\n' "$file" "$size" "$code" $(( peak_kb / 1024 )) "$outcome"
  rm -f "$log" "$out"
done
