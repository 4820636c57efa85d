//! The embedded backend: one SQLite file per workspace, in WAL mode.
//!
//! A return is written inside one `BEGIN IMMEDIATE … COMMIT`: SQLite's journal guarantees that a
//! process killed part-way leaves no trace of it.

use crate::audit::{self, Action, AuditEvent};
use crate::keys::Keys;
use crate::{
    Agency, AgencySummary, Identity, NewReturn, RejectedRow, Result, ReturnSummary, Store,
    StoreError, TableCounts,
};
use rusqlite::{Connection, OptionalExtension, params};
use sightline_intake::check::{RowRef, Sink};
use sightline_intake::report::CheckReport;
use sightline_intake::{Diagnostic, IntakeError};
use sightline_standard::records::PersonRecord;
use sightline_standard::{Coded, Record};
use std::fmt::Write as _;
use std::path::Path;

const SCHEMA: &str = include_str!("schema.sql");
const SCHEMA_VERSION: &str = "1";

/// An encrypted vault value, absent when the agency gave none.
type Sealed = Option<Vec<u8>>;

/// The embedded store.
pub struct SqliteStore {
    conn: Connection,
}

fn append_audit(
    conn: &Connection,
    user: &str,
    action: Action,
    subject: &str,
    reason: &str,
) -> Result<()> {
    let last: Option<(i64, String)> = conn
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    let (seq, prev) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, audit::GENESIS.to_string()),
    };
    let at = audit::now();
    let hash = audit::event_hash(&prev, seq, &at, user, action.code(), subject, reason);
    conn.execute(
        "INSERT INTO audit (seq, at, user, action, subject, reason, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![seq, at, user, action.code(), subject, reason, prev, hash],
    )?;
    Ok(())
}

