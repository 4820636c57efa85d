//! Which tables does a file hold, where are their headers, and what is in each row?
//!
//! CSV: the delimiter is sniffed (`,` `;` tab `|`), a UTF-8 byte-order mark is dropped, bytes
//! that are not UTF-8 are read as Windows-1252, title lines above the header are skipped, and
//! blank rows are not rows. Rows stream: memory does not grow with the file, and no record is
//! buffered past the row limit. XLSX: one table per sheet, read cell by cell within a budget of
//! cells and text (see [`crate::limits`]), Excel dates become ISO dates. Cells neutralised
//! against formula injection are restored ([`sightline_standard::cells`]). A file or sheet that the profile gives several tables
//! (one wide sheet, a row per person in an incident) is read once for each. Row numbers are
//! those the user sees in a spreadsheet.

use crate::IntakeError;
use crate::limits::{self, Limits};
use crate::profile::Profile;
use crate::rules::Rule;
use calamine::{Data, DataRef, Reader as _};
use sightline_standard::fold::fold_header;
use sightline_standard::{PartialDate, Table};
use std::collections::{HashSet, VecDeque};
use std::fs::File;
use std::io::{BufReader, Cursor, Read};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex, PoisonError};

/// How many rows at the top of a file may hold titles before the header.
const HEADER_SEARCH_ROWS: usize = 30;
const SNIFF_BYTES: usize = 64 * 1024;
/// Rows a reading thread hands over at a time, and batches it may read ahead.
const BATCH_ROWS: usize = 1024;
const BATCHES_AHEAD: usize = 4;
/// About how much memory a batch of rows may hold (text and cells), so that rows near the row
/// limit cannot make the read-ahead large.
const BATCH_BYTES: usize = 4 << 20;
/// A cell's string kept for reuse may hold at most this much more than its value needs.
const SPARE_CAPACITY: usize = 64;

/// One table found in a file or sheet, positioned after its header row.
pub struct TableSource {
    pub file: String,
    pub sheet: Option<String>,
    pub table: Table,
    /// 1-based row of the header.
    pub header_row: u64,
    pub headers: Vec<String>,
    /// "utf-8" or "windows-1252", for CSV.
    pub encoding: Option<&'static str>,
    pub delimiter: Option<char>,
    /// The file or sheet holds other tables too (one wide sheet, a row per person in an
    /// incident): a person or incident repeats on every row it is part of.
    pub shared: bool,
    /// A layout Sightline knows without a profile (the DfE's returns on children): how its
    /// columns and codes are read.
    pub builtin: Option<crate::dfe::Builtin>,
    rows: Rows,
}

enum Rows {
    Csv(Box<CsvStream>),
    Sheet(std::vec::IntoIter<(u64, Vec<String>)>),
    Stream(Box<dyn RowStream>),
}

/// Rows made by a reader of its own (the CIN census XML, or DfE tables joined into one
/// child's record).
pub trait RowStream: Send {
    /// As [`TableSource::next_row`].
    fn next_row(&mut self, cells: &mut Vec<String>) -> Result<Option<u64>, IntakeError>;

    /// About how many rows remain.
    fn estimated_rows(&self) -> usize;

    /// Whether any cell had to be read as Windows-1252.
    fn read_as_windows_1252(&self) -> bool {
        false
    }

    /// What the stream has to say once its rows are read: notes, and rows of other tables
    /// that joined its rows.
    fn finish(&mut self) -> StreamEnd {
        StreamEnd::default()
    }
}

/// What a [`RowStream`] reports after its last row.
#[derive(Debug, Default)]
pub struct StreamEnd {
    pub notes: Vec<crate::Diagnostic>,
    /// Rows of other DfE tables whose facts joined this stream's rows (not read as rows).
    pub joined: u64,
}

impl TableSource {
    /// Fills `cells` with the next non-blank row and returns its row number, or `None` at the
    /// end.
    pub fn next_row(&mut self, cells: &mut Vec<String>) -> Result<Option<u64>, IntakeError> {
        match &mut self.rows {
            Rows::Csv(rows) => rows.next_row(cells),
            Rows::Stream(rows) => rows.next_row(cells),
            Rows::Sheet(rows) => Ok(rows.next().map(|(row, values)| {
                *cells = values;
                row
            })),
        }
    }

    /// About how many rows remain, from the file's size and the rows in its first bytes; for
    /// sizing tables up front.
    pub fn estimated_rows(&self) -> usize {
        match &self.rows {
            Rows::Csv(rows) => rows.estimated_rows,
            Rows::Sheet(rows) => rows.len(),
            Rows::Stream(rows) => rows.estimated_rows(),
        }
    }

    /// What the source has to say once its rows are read (see [`RowStream::finish`]).
    pub fn finish(&mut self) -> StreamEnd {
        match &mut self.rows {
            Rows::Stream(rows) => rows.finish(),
            _ => StreamEnd::default(),
        }
    }

