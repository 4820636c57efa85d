//! How does each agency record its part of the world, and in what layout?
//!
//! Every returning agency writes its return in one of a few layout families, with its own
//! recording practice (which ethnicity scheme, whether it records sex, dates day-first or ISO)
//! and with the variation real records have between agencies (nicknames, typos, swapped names,
//! transposed days and months, an age instead of a date of birth, a moved postcode). About one
//! row in two hundred is made invalid on purpose, and listed in `truth/defects.csv`.

use crate::names::nickname;
use crate::world::{Agency, AgencyKind, Person, Role, World, force_of, la_code, weighted};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use sightline_standard::dfe::Ssda903Table;
use sightline_standard::ethnicity::{self, To};
use sightline_standard::{PartialDate, Table, Unknown};
use std::borrow::Cow;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Share of unreferenced rows made invalid on purpose.
const DEFECT_RATE: f64 = 0.005;

/// A row made invalid on purpose: where, and the rule it breaks.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Defect {
    pub file: String,
    pub table: &'static str,
    pub row: u64,
    pub rule: &'static str,
}

/// Which true person an agency's record is. The record's id is not kept: it is
/// [`record_id`] of the agency and the person.
#[derive(Debug, Clone, Copy)]
pub struct RecordLink {
    /// Position of the agency in `World::agencies`.
    pub agency: u16,
    pub true_id: u32,
}

/// What the returns together recorded of one true person.
#[derive(Debug, Clone, Copy, Default)]
pub struct Recorded {
    /// Some record has the person's sex.
    pub sex: bool,
    /// Some record has a self-defined ethnicity.
    pub self_defined: bool,
    /// Some record has an officer-observed ethnicity.
    pub observed: bool,
    /// Some record says the person was reported missing.
    pub missing_yes: bool,
    /// Some record says the person was never reported missing.
    pub missing_no: bool,
    /// Some record gives the person the role `victim` (on the record or in an incident).
    pub victim: bool,
}

impl Recorded {
    fn add(&mut self, other: Recorded) {
        self.sex |= other.sex;
        self.self_defined |= other.self_defined;
        self.observed |= other.observed;
        self.missing_yes |= other.missing_yes;
        self.missing_no |= other.missing_no;
        self.victim |= other.victim;
    }
}

/// What writing the returns produced, for the truth files.
#[derive(Debug, Default)]
pub struct Written {
    pub defects: Vec<Defect>,
    pub records: Vec<RecordLink>,
    pub rows: u64,
    /// What each record says of its true person, in the order written; a person's notes are
    /// merged by [`Written::recorded`].
    pub notes: Vec<(u32, Recorded)>,
}

impl Written {
    fn note(&mut self, person: u32, sex: bool, self_defined: bool, observed: bool) {
        self.add_note(
            person,
            Recorded {
                sex,
                self_defined,
                observed,
                ..Recorded::default()
            },
        );
    }

    /// A record gives the person the role `victim`.
    fn note_victim(&mut self, person: u32) {
        self.add_note(
            person,
            Recorded {
                victim: true,
                ..Recorded::default()
            },
        );
    }

    /// What a record says of the person's missing history: `Some(true)` reported missing,
    /// `Some(false)` never, `None` not known.
    fn note_missing(&mut self, person: u32, missing: Option<bool>) {
        self.add_note(
            person,
            Recorded {
                missing_yes: missing == Some(true),
                missing_no: missing == Some(false),
                ..Recorded::default()
            },
        );
    }

    /// Notes on the same person one after the other are one note.
    fn add_note(&mut self, person: u32, note: Recorded) {
        match self.notes.last_mut() {
            Some((last, recorded)) if *last == person => recorded.add(note),
            _ => self.notes.push((person, note)),
        }
    }

    /// What the returns together recorded of each true person, indexed by true id (0 unused).
    pub fn recorded(&self, persons: usize) -> Vec<Recorded> {
        let mut recorded = vec![Recorded::default(); persons + 1];
        for &(person, note) in &self.notes {
            if let Some(entry) = recorded.get_mut(person as usize) {
                entry.add(note);
            }
        }
        recorded
    }
}

/// How an agency records victims: the chance that a victim's record has sex, and a
/// self-defined ethnicity. Half the agencies are careful, half are not (BRIEF.md: sex was not
/// recorded for about a third of victims, background for about half).
struct Practice {
    victim_sex: f64,
    victim_ethnicity: f64,
}

