#!/usr/bin/env python3
"""Clustering accuracy metrics for record linkage / deduplication.

Compares a predicted clustering (record id -> predicted cluster) with the
ground truth (record id -> true entity) and reports:

  pairwise_precision / pairwise_recall / pairwise_f1
      over all unordered record pairs placed in the same cluster;
  bcubed_precision / bcubed_recall / bcubed_f1
      per-record averages (Bagga & Baldwin), F1 is the harmonic mean of the
      averaged precision and recall;
  entity_count_error_pct
      100 * (predicted clusters - true entities) / true entities;
  records, entities (predicted clusters), true_entities, largest_cluster.

Everything is computed from contingency counts (cluster x entity), so the
cost is O(n) in the number of records.  Only the standard library is used.

The truth defines the set of records evaluated.  A truth record with no
prediction is counted as a singleton cluster; predicted ids that are not in
the truth are ignored (a warning goes to stderr in both cases).

Module use:
    from metrics import compute_metrics
    compute_metrics({"a": 1, "b": 1}, {"a": "x", "b": "y"})

CLI use (prints JSON):
    python metrics.py PRED.csv TRUTH.csv
        PRED has columns id,cluster_id ; TRUTH has columns id,true_id
    python metrics.py DATA.csv --id record_id --pred cluster_id --truth true_id
        one CSV holding both columns
    Column names can be changed with --id, --pred, --truth (defaults: id,
    cluster_id, true_id); --truth-id names the truth file's id column when it
    differs from --id.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from collections import Counter
from typing import Hashable, Mapping

METRIC_KEYS = (
    "records",
    "entities",
    "true_entities",
    "largest_cluster",
    "pairwise_precision",
    "pairwise_recall",
    "pairwise_f1",
    "bcubed_precision",
    "bcubed_recall",
    "bcubed_f1",
    "entity_count_error_pct",
)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def _f1(p: float, r: float) -> float:
    return 0.0 if p + r == 0 else 2 * p * r / (p + r)


def compute_metrics(
    pred: Mapping[Hashable, Hashable], truth: Mapping[Hashable, Hashable]
) -> dict:
    """Return the metrics dict for predicted clusters `pred` against `truth`.

    Both arguments map record id -> label.  Labels of the two mappings live in
    separate namespaces (a predicted cluster "1" and a true entity "1" are
    unrelated).
    """
    missing = 0
    cells: Counter = Counter()  # (pred cluster, true entity) -> count
    pred_sizes: Counter = Counter()
    true_sizes: Counter = Counter()
    for rid, tid in truth.items():
        if rid in pred:
            cid = ("p", pred[rid])
        else:
            cid = ("singleton", rid)
            missing += 1
        cells[(cid, tid)] += 1
        pred_sizes[cid] += 1
        true_sizes[tid] += 1
    extra = len(pred) - (len(truth) - missing)  # predicted ids absent from truth
    if missing:
        print(f"metrics: {missing} truth ids have no prediction (counted as singletons)", file=sys.stderr)
    if extra:
        print(f"metrics: {extra} predicted ids are not in the truth (ignored)", file=sys.stderr)

    n = len(truth)
    if n == 0:
        raise ValueError("no records to evaluate")

    tp_pairs = sum(_pairs(c) for c in cells.values())
    pred_pairs = sum(_pairs(c) for c in pred_sizes.values())
    true_pairs = sum(_pairs(c) for c in true_sizes.values())
    # No predicted (true) pairs at all means nothing could be wrong (missed).
    pw_p = tp_pairs / pred_pairs if pred_pairs else 1.0
    pw_r = tp_pairs / true_pairs if true_pairs else 1.0

    # B-cubed: for record r in cell (c, t), precision_r = n_ct / |c|,
    # recall_r = n_ct / |t|; summing over the n_ct records of the cell gives
    # n_ct^2 / |c| and n_ct^2 / |t|.
    bc_p = sum(v * v / pred_sizes[c] for (c, _), v in cells.items()) / n
    bc_r = sum(v * v / true_sizes[t] for (_, t), v in cells.items()) / n

    entities = len(pred_sizes)
    true_entities = len(true_sizes)
    return {
        "records": n,
        "entities": entities,
        "true_entities": true_entities,
        "largest_cluster": max(pred_sizes.values()),
        "pairwise_precision": pw_p,
        "pairwise_recall": pw_r,
        "pairwise_f1": _f1(pw_p, pw_r),
        "bcubed_precision": bc_p,
        "bcubed_recall": bc_r,
        "bcubed_f1": _f1(bc_p, bc_r),
        "entity_count_error_pct": 100.0 * (entities - true_entities) / true_entities,
    }


def read_mapping(path: str, key_col: str, value_col: str) -> dict:
    """Read two columns of a CSV (with header) into a dict key -> value."""
    with open(path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        cols = reader.fieldnames or []
        for c in (key_col, value_col):
            if c not in cols:
                raise SystemExit(f"{path}: no column {c!r} (columns: {', '.join(cols)})")
        return {row[key_col]: row[value_col] for row in reader}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("pred_csv", help="predictions CSV (or the single CSV holding both)")
    ap.add_argument("truth_csv", nargs="?", help="truth CSV (omit to read both from pred_csv)")
    ap.add_argument("--id", default="id", help="record id column (default: id)")
    ap.add_argument("--pred", default="cluster_id", help="predicted cluster column (default: cluster_id)")
    ap.add_argument("--truth", default="true_id", help="true entity column (default: true_id)")
    ap.add_argument("--truth-id", help="id column of the truth CSV (default: same as --id)")
    args = ap.parse_args(argv)

    pred = read_mapping(args.pred_csv, args.id, args.pred)
    truth = read_mapping(args.truth_csv or args.pred_csv, args.truth_id or args.id, args.truth)
    print(json.dumps(compute_metrics(pred, truth), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
