//! Who could record what? For each agency: the tables its current return held, the person
//! fields it filled on at least one record, whether it recorded incident outcomes and whether
//! it named anyone in its incidents. A figure's base is restricted to the people (or
//! incidents) of the agencies that could record what it counts; with none, it is not collected.
//!
//! A field counts as filled when at least one of the agency's records holds anything but a
//! blank or `not_recorded` (an explicit `not_known` or `refused` is an answer: the agency asks).

use crate::figure::Collection;
use sightline_store::analysis::{Analysis, IncidentRow, PersonRow};
use std::collections::BTreeSet;

/// A person field an agency may or may not collect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
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

/// An incident field an agency may or may not collect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(usize)]
pub enum IncidentField {
    Offence,
    LocationType,
    CseFlag,
    Outcome,
}

const INCIDENT_FIELDS: usize = 4;

impl IncidentField {
    const ALL: [IncidentField; INCIDENT_FIELDS] = [
        IncidentField::Offence,
        IncidentField::LocationType,
        IncidentField::CseFlag,
        IncidentField::Outcome,
    ];

    fn value(self, incident: &IncidentRow) -> &str {
        match self {
            IncidentField::Offence => &incident.offence,
            IncidentField::LocationType => &incident.location_type,
            IncidentField::CseFlag => &incident.cse_flag,
            IncidentField::Outcome => &incident.outcome,
        }
    }
}

/// What each agency (by index into `Analysis::agencies`) could record.
#[derive(Debug, Default)]
pub struct Sources {
    tables: Vec<BTreeSet<String>>,
    fields: Vec<[bool; FIELDS]>,
    /// Filled the incident field (other than blank or `not_recorded`) on at least one incident.
    incident_fields: Vec<[bool; INCIDENT_FIELDS]>,
    /// Named at least one victim in an incident.
    names_victims: Vec<bool>,
    /// Named at least one offender in an incident.
    names_offenders: Vec<bool>,
}

impl Sources {
    pub fn new(data: &Analysis) -> Sources {
        let n = data.agencies.len();
        let mut sources = Sources {
            tables: vec![BTreeSet::new(); n],
            fields: vec![[false; FIELDS]; n],
            incident_fields: vec![[false; INCIDENT_FIELDS]; n],
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
            let filled = &mut sources.incident_fields[incident.agency];
            for (slot, field) in filled.iter_mut().zip(IncidentField::ALL) {
                *slot = *slot || !matches!(field.value(incident), "" | "not_recorded");
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
        self.fields.get(agency).is_some_and(|f| f[field as usize])
    }

    /// Whether the agency filled the incident field on at least one incident.
    pub fn filled_incident(&self, agency: usize, field: IncidentField) -> bool {
        self.incident_fields
            .get(agency)
            .is_some_and(|f| f[field as usize])
    }

    /// Whether the agency recorded an outcome on at least one incident.
    pub fn records_outcomes(&self, agency: usize) -> bool {
        self.filled_incident(agency, IncidentField::Outcome)
    }

    /// Whether the agency named at least one victim in an incident.
    pub fn names_victims(&self, agency: usize) -> bool {
        self.names_victims.get(agency).copied().unwrap_or(false)
    }

    /// Whether the agency named at least one offender in an incident.
    pub fn names_offenders(&self, agency: usize) -> bool {
        self.names_offenders.get(agency).copied().unwrap_or(false)
    }

    /// How many agencies named a victim, and an offender, in an incident.
    pub fn naming(&self) -> (u64, u64) {
        let count = |list: &[bool]| list.iter().filter(|&&b| b).count() as u64;
        (count(&self.names_victims), count(&self.names_offenders))
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

/// Who could record something over a population whose members are each known to some
/// agencies: the agencies that could, of those holding a member, and the members known only to
/// agencies that could not (left out of the base).
pub fn collection<'a>(
    members: impl IntoIterator<Item = &'a [usize]> + Clone,
    could: impl Fn(usize) -> bool,
    source: &str,
    population_label: &str,
) -> Collection {
    let r = reach(members.clone(), &could);
    Collection {
        source: source.to_string(),
        agencies: r.agencies,
        of_agencies: r.of_agencies,
        left_out: members
            .into_iter()
            .filter(|agencies| !agencies.iter().any(|&a| could(a)))
            .count() as u64,
        population_label: population_label.to_string(),
    }
}
