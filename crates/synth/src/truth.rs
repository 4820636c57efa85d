//! What evaluation needs to know: the true people, records, incidents, groups, defects and
//! headline totals. Never read by the pipeline.

use crate::returns::{Written, push_number};
use crate::world::{Role, World, first_incident_days, la_code};
use serde_json::json;
use std::fmt::Write as _;
use std::path::Path;

pub(crate) fn csv_error(error: csv::Error) -> std::io::Error {
    std::io::Error::other(error.to_string())
}

/// A CSV file of many short lines of codes and numbers, written as the csv crate would write
/// them (a field quoted only where it holds a comma, quote or line end) but without its
/// byte-by-byte state machine: the truth's person and record files have millions of lines.
struct Lines {
    out: std::io::BufWriter<std::fs::File>,
}

impl Lines {
    fn create(path: &Path, header: &[&str]) -> std::io::Result<Lines> {
        let mut lines = Lines {
            out: std::io::BufWriter::with_capacity(256 * 1024, std::fs::File::create(path)?),
        };
        lines.row(header)?;
        Ok(lines)
    }

    fn row(&mut self, fields: &[&str]) -> std::io::Result<()> {
        use std::io::Write as _;
        for (i, field) in fields.iter().enumerate() {
            if i > 0 {
                self.out.write_all(b",")?;
            }
            if field
                .bytes()
                .any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r'))
            {
                self.out.write_all(b"\"")?;
                self.out.write_all(field.replace('"', "\"\"").as_bytes())?;
                self.out.write_all(b"\"")?;
            } else {
                self.out.write_all(field.as_bytes())?;
            }
        }
        self.out.write_all(b"\n")
    }

    fn finish(mut self) -> std::io::Result<()> {
        use std::io::Write as _;
        self.out.flush()
    }
}

/// The truth that depends on the world alone (persons, incidents, groups): written while the
/// returns are.
pub fn write_world_truth(world: &World, out: &Path) -> std::io::Result<()> {
    let dir = out.join("truth");
    std::fs::create_dir_all(&dir)?;
    let role = |role: Role| match role {
        Role::Victim => "victim",
        Role::Offender => "offender",
        Role::Background => "other_child",
    };
    let mut persons = Lines::create(
        &dir.join("persons.csv"),
        &[
            "true_id",
            "role",
            "sex",
            "ethnicity",
            "nationality",
            "date_of_birth",
            "local_authority",
            "looked_after",
        ],
    )?;
    let (mut id, mut birth) = (String::new(), String::new());
    for person in &world.persons {
        id.clear();
        push_number(&mut id, u64::from(person.id), 1);
        birth.clear();
        write!(birth, "{}", person.birth).map_err(std::io::Error::other)?;
        persons.row(&[
            id.as_str(),
            role(person.role),
            if person.female { "female" } else { "male" },
            person.ethnicity,
            person.nationality,
            &birth,
            la_code(person.la),
            if person.looked_after { "yes" } else { "no" },
        ])?;
    }
    persons.finish()?;
    let join = |ids: &[u32]| ids.iter().map(u32::to_string).collect::<Vec<_>>().join(";");
    let mut incidents = csv::Writer::from_path(dir.join("incidents.csv")).map_err(csv_error)?;
    incidents
        .write_record([
            "incident_id",
            "first_day",
            "last_day",
            "offence",
            "location_type",
            "local_authority",
            "outcome",
            "offenders",
            "victims",
            "group_id",
        ])
        .map_err(csv_error)?;
    for incident in &world.incidents {
        incidents
            .write_record([
                incident.id.to_string().as_str(),
                &incident.first.to_string(),
                &incident.last.to_string(),
                incident.offence,
                incident.location,
                la_code(incident.la),
                incident.outcome,
                &join(&incident.offenders),
                &join(&incident.victims),
                &incident.group.map(|g| g.to_string()).unwrap_or_default(),
            ])
            .map_err(csv_error)?;
    }
    incidents.flush()?;
    let mut groups = csv::Writer::from_path(dir.join("groups.csv")).map_err(csv_error)?;
    groups
        .write_record(["group_id", "true_id"])
        .map_err(csv_error)?;
    for (index, members) in world.groups.iter().enumerate() {
        for member in members {
            groups
                .write_record([(index + 1).to_string(), member.to_string()])
                .map_err(csv_error)?;
        }
    }
    groups.flush()?;
    Ok(())
}

/// The truth that depends on what the returns wrote (records, defects) and the headline
/// totals; returns them as `summary.json` holds them.
pub fn write_truth(
    world: &World,
    written: &Written,
    out: &Path,
) -> std::io::Result<serde_json::Value> {
    let dir = out.join("truth");
    std::fs::create_dir_all(&dir)?;
    // The record links (millions at scale 100) are written while the totals are counted.
    let (files, summary) = rayon::join(
        || write_records_and_defects(world, written, &dir),
        || summary(world, written),
    );
    files?;

    std::fs::write(
        dir.join("summary.json"),
        serde_json::to_string_pretty(&summary).unwrap_or_default() + "\n",
    )?;
    Ok(summary)
}

