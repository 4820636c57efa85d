use calamine::{Data, Reader, open_workbook_auto};
use serde_json::Value;
use sightline_standard::{Table, codes};
use sightline_template::{code_lists, write_template};
use std::collections::HashSet;
use std::path::Path;

fn field_names(table: Table) -> Vec<String> {
    table.fields().iter().map(|f| f.name.to_string()).collect()
}

fn cell_text(cell: &Data) -> String {
    match cell {
        Data::String(text) => text.clone(),
        other => other.to_string(),
    }
}

#[test]
fn writes_every_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("template");
    let written = write_template(&out).unwrap();
    let mut expected = vec![out.join("sightline-return.xlsx")];
    expected.extend(Table::ALL.map(|t| out.join(format!("{t}.csv"))));
    expected.extend(
        code_lists()
            .iter()
            .map(|l| out.join("code_lists").join(format!("{}.csv", l.name))),
    );
    expected.push(out.join("dfe_layouts.csv"));
    expected.push(out.join("dfe_codes.csv"));
    expected.push(out.join("datapackage.json"));
    assert_eq!(written, expected);
    for path in &written {
        assert!(path.is_file(), "{} missing", path.display());
    }
}

#[test]
fn table_csvs_hold_the_headers() {
    let dir = tempfile::tempdir().unwrap();
    write_template(dir.path()).unwrap();
    for table in Table::ALL {
        let text = std::fs::read_to_string(dir.path().join(format!("{table}.csv"))).unwrap();
        assert_eq!(text, format!("{}\n", field_names(table).join(",")));
    }
}

#[test]
fn code_lists_cover_every_list_and_quote_commas() {
    let lists = code_lists();
    let names: Vec<&str> = lists.iter().map(|l| l.name.as_str()).collect();
    for expected in [
        "sex",
        "person_role",
        "involvement_role",
        "yes_no",
        "missing_kind",
        "missing_from",
        "location_type",
        "offence",
        "outcome",
        "legal_status",
        "agency_type",
        "unknown",
        "ethnicity",
        "ethnicity_group",
        "ethnicity_scheme",
        "ethnicity_observed",
        "nationality",
    ] {
        assert!(names.contains(&expected), "{expected} missing");
    }
    assert_eq!(names.len(), names.iter().collect::<HashSet<_>>().len());
    for field in Table::ALL.iter().flat_map(|t| t.fields()) {
        if let Some(list) = field.kind.code_list() {
            assert!(names.contains(&list.name), "{} not written", list.name);
        }
    }
    assert_eq!(names.len(), codes::ALL_LISTS.len() + 6);

    let get = |name: &str| lists.iter().find(|l| l.name == name).unwrap();
    assert_eq!(get("ethnicity").rows.len(), 19);
    assert!(get("ethnicity").rows.contains(&(
        "asian_pakistani".into(),
        "Asian, Asian British or Asian Welsh: Pakistani".into()
    )));
    assert_eq!(get("ethnicity_group").rows.len(), 5);
    assert_eq!(get("ethnicity_scheme").rows.len(), 6);
    assert_eq!(get("unknown").rows.len(), 4);
    let observed: Vec<&str> = get("ethnicity_observed")
        .rows
        .iter()
        .map(|r| r.0.as_str())
        .collect();
    assert_eq!(
        observed,
        ["IC1", "IC2", "IC3", "IC4", "IC5", "IC6", "IC0", "IC9"]
    );
    assert_eq!(get("nationality").rows.len(), 250);
    assert_eq!(get("nationality").rows.last().unwrap().0, "stateless");

    let dir = tempfile::tempdir().unwrap();
    write_template(dir.path()).unwrap();
    let mut reader = csv::Reader::from_path(dir.path().join("code_lists/ethnicity.csv")).unwrap();
    assert_eq!(reader.headers().unwrap(), vec!["code", "label"]);
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 19);
    assert!(rows.iter().any(|r| r
        == vec![
            "asian_pakistani",
            "Asian, Asian British or Asian Welsh: Pakistani"
        ]));
}

#[test]
fn workbook_has_the_tables_and_lists() {
    let dir = tempfile::tempdir().unwrap();
    write_template(dir.path()).unwrap();
    let mut book = open_workbook_auto(dir.path().join("sightline-return.xlsx")).unwrap();
    let sheets = book.sheet_names();
    assert_eq!(sheets.first().map(String::as_str), Some("Guidance"));
    for table in Table::ALL {
        assert!(
            sheets.iter().any(|s| s == table.name()),
            "{table} sheet missing"
        );
        let range = book.worksheet_range(table.name()).unwrap();
        let header: Vec<String> = range.rows().next().unwrap().iter().map(cell_text).collect();
        assert_eq!(header, field_names(table));
        assert_eq!(range.height(), 1, "{table} has rows beyond the header");
    }

    let lists = book.worksheet_range("Lists").unwrap();
    let header: Vec<String> = lists.rows().next().unwrap().iter().map(cell_text).collect();
    let column = |name: &str| -> Vec<String> {
        let col = header.iter().position(|h| h == name).unwrap();
        lists
            .rows()
            .skip(1)
            .map(|row| cell_text(&row[col]))
            .filter(|v| !v.is_empty())
            .collect()
    };
    let sex = column("sex");
    assert!(sex.contains(&"female".to_string()));
    assert!(sex.contains(&"not_stated".to_string()));
    assert!(!column("person_role").contains(&"not_known".to_string()));
    assert!(column("ethnicity").contains(&"asian_pakistani".to_string()));
    assert!(column("ethnicity_observed").contains(&"IC4".to_string()));
    assert!(column("nationality").contains(&"GBR".to_string()));

    let guidance = book.worksheet_range("Guidance").unwrap();
    let texts: Vec<String> = guidance
        .rows()
        .flat_map(|r| r.iter().map(cell_text))
        .collect();
    assert!(texts.iter().any(|t| t == "YYYY-MM-DD, YYYY-MM or YYYY"));
    assert!(texts.iter().any(|t| t == "Data standard version 1.0.0"));
}

