//! What does an agency fill in, and which values may it write?
//!
//! This crate writes the return template an agency's data officer downloads, generated from the
//! standard ([`sightline_standard::Table::fields`]) so that it cannot drift from it:
//!
//! - `sightline-return.xlsx`: a Guidance sheet, one sheet per table with drop-downs on coded
//!   columns, and a Lists sheet that feeds the drop-downs;
//! - one header-only CSV per table, for agencies that send CSV;
//! - `code_lists/LIST.csv`: every code list with its labels;
//! - `dfe_layouts.csv` and `dfe_codes.csv`: how the DfE's returns on children (the SSDA903
//!   extract and the CIN census), which a council may send as they are, are read;
//! - `datapackage.json`: the same return as a Frictionless Tabular Data Package.

mod package;
mod workbook;

use sightline_standard::cells;
use sightline_standard::countries::COUNTRIES;
use sightline_standard::ethnicity::{self, Ethnicity, Group, Scheme};
use sightline_standard::{FieldKind, Table, Unknown, codes};
use std::path::{Path, PathBuf};

/// The workbook's file name.
pub const WORKBOOK: &str = "sightline-return.xlsx";

/// Why the template could not be written.
#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("cannot write {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Csv { path: PathBuf, source: csv::Error },
    #[error("cannot write the workbook {path}: {source}")]
    Xlsx {
        path: PathBuf,
        source: rust_xlsxwriter::XlsxError,
    },
}

/// A code list as written to `code_lists/NAME.csv`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeListTable {
    pub name: String,
    pub label: String,
    /// (code, label)
    pub rows: Vec<(String, String)>,
}

/// Writes the template into `dir`, creating it if needed, and returns the files written: the
/// workbook, the table CSVs, the code list CSVs and `datapackage.json`, in that order.
pub fn write_template(dir: &Path) -> Result<Vec<PathBuf>, TemplateError> {
    let lists_dir = dir.join("code_lists");
    std::fs::create_dir_all(&lists_dir).map_err(|source| TemplateError::Io {
        path: lists_dir.clone(),
        source,
    })?;
    let lists = code_lists();

    let path = dir.join(WORKBOOK);
    workbook::build(&lists)
        .and_then(|mut book| book.save(&path))
        .map_err(|source| TemplateError::Xlsx {
            path: path.clone(),
            source,
        })?;
    let mut written = vec![path];

    for table in Table::ALL {
        let path = dir.join(format!("{table}.csv"));
        let header = table.fields().iter().map(|field| field.name);
        write_csv(&path, [header.collect::<Vec<_>>()])?;
        written.push(path);
    }

    for list in &lists {
        let path = lists_dir.join(format!("{}.csv", list.name));
        let rows = list
            .rows
            .iter()
            .map(|(code, label)| vec![code.as_str(), label]);
        write_csv(&path, std::iter::once(vec!["code", "label"]).chain(rows))?;
        written.push(path);
    }

    // The DfE's returns a council may send as they are: how each column and code is read.
    let path = dir.join(DFE_LAYOUTS);
    write_csv(
        &path,
        std::iter::once(vec!["layout", "table", "column", "field", "how"]).chain(
            dfe_layouts()
                .into_iter()
                .map(|[layout, table, column, field, how]| vec![layout, table, column, field, how]),
        ),
    )?;
    written.push(path);
    let path = dir.join(DFE_CODES);
    let codes = dfe_codes();
    write_csv(
        &path,
        std::iter::once(vec!["list", "code", "label", "reading"]).chain(
            codes
                .iter()
                .map(|[list, code, label, reading]| vec![list.as_str(), code, label, reading]),
        ),
    )?;
    written.push(path);

    let path = dir.join("datapackage.json");
    let json = format!("{:#}\n", package::data_package(&lists));
    std::fs::write(&path, json).map_err(|source| TemplateError::Io {
        path: path.clone(),
        source,
    })?;
    written.push(path);
    Ok(written)
}

/// How the DfE's returns on children are read: one row per column or XML element.
pub const DFE_LAYOUTS: &str = "dfe_layouts.csv";
/// What the DfE's codes mean in the standard's terms.
pub const DFE_CODES: &str = "dfe_codes.csv";