/// The true totals of every headline figure, as `summary.json` holds them.
fn summary(world: &World, written: &Written) -> serde_json::Value {
    let recorded_by_id = written.recorded(world.persons.len());
    let recorded = |id: u32| recorded_by_id[id as usize];
    // Victims known to an agency: some return records them as a victim. Every figure about
    // victims is about these; `victims_total` counts every victim, known to an agency or not.
    let victims_total = world
        .persons
        .iter()
        .filter(|p| p.role == Role::Victim)
        .count();
    let victims: Vec<_> = world
        .persons
        .iter()
        .filter(|p| p.role == Role::Victim && recorded(p.id).victim)
        .collect();
    let offenders = world
        .persons
        .iter()
        .filter(|p| p.role == Role::Offender)
        .count();
    let mut with_episode = vec![false; world.persons.len() + 1];
    for episode in &world.episodes {
        with_episode[episode.person as usize] = true;
    }
    let share = |n: usize, of: usize| if of == 0 { 0.0 } else { n as f64 / of as f64 };
    let female = victims.iter().filter(|p| p.female).count();
    let missing = victims
        .iter()
        .filter(|p| with_episode[p.id as usize])
        .count();
    let in_groups: usize = world.groups.iter().map(Vec::len).sum();
    let (co_offending_groups, co_offending_offenders) = co_offending(world);
    let sex_unrecorded = victims.iter().filter(|p| !recorded(p.id).sex).count();
    let reported_missing = victims
        .iter()
        .filter(|p| recorded(p.id).missing_yes)
        .count();
    let not_missing = victims
        .iter()
        .filter(|p| !recorded(p.id).missing_yes && recorded(p.id).missing_no)
        .count();
    let missing_no_information = victims.len() - reported_missing - not_missing;
    let victim_background_unknown = victims
        .iter()
        .filter(|p| !recorded(p.id).self_defined)
        .count();
    let offender_list: Vec<_> = world
        .persons
        .iter()
        .filter(|p| p.role == Role::Offender)
        .collect();
    let offender_ethnicity_unknown = offender_list
        .iter()
        .filter(|p| {
            let r = recorded(p.id);
            !r.self_defined && !r.observed
        })
        .count();
    let age_at = |p: &crate::world::Person, day: i64| {
        let (y, m, d) = p.birth.earliest();
        let born = sightline_standard::dates::days_from_civil(y, m, d);
        (day - born) / 365
    };
    let first_incident = first_incident_days(&world.incidents, world.persons.len());
    let first_incident = |id: u32| first_incident[id as usize];
    let offenders_18_24 = offender_list
        .iter()
        .filter(|p| first_incident(p.id).is_some_and(|day| (18..25).contains(&age_at(p, day))))
        .count();
    let victims_12_17 = victims
        .iter()
        .filter(|p| first_incident(p.id).is_some_and(|day| (12..18).contains(&age_at(p, day))))
        .count();
    let breakdown = |people: &[&crate::world::Person],
                     key: &dyn Fn(&crate::world::Person) -> String| {
        let mut counts: std::collections::BTreeMap<String, usize> =
            std::collections::BTreeMap::new();
        for person in people {
            *counts.entry(key(person)).or_default() += 1;
        }
        let base = people.len();
        serde_json::Value::Object(
            counts
                .into_iter()
                .map(|(k, n)| (k, json!({ "n": n, "base": base, "share": share(n, base) })))
                .collect(),
        )
    };
    let group_of = |p: &crate::world::Person| {
        sightline_standard::ethnicity::code(p.ethnicity)
            .map_or("other", |e| e.group.code())
            .to_string()
    };
    let band = |p: &crate::world::Person| {
        let age = first_incident(p.id).map_or(-1, |day| age_at(p, day));
        match age {
            a if a < 0 => "no_incident",
            a if a < 13 => "under_13",
            13..=15 => "13_15",
            16..=17 => "16_17",
            18..=24 => "18_24",
            25..=34 => "25_34",
            _ => "35_plus",
        }
        .to_string()
    };
    let nationality = |p: &crate::world::Person| p.nationality.to_string();
    let sex = |p: &crate::world::Person| if p.female { "female" } else { "male" }.to_string();
    json!({
        "breakdowns": {
            "victims_by_sex": breakdown(&victims, &sex),
            "victims_by_ethnicity_group": breakdown(&victims, &group_of),
            "victims_by_age_band": breakdown(&victims, &band),
            "offenders_by_sex": breakdown(&offender_list, &sex),
            "offenders_by_ethnicity_group": breakdown(&offender_list, &group_of),
            "offenders_by_age_band": breakdown(&offender_list, &band),
            "victims_by_nationality": breakdown(&victims, &nationality),
            "offenders_by_nationality": breakdown(&offender_list, &nationality),
        },
        "victims": victims.len(),
        // Every victim in the world, known to an agency or not (issue 16: what the estimate
        // of the hidden population aims at).
        "victims_total": victims_total,
        "offenders": offenders,
        "groups": world.groups.len(),
        "offenders_in_groups": in_groups,
        // What the returns can show of the groups: offenders linked by sharing an incident
        // (a group whose members never offend together in one incident is not one here).
        "co_offending_groups": co_offending_groups,
        "offenders_in_co_offending_groups": co_offending_offenders,
        "incidents": world.incidents.len(),
        "victims_female": { "n": female, "base": victims.len(), "share": share(female, victims.len()) },
        "victims_with_missing_episode": { "n": missing, "base": victims.len(), "share": share(missing, victims.len()) },
        "offenders_aged_18_24": { "n": offenders_18_24, "base": offenders, "share": share(offenders_18_24, offenders) },
        "victims_aged_12_17": { "n": victims_12_17, "base": victims.len(), "share": share(victims_12_17, victims.len()) },
        "recorded": {
            "victims_reported_missing": { "n": reported_missing, "base": victims.len(), "share": share(reported_missing, victims.len()) },
            "victims_not_reported_missing": { "n": not_missing, "base": victims.len(), "share": share(not_missing, victims.len()) },
            "victims_missing_no_information": { "n": missing_no_information, "base": victims.len(), "share": share(missing_no_information, victims.len()) },
            "victims_sex_not_recorded": { "n": sex_unrecorded, "base": victims.len(), "share": share(sex_unrecorded, victims.len()) },
            "victims_ethnicity_not_recorded": { "n": victim_background_unknown, "base": victims.len(), "share": share(victim_background_unknown, victims.len()) },
            "offenders_ethnicity_not_recorded": { "n": offender_ethnicity_unknown, "base": offenders, "share": share(offender_ethnicity_unknown, offenders) },
        },
        "rows_written": written.rows,
        "rows_defective": written.defects.len(),
    })
}

