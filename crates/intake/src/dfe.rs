//! Which of a return's files are the DfE's statutory returns on children, and how are they read
//! without a profile?
//!
//! A council may send what it already makes for the Department for Education: the SSDA903
//! extract (CSV tables, recognised by their headers) and the CIN census (XML, recognised by its
//! root element). Their columns and codes are read as `sightline_standard::dfe` says:
//!
//! - the 903 Header makes the people table; each child's latest 903 Episode (by `DECOM`) adds
//!   the legal status, `looked_after` yes and the home postcode; 903 Missing makes missing
//!   episodes (from care); the other 903 tables are not part of the standard (F206);
//! - the CIN census makes one person per `<Child>`, streamed: memory does not grow with the
//!   number of children. A child also in the return's 903 Header is one record: the census's
//!   identifiers and characteristics, the 903's legal status and postcode (the Header row is
//!   counted as `joined`, not read again).
//!
//! The CIN reader refuses what could make a small file cost a lot: a DOCTYPE (entities are
//! declared there), entity references other than XML's five, elements nested deeper than
//! [`MAX_DEPTH`], and any single tag or text longer than [`MAX_EVENT_BYTES`]. A file that is
//! not well-formed is reported with the line and column of the problem.

use crate::IntakeError;
use crate::profile::{ASSESSMENT_FACTORS, TableProfile};
use crate::reader::{RowStream, StreamEnd, TableSource};
use crate::rules::{Diagnostic, Rule};
use quick_xml::events::Event;
use rustc_hash::FxHashMap;
use sightline_standard::dfe::{self, Ssda903Table};
use sightline_standard::fold::{fold, fold_header};
use sightline_standard::{DateFormat, Table};
use std::collections::{HashMap, HashSet};
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::sync::{Arc, Mutex, PoisonError};

/// The longest tag or text the CIN reader accepts (a real element is a few dozen bytes).
pub const MAX_EVENT_BYTES: u64 = 1 << 20;
/// The deepest nesting the CIN reader accepts (the census nests six deep).
pub const MAX_DEPTH: usize = 64;
/// Distinct assessment factors kept per child (the census has 44).
const MAX_FACTORS: usize = 64;

/// Columns a 903 Episode adds to a child's record, after the file's own.
pub const LS_COLUMN: &str = "LS (903 Episodes)";
pub const HOME_POST_COLUMN: &str = "HOME_POST (903 Episodes)";
pub const LOOKED_AFTER_COLUMN: &str = "looked after (903)";
/// The column a 903 Missing row gains: where the child went missing from.
pub const FROM_COLUMN: &str = "from (903)";
/// The columns the CIN reader gives each child, in order; the last three come from the 903
/// extract of the same return, when there is one.
pub const CIN_COLUMNS: [&str; 9] = [
    "LAchildID",
    "UPN",
    "PersonBirthDate",
    "Sex",
    "Ethnicity",
    "AssessmentFactors",
    LS_COLUMN,
    HOME_POST_COLUMN,
    LOOKED_AFTER_COLUMN,
];

/// Which DfE table a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Ssda903(Ssda903Table),
    CinCensus,
}

/// A layout Sightline reads without a profile.
#[derive(Debug, Clone)]
pub struct Builtin {
    /// "SSDA903 Header", "CIN census".
    pub layout: &'static str,
    pub kind: Kind,
    /// How its columns and codes are read, as a profile would say it.
    pub profile: TableProfile,
    pub date_formats: Vec<DateFormat>,
}

fn layout_name(kind: Kind) -> &'static str {
    match kind {
        Kind::CinCensus => "CIN census",
        Kind::Ssda903(table) => match table {
            Ssda903Table::Header => "SSDA903 Header",
            Ssda903Table::Episodes => "SSDA903 Episodes",
            Ssda903Table::Reviews => "SSDA903 Reviews",
            Ssda903Table::Uasc => "SSDA903 UASC",
            Ssda903Table::Oc2 => "SSDA903 OC2",
            Ssda903Table::Oc3 => "SSDA903 OC3",
            Ssda903Table::Ad1 => "SSDA903 AD1",
            Ssda903Table::PlacedAdoption => "SSDA903 PlacedAdoption",
            Ssda903Table::PrevPerm => "SSDA903 PrevPerm",
            Ssda903Table::Missing => "SSDA903 Missing",
            Ssda903Table::SwEpisodes => "SSDA903 SW_Episodes",
        },
    }
}

/// The standard's table a DfE table's rows are read into.
fn table_of(kind: Kind) -> Table {
    match kind {
        Kind::Ssda903(Ssda903Table::Missing) => Table::MissingEpisodes,
        _ => Table::People,
    }
}

