use crate::util::{Sandbox, assert_counts_add_up, counts, diagnostics, row_where};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};

/// A cell of a test workbook.
#[derive(Clone, Copy)]
enum Cell<'a> {
    Text(&'a str),
    /// A real Excel date cell (a serial number with a date format).
    Date(u16, u8, u8),
    /// An Excel serial day number with a date format, as some exports write it.
    Serial(f64),
    Number(f64),
    Empty,
}

/// A sheet: its name, its header row, and rows of (header, cell); headers not named in a row
/// are left empty.
struct Sheet<'a> {
    name: &'a str,
    headers: Vec<String>,
    rows: Vec<Vec<(&'a str, Cell<'a>)>>,
}

fn write_workbook(path: &std::path::Path, sheets: &[Sheet<'_>]) {
    let mut workbook = Workbook::new();
    let uk_date = Format::new().set_num_format("dd/mm/yyyy");
    let iso_date = Format::new().set_num_format("yyyy-mm-dd");
    for sheet in sheets {
        let worksheet = workbook.add_worksheet();
        worksheet.set_name(sheet.name).expect("sheet name");
        for (column, header) in sheet.headers.iter().enumerate() {
            worksheet
                .write_string(0, column as u16, header)
                .expect("write header");
        }
        for (index, row) in sheet.rows.iter().enumerate() {
            let at = index as u32 + 1;
            for (header, cell) in row {
                let column = sheet
                    .headers
                    .iter()
                    .position(|h| h == header)
                    .unwrap_or_else(|| panic!("no header {header} in {}", sheet.name))
                    as u16;
                match *cell {
                    Cell::Text(text) => {
                        worksheet.write_string(at, column, text).expect("write");
                    }
                    Cell::Date(year, month, day) => {
                        let date = ExcelDateTime::from_ymd(year, month, day).expect("a date");
                        worksheet
                            .write_datetime_with_format(at, column, &date, &uk_date)
                            .expect("write");
                    }
                    Cell::Serial(serial) => {
                        worksheet
                            .write_number_with_format(at, column, serial, &iso_date)
                            .expect("write");
                    }
                    Cell::Number(number) => {
                        worksheet.write_number(at, column, number).expect("write");
                    }
                    Cell::Empty => {}
                }
            }
        }
    }
    workbook.save(path).expect("save workbook");
}

/// The template's headers for a table, from the CSV `sightline template` writes.
fn template_headers(sandbox: &Sandbox, table: &str) -> Vec<String> {
    if !sandbox.join("t").exists() {
        sandbox.run(&["template", "--out", "t"]).expect_code(0);
    }
    sandbox.csv_headers(&format!("t/{table}.csv"))
}

fn people_sheet<'a>(sandbox: &Sandbox, rows: Vec<Vec<(&'a str, Cell<'a>)>>) -> Sheet<'a> {
    Sheet {
        name: "people",
        headers: template_headers(sandbox, "people"),
        rows,
    }
}

fn incidents_sheet<'a>(sandbox: &Sandbox) -> Sheet<'a> {
    Sheet {
        name: "incidents",
        headers: template_headers(sandbox, "incidents"),
        rows: vec![vec![
            ("incident_id", Cell::Text("I001")),
            ("first_date", Cell::Date(2023, 5, 1)),
            ("last_date", Cell::Serial(45_060.0)),
            ("offence", Cell::Text("grooming")),
            ("cse_flag", Cell::Text("yes")),
        ]],
    }
}

#[test]
fn a_filled_workbook_with_excel_dates() {
    let sandbox = Sandbox::new();
    let people = people_sheet(
        &sandbox,
        vec![
            vec![
                ("person_id", Cell::Text("P001")),
                ("role", Cell::Text("victim")),
                ("given_name", Cell::Text("Jane")),
                ("family_name", Cell::Text("Example")),
                ("date_of_birth", Cell::Date(2009, 4, 17)),
                ("sex", Cell::Text("female")),
                ("ethnicity", Cell::Text("white_british")),
            ],
            vec![
                ("person_id", Cell::Text("P002")),
                ("role", Cell::Text("victim")),
                ("given_name", Cell::Text("Zoë")),
                ("family_name", Cell::Text("Sample")),
                // A partial date, as text.
                ("date_of_birth", Cell::Text("2009-04")),
                ("sex", Cell::Text("female")),
                ("nationality", Cell::Text("GBR")),
            ],
            vec![
                ("person_id", Cell::Text("P003")),
                ("role", Cell::Text("suspect")),
                ("given_name", Cell::Text("John")),
                ("family_name", Cell::Text("Placeholder")),
                // 2009-04-17 as a serial day number formatted as a date.
                ("date_of_birth", Cell::Serial(39_920.0)),
                ("age", Cell::Number(14.0)),
                ("age_date", Cell::Date(2023, 6, 1)),
                ("sex", Cell::Text("male")),
                ("ethnicity", Cell::Empty),
            ],
        ],
    );
    let involvements = Sheet {
        name: "involvements",
        headers: template_headers(&sandbox, "involvements"),
        rows: vec![
            vec![
                ("incident_id", Cell::Text("I001")),
                ("person_id", Cell::Text("P001")),
                ("role", Cell::Text("victim")),
            ],
            vec![
                ("incident_id", Cell::Text("I001")),
                ("person_id", Cell::Text("P003")),
                ("role", Cell::Text("offender")),
            ],
        ],
    };
    write_workbook(
        &sandbox.join("filled.xlsx"),
        &[people, incidents_sheet(&sandbox), involvements],
    );

    let run = sandbox.run(&["check", "filled.xlsx", "--json", "--normalised", "out"]);
    run.expect_code(0);
    let report = run.json();
    assert_eq!(assert_counts_add_up(&report), 3);
    assert_eq!(counts(&report, "people"), (3, 3, 0));
    assert_eq!(counts(&report, "incidents"), (1, 1, 0));
    assert_eq!(counts(&report, "involvements"), (2, 2, 0));
    let sheets: Vec<&str> = report["sources"]
        .as_array()
        .expect("sources")
        .iter()
        .map(|s| s["sheet"].as_str().expect("sheet"))
        .collect();
    assert_eq!(sheets, ["people", "incidents", "involvements"]);
    assert!(diagnostics(&report, "E003").is_empty(), "{report:#}");

    let people = sandbox.read_csv("out/people.csv");
    let is_iso_date = |text: &str| {
        let bytes = text.as_bytes();
        bytes.len() == 10
            && bytes[4] == b'-'
            && bytes[7] == b'-'
            && bytes
                .iter()
                .enumerate()
                .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
    };
    let p001 = row_where(&people, "person_id", "P001");
    assert!(is_iso_date(&p001["date_of_birth"]), "{p001:?}");
    assert_eq!(p001["date_of_birth"], "2009-04-17");
    assert_eq!(p001["source_file"], "filled.xlsx");
    assert_eq!(p001["source_row"], "2");
    let p002 = row_where(&people, "person_id", "P002");
    assert_eq!(p002["date_of_birth"], "2009-04");
    assert_eq!(p002["given_name"], "Zoë");
    let p003 = row_where(&people, "person_id", "P003");
    assert_eq!(p003["date_of_birth"], "2009-04-17");
    assert_eq!(p003["age"], "14");
    assert_eq!(p003["age_date"], "2023-06-01");
    let incidents = sandbox.read_csv("out/incidents.csv");
    assert_eq!(incidents[0]["first_date"], "2023-05-01");
    assert_eq!(incidents[0]["last_date"], "2023-05-14");
}

#[test]
fn a_return_split_over_a_workbook_and_a_csv() {
    let sandbox = Sandbox::new();
    let people = people_sheet(
        &sandbox,
        vec![
            vec![
                ("person_id", Cell::Text("P001")),
                ("role", Cell::Text("victim")),
                ("date_of_birth", Cell::Date(2009, 4, 17)),
            ],
            vec![
                ("person_id", Cell::Text("P002")),
                ("role", Cell::Text("suspect")),
            ],
        ],
    );
    write_workbook(
        &sandbox.join("agency_return.xlsx"),
        &[people, incidents_sheet(&sandbox)],
    );
    sandbox.write(
        "involvements.csv",
        "incident_id,person_id,role\n\
         I001,P001,victim\n\
         I001,P404,offender\n\
         I002,P002,offender\n",
    );
    let run = sandbox.run(&[
        "check",
        "involvements.csv",
        "agency_return.xlsx",
        "--json",
        "--normalised",
        "out",
    ]);
    run.expect_code(1);
    let report = run.json();
    assert_eq!(assert_counts_add_up(&report), 3);
    assert_eq!(counts(&report, "people"), (2, 2, 0));
    assert_eq!(counts(&report, "incidents"), (1, 1, 0));
    assert_eq!(counts(&report, "involvements"), (3, 1, 2));
    // Every table is there, so every reference is checked.
    assert!(diagnostics(&report, "F204").is_empty(), "{report:#}");
    let e006 = diagnostics(&report, "E006");
    assert_eq!(e006.len(), 1, "{e006:#?}");
    assert_eq!(e006[0]["file"], "involvements.csv");
    assert_eq!(e006[0]["row"], 3);
    assert_eq!(e006[0]["value"], "P404");
    assert_eq!(e006[0]["column"], "person_id");
    let e007 = diagnostics(&report, "E007");
    assert_eq!(e007.len(), 1, "{e007:#?}");
    assert_eq!(e007[0]["row"], 4);
    assert_eq!(e007[0]["value"], "I002");

    // The one accepted involvement names a person and an incident of the workbook.
    let involvements = sandbox.read_csv("out/involvements.csv");
    assert_eq!(involvements.len(), 1);
    assert_eq!(involvements[0]["person_id"], "P001");
    assert_eq!(involvements[0]["source_row"], "2");
}

#[test]
fn an_identifier_used_in_a_workbook_and_a_csv() {
    let sandbox = Sandbox::new();
    let people = people_sheet(
        &sandbox,
        vec![vec![
            ("person_id", Cell::Text("P001")),
            ("role", Cell::Text("victim")),
        ]],
    );
    write_workbook(&sandbox.join("agency_return.xlsx"), &[people]);
    sandbox.write("people.csv", "person_id,role\nP002,victim\nP001,suspect\n");
    let run = sandbox.run(&["check", "agency_return.xlsx", "people.csv", "--json"]);
    run.expect_code(1);
    let report = run.json();
    assert_eq!(counts(&report, "people"), (3, 2, 1));
    let e002 = diagnostics(&report, "E002");
    assert_eq!(e002.len(), 1, "{e002:#?}");
    assert_eq!(e002[0]["file"], "people.csv");
    assert_eq!(e002[0]["row"], 3);
    assert!(
        e002[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("agency_return.xlsx row 2")),
        "{:#}",
        e002[0]
    );
}
