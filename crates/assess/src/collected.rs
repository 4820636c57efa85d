//! Who could record what? For each agency: the tables its current return held, the person
//! fields it filled on at least one record, whether it recorded incident outcomes and whether
//! it named anyone in its incidents. A figure's base is restricted to the people (or
//! incidents) of the agencies that could record what it counts; with none, it is not collected.
//!
//! A field counts as filled when at least one of the agency's records holds anything but a
//! blank or `not_recorded` (an explicit `not_known` or `refused` is an answer: the agency asks).

use sightline_store::analysis::{Analysis, PersonRow};
use std::collections::BTreeSet;

/// A person field an agency may or may not collect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Sex,
    Birth,
    Ethnicity,
    Observed,
    Nationality,
    LookedAfter,
    MissingHistory,
    LocalAuthority,
}

const FIELDS: usize = 8;

impl Field {
    const ALL: [Field; FIELDS] = [
        Field::Sex,
        Field::Birth,
        Field::Ethnicity,
        Field::Observed,
        Field::Nationality,
        Field::LookedAfter,
        Field::MissingHistory,
        Field::LocalAuthority,
    ];

    /// The field as a verb phrase: what an agency that collects it did.
    pub fn source(self) -> &'static str {
        match self {
            Field::Sex => "recorded sex",
            Field::Birth => "recorded a date of birth or an age",
            Field::Ethnicity => "recorded self-defined ethnicity",
            Field::Observed => "recorded an officer-observed ethnicity",
            Field::Nationality => "recorded nationality",
            Field::LookedAfter => "recorded looked-after status",
            Field::MissingHistory => "recorded a history of going missing",
            Field::LocalAuthority => "recorded a local authority",
        }
    }

    fn filled(self, row: &PersonRow) -> bool {
        let given = |text: &str| !matches!(text, "" | "not_recorded");
        match self {
            Field::Sex => given(&row.sex),
            Field::Birth => row.birth_year.is_some() || row.age.is_some(),
            Field::Ethnicity => &*row.ethnicity_source != "none" && given(&row.ethnicity_group),
            Field::Observed => given(&row.ethnicity_observed_group),
            Field::Nationality => given(&row.nationality),
            Field::LookedAfter => given(&row.looked_after),
            Field::MissingHistory => given(&row.missing_history),
            Field::LocalAuthority => row.local_authority.as_deref().is_some_and(given),
        }
    }
}

/// What each agency (by index into `Analysis::agencies`) could record.
#[derive(Debug, Default)]
pub struct Sources {
    tables: Vec<BTreeSet<String>>,
    fields: Vec<[bool; FIELDS]>,
    /// Recorded an outcome (other than blank or `not_recorded`) on at least one incident.
    pub outcomes: Vec<bool>,
    /// Named at least one victim in an incident.
    pub names_victims: Vec<bool>,
    /// Named at least one offender in an incident.
    pub names_offenders: Vec<bool>,
}

impl Sources {
    pub fn new(data: &Analysis) -> Sources {
        let n = data.agencies.len();
        let mut sources = Sources {
            tables: vec![BTreeSet::new(); n],
            fields: vec![[false; FIELDS]; n],
            outcomes: vec![false; n],
            names_victims: vec![false; n],
            names_offenders: vec![false; n],
        };
        let at: std::collections::HashMap<&str, usize> = data
            .agencies
            .iter()
            .enumerate()
            .map(|(i, a)| (a.agency.agency_id.as_str(), i))
            .collect();
        for r in &data.returns {
            if let Some(&a) = at.get(r.agency_id.as_str()) {
                sources.tables[a].extend(r.tables.iter().map(|t| t.table.clone()));
            }
        }
        for row in &data.people {
            let filled = &mut sources.fields[row.agency];
            for (slot, field) in filled.iter_mut().zip(Field::ALL) {
                *slot = *slot || field.filled(row);
            }
        }
        for incident in &data.incidents {
            if !matches!(&*incident.outcome, "" | "not_recorded") {
                sources.outcomes[incident.agency] = true;
            }
        }
        for involvement in &data.involvements {
            match &*involvement.role {
                "victim" => sources.names_victims[involvement.agency] = true,
                "offender" | "paying_abuser" => sources.names_offenders[involvement.agency] = true,
                _ => {}
            }
        }
        sources
    }

    /// Whether the agency filled the field on at least one record.
    pub fn filled(&self, agency: usize, field: Field) -> bool {
        let at = Field::ALL.iter().position(|f| *f == field).unwrap_or(0);
        self.fields.get(agency).is_some_and(|f| f[at])
    }

    /// Whether the agency's current return held the table (by its standard name).
    pub fn returned(&self, agency: usize, table: &str) -> bool {
        self.tables.get(agency).is_some_and(|t| t.contains(table))
    }
}

/// How far a population's agencies could record something: the agencies that could, of the
/// agencies holding a member.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Reach {
    pub agencies: u64,
    pub of_agencies: u64,
}

/// The reach over the agencies of `members` (each member given by its agencies).
pub fn reach<'a>(
    members: impl IntoIterator<Item = &'a [usize]>,
    could: impl Fn(usize) -> bool,
) -> Reach {
    let mut all = BTreeSet::new();
    for agencies in members {
        all.extend(agencies.iter().copied());
    }
    Reach {
        agencies: all.iter().filter(|&&a| could(a)).count() as u64,
        of_agencies: all.len() as u64,
    }
}
