//! The [`Store`] over any engine: every read and write of the store written once, against
//! [`Db`]. An engine (`sqlite.rs`, `postgres.rs`) gives the connection; this module gives the
//! store's behaviour, so both engines keep the same contract (the contract tests run it on both).

use crate::StoredReturn;
use crate::audit::{self, Action, AuditEvent, AuditKey, Verdict};
use crate::db::{Db, SqlRow};
use crate::keys::Keys;
use crate::{
    Agency, AgencySummary, Identity, NewReturn, RejectedRow, Result, ReturnSummary, Store,
    StoreError, TableCounts,
};
use sightline_intake::IntakeError;
use sightline_intake::check::Sink;
use sightline_intake::report::CheckReport;
use std::cell::RefCell;
use std::path::PathBuf;

/// An encrypted vault value, absent when the agency gave none.
pub(crate) type Sealed = Option<Vec<u8>>;

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

/// A store on one engine's connection.
pub struct SqlStore {
    db: RefCell<Box<dyn Db>>,
    audit: AuditWriter,
    retention: crate::workspace::Retention,
}

/// What appending to the audit log needs beyond the connection: the MAC key, and the
/// checkpoint file outside the store that each commit's head is written to.
#[derive(Default)]
pub(crate) struct AuditWriter {
    key: Option<AuditKey>,
    /// Why there is no key, to say when an event cannot be written.
    missing: String,
    checkpoint: Option<PathBuf>,
    /// The head appended in the transaction under way.
    appended: Option<(i64, String)>,
}

impl AuditWriter {
    fn key(&self) -> Result<&AuditKey> {
        self.key.as_ref().ok_or_else(|| {
            StoreError::Key(format!(
                "the audit log is sealed with a key from the workspace's key file, and {}",
                if self.missing.is_empty() {
                    "this store was opened without it"
                } else {
                    &self.missing
                }
            ))
        })
    }

    /// After a write: on success, the head it appended goes to the checkpoint file; on
    /// failure, nothing was appended.
    fn settle<T>(&mut self, result: Result<T>) -> Result<T> {
        let appended = self.appended.take();
        let value = result?;
        if let (Some((seq, head)), Some(path)) = (appended, &self.checkpoint) {
            audit::append_checkpoint(path, seq, &head).map_err(|error| {
                StoreError::Workspace(format!(
                    "the change was stored (audit event {seq}), but the audit checkpoint {} could not be written: {error}. Make the workspace folder writable; `sightline audit verify` still checks the log",
                    path.display()
                ))
            })?;
        }
        Ok(value)
    }
}

/// Appends an event to the audit log, inside the caller's write transaction: under the engine's
/// audit lock, the last event's MAC is read and the new event chained to it with the audit key.
pub(crate) fn append_audit(
    db: &mut dyn Db,
    writer: &mut AuditWriter,
    user: &str,
    action: Action,
    subject: &str,
    reason: &str,
) -> Result<()> {
    let key = writer.key()?;
    db.lock_audit()?;
    let last = db.row(
        "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
        &[],
        |row| Ok((row.i64(0)?, row.string(1)?)),
    )?;
    let (seq, prev) = match last {
        Some((seq, hash)) => (seq + 1, hash),
        None => (1, audit::GENESIS.to_string()),
    };
    let at = audit::now();
    let hash = key.event_mac(&prev, seq, &at, user, action.code(), subject, reason);
    db.execute(
        "INSERT INTO audit (seq, at, \"user\", action, subject, reason, prev_hash, hash) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        &[
            seq.into(),
            at.into(),
            user.into(),
            action.code().into(),
            subject.into(),
            reason.into(),
            prev.into(),
            (&hash).into(),
        ],
    )?;
    writer.appended = Some((seq, hash));
    Ok(())
}

/// An agency from the first six columns of a row: agency_id, name, agency_type, area,
/// requested, region.
fn agency_from(row: &dyn SqlRow) -> Result<Agency> {
    Ok(Agency {
        agency_id: row.string(0)?,
        name: row.string(1)?,
        agency_type: row.string(2)?,
        area: row.string(3)?,
        requested: row.i64(4)? != 0,
        region: row.string(5)?,
    })
}

fn not_found(return_id: i64) -> StoreError {
    StoreError::NotFound(format!(
        "there is no return {return_id}; `sightline returns --all` lists them"
    ))
}