impl Practice {
    fn of(agency: &Agency) -> Practice {
        let careful = agency.index.is_multiple_of(2);
        Practice {
            victim_sex: if careful { 0.65 } else { 0.17 },
            victim_ethnicity: if careful { 0.36 } else { 0.09 },
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Layout {
    /// The template: comma CSV, template headers, ISO dates, UTF-8.
    Template,
    /// `;`-separated, Windows-1252, title lines above renamed headers, dd/mm/yyyy, police codes.
    PoliceLegacy,
    /// One workbook, a sheet per table (Nominals, Crimes, Involved), real Excel dates.
    PoliceWorkbook,
    /// Children's services (one in eight) in the template's own workbook form: a sheet per table named after
    /// it, template headers, real Excel dates. Needs no profile.
    CscWorkbook,
    /// Tab-separated UTF-8 with a byte-order mark, dates as dd.mm.yyyy.
    PoliceTab,
    /// One column for ethnicity and nationality in free text, dd/mm/yyyy, renamed headers.
    CharityCombined,
    /// Children's services with their own headers, dd/mm/yyyy, Y/N and their own words for
    /// missing episodes.
    CscRenamed,
    /// `|`-separated, dates as yyyymmdd, NHS-style headers.
    HealthPipe,
    /// One workbook sheet, a row per person in an incident: the incident's and the person's
    /// cells repeated on every row they are part of (a force's case-system extract).
    PoliceWide,
    /// Charities with a workbook: a title block above the header, real Excel dates, the
    /// combined ethnicity/nationality column, and a notes sheet that holds no table.
    CharityWorkbook,
    /// Health CSV: CRLF line ends, every cell quoted, upper-case headers, dates as 17-Apr-2009.
    HealthMonthNames,
    /// Children's services' own headers in a CSV whose dates are Excel serial numbers (a
    /// workbook saved as CSV with its date columns formatted as General).
    CscSerialDates,
    /// Children's services that send their SSDA903 extract as the DfE's validator takes it:
    /// the looked-after children's Header, Episodes and Missing tables, dd/mm/yyyy. Needs no
    /// profile.
    Csc903,
    /// Children's services that send their two statutory returns: the CIN census (XML, every
    /// child they know, factors identified at assessment) and the 903 extract of the children
    /// looked after. Needs no profile.
    CscCensus,
}

impl Layout {
    /// How a police layout writes its dates.
    fn police_dates(self) -> DateStyle {
        match self {
            Layout::PoliceWorkbook | Layout::PoliceWide => DateStyle::Iso,
            Layout::PoliceTab => DateStyle::DayFirst('.'),
            _ => DateStyle::DayFirst('/'),
        }
    }

    fn is_workbook(self) -> bool {
        matches!(
            self,
            Layout::PoliceWorkbook
                | Layout::CscWorkbook
                | Layout::PoliceWide
                | Layout::CharityWorkbook
        )
    }
}

fn layout(agency: &Agency) -> Layout {
    match agency.kind {
        AgencyKind::Police => match agency.index % 4 {
            0 => Layout::PoliceLegacy,
            1 => Layout::PoliceWorkbook,
            2 => Layout::PoliceTab,
            _ => Layout::PoliceWide,
        },
        AgencyKind::Charity if agency.index % 2 == 1 => Layout::CharityWorkbook,
        AgencyKind::Charity => Layout::CharityCombined,
        AgencyKind::ChildrensServices if agency.index % 2 == 1 => Layout::CscRenamed,
        AgencyKind::ChildrensServices if agency.index % 8 == 2 => Layout::CscWorkbook,
        AgencyKind::ChildrensServices if agency.index % 8 == 4 => Layout::CscSerialDates,
        AgencyKind::ChildrensServices if agency.index.is_multiple_of(16) => Layout::CscCensus,
        AgencyKind::ChildrensServices if agency.index % 16 == 6 => Layout::Csc903,
        AgencyKind::Health if agency.index % 2 == 1 => Layout::HealthPipe,
        AgencyKind::Health if agency.index % 4 == 2 => Layout::HealthMonthNames,
        _ => Layout::Template,
    }
}

/// The generator `thing` of a person's missing episodes: above every other thing's number.
const EPISODES: u64 = 1 << 40;

/// A deterministic generator for one agency's view of one thing.
fn rng_for(seed: u64, agency: usize, thing: u64) -> ChaCha8Rng {
    ChaCha8Rng::seed_from_u64(
        seed ^ (agency as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ thing.wrapping_mul(0xD1B5_4A32_D192_ED03),
    )
}

/// A typo: two neighbouring letters swapped.
fn typo(name: &str, rng: &mut ChaCha8Rng) -> String {
    let mut chars: Vec<char> = name.chars().collect();
    if chars.len() > 3 {
        let at = rng.random_range(1..chars.len() - 1);
        chars.swap(at, at + 1);
    }
    chars.into_iter().collect()
}

/// How one agency shows one person.
struct View {
    person_id: String,
    given: Cow<'static, str>,
    family: Cow<'static, str>,
    other_names: String,
    /// None when the agency has no date of birth.
    birth: Option<PartialDate>,
    /// An age and the date it was true, when only that is known.
    age: Option<(u16, PartialDate)>,
    postcode: String,
}

fn view(person: &Person, agency: &Agency, seed: u64, police: bool) -> View {
    let mut rng = rng_for(seed, agency_number(agency), u64::from(person.id));
    let mut given = Cow::Borrowed(person.given);
    let mut family = Cow::Borrowed(person.family);
    if rng.random_bool(0.15)
        && let Some(other) = nickname(&given)
    {
        given = Cow::Borrowed(other);
    }
    if rng.random_bool(0.08) {
        family = Cow::Owned(typo(&family, &mut rng));
    }
    if person.role == Role::Victim && rng.random_bool(0.03) {
        family =
            Cow::Borrowed(crate::names::FAMILY[rng.random_range(0..crate::names::FAMILY.len())]);
    }
    if rng.random_bool(0.02) {
        std::mem::swap(&mut given, &mut family);
    }
    let other_names = if person.role == Role::Offender && rng.random_bool(0.2) {
        format!(
            "{} {}",
            crate::names::GIVEN_MALE[rng.random_range(0..crate::names::GIVEN_MALE.len())],
            family
        )
    } else {
        String::new()
    };
    let mut birth = Some(person.birth);
    let mut age = None;
    let roll: f64 = rng.random();
    if roll < 0.05 {
        birth = None;
    } else if roll < 0.13 && police {
        let on = PartialDate::from_days_since_epoch(
            crate::world::PERIOD_START + rng.random_range(0..900),
        );
        if let Some(on) = on {
            let mut years = on.year - person.birth.year;
            if (on.month, on.day) < (person.birth.month, person.birth.day) {
                years -= 1;
            }
            age = Some((years.max(0) as u16, on));
            birth = None;
        }
    } else if roll < 0.16
        && let (Some(month), Some(day)) = (person.birth.month, person.birth.day)
        && day <= 12
        && day != month
    {
        birth = PartialDate::full(person.birth.year, day, month);
    }
    let postcode = if rng.random_bool(0.08) {
        format!(
            "ZZ{} {}XY",
            1 + rng.random_range(0..99),
            rng.random_range(0..10)
        )
    } else {
        person.postcode.text()
    };
    View {
        person_id: record_id(agency, person.id),
        given,
        family,
        other_names,
        birth,
        age,
        postcode,
    }
}

/// The id an agency gives a person's record (`POL07-000123`).
pub fn record_id(agency: &Agency, person: u32) -> String {
    let mut id = String::with_capacity(agency.id.len() + 8);
    push_record_id(&mut id, agency, person);
    id
}

/// Appends [`record_id`] to `out`.
pub fn push_record_id(out: &mut String, agency: &Agency, person: u32) {
    out.push_str(&agency.id);
    out.push('-');
    push_number(
        out,
        u64::from(person) * 7 + agency_number(agency) as u64 % 7,
        6,
    );
}

/// Appends `n` in decimal, zero-padded to at least `width` digits (as `{n:0width$}` would,
/// without the formatting machinery: ids and dates are most of what generation writes).
pub fn push_number(out: &mut String, mut n: u64, width: usize) {
    let mut digits = [b'0'; 20];
    let mut start = digits.len();
    while n > 0 || start == digits.len() {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
    }
    for _ in digits.len() - start..width {
        out.push('0');
    }
    for &digit in &digits[start..] {
        out.push(char::from(digit));
    }
}

fn agency_number(agency: &Agency) -> usize {
    let base = match agency.kind {
        AgencyKind::Police => 0,
        AgencyKind::ChildrensServices => 100,
        AgencyKind::SafeguardingBoard => 300,
        AgencyKind::Health => 500,
        AgencyKind::Charity => 600,
    };
    base + agency.index
}

/// The police 16+1 or 18+1 code, or CSC code, for a 2021 code: the table's own entry, else the
/// "any other" code of its group.
fn scheme_code(table: &[(&'static str, To)], code: &str) -> &'static str {
    if let Some((text, _)) = table
        .iter()
        .find(|(_, to)| matches!(to, To::D(c) if *c == code))
    {
        return text;
    }
    let group = ethnicity::code(code).map_or("other", |e| e.group.code());
    let wanted = match group {
        "white" => ["W9", "WOTH"],
        "mixed" => ["M9", "MOTH"],
        "asian" => ["A9", "AOTH"],
        "black" => ["B9", "BOTH"],
        _ => ["O9", "OOTH"],
    };
    table
        .iter()
        .find(|(text, _)| wanted.contains(text))
        .map_or("NS", |(text, _)| text)
}

fn ic_code(code: &str) -> &'static str {
    match code {
        c if c.starts_with("white") => "IC1",
        "asian_chinese" => "IC5",
        c if c.starts_with("asian") || c == "mixed_white_asian" => "IC4",
        c if c.starts_with("black") || c.starts_with("mixed_white_black") => "IC3",
        c if c.starts_with("other_arab") => "IC6",
        _ => "IC9",
    }
}

/// Free text as charities write it, ethnicity and nationality in one column.
fn combined_text(person: &Person, rng: &mut ChaCha8Rng) -> &'static str {
    match (person.ethnicity, person.nationality) {
        (_, "POL") => "Polish",
        (_, "ROU") => "Romanian",
        ("white_british", _) => {
            if rng.random_bool(0.3) {
                "British"
            } else {
                "White British"
            }
        }
        ("asian_pakistani", _) => {
            if rng.random_bool(0.5) {
                "Pakistani"
            } else {
                "British Asian"
            }
        }
        ("asian_bangladeshi", _) | ("asian_indian", _) | ("asian_other", _) => "British Asian",
        ("black_african", _) => "Black African",
        ("black_caribbean", _) => "Black British",
        (c, _) if c.starts_with("mixed") => "Mixed W/B Carib",
        (c, _) if c.starts_with("white") => "White Other",
        _ => "Other",
    }
}

/// How a return writes its dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DateStyle {
    /// `2009-04-17` (a workbook turns it into an Excel date).
    Iso,
    /// `17/04/2009`, or with another separator (`17.04.2009`).
    DayFirst(char),
    /// An Excel serial day number, `39920` for 2009-04-17.
    ExcelSerial,
    /// `17-Apr-2009`.
    MonthName,
}

impl DateStyle {
    /// Appends the date in this style; a partial date is written at the precision held.
    fn push(self, out: &mut String, date: PartialDate) {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let Ok(year) = u64::try_from(date.year) else {
            // Never drawn; written as the standard writes it.
            let _ = write!(out, "{date}");
            return;
        };
        match (self, date.month, date.day) {
            (DateStyle::Iso, _, _) => {
                let _ = write!(out, "{date}");
            }
            (DateStyle::DayFirst(separator), Some(month), day) => {
                if let Some(day) = day {
                    push_number(out, u64::from(day), 2);
                    out.push(separator);
                }
                push_number(out, u64::from(month), 2);
                out.push(separator);
                push_number(out, year, 4);
            }
            (DateStyle::DayFirst(_), None, _) => push_number(out, year, 4),
            (DateStyle::ExcelSerial, Some(_), Some(_)) => {
                push_number(out, (date.days_since_epoch() + 25_569).max(0) as u64, 1);
            }
            (DateStyle::MonthName, Some(month), Some(day)) => {
                push_number(out, u64::from(day), 2);
                out.push('-');
                out.push_str(MONTHS[usize::from(month.clamp(1, 12)) - 1]);
                out.push('-');
                push_number(out, year, 4);
            }
            (DateStyle::ExcelSerial | DateStyle::MonthName, _, _) => {
                let _ = write!(out, "{date}");
            }
        }
    }

    fn text(self, date: PartialDate) -> String {
        let mut text = String::with_capacity(10);
        self.push(&mut text, date);
        text
    }
}

fn day(days: i64) -> PartialDate {
    PartialDate::from_days_since_epoch(days).unwrap_or(PartialDate {
        year: 2022,
        month: Some(1),
        day: Some(1),
    })
}

enum TableOut {
    Csv {
        writer: Box<csv::Writer<std::fs::File>>,
        windows_1252: bool,
    },
    /// A workbook sheet in constant-memory mode: each row goes to a temporary file as XML when
    /// it is pushed; the sheet joins the workbook when the table is closed.
    Sheet {
        sheet: Box<rust_xlsxwriter::Worksheet>,
        /// The sheet row (from 0) the next pushed row goes to.
        next: u32,
        date_format: rust_xlsxwriter::Format,
    },
}

/// One table of a return being written, row by row.
struct TableWriter {
    out: TableOut,
    rows: usize,
    first_row: u64,
    /// The first write error, reported when the table is closed.
    error: Option<std::io::Error>,
}

impl TableWriter {
    fn push<S: AsRef<str>>(&mut self, row: &[S]) {
        match &mut self.out {
            TableOut::Sheet {
                sheet,
                next,
                date_format,
            } => {
                if let Err(error) = write_sheet_row(sheet, *next, row, date_format)
                    && self.error.is_none()
                {
                    self.error = Some(error);
                }
                *next += 1;
            }
            TableOut::Csv { .. } => self.write_row(row),
        }
        self.rows += 1;
    }

    fn write_row<S: AsRef<str>>(&mut self, row: &[S]) {
        let TableOut::Csv {
            writer,
            windows_1252,
        } = &mut self.out
        else {
            return;
        };
        let result = if *windows_1252 {
            writer.write_record(
                row.iter()
                    .map(|cell| encoding_rs::WINDOWS_1252.encode(cell.as_ref()).0),
            )
        } else {
            writer.write_record(row.iter().map(AsRef::as_ref))
        };
        if let Err(error) = result
            && self.error.is_none()
        {
            self.error = Some(std::io::Error::other(error.to_string()));
        }
    }

    fn len(&self) -> usize {
        self.rows
    }
}

/// A return being written: the files of one agency.
struct ReturnFiles<'a> {
    dir: PathBuf,
    relative: String,
    layout: Layout,
    written: &'a mut Written,
    /// The workbook of a workbook layout, saved by `finish`.
    workbook: Option<rust_xlsxwriter::Workbook>,
}

const WORKBOOK: &str = "return.xlsx";

fn xlsx_error(error: rust_xlsxwriter::XlsxError) -> std::io::Error {
    std::io::Error::other(error.to_string())
}

/// Writes one row to a sheet; ISO dates become Excel dates.
fn write_sheet_row<S: AsRef<str>>(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row_index: u32,
    row: &[S],
    date_format: &rust_xlsxwriter::Format,
) -> std::io::Result<()> {
    for (column, text) in row.iter().enumerate() {
        let column = column as u16;
        let text = text.as_ref();
        let date = (text.len() == 10)
            .then(|| sightline_standard::DateFormat::Iso.parse(text))
            .flatten()
            .and_then(|d| Some((d.year, d.month?, d.day?)));
        match date {
            Some((year, month, day)) => {
                let value = rust_xlsxwriter::ExcelDateTime::from_ymd(year as u16, month, day)
                    .map_err(xlsx_error)?;
                sheet
                    .write_datetime_with_format(row_index, column, &value, date_format)
                    .map_err(xlsx_error)?;
            }
            None if text.is_empty() => {}
            None => {
                sheet
                    .write_string(row_index, column, text)
                    .map_err(xlsx_error)?;
            }
        }
    }
    Ok(())
}

/// The title block above a charity workbook's header.
const CHARITY_TITLES: &[&str] = &[
    "Return to the national CSE assessment (synthetic)",
    "Clients supported in the period",
    "Prepared by the charity's data lead",
];
/// A charity workbook's notes sheet: prose, no table.
const CHARITY_NOTES: &[&str] = &[
    "Notes",
    "Clients are counted once however many times they were supported.",
    "Ethnicity/Nationality is as the client described it.",
];

/// The sheet a workbook gives each table: the police's own names, or the table's.
fn sheet_name(layout: Layout, file: &str) -> &'static str {
    match (layout, file) {
        (Layout::PoliceWorkbook, "people.csv") => "Nominals",
        (Layout::PoliceWorkbook, "crimes.csv") => "Crimes",
        (Layout::PoliceWorkbook, _) => "Involved",
        (Layout::PoliceWide, _) => "CSE Extract",
        (Layout::CharityWorkbook, _) => "Clients",
        (_, "missing_episodes.csv") => "missing_episodes",
        _ => "people",
    }
}

impl ReturnFiles<'_> {
    /// Opens a table of this return: rows pushed to it stream to its file (in a workbook
    /// layout, to its sheet's temporary file; the sheet joins the workbook on
    /// [`ReturnFiles::close`]).
    fn table(&mut self, name: &str, header: &[&str]) -> std::io::Result<TableWriter> {
        let header: Vec<String> = header.iter().map(|h| h.to_string()).collect();
        if self.layout.is_workbook() {
            let workbook = self
                .workbook
                .get_or_insert_with(rust_xlsxwriter::Workbook::new);
            // Rows are written in order: each goes to a temporary file as XML at once, strings
            // inline, instead of a cell table and a shared-string index kept to the end.
            let mut sheet = workbook
                .new_worksheet_with_constant_memory()
                .map_err(xlsx_error)?;
            sheet
                .set_name(sheet_name(self.layout, name))
                .map_err(xlsx_error)?;
            // A title block and a blank row above the header, as some agencies' sheets have.
            let titles: &[&str] = if self.layout == Layout::CharityWorkbook {
                CHARITY_TITLES
            } else {
                &[]
            };
            for (row, title) in titles.iter().enumerate() {
                sheet
                    .write_string(row as u32, 0, *title)
                    .map_err(xlsx_error)?;
            }
            let header_row = if titles.is_empty() {
                0
            } else {
                titles.len() as u32 + 1
            };
            for (column, text) in header.iter().enumerate() {
                sheet
                    .write_string(header_row, column as u16, text)
                    .map_err(xlsx_error)?;
            }
            return Ok(TableWriter {
                out: TableOut::Sheet {
                    sheet: Box::new(sheet),
                    next: header_row + 1,
                    date_format: rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy"),
                },
                rows: 0,
                first_row: u64::from(header_row) + 2,
                error: None,
            });
        }
        let (delimiter, titles): (u8, &str) = match self.layout {
            Layout::PoliceLegacy => (
                b';',
                "Police CSE return (synthetic)\r\nProduced for the national assessment\r\n\r\n",
            ),
            Layout::PoliceTab => (b'\t', "\u{feff}"),
            Layout::HealthPipe => (b'|', ""),
            _ => (b',', ""),
        };
        // The csv writer's own buffer is the only one: a second would copy every byte again.
        let mut file = std::fs::File::create(self.dir.join(name))?;
        file.write_all(titles.as_bytes())?;
        let windows_1252 = self.layout == Layout::PoliceLegacy;
        let crlf = windows_1252 || self.layout == Layout::HealthMonthNames;
        let writer = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .quote_style(if self.layout == Layout::HealthMonthNames {
                csv::QuoteStyle::Always
            } else {
                csv::QuoteStyle::Necessary
            })
            .terminator(if crlf {
                csv::Terminator::CRLF
            } else {
                csv::Terminator::Any(b'\n')
            })
            .buffer_capacity(256 * 1024)
            .from_writer(file);
        let mut table = TableWriter {
            out: TableOut::Csv {
                writer: Box::new(writer),
                windows_1252,
            },
            rows: 0,
            first_row: if windows_1252 { 5 } else { 2 },
            error: None,
        };
        table.write_row(&header);
        table.rows = 0;
        Ok(table)
    }

    /// Finishes a table; returns the spreadsheet row of its first data row.
    fn close(&mut self, table: TableWriter) -> std::io::Result<u64> {
        let TableWriter {
            out,
            rows,
            first_row,
            error,
        } = table;
        if let Some(error) = error {
            return Err(error);
        }
        match out {
            TableOut::Csv { mut writer, .. } => writer.flush()?,
            TableOut::Sheet { sheet, .. } => {
                if let Some(workbook) = self.workbook.as_mut() {
                    workbook.push_worksheet(*sheet);
                }
            }
        }
        self.written.rows += rows as u64;
        Ok(first_row)
    }

    /// Writes a small table in one go.
    fn write(&mut self, name: &str, header: &[&str], rows: &[Vec<String>]) -> std::io::Result<u64> {
        let mut table = self.table(name, header)?;
        for row in rows {
            table.push(row);
        }
        self.close(table)
    }

    /// Saves the workbook, if the layout has one. The creation date is fixed so that the same
    /// seed gives the same bytes.
    fn finish(&mut self) -> std::io::Result<()> {
        if let Some(mut workbook) = self.workbook.take() {
            if self.layout == Layout::CharityWorkbook {
                let notes = workbook.add_worksheet();
                notes.set_name("Notes").map_err(xlsx_error)?;
                for (row, line) in CHARITY_NOTES.iter().enumerate() {
                    notes
                        .write_string(row as u32, 0, *line)
                        .map_err(xlsx_error)?;
                }
            }
            let created =
                rust_xlsxwriter::ExcelDateTime::from_ymd(2024, 1, 1).map_err(xlsx_error)?;
            let properties = rust_xlsxwriter::DocProperties::new().set_creation_datetime(&created);
            workbook.set_properties(&properties);
            // The fastest deflate level: compressing took a quarter of generation time.
            workbook.set_zip_compression_level(1);
            workbook.save(self.dir.join(WORKBOOK)).map_err(xlsx_error)?;
        }
        Ok(())
    }

    fn defect(&mut self, file: &str, table: &'static str, row: u64, rule: &'static str) {
        let file = if self.layout.is_workbook() {
            WORKBOOK
        } else {
            file
        };
        self.written.defects.push(Defect {
            file: format!("{}/{file}", self.relative),
            table,
            row,
            rule,
        });
    }
}

/// Who and what each agency sees, found once rather than by scanning the world per agency.
struct Index {
    incidents_by_force: Vec<Vec<usize>>,
    /// Victims and other children (not offenders) the council's children's services know, by
    /// local authority, as person indices.
    children_by_la: Vec<Vec<usize>>,
    /// Every victim, by local authority, as person indices.
    victims_by_la: Vec<Vec<usize>>,
    /// Each person's missing episodes, as a range of `World::episodes`, by person index.
    episodes_of: Vec<std::ops::Range<usize>>,
}

impl Index {
    /// About how much writing an agency's return takes, to schedule the largest first.
    fn work(&self, agency: &Agency) -> usize {
        let rows = match agency.kind {
            AgencyKind::Police => 4 * self.incidents_by_force[agency.index].len(),
            AgencyKind::ChildrensServices => 2 * self.children_by_la[agency.index].len(),
            _ => 0,
        };
        if layout(agency).is_workbook() {
            3 * rows
        } else {
            rows
        }
    }

