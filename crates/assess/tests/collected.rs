//! Figures over returns where tables and fields are missing from some or all agencies: the base
//! is restricted to the people of the agencies that could record the thing counted, and where
//! none could, the figure is "not collected", never 0%.

use sightline_assess::figure::{Figure, Status};
use sightline_assess::{Assessment, Options, assess};
use sightline_store::analysis::{
    Analysis, EpisodeRow, IncidentRow, InvolvementRow, PersonRow, Text,
};
use sightline_store::{Agency, AgencySummary, ReturnSummary, TableCounts};

fn text(s: &str) -> Text {
    Text::from(s)
}

fn agency(id: &str, kind: &str) -> AgencySummary {
    AgencySummary {
        agency: Agency {
            agency_id: id.to_string(),
            name: id.to_string(),
            agency_type: kind.to_string(),
            area: "A".to_string(),
            requested: true,
            region: String::new(),
        },
        returns: 1,
        rows_accepted: 0,
        rows_rejected: 0,
    }
}

fn return_of(id: i64, agency: &str, tables: &[&str]) -> ReturnSummary {
    ReturnSummary {
        return_id: id,
        agency_id: agency.to_string(),
        period_from: None,
        period_to: None,
        files: Vec::new(),
        content_hash: format!("h{id}"),
        ingested_at: String::new(),
        user: String::new(),
        status: "current".to_string(),
        superseded_by: None,
        review_date: None,
        erased: None,
        tables: tables
            .iter()
            .map(|t| TableCounts {
                table: t.to_string(),
                read: 1,
                accepted: 1,
                rejected: 0,
            })
            .collect(),
    }
}

/// A person record: each is its own linked person.
fn person(record: i64, agency: usize, role: &str, missing_history: &str, sex: &str) -> PersonRow {
    PersonRow {
        record_id: record,
        agency,
        person_key: record as u64,
        person: Some(record),
        roles: text(role),
        sex: text(sex),
        ethnicity_group: text(""),
        ethnicity_precision: text(""),
        ethnicity_source: text("none"),
        ethnicity_observed_group: text(""),
        nationality: text(""),
        looked_after: text(""),
        missing_history: text(missing_history),
        identification: text("name_and_date_of_birth"),
        ..PersonRow::default()
    }
}

fn incident(key: u64, agency: usize, outcome: &str) -> IncidentRow {
    IncidentRow {
        agency,
        incident_key: key,
        first_date: Some(text("2010-05-01")),
        offence: text("rape_of_child"),
        cse_flag: text("yes"),
        location_type: text(""),
        local_authority: None,
        outcome: text(outcome),
    }
}

fn involvement(agency: usize, incident: u64, person: u64, role: &str) -> InvolvementRow {
    InvolvementRow {
        agency,
        incident_key: incident,
        person_key: person,
        role: text(role),
    }
}

/// Agency 0 (a children's service) returns missing episodes; agency 1 (another) does not, and
/// leaves missing history empty; agency 2 (police) records outcomes and names victims and
/// offenders; agency 3 (police) names offenders only and records no outcome.
fn partly_collected() -> Analysis {
    let agencies = vec![
        agency("CS1", "childrens_services"),
        agency("CS2", "childrens_services"),
        agency("POL1", "police"),
        agency("POL2", "police"),
    ];
    let returns = vec![
        return_of(1, "CS1", &["people", "missing_episodes"]),
        return_of(2, "CS2", &["people"]),
        return_of(3, "POL1", &["people", "incidents", "involvements"]),
        return_of(4, "POL2", &["people", "incidents", "involvements"]),
    ];
    let mut people = Vec::new();
    // CS1: victims 1–4, two with an episode, history recorded.
    for r in 1..=4 {
        people.push(person(
            r,
            0,
            "victim",
            if r <= 2 { "yes" } else { "no" },
            "F",
        ));
    }
    // CS2: victims 5–10, nothing on going missing; sex never recorded.
    for r in 5..=10 {
        people.push(person(r, 1, "victim", "", ""));
    }
    // POL1: offenders 11–12; POL2: offenders 13–15.
    for r in 11..=12 {
        people.push(person(r, 2, "suspect", "", "M"));
    }
    for r in 13..=15 {
        people.push(person(r, 3, "suspect", "", "M"));
    }
    let episodes = (1..=2)
        .map(|p| EpisodeRow {
            agency: 0,
            person_key: p,
            start: text("2010-01-01"),
            kind: text("missing"),
            missing_from: text("home"),
        })
        .collect();
    let incidents = vec![
        incident(100, 2, "convicted"),
        incident(101, 2, ""),
        incident(200, 3, ""),
        incident(201, 3, ""),
    ];
    let involvements = vec![
        involvement(2, 100, 11, "offender"),
        involvement(2, 100, 1, "victim"),
        involvement(2, 101, 12, "offender"),
        involvement(3, 200, 13, "offender"),
        involvement(3, 201, 14, "offender"),
        involvement(3, 201, 15, "offender"),
    ];
    Analysis {
        agencies,
        returns,
        linkage_run: Some(1),
        people,
        incidents,
        involvements,
        episodes,
        ..Analysis::default()
    }
}

