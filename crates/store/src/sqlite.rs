//! The embedded engine: one SQLite file per workspace, with a rollback journal.
//!
//! A write is one `BEGIN IMMEDIATE … COMMIT`: SQLite's journal guarantees that a process
//! killed part-way leaves no trace of it, and the immediate lock makes writers (and so audit
//! appends and record ids) one after another. Record ids of a return follow the largest stored.

use crate::db::{Column, Db, EncodedRows, Field, IdKind, RecordIds, SqlRow, Value, column_names};
use crate::migrations::{self, Dialect, LATEST};
use crate::{Result, StoreError};
use rusqlite::types::{ToSqlOutput, ValueRef};
use rusqlite::{Connection, OptionalExtension};
use std::path::Path;

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> StoreError {
        match &error {
            rusqlite::Error::SqliteFailure(failure, _)
                if failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || failure.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                StoreError::Conflict(error.to_string())
            }
            rusqlite::Error::SqliteFailure(failure, _)
                if failure.code == rusqlite::ErrorCode::DatabaseBusy =>
            {
                StoreError::Database(format!(
                    "{error}: another sightline is writing to this workspace; try again when it has finished"
                ))
            }
            _ => StoreError::Database(format!("SQLite: {error}")),
        }
    }
}

impl From<rusqlite::types::FromSqlError> for StoreError {
    fn from(error: rusqlite::types::FromSqlError) -> StoreError {
        StoreError::Corrupt(format!("a value of an unexpected type: {error}"))
    }
}

/// Copies the store at `from` into a new file `to` with SQLite's online backup, in one step:
/// the copy is the store as one transaction saw it, also while other processes read and write
/// (a writer in the middle of a return is not in it). Returns the copy's last audit event and
/// its MAC, if any.
pub(crate) fn snapshot(from: &Path, to: &Path) -> Result<Option<(i64, String)>> {
    let source = Connection::open_with_flags(from, rusqlite::OpenFlags::SQLITE_OPEN_READ_WRITE)?;
    source.busy_timeout(std::time::Duration::from_secs(60))?;
    let mut copy = Connection::open(to)?;
    {
        let backup = rusqlite::backup::Backup::new(&source, &mut copy)?;
        // -1: every page in one step, under one read lock.
        loop {
            match backup.step(-1)? {
                rusqlite::backup::StepResult::Done => break,
                rusqlite::backup::StepResult::Busy | rusqlite::backup::StepResult::Locked => {
                    std::thread::sleep(std::time::Duration::from_millis(50));
                }
                _ => {}
            }
        }
    }
    let head = copy
        .query_row(
            "SELECT seq, hash FROM audit ORDER BY seq DESC LIMIT 1",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()?;
    // The copy is made durable before it is given its name.
    drop(copy);
    std::fs::File::open(to)
        .and_then(|file| file.sync_all())
        .map_err(|e| StoreError::Workspace(format!("cannot sync {}: {e}", to.display())))?;
    Ok(head)
}

/// Whether a file is an SQLite database holding a Sightline store (its `meta` table has a
/// schema version). Reads only.
pub(crate) fn is_store(path: &Path) -> bool {
    Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)
        .and_then(|conn| {
            conn.query_row(
                "SELECT COUNT(*) FROM meta WHERE key = 'schema_version'",
                [],
                |row| row.get::<_, i64>(0),
            )
        })
        .is_ok_and(|n| n == 1)
}

/// The embedded engine's connection.
pub struct SqliteDb {
    conn: Connection,
}

impl rusqlite::ToSql for Value<'_> {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Value::Null => ToSqlOutput::Borrowed(ValueRef::Null),
            Value::Int(n) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(*n)),
            Value::Real(x) => ToSqlOutput::Owned(rusqlite::types::Value::Real(*x)),
            Value::Bool(b) => ToSqlOutput::Owned(rusqlite::types::Value::Integer(i64::from(*b))),
            Value::Text(text) => ToSqlOutput::Borrowed(ValueRef::Text(text.as_bytes())),
            Value::Blob(bytes) => ToSqlOutput::Borrowed(ValueRef::Blob(bytes)),
        })
    }
}

