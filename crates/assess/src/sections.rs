//! Who is counted and how (population), what they are like (attributes), what happened
//! (offending), what became of it (justice) and who told us (coverage).

use crate::figure::{Breakdown, Figure, Order, Step, Unknowns, breakdown, step};
use crate::people::{People, Person, age_band, age_in, day_of};
use crate::{Attributes, Options};
use rustc_hash::{FxHashMap, FxHashSet};
use serde::Serialize;
use sightline_store::analysis::Analysis;
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
    let bands: Vec<&str> = members
        .iter()
        .map(|p| {
            if p.first_incident.is_none() {
                "not_known"
            } else {
                age_band(p.birth, p.first_incident)
            }
        })
        .collect();
    let age_12_17: Vec<&str> = members
        .iter()
        .map(|p| age_in(p.birth, p.first_incident, 12..18))
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
    let offenders_per_incident: Vec<&str> = incidents
        .iter()
        .map(|i| per_bucket(offenders_of.get(&i.incident_key).map_or(0, |o| o.len())))
        .collect();
    let mut offender_ids: Vec<usize> = victims_of_offender.keys().copied().collect();
    offender_ids.sort_unstable();
    let victims_per_offender: Vec<&str> = offender_ids
        .iter()
        .map(|o| per_bucket(victims_of_offender[o].len()))
        .collect();
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
    let breakdowns = vec![
        by(
            "offence",
            "offence",
            incidents.iter().map(|i| &*i.offence).collect(),
            Order::Largest,
        ),
        by(
            "location_type",
            "location type",
            incidents.iter().map(|i| &*i.location_type).collect(),
            Order::Largest,
        ),
        by(
            "cse_flag",
            "flagged as child sexual exploitation",
            incidents.iter().map(|i| &*i.cse_flag).collect(),
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

pub(crate) fn justice(data: &Analysis) -> Justice {
    let with_suspect: FxHashSet<u64> = data
        .involvements
        .iter()
        .filter(|i| matches!(&*i.role, "offender" | "paying_abuser"))
        .map(|i| i.incident_key)
        .collect();
    let all = data.incidents.len() as u64;
    let identified: Vec<_> = data
        .incidents
        .iter()
        .filter(|i| {
            with_suspect.contains(&i.incident_key) && *i.outcome != *"nfa_suspect_not_identified"
        })
        .collect();
    let charged: Vec<_> = identified
        .iter()
        .filter(|i| CHARGED.contains(&&*i.outcome))
        .collect();
    let convicted = charged
        .iter()
        .filter(|i| *i.outcome == *"convicted")
        .count() as u64;
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
    let steps = vec![
        Figure::of_all(
            "justice.suspect_identified",
            "suspect identified",
            identified_n,
            all,
            "incidents",
            none,
            funnel(1),
        ),
        Figure::of_all(
            "justice.charged",
            "charged or summonsed",
            charged_n,
            identified_n,
            "incidents with a suspect identified",
            none,
            funnel(2),
        ),
        Figure::of_all(
            "justice.convicted",
            "convicted",
            convicted,
            charged_n,
            "incidents charged or summonsed",
            none,
            funnel(3),
        ),
        Figure::of_all(
            "justice.convicted_of_all",
            "convicted",
            convicted,
            all,
            "incidents",
            none,
            funnel(1),
        ),
    ];
    let outcomes = vec![breakdown(
        "incidents.outcome",
        "outcome",
        "incidents",
        &funnel(1),
        data.incidents.iter().map(|i| &*i.outcome),
        Order::Largest,
    )];
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
