use crate::util::{Sandbox, assert_counts_add_up, counts, diagnostics};

const EXAMPLE_FILES: [&str; 5] = [
    "return/people.csv",
    "return/incidents.csv",
    "return/involvements.csv",
    "return/missing_episodes.csv",
    "return/groups.csv",
];

#[test]
fn the_clean_example_return_passes() {
    let sandbox = Sandbox::new();
    sandbox.copy_example("return");
    let mut args = vec!["check"];
    args.extend(EXAMPLE_FILES);
    let run = sandbox.run(&args);
    run.expect_code(0);
    assert!(
        run.stdout.contains("Result: no row rejected"),
        "{}",
        run.stdout
    );

    args.push("--json");
    let run = sandbox.run(&args);
    run.expect_code(0);
    let report = run.json();
    assert_eq!(assert_counts_add_up(&report), 5, "five tables: {report:#}");
    assert_eq!(counts(&report, "people"), (8, 8, 0));
    assert_eq!(counts(&report, "incidents"), (3, 3, 0));
    assert_eq!(counts(&report, "involvements"), (8, 8, 0));
    assert_eq!(counts(&report, "missing_episodes"), (4, 4, 0));
    assert_eq!(counts(&report, "groups"), (2, 2, 0));
    let errors: Vec<_> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(report["sources"].as_array().map(Vec::len), Some(5));
}

/// A people table with one row for each of three errors, a clean row, and an involvement
/// naming a person who is not there.
fn write_bad_return(sandbox: &Sandbox) {
    sandbox.write(
        "people.csv",
        "person_id,role,given_name,family_name,date_of_birth,sex\n\
         P001,victim,Jane,Example,2009-04-17,female\n\
         P001,victim,John,Example,2010-01-01,male\n\
         P002,victim,Sam,Sample,17/13/2009,female\n\
         ,victim,Alex,Placeholder,2008-01-01,female\n\
         P003,victim,Kim,Example,2011-02-03,female\n",
    );
    sandbox.write(
        "incidents.csv",
        "incident_id,first_date,offence\nI001,2023-05-01,grooming\n",
    );
    sandbox.write(
        "involvements.csv",
        "incident_id,person_id,role\nI001,P001,victim\nI001,P999,victim\n",
    );
}

const BAD_RETURN: [&str; 4] = ["check", "people.csv", "incidents.csv", "involvements.csv"];

#[test]
fn rejected_rows_exit_1_and_json_says_where() {
    let sandbox = Sandbox::new();
    write_bad_return(&sandbox);
    let mut args = BAD_RETURN.to_vec();
    args.push("--json");
    let run = sandbox.run(&args);
    run.expect_code(1);
    let report = run.json();
    assert_counts_add_up(&report);
    assert_eq!(counts(&report, "people"), (5, 2, 3));
    assert_eq!(counts(&report, "incidents"), (1, 1, 0));
    assert_eq!(counts(&report, "involvements"), (2, 1, 1));

    let mut errors: Vec<(String, String, u64, String)> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] == "error")
        .map(|d| {
            assert!(
                d["rule"].as_str().is_some_and(|r| r.starts_with('E')),
                "{d}"
            );
            (
                d["rule"].as_str().expect("rule").to_string(),
                d["file"].as_str().expect("file").to_string(),
                d["row"].as_u64().unwrap_or_else(|| panic!("no row in {d}")),
                d["column"]
                    .as_str()
                    .unwrap_or_else(|| panic!("no column in {d}"))
                    .to_string(),
            )
        })
        .collect();
    errors.sort();
    let expected = [
        ("E001", "people.csv", 5, "person_id"),
        ("E002", "people.csv", 3, "person_id"),
        ("E003", "people.csv", 4, "date_of_birth"),
        ("E006", "involvements.csv", 3, "person_id"),
    ]
    .map(|(rule, file, row, column)| (rule.to_string(), file.to_string(), row, column.to_string()));
    assert_eq!(errors, expected);

    let e003 = diagnostics(&report, "E003");
    assert_eq!(e003[0]["value"], "17/13/2009");
    let e002 = diagnostics(&report, "E002");
    assert_eq!(e002[0]["value"], "P001");
    let e006 = diagnostics(&report, "E006");
    assert_eq!(e006[0]["value"], "P999");
    // Each rule is counted, with its hint.
    let rules = report["rules"].as_array().expect("rules");
    for code in ["E001", "E002", "E003", "E006"] {
        let rule = rules
            .iter()
            .find(|r| r["rule"] == code)
            .unwrap_or_else(|| panic!("{code} not in {rules:#?}"));
        assert_eq!(rule["count"], 1, "{rule}");
        assert!(rule["hint"].as_str().is_some_and(|h| !h.is_empty()));
    }
}

