//! What really happened in the synthetic world, before any agency recorded it?
//!
//! Agencies, people (victims, offenders, and a background of other children known to
//! agencies), groups that offend together, incidents and missing episodes, drawn from one
//! seeded ChaCha generator: its first stream for everything but the episodes, further streams
//! (one per chunk of people, drawn in parallel) for those. At scale 1 the totals follow the
//! 2011 assessment in BRIEF.md.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sightline_standard::PartialDate;

pub const POLICE_FORCES: usize = 43;
pub const LOCAL_AUTHORITIES: usize = 150;
pub const HEALTH_BODIES: usize = 30;
pub const CHARITIES: usize = 10;

/// Victims no police force knows of, at scale 1, beside the 2,083 victims of the police's
/// incidents. Few enough that the victims known to some agency stay within 5% of the 2011
/// assessment's 2,083 (about 85 of them are known to another agency).
pub const UNSEEN_BY_POLICE: f64 = 220.0;
/// The chance that children's services know a victim no police force knows of (they know
/// every victim the police know, where the council returned): a child known to the police is
/// more likely to be known to children's services.
pub const CHILDRENS_SERVICES_KNOW_UNSEEN: f64 = 0.2;
/// The generator stream of those victims (the episodes use streams 1, 2, ... per chunk).
const UNSEEN_STREAM: u64 = 1 << 48;

/// The three years the world covers, as days since 1970-01-01.
pub const PERIOD_START: i64 = 18_718; // 2021-04-01
pub const PERIOD_END: i64 = 19_813; // 2024-03-31

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AgencyKind {
    Police,
    ChildrensServices,
    SafeguardingBoard,
    Health,
    Charity,
}

impl AgencyKind {
    pub fn code(self) -> &'static str {
        match self {
            AgencyKind::Police => "police",
            AgencyKind::ChildrensServices => "childrens_services",
            AgencyKind::SafeguardingBoard => "safeguarding_board",
            AgencyKind::Health => "health",
            AgencyKind::Charity => "charity",
        }
    }
}

#[derive(Debug, Clone)]
pub struct Agency {
    pub id: String,
    pub name: String,
    pub kind: AgencyKind,
    pub area: String,
    pub requested: bool,
    pub returned: bool,
    /// Position among agencies of its kind.
    pub index: usize,
    /// Position in `World::agencies`.
    pub position: u16,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Victim,
    Offender,
    /// A child known to agencies who is not a victim in this world.
    Background,
}

#[derive(Debug, Clone)]
pub struct Person {
    pub id: u32,
    pub role: Role,
    pub female: bool,
    pub birth: PartialDate,
    /// A 2021 ethnicity code.
    pub ethnicity: &'static str,
    /// ISO alpha-3.
    pub nationality: &'static str,
    /// Index of the local authority where the person lives.
    pub la: usize,
    pub looked_after: bool,
    /// Whether the council's children's services know the child (every child but some of the
    /// victims no police force knows of: see [`UNSEEN_BY_POLICE`]).
    pub known_to_childrens_services: bool,
    pub given: &'static str,
    pub family: &'static str,
    pub postcode: Postcode,
}

/// A synthetic postcode (`ZZ12 3AB`: the reserved `ZZ` area, so it is never a real one), kept
/// as its parts: there are millions of people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Postcode {
    /// 1 to 99.
    pub district: u8,
    /// 0 to 9.
    pub sector: u8,
    /// Two letters.
    pub unit: [u8; 2],
}

impl Postcode {
    pub fn text(&self) -> String {
        let mut text = String::with_capacity(8);
        text.push_str("ZZ");
        if self.district >= 10 {
            text.push(char::from(b'0' + self.district / 10 % 10));
        }
        text.push(char::from(b'0' + self.district % 10));
        text.push(' ');
        text.push(char::from(b'0' + self.sector % 10));
        text.push(char::from(self.unit[0]));
        text.push(char::from(self.unit[1]));
        text
    }
}

