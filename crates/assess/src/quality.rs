//! How good is each agency's data? Per agency and field of its person records:
//! completeness (a known value), validity (text that mapped to a code, of values given),
//! consistency (of its people also recorded by another agency with a known value, how many
//! agree with them), ethnicity precision, and rejected rows by rule.
//!
//! The score (0–100), written down so that it can be argued with:
//! `100 × (0.5 × mean completeness + 0.2 × mean validity + 0.15 × mean consistency`
//! `+ 0.15 × (1 − rejected rows / rows read))`, means over the fields that have a figure;
//! a missing consistency (no one to compare with) counts as 1.

use crate::figure::{Breakdown, Figure, Order, Unknowns, breakdown, step, unknown_kind};
use crate::people::People;
use serde::Serialize;
use sightline_store::TableCounts;
use sightline_store::analysis::{Analysis, PersonRow};

#[derive(Debug, Clone, Serialize)]
pub struct FieldQuality {
    pub field: String,
    pub completeness: Figure,
    pub validity: Figure,
    /// Absent when none of the agency's people has a known value from another agency.
    pub consistency: Option<Figure>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RuleCount {
    pub table: String,
    pub rule: String,
    pub rows: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct AgencyQuality {
    pub agency_id: String,
    pub agency_type: String,
    pub person_records: u64,
    pub score: f64,
    pub fields: Vec<FieldQuality>,
    pub ethnicity_precision: Breakdown,
    pub tables: Vec<TableCounts>,
    /// Rejected rows of all tables, of rows read.
    pub rejected: Figure,
    pub rejected_by_rule: Vec<RuleCount>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quality {
    pub score_formula: String,
    pub agencies: Vec<AgencyQuality>,
}

type Getter = fn(&PersonRow) -> &str;

/// The fields scored, and how to read each from a record. Date of birth counts as known with a
/// birth year or an age.
const FIELDS: [(&str, Getter); 8] = [
    ("sex", |r| &*r.sex),
    ("ethnicity", |r| {
        if *r.ethnicity_source == *"none" {
            "not_recorded"
        } else {
            &*r.ethnicity_group
        }
    }),
    ("date_of_birth", |r| {
        if r.birth_year.is_some() || r.age.is_some() {
            "given"
        } else {
            "not_recorded"
        }
    }),
    ("nationality", |r| &*r.nationality),
    ("postcode_district", |r| {
        r.postcode_district.as_deref().unwrap_or("")
    }),
    ("local_authority", |r| {
        r.local_authority.as_deref().unwrap_or("")
    }),
    ("looked_after", |r| &*r.looked_after),
    ("missing_history", |r| &*r.missing_history),
];

/// Fields compared across agencies for consistency.
const COMPARED: [&str; 3] = ["sex", "ethnicity", "nationality"];

pub(crate) fn quality(data: &Analysis, people: &People) -> Quality {
    let person_of = &people.person_of;
    let mut records_of: Vec<Vec<usize>> = vec![Vec::new(); data.agencies.len()];
    for (r, row) in data.people.iter().enumerate() {
        records_of[row.agency].push(r);
    }
    let returned: std::collections::BTreeSet<&str> =
        data.returns.iter().map(|r| r.agency_id.as_str()).collect();
    let mut agencies = Vec::new();
    for (a, summary) in data.agencies.iter().enumerate() {
        let agency = &summary.agency;
        if !returned.contains(agency.agency_id.as_str()) {
            continue;
        }
        let records = &records_of[a];
        let total = records.len() as u64;
        let label = format!("person records from {}", agency.agency_id);
        let mut fields = Vec::new();
        for (field, get) in FIELDS {
            let mut unknown = Unknowns::default();
            for &r in records {
                unknown.count(get(&data.people[r]));
            }
            let known = total - unknown.total();
            let given = total - unknown.total() + unknown.unmapped;
            let id = format!("quality.{}.{field}", agency.agency_id);
            let funnel = vec![step(label.clone(), total)];
            let completeness = Figure::of_all(
                format!("{id}.completeness"),
                format!("{field} known"),
                known,
                total,
                label.clone(),
                Unknowns::default(),
                funnel.clone(),
            );
            let validity = Figure::of_all(
                format!("{id}.validity"),
                format!("{field} mapped to a code"),
                known,
                given,
                format!("{label} with {field} given"),
                Unknowns::default(),
                funnel,
            );
            let consistency = COMPARED
                .contains(&field)
                .then(|| consistency(data, people, person_of, a, records, field, get))
                .flatten();
            fields.push(FieldQuality {
                field: field.to_string(),
                completeness,
                validity,
                consistency,
            });
        }
        let ethnicity_precision = breakdown(
            &format!("quality.{}.ethnicity_precision", agency.agency_id),
            "ethnicity precision",
            &label,
            &[step(label.clone(), total)],
            records.iter().map(|&r| {
                let row = &data.people[r];
                if *row.ethnicity_source == *"none" {
                    "not_recorded"
                } else {
                    match &*row.ethnicity_precision {
                        "unknown" => "not_known",
                        other => other,
                    }
                }
            }),
            Order::Fixed(&["detailed", "group"]),
        );
        let tables: Vec<TableCounts> = data
            .returns
            .iter()
            .filter(|r| r.agency_id == agency.agency_id)
            .flat_map(|r| r.tables.iter().cloned())
            .collect();
        let read: u64 = tables.iter().map(|t| t.read).sum();
        let rejected_rows: u64 = tables.iter().map(|t| t.rejected).sum();
        let rejected = Figure::of_all(
            format!("quality.{}.rejected", agency.agency_id),
            "rows rejected",
            rejected_rows,
            read,
            format!("rows read from {}", agency.agency_id),
            Unknowns::default(),
            vec![step(format!("rows read from {}", agency.agency_id), read)],
        );
        let rejected_by_rule = data
            .rejects
            .iter()
            .filter(|r| r.agency == a)
            .map(|r| RuleCount {
                table: r.table.clone(),
                rule: r.rule.clone(),
                rows: r.rows,
            })
            .collect();
        let mean = |values: Vec<f64>| {
            if values.is_empty() {
                1.0
            } else {
                values.iter().sum::<f64>() / values.len() as f64
            }
        };
        let completeness = mean(fields.iter().filter_map(|f| f.completeness.share).collect());
        let validity = mean(fields.iter().filter_map(|f| f.validity.share).collect());
        let agreement = mean(
            fields
                .iter()
                .map(|f| f.consistency.as_ref().and_then(|c| c.share).unwrap_or(1.0))
                .collect(),
        );
        let clean = 1.0 - rejected.share.unwrap_or(0.0);
        let score = if total == 0 {
            100.0 * clean
        } else {
            100.0 * (0.5 * completeness + 0.2 * validity + 0.15 * agreement + 0.15 * clean)
        };
        agencies.push(AgencyQuality {
            agency_id: agency.agency_id.clone(),
            agency_type: agency.agency_type.clone(),
            person_records: total,
            score: (score * 10.0).round() / 10.0,
            fields,
            ethnicity_precision,
            tables,
            rejected,
            rejected_by_rule,
        });
    }
    Quality {
        score_formula: "100 × (0.5 × mean completeness + 0.2 × mean validity + 0.15 × mean consistency + 0.15 × (1 − rejected rows / rows read))".to_string(),
        agencies,
    }
}

/// Of this agency's people who also have a known value of `field` from another agency, how
/// many of this agency's known values agree with every other agency's.
fn consistency(
    data: &Analysis,
    people: &People,
    person_of: &[usize],
    agency: usize,
    records: &[usize],
    field: &str,
    get: Getter,
) -> Option<Figure> {
    let mut compared = 0u64;
    let mut agree = 0u64;
    let mut seen = std::collections::BTreeSet::new();
    for &r in records {
        let own = get(&data.people[r]);
        if unknown_kind(own).is_some() || !seen.insert(person_of[r]) {
            continue;
        }
        let others: Vec<&str> = people.people[person_of[r]]
            .records
            .iter()
            .map(|&o| &data.people[o])
            .filter(|o| o.agency != agency)
            .map(get)
            .filter(|v| unknown_kind(v).is_none())
            .collect();
        if others.is_empty() {
            continue;
        }
        compared += 1;
        if others.iter().all(|v| *v == own) {
            agree += 1;
        }
    }
    (compared > 0).then(|| {
        let label = format!(
            "people recorded by {} and another agency",
            data.agencies[agency].agency.agency_id
        );
        Figure::of_all(
            format!(
                "quality.{}.{field}.consistency",
                data.agencies[agency].agency.agency_id
            ),
            format!("{field} agrees with other agencies"),
            agree,
            compared,
            label.clone(),
            Unknowns::default(),
            vec![step(label, compared)],
        )
    })
}