#[test]
fn problems_csv_has_a_row_per_diagnostic() {
    let sandbox = Sandbox::new();
    write_bad_return(&sandbox);
    let mut args = BAD_RETURN.to_vec();
    args.extend(["--json", "--problems", "out.csv"]);
    let run = sandbox.run(&args);
    run.expect_code(1);
    let report = run.json();
    let all = report["diagnostics"].as_array().expect("diagnostics");

    assert_eq!(
        sandbox.csv_headers("out.csv"),
        [
            "rule", "severity", "file", "sheet", "table", "row", "column", "field", "value",
            "expected", "message"
        ]
    );
    let rows = sandbox.read_csv("out.csv");
    assert_eq!(rows.len(), all.len(), "{rows:#?}");
    for (row, diagnostic) in rows.iter().zip(all) {
        assert_eq!(row["rule"], diagnostic["rule"].as_str().expect("rule"));
        assert_eq!(
            row["row"],
            diagnostic["row"]
                .as_u64()
                .map(|r| r.to_string())
                .unwrap_or_default()
        );
        assert_eq!(
            row["column"],
            diagnostic["column"].as_str().unwrap_or_default()
        );
        assert_eq!(row["message"], diagnostic["message"].as_str().expect("msg"));
    }
    let e003 = rows
        .iter()
        .find(|r| r["rule"] == "E003")
        .expect("an E003 row");
    assert_eq!(e003["severity"], "error");
    assert_eq!(e003["file"], "people.csv");
    assert_eq!(e003["table"], "people");
    assert_eq!(e003["row"], "4");
    assert_eq!(e003["field"], "date_of_birth");
    assert_eq!(e003["value"], "17/13/2009");
}

#[test]
fn human_report_groups_problems_by_rule_with_hints() {
    let sandbox = Sandbox::new();
    write_bad_return(&sandbox);
    let mut args = BAD_RETURN.to_vec();
    args.extend(["--problems", "out.csv"]);
    let run = sandbox.run(&args);
    run.expect_code(1);
    let out = &run.stdout;
    assert!(out.contains("Problems, by rule:"), "{out}");
    let lines: Vec<&str> = out.lines().collect();
    // The lines of the group that starts with `code`, up to the next blank line.
    let group = |code: &str| -> Vec<&str> {
        let start = lines
            .iter()
            .position(|line| line.starts_with(&format!("{code} ")))
            .unwrap_or_else(|| panic!("no group for {code}:\n{out}"));
        lines[start..]
            .iter()
            .take_while(|line| !line.is_empty())
            .copied()
            .collect()
    };
    let e002 = group("E002");
    assert!(e002[0].contains("identifier used twice"), "{e002:#?}");
    assert!(e002[0].contains("row rejected"), "{e002:#?}");
    assert!(
        e002[1].contains("what to do: give each row its own identifier"),
        "{e002:#?}"
    );
    assert!(
        e002.iter()
            .any(|l| l.contains("people.csv row 3, column 'person_id': 'P001'")),
        "{e002:#?}"
    );
    let e003 = group("E003");
    assert!(e003[1].contains("what to do: write dates as YYYY-MM-DD"));
    assert!(
        e003.iter()
            .any(|l| l.contains("row 4, column 'date_of_birth': '17/13/2009'")),
        "{e003:#?}"
    );
    assert!(
        !e003.iter().any(|l| l.contains("row 3,")),
        "row 3 is E002, not E003: {e003:#?}"
    );
    let e006 = group("E006");
    assert!(
        e006.iter()
            .any(|l| l.contains("involvements.csv row 3, column 'person_id': 'P999'")),
        "{e006:#?}"
    );
    // Groups come in rule order.
    let position = |code: &str| out.find(&format!("\n{code} ")).expect("group");
    assert!(position("E001") < position("E002"));
    assert!(position("E002") < position("E003"));
    assert!(position("E003") < position("E006"));
    assert!(out.contains("Result: 4 rows rejected"), "{out}");
    assert!(out.contains("Every problem: out.csv"), "{out}");
}

#[test]
fn a_period_rejects_what_lies_wholly_outside_it() {
    let sandbox = Sandbox::new();
    sandbox.copy_example("return");
    let check = |period: &str| {
        sandbox.run(&[
            "check",
            "return/incidents.csv",
            "--period",
            period,
            "--json",
        ])
    };
    // I001 runs from 2023-03-02 to 2023-06-30: it overlaps this period, so it is kept.
    check("2023-04-01..2024-03-31").expect_code(0);

    // It lies wholly before this one.
    let run = check("2023-07-01..2024-03-31");
    run.expect_code(1);
    let report = run.json();
    assert_counts_add_up(&report);
    assert_eq!(counts(&report, "incidents"), (3, 2, 1));
    let e008 = diagnostics(&report, "E008");
    assert_eq!(e008.len(), 1, "{e008:#?}");
    assert_eq!(e008[0]["row"], 2);
    assert_eq!(e008[0]["column"], "first_date");
    assert_eq!(e008[0]["value"], "2023-03-02");
}
