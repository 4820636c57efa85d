//! What stops an estimate from being run at all (bad input shape). A refusal — the data are
//! well formed but cannot identify a total — is not an error: it is [`crate::Refusal`].

use thiserror::Error;

/// The input could not be read as a capture-history table or set of tables.
#[derive(Debug, Error, Clone, PartialEq)]
pub enum MseError {
    #[error("a table needs between 2 and 8 lists; this one has {0}")]
    ListCount(usize),
    #[error("list {0} has an empty name")]
    EmptyListName(usize),
    #[error("list name {0:?} is used twice")]
    DuplicateListName(String),
    #[error(
        "{n_lists} lists need {expected} counts (one per capture history, the first 0); found {found}"
    )]
    CountsLength {
        n_lists: usize,
        expected: usize,
        found: usize,
    },
    #[error("the count for people on no list must be 0 (nobody can observe it); found {0}")]
    UnobservedCellGiven(u64),
    #[error("capture history {history} is not a non-empty set of {n_lists} lists")]
    HistoryOutOfRange { history: u32, n_lists: usize },
    #[error("row {row} has {found} list flags; expected {expected}")]
    RowWidth {
        row: usize,
        expected: usize,
        found: usize,
    },
    #[error("row {row} has list flag {value}; flags are 0 or 1")]
    RowFlag { row: usize, value: u8 },
    #[error("the counts add up to more than a 64-bit integer holds")]
    CountOverflow,
    #[error("an interaction term must name at least two of the table's lists; got mask {0}")]
    BadTerm(u32),
    #[error("nothing to combine: {0}")]
    NothingToCombine(&'static str),
    #[error("alternative {index} has weight {weight}; weights must be finite and positive")]
    BadWeight { index: usize, weight: f64 },
    #[error("table {index} has lists {found:?}; the first table has {expected:?}")]
    ListsDiffer {
        index: usize,
        expected: Vec<String>,
        found: Vec<String>,
    },
    #[error("option {name} is {value}; {rule}")]
    BadOption {
        name: &'static str,
        value: f64,
        rule: &'static str,
    },
}
