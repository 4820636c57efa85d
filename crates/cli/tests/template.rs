use crate::util::{Sandbox, assert_counts_add_up, counts, examples};
use calamine::Reader as _;

const TABLES: [&str; 6] = [
    "people",
    "incidents",
    "involvements",
    "missing_episodes",
    "groups",
    "governance",
];

#[test]
fn template_writes_the_workbook_csvs_code_lists_and_datapackage() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["template", "--out", "t"]);
    run.expect_code(0);
    assert!(
        run.stdout.contains("sightline-return.xlsx"),
        "{}",
        run.stdout
    );

    assert!(sandbox.join("t/sightline-return.xlsx").is_file());
    for table in TABLES {
        let path = format!("t/{table}.csv");
        assert!(sandbox.join(&path).is_file(), "{path}");
        assert!(run.stdout.contains(&path), "{path} not listed");
        // A header row and nothing else.
        assert!(sandbox.read_csv(&path).is_empty(), "{path} has rows");
    }
    // The template's people header is the layout of the example return.
    let example = std::fs::read_to_string(examples().join("return/people.csv")).expect("example");
    assert_eq!(
        sandbox.csv_headers("t/people.csv").join(","),
        example.lines().next().expect("a header")
    );
    let code_lists: Vec<String> = std::fs::read_dir(sandbox.join("t/code_lists"))
        .expect("code_lists/")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    for list in ["sex.csv", "ethnicity.csv", "nationality.csv", "offence.csv"] {
        assert!(
            code_lists.iter().any(|l| l == list),
            "{list} not in {code_lists:?}"
        );
    }
    let sex = sandbox.read_csv("t/code_lists/sex.csv");
    assert!(sex.iter().any(|r| r["code"] == "female"), "{sex:?}");

    let package: serde_json::Value =
        serde_json::from_str(&sandbox.read("t/datapackage.json")).expect("datapackage.json");
    let resources = package["resources"].as_array().expect("resources");
    assert!(resources.len() >= TABLES.len() + code_lists.len());
    for resource in resources {
        let path = resource["path"].as_str().expect("a path");
        assert!(sandbox.join("t").join(path).is_file(), "{path} is missing");
    }
    for table in TABLES {
        assert!(
            resources.iter().any(|r| r["name"] == table),
            "{table} not a resource"
        );
    }

    let workbook: calamine::Xlsx<_> =
        calamine::open_workbook(sandbox.join("t/sightline-return.xlsx")).expect("an XLSX");
    let sheets = workbook.sheet_names();
    for sheet in TABLES.iter().chain(&["Guidance", "Lists"]) {
        assert!(
            sheets.iter().any(|s| s == sheet),
            "{sheet} not in {sheets:?}"
        );
    }
}

#[test]
fn the_template_csvs_check_clean() {
    let sandbox = Sandbox::new();
    sandbox.run(&["template", "--out", "t"]).expect_code(0);
    let paths: Vec<String> = TABLES.iter().map(|t| format!("t/{t}.csv")).collect();
    let mut args = vec!["check", "--json"];
    args.extend(paths.iter().map(String::as_str));
    let run = sandbox.run(&args);
    run.expect_code(0);
    let report = run.json();
    assert_eq!(assert_counts_add_up(&report), TABLES.len());
    for table in TABLES {
        assert_eq!(counts(&report, table), (0, 0, 0), "{table}");
    }
    assert!(
        report["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().all(|d| d["severity"] != "error")),
        "{report:#}"
    );
}

#[test]
fn the_blank_template_workbook_checks_clean() {
    let sandbox = Sandbox::new();
    sandbox.run(&["template", "--out", "t"]).expect_code(0);
    let run = sandbox.run(&["check", "t/sightline-return.xlsx", "--json"]);
    run.expect_code(0);
    let report = run.json();
    assert_eq!(assert_counts_add_up(&report), TABLES.len());
    for table in TABLES {
        assert_eq!(counts(&report, table), (0, 0, 0), "{table}");
    }
    let sources = report["sources"].as_array().expect("sources");
    let sheets: Vec<&str> = sources
        .iter()
        .map(|s| s["sheet"].as_str().expect("a sheet"))
        .collect();
    assert_eq!(sheets.len(), TABLES.len(), "{sheets:?}");
    for table in TABLES {
        assert!(sheets.contains(&table), "{table} not in {sheets:?}");
    }
    let skipped: Vec<&str> = report["skipped_sheets"]
        .as_array()
        .expect("skipped_sheets")
        .iter()
        .map(|s| s["sheet"].as_str().expect("a sheet"))
        .collect();
    assert!(skipped.contains(&"Guidance"), "{skipped:?}");
    assert!(skipped.contains(&"Lists"), "{skipped:?}");
    let errors: Vec<_> = report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["severity"] == "error" || d["sheet"] == "Guidance" || d["sheet"] == "Lists")
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");

    // And the human report says they were skipped.
    let run = sandbox.run(&["check", "t/sightline-return.xlsx"]);
    run.expect_code(0);
    assert!(run.stdout.contains("[Guidance]: skipped"), "{}", run.stdout);
    assert!(run.stdout.contains("[Lists]: skipped"), "{}", run.stdout);
}

/// The template holds the standard's own text, not agencies': no cell of any CSV or of the
/// workbook is one a spreadsheet would run (the CSVs go through the same neutralising as every
/// writer; this holds that the standard never needs it).
#[test]
fn no_template_cell_is_a_formula() {
    use sightline_standard::cells::needs_neutralising;
    let sandbox = Sandbox::new();
    sandbox.run(&["template", "--out", "t"]).expect_code(0);
    let mut seen = 0;
    let mut entries: Vec<_> = std::fs::read_dir(sandbox.join("t"))
        .expect("the template folder")
        .map(|e| e.expect("an entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.extension().is_some_and(|e| e == "csv") {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_path(&path)
                .expect("open");
            for record in reader.records() {
                for cell in record.expect("a record").iter() {
                    seen += 1;
                    assert!(!needs_neutralising(cell), "{}: {cell:?}", path.display());
                }
            }
        }
    }
    let mut book: calamine::Xlsx<_> =
        calamine::open_workbook(sandbox.join("t/sightline-return.xlsx")).expect("open");
    for name in book.sheet_names() {
        let range = book.worksheet_range(&name).expect("a sheet");
        for cell in range.used_cells() {
            if let calamine::Data::String(text) = cell.2 {
                seen += 1;
                assert!(!needs_neutralising(text), "{name}: {text:?}");
            }
        }
    }
    assert!(seen > 1000, "only {seen} cells");
}
