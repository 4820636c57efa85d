//! A return set built to the totals the 2011 assessment published, to test how figures read
//! when data was never collected (`sightline synth --preset 2011`).
//!
//! The published totals and bases are kept exactly: 43 police forces asked and 10 returned,
//! 150 children's services asked and 5 returned, 8 charities asked and 3 returned, 13 of 150
//! safeguarding boards replied; 2,083 victims; 2,379 offenders, of whom 940 are identified by
//! name and date of birth and the rest by an alias only; 2,149 incidents, each with a suspect
//! identified. The splits within them (sex, going missing, ethnicity, the boards' answers) are
//! set to round shares for testing, not taken from the publication.
//!
//! What was not collected in 2011 is not collected here: no agency records an incident's
//! outcome, nobody returns the missing-episodes table, and police returns name offenders only,
//! never victims. Victims come from children's services and charities; about one in ten is
//! known to both, under the same name and date of birth, so linkage has true links to make.
//! Offenders each appear in one force's return only.

use crate::Generated;
use crate::name_model::{Cluster, NameModel, cluster_for_ethnicity};
use crate::truth::csv_error;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::BTreeSet;
use std::io;
use std::path::Path;

pub const VICTIMS: usize = 2_083;
pub const OFFENDERS: usize = 2_379;
pub const IDENTIFIED_OFFENDERS: usize = 940;
pub const INCIDENTS: usize = 2_149;
pub const FORCES: (usize, usize) = (43, 10);
pub const CHILDRENS_SERVICES: (usize, usize) = (150, 5);
pub const CHARITIES: (usize, usize) = (8, 3);
pub const BOARDS: (usize, usize) = (150, 13);
/// Victims known to a children's service and a charity both.
pub const SHARED_VICTIMS: usize = 208;

fn writer(path: &Path, header: &[&str]) -> io::Result<csv::Writer<std::fs::File>> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut w = csv::Writer::from_path(path).map_err(csv_error)?;
    w.write_record(header).map_err(csv_error)?;
    Ok(w)
}

const PEOPLE: [&str; 9] = [
    "person_id",
    "role",
    "given_name",
    "family_name",
    "other_names",
    "date_of_birth",
    "sex",
    "ethnicity",
    "missing_history",
];

struct Agency {
    id: String,
    kind: &'static str,
    area: String,
    returned: bool,
}

fn agencies() -> Vec<Agency> {
    let mut all = Vec::new();
    let mut add = |prefix: &str, kind: &'static str, (asked, returned): (usize, usize)| {
        for i in 1..=asked {
            all.push(Agency {
                id: format!("{prefix}{i:03}"),
                kind,
                area: format!("A{i:03}"),
                returned: i <= returned,
            });
        }
    };
    add("POL", "police", FORCES);
    add("CS", "childrens_services", CHILDRENS_SERVICES);
    add("CH", "charity", CHARITIES);
    add("LSCB", "safeguarding_board", BOARDS);
    all
}

/// A date of birth in `from..to` (years), as ISO text.
fn birth(rng: &mut ChaCha8Rng, from: i32, to: i32) -> String {
    format!(
        "{}-{:02}-{:02}",
        rng.random_range(from..to),
        rng.random_range(1..=12u8),
        rng.random_range(1..=28u8)
    )
}

/// The value of share `at / of` along a list of (value, share in 100ths): deterministic
/// splits with exact counts.
fn split<'a>(at: usize, of: usize, parts: &[(&'a str, usize)]) -> &'a str {
    let position = at * 100 / of.max(1);
    let mut edge = 0;
    for (value, share) in parts {
        edge += share;
        if position < edge {
            return value;
        }
    }
    parts.last().map_or("", |(v, _)| v)
}

