//! What an agency register CSV holds: `agency_id`, `name`, `type`, `area`, `requested`, an
//! optional `region`, and every problem with it.

use anyhow::{Context as _, bail};
use sightline_store::Agency;
use std::path::Path;

/// Reads an agency register CSV: `agency_id`, `name`, `type`, `area`, `requested`.
/// Every problem is listed; nothing is imported unless every row is good.
pub fn read_register(path: &Path) -> anyhow::Result<(Vec<Agency>, Vec<String>)> {
    use sightline_standard::Coded;
    use sightline_standard::codes::{AGENCY_TYPE, YES_NO};
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_path(path)
        .with_context(|| format!("cannot read {}", path.display()))?;
    let headers: Vec<String> = reader
        .headers()?
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    let column = |name: &str| headers.iter().position(|h| h == name);
    let mut indices = Vec::new();
    for name in ["agency_id", "name", "type", "area", "requested"] {
        match column(name) {
            Some(index) => indices.push(index),
            None => bail!(
                "{}: no '{name}' column; the register needs agency_id, name, type, area, requested",
                path.display()
            ),
        }
    }
    // Optional: the region an agency reports from (the collection service counts by it).
    let region = column("region");
    let mut agencies = Vec::new();
    let mut problems = Vec::new();
    for (index, record) in reader.records().enumerate() {
        let row = index + 2;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                problems.push(format!("row {row}: {error}"));
                continue;
            }
        };
        let cell = |i: usize| {
            sightline_standard::cells::restore(record.get(indices[i]).unwrap_or_default().trim())
                .to_string()
        };
        let agency_type = match AGENCY_TYPE.lookup(&cell(2)) {
            Coded::Code(code) => code.to_string(),
            _ => {
                problems.push(format!(
                    "row {row}: type '{}' is not one of {}",
                    cell(2),
                    AGENCY_TYPE
                        .codes
                        .iter()
                        .map(|c| c.code)
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                continue;
            }
        };
        let requested = match YES_NO.lookup(&cell(4)) {
            Coded::Code("yes") => true,
            Coded::Code("no") => false,
            _ => {
                problems.push(format!(
                    "row {row}: requested '{}' is not yes or no",
                    cell(4)
                ));
                continue;
            }
        };
        if cell(0).is_empty() || cell(1).is_empty() {
            problems.push(format!("row {row}: agency_id and name are required"));
            continue;
        }
        if agencies.iter().any(|a: &Agency| a.agency_id == cell(0)) {
            problems.push(format!("row {row}: agency_id '{}' appears twice", cell(0)));
            continue;
        }
        agencies.push(Agency {
            agency_id: cell(0),
            name: cell(1),
            agency_type,
            area: cell(3),
            requested,
            region: region
                .and_then(|i| record.get(i))
                .map(|r| sightline_standard::cells::restore(r.trim()).to_string())
                .unwrap_or_default(),
        });
    }
    Ok((agencies, problems))
}
