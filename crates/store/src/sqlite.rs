//! The embedded backend: one SQLite file per workspace, with a rollback journal.
//!
//! A return is written inside one `BEGIN IMMEDIATE … COMMIT`: SQLite's journal guarantees that a
//! process killed part-way leaves no trace of it.

use crate::StoredReturn;
use crate::audit::{self, Action, AuditEvent};
use crate::keys::Keys;
use crate::{
    Agency, AgencySummary, Identity, NewReturn, RejectedRow, Result, ReturnSummary, Store,
    StoreError, TableCounts,
};
use rusqlite::{Connection, OptionalExtension, params};
use sightline_intake::IntakeError;
use sightline_intake::check::Sink;
use sightline_intake::report::CheckReport;
use std::path::Path;

const SCHEMA: &str = include_str!("schema.sql");
const SCHEMA_VERSION: &str = "1";

/// An encrypted vault value, absent when the agency gave none.
pub(crate) type Sealed = Option<Vec<u8>>;

/// The embedded store.
pub struct SqliteStore {
    conn: Connection,
}

pub(crate) fn append_audit(
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

/// An agency from the first five columns of a row: agency_id, name, agency_type, area,
/// requested.
fn agency_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<Agency> {
    Ok(Agency {
        agency_id: row.get(0)?,
        name: row.get(1)?,
        agency_type: row.get(2)?,
        area: row.get(3)?,
        requested: row.get(4)?,
    })
}

impl SqliteStore {
    /// Opens (creating if needed) the store file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteStore> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // 16 KB pages and a 64 MB page cache: a return of a million rows is one transaction,
        // and a small cache spills pages over and over (measured: BENCHMARKS.md).
        conn.pragma_update(None, "page_size", 16384)?;
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
    /// Stores a return in one transaction. `read` runs intake into the sink it is given;
    /// identifiers are sealed on this thread while another writes the rows. If `read` fails, a
    /// write fails, or the process dies, nothing of the return remains.
    fn ingest(
        &mut self,
        new: &NewReturn,
        keys: &mut Keys,
        read: &mut dyn FnMut(&mut dyn Sink) -> std::result::Result<CheckReport, IntakeError>,
    ) -> Result<(CheckReport, StoredReturn)> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        let outcome = crate::ingest::write_return(&mut self.conn, new, keys, read);
        match outcome {
            Ok(done) => Ok(done),
            Err(error) => {
                let _ = self.conn.execute_batch("ROLLBACK");
                Err(error)
            }
        }
    }

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
                agency: agency_from(row)?,
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
                agency_from,
            )
            .optional()?)
    }

    fn find_return(&self, agency_id: &str, content_hash: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .query_row(
                "SELECT return_id FROM returns WHERE agency_id = ?1 AND content_hash = ?2 ORDER BY return_id LIMIT 1",
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

    fn linkage_records(
        &mut self,
        keys: &Keys,
        user: &str,
        visit: &mut dyn FnMut(crate::linkage::LinkageRecord),
    ) -> Result<usize> {
        let transaction = self.conn.transaction()?;
        let count = crate::linkage::read_records(&transaction, keys, visit)?;
        append_audit(
            &transaction,
            user,
            Action::Consultation,
            &format!("identifiers of {count} person records"),
            "read for linkage (compared in memory, not shown)",
        )?;
        transaction.commit()?;
        Ok(count)
    }

    fn save_linkage(
        &mut self,
        user: &str,
        model: &serde_json::Value,
        report: &serde_json::Value,
        people: &[(i64, i64)],
        evidence: &[crate::linkage::Evidence],
    ) -> Result<i64> {
        let transaction = self.conn.transaction()?;
        let (run_id, persons) =
            crate::linkage::write_run(&transaction, user, model, report, people, evidence)?;
        append_audit(
            &transaction,
            user,
            Action::Combination,
            &format!("linkage run {run_id}"),
            &format!(
                "{} person records linked into {persons} people",
                people.len()
            ),
        )?;
        transaction.commit()?;
        Ok(run_id)
    }

    fn record_event(
        &mut self,
        user: &str,
        action: Action,
        subject: &str,
        reason: &str,
    ) -> Result<()> {
        self.audited(user, action, subject, reason, |_| Ok(()))
    }

    fn analysis(&self) -> Result<crate::analysis::Analysis> {
        crate::analysis::read(&self.conn, self)
    }

    fn linkage_run(&self) -> Result<Option<crate::linkage::LinkageRun>> {
        crate::linkage::latest_run(&self.conn)
    }

    fn person_of(&self, run_id: i64, record_id: i64) -> Result<Option<i64>> {
        crate::linkage::person_of(&self.conn, run_id, record_id)
    }

    fn person(
        &self,
        run_id: i64,
        person: i64,
    ) -> Result<(
        Vec<crate::linkage::MemberRecord>,
        Vec<crate::linkage::Evidence>,
    )> {
        Ok((
            crate::linkage::members(&self.conn, run_id, person)?,
            crate::linkage::evidence(&self.conn, run_id, person)?,
        ))
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

/// The vault columns of a person record, in `people_identity` order after `record_id`.
pub(crate) const IDENTITY_COLUMNS: [&str; 9] = [
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
