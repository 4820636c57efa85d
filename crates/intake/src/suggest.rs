//! What profile would read this file?
//!
//! [`suggest`] looks at a file's headers and a sample of its values and drafts a profile: which
//! header is which field (from the header words agencies use), how dates are written, which
//! ethnicity scheme the codes belong to, whether a column holds ethnicity and nationality at
//! once, and which values map to no code. Every uncertain choice carries a comment; the draft
//! is meant to be read and edited, then passed to `check --profile`.

use crate::IntakeError;
use crate::profile::{ETHNICITY_AND_NATIONALITY, Profile};
use crate::reader::{self, TableSource};
use sightline_standard::codes::Coded;
use sightline_standard::ethnicity::{self, Note, Scheme};
use sightline_standard::fold::{fold, fold_header};
use sightline_standard::{DateFormat, FieldKind, Table, nationality};
use std::collections::{BTreeMap, HashSet};
use std::fmt::Write as _;
use std::path::Path;

/// Rows sampled per table.
const SAMPLE_ROWS: usize = 2000;

/// Header words agencies use for each field, folded with `fold_header`. The template's own
/// names are always recognised as well.
fn synonyms(table: Table) -> &'static [(&'static str, &'static [&'static str])] {
    match table {
        Table::People => &[
            (
                "person_id",
                &[
                    "id",
                    "ref",
                    "refno",
                    "reference",
                    "personref",
                    "personreference",
                    "clientid",
                    "childid",
                    "nominalid",
                    "nominalref",
                    "subjectid",
                    "victimid",
                    "suspectid",
                    "urn",
                    "uniqueid",
                    "child",
                    "lachildid",
                ],
            ),
            (
                "role",
                &[
                    "type",
                    "persontype",
                    "nominaltype",
                    "category",
                    "involvement",
                    "roles",
                ],
            ),
            (
                "given_name",
                &[
                    "forename",
                    "forenames",
                    "firstname",
                    "first",
                    "givennames",
                    "christianname",
                ],
            ),
            ("family_name", &["surname", "lastname", "last"]),
            (
                "other_names",
                &["alias", "aliases", "aka", "knownas", "othername"],
            ),
            (
                "date_of_birth",
                &["dob", "birthdate", "dateofbirthddmmyyyy", "born"],
            ),
            ("age", &["ageatreferral", "ageattime", "ageyears"]),
            ("age_date", &["ageon", "ageasat", "dateofage", "ageatdate"]),
            ("sex", &["gender", "sexgender", "genderidentity"]),
            (
                "ethnicity",
                &[
                    "selfdefinedethnicity",
                    "sde",
                    "ethnicorigin",
                    "ethnicgroup",
                    "ethnicitycode",
                    "ethnicityselfdefined",
                    "ethnic",
                ],
            ),
            ("ethnicity_scheme", &["scheme", "ethnicitycodescheme"]),
            (
                "ethnicity_observed",
                &[
                    "officerdefinedethnicity",
                    "ode",
                    "iccode",
                    "ic",
                    "observedethnicity",
                    "officerobservedethnicity",
                    "ethnicappearance",
                    "appearance",
                ],
            ),
            (
                ETHNICITY_AND_NATIONALITY,
                &[
                    "ethnicitynationality",
                    "nationalityethnicity",
                    "ethnicityandnationality",
                    "ethnicityornationality",
                ],
            ),
            ("nationality", &["citizenship", "nationalities"]),
            (
                "postcode",
                &["postalcode", "pcode", "homepostcode", "postcodehome"],
            ),
            (
                "local_authority",
                &["la", "council", "lacode", "localauthoritycode", "authority"],
            ),
            (
                "looked_after",
                &[
                    "lac",
                    "cla",
                    "incare",
                    "lookedafterchild",
                    "childlookedafter",
                    "lookedafterstatus",
                ],
            ),
            ("legal_status", &["lacstatus", "clalegalstatus"]),
            (
                "missing_history",
                &[
                    "evermissing",
                    "everreportedmissing",
                    "missing",
                    "reportedmissing",
                    "historyofmissing",
                ],
            ),
            ("nhs_number", &["nhsno", "nhs"]),
            ("upn", &["uniquepupilnumber", "pupilnumber"]),
            ("pnc_id", &["pnc", "pncnumber", "pncno", "pncref"]),
        ],
        Table::Incidents => &[
            (
                "incident_id",
                &[
                    "id",
                    "incidentref",
                    "crimeref",
                    "crimereference",
                    "crimenumber",
                    "caseref",
                    "caseid",
                    "occurrenceref",
                    "occurrence",
                    "crn",
                    "ref",
                ],
            ),
            (
                "first_date",
                &[
                    "startdate",
                    "datefrom",
                    "fromdate",
                    "offencedate",
                    "datecommitted",
                    "date",
                    "incidentdate",
                    "datereported",
                ],
            ),
            ("last_date", &["enddate", "dateto", "todate"]),
            (
                "offence",
                &[
                    "offencetype",
                    "crimetype",
                    "offencecategory",
                    "offencedescription",
                    "crime",
                ],
            ),
            (
                "cse_flag",
                &["cse", "cseflagged", "cserelated", "csemarker"],
            ),
            (
                "location_type",
                &[
                    "location",
                    "place",
                    "placetype",
                    "venue",
                    "locationcategory",
                ],
            ),
            ("local_authority", &["la", "council", "lacode", "area"]),
            (
                "outcome",
                &["outcometype", "result", "disposal", "crimeoutcome"],
            ),
            (
                "outcome_date",
                &["disposaldate", "resultdate", "dateofoutcome"],
            ),
        ],
        Table::Involvements => &[
            (
                "incident_id",
                &[
                    "incidentref",
                    "crimeref",
                    "crimereference",
                    "caseref",
                    "caseid",
                    "occurrenceref",
                ],
            ),
            (
                "person_id",
                &[
                    "personref",
                    "refno",
                    "nominalid",
                    "nominalref",
                    "clientid",
                    "childid",
                ],
            ),
            (
                "role",
                &["involvement", "involvementtype", "type", "roletype"],
            ),
        ],
        Table::MissingEpisodes => &[
            (
                "person_id",
                &[
                    "personref",
                    "clientid",
                    "childid",
                    "nominalid",
                    "id",
                    "ref",
                    "child",
                ],
            ),
            (
                "start",
                &[
                    "startdate",
                    "datemissing",
                    "missingdate",
                    "datereported",
                    "reporteddate",
                    "missingfromdate",
                    "misstart",
                ],
            ),
            (
                "end",
                &[
                    "enddate",
                    "datefound",
                    "datereturned",
                    "returned",
                    "found",
                    "returndate",
                    "misend",
                ],
            ),
            (
                "kind",
                &[
                    "type",
                    "missingtype",
                    "category",
                    "missingorabsent",
                    "missingoraway",
                    "missing",
                ],
            ),
            (
                "from",
                &[
                    "missingfrom",
                    "wentmissingfrom",
                    "locationtype",
                    "placementtype",
                ],
            ),
            (
                "return_interview_offered",
                &[
                    "rioffered",
                    "rhioffered",
                    "returninterview",
                    "returnhomeinterviewoffered",
                ],
            ),
            (
                "return_interview_accepted",
                &["riaccepted", "rhiaccepted", "returnhomeinterviewaccepted"],
            ),
        ],
        Table::Governance => &[
            ("agency_id", &["board", "boardid", "lscb", "partnership"]),
            ("date", &["asat", "dateasat", "reportdate"]),
            (
                "cse_subgroup",
                &["subgroup", "csesubgroup", "csesubgroupinplace"],
            ),
            ("cse_lead", &["lead", "csleadnamed", "cseleadnamed"]),
            ("cse_strategy", &["strategy", "csestrategyinplace"]),
            ("assumes_cse_present", &["assumescse", "assumecsepresent"]),
        ],
        Table::Groups => &[
            (
                "group_id",
                &["group", "groupref", "operationid", "networkid"],
            ),
            ("person_id", &["personref", "nominalid", "nominalref", "id"]),
            (
                "label",
                &["name", "groupname", "operation", "operationname"],
            ),
        ],
    }
}