#[derive(Debug, Clone)]
pub struct Incident {
    pub id: u32,
    pub first: i64,
    pub last: i64,
    pub offence: &'static str,
    pub location: &'static str,
    pub la: usize,
    pub outcome: &'static str,
    pub offenders: Vec<u32>,
    pub victims: Vec<u32>,
    pub group: Option<u32>,
}

#[derive(Debug, Clone)]
pub struct Episode {
    pub person: u32,
    pub start: i64,
    pub end: i64,
    pub away: bool,
    pub from_care: bool,
}

#[derive(Debug, Clone)]
pub struct World {
    pub agencies: Vec<Agency>,
    pub persons: Vec<Person>,
    pub incidents: Vec<Incident>,
    /// Groups as lists of offender ids.
    pub groups: Vec<Vec<u32>>,
    /// Ordered by person: each person's episodes are one run.
    pub episodes: Vec<Episode>,
}

/// Picks from weighted choices.
pub fn weighted<T: Copy>(rng: &mut ChaCha8Rng, choices: &[(T, u32)]) -> T {
    let total: u32 = choices.iter().map(|(_, w)| w).sum();
    let mut pick = rng.random_range(0..total.max(1));
    for (value, weight) in choices {
        if pick < *weight {
            return *value;
        }
        pick -= weight;
    }
    choices[0].0
}

const VICTIM_ETHNICITY: &[(&str, u32)] = &[
    ("white_british", 72),
    ("white_other", 5),
    ("mixed_white_black_caribbean", 6),
    ("mixed_white_asian", 3),
    ("asian_pakistani", 4),
    ("asian_bangladeshi", 1),
    ("black_african", 3),
    ("black_caribbean", 2),
    ("white_roma", 1),
    ("other_any", 3),
];

const OFFENDER_ETHNICITY: &[(&str, u32)] = &[
    ("white_british", 42),
    ("white_other", 5),
    ("asian_pakistani", 22),
    ("asian_bangladeshi", 4),
    ("asian_indian", 2),
    ("asian_other", 3),
    ("black_african", 5),
    ("black_caribbean", 4),
    ("mixed_white_black_caribbean", 4),
    ("other_arab", 4),
    ("other_any", 5),
];

const NATIONALITY: &[(&str, u32)] = &[
    ("GBR", 86),
    ("POL", 3),
    ("ROU", 3),
    ("PAK", 2),
    ("IRQ", 1),
    ("AFG", 1),
    ("ERI", 1),
    ("IRL", 1),
    ("NGA", 1),
    ("ALB", 1),
];

const OFFENCE: &[(&str, u32)] = &[
    ("sexual_activity_with_child", 30),
    ("rape", 15),
    ("sexual_assault", 15),
    ("causing_child_sexual_activity", 8),
    ("grooming", 8),
    ("sexual_exploitation", 12),
    ("sexual_communication", 6),
    ("trafficking", 3),
    ("abduction", 3),
];

const LOCATION: &[(&str, u32)] = &[
    ("private_dwelling", 30),
    ("takeaway", 10),
    ("street", 12),
    ("park", 8),
    ("vehicle", 14),
    ("hotel", 7),
    ("near_childrens_home", 6),
    ("online", 8),
    ("shopping_centre", 3),
    ("transport_hub", 2),
];

/// Police outcomes and court results with report → charge → conviction attrition.
const OUTCOME: &[(&str, u32)] = &[
    ("investigation_ongoing", 12),
    ("nfa_evidential_victim_does_not_support", 22),
    ("nfa_evidential_victim_supports", 18),
    ("nfa_suspect_not_identified", 6),
    ("nfa_public_interest", 3),
    ("cautioned", 4),
    ("charged_summonsed", 12),
    ("convicted", 15),
    ("acquitted", 5),
    ("case_discontinued", 3),
];

/// A valid NHS number (check digit right) from a number.
pub fn nhs_number(seed: u64) -> String {
    let mut base = 400_000_000 + (seed * 7_919) % 500_000_000;
    loop {
        let digits: Vec<u64> = base
            .to_string()
            .bytes()
            .map(|b| u64::from(b - b'0'))
            .collect();
        let sum: u64 = digits
            .iter()
            .enumerate()
            .map(|(i, d)| d * (10 - i as u64))
            .sum();
        let check = 11 - sum % 11;
        if check < 10 {
            return format!("{base}{check}");
        }
        if check == 11 {
            return format!("{base}0");
        }
        base += 1;
    }
}

