//! What is in a return, and what is wrong with it?
//!
//! [`check`] reads every table of every file, normalises each row, applies the cross-table
//! rules, and hands each accepted record (and each rejected row with its reasons) to a
//! [`Sink`]. It never stops at the first problem and never drops a row silently: for every
//! table, read = accepted + rejected.

use crate::IntakeError;
use crate::limits::Limits;
use crate::normalise::{Normaliser, Origin, Period};
use crate::profile::Profile;
use crate::reader::{self, SkippedSheet, TableSource};
use crate::report::{CheckReport, ColumnReport, SourceReport, TableCounts};
use crate::rules::{Diagnostic, Rule, Severity};
use rustc_hash::FxHashMap;
use sightline_standard::{PartialDate, Record, Table};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Rows between two progress reports.
const PROGRESS_EVERY: u64 = 8192;

/// Diagnostics a report lists one by one; beyond them each is counted under its rule, so that
/// a file of millions of bad rows is answered in bounded memory. The sink is still handed
/// every rejected row with every reason.
pub const LISTED_DIAGNOSTICS: usize = 100_000;

/// What a check needs besides the files.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub profile: Profile,
    /// Dates outside it are rejected (E008).
    pub period: Option<Period>,
    /// Dates of birth after it are rejected (E004).
    pub today: PartialDate,
    /// The file-level limits (F3…); [`Limits::default`] unless a test lowers them.
    pub limits: Limits,
}

/// Where a row came from.
#[derive(Debug, Clone, Copy)]
pub struct RowRef<'a> {
    pub origin: &'a Origin,
    pub row: u64,
}

/// Receives the outcome of every row.
pub trait Sink {
    fn accepted(&mut self, at: RowRef<'_>, record: Record) -> Result<(), IntakeError>;

    /// How far reading has got: rows read so far of a table's source, and about how many it
    /// holds. Called every few thousand rows and at the end of each source.
    fn progress(&mut self, _table: Table, _rows_read: u64, _rows_expected: u64) {}

    /// A rejected row: its cells paired with their headers, and every reason.
    fn rejected(
        &mut self,
        _at: RowRef<'_>,
        _cells: &[(String, String)],
        _reasons: &[Diagnostic],
    ) -> Result<(), IntakeError> {
        Ok(())
    }
}

/// A sink that keeps nothing: `check` without `--normalised`.
pub struct Discard;

impl Sink for Discard {
    fn accepted(&mut self, _at: RowRef<'_>, _record: Record) -> Result<(), IntakeError> {
        Ok(())
    }
}

/// Where an identifier was first used: (index into `Seen::files`, row, whether that row was
/// accepted).
type FirstRow = (u32, u64, bool);

/// An identifier as a 128-bit digest: two SipHash-1-3 values with different prefixes. Keeping
/// digests instead of the text keeps the id set small and free of per-id allocations; two
/// different ids share a digest with probability about n² / 2¹²⁹ (1e-26 for a million ids).
fn id_digest(id: &str) -> u128 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let half = |prefix: u8| {
        let mut hasher = DefaultHasher::new();
        prefix.hash(&mut hasher);
        id.hash(&mut hasher);
        hasher.finish()
    };
    (u128::from(half(0)) << 64) | u128::from(half(1))
}

/// Identifiers seen so far, for uniqueness and references across tables.
#[derive(Default)]
struct Seen {
    /// Files in the order they were read.
    files: Vec<String>,
    /// id → its first row.
    ids: FxHashMap<Table, FxHashMap<u128, FirstRow>>,
    /// In a wide sheet, what the first row of an id said (a digest of its cells), so that rows
    /// repeating it can be told from rows contradicting it.
    content: FxHashMap<(Table, u128), u64>,
}

impl Seen {
    /// Remembers the first row that uses an id; later rows with the same id are duplicates.
    fn first_use(&mut self, table: Table, digest: u128, file: &str, row: u64, accepted: bool) {
        if self.files.last().is_none_or(|last| last != file) {
            self.files.push(file.to_string());
        }
        let file_index = u32::try_from(self.files.len() - 1).unwrap_or(u32::MAX);
        self.ids
            .entry(table)
            .or_default()
            .entry(digest)
            .or_insert((file_index, row, accepted));
    }
}

