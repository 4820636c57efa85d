//! What does the store need of a database engine?
//!
//! Everything above this module — the `Store` trait's reads and writes, ingest, linkage, the
//! analysis read, the audit chain — is written once against [`Db`]: SQL that both engines run
//! (`?1` placeholders, quoted `"user"` and `"end"`, `IS NOT DISTINCT FROM`, `RETURNING`, casts to
//! `BIGINT`), values as [`Value`], rows read through [`SqlRow`] without copying text. Each engine
//! (`sqlite.rs`, `postgres.rs`) implements the trait: its connection, transactions, bulk insert
//! (prepared inserts, or COPY), the lock that keeps the audit chain in one order, and how record
//! ids are handed out.

use crate::{Result, StoreError};
use std::borrow::Cow;

/// A parameter or a value to insert.
#[derive(Debug, Clone)]
pub enum Value<'a> {
    Null,
    Int(i64),
    Real(f64),
    Bool(bool),
    Text(Cow<'a, str>),
    Blob(&'a [u8]),
}

impl<'a> From<&'a str> for Value<'a> {
    fn from(text: &'a str) -> Value<'a> {
        Value::Text(Cow::Borrowed(text))
    }
}

impl<'a> From<&'a String> for Value<'a> {
    fn from(text: &'a String) -> Value<'a> {
        Value::Text(Cow::Borrowed(text.as_str()))
    }
}

impl From<String> for Value<'_> {
    fn from(text: String) -> Self {
        Value::Text(Cow::Owned(text))
    }
}

impl From<i64> for Value<'_> {
    fn from(n: i64) -> Self {
        Value::Int(n)
    }
}

impl From<u64> for Value<'_> {
    fn from(n: u64) -> Self {
        Value::Int(n as i64)
    }
}

impl From<f64> for Value<'_> {
    fn from(x: f64) -> Self {
        Value::Real(x)
    }
}

impl From<bool> for Value<'_> {
    fn from(b: bool) -> Self {
        Value::Bool(b)
    }
}

impl<'a> From<&'a [u8]> for Value<'a> {
    fn from(bytes: &'a [u8]) -> Value<'a> {
        Value::Blob(bytes)
    }
}

impl<'a, T: Into<Value<'a>>> From<Option<T>> for Value<'a> {
    fn from(value: Option<T>) -> Value<'a> {
        value.map_or(Value::Null, Into::into)
    }
}

/// A row being read: columns by position, text and bytes borrowed from the engine's buffer.
pub trait SqlRow {
    fn int(&self, at: usize) -> Result<Option<i64>>;
    fn real(&self, at: usize) -> Result<Option<f64>>;
    fn text(&self, at: usize) -> Result<Option<&str>>;
    fn blob(&self, at: usize) -> Result<Option<&[u8]>>;
}

fn null_at(at: usize) -> StoreError {
    StoreError::Corrupt(format!("column {at} is empty where a value is required"))
}

impl dyn SqlRow + '_ {
    /// An integer that must be there.
    pub fn i64(&self, at: usize) -> Result<i64> {
        self.int(at)?.ok_or_else(|| null_at(at))
    }

    pub fn f64(&self, at: usize) -> Result<f64> {
        self.real(at)?.ok_or_else(|| null_at(at))
    }

    /// Text that must be there, copied.
    pub fn string(&self, at: usize) -> Result<String> {
        Ok(self.text(at)?.ok_or_else(|| null_at(at))?.to_string())
    }

    pub fn opt_string(&self, at: usize) -> Result<Option<String>> {
        Ok(self.text(at)?.map(str::to_string))
    }
}

/// Hands out person record ids for a return. Ids are unique; on an engine that lets several
/// returns be written at once they need not follow the previous return's.
pub trait RecordIds: Send {
    /// `n` new ids, ascending.
    fn take(&mut self, n: usize) -> Result<Vec<i64>>;
}

/// A connection to one engine, as the store uses it. Contracts:
/// - SQL is the shared dialect (see the module docs); engines translate placeholders.
/// - `begin_write` opens a transaction that writes; `commit` ends it; `rollback` undoes it and
///   never fails (an engine that cannot roll back has lost the connection, which rolls back).
/// - `lock_audit` is called inside a write transaction before the last audit event is read, and
///   holds until the transaction ends, so that concurrent writers append one after another.
pub trait Db: Send {
    fn execute(&mut self, sql: &str, params: &[Value<'_>]) -> Result<u64>;
    fn query(
        &mut self,
        sql: &str,
        params: &[Value<'_>],
        each: &mut dyn FnMut(&dyn SqlRow) -> Result<()>,
    ) -> Result<()>;
    /// Inserts rows into a table, as fast as the engine allows (COPY on PostgreSQL). Rows are
    /// made as they are taken, so a batch is never held twice; none, and nothing is sent.
    fn insert_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Value<'_>>>,
    ) -> Result<()>;
    fn begin_write(&mut self) -> Result<()>;
    /// Begins the assessment's read: one consistent snapshot, under the analysis role where the
    /// engine has roles.
    fn begin_analysis(&mut self) -> Result<()>;
    fn commit(&mut self) -> Result<()>;
    fn rollback(&mut self);
    fn lock_audit(&mut self) -> Result<()>;
    /// Record ids for a return being written in the current transaction.
    fn record_ids(&mut self) -> Result<Box<dyn RecordIds>>;
    /// Rows the ingest hands to the writer at a time.
    fn batch_rows(&self) -> usize;
    /// Fails with a clear message when this connection may not read the identity vault.
    fn check_vault_access(&mut self) -> Result<()>;
}

impl dyn Db + '_ {
    /// Every row, mapped.
    pub fn rows<T>(
        &mut self,
        sql: &str,
        params: &[Value<'_>],
        mut map: impl FnMut(&dyn SqlRow) -> Result<T>,
    ) -> Result<Vec<T>> {
        let mut out = Vec::new();
        self.query(sql, params, &mut |row| {
            out.push(map(row)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// The first row, mapped, if there is one.
    pub fn row<T>(
        &mut self,
        sql: &str,
        params: &[Value<'_>],
        mut map: impl FnMut(&dyn SqlRow) -> Result<T>,
    ) -> Result<Option<T>> {
        let mut out = None;
        self.query(sql, params, &mut |row| {
            if out.is_none() {
                out = Some(map(row)?);
            }
            Ok(())
        })?;
        Ok(out)
    }

    /// Runs `work` in a write transaction, rolled back if it fails.
    pub fn write<T>(&mut self, work: impl FnOnce(&mut dyn Db) -> Result<T>) -> Result<T> {
        self.begin_write()?;
        match work(self) {
            Ok(value) => {
                self.commit()?;
                Ok(value)
            }
            Err(error) => {
                self.rollback();
                Err(error)
            }
        }
    }
}

/// `?N` placeholders as `$N`, for PostgreSQL. The shared SQL has no `?` inside quotes.
pub fn dollar_placeholders(sql: &str) -> String {
    sql.replace('?', "$")
}

#[cfg(test)]
mod tests {
    #[test]
    fn placeholders_are_translated() {
        assert_eq!(
            super::dollar_placeholders("SELECT a FROM t WHERE b = ?1 AND c = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = $12"
        );
    }
}