/// The field a header names in a table, if any.
fn field_for_header(table: Table, header: &str) -> Option<&'static str> {
    let key = fold_header(header);
    if key.is_empty() {
        return None;
    }
    if let Some(field) = table.fields().iter().find(|f| fold_header(f.name) == key) {
        return Some(field.name);
    }
    synonyms(table)
        .iter()
        .find(|(_, words)| words.contains(&key.as_str()))
        .map(|(field, _)| *field)
}

fn known_headers(table: Table) -> HashSet<String> {
    let mut known: HashSet<String> = table.fields().iter().map(|f| fold_header(f.name)).collect();
    for (_, words) in synonyms(table) {
        known.extend(words.iter().map(|w| w.to_string()));
    }
    known
}

/// A drafted profile: the TOML text, with comments on every uncertain choice.
#[derive(Debug, Clone)]
pub struct Suggestion {
    pub toml: String,
    /// (table, field or ethnicity_and_nationality, header), for tests and scripts.
    pub columns: Vec<(Table, String, String)>,
}

/// Drafts a profile for a file (CSV or workbook).
pub fn suggest(path: &Path) -> Result<Suggestion, IntakeError> {
    let empty = Profile::default();
    let (mut sources, _) =
        reader::open_with(path, &empty, &crate::Limits::default(), &known_headers)?;
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    let mut out = String::new();
    let mut columns = Vec::new();
    let _ = writeln!(
        out,
        "# Profile drafted by `sightline profile suggest` from {file_name}."
    );
    if sources.iter().all(|source| source.builtin.is_some()) {
        let _ = writeln!(
            out,
            "# The file is a layout Sightline reads as it is: this profile has nothing to fill in."
        );
    } else {
        let _ = writeln!(
            out,
            "# Read every comment, correct what is wrong, then run:"
        );
        let _ = writeln!(out, "#   sightline check {file_name} --profile THIS_FILE");
    }
    let _ = writeln!(
        out,
        "name = {}",
        quote(
            path.file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or("agency")
        )
    );
    let mut seen_tables = HashSet::new();
    // A wide sheet (a row per person in an incident) holds other tables' columns too: read it
    // again as each of them, from the same file or sheet.
    let mut wide = Vec::new();
    for source in &sources {
        // The DfE's tables are read as they are, never as a wide sheet.
        if source.builtin.is_some() {
            continue;
        }
        let others = other_tables_in(source);
        if others.is_empty() {
            continue;
        }
        let _ = writeln!(
            out,
            "\n# {} is one wide sheet: it holds the {} table and also {}; each reads its own\n\
             # columns, and a person or incident repeated cell for cell on later rows is read once.",
            where_(source),
            source.table,
            others
                .iter()
                .map(|t| format!("the {t} table"))
                .collect::<Vec<_>>()
                .join(" and ")
        );
        wide.push((
            source.file.clone(),
            source.sheet.clone(),
            source.table,
            others,
        ));
    }
    for (file, sheet, _, others) in &wide {
        let profile = wide_profile(file_name, sheet.as_deref(), others);
        let (found, _) =
            reader::open_with(path, &profile, &crate::Limits::default(), &known_headers)?;
        sources.extend(found.into_iter().filter(|found| {
            &found.file == file && &found.sheet == sheet && others.contains(&found.table)
        }));
    }
    for source in sources {
        if let Some(builtin) = &source.builtin {
            describe_builtin(&source, builtin, file_name, &mut out, &mut columns);
            continue;
        }
        if !seen_tables.insert(source.table) {
            let _ = writeln!(
                out,
                "\n# {} holds a second {} table; profiles describe one per table.",
                where_(&source),
                source.table
            );
            continue;
        }
        // The other tables of the wide sheet this source is on, if it is on one.
        let siblings: Vec<Table> = wide
            .iter()
            .filter(|(file, sheet, _, _)| *file == source.file && *sheet == source.sheet)
            .flat_map(|(_, _, own, others)| std::iter::once(*own).chain(others.iter().copied()))
            .filter(|&table| table != source.table)
            .collect();
        draft_table(source, file_name, &siblings, &mut out, &mut columns)?;
    }
    Ok(Suggestion { toml: out, columns })
}