    /// A table whose rows a reader of its own makes.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_stream(
        file: String,
        table: Table,
        header_row: u64,
        headers: Vec<String>,
        encoding: Option<&'static str>,
        delimiter: Option<char>,
        builtin: Option<crate::dfe::Builtin>,
        rows: Box<dyn RowStream>,
    ) -> TableSource {
        TableSource {
            file,
            sheet: None,
            table,
            header_row,
            headers,
            encoding,
            delimiter,
            shared: false,
            builtin,
            rows: Rows::Stream(rows),
        }
    }

    /// Whether any cell had to be read as Windows-1252.
    pub fn read_as_windows_1252(&self) -> bool {
        match &self.rows {
            Rows::Csv(rows) => rows.windows_1252 || rows.saw_non_utf8.load(Ordering::Relaxed),
            Rows::Sheet(_) => false,
            Rows::Stream(rows) => rows.read_as_windows_1252(),
        }
    }
}

/// Sheets of a workbook that hold no table (the template's own guidance and lists).
#[derive(Debug, Clone, serde::Serialize)]
pub struct SkippedSheet {
    pub file: String,
    pub sheet: String,
    pub reason: String,
}

/// The folded headers a table is known by.
pub type KnownHeaders<'a> = &'a dyn Fn(Table) -> HashSet<String>;

/// Opens every table in a file, recognising headers by the standard's names and the profile's.
pub fn open(
    path: &Path,
    profile: &Profile,
    limits: &Limits,
) -> Result<(Vec<TableSource>, Vec<SkippedSheet>), IntakeError> {
    open_with(path, profile, limits, &|table| {
        known_headers(table, profile)
    })
}

/// Opens every table in a file, recognising headers by `known`.
pub fn open_with(
    path: &Path,
    profile: &Profile,
    limits: &Limits,
    known: KnownHeaders<'_>,
) -> Result<(Vec<TableSource>, Vec<SkippedSheet>), IntakeError> {
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    match extension.as_str() {
        "xlsx" | "xlsm" | "xls" | "xlsb" | "ods" => open_workbook(path, profile, limits, known),
        "xml" => Ok((vec![crate::dfe::open_cin_census(path, limits)?], Vec::new())),
        _ => Ok((open_csv(path, profile, limits, known)?, Vec::new())),
    }
}

fn unreadable(path: &Path, error: impl std::fmt::Display) -> IntakeError {
    IntakeError::Unreadable {
        path: path.display().to_string(),
        message: error.to_string(),
    }
}

/// The folded headers a table is known by: the profile's columns and the standard's fields.
fn known_headers(table: Table, profile: &Profile) -> HashSet<String> {
    let mut headers: HashSet<String> = table.fields().iter().map(|f| fold_header(f.name)).collect();
    if let Some(table_profile) = profile.table(table) {
        headers.extend(table_profile.columns.values().map(|h| fold_header(h)));
    }
    headers
}

/// Whether a row is plainly a header row: at least two cells, and at least half of its
/// non-empty cells, are headers the table is known by.
fn looks_like_header(cells: &[String], known: &HashSet<String>) -> bool {
    let filled = cells.iter().filter(|cell| !cell.trim().is_empty()).count();
    let matched = header_score(cells, known);
    matched >= 2 && matched * 2 >= filled
}

fn header_score(cells: &[String], known: &HashSet<String>) -> usize {
    cells
        .iter()
        .filter(|cell| !cell.trim().is_empty() && known.contains(&fold_header(cell)))
        .count()
}

/// The table a name suggests: a profile pattern, or a table name inside it ("2024_people.csv").
fn table_from_name(name: &str) -> Option<Table> {
    let key = fold_header(name);
    Table::ALL
        .into_iter()
        .find(|table| key.contains(&fold_header(table.name())))
}

/// Picks the header row among the first rows and, when the table is not known, the table.
/// Returns (index into rows, table), or `None` when no row looks like a header.
fn find_header(
    rows: &[(u64, Vec<String>)],
    table: Option<Table>,
    header_row: Option<u64>,
    known: KnownHeaders<'_>,
) -> Option<(usize, Table)> {
    if let (Some(wanted), Some(table)) = (header_row, table) {
        return rows
            .iter()
            .position(|(row, _)| *row == wanted)
            .map(|index| (index, table));
    }
    let candidates: Vec<Table> = match table {
        Some(table) => vec![table],
        None => Table::ALL.to_vec(),
    };
    let mut best: Option<(usize, Table, usize)> = None;
    for candidate in candidates {
        let known = known(candidate);
        for (index, (_, cells)) in rows.iter().enumerate().take(HEADER_SEARCH_ROWS) {
            let score = header_score(cells, &known);
            if score > 0 && best.is_none_or(|(_, _, best_score)| score > best_score) {
                best = Some((index, candidate, score));
            }
        }
    }
    best.map(|(index, table, _)| (index, table))
}

