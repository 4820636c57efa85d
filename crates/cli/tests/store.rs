//! The workspace commands end to end: `init`, `agencies import`, `ingest`, `returns`, `rejects`,
//! `reveal` and `audit`, with the database opened directly (rusqlite) to see what is really kept.
//! All names and identifiers are synthetic placeholders.

use crate::util::{Run, Sandbox};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The agency register every test starts from.
const REGISTER: &str = "agency_id,name,type,area,requested\n\
    A1,Example Police,police,E06000015,yes\n\
    A2,Sample Council,local_authority,E06000016,yes\n\
    A3,Northshire Police,police,E06000017,yes\n";

/// The people table's headers, as in the template.
const PEOPLE_HEADERS: &str = "person_id,role,given_name,family_name,other_names,date_of_birth,age,age_date,sex,ethnicity,ethnicity_scheme,ethnicity_observed,nationality,postcode,local_authority,looked_after,legal_status,missing_history,nhs_number,upn,pnc_id";

/// Runs `sightline --workspace ws --user analyst ARGS...` in the sandbox, with no
/// `SIGHTLINE_*` variables from the environment the tests run in.
fn ws(sandbox: &Sandbox, args: &[&str]) -> Run {
    ws_env(sandbox, args, &[])
}

fn ws_env(sandbox: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut all = vec!["--workspace", "ws", "--user", "analyst"];
    all.extend_from_slice(args);
    sandbox.run_in("", &all, env)
}

/// A sandbox with a workspace `ws` and the register imported.
fn workspace() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.run_in("", &["init", "ws"], &[]).expect_code(0);
    sandbox.write("register.csv", REGISTER);
    ws(&sandbox, &["agencies", "import", "register.csv"]).expect_code(0);
    sandbox
}

/// The workspace's database, opened directly.
fn db(sandbox: &Sandbox) -> Connection {
    let path = sandbox.join("ws/store.sqlite");
    assert!(path.exists(), "no {}", path.display());
    Connection::open(path).expect("open the store")
}

/// Rows in a table of the workspace's database.
fn count(sandbox: &Sandbox, table: &str) -> i64 {
    db(sandbox)
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |row| {
            row.get(0)
        })
        .unwrap_or_else(|e| panic!("count {table}: {e}"))
}

/// Copies `examples/return` into the sandbox; returns its CSVs (relative paths), sorted.
fn example_return(sandbox: &Sandbox) -> Vec<String> {
    sandbox.copy_example("return");
    let mut files: Vec<String> = std::fs::read_dir(sandbox.join("return"))
        .expect("read return/")
        .map(|entry| {
            let name = entry.expect("entry").file_name();
            format!("return/{}", name.to_string_lossy())
        })
        .filter(|name| name.ends_with(".csv"))
        .collect();
    files.sort();
    assert_eq!(files.len(), 5, "{files:?}");
    files
}

/// `ingest FILES... --agency AGENCY EXTRA...`.
fn ingest(sandbox: &Sandbox, files: &[String], agency: &str, extra: &[&str]) -> Run {
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    args.extend_from_slice(&["--agency", agency]);
    args.extend_from_slice(extra);
    ws(sandbox, &args)
}

/// The return of a `returns --json` list with this id.
#[track_caller]
fn return_with_id(returns: &serde_json::Value, id: i64) -> &serde_json::Value {
    returns
        .as_array()
        .expect("a list of returns")
        .iter()
        .find(|r| r["return_id"] == id)
        .unwrap_or_else(|| panic!("no return {id} in {returns:#}"))
}

/// (read, accepted, rejected) of a table of a stored return.
#[track_caller]
fn table_counts(summary: &serde_json::Value, table: &str) -> (u64, u64, u64) {
    let tables = summary["tables"].as_array().expect("tables");
    let entry = tables
        .iter()
        .find(|t| t["table"] == table)
        .unwrap_or_else(|| panic!("no table {table} in {summary:#}"));
    let number = |key: &str| entry[key].as_u64().expect("a count");
    (number("read"), number("accepted"), number("rejected"))
}

/// The agency of an `agencies --json` list with this id.
#[track_caller]
fn agency<'a>(agencies: &'a serde_json::Value, id: &str) -> &'a serde_json::Value {
    agencies
        .as_array()
        .expect("a list of agencies")
        .iter()
        .find(|a| a["agency_id"] == id)
        .unwrap_or_else(|| panic!("no agency {id} in {agencies:#}"))
}

/// The audit events (`audit --json`) with this action.
fn events(sandbox: &Sandbox, action: &str) -> Vec<serde_json::Value> {
    let run = ws(sandbox, &["audit", "--json"]);
    run.expect_code(0);
    run.json()
        .as_array()
        .expect("a list of events")
        .iter()
        .filter(|e| e["action"] == action)
        .cloned()
        .collect()
}

fn audit_len(sandbox: &Sandbox) -> usize {
    let run = ws(sandbox, &["audit", "--json"]);
    run.expect_code(0);
    run.json().as_array().expect("a list of events").len()
}

fn return_ids(returns: &serde_json::Value) -> Vec<i64> {
    returns
        .as_array()
        .expect("a list of returns")
        .iter()
        .map(|r| r["return_id"].as_i64().expect("return_id"))
        .collect()
}

