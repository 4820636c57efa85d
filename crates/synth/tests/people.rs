//! The person-record linkage set as a reader sees it: the CSV alone, with `true_id` as the
//! only truth. Same options, same bytes; counts exact; records of one person never adjacent;
//! the shares of empty and malformed fields near what `people::rates` says.

use sightline_standard::identifiers::{parse_nhs_number, parse_postcode};
use sightline_synth::people::{COLUMNS, PeopleOptions, PeopleWritten, rates, write_people};
use std::collections::{HashMap, HashSet};

fn bytes(records: usize, seed: u64) -> (Vec<u8>, PeopleWritten) {
    let mut out = Vec::new();
    let written = write_people(&mut out, &PeopleOptions { records, seed }).expect("writes");
    (out, written)
}

fn rows(data: &[u8]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut reader = csv::Reader::from_reader(data);
    let header = reader
        .headers()
        .expect("header")
        .iter()
        .map(str::to_string)
        .collect();
    let rows = reader
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect();
    (header, rows)
}

#[test]
fn same_seed_same_bytes_other_seed_other_bytes() {
    let (a, _) = bytes(20_000, 42);
    let (b, _) = bytes(20_000, 42);
    let (c, _) = bytes(20_000, 43);
    assert!(a == b, "same seed gave different bytes");
    assert!(a != c, "another seed gave the same bytes");
}

#[test]
fn counts_ids_and_shapes() {
    let records = 12_345;
    let (data, written) = bytes(records, 3);
    let (header, rows) = rows(&data);
    assert_eq!(header, COLUMNS);
    assert_eq!(rows.len(), records);
    assert_eq!(written.records, records);

    let ids: HashSet<&str> = rows.iter().map(|r| r[0].as_str()).collect();
    assert_eq!(ids.len(), records, "record ids are unique");
    assert!(
        rows.iter()
            .all(|r| r[0].len() == 8 && r[0].starts_with('R'))
    );

    let people: HashSet<&str> = rows.iter().map(|r| r[9].as_str()).collect();
    assert_eq!(people.len(), written.entities);
    let share = written.entities as f64 / records as f64;
    assert!((0.38..=0.46).contains(&share), "{share} people per record");

    for r in &rows {
        let dob = &r[4];
        assert!(
            dob.is_empty()
                || (dob.len() == 4 && dob.bytes().all(|b| b.is_ascii_digit()))
                || sightline_standard::PartialDate::full(
                    dob[0..4].parse().expect("year"),
                    dob[5..7].parse().expect("month"),
                    dob[8..10].parse().expect("day"),
                )
                .is_some(),
            "{dob}"
        );
        assert!(matches!(r[5].as_str(), "" | "M" | "F"), "{}", r[5]);
        assert!(
            r[6].is_empty() || parse_postcode(&r[6]).is_some(),
            "{}",
            r[6]
        );
        assert!(
            r[8].is_empty() || (r[8].len() == 10 && r[8].bytes().all(|b| b.is_ascii_digit())),
            "{}",
            r[8]
        );
    }
}

#[test]
fn records_of_one_person_are_not_adjacent() {
    let (data, _) = bytes(50_000, 8);
    let (_, rows) = rows(&data);
    let adjacent = rows.windows(2).filter(|w| w[0][9] == w[1][9]).count();
    assert_eq!(adjacent, 0);
    // And the set does have duplicates to find.
    let mut per_person: HashMap<&str, usize> = HashMap::new();
    for r in &rows {
        *per_person.entry(r[9].as_str()).or_default() += 1;
    }
    let singletons = per_person.values().filter(|&&n| n == 1).count() as f64;
    let share = singletons / per_person.len() as f64;
    assert!((0.37..=0.43).contains(&share), "{share} singletons");
    assert!(per_person.values().any(|&n| n >= 10));
}

#[test]
fn empty_and_broken_fields_near_their_rates() {
    let records = 50_000;
    let (data, written) = bytes(records, 21);
    let (_, rows) = rows(&data);
    let n = rows.len() as f64;
    // The first record of each person is corrupted at a lower rate.
    let first = written.entities as f64 / n;
    let expected = |rate: f64| rate * (first * rates::FIRST_RECORD_FACTOR + (1.0 - first));
    let share =
        |test: &dyn Fn(&Vec<String>) -> bool| rows.iter().filter(|r| test(r)).count() as f64 / n;
    let check = |what: &str, measured: f64, target: f64| {
        eprintln!("{what}: measured {measured:.4}, expected {target:.4}");
        assert!(
            (measured - target).abs() <= 0.01,
            "{what}: measured {measured:.4}, expected {target:.4}"
        );
    };
    check(
        "empty date of birth",
        share(&|r| r[4].is_empty()),
        expected(rates::DOB_MISSING),
    );
    check(
        "year of birth only",
        share(&|r| r[4].len() == 4),
        expected(rates::DOB_YEAR_ONLY),
    );
    check(
        "empty sex",
        share(&|r| r[5].is_empty()),
        expected(rates::SEX_MISSING),
    );
    check(
        "empty postcode",
        share(&|r| r[6].is_empty()),
        expected(rates::POSTCODE_MISSING),
    );
    check(
        "empty town",
        share(&|r| r[7].is_empty()),
        expected(rates::TOWN_MISSING),
    );
    check(
        "empty given name (missing, or missing family name swapped in)",
        share(&|r| r[1].is_empty()),
        expected(rates::GIVEN_MISSING + rates::FAMILY_MISSING * rates::NAMES_SWAPPED),
    );
    check(
        "given name an initial",
        share(&|r| r[1].chars().count() == 1),
        expected(rates::GIVEN_INITIAL),
    );
    check("alias", share(&|r| !r[3].is_empty()), rates::ALIAS);
    check(
        "NHS number present",
        share(&|r| !r[8].is_empty()),
        rates::NHS_PRESENT,
    );

    // NHS numbers: the check digit fails only after a typo.
    let present: Vec<&Vec<String>> = rows.iter().filter(|r| !r[8].is_empty()).collect();
    let invalid = present
        .iter()
        .filter(|r| parse_nhs_number(&r[8]).is_err())
        .count() as f64;
    let invalid = invalid / present.len() as f64;
    assert!(invalid < expected(rates::NHS_TYPO), "{invalid} invalid");
    // Among a person's records, the number seen most often is the true one and is valid.
    let mut numbers: HashMap<&str, HashMap<&str, usize>> = HashMap::new();
    for r in &present {
        *numbers
            .entry(r[9].as_str())
            .or_default()
            .entry(r[8].as_str())
            .or_default() += 1;
    }
    let mut owners: HashMap<&str, &str> = HashMap::new();
    for (person, seen) in &numbers {
        if let Some((number, count)) = seen.iter().max_by_key(|(n, c)| (**c, **n))
            && *count >= 2
        {
            assert!(parse_nhs_number(number).is_ok(), "{person}: {number}");
            if let Some(other) = owners.insert(number, person) {
                panic!("{number} belongs to {person} and {other}");
            }
        }
    }

    // Names that exercise Unicode folding.
    assert!(
        rows.iter().any(|r| !r[1].is_ascii() || !r[2].is_ascii()),
        "no name outside ASCII"
    );
}
