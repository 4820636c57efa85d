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

/// What a column of a bulk insert holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A whole number (INTEGER; BIGINT on PostgreSQL).
    Int,
    Text,
    /// A byte string (BLOB; BYTEA on PostgreSQL).
    Blob,
}

/// A column of a bulk insert: its name as the SQL names it, and what it holds.
pub type Column = (&'static str, Kind);

/// The names of columns, as SQL lists them.
pub fn column_names(columns: &[Column]) -> String {
    columns
        .iter()
        .map(|(name, _)| *name)
        .collect::<Vec<_>>()
        .join(", ")
}

/// Rows for [`Db::insert_encoded`], encoded as they are made — on any thread, with no value
/// built for each field — so that a batch is one buffer, not a vector of values per row.
///
/// Each row is its number of fields (a big-endian `i16`) and then each field: its length in
/// bytes (a big-endian `i32`, `-1` for NULL) and its bytes — a whole number as 8 big-endian
/// bytes, text as UTF-8, a byte string as it is. That is a tuple of PostgreSQL's binary COPY,
/// which that engine sends unchanged; SQLite reads the fields back by their columns' kinds.
#[derive(Debug, Default)]
pub struct EncodedRows {
    bytes: Vec<u8>,
    rows: usize,
    /// Where the length of the field being written goes (see [`EncodedRows::open`]).
    open_at: usize,
}

impl EncodedRows {
    pub fn new() -> EncodedRows {
        EncodedRows::default()
    }

    /// Empties the rows, keeping the buffer's room for the next batch.
    pub fn clear(&mut self) {
        self.bytes.clear();
        self.rows = 0;
    }

    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The encoded rows, as described above.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Starts a row of `fields` fields; each must then be written, in column order.
    pub fn row(&mut self, fields: usize) {
        self.rows += 1;
        self.bytes
            .extend_from_slice(&i16::try_from(fields).unwrap_or(i16::MAX).to_be_bytes());
    }

    pub fn null(&mut self) {
        self.bytes.extend_from_slice(&(-1i32).to_be_bytes());
    }

    pub fn int(&mut self, n: i64) {
        self.bytes.extend_from_slice(&8i32.to_be_bytes());
        self.bytes.extend_from_slice(&n.to_be_bytes());
    }

    pub fn opt_int(&mut self, n: Option<i64>) {
        match n {
            Some(n) => self.int(n),
            None => self.null(),
        }
    }

    pub fn text(&mut self, text: &str) {
        self.blob(text.as_bytes());
    }

    pub fn opt_text(&mut self, text: Option<&str>) {
        match text {
            Some(text) => self.text(text),
            None => self.null(),
        }
    }

    pub fn blob(&mut self, bytes: &[u8]) {
        // Values are bounded far below 2 GiB (the intake's limits); a longer one is cut to
        // its length field's range rather than written with a wrong length.
        let len = i32::try_from(bytes.len()).unwrap_or(i32::MAX);
        self.bytes.extend_from_slice(&len.to_be_bytes());
        self.bytes.extend_from_slice(&bytes[..len as usize]);
    }

    /// Text written by `Display`, with no string made for it.
    pub fn display(&mut self, value: &dyn std::fmt::Display) {
        use std::io::Write as _;
        let start = self.open();
        // Writing to a vector cannot fail.
        let _ = write!(self.bytes, "{value}");
        self.close(start);
    }

    /// A field whose bytes `fill` appends to the buffer it is given (for instance a value
    /// sealed in place); `fill` may not touch what is already there.
    pub fn with<T>(&mut self, fill: impl FnOnce(&mut Vec<u8>) -> Result<T>) -> Result<T> {
        let start = self.open();
        let out = fill(&mut self.bytes);
        if out.is_err() {
            // The batch is abandoned with the error; the buffer stays well formed.
            self.bytes.truncate(self.open_at);
            self.null();
        } else {
            self.close(start);
        }
        out
    }

    /// Writes a field's length placeholder; returns where its bytes begin.
    fn open(&mut self) -> usize {
        self.open_at = self.bytes.len();
        self.bytes.extend_from_slice(&0i32.to_be_bytes());
        self.bytes.len()
    }

    fn close(&mut self, start: usize) {
        let len = i32::try_from(self.bytes.len() - start).unwrap_or(i32::MAX);
        self.bytes[self.open_at..start].copy_from_slice(&len.to_be_bytes());
    }

    /// The rows read back, each as its fields, checked against the columns.
    pub fn decode<'a>(&'a self, columns: &'a [Column]) -> DecodedRows<'a> {
        DecodedRows {
            bytes: &self.bytes,
            columns,
        }
    }
}

/// A field of an encoded row, read back.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Field<'a> {
    Null,
    Int(i64),
    Text(&'a [u8]),
    Blob(&'a [u8]),
}

/// Reads encoded rows back, one at a time into a caller's vector.
pub struct DecodedRows<'a> {
    bytes: &'a [u8],
    columns: &'a [Column],
}

fn malformed(what: &str) -> StoreError {
    StoreError::Corrupt(format!("an encoded row is malformed: {what}"))
}

impl<'a> DecodedRows<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8]> {
        if self.bytes.len() < n {
            return Err(malformed("it ends part-way"));
        }
        let (head, rest) = self.bytes.split_at(n);
        self.bytes = rest;
        Ok(head)
    }

    /// The next row's fields into `fields`; false when there are no more rows.
    pub fn next_into(&mut self, fields: &mut Vec<Field<'a>>) -> Result<bool> {
        fields.clear();
        if self.bytes.is_empty() {
            return Ok(false);
        }
        let count = self.take(2)?;
        let count = i16::from_be_bytes([count[0], count[1]]);
        if usize::try_from(count).ok() != Some(self.columns.len()) {
            return Err(malformed(&format!(
                "{count} fields for {} columns",
                self.columns.len()
            )));
        }
        for (name, kind) in self.columns {
            let len = self.take(4)?;
            let len = i32::from_be_bytes([len[0], len[1], len[2], len[3]]);
            if len < 0 {
                fields.push(Field::Null);
                continue;
            }
            let bytes = self.take(len as usize)?;
            fields.push(match kind {
                Kind::Int => Field::Int(i64::from_be_bytes(
                    bytes
                        .try_into()
                        .map_err(|_| malformed(&format!("{name} is not 8 bytes")))?,
                )),
                Kind::Text => Field::Text(bytes),
                Kind::Blob => Field::Blob(bytes),
            });
        }
        Ok(true)
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

/// The rows whose ids a return takes before it writes them, so that rows referring to them
/// (a person's identity, a rejected row's cells, a group member's label) can be written with
/// them in bulk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdKind {
    /// `people.record_id`.
    Person,
    /// `rejects.reject_id`.
    Reject,
    /// `group_members.record_id`.
    GroupMember,
}