/// A row of a test sheet: (header, text) for the cells that are filled.
type Row<'a> = Vec<(&'a str, &'a str)>;

/// A workbook return: sheets people, incidents and involvements with the template's headers
/// (from `sightline template`), every cell written as text.
fn write_workbook(sandbox: &Sandbox, path: &Path) {
    sandbox
        .run_in("", &["template", "--out", "t"], &[])
        .expect_code(0);
    let sheets: [(&str, Vec<Row>); 3] = [
        (
            "people",
            vec![
                vec![
                    ("person_id", "W001"),
                    ("role", "victim"),
                    ("given_name", "Jane"),
                    ("family_name", "Example"),
                    ("date_of_birth", "2009-04-17"),
                    ("sex", "female"),
                ],
                vec![
                    ("person_id", "W002"),
                    ("role", "suspect"),
                    ("given_name", "John"),
                    ("family_name", "Placeholder"),
                    ("sex", "male"),
                ],
            ],
        ),
        (
            "incidents",
            vec![vec![
                ("incident_id", "WI01"),
                ("first_date", "2023-05-01"),
                ("last_date", "2023-05-14"),
                ("offence", "grooming"),
                ("cse_flag", "yes"),
            ]],
        ),
        (
            "involvements",
            vec![
                vec![
                    ("incident_id", "WI01"),
                    ("person_id", "W001"),
                    ("role", "victim"),
                ],
                vec![
                    ("incident_id", "WI01"),
                    ("person_id", "W002"),
                    ("role", "offender"),
                ],
            ],
        ),
    ];
    let mut workbook = rust_xlsxwriter::Workbook::new();
    for (name, rows) in &sheets {
        let headers = sandbox.csv_headers(&format!("t/{name}.csv"));
        let sheet = workbook.add_worksheet();
        sheet.set_name(*name).expect("sheet name");
        for (column, header) in headers.iter().enumerate() {
            sheet
                .write_string(0, column as u16, header)
                .expect("write header");
        }
        for (index, row) in rows.iter().enumerate() {
            for (header, value) in row {
                let column = headers
                    .iter()
                    .position(|h| h == header)
                    .unwrap_or_else(|| panic!("no header {header} in the template's {name}"));
                sheet
                    .write_string(index as u32 + 1, column as u16, *value)
                    .expect("write cell");
            }
        }
    }
    workbook.save(path).expect("save workbook");
}