/// The profile a built-in layout is read with.
pub fn builtin(kind: Kind) -> Builtin {
    let sex: HashMap<String, String> = dfe::SEX_CODES
        .iter()
        .map(|(code, coded)| (fold(code), coded.as_str().to_string()))
        .collect();
    let mut profile = TableProfile {
        ethnicity_scheme: Some(dfe::ETHNICITY_SCHEME),
        ..TableProfile::default()
    };
    let mut columns = |pairs: &[(&str, &str)]| {
        for (field, header) in pairs {
            profile
                .columns
                .insert((*field).to_string(), (*header).to_string());
        }
    };
    let derived = [
        ("legal_status", LS_COLUMN),
        ("postcode", HOME_POST_COLUMN),
        ("looked_after", LOOKED_AFTER_COLUMN),
    ];
    let bindings: &[dfe::Binding] = match kind {
        Kind::CinCensus => {
            columns(&[
                ("person_id", "LAchildID"),
                ("upn", "UPN"),
                ("date_of_birth", "PersonBirthDate"),
                ("sex", "Sex"),
                ("ethnicity", "Ethnicity"),
                (ASSESSMENT_FACTORS, "AssessmentFactors"),
            ]);
            columns(&derived);
            &[]
        }
        Kind::Ssda903(Ssda903Table::Header) => {
            columns(&[
                ("person_id", "CHILD"),
                ("sex", "SEX"),
                ("date_of_birth", "DOB"),
                ("ethnicity", "ETHNIC"),
                ("upn", "UPN"),
            ]);
            columns(&derived);
            dfe::SSDA903_HEADER
        }
        // Episodes complete the Header's children; their rows are not people, and the
        // columns are bound only to say what is read from them.
        Kind::Ssda903(Ssda903Table::Episodes) => {
            columns(&[
                ("person_id", "CHILD"),
                ("legal_status", "LS"),
                ("postcode", "HOME_POST"),
            ]);
            dfe::SSDA903_EPISODES
        }
        Kind::Ssda903(Ssda903Table::Missing) => {
            columns(&[
                ("person_id", "CHILD"),
                ("kind", "MISSING"),
                ("start", "MIS_START"),
                ("end", "MIS_END"),
                ("from", FROM_COLUMN),
            ]);
            dfe::SSDA903_MISSING
        }
        Kind::Ssda903(_) => &[],
    };
    // Every DfE column not bound above is known and deliberately not read.
    let bound: HashSet<String> = profile.columns.values().map(|h| fold_header(h)).collect();
    let mut ignored: HashSet<String> = bindings
        .iter()
        .map(|binding| fold_header(binding.column))
        .filter(|column| !bound.contains(column))
        .collect();
    if let Kind::Ssda903(table) = kind {
        ignored.extend(
            table
                .columns()
                .iter()
                .map(|column| fold_header(column))
                .filter(|column| !bound.contains(column)),
        );
    }
    profile.ignored = ignored;
    profile.values.insert("sex".to_string(), sex);
    let kinds: HashMap<String, String> = ["M", "A"]
        .into_iter()
        .filter_map(|code| Some((fold(code), dfe::missing_kind(code)?.to_string())))
        .collect();
    profile.values.insert("kind".to_string(), kinds);
    let date_formats = match kind {
        Kind::CinCensus => vec![dfe::CIN_DATES],
        Kind::Ssda903(_) => vec![dfe::SSDA903_DATES],
    };
    Builtin {
        layout: layout_name(kind),
        kind,
        profile,
        date_formats,
    }
}

/// The first of a CSV's top rows that is a 903 table's header: its index and the table its
/// rows are read into.
pub(crate) fn find_ssda903_header(top: &[(u64, Vec<String>)]) -> Option<(usize, Table)> {
    top.iter().enumerate().find_map(|(index, (_, cells))| {
        Ssda903Table::of_headers(cells).map(|table| (index, table_of(Kind::Ssda903(table))))
    })
}

/// Marks a CSV source whose headers are a 903 table's as that built-in layout.
pub(crate) fn recognise_ssda903(source: &mut TableSource) {
    if let Some(table) = Ssda903Table::of_headers(&source.headers) {
        let kind = Kind::Ssda903(table);
        source.table = table_of(kind);
        source.builtin = Some(builtin(kind));
    }
}

// ---------------------------------------------------------------------------------------------
// The 903 extract and the CIN census of one return, joined into one record per child.

/// A child's latest 903 episode, as far as the Episodes say.
#[derive(Debug, Clone, Default)]
struct Facts {
    /// (DECOM as days, row order) of the episode giving the legal status.
    latest: (i64, u64),
    legal_status: String,
    /// (DECOM as days, row order) of the episode giving the postcode.
    latest_postcode: (i64, u64),
    home_post: String,
    /// Where the child's first episode is, for a note when no child matches.
    file: usize,
    first_row: u64,
    used: bool,
}

/// A 903 Header row waiting to be read, or joined into a CIN child.
struct HeaderRow {
    file: usize,
    row: u64,
    child: String,
    cells: Vec<String>,
    used: bool,
}

/// What the 903 extract of a return says of its children, shared by the streams that read it.
#[derive(Default)]
struct Join {
    episode_files: Vec<String>,
    facts: FxHashMap<String, Facts>,
    headers: Vec<HeaderRow>,
    /// Width of each Header file's own header row.
    header_widths: Vec<usize>,
    /// Child → first Header row of the child.
    header_of: FxHashMap<String, usize>,
}

