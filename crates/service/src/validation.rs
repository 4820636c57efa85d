//! What is wrong with an upload? The same check as `sightline check` — same rules, codes and
//! row numbers — run on the uploaded files, kept as a [`Validation`] the return page shows and
//! as the problems CSV the agency downloads.

use sightline_intake::{CheckReport, Severity};
use std::path::PathBuf;

/// Problems listed on the page (all are in the CSV).
pub const LISTED: usize = 100;

/// A rule broken by an upload, with how often.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct RuleLine {
    pub code: String,
    /// An error rejects the row; a query (a warning) keeps it and must be fixed or explained.
    pub error: bool,
    pub title: String,
    pub hint: String,
    pub count: u64,
}

/// One problem, where it is.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct Problem {
    pub code: String,
    pub error: bool,
    pub file: String,
    pub table: String,
    pub row: String,
    pub column: String,
    pub message: String,
}

/// A table's rows.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct TableLine {
    pub table: String,
    pub read: u64,
    pub accepted: u64,
    pub rejected: u64,
}

/// An upload's validation as the return page shows it.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Validation {
    pub tables: Vec<TableLine>,
    pub rules: Vec<RuleLine>,
    /// The first [`LISTED`] problems.
    pub problems: Vec<Problem>,
    pub problems_total: u64,
    /// Why the files could not be read at all (none when they could).
    pub unreadable: Option<String>,
}

impl Validation {
    pub fn of(report: &CheckReport) -> Validation {
        let problems_total = report.rules.iter().map(|r| r.count).sum();
        Validation {
            tables: report
                .tables
                .iter()
                .map(|t| TableLine {
                    table: t.table.name().to_string(),
                    read: t.read,
                    accepted: t.accepted,
                    rejected: t.rejected,
                })
                .collect(),
            rules: report
                .rules
                .iter()
                .map(|r| RuleLine {
                    code: r.rule.code().to_string(),
                    error: r.severity == Severity::Error,
                    title: r.title.to_string(),
                    hint: r.hint.to_string(),
                    count: r.count,
                })
                .collect(),
            problems: report
                .diagnostics
                .iter()
                .take(LISTED)
                .map(|d| Problem {
                    code: d.rule.code().to_string(),
                    error: d.severity == Severity::Error,
                    file: d.file.clone(),
                    table: d.table.name().to_string(),
                    row: d.row.map(|r| r.to_string()).unwrap_or_default(),
                    column: d.column.clone().unwrap_or_default(),
                    message: d.message.clone(),
                })
                .collect(),
            problems_total,
            unreadable: None,
        }
    }

    /// Problems that reject rows.
    pub fn errors(&self) -> u64 {
        self.rules.iter().filter(|r| r.error).map(|r| r.count).sum()
    }

    /// The rule codes of the queries: each must be fixed or explained before sign-off.
    pub fn queries(&self) -> Vec<&str> {
        self.rules
            .iter()
            .filter(|r| !r.error)
            .map(|r| r.code.as_str())
            .collect()
    }

    pub fn rows(&self) -> (u64, u64) {
        self.tables
            .iter()
            .fold((0, 0), |(a, r), t| (a + t.accepted, r + t.rejected))
    }
}

/// The result of checking uploaded files.
pub struct Checked {
    pub validation: Validation,
    pub problems_csv: Vec<u8>,
    pub content_hash: String,
}

/// Checks files on disk for a call's period (FROM..TO), through the agency's profile if it has
/// one, as `sightline check --profile` does. Files that cannot be read at all (no
/// table found, a damaged workbook, over a limit) give a validation that says why, with one
/// error, rather than a failure.
pub fn check(
    paths: &[PathBuf],
    profile: Option<&std::path::Path>,
    period: &str,
) -> anyhow::Result<Checked> {
    let content_hash = sightline_pipeline::content_hash(paths, profile, Some(period))?;
    let options = sightline_pipeline::check_options(profile, Some(period))?;
    let mut discard = sightline_intake::check::Discard;
    match sightline_intake::check(paths, &options, &mut discard) {
        Ok(mut report) => {
            // The files wait in a temporary folder: name them as the agency sent them.
            let bare = |file: &mut String| {
                if let Some(name) = std::path::Path::new(file.as_str()).file_name() {
                    *file = name.to_string_lossy().into_owned();
                }
            };
            report
                .diagnostics
                .iter_mut()
                .for_each(|d| bare(&mut d.file));
            report.sources.iter_mut().for_each(|s| bare(&mut s.file));
            let mut problems_csv = Vec::new();
            report.write_problems_csv(&mut problems_csv)?;
            Ok(Checked {
                validation: Validation::of(&report),
                problems_csv,
                content_hash,
            })
        }
        Err(error) => {
            let mut why = error.to_string();
            if let Some(dir) = paths.first().and_then(|p| p.parent()) {
                why = why.replace(&format!("{}/", dir.display()), "");
            }
            let validation = Validation {
                rules: vec![RuleLine {
                    code: "F000".to_string(),
                    error: true,
                    title: "The files could not be read".to_string(),
                    hint: String::new(),
                    count: 1,
                }],
                unreadable: Some(why.clone()),
                problems_total: 1,
                ..Validation::default()
            };
            let mut problems_csv = Vec::new();
            {
                let mut writer = csv::Writer::from_writer(&mut problems_csv);
                writer.write_record(["rule", "severity", "message"])?;
                writer.write_record([
                    "F000",
                    "error",
                    &sightline_standard::cells::neutralise(&why),
                ])?;
                writer.flush()?;
            }
            Ok(Checked {
                validation,
                problems_csv,
                content_hash,
            })
        }
    }
}

/// A file name safe to keep and to show: the last part of what the browser sent, with
/// anything but letters, digits, `.`, `-` and `_` replaced, at most 100 characters.
pub fn safe_name(sent: &str, index: usize) -> String {
    let last = sent.rsplit(['/', '\\']).next().unwrap_or_default();
    let mut name: String = last
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || ".-_".contains(c) {
                c
            } else {
                '_'
            }
        })
        .take(100)
        .collect();
    if name.trim_matches(['.', '_']).is_empty() {
        name = format!("file-{}", index + 1);
    }
    if name.starts_with('.') {
        name.insert(0, '_');
    }
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sent_names_become_safe_file_names() {
        assert_eq!(safe_name("C:\\Users\\x\\people.csv", 0), "people.csv");
        assert_eq!(safe_name("../../etc/passwd", 0), "passwd");
        assert_eq!(safe_name("..", 2), "file-3");
        assert_eq!(safe_name(".hidden", 0), "_.hidden");
        assert_eq!(safe_name("My Return (v2).xlsx", 0), "My_Return__v2_.xlsx");
    }
}
