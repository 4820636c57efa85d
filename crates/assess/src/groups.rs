//! Which offenders offended together? The co-offending graph of linked offenders (by shared
//! incident, and by shared victim as a wider second definition), its groups and what their
//! members' records say.

use crate::Options;
use crate::figure::{Breakdown, Collection, Figure, Order, Unknowns, breakdown, step};
use crate::people::{People, age_band};
use rustc_hash::FxHashMap;
use serde::Serialize;
use sightline_network::{Definition, Event};
use sightline_store::analysis::Analysis;
use std::collections::BTreeMap;

/// One group, without identifiers: sizes, reach, span and members' recorded attributes.
#[derive(Debug, Clone, Serialize)]
pub struct GroupSummary {
    /// `G1`, `G2`, ... in order of the group's lowest offender.
    pub id: String,
    pub offenders: u64,
    pub victims: u64,
    pub incidents: u64,
    pub areas: u64,
    pub forces: u64,
    /// Year and month of the first and last incident.
    pub first: Option<String>,
    pub last: Option<String>,
    /// Members by recorded sex, self-defined ethnicity group and age band, unknowns included.
    pub sex: BTreeMap<String, u64>,
    pub ethnicity_group: BTreeMap<String, u64>,
    pub age_band: BTreeMap<String, u64>,
    /// Sizes of the Leiden communities of a large group.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub communities: Vec<u64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupsSection {
    pub definition: Definition,
    pub groups: Vec<GroupSummary>,
    /// Offenders in a group, of offenders with an incident.
    pub offenders_in_groups: Figure,
    /// Groups whose incidents were reported by more than one force, of groups.
    pub crossing_forces: Figure,
    pub sizes: Breakdown,
    /// Offenders with no incident in the returns: in neither a group nor alone.
    pub offenders_without_incident: u64,
}

impl GroupsSection {
    /// The single figures (not the size breakdown), in the order they are shown.
    pub fn figures(&self) -> [&Figure; 2] {
        [&self.offenders_in_groups, &self.crossing_forces]
    }
}

fn month(day: Option<i64>) -> Option<String> {
    let date = sightline_standard::dates::PartialDate::from_days_since_epoch(day?)?;
    let (year, month, _) = date.earliest();
    Some(format!("{year:04}-{month:02}"))
}

fn size_band(size: usize) -> &'static str {
    match size {
        2 => "2",
        3..=5 => "3_5",
        6..=10 => "6_10",
        11..=20 => "11_20",
        _ => "21_plus",
    }
}