impl IdKind {
    pub const ALL: [IdKind; 3] = [IdKind::Person, IdKind::Reject, IdKind::GroupMember];

    /// The table and its id column.
    pub fn column(self) -> (&'static str, &'static str) {
        match self {
            IdKind::Person => ("people", "record_id"),
            IdKind::Reject => ("rejects", "reject_id"),
            IdKind::GroupMember => ("group_members", "record_id"),
        }
    }
}

/// Hands out ids for a return's rows. Ids are unique; on an engine that lets several returns
/// be written at once they need not follow the previous return's.
pub trait RecordIds: Send {
    /// `n` new ids of a kind, ascending.
    fn take(&mut self, kind: IdKind, n: usize) -> Result<Vec<i64>>;
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
    /// Inserts rows encoded by [`EncodedRows`] into a table's columns: the ingest's bulk
    /// path, whose rows are made on other threads than the one that writes them.
    fn insert_encoded(&mut self, table: &str, columns: &[Column], rows: &EncodedRows)
    -> Result<()>;
    fn begin_write(&mut self) -> Result<()>;
    /// Begins the assessment's read: one consistent snapshot, under the analysis role where the
    /// engine has roles.
    fn begin_analysis(&mut self) -> Result<()>;
    fn commit(&mut self) -> Result<()>;
    fn rollback(&mut self);
    fn lock_audit(&mut self) -> Result<()>;
    /// Ids for a return being written in the current transaction (see [`IdKind`]).
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
    use super::*;

