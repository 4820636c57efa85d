//! Property tests: whatever an agency sends, intake answers instead of panicking.
//!
//! They guard two promises. First, [`sightline_intake::check`] with the default profile takes
//! any input and answers `Ok` or `Err`, never a panic: random bytes; CSV-shaped bytes mixing
//! delimiters, quotes, CR/LF, NUL, bytes 0x80–0xFF and the template's headers, saved as
//! `people.csv` (table known from the name) and as `x.csv` (table found from the headers, or
//! not at all); random bytes saved as `people.xlsx`; and real workbooks whose sheets hold any
//! text, numbers and dates; XML made of pieces of a CIN census in any order (entities,
//! DOCTYPEs, broken tags), alone and beside a 903 Header; and a 903 table's header then any
//! bytes, beside 903 Episodes. Nor may the thread that reads a CSV ahead panic (that would end
//! the table early, silently). When it answers `Ok`, every table has
//! read = accepted + rejected, and the sink was handed exactly those rows.
//!
//! Second, the standard's readers of single values (ethnicity, nationality, dates, postcodes,
//! NHS numbers, folding) take any text, including accents, other scripts, emoji and
//! bidirectional marks.
//!
//! Case counts are kept small so that the suite runs in seconds in a debug build; failures are
//! not persisted to files (run with `PROPTEST_CASES=N` for a longer search).

use proptest::prelude::*;
use proptest::sample::select;
use proptest::test_runner::Config;
use sightline_intake::check::{RowRef, Sink};
use sightline_intake::{CheckOptions, Diagnostic, IntakeError, Profile, check};
use sightline_standard::dates::{DateFormat, PartialDate, parse_with};
use sightline_standard::ethnicity::{Scheme, read_combined, read_observed, read_self_defined};
use sightline_standard::fold::{fold, fold_header};
use sightline_standard::identifiers::{is_gss_code, parse_nhs_number, parse_postcode};
use sightline_standard::{Record, Table, nationality};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, Once};

fn config() -> Config {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(256);
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

/// Panics on threads without a name: the CSV reader's read-ahead threads (test threads are
/// named after their test).
static BACKGROUND_PANICS: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn watch_background_panics() {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if std::thread::current().name().is_none() {
                BACKGROUND_PANICS
                    .lock()
                    .unwrap_or_else(|e| e.into_inner())
                    .push(info.to_string());
            }
            default(info);
        }));
    });
}

fn background_panics() -> Vec<String> {
    BACKGROUND_PANICS
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .clone()
}

/// Keeps nothing but counts what it was handed.
#[derive(Default)]
struct Counting {
    accepted: u64,
    rejected: u64,
}

impl Sink for Counting {
    fn accepted(&mut self, _at: RowRef<'_>, _record: Record) -> Result<(), IntakeError> {
        self.accepted += 1;
        Ok(())
    }

    fn rejected(
        &mut self,
        _at: RowRef<'_>,
        _cells: &[(String, String)],
        reasons: &[Diagnostic],
    ) -> Result<(), IntakeError> {
        assert!(!reasons.is_empty(), "a row rejected for no reason");
        self.rejected += 1;
        Ok(())
    }
}

fn options() -> CheckOptions {
    CheckOptions {
        profile: Profile::default(),
        period: None,
        today: PartialDate::full(2026, 11, 22).expect("a date"),
        limits: Default::default(),
    }
}

/// Checks `paths`; fails the case on a background panic or on counts that do not add up.
fn check_holds(paths: &[PathBuf]) -> Result<(), TestCaseError> {
    let before = background_panics().len();
    let mut sink = Counting::default();
    let outcome = check(paths, &options(), &mut sink);
    let panics = background_panics();
    prop_assert_eq!(
        panics.len(),
        before,
        "a reading thread panicked: {:?}",
        &panics[before..]
    );
    if let Ok(report) = outcome {
        for table in &report.tables {
            prop_assert_eq!(table.read, table.accepted + table.rejected, "{:?}", table);
        }
        let accepted: u64 = report.tables.iter().map(|t| t.accepted).sum();
        let rejected: u64 = report.tables.iter().map(|t| t.rejected).sum();
        prop_assert_eq!(sink.accepted, accepted);
        prop_assert_eq!(sink.rejected, rejected);
        prop_assert_eq!(report.rows_rejected(), rejected);
        for diagnostic in &report.diagnostics {
            prop_assert_eq!(diagnostic.severity, diagnostic.rule.severity());
        }
    }
    Ok(())
}

