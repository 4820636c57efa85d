//! What did a check find, in a form both people and scripts can read?

use crate::reader::SkippedSheet;
use crate::rules::{Diagnostic, Rule, Severity};
use serde::Serialize;
use sightline_standard::Table;
use std::collections::BTreeMap;

/// Rows of one table across all its files. Always `read = accepted + rejected`.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct TableCounts {
    pub table: Table,
    pub read: u64,
    pub accepted: u64,
    pub rejected: u64,
    /// Rows of a wide sheet that repeat an accepted row of this table (the same person on
    /// another incident's row): read once, not counted in `read`.
    #[serde(skip_serializing_if = "is_zero")]
    pub repeated: u64,
    /// Rows of a DfE table that describe a child another DfE table of the return already
    /// gave (a 903 Header row of a child in the CIN census): their facts join that child's
    /// record, and they are not counted in `read`.
    #[serde(skip_serializing_if = "is_zero")]
    pub joined: u64,
}

fn is_zero(n: &u64) -> bool {
    *n == 0
}

impl TableCounts {
    pub fn new(table: Table) -> TableCounts {
        TableCounts {
            table,
            read: 0,
            accepted: 0,
            rejected: 0,
            repeated: 0,
            joined: 0,
        }
    }
}

/// How a header was read.
#[derive(Debug, Clone, Serialize)]
pub struct ColumnReport {
    pub header: String,
    /// The field it was read as; `None` when the column was not read (F201).
    pub field: Option<&'static str>,
}

/// One table found in one file or sheet.
#[derive(Debug, Clone, Serialize)]
pub struct SourceReport {
    pub file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    pub table: Table,
    pub header_row: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub encoding: Option<&'static str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// The built-in layout the file was read as ("SSDA903 Header", "CIN census"), when it
    /// was read without a profile.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub layout: Option<&'static str>,
    pub columns: Vec<ColumnReport>,
}

/// How often a rule was broken.
#[derive(Debug, Clone, Serialize)]
pub struct RuleCount {
    pub rule: Rule,
    pub severity: Severity,
    pub title: &'static str,
    pub hint: &'static str,
    pub count: u64,
}

/// A value that maps to no code, with how often it occurs: what a profile needs to map.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct UnmappedValue {
    pub table: Table,
    pub field: String,
    pub column: String,
    pub value: String,
    pub count: u64,
}

/// Everything a check found.
#[derive(Debug, Clone, Serialize)]
pub struct CheckReport {
    pub standard_version: &'static str,
    pub sources: Vec<SourceReport>,
    pub skipped_sheets: Vec<SkippedSheet>,
    pub tables: Vec<TableCounts>,
    pub rules: Vec<RuleCount>,
    pub unmapped: Vec<UnmappedValue>,
    pub diagnostics: Vec<Diagnostic>,
    /// Diagnostics beyond the first [`crate::check::LISTED_DIAGNOSTICS`]: counted in `rules`,
    /// not listed (nor in `unmapped`).
    #[serde(skip_serializing_if = "is_zero")]
    pub not_listed: u64,
}

impl CheckReport {
    /// Every problem as CSV, one row per diagnostic: rule, severity, file, sheet, table, row,
    /// column, field, value, expected, message. Cells come from the return, so any a
    /// spreadsheet would run as a formula is neutralised.
    pub fn write_problems_csv(&self, out: impl std::io::Write) -> Result<(), csv::Error> {
        use sightline_standard::cells::neutralise;
        let mut writer = csv::Writer::from_writer(out);
        writer.write_record([
            "rule", "severity", "file", "sheet", "table", "row", "column", "field", "value",
            "expected", "message",
        ])?;
        for d in &self.diagnostics {
            let severity = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
            };
            let row = d.row.map(|r| r.to_string()).unwrap_or_default();
            writer.write_record(
                [
                    d.rule.code(),
                    severity,
                    &d.file,
                    d.sheet.as_deref().unwrap_or_default(),
                    d.table.name(),
                    &row,
                    d.column.as_deref().unwrap_or_default(),
                    d.field.unwrap_or_default(),
                    d.value.as_deref().unwrap_or_default(),
                    &d.expected,
                    &d.message,
                ]
                .map(neutralise)
                .iter()
                .map(|cell| cell.as_bytes()),
            )?;
        }
        writer.flush()?;
        Ok(())
    }

    pub fn new(
        sources: Vec<SourceReport>,
        skipped_sheets: Vec<SkippedSheet>,
        tables: Vec<TableCounts>,
        diagnostics: Vec<Diagnostic>,
    ) -> CheckReport {
        let mut by_rule: BTreeMap<Rule, u64> = BTreeMap::new();
        let mut unmapped: BTreeMap<(Table, String, String, String), u64> = BTreeMap::new();
        for diagnostic in &diagnostics {
            *by_rule.entry(diagnostic.rule).or_default() += 1;
            if diagnostic.rule == Rule::W101 {
                let key = (
                    diagnostic.table,
                    diagnostic.field.unwrap_or_default().to_string(),
                    diagnostic.column.clone().unwrap_or_default(),
                    diagnostic.value.clone().unwrap_or_default(),
                );
                *unmapped.entry(key).or_default() += 1;
            }
        }
        let rules = by_rule
            .into_iter()
            .map(|(rule, count)| RuleCount {
                rule,
                severity: rule.severity(),
                title: rule.title(),
                hint: rule.hint(),
                count,
            })
            .collect();
        let mut unmapped: Vec<UnmappedValue> = unmapped
            .into_iter()
            .map(|((table, field, column, value), count)| UnmappedValue {
                table,
                field,
                column,
                value,
                count,
            })
            .collect();
        unmapped.sort_by(|a, b| {
            (a.table, &a.field, std::cmp::Reverse(a.count), &a.value).cmp(&(
                b.table,
                &b.field,
                std::cmp::Reverse(b.count),
                &b.value,
            ))
        });
        CheckReport {
            standard_version: sightline_standard::STANDARD_VERSION,
            sources,
            skipped_sheets,
            tables,
            rules,
            unmapped,
            diagnostics,
            not_listed: 0,
        }
    }

    /// Adds the diagnostics that were counted but not listed.
    pub fn with_not_listed(mut self, not_listed: BTreeMap<Rule, u64>) -> CheckReport {
        for (rule, count) in not_listed {
            self.not_listed += count;
            match self.rules.iter_mut().find(|r| r.rule == rule) {
                Some(found) => found.count += count,
                None => self.rules.push(RuleCount {
                    rule,
                    severity: rule.severity(),
                    title: rule.title(),
                    hint: rule.hint(),
                    count,
                }),
            }
        }
        self.rules.sort_by_key(|r| r.rule);
        self
    }

    pub fn rows_rejected(&self) -> u64 {
        self.tables.iter().map(|t| t.rejected).sum()
    }
}