impl SqliteStore {
    /// Opens (creating if needed) the store file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // Larger pages and a 64 MB page cache: a return of a million rows is one transaction,
        // and a small cache spills pages to the WAL over and over (measured: BENCHMARKS.md).
        conn.pragma_update(None, "page_size", 8192)?;
        conn.pragma_update(None, "cache_size", -65_536)?;
        conn.pragma_update(None, "journal_mode", "TRUNCATE")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.execute_batch(SCHEMA)?;
        let version: Option<String> = conn
            .query_row(
                "SELECT value FROM meta WHERE key = 'schema_version'",
                [],
                |row| row.get(0),
            )
            .optional()?;
        match version.as_deref() {
            None => {
                conn.execute(
                    "INSERT INTO meta (key, value) VALUES ('schema_version', ?1)",
                    [SCHEMA_VERSION],
                )?;
            }
            Some(SCHEMA_VERSION) => {}
            Some(other) => {
                return Err(StoreError::Workspace(format!(
                    "the store has schema version {other}; this sightline knows version {SCHEMA_VERSION}"
                )));
            }
        }
        Ok(SqliteStore { conn })
    }

    /// Starts storing a return: everything written through the session is one transaction.
    pub fn begin_return<'a>(
        &'a mut self,
        new: &NewReturn,
        keys: &'a mut Keys,
    ) -> Result<ReturnSession<'a>> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let files = serde_json::to_string(&new.files).unwrap_or_default();
        let (from, to) = match &new.period {
            Some((from, to)) => (Some(from.as_str()), Some(to.as_str())),
            None => (None, None),
        };
        let inserted = self.conn.execute(
            "INSERT INTO returns (agency_id, period_from, period_to, files, content_hash, ingested_at, user, status) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'current')",
            params![new.agency_id, from, to, files, new.content_hash, audit::now(), new.user],
        );
        if let Err(error) = inserted {
            let _ = self.conn.execute_batch("ROLLBACK");
            return Err(error.into());
        }
        let conn = &self.conn;
        let prepared = conn
            .prepare(PEOPLE_INSERT)
            .and_then(|people| Ok((people, conn.prepare(IDENTITY_INSERT)?)));
        let (people_insert, identity_insert) = match prepared {
            Ok(statements) => statements,
            Err(error) => {
                let _ = conn.execute_batch("ROLLBACK");
                return Err(error.into());
            }
        };
        Ok(ReturnSession {
            conn,
            people_insert,
            identity_insert,
            aad: String::new(),
            keys,
            return_id: self.conn.last_insert_rowid(),
            new: new.clone(),
            done: false,
        })
    }

    /// Runs `work` in a transaction that also appends an audit event.
    fn audited<T>(
        &mut self,
        user: &str,
        action: Action,
        subject: &str,
        reason: &str,
        work: impl FnOnce(&Connection) -> Result<T>,
    ) -> Result<T> {
        let transaction = self.conn.transaction()?;
        let value = work(&transaction)?;
        append_audit(&transaction, user, action, subject, reason)?;
        transaction.commit()?;
        Ok(value)
    }

    /// Writes an audit event of its own (an export, a report).
    pub fn record_event(
        &mut self,
        user: &str,
        action: Action,
        subject: &str,
        reason: &str,
    ) -> Result<()> {
        self.audited(user, action, subject, reason, |_| Ok(()))
    }

    fn read_rejects(&self, return_id: i64) -> Result<Vec<(RejectedRow, Vec<u8>)>> {
        let exists: Option<i64> = self
            .conn
            .query_row(
                "SELECT return_id FROM returns WHERE return_id = ?1",
                [return_id],
                |row| row.get(0),
            )
            .optional()?;
        if exists.is_none() {
            return Err(StoreError::NotFound(format!(
                "there is no return {return_id}; `sightline returns --all` lists them"
            )));
        }
        let mut statement = self.conn.prepare(
            "SELECT reject_id, table_name, file, source_row, rules, columns, sealed FROM rejects WHERE return_id = ?1 ORDER BY reject_id",
        )?;
        let rows = statement.query_map([return_id], |row| {
            let rules: String = row.get(4)?;
            let columns: String = row.get(5)?;
            Ok((
                RejectedRow {
                    reject_id: row.get(0)?,
                    table: row.get(1)?,
                    file: row.get(2)?,
                    row: row.get(3)?,
                    rules: serde_json::from_str(&rules).unwrap_or_default(),
                    columns: serde_json::from_str(&columns).unwrap_or_default(),
                    revealed: None,
                },
                row.get::<_, Vec<u8>>(6)?,
            ))
        })?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    }

    fn table_counts(&self, return_id: i64) -> Result<Vec<TableCounts>> {
        let mut statement = self.conn.prepare_cached(
            "SELECT table_name, read, accepted, rejected FROM return_tables WHERE return_id = ?1 ORDER BY rowid",
        )?;
        let rows = statement.query_map([return_id], |row| {
            Ok(TableCounts {
                table: row.get(0)?,
                read: row.get(1)?,
                accepted: row.get(2)?,
                rejected: row.get(3)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    }
}

impl Store for SqliteStore {
    fn import_agencies(&mut self, agencies: &[Agency], user: &str) -> Result<usize> {
        let subject = format!("agency register: {} agencies", agencies.len());
        self.audited(user, Action::Collection, &subject, "", |conn| {
            let mut statement = conn.prepare(
                "INSERT INTO agencies (agency_id, name, agency_type, area, requested) VALUES (?1, ?2, ?3, ?4, ?5)
                 ON CONFLICT (agency_id) DO UPDATE SET name = excluded.name, agency_type = excluded.agency_type, area = excluded.area, requested = excluded.requested",
            )?;
            for agency in agencies {
                statement.execute(params![agency.agency_id, agency.name, agency.agency_type, agency.area, agency.requested])?;
            }
            Ok(agencies.len())
        })
    }

    fn agencies(&self) -> Result<Vec<AgencySummary>> {
        let mut statement = self.conn.prepare(
            "SELECT a.agency_id, a.name, a.agency_type, a.area, a.requested,
                    COUNT(DISTINCT r.return_id),
                    COALESCE(SUM(t.accepted), 0), COALESCE(SUM(t.rejected), 0)
             FROM agencies a
             LEFT JOIN returns r ON r.agency_id = a.agency_id AND r.status = 'current'
             LEFT JOIN return_tables t ON t.return_id = r.return_id
             GROUP BY a.agency_id ORDER BY a.agency_id",
        )?;
        let rows = statement.query_map([], |row| {
            Ok(AgencySummary {
                agency: Agency {
                    agency_id: row.get(0)?,
                    name: row.get(1)?,
                    agency_type: row.get(2)?,
                    area: row.get(3)?,
                    requested: row.get(4)?,
                },
                returns: row.get(5)?,
                rows_accepted: row.get(6)?,
                rows_rejected: row.get(7)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    }

    fn agency(&self, agency_id: &str) -> Result<Option<Agency>> {
        Ok(self
            .conn
            .query_row(
                "SELECT agency_id, name, agency_type, area, requested FROM agencies WHERE agency_id = ?1",
                [agency_id],
                |row| {
                    Ok(Agency {
                        agency_id: row.get(0)?,
                        name: row.get(1)?,
                        agency_type: row.get(2)?,
                        area: row.get(3)?,
                        requested: row.get(4)?,
                    })
                },
            )
            .optional()?)
    }

    fn find_return(&self, agency_id: &str, content_hash: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT return_id FROM returns WHERE agency_id = ?1 AND content_hash = ?2 AND status = 'current' ORDER BY return_id LIMIT 1",
                [agency_id, content_hash],
                |row| row.get(0),
            )
            .optional()?)
    }

    fn returns(&self, include_superseded: bool) -> Result<Vec<ReturnSummary>> {
        let mut statement = self.conn.prepare(
            "SELECT return_id, agency_id, period_from, period_to, files, content_hash, ingested_at, user, status, superseded_by
             FROM returns WHERE ?1 OR status = 'current' ORDER BY return_id",
        )?;
        let rows = statement.query_map([include_superseded], |row| {
            let files: String = row.get(4)?;
            Ok(ReturnSummary {
                return_id: row.get(0)?,
                agency_id: row.get(1)?,
                period_from: row.get(2)?,
                period_to: row.get(3)?,
                files: serde_json::from_str(&files).unwrap_or_default(),
                content_hash: row.get(5)?,
                ingested_at: row.get(6)?,
                user: row.get(7)?,
                status: row.get(8)?,
                superseded_by: row.get(9)?,
                tables: Vec::new(),
            })
        })?;
        let mut returns = rows.collect::<std::result::Result<Vec<_>, _>>()?;
        for summary in &mut returns {
            summary.tables = self.table_counts(summary.return_id)?;
        }
        Ok(returns)
    }

    fn rejects(&self, return_id: i64) -> Result<Vec<RejectedRow>> {
        Ok(self
            .read_rejects(return_id)?
            .into_iter()
            .map(|(row, _)| row)
            .collect())
    }

    fn reveal_rejects(
        &mut self,
        return_id: i64,
        keys: &Keys,
        user: &str,
        reason: &str,
    ) -> Result<Vec<RejectedRow>> {
        let sealed = self.read_rejects(return_id)?;
        let subject = format!("rejected rows of return {return_id}");
        self.audited(user, Action::Consultation, &subject, reason, |_| {
            sealed
                .into_iter()
                .map(|(mut row, blob)| {
                    let text = keys.open(
                        &blob,
                        &format!("rejects/{return_id}/{}/{}/{}", row.table, row.file, row.row),
                    )?;
                    row.revealed = serde_json::from_str(&text).ok();
                    Ok(row)
                })
                .collect()
        })
    }

    fn reveal_person(
        &mut self,
        record_id: i64,
        keys: &Keys,
        user: &str,
        reason: &str,
    ) -> Result<Identity> {
        let found: Option<(i64, String, Vec<Sealed>)> = self
            .conn
            .query_row(
                "SELECT p.return_id, r.agency_id, i.person_id, i.given_name, i.family_name, i.other_names, i.date_of_birth, i.postcode, i.nhs_number, i.upn, i.pnc_id
                 FROM people p JOIN returns r ON r.return_id = p.return_id JOIN people_identity i ON i.record_id = p.record_id
                 WHERE p.record_id = ?1",
                [record_id],
                |row| {
                    let mut blobs = Vec::new();
                    for index in 2..11 {
                        blobs.push(row.get::<_, Option<Vec<u8>>>(index)?);
                    }
                    Ok((row.get(0)?, row.get(1)?, blobs))
                },
            )
            .optional()?;
        let Some((return_id, agency_id, blobs)) = found else {
            return Err(StoreError::NotFound(format!(
                "there is no person record {record_id}"
            )));
        };
        let subject = format!("person record {record_id} (return {return_id})");
        self.audited(user, Action::Consultation, &subject, reason, |_| {
            let mut fields = Vec::new();
            for (column, blob) in IDENTITY_COLUMNS.iter().zip(blobs) {
                if let Some(blob) = blob {
                    fields.push((
                        column.to_string(),
                        keys.open(&blob, &format!("people/{record_id}/{column}"))?,
                    ));
                }
            }
            Ok(Identity {
                record_id,
                return_id,
                agency_id,
                fields,
            })
        })
    }

    fn audit_events(&self) -> Result<Vec<AuditEvent>> {
        let mut statement = self
            .conn
            .prepare("SELECT seq, at, user, action, subject, reason, prev_hash, hash FROM audit ORDER BY seq")?;
        let rows = statement.query_map([], |row| {
            Ok(AuditEvent {
                seq: row.get(0)?,
                at: row.get(1)?,
                user: row.get(2)?,
                action: row.get(3)?,
                subject: row.get(4)?,
                reason: row.get(5)?,
                prev_hash: row.get(6)?,
                hash: row.get(7)?,
            })
        })?;
        Ok(rows.collect::<std::result::Result<Vec<_>, _>>()?)
    }
}

const PEOPLE_INSERT: &str = "INSERT INTO people (return_id, source_row, person_key, roles, birth_year, birth_month, age, age_date, sex,
                ethnicity_group, ethnicity_code, ethnicity_precision, ethnicity_scheme, ethnicity_source, ethnicity_original,
                ethnicity_observed_group, nationality, postcode_district, local_authority, looked_after, legal_status,
                missing_history, has_nhs_number, has_upn, has_pnc_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, ?25)";

const IDENTITY_INSERT: &str = "INSERT INTO people_identity (record_id, person_id, given_name, family_name, other_names, date_of_birth, postcode, nhs_number, upn, pnc_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)";

/// The vault columns of a person record, in `people_identity` order after `record_id`.
const IDENTITY_COLUMNS: [&str; 9] = [
    "person_id",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "postcode",
    "nhs_number",
    "upn",
    "pnc_id",
];

/// One return being written. Nothing is visible to anyone else until [`ReturnSession::finish`];
/// dropped unfinished, it rolls back.
pub struct ReturnSession<'a> {
    conn: &'a Connection,
    /// The two inserts of every person row, prepared once.
    people_insert: rusqlite::Statement<'a>,
    identity_insert: rusqlite::Statement<'a>,
    /// Reused for each value's associated data.
    aad: String,
    keys: &'a mut Keys,
    return_id: i64,
    new: NewReturn,
    done: bool,
}

/// What storing a return did.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StoredReturn {
    pub return_id: i64,
    /// Earlier returns of the same agency and period that this one replaces.
    pub superseded: Vec<i64>,
}

fn store_error(error: impl std::fmt::Display) -> IntakeError {
    IntakeError::Sink(error.to_string())
}

fn coded_list(values: &[Coded]) -> String {
    values
        .iter()
        .map(Coded::as_str)
        .collect::<Vec<_>>()
        .join(";")
}

impl ReturnSession<'_> {
    pub fn return_id(&self) -> i64 {
        self.return_id
    }

    fn key(&self, kind: &str, id: &str) -> String {
        self.keys.pseudonym(kind, &self.new.agency_id, id)
    }

    fn seal(&mut self, value: Option<&str>, aad: &str) -> Result<Option<Vec<u8>>> {
        match value {
            Some(value) if !value.is_empty() => Ok(Some(self.keys.seal(value, aad)?)),
            _ => Ok(None),
        }
    }

    fn insert_person(&mut self, row: u64, person: &PersonRecord) -> Result<()> {
        let person_key = self.key("person", &person.person_id);
        self.people_insert.execute(params![
            self.return_id,
            row,
            person_key,
            coded_list(&person.roles),
            person.date_of_birth.map(|d| d.year),
            person.date_of_birth.and_then(|d| d.month),
            person.age,
            person.age_date.map(|d| d.to_string()),
            person.sex.as_str(),
            person.ethnicity.group_str(),
            person.ethnicity.detailed_code(),
            person.ethnicity.precision().code(),
            person.ethnicity_scheme.map(|s| s.code()),
            person.ethnicity_source.code(),
            person.ethnicity_original,
            person.ethnicity_observed.group_str(),
            person.nationality.to_string(),
            person.postcode.as_ref().map(|p| p.district.as_str()),
            person.local_authority,
            person.looked_after.as_str(),
            person.legal_status.as_str(),
            person.missing_history.as_str(),
            person.nhs_number.is_some(),
            person.upn.is_some(),
            person.pnc_id.is_some(),
        ])?;
        let record_id = self.conn.last_insert_rowid();
        let other_names = (!person.other_names.is_empty()).then(|| person.other_names.join(";"));
        let date_of_birth = person.date_of_birth.map(|d| d.to_string());
        let postcode = person.postcode.as_ref().map(|p| p.normalised());
        let values: [Option<&str>; 9] = [
            Some(person.person_id.as_str()),
            person.given_name.as_deref(),
            person.family_name.as_deref(),
            other_names.as_deref(),
            date_of_birth.as_deref(),
            postcode.as_deref(),
            person.nhs_number.as_deref(),
            person.upn.as_deref(),
            person.pnc_id.as_deref(),
        ];
        let mut sealed: Vec<Option<Vec<u8>>> = Vec::with_capacity(9);
        for (column, value) in IDENTITY_COLUMNS.iter().zip(values) {
            let mut aad = std::mem::take(&mut self.aad);
            aad.clear();
            let _ = write!(aad, "people/{record_id}/{column}");
            sealed.push(self.seal(value, &aad)?);
            self.aad = aad;
        }
        self.identity_insert.execute(params![
            record_id, sealed[0], sealed[1], sealed[2], sealed[3], sealed[4], sealed[5], sealed[6],
            sealed[7], sealed[8]
        ])?;
        Ok(())
    }

    fn insert(&mut self, row: u64, record: &Record) -> Result<()> {
        let return_id = self.return_id;
        match record {
            Record::Person(person) => self.insert_person(row, person)?,
            Record::Incident(incident) => {
                let key = self.key("incident", &incident.incident_id);
                self.conn
                    .prepare_cached(
                        "INSERT INTO incidents (return_id, source_row, incident_key, first_date, last_date, offence, cse_flag, location_type, local_authority, outcome, outcome_date)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                    )?
                    .execute(params![
                        return_id,
                        row,
                        key,
                        incident.first_date.map(|d| d.to_string()),
                        incident.last_date.map(|d| d.to_string()),
                        incident.offence.as_str(),
                        incident.cse_flag.as_str(),
                        incident.location_type.as_str(),
                        incident.local_authority,
                        incident.outcome.as_str(),
                        incident.outcome_date.map(|d| d.to_string()),
                    ])?;
            }
            Record::Involvement(involvement) => {
                let incident_key = self.key("incident", &involvement.incident_id);
                let person_key = self.key("person", &involvement.person_id);
                self.conn
                    .prepare_cached(
                        "INSERT INTO involvements (return_id, source_row, incident_key, person_key, role) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![return_id, row, incident_key, person_key, involvement.role.as_str()])?;
            }
            Record::MissingEpisode(episode) => {
                let person_key = self.key("person", &episode.person_id);
                self.conn
                    .prepare_cached(
                        "INSERT INTO missing_episodes (return_id, source_row, person_key, start, end, kind, missing_from, return_interview_offered, return_interview_accepted)
                         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
                    )?
                    .execute(params![
                        return_id,
                        row,
                        person_key,
                        episode.start.to_string(),
                        episode.end.map(|d| d.to_string()),
                        episode.kind.as_str(),
                        episode.from.as_str(),
                        episode.return_interview_offered.as_str(),
                        episode.return_interview_accepted.as_str(),
                    ])?;
            }
            Record::GroupMember(member) => {
                let group_key = self.key("group", &member.group_id);
                let person_key = self.key("person", &member.person_id);
                let label = self.seal(
                    member.label.as_deref(),
                    &format!("groups/{return_id}/{row}/label"),
                )?;
                self.conn
                    .prepare_cached(
                        "INSERT INTO group_members (return_id, source_row, group_key, person_key, label) VALUES (?1, ?2, ?3, ?4, ?5)",
                    )?
                    .execute(params![return_id, row, group_key, person_key, label])?;
            }
        }
        Ok(())
    }

    /// Commits the return: its counts, its file-level notes, the supersession of earlier
    /// returns of the same agency and period, and the audit events, all in the same transaction.
    pub fn finish(mut self, report: &CheckReport) -> Result<StoredReturn> {
        let return_id = self.return_id;
        for table in &report.tables {
            self.conn.execute(
                "INSERT INTO return_tables (return_id, table_name, read, accepted, rejected) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![return_id, table.table.name(), table.read, table.accepted, table.rejected],
            )?;
        }
        for note in report.diagnostics.iter().filter(|d| d.row.is_none()) {
            self.conn.execute(
                "INSERT INTO return_notes (return_id, rule, table_name, file, column_header, message) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![return_id, note.rule.code(), note.table.name(), note.file, note.column, note.message],
            )?;
        }
        let (from, to) = match &self.new.period {
            Some((from, to)) => (Some(from.clone()), Some(to.clone())),
            None => (None, None),
        };
        let superseded: Vec<i64> = {
            let mut statement = self.conn.prepare(
                "SELECT return_id FROM returns WHERE agency_id = ?1 AND period_from IS ?2 AND period_to IS ?3 AND status = 'current' AND return_id <> ?4 ORDER BY return_id",
            )?;
            let rows = statement
                .query_map(params![self.new.agency_id, from, to, return_id], |row| {
                    row.get(0)
                })?;
            rows.collect::<std::result::Result<Vec<_>, _>>()?
        };
        let user = self.new.user.clone();
        let rows: u64 = report.tables.iter().map(|t| t.read).sum();
        append_audit(
            self.conn,
            &user,
            Action::Collection,
            &format!(
                "return {return_id} from agency {} ({rows} rows, {})",
                self.new.agency_id,
                self.new.files.join(", ")
            ),
            "",
        )?;
        for old in &superseded {
            self.conn.execute(
                "UPDATE returns SET status = 'superseded', superseded_by = ?1 WHERE return_id = ?2",
                params![return_id, old],
            )?;
            append_audit(
                self.conn,
                &user,
                Action::Alteration,
                &format!("return {old} superseded by return {return_id}"),
                "a corrected return for the same agency and period",
            )?;
        }
        self.conn.execute_batch("COMMIT")?;
        self.done = true;
        Ok(StoredReturn {
            return_id,
            superseded,
        })
    }
}

impl Drop for ReturnSession<'_> {
    fn drop(&mut self) {
        if !self.done {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }
}

impl Sink for ReturnSession<'_> {
    fn accepted(
        &mut self,
        at: RowRef<'_>,
        record: &Record,
    ) -> std::result::Result<(), IntakeError> {
        self.insert(at.row, record).map_err(store_error)
    }

    fn rejected(
        &mut self,
        at: RowRef<'_>,
        cells: &[(String, String)],
        reasons: &[Diagnostic],
    ) -> std::result::Result<(), IntakeError> {
        let rules: Vec<&str> = reasons.iter().map(|d| d.rule.code()).collect();
        let columns: Vec<&str> = reasons.iter().filter_map(|d| d.column.as_deref()).collect();
        let plain = serde_json::json!({ "cells": cells, "reasons": reasons }).to_string();
        let table = at.origin.table.name();
        let aad = format!(
            "rejects/{}/{table}/{}/{}",
            self.return_id, at.origin.file, at.row
        );
        let sealed = self.keys.seal(&plain, &aad).map_err(store_error)?;
        self.conn
            .prepare_cached(
                "INSERT INTO rejects (return_id, table_name, file, source_row, rules, columns, sealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )
            .and_then(|mut statement| {
                statement.execute(params![
                    self.return_id,
                    table,
                    at.origin.file,
                    at.row,
                    serde_json::to_string(&rules).unwrap_or_default(),
                    serde_json::to_string(&columns).unwrap_or_default(),
                    sealed,
                ])
            })
            .map_err(store_error)?;
        Ok(())
    }
}