/// `records.csv` (which true person each record is) and `defects.csv`.
fn write_records_and_defects(world: &World, written: &Written, dir: &Path) -> std::io::Result<()> {
    let mut records = Lines::create(
        &dir.join("records.csv"),
        &["agency_id", "person_id", "true_id"],
    )?;
    let (mut record, mut true_id) = (String::new(), String::new());
    for link in &written.records {
        let Some(agency) = world.agencies.get(usize::from(link.agency)) else {
            continue;
        };
        record.clear();
        crate::returns::push_record_id(&mut record, agency, link.true_id);
        true_id.clear();
        push_number(&mut true_id, u64::from(link.true_id), 1);
        records.row(&[agency.id.as_str(), &record, &true_id])?;
    }
    records.finish()?;
    let mut defects = csv::Writer::from_path(dir.join("defects.csv")).map_err(csv_error)?;
    defects
        .write_record(["file", "table", "row", "rule"])
        .map_err(csv_error)?;
    for defect in &written.defects {
        defects
            .write_record([
                defect.file.as_str(),
                defect.table,
                &defect.row.to_string(),
                defect.rule,
            ])
            .map_err(csv_error)?;
    }
    defects.flush()?;
    Ok(())
}

/// Components of two or more offenders linked by sharing a true incident, and the offenders in
/// them: the groups as the co-offending graph defines them.
fn co_offending(world: &World) -> (usize, usize) {
    let mut union = petgraph::unionfind::UnionFind::<usize>::new(world.persons.len() + 1);
    let mut offends = vec![false; world.persons.len() + 1];
    for incident in &world.incidents {
        for &offender in &incident.offenders {
            offends[offender as usize] = true;
            if let Some(&first) = incident.offenders.first() {
                union.union(first as usize, offender as usize);
            }
        }
    }
    let mut sizes: std::collections::BTreeMap<usize, usize> = std::collections::BTreeMap::new();
    for person in (0..offends.len()).filter(|&p| offends[p]) {
        *sizes.entry(union.find(person)).or_default() += 1;
    }
    let groups = sizes.values().filter(|&&size| size >= 2);
    (groups.clone().count(), groups.sum())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_are_written_as_the_csv_crate_writes_them() -> std::io::Result<()> {
        let rows: &[&[&str]] = &[
            &["true_id", "role"],
            &["1", "victim"],
            &["", "a,b"],
            &["say \"no\"", "two\nlines"],
            &["cr\rlf", "plain"],
        ];
        let dir = std::env::temp_dir().join(format!("sightline-lines-{}", std::process::id()));
        std::fs::create_dir_all(&dir)?;
        let path = dir.join("lines.csv");
        let mut lines = Lines::create(&path, rows[0])?;
        for row in &rows[1..] {
            lines.row(row)?;
        }
        lines.finish()?;
        let mut expected = csv::Writer::from_writer(Vec::new());
        for row in rows {
            expected.write_record(*row).map_err(csv_error)?;
        }
        let expected = expected
            .into_inner()
            .map_err(|e| std::io::Error::other(e.to_string()))?;
        assert_eq!(std::fs::read(&path)?, expected);
        std::fs::remove_dir_all(&dir)
    }
}