    fn new(world: &World) -> Index {
        let mut incidents_by_force = vec![Vec::new(); crate::world::POLICE_FORCES];
        for (i, incident) in world.incidents.iter().enumerate() {
            incidents_by_force[force_of(incident.la)].push(i);
        }
        let mut children_by_la = vec![Vec::new(); crate::world::LOCAL_AUTHORITIES];
        let mut victims_by_la = vec![Vec::new(); crate::world::LOCAL_AUTHORITIES];
        for (i, person) in world.persons.iter().enumerate() {
            if person.role != Role::Offender && person.known_to_childrens_services {
                children_by_la[person.la].push(i);
            }
            if person.role == Role::Victim {
                victims_by_la[person.la].push(i);
            }
        }
        // Episodes are in person order (`World::episodes`), so each person's are one run.
        let mut episodes_of = vec![0..0; world.persons.len()];
        for (i, episode) in world.episodes.iter().enumerate() {
            if let Some(range) = episodes_of.get_mut(slot(episode.person)) {
                if range.start == range.end {
                    *range = i..i;
                }
                range.end = i + 1;
            }
        }
        Index {
            incidents_by_force,
            children_by_la,
            victims_by_la,
            episodes_of,
        }
    }

    /// The person's missing episodes.
    fn episodes<'w>(&self, world: &'w World, person: u32) -> &'w [crate::world::Episode] {
        self.episodes_of
            .get(slot(person))
            .and_then(|range| world.episodes.get(range.clone()))
            .unwrap_or_default()
    }

    fn went_missing(&self, person: u32) -> bool {
        self.episodes_of
            .get(slot(person))
            .is_some_and(|range| range.start < range.end)
    }
}