fn open_workbook(
    path: &Path,
    profile: &Profile,
    limits: &Limits,
    known: KnownHeaders<'_>,
) -> Result<(Vec<TableSource>, Vec<SkippedSheet>), IntakeError> {
    // Only .xlsx (and .xlsm) sheets can be read cell by cell; calamine reads an .xls, .xlsb or
    // .ods sheet as one range as large as its furthest cell, however empty, which a small file
    // can make any size.
    let extension = path
        .extension()
        .and_then(|e| e.to_str())
        .unwrap_or_default()
        .to_ascii_lowercase();
    if !matches!(extension.as_str(), "xlsx" | "xlsm") {
        return Err(limits::refused(
            path,
            Rule::F303,
            format!(
                "a .{extension} workbook is not read (only .xlsx can be read within bounded memory); save it as .xlsx (Excel Workbook) or as CSV"
            ),
        ));
    }
    limits::check_workbook(path, limits)?;
    let mut workbook = calamine::open_workbook_auto(path).map_err(|e| unreadable(path, e))?;
    let file = path.display().to_string();
    let mut sources = Vec::new();
    let mut skipped = Vec::new();
    let sheet_names = workbook.sheet_names();
    if sheet_names.len() > limits.sheets {
        return Err(limits::too_many_sheets(path, sheet_names.len(), limits));
    }
    let mut budget = Budget::default();
    for sheet in sheet_names {
        let rows = sheet_rows(&mut workbook, &sheet, path, limits, &mut budget)?;
        let listed = profile.tables_for_sheet(&sheet);
        if listed.len() > 1 {
            // One wide sheet: each table the profile puts on it reads its own columns.
            for table in listed {
                let header_row = profile.table(table).and_then(|t| t.header_row);
                let Some((header_index, _)) = find_header(&rows, Some(table), header_row, known)
                else {
                    skipped.push(SkippedSheet {
                        file: file.clone(),
                        sheet: sheet.clone(),
                        reason: format!("no header of the {table} table"),
                    });
                    continue;
                };
                // Each table of a wide sheet reads its own copy: it is held as the rest are.
                let copied: u64 = rows[header_index + 1..]
                    .iter()
                    .map(|(_, cells)| {
                        limits::held_by_row(cells.len())
                            + cells
                                .iter()
                                .map(|cell| limits::held_by_cell(cell.len()) - 32)
                                .sum::<u64>()
                    })
                    .sum();
                budget.spend(copied, path, limits)?;
                let data = rows[header_index + 1..].to_vec();
                let header = rows[header_index].clone();
                sources.push(sheet_source(&file, &sheet, table, header, data, true));
            }
            continue;
        }
        let named = listed.first().copied().or_else(|| Table::parse(&sheet));
        let header_row = named
            .and_then(|t| profile.table(t))
            .and_then(|t| t.header_row);
        let Some((header_index, table)) = find_header(&rows, named, header_row, known) else {
            let reason = if rows.is_empty() {
                "empty"
            } else {
                "no header of any table"
            };
            skipped.push(SkippedSheet {
                file: file.clone(),
                sheet: sheet.clone(),
                reason: reason.to_string(),
            });
            continue;
        };
        // The template's Guidance and Lists sheets mention field names; a sheet that is not
        // named after a table (or in the profile) must have a row that is mostly headers.
        if named.is_none() && !looks_like_header(&rows[header_index].1, &known(table)) {
            skipped.push(SkippedSheet {
                file: file.clone(),
                sheet: sheet.clone(),
                reason: "no header of any table".to_string(),
            });
            continue;
        }
        let mut rows = rows;
        let data = rows.split_off(header_index + 1);
        let header = rows.pop().unwrap_or_default();
        sources.push(sheet_source(&file, &sheet, table, header, data, false));
    }
    Ok((sources, skipped))
}

/// What a workbook's sheets have taken in memory so far, in bytes (as
/// [`limits::held_by_cell`] and [`limits::held_by_row`] reckon it).
#[derive(Default)]
struct Budget {
    held: u64,
}

impl Budget {
    fn spend(&mut self, bytes: u64, path: &Path, limits: &Limits) -> Result<(), IntakeError> {
        self.held = self.held.saturating_add(bytes);
        if self.held > limits.workbook_held_bytes {
            return Err(limits::refused(
                path,
                Rule::F308,
                format!(
                    "the workbook's sheets would take more than {} of memory, and a workbook is read whole; send the tables as CSV, which is read as a stream",
                    limits::bytes(limits.workbook_held_bytes)
                ),
            ));
        }
        Ok(())
    }
}