#[test]
fn init_import_ingest_csv_and_workbook_then_list_returns_agencies_and_rejects() {
    let sandbox = workspace();
    let csvs = example_return(&sandbox);
    let run = ingest(&sandbox, &csvs, "A1", &["--json"]);
    run.expect_code(0);
    let first = run.json()["return_id"].as_i64().expect("return_id");

    write_workbook(&sandbox, &sandbox.join("agency_return.xlsx"));
    let run = ingest(
        &sandbox,
        &["agency_return.xlsx".to_string()],
        "A2",
        &["--json"],
    );
    run.expect_code(0);
    let second = run.json()["return_id"].as_i64().expect("return_id");
    assert_ne!(first, second);

    let run = ws(&sandbox, &["returns", "--json"]);
    run.expect_code(0);
    let returns = run.json();
    assert_eq!(return_ids(&returns), [first, second], "{returns:#}");
    for summary in returns.as_array().expect("returns") {
        assert_eq!(summary["status"], "current");
        assert!(summary["superseded_by"].is_null());
        assert_eq!(summary["user"], "analyst");
        for table in summary["tables"].as_array().expect("tables") {
            let number = |key: &str| table[key].as_u64().expect("a count");
            assert_eq!(
                number("read"),
                number("accepted") + number("rejected"),
                "read != accepted + rejected: {table}"
            );
        }
    }
    let csv_return = return_with_id(&returns, first);
    assert_eq!(csv_return["agency_id"], "A1");
    assert_eq!(csv_return["tables"].as_array().expect("tables").len(), 5);
    assert_eq!(table_counts(csv_return, "people"), (8, 8, 0));
    assert_eq!(table_counts(csv_return, "incidents"), (3, 3, 0));
    assert_eq!(table_counts(csv_return, "involvements"), (8, 8, 0));
    assert_eq!(table_counts(csv_return, "missing_episodes"), (4, 4, 0));
    assert_eq!(table_counts(csv_return, "groups"), (2, 2, 0));
    let xlsx_return = return_with_id(&returns, second);
    assert_eq!(xlsx_return["agency_id"], "A2");
    assert_eq!(xlsx_return["files"][0], "agency_return.xlsx");
    assert_eq!(xlsx_return["tables"].as_array().expect("tables").len(), 3);
    assert_eq!(table_counts(xlsx_return, "people"), (2, 2, 0));
    assert_eq!(table_counts(xlsx_return, "incidents"), (1, 1, 0));
    assert_eq!(table_counts(xlsx_return, "involvements"), (2, 2, 0));
    assert_eq!(count(&sandbox, "people"), 10);
    assert_eq!(count(&sandbox, "people_identity"), 10);

    let run = ws(&sandbox, &["agencies", "--json"]);
    run.expect_code(0);
    let agencies = run.json();
    assert_eq!(agencies.as_array().expect("agencies").len(), 3);
    assert_eq!(agency(&agencies, "A1")["returns"], 1);
    assert_eq!(agency(&agencies, "A1")["rows_accepted"], 25);
    assert_eq!(agency(&agencies, "A1")["rows_rejected"], 0);
    assert_eq!(agency(&agencies, "A2")["returns"], 1);
    assert_eq!(agency(&agencies, "A2")["rows_accepted"], 5);
    assert_eq!(agency(&agencies, "A3")["returns"], 0);

    // A messy return with rows that are refused: stored, exit 1, rejects listed without values.
    sandbox.copy_example("messy");
    let run = ingest(
        &sandbox,
        &["messy/northshire_people.csv".to_string()],
        "A3",
        &["--profile", "messy/northshire.toml", "--json"],
    );
    run.expect_code(1);
    let third = run.json()["return_id"].as_i64().expect("return_id");
    let run = ws(&sandbox, &["returns", "--json"]);
    let returns = run.json();
    assert_eq!(return_ids(&returns), [first, second, third]);
    let (read, accepted, rejected) = table_counts(return_with_id(&returns, third), "people");
    assert_eq!((read, accepted + rejected), (8, 8));
    assert!(rejected >= 2, "{returns:#}");

    let run = ws(&sandbox, &["rejects", &third.to_string(), "--json"]);
    run.expect_code(0);
    let rejects = run.json();
    let rows = rejects.as_array().expect("a list of rejected rows");
    assert_eq!(rows.len() as u64, rejected, "{rejects:#}");
    for row in rows {
        assert_eq!(row["table"], "people");
        // The file name only: folder paths are not kept in the clear.
        assert_eq!(row["file"], "northshire_people.csv");
        assert!(row.get("revealed").is_none(), "{row:#}");
        let rules = row["rules"].as_array().expect("rules");
        assert!(!rules.is_empty(), "{row:#}");
        for rule in rules {
            let code = rule.as_str().expect("a rule code");
            assert!(
                code.len() == 4 && code[1..].bytes().all(|b| b.is_ascii_digit()),
                "not a rule code: {code}"
            );
        }
    }
    let rules_of = |line: u64| -> Vec<String> {
        rows.iter()
            .find(|r| r["row"] == line)
            .unwrap_or_else(|| panic!("no rejected row {line} in {rejects:#}"))["rules"]
            .as_array()
            .expect("rules")
            .iter()
            .map(|r| r.as_str().expect("code").to_string())
            .collect()
    };
    // 31/02/2009 is not a date; NP-105 appears twice.
    assert!(rules_of(8).contains(&"E003".to_string()));
    assert!(rules_of(11).contains(&"E002".to_string()));
    for value in ["NP-105", "31/02/2009", "NP-104", "Testcase", "Duplicate"] {
        assert!(
            !run.stdout.contains(value),
            "rejects without --reveal shows '{value}':\n{}",
            run.stdout
        );
    }
    let run = ws(&sandbox, &["rejects", &third.to_string()]);
    run.expect_code(0);
    for value in ["NP-105", "31/02/2009", "Testcase", "Duplicate"] {
        assert!(!run.stdout.contains(value), "{}", run.stdout);
    }

    let run = ws(&sandbox, &["agencies", "--json"]);
    let agencies = run.json();
    assert_eq!(agency(&agencies, "A3")["returns"], 1);
    assert_eq!(agency(&agencies, "A3")["rows_rejected"], rejected);
    assert_eq!(agency(&agencies, "A3")["rows_accepted"], accepted);
}

#[test]
fn the_same_files_again_are_stored_once_per_agency() {
    let sandbox = workspace();
    let csvs = example_return(&sandbox);
    ingest(&sandbox, &csvs, "A1", &[]).expect_code(0);
    let tables = [
        "returns",
        "return_tables",
        "people",
        "people_identity",
        "incidents",
        "involvements",
        "missing_episodes",
        "group_members",
        "rejects",
        "audit",
    ];
    let before: Vec<i64> = tables.iter().map(|t| count(&sandbox, t)).collect();
    assert_eq!(before[0], 1);
    assert_eq!(before[2], 8);

    let run = ingest(&sandbox, &csvs, "A1", &[]);
    run.expect_code(0);
    assert!(
        run.stdout
            .to_lowercase()
            .contains("already ingested as return 1"),
        "{}",
        run.stdout
    );
    // The same files in another order are the same return.
    let mut reversed = csvs.clone();
    reversed.reverse();
    let run = ingest(&sandbox, &reversed, "A1", &["--json"]);
    run.expect_code(0);
    assert_eq!(run.json()["already_ingested"], 1, "{}", run.stdout);
    let after: Vec<i64> = tables.iter().map(|t| count(&sandbox, t)).collect();
    assert_eq!(before, after, "counts of {tables:?} changed");
    let run = ws(&sandbox, &["returns", "--all", "--json"]);
    assert_eq!(return_ids(&run.json()), [1]);

    // The same bytes from another agency are that agency's return.
    let run = ingest(&sandbox, &csvs, "A2", &["--json"]);
    run.expect_code(0);
    assert_eq!(run.json()["return_id"], 2, "{}", run.stdout);
    assert_eq!(count(&sandbox, "returns"), 2);
    assert_eq!(count(&sandbox, "people"), 16);
    let run = ws(&sandbox, &["returns", "--json"]);
    let returns = run.json();
    assert_eq!(return_ids(&returns), [1, 2]);
    assert_eq!(return_with_id(&returns, 1)["agency_id"], "A1");
    assert_eq!(return_with_id(&returns, 2)["agency_id"], "A2");
}