/// A person's position in `World::persons` (ids count from 1; 0 has none).
fn slot(person: u32) -> usize {
    (person as usize).wrapping_sub(1)
}

/// Writes every returning agency's return under `out/returns/AGENCY/` and its profile under
/// `out/profiles/`.
pub fn write_returns(world: &World, seed: u64, out: &Path) -> std::io::Result<Written> {
    use rayon::prelude::*;
    let index = Index::new(world);
    std::fs::create_dir_all(out.join("profiles"))?;
    // Each agency's return depends only on the seed, the agency and the people (every random
    // choice is drawn from a generator seeded by those), so agencies are written in parallel
    // and their results merged in agency order: the same bytes for any number of threads.
    let returning: Vec<&Agency> = world.agencies.iter().filter(|a| a.returned).collect();
    // The largest returns start first, one task each, so that no thread is left with a big
    // workbook at the end; the results are put back in agency order.
    let mut largest_first: Vec<&Agency> = returning.clone();
    largest_first.sort_by_key(|agency| std::cmp::Reverse((index.work(agency), agency.position)));
    let mut parts: Vec<(usize, std::io::Result<Written>)> = largest_first
        .par_iter()
        .with_max_len(1)
        .map(|agency| {
            let mut written = Written::default();
            let result = write_return(world, &index, agency, seed, out, &mut written);
            (usize::from(agency.position), result.map(|()| written))
        })
        .collect();
    parts.sort_by_key(|(position, _)| *position);
    let mut written = Written::default();
    // One allocation for the truth's record links (2.6 million at scale 100), not a doubling
    // per agency merged.
    written.records.reserve(
        parts
            .iter()
            .filter_map(|(_, part)| part.as_ref().ok())
            .map(|part| part.records.len())
            .sum(),
    );
    for (_, part) in parts {
        let part = part?;
        written.defects.extend(part.defects);
        written.records.extend(part.records);
        written.rows += part.rows;
        written.notes.extend(part.notes);
    }
    written.defects.sort();
    Ok(written)
}

/// One agency's return and its profile.
fn write_return(
    world: &World,
    index: &Index,
    agency: &Agency,
    seed: u64,
    out: &Path,
    written: &mut Written,
) -> std::io::Result<()> {
    let relative = format!("returns/{}", agency.id);
    let dir = out.join(&relative);
    std::fs::create_dir_all(&dir)?;
    let layout = layout(agency);
    let mut files = ReturnFiles {
        dir,
        relative,
        layout,
        written,
        workbook: None,
    };
    match agency.kind {
        AgencyKind::Police => police(world, index, agency, seed, &mut files)?,
        AgencyKind::ChildrensServices => {
            childrens_services(world, index, agency, seed, &mut files)?
        }
        AgencyKind::SafeguardingBoard => governance(agency, seed, &mut files)?,
        AgencyKind::Health | AgencyKind::Charity => {
            people_only(world, index, agency, seed, &mut files)?
        }
    }
    files.finish()?;
    if let Some(profile) = profile(agency, layout) {
        std::fs::write(
            out.join("profiles").join(format!("{}.toml", agency.id)),
            profile,
        )?;
    }
    Ok(())
}

/// Agencies' own layouts: (the standard's field, the agency's header) for each column, in file
/// order. Both the files' headers and the profiles that read them are made from these.
type Columns = &'static [(&'static str, &'static str)];

const CSC_PEOPLE: Columns = &[
    ("person_id", "Child ID"),
    ("role", "Type"),
    ("given_name", "Forename"),
    ("family_name", "Surname"),
    ("date_of_birth", "DOB"),
    ("sex", "Gender"),
    ("ethnicity", "Ethnicity"),
    ("nationality", "Nationality"),
    ("postcode", "Post Code"),
    ("local_authority", "LA"),
    ("looked_after", "CLA"),
    ("missing_history", "Ever Missing"),
];
const CSC_EPISODES: Columns = &[
    ("person_id", "Child ID"),
    ("start", "Date Missing"),
    ("end", "Date Found"),
    ("kind", "Missing/Absent"),
    ("from", "Missing From"),
    ("return_interview_offered", "RHI Offered"),
    ("return_interview_accepted", "RHI Accepted"),
];
const HEALTH_PEOPLE: Columns = &[
    ("person_id", "Patient Ref"),
    ("role", "Concern"),
    ("given_name", "Given Name"),
    ("family_name", "Family Name"),
    ("date_of_birth", "Date of Birth"),
    ("sex", "Sex"),
    ("nhs_number", "NHS No"),
    ("postcode", "Post Code"),
];
const HEALTH_CASES: Columns = &[
    ("person_id", "LOCAL_PATIENT_ID"),
    ("role", "CASE_TYPE"),
    ("given_name", "FORENAME"),
    ("family_name", "SURNAME"),
    ("date_of_birth", "BIRTH_DATE"),
    ("sex", "GENDER"),
    ("nhs_number", "NHS_NUMBER"),
    ("postcode", "POSTCODE"),
];
const POLICE_PEOPLE: Columns = &[
    ("person_id", "Ref No"),
    ("family_name", "Surname"),
    ("given_name", "Forename"),
    ("other_names", "AKA"),
    ("date_of_birth", "D.O.B."),
    ("age", "Age"),
    ("age_date", "Age As At"),
    ("sex", "Gender"),
    ("ethnicity", "Self Defined Ethnicity"),
    ("ethnicity_observed", "Officer Defined Ethnicity"),
    ("role", "Role"),
    ("postcode", "Post Code"),
    ("missing_history", "MFH"),
];
const POLICE_CRIMES: Columns = &[
    ("incident_id", "Crime Ref"),
    ("first_date", "Date From"),
    ("last_date", "Date To"),
    ("offence", "Offence"),
    ("cse_flag", "CSE Marker"),
    ("location_type", "Location"),
    ("local_authority", "LA Code"),
    ("outcome", "Outcome"),
];
const POLICE_INVOLVED: Columns = &[
    ("incident_id", "Crime Ref"),
    ("person_id", "Ref No"),
    ("role", "Involvement"),
];
const CHARITY_PEOPLE: Columns = &[
    ("person_id", "Client ID"),
    ("given_name", "First name"),
    ("family_name", "Last name"),
    ("date_of_birth", "DOB"),
    ("sex", "Gender"),
    ("ethnicity_and_nationality", "Ethnicity/Nationality"),
    ("postcode", "Postcode"),
    ("role", "Client type"),
    ("missing_history", "Ever missing"),
];

/// The headers of a layout's file.
fn headers(columns: Columns) -> Vec<&'static str> {
    columns.iter().map(|(_, header)| *header).collect()
}

/// A profile's `[tables.TABLE.columns]` lines for a layout.
fn columns_toml(columns: Columns) -> String {
    columns
        .iter()
        .map(|(field, header)| format!("{field} = \"{header}\"\n"))
        .collect()
}

/// The first lines of every synthetic profile.
fn prelude(agency: &Agency) -> String {
    format!(
        "# How {} writes its return (synthetic).\nname = \"{}\"\n",
        agency.id, agency.name
    )
}

/// How a profile finds a table: by file name, or by sheet in a workbook layout.
fn locate(layout: Layout, file: &str, sheet: &str) -> String {
    if layout == Layout::PoliceWide {
        format!("sheet = \"{}\"", sheet_name(layout, file))
    } else if layout == Layout::PoliceWorkbook {
        format!("sheet = \"{sheet}\"")
    } else {
        format!("file = \"{file}\"")
    }
}