/// The non-blank rows of a sheet as text, each as wide as the sheet's used columns, with the
/// row numbers a spreadsheet shows. An .xlsx sheet is read cell by cell (calamine's whole-sheet
/// range is as large as the furthest cell says, however empty); rows, columns, cells and text
/// are held to `limits` as they are read.
fn sheet_rows(
    workbook: &mut calamine::Sheets<BufReader<File>>,
    sheet: &str,
    path: &Path,
    limits: &Limits,
    budget: &mut Budget,
) -> Result<Vec<(u64, Vec<String>)>, IntakeError> {
    let calamine::Sheets::Xlsx(xlsx) = workbook else {
        return Err(unreadable(path, "not an .xlsx workbook"));
    };
    let mut reader = xlsx
        .worksheet_cells_reader(sheet)
        .map_err(|e| unreadable(path, e))?;
    // (row, column, text) of every cell that is not empty, in the order the sheet gives them.
    let mut found: Vec<(u32, u32, String)> = Vec::new();
    while let Some(cell) = reader.next_cell().map_err(|e| unreadable(path, e))? {
        if matches!(cell.get_value(), DataRef::Empty) {
            continue;
        }
        let (row, column) = cell.get_position();
        let mut text = cell_text(&Data::from(cell.get_value().clone()));
        sightline_standard::cells::restore_in_place(&mut text);
        budget.spend(limits::held_by_cell(text.len()), path, limits)?;
        found.push((row, column, text));
    }
    drop(reader);
    let (Some(first_column), Some(last_column)) = (
        found.iter().map(|c| c.1).min(),
        found.iter().map(|c| c.1).max(),
    ) else {
        return Ok(Vec::new());
    };
    let width = (last_column - first_column) as usize + 1;
    if width > limits.columns {
        return Err(limits::too_many_columns(path, width, limits));
    }
    found.sort_by_key(|&(row, column, _)| (row, column));
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    for (row, column, text) in found {
        let number = u64::from(row) + 1;
        if rows.last().is_none_or(|(last, _)| *last != number) {
            // The header and title lines are rows here; `check` holds data rows to the limit.
            if rows.len() as u64 >= limits.rows.saturating_add(HEADER_SEARCH_ROWS as u64) {
                return Err(limits::too_many_rows(
                    path,
                    &format!("sheet {sheet} has"),
                    limits,
                ));
            }
            budget.spend(limits::held_by_row(width), path, limits)?;
            rows.push((number, vec![String::new(); width]));
        }
        if let Some((_, cells)) = rows.last_mut() {
            // A later cell at the same place replaces the earlier, as calamine's range does.
            cells[(column - first_column) as usize] = text;
        }
    }
    rows.retain(|(_, cells)| cells.iter().any(|cell| !cell.trim().is_empty()));
    Ok(rows)
}

/// A table read from a workbook sheet: its header row and the rows below it.
fn sheet_source(
    file: &str,
    sheet: &str,
    table: Table,
    (header_row, headers): (u64, Vec<String>),
    data: Vec<(u64, Vec<String>)>,
    shared: bool,
) -> TableSource {
    TableSource {
        file: file.to_string(),
        sheet: Some(sheet.to_string()),
        table,
        header_row,
        headers,
        encoding: None,
        delimiter: None,
        shared,
        builtin: None,
        rows: Rows::Sheet(data.into_iter()),
    }
}

/// A cell as text: numbers without a spurious ".0", dates as ISO dates.
fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(text) => text.clone(),
        Data::Float(value) if value.fract() == 0.0 && value.abs() < 1e15 => {
            format!("{}", *value as i64)
        }
        Data::Float(value) => value.to_string(),
        Data::Int(value) => value.to_string(),
        Data::Bool(value) => value.to_string(),
        Data::DateTime(value) => PartialDate::from_excel_serial(value.as_f64())
            .map_or_else(|| value.as_f64().to_string(), |date| date.to_string()),
        Data::DateTimeIso(text) => text.split('T').next().unwrap_or_default().to_string(),
        Data::DurationIso(text) => text.clone(),
        Data::Error(error) => format!("#{error}"),
    }
}

/// Line breaks seen by [`LineMarks`], in stream order: (byte offset, b'\r' or b'\n').
type Marks = Arc<Mutex<VecDeque<(u64, u8)>>>;

/// Records where the line breaks are as the stream is read, so that row numbers are those a
/// spreadsheet shows. (The csv crate's own line count is wrong after blank lines and with CRLF
/// line ends.)
///
/// It also bounds a record: once more than `row_bytes` (and the csv reader's own buffer) have
/// been read since the record began (`record_start`, set by the reader before each record), it
/// fails with [`RowTooLong`], so a record of a gigabyte is never buffered.
struct LineMarks<R> {
    inner: R,
    offset: u64,
    marks: Marks,
    record_start: Arc<AtomicU64>,
    row_bytes: u64,
}

/// A CSV record went past the row limit.
#[derive(Debug)]
struct RowTooLong;

impl std::fmt::Display for RowTooLong {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a row longer than the row limit")
    }
}

impl std::error::Error for RowTooLong {}

/// The csv reader's own buffer: bytes it may have read past the record it is parsing.
const CSV_BUFFER: usize = 8 * 1024;
const CSV_BUFFER_SLACK: u64 = CSV_BUFFER as u64;

