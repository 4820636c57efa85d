//! What does one row say in the standard's terms, and what is wrong with it?
//!
//! A [`Normaliser`] is made once per table source: it binds the file's headers to fields (the
//! profile first, then the template's names) and then turns each row into a record plus
//! diagnostics. Coded columns hold few distinct values, so each column remembers how it read
//! each value; that keeps a million rows fast.

use crate::limits;
use crate::profile::{ASSESSMENT_FACTORS, ETHNICITY_AND_NATIONALITY, TableProfile};
use crate::rules::{Diagnostic, Rule, Severity};
use rustc_hash::FxHashMap as HashMap;
use sightline_standard::codes::{self, CodeList};
use sightline_standard::dfe;
use sightline_standard::ethnicity::{self, Note, Reading};
use sightline_standard::fold::fold_header;
use sightline_standard::identifiers::{is_gss_code, parse_nhs_number, parse_postcode};
use sightline_standard::records::{
    EthnicitySource, GovernanceRecord, GroupMemberRecord, IncidentRecord, InvolvementRecord,
    MissingEpisodeRecord, PersonRecord,
};
use sightline_standard::tables::{
    governance, groups, incidents, involvements, missing_episodes, people,
};
use sightline_standard::{
    Coded, DateFormat, Ethnicity, Nationality, PartialDate, Record, Scheme, Table, Unknown,
};

/// Distinct values remembered per column before the memory stops growing.
const CACHE_LIMIT: usize = 4096;

/// A cell without surrounding whitespace (Unicode whitespace too: spreadsheets are full of
/// no-break spaces). Most cells have none, so that case is checked on the bytes first.
pub fn trim_cell(cell: &str) -> &str {
    let bytes = cell.as_bytes();
    let plain = |byte: Option<&u8>| byte.is_none_or(|b| b.is_ascii_graphic());
    if plain(bytes.first()) && plain(bytes.last()) {
        cell
    } else {
        cell.trim()
    }
}

/// Where rows come from, for diagnostics.
#[derive(Debug, Clone)]
pub struct Origin {
    pub file: String,
    pub sheet: Option<String>,
    pub table: Table,
}

/// The period a return covers, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: PartialDate,
    pub to: PartialDate,
}

impl Origin {
    /// A diagnostic about this whole file or one of its columns, not a row.
    pub fn note(
        &self,
        rule: Rule,
        field: Option<&'static str>,
        column: Option<String>,
        expected: String,
        message: String,
    ) -> Diagnostic {
        Diagnostic {
            rule,
            severity: rule.severity(),
            file: self.file.clone(),
            sheet: self.sheet.clone(),
            table: self.table,
            field,
            row: None,
            column,
            value: None,
            expected,
            message,
        }
    }
}

impl Period {
    /// Whether a span of dates lies wholly outside the period.
    fn excludes(&self, first: PartialDate, last: PartialDate) -> bool {
        last.latest() < self.from.earliest() || first.earliest() > self.to.latest()
    }
}

/// Turns rows of one table source into records.
pub struct Normaliser<'p> {
    origin: Origin,
    headers: Vec<String>,
    /// Column index of each field of the table, in field order.
    columns: Vec<Option<usize>>,
    combined: Option<usize>,
    /// The column of CIN assessment factors, in the people table.
    factors: Option<usize>,
    profile: Option<&'p TableProfile>,
    scheme: Option<Scheme>,
    date_formats: Vec<DateFormat>,
    today: PartialDate,
    period: Option<Period>,
    /// The column of the row's own unique identifier, if the table has one.
    id_column: Option<usize>,
    codes: Vec<HashMap<String, Coded>>,
    schemes: HashMap<String, Option<Scheme>>,
    readings: HashMap<(Option<Scheme>, bool), HashMap<String, Reading>>,
    observed: HashMap<String, Ethnicity>,
    nationalities: HashMap<String, Nationality>,
}

/// A cell's text, trimmed, and its column.
#[derive(Clone, Copy)]
struct Cell<'r> {
    text: &'r str,
    column: usize,
}