/// A file Sightline reads without a profile (the DfE's returns): what it is and how each
/// column is read, as comments; the profile needs no section for it.
fn describe_builtin(
    source: &TableSource,
    builtin: &crate::dfe::Builtin,
    file_name: &str,
    out: &mut String,
    columns: &mut Vec<(Table, String, String)>,
) {
    use sightline_standard::dfe::{self, Ssda903Table};
    let (bindings, what): (&[dfe::Binding], String) = match builtin.kind {
        crate::dfe::Kind::CinCensus => (
            dfe::CIN_CENSUS,
            "the DfE's Children in Need census (XML, one <Child> per child)".to_string(),
        ),
        crate::dfe::Kind::Ssda903(table) => (
            match table {
                Ssda903Table::Header => dfe::SSDA903_HEADER,
                Ssda903Table::Episodes => dfe::SSDA903_EPISODES,
                Ssda903Table::Missing => dfe::SSDA903_MISSING,
                _ => &[],
            },
            format!(
                "the {} table of the DfE's SSDA903 return (children looked after){}",
                table.name(),
                match table.read_as() {
                    Some(read_as) => format!(", read as {read_as}"),
                    None => ": not part of the standard, and not read".to_string(),
                }
            ),
        ),
    };
    let _ = writeln!(
        out,
        "\n# {} is {what}.\n# Sightline reads it as it is, with no profile: `sightline check {file_name}` (send the\n# 903 Header, Episodes and Missing, and the CIN census, together as one return).",
        where_(source)
    );
    if !bindings.is_empty() {
        let _ = writeln!(out, "# How its columns are read ({}):", builtin.layout);
    }
    for binding in bindings {
        let _ = writeln!(
            out,
            "#   {} -> {}: {}",
            binding.column,
            binding.field.unwrap_or("not read"),
            binding.how
        );
        if let Some(field) = binding.field
            && source
                .headers
                .iter()
                .any(|h| fold_header(h) == fold_header(binding.column))
        {
            columns.push((source.table, field.to_string(), binding.column.to_string()));
        }
    }
}