    #[test]
    fn encoded_rows_read_back_as_written() {
        let columns: &[Column] = &[
            ("n", Kind::Int),
            ("t", Kind::Text),
            ("b", Kind::Blob),
            ("d", Kind::Text),
        ];
        let mut rows = EncodedRows::new();
        rows.row(4);
        rows.int(-7);
        rows.text("Zoë");
        rows.blob(&[0, 1, 2]);
        rows.display(&2009);
        rows.row(4);
        rows.opt_int(None);
        rows.opt_text(None);
        rows.with(|out| {
            out.extend_from_slice(b"in place");
            Ok(())
        })
        .expect("fill");
        rows.text("");
        assert_eq!(rows.rows(), 2);
        let mut decoded = rows.decode(columns);
        let mut fields = Vec::new();
        assert!(decoded.next_into(&mut fields).expect("row 1"));
        assert_eq!(
            fields,
            [
                Field::Int(-7),
                Field::Text("Zoë".as_bytes()),
                Field::Blob(&[0, 1, 2]),
                Field::Text(b"2009"),
            ]
        );
        assert!(decoded.next_into(&mut fields).expect("row 2"));
        assert_eq!(
            fields,
            [
                Field::Null,
                Field::Null,
                Field::Blob(b"in place"),
                Field::Text(b""),
            ]
        );
        assert!(!decoded.next_into(&mut fields).expect("the end"));
        rows.clear();
        assert!(rows.is_empty() && rows.bytes().is_empty());
    }

    #[test]
    fn encoded_rows_are_postgresql_binary_copy_tuples() {
        let mut rows = EncodedRows::new();
        rows.row(3);
        rows.int(1);
        rows.text("ab");
        rows.null();
        assert_eq!(
            rows.bytes(),
            [
                &[0, 3][..],
                &[0, 0, 0, 8, 0, 0, 0, 0, 0, 0, 0, 1],
                &[0, 0, 0, 2, b'a', b'b'],
                &[0xff, 0xff, 0xff, 0xff],
            ]
            .concat()
        );
    }

    #[test]
    fn a_failed_fill_leaves_a_null_and_rows_that_do_not_fit_are_refused() {
        let mut rows = EncodedRows::new();
        rows.row(1);
        let failed: Result<()> = rows.with(|out| {
            out.extend_from_slice(b"half");
            Err(StoreError::Key("encryption failed".to_string()))
        });
        assert!(failed.is_err());
        let mut fields = Vec::new();
        let columns: &[Column] = &[("b", Kind::Blob)];
        assert!(rows.decode(columns).next_into(&mut fields).expect("row"));
        assert_eq!(fields, [Field::Null]);
        let two: &[Column] = &[("b", Kind::Blob), ("c", Kind::Blob)];
        assert!(rows.decode(two).next_into(&mut fields).is_err());
        let mut short = EncodedRows::new();
        short.row(1);
        short.text("abc");
        let int: &[Column] = &[("n", Kind::Int)];
        assert!(short.decode(int).next_into(&mut fields).is_err());
    }

    #[test]
    fn placeholders_are_translated() {
        assert_eq!(
            dollar_placeholders("SELECT a FROM t WHERE b = ?1 AND c = ?12"),
            "SELECT a FROM t WHERE b = $1 AND c = $12"
        );
    }
}
