#!/usr/bin/env python3
"""One person CSV from synthetic national returns, for comparing linkage tools on them.

    python national_people.py SYN_DIR OUT.csv [--sightline target/release/sightline]

SYN_DIR is what `sightline synth --out SYN_DIR` wrote. Every return is read with its profile by
`sightline check --normalised` (so each agency's own layout becomes the standard's columns), the
accepted person rows are concatenated, and each gets `record_id` (agency/person_id),
`incident_local_authorities` (where the incidents the agency involves the person in took place,
`;`-separated, as `link` reads them from the store) and `true_id` from
SYN_DIR/truth/records.csv. Synthetic data only; the output is a temporary file, never to be
committed.
"""

import argparse
import csv
import subprocess
import sys
import tempfile
from pathlib import Path

COLUMNS = ["given_name", "family_name", "other_names", "date_of_birth", "sex", "postcode",
           "local_authority", "nhs_number", "upn", "pnc_id"]


def incident_places(normalised: Path) -> dict:
    """Each person's incident local authorities in one agency's normalised return."""
    incidents, involvements = normalised / "incidents.csv", normalised / "involvements.csv"
    if not incidents.exists() or not involvements.exists():
        return {}
    with open(incidents, newline="") as f:
        where = {row["incident_id"]: row["local_authority"] for row in csv.DictReader(f)}
    places = {}
    with open(involvements, newline="") as f:
        for row in csv.DictReader(f):
            place = where.get(row["incident_id"])
            if place:
                places.setdefault(row["person_id"], set()).add(place)
    return places


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("syn", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--sightline", default="target/release/sightline")
    args = parser.parse_args()

    truth = {}
    with open(args.syn / "truth" / "records.csv", newline="") as f:
        for row in csv.DictReader(f):
            truth[(row["agency_id"], row["person_id"])] = row["true_id"]

    written = missing = 0
    with open(args.out, "w", newline="") as out, tempfile.TemporaryDirectory() as tmp:
        writer = csv.writer(out)
        writer.writerow(["record_id", "agency_id", *COLUMNS, "incident_local_authorities",
                         "true_id"])
        for return_dir in sorted((args.syn / "returns").iterdir()):
            agency = return_dir.name
            normalised = Path(tmp) / agency
            command = [args.sightline, "check", *sorted(map(str, return_dir.iterdir())),
                       "--normalised", str(normalised)]
            profile = args.syn / "profiles" / f"{agency}.toml"
            if profile.exists():
                command += ["--profile", str(profile)]
            run = subprocess.run(command, capture_output=True, text=True)
            if run.returncode == 2:
                print(f"{agency}: {run.stderr.strip()}", file=sys.stderr)
                return 2
            people = normalised / "people.csv"
            if not people.exists():
                continue
            places = incident_places(normalised)
            with open(people, newline="") as f:
                for row in csv.DictReader(f):
                    true_id = truth.get((agency, row["person_id"]))
                    if true_id is None:
                        missing += 1
                        continue
                    writer.writerow([f"{agency}/{row['person_id']}", agency,
                                     *(row[c] for c in COLUMNS),
                                     ";".join(sorted(places.get(row["person_id"], ()))),
                                     true_id])
                    written += 1
    print(f"wrote {written} person records to {args.out} ({missing} without a truth row)",
          file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
