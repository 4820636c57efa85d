//! Who is counted and how (population), what they are like (attributes), what happened
//! (offending), what became of it (justice) and who told us (coverage).

use crate::collected::{self, Field, IncidentField, Sources, reach};
use crate::figure::{Breakdown, Collection, Figure, Order, Step, Unknowns, breakdown, step};
use crate::people::{IDENTIFICATION, People, Person, age_band, age_in, day_of};
use crate::{Attributes, Options};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use sightline_store::analysis::{Analysis, IncidentRow};
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    Victim,
    Offender,
    OtherChild,
}

impl Role {
    pub(crate) fn code(self) -> &'static str {
        match self {
            Role::Victim => "victims",
            Role::Offender => "offenders",
            Role::OtherChild => "other_children",
        }
    }

    pub(crate) fn holds(self, person: &Person) -> bool {
        match self {
            Role::Victim => person.victim,
            Role::Offender => person.offender,
            Role::OtherChild => person.other_child,
        }
    }

    fn record_roles(self) -> &'static [&'static str] {
        match self {
            Role::Victim => &["victim"],
            Role::Offender => &["suspect", "offender"],
            Role::OtherChild => &["at_risk"],
        }
    }
}

/// How many records became how many people, per role and agency type.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct PopulationLine {
    /// `victims`, `offenders` or `other_children`.
    pub role: String,
    /// An agency type, or `all`.
    pub agency_type: String,
    /// Person records with this role from agencies of this type.
    pub records: u64,
    /// Agencies those records came from.
    pub agencies: u64,
    /// Distinct linked people those records belong to (who hold the role).
    pub people: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Population {
    pub lines: Vec<PopulationLine>,
}

pub(crate) fn population(data: &Analysis, people: &People) -> Population {
    let person_of = &people.person_of;
    let mut lines = Vec::new();
    for role in [Role::Victim, Role::Offender, Role::OtherChild] {
        let mut by_type: BTreeMap<&str, (u64, BTreeSet<usize>, BTreeSet<usize>)> = BTreeMap::new();
        for (r, row) in data.people.iter().enumerate() {
            let person = &people.people[person_of[r]];
            if !role.holds(person)
                || !row
                    .roles
                    .split(';')
                    .any(|x| role.record_roles().contains(&x))
            {
                continue;
            }
            let kind = data.agencies[row.agency].agency.agency_type.as_str();
            for key in [kind, "all"] {
                let entry = by_type.entry(key).or_default();
                entry.0 += 1;
                entry.1.insert(row.agency);
                entry.2.insert(person_of[r]);
            }
        }
        for (kind, (records, agencies, linked)) in by_type {
            lines.push(PopulationLine {
                role: role.code().to_string(),
                agency_type: kind.to_string(),
                records,
                agencies: agencies.len() as u64,
                people: linked.len() as u64,
            });
        }
    }
    Population { lines }
}

const AGE_BANDS: [&str; 6] = ["under_13", "13_15", "16_17", "18_24", "25_34", "35_plus"];

