//! What does the store keep of linkage? The records handed to the linkage engine (identifiers
//! decrypted in memory only), and each run's result: the person every record was put in, and
//! the links that joined them with their per-comparison evidence (weights, no identifiers).

use crate::db::Db;
use crate::keys::Keys;
use crate::sql_store::IDENTITY_COLUMNS;
use crate::{Result, StoreError};
use serde::Serialize;
use std::collections::HashMap;

/// A person record of a current return, as linkage needs it.
#[derive(Debug, Clone, Default)]
pub struct LinkageRecord {
    pub record_id: i64,
    pub agency_id: String,
    /// The pseudonymous key of the agency's person id (the same in every return of the agency).
    pub person_key: String,
    pub person_id: String,
    pub given_name: String,
    pub family_name: String,
    pub other_names: String,
    /// As stored: ISO, at the precision given (`2008`, `2008-04`, `2008-04-17`).
    pub date_of_birth: String,
    pub age: Option<i64>,
    pub age_date: Option<String>,
    pub sex: String,
    pub postcode: String,
    pub local_authority: String,
    /// The local authority whose children's services sent the record (empty for any other
    /// kind of agency): the child is known to that authority, whether or not the return says
    /// where the child lives.
    pub agency_local_authority: String,
    /// Where the incidents the agency links this person to took place (local authority codes).
    pub incident_local_authorities: Vec<String>,
    pub nhs_number: String,
    pub upn: String,
    pub pnc_id: String,
}

/// One link that joined two records into a person, with its evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Evidence {
    pub record_a: i64,
    pub record_b: i64,
    pub person: i64,
    pub weight: f64,
    /// The level of each comparison (0 = missing on a side), in the model's order.
    pub levels: Vec<u8>,
    /// The weight of each comparison, term frequency applied.
    pub weights: Vec<f64>,
}

/// Two people a run kept apart although a pair of their records scored `probability`.
#[derive(Debug, Clone, Copy, Serialize, PartialEq)]
pub struct NearMiss {
    pub record_a: i64,
    pub record_b: i64,
    pub probability: f64,
}

/// A linkage run.
#[derive(Debug, Clone, Serialize)]
pub struct LinkageRun {
    pub run_id: i64,
    pub at: String,
    pub user: String,
    pub records: i64,
    pub people: i64,
    pub model: serde_json::Value,
    pub report: serde_json::Value,
}

/// A record in a person: where it came from.
#[derive(Debug, Clone, Serialize)]
pub struct MemberRecord {
    pub record_id: i64,
    pub return_id: i64,
    pub agency_id: String,
    pub person_key: String,
    pub roles: String,
    pub birth_year: Option<i64>,
    pub sex: String,
}

const SELECT_RECORDS: &str = "SELECT p.record_id, r.agency_id, p.person_key, p.age, p.age_date, p.sex, p.local_authority,
        i.person_id, i.given_name, i.family_name, i.other_names, i.date_of_birth, i.postcode, i.nhs_number, i.upn, i.pnc_id,
        p.return_id, CASE WHEN a.agency_type = 'childrens_services' THEN a.area ELSE '' END
    FROM people p JOIN returns r ON r.return_id = p.return_id JOIN agencies a ON a.agency_id = r.agency_id
    LEFT JOIN people_identity i ON i.record_id = p.record_id
    WHERE r.status = 'current' ORDER BY p.record_id";

/// The local authority of every incident a person key is involved in, in current returns.
const SELECT_INCIDENT_PLACES: &str = "SELECT DISTINCT v.person_key, n.local_authority
    FROM involvements v JOIN returns rv ON rv.return_id = v.return_id
    JOIN incidents n ON n.incident_key = v.incident_key JOIN returns rn ON rn.return_id = n.return_id
    WHERE rv.status = 'current' AND rn.status = 'current' AND rn.agency_id = rv.agency_id
        AND n.local_authority IS NOT NULL AND n.local_authority != ''
    ORDER BY v.person_key, n.local_authority";

