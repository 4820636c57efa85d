//! How does one agency's file map onto the standard?
//!
//! A profile is a TOML file: which header is which field, which of the agency's values is which
//! code, how dates are written, and which scheme ethnicity was recorded in. A file that uses the
//! template's headers needs no profile. Loading checks everything it can and says exactly what
//! is wrong and where.
//!
//! ```toml
//! name = "Northshire Police"
//! date_formats = ["dd/mm/yyyy"]
//!
//! [tables.people]
//! file = "victims"                 # a CSV whose name contains this
//! sheet = "Victims"                # or a workbook sheet of this name
//! ethnicity_scheme = "police_16_1"
//!
//! [tables.people.columns]
//! person_id = "Ref No"
//! family_name = "Surname"
//! ethnicity_and_nationality = "Ethnicity/Nationality"
//!
//! [tables.people.values.sex]
//! U = "not_known"
//! ```
//!
//! Several tables may name the same file or sheet (one wide sheet, a row per person in an
//! incident): each reads its own columns from it.

use serde::Deserialize;
use sightline_standard::fold::{fold, fold_header};
use sightline_standard::{DateFormat, FieldKind, Scheme, Table};
use std::collections::{BTreeMap, HashMap};
use std::path::Path;

/// The column kind that holds ethnicity and nationality at once ("British Asian").
pub const ETHNICITY_AND_NATIONALITY: &str = "ethnicity_and_nationality";

/// The column kind that holds the factors identified at a children's social care assessment
/// (DfE CIN census codes such as 11A, several separated by `;`): kept beside the person, and
/// giving the role and missing history they mean (`sightline_standard::dfe`).
pub const ASSESSMENT_FACTORS: &str = "assessment_factors";

/// Whether `field` is one of the people table's column kinds that are not fields.
pub fn is_people_column_kind(field: &str) -> bool {
    field == ETHNICITY_AND_NATIONALITY || field == ASSESSMENT_FACTORS
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawProfile {
    name: Option<String>,
    #[serde(default)]
    date_formats: Vec<String>,
    #[serde(default)]
    tables: BTreeMap<String, RawTable>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTable {
    file: Option<String>,
    sheet: Option<String>,
    header_row: Option<u64>,
    ethnicity_scheme: Option<String>,
    date_formats: Option<Vec<String>>,
    #[serde(default)]
    columns: BTreeMap<String, String>,
    #[serde(default)]
    values: BTreeMap<String, BTreeMap<String, String>>,
}

/// A checked profile.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    pub name: Option<String>,
    pub tables: BTreeMap<Table, TableProfile>,
    default_date_formats: Vec<DateFormat>,
}

/// How one table is found and read.
#[derive(Debug, Clone, Default)]
pub struct TableProfile {
    /// A CSV file whose name contains this text (case ignored) holds the table.
    pub file: Option<String>,
    /// A workbook sheet with this name (case and spacing ignored) holds the table.
    pub sheet: Option<String>,
    /// The 1-based row of the headers, when it should not be detected.
    pub header_row: Option<u64>,
    pub ethnicity_scheme: Option<Scheme>,
    pub date_formats: Vec<DateFormat>,
    /// Field (or `ethnicity_and_nationality`) → header as written in the file.
    pub columns: BTreeMap<String, String>,
    /// Field → folded agency value → the standard's value, as written in the profile.
    pub values: HashMap<String, HashMap<String, String>>,
    /// Headers (folded) the layout knows and deliberately does not read: no F201 for them.
    /// Set by built-in layouts.
    pub ignored: std::collections::HashSet<String>,
}

impl TableProfile {
    /// The standard value the profile maps an agency's value to, for this field.
    pub fn mapped_value(&self, field: &str, text: &str) -> Option<&str> {
        let map = self.values.get(field)?;
        map.get(&fold(text)).map(String::as_str)
    }
}

/// A profile that cannot be used, with where the problem is.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error("cannot read profile {path}: {error}")]
    Read { path: String, error: std::io::Error },
    #[error("profile {path} is not valid TOML or has an unknown key: {message}")]
    Syntax { path: String, message: String },
    #[error("profile {path}: {key}: {problem}")]
    Invalid {
        path: String,
        key: String,
        problem: String,
    },
}