fn date(days: i64) -> PartialDate {
    PartialDate::from_days_since_epoch(days).unwrap_or(PartialDate {
        year: 2000,
        month: Some(1),
        day: Some(1),
    })
}

/// A local authority's code (`E06000001` for the first), as returns and the truth write it.
pub fn la_code(la: usize) -> &'static str {
    static CODES: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
        (0..LOCAL_AUTHORITIES)
            .map(|la| format!("E06{:06}", la + 1))
            .collect()
    });
    CODES.get(la).map_or("", String::as_str)
}

/// Each person's first incident day, by person id (0 unused): where ages are set, and where
/// the truth measures them.
pub fn first_incident_days(incidents: &[Incident], persons: usize) -> Vec<Option<i64>> {
    let mut first = vec![None; persons + 1];
    for incident in incidents {
        for &person in incident.victims.iter().chain(&incident.offenders) {
            if let Some(day) = first.get_mut(person as usize) {
                *day = Some(day.map_or(incident.first, |day: i64| day.min(incident.first)));
            }
        }
    }
    first
}

/// The force that polices a local authority.
pub fn force_of(la: usize) -> usize {
    la % POLICE_FORCES
}

impl Person {
    /// The person's NHS number (made from the id, so it need not be stored).
    pub fn nhs_number(&self) -> String {
        nhs_number(u64::from(self.id))
    }
}