pub(crate) fn attributes(
    data: &Analysis,
    people: &People,
    role: Role,
    options: &Options,
) -> Attributes {
    let members: Vec<&Person> = people.people.iter().filter(|p| role.holds(p)).collect();
    let name = role.code();
    let funnel = vec![
        step("person records", data.people.len() as u64),
        step("people after linkage", people.people.len() as u64),
        step(name.replace('_', " "), members.len() as u64),
    ];
    let base_label = name.replace('_', " ");
    let make = |id: &str, label: &str, values: Vec<&str>, order: Order<'_>| {
        breakdown(
            &format!("{name}.{id}"),
            label,
            &base_label,
            &funnel,
            values,
            order,
        )
    };
    // Age at the first incident needs a birth date and an incident naming the person: an
    // agency that names no one of this role in its incidents cannot give the second.
    let sources = &people.sources;
    let names_role = |a: usize| match role {
        Role::Offender => sources.names_offenders(a),
        _ => sources.names_victims(a),
    };
    let age_collected = |p: &Person| p.birth_collected && p.agencies.iter().any(|&a| names_role(a));
    let bands: Vec<&str> = members
        .iter()
        .map(|p| {
            if !age_collected(p) && p.first_incident.is_none() {
                "not_collected"
            } else if p.first_incident.is_none() {
                "not_known"
            } else {
                age_band(p.birth, p.first_incident)
            }
        })
        .collect();
    let age_12_17: Vec<&str> = members
        .iter()
        .map(|p| {
            if !age_collected(p) && p.first_incident.is_none() {
                "not_collected"
            } else {
                age_in(p.birth, p.first_incident, 12..18)
            }
        })
        .collect();
    let force_of = |p: &Person| -> &str {
        p.records
            .iter()
            .map(|&r| &data.agencies[data.people[r].agency].agency)
            .find(|a| a.agency_type == "police")
            .map_or("not_recorded", |a| a.agency_id.as_str())
    };
    let mut breakdowns = vec![
        make(
            "sex",
            "sex",
            members.iter().map(|p| &*p.sex).collect(),
            Order::Fixed(&["female", "male"]),
        ),
        make(
            "age_band",
            "age at first incident",
            bands,
            Order::Fixed(&AGE_BANDS),
        ),
        make(
            "age_12_17",
            "age at first incident (12 to 17)",
            age_12_17,
            Order::Fixed(&["yes", "no"]),
        ),
        make(
            "ethnicity_group",
            "ethnicity (self-defined, group)",
            members.iter().map(|p| &*p.ethnicity_group).collect(),
            Order::Largest,
        ),
        make(
            "ethnicity_detail",
            "ethnicity (self-defined, detail)",
            members.iter().map(|p| &*p.ethnicity_detail).collect(),
            Order::Largest,
        ),
        make(
            "observed_ethnicity",
            "ethnicity (observed by an officer, IC group)",
            members.iter().map(|p| &*p.observed_group).collect(),
            Order::Largest,
        ),
        make(
            "nationality",
            "nationality",
            members.iter().map(|p| &*p.nationality).collect(),
            Order::Top(options.top_nationalities),
        ),
        make(
            "looked_after",
            "looked-after status",
            members.iter().map(|p| &*p.looked_after).collect(),
            Order::Fixed(&["yes", "no"]),
        ),
        make(
            "local_authority",
            "local authority",
            members.iter().map(|p| &*p.local_authority).collect(),
            Order::Largest,
        ),
    ];
    let fields = [
        Field::Sex,
        Field::Birth,
        Field::Birth,
        Field::Ethnicity,
        Field::Ethnicity,
        Field::Observed,
        Field::Nationality,
        Field::LookedAfter,
        Field::LocalAuthority,
    ];
    breakdowns = breakdowns
        .into_iter()
        .zip(fields)
        .map(|(b, field)| {
            let age = b.id.contains(".age_");
            let could = |a: usize| sources.filled(a, field) && (!age || names_role(a));
            let r = reach(members.iter().map(|p| p.agencies.as_slice()), could);
            let source = if age {
                "recorded a date of birth and named the person in an incident"
            } else {
                field.source()
            };
            b.collected(source, r.agencies, r.of_agencies)
        })
        .collect();
    breakdowns.push(make(
        "identification",
        "identification",
        members.iter().map(|p| p.identification).collect(),
        Order::Fixed(&IDENTIFICATION),
    ));
    // Ethnicity among the people identified by name and date of birth: the base the 2011
    // assessment's ethnicity shares should have used.
    let identified: Vec<&&Person> = members
        .iter()
        .filter(|p| p.identification == IDENTIFICATION[0])
        .collect();
    let identified_label = format!("{base_label} identified by name and date of birth");
    let mut identified_funnel = funnel.clone();
    identified_funnel.push(step(identified_label.clone(), identified.len() as u64));
    let r = reach(identified.iter().map(|p| p.agencies.as_slice()), |a| {
        sources.filled(a, Field::Ethnicity)
    });
    breakdowns.push(
        breakdown(
            &format!("{name}.ethnicity_group_identified"),
            "ethnicity (self-defined, group)",
            &identified_label,
            &identified_funnel,
            identified.iter().map(|p| &*p.ethnicity_group),
            Order::Largest,
        )
        .collected(Field::Ethnicity.source(), r.agencies, r.of_agencies),
    );
    if role == Role::Offender {
        breakdowns.push(make(
            "force",
            "police force",
            members.iter().map(|p| force_of(p)).collect(),
            Order::Largest,
        ));
    }
    Attributes {
        population: name.to_string(),
        people: members.len() as u64,
        breakdowns,
    }
}

