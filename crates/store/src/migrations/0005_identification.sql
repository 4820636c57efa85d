-- Migration 5: how well each person record identifies its person; links a run may have missed.
--
-- `name_and_date_of_birth` (a given or family name and a full date of birth), `partial` (a
-- name or alias without a full date of birth), `unidentified` (neither: a description or a
-- pseudonymous id only). Computed at ingest from the identifiers before they are sealed, so
-- that the assessment can report the identified base without reading the vault. Records
-- stored before this migration have it empty (not known).
ALTER TABLE people ADD COLUMN identification TEXT NOT NULL DEFAULT '';

-- Pairs of people a linkage run kept apart although a pair of their records scored a match
-- probability of at least 0.01: one row per pair of people (the best pair of records). Their
-- probabilities sum to the links the run expects to have missed; with the evidence's links,
-- they give each count of people an interval.
CREATE TABLE linkage_near_misses (
    run_id INTEGER NOT NULL REFERENCES linkage_runs(run_id),
    record_a INTEGER NOT NULL,
    record_b INTEGER NOT NULL,
    probability REAL NOT NULL,
    PRIMARY KEY (run_id, record_a, record_b)
);