/// The tables besides its own whose identifiers, and at least three fields in all, a source's
/// headers hold.
fn other_tables_in(source: &TableSource) -> Vec<Table> {
    [Table::People, Table::Incidents, Table::Involvements]
        .into_iter()
        .filter(|&table| table != source.table)
        .filter(|&table| {
            let fields: HashSet<&str> = source
                .headers
                .iter()
                .filter_map(|header| field_for_header(table, header))
                .collect();
            let ids: &[&str] = match table {
                Table::People => &["person_id"],
                Table::Incidents => &["incident_id"],
                _ => &["incident_id", "person_id"],
            };
            ids.iter().all(|id| fields.contains(id)) && fields.len() >= 3
        })
        .collect()
}

/// A profile that gives `tables` the file (or sheet) a wide source was found in.
fn wide_profile(file_name: &str, sheet: Option<&str>, tables: &[Table]) -> Profile {
    let place = match sheet {
        Some(sheet) => format!("sheet = {}", quote(sheet)),
        None => format!("file = {}", quote(file_name)),
    };
    let text: String = tables
        .iter()
        .map(|table| format!("[tables.{}]\n{place}\n", table.name()))
        .collect();
    Profile::parse(&text, "wide sheet").unwrap_or_default()
}

fn where_(source: &TableSource) -> String {
    match &source.sheet {
        Some(sheet) => format!("sheet '{sheet}'"),
        None => source.file.clone(),
    }
}