impl<'p> Normaliser<'p> {
    /// Binds the headers of a table source; file-level diagnostics (columns not read, required
    /// columns missing) go to `diagnostics`.
    pub fn new(
        origin: Origin,
        headers: &[String],
        profile: Option<&'p TableProfile>,
        date_formats: Vec<DateFormat>,
        today: PartialDate,
        period: Option<Period>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Normaliser<'p> {
        let table = origin.table;
        let folded: Vec<String> = headers.iter().map(|h| fold_header(h)).collect();
        let find = |header: &str| folded.iter().position(|h| *h == fold_header(header));
        let profile_header = |field: &str| profile.and_then(|p| p.columns.get(field));
        let mut note = |field: Option<&'static str>,
                        rule: Rule,
                        column: Option<String>,
                        expected: String,
                        message: String| {
            diagnostics.push(origin.note(rule, field, column, expected, message));
        };
        let mut columns = Vec::new();
        for field in table.fields() {
            let column = match profile_header(field.name) {
                Some(header) => {
                    let found = find(header);
                    if found.is_none() {
                        note(
                            Some(field.name),
                            Rule::F205,
                            Some(header.clone()),
                            format!("a column headed '{header}'"),
                            format!(
                                "the profile maps {} to '{header}', which is not in the file",
                                field.name
                            ),
                        );
                    }
                    found
                }
                None => find(field.name),
            };
            if column.is_none() && field.required {
                note(
                    Some(field.name),
                    Rule::F202,
                    None,
                    format!("a column for {}", field.name),
                    format!(
                        "no column for the required field {}; every row will be rejected",
                        field.name
                    ),
                );
            }
            columns.push(column);
        }
        let combined = if table == Table::People {
            profile_header(ETHNICITY_AND_NATIONALITY).and_then(|header| {
                let found = find(header);
                if found.is_none() {
                    note(
                        Some(ETHNICITY_AND_NATIONALITY),
                        Rule::F205,
                        Some(header.clone()),
                        format!("a column headed '{header}'"),
                        format!("the profile maps {ETHNICITY_AND_NATIONALITY} to '{header}', which is not in the file"),
                    );
                }
                found
            })
        } else {
            None
        };
        let factors = if table == Table::People {
            profile_header(ASSESSMENT_FACTORS).and_then(|header| {
                let found = find(header);
                if found.is_none() {
                    note(
                        Some(ASSESSMENT_FACTORS),
                        Rule::F205,
                        Some(header.clone()),
                        format!("a column headed '{header}'"),
                        format!("the profile maps {ASSESSMENT_FACTORS} to '{header}', which is not in the file"),
                    );
                }
                found
            })
        } else {
            None
        };
        let ignored =
            |header: &str| profile.is_some_and(|p| p.ignored.contains(&fold_header(header)));
        for (index, header) in headers.iter().enumerate() {
            let bound =
                columns.contains(&Some(index)) || combined == Some(index) || factors == Some(index);
            if !bound && !header.trim().is_empty() && !ignored(header) {
                note(
                    None,
                    Rule::F201,
                    Some(header.clone()),
                    format!(
                        "one of: {}",
                        table
                            .fields()
                            .iter()
                            .map(|f| f.name)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                    format!("column '{header}' matches no field of {table} and is not read"),
                );
            }
        }
        let field_count = table.fields().len();
        let id_column = table.unique_id().and_then(|id| {
            let index = table.fields().iter().position(|f| f.name == id)?;
            *columns.get(index)?
        });
        // ISO dates are always read: workbooks' date cells arrive as ISO text.
        let mut date_formats = date_formats;
        if !date_formats.contains(&DateFormat::Iso) {
            date_formats.push(DateFormat::Iso);
        }
        Normaliser {
            origin,
            headers: headers.to_vec(),
            columns,
            combined,
            factors,
            profile,
            scheme: profile.and_then(|p| p.ethnicity_scheme),
            date_formats,
            today,
            period,
            id_column,
            codes: vec![HashMap::default(); field_count],
            schemes: HashMap::default(),
            readings: HashMap::default(),
            observed: HashMap::default(),
            nationalities: HashMap::default(),
        }
    }

    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    /// Reads one row. Returns the record when the row is accepted; every problem, fatal or not,
    /// is pushed to `diagnostics`.
    pub fn normalise(
        &mut self,
        row: u64,
        cells: &[String],
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Record> {
        let before = diagnostics.len();
        let mut row_context = RowContext {
            normaliser: self,
            row,
            cells,
            diagnostics,
            void: Vec::new(),
        };
        row_context.check_extra_cells();
        row_context.check_values();
        let record = match row_context.normaliser.origin.table {
            Table::People => row_context.person().map(|p| Record::Person(Box::new(p))),
            Table::Incidents => row_context.incident().map(Record::Incident),
            Table::Involvements => row_context.involvement().map(Record::Involvement),
            Table::MissingEpisodes => row_context.missing_episode().map(Record::MissingEpisode),
            Table::Groups => row_context.group_member().map(Record::GroupMember),
            Table::Governance => row_context.governance().map(Record::Governance),
        };
        let rejected = diagnostics[before..]
            .iter()
            .any(|d| d.severity == Severity::Error);
        if rejected { None } else { record }
    }

    /// The row's own identifier (person_id, incident_id) if it has one, whether or not the row
    /// is accepted.
    pub fn row_id<'c>(&self, cells: &'c [String]) -> Option<&'c str> {
        let text = trim_cell(cells.get(self.id_column?)?);
        (!text.is_empty()).then_some(text)
    }

