-- Migration 2: every sealed value in the vault; assessment factors; returns stored once.
--
-- The vault (a schema of its own on PostgreSQL, `sightline_vault`, that the analysis role
-- cannot use) now holds every sealed value, not only people's identifiers: the cells of
-- rejected rows, file-level notes and group labels move out of the analysis tables.
CREATE TABLE VAULT.rejected_cells (
    reject_id INTEGER PRIMARY KEY REFERENCES rejects(reject_id),
    sealed BLOB NOT NULL
);
INSERT INTO VAULT.rejected_cells (reject_id, sealed) SELECT reject_id, sealed FROM rejects;
ALTER TABLE rejects DROP COLUMN sealed;

CREATE TABLE VAULT.note_cells (
    note_id INTEGER PRIMARY KEY REFERENCES return_notes(note_id),
    sealed BLOB NOT NULL
);
INSERT INTO VAULT.note_cells (note_id, sealed) SELECT note_id, sealed FROM return_notes;
ALTER TABLE return_notes DROP COLUMN sealed;

CREATE TABLE VAULT.group_labels (
    record_id INTEGER PRIMARY KEY REFERENCES group_members(record_id),
    label BLOB NOT NULL
);
INSERT INTO VAULT.group_labels (record_id, label)
    SELECT record_id, label FROM group_members WHERE label IS NOT NULL;
ALTER TABLE group_members DROP COLUMN label;

-- Factors identified at a children's social care assessment (CIN census codes such as 11A),
-- `;`-separated like roles. Codes, not identifiers: kept in the clear for the assessment.
ALTER TABLE people ADD COLUMN assessment_factors TEXT NOT NULL DEFAULT '';

-- The order a return's tables were read in (SQLite kept it as the rowid).
ALTER TABLE return_tables ADD COLUMN table_order INTEGER NOT NULL DEFAULT 0;
-- @sqlite
UPDATE return_tables SET table_order = rowid;
-- @both

-- The same bytes from the same agency are one return, also when two processes store them at
-- once: the second waits for the first and is refused.
DROP INDEX returns_by_agency;
CREATE UNIQUE INDEX returns_by_content ON returns(agency_id, content_hash);

-- PostgreSQL checks a foreign key row by row, locking the referenced row each time: on a
-- million-row return the checks of people → returns and people_identity → people took half of
-- the ingest. The store writes these rows itself, in the transaction that makes what they
-- refer to; the embedded store keeps the declarations.
-- @postgres
ALTER TABLE people DROP CONSTRAINT people_return_id_fkey;
ALTER TABLE VAULT.people_identity DROP CONSTRAINT people_identity_record_id_fkey;
ALTER TABLE incidents DROP CONSTRAINT incidents_return_id_fkey;
ALTER TABLE involvements DROP CONSTRAINT involvements_return_id_fkey;
ALTER TABLE missing_episodes DROP CONSTRAINT missing_episodes_return_id_fkey;
ALTER TABLE linked_records DROP CONSTRAINT linked_records_run_id_fkey;
ALTER TABLE linked_records DROP CONSTRAINT linked_records_record_id_fkey;
ALTER TABLE linkage_evidence DROP CONSTRAINT linkage_evidence_run_id_fkey;
-- @both