impl Join {
    /// The derived cells of a child: legal status, home postcode, looked after; marks the
    /// child's episodes read.
    fn derived(&mut self, child: &str, in_header: bool) -> [String; 3] {
        match self.facts.get_mut(child) {
            Some(facts) => {
                facts.used = true;
                [
                    facts.legal_status.clone(),
                    facts.home_post.clone(),
                    "yes".to_string(),
                ]
            }
            None if in_header => [String::new(), String::new(), "yes".to_string()],
            None => Default::default(),
        }
    }
}

fn lock(join: &Mutex<Join>) -> std::sync::MutexGuard<'_, Join> {
    join.lock().unwrap_or_else(PoisonError::into_inner)
}

/// A return's sources with the DfE tables made into the standard's.
pub(crate) struct Assembled {
    pub sources: Vec<TableSource>,
    pub notes: Vec<Diagnostic>,
}

/// Puts the DfE tables of a return together: 903 Episodes and Header join the CIN census's
/// children (or make their own when the child is not in it), 903 Missing gains its `from`,
/// and the 903 tables the standard does not hold are noted (F206) and dropped. Other sources
/// are returned as they are. The 903 Header and Episodes are read into memory here (a
/// council's 903 extract is a few thousand rows); the CIN census is streamed.
pub(crate) fn assemble(sources: Vec<TableSource>) -> Result<Assembled, IntakeError> {
    let mut rest = Vec::new();
    let mut headers = Vec::new();
    let mut episodes = Vec::new();
    let mut censuses = Vec::new();
    let mut missing = Vec::new();
    let mut notes = Vec::new();
    for source in sources {
        match source.builtin.as_ref().map(|b| b.kind) {
            None => rest.push(source),
            Some(Kind::CinCensus) => censuses.push(source),
            Some(Kind::Ssda903(Ssda903Table::Header)) => headers.push(source),
            Some(Kind::Ssda903(Ssda903Table::Episodes)) => episodes.push(source),
            Some(Kind::Ssda903(Ssda903Table::Missing)) => missing.push(source),
            Some(Kind::Ssda903(table)) => notes.push(Diagnostic {
                rule: Rule::F206,
                severity: Rule::F206.severity(),
                file: source.file.clone(),
                sheet: None,
                table: source.table,
                field: None,
                row: None,
                column: None,
                value: None,
                expected: "the 903 Header, Episodes or Missing table, or a CIN census".to_string(),
                message: format!(
                    "{} is the SSDA903 {} table, which the standard does not hold: not read",
                    source.file,
                    table.name()
                ),
            }),
        }
    }
    let mut assembled = rest;
    for source in missing {
        let width = source.headers.len();
        let mut headers = source.headers.clone();
        headers.push(FROM_COLUMN.to_string());
        let file = source.file.clone();
        let (header_row, encoding, delimiter) =
            (source.header_row, source.encoding, source.delimiter);
        let builtin = source.builtin.clone();
        assembled.push(TableSource::from_stream(
            file,
            Table::MissingEpisodes,
            header_row,
            headers,
            encoding,
            delimiter,
            builtin,
            Box::new(Appended {
                inner: Box::new(source),
                width,
                extra: vec![dfe::MISSING_FROM.to_string()],
            }),
        ));
    }
    if headers.is_empty() && episodes.is_empty() {
        assembled.extend(censuses);
        return Ok(Assembled {
            sources: assembled,
            notes,
        });
    }
    let mut join = Join::default();
    let mut carriers = Vec::new();
    for mut source in episodes {
        read_episodes(&mut source, &mut join)?;
        carriers.push(source);
    }
    let mut header_sources = Vec::new();
    for mut source in headers {
        let file = join.header_widths.len();
        join.header_widths.push(source.headers.len());
        let mut cells = Vec::new();
        let child_column = column(&source.headers, "CHILD");
        while let Some(row) = source.next_row(&mut cells)? {
            let child = child_column
                .and_then(|at| cells.get(at))
                .map_or("", |c| c.trim());
            if !child.is_empty() && !join.header_of.contains_key(child) {
                join.header_of.insert(child.to_string(), join.headers.len());
            }
            let child = child.to_string();
            join.headers.push(HeaderRow {
                file,
                row,
                child,
                cells: std::mem::take(&mut cells),
                used: false,
            });
        }
        header_sources.push(source);
    }
    let join = Arc::new(Mutex::new(join));
    for census in censuses {
        let TableSourceParts {
            file,
            header_row,
            headers,
            encoding,
            delimiter,
            builtin,
        } = parts(&census);
        assembled.push(TableSource::from_stream(
            file,
            Table::People,
            header_row,
            headers,
            encoding,
            delimiter,
            builtin,
            Box::new(JoinedCensus {
                inner: Box::new(census),
                join: Arc::clone(&join),
                joined: 0,
            }),
        ));
    }
    for (file, source) in header_sources.into_iter().enumerate() {
        let TableSourceParts {
            file: name,
            header_row,
            mut headers,
            encoding,
            delimiter,
            builtin,
        } = parts(&source);
        let width = headers.len();
        headers.extend([LS_COLUMN, HOME_POST_COLUMN, LOOKED_AFTER_COLUMN].map(String::from));
        assembled.push(TableSource::from_stream(
            name,
            Table::People,
            header_row,
            headers,
            encoding,
            delimiter,
            builtin,
            Box::new(HeaderLeft {
                join: Arc::clone(&join),
                file,
                width,
                next: 0,
                windows_1252: source.read_as_windows_1252(),
            }),
        ));
    }
    // The Episodes files themselves come last: no rows, only the notes on episodes no child
    // took.
    for (file, source) in carriers.into_iter().enumerate() {
        let TableSourceParts {
            file: name,
            header_row,
            headers,
            encoding,
            delimiter,
            builtin,
        } = parts(&source);
        assembled.push(TableSource::from_stream(
            name.clone(),
            Table::People,
            header_row,
            headers.clone(),
            encoding,
            delimiter,
            builtin,
            Box::new(EpisodesLeft {
                join: Arc::clone(&join),
                file,
                name,
                child_column: headers.iter().find(|h| fold_header(h) == "child").cloned(),
                windows_1252: source.read_as_windows_1252(),
            }),
        ));
    }
    Ok(Assembled {
        sources: assembled,
        notes,
    })
}

