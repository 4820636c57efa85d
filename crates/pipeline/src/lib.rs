//! The steps a data call runs on a workspace: open it, store a return, link, assess, publish,
//! the demo. The `sightline` binary and the collection service both call these; neither
//! writes them again. Nothing here prints or knows about terminals: progress goes to a
//! [`Progress`], results come back as values.

pub mod assess;
pub mod demo;
pub mod ingest;
pub mod link;
pub mod publish;
pub mod register;
pub mod session;

pub use assess::assess;
pub use demo::{DemoOptions, DemoReport, DemoStage, demo};
pub use ingest::{IngestOptions, Ingested, check_options, content_hash, store_return};
pub use link::{LinkOptions, LinkReport, link};
pub use publish::{PublishOptions, Written, audit_head, publish, write_report};
pub use register::read_register;
pub use session::{Session, database_override, key_override};

use sightline_standard::Table;

/// What a long step tells whoever watches it. Linkage's phases come through
/// [`sightline_link::Progress`]; every other method does nothing unless implemented.
pub trait Progress: sightline_link::Progress {
    /// Rows read so far of a table of a return being stored, and about how many it holds.
    fn rows(&self, _table: Table, _read: u64, _expected: u64) {}

    /// The step is over: whatever shows its progress can go.
    fn finish(&self) {}

    /// A stage of the demo is done, after `seconds`.
    fn demo_stage(&self, _stage: &DemoStage, _seconds: f64) {}
}

/// Progress nobody watches.
pub struct Silent;

impl sightline_link::Progress for Silent {
    fn phase(&self, _: &str, _: u64) {}
    fn advance(&self, _: u64) {}
}

impl Progress for Silent {}