/// What happened: incidents by kind, place and time, and who was involved.
#[derive(Debug, Clone, Serialize)]
pub struct Offending {
    pub incidents: u64,
    pub breakdowns: Vec<Breakdown>,
}

fn per_bucket(n: usize) -> &'static str {
    match n {
        0 => "0",
        1 => "1",
        2 => "2",
        3..=5 => "3_5",
        6..=10 => "6_10",
        _ => "11_plus",
    }
}

const BUCKETS: [&str; 6] = ["0", "1", "2", "3_5", "6_10", "11_plus"];

pub(crate) fn offending(data: &Analysis, people: &People) -> Offending {
    let incidents = &data.incidents;
    let funnel = vec![step("incidents", incidents.len() as u64)];
    let year: Vec<String> = incidents
        .iter()
        .map(|i| {
            i.first_date
                .as_deref()
                .and_then(|d| d.get(..4))
                .unwrap_or("not_recorded")
                .to_string()
        })
        .collect();
    let quarter: Vec<String> = incidents
        .iter()
        .map(|i| match i.first_date.as_deref() {
            Some(d) if d.len() >= 7 => {
                let month: u32 = d[5..7].parse().unwrap_or(1);
                format!("{}-Q{}", &d[..4], (month.clamp(1, 12) - 1) / 3 + 1)
            }
            _ => "not_known".to_string(),
        })
        .collect();
    let mut offenders_of: FxHashMap<u64, FxHashSet<usize>> = FxHashMap::default();
    let mut victims_of_offender: FxHashMap<usize, FxHashSet<usize>> = FxHashMap::default();
    let mut victims_of: FxHashMap<u64, FxHashSet<usize>> = FxHashMap::default();
    for inv in &data.involvements {
        let Some(&p) = people.by_key.get(&inv.person_key) else {
            continue;
        };
        match &*inv.role {
            "offender" | "paying_abuser" => {
                offenders_of.entry(inv.incident_key).or_default().insert(p);
            }
            "victim" => {
                victims_of.entry(inv.incident_key).or_default().insert(p);
            }
            _ => {}
        }
    }
    for (incident, offenders) in &offenders_of {
        for &o in offenders {
            let entry = victims_of_offender.entry(o).or_default();
            if let Some(victims) = victims_of.get(incident) {
                entry.extend(victims);
            }
        }
    }
    // An agency that never names an offender (or a victim) in an incident does not record
    // them: its incidents' counts are not collected, not zero.
    let sources = &people.sources;
    let names_offenders = |a: usize| sources.names_offenders(a);
    let names_victims = |a: usize| sources.names_victims(a);
    let offenders_per_incident: Vec<&str> = incidents
        .iter()
        .map(|i| {
            if names_offenders(i.agency) {
                per_bucket(offenders_of.get(&i.incident_key).map_or(0, |o| o.len()))
            } else {
                "not_collected"
            }
        })
        .collect();
    let incident_agencies: Vec<usize> = incidents.iter().map(|i| i.agency).collect();
    let incident_reach = reach([incident_agencies.as_slice()], names_offenders);
    let agency_of: FxHashMap<u64, usize> = incidents
        .iter()
        .map(|i| (i.incident_key, i.agency))
        .collect();
    let mut agencies_of_offender: FxHashMap<usize, Vec<usize>> = FxHashMap::default();
    for (incident, offenders) in &offenders_of {
        if let Some(&a) = agency_of.get(incident) {
            for &o in offenders {
                agencies_of_offender.entry(o).or_default().push(a);
            }
        }
    }
    let mut offender_ids: Vec<usize> = victims_of_offender.keys().copied().collect();
    offender_ids.sort_unstable();
    let victims_per_offender: Vec<&str> = offender_ids
        .iter()
        .map(|o| {
            let named = agencies_of_offender
                .get(o)
                .is_some_and(|a| a.iter().any(|&a| names_victims(a)));
            if named {
                per_bucket(victims_of_offender[o].len())
            } else {
                "not_collected"
            }
        })
        .collect();
    let offender_reach = reach(
        offender_ids
            .iter()
            .filter_map(|o| agencies_of_offender.get(o).map(Vec::as_slice)),
        names_victims,
    );
    let by = |id: &str, label: &str, values: Vec<&str>, order: Order<'_>| {
        breakdown(
            &format!("incidents.{id}"),
            label,
            "incidents",
            &funnel,
            values,
            order,
        )
    };
    // An incident field an agency left empty on every incident is one it does not collect.
    let field = |id: &str,
                 label: &str,
                 which: IncidentField,
                 value: fn(&IncidentRow) -> &str,
                 order: Order<'_>| {
        let could = |a: usize| sources.filled_incident(a, which);
        let values: Vec<&str> = incidents
            .iter()
            .map(|i| {
                if could(i.agency) {
                    value(i)
                } else {
                    "not_collected"
                }
            })
            .collect();
        let r = reach([incident_agencies.as_slice()], could);
        by(id, label, values, order).collected(
            &format!("recorded the {label} of incidents"),
            r.agencies,
            r.of_agencies,
        )
    };
    let breakdowns = vec![
        field(
            "offence",
            "offence",
            IncidentField::Offence,
            |i| &i.offence,
            Order::Largest,
        ),
        field(
            "location_type",
            "location type",
            IncidentField::LocationType,
            |i| &i.location_type,
            Order::Largest,
        ),
        field(
            "cse_flag",
            "flagged as child sexual exploitation",
            IncidentField::CseFlag,
            |i| &i.cse_flag,
            Order::Fixed(&["yes", "no"]),
        ),
        by(
            "year",
            "year of first date",
            year.iter().map(String::as_str).collect(),
            Order::Fixed(&[]),
        ),
        by(
            "quarter",
            "quarter of first date",
            quarter.iter().map(String::as_str).collect(),
            Order::Fixed(&[]),
        ),
        by(
            "offenders_per_incident",
            "offenders identified per incident",
            offenders_per_incident,
            Order::Fixed(&BUCKETS),
        )
        .collected(
            "named offenders in their incidents",
            incident_reach.agencies,
            incident_reach.of_agencies,
        ),
        breakdown(
            "offenders.victims_per_offender",
            "victims per offender",
            "offenders with an incident",
            &[step(
                "offenders with an incident",
                offender_ids.len() as u64,
            )],
            victims_per_offender,
            Order::Fixed(&BUCKETS),
        )
        .collected(
            "named victims in their incidents",
            offender_reach.agencies,
            offender_reach.of_agencies,
        ),
    ];
    let mut breakdowns = breakdowns;
    // Years and quarters read best in time order.
    for b in breakdowns
        .iter_mut()
        .filter(|b| b.id.ends_with("year") || b.id.ends_with("quarter"))
    {
        b.categories.sort_by(|x, y| x.label.cmp(&y.label));
    }
    Offending {
        incidents: incidents.len() as u64,
        breakdowns,
    }
}