struct TableSourceParts {
    file: String,
    header_row: u64,
    headers: Vec<String>,
    encoding: Option<&'static str>,
    delimiter: Option<char>,
    builtin: Option<Builtin>,
}

fn parts(source: &TableSource) -> TableSourceParts {
    TableSourceParts {
        file: source.file.clone(),
        header_row: source.header_row,
        headers: source.headers.clone(),
        encoding: source.encoding,
        delimiter: source.delimiter,
        builtin: source.builtin.clone(),
    }
}

/// The index of a header (case, spacing and punctuation ignored).
fn column(headers: &[String], name: &str) -> Option<usize> {
    let key = fold_header(name);
    headers.iter().position(|h| fold_header(h) == key)
}

/// A 903 date as days, for ordering episodes; unreadable dates sort first.
fn day_of(text: &str) -> i64 {
    sightline_standard::dates::parse_with(text, &[dfe::SSDA903_DATES, DateFormat::Iso])
        .filter(|date| date.is_full())
        .map_or(i64::MIN, |date| date.days_since_epoch())
}

/// Reads a 903 Episodes file into each child's latest legal status and home postcode.
fn read_episodes(source: &mut TableSource, join: &mut Join) -> Result<(), IntakeError> {
    let file = join.episode_files.len();
    join.episode_files.push(source.file.clone());
    let at = |name| column(&source.headers, name);
    let (child, decom, ls, home) = (at("CHILD"), at("DECOM"), at("LS"), at("HOME_POST"));
    let cell = |cells: &[String], at: Option<usize>| -> String {
        at.and_then(|at| cells.get(at))
            .map(|c| c.trim().to_string())
            .unwrap_or_default()
    };
    let mut cells = Vec::new();
    let mut order = 0u64;
    while let Some(row) = source.next_row(&mut cells)? {
        order += 1;
        let id = cell(&cells, child);
        if id.is_empty() {
            continue;
        }
        let when = (day_of(&cell(&cells, decom)), order);
        let facts = join.facts.entry(id).or_insert_with(|| Facts {
            latest: (i64::MIN, 0),
            latest_postcode: (i64::MIN, 0),
            file,
            first_row: row,
            ..Facts::default()
        });
        if when >= facts.latest {
            facts.latest = when;
            facts.legal_status = cell(&cells, ls);
        }
        let postcode = cell(&cells, home);
        if !postcode.is_empty() && when >= facts.latest_postcode {
            facts.latest_postcode = when;
            facts.home_post = postcode;
        }
    }
    Ok(())
}

/// Puts `extra` cells after a row's first `width` cells (padding a short row), so that cells
/// beyond the header stay beyond it (E011).
fn insert_after(cells: &mut Vec<String>, width: usize, extra: impl IntoIterator<Item = String>) {
    if cells.len() < width {
        cells.resize_with(width, String::new);
    }
    let tail = cells.split_off(width);
    cells.extend(extra);
    cells.extend(tail);
}

/// A source's rows with cells added after its own.
struct Appended {
    inner: Box<TableSource>,
    width: usize,
    extra: Vec<String>,
}

impl RowStream for Appended {
    fn next_row(&mut self, cells: &mut Vec<String>) -> Result<Option<u64>, IntakeError> {
        let row = self.inner.next_row(cells)?;
        if row.is_some() {
            insert_after(cells, self.width, self.extra.iter().cloned());
        }
        Ok(row)
    }

    fn estimated_rows(&self) -> usize {
        self.inner.estimated_rows()
    }

    fn read_as_windows_1252(&self) -> bool {
        self.inner.read_as_windows_1252()
    }
}

/// The CIN census's children, each with the 903 extract's facts of the same child.
struct JoinedCensus {
    inner: Box<TableSource>,
    join: Arc<Mutex<Join>>,
    joined: u64,
}