/// Reads and validates the files of one return.
pub fn check(
    paths: &[PathBuf],
    options: &CheckOptions,
    sink: &mut dyn Sink,
) -> Result<CheckReport, IntakeError> {
    let mut sources: Vec<TableSource> = Vec::new();
    let mut skipped_sheets: Vec<SkippedSheet> = Vec::new();
    for path in paths {
        let (found, skipped) = reader::open(path, &options.profile, &options.limits)?;
        sources.extend(found);
        skipped_sheets.extend(skipped);
    }
    // The DfE's returns on children: 903 tables joined into one record per child, the CIN
    // census streamed, the 903 tables the standard does not hold noted and dropped.
    let assembled = crate::dfe::assemble(sources)?;
    let mut sources = assembled.sources;
    if sources.is_empty() {
        return Err(IntakeError::NoTables {
            paths: paths.iter().map(|p| p.display().to_string()).collect(),
        });
    }
    // Referenced tables first, so that references can be checked as rows stream past.
    sources.sort_by_key(|source| source.table);
    let present: BTreeSet<Table> = sources.iter().map(|s| s.table).collect();

    let mut diagnostics: Vec<Diagnostic> = assembled.notes;
    let mut counts: BTreeMap<Table, TableCounts> = BTreeMap::new();
    let mut source_reports = Vec::new();
    let mut seen = Seen::default();
    let mut cells: Vec<String> = Vec::new();
    let mut row_diagnostics: Vec<Diagnostic> = Vec::new();
    let mut not_listed: BTreeMap<Rule, u64> = BTreeMap::new();
    let mut id_rows: u64 = 0;

    for mut source in sources {
        let origin = Origin {
            file: source.file.clone(),
            sheet: source.sheet.clone(),
            table: source.table,
        };
        // A built-in layout (the DfE's returns) is read as it says, not through the profile.
        let builtin = source.builtin.take();
        let table_profile = match &builtin {
            Some(builtin) => Some(&builtin.profile),
            None => options.profile.table(source.table),
        };
        let date_formats = match &builtin {
            Some(builtin) => builtin.date_formats.clone(),
            None => options.profile.date_formats(source.table),
        };
        let mut normaliser = Normaliser::new(
            origin.clone(),
            &source.headers,
            table_profile,
            date_formats,
            options.today,
            options.period,
            &mut diagnostics,
        );
        note_missing_tables(&origin, &present, &mut diagnostics);
        let has_ids = normaliser.has_id_column();
        if has_ids {
            seen.ids
                .entry(source.table)
                .or_default()
                .reserve(source.estimated_rows().min(options.limits.rows as usize));
        }
        let table_counts = counts
            .entry(source.table)
            .or_insert_with(|| TableCounts::new(source.table));
        let expected = source.estimated_rows() as u64;
        let mut source_rows: u64 = 0;
        while let Some(row) = source.next_row(&mut cells)? {
            source_rows += 1;
            // Rows of a table across the return's files, and rows of all the tables with ids
            // of their own together (people, incidents): the ids kept to find duplicates and
            // check references grow with them.
            if has_ids {
                // A row of a wide sheet also keeps what its id's first row said.
                id_rows += if source.shared { 2 } else { 1 };
            }
            let over = if table_counts.read + table_counts.repeated >= options.limits.rows {
                Some(format!("the return's {} table has", source.table))
            } else if id_rows > options.limits.rows {
                Some(
                    "the return's tables with ids of their own (people, incidents) have together"
                        .to_string(),
                )
            } else {
                None
            };
            if let Some(what) = over {
                return Err(crate::limits::too_many_rows(
                    std::path::Path::new(&source.file),
                    &what,
                    &options.limits,
                ));
            }
            if source_rows.is_multiple_of(PROGRESS_EVERY) {
                sink.progress(source.table, source_rows, expected);
            }
            let row_id = normaliser.row_id(&cells).map(|id| (id, id_digest(id)));
            if source.shared
                && let Some((_, digest)) = row_id
                && repeats_accepted_row(&mut seen, source.table, digest, &normaliser, &cells)
            {
                table_counts.repeated += 1;
                continue;
            }
            table_counts.read += 1;
            row_diagnostics.clear();
            let record = normaliser.normalise(row, &cells, &mut row_diagnostics);
            check_references(
                &origin,
                source.shared,
                row,
                record.as_ref(),
                row_id,
                &present,
                &mut seen,
                &normaliser,
                &mut row_diagnostics,
            );
            let rejected = row_diagnostics
                .iter()
                .any(|d| d.severity == Severity::Error);
            if let Some((_, digest)) = row_id {
                seen.first_use(
                    source.table,
                    digest,
                    &origin.file,
                    row,
                    !rejected && record.is_some(),
                );
            }
            let at = RowRef {
                origin: &origin,
                row,
            };
            match record {
                Some(record) if !rejected => {
                    table_counts.accepted += 1;
                    sink.accepted(at, record)?;
                }
                _ => {
                    table_counts.rejected += 1;
                    let pairs: Vec<(String, String)> = normaliser
                        .headers()
                        .iter()
                        .cloned()
                        .chain(std::iter::repeat(String::new()))
                        .zip(cells.iter().cloned())
                        .collect();
                    sink.rejected(at, &pairs, &row_diagnostics)?;
                }
            }
            if diagnostics.len() < LISTED_DIAGNOSTICS {
                diagnostics.append(&mut row_diagnostics);
            } else {
                for diagnostic in row_diagnostics.drain(..) {
                    *not_listed.entry(diagnostic.rule).or_default() += 1;
                }
            }
        }
        sink.progress(source.table, source_rows, source_rows);
        let end = source.finish();
        table_counts.joined += end.joined;
        diagnostics.extend(end.notes);
        if source.read_as_windows_1252() {
            diagnostics.push(origin.note(
                Rule::F203,
                None,
                None,
                "UTF-8 text".to_string(),
                "bytes that are not UTF-8 were read as Windows-1252".to_string(),
            ));
        }
        source_reports.push(SourceReport {
            file: source.file.clone(),
            sheet: source.sheet.clone(),
            table: source.table,
            header_row: source.header_row,
            encoding: source.encoding,
            delimiter: source.delimiter.map(String::from),
            layout: builtin.as_ref().map(|b| b.layout),
            columns: source
                .headers
                .iter()
                .map(|header| ColumnReport {
                    header: header.clone(),
                    field: normaliser.field_of_header(header),
                })
                .collect(),
        });
    }
    forget_columns_of_other_tables(&source_reports, &mut diagnostics);
    Ok(CheckReport::new(
        source_reports,
        skipped_sheets,
        counts.into_values().collect(),
        diagnostics,
    )
    .with_not_listed(not_listed))
}