impl Profile {
    /// Reads and checks a profile file.
    pub fn load(path: &Path) -> Result<Profile, ProfileError> {
        let shown = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|error| ProfileError::Read {
            path: shown.clone(),
            error,
        })?;
        Profile::parse(&text, &shown)
    }

    /// Checks a profile given as TOML text; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Profile, ProfileError> {
        let raw: RawProfile = toml::from_str(text).map_err(|error| ProfileError::Syntax {
            path: origin.to_string(),
            message: error.to_string().trim().to_string(),
        })?;
        let invalid = |key: String, problem: String| ProfileError::Invalid {
            path: origin.to_string(),
            key,
            problem,
        };
        let default_date_formats =
            date_formats(&raw.date_formats).map_err(|bad| invalid("date_formats".into(), bad))?;
        let mut tables = BTreeMap::new();
        for (table_name, raw_table) in raw.tables {
            let table = Table::parse(&table_name).ok_or_else(|| {
                invalid(
                    format!("tables.{table_name}"),
                    format!("no such table; expected one of {}", table_names()),
                )
            })?;
            let at = |rest: &str| format!("tables.{table_name}.{rest}");
            for field in raw_table.columns.keys() {
                if table.field(field).is_none()
                    && !(table == Table::People && is_people_column_kind(field))
                {
                    return Err(invalid(
                        at(&format!("columns.{field}")),
                        format!(
                            "no such field in {table}; expected one of {}",
                            field_names(table)
                        ),
                    ));
                }
            }
            let ethnicity_scheme = match &raw_table.ethnicity_scheme {
                None => None,
                Some(name) => Some(Scheme::parse(name).ok_or_else(|| {
                    invalid(
                        at("ethnicity_scheme"),
                        format!(
                            "unknown scheme '{name}'; expected one of {}",
                            Scheme::ALL.map(Scheme::code).join(", ")
                        ),
                    )
                })?),
            };
            let table_date_formats = match &raw_table.date_formats {
                Some(names) => {
                    date_formats(names).map_err(|bad| invalid(at("date_formats"), bad))?
                }
                None => Vec::new(),
            };
            let mut values = HashMap::new();
            for (field, map) in &raw_table.values {
                let mut folded = HashMap::new();
                for (from, to) in map {
                    check_target(table, field, to).map_err(|problem| {
                        invalid(at(&format!("values.{field}.\"{from}\"")), problem)
                    })?;
                    folded.insert(fold(from), to.clone());
                }
                values.insert(field.clone(), folded);
            }
            if raw_table.header_row == Some(0) {
                return Err(invalid(at("header_row"), "rows count from 1".into()));
            }
            tables.insert(
                table,
                TableProfile {
                    file: raw_table.file,
                    sheet: raw_table.sheet,
                    header_row: raw_table.header_row,
                    ethnicity_scheme,
                    date_formats: table_date_formats,
                    columns: raw_table.columns,
                    values,
                    ignored: Default::default(),
                },
            );
        }
        Ok(Profile {
            name: raw.name,
            tables,
            default_date_formats,
        })
    }

    /// The profile of a table, if the profile describes it.
    pub fn table(&self, table: Table) -> Option<&TableProfile> {
        self.tables.get(&table)
    }

    /// Date formats to try for a table: its own, else the profile's, else the defaults.
    pub fn date_formats(&self, table: Table) -> Vec<DateFormat> {
        let own = self
            .table(table)
            .map(|t| t.date_formats.clone())
            .unwrap_or_default();
        if !own.is_empty() {
            own
        } else if !self.default_date_formats.is_empty() {
            self.default_date_formats.clone()
        } else {
            DateFormat::DEFAULT.to_vec()
        }
    }

    /// Which tables a CSV file holds according to the profile's `file` patterns: more than one
    /// when the agency sends one wide file (a row per person in an incident).
    pub fn tables_for_file(&self, file_name: &str) -> Vec<Table> {
        let name = file_name.to_lowercase();
        self.tables
            .iter()
            .filter(|(_, t)| {
                t.file
                    .as_ref()
                    .is_some_and(|p| name.contains(&p.to_lowercase()))
            })
            .map(|(table, _)| *table)
            .collect()
    }

    /// Which tables a workbook sheet holds according to the profile's `sheet` names.
    pub fn tables_for_sheet(&self, sheet: &str) -> Vec<Table> {
        let key = fold_header(sheet);
        self.tables
            .iter()
            .filter(|(_, t)| t.sheet.as_ref().is_some_and(|s| fold_header(s) == key))
            .map(|(table, _)| *table)
            .collect()
    }
}

fn date_formats(names: &[String]) -> Result<Vec<DateFormat>, String> {
    names
        .iter()
        .map(|name| {
            DateFormat::parse_name(name).ok_or_else(|| {
                format!(
                    "unknown date format '{name}'; expected one of {}",
                    DateFormat::ALL.map(DateFormat::name).join(", ")
                )
            })
        })
        .collect()
}

