//! Every ethnicity crosswalk, entry by entry, against the expectations in data/ethnicity.txt.

use sightline_standard::ethnicity::{self, Reading, Scheme};
use sightline_standard::fold::fold;
use std::collections::HashSet;

struct Case {
    line: usize,
    column: String,
    scheme: Option<Scheme>,
    text: String,
    expected: [String; 4],
}

fn cases() -> Vec<Case> {
    let data = include_str!("data/ethnicity.txt");
    let mut cases = Vec::new();
    for (index, line) in data.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        assert_eq!(parts.len(), 7, "line {}: {line}", index + 1);
        let scheme = match parts[1] {
            "-" => None,
            name => Some(
                Scheme::parse(name).unwrap_or_else(|| panic!("line {}: scheme {name}", index + 1)),
            ),
        };
        cases.push(Case {
            line: index + 1,
            column: parts[0].to_string(),
            scheme,
            text: parts[2].to_string(),
            expected: [parts[3], parts[4], parts[5], parts[6]].map(str::to_string),
        });
    }
    cases
}

fn describe(reading: &Reading) -> [String; 4] {
    [
        reading.ethnicity.as_str().to_string(),
        reading.ethnicity.precision().code().to_string(),
        reading
            .nationality
            .as_ref()
            .map_or("-".to_string(), ToString::to_string),
        reading.note.map_or("-".to_string(), |note| {
            serde_json::to_value(note)
                .ok()
                .and_then(|value| value.as_str().map(str::to_string))
                .unwrap_or_default()
        }),
    ]
}

#[test]
fn every_case_reads_as_expected() {
    let mut failures = Vec::new();
    for case in cases() {
        let actual = match case.column.as_str() {
            "self" => describe(&ethnicity::read_self_defined(&case.text, case.scheme)),
            "combined" => describe(&ethnicity::read_combined(&case.text, case.scheme)),
            "observed" => {
                let value = ethnicity::read_observed(&case.text);
                [
                    value.as_str().to_string(),
                    value.precision().code().to_string(),
                    "-".to_string(),
                    "-".to_string(),
                ]
            }
            other => panic!("line {}: column {other}", case.line),
        };
        if actual != case.expected {
            failures.push(format!(
                "line {}: {} '{}' gave {:?}, expected {:?}",
                case.line, case.column, case.text, actual, case.expected
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn an_ic_code_in_the_self_defined_column_becomes_observed() {
    let reading = ethnicity::read_self_defined("IC4", None);
    assert_eq!(reading.observed.map(|value| value.as_str()), Some("asian"));
}

#[test]
fn every_crosswalk_entry_has_a_case() {
    let covered: HashSet<(String, Option<&'static str>, String)> = cases()
        .iter()
        .map(|case| {
            (
                case.column.clone(),
                case.scheme.map(Scheme::code),
                fold(&case.text),
            )
        })
        .collect();
    type Crosswalk = &'static [(&'static str, ethnicity::To)];
    let tables: [(&str, Option<Scheme>, Crosswalk); 7] = [
        ("self", Some(Scheme::Police16), ethnicity::POLICE_16_1),
        ("self", Some(Scheme::Police18), ethnicity::POLICE_18_1),
        ("self", Some(Scheme::Csc), ethnicity::CSC),
        ("self", Some(Scheme::Census2011), ethnicity::CENSUS_2011),
        ("self", None, ethnicity::FREE_TEXT),
        ("observed", None, ethnicity::IC_CODES),
        ("self", Some(Scheme::Census2021), &[]),
    ];
    let mut missing = Vec::new();
    for (column, scheme, entries) in tables {
        for (text, _) in entries {
            if !covered.contains(&(column.to_string(), scheme.map(Scheme::code), fold(text))) {
                missing.push(format!("{column} {scheme:?} {text}"));
            }
        }
    }
    for entry in &ethnicity::CODES {
        let key = ("self".to_string(), Some("census_2021"), fold(entry.label));
        if !covered.contains(&key) {
            missing.push(format!("census_2021 {}", entry.label));
        }
    }
    assert!(
        missing.is_empty(),
        "crosswalk entries with no case:\n{}",
        missing.join("\n")
    );
}

#[test]
fn every_crosswalk_target_exists() {
    for table in [
        ethnicity::POLICE_16_1,
        ethnicity::POLICE_18_1,
        ethnicity::CSC,
        ethnicity::CENSUS_2011,
        ethnicity::FREE_TEXT,
        ethnicity::IC_CODES,
    ] {
        for (text, to) in table {
            assert_ne!(to.ethnicity().as_str(), "unmapped", "{text}");
        }
    }
}

#[test]
fn every_census_label_reads_with_no_scheme_declared_with_or_without_its_group() {
    // 2001 and 2011 labels as the lists hold them, and their bare labels; 2021 labels with the
    // group's 2021 wording and without.
    let mut unread = Vec::new();
    for (text, to) in ethnicity::CENSUS_2001.iter().chain(ethnicity::CENSUS_2011) {
        let expected = to.ethnicity().as_str();
        let mut forms = vec![text.to_string()];
        if let Some((_, bare)) = text.split_once(": ")
            && bare != "British"
        {
            forms.push(bare.to_string());
        }
        for form in forms {
            let read = ethnicity::read_self_defined(&form, None).ethnicity;
            // A bare label the 2021 list also has reads as 2021 ("Any other White
            // background" is its own 2021 code); it is never unmapped.
            if read.as_str() != expected && (read.as_str() == "unmapped" || form.contains(": ")) {
                unread.push(format!("{form}: {} (expected {expected})", read.as_str()));
            }
        }
    }
    for entry in &ethnicity::CODES {
        for form in [
            entry.label.to_string(),
            format!("{}: {}", entry.group.label(), entry.label),
        ] {
            let read = ethnicity::read_self_defined(&form, None).ethnicity;
            // The same words in the 2011 list ("White: Any other White background") are read
            // as the less precise 2011 meaning, the group, when no scheme says which census.
            let in_2011 = ethnicity::CENSUS_2011
                .iter()
                .any(|(text, _)| fold(text) == fold(&form));
            if in_2011 && read.as_str() == entry.group.code() {
                continue;
            }
            if read.as_str() != entry.code {
                unread.push(format!(
                    "{form}: {} (expected {})",
                    read.as_str(),
                    entry.code
                ));
            }
        }
    }
    assert!(
        unread.is_empty(),
        "census labels misread:\n{}",
        unread.join("\n")
    );
}