    /// A digest of the cells this table reads from a row: two rows of a wide sheet that repeat
    /// one person (or incident) have the same digest.
    pub fn content_digest(&self, cells: &[String]) -> u64 {
        use std::hash::{Hash, Hasher};
        let mut hasher = rustc_hash::FxHasher::default();
        for column in self.columns.iter().chain([&self.combined, &self.factors]) {
            column
                .and_then(|at| cells.get(at))
                .map(|cell| trim_cell(cell))
                .hash(&mut hasher);
        }
        hasher.finish()
    }

    /// Whether rows carry their own unique identifier (people, incidents).
    pub fn has_id_column(&self) -> bool {
        self.id_column.is_some()
    }

    /// The field a header is bound to, if any.
    pub fn field_of_header(&self, header: &str) -> Option<&'static str> {
        let column = self.headers.iter().position(|h| h == header)?;
        if self.combined == Some(column) {
            return Some(ETHNICITY_AND_NATIONALITY);
        }
        if self.factors == Some(column) {
            return Some(ASSESSMENT_FACTORS);
        }
        let index = self.columns.iter().position(|c| *c == Some(column))?;
        self.origin.table.fields().get(index).map(|f| f.name)
    }
}

struct RowContext<'n, 'p, 'r> {
    normaliser: &'n mut Normaliser<'p>,
    row: u64,
    cells: &'r [String],
    diagnostics: &'r mut Vec<Diagnostic>,
    /// Columns whose value was rejected as it stands (E012, E013): read as if empty, without a
    /// second reason for the same cell.
    void: Vec<usize>,
}

impl<'r> RowContext<'_, '_, 'r> {
    fn push(
        &mut self,
        rule: Rule,
        column: Option<usize>,
        value: Option<&str>,
        expected: impl Into<String>,
        message: impl Into<String>,
    ) {
        let normaliser = &self.normaliser;
        let origin = &normaliser.origin;
        let field = column
            .and_then(|c| {
                normaliser
                    .columns
                    .iter()
                    .position(|bound| *bound == Some(c))
            })
            .and_then(|index| origin.table.fields().get(index))
            .map(|f| f.name);
        let field = field
            .or(column
                .filter(|c| normaliser.combined == Some(*c))
                .map(|_| ETHNICITY_AND_NATIONALITY))
            .or(column
                .filter(|c| normaliser.factors == Some(*c))
                .map(|_| ASSESSMENT_FACTORS));
        self.diagnostics.push(Diagnostic {
            rule,
            severity: rule.severity(),
            file: origin.file.clone(),
            sheet: origin.sheet.clone(),
            table: origin.table,
            field,
            row: Some(self.row),
            column: column.and_then(|c| normaliser.headers.get(c).cloned()),
            value: value.map(str::to_string),
            expected: expected.into(),
            message: message.into(),
        });
    }

    /// The column a field is read from.
    fn column_of(&self, field: usize) -> Option<usize> {
        *self.normaliser.columns.get(field)?
    }