fn figure<'a>(a: &'a Assessment, id: &str) -> &'a Figure {
    a.figure(id).unwrap_or_else(|| panic!("no figure {id}"))
}

#[test]
fn a_base_is_restricted_to_the_people_of_the_agencies_that_could_record_it() {
    let a = assess(&partly_collected(), &Options::default()).expect("assessment");

    // Episodes: only CS1 returned the table, so only its four victims are in the base.
    let episode = figure(&a, "missing.victims_with_episode");
    assert_eq!((episode.n, episode.base), (2, 4));
    assert_eq!(episode.status, Status::PartlyCollected);
    let c = episode.collection.as_ref().expect("collection");
    assert_eq!((c.agencies, c.left_out), (1, 6));
    assert_eq!(
        c.among(),
        "among victims known to the 1 agency that returned the missing-episodes table"
    );

    // Missing status: CS2's victims are not "no information": nobody there could say.
    let missing = figure(&a, "missing.victims_missing");
    assert_eq!((missing.n, missing.base), (2, 4));
    assert_eq!(missing.unknown.not_collected, 6);
    // The share of all counts every victim, those no agency could ask about too.
    assert_eq!(missing.bounds, Some([0.2, 0.8]));

    // Outcomes: POL1 records them (one convicted, one blank: unknown, not "not convicted");
    // POL2's incidents are outside the base.
    let convicted = figure(&a, "justice.convicted_of_all");
    assert_eq!((convicted.n, convicted.base), (1, 1));
    assert_eq!(convicted.unknown.not_recorded, 1);
    assert_eq!(convicted.status, Status::PartlyCollected);
    assert_eq!(convicted.collection.as_ref().map(|c| c.left_out), Some(2));

    // Sex: CS2 never records it, so its victims are not collected rather than not recorded.
    let sex = a
        .victims
        .breakdowns
        .iter()
        .find(|b| b.id == "victims.sex")
        .expect("sex");
    assert_eq!(
        (sex.unknown.not_collected, sex.unknown.not_recorded),
        (6, 0)
    );
    assert_eq!((sex.recorded.n, sex.recorded.base), (4, 4));
    assert_eq!(sex.recorded.status, Status::PartlyCollected);

    // Victims per offender: POL2 names no victim, so its offenders' counts are not collected.
    let per = a
        .offending
        .breakdowns
        .iter()
        .find(|b| b.id == "offenders.victims_per_offender")
        .expect("victims per offender");
    assert_eq!(per.unknown.not_collected, 3);
    assert_eq!(per.known, 2);
}

#[test]
fn what_no_agency_collected_is_not_collected_and_an_empty_base_says_so() {
    let mut data = partly_collected();
    data.episodes.clear();
    for r in &mut data.returns {
        r.tables.retain(|t| t.table != "missing_episodes");
    }
    for p in &mut data.people {
        p.missing_history = text("");
    }
    for i in &mut data.incidents {
        i.outcome = text("");
    }
    let a = assess(&data, &Options::default()).expect("assessment");
    for id in [
        "missing.victims_with_episode",
        "missing.victims_missing",
        "justice.charged",
        "justice.convicted",
        "justice.convicted_of_all",
    ] {
        let f = figure(&a, id);
        assert_eq!(f.status, Status::NotCollected, "{id}");
        assert_eq!((f.share, f.ci95, f.bounds), (None, None, None), "{id}");
        assert!(
            f.statement
                .as_deref()
                .is_some_and(|s| s.starts_with("not collected: no agency")),
            "{id}: {:?}",
            f.statement
        );
    }
    assert_eq!(
        figure(&a, "justice.charged").statement.as_deref(),
        Some("not collected: no agency recorded outcomes")
    );
    // No board replied: a statement, not "0 of 0".
    for f in &a.coverage.governance {
        assert_eq!(f.base, 0);
        assert_eq!(f.status, Status::NoData, "{}", f.id);
        assert!(
            f.statement
                .as_deref()
                .is_some_and(|s| s.starts_with("no data"))
        );
    }
    // Every figure with an empty base says why.
    for f in a.figures() {
        if f.base == 0 {
            assert!(
                matches!(f.status, Status::NotCollected | Status::NoData) && f.statement.is_some(),
                "{} has an empty base and nothing to say",
                f.id
            );
        }
    }
}