/// Writes `bytes` as `people.csv` and `x.csv` and checks each, then both together.
fn check_csv_bytes(bytes: &[u8]) -> Result<(), TestCaseError> {
    watch_background_panics();
    let dir = tempfile::tempdir().expect("a temporary folder");
    let people = write(dir.path(), "people.csv", bytes);
    let unnamed = write(dir.path(), "x.csv", bytes);
    check_holds(std::slice::from_ref(&people))?;
    check_holds(std::slice::from_ref(&unnamed))?;
    check_holds(&[people, unnamed])
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write");
    path
}

/// XML made of pieces of a CIN census, in any order and nesting: elements the reader keeps,
/// others, entity and character references, CDATA, comments, DOCTYPEs, broken tags and text.
fn census_shaped() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        select(
            &[
                "<Message>",
                "</Message>",
                "<Children>",
                "</Children>",
                "<Child>",
                "</Child>",
                "<ChildIdentifiers>",
                "</ChildIdentifiers>",
                "<LAchildID>",
                "</LAchildID>",
                "<UPN>",
                "</UPN>",
                "<FormerUPN>",
                "</FormerUPN>",
                "<PersonBirthDate>",
                "</PersonBirthDate>",
                "<Sex>",
                "</Sex>",
                "<GenderCurrent>",
                "</GenderCurrent>",
                "<Ethnicity>",
                "</Ethnicity>",
                "<AssessmentFactors>",
                "</AssessmentFactors>",
                "<Empty/>",
                "&amp;",
                "&lt;",
                "&#65;",
                "&#x1F600;",
                "&#0;",
                "&ent;",
                "<![CDATA[x<y]]>",
                "<!-- c -->",
                "<!DOCTYPE Message>",
                "<?pi x?>",
                "<",
                ">",
                "&",
                "11A",
                "2008-05-14",
                "2",
                "F",
                "WBRI",
                "\n",
                "  ",
                "é",
                "\u{0}",
            ][..]
        )
        .prop_map(str::to_string),
        "[ -~]{0,6}",
    ];
    prop::collection::vec(piece, 0..60).prop_map(|pieces| {
        format!(
            "<Message><Children>{}</Children></Message>",
            pieces.concat()
        )
    })
}

/// Every header of the template, and a few agency spellings.
fn headers() -> Vec<&'static str> {
    let mut headers: Vec<&'static str> = Table::ALL
        .iter()
        .flat_map(|table| table.fields().iter().map(|field| field.name))
        .collect();
    headers.extend([
        "Ref No",
        "D.O.B.",
        "Ethnicity/Nationality",
        "PERSON ID",
        "person_id ",
    ]);
    headers
}

/// Text agencies write, and text that trips readers: accents, other scripts, emoji, marks.
const FRAGMENTS: &[&str] = &[
    "Zoë",
    "Łukasz",
    "José",
    "Ångström",
    "İstanbul",
    "straße",
    "ﬁle",
    "Ǆ",
    "Ω",
    "Дмитрий",
    "محمد",
    "שלום",
    "中文",
    "👩🏽‍⚕️",
    "🏴󠁧󠁢󠁳󠁣󠁴󠁿",
    "\u{200F}",
    "\u{202E}",
    "\u{200B}",
    "\u{FEFF}",
    "\u{0301}",
    "\u{FFFD}",
    "",
    " ",
    "\"",
    "\"\"",
    "'",
    "NP-105",
    "P001",
    "victim",
    "victim;at_risk",
    "female",
    "F",
    "Girl",
    "White British",
    "British Asian",
    "Pakistani",
    "Polish",
    "Martian",
    "A2",
    "W1",
    "IC4",
    "WBRI",
    "Mixed W/B Carib",
    "GBR;PAK",
    "stateless",
    "not_known",
    "2009-04-17",
    "2009-04",
    "2009",
    "17/04/2009",
    "31/02/2009",
    "04/2009",
    "20090417",
    "39920",
    "-1",
    "1e308",
    "NaN",
    "99999999999999999999",
    "ZZ1 2AB",
    "zz12ab",
    "ZZ1",
    "9434765919",
    "943 476 5919",
    "E06000015",
    "14",
    "yes",
    "I001",
];

/// A cell's bytes, unquoted.
fn cell() -> impl Strategy<Value = Vec<u8>> {
    let byte = prop_oneof![
        Just(b'"'),
        Just(b','),
        Just(b';'),
        Just(b'\t'),
        Just(b'|'),
        Just(b'\r'),
        Just(b'\n'),
        Just(0u8),
        Just(b' '),
        0x80u8..=0xFF,
        b'a'..=b'z',
        b'0'..=b'9',
    ];
    prop_oneof![
        3 => select(headers()).prop_map(|h| h.as_bytes().to_vec()),
        4 => select(FRAGMENTS).prop_map(|f| f.as_bytes().to_vec()),
        3 => prop::collection::vec(byte, 0..12),
        1 => any::<String>().prop_map(String::into_bytes),
    ]
}