fn profile(agency: &Agency, layout: Layout) -> Option<String> {
    let scheme = if agency.index.is_multiple_of(2) {
        "police_16_1"
    } else {
        "police_18_1"
    };
    match layout {
        Layout::Template | Layout::CscWorkbook | Layout::Csc903 | Layout::CscCensus => None,
        Layout::CscRenamed | Layout::CscSerialDates => Some(format!(
            r#"{prelude}date_formats = ["{dates}"]

[tables.people]
file = "people"
ethnicity_scheme = "csc"

[tables.people.columns]
{csc_people}
[tables.missing_episodes]
file = "missing_episodes"

[tables.missing_episodes.columns]
{csc_episodes}"#,
            prelude = prelude(agency),
            dates = if layout == Layout::CscSerialDates {
                "excel"
            } else {
                "dd/mm/yyyy"
            },
            csc_people = columns_toml(CSC_PEOPLE),
            csc_episodes = columns_toml(CSC_EPISODES)
        )),
        Layout::HealthPipe | Layout::HealthMonthNames => {
            let (dates, file, columns) = if layout == Layout::HealthPipe {
                ("yyyymmdd", "patients", HEALTH_PEOPLE)
            } else {
                ("dd-mmm-yyyy", "safeguarding_cases", HEALTH_CASES)
            };
            Some(format!(
                r#"{prelude}date_formats = ["{dates}"]

[tables.people]
file = "{file}"

[tables.people.columns]
{health_people}"#,
                prelude = prelude(agency),
                health_people = columns_toml(columns)
            ))
        }
        Layout::PoliceLegacy | Layout::PoliceTab | Layout::PoliceWorkbook | Layout::PoliceWide => {
            Some(format!(
                r#"{prelude}date_formats = ["dd/mm/yyyy"]

[tables.people]
{people}
ethnicity_scheme = "{scheme}"

[tables.people.columns]
{police_people}
[tables.incidents]
{crimes}

[tables.incidents.columns]
{police_crimes}
[tables.involvements]
{involved}

[tables.involvements.columns]
{police_involved}"#,
                prelude = prelude(agency),
                police_people = columns_toml(POLICE_PEOPLE),
                police_crimes = columns_toml(POLICE_CRIMES),
                police_involved = columns_toml(POLICE_INVOLVED),
                people = locate(layout, "people", "Nominals"),
                crimes = locate(layout, "crimes", "Crimes"),
                involved = locate(layout, "involved", "Involved"),
            ))
        }
        Layout::CharityCombined | Layout::CharityWorkbook => Some(format!(
            r#"{prelude}date_formats = ["dd/mm/yyyy"]

[tables.people]
{clients}
ethnicity_scheme = "free_text"

[tables.people.columns]
{charity_people}"#,
            prelude = prelude(agency),
            clients = if layout == Layout::CharityWorkbook {
                "sheet = \"Clients\""
            } else {
                "file = \"clients\""
            },
            charity_people = columns_toml(CHARITY_PEOPLE)
        )),
    }
}

fn sex_text(person: &Person, records_sex: bool, layout: Layout) -> &'static str {
    match (records_sex, layout, person.female) {
        (false, _, _) => "",
        (true, Layout::PoliceLegacy, true) => "F",
        (true, Layout::PoliceLegacy, false) => "M",
        (true, _, true) => "female",
        (true, _, false) => "male",
    }
}

fn police(
    world: &World,
    index: &Index,
    agency: &Agency,
    seed: u64,
    files: &mut ReturnFiles<'_>,
) -> std::io::Result<()> {
    let incidents: Vec<_> = index.incidents_by_force[agency.index]
        .iter()
        .map(|&i| &world.incidents[i])
        .collect();
    let mut people: Vec<u32> = incidents
        .iter()
        .flat_map(|incident| incident.victims.iter().chain(&incident.offenders))
        .copied()
        .collect();
    people.sort_unstable();
    people.dedup();
    let table = if agency.index.is_multiple_of(2) {
        ethnicity::POLICE_16_1
    } else {
        ethnicity::POLICE_18_1
    };
    let practice = Practice::of(agency);
    // One wide sheet: a person's cells wait for the rows of their incidents.
    let wide = files.layout == Layout::PoliceWide;
    let mut person_cells: Vec<Vec<String>> = Vec::new();
    let mut ids: Vec<String> = Vec::with_capacity(people.len());
    let mut rows = if wide {
        None
    } else {
        Some(files.table("people.csv", &headers(POLICE_PEOPLE))?)
    };
    for &id in &people {
        let person = world.person(id);
        let view = view(person, agency, seed, true);
        let mut rng = rng_for(seed, agency_number(agency), 6_000_000 + u64::from(id));
        files.written.records.push(RecordLink {
            agency: agency.position,
            true_id: id,
        });
        let victim = person.role == Role::Victim;
        let (sde_rate, ic_rate) = if victim {
            (practice.victim_ethnicity, 0.5)
        } else {
            (0.42, 0.28)
        };
        let self_defined = if rng.random_bool(sde_rate) {
            scheme_code(table, person.ethnicity)
        } else {
            ""
        };
        let observed = if rng.random_bool(ic_rate) {
            ic_code(person.ethnicity)
        } else {
            ""
        };
        let sex_recorded = !victim || rng.random_bool(practice.victim_sex);
        // Forces hold missing-person reports: most victims who went missing are flagged.
        let missing_flag = match (victim, index.went_missing(id), rng.random::<f64>()) {
            (true, true, roll) if roll < 0.6 => Some(true),
            (true, false, roll) if roll < 0.03 => Some(false),
            _ => None,
        };
        files.written.note_missing(id, missing_flag);
        files.written.note(
            id,
            sex_recorded,
            !self_defined.is_empty() && self_defined != "NS",
            !observed.is_empty() && observed != "IC9",
        );
        if victim {
            files.written.note_victim(id);
        }
        let (age, age_date) = view
            .age
            .map_or((String::new(), String::new()), |(age, on)| {
                (age.to_string(), files.layout.police_dates().text(on))
            });
        let birth = view
            .birth
            .map(|d| files.layout.police_dates().text(d))
            .unwrap_or_default();
        let cells = [
            view.person_id.as_str(),
            &view.family,
            &view.given,
            &view.other_names,
            &birth,
            &age,
            &age_date,
            sex_text(person, sex_recorded, Layout::PoliceLegacy),
            self_defined,
            observed,
            if victim { "Victim" } else { "Suspect" },
            &view.postcode,
            match missing_flag {
                Some(true) => "Y",
                Some(false) => "N",
                None => "",
            },
        ];
        match &mut rows {
            Some(rows) => rows.push(&cells),
            None => person_cells.push(cells.iter().map(|cell| cell.to_string()).collect()),
        }
        ids.push(view.person_id);
    }
    if let Some(rows) = rows {
        files.close(rows)?;
    }
    let id_of = |person: u32| {
        people
            .binary_search(&person)
            .ok()
            .and_then(|at| ids.get(at))
            .map_or("", String::as_str)
    };
    if wide {
        let cells_of = |person: u32| {
            people
                .binary_search(&person)
                .ok()
                .and_then(|at| person_cells.get(at))
        };
        return police_wide(&incidents, cells_of, agency, seed, files);
    }
    let mut crimes = files.table("crimes.csv", &headers(POLICE_CRIMES))?;
    let mut involved = files.table("involved.csv", &headers(POLICE_INVOLVED))?;
    let mut defect_rows = Vec::new();
    for incident in &incidents {
        let mut rng = rng_for(
            seed,
            agency_number(agency),
            1_000_000 + u64::from(incident.id),
        );
        let crime_ref = crime_ref(agency, incident.id);
        crimes.push(&crime_cells(incident, &crime_ref, files.layout, &mut rng));
        for (person, role, defect) in involvements(incident, &mut rng) {
            if defect {
                defect_rows.push(involved.len());
            }
            involved.push(&[crime_ref.as_str(), id_of(person), role]);
        }
    }
    files.close(crimes)?;
    let first_row = files.close(involved)?;
    for index in defect_rows {
        files.defect(
            "involved.csv",
            "involvements",
            first_row + index as u64,
            "E010",
        );
    }
    Ok(())
}

/// A force's reference for an incident (`POL07/CR/000123`).
fn crime_ref(agency: &Agency, incident: u32) -> String {
    let mut text = String::with_capacity(agency.id.len() + 10);
    text.push_str(&agency.id);
    text.push_str("/CR/");
    push_number(&mut text, u64::from(incident), 6);
    text
}

/// Who took part in an incident and how, as a force records it: victims, then suspects, each
/// role made invalid ("Bystander?") on the generator's draw for a defect.
fn involvements(
    incident: &crate::world::Incident,
    rng: &mut ChaCha8Rng,
) -> Vec<(u32, &'static str, bool)> {
    incident
        .victims
        .iter()
        .map(|&v| (v, "Victim"))
        .chain(incident.offenders.iter().map(|&o| (o, "Suspect")))
        .map(|(person, role)| {
            if rng.random_bool(DEFECT_RATE) {
                (person, "Bystander?", true)
            } else {
                (person, role, false)
            }
        })
        .collect()
}