/// Writes the register, the returns (standard layout, no profiles needed) and the truth.
pub fn generate(out: &Path, seed: u64) -> io::Result<Generated> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 2011);
    let names = NameModel::new();
    std::fs::create_dir_all(out)?;
    let agencies = agencies();
    let mut register = writer(
        &out.join("agencies.csv"),
        &["agency_id", "name", "type", "area", "requested"],
    )?;
    for a in &agencies {
        let name = format!("{} {}", a.kind.replace('_', " "), &a.id);
        register
            .write_record([a.id.as_str(), &name, a.kind, &a.area, "yes"])
            .map_err(csv_error)?;
    }
    register.flush()?;
    let returned = |kind: &str| -> Vec<&Agency> {
        agencies
            .iter()
            .filter(|a| a.kind == kind && a.returned)
            .collect()
    };
    let returns = out.join("returns");
    let mut rows = 0u64;
    let mut truth = writer(
        &out.join("truth").join("records.csv"),
        &["agency_id", "person_id", "true_id"],
    )?;

    // Victims: children's services and charities, some known to both.
    let holders: Vec<&Agency> = returned("childrens_services")
        .into_iter()
        .chain(returned("charity"))
        .collect();
    let mut victim_files: Vec<csv::Writer<std::fs::File>> = holders
        .iter()
        .map(|a| writer(&returns.join(&a.id).join("people.csv"), &PEOPLE))
        .collect::<io::Result<_>>()?;
    let mut counters = vec![0usize; holders.len()];
    let mut female = 0usize;
    let mut missing = 0usize;
    let services = CHILDRENS_SERVICES.1;
    for v in 0..VICTIMS {
        let sex = split(v, VICTIMS, &[("F", 72), ("M", 12), ("", 16)]);
        // Victims whose sex was not recorded: half of them girls, in truth.
        female += usize::from(sex == "F" || (sex.is_empty() && v % 2 == 0));
        let history = split(
            (v * 7919) % VICTIMS,
            VICTIMS,
            &[("Y", 40), ("N", 25), ("", 35)],
        );
        missing += usize::from(history == "Y");
        let ethnicity = split(
            (v * 104_729) % VICTIMS,
            VICTIMS,
            &[("WBRI", 60), ("MWBC", 5), ("BCRB", 5), ("", 30)],
        );
        let year = rng.random_range(1993..2000);
        let dob = birth(&mut rng, year, year + 1);
        let cluster = names.cluster(&mut rng);
        let given = names.given(cluster, sex != "M", year, &mut rng);
        let family = names.family(cluster, &mut rng).render();
        let family = family.as_str();
        let mut at = vec![v % holders.len()];
        if v < SHARED_VICTIMS {
            // Known to a children's service and to a charity.
            at = vec![v % services, services + v % (holders.len() - services)];
        }
        for h in at {
            counters[h] += 1;
            let id = format!("{}-V{:05}", holders[h].id, counters[h]);
            victim_files[h]
                .write_record([
                    id.as_str(),
                    "victim",
                    given,
                    family,
                    "",
                    &dob,
                    sex,
                    ethnicity,
                    history,
                ])
                .map_err(csv_error)?;
            truth
                .write_record([holders[h].id.as_str(), &id, &format!("V{v}")])
                .map_err(csv_error)?;
            rows += 1;
        }
    }
    for mut w in victim_files {
        w.flush()?;
    }

    // Offenders and incidents: police only; each offender in one force.
    let forces = returned("police");
    let mut aliases: BTreeSet<String> = BTreeSet::new();
    let mut offender_ids: Vec<Vec<String>> = vec![Vec::new(); forces.len()];
    let mut files: Vec<csv::Writer<std::fs::File>> = forces
        .iter()
        .map(|a| writer(&returns.join(&a.id).join("people.csv"), &PEOPLE))
        .collect::<io::Result<_>>()?;
    for o in 0..OFFENDERS {
        let f = o % forces.len();
        let id = format!("{}-O{:05}", forces[f].id, offender_ids[f].len() + 1);
        let sex = if o % 30 == 0 { "F" } else { "M" };
        let identified = o < IDENTIFIED_OFFENDERS;
        let record = if identified {
            let ethnicity = split(
                (o * 7919) % IDENTIFIED_OFFENDERS,
                IDENTIFIED_OFFENDERS,
                &[
                    ("WBRI", 38),
                    ("APKN", 26),
                    ("AIND", 6),
                    ("BAFR", 4),
                    ("", 26),
                ],
            );
            let standard = match ethnicity {
                "APKN" => "asian_pakistani",
                "AIND" => "asian_indian",
                "BAFR" => "black_african",
                _ => "white_british",
            };
            let cluster = cluster_for_ethnicity(standard, &mut rng);
            let year = rng.random_range(1960..1992);
            let given = names.given(cluster, sex == "F", year, &mut rng);
            let family = names.family(cluster, &mut rng).render();
            [
                id.clone(),
                "suspect".into(),
                given.into(),
                family,
                String::new(),
                birth(&mut rng, year, year + 1),
                sex.into(),
                ethnicity.into(),
                String::new(),
            ]
        } else {
            // An alias only, which no other offender in the returns goes by.
            let mut alias = String::new();
            for _ in 0..10_000 {
                let cluster = names.cluster(&mut rng);
                alias = format!(
                    "{} {}",
                    names.given(Cluster::General, false, 1985, &mut rng),
                    names.given(cluster, false, 1975, &mut rng)
                );
                if aliases.insert(alias.clone()) {
                    break;
                }
            }
            [
                id.clone(),
                "suspect".into(),
                String::new(),
                String::new(),
                alias,
                String::new(),
                sex.into(),
                String::new(),
                String::new(),
            ]
        };
        files[f].write_record(&record).map_err(csv_error)?;
        truth
            .write_record([forces[f].id.as_str(), &id, &format!("O{o}")])
            .map_err(csv_error)?;
        offender_ids[f].push(id);
        rows += 1;
    }
    for mut w in files {
        w.flush()?;
    }
    truth.flush()?;
    let mut incident_count = 0usize;
    for (f, force) in forces.iter().enumerate() {
        let ids = &offender_ids[f];
        // This force's share of the incidents, each naming one to three of its offenders;
        // every offender is named at least once.
        let share = INCIDENTS / forces.len() + usize::from(f < INCIDENTS % forces.len());
        let mut incidents = writer(
            &returns.join(&force.id).join("incidents.csv"),
            &[
                "incident_id",
                "first_date",
                "offence",
                "cse_flag",
                "location_type",
                "outcome",
            ],
        )?;
        let mut involvements = writer(
            &returns.join(&force.id).join("involvements.csv"),
            &["incident_id", "person_id", "role"],
        )?;
        for i in 0..share {
            let incident = format!("{}-I{:05}", force.id, i + 1);
            let date = format!(
                "2010-{:02}-{:02}",
                rng.random_range(1..=12u8),
                rng.random_range(1..=28u8)
            );
            incidents
                .write_record([
                    incident.as_str(),
                    &date,
                    "sexual_activity_with_child",
                    "yes",
                    "",
                    "",
                ])
                .map_err(csv_error)?;
            // One to three offenders of a small circle (four consecutive offenders of the
            // force), so that groups are the size of the circles, not one giant component.
            let mut named = BTreeSet::new();
            let first = i % ids.len();
            named.insert(first);
            let circle = first / 4 * 4;
            for _ in 0..rng.random_range(0..3) {
                named.insert((circle + rng.random_range(0..4)).min(ids.len() - 1));
            }
            for o in named {
                involvements
                    .write_record([incident.as_str(), &ids[o], "offender"])
                    .map_err(csv_error)?;
                rows += 1;
            }
            rows += 1;
        }
        // Offenders beyond the incidents' first pass: named in an incident of their own force.
        for (o, id) in ids.iter().enumerate().skip(share) {
            let incident = format!("{}-I{:05}", force.id, o % share + 1);
            involvements
                .write_record([incident.as_str(), id, "offender"])
                .map_err(csv_error)?;
            rows += 1;
        }
        incidents.flush()?;
        involvements.flush()?;
        incident_count += share;
    }

    // Safeguarding boards: one statement each, some questions unanswered.
    for (b, board) in returned("safeguarding_board").iter().enumerate() {
        let mut w = writer(
            &returns.join(&board.id).join("governance.csv"),
            &[
                "agency_id",
                "date",
                "cse_subgroup",
                "cse_lead",
                "cse_strategy",
                "assumes_cse_present",
            ],
        )?;
        let answer = |k: usize| match (b + k) % 4 {
            0 | 1 => "yes",
            2 => "no",
            _ => "",
        };
        w.write_record([
            board.id.as_str(),
            "2011-03-31",
            answer(0),
            answer(1),
            answer(2),
            answer(3),
        ])
        .map_err(csv_error)?;
        w.flush()?;
        rows += 1;
    }

    let summary = serde_json::json!({
        "preset": "2011",
        "victims": VICTIMS,
        "offenders": OFFENDERS,
        "offenders_identified_by_name_and_date_of_birth": IDENTIFIED_OFFENDERS,
        "incidents": incident_count,
        "victims_female": {"n": female, "of": VICTIMS, "share": female as f64 / VICTIMS as f64},
        "victims_with_missing_history": {"n": missing, "of": VICTIMS},
        "rows_written": rows,
        "rows_defective": 0,
    });
    std::fs::write(
        out.join("truth").join("summary.json"),
        serde_json::to_string_pretty(&summary).map_err(|e| io::Error::other(e.to_string()))? + "\n",
    )?;
    Ok(Generated {
        agencies: agencies.len(),
        returns: agencies.iter().filter(|a| a.returned).count(),
        rows,
        defects: 0,
        summary,
    })
}
