//! Assessing: the national picture from the workspace's latest linkage run, as figures with
//! their bases.

use crate::Session;
use sightline_assess::{Assessment, Options};

/// Reads the analysis tables of the workspace's current returns (never the vault) and assesses
/// them.
pub fn assess(session: &Session, options: &Options) -> anyhow::Result<Assessment> {
    let workspace = session.open()?;
    let store = workspace.store()?;
    let data = store.analysis()?;
    Ok(sightline_assess::assess(&data, options)?)
}