/// An incident as a police return writes it.
fn crime_cells<'a>(
    incident: &'a crate::world::Incident,
    crime_ref: &'a str,
    layout: Layout,
    rng: &mut ChaCha8Rng,
) -> [std::borrow::Cow<'a, str>; 8] {
    [
        crime_ref.into(),
        layout.police_dates().text(day(incident.first)).into(),
        layout.police_dates().text(day(incident.last)).into(),
        incident.offence.into(),
        if rng.random_bool(0.15) { "" } else { "Y" }.into(),
        incident.location.into(),
        la_code(incident.la).into(),
        incident.outcome.into(),
    ]
}

/// A force that sends one wide sheet: a row per person in an incident, the incident's cells
/// and the person's repeated on each of their rows, and the person's part in it last.
fn police_wide<'p>(
    incidents: &[&crate::world::Incident],
    cells_of: impl Fn(u32) -> Option<&'p Vec<String>>,
    agency: &Agency,
    seed: u64,
    files: &mut ReturnFiles<'_>,
) -> std::io::Result<()> {
    let mut header = headers(POLICE_CRIMES);
    header.extend(headers(POLICE_PEOPLE));
    header.push(POLICE_INVOLVED[2].1);
    let mut extract = files.table("extract.csv", &header)?;
    let mut defect_rows = Vec::new();
    // Rows written count table records, as a check reads them: each wide row is an
    // involvement, and each person's and incident's first row is also a record of theirs.
    let mut people_written: BTreeSet<u32> = BTreeSet::new();
    let mut incidents_written = 0u64;
    for incident in incidents {
        let mut rng = rng_for(
            seed,
            agency_number(agency),
            1_000_000 + u64::from(incident.id),
        );
        let crime_ref = crime_ref(agency, incident.id);
        let crime = crime_cells(incident, &crime_ref, files.layout, &mut rng);
        let mut incident_written = false;
        let mut row: Vec<&str> = Vec::with_capacity(header.len());
        for (person, role, defect) in involvements(incident, &mut rng) {
            let Some(cells) = cells_of(person) else {
                continue;
            };
            if defect {
                defect_rows.push(extract.len());
            }
            row.clear();
            row.extend(crime.iter().map(|cell| cell.as_ref()));
            row.extend(cells.iter().map(String::as_str));
            row.push(role);
            extract.push(&row);
            people_written.insert(person);
            incident_written = true;
        }
        incidents_written += u64::from(incident_written);
    }
    let first_row = files.close(extract)?;
    files.written.rows += people_written.len() as u64 + incidents_written;
    for index in defect_rows {
        files.defect(
            "extract.csv",
            "involvements",
            first_row + index as u64,
            "E010",
        );
    }
    Ok(())
}

fn childrens_services(
    world: &World,
    index: &Index,
    agency: &Agency,
    seed: u64,
    files: &mut ReturnFiles<'_>,
) -> std::io::Result<()> {
    if matches!(files.layout, Layout::Csc903 | Layout::CscCensus) {
        return statutory_returns(world, index, agency, seed, files);
    }
    let renamed = matches!(files.layout, Layout::CscRenamed | Layout::CscSerialDates);
    let serial = files.layout == Layout::CscSerialDates;
    let yes_no = |yes: bool| match (renamed, yes) {
        (true, true) => "Y",
        (true, false) => "N",
        (false, true) => "yes",
        (false, false) => "no",
    };
    let dates = if serial {
        DateStyle::ExcelSerial
    } else if renamed {
        DateStyle::DayFirst('/')
    } else {
        DateStyle::Iso
    };
    let people: Vec<&Person> = index.children_by_la[agency.index]
        .iter()
        .map(|&i| &world.persons[i])
        .collect();
    let header: &[&str] = if renamed {
        &headers(CSC_PEOPLE)
    } else {
        &[
            "person_id",
            "role",
            "given_name",
            "family_name",
            "date_of_birth",
            "sex",
            "ethnicity",
            "ethnicity_scheme",
            "nationality",
            "postcode",
            "local_authority",
            "looked_after",
            "missing_history",
        ]
    };
    let mut rows = files.table("people.csv", header)?;
    // Each person's record id, for their episodes below.
    let mut ids = Vec::with_capacity(people.len());
    let mut people_defects = Vec::new();
    let practice = Practice::of(agency);
    for person in &people {
        let view = view(person, agency, seed, false);
        let mut rng = rng_for(
            seed,
            agency_number(agency),
            2_000_000 + u64::from(person.id),
        );
        files.written.records.push(RecordLink {
            agency: agency.position,
            true_id: person.id,
        });
        let victim = person.role == Role::Victim;
        let sex_recorded = !victim || rng.random_bool(practice.victim_sex);
        let ethnicity_recorded = !victim || rng.random_bool(practice.victim_ethnicity);
        let sex = sex_text(person, sex_recorded, Layout::Template);
        // Children's services know who went missing from their own records; some also record
        // that a child never has.
        let went_missing = index.went_missing(person.id);
        let missing_history = if went_missing {
            Some(true)
        } else if practice.victim_sex > 0.5 && rng.random_bool(0.2) {
            Some(false)
        } else {
            None
        };
        files.written.note_missing(person.id, missing_history);
        let ethnicity_code = if ethnicity_recorded {
            scheme_code(ethnicity::CSC, person.ethnicity)
        } else if rng.random_bool(0.2) {
            "REFU"
        } else {
            ""
        };
        files
            .written
            .note(person.id, sex_recorded, ethnicity_recorded, false);
        let mut birth = view.birth.map(|d| dates.text(d)).unwrap_or_default();
        if !went_missing && rng.random_bool(DEFECT_RATE) {
            birth = if renamed {
                format!("30/02/{}", person.birth.year)
            } else {
                format!("{}-02-30", person.birth.year)
            };
            people_defects.push(rows.len());
        } else if victim {
            // A rejected row records nobody.
            files.written.note_victim(person.id);
        }
        let role = if victim { "victim" } else { "at_risk" };
        let sex = match (renamed, sex) {
            (true, "female") => "F",
            (true, "male") => "M",
            (_, sex) => sex,
        };
        let missing = match missing_history {
            Some(known) => yes_no(known),
            None if renamed => "Not known",
            None => Unknown::NotKnown.code(),
        };
        let (given, family) = (view.given.as_ref(), view.family.as_ref());
        let la = la_code(person.la);
        let looked_after = yes_no(person.looked_after);
        let cells = [
            view.person_id.as_str(),
            role,
            given,
            family,
            &birth,
            sex,
            ethnicity_code,
            "csc",
            person.nationality,
            &view.postcode,
            la,
            looked_after,
            missing,
        ];
        if renamed {
            // The agency's own layout has no ethnicity scheme column.
            let mut own = [""; 12];
            own[..7].copy_from_slice(&cells[..7]);
            own[7..].copy_from_slice(&cells[8..]);
            rows.push(&own);
        } else {
            rows.push(&cells);
        }
        ids.push(view.person_id);
    }
    let first_row = files.close(rows)?;
    for index in people_defects {
        files.defect("people.csv", "people", first_row + index as u64, "E003");
    }
    // The template layout's headers are the standard's field names.
    let standard_header: Vec<&str> = Table::MissingEpisodes
        .fields()
        .iter()
        .map(|f| f.name)
        .collect();
    let header: &[&str] = if renamed {
        &headers(CSC_EPISODES)
    } else {
        &standard_header
    };
    let words = |yes: bool, agency_words: [&'static str; 2], standard: [&'static str; 2]| {
        let [when_yes, when_no] = if renamed { agency_words } else { standard };
        if yes { when_yes } else { when_no }
    };
    let mut episodes = files.table("missing_episodes.csv", header)?;
    let mut episode_defects = Vec::new();
    let (mut start_text, mut end_text) = (String::new(), String::new());
    for (person, id) in people.iter().zip(&ids) {
        let episodes_of = index.episodes(world, person.id);
        if episodes_of.is_empty() {
            continue;
        }
        let mut rng = rng_for(seed, agency_number(agency), EPISODES | u64::from(person.id));
        for episode in episodes_of {
            let (start, end) = if episode.end > episode.start && rng.random_bool(DEFECT_RATE) {
                episode_defects.push(episodes.len());
                (episode.end, episode.start)
            } else {
                (episode.start, episode.end)
            };
            start_text.clear();
            dates.push(&mut start_text, day(start));
            end_text.clear();
            dates.push(&mut end_text, day(end));
            episodes.push(&[
                id.as_str(),
                &start_text,
                &end_text,
                words(episode.away, ["Absent", "Missing"], ["away", "missing"]),
                words(episode.from_care, ["Placement", "Home"], ["care", "home"]),
                yes_no(true),
                yes_no(rng.random_bool(0.5)),
            ]);
        }
    }
    let first_row = files.close(episodes)?;
    for index in episode_defects {
        files.defect(
            "missing_episodes.csv",
            "missing_episodes",
            first_row + index as u64,
            "E005",
        );
    }
    Ok(())
}

/// Legal statuses a child's first 903 episode has, and the later one if the child has two
/// (a section 20 placement becoming a care order, say), with their weights.
const FIRST_LEGAL_STATUS: &[(&str, u32)] = &[
    ("C2", 45),
    ("V2", 30),
    ("C1", 15),
    ("E1", 4),
    ("L1", 3),
    ("J2", 2),
    ("V3", 1),
];
const LATER_LEGAL_STATUS: &[(&str, u32)] = &[("C2", 60), ("C1", 25), ("E1", 15)];
/// Factors a census child may have besides 11A and 10A.
const OTHER_FACTORS: &[&str] = &[
    "1B", "2A", "2B", "3A", "3B", "4A", "4B", "14A", "16A", "17A",
];