impl World {
    pub fn generate(scale: f64, seed: u64) -> World {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let count = |n: f64| ((n * scale).round() as usize).max(1);
        let agencies = agencies(&mut rng);
        let n_victims = count(2083.0);
        let n_offenders = count(2379.0);
        let n_background = n_victims * 10;
        let n_groups = count(230.0);

        let mut persons = Vec::with_capacity(n_victims + n_offenders + n_background);
        let names = crate::name_model::NameModel::new();
        let person = |rng: &mut ChaCha8Rng, role: Role, id: u32| {
            let female = match role {
                Role::Victim => rng.random_bool(0.87),
                Role::Offender => rng.random_bool(0.03),
                Role::Background => rng.random_bool(0.5),
            };
            let age_days = match role {
                Role::Victim => rng.random_range(12 * 365..18 * 365 - 30),
                Role::Background => rng.random_range(8 * 365..18 * 365 - 30),
                Role::Offender => {
                    let (from, to) =
                        weighted(rng, &[((18, 25), 60), ((25, 35), 25), ((35, 60), 15)]);
                    rng.random_range(from * 365..to * 365)
                }
            };
            let reference_day = rng.random_range(PERIOD_START..PERIOD_END);
            let ethnicity = match role {
                Role::Offender => weighted(rng, OFFENDER_ETHNICITY),
                _ => weighted(rng, VICTIM_ETHNICITY),
            };
            let la = rng.random_range(0..LOCAL_AUTHORITIES);
            let birth = date(reference_day - age_days);
            let cluster = crate::name_model::cluster_for_ethnicity(ethnicity, rng);
            let given = names.given(cluster, female, birth.year, rng);
            let household = names.family(cluster, rng);
            let family = names
                .own_family(cluster, female, household, rng)
                .as_static();
            Person {
                id,
                role,
                female,
                birth,
                ethnicity,
                nationality: weighted(rng, NATIONALITY),
                la,
                looked_after: role != Role::Offender
                    && rng.random_bool(if role == Role::Victim { 0.35 } else { 0.08 }),
                known_to_childrens_services: true,
                given,
                family,
                postcode: Postcode {
                    district: 1 + (la % 99) as u8,
                    sector: rng.random_range(0..10i32) as u8,
                    unit: [
                        b'A' + rng.random_range(0..26u8),
                        b'A' + rng.random_range(0..26u8),
                    ],
                },
            }
        };
        let mut next_id = 1u32;
        for (role, n) in [
            (Role::Victim, n_victims),
            (Role::Offender, n_offenders),
            (Role::Background, n_background),
        ] {
            for _ in 0..n {
                persons.push(person(&mut rng, role, next_id));
                next_id += 1;
            }
        }
        let victims: Vec<u32> = persons
            .iter()
            .filter(|p| p.role == Role::Victim)
            .map(|p| p.id)
            .collect();
        let offenders: Vec<u32> = persons
            .iter()
            .filter(|p| p.role == Role::Offender)
            .map(|p| p.id)
            .collect();

        // Groups of 2 to 20+, then lone offenders.
        let mut groups: Vec<Vec<u32>> = Vec::with_capacity(n_groups);
        let mut cursor = 0usize;
        for _ in 0..n_groups {
            let size = weighted(
                &mut rng,
                &[
                    (2usize, 40),
                    (3, 22),
                    (4, 12),
                    (5, 8),
                    (6, 6),
                    (8, 5),
                    (12, 4),
                    (20, 2),
                    (26, 1),
                ],
            );
            if cursor + size > offenders.len() {
                break;
            }
            groups.push(offenders[cursor..cursor + size].to_vec());
            cursor += size;
        }
        let lone: Vec<u32> = offenders[cursor..].to_vec();

        // Incidents: each group several, each lone offender one; victims dealt round.
        let mut incidents = Vec::new();
        let mut victim_cursor = 0usize;
        let next_victim = |rng: &mut ChaCha8Rng, cursor: &mut usize| {
            let victim = if *cursor < victims.len() {
                victims[*cursor]
            } else {
                victims[rng.random_range(0..victims.len())]
            };
            *cursor += 1;
            victim
        };
        let mut incident_id = 1u32;
        let persons_la = |id: u32| persons[(id - 1) as usize].la;
        let mut add_incident =
            |rng: &mut ChaCha8Rng, offenders: Vec<u32>, victims: Vec<u32>, group: Option<u32>| {
                let first = rng.random_range(PERIOD_START..PERIOD_END - 30);
                let last = first + rng.random_range(0..120).min(PERIOD_END - first);
                let la = persons_la(victims[0]);
                incidents.push(Incident {
                    id: incident_id,
                    first,
                    last,
                    offence: weighted(rng, OFFENCE),
                    location: weighted(rng, LOCATION),
                    la,
                    outcome: weighted(rng, OUTCOME),
                    offenders,
                    victims,
                    group,
                });
                incident_id += 1;
            };
        let group_victim_share = (victims.len() as f64 * 0.6) as usize;
        for (index, members) in groups.iter().enumerate() {
            let n_incidents = 1 + members.len() / 2 + rng.random_range(0..3);
            for _ in 0..n_incidents {
                let involved: Vec<u32> = members
                    .iter()
                    .copied()
                    .filter(|_| rng.random_bool(0.6))
                    .collect();
                let involved = if involved.is_empty() {
                    vec![members[0]]
                } else {
                    involved
                };
                let n_victims = 1 + rng.random_range(0..2);
                let victims_here: Vec<u32> = (0..n_victims)
                    .map(|_| {
                        if victim_cursor < group_victim_share {
                            next_victim(&mut rng, &mut victim_cursor)
                        } else {
                            victims[rng.random_range(0..victims.len())]
                        }
                    })
                    .collect();
                add_incident(&mut rng, involved, victims_here, Some(index as u32 + 1));
            }
        }
        for offender in lone {
            let victim = next_victim(&mut rng, &mut victim_cursor);
            add_incident(&mut rng, vec![offender], vec![victim], None);
        }
        // Any victim not yet in an incident gets one with a lone offender already used.
        while victim_cursor < victims.len() {
            let victim = next_victim(&mut rng, &mut victim_cursor);
            let offender = offenders[rng.random_range(0..offenders.len())];
            add_incident(&mut rng, vec![offender], vec![victim], None);
        }

        // Every member of a group offended at least once.
        let mut by_group: Vec<Vec<usize>> = vec![Vec::new(); groups.len()];
        for (index, incident) in incidents.iter().enumerate() {
            if let Some(group) = incident.group {
                by_group[group as usize - 1].push(index);
            }
        }
        for (members, group_incidents) in groups.iter().zip(&by_group) {
            let Some(&first) = group_incidents.first() else {
                continue;
            };
            for member in members {
                let offended = group_incidents
                    .iter()
                    .any(|&i| incidents[i].offenders.contains(member));
                if !offended {
                    incidents[first].offenders.push(*member);
                }
            }
        }
        // Ages are set at each person's first incident: victims mostly 12 to 17, offenders
        // mostly 18 to 24.
        let first_day = first_incident_days(&incidents, persons.len());
        for person in &mut persons {
            let Some(day) = first_day[person.id as usize] else {
                continue;
            };
            let (from, to) = match person.role {
                Role::Victim => weighted(
                    &mut rng,
                    &[((11, 13), 8), ((13, 16), 62), ((16, 18), 28), ((18, 19), 2)],
                ),
                _ => weighted(
                    &mut rng,
                    &[
                        ((16, 18), 4),
                        ((18, 25), 58),
                        ((25, 35), 24),
                        ((35, 60), 14),
                    ],
                ),
            };
            let age_days = rng.random_range(from * 365 + 1..to * 365 - 1);
            person.birth = date(day - age_days);
        }

        // Victims no police force knows of (issue 16): drawn from a stream of their own after
        // everyone else, so every other person, incident and episode is what it was without
        // them. They are in no incident; children's services know fewer of them than of the
        // victims the police know (lists depend on each other), health bodies and charities
        // know them as they know any victim in their patch, and the rest are known to no
        // agency at all: the truth's `victims_total` counts them, `victims` does not.
        let mut unseen = ChaCha8Rng::seed_from_u64(seed);
        unseen.set_stream(UNSEEN_STREAM);
        for _ in 0..count(UNSEEN_BY_POLICE) {
            let mut victim = person(&mut unseen, Role::Victim, next_id);
            victim.known_to_childrens_services = unseen.random_bool(CHILDRENS_SERVICES_KNOW_UNSEEN);
            persons.push(victim);
            next_id += 1;
        }

        let episodes = episodes(&persons, seed);
        World {
            agencies,
            persons,
            incidents,
            groups,
            episodes,
        }
    }