/// Calls `visit` for every person record of a current return, identifiers decrypted.
pub(crate) fn read_records(
    db: &mut dyn Db,
    keys: &Keys,
    visit: &mut dyn FnMut(LinkageRecord),
) -> Result<usize> {
    let mut incident_places: HashMap<String, Vec<String>> = HashMap::new();
    db.query(SELECT_INCIDENT_PLACES, &[], &mut |row| {
        // Distinct (person key, place) pairs already: no check for repeats here.
        incident_places
            .entry(row.string(0)?)
            .or_default()
            .push(row.string(1)?);
        Ok(())
    })?;
    let vault = crate::vault::Vault::load(db, keys, None)?;
    let mut count = 0;
    db.query(SELECT_RECORDS, &[], &mut |row| {
        let record_id = row.i64(0)?;
        let return_id = row.i64(7 + IDENTITY_COLUMNS.len())?;
        // An erased return's records are linked on what is left: no identifiers.
        let keys = vault
            .erased(return_id)
            .is_none()
            .then(|| vault.keys(return_id))
            .transpose()?;
        let mut opened: Vec<String> = Vec::with_capacity(IDENTITY_COLUMNS.len());
        for (at, column) in IDENTITY_COLUMNS.iter().enumerate() {
            opened.push(match (row.blob(7 + at)?, keys) {
                (Some(blob), Some(keys)) => {
                    keys.open(blob, &format!("people/{record_id}/{column}"))?
                }
                _ => String::new(),
            });
        }
        let mut opened = opened.into_iter();
        let mut next = || opened.next().unwrap_or_default();
        let person_key = row.string(2)?;
        visit(LinkageRecord {
            record_id,
            agency_id: row.string(1)?,
            incident_local_authorities: incident_places
                .get(&person_key)
                .cloned()
                .unwrap_or_default(),
            person_key,
            age: row.int(3)?,
            age_date: row.opt_string(4)?,
            sex: row.string(5)?,
            local_authority: row.opt_string(6)?.unwrap_or_default(),
            agency_local_authority: row
                .opt_string(8 + IDENTITY_COLUMNS.len())?
                .unwrap_or_default(),
            person_id: next(),
            given_name: next(),
            family_name: next(),
            other_names: next(),
            date_of_birth: next(),
            postcode: next(),
            nhs_number: next(),
            upn: next(),
            pnc_id: next(),
        });
        count += 1;
        Ok(())
    })?;
    Ok(count)
}

fn join<T: ToString>(values: &[T]) -> String {
    values
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",")
}

/// Writes a run, its people and its evidence; returns the run id and the number of people.
/// The caller commits.
pub(crate) fn write_run(
    db: &mut dyn Db,
    user: &str,
    model: &serde_json::Value,
    report: &serde_json::Value,
    people: &[(i64, i64)],
    evidence: &[Evidence],
    near_misses: &[NearMiss],
) -> Result<(i64, usize)> {
    let distinct = {
        let mut persons: Vec<i64> = people.iter().map(|&(_, p)| p).collect();
        persons.sort_unstable();
        persons.dedup();
        persons.len()
    };
    let run_id = db
        .row(
            "INSERT INTO linkage_runs (at, \"user\", records, people, model, report) VALUES (?1, ?2, ?3, ?4, ?5, ?6) RETURNING run_id",
            &[
                crate::audit::now().into(),
                user.into(),
                (people.len() as i64).into(),
                (distinct as i64).into(),
                model.to_string().into(),
                report.to_string().into(),
            ],
            |row| row.i64(0),
        )?
        .ok_or_else(|| StoreError::Corrupt("no run id was given".to_string()))?;
    db.insert_rows(
        "linked_records",
        &["run_id", "record_id", "person"],
        &mut people
            .iter()
            .map(|&(record, person)| vec![run_id.into(), record.into(), person.into()]),
    )?;
    db.insert_rows(
        "linkage_evidence",
        &[
            "run_id", "record_a", "record_b", "person", "weight", "levels", "weights",
        ],
        &mut evidence.iter().map(|link| {
            let weights: Vec<String> = link.weights.iter().map(|w| format!("{w:.4}")).collect();
            vec![
                run_id.into(),
                link.record_a.into(),
                link.record_b.into(),
                link.person.into(),
                link.weight.into(),
                join(&link.levels).into(),
                weights.join(",").into(),
            ]
        }),
    )?;
    db.insert_rows(
        "linkage_near_misses",
        &["run_id", "record_a", "record_b", "probability"],
        &mut near_misses.iter().map(|near| {
            vec![
                run_id.into(),
                near.record_a.into(),
                near.record_b.into(),
                near.probability.into(),
            ]
        }),
    )?;
    Ok((run_id, distinct))
}