pub(crate) fn agencies(db: &mut dyn Db) -> Result<Vec<AgencySummary>> {
    db.rows(
        "SELECT a.agency_id, a.name, a.agency_type, a.area, a.requested, a.region,
                COUNT(DISTINCT r.return_id),
                CAST(COALESCE(SUM(t.accepted), 0) AS BIGINT), CAST(COALESCE(SUM(t.rejected), 0) AS BIGINT)
         FROM agencies a
         LEFT JOIN returns r ON r.agency_id = a.agency_id AND r.status = 'current'
         LEFT JOIN return_tables t ON t.return_id = r.return_id
         GROUP BY a.agency_id ORDER BY a.agency_id",
        &[],
        |row| {
            Ok(AgencySummary {
                agency: agency_from(row)?,
                returns: row.i64(6)? as u64,
                rows_accepted: row.i64(7)? as u64,
                rows_rejected: row.i64(8)? as u64,
            })
        },
    )
}

pub(crate) fn returns(db: &mut dyn Db, include_superseded: bool) -> Result<Vec<ReturnSummary>> {
    let mut returns = db.rows(
        "SELECT r.return_id, r.agency_id, r.period_from, r.period_to, r.files, r.content_hash, r.ingested_at, r.\"user\", r.status, r.superseded_by,
                r.review_date, e.at, e.\"user\", e.reason
         FROM returns r LEFT JOIN erasures e ON e.return_id = r.return_id
         WHERE ?1 OR r.status = 'current' ORDER BY r.return_id",
        &[include_superseded.into()],
        |row| {
            Ok(ReturnSummary {
                return_id: row.i64(0)?,
                agency_id: row.string(1)?,
                period_from: row.opt_string(2)?,
                period_to: row.opt_string(3)?,
                files: serde_json::from_str(row.text(4)?.unwrap_or_default()).unwrap_or_default(),
                content_hash: row.string(5)?,
                ingested_at: row.string(6)?,
                user: row.string(7)?,
                status: row.string(8)?,
                superseded_by: row.int(9)?,
                review_date: row.opt_string(10)?,
                erased: match row.opt_string(11)? {
                    Some(at) => Some(crate::Erasure {
                        at,
                        user: row.string(12)?,
                        reason: row.string(13)?,
                    }),
                    None => None,
                },
                tables: Vec::new(),
            })
        },
    )?;
    let mut counts: std::collections::HashMap<i64, Vec<TableCounts>> = Default::default();
    db.query(
        "SELECT t.return_id, t.table_name, t.read, t.accepted, t.rejected FROM return_tables t
         JOIN returns r ON r.return_id = t.return_id WHERE ?1 OR r.status = 'current'
         ORDER BY t.return_id, t.table_order",
        &[include_superseded.into()],
        &mut |row| {
            counts.entry(row.i64(0)?).or_default().push(TableCounts {
                table: row.string(1)?,
                read: row.i64(2)? as u64,
                accepted: row.i64(3)? as u64,
                rejected: row.i64(4)? as u64,
            });
            Ok(())
        },
    )?;
    for summary in &mut returns {
        summary.tables = counts.remove(&summary.return_id).unwrap_or_default();
    }
    Ok(returns)
}

fn rejects(db: &mut dyn Db, return_id: i64) -> Result<Vec<RejectedRow>> {
    if db
        .row(
            "SELECT return_id FROM returns WHERE return_id = ?1",
            &[return_id.into()],
            |row| row.i64(0),
        )?
        .is_none()
    {
        return Err(not_found(return_id));
    }
    db.rows(
        "SELECT reject_id, table_name, file, source_row, rules, columns FROM rejects WHERE return_id = ?1 ORDER BY reject_id",
        &[return_id.into()],
        |row| {
            Ok(RejectedRow {
                reject_id: row.i64(0)?,
                table: row.string(1)?,
                file: row.string(2)?,
                row: row.i64(3)? as u64,
                rules: serde_json::from_str(row.text(4)?.unwrap_or_default()).unwrap_or_default(),
                columns: serde_json::from_str(row.text(5)?.unwrap_or_default())
                    .unwrap_or_default(),
                revealed: None,
            })
        },
    )
}

impl SqlStore {
    pub(crate) fn new(db: Box<dyn Db>) -> SqlStore {
        SqlStore {
            db: RefCell::new(db),
            audit: AuditWriter::default(),
            retention: Default::default(),
        }
    }

