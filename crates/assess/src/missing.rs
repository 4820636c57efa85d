//! Were the victims missing? Victims' missing history and episodes (from any agency), the
//! timing of the first episode against the first incident, and the same share among the other
//! children in the returns, so that the contrast has a base.
//!
//! A victim's status: `missing` if any agency recorded an episode or a missing history of
//! `yes`; `not_missing` if none did and at least one recorded `no`; otherwise no information
//! (`not_known`), which is kept in the base of the status figures and out of the base of the
//! share missing, whose bounds then say what it would be either way.

use crate::Missing;
use crate::figure::{Figure, Order, Unknowns, breakdown, quartiles, step};
use crate::people::{People, Person};
use crate::sections::Role;

fn status(person: &Person) -> &'static str {
    if person.episodes > 0 || *person.missing_history == *"yes" {
        "missing"
    } else if *person.missing_history == *"no" {
        "not_missing"
    } else {
        "not_known"
    }
}

pub(crate) fn missing(people: &People, data: &sightline_store::analysis::Analysis) -> Missing {
    let victims: Vec<&Person> = people.people.iter().filter(|p| p.victim).collect();
    let all = victims.len() as u64;
    let funnel = vec![
        step("people after linkage", people.people.len() as u64),
        step("victims", all),
    ];
    let count = |wanted: &str| victims.iter().filter(|p| status(p) == wanted).count() as u64;
    let (missing, not_missing, no_information) =
        (count("missing"), count("not_missing"), count("not_known"));
    let none = Unknowns::default();
    let victims_status = vec![
        Figure::of_all(
            "missing.victims_status.missing",
            "recorded as missing (an episode or a history of going missing)",
            missing,
            all,
            "victims",
            none,
            funnel.clone(),
        ),
        Figure::of_all(
            "missing.victims_status.not_missing",
            "recorded as not missing",
            not_missing,
            all,
            "victims",
            none,
            funnel.clone(),
        ),
        Figure::of_all(
            "missing.victims_status.no_information",
            "no information on going missing",
            no_information,
            all,
            "victims",
            none,
            funnel.clone(),
        ),
    ];
    let unknown = Unknowns {
        not_known: no_information,
        ..Unknowns::default()
    };
    let mut known_funnel = funnel.clone();
    known_funnel.push(step(
        "victims with missing information",
        missing + not_missing,
    ));
    let victims_missing = Figure::of_known(
        "missing.victims_missing",
        "victims recorded as missing",
        missing,
        missing + not_missing,
        "victims with information on going missing",
        unknown,
        known_funnel,
    );
    let with_episode = victims.iter().filter(|p| p.episodes > 0).count() as u64;
    let victims_with_episode = Figure::of_all(
        "missing.victims_with_episode",
        "victims with a recorded missing episode",
        with_episode,
        all,
        "victims",
        none,
        funnel.clone(),
    );
    let timed: Vec<&&Person> = victims
        .iter()
        .filter(|p| p.first_episode.is_some() && p.first_incident.is_some())
        .collect();
    let before: Vec<i64> = timed
        .iter()
        .filter_map(|p| {
            let gap = p.first_incident? - p.first_episode?;
            (gap > 0).then_some(gap)
        })
        .collect();
    let mut timed_funnel = funnel.clone();
    timed_funnel.push(step("victims with an episode", with_episode));
    timed_funnel.push(step("and an incident with a date", timed.len() as u64));
    let episode_before_first_incident = Figure::of_all(
        "missing.episode_before_first_incident",
        "victims whose first missing episode came before their first incident",
        before.len() as u64,
        timed.len() as u64,
        "victims with a missing episode and a dated incident",
        none,
        timed_funnel,
    );
    let days = quartiles(
        "missing.days_first_episode_to_first_incident",
        "days from first missing episode to first incident",
        "victims whose first episode came before their first incident",
        before,
    );

    // Victims' episodes: from where, and missing or away.
    let is_victim = |key: u64| {
        people
            .by_key
            .get(&key)
            .is_some_and(|&p| people.people[p].victim)
    };
    let episodes: Vec<&sightline_store::analysis::EpisodeRow> = data
        .episodes
        .iter()
        .filter(|e| is_victim(e.person_key))
        .collect();
    let episode_funnel = vec![step("missing episodes of victims", episodes.len() as u64)];
    let victims_missing_from = breakdown(
        "missing.episodes.from",
        "where the child went missing from",
        "missing episodes of victims",
        &episode_funnel,
        episodes.iter().map(|e| &*e.missing_from),
        Order::Fixed(&["home", "care"]),
    );
    let victims_episode_kind = breakdown(
        "missing.episodes.kind",
        "missing or away",
        "missing episodes of victims",
        &episode_funnel,
        episodes.iter().map(|e| &*e.kind),
        Order::Fixed(&["missing", "away"]),
    );

    let others: Vec<&Person> = people
        .people
        .iter()
        .filter(|p| Role::OtherChild.holds(p))
        .collect();
    let other_funnel = vec![
        step("people after linkage", people.people.len() as u64),
        step("other children", others.len() as u64),
    ];
    let other_with_episode = others.iter().filter(|p| p.episodes > 0).count() as u64;
    let other_missing = others.iter().filter(|p| status(p) == "missing").count() as u64;
    let other_known = others.iter().filter(|p| status(p) != "not_known").count() as u64;
    Missing {
        victims_status,
        victims_missing,
        victims_with_episode,
        episode_before_first_incident,
        victims_missing_from,
        victims_episode_kind,
        days_first_episode_to_first_incident: days,
        other_children_with_episode: Figure::of_all(
            "missing.other_children_with_episode",
            "other children with a recorded missing episode",
            other_with_episode,
            others.len() as u64,
            "other children (known to agencies, not victims)",
            none,
            other_funnel.clone(),
        ),
        other_children_missing: Figure::of_known(
            "missing.other_children_missing",
            "other children recorded as missing",
            other_missing,
            other_known,
            "other children with information on going missing",
            Unknowns {
                not_known: others.len() as u64 - other_known,
                ..Unknowns::default()
            },
            other_funnel,
        ),
    }
}
