//! Were the victims missing? Victims' missing history and episodes (from any agency), the
//! timing of the first episode against the first incident, and the same share among the other
//! children in the returns, so that the contrast has a base.
//!
//! A victim's status: `missing` if any agency recorded an episode or a missing history of
//! `yes`; `not_missing` if none did and at least one recorded `no`; otherwise no information
//! (`not_known`), which is kept in the base of the status figures and out of the base of the
//! share missing, whose bounds then say what it would be either way.
//!
//! Only agencies that returned the missing-episodes table or filled the missing-history field
//! could say; victims known only to other agencies are left out of every base (their status is
//! `not_collected`), and figures about episodes count only victims known to agencies that
//! returned the episodes table. With no such agency, the figure is not collected, not 0%.

use crate::Missing;
use crate::collected::{self, Field, Sources};
use crate::figure::{Collection, Figure, Order, Unknowns, breakdown, quartiles, step};
use crate::people::{People, Person};
use crate::sections::Role;

const EPISODES: &str = "missing_episodes";

/// Whether an agency could record going missing: it returned episodes or filled the history.
fn records_missing(sources: &Sources, agency: usize) -> bool {
    sources.returned(agency, EPISODES) || sources.filled(agency, Field::MissingHistory)
}

fn status(person: &Person, sources: &Sources) -> &'static str {
    if !person.agencies.iter().any(|&a| records_missing(sources, a)) {
        "not_collected"
    } else if person.episodes > 0 || *person.missing_history == *"yes" {
        "missing"
    } else if *person.missing_history == *"no" {
        "not_missing"
    } else {
        "not_known"
    }
}

pub(crate) fn missing(people: &People, data: &sightline_store::analysis::Analysis) -> Missing {
    let sources = &people.sources;
    let status = |p: &Person| status(p, sources);
    let returned_episodes = |a: usize| sources.returned(a, EPISODES);
    let knows_episodes = |p: &Person| p.agencies.iter().any(|&a| returned_episodes(a));
    // Who could record what, over a population.
    let collection =
        |members: &[&Person], label: &str, source: &str, could: &dyn Fn(usize) -> bool| {
            collected::collection(
                members.iter().map(|p| p.agencies.as_slice()),
                could,
                source,
                label,
            )
        };
    const STATUS_SOURCE: &str =
        "returned the missing-episodes table or recorded a history of going missing";
    const EPISODE_SOURCE: &str = "returned the missing-episodes table";
    let any_source = |a: usize| records_missing(sources, a);
    let all_victims: Vec<&Person> = people.people.iter().filter(|p| p.victim).collect();
    let status_collection = collection(&all_victims, "victims", STATUS_SOURCE, &any_source);
    let episode_collection =
        collection(&all_victims, "victims", EPISODE_SOURCE, &returned_episodes);
    // The base of the status figures: victims known to an agency that could say.
    let victims: Vec<&Person> = all_victims
        .iter()
        .copied()
        .filter(|p| status(p) != "not_collected")
        .collect();
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
        )
        .collected(status_collection.clone()),
        Figure::of_all(
            "missing.victims_status.not_missing",
            "recorded as not missing",
            not_missing,
            all,
            "victims",
            none,
            funnel.clone(),
        )
        .collected(status_collection.clone()),
        Figure::of_all(
            "missing.victims_status.no_information",
            "no information on going missing",
            no_information,
            all,
            "victims",
            none,
            funnel.clone(),
        )
        .collected(status_collection.clone()),
    ];
    let unknown = Unknowns {
        not_known: no_information,
        not_collected: status_collection.left_out,
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
    )
    .collected(status_collection.clone());
    let with_episode = all_victims.iter().filter(|p| p.episodes > 0).count() as u64;
    let episode_base = all_victims.iter().filter(|p| knows_episodes(p)).count() as u64;
    let victims_with_episode = Figure::of_all(
        "missing.victims_with_episode",
        "victims with a recorded missing episode",
        with_episode,
        episode_base,
        "victims",
        none,
        funnel.clone(),
    )
    .collected(episode_collection.clone());
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
    )
    .collected(Collection {
        left_out: 0,
        ..episode_collection.clone()
    });
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
    )
    .collected(
        EPISODE_SOURCE,
        episode_collection.agencies,
        episode_collection.of_agencies,
    );
    let victims_episode_kind = breakdown(
        "missing.episodes.kind",
        "missing or away",
        "missing episodes of victims",
        &episode_funnel,
        episodes.iter().map(|e| &*e.kind),
        Order::Fixed(&["missing", "away"]),
    )
    .collected(
        EPISODE_SOURCE,
        episode_collection.agencies,
        episode_collection.of_agencies,
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
    let other_episode_base = others.iter().filter(|p| knows_episodes(p)).count() as u64;
    let other_missing = others.iter().filter(|p| status(p) == "missing").count() as u64;
    let other_known = others
        .iter()
        .filter(|p| !matches!(status(p), "not_known" | "not_collected"))
        .count() as u64;
    let other_reached = others
        .iter()
        .filter(|p| status(p) != "not_collected")
        .count() as u64;
    let other_episodes = collection(
        &others,
        "other children",
        EPISODE_SOURCE,
        &returned_episodes,
    );
    let other_status = collection(&others, "other children", STATUS_SOURCE, &any_source);
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
            other_episode_base,
            "other children (known to agencies, not victims)",
            none,
            other_funnel.clone(),
        )
        .collected(other_episodes),
        other_children_missing: Figure::of_known(
            "missing.other_children_missing",
            "other children recorded as missing",
            other_missing,
            other_known,
            "other children with information on going missing",
            Unknowns {
                not_known: other_reached - other_known,
                not_collected: other_status.left_out,
                ..Unknowns::default()
            },
            other_funnel,
        )
        .collected(other_status),
    }
}