    /// The name of the field at a position of this table.
    fn name(&self, field: usize) -> &'static str {
        self.normaliser
            .origin
            .table
            .fields()
            .get(field)
            .map_or("", |f| f.name)
    }

    fn scheme_of(&mut self, text: &str) -> Option<Scheme> {
        if let Some(found) = self.normaliser.schemes.get(text) {
            return *found;
        }
        let scheme = Scheme::parse(text);
        if self.normaliser.schemes.len() < CACHE_LIMIT {
            self.normaliser.schemes.insert(text.to_string(), scheme);
        }
        scheme
    }

    /// The trimmed, non-empty text of a field's cell.
    fn cell(&self, field: usize) -> Option<Cell<'r>> {
        self.cell_at(self.column_of(field)?)
    }

    fn cell_at(&self, column: usize) -> Option<Cell<'r>> {
        if self.void.contains(&column) {
            return None;
        }
        let cells: &'r [String] = self.cells;
        let text = trim_cell(cells.get(column)?);
        (!text.is_empty()).then_some(Cell { text, column })
    }

    /// E012 for a value longer than its field's maximum, E013 for one holding a NUL: the row is
    /// rejected with the value cut short for display, and the cell is read no further.
    fn check_values(&mut self) {
        let fields = self.normaliser.origin.table.fields();
        let bound = self
            .normaliser
            .columns
            .iter()
            .enumerate()
            .filter_map(|(index, column)| {
                let field = fields.get(index)?;
                Some(((*column)?, field.name, limits::max_chars(&field.kind)))
            })
            .chain(
                self.normaliser
                    .combined
                    .map(|c| (c, ETHNICITY_AND_NATIONALITY, limits::COMBINED_MAX_CHARS)),
            )
            .chain(
                self.normaliser
                    .factors
                    .map(|c| (c, ASSESSMENT_FACTORS, limits::FACTORS_MAX_CHARS)),
            );
        let mut problems: Vec<(usize, Rule, String, String)> = Vec::new();
        let cells: &'r [String] = self.cells;
        for (column, name, max) in bound {
            let Some(text) = cells.get(column).map(|cell| trim_cell(cell)) else {
                continue;
            };
            if text.len() > max && text.chars().count() > max {
                problems.push((
                    column,
                    Rule::E012,
                    format!("at most {max} characters"),
                    format!(
                        "{name} is {} characters long and may be at most {max}",
                        text.chars().count()
                    ),
                ));
            } else if text.contains('\0') {
                problems.push((
                    column,
                    Rule::E013,
                    "text without NUL characters".to_string(),
                    format!(
                        "{name} holds a NUL character (byte 0), which no text has: a binary file or a broken export"
                    ),
                ));
            }
        }
        for (column, rule, expected, message) in problems {
            let text = cells.get(column).map_or("", |cell| trim_cell(cell));
            let shown = limits::for_display(&text.replace('\0', "\\0"));
            self.push(rule, Some(column), Some(&shown), expected, message);
            self.void.push(column);
        }
    }

    fn check_extra_cells(&mut self) {
        let width = self.normaliser.headers.len();
        let cells: &'r [String] = self.cells;
        if let Some((index, extra)) = cells
            .iter()
            .enumerate()
            .skip(width)
            .find(|(_, c)| !c.trim().is_empty())
        {
            self.push(
                Rule::E011,
                None,
                Some(&limits::for_display(extra)),
                format!("at most {width} cells"),
                format!("cell {} has a value but no header", index + 1),
            );
        }
    }

    fn text(&self, field: usize) -> Option<String> {
        self.cell(field).map(|cell| cell.text.to_string())
    }

    fn required(&mut self, field: usize) -> Option<String> {
        let value = self.text(field);
        let void = self
            .column_of(field)
            .is_some_and(|column| self.void.contains(&column));
        if value.is_none() && !void {
            let name = self.name(field);
            let column = self.column_of(field);
            self.push(
                Rule::E001,
                column,
                None,
                format!("a value for {name}"),
                format!("{name} is required"),
            );
        }
        value
    }

    fn date(&mut self, field: usize) -> Option<PartialDate> {
        let cell = self.cell(field)?;
        let (text, column) = (cell.text, cell.column);
        let parsed = sightline_standard::dates::parse_with(text, &self.normaliser.date_formats);
        if parsed.is_none() {
            let name = self.name(field);
            let names: Vec<&str> = self
                .normaliser
                .date_formats
                .iter()
                .map(|f| f.name())
                .collect();
            self.push(
                Rule::E003,
                Some(column),
                Some(text),
                format!("a date as {}", names.join(" or ")),
                format!("{name} '{text}' is not a date"),
            );
        }
        parsed
    }

    /// A single code, read through the profile's value map, then the list.
    fn coded(&mut self, field: usize, list: &'static CodeList) -> Coded {
        let Some(cell) = self.cell(field) else {
            return Coded::Unknown(Unknown::NotRecorded);
        };
        let (text, column) = (cell.text, cell.column);
        let coded = self.lookup_code(field, list, text);
        if coded == Coded::Unmapped {
            let name = self.name(field);
            self.push(
                Rule::W101,
                Some(column),
                Some(text),
                format!("a code of {}", list.name),
                format!("{name} '{text}' is not a code of {}", list.name),
            );
        }
        coded
    }

    fn lookup_code(&mut self, field: usize, list: &'static CodeList, text: &str) -> Coded {
        let index = field;
        let name = self.name(field);
        if let Some(found) = self
            .normaliser
            .codes
            .get(index)
            .and_then(|cache| cache.get(text))
        {
            return *found;
        }
        let mapped = self
            .normaliser
            .profile
            .and_then(|p| p.mapped_value(name, text));
        let coded = match mapped {
            Some(target) => list.lookup(target),
            None => list.lookup(text),
        };
        if let Some(cache) = self.normaliser.codes.get_mut(index)
            && cache.len() < CACHE_LIMIT
        {
            cache.insert(text.to_string(), coded);
        }
        coded
    }

    /// Several codes separated by `;`.
    fn coded_list(&mut self, field: usize, list: &'static CodeList) -> Vec<Coded> {
        let Some(cell) = self.cell(field) else {
            return Vec::new();
        };
        let name = self.name(field);
        let (text, column) = (cell.text, cell.column);
        let mut values = Vec::new();
        for piece in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let coded = self.lookup_code(field, list, piece);
            if coded == Coded::Unmapped {
                self.push(
                    Rule::W101,
                    Some(column),
                    Some(piece),
                    format!("codes of {}", list.name),
                    format!("{name} '{piece}' is not a code of {}", list.name),
                );
            }
            if !values.contains(&coded) {
                values.push(coded);
            }
        }
        values
    }

    fn local_authority(&mut self, field: usize) -> Option<String> {
        let cell = self.cell(field)?;
        let (text, column) = (cell.text, cell.column);
        if !is_gss_code(text) {
            self.push(
                Rule::W107,
                Some(column),
                Some(text),
                "an ONS GSS code such as E06000015",
                format!("local_authority '{text}' is not an ONS code"),
            );
        }
        Some(text.to_string())
    }

    /// E008 when a span of dates lies wholly outside the return period. The field named is the
    /// first of the two that has a date.
    fn period_check(
        &mut self,
        (first_field, first): (usize, Option<PartialDate>),
        (last_field, last): (usize, Option<PartialDate>),
    ) {
        let (field, date) = match (first, last) {
            (Some(date), _) => (first_field, date),
            (None, Some(date)) => (last_field, date),
            (None, None) => return,
        };
        let name = self.name(field);
        let Some(period) = self.normaliser.period else {
            return;
        };
        if period.excludes(date, last.unwrap_or(date)) {
            let column = self.column_of(field);
            let value = date.to_string();
            self.push(
                Rule::E008,
                column,
                Some(&value),
                format!("a date from {} to {}", period.from, period.to),
                format!("{name} {value} is outside the return period"),
            );
        }
    }

    fn end_after_start(
        &mut self,
        start_field: usize,
        start: Option<PartialDate>,
        end_field: usize,
        end: Option<PartialDate>,
    ) {
        if let (Some(start), Some(end)) = (start, end)
            && end.latest() < start.earliest()
        {
            let (start_name, end_name) = (self.name(start_field), self.name(end_field));
            let column = self.column_of(end_field);
            let value = end.to_string();
            self.push(
                Rule::E005,
                column,
                Some(&value),
                format!("a date on or after {start_name} {start}"),
                format!("{end_name} {end} is before {start_name} {start}"),
            );
        }
    }

    fn person(&mut self) -> Option<PersonRecord> {
        let person_id = self.required(people::PERSON_ID);
        let mut roles = self.coded_list(people::ROLE, &codes::PERSON_ROLE);
        let (assessment_factors, known_factors) = self.assessment_factors();
        // A factor gives a role only where the row states none (sightline_standard::dfe).
        if self.cell(people::ROLE).is_none() {
            roles.extend(
                dfe::roles_of(&known_factors)
                    .iter()
                    .map(|role| codes::PERSON_ROLE.lookup(role)),
            );
        }
        let date_of_birth = self.date(people::DATE_OF_BIRTH);
        if let Some(dob) = date_of_birth
            && dob.earliest() > self.normaliser.today.latest()
        {
            let column = self.column_of(people::DATE_OF_BIRTH);
            let value = dob.to_string();
            self.push(
                Rule::E004,
                column,
                Some(&value),
                format!("a date up to {}", self.normaliser.today),
                format!("date of birth {value} is in the future"),
            );
        }
        let age = self.age();
        let age_date = self.date(people::AGE_DATE);
        self.check_age(date_of_birth, age, age_date);
        let sex = self.coded(people::SEX, &codes::SEX);
        let (ethnicity, source, ethnicity_original, scheme, reading) = self.ethnicity();
        let observed_cell = self
            .cell(people::ETHNICITY_OBSERVED)
            .map(|c| (c.text, c.column));
        let (ethnicity_observed, ethnicity_observed_original) = match observed_cell {
            Some((text, column)) => (self.observed(text, column), text.to_string()),
            None => match reading.as_ref().and_then(|r| r.observed) {
                Some(moved) => (moved, ethnicity_original.clone()),
                None => (Ethnicity::Unknown(Unknown::NotRecorded), String::new()),
            },
        };
        let (nationality, nationality_original) =
            self.nationality(reading.as_ref(), &ethnicity_original);
        let postcode = self
            .cell(people::POSTCODE)
            .map(|c| (c.text, c.column))
            .and_then(|(text, column)| {
                let parsed = parse_postcode(text);
                if parsed.is_none() {
                    self.push(
                        Rule::W106,
                        Some(column),
                        Some(text),
                        "a UK postcode such as LS6 1AB, or its district",
                        "the postcode is not kept",
                    );
                }
                parsed
            });
        let nhs_number = self
            .cell(people::NHS_NUMBER)
            .map(|c| (c.text, c.column))
            .and_then(|(text, column)| match parse_nhs_number(text) {
                Ok(number) => Some(number),
                Err(expected) => {
                    self.push(
                        Rule::W105,
                        Some(column),
                        Some(text),
                        expected,
                        "the NHS number is not kept",
                    );
                    None
                }
            });
        let record = PersonRecord {
            roles,
            given_name: self.text(people::GIVEN_NAME),
            family_name: self.text(people::FAMILY_NAME),
            other_names: self
                .text(people::OTHER_NAMES)
                .map(|t| {
                    t.split(';')
                        .map(str::trim)
                        .filter(|n| !n.is_empty())
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
            date_of_birth,
            age,
            age_date,
            sex,
            ethnicity,
            ethnicity_scheme: scheme,
            ethnicity_source: source,
            ethnicity_original,
            ethnicity_observed,
            ethnicity_observed_original,
            nationality,
            nationality_original,
            postcode,
            local_authority: self.local_authority(people::LOCAL_AUTHORITY),
            looked_after: self.coded(people::LOOKED_AFTER, &codes::YES_NO),
            legal_status: self.coded(people::LEGAL_STATUS, &codes::LEGAL_STATUS),
            missing_history: match (
                self.cell(people::MISSING_HISTORY),
                dfe::missing_history_of(&known_factors),
            ) {
                (None, Some(history)) => codes::YES_NO.lookup(history),
                _ => self.coded(people::MISSING_HISTORY, &codes::YES_NO),
            },
            assessment_factors,
            nhs_number,
            upn: self.text(people::UPN),
            pnc_id: self.text(people::PNC_ID),
            person_id: person_id?,
        };
        Some(record)
    }

    /// The factors of the assessment-factors column: each kept as its code, or `Unmapped`
    /// (W101) when it is no factor; and the known ones, for what they mean.
    fn assessment_factors(&mut self) -> (Vec<Coded>, Vec<&'static dfe::Factor>) {
        let Some(cell) = self
            .normaliser
            .factors
            .and_then(|column| self.cell_at(column))
        else {
            return (Vec::new(), Vec::new());
        };
        let (text, column) = (cell.text, cell.column);
        let mut coded = Vec::new();
        let mut known = Vec::new();
        for piece in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
            let mapped = self
                .normaliser
                .profile
                .and_then(|p| p.mapped_value(ASSESSMENT_FACTORS, piece))
                .unwrap_or(piece);
            match dfe::factor_of(mapped) {
                Some(factor) => {
                    if !known.contains(&factor) {
                        known.push(factor);
                        coded.push(Coded::Code(factor.code));
                    }
                }
                None => {
                    self.push(
                        Rule::W101,
                        Some(column),
                        Some(piece),
                        "a CIN assessment factor (1A ... 24A)",
                        format!("assessment factor '{piece}' is not a factor of the CIN census"),
                    );
                    if !coded.contains(&Coded::Unmapped) {
                        coded.push(Coded::Unmapped);
                    }
                }
            }
        }
        (coded, known)
    }

    fn age(&mut self) -> Option<u16> {
        let cell = self.cell(people::AGE)?;
        let (text, column) = (cell.text, cell.column);
        match text.parse::<u16>() {
            Ok(age) if age <= 120 => Some(age),
            _ => {
                self.push(
                    Rule::E009,
                    Some(column),
                    Some(text),
                    "a whole number from 0 to 120",
                    format!("age '{text}' is not an age"),
                );
                None
            }
        }
    }

    fn check_age(
        &mut self,
        dob: Option<PartialDate>,
        age: Option<u16>,
        age_date: Option<PartialDate>,
    ) {
        let (Some(dob), Some(age), Some(on)) = (dob, age, age_date) else {
            return;
        };
        let (Some(born_month), Some(on_month)) = (dob.month, on.month) else {
            return;
        };
        let mut years = on.year - dob.year;
        if (on_month, on.day.unwrap_or(31)) < (born_month, dob.day.unwrap_or(1)) {
            years -= 1;
        }
        if (years - i32::from(age)).abs() > 1 {
            let column = self.column_of(people::AGE);
            let value = age.to_string();
            self.push(
                Rule::W109,
                column,
                Some(&value),
                format!("about {years} (from date_of_birth {dob} on {on})"),
                "age and date of birth disagree",
            );
        }
    }

    /// Self-defined ethnicity: from its column, or from a column holding ethnicity and
    /// nationality. Returns the value, where it came from, the original text, the scheme and
    /// the full reading (for the observed value and nationality it may carry).
    fn ethnicity(
        &mut self,
    ) -> (
        Ethnicity,
        EthnicitySource,
        String,
        Option<Scheme>,
        Option<Reading>,
    ) {
        let scheme = match self
            .cell(people::ETHNICITY_SCHEME)
            .map(|c| (c.text, c.column))
        {
            Some((text, column)) => match self.scheme_of(text) {
                Some(scheme) => Some(scheme),
                None => {
                    self.push(Rule::W101, Some(column), Some(text), "a scheme: census_2021, census_2011, police_16_1, police_18_1, csc, free_text", format!("ethnicity_scheme '{text}' is not a scheme"));
                    self.normaliser.scheme
                }
            },
            None => self.normaliser.scheme,
        };
        let own = self
            .cell(people::ETHNICITY)
            .map(|c| (c.text, c.column, false));
        let combined = self
            .normaliser
            .combined
            .and_then(|column| self.cell_at(column))
            .map(|c| (c.text, c.column, true));
        let Some((text, column, is_combined)) = own.or(combined) else {
            let source = if self.normaliser.combined.is_some()
                || self.column_of(people::ETHNICITY).is_some()
            {
                if self.normaliser.combined.is_some() {
                    EthnicitySource::Combined
                } else {
                    EthnicitySource::SelfDefined
                }
            } else {
                EthnicitySource::None
            };
            return (
                Ethnicity::Unknown(Unknown::NotRecorded),
                source,
                String::new(),
                scheme,
                None,
            );
        };
        let key = (scheme, is_combined);
        let reading = match self
            .normaliser
            .readings
            .get(&key)
            .and_then(|cache| cache.get(text))
        {
            Some(found) => found.clone(),
            None => {
                let mapped = self
                    .normaliser
                    .profile
                    .and_then(|p| p.mapped_value("ethnicity", text))
                    .and_then(Ethnicity::from_code);
                let reading = match mapped {
                    Some(ethnicity) => Reading {
                        ethnicity,
                        observed: None,
                        nationality: None,
                        note: None,
                    },
                    None if is_combined => ethnicity::read_combined(text, scheme),
                    None => ethnicity::read_self_defined(text, scheme),
                };
                let cache = self.normaliser.readings.entry(key).or_default();
                if cache.len() < CACHE_LIMIT {
                    cache.insert(text.to_string(), reading.clone());
                }
                reading
            }
        };
        if let Some(note) = reading.note {
            let (rule, expected, message) = match note {
                Note::IcCodeMoved if self.cell(people::ETHNICITY_OBSERVED).is_some() => (
                    Rule::W102,
                    "a self-defined ethnicity",
                    format!(
                        "'{text}' is an officer-observed code, not a self-defined ethnicity; not kept, as ethnicity_observed already has a value"
                    ),
                ),
                Note::IcCodeMoved => (
                    Rule::W102,
                    "a self-defined ethnicity",
                    format!("'{text}' is an officer-observed code; moved to ethnicity_observed"),
                ),
                Note::Ambiguous => (
                    Rule::W103,
                    "separate ethnicity and nationality",
                    format!(
                        "'{text}' could be an ethnicity or a nationality; read as ethnicity, nationality not known"
                    ),
                ),
                Note::NationalIdentity => (
                    Rule::W104,
                    "an ethnicity",
                    format!(
                        "'{text}' is a national identity, not an ethnicity; read as nationality, ethnicity not known"
                    ),
                ),
                Note::NotInScheme => (
                    Rule::W108,
                    "a code of the declared scheme",
                    format!(
                        "'{text}' is not a code of {}",
                        scheme.map_or("the scheme", Scheme::code)
                    ),
                ),
                Note::Unmapped => (
                    Rule::W101,
                    "an ethnicity of the 2021 list, a code of a known scheme, or an unknown kind",
                    format!("ethnicity '{text}' maps to no ethnicity"),
                ),
            };
            self.push(rule, Some(column), Some(text), expected, message);
        }
        let source = if is_combined {
            EthnicitySource::Combined
        } else {
            EthnicitySource::SelfDefined
        };
        (
            reading.ethnicity,
            source,
            text.to_string(),
            scheme,
            Some(reading),
        )
    }

    fn observed(&mut self, text: &str, column: usize) -> Ethnicity {
        let value = match self.normaliser.observed.get(text) {
            Some(found) => *found,
            None => {
                let mapped = self
                    .normaliser
                    .profile
                    .and_then(|p| p.mapped_value("ethnicity_observed", text))
                    .and_then(Ethnicity::from_code);
                let value = mapped.unwrap_or_else(|| ethnicity::read_observed(text));
                if self.normaliser.observed.len() < CACHE_LIMIT {
                    self.normaliser.observed.insert(text.to_string(), value);
                }
                value
            }
        };
        if value == Ethnicity::Unmapped {
            self.push(
                Rule::W101,
                Some(column),
                Some(text),
                "an IC code: IC1 to IC6, IC0 or IC9",
                format!("ethnicity_observed '{text}' is not an IC code"),
            );
        }
        value
    }

    /// Nationality from its column; where that is blank, from what the ethnicity reading said.
    fn nationality(
        &mut self,
        reading: Option<&Reading>,
        ethnicity_original: &str,
    ) -> (Nationality, String) {
        let from_reading = reading.and_then(|r| r.nationality.clone());
        let Some((text, column)) = self.cell(people::NATIONALITY).map(|c| (c.text, c.column))
        else {
            return match from_reading {
                Some(nationality) => (nationality, ethnicity_original.to_string()),
                None => (Nationality::Unknown(Unknown::NotRecorded), String::new()),
            };
        };
        let value = match self.normaliser.nationalities.get(text) {
            Some(found) => found.clone(),
            None => {
                let mapped = self
                    .normaliser
                    .profile
                    .and_then(|p| p.mapped_value("nationality", text))
                    .map(|to| sightline_standard::nationality::parse(&to.replace(';', "/")));
                let value = mapped.unwrap_or_else(|| sightline_standard::nationality::parse(text));
                if self.normaliser.nationalities.len() < CACHE_LIMIT {
                    self.normaliser
                        .nationalities
                        .insert(text.to_string(), value.clone());
                }
                value
            }
        };
        if value == Nationality::Unmapped {
            self.push(
                Rule::W101,
                Some(column),
                Some(text),
                "ISO 3166-1 countries (names, codes or demonyms), stateless, or an unknown kind",
                format!("nationality '{text}' names no country"),
            );
        }
        (value, text.to_string())
    }

    fn incident(&mut self) -> Option<IncidentRecord> {
        let incident_id = self.required(incidents::INCIDENT_ID);
        let first_date = self.date(incidents::FIRST_DATE);
        let last_date = self.date(incidents::LAST_DATE);
        self.end_after_start(
            incidents::FIRST_DATE,
            first_date,
            incidents::LAST_DATE,
            last_date,
        );
        self.period_check(
            (incidents::FIRST_DATE, first_date),
            (incidents::LAST_DATE, last_date),
        );
        let record = IncidentRecord {
            first_date,
            last_date,
            offence: self.coded(incidents::OFFENCE, &codes::OFFENCE),
            cse_flag: self.coded(incidents::CSE_FLAG, &codes::YES_NO),
            location_type: self.coded(incidents::LOCATION_TYPE, &codes::LOCATION_TYPE),
            local_authority: self.local_authority(incidents::LOCAL_AUTHORITY),
            outcome: self.coded(incidents::OUTCOME, &codes::OUTCOME),
            outcome_date: self.date(incidents::OUTCOME_DATE),
            incident_id: incident_id?,
        };
        Some(record)
    }

    fn involvement(&mut self) -> Option<InvolvementRecord> {
        let incident_id = self.required(involvements::INCIDENT_ID);
        let person_id = self.required(involvements::PERSON_ID);
        let role = match self.cell(involvements::ROLE).map(|c| (c.text, c.column)) {
            None => {
                self.required(involvements::ROLE);
                Coded::Unmapped
            }
            Some((text, column)) => {
                let coded = self.lookup_code(involvements::ROLE, &codes::INVOLVEMENT_ROLE, text);
                if coded == Coded::Unmapped {
                    self.push(
                        Rule::E010,
                        Some(column),
                        Some(text),
                        "victim, offender, paying_abuser or other",
                        format!("role '{text}' is not a role"),
                    );
                }
                coded
            }
        };
        Some(InvolvementRecord {
            incident_id: incident_id?,
            person_id: person_id?,
            role,
        })
    }

    fn missing_episode(&mut self) -> Option<MissingEpisodeRecord> {
        let person_id = self.required(missing_episodes::PERSON_ID);
        let start = if self.cell(missing_episodes::START).is_some() {
            self.date(missing_episodes::START)
        } else {
            self.required(missing_episodes::START).and(None)
        };
        let end = self.date(missing_episodes::END);
        self.end_after_start(missing_episodes::START, start, missing_episodes::END, end);
        self.period_check(
            (missing_episodes::START, start),
            (missing_episodes::END, end),
        );
        let record = MissingEpisodeRecord {
            end,
            kind: self.coded(missing_episodes::KIND, &codes::MISSING_KIND),
            from: self.coded(missing_episodes::FROM, &codes::MISSING_FROM),
            return_interview_offered: self
                .coded(missing_episodes::RETURN_INTERVIEW_OFFERED, &codes::YES_NO),
            return_interview_accepted: self
                .coded(missing_episodes::RETURN_INTERVIEW_ACCEPTED, &codes::YES_NO),
            person_id: person_id?,
            start: start?,
        };
        Some(record)
    }

    fn group_member(&mut self) -> Option<GroupMemberRecord> {
        let group_id = self.required(groups::GROUP_ID);
        let person_id = self.required(groups::PERSON_ID);
        Some(GroupMemberRecord {
            group_id: group_id?,
            person_id: person_id?,
            label: self.text(groups::LABEL),
        })
    }

    fn governance(&mut self) -> Option<GovernanceRecord> {
        let agency_id = self.required(governance::AGENCY_ID);
        let date = if self.cell(governance::DATE).is_some() {
            self.date(governance::DATE)
        } else {
            self.required(governance::DATE).and(None)
        };
        let record = GovernanceRecord {
            cse_subgroup: self.coded(governance::CSE_SUBGROUP, &codes::YES_NO),
            cse_lead: self.coded(governance::CSE_LEAD, &codes::YES_NO),
            cse_strategy: self.coded(governance::CSE_STRATEGY, &codes::YES_NO),
            assumes_cse_present: self.coded(governance::ASSUMES_CSE_PRESENT, &codes::YES_NO),
            agency_id: agency_id?,
            date: date?,
        };
        Some(record)
    }
}
