//! What does the assessment read? The analysis tables of the current returns — pseudonymous
//! keys, birth years and months, postcode districts and coded values, never the vault — with
//! the person each person record was put in by the latest linkage run.
//!
//! Keys are agency-scoped pseudonyms (an HMAC of agency and id), so a key is unique across
//! agencies; they are carried as the first 64 bits of the HMAC.

use crate::db::{Db, SqlRow};
use crate::{AgencySummary, Result, ReturnSummary};
use serde::Serialize;
use std::collections::HashMap;
use std::sync::Arc;

/// A coded value or date as the assessment reads it: shared, so that two million records with
/// the value `not_recorded` hold it once.
pub type Text = Arc<str>;

/// Hands out one shared copy of each distinct text.
#[derive(Default)]
struct Interner(HashMap<Box<str>, Text>);

impl Interner {
    fn text(&mut self, row: &dyn SqlRow, at: usize) -> Result<Text> {
        Ok(self.optional(row, at)?.unwrap_or_else(|| self.intern("")))
    }

    fn optional(&mut self, row: &dyn SqlRow, at: usize) -> Result<Option<Text>> {
        Ok(row.text(at)?.map(|text| self.intern(text)))
    }

    fn intern(&mut self, text: &str) -> Text {
        if let Some(shared) = self.0.get(text) {
            return shared.clone();
        }
        let shared: Text = Arc::from(text);
        self.0.insert(text.into(), shared.clone());
        shared
    }
}

/// A person record of a current return.
#[derive(Debug, Clone, Default)]
pub struct PersonRow {
    pub record_id: i64,
    /// Index into [`Analysis::agencies`].
    pub agency: usize,
    pub person_key: u64,
    /// The linked person (the latest run's person id); `None` when the record came in after it.
    pub person: Option<i64>,
    /// `;`-separated role codes.
    pub roles: Text,
    pub birth_year: Option<i32>,
    pub birth_month: Option<u8>,
    pub age: Option<i64>,
    pub age_date: Option<Text>,
    pub sex: Text,
    pub ethnicity_group: Text,
    pub ethnicity_code: Option<Text>,
    pub ethnicity_precision: Text,
    pub ethnicity_source: Text,
    pub ethnicity_observed_group: Text,
    pub nationality: Text,
    pub postcode_district: Option<Text>,
    pub local_authority: Option<Text>,
    pub looked_after: Text,
    pub missing_history: Text,
    /// `;`-separated factors identified at a children's social care assessment (CIN codes such
    /// as `11A`); empty when the record holds none.
    pub assessment_factors: Text,
    /// `name_and_date_of_birth`, `partial`, `unidentified`, or empty for a record stored before
    /// the level was kept.
    pub identification: Text,
}

#[derive(Debug, Clone, Default)]
pub struct IncidentRow {
    pub agency: usize,
    pub incident_key: u64,
    pub first_date: Option<Text>,
    pub offence: Text,
    pub cse_flag: Text,
    pub location_type: Text,
    pub local_authority: Option<Text>,
    pub outcome: Text,
}

#[derive(Debug, Clone, Default)]
pub struct InvolvementRow {
    pub agency: usize,
    pub incident_key: u64,
    pub person_key: u64,
    pub role: Text,
}

#[derive(Debug, Clone, Default)]
pub struct EpisodeRow {
    pub agency: usize,
    pub person_key: u64,
    pub start: Text,
    pub kind: Text,
    pub missing_from: Text,
}

/// A safeguarding board's arrangements, as the board's return states them.
#[derive(Debug, Clone, Default)]
pub struct GovernanceRow {
    /// The board the row is about.
    pub board: String,
    pub date: String,
    pub cse_subgroup: String,
    pub cse_lead: String,
    pub cse_strategy: String,
    pub assumes_cse_present: String,
}

/// Rows rejected from an agency's current returns for one rule and table.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RejectCount {
    pub agency: usize,
    pub table: String,
    pub rule: String,
    pub rows: u64,
}

/// A link the latest linkage run made: it joined the clusters of two records into one person.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct LinkRow {
    pub record_a: i64,
    pub record_b: i64,
    /// The link's match probability.
    pub probability: f64,
}

/// Everything the assessment reads, in record order.
#[derive(Debug, Default)]
pub struct Analysis {
    pub agencies: Vec<AgencySummary>,
    /// Current returns.
    pub returns: Vec<ReturnSummary>,
    pub linkage_run: Option<i64>,
    /// The latest run's prior: the probability that two records drawn at random from all the
    /// records it linked are one person.
    pub linkage_prior: Option<f64>,
    /// The match probability of each link the latest run made between records.
    pub link_probabilities: Vec<f64>,
    /// The links the latest run made between records (the same order as
    /// `link_probabilities`): each merge that joined two records' clusters into one person.
    pub links: Vec<LinkRow>,
    /// Pairs of people the latest run kept apart although a pair of their records scored a
    /// match probability of at least 0.01: (record, record, probability).
    pub near_misses: Vec<(i64, i64, f64)>,
    pub people: Vec<PersonRow>,
    pub incidents: Vec<IncidentRow>,
    pub involvements: Vec<InvolvementRow>,
    pub episodes: Vec<EpisodeRow>,
    pub governance: Vec<GovernanceRow>,
    pub rejects: Vec<RejectCount>,
}