    /// The review periods that set each new return's review date.
    pub fn with_retention(mut self, retention: crate::workspace::Retention) -> SqlStore {
        self.retention = retention;
        self
    }

    /// Gives the store the audit key (or says why there is none) and the checkpoint file its
    /// commits write their heads to.
    pub fn with_audit(
        mut self,
        key: std::result::Result<AuditKey, String>,
        checkpoint: Option<PathBuf>,
    ) -> SqlStore {
        match key {
            Ok(key) => self.audit.key = Some(key),
            Err(why) => self.audit.missing = why,
        }
        self.audit.checkpoint = checkpoint;
        self
    }

    /// The embedded store in a file (created if needed), its schema brought up to date.
    pub fn sqlite(path: &std::path::Path) -> Result<SqlStore> {
        Ok(SqlStore::new(Box::new(crate::sqlite::SqliteDb::open(
            path,
        )?)))
    }

    /// A store in a PostgreSQL database that holds one; its schema brought up to date when
    /// this login may change it.
    pub fn postgres(url: &str) -> Result<SqlStore> {
        Ok(SqlStore::new(Box::new(crate::postgres::PostgresDb::open(
            url,
        )?)))
    }

    /// A PostgreSQL database for `init`: its schema made (or brought up to date) and its roles
    /// set up where this login may.
    pub(crate) fn postgres_init(url: &str) -> Result<(SqlStore, crate::postgres::Setup)> {
        let (db, setup) = crate::postgres::PostgresDb::init(url)?;
        Ok((SqlStore::new(Box::new(db)), setup))
    }

    fn db(&self) -> std::cell::RefMut<'_, Box<dyn Db>> {
        self.db.borrow_mut()
    }

    /// Runs `work` in a write transaction that also appends an audit event.
    fn audited<T>(
        &mut self,
        user: &str,
        action: Action,
        subject: &str,
        reason: &str,
        work: impl FnOnce(&mut dyn Db) -> Result<T>,
    ) -> Result<T> {
        let db: &mut dyn Db = &mut **self.db.get_mut();
        let writer = &mut self.audit;
        let result = db.write(|db| {
            let value = work(db)?;
            append_audit(db, writer, user, action, subject, reason)?;
            Ok(value)
        });
        self.audit.settle(result)
    }

    /// Refuses a key file that is not the one this store's identifiers are sealed with now: not
    /// the store's at all (`key_check`, from the pseudonym key), or its key from before a
    /// rotation (`cipher_check`, from the encryption key; absent until the first rotation).
    pub fn check_key(&self, keys: &Keys) -> Result<()> {
        if let Some(expected) = self.meta("key_check")?
            && expected != key_check(keys)
        {
            return Err(StoreError::Key(
                "this key file is not the one this store's identifiers are sealed with; use the workspace's own key (SIGHTLINE_KEY_FILE)".to_string(),
            ));
        }
        if let Some(expected) = self.meta("cipher_check")?
            && expected != keys.cipher_check()
        {
            return Err(StoreError::Key(
                "this key file holds the store's key from before a rotation (`sightline keys rotate`): use the key file the rotation wrote".to_string(),
            ));
        }
        Ok(())
    }

    /// Re-wraps every return's data key, and re-seals every value sealed with the workspace's
    /// key itself, under `new` in one transaction, with an audit event, and records `new`'s
    /// check value. Any value that
    /// `old` cannot open stops it and nothing changes. The caller writes the new key file only
    /// after this has committed.
    pub fn reseal(
        &mut self,
        old: &Keys,
        new: &mut Keys,
        user: &str,
        reason: &str,
    ) -> Result<crate::rotation::Resealed> {
        self.check_key(old)?;
        let db: &mut dyn Db = &mut **self.db.get_mut();
        let writer = &mut self.audit;
        let result = db.write(|db| {
            let resealed = crate::rotation::reseal_all(db, old, new)?;
            db.execute(
                "INSERT INTO meta (key, value) VALUES ('cipher_check', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[new.cipher_check().into()],
            )?;
            append_audit(
                db,
                writer,
                user,
                Action::Alteration,
                &format!(
                    "the vault under a new key: {} return keys re-wrapped, {} older sealed values re-sealed",
                    resealed.return_keys, resealed.values
                ),
                reason,
            )?;
            crate::fault_point("rotate:before-commit");
            Ok(resealed)
        });
        self.audit.settle(result)
    }

    /// A value of the `meta` table.
    pub fn meta(&self, key: &str) -> Result<Option<String>> {
        self.db().row(
            "SELECT value FROM meta WHERE key = ?1",
            &[key.into()],
            |row| row.string(0),
        )
    }

    /// Sets a value of the `meta` table.
    pub fn set_meta(&mut self, key: &str, value: &str) -> Result<()> {
        let db: &mut dyn Db = &mut **self.db.get_mut();
        db.write(|db| {
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                &[key.into(), value.into()],
            )?;
            Ok(())
        })
    }
}

