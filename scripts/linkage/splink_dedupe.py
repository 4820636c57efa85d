#!/usr/bin/env python3
"""Deduplicate a CSV of person records with Splink 5 (DuckDB backend) and score
the clusters against a truth column.  This is the reference side of the
`sightline dedupe` comparison.

    python splink_dedupe.py INPUT.csv --id COL [--truth COL] [--threshold 0.95]
        [--columns FIELD=COL,...] [--out PRED.csv] [--json RESULT.json]
        [--threads 2] [--memory-limit 16GB] [--seed 42] [--u-max-pairs 1e7]
        [--recall 0.7] [--em-max-pairs N] [--block-on-extras] [--quiet]

FIELD names are Sightline's: given_name, family_name, other_names,
date_of_birth, sex, postcode, town, nhs_number, extra:NAME.  Without
--columns, CSV columns named exactly like a field are used.

Cleaning (in DuckDB): values are trimmed, empty strings become NULL; names and
town are lower-cased with runs of spaces collapsed; sex is its first letter,
upper-cased; NHS numbers keep digits only; postcodes are upper-cased, and when
most look like UK postcodes they are rewritten as "OUTWARD INWARD".
Dates of birth are accepted as YYYY-MM-DD (a longer ISO timestamp is cut to
its date), dd/mm/yyyy, yyyymmdd or a bare YYYY, and are stored as ISO
YYYY-MM-DD; a bare year, or a string that is not a valid date, leaves the
date NULL but keeps the year (dob_year) for blocking.

Model (following Splink's own DuckDB examples for person data):
  comparisons  given_name, family_name, other_names: NameComparison (exact
               match with term-frequency adjustment, Jaro-Winkler 0.92/0.88/0.7)
               date_of_birth: DateOfBirthComparison (exact, Levenshtein <= 1,
               within 1 month / 1 year / 10 years)
               postcode: PostcodeComparison (UK-shaped data) or exact match
               with term frequencies + Levenshtein <= 1 (other postcodes)
               town: exact match with term frequencies
               sex, nhs_number: exact match
               extra:NAME: exact + Damerau-Levenshtein <= 2
  blocking     (family_name, dob_year), (given_name, date_of_birth),
               (given_name, family_name), (postcode), (date_of_birth),
               (nhs_number) -- those whose columns are mapped
               (+ each extra column with --block-on-extras)
  training     probability_two_random_records_match from deterministic rules
               (given_name+family_name+date_of_birth, nhs_number,
               given_name+family_name+postcode) at --recall; u by random
               sampling (--u-max-pairs, fixed --seed); m by expectation
               maximisation on (given_name, family_name), (date_of_birth) and,
               if a comparison is still untrained, (postcode)
  prediction   predict(threshold_match_probability=T), then
               cluster_pairwise_predictions_at_threshold(T) (connected
               components, Splink's default clustering)

Output JSON (stdout, and --json FILE):
  {"tool": "splink", "version", "records", "entities", "seconds",
   "peak_rss_mb", "threshold", "metrics": {... metrics.py keys ...}}
seconds is wall time from reading the CSV to having the clusters in Python;
peak_rss_mb is this process's maximum resident set size (getrusage), which
includes DuckDB's memory since DuckDB runs in-process.  --out writes
id,cluster_id.  Splink's log goes to stderr.
"""
from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import resource
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from metrics import compute_metrics  # noqa: E402

FIELDS = (
    "given_name", "family_name", "other_names", "date_of_birth", "sex",
    "postcode", "town", "nhs_number",
)
UK_POSTCODE = r"^[A-Z]{1,2}[0-9][A-Z0-9]?[0-9][A-Z]{2}$"  # spaces removed first