pub(crate) fn latest_run(db: &mut dyn Db) -> Result<Option<LinkageRun>> {
    let found = db.row(
        "SELECT run_id, at, \"user\", records, people, model, report FROM linkage_runs ORDER BY run_id DESC LIMIT 1",
        &[],
        |row| {
            Ok((
                row.i64(0)?,
                row.string(1)?,
                row.string(2)?,
                row.i64(3)?,
                row.i64(4)?,
                row.string(5)?,
                row.string(6)?,
            ))
        },
    )?;
    let Some((run_id, at, user, records, people, model, report)) = found else {
        return Ok(None);
    };
    let parse = |text: &str| {
        serde_json::from_str(text)
            .map_err(|e| StoreError::Corrupt(format!("linkage run {run_id}: {e}")))
    };
    Ok(Some(LinkageRun {
        run_id,
        at,
        user,
        records,
        people,
        model: parse(&model)?,
        report: parse(&report)?,
    }))
}

pub(crate) fn records_after_latest_run(db: &mut dyn Db) -> Result<u64> {
    let count = db
        .row(
            "SELECT count(*) FROM people p JOIN returns r ON r.return_id = p.return_id
             WHERE r.status = 'current' AND NOT EXISTS (
                 SELECT 1 FROM linked_records l
                 WHERE l.run_id = (SELECT max(run_id) FROM linkage_runs) AND l.record_id = p.record_id)",
            &[],
            |row| row.i64(0),
        )?
        .unwrap_or(0);
    Ok(u64::try_from(count).unwrap_or(0))
}

pub(crate) fn person_of(db: &mut dyn Db, run_id: i64, record_id: i64) -> Result<Option<i64>> {
    db.row(
        "SELECT person FROM linked_records WHERE run_id = ?1 AND record_id = ?2",
        &[run_id.into(), record_id.into()],
        |row| row.i64(0),
    )
}

pub(crate) fn members(db: &mut dyn Db, run_id: i64, person: i64) -> Result<Vec<MemberRecord>> {
    db.rows(
        "SELECT p.record_id, p.return_id, r.agency_id, p.person_key, p.roles, p.birth_year, p.sex
         FROM linked_records l JOIN people p ON p.record_id = l.record_id JOIN returns r ON r.return_id = p.return_id
         WHERE l.run_id = ?1 AND l.person = ?2 ORDER BY p.record_id",
        &[run_id.into(), person.into()],
        |row| {
            Ok(MemberRecord {
                record_id: row.i64(0)?,
                return_id: row.i64(1)?,
                agency_id: row.string(2)?,
                person_key: row.string(3)?,
                roles: row.string(4)?,
                birth_year: row.int(5)?,
                sex: row.string(6)?,
            })
        },
    )
}

pub(crate) fn evidence(db: &mut dyn Db, run_id: i64, person: i64) -> Result<Vec<Evidence>> {
    db.rows(
        "SELECT record_a, record_b, person, weight, levels, weights FROM linkage_evidence
         WHERE run_id = ?1 AND person = ?2 ORDER BY weight DESC, record_a, record_b",
        &[run_id.into(), person.into()],
        |row| {
            Ok(Evidence {
                record_a: row.i64(0)?,
                record_b: row.i64(1)?,
                person: row.i64(2)?,
                weight: row.f64(3)?,
                levels: row
                    .text(4)?
                    .unwrap_or_default()
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse().unwrap_or(0))
                    .collect(),
                weights: row
                    .text(5)?
                    .unwrap_or_default()
                    .split(',')
                    .filter(|s| !s.is_empty())
                    .map(|s| s.parse().unwrap_or(0.0))
                    .collect(),
            })
        },
    )
}