/// The check value of a key (a pseudonym of a fixed text): the same key gives the same value, so
/// a store can tell a key that is not its own before anything is sealed with it.
pub fn key_check(keys: &Keys) -> String {
    keys.pseudonym("key check", "", "sightline")
}

impl Store for SqlStore {
    fn ingest(
        &mut self,
        new: &NewReturn,
        keys: &mut Keys,
        read: &mut dyn FnMut(&mut dyn Sink) -> std::result::Result<CheckReport, IntakeError>,
    ) -> Result<(CheckReport, StoredReturn)> {
        self.check_key(keys)?;
        let agency_type = self
            .agency(&new.agency_id)?
            .map(|agency| agency.agency_type)
            .unwrap_or_default();
        let review_years = self.retention.years(&agency_type);
        let db: &mut dyn Db = &mut **self.db.get_mut();
        self.audit.key()?;
        db.begin_write()?;
        let result =
            match crate::ingest::write_return(db, &mut self.audit, new, review_years, keys, read) {
                Ok(done) => Ok(done),
                Err(error) => {
                    db.rollback();
                    if let StoreError::Conflict(_) = error
                        && let Some(existing) = find_return(db, &new.agency_id, &new.content_hash)?
                    {
                        Err(StoreError::AlreadyStored(existing))
                    } else {
                        Err(error)
                    }
                }
            };
        self.audit.settle(result)
    }

    fn import_agencies(&mut self, agencies: &[Agency], user: &str) -> Result<usize> {
        let subject = format!("agency register: {} agencies", agencies.len());
        self.audited(user, Action::Collection, &subject, "", |db| {
            for agency in agencies {
                db.execute(
                    "INSERT INTO agencies (agency_id, name, agency_type, area, requested, region) VALUES (?1, ?2, ?3, ?4, ?5, ?6)
                     ON CONFLICT (agency_id) DO UPDATE SET name = excluded.name, agency_type = excluded.agency_type, area = excluded.area, requested = excluded.requested, region = excluded.region",
                    &[
                        (&agency.agency_id).into(),
                        (&agency.name).into(),
                        (&agency.agency_type).into(),
                        (&agency.area).into(),
                        i64::from(agency.requested).into(),
                        (&agency.region).into(),
                    ],
                )?;
            }
            Ok(agencies.len())
        })
    }

    fn agencies(&self) -> Result<Vec<AgencySummary>> {
        agencies(&mut **self.db())
    }

    fn agency(&self, agency_id: &str) -> Result<Option<Agency>> {
        self.db().row(
            "SELECT agency_id, name, agency_type, area, requested, region FROM agencies WHERE agency_id = ?1",
            &[agency_id.into()],
            agency_from,
        )
    }

    fn find_return(&self, agency_id: &str, content_hash: &str) -> Result<Option<i64>> {
        find_return(&mut **self.db(), agency_id, content_hash)
    }

    fn returns(&self, include_superseded: bool) -> Result<Vec<ReturnSummary>> {
        returns(&mut **self.db(), include_superseded)
    }

    fn rejects(&self, return_id: i64) -> Result<Vec<RejectedRow>> {
        rejects(&mut **self.db(), return_id)
    }