pub(crate) fn groups(data: &Analysis, people: &People, options: &Options) -> Vec<GroupsSection> {
    // Offenders numbered 0.. in person order.
    let mut offender_of: FxHashMap<usize, u32> = FxHashMap::default();
    let mut offenders: Vec<usize> = Vec::new();
    for (p, person) in people.people.iter().enumerate() {
        if person.offender {
            offender_of.insert(p, offenders.len() as u32);
            offenders.push(p);
        }
    }
    let mut events: Vec<Event> = Vec::with_capacity(data.incidents.len());
    let mut event_of: FxHashMap<u64, usize> = FxHashMap::default();
    let mut areas: FxHashMap<&str, u32> = FxHashMap::default();
    for incident in &data.incidents {
        let next = areas.len() as u32;
        let area = incident
            .local_authority
            .as_deref()
            .map(|la| *areas.entry(la).or_insert(next));
        event_of.insert(incident.incident_key, events.len());
        events.push(Event {
            day: incident
                .first_date
                .as_deref()
                .and_then(crate::people::day_of),
            area,
            force: incident.agency as u32,
            ..Event::default()
        });
    }
    for involvement in &data.involvements {
        let (Some(&e), Some(&p)) = (
            event_of.get(&involvement.incident_key),
            people.by_key.get(&involvement.person_key),
        ) else {
            continue;
        };
        match &*involvement.role {
            "offender" | "paying_abuser" => {
                if let Some(&o) = offender_of.get(&p) {
                    events[e].offenders.push(o);
                }
            }
            "victim" => events[e].victims.push(p as u32),
            _ => {}
        }
    }
    let network_options = sightline_network::Options {
        split_above: options.split_above,
        seed: options.seed,
    };
    [Definition::SharedIncident, Definition::SharedVictim]
        .into_iter()
        .map(|definition| {
            let found =
                sightline_network::groups(&events, offenders.len(), definition, &network_options);
            let name = match definition {
                Definition::SharedIncident => "shared_incident",
                Definition::SharedVictim => "shared_victim",
            };
            let summaries: Vec<GroupSummary> = found
                .groups
                .iter()
                .enumerate()
                .map(|(at, group)| {
                    let mut sex = BTreeMap::new();
                    let mut ethnicity = BTreeMap::new();
                    let mut ages = BTreeMap::new();
                    for &m in &group.members {
                        let person = &people.people[offenders[m as usize]];
                        *sex.entry(person.sex.to_string()).or_default() += 1;
                        *ethnicity
                            .entry(person.ethnicity_group.to_string())
                            .or_default() += 1;
                        *ages
                            .entry(age_band(person.birth, person.first_incident).to_string())
                            .or_default() += 1;
                    }
                    GroupSummary {
                        id: format!("G{}", at + 1),
                        offenders: group.members.len() as u64,
                        victims: group.victims as u64,
                        incidents: group.incidents as u64,
                        areas: group.areas as u64,
                        forces: group.forces as u64,
                        first: month(group.first_day),
                        last: month(group.last_day),
                        sex,
                        ethnicity_group: ethnicity,
                        age_band: ages,
                        communities: group.communities.iter().map(|c| c.len() as u64).collect(),
                    }
                })
                .collect();
            let with_incident = (found.in_groups + found.alone) as u64;
            let funnel = vec![
                step("offenders", offenders.len() as u64),
                step("offenders with an incident", with_incident),
            ];
            let crossing = summaries.iter().filter(|g| g.forces > 1).count() as u64;
            let none = Unknowns::default();
            // Groups through a shared victim need victims named in incidents: where no agency
            // names any, there are no such groups to find, which is not the same as none.
            let (name_victims, name_offenders) = people.sources.naming();
            let uncollected =
                (definition == Definition::SharedVictim && name_victims == 0).then(|| Collection {
                    source: "named victims in their incidents".to_string(),
                    agencies: 0,
                    of_agencies: name_offenders,
                    left_out: 0,
                    population_label: "offenders with an incident".to_string(),
                });
            let mark = |figure: Figure| match &uncollected {
                Some(c) => figure.collected(c.clone()),
                None => figure,
            };
            let sizes = breakdown(
                &format!("groups.{name}.size"),
                "offenders per group",
                "groups",
                &[step("groups", summaries.len() as u64)],
                found.groups.iter().map(|g| size_band(g.members.len())),
                Order::Fixed(&["2", "3_5", "6_10", "11_20", "21_plus"]),
            );
            let sizes = match &uncollected {
                Some(c) => sizes.collected(&c.source, 0, c.of_agencies),
                None => sizes,
            };
            GroupsSection {
                definition,
                offenders_in_groups: mark(Figure::of_all(
                    format!("groups.{name}.offenders_in_groups"),
                    "offenders who offended in a group",
                    found.in_groups as u64,
                    with_incident,
                    "offenders with an incident",
                    none,
                    funnel.clone(),
                )),
                crossing_forces: mark(Figure::of_all(
                    format!("groups.{name}.crossing_forces"),
                    "groups whose incidents were reported by more than one force",
                    crossing,
                    summaries.len() as u64,
                    "groups",
                    none,
                    vec![step("groups", summaries.len() as u64)],
                )),
                sizes,
                offenders_without_incident: found.without_incident as u64,
                groups: summaries,
            }
        })
        .collect()
}