/// A row: cells joined by one delimiter, some of them quoted, then a line ending.
fn row() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec((cell(), any::<bool>()), 0..10),
        select(&[b',', b';', b'\t', b'|'][..]),
        select(&["\n", "\r\n", "\r", "", "\n\n"][..]),
    )
        .prop_map(|(cells, delimiter, ending)| {
            let mut out = Vec::new();
            for (index, (cell, quoted)) in cells.into_iter().enumerate() {
                if index > 0 {
                    out.push(delimiter);
                }
                if quoted {
                    out.push(b'"');
                    for byte in cell {
                        if byte == b'"' {
                            out.push(b'"');
                        }
                        out.push(byte);
                    }
                    out.push(b'"');
                } else {
                    out.extend(cell);
                }
            }
            out.extend(ending.as_bytes());
            out
        })
}

/// A CSV-shaped file: maybe a byte-order mark, maybe title lines, maybe a template header,
/// then rows.
fn csv_file() -> impl Strategy<Value = Vec<u8>> {
    (
        any::<bool>(),
        prop::option::of(select(Table::ALL.to_vec())),
        prop::collection::vec(row(), 0..40),
    )
        .prop_map(|(bom, header, rows)| {
            let mut out = Vec::new();
            if bom {
                out.extend([0xEF, 0xBB, 0xBF]);
            }
            if let Some(table) = header {
                let names: Vec<&str> = table.fields().iter().map(|f| f.name).collect();
                out.extend(names.join(",").as_bytes());
                out.push(b'\n');
            }
            for row in rows {
                out.extend(row);
            }
            out
        })
}

/// Text for the value readers: arbitrary strings, and joins of the fragments.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        prop::collection::vec(select(FRAGMENTS), 0..5).prop_map(|parts| parts.join(" ")),
        prop::collection::vec(select(FRAGMENTS), 0..5).prop_map(|parts| parts.concat()),
        "[0-9/.:T -]{0,24}",
    ]
}

/// A cell of a generated workbook.
#[derive(Debug, Clone)]
enum XlsxCell {
    Text(String),
    Number(f64),
    /// A number with a date format, which the reader sees as an Excel date.
    Date(f64),
    Bool(bool),
}

fn xlsx_cell() -> impl Strategy<Value = XlsxCell> {
    prop_oneof![
        3 => select(headers()).prop_map(|h| XlsxCell::Text(h.to_string())),
        3 => text().prop_map(XlsxCell::Text),
        2 => any::<f64>().prop_map(XlsxCell::Number),
        2 => prop_oneof![-10.0..3_000_000.0f64, any::<f64>()].prop_map(XlsxCell::Date),
        1 => any::<bool>().prop_map(XlsxCell::Bool),
    ]
}

/// Sheets of (name, rows of cells, some of them empty).
type Sheets = Vec<(String, Vec<Vec<Option<XlsxCell>>>)>;

fn sheets() -> impl Strategy<Value = Sheets> {
    let name = prop_oneof![
        select(Table::ALL.map(Table::name).to_vec()).prop_map(String::from),
        select(vec!["Guidance", "Lists", "Sheet1", "People ", "PEOPLE"]).prop_map(String::from),
        "[A-Za-z0-9 ]{1,20}",
    ];
    let row = prop::collection::vec(prop::option::of(xlsx_cell()), 0..8);
    prop::collection::vec((name, prop::collection::vec(row, 0..12)), 1..4)
}