/// (layout, the standard's table, DfE column, field or "not read", how) for every column of
/// the layouts Sightline reads without a profile.
pub fn dfe_layouts() -> Vec<[&'static str; 5]> {
    use sightline_standard::dfe;
    let layouts: [(&str, &str, &[dfe::Binding]); 4] = [
        ("SSDA903 Header (header.csv)", "people", dfe::SSDA903_HEADER),
        (
            "SSDA903 Episodes (episodes.csv)",
            "people",
            dfe::SSDA903_EPISODES,
        ),
        (
            "SSDA903 Missing (missing.csv)",
            "missing_episodes",
            dfe::SSDA903_MISSING,
        ),
        ("CIN census (XML)", "people", dfe::CIN_CENSUS),
    ];
    layouts
        .into_iter()
        .flat_map(|(layout, table, bindings)| {
            bindings.iter().map(move |binding| {
                [
                    layout,
                    table,
                    binding.column,
                    binding.field.unwrap_or("not read"),
                    binding.how,
                ]
            })
        })
        .collect()
}

/// (list, DfE code, label, the standard's reading) for every DfE code the layouts read.
pub fn dfe_codes() -> Vec<[String; 4]> {
    use sightline_standard::dfe::{self, FactorMeaning};
    let row = |list: &str, code: &str, label: &str, reading: String| {
        [
            list.to_string(),
            code.to_string(),
            label.to_string(),
            reading,
        ]
    };
    let mut rows = Vec::new();
    for (code, coded) in dfe::SEX_CODES {
        rows.push(row(
            "sex (903 SEX, CIN GenderCurrent and Sex)",
            code,
            "",
            format!("sex {}", coded.as_str()),
        ));
    }
    for code in dfe::LEGAL_STATUS {
        let label = codes::LEGAL_STATUS.get(code).map_or("", |c| c.label);
        let (status, looked_after) = dfe::legal_status(code).unwrap_or((code, "yes"));
        rows.push(row(
            "legal status (903 LS)",
            code,
            label,
            format!("legal_status {status}; looked_after {looked_after}"),
        ));
    }
    for (code, label) in [
        ("M", "Missing"),
        ("A", "Away from placement without authorisation"),
    ] {
        rows.push(row(
            "missing (903 MISSING)",
            code,
            label,
            format!(
                "kind {}; from {}",
                dfe::missing_kind(code).unwrap_or_default(),
                dfe::MISSING_FROM
            ),
        ));
    }
    for (code, to) in ethnicity::CSC {
        rows.push(row(
            "ethnicity (903 ETHNIC, CIN Ethnicity)",
            code,
            "",
            format!("ethnicity {}", to.ethnicity().as_str()),
        ));
    }
    for factor in dfe::FACTORS {
        let reading = match factor.meaning {
            FactorMeaning::AtRiskOfSexualExploitation => {
                "role at_risk (never victim); factor kept".to_string()
            }
            FactorMeaning::WentMissing => "missing_history yes; factor kept".to_string(),
            FactorMeaning::Other => "factor kept".to_string(),
        };
        rows.push(row(
            "factor identified at assessment (CIN AssessmentFactors)",
            factor.code,
            factor.label,
            reading,
        ));
    }
    for (code, label) in dfe::UPN_UNKNOWN {
        rows.push(row(
            "why no UPN (CIN UPNunknown)",
            code,
            label,
            "upn left blank".to_string(),
        ));
    }
    rows
}

fn write_csv<'a>(
    path: &Path,
    records: impl IntoIterator<Item = Vec<&'a str>>,
) -> Result<(), TemplateError> {
    let csv_error = |source| TemplateError::Csv {
        path: path.to_path_buf(),
        source,
    };
    let mut writer = csv::Writer::from_path(path).map_err(csv_error)?;
    for record in records {
        let cells: Vec<_> = record.into_iter().map(cells::neutralise).collect();
        writer
            .write_record(cells.iter().map(|cell| cell.as_bytes()))
            .map_err(csv_error)?;
    }
    writer.flush().map_err(|source| TemplateError::Io {
        path: path.to_path_buf(),
        source,
    })
}

