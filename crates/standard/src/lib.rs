//! The Sightline data standard: what a return holds and what its values mean.
//!
//! This crate answers "which field is this, which code does this text mean, and how precisely?"
//! It does no IO: readers, validators and writers live in other crates and ask it.
//!
//! - [`tables`]: the five tables of a return and their fields.
//! - [`codes`]: closed code lists (sex, roles, outcomes, ...) and the four unknown kinds.
//! - [`ethnicity`]: the 2021 list, the crosswalks from older schemes, IC codes, and the
//!   splitting of columns that hold ethnicity and nationality at once.
//! - [`nationality`] and [`countries`]: ISO 3166-1.
//! - [`dates`], [`identifiers`]: partial dates, postcodes, NHS numbers.
//! - [`dfe`]: the DfE's statutory returns on children (SSDA903, CIN census) in the standard's
//!   terms.
//! - [`fold`]: the lookup key every piece of free text is compared by.
//! - [`cells`]: formula injection: neutralising cells every writer writes, restoring them in
//!   every reader.

pub mod cells;
pub mod codes;
pub mod countries;
pub mod dates;
pub mod dfe;
pub mod ethnicity;
pub mod fold;
pub mod identifiers;
pub mod nationality;
pub mod records;
pub mod tables;

/// The version of the standard this crate describes.
pub const STANDARD_VERSION: &str = "1.0.0";

pub use codes::{Coded, Unknown};
pub use dates::{DateFormat, PartialDate};
pub use ethnicity::{Ethnicity, Precision, Scheme};
pub use nationality::Nationality;
pub use records::Record;
pub use tables::{Field, FieldKind, Table};