/// What a council records of one child, drawn once and written to every table the child is in.
struct StatutoryChild<'w> {
    person: &'w Person,
    view: View,
    /// `None` when the sex is not recorded.
    female: Option<bool>,
    ethnicity: &'static str,
    went_missing: bool,
    /// The date of birth as a census writes it, or an impossible one (a defect).
    census_birth: Option<String>,
    birth_defect: bool,
    factors: Vec<&'static str>,
}

/// A council's statutory returns, as the DfE lays them out: the SSDA903 extract of its children
/// looked after (Header, Episodes, Missing; SEX M/F/U, ETHNIC codes, dd/mm/yyyy) and, in the
/// census layout, the CIN census of every child it knows (XML; factor 11A for most victims and
/// some other children, 10A for most who went missing). A child in both is one record, which a
/// check joins; the Episodes and the joined Header rows are not records of their own.
fn statutory_returns(
    world: &World,
    index: &Index,
    agency: &Agency,
    seed: u64,
    files: &mut ReturnFiles<'_>,
) -> std::io::Result<()> {
    let census = files.layout == Layout::CscCensus;
    let practice = Practice::of(agency);
    let dates = DateStyle::DayFirst('/');
    let mut children: Vec<StatutoryChild<'_>> = Vec::new();
    for &at in &index.children_by_la[agency.index] {
        let person = &world.persons[at];
        if !census && !person.looked_after {
            continue;
        }
        let view = view(person, agency, seed, false);
        let mut rng = rng_for(
            seed,
            agency_number(agency),
            2_000_000 + u64::from(person.id),
        );
        let victim = person.role == Role::Victim;
        let sex_recorded = !victim || rng.random_bool(practice.victim_sex);
        let ethnicity_recorded = !victim || rng.random_bool(practice.victim_ethnicity);
        let ethnicity = if ethnicity_recorded {
            scheme_code(ethnicity::CSC, person.ethnicity)
        } else if rng.random_bool(0.2) {
            "REFU"
        } else {
            "NOBT"
        };
        let went_missing = index.went_missing(person.id);
        // Defects only on children no missing episode refers to.
        let birth_defect = !went_missing && rng.random_bool(DEFECT_RATE);
        let mut factors = vec![OTHER_FACTORS[rng.random_range(0..OTHER_FACTORS.len())]];
        if rng.random_bool(if victim { 0.85 } else { 0.2 }) {
            factors.push("11A");
        }
        if went_missing && rng.random_bool(0.9) {
            factors.push("10A");
        }
        files.written.records.push(RecordLink {
            agency: agency.position,
            true_id: person.id,
        });
        files
            .written
            .note(person.id, sex_recorded, ethnicity_recorded, false);
        // A child looked after who went missing is in the 903 Missing table; in the census,
        // 10A says the child went missing; nothing in either says a child never did.
        let reported_missing = went_missing && (person.looked_after || factors.contains(&"10A"));
        files
            .written
            .note_missing(person.id, reported_missing.then_some(true));
        children.push(StatutoryChild {
            person,
            census_birth: view.birth.map(|d| DateStyle::Iso.text(d)),
            view,
            female: sex_recorded.then_some(person.female),
            ethnicity,
            went_missing,
            birth_defect,
            factors,
        });
    }

    // The 903 Header: children looked after.
    let mut header = files.table("header.csv", Ssda903Table::Header.columns())?;
    let mut header_defects = Vec::new();
    let mut header_rows = 0u64;
    for child in children.iter().filter(|c| c.person.looked_after) {
        let birth = if child.birth_defect && !census {
            header_defects.push(header.len());
            format!("30/02/{}", child.person.birth.year)
        } else {
            child.view.birth.map(|d| dates.text(d)).unwrap_or_default()
        };
        let sex = match child.female {
            Some(true) => "F",
            Some(false) => "M",
            None => "U",
        };
        header.push(&[
            child.view.person_id.as_str(),
            sex,
            &birth,
            child.ethnicity,
            "",
            "",
            "",
        ]);
        header_rows += 1;
    }
    let first_row = files.close(header)?;
    for row in header_defects {
        files.defect("header.csv", "people", first_row + row as u64, "E003");
    }
    if census {
        // Every child looked after is in the census: the Header rows join its children.
        files.written.rows -= header_rows;
    }

    // The 903 Episodes: a child's legal status over the year, the latest last.
    let mut episodes = files.table("episodes.csv", Ssda903Table::Episodes.columns())?;
    let mut episode_rows = 0u64;
    for child in children.iter().filter(|c| c.person.looked_after) {
        let mut rng = rng_for(
            seed,
            agency_number(agency),
            7_000_000 + u64::from(child.person.id),
        );
        let first = crate::world::PERIOD_START - rng.random_range(0..900);
        let second = rng
            .random_bool(0.3)
            .then(|| (first + rng.random_range(30..600)).min(crate::world::PERIOD_END - 1));
        let placement = format!(
            "ZZ{} {}PL",
            1 + rng.random_range(0..99),
            rng.random_range(0..10)
        );
        let mut spells = vec![(first, weighted(&mut rng, FIRST_LEGAL_STATUS))];
        if let Some(second) = second {
            spells.push((second, weighted(&mut rng, LATER_LEGAL_STATUS)));
        }
        for (at, (start, legal_status)) in spells.iter().enumerate() {
            let ceased = spells.get(at + 1).map(|(next, _)| dates.text(day(*next)));
            let urn = format!("SC{:06}", rng.random_range(0..1_000_000));
            episodes.push(&[
                child.view.person_id.as_str(),
                &dates.text(day(*start)),
                if at == 0 { "S" } else { "L" },
                legal_status,
                "N1",
                if at == 0 { "U1" } else { "K2" },
                "PR1",
                ceased.as_deref().unwrap_or(""),
                if ceased.is_some() { "X1" } else { "" },
                "",
                &child.view.postcode,
                &placement,
                &urn,
            ]);
            episode_rows += 1;
        }
    }
    files.close(episodes)?;
    // Episodes complete the Header's children: they are not records.
    files.written.rows -= episode_rows;

    // The 903 Missing: the episodes of children looked after, all from care.
    let mut missing = files.table("missing.csv", Ssda903Table::Missing.columns())?;
    let mut missing_defects = Vec::new();
    let (mut start_text, mut end_text) = (String::new(), String::new());
    for child in children
        .iter()
        .filter(|c| c.person.looked_after && c.went_missing)
    {
        let mut rng = rng_for(
            seed,
            agency_number(agency),
            EPISODES | u64::from(child.person.id),
        );
        let birth = child.view.birth.map(|d| dates.text(d)).unwrap_or_default();
        for episode in index.episodes(world, child.person.id) {
            let (start, end) = if episode.end > episode.start && rng.random_bool(DEFECT_RATE) {
                missing_defects.push(missing.len());
                (episode.end, episode.start)
            } else {
                (episode.start, episode.end)
            };
            start_text.clear();
            dates.push(&mut start_text, day(start));
            end_text.clear();
            dates.push(&mut end_text, day(end));
            missing.push(&[
                child.view.person_id.as_str(),
                &birth,
                if episode.away { "A" } else { "M" },
                &start_text,
                &end_text,
            ]);
        }
    }
    let first_row = files.close(missing)?;
    for row in missing_defects {
        files.defect(
            "missing.csv",
            "missing_episodes",
            first_row + row as u64,
            "E005",
        );
    }
    if !census {
        return Ok(());
    }

    // The CIN census: every child the council knows.
    let file = std::fs::File::create(files.dir.join("cin_census.xml"))?;
    let lea = format!("{}", 100 + agency.index % 900);
    let mut writer = crate::dfe::CensusWriter::new(
        std::io::BufWriter::with_capacity(256 * 1024, file),
        &DateStyle::Iso.text(day(crate::world::PERIOD_END)),
        &lea,
    )?;
    let sex_element = if (agency.index / 16).is_multiple_of(2) {
        crate::dfe::SexElement::Sex
    } else {
        crate::dfe::SexElement::GenderCurrent
    };
    let mut census_defects = Vec::new();
    for child in &children {
        let mut rng = rng_for(
            seed,
            agency_number(agency),
            8_000_000 + u64::from(child.person.id),
        );
        let referral = crate::world::PERIOD_END - rng.random_range(30..365);
        let started = referral + rng.random_range(0..10);
        let authorised = (started + rng.random_range(5..40)).min(crate::world::PERIOD_END);
        let birth = if child.birth_defect {
            Some(format!("{}-02-30", child.person.birth.year))
        } else {
            child.census_birth.clone()
        };
        let line = writer.child(&crate::dfe::CensusChild {
            id: &child.view.person_id,
            upn: None,
            birth: birth.as_deref(),
            sex: sex_element.write(child.female),
            ethnicity: child.ethnicity,
            referral: &DateStyle::Iso.text(day(referral)),
            assessment_start: &DateStyle::Iso.text(day(started)),
            assessment_authorised: &DateStyle::Iso.text(day(authorised)),
            factors: &child.factors,
        })?;
        if child.birth_defect {
            census_defects.push(line);
        }
    }
    files.written.rows += writer.finish()?;
    for line in census_defects {
        files.defect("cin_census.xml", "people", line, "E003");
    }
    Ok(())
}