/// Every code list a field can take, with the lists that describe them (`unknown`,
/// `ethnicity_group`, `agency_type`): the simple lists of the standard first, then `unknown`,
/// the ethnicity lists and `nationality`.
pub fn code_lists() -> Vec<CodeListTable> {
    let pair = |code: &str, label: &str| (code.to_string(), label.to_string());
    let table = |name: &str, label: &str, rows| CodeListTable {
        name: name.to_string(),
        label: label.to_string(),
        rows,
    };
    let mut lists: Vec<CodeListTable> = codes::ALL_LISTS
        .iter()
        .map(|list| {
            let rows = list.codes.iter().map(|c| pair(c.code, c.label)).collect();
            table(list.name, list.label, rows)
        })
        .collect();
    lists.push(table(
        "unknown",
        "Why a value is unknown; valid in every coded field that allows it",
        Unknown::ALL
            .map(|kind| pair(kind.code(), kind.label()))
            .to_vec(),
    ));
    lists.push(table(
        "ethnicity",
        "Self-defined ethnicity: the 2021 England and Wales harmonised list",
        ethnicity::CODES
            .iter()
            .map(|c| pair(c.code, &format!("{}: {}", c.group.label(), c.label)))
            .collect(),
    ));
    lists.push(table(
        "ethnicity_group",
        "The five groups of the 2021 list, for values known only to the group",
        Group::ALL.map(|g| pair(g.code(), g.label())).to_vec(),
    ));
    lists.push(table(
        "ethnicity_scheme",
        "The scheme a self-defined ethnicity was recorded in",
        Scheme::ALL.map(|s| pair(s.code(), s.label())).to_vec(),
    ));
    lists.push(table(
        "ethnicity_observed",
        "Officer-observed ethnicity (IC codes), labelled with the group it means",
        ethnicity::IC_CODES
            .iter()
            .map(|(code, to)| match to.ethnicity() {
                Ethnicity::Unknown(kind) => pair(code, kind.label()),
                other => pair(code, other.group().map_or(other.as_str(), Group::label)),
            })
            .collect(),
    ));
    lists.push(table(
        "nationality",
        "Nationality: ISO 3166-1 alpha-3 country codes, or stateless",
        COUNTRIES
            .iter()
            .map(|c| pair(c.alpha3, c.name))
            .chain([pair("stateless", "Stateless")])
            .collect(),
    ));
    lists
}

/// The values a coded field offers in the template.
struct Choices {
    /// The list the values come from: the Lists sheet's column header.
    list: &'static str,
    /// Codes, then the unknown kinds where the field allows them.
    values: Vec<&'static str>,
    /// Whether only these values are valid. Multi-valued fields (`a;b`) and self-defined
    /// ethnicity (which may be written in the scheme named in `ethnicity_scheme`) are open.
    strict: bool,
}

fn choices(kind: FieldKind) -> Option<Choices> {
    let (list, values, allows_unknown, strict): (_, Vec<_>, _, _) = match kind {
        FieldKind::Code(list) | FieldKind::Codes(list) => (
            list.name,
            list.codes.iter().map(|c| c.code).collect(),
            list.allows_unknown,
            matches!(kind, FieldKind::Code(_)),
        ),
        FieldKind::Ethnicity => (
            "ethnicity",
            ethnicity::CODES
                .iter()
                .map(|c| c.code)
                .chain(Group::ALL.map(Group::code))
                .collect(),
            true,
            false,
        ),
        FieldKind::EthnicityScheme => (
            "ethnicity_scheme",
            Scheme::ALL.map(Scheme::code).to_vec(),
            false,
            true,
        ),
        FieldKind::EthnicityObserved => (
            "ethnicity_observed",
            ethnicity::IC_CODES.iter().map(|(code, _)| *code).collect(),
            true,
            true,
        ),
        FieldKind::Nationality => (
            "nationality",
            COUNTRIES
                .iter()
                .map(|c| c.alpha3)
                .chain(["stateless"])
                .collect(),
            true,
            false,
        ),
        _ => return None,
    };
    let unknowns = Unknown::ALL.into_iter().filter(|_| allows_unknown);
    Some(Choices {
        list,
        values: values
            .into_iter()
            .chain(unknowns.map(Unknown::code))
            .collect(),
        strict,
    })
}

/// What a field may hold, in words, for the Guidance sheet.
fn allowed_values(kind: FieldKind) -> String {
    match (kind, choices(kind)) {
        (FieldKind::Ethnicity, _) => {
            "a code of list 'ethnicity', or of the scheme named in ethnicity_scheme".to_string()
        }
        (_, Some(choices)) if choices.strict => format!("a code of list '{}'", choices.list),
        (_, Some(choices)) => format!(
            "one or more codes of list '{}', separated by ';'",
            choices.list
        ),
        (FieldKind::Date, _) => "YYYY-MM-DD, YYYY-MM or YYYY".to_string(),
        (FieldKind::Integer { min, max }, _) => format!("a whole number from {min} to {max}"),
        (FieldKind::Reference(table), _) => format!(
            "a {} of the {table} sheet",
            table.unique_id().unwrap_or("row id")
        ),
        (FieldKind::Postcode, _) => "a UK postcode, full or district".to_string(),
        (FieldKind::NhsNumber, _) => "10 digits".to_string(),
        (FieldKind::AreaCode, _) => "an ONS GSS code".to_string(),
        (FieldKind::Identifiers, _) => "text, several separated by ';'".to_string(),
        _ => "text".to_string(),
    }
}