#[test]
fn a_corrected_return_for_the_same_period_supersedes_the_first() {
    let sandbox = workspace();
    sandbox.copy_example("return");
    let original = sandbox.read("return/people.csv");
    let corrected = original.replacen("V001,victim,Amy,Example", "V001,victim,Amy,Exemplar", 1);
    assert_ne!(original, corrected);
    sandbox.write("corrected/people.csv", &corrected);
    let period = ["--period", "2023-04-01..2024-03-31", "--json"];

    let run = ingest(&sandbox, &["return/people.csv".to_string()], "A1", &period);
    run.expect_code(0);
    let old = run.json()["return_id"].as_i64().expect("return_id");
    let run = ingest(
        &sandbox,
        &["corrected/people.csv".to_string()],
        "A1",
        &period,
    );
    run.expect_code(0);
    let report = run.json();
    let new = report["return_id"].as_i64().expect("return_id");
    assert_ne!(old, new);
    assert_eq!(report["superseded"], serde_json::json!([old]), "{report:#}");

    let run = ws(&sandbox, &["returns", "--json"]);
    run.expect_code(0);
    let current = run.json();
    assert_eq!(return_ids(&current), [new], "{current:#}");
    assert_eq!(return_with_id(&current, new)["status"], "current");
    assert_eq!(return_with_id(&current, new)["period_from"], "2023-04-01");
    assert_eq!(return_with_id(&current, new)["period_to"], "2024-03-31");

    let run = ws(&sandbox, &["returns", "--all", "--json"]);
    run.expect_code(0);
    let all = run.json();
    assert_eq!(return_ids(&all), [old, new]);
    assert_eq!(return_with_id(&all, old)["status"], "superseded");
    assert_eq!(return_with_id(&all, old)["superseded_by"], new);
    assert!(return_with_id(&all, new)["superseded_by"].is_null());

    let alterations = events(&sandbox, "alteration");
    assert_eq!(alterations.len(), 1, "{alterations:#?}");
    let subject = alterations[0]["subject"].as_str().expect("subject");
    assert!(
        subject.contains(&format!("return {old}")) && subject.contains(&format!("return {new}")),
        "{subject}"
    );
    assert_eq!(alterations[0]["user"], "analyst");

    // Only the current return counts for the agency; the old one's rows stay in the history.
    let run = ws(&sandbox, &["agencies", "--json"]);
    let agencies = run.json();
    assert_eq!(agency(&agencies, "A1")["returns"], 1);
    assert_eq!(agency(&agencies, "A1")["rows_accepted"], 8);
    assert_eq!(count(&sandbox, "people"), 16);
    ws(&sandbox, &["audit", "verify"]).expect_code(0);
}

/// Values planted in a return that must never be stored in the clear.
const PLANTED: [&str; 14] = [
    "PIDXQ77",
    "Quillonberry",
    "Zarvexholt",
    "Thrumblewick",
    "ZZ98 7QX",
    "ZZ987QX",
    "9434765919",
    "A123456789012",
    "09/123456A",
    "2008-02-29",
    // The rejected row.
    "PIDRJ88",
    "Vorpalstrand",
    "Glimmerquaff",
    "2009-13-45",
];