struct Row<'a, 'b>(&'a rusqlite::Row<'b>);

impl SqlRow for Row<'_, '_> {
    fn int(&self, at: usize) -> Result<Option<i64>> {
        Ok(match self.0.get_ref(at)? {
            ValueRef::Null => None,
            ValueRef::Integer(n) => Some(n),
            ValueRef::Real(x) => Some(x as i64),
            other => Some(other.as_i64()?),
        })
    }

    fn real(&self, at: usize) -> Result<Option<f64>> {
        Ok(match self.0.get_ref(at)? {
            ValueRef::Null => None,
            ValueRef::Integer(n) => Some(n as f64),
            other => Some(other.as_f64()?),
        })
    }

    fn text(&self, at: usize) -> Result<Option<&str>> {
        Ok(match self.0.get_ref(at)? {
            ValueRef::Null => None,
            other => Some(other.as_str()?),
        })
    }

    fn blob(&self, at: usize) -> Result<Option<&[u8]>> {
        Ok(match self.0.get_ref(at)? {
            ValueRef::Null => None,
            other => Some(other.as_blob()?),
        })
    }
}

/// Ids after the largest stored, of each kind: the immediate transaction keeps other writers
/// out.
struct Counter([i64; IdKind::ALL.len()]);

impl RecordIds for Counter {
    fn take(&mut self, kind: IdKind, n: usize) -> Result<Vec<i64>> {
        let next = &mut self.0[kind as usize];
        let start = *next;
        *next += n as i64;
        Ok((start..*next).collect())
    }
}

impl SqliteDb {
    /// Opens (creating if needed) the store file and brings its schema up to date.
    pub fn open(path: &Path) -> Result<SqliteDb> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        // 16 KB pages and a 64 MB page cache: a return of a million rows is one transaction,
        // and a small cache spills pages over and over (measured: BENCHMARKS.md).
        conn.pragma_update(None, "page_size", 16384)?;
        conn.pragma_update(None, "cache_size", -65_536)?;
        conn.pragma_update(None, "journal_mode", "TRUNCATE")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Deleted content is overwritten, not left in free pages: an erased return's key, or
        // a value sealed under a rotated key, is gone from the file.
        conn.pragma_update(None, "secure_delete", "ON")?;
        let mut db = SqliteDb { conn };
        db.migrate()?;
        Ok(db)
    }

    /// The schema version: `schema_migrations`, else a store made before it (`meta` says 1),
    /// else 0 (an empty file).
    fn version(&self) -> Result<i64> {
        let has = |table: &str| -> Result<bool> {
            Ok(self
                .conn
                .query_row(
                    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                    [table],
                    |_| Ok(()),
                )
                .optional()?
                .is_some())
        };
        if has("schema_migrations")? {
            return Ok(self.conn.query_row(
                "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                [],
                |row| row.get(0),
            )?);
        }
        if has("meta")? {
            let version: Option<String> = self
                .conn
                .query_row(
                    "SELECT value FROM meta WHERE key = 'schema_version'",
                    [],
                    |row| row.get(0),
                )
                .optional()?;
            return Ok(version.and_then(|v| v.parse().ok()).unwrap_or(1));
        }
        Ok(0)
    }

    fn migrate(&mut self) -> Result<()> {
        let version = self.version()?;
        if version > LATEST {
            return Err(StoreError::NewerSchema {
                found: version,
                known: LATEST,
            });
        }
        if version == LATEST {
            return Ok(());
        }
        let transaction = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Another process may have migrated while this one waited for the lock.
        let version = {
            let found: i64 = transaction
                .query_row(
                    "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'",
                    [],
                    |row| row.get(0),
                )?;
            if found > 0 {
                transaction.query_row(
                    "SELECT COALESCE(MAX(version), 0) FROM schema_migrations",
                    [],
                    |row| row.get(0),
                )?
            } else {
                version
            }
        };
        transaction.execute_batch(
            "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
        )?;
        if version == 1 {
            // A store made before migrations were recorded.
            transaction.execute(
                "INSERT OR IGNORE INTO schema_migrations (version, name, applied_at) VALUES (1, 'initial', ?1)",
                [crate::audit::now()],
            )?;
        }
        for migration in migrations::pending(version) {
            transaction.execute_batch(&migration.sql(Dialect::Sqlite))?;
            transaction.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?1, ?2, ?3)",
                rusqlite::params![migration.version, migration.name, crate::audit::now()],
            )?;
        }
        transaction.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', ?1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            [LATEST.to_string()],
        )?;
        transaction.commit()?;
        Ok(())
    }
}