impl RowStream for JoinedCensus {
    fn next_row(&mut self, cells: &mut Vec<String>) -> Result<Option<u64>, IntakeError> {
        let row = self.inner.next_row(cells)?;
        if row.is_some() {
            let child = cells.first().map_or("", |c| c.trim());
            let mut join = lock(&self.join);
            let header = join.header_of.get(child).copied();
            let in_header = match header.and_then(|at| join.headers.get_mut(at)) {
                Some(header) if !header.used => {
                    header.used = true;
                    self.joined += 1;
                    true
                }
                Some(_) => true,
                None => false,
            };
            let derived = join.derived(child, in_header);
            drop(join);
            cells.resize_with(CIN_COLUMNS.len(), String::new);
            for (cell, value) in cells[6..9].iter_mut().zip(derived) {
                *cell = value;
            }
        }
        Ok(row)
    }

    fn estimated_rows(&self) -> usize {
        self.inner.estimated_rows()
    }

    fn finish(&mut self) -> StreamEnd {
        let mut end = self.inner.finish();
        end.joined += self.joined;
        end
    }
}

/// The 903 Header rows of one file that joined no CIN child, with their episodes' facts.
struct HeaderLeft {
    join: Arc<Mutex<Join>>,
    file: usize,
    width: usize,
    next: usize,
    windows_1252: bool,
}

impl RowStream for HeaderLeft {
    fn next_row(&mut self, cells: &mut Vec<String>) -> Result<Option<u64>, IntakeError> {
        let mut join = lock(&self.join);
        while let Some(header) = join.headers.get_mut(self.next) {
            self.next += 1;
            if header.file != self.file || header.used {
                continue;
            }
            header.used = true;
            let row = header.row;
            *cells = std::mem::take(&mut header.cells);
            let child = std::mem::take(&mut header.child);
            let derived = join.derived(&child, true);
            insert_after(cells, self.width, derived);
            return Ok(Some(row));
        }
        Ok(None)
    }

    fn estimated_rows(&self) -> usize {
        let join = lock(&self.join);
        join.headers
            .iter()
            .filter(|h| h.file == self.file && !h.used)
            .count()
    }

    fn read_as_windows_1252(&self) -> bool {
        self.windows_1252
    }
}

/// An Episodes file after the children took their episodes: no rows, and a note (W110) on
/// each child whose episodes no record took.
struct EpisodesLeft {
    join: Arc<Mutex<Join>>,
    file: usize,
    name: String,
    child_column: Option<String>,
    windows_1252: bool,
}

impl RowStream for EpisodesLeft {
    fn next_row(&mut self, _cells: &mut Vec<String>) -> Result<Option<u64>, IntakeError> {
        Ok(None)
    }

    fn estimated_rows(&self) -> usize {
        0
    }

    fn read_as_windows_1252(&self) -> bool {
        self.windows_1252
    }

    fn finish(&mut self) -> StreamEnd {
        let join = lock(&self.join);
        let mut left: Vec<(u64, &String)> = join
            .facts
            .iter()
            .filter(|(_, facts)| facts.file == self.file && !facts.used)
            .map(|(child, facts)| (facts.first_row, child))
            .collect();
        left.sort();
        let notes = left
            .into_iter()
            .map(|(row, child)| Diagnostic {
                rule: Rule::W110,
                severity: Rule::W110.severity(),
                file: self.name.clone(),
                sheet: None,
                table: Table::People,
                field: Some("person_id"),
                row: Some(row),
                column: self.child_column.clone(),
                value: Some(child.clone()),
                expected: "a child of the 903 Header or the CIN census".to_string(),
                message: format!(
                    "the episodes of child '{child}' name a child in neither the 903 Header nor the CIN census of this return: their legal status is not read"
                ),
            })
            .collect();
        StreamEnd { notes, joined: 0 }
    }
}

// ---------------------------------------------------------------------------------------------
// The CIN census XML, streamed.

/// Opens a CIN census file: checks that its root element is `Message` and streams its
/// children. Any other XML is not a table Sightline knows.
pub fn open_cin_census(
    path: &Path,
    limits: &crate::limits::Limits,
) -> Result<TableSource, IntakeError> {
    crate::limits::check_file_size(path, limits.xml_bytes, "CIN census file")?;
    let file = File::open(path).map_err(|e| unreadable(path, e))?;
    let size = file.metadata().map_or(0, |m| m.len());
    let mut reader = CinReader::new(path, file);
    reader.expect_root()?;
    Ok(TableSource::from_stream(
        path.display().to_string(),
        Table::People,
        1,
        CIN_COLUMNS.iter().map(|c| c.to_string()).collect(),
        Some("utf-8"),
        None,
        Some(builtin(Kind::CinCensus)),
        Box::new(CinStream {
            reader,
            estimated: (size / 700) as usize,
        }),
    ))
}

fn unreadable(path: &Path, message: impl std::fmt::Display) -> IntakeError {
    IntakeError::Unreadable {
        path: path.display().to_string(),
        message: message.to_string(),
    }
}

/// A buffered reader that counts what it hands out: bytes, lines, and bytes since the event
/// began, refusing to buffer an event longer than [`MAX_EVENT_BYTES`].
struct Counted<R> {
    inner: BufReader<R>,
    consumed: u64,
    lines: u64,
    line_start: u64,
    event_bytes: u64,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        let available = self.fill_buf()?;
        let n = available.len().min(out.len());
        out[..n].copy_from_slice(&available[..n]);
        self.consume(n);
        Ok(n)
    }
}