    fn reveal_rejects(
        &mut self,
        return_id: i64,
        keys: &Keys,
        user: &str,
        reason: &str,
    ) -> Result<Vec<RejectedRow>> {
        let subject = format!("rejected rows of return {return_id}");
        self.check_key(keys)?;
        self.db.get_mut().check_vault_access()?;
        self.audited(user, Action::Consultation, &subject, reason, |db| {
            let rows = rejects(db, return_id)?;
            let vault = crate::vault::Vault::load(db, keys, Some(return_id))?;
            let keys = vault.keys(return_id)?;
            let mut sealed: std::collections::HashMap<i64, Vec<u8>> = Default::default();
            db.query(
                "SELECT c.reject_id, c.sealed FROM rejected_cells c JOIN rejects r ON r.reject_id = c.reject_id WHERE r.return_id = ?1",
                &[return_id.into()],
                &mut |row| {
                    sealed.insert(row.i64(0)?, row.blob(1)?.unwrap_or_default().to_vec());
                    Ok(())
                },
            )?;
            rows.into_iter()
                .map(|mut row| {
                    let blob = sealed.remove(&row.reject_id).unwrap_or_default();
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
        self.check_key(keys)?;
        self.db.get_mut().check_vault_access()?;
        let found = self.db().row(
            "SELECT p.return_id, r.agency_id, i.person_id, i.given_name, i.family_name, i.other_names, i.date_of_birth, i.postcode, i.nhs_number, i.upn, i.pnc_id
             FROM people p JOIN returns r ON r.return_id = p.return_id LEFT JOIN people_identity i ON i.record_id = p.record_id
             WHERE p.record_id = ?1",
            &[record_id.into()],
            |row| {
                let mut blobs: Vec<Sealed> = Vec::new();
                for index in 2..11 {
                    blobs.push(row.blob(index)?.map(<[u8]>::to_vec));
                }
                Ok((row.i64(0)?, row.string(1)?, blobs))
            },
        )?;
        let Some((return_id, agency_id, blobs)) = found else {
            return Err(StoreError::NotFound(format!(
                "there is no person record {record_id}"
            )));
        };
        let subject = format!("person record {record_id} (return {return_id})");
        let vault = crate::vault::Vault::load(&mut **self.db(), keys, Some(return_id))?;
        let keys = vault.keys(return_id)?;
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
        self.check_key(keys)?;
        let db: &mut dyn Db = &mut **self.db.get_mut();
        db.check_vault_access()?;
        let writer = &mut self.audit;
        let result = db.write(|db| {
            let count = crate::linkage::read_records(db, keys, visit)?;
            append_audit(
                db,
                writer,
                user,
                Action::Consultation,
                &format!("identifiers of {count} person records"),
                "read for linkage (compared in memory, not shown)",
            )?;
            Ok(count)
        });
        self.audit.settle(result)
    }

    fn save_linkage(
        &mut self,
        user: &str,
        model: &serde_json::Value,
        report: &serde_json::Value,
        people: &[(i64, i64)],
        evidence: &[crate::linkage::Evidence],
        near_misses: &[crate::linkage::NearMiss],
    ) -> Result<i64> {
        let db: &mut dyn Db = &mut **self.db.get_mut();
        let writer = &mut self.audit;
        let result = db.write(|db| {
            let (run_id, persons) =
                crate::linkage::write_run(db, user, model, report, people, evidence, near_misses)?;
            append_audit(
                db,
                writer,
                user,
                Action::Combination,
                &format!("linkage run {run_id}"),
                &format!(
                    "{} person records linked into {persons} people",
                    people.len()
                ),
            )?;
            Ok(run_id)
        });
        self.audit.settle(result)
    }

    fn erase_return(&mut self, return_id: i64, user: &str, reason: &str) -> Result<crate::Erasure> {
        let found = self.db().row(
            "SELECT r.agency_id, e.at, e.\"user\", e.reason FROM returns r LEFT JOIN erasures e ON e.return_id = r.return_id WHERE r.return_id = ?1",
            &[return_id.into()],
            |row| {
                Ok((
                    row.string(0)?,
                    match row.opt_string(1)? {
                        Some(at) => Some(crate::Erasure {
                            at,
                            user: row.string(2)?,
                            reason: row.string(3)?,
                        }),
                        None => None,
                    },
                ))
            },
        )?;
        let Some((agency_id, earlier)) = found else {
            return Err(not_found(return_id));
        };
        if let Some(erasure) = earlier {
            return Err(crate::vault::erased(return_id, &erasure));
        }
        let erasure = crate::Erasure {
            at: audit::now(),
            user: user.to_string(),
            reason: reason.to_string(),
        };
        let subject = format!("the identifiers of return {return_id} from agency {agency_id}");
        let made = erasure.clone();
        self.audited(user, Action::Erasure, &subject, reason, move |db| {
            db.execute(
                "INSERT INTO erasures (return_id, at, \"user\", reason) VALUES (?1, ?2, ?3, ?4)",
                &[
                    return_id.into(),
                    (&made.at).into(),
                    (&made.user).into(),
                    (&made.reason).into(),
                ],
            )?;
            let keys = db.execute(
                "DELETE FROM return_keys WHERE return_id = ?1",
                &[return_id.into()],
            )?;
            if keys == 0 {
                // Sealed with the workspace's key (stored before schema 4): the sealed values
                // themselves go.
                for sql in [
                    "DELETE FROM people_identity WHERE record_id IN (SELECT record_id FROM people WHERE return_id = ?1)",
                    "DELETE FROM rejected_cells WHERE reject_id IN (SELECT reject_id FROM rejects WHERE return_id = ?1)",
                    "DELETE FROM note_cells WHERE note_id IN (SELECT note_id FROM return_notes WHERE return_id = ?1)",
                    "DELETE FROM group_labels WHERE record_id IN (SELECT record_id FROM group_members WHERE return_id = ?1)",
                ] {
                    db.execute(sql, &[return_id.into()])?;
                }
            }
            Ok(())
        })?;
        Ok(erasure)
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

    fn collection_write(
        &mut self,
        user: &str,
        event: Option<(Action, &str, &str)>,
        work: &mut dyn FnMut(&mut dyn Db) -> Result<()>,
    ) -> Result<()> {
        match event {
            Some((action, subject, reason)) => self.audited(user, action, subject, reason, work),
            None => {
                let db: &mut dyn Db = &mut **self.db.get_mut();
                db.write(work)
            }
        }
    }

    fn collection_read(&self, work: &mut dyn FnMut(&mut dyn Db) -> Result<()>) -> Result<()> {
        work(&mut **self.db())
    }

    fn analysis(&self) -> Result<crate::analysis::Analysis> {
        let mut db = self.db();
        let db: &mut dyn Db = &mut **db;
        db.begin_analysis()?;
        match crate::analysis::read(db) {
            Ok(analysis) => {
                db.commit()?;
                Ok(analysis)
            }
            Err(error) => {
                db.rollback();
                Err(error)
            }
        }
    }

    fn linkage_run(&self) -> Result<Option<crate::linkage::LinkageRun>> {
        crate::linkage::latest_run(&mut **self.db())
    }

    fn records_after_linkage(&self) -> Result<u64> {
        crate::linkage::records_after_latest_run(&mut **self.db())
    }

    fn person_of(&self, run_id: i64, record_id: i64) -> Result<Option<i64>> {
        crate::linkage::person_of(&mut **self.db(), run_id, record_id)
    }

    fn person(
        &self,
        run_id: i64,
        person: i64,
    ) -> Result<(
        Vec<crate::linkage::MemberRecord>,
        Vec<crate::linkage::Evidence>,
    )> {
        let mut db = self.db();
        Ok((
            crate::linkage::members(&mut **db, run_id, person)?,
            crate::linkage::evidence(&mut **db, run_id, person)?,
        ))
    }

    fn verify_audit(&self) -> Result<Verdict> {
        let key = self.audit.key()?;
        let events = self.audit_events()?;
        let keyed_from = self
            .meta("audit_keyed_from")?
            .and_then(|from| from.parse::<i64>().ok())
            .unwrap_or(1);
        let checkpoints = match &self.audit.checkpoint {
            Some(path) => audit::read_checkpoint(path).map_err(StoreError::Workspace)?,
            None => None,
        };
        Ok(audit::verify(
            &events,
            key,
            &audit::Expectations {
                checkpoints: checkpoints.as_deref(),
                keyed_from,
            },
        ))
    }

    fn audit_events(&self) -> Result<Vec<AuditEvent>> {
        self.db().rows(
            "SELECT seq, at, \"user\", action, subject, reason, prev_hash, hash FROM audit ORDER BY seq",
            &[],
            |row| {
                Ok(AuditEvent {
                    seq: row.i64(0)?,
                    at: row.string(1)?,
                    user: row.string(2)?,
                    action: row.string(3)?,
                    subject: row.string(4)?,
                    reason: row.string(5)?,
                    prev_hash: row.string(6)?,
                    hash: row.string(7)?,
                })
            },
        )
    }
}

fn find_return(db: &mut dyn Db, agency_id: &str, content_hash: &str) -> Result<Option<i64>> {
    db.row(
        "SELECT return_id FROM returns WHERE agency_id = ?1 AND content_hash = ?2 ORDER BY return_id LIMIT 1",
        &[agency_id.into(), content_hash.into()],
        |row| row.i64(0),
    )
}