fn write_workbook(path: &Path, sheets: &Sheets) -> Result<(), rust_xlsxwriter::XlsxError> {
    let mut workbook = rust_xlsxwriter::Workbook::new();
    let date = rust_xlsxwriter::Format::new().set_num_format("dd/mm/yyyy");
    let mut names = std::collections::HashSet::new();
    for (name, rows) in sheets {
        let sheet = workbook.add_worksheet();
        // A name used twice, or one Excel refuses, leaves the default name.
        if names.insert(name.to_lowercase()) {
            let _ = sheet.set_name(name);
        }
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                match cell {
                    None => {}
                    Some(XlsxCell::Text(text)) => {
                        sheet.write_string(r, c, text)?;
                    }
                    Some(XlsxCell::Number(number)) => {
                        sheet.write_number(r, c, *number)?;
                    }
                    Some(XlsxCell::Date(serial)) => {
                        sheet.write_number_with_format(r, c, *serial, &date)?;
                    }
                    Some(XlsxCell::Bool(value)) => {
                        sheet.write_boolean(r, c, *value)?;
                    }
                }
            }
        }
    }
    workbook.save(path)
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn check_takes_any_workbook_contents(sheets in sheets()) {
        watch_background_panics();
        let dir = tempfile::tempdir().expect("a temporary folder");
        for name in ["people.xlsx", "return.xlsx"] {
            let path = dir.path().join(name);
            // Text rust_xlsxwriter refuses (too long, say) is not what is under test.
            if write_workbook(&path, &sheets).is_ok() {
                check_holds(&[path])?;
            }
        }
    }

    #[test]
    fn check_takes_any_bytes(bytes in prop::collection::vec(any::<u8>(), 0..4096)) {
        check_csv_bytes(&bytes)?;
    }

    #[test]
    fn check_takes_any_csv_shaped_bytes(bytes in csv_file()) {
        check_csv_bytes(&bytes)?;
    }

    #[test]
    fn check_takes_a_template_header_then_any_bytes(
        table in select(Table::ALL.to_vec()),
        delimiter in select(&[",", ";", "\t", "|"][..]),
        rest in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        let names: Vec<&str> = table.fields().iter().map(|f| f.name).collect();
        let mut bytes = names.join(delimiter).into_bytes();
        bytes.extend(b"\r\n");
        bytes.extend(rest);
        check_csv_bytes(&bytes)?;
    }

    #[test]
    fn a_cin_census_of_any_shape_is_read_or_refused_never_a_panic(xml in census_shaped()) {
        watch_background_panics();
        let dir = tempfile::tempdir().expect("a temporary folder");
        let census = write(dir.path(), "cin.xml", xml.as_bytes());
        let header = write(
            dir.path(),
            "header.csv",
            b"CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\nK1,2,14/05/2008,WBRI,,,\nK2,x,,,,,\n",
        );
        check_holds(std::slice::from_ref(&census))?;
        check_holds(&[census, header])?;
    }

    #[test]
    fn a_903_header_then_any_bytes_is_read_or_refused_never_a_panic(
        table in select(sightline_standard::dfe::Ssda903Table::ALL.to_vec()),
        rest in prop::collection::vec(any::<u8>(), 0..2048),
    ) {
        watch_background_panics();
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut bytes = table.columns().join(",").into_bytes();
        bytes.extend(b"\n");
        bytes.extend(rest);
        let file = write(dir.path(), "extract.csv", &bytes);
        let episodes = write(
            dir.path(),
            "episodes.csv",
            b"CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\nK1,01/01/2023,S,C2,,,,,,,ZZ1 1AA,,\n",
        );
        check_holds(&[file, episodes])?;
    }

    #[test]
    fn a_workbook_of_any_bytes_is_an_error_not_a_panic(
        zip_header in any::<bool>(),
        bytes in prop::collection::vec(any::<u8>(), 0..4096),
    ) {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let mut contents = Vec::new();
        if zip_header {
            contents.extend(b"PK\x03\x04");
        }
        contents.extend(bytes);
        let path = write(dir.path(), "people.xlsx", &contents);
        check_holds(&[path])?;
    }

    #[test]
    fn ethnicity_readers_take_any_text(text in text()) {
        let _ = read_observed(&text);
        let _ = read_self_defined(&text, None);
        let _ = read_combined(&text, None);
        for scheme in Scheme::ALL {
            let _ = read_self_defined(&text, Some(scheme));
            let _ = read_combined(&text, Some(scheme));
        }
    }

    #[test]
    fn nationality_takes_any_text(text in text()) {
        let _ = nationality::parse(&text);
    }

    #[test]
    fn dates_take_any_text(text in text()) {
        let _ = parse_with(&text, &DateFormat::ALL);
        let _ = parse_with(&text, &DateFormat::DEFAULT);
        for format in DateFormat::ALL {
            if let Some(date) = format.parse(&text) {
                // What was read prints as ISO and reads back the same.
                let printed = date.to_string();
                prop_assert_eq!(DateFormat::Iso.parse(&printed), Some(date));
            }
        }
        let _ = DateFormat::parse_name(&text);
    }

    #[test]
    fn excel_serials_of_any_value(serial in any::<f64>()) {
        if let Some(date) = PartialDate::from_excel_serial(serial) {
            prop_assert!(date.is_full());
        }
    }

    #[test]
    fn identifiers_take_any_text(text in text()) {
        if let Some(postcode) = parse_postcode(&text) {
            let _ = postcode.normalised();
            let _ = postcode.area();
        }
        let _ = parse_nhs_number(&text);
        let _ = is_gss_code(&text);
    }

    #[test]
    fn folding_takes_any_text(text in text()) {
        let key = fold(&text);
        prop_assert!(key.is_ascii(), "{:?} folds to {:?}", text, key);
        prop_assert_eq!(fold(&key), key.clone(), "folding twice changes {:?}", text);
        let header = fold_header(&text);
        prop_assert!(header.is_ascii());
    }
}