impl<R: Read> Read for LineMarks<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let start = self.record_start.load(Ordering::Relaxed);
        if self.offset.saturating_sub(start) > self.row_bytes + CSV_BUFFER_SLACK {
            return Err(std::io::Error::other(RowTooLong));
        }
        let n = self.inner.read(buf)?;
        let mut marks = self.marks.lock().unwrap_or_else(PoisonError::into_inner);
        for (index, &byte) in buf[..n].iter().enumerate() {
            if byte == b'\n' || byte == b'\r' {
                marks.push_back((self.offset + index as u64, byte));
            }
        }
        self.offset += n as u64;
        Ok(n)
    }
}

/// Counts spreadsheet rows up to a record that the csv reader says starts at `start` (which may
/// point at blank lines, or at the `\n` of the CRLF that ended the record before). A record is
/// one row however many line breaks its quoted cells hold; a blank line is a row of its own.
struct LineCounter {
    marks: Marks,
    /// Rows (records and blank lines) so far.
    rows: u64,
    /// The last mark seen, to count CRLF once.
    last: Option<(u64, u8)>,
}

impl LineCounter {
    /// The 1-based spreadsheet row of the record starting at or after `start`.
    fn line_of(&mut self, start: u64) -> u64 {
        let mut position = start;
        let mut blank_rows = 0;
        let marks = Arc::clone(&self.marks);
        let mut marks = marks.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            match marks.front().copied() {
                // Inside the record before (a quoted line break) or its terminator.
                Some(mark) if mark.0 < position => {
                    marks.pop_front();
                    self.last = Some(mark);
                }
                // A blank line, or the second half of a CRLF.
                Some(mark) if mark.0 == position => {
                    marks.pop_front();
                    let crlf_tail = mark.1 == b'\n'
                        && self
                            .last
                            .is_some_and(|(offset, byte)| byte == b'\r' && offset + 1 == mark.0);
                    if !crlf_tail {
                        blank_rows += 1;
                    }
                    self.last = Some(mark);
                    position += 1;
                }
                _ => break,
            }
        }
        self.rows += blank_rows + 1;
        self.rows
    }
}

/// Reads and decodes CSV records.
struct CsvRows {
    lines: LineCounter,
    reader: csv::Reader<Box<dyn Read + Send>>,
    record: csv::ByteRecord,
    windows_1252: bool,
    saw_non_utf8: Arc<AtomicBool>,
    path: String,
    /// Where the record being read began (see [`LineMarks`]).
    record_start: Arc<AtomicU64>,
    limits: Limits,
}

type Batch = Vec<(u64, Vec<String>)>;

/// A streaming CSV table: the rows after the header are read and decoded on a thread of their
/// own, a few batches ahead, while the caller normalises the rows before them.
struct CsvStream {
    /// Rows read while looking for the header, not yet handed out.
    pending: VecDeque<(u64, Vec<String>)>,
    batch: std::vec::IntoIter<(u64, Vec<String>)>,
    batches: Receiver<Result<Batch, IntakeError>>,
    /// Rows handed out and given back, returned to the reading thread a batch at a time so
    /// that their strings are reused rather than allocated for every row.
    spent: Vec<Vec<String>>,
    recycle: SyncSender<Vec<Vec<String>>>,
    /// The reading thread, joined at the end so that a thread that died is an error, not a
    /// table cut short.
    reading: Option<std::thread::JoinHandle<()>>,
    path: String,
    windows_1252: bool,
    saw_non_utf8: Arc<AtomicBool>,
    estimated_rows: usize,
}

impl CsvStream {
    fn start(
        mut rows: CsvRows,
        pending: VecDeque<(u64, Vec<String>)>,
        estimated_rows: usize,
    ) -> CsvStream {
        let (sender, batches) = sync_channel(BATCHES_AHEAD);
        let (recycle, recycled) = sync_channel::<Vec<Vec<String>>>(BATCHES_AHEAD);
        let windows_1252 = rows.windows_1252;
        let saw_non_utf8 = Arc::clone(&rows.saw_non_utf8);
        let path = rows.path.clone();
        let reading = std::thread::spawn(move || {
            let mut spare: Vec<Vec<String>> = Vec::new();
            loop {
                let mut batch = Vec::with_capacity(BATCH_ROWS);
                let mut batch_bytes = 0usize;
                while batch.len() < BATCH_ROWS && batch_bytes < BATCH_BYTES {
                    if spare.is_empty()
                        && let Ok(returned) = recycled.try_recv()
                    {
                        spare = returned;
                    }
                    let mut cells = spare.pop().unwrap_or_default();
                    match rows.read_record(&mut cells) {
                        Ok(Some(row)) => {
                            batch_bytes += cells
                                .iter()
                                .map(|cell| cell.capacity() + std::mem::size_of::<String>())
                                .sum::<usize>();
                            batch.push((row, cells));
                        }
                        Ok(None) => break,
                        Err(error) => {
                            let _ = sender.send(Err(error));
                            return;
                        }
                    }
                }
                let last = batch.len() < BATCH_ROWS && batch_bytes < BATCH_BYTES;
                // A closed channel means the caller stopped reading: stop too.
                if (!batch.is_empty() && sender.send(Ok(batch)).is_err()) || last {
                    return;
                }
            }
        });
        CsvStream {
            pending,
            batch: Vec::new().into_iter(),
            batches,
            spent: Vec::new(),
            recycle,
            reading: Some(reading),
            path,
            windows_1252,
            saw_non_utf8,
            estimated_rows,
        }
    }

