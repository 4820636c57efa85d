-- Migration 1: the first schema (the embedded store's "schema version 1").
-- Analysis tables hold pseudonymous keys, birth year and month, postcode districts and coded
-- values. Identifiers live only in the vault's tables and `rejects.sealed`, encrypted.
-- Written once for both engines: `migrations.rs` renders ID_KEY, INTEGER, BLOB, REAL and VAULT.
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

CREATE TABLE agencies (
    agency_id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    agency_type TEXT NOT NULL,
    area TEXT NOT NULL,
    requested INTEGER NOT NULL
);

CREATE TABLE returns (
    return_id ID_KEY,
    agency_id TEXT NOT NULL REFERENCES agencies(agency_id),
    period_from TEXT,
    period_to TEXT,
    files TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    ingested_at TEXT NOT NULL,
    "user" TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('current', 'superseded')),
    superseded_by INTEGER REFERENCES returns(return_id)
);
CREATE INDEX returns_by_agency ON returns(agency_id, content_hash);

CREATE TABLE return_tables (
    return_id INTEGER NOT NULL REFERENCES returns(return_id),
    table_name TEXT NOT NULL,
    read INTEGER NOT NULL,
    accepted INTEGER NOT NULL,
    rejected INTEGER NOT NULL,
    PRIMARY KEY (return_id, table_name)
);

CREATE TABLE people (
    record_id ID_KEY,
    return_id INTEGER NOT NULL REFERENCES returns(return_id),
    source_row INTEGER NOT NULL,
    person_key TEXT NOT NULL,
    roles TEXT NOT NULL,
    birth_year INTEGER,
    birth_month INTEGER,
    age INTEGER,
    age_date TEXT,
    sex TEXT NOT NULL,
    ethnicity_group TEXT NOT NULL,
    ethnicity_code TEXT,
    ethnicity_precision TEXT NOT NULL,
    ethnicity_scheme TEXT,
    ethnicity_source TEXT NOT NULL,
    ethnicity_original TEXT NOT NULL,
    ethnicity_observed_group TEXT NOT NULL,
    nationality TEXT NOT NULL,
    postcode_district TEXT,
    local_authority TEXT,
    looked_after TEXT NOT NULL,
    legal_status TEXT NOT NULL,
    missing_history TEXT NOT NULL,
    has_nhs_number INTEGER NOT NULL,
    has_upn INTEGER NOT NULL,
    has_pnc_id INTEGER NOT NULL
);
-- No index on return_id: a return's records are written in one transaction under an exclusive
-- lock, so their record_ids are one contiguous range (an index cost a tenth of ingest time).

CREATE TABLE VAULT.people_identity (
    record_id INTEGER PRIMARY KEY REFERENCES people(record_id),
    person_id BLOB NOT NULL,
    given_name BLOB,
    family_name BLOB,
    other_names BLOB,
    date_of_birth BLOB,
    postcode BLOB,
    nhs_number BLOB,
    upn BLOB,
    pnc_id BLOB
);

CREATE TABLE incidents (
    record_id ID_KEY,
    return_id INTEGER NOT NULL REFERENCES returns(return_id),
    source_row INTEGER NOT NULL,
    incident_key TEXT NOT NULL,
    first_date TEXT,
    last_date TEXT,
    offence TEXT NOT NULL,
    cse_flag TEXT NOT NULL,
    location_type TEXT NOT NULL,
    local_authority TEXT,
    outcome TEXT NOT NULL,
    outcome_date TEXT
);

CREATE TABLE involvements (
    record_id ID_KEY,
    return_id INTEGER NOT NULL REFERENCES returns(return_id),
    source_row INTEGER NOT NULL,
    incident_key TEXT NOT NULL,
    person_key TEXT NOT NULL,
    role TEXT NOT NULL
);

CREATE TABLE missing_episodes (
    record_id ID_KEY,
    return_id INTEGER NOT NULL REFERENCES returns(return_id),
    source_row INTEGER NOT NULL,
    person_key TEXT NOT NULL,
    start TEXT NOT NULL,
    "end" TEXT,
    kind TEXT NOT NULL,
    missing_from TEXT NOT NULL,
    return_interview_offered TEXT NOT NULL,
    return_interview_accepted TEXT NOT NULL
);

CREATE TABLE group_members (
    record_id ID_KEY,
    return_id INTEGER NOT NULL REFERENCES returns(return_id),
    source_row INTEGER NOT NULL,
    group_key TEXT NOT NULL,
    person_key TEXT NOT NULL,
    label BLOB
);

-- A safeguarding board's CSE arrangements as of a date.
CREATE TABLE governance (
    record_id ID_KEY,
    return_id INTEGER NOT NULL REFERENCES returns(return_id),
    source_row INTEGER NOT NULL,
    agency_id TEXT NOT NULL,
    date TEXT NOT NULL,
    cse_subgroup TEXT NOT NULL,
    cse_lead TEXT NOT NULL,
    cse_strategy TEXT NOT NULL,
    assumes_cse_present TEXT NOT NULL
);

-- A rejected row: where it was and which rules it broke in the clear; its cells and the full
-- messages (which quote values) only sealed.
CREATE TABLE rejects (
    reject_id ID_KEY,
    return_id INTEGER NOT NULL REFERENCES returns(return_id),
    table_name TEXT NOT NULL,
    file TEXT NOT NULL,
    source_row INTEGER NOT NULL,
    rules TEXT NOT NULL,
    columns TEXT NOT NULL,
    sealed BLOB NOT NULL
);
CREATE INDEX rejects_by_return ON rejects(return_id);

-- Diagnostics about whole files or columns (F rules), per return. Their column and message
-- are sealed: when a header row is misplaced, a "header" can be a row of data.
CREATE TABLE return_notes (
    note_id ID_KEY,
    return_id INTEGER NOT NULL REFERENCES returns(return_id),
    rule TEXT NOT NULL,
    table_name TEXT NOT NULL,
    file TEXT NOT NULL,
    sealed BLOB NOT NULL
);

CREATE TABLE audit (
    seq INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    "user" TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    reason TEXT NOT NULL,
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);

-- Linkage: each run of `sightline link`, the person each record was put in, and the links that
-- joined records into people with their evidence (per-comparison weights, no identifiers).
-- The latest run is the current one.
CREATE TABLE linkage_runs (
    run_id ID_KEY,
    at TEXT NOT NULL,
    "user" TEXT NOT NULL,
    records INTEGER NOT NULL,
    people INTEGER NOT NULL,
    model TEXT NOT NULL,
    report TEXT NOT NULL
);

CREATE TABLE linked_records (
    run_id INTEGER NOT NULL REFERENCES linkage_runs(run_id),
    record_id INTEGER NOT NULL REFERENCES people(record_id),
    person INTEGER NOT NULL,
    PRIMARY KEY (run_id, record_id)
);
CREATE INDEX linked_records_by_person ON linked_records(run_id, person);

CREATE TABLE linkage_evidence (
    run_id INTEGER NOT NULL REFERENCES linkage_runs(run_id),
    record_a INTEGER NOT NULL,
    record_b INTEGER NOT NULL,
    person INTEGER NOT NULL,
    weight REAL NOT NULL,
    levels TEXT NOT NULL,
    weights TEXT NOT NULL,
    PRIMARY KEY (run_id, record_a, record_b)
);
CREATE INDEX linkage_evidence_by_person ON linkage_evidence(run_id, person);