impl<R: Read> BufRead for Counted<R> {
    fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
        if self.event_bytes > MAX_EVENT_BYTES {
            return Err(std::io::Error::other(format!(
                "a tag or text longer than {} bytes: refused",
                MAX_EVENT_BYTES
            )));
        }
        self.inner.fill_buf()
    }

    fn consume(&mut self, amount: usize) {
        let buffered = self.inner.buffer();
        let amount = amount.min(buffered.len());
        for (index, _) in buffered[..amount]
            .iter()
            .enumerate()
            .filter(|(_, b)| **b == b'\n')
        {
            self.lines += 1;
            self.line_start = self.consumed + index as u64 + 1;
        }
        self.consumed += amount as u64;
        self.event_bytes += amount as u64;
        self.inner.consume(amount);
    }
}

/// What the census says of one child, as read so far.
#[derive(Default)]
struct Child {
    line: u64,
    id: Option<String>,
    upn: Option<String>,
    former_upn: Option<String>,
    birth: Option<String>,
    gender: Option<String>,
    sex: Option<String>,
    ethnicity: Option<String>,
    factors: Vec<String>,
}

struct CinReader {
    path: String,
    xml: quick_xml::Reader<Counted<File>>,
    buf: Vec<u8>,
    /// Names of the open elements.
    stack: Vec<String>,
    /// The text of the innermost element, while it has no child elements.
    text: String,
    text_depth: usize,
    child: Option<Child>,
    done: bool,
}

impl CinReader {
    fn new(path: &Path, file: File) -> CinReader {
        let counted = Counted {
            inner: BufReader::with_capacity(64 * 1024, file),
            consumed: 0,
            lines: 0,
            line_start: 0,
            event_bytes: 0,
        };
        let mut xml = quick_xml::Reader::from_reader(counted);
        let config = xml.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        config.expand_empty_elements = false;
        CinReader {
            path: path.display().to_string(),
            xml,
            buf: Vec::with_capacity(1024),
            stack: Vec::new(),
            text: String::new(),
            text_depth: usize::MAX,
            child: None,
            done: false,
        }
    }

    /// (line, column) where the reader stands: the start of the next event.
    fn here(&self) -> (u64, u64) {
        let counted = self.xml.get_ref();
        (counted.lines + 1, counted.consumed - counted.line_start + 1)
    }

    /// An error at a byte offset, with its line and column (found by reading the file again
    /// up to it: errors are rare, and the offset may be before the last line counted).
    fn error_at(&self, offset: u64, problem: impl std::fmt::Display) -> IntakeError {
        let (line, column) = line_and_column(Path::new(&self.path), offset);
        self.error_at_line(line, column, problem.to_string())
    }

    fn error_here(&self, problem: impl std::fmt::Display) -> IntakeError {
        let (line, column) = self.here();
        self.error_at_line(line, column, problem.to_string())
    }

    /// A file that is not well-formed is unreadable; one that is refused for what it would
    /// cost to read (a DOCTYPE, nesting or an event over its limit: every such message ends
    /// in "refused") is F309.
    fn error_at_line(&self, line: u64, column: u64, problem: String) -> IntakeError {
        if problem.ends_with("refused") {
            return IntakeError::Refused {
                path: self.path.clone(),
                rule: crate::Rule::F309,
                message: format!(
                    "line {line}, column {column}: {problem}; export the census again from the case management system (a CIN census has no DOCTYPE, and nests a few levels deep)"
                ),
            };
        }
        IntakeError::Unreadable {
            path: self.path.clone(),
            message: format!(
                "not a well-formed CIN census: line {line}, column {column}: {problem}"
            ),
        }
    }

    /// Reads up to the root element and checks it is a CIN census's `Message`.
    fn expect_root(&mut self) -> Result<(), IntakeError> {
        loop {
            match self.event()? {
                Step::Start(name) => {
                    if name != "Message" {
                        return Err(unreadable(
                            Path::new(&self.path),
                            format!(
                                "an XML file whose root element is <{name}>, not a CIN census (<Message> with <Children>); the SSDA903 return is read as its CSV tables"
                            ),
                        ));
                    }
                    return Ok(());
                }
                Step::End => {
                    return Err(unreadable(
                        Path::new(&self.path),
                        "an XML file with no root element, not a CIN census",
                    ));
                }
                Step::ChildEnd | Step::Other => {}
            }
        }
    }

    /// Reads one event and keeps what a child needs. Returns the start of an element (by
    /// name), the end of the file, or anything else.
    fn event(&mut self) -> Result<Step, IntakeError> {
        if self.done {
            return Ok(Step::End);
        }
        let mut buf = std::mem::take(&mut self.buf);
        buf.clear();
        let step = self.step(&mut buf);
        self.buf = buf;
        step
    }