    /// Hands out the next row in `cells`, taking back the row `cells` held.
    fn next_row(&mut self, cells: &mut Vec<String>) -> Result<Option<u64>, IntakeError> {
        if let Some((row, values)) = self.pending.pop_front() {
            *cells = values;
            return Ok(Some(row));
        }
        loop {
            if let Some((row, mut values)) = self.batch.next() {
                std::mem::swap(cells, &mut values);
                self.spent.push(values);
                return Ok(Some(row));
            }
            if !self.spent.is_empty() {
                // If the reader has enough spares already, these are simply dropped.
                let _ = self.recycle.try_send(std::mem::take(&mut self.spent));
            }
            match self.batches.recv() {
                Ok(batch) => self.batch = batch?.into_iter(),
                Err(_) => {
                    let died = self
                        .reading
                        .take()
                        .is_some_and(|thread| thread.join().is_err());
                    if died {
                        return Err(IntakeError::Unreadable {
                            path: self.path.clone(),
                            message: "reading stopped part-way (an internal error); nothing from this file was kept".to_string(),
                        });
                    }
                    return Ok(None);
                }
            }
        }
    }
}

impl CsvRows {
    fn read_record(&mut self, cells: &mut Vec<String>) -> Result<Option<u64>, IntakeError> {
        loop {
            self.record_start
                .store(self.reader.position().byte(), Ordering::Relaxed);
            let more = self
                .reader
                .read_byte_record(&mut self.record)
                .map_err(|e| self.read_error(e))?;
            if !more {
                return Ok(None);
            }
            if self
                .record
                .iter()
                .all(|field| field.iter().all(u8::is_ascii_whitespace))
            {
                continue;
            }
            let start = self.record.position().map_or(0, |p| p.byte());
            let row = self.lines.line_of(start);
            if self.record.len() > self.limits.columns {
                return Err(limits::refused(
                    Path::new(&self.path),
                    Rule::F306,
                    format!(
                        "row {row} has {} cells and a row may have at most {}; check the delimiter and the quoting of that row, or remove the columns the return does not need",
                        self.record.len(),
                        self.limits.columns
                    ),
                ));
            }
            cells.resize_with(self.record.len(), String::new);
            cells.truncate(self.record.len());
            // The record's bytes are checked as UTF-8 once, not cell by cell: a cell is then
            // the record's text between its bounds, when both are character boundaries (a
            // cell that ends in the middle of a character is read on its own, below).
            let text = std::str::from_utf8(self.record.as_slice()).ok();
            for (at, cell) in cells.iter_mut().enumerate() {
                let Some(range) = self.record.range(at) else {
                    break;
                };
                let len = range.len();
                // A reused string keeps no more room than its value needs (rows near the row
                // limit would otherwise keep their room in every reuse).
                if cell.capacity() > len.saturating_mul(2).max(SPARE_CAPACITY) {
                    *cell = String::with_capacity(len);
                }
                cell.clear();
                if let Some(value) = text.and_then(|text| text.get(range.clone())) {
                    cell.push_str(value);
                } else {
                    let bytes = self.record.as_slice().get(range).unwrap_or_default();
                    // Each cell is UTF-8 when it can be, else Windows-1252: a file that mixes
                    // the two (Latin-1 pasted into UTF-8, or the reverse) reads right cell by
                    // cell.
                    match std::str::from_utf8(bytes) {
                        Ok(value) => cell.push_str(value),
                        Err(_) => {
                            if !self.windows_1252 {
                                self.saw_non_utf8.store(true, Ordering::Relaxed);
                            }
                            cell.push_str(
                                &encoding_rs::WINDOWS_1252
                                    .decode_without_bom_handling(bytes)
                                    .0,
                            );
                        }
                    }
                }
                // A cell Sightline (or a careful agency) neutralised against formula
                // injection reads as its value.
                if cell.starts_with('\'') {
                    sightline_standard::cells::restore_in_place(cell);
                }
            }
            return Ok(Some(row));
        }
    }

    /// A read error: a row over the row limit refuses the file (F307); anything else is the
    /// csv reader's own message.
    fn read_error(&self, error: csv::Error) -> IntakeError {
        let too_long = matches!(error.kind(), csv::ErrorKind::Io(io)
            if io.get_ref().is_some_and(|inner| inner.is::<RowTooLong>()));
        if too_long {
            let row = self.lines.rows + 1;
            return limits::refused(
                Path::new(&self.path),
                Rule::F307,
                format!(
                    "the row after spreadsheet row {} is longer than {} (a row that long is usually an unclosed quote that makes the rest of the file one cell); close the quote, or shorten the cell",
                    row.saturating_sub(1),
                    limits::bytes(self.limits.row_bytes)
                ),
            );
        }
        IntakeError::Unreadable {
            path: self.path.clone(),
            message: error.to_string(),
        }
    }
}