/// The first 64 bits of a hex key (any other text is hashed, so nothing is dropped).
pub fn key64(key: &str) -> u64 {
    key.get(..16)
        .and_then(|hex| u64::from_str_radix(hex, 16).ok())
        .unwrap_or_else(|| {
            use std::hash::{Hash, Hasher};
            let mut hasher = std::collections::hash_map::DefaultHasher::new();
            key.hash(&mut hasher);
            hasher.finish()
        })
}

/// The key in column `at`, without copying it.
fn key_at(row: &dyn SqlRow, at: usize) -> Result<u64> {
    Ok(key64(row.text(at)?.unwrap_or_default()))
}

/// Reads the analysis tables of the current returns. The caller has begun the read.
pub(crate) fn read(db: &mut dyn Db) -> Result<Analysis> {
    let agencies = crate::sql_store::agencies(db)?;
    let returns = crate::sql_store::returns(db, false)?;
    let agency_at: HashMap<&str, usize> = agencies
        .iter()
        .enumerate()
        .map(|(at, a)| (a.agency.agency_id.as_str(), at))
        .collect();
    let return_agency: HashMap<i64, usize> = returns
        .iter()
        .filter_map(|r| Some((r.return_id, *agency_at.get(r.agency_id.as_str())?)))
        .collect();
    let agency_of = |return_id: i64| return_agency.get(&return_id).copied();
    let linkage_run: Option<i64> = db
        .row("SELECT MAX(run_id) FROM linkage_runs", &[], |row| {
            row.int(0)
        })?
        .flatten();
    let run = linkage_run.unwrap_or(-1);
    // Each table's rows in the current returns, as stored: the vectors below are made that
    // size at once instead of growing by doubling (each doubling a copy into fresh pages the
    // kernel must zero: a fifth of `assess` at scale 100).
    let mut expected: HashMap<String, usize> = HashMap::new();
    db.query(
        "SELECT t.table_name, CAST(SUM(t.accepted) AS BIGINT) FROM return_tables t JOIN returns r ON r.return_id = t.return_id
         WHERE r.status = 'current' GROUP BY t.table_name",
        &[],
        &mut |row| {
            let rows = row.int(1)?.and_then(|n| usize::try_from(n).ok()).unwrap_or(0);
            expected.insert(row.string(0)?, rows);
            Ok(())
        },
    )?;
    let capacity = |table: &str| expected.get(table).copied().unwrap_or(0);
    let linkage_prior: Option<f64> = db
        .row(
            "SELECT model FROM linkage_runs WHERE run_id = ?1",
            &[run.into()],
            |row| row.opt_string(0),
        )?
        .flatten()
        .and_then(|model| serde_json::from_str::<serde_json::Value>(&model).ok())
        .and_then(|model| model.get("prior")?.as_f64());

    let mut texts = Interner::default();
    let mut link_probabilities = Vec::new();
    let mut links = Vec::new();
    db.query(
        "SELECT record_a, record_b, weight FROM linkage_evidence WHERE run_id = ?1 ORDER BY record_a, record_b",
        &[run.into()],
        &mut |row| {
            let probability = 1.0 / (1.0 + (-row.f64(2)?).exp2());
            link_probabilities.push(probability);
            links.push(LinkRow {
                record_a: row.i64(0)?,
                record_b: row.i64(1)?,
                probability,
            });
            Ok(())
        },
    )?;
    let mut near_misses = Vec::new();
    db.query(
        "SELECT record_a, record_b, probability FROM linkage_near_misses WHERE run_id = ?1 ORDER BY record_a, record_b",
        &[run.into()],
        &mut |row| {
            near_misses.push((row.i64(0)?, row.i64(1)?, row.f64(2)?));
            Ok(())
        },
    )?;

    let mut people = Vec::with_capacity(capacity("people"));
    db.query(
        "SELECT p.record_id, p.return_id, p.person_key, l.person, p.roles, p.birth_year, p.birth_month,
                p.age, p.age_date, p.sex, p.ethnicity_group, p.ethnicity_code, p.ethnicity_precision,
                p.ethnicity_source, p.ethnicity_observed_group, p.nationality, p.postcode_district,
                p.local_authority, p.looked_after, p.missing_history, p.assessment_factors,
                p.identification
         FROM people p LEFT JOIN linked_records l ON l.record_id = p.record_id AND l.run_id = ?1
         ORDER BY p.record_id",
        &[run.into()],
        &mut |row| {
            let Some(agency) = agency_of(row.i64(1)?) else {
                return Ok(()); // a superseded return
            };
            people.push(PersonRow {
                record_id: row.i64(0)?,
                agency,
                person_key: key_at(row, 2)?,
                person: row.int(3)?,
                roles: texts.text(row, 4)?,
                birth_year: row.int(5)?.map(|y| y as i32),
                birth_month: row.int(6)?.map(|m| m as u8),
                age: row.int(7)?,
                age_date: texts.optional(row, 8)?,
                sex: texts.text(row, 9)?,
                ethnicity_group: texts.text(row, 10)?,
                ethnicity_code: texts.optional(row, 11)?,
                ethnicity_precision: texts.text(row, 12)?,
                ethnicity_source: texts.text(row, 13)?,
                ethnicity_observed_group: texts.text(row, 14)?,
                nationality: texts.text(row, 15)?,
                postcode_district: texts.optional(row, 16)?,
                local_authority: texts.optional(row, 17)?,
                looked_after: texts.text(row, 18)?,
                missing_history: texts.text(row, 19)?,
                assessment_factors: texts.text(row, 20)?,
                identification: texts.text(row, 21)?,
            });
            Ok(())
        },
    )?;

    let mut incidents = Vec::with_capacity(capacity("incidents"));
    db.query(
        "SELECT return_id, incident_key, first_date, offence, cse_flag, location_type, local_authority, outcome
         FROM incidents ORDER BY record_id",
        &[],
        &mut |row| {
            let Some(agency) = agency_of(row.i64(0)?) else {
                return Ok(());
            };
            incidents.push(IncidentRow {
                agency,
                incident_key: key_at(row, 1)?,
                first_date: texts.optional(row, 2)?,
                offence: texts.text(row, 3)?,
                cse_flag: texts.text(row, 4)?,
                location_type: texts.text(row, 5)?,
                local_authority: texts.optional(row, 6)?,
                outcome: texts.text(row, 7)?,
            });
            Ok(())
        },
    )?;

    let mut involvements = Vec::with_capacity(capacity("involvements"));
    db.query(
        "SELECT return_id, incident_key, person_key, role FROM involvements ORDER BY record_id",
        &[],
        &mut |row| {
            let Some(agency) = agency_of(row.i64(0)?) else {
                return Ok(());
            };
            involvements.push(InvolvementRow {
                agency,
                incident_key: key_at(row, 1)?,
                person_key: key_at(row, 2)?,
                role: texts.text(row, 3)?,
            });
            Ok(())
        },
    )?;

    let mut episodes = Vec::with_capacity(capacity("missing_episodes"));
    db.query(
        "SELECT return_id, person_key, start, kind, missing_from FROM missing_episodes ORDER BY record_id",
        &[],
        &mut |row| {
            let Some(agency) = agency_of(row.i64(0)?) else {
                return Ok(());
            };
            episodes.push(EpisodeRow {
                agency,
                person_key: key_at(row, 1)?,
                start: texts.text(row, 2)?,
                kind: texts.text(row, 3)?,
                missing_from: texts.text(row, 4)?,
            });
            Ok(())
        },
    )?;

    let mut governance = Vec::new();
    db.query(
        "SELECT return_id, agency_id, date, cse_subgroup, cse_lead, cse_strategy, assumes_cse_present
         FROM governance ORDER BY record_id",
        &[],
        &mut |row| {
            if agency_of(row.i64(0)?).is_none() {
                return Ok(());
            }
            governance.push(GovernanceRow {
                board: row.string(1)?,
                date: row.string(2)?,
                cse_subgroup: row.string(3)?,
                cse_lead: row.string(4)?,
                cse_strategy: row.string(5)?,
                assumes_cse_present: row.string(6)?,
            });
            Ok(())
        },
    )?;

    let mut counts: std::collections::BTreeMap<(usize, String, String), u64> =
        std::collections::BTreeMap::new();
    db.query(
        "SELECT return_id, table_name, rules FROM rejects",
        &[],
        &mut |row| {
            let Some(agency) = agency_of(row.i64(0)?) else {
                return Ok(());
            };
            let table = row.string(1)?;
            let rules = row.string(2)?;
            let mut rules: Vec<String> =
                serde_json::from_str(&rules).unwrap_or_else(|_| vec![rules]);
            rules.sort();
            rules.dedup();
            for rule in rules {
                *counts.entry((agency, table.clone(), rule)).or_default() += 1;
            }
            Ok(())
        },
    )?;
    let rejects = counts
        .into_iter()
        .map(|((agency, table, rule), rows)| RejectCount {
            agency,
            table,
            rule,
            rows,
        })
        .collect();

    Ok(Analysis {
        agencies,
        returns,
        linkage_run,
        linkage_prior,
        link_probabilities,
        links,
        near_misses,
        people,
        incidents,
        involvements,
        episodes,
        governance,
        rejects,
    })
}

#[cfg(test)]
mod tests {
    use super::key64;

    #[test]
    fn keys_are_their_first_64_bits_and_other_text_is_hashed_not_dropped() {
        assert_eq!(key64("00000000000000ffabcdef"), 255);
        assert_ne!(key64("not hex at all!!"), key64("not hex at all??"));
        assert_ne!(key64("short"), 0);
    }
}