/// Panics if any planted value (or its lower-case form) is in any file of the workspace.
#[track_caller]
fn assert_no_plaintext(sandbox: &Sandbox, when: &str) {
    let mut files: Vec<PathBuf> = std::fs::read_dir(sandbox.join("ws"))
        .expect("read ws/")
        .map(|entry| entry.expect("entry").path())
        .collect();
    files.sort();
    let names: Vec<String> = files
        .iter()
        .map(|f| f.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    for expected in ["store.sqlite", "sightline.toml", "sightline.key"] {
        assert!(names.iter().any(|n| n == expected), "{names:?}");
    }
    for file in &files {
        let bytes = std::fs::read(file).expect("read a workspace file");
        for planted in PLANTED {
            for form in [planted.to_string(), planted.to_lowercase()] {
                assert!(
                    !bytes.windows(form.len()).any(|w| w == form.as_bytes()),
                    "{when}: '{form}' is in {} in the clear",
                    file.display()
                );
            }
        }
    }
}

#[test]
fn identifiers_are_never_stored_in_the_clear_and_reveal_is_audited() {
    let sandbox = workspace();
    sandbox.write(
        "people.csv",
        format!(
            "{PEOPLE_HEADERS}\n\
             PIDXQ77,victim,Quillonberry,Zarvexholt,Thrumblewick,2008-02-29,,,female,white_british,census_2021,,GBR,ZZ98 7QX,E06000015,no,,no,9434765919,A123456789012,09/123456A\n\
             PIDRJ88,victim,Vorpalstrand,Glimmerquaff,,2009-13-45,,,female,,,,,,,,,,,,\n"
        ),
    );
    let run = ws(
        &sandbox,
        &["ingest", "people.csv", "--agency", "A1", "--json"],
    );
    run.expect_code(1);
    let return_id = run.json()["return_id"].as_i64().expect("return_id");
    assert_eq!(crate::util::counts(&run.json(), "people"), (2, 1, 1));
    assert_no_plaintext(&sandbox, "after ingest");

    // The analysis tables keep the district only.
    let (record_id, district): (i64, String) = db(&sandbox)
        .query_row(
            "SELECT record_id, postcode_district FROM people",
            [],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .expect("one person record");
    assert_eq!(district, "ZZ98");

    let reason = "case review 17 requested by the safeguarding lead";
    assert!(events(&sandbox, "consultation").is_empty());
    let before = audit_len(&sandbox);
    let run = ws(&sandbox, &["reveal", &record_id.to_string()]);
    run.expect_code(2);
    assert!(run.stderr.contains("--reason"), "{}", run.stderr);
    assert!(!run.stdout.contains("Quillonberry"), "{}", run.stdout);
    ws(
        &sandbox,
        &["reveal", &record_id.to_string(), "--reason", "  "],
    )
    .expect_code(2);
    assert_eq!(audit_len(&sandbox), before, "a refused reveal was audited");

    let run = ws(
        &sandbox,
        &[
            "reveal",
            &record_id.to_string(),
            "--reason",
            reason,
            "--json",
        ],
    );
    run.expect_code(0);
    let identity = run.json();
    assert_eq!(identity["record_id"], record_id);
    assert_eq!(identity["return_id"], return_id);
    assert_eq!(identity["agency_id"], "A1");
    let fields: std::collections::BTreeMap<String, String> = identity["fields"]
        .as_array()
        .expect("fields")
        .iter()
        .map(|pair| {
            (
                pair[0].as_str().expect("field").to_string(),
                pair[1].as_str().expect("value").to_string(),
            )
        })
        .collect();
    for (field, value) in [
        ("person_id", "PIDXQ77"),
        ("given_name", "Quillonberry"),
        ("family_name", "Zarvexholt"),
        ("other_names", "Thrumblewick"),
        ("date_of_birth", "2008-02-29"),
        ("postcode", "ZZ98 7QX"),
        ("nhs_number", "9434765919"),
        ("upn", "A123456789012"),
        ("pnc_id", "09/123456A"),
    ] {
        assert_eq!(
            fields.get(field).map(String::as_str),
            Some(value),
            "{identity:#}"
        );
    }
    let consultations = events(&sandbox, "consultation");
    assert_eq!(consultations.len(), 1, "{consultations:#?}");
    assert_eq!(consultations[0]["reason"], reason);
    assert_eq!(consultations[0]["user"], "analyst");
    assert!(
        consultations[0]["subject"]
            .as_str()
            .expect("subject")
            .contains(&format!("person record {record_id}")),
        "{:#}",
        consultations[0]
    );

    // The rejected row's values come back only with --reveal, and that is audited too.
    let run = ws(
        &sandbox,
        &[
            "rejects",
            &return_id.to_string(),
            "--reveal",
            "--reason",
            "checking the refused row",
            "--json",
        ],
    );
    run.expect_code(0);
    assert!(run.stdout.contains("Vorpalstrand"), "{}", run.stdout);
    assert!(run.stdout.contains("2009-13-45"), "{}", run.stdout);
    assert_eq!(events(&sandbox, "consultation").len(), 2);

    assert_no_plaintext(&sandbox, "after the reveals");
    ws(&sandbox, &["audit", "verify"]).expect_code(0);
}

#[test]
fn an_edited_audit_event_is_found() {
    let sandbox = workspace();
    let csvs = example_return(&sandbox);
    ingest(&sandbox, &csvs, "A1", &[]).expect_code(0);
    ws(&sandbox, &["reveal", "1", "--reason", "quality check"]).expect_code(0);
    // 1 the register, 2 the return, 3 the reveal.
    assert_eq!(audit_len(&sandbox), 3);
    let run = ws(&sandbox, &["audit", "verify"]);
    run.expect_code(0);
    assert!(run.stdout.contains("3 events"), "{}", run.stdout);

    let changed = db(&sandbox)
        .execute("UPDATE audit SET reason = 'routine' WHERE seq = 3", [])
        .expect("edit the audit log");
    assert_eq!(changed, 1);
    let run = ws(&sandbox, &["audit", "verify"]);
    run.expect_code(1);
    assert!(run.stdout.contains("event 3"), "{}", run.stdout);

    // An earlier edit is the first broken link.
    db(&sandbox)
        .execute(
            "UPDATE audit SET subject = 'return 1 from agency A2' WHERE seq = 2",
            [],
        )
        .expect("edit the audit log");
    let run = ws(&sandbox, &["audit", "verify"]);
    run.expect_code(1);
    assert!(run.stdout.contains("event 2"), "{}", run.stdout);
    assert!(!run.stdout.contains("event 3"), "{}", run.stdout);

    // Removing the newest events leaves a shorter chain that is whole in itself; the checkpoint
    // outside the store still knows the head.
    let checkpoint = sandbox.read("ws/audit.checkpoint");
    assert_eq!(checkpoint.lines().count(), 3, "{checkpoint}");
    db(&sandbox)
        .execute("DELETE FROM audit WHERE seq > 1", [])
        .expect("remove events");
    let run = ws(&sandbox, &["audit", "verify"]);
    run.expect_code(1);
    assert!(
        run.stdout.contains("the newest events were removed"),
        "{}",
        run.stdout
    );

    let fresh = Sandbox::new();
    fresh.run_in("", &["init", "ws"], &[]).expect_code(0);
    ws(&fresh, &["audit", "verify"]).expect_code(0);
    fresh.write("register.csv", REGISTER);
    ws(&fresh, &["agencies", "import", "register.csv"]).expect_code(0);
    ws(&fresh, &["audit", "verify"]).expect_code(0);
}

/// Rows of the return the kill test interrupts: enough that ingest (debug build) runs for many
/// seconds and, once the page cache is full, writes megabytes to disk before it commits.
const KILL_ROWS: usize = 400_000;

/// How long the kill test waits for the ingest to write to disk before killing it anyway.
const KILL_DEADLINE: Duration = Duration::from_secs(20);

#[test]
fn a_killed_ingest_leaves_nothing_and_can_be_run_again() {
    let sandbox = workspace();
    let given = ["Alex", "Sam", "Jo", "Chris", "Pat", "Lee", "Max", "Kim"];
    let family = ["Example", "Sample", "Placeholder", "Testcase"];
    let mut text = String::with_capacity(KILL_ROWS * 64);
    text.push_str(PEOPLE_HEADERS);
    text.push('\n');
    for i in 1..=KILL_ROWS {
        text.push_str(&format!(
            "P{i:07},victim,{},{},,20{:02}-{:02}-{:02},,,{},,,,,,,,,,,,\n",
            given[i % given.len()],
            family[i % family.len()],
            i % 10,
            1 + i % 12,
            1 + i % 28,
            if i % 2 == 0 { "female" } else { "male" },
        ));
    }
    sandbox.write("big/people.csv", text);
    let audit_before = audit_len(&sandbox);

    // The store's files on disk: the database and its write-ahead log (WAL mode) or rollback
    // journal, whichever the store uses.
    let size = |name: &str| std::fs::metadata(sandbox.join("ws").join(name)).map_or(0, |m| m.len());
    let on_disk = || {
        (
            size("store.sqlite"),
            size("store.sqlite-wal"),
            size("store.sqlite-journal"),
        )
    };
    let (store_before, _, _) = on_disk();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args([
            "--workspace",
            "ws",
            "ingest",
            "big/people.csv",
            "--agency",
            "A1",
        ])
        .current_dir(sandbox.path())
        .env_remove("SIGHTLINE_WORKSPACE")
        .env_remove("SIGHTLINE_KEY_FILE")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start sightline ingest");
    let started = Instant::now();
    // Kill it once the uncommitted return has reached the disk (more than 1 MiB in the WAL, or
    // the database grown by 1 MiB), or at the deadline.
    loop {
        if let Some(status) = child.try_wait().expect("poll the ingest") {
            panic!(
                "the ingest finished ({status}) after {:?}, before it could be killed: make the file larger than {KILL_ROWS} rows",
                started.elapsed()
            );
        }
        let (store, wal, _) = on_disk();
        if wal > 1 << 20 || store > store_before + (1 << 20) || started.elapsed() > KILL_DEADLINE {
            break;
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let at_kill = on_disk();
    child.kill().expect("kill the ingest");
    let status = child.wait().expect("wait for the ingest");
    assert!(
        status.code().is_none(),
        "the ingest finished ({status}) before it could be killed: make the file larger than {KILL_ROWS} rows"
    );
    eprintln!(
        "killed the ingest after {:?}; (store, wal, journal) bytes: {at_kill:?}, store before {store_before}",
        started.elapsed()
    );

    let run = ws(&sandbox, &["returns", "--all", "--json"]);
    run.expect_code(0);
    assert_eq!(run.json(), serde_json::json!([]));
    for table in [
        "people",
        "people_identity",
        "returns",
        "return_tables",
        "rejects",
    ] {
        assert_eq!(count(&sandbox, table), 0, "rows left in {table}");
    }
    ws(&sandbox, &["audit", "verify"]).expect_code(0);
    assert_eq!(audit_len(&sandbox), audit_before);

    let run = ws(
        &sandbox,
        &["ingest", "big/people.csv", "--agency", "A1", "--json"],
    );
    run.expect_code(0);
    assert_eq!(
        crate::util::counts(&run.json(), "people"),
        (KILL_ROWS as u64, KILL_ROWS as u64, 0)
    );
    assert_eq!(count(&sandbox, "people"), KILL_ROWS as i64);
    assert_eq!(count(&sandbox, "people_identity"), KILL_ROWS as i64);
    assert_eq!(count(&sandbox, "returns"), 1);
    ws(&sandbox, &["audit", "verify"]).expect_code(0);
}

#[test]
fn what_cannot_run_exits_2_and_says_what_to_do() {
    // No workspace here.
    let sandbox = Sandbox::new();
    for args in [
        vec!["returns"],
        vec!["agencies"],
        vec!["audit", "verify"],
        vec!["reveal", "1", "--reason", "x"],
    ] {
        let run = sandbox.run_in("", &args, &[]);
        run.expect_code(2);
        assert!(
            run.stderr.contains("sightline init"),
            "{args:?}: {}",
            run.stderr
        );
    }
    let run = sandbox.run_in("", &["--workspace", "nowhere", "returns"], &[]);
    run.expect_code(2);
    assert!(run.stderr.contains("sightline init"), "{}", run.stderr);

    // init twice: refused, and the key is not replaced.
    let sandbox = workspace();
    let key = std::fs::read(sandbox.join("ws/sightline.key")).expect("the key");
    let run = sandbox.run_in("", &["init", "ws"], &[]);
    run.expect_code(2);
    assert!(run.stderr.contains("already a workspace"), "{}", run.stderr);
    assert_eq!(
        std::fs::read(sandbox.join("ws/sightline.key")).expect("the key"),
        key
    );

    // An agency that is not in the register.
    let csvs = example_return(&sandbox);
    let run = ingest(&sandbox, &csvs, "NOT-REGISTERED", &[]);
    run.expect_code(2);
    assert!(run.stderr.contains("NOT-REGISTERED"), "{}", run.stderr);
    assert!(run.stderr.contains("agencies import"), "{}", run.stderr);
    assert_eq!(count(&sandbox, "returns"), 0);

    // A return or record that does not exist.
    let run = ws(&sandbox, &["rejects", "999"]);
    run.expect_code(2);
    assert!(run.stderr.contains("999"), "{}", run.stderr);
    ingest(&sandbox, &csvs, "A1", &[]).expect_code(0);
    let run = ws(&sandbox, &["reveal", "999", "--reason", "x"]);
    run.expect_code(2);
    assert!(run.stderr.contains("999"), "{}", run.stderr);

    // The key file gone: reveal and ingest refuse, name the file and SIGHTLINE_KEY_FILE, and
    // neither writes anything.
    std::fs::remove_file(sandbox.join("ws/sightline.key")).expect("remove the key");
    let audit_before = audit_len(&sandbox);
    let run = ws(&sandbox, &["reveal", "1", "--reason", "x"]);
    run.expect_code(2);
    assert!(run.stderr.contains("sightline.key"), "{}", run.stderr);
    assert!(run.stderr.contains("SIGHTLINE_KEY_FILE"), "{}", run.stderr);
    sandbox.write("other/people.csv", format!("{PEOPLE_HEADERS}\nP9,victim\n"));
    let run = ingest(&sandbox, &["other/people.csv".to_string()], "A1", &[]);
    run.expect_code(2);
    assert!(run.stderr.contains("sightline.key"), "{}", run.stderr);
    assert!(run.stderr.contains("SIGHTLINE_KEY_FILE"), "{}", run.stderr);
    assert_eq!(audit_len(&sandbox), audit_before);
    assert_eq!(count(&sandbox, "returns"), 1);
}

#[test]
fn the_key_can_be_kept_outside_the_workspace() {
    let sandbox = Sandbox::new();
    std::fs::create_dir_all(sandbox.join("keys")).expect("create keys/");
    let key = sandbox.join("keys/k.key");
    let key_text = key.to_str().expect("a UTF-8 path").to_string();
    let env = [("SIGHTLINE_KEY_FILE", key_text.as_str())];
    sandbox.run_in("", &["init", "ws"], &env).expect_code(0);
    assert!(key.exists(), "no key at {}", key.display());
    assert!(!sandbox.join("ws/sightline.key").exists());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&key)
            .expect("key metadata")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "mode {:o}", mode & 0o777);
    }

    sandbox.write("register.csv", REGISTER);
    ws_env(&sandbox, &["agencies", "import", "register.csv"], &env).expect_code(0);
    let csvs = example_return(&sandbox);
    ingest_env(&sandbox, &csvs, "A1", &env).expect_code(0);
    let run = ws_env(&sandbox, &["reveal", "1", "--reason", "x", "--json"], &env);
    run.expect_code(0);
    assert!(run.stdout.contains("V001"), "{}", run.stdout);
    // The workspace remembers where its key is.
    let run = ws(&sandbox, &["reveal", "2", "--reason", "x", "--json"]);
    run.expect_code(0);
    assert!(run.stdout.contains("V002"), "{}", run.stdout);
    // The variable wins over the config.
    let run = ws_env(
        &sandbox,
        &["reveal", "1", "--reason", "x"],
        &[("SIGHTLINE_KEY_FILE", "elsewhere.key")],
    );
    run.expect_code(2);
    assert!(run.stderr.contains("elsewhere.key"), "{}", run.stderr);
}

fn ingest_env(sandbox: &Sandbox, files: &[String], agency: &str, env: &[(&str, &str)]) -> Run {
    let mut args = vec!["ingest"];
    args.extend(files.iter().map(String::as_str));
    args.extend_from_slice(&["--agency", agency]);
    ws_env(sandbox, &args, env)
}

#[test]
fn audit_verify_takes_json() {
    let sandbox = workspace();
    let run = ws(&sandbox, &["audit", "verify", "--json"]);
    run.expect_code(0);
    assert_eq!(run.json()["events"], 1);
    assert!(run.json()["broken"].is_null());
}

#[test]
fn a_relative_key_file_is_found_from_another_folder() {
    let sandbox = Sandbox::new();
    std::fs::create_dir_all(sandbox.join("keys")).expect("create keys/");
    std::fs::create_dir_all(sandbox.join("elsewhere")).expect("create elsewhere/");
    sandbox
        .run_in("", &["init", "ws"], &[("SIGHTLINE_KEY_FILE", "keys/k.key")])
        .expect_code(0);
    assert!(sandbox.join("keys/k.key").exists());
    sandbox.write("register.csv", REGISTER);
    ws(&sandbox, &["agencies", "import", "register.csv"]).expect_code(0);
    sandbox.write(
        "people.csv",
        format!("{PEOPLE_HEADERS}\nP1,victim,Jane,Example\n"),
    );
    let run = sandbox.run_in(
        "elsewhere",
        &[
            "--workspace",
            "../ws",
            "ingest",
            "../people.csv",
            "--agency",
            "A1",
        ],
        &[],
    );
    run.expect_code(0);
}

#[test]
fn init_does_not_ignore_the_workspace_option() {
    let sandbox = Sandbox::new();
    let run = sandbox.run_in("", &["--workspace", "ws", "init"], &[]);
    assert!(
        !sandbox.join("sightline.toml").exists() && !sandbox.join("sightline.key").exists(),
        "init made the current folder a workspace although --workspace ws was given:\n{}",
        run.stdout
    );
    if run.code == 0 {
        assert!(sandbox.join("ws/sightline.toml").exists());
    } else {
        run.expect_code(2);
    }
}

#[test]
fn values_read_as_headers_are_not_stored_in_the_clear() {
    let sandbox = workspace();
    sandbox.copy_example("messy");
    // The profile's header_row points at the first data row (NP-101, Zoë Example, 14/05/2008).
    let profile = sandbox
        .read("messy/northshire.toml")
        .replace("header_row = 4", "header_row = 5");
    sandbox.write("messy/wrong_header.toml", profile);
    let run = ingest(
        &sandbox,
        &["messy/northshire_people.csv".to_string()],
        "A3",
        &["--profile", "messy/wrong_header.toml"],
    );
    assert!(run.code == 1 || run.code == 2, "{run:?}");
    for file in ["store.sqlite", "store.sqlite-wal"] {
        let Ok(bytes) = std::fs::read(sandbox.join("ws").join(file)) else {
            continue;
        };
        for value in ["NP-101", "14/05/2008", "ZZ1 1AA"] {
            assert!(
                !bytes.windows(value.len()).any(|w| w == value.as_bytes()),
                "'{value}' is in ws/{file} in the clear"
            );
        }
    }
}

#[test]
fn an_erased_return_keeps_its_counts_and_reveal_says_when_and_why() {
    let sandbox = workspace();
    let csvs = example_return(&sandbox);
    ingest(&sandbox, &csvs, "A1", &[]).expect_code(0);
    let returns = ws(&sandbox, &["returns", "--json"]).json();
    let stored = return_with_id(&returns, 1);
    // A police return without a period: reviewed ten years after it was stored (the default).
    let year: i64 = stored["ingested_at"].as_str().expect("at")[..4]
        .parse()
        .expect("year");
    let review = stored["review_date"].as_str().expect("a review date");
    assert!(review.starts_with(&format!("{}-", year + 10)), "{review}");
    let tables = stored["tables"].clone();

    let run = ws(&sandbox, &["erase", "1"]);
    run.expect_code(2);
    assert!(run.stderr.contains("--reason"), "{}", run.stderr);
    ws(&sandbox, &["erase", "1", "--reason", "review date passed"]).expect_code(0);
    let run = ws(&sandbox, &["reveal", "1", "--reason", "after erasure"]);
    run.expect_code(2);
    assert!(run.stderr.contains("were erased on"), "{}", run.stderr);
    assert!(run.stderr.contains("review date passed"), "{}", run.stderr);
    let returns = ws(&sandbox, &["returns", "--json"]).json();
    let erased = return_with_id(&returns, 1);
    assert_eq!(erased["tables"], tables, "the counts remain");
    assert_eq!(erased["erased"]["reason"], "review date passed");
    let run = ws(&sandbox, &["returns"]);
    assert!(run.stdout.contains("identifiers erased"), "{}", run.stdout);
    let run = ws(&sandbox, &["erase", "1", "--reason", "again"]);
    run.expect_code(2);
    assert!(run.stderr.contains("were erased on"), "{}", run.stderr);
    ws(&sandbox, &["audit", "verify"]).expect_code(0);

    // Review periods come from the workspace's [retention] table.
    let config = sandbox.read("ws/sightline.toml");
    sandbox.write(
        "ws/sightline.toml",
        format!("{config}[retention]\npolice = 3\n"),
    );
    sandbox.write(
        "more/people.csv",
        "person_id,role,given_name,family_name\nQ1,victim,Alex,Example\n",
    );
    ingest(&sandbox, &["more/people.csv".to_string()], "A1", &[]).expect_code(0);
    let returns = ws(&sandbox, &["returns", "--json"]).json();
    let review = return_with_id(&returns, 2)["review_date"]
        .as_str()
        .expect("a review date")
        .to_string();
    assert!(review.starts_with(&format!("{}-", year + 3)), "{review}");
}