def qident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def qstr(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def parse_columns(spec: str | None, header: list[str]) -> dict[str, str]:
    """Return {splink column name: CSV column} from FIELD=COL,... ."""
    mapping: dict[str, str] = {}
    if not spec:
        for f in FIELDS:
            if f in header:
                mapping[f] = f
        return mapping
    for item in spec.split(","):
        item = item.strip()
        if not item:
            continue
        if "=" not in item:
            raise SystemExit(f"--columns: expected FIELD=COL, got {item!r}")
        field, col = (x.strip() for x in item.split("=", 1))
        if field.startswith("extra:"):
            name = field[len("extra:"):]
            safe = "".join(c if c.isalnum() else "_" for c in name.lower())
            if not safe:
                raise SystemExit(f"--columns: empty extra name in {item!r}")
            key = "x_" + safe
        elif field in FIELDS:
            key = field
        else:
            raise SystemExit(
                f"--columns: unknown field {field!r} (known: {', '.join(FIELDS)}, extra:NAME)"
            )
        if col not in header:
            raise SystemExit(f"--columns: CSV has no column {col!r}")
        if key in mapping:
            raise SystemExit(f"--columns: field {field!r} given twice")
        mapping[key] = col
    return mapping


def clean_expr(key: str, col: str, uk_postcodes: bool) -> str:
    c = f"nullif(trim({qident(col)}), '')"
    if key in ("given_name", "family_name", "other_names", "town"):
        return f"nullif(lower(regexp_replace({c}, '\\s+', ' ', 'g')), '')"
    if key == "sex":
        return f"upper(left({c}, 1))"
    if key == "nhs_number":
        return f"nullif(regexp_replace({c}, '[^0-9]', '', 'g'), '')"
    if key == "postcode":
        nospace = f"upper(regexp_replace({c}, '\\s+', '', 'g'))"
        if uk_postcodes:
            return (
                f"nullif(regexp_replace({nospace}, '^(.+)([0-9][A-Z][A-Z])$', '\\1 \\2'), '')"
            )
        return f"nullif(upper(regexp_replace({c}, '\\s+', ' ', 'g')), '')"
    return c  # extras: trimmed, empty -> NULL


def dob_exprs(col: str) -> tuple[str, str]:
    """SQL for (ISO date string or NULL, year string or NULL)."""
    s = f"nullif(trim({qident(col)}), '')"
    parsed = f"""(case
        when regexp_matches({s}, '^[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}')
            then try_strptime(regexp_extract({s}, '^[0-9]{{4}}-[0-9]{{1,2}}-[0-9]{{1,2}}'), '%Y-%m-%d')
        when regexp_matches({s}, '^[0-9]{{1,2}}/[0-9]{{1,2}}/[0-9]{{4}}$')
            then try_strptime({s}, '%d/%m/%Y')
        when regexp_matches({s}, '^[0-9]{{8}}$')
            then try_strptime({s}, '%Y%m%d')
        end)"""
    iso = f"strftime({parsed}, '%Y-%m-%d')"
    year = f"""(case
        when {parsed} is not null then strftime({parsed}, '%Y')
        when regexp_matches({s}, '^[0-9]{{4}}$') then {s}
        when regexp_matches({s}, '^[0-9]{{4}}') then left({s}, 4)
        when regexp_matches({s}, '/[0-9]{{4}}$') then right({s}, 4)
        end)"""
    return iso, year


def peak_rss_mb() -> float:
    # ru_maxrss is in KiB on Linux
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(
        description="Deduplicate person records with Splink 5 (DuckDB) and score them.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__,
    )
    ap.add_argument("input", help="input CSV (with header)")
    ap.add_argument("--id", required=True, help="record id column")
    ap.add_argument("--truth", help="true entity column (metrics are computed when given)")
    ap.add_argument("--threshold", type=float, default=0.95, help="match probability threshold (default 0.95)")
    ap.add_argument("--columns", help="FIELD=COL,... (default: columns named like the fields)")
    ap.add_argument("--out", help="write id,cluster_id CSV here")
    ap.add_argument("--json", dest="json_out", help="write the result JSON here too")
    ap.add_argument("--threads", type=int, default=2, help="DuckDB threads (default 2)")
    ap.add_argument("--memory-limit", default="16GB", help="DuckDB memory_limit (default 16GB)")
    ap.add_argument("--temp-dir", help="DuckDB spill directory (default: DuckDB's own)")
    ap.add_argument("--seed", type=int, default=42, help="seed for u sampling (default 42)")
    ap.add_argument("--u-max-pairs", type=float, default=1e7, help="pairs sampled to estimate u (default 1e7)")
    ap.add_argument("--recall", type=float, default=0.7, help="assumed recall of the deterministic rules (default 0.7)")
    ap.add_argument("--em-max-pairs", type=float, default=None, help="cap on pairs per EM session (default: no cap)")
    ap.add_argument("--block-on-extras", action="store_true", help="also block on each extra: column")
    ap.add_argument("--quiet", action="store_true", help="only warnings from Splink")
    args = ap.parse_args(argv)

    import duckdb
    import splink
    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    t0 = time.perf_counter()

    con = duckdb.connect()

    def sql(query: str) -> list:
        # Fetch everything: DuckDB 2.x refuses further work on a connection
        # while a result from execute() is left unfinished.
        return con.execute(query).fetchall()

    sql(f"SET threads = {int(args.threads)}")
    sql(f"SET memory_limit = {qstr(args.memory_limit)}")
    sql("SET preserve_insertion_order = false")
    if args.temp_dir:
        sql(f"SET temp_directory = {qstr(args.temp_dir)}")

    # --- read and clean -----------------------------------------------------
    sql(
        "CREATE TABLE raw AS SELECT * FROM read_csv("
        f"{qstr(args.input)}, header = true, all_varchar = true)"
    )
    header = [r[0] for r in sql("DESCRIBE raw")]
    for needed in [args.id] + ([args.truth] if args.truth else []):
        if needed not in header:
            raise SystemExit(f"{args.input}: no column {needed!r}")
    mapping = parse_columns(args.columns, header)
    if not mapping:
        raise SystemExit("no fields to compare: pass --columns FIELD=COL,...")

    uk_postcodes = False
    if "postcode" in mapping:
        pc = qident(mapping["postcode"])
        share = sql(
            f"SELECT avg(regexp_matches(upper(regexp_replace(trim({pc}), '\\s+', '', 'g')), "
            f"{qstr(UK_POSTCODE)})::int) FROM raw WHERE nullif(trim({pc}), '') IS NOT NULL"
        )[0][0]
        uk_postcodes = share is not None and share > 0.5

    selects = [f"CAST({qident(args.id)} AS VARCHAR) AS unique_id"]
    for key, col in mapping.items():
        if key == "date_of_birth":
            iso, year = dob_exprs(col)
            selects += [f"{iso} AS date_of_birth", f"{year} AS dob_year"]
        else:
            selects.append(f"{clean_expr(key, col, uk_postcodes)} AS {qident(key)}")
    sql(f"CREATE TABLE input AS SELECT {', '.join(selects)} FROM raw")
    if args.truth:
        sql(
            f"CREATE TABLE truth AS SELECT CAST({qident(args.id)} AS VARCHAR) AS unique_id, "
            f"CAST({qident(args.truth)} AS VARCHAR) AS true_id FROM raw"
        )
    sql("DROP TABLE raw")
    n_records = sql("SELECT count(*) FROM input")[0][0]
    dup_ids = sql(
        "SELECT count(*) - count(DISTINCT unique_id) FROM input"
    )[0][0]
    if dup_ids:
        raise SystemExit(f"{args.input}: {dup_ids} duplicate values in --id column")

    cols = set(mapping) | ({"dob_year"} if "date_of_birth" in mapping else set())
    has = lambda *c: all(x in cols for x in c)  # noqa: E731
    extras = [k for k in mapping if k.startswith("x_")]

    # --- model --------------------------------------------------------------
    comparisons = []
    for f in ("given_name", "family_name", "other_names"):
        if has(f):
            comparisons.append(cl.NameComparison(f))
    if has("date_of_birth"):
        comparisons.append(cl.DateOfBirthComparison("date_of_birth", input_is_string=True))
    if has("postcode"):
        if uk_postcodes:
            comparisons.append(cl.PostcodeComparison("postcode"))
        else:
            comparisons.append(
                cl.LevenshteinAtThresholds("postcode", [1]).configure(term_frequency_adjustments=True)
            )
    if has("town"):
        comparisons.append(cl.ExactMatch("town").configure(term_frequency_adjustments=True))
    if has("sex"):
        comparisons.append(cl.ExactMatch("sex"))
    if has("nhs_number"):
        comparisons.append(cl.ExactMatch("nhs_number"))
    for x in extras:
        comparisons.append(cl.DamerauLevenshteinAtThresholds(x, [2]))

    rule_cols = [
        ("family_name", "dob_year"),
        ("given_name", "date_of_birth"),
        ("given_name", "family_name"),
        ("postcode",),
        ("date_of_birth",),
        ("nhs_number",),
    ]
    if args.block_on_extras:
        rule_cols += [(x,) for x in extras]
    blocking = [block_on(*c) for c in rule_cols if has(*c)]
    if not blocking:
        raise SystemExit("no blocking rule applies to the mapped fields")

    settings = SettingsCreator(
        link_type="dedupe_only",
        unique_id_column_name="unique_id",
        comparisons=comparisons,
        blocking_rules_to_generate_predictions=blocking,
        retain_matching_columns=False,
        retain_intermediate_calculation_columns=False,
    )

    db_api = DuckDBAPI(connection=con)
    sdf = db_api.register("input", table_name="input_records")
    linker = Linker(sdf, settings, log_level=logging.WARNING if args.quiet else logging.INFO)

    # --- training -----------------------------------------------------------
    det_cols = [
        ("given_name", "family_name", "date_of_birth"),
        ("nhs_number",),
        ("given_name", "family_name", "postcode"),
    ]
    det_rules = [block_on(*c) for c in det_cols if has(*c)] or blocking[:1]
    linker.training.estimate_probability_two_random_records_match(det_rules, recall=args.recall)
    linker.training.estimate_u_using_random_sampling(max_pairs=args.u_max_pairs, seed=args.seed)

    # EM sessions: a comparison is not trained in a session that blocks on its
    # column, so keep adding sessions until every comparison has been trained
    # in at least one (and run at least two where possible).
    em_candidates = [c for c in [("given_name", "family_name"), ("date_of_birth",), ("postcode",)] if has(*c)]
    compared = [c.create_output_column_name() for c in comparisons]
    untrained = set(compared)
    em_kw = {"estimate_without_term_frequencies": True}
    if args.em_max_pairs:
        em_kw["max_pairs"] = args.em_max_pairs
    sessions = 0
    for c in em_candidates:
        if sessions >= 2 and not untrained:
            break
        linker.training.estimate_parameters_using_expectation_maximisation(block_on(*c), **em_kw)
        untrained -= set(compared) - set(c)
        sessions += 1

    # --- predict and cluster ------------------------------------------------
    df_predict = linker.inference.predict(threshold_match_probability=args.threshold)
    clusters = linker.clustering.cluster_pairwise_predictions_at_threshold(
        df_predict, threshold_match_probability=args.threshold
    )
    rows = sql(
        f"SELECT unique_id, cluster_id FROM {clusters.physical_name}"
    )
    seconds = time.perf_counter() - t0

    pred = dict(rows)
    result = {
        "tool": "splink",
        "version": splink.__version__,
        "duckdb_version": duckdb.__version__,
        "input": args.input,
        "records": n_records,
        "entities": len(set(pred.values())),
        "seconds": round(seconds, 3),
        "peak_rss_mb": None,
        "threshold": args.threshold,
        "predicted_pairs": sql(f"SELECT count(*) FROM {df_predict.physical_name}")[0][0],
        "fields": {k: v for k, v in mapping.items()},
        "postcode_comparison": ("uk" if uk_postcodes else "exact+levenshtein") if "postcode" in mapping else None,
        "blocking_rules": [" & ".join(c) for c in rule_cols if has(*c)],
    }
    if args.truth:
        truth = dict(sql("SELECT unique_id, true_id FROM truth"))
        result["metrics"] = compute_metrics(pred, truth)
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)

    if args.out:
        with open(args.out, "w", newline="", encoding="utf-8") as f:
            w = csv.writer(f)
            w.writerow(["id", "cluster_id"])
            w.writerows(rows)
    text = json.dumps(result, indent=2)
    if args.json_out:
        with open(args.json_out, "w", encoding="utf-8") as f:
            f.write(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