/// Whether `to` is a value the field can hold, so that a typo in a profile is caught on load.
fn check_target(table: Table, field: &str, to: &str) -> Result<(), String> {
    use sightline_standard::{Ethnicity, Unknown, ethnicity, nationality};
    let is_unknown = Unknown::ALL.iter().any(|kind| kind.code() == to);
    if table == Table::People && field == ETHNICITY_AND_NATIONALITY {
        return Err(format!(
            "map values of the '{ETHNICITY_AND_NATIONALITY}' column under values.ethnicity or values.nationality"
        ));
    }
    if table == Table::People && field == ASSESSMENT_FACTORS {
        return sightline_standard::dfe::factor_of(to)
            .map(|_| ())
            .ok_or_else(|| format!("'{to}' is not a CIN assessment factor (1A ... 24A)"));
    }
    let kind = table.field(field).map(|f| f.kind).ok_or_else(|| {
        format!(
            "no such field in {table}; expected one of {}",
            field_names(table)
        )
    })?;
    let ok = match kind {
        FieldKind::Code(list) | FieldKind::Codes(list) => {
            list.get(to).is_some() || (list.allows_unknown && is_unknown)
        }
        FieldKind::Ethnicity | FieldKind::EthnicityObserved => {
            Ethnicity::from_code(to).is_some()
                && !(kind == FieldKind::EthnicityObserved && ethnicity::code(to).is_some())
        }
        FieldKind::EthnicityScheme => Scheme::parse(to).is_some(),
        FieldKind::Nationality => {
            is_unknown
                || to == "stateless"
                || to
                    .split(';')
                    .all(|code| nationality::by_alpha3(code.trim()).is_some())
        }
        _ => {
            return Err(format!(
                "field {field} is not coded; values cannot be mapped"
            ));
        }
    };
    if ok {
        Ok(())
    } else {
        Err(format!("'{to}' is not a value of {field}"))
    }
}

fn table_names() -> String {
    Table::ALL.map(Table::name).join(", ")
}

fn field_names(table: Table) -> String {
    let mut names: Vec<&str> = table.fields().iter().map(|field| field.name).collect();
    if table == Table::People {
        names.push(ETHNICITY_AND_NATIONALITY);
        names.push(ASSESSMENT_FACTORS);
    }
    names.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
name = "Northshire Police"
date_formats = ["dd/mm/yyyy"]

[tables.people]
file = "victims"
ethnicity_scheme = "16+1"

[tables.people.columns]
person_id = "Ref No"
ethnicity_and_nationality = "Ethnicity/Nationality"

[tables.people.values.sex]
U = "not_known"
"Girl " = "female"
"#;

    #[test]
    fn a_good_profile_loads() {
        let profile = Profile::parse(GOOD, "good.toml").expect("valid profile");
        let people = profile.table(Table::People).expect("people");
        assert_eq!(people.ethnicity_scheme, Some(Scheme::Police16));
        assert_eq!(people.mapped_value("sex", "girl"), Some("female"));
        assert_eq!(
            profile.date_formats(Table::People),
            vec![DateFormat::DayMonthYear]
        );
        assert_eq!(
            profile.tables_for_file("2024_VICTIMS.csv").first().copied(),
            Some(Table::People)
        );
    }

    fn error(text: &str) -> String {
        match Profile::parse(text, "p.toml") {
            Ok(_) => panic!("expected an error for {text}"),
            Err(error) => error.to_string(),
        }
    }

    #[test]
    fn bad_profiles_say_where() {
        assert!(error("[tables.victims]").contains("tables.victims: no such table"));
        assert!(
            error("[tables.people.columns]\nsurname = \"Surname\"")
                .contains("tables.people.columns.surname")
        );
        assert!(
            error("[tables.people.values.sex]\nF = \"girl\"")
                .contains("'girl' is not a value of sex")
        );
        assert!(error("date_formats = [\"dd/mm/yy\"]").contains("unknown date format"));
        assert!(error("[tables.people]\nethnicity_scheme = \"1991\"").contains("unknown scheme"));
        assert!(error("colour = 1").contains("not valid TOML or has an unknown key"));
        assert!(
            error("[tables.people.values.ethnicity_observed]\nA = \"asian_pakistani\"")
                .contains("not a value")
        );
        assert!(
            error("[tables.people.values.nationality]\nBrit = \"GBX\"").contains("not a value")
        );
    }
}
