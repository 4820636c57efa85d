//! The return set built to the 2011 assessment's published totals (`synth --preset 2011`),
//! through ingest, link, assess and report, read as a new user would: the right bases, "not
//! collected" where nothing was, no "0 of 0", organisations' counts shown, the identified base
//! present, and people counted within 0.5% of the truth.

use crate::util::Sandbox;
use serde_json::Value;

fn within(estimate: u64, truth: u64, tolerance: f64) -> bool {
    (estimate as f64 - truth as f64).abs() <= tolerance * truth as f64
}

/// The published text of a report, tags and styles removed.
fn report_text(html: &str) -> String {
    let mut text = String::new();
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        text.push_str(&rest[..open]);
        text.push(' ');
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c + 1);
        let tag = &rest[open..close];
        rest = &rest[close..];
        if tag.starts_with("<style") {
            rest = rest.find("</style>").map_or("", |end| &rest[end..]);
        }
    }
    text.push_str(rest);
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn find<'a>(figures: &'a [Value], id: &str) -> &'a Value {
    figures
        .iter()
        .find(|f| f["id"] == id)
        .unwrap_or_else(|| panic!("no figure {id}"))
}

#[test]
fn the_2011_return_set_reads_correctly() {
    let sandbox = Sandbox::new();
    sandbox
        .run(&["synth", "--preset", "2011", "--out", "syn"])
        .expect_code(0);
    let returns = crate::synth::ingest_synthetic(&sandbox);
    assert_eq!(
        returns.len(),
        31,
        "10 forces, 5 children's services, 3 charities, 13 boards"
    );
    sandbox
        .run(&["--workspace", "ws", "link", "--json"])
        .expect_code(0);
    let a = sandbox
        .run(&["--workspace", "ws", "assess", "--json"])
        .expect_code(0)
        .json();

    // People within 0.5% of the truth.
    let count = |id: &str| {
        a["counts"]
            .as_array()
            .and_then(|c| c.iter().find(|c| c["id"] == id))
            .and_then(|c| c["n"].as_u64())
            .unwrap_or_default()
    };
    assert!(
        within(count("victims"), 2_083, 0.005),
        "{}",
        count("victims")
    );
    assert!(
        within(count("offenders"), 2_379, 0.005),
        "{}",
        count("offenders")
    );

    // The identified base: 940 of 2,379 offenders by name and date of birth.
    let identified = a["headline"]
        .as_array()
        .and_then(|h| {
            h.iter()
                .find(|f| f["id"] == "offenders.identification.name_and_date_of_birth")
        })
        .expect("the identified headline");
    assert!(within(identified["n"].as_u64().unwrap_or(0), 940, 0.005));
    assert!(within(
        identified["base"].as_u64().unwrap_or(0),
        2_379,
        0.005
    ));
    let ethnicity_identified = a["offenders"]["breakdowns"]
        .as_array()
        .and_then(|b| {
            b.iter()
                .find(|b| b["id"] == "offenders.ethnicity_group_identified")
        })
        .expect("ethnicity among the identified");
    assert_eq!(ethnicity_identified["population"], identified["n"]);

    sandbox
        .run(&["--workspace", "ws", "report", "--out", "report"])
        .expect_code(0);
    let published: Value =
        serde_json::from_str(&sandbox.read("report/figures.json")).expect("figures.json");
    let figures = published["figures"].as_array().expect("figures");

    // Nothing recorded an outcome, returned missing episodes or named a victim in an incident.
    for (id, says) in [
        (
            "justice.charged",
            "not collected: no agency recorded outcomes",
        ),
        (
            "justice.convicted_of_all",
            "not collected: no agency recorded outcomes",
        ),
        (
            "missing.victims_with_episode",
            "not collected: no agency returned the missing-episodes table",
        ),
        (
            "offenders.victims_per_offender.recorded",
            "not collected: no agency named victims in their incidents",
        ),
    ] {
        let f = find(figures, id);
        assert_eq!(f["status"], "not_collected", "{id}");
        assert_eq!(f["share"], Value::Null, "{id}");
        assert_eq!(f["statement"], says, "{id}");
    }
    // Going missing was recorded as a history by children's services and charities.
    let missing = find(figures, "missing.victims_missing");
    assert_eq!(missing["status"], "collected");
    assert!(missing["share"].as_f64().is_some());

    // Every empty base says why; every figure with a share has a base.
    for f in figures {
        if f["base"] == 0 {
            assert!(
                matches!(f["status"].as_str(), Some("not_collected" | "no_data")),
                "{}: an empty base that says nothing",
                f["id"]
            );
        }
    }

    // Organisations are counted as they are: 3 of 8 charities, 13 of 150 boards.
    let charities = find(figures, "coverage.charity.returned");
    assert_eq!(
        (charities["n"].as_u64(), charities["base"].as_u64()),
        (Some(3), Some(8))
    );
    let boards = find(figures, "coverage.safeguarding_board.returned");
    assert_eq!(
        (boards["n"].as_u64(), boards["base"].as_u64()),
        (Some(13), Some(150))
    );
    for f in figures.iter().filter(|f| {
        f["id"]
            .as_str()
            .is_some_and(|id| id.starts_with("governance."))
    }) {
        assert!(f["n"].is_u64() && f["base"].is_u64(), "{} hidden", f["id"]);
    }

    // The report reads the same: no "0 of 0", no 0% for what nobody collected.
    let text = report_text(&sandbox.read("report/report.html"));
    assert!(!text.contains(" 0 of 0 "), "a 0 of 0 in the report");
    assert!(text.contains("Offenders identified by name and date of birth:"));
    assert!(text.contains("not collected: no agency recorded outcomes"));
    assert!(text.contains("not collected: no agency returned the missing-episodes table"));
    assert!(text.contains("3 of 8 charities asked"), "charities hidden");
    assert!(
        !text.contains("Convicted: 0 of"),
        "a conviction rate from no outcomes"
    );
}