/// Whether the sample is UTF-8, allowing a character cut off at its end.
fn is_utf8(sample: &[u8]) -> bool {
    match std::str::from_utf8(sample) {
        Ok(_) => true,
        Err(error) => error.error_len().is_none() && sample.len() - error.valid_up_to() < 4,
    }
}

/// The delimiter whose count per line is most often the same, ignoring quoted text.
fn sniff_delimiter(sample: &[u8]) -> u8 {
    let candidates = [b',', b';', b'\t', b'|'];
    let mut best = (b',', 0usize);
    for delimiter in candidates {
        let mut counts: Vec<usize> = Vec::new();
        let mut in_quotes = false;
        let mut count = 0;
        for &byte in sample {
            match byte {
                b'"' => in_quotes = !in_quotes,
                b'\n' if !in_quotes => {
                    counts.push(count);
                    count = 0;
                }
                _ if byte == delimiter && !in_quotes => count += 1,
                _ => {}
            }
        }
        counts.push(count);
        let mut frequency: std::collections::HashMap<usize, usize> =
            std::collections::HashMap::new();
        for count in counts.into_iter().filter(|&c| c > 0) {
            *frequency.entry(count).or_default() += 1;
        }
        let score = frequency.values().copied().max().unwrap_or(0);
        if score > best.1 {
            best = (delimiter, score);
        }
    }
    best.0
}

/// The tables of a CSV file: one, or in a wide file every table the profile puts in it, each
/// read in a pass of its own.
fn open_csv(
    path: &Path,
    profile: &Profile,
    limits: &Limits,
    known: KnownHeaders<'_>,
) -> Result<Vec<TableSource>, IntakeError> {
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
        .to_string();
    let listed = profile.tables_for_file(&file_name);
    if listed.len() > 1 {
        return listed
            .into_iter()
            .map(|table| {
                let mut source = open_csv_table(path, Some(table), profile, limits, known)?;
                source.shared = true;
                Ok(source)
            })
            .collect();
    }
    let named = listed
        .first()
        .copied()
        .or_else(|| table_from_name(&file_name));
    let mut source = open_csv_table(path, named, profile, limits, known)?;
    // A file the profile does not name may be one of the DfE's tables: read as it is.
    if listed.is_empty() {
        crate::dfe::recognise_ssda903(&mut source);
    }
    Ok(vec![source])
}