fn quote(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('"', "\\\"");
    format!("\"{escaped}\"")
}

/// Drafts one table's section; `siblings` are the other tables of a wide sheet it shares.
fn draft_table(
    mut source: TableSource,
    file_name: &str,
    siblings: &[Table],
    out: &mut String,
    columns: &mut Vec<(Table, String, String)>,
) -> Result<(), IntakeError> {
    let table = source.table;
    // Bind headers to fields, first come first served.
    let mut bound: Vec<Option<&'static str>> = Vec::new();
    let mut used = HashSet::new();
    for header in &source.headers {
        let field = field_for_header(table, header).filter(|field| used.insert(*field));
        bound.push(field);
    }
    // Sample values per column.
    let mut samples: Vec<BTreeMap<String, u64>> = vec![BTreeMap::new(); source.headers.len()];
    let mut cells = Vec::new();
    let mut rows = 0;
    while rows < SAMPLE_ROWS {
        let Some(_) = source.next_row(&mut cells)? else {
            break;
        };
        rows += 1;
        for (index, cell) in cells.iter().enumerate().take(samples.len()) {
            let value = cell.trim();
            if !value.is_empty()
                && let Some(sample) = samples.get_mut(index)
            {
                *sample.entry(value.to_string()).or_default() += 1;
            }
        }
    }

    let _ = writeln!(out, "\n[tables.{}]", table.name());
    match &source.sheet {
        Some(sheet) => {
            let _ = writeln!(out, "sheet = {}", quote(sheet));
        }
        None => {
            let stem = Path::new(file_name)
                .file_stem()
                .and_then(|s| s.to_str())
                .unwrap_or(file_name);
            let _ = writeln!(out, "file = {}", quote(&stem.to_lowercase()));
        }
    }
    if source.header_row > 1 {
        let _ = writeln!(
            out,
            "# The headers are on row {}; the rows above them are skipped.",
            source.header_row
        );
        let _ = writeln!(out, "header_row = {}", source.header_row);
    }
    let mut comments_after = Vec::new();

    // Dates: one format for the table, from every date column's values.
    let date_values: Vec<&String> = bound
        .iter()
        .zip(&samples)
        .filter(|(field, _)| {
            field
                .and_then(|f| table.field(f))
                .is_some_and(|f| f.kind == FieldKind::Date)
        })
        .flat_map(|(_, sample)| sample.keys())
        .collect();
    if !date_values.is_empty() {
        let (format, comment) = date_format(&date_values);
        if let Some(comment) = comment {
            let _ = writeln!(out, "# {comment}");
        }
        let _ = writeln!(out, "date_formats = [{}]", quote(format.name()));
    }

    // Ethnicity: the scheme, or a combined column.
    for (index, field) in bound.iter_mut().enumerate() {
        if !matches!(*field, Some("ethnicity") | Some(ETHNICITY_AND_NATIONALITY)) {
            continue;
        }
        let sample = &samples[index];
        let analysis = analyse_ethnicity(sample);
        if *field == Some("ethnicity") && analysis.national_identities > 0 {
            let _ = writeln!(
                out,
                "# '{}' holds national identities ({}) as well as ethnicities: read as ethnicity_and_nationality.",
                source.headers[index],
                analysis.examples.join(", ")
            );
            *field = Some(ETHNICITY_AND_NATIONALITY);
        }
        if analysis.ic_codes > 0
            && analysis.ic_codes * 2 >= sample.len()
            && *field == Some("ethnicity")
            && !used.contains("ethnicity_observed")
        {
            let _ = writeln!(
                out,
                "# '{}' holds IC codes, which are officer-observed: read as ethnicity_observed.",
                source.headers[index]
            );
            *field = Some("ethnicity_observed");
            continue;
        }
        match analysis.scheme {
            Some((scheme, comment)) => {
                if let Some(comment) = comment {
                    let _ = writeln!(out, "# {comment}");
                }
                let _ = writeln!(out, "ethnicity_scheme = {}", quote(scheme.code()));
            }
            None => {
                if analysis.police_codes > 0 {
                    let _ = writeln!(
                        out,
                        "# Police codes common to 16+1 and 18+1: set ethnicity_scheme = \"police_16_1\" or \"police_18_1\" if you know which."
                    );
                }
            }
        }
    }

    let _ = writeln!(out, "\n[tables.{}.columns]", table.name());
    for (index, header) in source.headers.iter().enumerate() {
        match bound[index] {
            Some(field) => {
                if field == ETHNICITY_AND_NATIONALITY {
                    let _ = writeln!(
                        out,
                        "# One column for ethnicity and nationality: it is split when read (\"British Asian\" → asian + GBR; \"Pakistani\" → asian_pakistani, nationality not known)."
                    );
                }
                let also: Vec<String> = siblings
                    .iter()
                    .filter(|&&sibling| {
                        !matches!(field, "person_id" | "incident_id")
                            && field_for_header(sibling, header).is_some()
                    })
                    .map(|sibling| sibling.to_string())
                    .collect();
                if !also.is_empty() {
                    let _ = writeln!(
                        out,
                        "# {} would also be read by the {} table: keep it in the table it describes.",
                        quote(header),
                        also.join(" and ")
                    );
                }
                let _ = writeln!(out, "{field} = {}", quote(header));
                columns.push((table, field.to_string(), header.clone()));
            }
            None if header.trim().is_empty() => {}
            // Another table of the wide sheet reads it.
            None if siblings
                .iter()
                .any(|&sibling| field_for_header(sibling, header).is_some()) => {}
            None => comments_after.push(format!(
                "# not read: {} (no field matched; add `FIELD = {}` above if it should be)",
                quote(header),
                quote(header)
            )),
        }
    }
    for comment in &comments_after {
        let _ = writeln!(out, "{comment}");
    }
    for field in table.fields().iter().filter(|f| f.required) {
        if !bound.contains(&Some(field.name)) {
            let _ = writeln!(
                out,
                "# MISSING: no column found for the required field {}; add `{} = \"HEADER\"`.",
                field.name, field.name
            );
        }
    }

    // Values that map to no code: a commented line per value, to fill in.
    for (index, field) in bound.iter().enumerate() {
        let Some(field) = field else { continue };
        let unmapped = unmapped_values(table, field, &samples[index]);
        if unmapped.is_empty() {
            continue;
        }
        let section = if *field == ETHNICITY_AND_NATIONALITY {
            "ethnicity"
        } else {
            field
        };
        let _ = writeln!(out, "\n[tables.{}.values.{section}]", table.name());
        let _ = writeln!(
            out,
            "# Values of '{}' that map to nothing yet. Uncomment and give each the standard's value{}.",
            source.headers[index],
            allowed_hint(table, section)
        );
        for (value, count) in unmapped {
            // DfE sex codes (1 male, 2 female, ...) are read as the DfE defines them.
            match sightline_standard::dfe::sex(&value).filter(|_| *field == "sex") {
                Some(coded) => {
                    let _ = writeln!(
                        out,
                        "{} = {}   # a DfE sex code; {count} rows",
                        quote(&value),
                        quote(coded.as_str())
                    );
                }
                None => {
                    let _ = writeln!(out, "# {} = \"\"   # {count} rows", quote(&value));
                }
            }
        }
    }
    Ok(())
}

