//! Which offenders offend together? The co-offending graph, its groups and their measures.
//!
//! Nodes are offenders (linked people, numbered `0..offenders`); an [`Event`] is one incident
//! with the offenders and victims involved. Two definitions are built:
//! - [`Definition::SharedIncident`]: offenders are joined when they were involved in the same
//!   incident (co-offending in the strict sense);
//! - [`Definition::SharedVictim`]: offenders are joined when they abused the same victim, in
//!   any incidents (wider: it also joins offenders who never met).
//!
//! A group is a connected component of two or more offenders. Components larger than
//! [`Options::split_above`] are also split into communities with the Leiden algorithm
//! (modularity, seeded), reported beside the component, never instead of it.
//! Everything is deterministic: members, groups and communities come out in ascending order.

use petgraph::unionfind::UnionFind;
use serde::Serialize;
use std::collections::BTreeSet;

/// One incident: who was involved, when, where and which force reported it.
#[derive(Debug, Clone, Default)]
pub struct Event {
    pub offenders: Vec<u32>,
    pub victims: Vec<u32>,
    /// Days since 1970-01-01 of the first date, when known.
    pub day: Option<i64>,
    /// The area (local authority) where it happened, as an index chosen by the caller.
    pub area: Option<u32>,
    /// The agency (police force) that reported it, as an index chosen by the caller.
    pub force: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Definition {
    SharedIncident,
    SharedVictim,
}

#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// Components with more members than this are also split into communities.
    pub split_above: usize,
    pub seed: u64,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            split_above: 20,
            seed: 42,
        }
    }
}

/// A connected component of two or more offenders, with what they did.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Group {
    /// Offender numbers, ascending.
    pub members: Vec<u32>,
    /// Distinct victims of the group's incidents.
    pub victims: usize,
    /// Incidents involving any member.
    pub incidents: usize,
    /// Distinct known areas of those incidents.
    pub areas: usize,
    /// Distinct forces that reported them.
    pub forces: usize,
    pub first_day: Option<i64>,
    pub last_day: Option<i64>,
    /// Leiden communities (offender numbers), only for components above `split_above`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub communities: Vec<Vec<u32>>,
}

/// The groups under one definition.
#[derive(Debug, Clone, Serialize)]
pub struct Groups {
    pub definition: Definition,
    pub groups: Vec<Group>,
    /// Offenders in a group of two or more.
    pub in_groups: usize,
    /// Offenders with at least one incident who are in no group.
    pub alone: usize,
    /// Offenders with no incident at all (not in the graph).
    pub without_incident: usize,
}

/// The groups of `offenders` offenders under `definition`.
pub fn groups(
    events: &[Event],
    offenders: usize,
    definition: Definition,
    options: &Options,
) -> Groups {
    let mut union = UnionFind::<u32>::new(offenders);
    let mut edges: BTreeSet<(u32, u32)> = BTreeSet::new();
    let join = |members: &[u32], union: &mut UnionFind<u32>, edges: &mut BTreeSet<(u32, u32)>| {
        for pair in members.windows(2) {
            union.union(pair[0], pair[1]);
        }
        for (at, &a) in members.iter().enumerate() {
            for &b in &members[at + 1..] {
                edges.insert((a.min(b), a.max(b)));
            }
        }
    };
    let mut involved = vec![false; offenders];
    for event in events {
        for &o in &event.offenders {
            if let Some(slot) = involved.get_mut(o as usize) {
                *slot = true;
            }
        }
    }
    match definition {
        Definition::SharedIncident => {
            for event in events {
                join(
                    &sorted_valid(&event.offenders, offenders),
                    &mut union,
                    &mut edges,
                );
            }
        }
        Definition::SharedVictim => {
            let mut by_victim: std::collections::BTreeMap<u32, BTreeSet<u32>> =
                std::collections::BTreeMap::new();
            for event in events {
                for &v in &event.victims {
                    by_victim
                        .entry(v)
                        .or_default()
                        .extend(sorted_valid(&event.offenders, offenders));
                }
            }
            for members in by_victim.values() {
                let members: Vec<u32> = members.iter().copied().collect();
                // A victim with very many offenders would add a quadratic number of edges; a
                // chain joins the same component, and edges are needed only for communities.
                if members.len() > 200 {
                    for pair in members.windows(2) {
                        union.union(pair[0], pair[1]);
                        edges.insert((pair[0], pair[1]));
                    }
                } else {
                    join(&members, &mut union, &mut edges);
                }
            }
        }
    }

    let mut by_root: std::collections::BTreeMap<u32, Vec<u32>> = std::collections::BTreeMap::new();
    for offender in 0..offenders as u32 {
        if involved[offender as usize] {
            by_root
                .entry(union.find(offender))
                .or_default()
                .push(offender);
        }
    }
    let mut components: Vec<Vec<u32>> = by_root.into_values().filter(|m| m.len() >= 2).collect();
    components.sort_by_key(|members| members[0]);
    let in_groups: usize = components.iter().map(Vec::len).sum();
    let alone = involved.iter().filter(|&&i| i).count() - in_groups;

    let mut group_of = vec![u32::MAX; offenders];
    for (at, members) in components.iter().enumerate() {
        for &m in members {
            group_of[m as usize] = at as u32;
        }
    }
    let mut events_of: Vec<Vec<usize>> = vec![Vec::new(); components.len()];
    for (at, event) in events.iter().enumerate() {
        let mut seen: BTreeSet<u32> = BTreeSet::new();
        for &o in &event.offenders {
            if let Some(&g) = group_of.get(o as usize)
                && g != u32::MAX
                && seen.insert(g)
            {
                events_of[g as usize].push(at);
            }
        }
    }
    let mut edges_of: Vec<Vec<(u32, u32)>> = vec![Vec::new(); components.len()];
    for &(a, b) in &edges {
        let g = group_of[a as usize];
        if g != u32::MAX {
            edges_of[g as usize].push((a, b));
        }
    }
    let groups = components
        .into_iter()
        .zip(events_of)
        .zip(edges_of)
        .map(|((members, at), edges)| {
            let victims: BTreeSet<u32> = at
                .iter()
                .flat_map(|&e| events[e].victims.iter().copied())
                .collect();
            let areas: BTreeSet<u32> = at.iter().filter_map(|&e| events[e].area).collect();
            let forces: BTreeSet<u32> = at.iter().map(|&e| events[e].force).collect();
            let days = at.iter().filter_map(|&e| events[e].day);
            let communities = if members.len() > options.split_above {
                communities(&members, &edges, options.seed)
            } else {
                Vec::new()
            };
            Group {
                victims: victims.len(),
                incidents: at.len(),
                areas: areas.len(),
                forces: forces.len(),
                first_day: days.clone().min(),
                last_day: days.max(),
                members,
                communities,
            }
        })
        .collect();
    Groups {
        definition,
        groups,
        in_groups,
        alone,
        without_incident: offenders - involved.iter().filter(|&&i| i).count(),
    }
}