/// Attrition from incidents to convictions, each step with its base.
#[derive(Debug, Clone, Serialize)]
pub struct Justice {
    /// Suspect identified of incidents; charged of those; convicted of those charged.
    pub steps: Vec<Figure>,
    pub outcomes: Vec<Breakdown>,
}

const CHARGED: [&str; 4] = [
    "charged_summonsed",
    "convicted",
    "acquitted",
    "case_discontinued",
];

pub(crate) fn justice(data: &Analysis, sources: &Sources) -> Justice {
    let with_suspect: FxHashSet<u64> = data
        .involvements
        .iter()
        .filter(|i| matches!(&*i.role, "offender" | "paying_abuser"))
        .map(|i| i.incident_key)
        .collect();
    let records_outcomes = |a: usize| sources.records_outcomes(a);
    let records_suspects = |a: usize| sources.names_offenders(a) || records_outcomes(a);
    let every: Vec<&IncidentRow> = data.incidents.iter().collect();
    let all = every.len() as u64;
    // Incidents of agencies that name suspects or record outcomes: the base of "identified".
    let recorded: Vec<&IncidentRow> = every
        .iter()
        .copied()
        .filter(|i| records_suspects(i.agency))
        .collect();
    let identified: Vec<&IncidentRow> = recorded
        .iter()
        .copied()
        .filter(|i| {
            with_suspect.contains(&i.incident_key) && *i.outcome != *"nfa_suspect_not_identified"
        })
        .collect();
    // Outcomes: only from agencies that record them; a blank there is unknown, not "no".
    let outcome_known = |i: &&IncidentRow| crate::figure::unknown_kind(&i.outcome).is_none();
    let mut identified_unknown = Unknowns::default();
    let mut identified_known = 0u64;
    let mut charged: Vec<&IncidentRow> = Vec::new();
    for i in identified.iter().filter(|i| records_outcomes(i.agency)) {
        if outcome_known(i) {
            identified_known += 1;
            if CHARGED.contains(&&*i.outcome) {
                charged.push(i);
            }
        } else {
            identified_unknown.count(&i.outcome);
        }
    }
    let convicted = charged
        .iter()
        .filter(|i| *i.outcome == *"convicted")
        .count() as u64;
    let mut all_unknown = Unknowns::default();
    let mut all_known = 0u64;
    for i in every.iter().filter(|i| records_outcomes(i.agency)) {
        if outcome_known(i) {
            all_known += 1;
        } else {
            all_unknown.count(&i.outcome);
        }
    }
    let (identified_n, charged_n) = (identified.len() as u64, charged.len() as u64);
    let funnel = |upto: usize| -> Vec<Step> {
        [
            step("incidents", all),
            step("suspect identified", identified_n),
            step("charged or summonsed", charged_n),
        ]
        .into_iter()
        .take(upto)
        .collect()
    };
    let none = Unknowns::default();
    // Each incident is known to its one agency.
    let collection = |population: &[&IncidentRow],
                      population_label: &str,
                      source: &str,
                      could: &dyn Fn(usize) -> bool| {
        collected::collection(
            population.iter().map(|i| std::slice::from_ref(&i.agency)),
            could,
            source,
            population_label,
        )
    };
    let outcomes_of_identified = collection(
        &identified,
        "incidents with a suspect identified",
        "recorded outcomes",
        &records_outcomes,
    );
    let outcomes_of_all = collection(&every, "incidents", "recorded outcomes", &records_outcomes);
    let steps = vec![
        Figure::of_all(
            "justice.suspect_identified",
            "suspect identified",
            identified_n,
            recorded.len() as u64,
            "incidents",
            none,
            funnel(1),
        )
        .collected(collection(
            &every,
            "incidents",
            "named suspects or recorded outcomes",
            &records_suspects,
        )),
        Figure::of_known(
            "justice.charged",
            "charged or summonsed",
            charged_n,
            identified_known,
            "incidents with a suspect identified and an outcome recorded",
            identified_unknown,
            funnel(2),
        )
        .collected(outcomes_of_identified.clone()),
        Figure::of_all(
            "justice.convicted",
            "convicted",
            convicted,
            charged_n,
            "incidents charged or summonsed",
            none,
            funnel(3),
        )
        .collected(Collection {
            left_out: 0,
            ..outcomes_of_identified
        }),
        Figure::of_known(
            "justice.convicted_of_all",
            "convicted",
            convicted,
            all_known,
            "incidents with an outcome recorded",
            all_unknown,
            funnel(1),
        )
        .collected(outcomes_of_all.clone()),
    ];
    let outcomes = vec![
        breakdown(
            "incidents.outcome",
            "outcome",
            "incidents",
            &funnel(1),
            data.incidents.iter().map(|i| {
                if records_outcomes(i.agency) {
                    &*i.outcome
                } else {
                    "not_collected"
                }
            }),
            Order::Largest,
        )
        .collected(
            "recorded outcomes",
            outcomes_of_all.agencies,
            outcomes_of_all.of_agencies,
        ),
    ];
    Justice { steps, outcomes }
}