fn allowed_hint(table: Table, field: &str) -> String {
    match table.field(field).map(|f| f.kind) {
        Some(FieldKind::Code(list) | FieldKind::Codes(list)) => {
            let mut codes: Vec<&str> = list.codes.iter().map(|c| c.code).collect();
            if list.allows_unknown {
                codes.extend(sightline_standard::Unknown::ALL.map(|u| u.code()));
            }
            format!(" ({})", codes.join(", "))
        }
        Some(FieldKind::Ethnicity) => {
            " (a 2021 code such as asian_pakistani, a group such as asian, or an unknown kind)"
                .to_string()
        }
        Some(FieldKind::EthnicityObserved) => {
            " (a group: white, black, asian, other; or an unknown kind)".to_string()
        }
        Some(FieldKind::Nationality) => {
            " (ISO 3166-1 alpha-3 codes separated by ';', stateless, or an unknown kind)"
                .to_string()
        }
        _ => String::new(),
    }
}

/// Values in a sample that the standard cannot read, most frequent first.
fn unmapped_values(
    table: Table,
    field: &str,
    sample: &BTreeMap<String, u64>,
) -> Vec<(String, u64)> {
    let kind = if field == ETHNICITY_AND_NATIONALITY {
        None
    } else {
        table.field(field).map(|f| f.kind)
    };
    let mut unmapped: Vec<(String, u64)> = sample
        .iter()
        .filter(|(value, _)| match kind {
            None => ethnicity::read_combined(value, None).note == Some(Note::Unmapped),
            Some(FieldKind::Code(list)) => list.lookup(value) == Coded::Unmapped,
            Some(FieldKind::Codes(list)) => value
                .split(';')
                .any(|piece| list.lookup(piece) == Coded::Unmapped),
            Some(FieldKind::Ethnicity) => {
                ethnicity::read_self_defined(value, None).note == Some(Note::Unmapped)
            }
            Some(FieldKind::EthnicityObserved) => {
                ethnicity::read_observed(value) == sightline_standard::Ethnicity::Unmapped
            }
            Some(FieldKind::Nationality) => {
                nationality::parse(value) == sightline_standard::Nationality::Unmapped
            }
            _ => false,
        })
        .map(|(value, count)| (value.clone(), *count))
        .collect();
    unmapped.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    unmapped.truncate(50);
    unmapped
}

