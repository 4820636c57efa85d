use crate::util::{Sandbox, counts, row_where};

const EXAMPLE_FILES: [&str; 5] = [
    "return/people.csv",
    "return/incidents.csv",
    "return/involvements.csv",
    "return/missing_episodes.csv",
    "return/groups.csv",
];

/// Checks the example return with `--normalised out` (and `--json`); returns the report.
fn check_example(sandbox: &Sandbox) -> serde_json::Value {
    sandbox.copy_example("return");
    let mut args = vec!["check"];
    args.extend(EXAMPLE_FILES);
    args.extend(["--normalised", "out", "--json"]);
    let run = sandbox.run(&args);
    run.expect_code(0);
    run.json()
}

#[test]
fn writes_one_csv_per_table_with_every_accepted_row() {
    let sandbox = Sandbox::new();
    let report = check_example(&sandbox);
    for table in [
        "people",
        "incidents",
        "involvements",
        "missing_episodes",
        "groups",
    ] {
        let rows = sandbox.read_csv(&format!("out/{table}.csv"));
        let (_, accepted, _) = counts(&report, table);
        assert_eq!(rows.len() as u64, accepted, "{table}");
        for row in &rows {
            assert_eq!(row["source_file"], format!("return/{table}.csv"));
        }
    }
}

#[test]
fn people_columns() {
    let sandbox = Sandbox::new();
    check_example(&sandbox);
    let headers = sandbox.csv_headers("out/people.csv");
    for column in [
        "person_id",
        "ethnicity_group",
        "ethnicity_code",
        "ethnicity_precision",
        "ethnicity_original",
        "ethnicity_observed_group",
        "nationality",
        "nationality_original",
        "sex",
        "date_of_birth",
        "postcode",
        "postcode_district",
    ] {
        assert!(
            headers.iter().any(|h| h == column),
            "no column {column} in {headers:?}"
        );
    }
    assert_eq!(&headers[..2], ["source_file", "source_row"]);
}

#[test]
fn people_values() {
    let sandbox = Sandbox::new();
    check_example(&sandbox);
    let people = sandbox.read_csv("out/people.csv");

    // A police 16+1 code, read to the 2021 list.
    let v002 = row_where(&people, "person_id", "V002");
    assert_eq!(v002["source_row"], "3");
    assert_eq!(v002["ethnicity_original"], "A2");
    assert_eq!(v002["ethnicity_scheme"], "police_16_1");
    assert_eq!(v002["ethnicity_code"], "asian_pakistani");
    assert_eq!(v002["ethnicity_group"], "asian");
    assert_eq!(v002["ethnicity_precision"], "detailed");
    // A partial date of birth stays partial.
    assert_eq!(v002["date_of_birth"], "2009-11");
    assert_eq!(v002["postcode"], "ZZ1 2AB");
    assert_eq!(v002["postcode_district"], "ZZ1");
    assert_eq!(v002["roles"], "victim;at_risk");
    assert_eq!(v002["nationality"], "GBR");

    let v001 = row_where(&people, "person_id", "V001");
    assert_eq!(v001["date_of_birth"], "2008-05-14");
    assert_eq!(v001["ethnicity_code"], "white_british");
    assert_eq!(v001["sex"], "female");
    assert_eq!(v001["nhs_number"], "9434765919");

    // Free text read to a detailed code.
    let v004 = row_where(&people, "person_id", "V004");
    assert_eq!(v004["ethnicity_original"], "Mixed W/B Carib");
    assert_eq!(v004["ethnicity_code"], "mixed_white_black_caribbean");
    assert_eq!(v004["date_of_birth"], "2007");
    assert_eq!(v004["nationality"], "not_known");

    // A district alone is kept as the district.
    let v003 = row_where(&people, "person_id", "V003");
    assert_eq!(v003["postcode_district"], "ZZ2");
    assert_eq!(v003["date_of_birth"], "");
    assert_eq!(v003["age"], "14");

    // An IC code in ethnicity_observed; several nationalities.
    let s001 = row_where(&people, "person_id", "S001");
    assert_eq!(s001["ethnicity_observed_group"], "asian");
    assert_eq!(s001["ethnicity_observed_original"], "IC4");
    assert_eq!(s001["ethnicity_precision"], "unknown");
    assert_eq!(s001["nationality"], "GBR;PAK");
    assert_eq!(s001["other_names"], "Sammy M;S. Madeup");

    // A CSC code.
    let v005 = row_where(&people, "person_id", "V005");
    assert_eq!(v005["ethnicity_original"], "WBRI");
    assert_eq!(v005["ethnicity_code"], "white_british");
}

#[test]
fn other_tables_values() {
    let sandbox = Sandbox::new();
    check_example(&sandbox);
    let incidents = sandbox.read_csv("out/incidents.csv");
    let i003 = row_where(&incidents, "incident_id", "I003");
    assert_eq!(i003["first_date"], "2023-09");
    assert_eq!(i003["last_date"], "");
    assert_eq!(i003["offence"], "grooming");
    let involvements = sandbox.read_csv("out/involvements.csv");
    assert_eq!(involvements.len(), 8);
    assert!(
        involvements
            .iter()
            .any(|r| r["person_id"] == "S003" && r["incident_id"] == "I003")
    );
    let episodes = sandbox.read_csv("out/missing_episodes.csv");
    let open = row_where(&episodes, "start", "2023-08-11");
    assert_eq!(open["end"], "");
    assert_eq!(open["person_id"], "V004");
}

#[test]
fn rejected_rows_are_not_written() {
    let sandbox = Sandbox::new();
    sandbox.write(
        "people.csv",
        "person_id,date_of_birth\nP001,2009-04-17\nP002,31/02/2009\nP003,2010\n",
    );
    let run = sandbox.run(&["check", "people.csv", "--normalised", "out"]);
    run.expect_code(1);
    let people = sandbox.read_csv("out/people.csv");
    let ids: Vec<&str> = people.iter().map(|r| r["person_id"].as_str()).collect();
    assert_eq!(ids, ["P001", "P003"]);
    assert_eq!(people[1]["source_row"], "4");
}