/// An agency type as a plural noun.
pub fn plural(agency_type: &str) -> String {
    match agency_type {
        "police" => "police forces".to_string(),
        "childrens_services" => "children's services".to_string(),
        "safeguarding_board" => "safeguarding boards".to_string(),
        "health" => "health bodies".to_string(),
        "charity" => "charities".to_string(),
        "all" => "all agencies".to_string(),
        other => other.replace('_', " "),
    }
}

/// One governance question's answer in a board's row.
type Answer = fn(&sightline_store::analysis::GovernanceRow) -> &str;

/// Agencies asked and returned, per type.
#[derive(Debug, Clone, Serialize)]
pub struct TypeCoverage {
    pub agency_type: String,
    pub asked: u64,
    pub returned: u64,
    /// Returned without having been asked.
    pub returned_unasked: u64,
    /// Returned of asked.
    pub returned_share: Figure,
}

#[derive(Debug, Clone, Serialize)]
pub struct AreaCoverage {
    pub area: String,
    pub asked: u64,
    pub returned: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Coverage {
    pub types: Vec<TypeCoverage>,
    pub areas: Vec<AreaCoverage>,
    pub returns: u64,
    pub period_from: Option<String>,
    pub period_to: Option<String>,
    pub returns_without_period: u64,
    /// Safeguarding boards' arrangements, of those that replied and of all boards.
    pub governance: Vec<Figure>,
}

pub(crate) fn coverage(data: &Analysis) -> Coverage {
    let returned: BTreeSet<&str> = data.returns.iter().map(|r| r.agency_id.as_str()).collect();
    let mut by_type: BTreeMap<&str, (u64, u64, u64)> = BTreeMap::new();
    let mut by_area: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for summary in &data.agencies {
        let agency = &summary.agency;
        let has = returned.contains(agency.agency_id.as_str());
        let entry = by_type.entry(agency.agency_type.as_str()).or_default();
        let area = by_area.entry(agency.area.as_str()).or_default();
        if agency.requested {
            entry.0 += 1;
            area.0 += 1;
            if has {
                entry.1 += 1;
                area.1 += 1;
            }
        } else if has {
            entry.2 += 1;
        }
    }
    let types = by_type
        .into_iter()
        .map(|(kind, (asked, returned, unasked))| {
            let label = plural(kind);
            TypeCoverage {
                agency_type: kind.to_string(),
                asked,
                returned,
                returned_unasked: unasked,
                returned_share: Figure::of_all(
                    format!("coverage.{kind}.returned"),
                    format!("{label} that returned"),
                    returned,
                    asked,
                    format!("{label} asked"),
                    Unknowns::default(),
                    vec![step(format!("{label} asked"), asked)],
                ),
            }
        })
        .collect();
    let areas = by_area
        .into_iter()
        .map(|(area, (asked, returned))| AreaCoverage {
            area: area.to_string(),
            asked,
            returned,
        })
        .collect();
    let period_from = data
        .returns
        .iter()
        .filter_map(|r| r.period_from.clone())
        .min();
    let period_to = data
        .returns
        .iter()
        .filter_map(|r| r.period_to.clone())
        .max();
    let returns_without_period = data
        .returns
        .iter()
        .filter(|r| r.period_from.is_none() && r.period_to.is_none())
        .count() as u64;

    // The latest statement of each board.
    let mut latest: BTreeMap<&str, &sightline_store::analysis::GovernanceRow> = BTreeMap::new();
    for row in &data.governance {
        let entry = latest.entry(row.board.as_str()).or_insert(row);
        if day_of(&row.date) >= day_of(&entry.date) {
            *entry = row;
        }
    }
    let boards = data
        .agencies
        .iter()
        .filter(|a| a.agency.agency_type == "safeguarding_board")
        .count() as u64;
    let replied = latest.len() as u64;
    let mut governance = Vec::new();
    let questions: [(&str, &str, Answer); 4] = [
        ("cse_subgroup", "with a CSE sub-group", |g| {
            g.cse_subgroup.as_str()
        }),
        ("cse_lead", "with a CSE lead", |g| g.cse_lead.as_str()),
        ("cse_strategy", "with a CSE strategy", |g| {
            g.cse_strategy.as_str()
        }),
        ("assumes_cse_present", "assuming CSE is present", |g| {
            g.assumes_cse_present.as_str()
        }),
    ];
    for (id, label, answer) in questions {
        let mut unknown = Unknowns::default();
        let mut yes = 0;
        for row in latest.values() {
            let value = answer(row);
            if !unknown.count(value) && value == "yes" {
                yes += 1;
            }
        }
        let known = replied - unknown.total();
        let funnel = vec![
            step("safeguarding boards", boards),
            step("boards that replied", replied),
        ];
        governance.push(Figure::of_known(
            format!("governance.{id}"),
            format!("boards {label}"),
            yes,
            known,
            "boards that replied and answered",
            unknown,
            funnel.clone(),
        ));
        let mut of_all = unknown;
        of_all.no_return = boards.saturating_sub(replied);
        governance.push(Figure::of_all(
            format!("governance.{id}.of_all_boards"),
            format!("boards {label}"),
            yes,
            boards,
            "safeguarding boards",
            of_all,
            funnel[..1].to_vec(),
        ));
    }
    Coverage {
        types,
        areas,
        returns: data.returns.len() as u64,
        period_from,
        period_to,
        returns_without_period,
        governance,
    }
}
