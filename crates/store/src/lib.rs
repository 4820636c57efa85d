//! The store: where returns, rejected rows, identifiers and the audit log are kept.
//!
//! This crate answers "what came in, from whom, what was refused, and who has looked at the
//! names?" A [`Workspace`] is a folder with a config file, a key file, and either the embedded
//! SQLite store or the address of a PostgreSQL database (the shared deployment). [`Store`] is the
//! interface everything above the store uses. [`SqlStore`] implements it once over an engine's
//! connection ([`db::Db`]); `sqlite.rs` and `postgres.rs` are the two engines, and
//! [`migrations`] the one schema history both follow.
//!
//! Guarantees: a return is stored whole or not at all (one transaction, also when the process
//! is killed); the same bytes from the same agency are stored once; identifiers are stored only
//! encrypted; every read of the vault and every change is on the hash-chained audit log.

pub mod analysis;
pub mod audit;
pub mod collection;
pub mod db;
mod ingest;
pub mod keys;
pub mod linkage;
pub mod migrations;
pub mod postgres;
pub mod rotation;
mod sql_store;
mod sqlite;
#[doc(hidden)]
pub mod testing;
mod vault;
pub mod workspace;

pub use audit::{Action, AuditEvent, AuditKey, Verdict};
pub use ingest::StoredReturn;
pub use keys::Keys;
pub use sql_store::{SqlStore, key_check};
pub use workspace::{StoreLocation, Workspace};

use serde::Serialize;

/// Why the store could not do what was asked. Engines turn their own errors into these (the
/// message says what happened and, where it can, what to do); no engine's error type leaks out.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The engine failed a statement.
    #[error("store: {0}")]
    Database(String),
    /// The database cannot be reached or refused the login.
    #[error("{0}")]
    Unavailable(String),
    /// This login may not do what was asked (e.g. read the identity vault).
    #[error("{0}")]
    Permission(String),
    /// A row that must be unique already exists (another process stored it first).
    #[error("store: {0}")]
    Conflict(String),
    /// The same return (same agency and content) was stored already, as this return.
    #[error("this return was already stored as return {0}; nothing changed")]
    AlreadyStored(i64),
    /// The store was made by a newer Sightline.
    #[error(
        "the store's schema is version {found}, newer than this sightline knows (version {known}): upgrade sightline to use it; nothing was changed"
    )]
    NewerSchema { found: i64, known: i64 },
    #[error("key: {0}")]
    Key(String),
    #[error("{0}")]
    Workspace(String),
    #[error("{0}")]
    NotFound(String),
    #[error(transparent)]
    Intake(#[from] sightline_intake::IntakeError),
    #[error("the store is damaged: {0}")]
    Corrupt(String),
    /// The identifiers asked for were erased (when, by whom and why are in the message).
    #[error("{0}")]
    Erased(String),
}

/// The fact of a return's erasure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Erasure {
    /// UTC, RFC 3339.
    pub at: String,
    pub user: String,
    pub reason: String,
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// A named point where the process stops dead when `SIGHTLINE_FAULT` names it: as if killed
/// (`abort`: no destructors, no rollback, no flush). The crash tests and `scripts/kill-trials.sh`
/// use it to stop a command exactly on each side of a commit.
#[doc(hidden)]
pub fn fault_point(name: &str) {
    if std::env::var_os("SIGHTLINE_FAULT").is_some_and(|fault| fault == name) {
        std::process::abort();
    }
}

/// One agency of the register.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Agency {
    pub agency_id: String,
    pub name: String,
    pub agency_type: String,
    /// Local authority or police force area code.
    pub area: String,
    /// Whether a return was asked of it.
    pub requested: bool,
    /// The region it reports from, for the collection service's dashboard; empty when the
    /// register does not say.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub region: String,
}

/// An agency with what it has returned.
#[derive(Debug, Clone, Serialize)]
pub struct AgencySummary {
    #[serde(flatten)]
    pub agency: Agency,
    /// Current (not superseded) returns.
    pub returns: u64,
    pub rows_accepted: u64,
    pub rows_rejected: u64,
}

/// What is known of a return before its rows are stored.
#[derive(Debug, Clone)]
pub struct NewReturn {
    pub agency_id: String,
    pub period: Option<(String, String)>,
    pub files: Vec<String>,
    pub content_hash: String,
    pub user: String,
}

/// Rows of one table of a return.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TableCounts {
    pub table: String,
    pub read: u64,
    pub accepted: u64,
    pub rejected: u64,
}

/// A stored return.
#[derive(Debug, Clone, Serialize)]
pub struct ReturnSummary {
    pub return_id: i64,
    pub agency_id: String,
    pub period_from: Option<String>,
    pub period_to: Option<String>,
    pub files: Vec<String>,
    pub content_hash: String,
    pub ingested_at: String,
    pub user: String,
    /// `current` or `superseded`.
    pub status: String,
    pub superseded_by: Option<i64>,
    /// When the return is due for review (keep or erase).
    pub review_date: Option<String>,
    /// Its identifiers were erased: when, by whom, why.
    pub erased: Option<Erasure>,
    pub tables: Vec<TableCounts>,
}

/// A rejected row as anyone may see it: where, and which rules. Values need `reveal`.
#[derive(Debug, Clone, Serialize)]
pub struct RejectedRow {
    pub reject_id: i64,
    pub table: String,
    pub file: String,
    pub row: u64,
    pub rules: Vec<String>,
    pub columns: Vec<String>,
    /// The cells and full messages, only when revealed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revealed: Option<serde_json::Value>,
}

