//! Intake: from an agency's files to the standard's records, with every problem kept.
//!
//! This crate answers "what does this return say, and what is wrong with it?" It reads CSV and
//! XLSX ([`reader`]), maps them through a [`profile::Profile`], normalises every value
//! ([`normalise`]), applies the rules ([`rules`], [`check`]) and drafts profiles for new layouts
//! ([`suggest`]). The DfE's returns on children (SSDA903 CSV tables, the CIN census XML) are
//! read without a profile ([`dfe`]). It never touches the store: accepted records and rejected rows go to a
//! [`check::Sink`].

pub mod check;
pub mod dfe;
pub mod limits;
pub mod normalise;
pub mod normalised;
pub mod profile;
pub mod reader;
pub mod report;
pub mod rules;
pub mod suggest;

pub use check::{CheckOptions, Sink, check};
pub use limits::Limits;
pub use normalise::Period;
pub use profile::Profile;
pub use report::CheckReport;
pub use rules::{Diagnostic, Rule, Severity};

/// Why intake could not run at all. Problems in the data are diagnostics, not errors.
#[derive(Debug, thiserror::Error)]
pub enum IntakeError {
    #[error("cannot read {path}: {message}")]
    Unreadable { path: String, message: String },
    #[error(
        "cannot tell which table {path} holds: name the file after its table (people.csv, incidents.csv, involvements.csv, missing_episodes.csv, groups.csv), use the template's headers, or give a profile with [tables.TABLE] file = \"...\""
    )]
    UnknownTable { path: String },
    #[error("no table found in {}", paths.join(", "))]
    NoTables { paths: Vec<String> },
    /// A file over a file-level limit: refused whole, nothing from it read.
    #[error("{path} is refused ({}): {message}", rule.code())]
    Refused {
        path: String,
        rule: Rule,
        message: String,
    },
    #[error(transparent)]
    Profile(#[from] profile::ProfileError),
    #[error("cannot write {path}: {message}")]
    Write { path: String, message: String },
    /// The sink (e.g. the store) could not take a row.
    #[error("{0}")]
    Sink(String),
}