impl Db for SqliteDb {
    fn execute(&mut self, sql: &str, params: &[Value<'_>]) -> Result<u64> {
        let mut statement = self.conn.prepare_cached(sql)?;
        Ok(statement.execute(rusqlite::params_from_iter(params))? as u64)
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[Value<'_>],
        each: &mut dyn FnMut(&dyn SqlRow) -> Result<()>,
    ) -> Result<()> {
        let mut statement = self.conn.prepare_cached(sql)?;
        let mut rows = statement.query(rusqlite::params_from_iter(params))?;
        while let Some(row) = rows.next()? {
            each(&Row(row))?;
        }
        Ok(())
    }

    fn insert_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Value<'_>>>,
    ) -> Result<()> {
        let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            columns.join(", "),
            placeholders.join(", ")
        );
        let mut rows = rows.peekable();
        if rows.peek().is_none() {
            return Ok(());
        }
        let mut statement = self.conn.prepare_cached(&sql)?;
        for row in rows {
            statement.execute(rusqlite::params_from_iter(&row))?;
        }
        Ok(())
    }

    /// The prepared insert, each row's fields bound where they lie in the encoded rows.
    fn insert_encoded(
        &mut self,
        table: &str,
        columns: &[Column],
        rows: &EncodedRows,
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let placeholders: Vec<String> = (1..=columns.len()).map(|i| format!("?{i}")).collect();
        let sql = format!(
            "INSERT INTO {table} ({}) VALUES ({})",
            column_names(columns),
            placeholders.join(", ")
        );
        let mut statement = self.conn.prepare_cached(&sql)?;
        let mut decoded = rows.decode(columns);
        let mut fields = Vec::with_capacity(columns.len());
        while decoded.next_into(&mut fields)? {
            for (at, field) in fields.iter().enumerate() {
                let value = match *field {
                    Field::Null => ValueRef::Null,
                    Field::Int(n) => ValueRef::Integer(n),
                    Field::Text(text) => ValueRef::Text(text),
                    Field::Blob(bytes) => ValueRef::Blob(bytes),
                };
                statement.raw_bind_parameter(at + 1, ToSqlOutput::Borrowed(value))?;
            }
            statement.raw_execute()?;
        }
        Ok(())
    }

    fn begin_write(&mut self) -> Result<()> {
        self.conn.execute_batch("BEGIN IMMEDIATE")?;
        Ok(())
    }

    /// Statements read on their own: a long read transaction would hold off every writer.
    fn begin_analysis(&mut self) -> Result<()> {
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        if !self.conn.is_autocommit() {
            self.conn.execute_batch("COMMIT")?;
        }
        Ok(())
    }

    fn rollback(&mut self) {
        if !self.conn.is_autocommit() {
            let _ = self.conn.execute_batch("ROLLBACK");
        }
    }

    /// The immediate transaction already keeps other writers out.
    fn lock_audit(&mut self) -> Result<()> {
        Ok(())
    }

    fn record_ids(&mut self) -> Result<Box<dyn RecordIds>> {
        let mut next = [0; IdKind::ALL.len()];
        for kind in IdKind::ALL {
            let (table, column) = kind.column();
            next[kind as usize] = self.conn.query_row(
                &format!("SELECT COALESCE(MAX({column}), 0) + 1 FROM {table}"),
                [],
                |row| row.get(0),
            )?;
        }
        Ok(Box::new(Counter(next)))
    }

    fn batch_rows(&self) -> usize {
        512
    }

    fn check_vault_access(&mut self) -> Result<()> {
        Ok(())
    }
}