    fn step(&mut self, buf: &mut Vec<u8>) -> Result<Step, IntakeError> {
        self.xml.get_mut().event_bytes = 0;
        let (line, column) = self.here();
        let event = match self.xml.read_event_into(buf) {
            Ok(event) => event,
            Err(error) => {
                let offset = self.xml.error_position();
                return Err(self.error_at(offset, error));
            }
        };
        match event {
            Event::Start(start) => {
                let local = start.local_name();
                let name: &str = local.as_ref();
                let name = name.to_string();
                if self.stack.len() >= MAX_DEPTH {
                    return Err(self.error_here(format!(
                        "elements nested more than {MAX_DEPTH} deep: refused"
                    )));
                }
                if name == "Child" && self.child.is_none() {
                    self.child = Some(Child {
                        line,
                        ..Child::default()
                    });
                }
                self.stack.push(name.clone());
                self.text.clear();
                self.text_depth = self.stack.len();
                Ok(Step::Start(name))
            }
            Event::End(_) => {
                let depth = self.stack.len();
                let name = self.stack.pop().unwrap_or_default();
                let text = if self.text_depth == depth {
                    Some(std::mem::take(&mut self.text))
                } else {
                    None
                };
                self.text_depth = usize::MAX;
                if let (Some(child), Some(text)) = (self.child.as_mut(), text) {
                    keep(child, &name, text.trim());
                }
                if name == "Child" {
                    return Ok(Step::ChildEnd);
                }
                Ok(Step::Other)
            }
            Event::Empty(_) => {
                // An empty element has no text, and ends the parent's own text.
                self.text_depth = usize::MAX;
                Ok(Step::Other)
            }
            Event::Text(text) => {
                self.push_text(&text)?;
                Ok(Step::Other)
            }
            Event::CData(data) => {
                let text: &str = &data;
                let text = text.to_string();
                self.push_text(&text)?;
                Ok(Step::Other)
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(character)) => character,
                    Ok(None) => match &*reference {
                        "amp" => '&',
                        "lt" => '<',
                        "gt" => '>',
                        "apos" => '\'',
                        "quot" => '"',
                        other => {
                            return Err(self.error_here(format!(
                                "the entity reference &{other}; is not one of XML's five; Sightline expands no entities"
                            )));
                        }
                    },
                    Err(error) => return Err(self.error_here(error)),
                };
                let mut utf8 = [0u8; 4];
                let text = resolved.encode_utf8(&mut utf8).to_string();
                self.push_text(&text)?;
                Ok(Step::Other)
            }
            Event::DocType(_) => Err(self.error_at_line(
                line,
                column,
                "a DOCTYPE declaration (Sightline reads no DTD: it could declare entities): refused"
                    .to_string(),
            )),
            Event::Eof => {
                if let Some(open) = self.stack.last() {
                    return Err(self.error_here(format!("the file ends inside <{open}>")));
                }
                self.done = true;
                Ok(Step::End)
            }
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) => Ok(Step::Other),
        }
    }

    fn push_text(&mut self, text: &str) -> Result<(), IntakeError> {
        if self.stack.is_empty() && !text.trim().is_empty() {
            return Err(self.error_here("text outside the root element"));
        }
        if self.text_depth == self.stack.len() {
            if self.text.len() as u64 + text.len() as u64 > MAX_EVENT_BYTES {
                return Err(self.error_here(format!(
                    "a text longer than {MAX_EVENT_BYTES} bytes: refused"
                )));
            }
            self.text.push_str(text);
        }
        Ok(())
    }

    /// The next child, or `None` at the end of the file.
    fn next_child(&mut self) -> Result<Option<Child>, IntakeError> {
        loop {
            match self.event()? {
                Step::ChildEnd => {
                    if let Some(child) = self.child.take() {
                        return Ok(Some(child));
                    }
                }
                Step::End => return Ok(None),
                Step::Start(_) | Step::Other => {}
            }
        }
    }
}

enum Step {
    Start(String),
    ChildEnd,
    End,
    Other,
}

/// Keeps the value of an element the standard reads; the first of each, every factor.
fn keep(child: &mut Child, name: &str, text: &str) {
    if text.is_empty() {
        return;
    }
    let slot = match name {
        "LAchildID" => &mut child.id,
        "UPN" => &mut child.upn,
        "FormerUPN" => &mut child.former_upn,
        "PersonBirthDate" => &mut child.birth,
        "GenderCurrent" => &mut child.gender,
        "Sex" => &mut child.sex,
        "Ethnicity" => &mut child.ethnicity,
        "AssessmentFactors" => {
            if child.factors.len() < MAX_FACTORS && !child.factors.iter().any(|f| f == text) {
                child.factors.push(text.to_string());
            }
            return;
        }
        _ => return,
    };
    if slot.is_none() {
        *slot = Some(text.to_string());
    }
}

/// The 1-based line and column (in bytes) of a byte offset of a file.
fn line_and_column(path: &Path, offset: u64) -> (u64, u64) {
    let Ok(file) = File::open(path) else {
        return (0, 0);
    };
    let mut reader = BufReader::new(file.take(offset));
    let (mut line, mut line_start, mut at) = (1u64, 0u64, 0u64);
    while let Ok(buffer) = reader.fill_buf() {
        if buffer.is_empty() {
            break;
        }
        let n = buffer.len();
        for (index, byte) in buffer.iter().enumerate() {
            if *byte == b'\n' {
                line += 1;
                line_start = at + index as u64 + 1;
            }
        }
        at += n as u64;
        reader.consume(n);
    }
    (line, offset - line_start + 1)
}