/// Whether a row of a wide sheet repeats, cell for cell, an accepted earlier row with the same
/// id (the same person on another incident's row); remembers the first row's cells otherwise.
fn repeats_accepted_row(
    seen: &mut Seen,
    table: Table,
    digest: u128,
    normaliser: &Normaliser<'_>,
    cells: &[String],
) -> bool {
    let content = normaliser.content_digest(cells);
    match seen.content.get(&(table, digest)) {
        Some(&first) => {
            first == content
                && seen
                    .ids
                    .get(&table)
                    .and_then(|ids| ids.get(&digest))
                    .is_some_and(|&(_, _, accepted)| accepted)
        }
        None => {
            seen.content.insert((table, digest), content);
            false
        }
    }
}

/// In a wide sheet each table reads some columns: a column one table does not read (F201) is
/// no news when another table on the same sheet reads it.
fn forget_columns_of_other_tables(sources: &[SourceReport], diagnostics: &mut Vec<Diagnostic>) {
    let read: BTreeSet<(&str, Option<&str>, &str)> = sources
        .iter()
        .flat_map(|source| {
            source
                .columns
                .iter()
                .filter(|column| column.field.is_some())
                .map(|column| {
                    (
                        source.file.as_str(),
                        source.sheet.as_deref(),
                        column.header.as_str(),
                    )
                })
        })
        .collect();
    diagnostics.retain(|d| {
        d.rule != Rule::F201
            || !d
                .column
                .as_deref()
                .is_some_and(|column| read.contains(&(d.file.as_str(), d.sheet.as_deref(), column)))
    });
}