#[test]
fn data_package_describes_the_tables() {
    let dir = tempfile::tempdir().unwrap();
    write_template(dir.path()).unwrap();
    let text = std::fs::read_to_string(dir.path().join("datapackage.json")).unwrap();
    let package: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(package["profile"], "tabular-data-package");
    assert_eq!(package["version"], sightline_standard::STANDARD_VERSION);
    let resources = package["resources"].as_array().unwrap();
    let names: HashSet<&str> = resources
        .iter()
        .map(|r| r["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), resources.len(), "resource names repeat");
    for resource in resources {
        let path = resource["path"].as_str().unwrap();
        assert!(dir.path().join(path).is_file(), "{path} not written");
    }

    let tables: Vec<&Value> = resources
        .iter()
        .filter(|r| !r["path"].as_str().unwrap().starts_with("code_lists/"))
        .collect();
    assert_eq!(tables.len(), Table::ALL.len());
    for (table, resource) in Table::ALL.into_iter().zip(&tables) {
        assert_eq!(resource["name"], table.name());
        let fields: Vec<String> = resource["schema"]["fields"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["name"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(fields, field_names(table));
    }

    let people = &tables[0]["schema"];
    assert_eq!(people["primaryKey"], "person_id");
    let field = |name: &str| -> &Value {
        people["fields"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["name"] == name)
            .unwrap()
    };
    let sex = field("sex")["constraints"]["enum"].as_array().unwrap();
    assert!(sex.contains(&"female".into()) && sex.contains(&"not_stated".into()));
    assert_eq!(field("person_id")["constraints"]["required"], true);
    assert_eq!(field("age")["type"], "integer");
    assert_eq!(field("age")["constraints"]["maximum"], 120);
    assert!(field("role")["constraints"].get("enum").is_none());
    assert!(
        field("role")["sightline:codes"]
            .as_array()
            .unwrap()
            .contains(&"victim".into())
    );
    assert!(
        field("ethnicity_observed")["constraints"]["enum"]
            .as_array()
            .unwrap()
            .contains(&"IC4".into())
    );

    let involvements = &tables[2]["schema"];
    let keys = involvements["foreignKeys"].as_array().unwrap();
    assert!(keys.iter().any(|k| k["fields"] == "person_id"
        && k["reference"]["resource"] == "people"
        && k["reference"]["fields"] == "person_id"));
    assert!(
        keys.iter()
            .any(|k| k["reference"]["resource"] == "incidents")
    );
}

fn read_all(dir: &Path, written: &[std::path::PathBuf]) -> Vec<(String, Vec<u8>)> {
    written
        .iter()
        .map(|p| {
            let relative = p.strip_prefix(dir).unwrap().display().to_string();
            (relative, std::fs::read(p).unwrap())
        })
        .collect()
}

#[test]
fn writing_twice_gives_identical_files() {
    let first = tempfile::tempdir().unwrap();
    let second = tempfile::tempdir().unwrap();
    let a = read_all(first.path(), &write_template(first.path()).unwrap());
    // Document timestamps have a resolution of one second.
    std::thread::sleep(std::time::Duration::from_millis(1100));
    let b = read_all(second.path(), &write_template(second.path()).unwrap());
    assert_eq!(a.len(), b.len());
    for ((name, bytes), (other_name, other_bytes)) in a.iter().zip(&b) {
        assert_eq!(name, other_name);
        assert!(bytes == other_bytes, "{name} differs between runs");
    }
}

/// The DfE layouts' documentation names every column the readers know, and every code the
/// standard's DfE module reads, with what 11A means.
#[test]
fn dfe_layouts_and_codes_are_documented() {
    use sightline_standard::dfe::{self, Ssda903Table};
    let dir = tempfile::tempdir().unwrap();
    write_template(dir.path()).unwrap();
    let mut layouts = csv::Reader::from_path(dir.path().join("dfe_layouts.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = layouts.records().map(|r| r.unwrap()).collect();
    for table in [
        Ssda903Table::Header,
        Ssda903Table::Episodes,
        Ssda903Table::Missing,
    ] {
        for column in table.columns() {
            assert!(
                rows.iter()
                    .any(|r| r[0].contains(table.name()) && &r[2] == *column),
                "{} {column} is not documented",
                table.name()
            );
        }
    }
    for binding in dfe::CIN_CENSUS {
        assert!(rows.iter().any(|r| &r[2] == binding.column));
    }
    let mut codes = csv::Reader::from_path(dir.path().join("dfe_codes.csv")).unwrap();
    let rows: Vec<csv::StringRecord> = codes.records().map(|r| r.unwrap()).collect();
    let factor = rows
        .iter()
        .find(|r| r[0].contains("AssessmentFactors") && &r[1] == "11A")
        .expect("11A documented");
    assert!(factor[3].contains("at_risk") && factor[3].contains("never victim"));
    assert_eq!(
        rows.iter()
            .filter(|r| r[0].contains("AssessmentFactors"))
            .count(),
        dfe::FACTORS.len()
    );
}