fn sorted_valid(members: &[u32], offenders: usize) -> Vec<u32> {
    let mut members: Vec<u32> = members
        .iter()
        .copied()
        .filter(|&m| (m as usize) < offenders)
        .collect();
    members.sort_unstable();
    members.dedup();
    members
}

/// Leiden communities of one component (modularity, seeded), each ascending, ordered by
/// their first member. Falls back to the whole component if the algorithm refuses the graph.
fn communities(members: &[u32], edges: &[(u32, u32)], seed: u64) -> Vec<Vec<u32>> {
    let index = |m: u32| members.binary_search(&m).ok();
    let mut builder = leiden_rs::GraphDataBuilder::new(members.len());
    for &(a, b) in edges {
        if let (Some(a), Some(b)) = (index(a), index(b))
            && builder.add_edge(a, b, 1.0).is_err()
        {
            return vec![members.to_vec()];
        }
    }
    let config = leiden_rs::LeidenConfig {
        seed: Some(seed),
        ..leiden_rs::LeidenConfig::default()
    };
    let Ok(output) = builder
        .build()
        .and_then(|graph| leiden_rs::Leiden::new(config).run(&graph))
    else {
        return vec![members.to_vec()];
    };
    let mut by_community: std::collections::BTreeMap<usize, Vec<u32>> =
        std::collections::BTreeMap::new();
    for (at, &m) in members.iter().enumerate() {
        by_community
            .entry(output.partition.community_of(at))
            .or_default()
            .push(m);
    }
    let mut found: Vec<Vec<u32>> = by_community.into_values().collect();
    found.sort_by_key(|c| c[0]);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(offenders: &[u32], victims: &[u32], force: u32) -> Event {
        Event {
            offenders: offenders.to_vec(),
            victims: victims.to_vec(),
            day: Some(i64::from(force) * 10),
            area: Some(force),
            force,
        }
    }

    #[test]
    fn co_offenders_form_components_and_lone_offenders_are_counted_apart() {
        // 0-1 together, 1-2 together later (same group through 1), 3 alone, 4 and 5 share a
        // victim but never an incident, 6 has no incident.
        let events = [
            event(&[0, 1], &[10], 1),
            event(&[1, 2], &[11], 2),
            event(&[3], &[12], 1),
            event(&[4], &[13], 1),
            event(&[5], &[13], 3),
        ];
        let incident = groups(&events, 7, Definition::SharedIncident, &Options::default());
        assert_eq!(incident.groups.len(), 1);
        let group = &incident.groups[0];
        assert_eq!(group.members, vec![0, 1, 2]);
        assert_eq!((group.victims, group.incidents, group.forces), (2, 2, 2));
        assert_eq!((group.first_day, group.last_day), (Some(10), Some(20)));
        assert_eq!(
            (
                incident.in_groups,
                incident.alone,
                incident.without_incident
            ),
            (3, 3, 1)
        );

        let victim = groups(&events, 7, Definition::SharedVictim, &Options::default());
        assert_eq!(victim.groups.len(), 2);
        assert_eq!(victim.groups[1].members, vec![4, 5]);
        assert_eq!(victim.groups[1].forces, 2);
        assert_eq!(victim.in_groups, 5);
    }

    #[test]
    fn a_large_component_made_of_two_cliques_splits_into_two_communities() {
        // Two cliques of 12 joined by one shared incident between 0 and 12.
        let mut events = Vec::new();
        for base in [0u32, 12] {
            for a in base..base + 12 {
                for b in a + 1..base + 12 {
                    events.push(event(&[a, b], &[100 + a], 1));
                }
            }
        }
        events.push(event(&[0, 12], &[500], 1));
        let found = groups(&events, 24, Definition::SharedIncident, &Options::default());
        assert_eq!(found.groups.len(), 1);
        let communities = &found.groups[0].communities;
        assert_eq!(communities.len(), 2, "{communities:?}");
        assert_eq!(communities[0], (0..12).collect::<Vec<_>>());
        assert_eq!(communities[1], (12..24).collect::<Vec<_>>());
        // Same input, same communities.
        let again = groups(&events, 24, Definition::SharedIncident, &Options::default());
        assert_eq!(again.groups, found.groups);
    }
}
