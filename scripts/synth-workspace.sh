#!/usr/bin/env bash
# Builds a workspace from synthetic returns: synth → init → agencies import → ingest every
# return with its profile. Usage: scripts/synth-workspace.sh DIR [SCALE] [SEED]
# Writes DIR/syn (the returns and truth) and DIR/ws (the workspace). Needs a release build.
set -euo pipefail
dir=${1:?usage: scripts/synth-workspace.sh DIR [SCALE] [SEED]}
scale=${2:-1}
seed=${3:-1}
bin=${SIGHTLINE:-target/release/sightline}
rm -rf "$dir"
mkdir -p "$dir"
"$bin" synth --out "$dir/syn" --scale "$scale" --seed "$seed"
export SIGHTLINE_KEY_FILE="$dir/sightline.key"
"$bin" init "$dir/ws" > /dev/null
"$bin" --workspace "$dir/ws" agencies import "$dir/syn/agencies.csv" > /dev/null
for return_dir in "$dir"/syn/returns/*/; do
  agency=$(basename "$return_dir")
  profile=()
  [ -f "$dir/syn/profiles/$agency.toml" ] && profile=(--profile "$dir/syn/profiles/$agency.toml")
  "$bin" --workspace "$dir/ws" ingest --agency "$agency" "${profile[@]}" "$return_dir"* > /dev/null || [ $? -eq 1 ]
done
"$bin" --workspace "$dir/ws" returns | tail -1