    pub fn person(&self, id: u32) -> &Person {
        &self.persons[(id - 1) as usize]
    }
}

/// People whose episodes are drawn from one generator stream: streams are independent, so
/// chunks are drawn in parallel and the world is the same for any number of threads.
const EPISODE_CHUNK: usize = 4096;

/// Missing episodes over the period and the year before it: about 40% of victims go missing,
/// far fewer other children (one in ten of those known to agencies). Those who go missing
/// mostly do so again and again: children in care about 25 times over the four years, children
/// at home about 9 (a geometric number of repeats, a few far more).
fn episodes(persons: &[Person], seed: u64) -> Vec<Episode> {
    use rayon::prelude::*;
    let chunks: Vec<Vec<Episode>> = persons
        .par_chunks(EPISODE_CHUNK)
        .enumerate()
        .map(|(chunk, persons)| {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            // Stream 0 draws the rest of the world.
            rng.set_stream(1 + chunk as u64);
            let mut episodes = Vec::new();
            for person in persons {
                let share = match person.role {
                    Role::Victim => 0.41,
                    Role::Background => 0.10,
                    Role::Offender => 0.0,
                };
                if !rng.random_bool(share) {
                    continue;
                }
                let mean_repeats = if person.looked_after { 24.0 } else { 8.0 };
                let mut count = 1;
                while count < 300 && !rng.random_bool(1.0 / (1.0 + mean_repeats)) {
                    count += 1;
                }
                for _ in 0..count {
                    let start = rng.random_range(PERIOD_START - 365..PERIOD_END - 5);
                    episodes.push(Episode {
                        person: person.id,
                        start,
                        end: start + rng.random_range(0..5),
                        away: rng.random_bool(0.25),
                        from_care: person.looked_after && rng.random_bool(0.9),
                    });
                }
            }
            episodes
        })
        .collect();
    chunks.concat()
}