/// The date format most values parse in, and a comment when the choice is not certain.
fn date_format(values: &[&String]) -> (DateFormat, Option<String>) {
    // ISO dates are always read as well, whatever the profile declares.
    let parsed = |format: DateFormat| {
        values
            .iter()
            .filter(|v| format.parse(v).is_some() || DateFormat::Iso.parse(v).is_some())
            .count()
    };
    let mut counts: Vec<(DateFormat, usize)> =
        DateFormat::ALL.iter().map(|f| (*f, parsed(*f))).collect();
    // Prefer the order of DateFormat::ALL among equals: ISO, then UK day-first.
    counts.sort_by_key(|count| std::cmp::Reverse(count.1));
    let (best, best_count) = counts[0];
    let total = values.len();
    let day_first = parsed(DateFormat::DayMonthYear);
    let month_first = parsed(DateFormat::MonthDayYear);
    let comment = if best_count == 0 {
        Some("No date format read these values; check the date columns.".to_string())
    } else if best == DateFormat::DayMonthYear && month_first == day_first {
        Some("Every date would also read as mm/dd/yyyy (no day above 12 seen); UK day-first order assumed.".to_string())
    } else if best == DateFormat::MonthDayYear {
        Some(
            "Dates read as US month-first (days above 12 in the second place); check this."
                .to_string(),
        )
    } else if best_count < total {
        Some(format!(
            "{} of {total} distinct date values read as {}; check the others.",
            best_count,
            best.name()
        ))
    } else {
        None
    };
    (best, comment)
}

struct EthnicityAnalysis {
    scheme: Option<(Scheme, Option<String>)>,
    police_codes: usize,
    ic_codes: usize,
    national_identities: usize,
    examples: Vec<String>,
}

