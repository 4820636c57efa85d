//! Writes a synthetic people CSV in the template layout, for benchmarks:
//! `cargo run --release -p sightline-intake --example make_people -- ROWS FILE`.
//!
//! Deterministic (a fixed-seed generator), generic names, varied codes and formats so that
//! every normaliser does real work. About one row in a thousand has a problem.

use std::io::{BufWriter, Write};

const GIVEN: &[&str] = &[
    "Amy", "Ben", "Cara", "Dan", "Ella", "Finn", "Gina", "Hal", "Iris", "Jack", "Kate", "Liam",
    "Mia", "Noah", "Ola", "Zoë",
];
const FAMILY: &[&str] = &[
    "Example",
    "Sample",
    "Placeholder",
    "Testcase",
    "Fictional",
    "Madeup",
    "Invented",
    "Dummy",
    "Mock",
    "Notreal",
];
const SEX: &[&str] = &["female", "male", "F", "M", "not_recorded", "Unknown", ""];
const ETHNICITY: &[(&str, &str)] = &[
    ("W1", "police_16_1"),
    ("A2", "police_16_1"),
    ("WBRI", "csc"),
    ("APKN", "csc"),
    ("White British", "free_text"),
    ("Mixed W/B Carib", "free_text"),
    ("asian_pakistani", "census_2021"),
    ("Black British", ""),
    ("", ""),
    ("NS", "police_18_1"),
];
const OBSERVED: &[&str] = &["IC1", "IC4", "IC3", "", "IC9"];
const NATIONALITY: &[&str] = &["GBR", "British", "GBR;PAK", "Polish", "", "not_known"];
const YES_NO: &[&str] = &["yes", "no", "", "not_known"];

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let rows: u64 = args
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(1_000_000);
    let path = args.next().unwrap_or_else(|| "people.csv".to_string());
    let mut out = BufWriter::new(std::fs::File::create(&path)?);
    writeln!(
        out,
        "person_id,role,given_name,family_name,other_names,date_of_birth,age,age_date,sex,ethnicity,ethnicity_scheme,ethnicity_observed,nationality,postcode,local_authority,looked_after,legal_status,missing_history,nhs_number,upn,pnc_id"
    )?;
    let mut state: u64 = 0x5EED_0001;
    let mut next = move |bound: usize| {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        ((state >> 33) % bound as u64) as usize
    };
    for row in 0..rows {
        let (ethnicity, scheme) = ETHNICITY[next(ETHNICITY.len())];
        let year = 1980 + next(35);
        let dob = match next(10) {
            0 => format!("{year}"),
            1 => format!("{year}-{:02}", 1 + next(12)),
            _ => format!("{year}-{:02}-{:02}", 1 + next(12), 1 + next(28)),
        };
        let dob = if row % 1000 == 999 {
            "31/02/2009".to_string()
        } else {
            dob
        };
        let postcode = format!(
            "ZZ{} {}A{}",
            1 + next(20),
            next(10),
            ["A", "B", "D", "E"][next(4)]
        );
        writeln!(
            out,
            "P{row:07},{},{},{},,{dob},,,{},{ethnicity},{scheme},{},{},{postcode},E060000{:02},{},,{},,,",
            ["victim", "suspect", "offender", "victim;at_risk"][next(4)],
            GIVEN[next(GIVEN.len())],
            FAMILY[next(FAMILY.len())],
            SEX[next(SEX.len())],
            OBSERVED[next(OBSERVED.len())],
            NATIONALITY[next(NATIONALITY.len())],
            10 + next(50),
            YES_NO[next(YES_NO.len())],
            YES_NO[next(YES_NO.len())],
        )?;
    }
    out.flush()
}