/// The CIN census's children as rows of [`CIN_COLUMNS`] (the 903 cells blank).
struct CinStream {
    reader: CinReader,
    estimated: usize,
}

impl RowStream for CinStream {
    fn next_row(&mut self, cells: &mut Vec<String>) -> Result<Option<u64>, IntakeError> {
        let Some(child) = self.reader.next_child()? else {
            return Ok(None);
        };
        self.estimated = self.estimated.saturating_sub(1);
        cells.resize_with(CIN_COLUMNS.len(), String::new);
        cells.truncate(CIN_COLUMNS.len());
        for cell in cells.iter_mut() {
            cell.clear();
        }
        let values = [
            child.id,
            child.upn.or(child.former_upn),
            child.birth,
            child.sex.or(child.gender),
            child.ethnicity,
        ];
        for (cell, value) in cells.iter_mut().zip(values) {
            if let Some(value) = value {
                cell.push_str(&value);
            }
        }
        cells[5] = child.factors.join(";");
        Ok(Some(child.line))
    }

    fn estimated_rows(&self) -> usize {
        self.estimated
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(xml: &str) -> Result<Vec<(u64, Vec<String>)>, IntakeError> {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("cin.xml");
        std::fs::write(&path, xml).expect("write");
        let mut source = open_cin_census(&path, &crate::Limits::default())?;
        let mut out = Vec::new();
        let mut cells = Vec::new();
        while let Some(row) = source.next_row(&mut cells)? {
            out.push((row, cells.clone()));
        }
        Ok(out)
    }

    const CENSUS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Message>\n  <Header><Source><LEA>201</LEA></Source></Header>\n  <Children>\n    <Child>\n      <ChildIdentifiers>\n        <LAchildID>C1</LAchildID>\n        <FormerUPN>A123456789012</FormerUPN>\n        <PersonBirthDate>2009-04-17</PersonBirthDate>\n        <GenderCurrent>2</GenderCurrent>\n      </ChildIdentifiers>\n      <ChildCharacteristics><Ethnicity>APKN</Ethnicity></ChildCharacteristics>\n      <CINdetails><Assessments><FactorsIdentifiedAtAssessment><AssessmentFactors>11A</AssessmentFactors><AssessmentFactors>10A</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments></CINdetails>\n      <CINdetails><Assessments><FactorsIdentifiedAtAssessment><AssessmentFactors>11A</AssessmentFactors><AssessmentFactors>4A</AssessmentFactors></FactorsIdentifiedAtAssessment></Assessments></CINdetails>\n    </Child>\n    <Child><ChildIdentifiers><LAchildID>C&amp;2</LAchildID><Sex>M</Sex><GenderCurrent>1</GenderCurrent></ChildIdentifiers></Child>\n  </Children>\n</Message>\n";

    #[test]
    fn children_stream_as_rows_at_their_lines() {
        let rows = rows(CENSUS).expect("a census");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].0, 5, "the line of the first <Child>");
        assert_eq!(
            rows[0].1[..6],
            [
                "C1",
                "A123456789012",
                "2009-04-17",
                "2",
                "APKN",
                "11A;10A;4A"
            ]
        );
        assert_eq!(rows[1].0, 16);
        assert_eq!(
            rows[1].1[..4],
            ["C&2", "", "", "M"],
            "Sex before GenderCurrent"
        );
    }

    #[test]
    fn hostile_and_broken_xml_is_refused_with_its_place() {
        let error = |xml: &str| match rows(xml) {
            Ok(rows) => panic!("read {rows:?} from {xml}"),
            Err(error) => error.to_string(),
        };
        let bomb = "<?xml version=\"1.0\"?>\n<!DOCTYPE Message [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>\n<Message><Children><Child><LAchildID>&b;</LAchildID></Child></Children></Message>";
        let message = error(bomb);
        assert!(
            message.contains("DOCTYPE") && message.contains("line 2, column 1:"),
            "{message}"
        );
        let external =
            "<Message><Children><Child><LAchildID>&xxe;</LAchildID></Child></Children></Message>";
        assert!(error(external).contains("&xxe;"));
        let broken =
            "<Message>\n<Children>\n<Child><LAchildID>C1</LAchild>\n</Child></Children></Message>";
        let message = error(broken);
        assert!(message.contains("line 3, column 21:"), "{message}");
        let cut = "<Message>\n<Children>\n<Child>";
        assert!(error(cut).contains("ends inside <Child>"), "{}", error(cut));
        assert!(error("<Report/>").contains("not a CIN census"));
        let deep = format!(
            "<Message>{}{}</Message>",
            "<a>".repeat(MAX_DEPTH + 1),
            "</a>".repeat(MAX_DEPTH + 1)
        );
        assert!(error(&deep).contains("nested"));
        let long = format!(
            "<Message><Children><Child><LAchildID>{}</LAchildID></Child></Children></Message>",
            "x".repeat(MAX_EVENT_BYTES as usize + 10)
        );
        assert!(error(&long).contains("longer than"), "{}", error(&long));
    }
}