/// A person record's identifiers, read back from the vault.
#[derive(Debug, Clone, Serialize)]
pub struct Identity {
    pub record_id: i64,
    pub return_id: i64,
    pub agency_id: String,
    pub fields: Vec<(String, String)>,
}

/// What the rest of Sightline may ask of a store. Contracts:
/// - `begin_return` opens one transaction; nothing of the return is visible until
///   [`ReturnSession::finish`] commits it, and dropping the session (or the process dying)
///   leaves the store as it was.
/// - Every method that reads identifiers takes a reason and writes a `consultation` event in the
///   same transaction as the read.
pub trait Store {
    /// Stores a return in one transaction. `read` runs intake into the sink it is given. If
    /// `read` fails, a write fails, or the process dies, nothing of the return remains.
    fn ingest(
        &mut self,
        new: &NewReturn,
        keys: &mut Keys,
        read: &mut dyn FnMut(
            &mut dyn sightline_intake::Sink,
        ) -> std::result::Result<
            sightline_intake::CheckReport,
            sightline_intake::IntakeError,
        >,
    ) -> Result<(sightline_intake::CheckReport, StoredReturn)>;
    fn import_agencies(&mut self, agencies: &[Agency], user: &str) -> Result<usize>;
    fn agencies(&self) -> Result<Vec<AgencySummary>>;
    fn agency(&self, agency_id: &str) -> Result<Option<Agency>>;
    /// A return of this agency with this content hash, current or superseded: the same bytes
    /// are never stored twice, and re-sending an original does not undo its correction.
    fn find_return(&self, agency_id: &str, content_hash: &str) -> Result<Option<i64>>;
    fn returns(&self, include_superseded: bool) -> Result<Vec<ReturnSummary>>;
    /// Where each rejected row of a return was and which rules it broke; no values.
    fn rejects(&self, return_id: i64) -> Result<Vec<RejectedRow>>;
    /// The same with each row's cells and full messages, decrypted; audited.
    fn reveal_rejects(
        &mut self,
        return_id: i64,
        keys: &Keys,
        user: &str,
        reason: &str,
    ) -> Result<Vec<RejectedRow>>;
    /// A person record's identifiers, decrypted; audited.
    fn reveal_person(
        &mut self,
        record_id: i64,
        keys: &Keys,
        user: &str,
        reason: &str,
    ) -> Result<Identity>;
    /// Every person record of a current return, identifiers decrypted, for linkage; the read is
    /// audited as a consultation.
    fn linkage_records(
        &mut self,
        keys: &Keys,
        user: &str,
        visit: &mut dyn FnMut(linkage::LinkageRecord),
    ) -> Result<usize>;
    /// Stores a linkage run (people = (record_id, person)) with a combination event, in one
    /// transaction; returns the run id.
    fn save_linkage(
        &mut self,
        user: &str,
        model: &serde_json::Value,
        report: &serde_json::Value,
        people: &[(i64, i64)],
        evidence: &[linkage::Evidence],
        near_misses: &[linkage::NearMiss],
    ) -> Result<i64>;
    /// The current (latest) linkage run.
    fn linkage_run(&self) -> Result<Option<linkage::LinkageRun>>;
    /// Person records of the current returns that the latest linkage run does not hold (all
    /// of them before any run): they came in after it, and each counts as a person of its own
    /// until linkage runs again.
    fn records_after_linkage(&self) -> Result<u64>;
    /// The person a record is in, in a run.
    fn person_of(&self, run_id: i64, record_id: i64) -> Result<Option<i64>>;
    /// A person's records and the links that joined them.
    fn person(
        &self,
        run_id: i64,
        person: i64,
    ) -> Result<(Vec<linkage::MemberRecord>, Vec<linkage::Evidence>)>;
    /// Makes a return's identifiers unrecoverable (its data key, or an older return's sealed
    /// values, deleted) while its rows, counts and the audit log remain; records when, by whom
    /// and why, with an `erasure` event, in one transaction.
    fn erase_return(&mut self, return_id: i64, user: &str, reason: &str) -> Result<Erasure>;
    /// Writes an audit event of its own (an export, a report).
    fn record_event(
        &mut self,
        user: &str,
        action: Action,
        subject: &str,
        reason: &str,
    ) -> Result<()>;
    /// The analysis tables of the current returns with the latest linkage run's people, for
    /// the assessment. Reads no identifiers.
    fn analysis(&self) -> Result<analysis::Analysis>;
    /// Runs `work` on the collection service's tables in one write transaction, appending
    /// `event` (action, subject, reason) to the audit log in the same transaction when given.
    fn collection_write(
        &mut self,
        user: &str,
        event: Option<(Action, &str, &str)>,
        work: &mut dyn FnMut(&mut dyn db::Db) -> Result<()>,
    ) -> Result<()>;
    /// Runs `work` on the collection service's tables, reading.
    fn collection_read(&self, work: &mut dyn FnMut(&mut dyn db::Db) -> Result<()>) -> Result<()>;
    fn audit_events(&self) -> Result<Vec<AuditEvent>>;
    /// Recomputes the keyed chain with the audit key and compares its heads with the checkpoint
    /// file outside the store. Needs the workspace's key file.
    fn verify_audit(&self) -> Result<Verdict>;
}
