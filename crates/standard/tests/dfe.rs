//! The DfE returns' codes (src/dfe.rs), entry by entry, against data/dfe.txt: every entry of
//! every table is there with the reading expected, and the file lists nothing else.

use sightline_standard::dfe::{self, Ssda903Table};
use sightline_standard::ethnicity::{self, Ethnicity};
use sightline_standard::{Coded, codes};
use std::collections::BTreeSet;

/// (list, code, reading) of every line of data/dfe.txt.
fn expected() -> BTreeSet<(String, String, String)> {
    let mut entries = BTreeSet::new();
    for (index, line) in include_str!("data/dfe.txt").lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let parts: Vec<&str> = line.split('|').map(str::trim).collect();
        assert_eq!(parts.len(), 3, "line {}: {line}", index + 1);
        let entry = (parts[0].into(), parts[1].into(), parts[2].into());
        assert!(entries.insert(entry), "line {} twice: {line}", index + 1);
    }
    entries
}

/// The same, from the code: each table's entries read through the standard.
fn actual() -> BTreeSet<(String, String, String)> {
    let mut entries = BTreeSet::new();
    let mut add = |list: &str, code: &str, reading: String| {
        entries.insert((list.to_string(), code.to_string(), reading));
    };
    for (code, _) in dfe::SEX_CODES {
        let coded = dfe::sex(code).expect("a sex code reads");
        // The reading must be a value of the standard's sex list.
        assert!(
            coded == codes::SEX.lookup(coded.as_str()),
            "{code}: {coded:?} is not a value of sex"
        );
        add("sex", code, coded.as_str().to_string());
    }
    for code in dfe::LEGAL_STATUS {
        let (status, looked_after) = dfe::legal_status(code).expect("an LS code reads");
        assert_eq!(codes::LEGAL_STATUS.lookup(status), Coded::Code(status));
        assert_eq!(
            codes::YES_NO.lookup(looked_after),
            Coded::Code(looked_after)
        );
        add("legal_status", code, format!("{status} {looked_after}"));
    }
    for code in ["M", "A"] {
        let kind = dfe::missing_kind(code).expect("a MISSING code reads");
        assert_eq!(codes::MISSING_KIND.lookup(kind), Coded::Code(kind));
        assert_eq!(
            codes::MISSING_FROM.lookup(dfe::MISSING_FROM),
            Coded::Code(dfe::MISSING_FROM)
        );
        add("missing", code, format!("{kind} {}", dfe::MISSING_FROM));
    }
    for (code, _) in ethnicity::CSC {
        let reading = ethnicity::read_self_defined(code, Some(dfe::ETHNICITY_SCHEME));
        assert!(reading.note.is_none(), "{code}: {:?}", reading.note);
        assert_ne!(reading.ethnicity, Ethnicity::Unmapped, "{code}");
        add(
            "ethnicity",
            code,
            format!(
                "{} {}",
                reading.ethnicity.as_str(),
                reading.ethnicity.precision().code()
            ),
        );
    }
    for factor in dfe::FACTORS {
        let found = dfe::factor_of(factor.code).expect("a factor reads");
        let roles = dfe::roles_of(&[found]);
        for role in roles {
            assert_eq!(codes::PERSON_ROLE.lookup(role), Coded::Code(role));
        }
        add(
            "factor",
            factor.code,
            format!(
                "{} {}",
                if roles.is_empty() {
                    "-".to_string()
                } else {
                    roles.join(";")
                },
                dfe::missing_history_of(&[found]).unwrap_or("-")
            ),
        );
    }
    for (code, _) in dfe::UPN_UNKNOWN {
        add("upn_unknown", code, "blank".to_string());
    }
    entries
}

#[test]
fn every_entry_reads_as_data_dfe_txt_says() {
    let (expected, actual) = (expected(), actual());
    let missing: Vec<_> = expected.difference(&actual).collect();
    let extra: Vec<_> = actual.difference(&expected).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "in data/dfe.txt but not read so: {missing:#?}\nread so but not in data/dfe.txt: {extra:#?}"
    );
}

#[test]
fn the_903_legal_statuses_are_the_standards_list() {
    let standard: BTreeSet<&str> = codes::LEGAL_STATUS.codes.iter().map(|c| c.code).collect();
    let dfe: BTreeSet<&str> = dfe::LEGAL_STATUS.iter().copied().collect();
    assert_eq!(standard, dfe);
}

#[test]
fn a_factor_gives_a_role_only_for_sexual_exploitation() {
    let all: Vec<&dfe::Factor> = dfe::FACTORS.iter().collect();
    assert_eq!(dfe::roles_of(&all), ["at_risk"]);
    let without_11a: Vec<&dfe::Factor> = all.iter().copied().filter(|f| f.code != "11A").collect();
    assert!(
        dfe::roles_of(&without_11a).is_empty(),
        "only 11A gives a role"
    );
    // Trafficking, sexual abuse and criminal exploitation are kept, but are not read as CSE.
    for code in ["12A", "19B", "19C", "24A"] {
        let factor = dfe::factor_of(code).expect(code);
        assert!(dfe::roles_of(&[factor]).is_empty(), "{code}");
    }
    let none: Vec<&dfe::Factor> = Vec::new();
    assert_eq!(
        dfe::missing_history_of(&none),
        None,
        "no factor is not a 'no'"
    );
}

#[test]
fn every_layout_binding_is_a_field_of_its_table() {
    use sightline_standard::Table;
    let tables = [
        (dfe::SSDA903_HEADER, Table::People),
        (dfe::SSDA903_EPISODES, Table::People),
        (dfe::SSDA903_MISSING, Table::MissingEpisodes),
        (dfe::CIN_CENSUS, Table::People),
    ];
    for (bindings, table) in tables {
        for binding in bindings {
            if let Some(field) = binding.field {
                assert!(
                    table.field(field).is_some() || field == "assessment_factors",
                    "{}: {field} is not a field of {table}",
                    binding.column
                );
            }
        }
    }
    for (table, bindings) in [
        (Ssda903Table::Header, dfe::SSDA903_HEADER),
        (Ssda903Table::Episodes, dfe::SSDA903_EPISODES),
        (Ssda903Table::Missing, dfe::SSDA903_MISSING),
    ] {
        let columns: BTreeSet<&str> = table.columns().iter().copied().collect();
        let bound: BTreeSet<&str> = bindings.iter().map(|b| b.column).collect();
        assert_eq!(
            columns,
            bound,
            "{}: every column is described",
            table.name()
        );
    }
}