/// The victims living in a health body's or charity's patch, in person order.
fn patch_victims<'w>(
    world: &'w World,
    index: &'w Index,
    agency: &'w Agency,
) -> impl Iterator<Item = &'w Person> + 'w {
    let modulus = match agency.kind {
        AgencyKind::Health => crate::world::HEALTH_BODIES,
        _ => crate::world::CHARITIES,
    };
    index
        .victims_by_la
        .iter()
        .enumerate()
        .filter(move |(la, _)| la % modulus == agency.index)
        .flat_map(|(_, people)| people.iter().map(|&i| &world.persons[i]))
}

/// Whether a health body (60%) or charity (50%) knows a victim in its patch: if it does, the
/// generator of its record, after that draw.
fn people_only_knows(agency: &Agency, person: &Person, seed: u64) -> Option<ChaCha8Rng> {
    let share = match agency.kind {
        AgencyKind::Health => 0.6,
        _ => 0.5,
    };
    let mut rng = rng_for(
        seed,
        agency_number(agency),
        4_000_000 + u64::from(person.id),
    );
    rng.random_bool(share).then_some(rng)
}

/// Who the returns record as a victim, by kind of agency: (true person id, the agency's kind)
/// for each returning agency whose return gives the person the role `victim` — the lists from
/// which the assessment estimates how many victims no agency knows — decided as
/// [`write_returns`] decides them, without writing anything. Rows made invalid on purpose
/// (0.5%, then rejected) are not left out.
pub fn victims_recorded(world: &World, seed: u64) -> Vec<(u32, AgencyKind)> {
    let index = Index::new(world);
    let mut out = Vec::new();
    for agency in world.agencies.iter().filter(|a| a.returned) {
        match agency.kind {
            AgencyKind::Police => {
                for &i in &index.incidents_by_force[agency.index] {
                    for &victim in &world.incidents[i].victims {
                        out.push((victim, agency.kind));
                    }
                }
            }
            // The statutory returns give no roles (a CIN factor is a concern, not a finding).
            AgencyKind::ChildrensServices
                if !matches!(layout(agency), Layout::Csc903 | Layout::CscCensus) =>
            {
                for &i in &index.children_by_la[agency.index] {
                    let person = &world.persons[i];
                    if person.role == Role::Victim {
                        out.push((person.id, agency.kind));
                    }
                }
            }
            AgencyKind::Health | AgencyKind::Charity => {
                for person in patch_victims(world, &index, agency) {
                    if people_only_knows(agency, person, seed).is_some() {
                        out.push((person.id, agency.kind));
                    }
                }
            }
            _ => {}
        }
    }
    out.sort_unstable_by_key(|&(id, kind)| (id, kind as u8));
    out.dedup();
    out
}

/// Health bodies and charities: some of the victims living in their patch.
fn people_only(
    world: &World,
    index: &Index,
    agency: &Agency,
    seed: u64,
    files: &mut ReturnFiles<'_>,
) -> std::io::Result<()> {
    let (name, header): (&str, &[&str]) = if files.layout == Layout::HealthPipe {
        ("patients.csv", &headers(HEALTH_PEOPLE))
    } else if files.layout == Layout::HealthMonthNames {
        ("safeguarding_cases.csv", &headers(HEALTH_CASES))
    } else if agency.kind == AgencyKind::Health {
        (
            "people.csv",
            &[
                "person_id",
                "role",
                "given_name",
                "family_name",
                "date_of_birth",
                "sex",
                "nhs_number",
                "postcode",
            ],
        )
    } else {
        ("clients.csv", &headers(CHARITY_PEOPLE))
    };
    let mut rows = files.table(name, header)?;
    let mut defects = Vec::new();
    for person in patch_victims(world, index, agency) {
        let Some(mut rng) = people_only_knows(agency, person, seed) else {
            continue;
        };
        let view = view(person, agency, seed, false);
        files.written.records.push(RecordLink {
            agency: agency.position,
            true_id: person.id,
        });
        let defect = rng.random_bool(DEFECT_RATE);
        if defect {
            defects.push(rows.len());
        }
        let charity_sex = rng.random_bool(0.4);
        let charity_missing = if agency.kind == AgencyKind::Charity {
            let had_episode = index.went_missing(person.id);
            match (had_episode, rng.random::<f64>()) {
                (true, roll) if roll < 0.8 => Some(true),
                (false, roll) if roll < 0.3 => Some(false),
                _ => None,
            }
        } else {
            None
        };
        files.written.note_missing(person.id, charity_missing);
        let combined = combined_text(person, &mut rng);
        if !defect {
            // A rejected row records nobody.
            files.written.note_victim(person.id);
        }
        if agency.kind == AgencyKind::Health {
            files.written.note(person.id, true, false, false);
        } else {
            let ethnicity_known = !matches!(combined, "British" | "Polish" | "Romanian");
            files
                .written
                .note(person.id, charity_sex, ethnicity_known, false);
        }
        let birth = if defect {
            format!("31/02/{}", person.birth.year)
        } else {
            view.birth
                .map(|d| {
                    if files.layout == Layout::HealthPipe {
                        format!(
                            "{:04}{:02}{:02}",
                            d.year,
                            d.month.unwrap_or(1),
                            d.day.unwrap_or(1)
                        )
                    } else if files.layout == Layout::HealthMonthNames {
                        DateStyle::MonthName.text(d)
                    } else if agency.kind == AgencyKind::Health
                        || files.layout == Layout::CharityWorkbook
                    {
                        // ISO text becomes an Excel date in a workbook.
                        DateStyle::Iso.text(d)
                    } else {
                        DateStyle::DayFirst('/').text(d)
                    }
                })
                .unwrap_or_default()
        };
        if agency.kind == AgencyKind::Health {
            let birth = match (defect, files.layout) {
                (true, Layout::HealthPipe) => format!("{}0230", person.birth.year),
                (true, Layout::HealthMonthNames) => format!("30-Feb-{}", person.birth.year),
                (true, _) => format!("{}-02-30", person.birth.year),
                (false, _) => birth,
            };
            rows.push(&[
                view.person_id.as_str(),
                "victim",
                &view.given,
                &view.family,
                &birth,
                sex_text(person, true, Layout::Template),
                &person.nhs_number(),
                &view.postcode,
            ]);
        } else {
            // Charities record sex for only some clients.
            rows.push(&[
                view.person_id.as_str(),
                &view.given,
                &view.family,
                &birth,
                sex_text(person, charity_sex, Layout::CharityCombined),
                combined,
                &view.postcode,
                "Victim",
                match charity_missing {
                    Some(true) => "Yes",
                    Some(false) => "No",
                    None => "",
                },
            ]);
        }
    }
    let first_row = files.close(rows)?;
    for index in defects {
        files.defect(name, "people", first_row + index as u64, "E003");
    }
    Ok(())
}

fn governance(agency: &Agency, seed: u64, files: &mut ReturnFiles<'_>) -> std::io::Result<()> {
    let mut rng = rng_for(seed, agency_number(agency), 5_000_000);
    let yes_no = |yes: bool| {
        if yes {
            "yes".to_string()
        } else {
            "no".to_string()
        }
    };
    let subgroup = rng.random_bool(1.0 / 3.0);
    let rows = vec![vec![
        agency.id.clone(),
        "2024-03-31".to_string(),
        yes_no(subgroup),
        yes_no(subgroup || rng.random_bool(0.4)),
        yes_no(rng.random_bool(0.5)),
        yes_no(rng.random_bool(0.6)),
    ]];
    files.write(
        "governance.csv",
        &[
            "agency_id",
            "date",
            "cse_subgroup",
            "cse_lead",
            "cse_strategy",
            "assumes_cse_present",
        ],
        &rows,
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_zero_padded_to_their_width() {
        for (n, width, text) in [
            (0, 1, "0"),
            (0, 6, "000000"),
            (123, 6, "000123"),
            (1_234_567, 6, "1234567"),
            (u64::MAX, 1, "18446744073709551615"),
        ] {
            let mut out = String::from(">");
            push_number(&mut out, n, width);
            assert_eq!(out, format!(">{text}"));
        }
    }

    #[test]
    fn dates_are_written_in_each_style_at_the_precision_held() {
        let full = PartialDate::full(2009, 4, 17).expect("a date");
        let month = PartialDate::year_month(2009, 4).expect("a month");
        let year = PartialDate::year(2009).expect("a year");
        for (style, date, text) in [
            (DateStyle::Iso, full, "2009-04-17"),
            (DateStyle::Iso, month, "2009-04"),
            (DateStyle::DayFirst('/'), full, "17/04/2009"),
            (DateStyle::DayFirst('.'), full, "17.04.2009"),
            (DateStyle::DayFirst('/'), month, "04/2009"),
            (DateStyle::DayFirst('/'), year, "2009"),
            (DateStyle::ExcelSerial, full, "39920"),
            (DateStyle::ExcelSerial, month, "2009-04"),
            (DateStyle::MonthName, full, "17-Apr-2009"),
            (DateStyle::MonthName, year, "2009"),
        ] {
            assert_eq!(style.text(date), text, "{style:?}");
        }
    }
}