fn agencies(rng: &mut ChaCha8Rng) -> Vec<Agency> {
    let kinds = [
        (
            AgencyKind::Police,
            POLICE_FORCES,
            "POL",
            "Police force",
            "E23",
        ),
        (
            AgencyKind::ChildrensServices,
            LOCAL_AUTHORITIES,
            "LA",
            "Children's services",
            "E06",
        ),
        (
            AgencyKind::SafeguardingBoard,
            LOCAL_AUTHORITIES,
            "SB",
            "Safeguarding board",
            "E06",
        ),
        (
            AgencyKind::Health,
            HEALTH_BODIES,
            "HB",
            "Health body",
            "E54",
        ),
        (AgencyKind::Charity, CHARITIES, "CH", "Charity", "E12"),
    ];
    let mut agencies = Vec::new();
    for (kind, count, prefix, label, area_prefix) in kinds {
        let width = if count > 99 { 3 } else { 2 };
        // 13 boards reply, as in the 2011 assessment.
        let mut boards_returning = Vec::new();
        if kind == AgencyKind::SafeguardingBoard {
            while boards_returning.len() < 13 {
                let board = rng.random_range(0..LOCAL_AUTHORITIES);
                if !boards_returning.contains(&board) {
                    boards_returning.push(board);
                }
            }
        }
        for index in 0..count {
            let (requested, returned) = match kind {
                AgencyKind::Police => (true, true),
                AgencyKind::ChildrensServices => (true, rng.random_bool(0.85)),
                AgencyKind::SafeguardingBoard => (true, boards_returning.contains(&index)),
                AgencyKind::Health => (index < 12, index < 5),
                AgencyKind::Charity => (index < 8, index < 4),
            };
            // Three charities are national; the others regional.
            let area = match kind {
                AgencyKind::Charity if index < 3 => "E92000001".to_string(),
                AgencyKind::Charity => format!("{area_prefix}{index:06}"),
                _ => format!("{area_prefix}{:06}", index + 1),
            };
            agencies.push(Agency {
                id: format!("{prefix}{:0width$}", index + 1),
                name: format!("{label} {:0width$}", index + 1),
                kind,
                area,
                requested,
                returned,
                index,
                position: u16::try_from(agencies.len()).unwrap_or(u16::MAX),
            });
        }
    }
    agencies
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nhs_numbers_are_valid() {
        for seed in 0..500 {
            let number = nhs_number(seed);
            assert!(
                sightline_standard::identifiers::parse_nhs_number(&number).is_ok(),
                "{number}"
            );
        }
    }

    #[test]
    fn scale_one_has_the_assessment_totals() {
        let world = World::generate(1.0, 7);
        let count = |role| world.persons.iter().filter(|p| p.role == role).count();
        assert_eq!(count(Role::Victim), 2083 + 220);
        assert_eq!(count(Role::Offender), 2379);
        assert_eq!(world.groups.len(), 230);
        assert!(world.groups.iter().all(|g| g.len() >= 2));
        let mut in_incidents: Vec<u32> = world
            .incidents
            .iter()
            .flat_map(|i| i.victims.clone())
            .collect();
        in_incidents.sort_unstable();
        in_incidents.dedup();
        assert_eq!(
            in_incidents.len(),
            2083,
            "every victim but those no police force knows of is in an incident"
        );
        let unseen = world
            .persons
            .iter()
            .filter(|p| p.role == Role::Victim && in_incidents.binary_search(&p.id).is_err());
        let (unseen, csc) = unseen.fold((0, 0), |(n, c), p| {
            (n + 1, c + usize::from(p.known_to_childrens_services))
        });
        assert_eq!(unseen, 220);
        // About a fifth of them are known to children's services.
        assert!((25..70).contains(&csc), "{csc}");
        let police_returning = world
            .agencies
            .iter()
            .filter(|a| a.kind == AgencyKind::Police && a.returned)
            .count();
        assert_eq!(police_returning, 43);
        let boards = world
            .agencies
            .iter()
            .filter(|a| a.kind == AgencyKind::SafeguardingBoard && a.returned)
            .count();
        assert_eq!(boards, 13);
    }
}
