#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 600: ten CPU-minutes), one after another on
# one core, with the committed seeds (fuzz/corpus/TARGET) and a scratch corpus that grows
# (target/fuzz-corpus/TARGET, not committed). Prints each target's last libFuzzer status line.
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]
#
# Needs cargo-fuzz and a nightly toolchain (or RUSTC_BOOTSTRAP=1 with stable). No sanitizer
# (`-s none`): the code is safe Rust, and without ASan the RSS limit measures Sightline. A crash leaves
# its input in fuzz/artifacts/TARGET/: turn it into a regression test, then fix it.
set -euo pipefail
cd "$(dirname "$0")/../fuzz"
seconds=${1:-600}
shift || true
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(csv workbook cin_xml profile dates postcodes ethnicity nationality cells)
fi
target_dir=${CARGO_TARGET_DIR:-target}
cargo +nightly fuzz build -O -s none
logs="$target_dir/fuzz-logs"
mkdir -p "$logs"
for target in "${targets[@]}"; do
  scratch="$target_dir/fuzz-corpus/$target"
  mkdir -p "$scratch"
  case "$target" in
    csv|workbook|cin_xml) max_len=65536 ;;
    *) max_len=4096 ;;
  esac
  # -rss_limit_mb: a run over 512 MB is a finding (Sightline promises 256 MB for any file).
  cargo +nightly fuzz run -O -s none "$target" "$scratch" "corpus/$target" -- \
    -max_total_time="$seconds" -max_len="$max_len" -rss_limit_mb=512 -timeout=20 \
    -print_final_stats=1 >"$logs/$target.log" 2>&1 || echo "$target: FAILED (see $logs/$target.log)"
  echo "$target: $(grep -E '^#[0-9]+' "$logs/$target.log" | tail -1)"
  grep -E 'stat::number_of_executed_units|stat::peak_rss_mb' "$logs/$target.log" | tr '\n' ' '
  echo
done