/// F204 when a table's references cannot be checked because the table they point at is absent.
fn note_missing_tables(
    origin: &Origin,
    present: &BTreeSet<Table>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let needs: &[Table] = match origin.table {
        Table::Involvements => &[Table::People, Table::Incidents],
        Table::MissingEpisodes | Table::Groups => &[Table::People],
        _ => &[],
    };
    for needed in needs.iter().filter(|t| !present.contains(t)) {
        diagnostics.push(origin.note(
            Rule::F204,
            None,
            None,
            format!("a {needed} table in the return"),
            format!("the return has no {needed} table, so references to it are not checked"),
        ));
    }
}

#[allow(clippy::too_many_arguments)]
fn check_references(
    origin: &Origin,
    shared: bool,
    row: u64,
    record: Option<&Record>,
    row_id: Option<(&str, u128)>,
    present: &BTreeSet<Table>,
    seen: &mut Seen,
    normaliser: &Normaliser<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mut push =
        |rule: Rule, field: &'static str, value: &str, expected: String, message: String| {
            let column = normaliser
                .headers()
                .iter()
                .find(|h| normaliser.field_of_header(h) == Some(field))
                .cloned();
            diagnostics.push(Diagnostic {
                rule,
                severity: rule.severity(),
                file: origin.file.clone(),
                sheet: origin.sheet.clone(),
                table: origin.table,
                field: Some(field),
                row: Some(row),
                column,
                value: Some(crate::limits::for_display(value)),
                expected,
                message,
            });
        };
    if let (Some((id, digest)), Some(field)) = (row_id, origin.table.unique_id())
        && let Some((file, first_row, _)) =
            seen.ids.get(&origin.table).and_then(|ids| ids.get(&digest))
    {
        push(
            Rule::E002,
            field,
            id,
            format!("{field} not used on another row"),
            format!(
                "{field} '{}' is already used in {} row {first_row}{}",
                crate::limits::for_display(id),
                seen.files.get(*file as usize).map_or("", String::as_str),
                if shared {
                    ", with other values (a row of a wide sheet may repeat it, but cell for cell)"
                } else {
                    ""
                }
            ),
        );
    }
    let Some(record) = record else { return };
    let mut references: Vec<(Table, &'static str, &str)> = Vec::new();
    match record {
        Record::Involvement(involvement) => {
            references.push((Table::People, "person_id", &involvement.person_id));
            references.push((Table::Incidents, "incident_id", &involvement.incident_id));
        }
        Record::MissingEpisode(episode) => {
            references.push((Table::People, "person_id", &episode.person_id))
        }
        Record::GroupMember(member) => {
            references.push((Table::People, "person_id", &member.person_id))
        }
        _ => {}
    }
    for (table, field, id) in references {
        if !present.contains(&table) {
            continue;
        }
        let rule = if table == Table::People {
            Rule::E006
        } else {
            Rule::E007
        };
        let expected = format!("{field} of an accepted row of the {table} table");
        let shown = crate::limits::for_display(id);
        match seen.ids.get(&table).and_then(|ids| ids.get(&id_digest(id))) {
            Some((_, _, true)) => {}
            Some((file, first_row, false)) => {
                let file = seen.files.get(*file as usize).map_or("", String::as_str);
                push(
                    rule,
                    field,
                    id,
                    expected,
                    format!("{field} '{shown}' is on {file} row {first_row}, which is rejected"),
                );
            }
            None => push(
                rule,
                field,
                id,
                expected,
                format!("{field} '{shown}' is not in the {table} table"),
            ),
        }
    }
}
