//! Synthetic national returns with their ground truth.
//!
//! This crate answers "what would the agencies' returns look like if this had happened?" It
//! draws a world ([`world`]), lets each returning agency record its part of it in its own
//! layout and with its own gaps ([`returns`]; the DfE's statutory returns on children in
//! [`dfe`]), and writes the truth beside it for evaluation.
//! Nothing here is real; names come from generic lists ([`names`]).
//!
//! Separately, [`people`] writes a person-record CSV with its ground truth for benchmarking
//! record linkage: many records per person, heavily corrupted, among people who share names,
//! households and dates of birth.

pub mod dfe;
pub mod name_model;
pub mod names;
pub mod people;
pub mod people_names;
pub mod returns;
pub mod truth;
pub mod world;
pub mod y2011;

use std::path::Path;

/// What `generate` wrote.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Generated {
    pub agencies: usize,
    pub returns: usize,
    pub rows: u64,
    pub defects: usize,
    pub summary: serde_json::Value,
}

/// Writes the register, every return with its profile, and the truth, into `out`.
pub fn generate(out: &Path, scale: f64, seed: u64) -> std::io::Result<Generated> {
    std::fs::create_dir_all(out)?;
    let world = world::World::generate(scale, seed);
    let mut register = csv::Writer::from_path(out.join("agencies.csv"))
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    register
        .write_record(["agency_id", "name", "type", "area", "requested"])
        .map_err(|e| std::io::Error::other(e.to_string()))?;
    for agency in &world.agencies {
        register
            .write_record([
                agency.id.as_str(),
                &agency.name,
                agency.kind.code(),
                &agency.area,
                if agency.requested { "yes" } else { "no" },
            ])
            .map_err(|e| std::io::Error::other(e.to_string()))?;
    }
    register.flush()?;
    let (written, world_truth) = rayon::join(
        || returns::write_returns(&world, seed, out),
        || truth::write_world_truth(&world, out),
    );
    let written = written?;
    world_truth?;
    let summary = truth::write_truth(&world, &written, out)?;
    Ok(Generated {
        agencies: world.agencies.len(),
        returns: world.agencies.iter().filter(|a| a.returned).count(),
        rows: written.rows,
        defects: written.defects.len(),
        summary,
    })
}