/// A CSV file read as one table (`named`, or the one its header fits best).
fn open_csv_table(
    path: &Path,
    named: Option<Table>,
    profile: &Profile,
    limits: &Limits,
    known: KnownHeaders<'_>,
) -> Result<TableSource, IntakeError> {
    limits::check_file_size(path, limits.csv_bytes, "CSV file")?;
    let mut file = File::open(path).map_err(|e| unreadable(path, e))?;
    let mut sample = Vec::with_capacity(SNIFF_BYTES);
    (&mut file)
        .take(SNIFF_BYTES as u64)
        .read_to_end(&mut sample)
        .map_err(|e| unreadable(path, e))?;
    if sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
        sample.drain(..3);
    }
    if sample.starts_with(&[0xFF, 0xFE]) || sample.starts_with(&[0xFE, 0xFF]) {
        return Err(unreadable(path, "the file is UTF-16; save it as UTF-8 CSV"));
    }
    // Text has no NUL bytes. A stray one is a value's problem (E013, its row rejected); a
    // start full of them is not text at all (UTF-16 without a byte-order mark has one in every
    // other byte; a binary file renamed .csv has many).
    let nuls = sample.iter().filter(|&&b| b == 0).count();
    if nuls > 0 && nuls * 100 >= sample.len() {
        return Err(limits::refused(
            path,
            Rule::F310,
            format!(
                "{nuls} of the first {} bytes are NUL: it is not a text file (a spreadsheet or other binary file renamed .csv, or UTF-16 without a byte-order mark); save it as CSV UTF-8",
                sample.len()
            ),
        ));
    }
    let windows_1252 = !is_utf8(&sample);
    let file_size = file.metadata().map_or(0, |m| m.len());
    let lines_in_sample = sample.iter().filter(|&&b| b == b'\n').count().max(1);
    let estimated_rows =
        (file_size as f64 / sample.len().max(1) as f64 * lines_in_sample as f64) as usize;
    let delimiter = sniff_delimiter(&sample);
    let marks: Marks = Arc::new(Mutex::new(VecDeque::new()));
    let record_start = Arc::new(AtomicU64::new(0));
    let stream: Box<dyn Read + Send> = Box::new(LineMarks {
        inner: BufReader::with_capacity(256 * 1024, Cursor::new(sample).chain(file)),
        offset: 0,
        marks: Arc::clone(&marks),
        record_start: Arc::clone(&record_start),
        row_bytes: limits.row_bytes,
    });
    let reader = csv::ReaderBuilder::new()
        .buffer_capacity(CSV_BUFFER)
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(stream);
    let mut rows = CsvRows {
        lines: LineCounter {
            marks,
            rows: 0,
            last: None,
        },
        reader,
        record: csv::ByteRecord::new(),
        windows_1252,
        saw_non_utf8: Arc::new(AtomicBool::new(false)),
        path: path.display().to_string(),
        record_start,
        limits: limits.clone(),
    };
    let mut top = Vec::new();
    while top.len() < HEADER_SEARCH_ROWS {
        let mut cells = Vec::new();
        match rows.read_record(&mut cells)? {
            Some(row) => top.push((row, cells)),
            None => break,
        }
    }
    let header_row = named
        .and_then(|t| profile.table(t))
        .and_then(|t| t.header_row);
    // A DfE table's header, where the profile does not say otherwise.
    let dfe_header = profile
        .tables_for_file(
            path.file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default(),
        )
        .is_empty()
        .then(|| crate::dfe::find_ssda903_header(&top))
        .flatten();
    let (header_index, table) = match dfe_header {
        Some(found) => found,
        None => find_header(&top, named, header_row, known).ok_or_else(|| {
            IntakeError::UnknownTable {
                path: path.display().to_string(),
            }
        })?,
    };
    let data = top.split_off(header_index + 1);
    let (header_row, headers) = top.pop().unwrap_or_default();

    Ok(TableSource {
        file: path.display().to_string(),
        sheet: None,
        table,
        header_row,
        headers,
        encoding: Some(if windows_1252 {
            "windows-1252"
        } else {
            "utf-8"
        }),
        delimiter: Some(delimiter as char),
        shared: false,
        builtin: None,
        rows: Rows::Csv(Box::new(CsvStream::start(
            rows,
            data.into(),
            estimated_rows,
        ))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_delimiters_past_title_lines() {
        assert_eq!(sniff_delimiter(b"a,b,c\n1,2,3\n"), b',');
        assert_eq!(
            sniff_delimiter(b"Title, with comma\n\na;b;c\n1;2;3\n4;5;6\n"),
            b';'
        );
        assert_eq!(sniff_delimiter(b"a\tb\n1\t2\n"), b'\t');
        assert_eq!(sniff_delimiter(b"a|b|c\n\"x|y\"|2|3\n"), b'|');
    }

    fn rows_of(bytes: &[u8]) -> Vec<(u64, Vec<String>)> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("people.csv");
        std::fs::write(&path, bytes).expect("write");
        let (mut sources, _) = open(&path, &Profile::default(), &Limits::default()).expect("open");
        let mut source = sources.remove(0);
        let mut rows = vec![(source.header_row, source.headers.clone())];
        let mut cells = Vec::new();
        while let Some(row) = source.next_row(&mut cells).expect("row") {
            rows.push((row, cells.clone()));
        }
        rows
    }

    #[test]
    fn row_numbers_are_spreadsheet_lines() {
        let lf = b"Title\nPeriod\n\nperson_id;sex\nA;f\n\n\"B\nC\";m\nD;f\n\n";
        let crlf =
            b"Title\r\nPeriod\r\n\r\nperson_id;sex\r\nA;f\r\n\r\n\"B\r\nC\";m\r\nD;f\r\n\r\n";
        for bytes in [&lf[..], &crlf[..]] {
            let rows: Vec<u64> = rows_of(bytes).iter().map(|(row, _)| *row).collect();
            assert_eq!(rows, vec![4, 5, 7, 8], "{}", String::from_utf8_lossy(bytes));
        }
    }

    #[test]
    fn each_cell_is_decoded_on_its_own() {
        // A row whose bytes are UTF-8 only when two cells are read together ("é" is C3 A9)
        // reads cell by cell, as Windows-1252; a UTF-8 row beside it is read as UTF-8, and
        // a neutralised formula has its quote taken off.
        let rows = rows_of(
            b"person_id,given_name,family_name\nP1,\xc3,\xa9\nP2,Zo\xc3\xab,'=1+1\nP3,Ren\xe9,O'Brien\n",
        );
        assert_eq!(rows[1].1, ["P1", "\u{c3}", "\u{a9}"]);
        assert_eq!(rows[2].1, ["P2", "Zoë", "=1+1"]);
        assert_eq!(rows[3].1, ["P3", "René", "O'Brien"]);
    }

    #[test]
    fn utf8_detection_allows_a_cut_character() {
        assert!(is_utf8("Zoë".as_bytes()));
        assert!(is_utf8(&"Zoë".as_bytes()[..3]));
        assert!(!is_utf8(b"Zo\xeb Smith"));
    }
}