fn analyse_ethnicity(sample: &BTreeMap<String, u64>) -> EthnicityAnalysis {
    let keys: Vec<String> = sample.keys().map(|v| fold(v).replace(' ', "")).collect();
    let in_list = |list: &[(&str, ethnicity::To)], key: &str| {
        list.iter()
            .any(|(code, _)| fold(code).replace(' ', "") == key)
    };
    let police_codes = keys
        .iter()
        .filter(|k| in_list(ethnicity::POLICE_16_1, k) || in_list(ethnicity::POLICE_18_1, k))
        .count();
    let only_18 = keys
        .iter()
        .filter(|k| in_list(ethnicity::POLICE_18_1, k) && !in_list(ethnicity::POLICE_16_1, k))
        .count();
    let only_16 = keys
        .iter()
        .filter(|k| in_list(ethnicity::POLICE_16_1, k) && !in_list(ethnicity::POLICE_18_1, k))
        .count();
    let csc_codes = keys.iter().filter(|k| in_list(ethnicity::CSC, k)).count();
    let ic_codes = keys
        .iter()
        .filter(|k| in_list(ethnicity::IC_CODES, k))
        .count();
    let census_2011 = keys
        .iter()
        .filter(|k| in_list(ethnicity::CENSUS_2011, k))
        .count();
    let identities: Vec<String> = sample
        .keys()
        .filter(|v| ethnicity::read_self_defined(v, None).note == Some(Note::NationalIdentity))
        .take(3)
        .cloned()
        .collect();
    let scheme = if csc_codes > 0 && csc_codes >= police_codes {
        Some((Scheme::Csc, None))
    } else if only_18 > 0 && only_16 == 0 {
        Some((
            Scheme::Police18,
            Some("Codes only 18+1 has (W3, A4, O2) were seen.".to_string()),
        ))
    } else if only_16 > 0 && only_18 == 0 {
        Some((
            Scheme::Police16,
            Some("O1 (Chinese in 16+1) was seen.".to_string()),
        ))
    } else if census_2011 > 0 {
        Some((
            Scheme::Census2011,
            Some("2011 census labels were seen.".to_string()),
        ))
    } else if police_codes == 0 && csc_codes == 0 && ic_codes == 0 && !sample.is_empty() {
        Some((
            Scheme::FreeText,
            Some("No codes were seen: read as free text.".to_string()),
        ))
    } else {
        None
    };
    EthnicityAnalysis {
        scheme,
        police_codes,
        ic_codes,
        national_identities: identities.len(),
        examples: identities,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_agencies_use() {
        assert_eq!(
            field_for_header(Table::People, "Surname"),
            Some("family_name")
        );
        assert_eq!(
            field_for_header(Table::People, "Forename"),
            Some("given_name")
        );
        assert_eq!(
            field_for_header(Table::People, "D.O.B."),
            Some("date_of_birth")
        );
        assert_eq!(
            field_for_header(Table::People, "Ethnicity/Nationality"),
            Some(ETHNICITY_AND_NATIONALITY)
        );
        assert_eq!(
            field_for_header(Table::People, "Self Defined Ethnicity"),
            Some("ethnicity")
        );
        assert_eq!(
            field_for_header(Table::People, "Officer Defined Ethnicity"),
            Some("ethnicity_observed")
        );
        assert_eq!(
            field_for_header(Table::People, "Date of Birth"),
            Some("date_of_birth")
        );
        assert_eq!(field_for_header(Table::People, "Notes"), None);
    }

    #[test]
    fn date_formats_from_values() {
        let uk = ["17/04/2009".to_string(), "01/02/2010".to_string()];
        let refs: Vec<&String> = uk.iter().collect();
        assert_eq!(date_format(&refs).0, DateFormat::DayMonthYear);
        let ambiguous = ["01/02/2010".to_string()];
        let refs: Vec<&String> = ambiguous.iter().collect();
        let (format, comment) = date_format(&refs);
        assert_eq!(format, DateFormat::DayMonthYear);
        assert!(comment.is_some_and(|c| c.contains("UK day-first")));
        let iso = ["2009-04-17".to_string()];
        let refs: Vec<&String> = iso.iter().collect();
        assert_eq!(date_format(&refs), (DateFormat::Iso, None));
    }
}
