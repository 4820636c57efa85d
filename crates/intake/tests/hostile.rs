//! The hostile corpus: files made to cost a reader far more than their size, generated here at
//! test time (the large ones are never committed), each checked with the default limits for
//! the rule code and message it must get, and each checked for peak memory.
//!
//! | file | what it does |
//! |---|---|
//! | `zip_bomb.xlsx` | a 2 MB workbook whose sheet inflates to 2 GiB (F302) |
//! | `over_compressed.xlsx` | a sheet of 16 MiB from a few KiB: ratio over 100 (F302) |
//! | `lying_directory.xlsx` | a sheet whose directory says 1 KiB and which inflates to 64 MiB: the `zip` crate stops it at 1 KiB (unreadable, not a bomb) |
//! | `huge_shared_strings.xlsx` | a shared-strings table of 40 MiB, which calamine would hold whole (F302) |
//! | `entities.xlsx` | a DOCTYPE declaring nested entities ("billion laughs") in the sheet and the shared strings: not expanded |
//! | `far_cell.xlsx` | cells A1 and XFD1048576: calamine's range would be 17 billion cells (F306) |
//! | `garbage_directory.xlsx` | an end-of-directory record pointing at garbage (F303) |
//! | `many_sheets.xlsx` | 101 sheets (F304) |
//! | `wide.csv` | a header of 1,001 columns (F306) |
//! | `long_line.csv` | a person row whose given name is 1 GiB long, written as a stream (F307) |
//! | `mixed_encoding.csv` | UTF-8 with one Latin-1 cell: read as Windows-1252, noted (F203) |
//! | `cin_deep.xml` | a CIN census nested 100,000 deep (F309) |
//!
//! Peak memory: each file is checked in a child process (this test binary, re-run with
//! `SIGHTLINE_HOSTILE_FILE` set), which reports its own peak resident set (`VmHWM`). The bound is
//! 256 MiB for every file; `SIGHTLINE_HOSTILE_REPORT=1` prints the figures for RELIABILITY.md.

use sightline_intake::check::{RowRef, Sink};
use sightline_intake::{CheckOptions, IntakeError, Profile, Rule, check};
use sightline_standard::{PartialDate, Record};
use std::io::Write as _;
use std::path::{Path, PathBuf};

const MIB: u64 = 1 << 20;
/// The memory any hostile file may cost.
const PEAK_LIMIT_BYTES: u64 = 256 * MIB;

fn options() -> CheckOptions {
    CheckOptions {
        profile: Profile::default(),
        period: None,
        today: PartialDate::full(2026, 11, 22).expect("a date"),
        limits: Default::default(),
    }
}

/// Keeps the given names of accepted people.
#[derive(Default)]
struct Names(Vec<String>);

impl Sink for Names {
    fn accepted(&mut self, _at: RowRef<'_>, record: Record) -> Result<(), IntakeError> {
        if let Record::Person(person) = record {
            self.0.push(person.given_name.unwrap_or_default());
        }
        Ok(())
    }
}

fn run(path: &Path) -> Result<sightline_intake::CheckReport, IntakeError> {
    check(&[path.to_path_buf()], &options(), &mut Names::default())
}

/// Asserts that the file is refused for `rule` with a message holding each of `words`.
fn assert_refused(path: &Path, rule: Rule, words: &[&str]) {
    match run(path) {
        Err(IntakeError::Refused {
            rule: found,
            message,
            ..
        }) => {
            assert_eq!(found, rule, "{}: {message}", path.display());
            for word in words {
                assert!(
                    message.contains(word),
                    "{}: '{word}' not in: {message}",
                    path.display()
                );
            }
        }
        Err(other) => panic!("{}: refused otherwise: {other}", path.display()),
        Ok(report) => panic!("{}: read, not refused: {:?}", path.display(), report.tables),
    }
}

// ---------------------------------------------------------------------------------------------
// Making the files.

/// CRC-32 (IEEE), for the small parts; the large ones carry 0, since they are refused (or
/// stopped) before their end is reached.
fn crc32(data: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &byte in data {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// Raw deflate of `unit` repeated to one MiB, as a block that does not end the stream, so that
/// the same bytes repeated n times inflate to n MiB.
fn deflated_mib(unit: &[u8]) -> Vec<u8> {
    let mut input = Vec::with_capacity(MIB as usize);
    while input.len() + unit.len() <= MIB as usize {
        input.extend_from_slice(unit);
    }
    input.resize(MIB as usize, b' ');
    let mut compress = flate2::Compress::new(flate2::Compression::best(), false);
    let mut out = Vec::with_capacity(64 * 1024);
    compress
        .compress_vec(&input, &mut out, flate2::FlushCompress::Sync)
        .expect("deflate");
    assert_eq!(compress.total_in(), MIB, "one call deflates the whole MiB");
    out
}

/// The end of a raw deflate stream: an empty final block.
const DEFLATE_END: [u8; 2] = [0x03, 0x00];

/// One part of a zip archive as written: name, method (0 stored, 8 deflate), the bytes as
/// stored, the size the directory declares once inflated, and the CRC.
struct Part {
    name: String,
    method: u16,
    data: Vec<u8>,
    inflated: u64,
    crc: u32,
}

fn stored(name: &str, text: &str) -> Part {
    Part {
        name: name.to_string(),
        method: 0,
        data: text.as_bytes().to_vec(),
        inflated: text.len() as u64,
        crc: crc32(text.as_bytes()),
    }
}

/// A part that inflates to `mib` MiB of `unit` repeated, written from one deflated MiB
/// (`declared`: the size its directory states, which may lie).
fn inflating(name: &str, head: &str, unit: &str, mib: u64, declared: Option<u64>) -> Part {
    let chunk = deflated_mib(unit.as_bytes());
    let mut data = Vec::with_capacity(chunk.len() * mib as usize + 16);
    data.extend_from_slice(&stored_block(head.as_bytes()));
    for _ in 0..mib {
        data.extend_from_slice(&chunk);
    }
    data.extend_from_slice(&DEFLATE_END);
    let inflated = head.len() as u64 + mib * MIB;
    Part {
        name: name.to_string(),
        method: 8,
        data,
        inflated: declared.unwrap_or(inflated),
        crc: 0,
    }
}

/// A non-final stored deflate block holding `bytes` (up to 65,535 of them).
fn stored_block(bytes: &[u8]) -> Vec<u8> {
    let len = u16::try_from(bytes.len()).expect("a short head");
    let mut block = vec![0x00];
    block.extend_from_slice(&len.to_le_bytes());
    block.extend_from_slice(&(!len).to_le_bytes());
    block.extend_from_slice(bytes);
    block
}

/// Writes a zip archive of `parts` (no zip64: sizes over 4 GiB are capped at u32::MAX - 1).
fn write_zip(path: &Path, parts: &[Part]) {
    let mut out: Vec<u8> = Vec::new();
    let mut directory: Vec<u8> = Vec::new();
    let size32 = |n: u64| u32::try_from(n).unwrap_or(u32::MAX - 1);
    for part in parts {
        let offset = out.len() as u32;
        let name = part.name.as_bytes();
        let header = |signature: u32, central: bool| {
            let mut h = Vec::new();
            h.extend_from_slice(&signature.to_le_bytes());
            if central {
                h.extend_from_slice(&20u16.to_le_bytes()); // made by
            }
            h.extend_from_slice(&20u16.to_le_bytes()); // needed
            h.extend_from_slice(&0u16.to_le_bytes()); // flags
            h.extend_from_slice(&part.method.to_le_bytes());
            h.extend_from_slice(&0u32.to_le_bytes()); // time, date
            h.extend_from_slice(&part.crc.to_le_bytes());
            h.extend_from_slice(&size32(part.data.len() as u64).to_le_bytes());
            h.extend_from_slice(&size32(part.inflated).to_le_bytes());
            h.extend_from_slice(&(name.len() as u16).to_le_bytes());
            h.extend_from_slice(&0u16.to_le_bytes()); // extra
            if central {
                h.extend_from_slice(&[0u8; 6]); // comment length, disk, internal attributes
                h.extend_from_slice(&0u32.to_le_bytes()); // external attributes
                h.extend_from_slice(&offset.to_le_bytes());
            }
            h.extend_from_slice(name);
            h
        };
        out.extend_from_slice(&header(0x0403_4b50, false));
        out.extend_from_slice(&part.data);
        directory.extend_from_slice(&header(0x0201_4b50, true));
    }
    let directory_at = out.len() as u32;
    out.extend_from_slice(&directory);
    out.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
    out.extend_from_slice(&[0u8; 4]);
    out.extend_from_slice(&(parts.len() as u16).to_le_bytes());
    out.extend_from_slice(&(parts.len() as u16).to_le_bytes());
    out.extend_from_slice(&(directory.len() as u32).to_le_bytes());
    out.extend_from_slice(&directory_at.to_le_bytes());
    out.extend_from_slice(&0u16.to_le_bytes());
    std::fs::write(path, out).expect("write the archive");
}

const SHEET_HEAD: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData>";
const SHEET_TAIL: &str = "</sheetData></worksheet>";

/// The parts of a one-sheet workbook around a sheet part.
fn workbook_parts(sheet: Part, shared_strings: Option<Part>) -> Vec<Part> {
    let mut parts = vec![
        stored(
            "[Content_Types].xml",
            "<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/><Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/></Types>",
        ),
        stored(
            "_rels/.rels",
            "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"xl/workbook.xml\"/></Relationships>",
        ),
        stored(
            "xl/workbook.xml",
            "<?xml version=\"1.0\"?><workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><sheets><sheet name=\"people\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>",
        ),
        stored(
            "xl/_rels/workbook.xml.rels",
            "<?xml version=\"1.0\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/><Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"sharedStrings.xml\"/></Relationships>",
        ),
        sheet,
    ];
    parts.extend(shared_strings);
    parts
}

fn sheet_of(rows: &str) -> Part {
    stored(
        "xl/worksheets/sheet1.xml",
        &format!("{SHEET_HEAD}{rows}{SHEET_TAIL}"),
    )
}

const ROW_UNIT: &str = "<row><c t=\"inlineStr\"><is><t>P1</t></is></c><c t=\"inlineStr\"><is><t>victim</t></is></c></row>";

/// The hostile files, made in `dir` (all of them, or only the one named): (name, path).
fn make_all(dir: &Path, only: Option<&str>) -> Vec<(&'static str, PathBuf)> {
    let mut files = Vec::new();
    let mut add = |name: &'static str, make: &dyn Fn(&Path)| {
        if only.is_some_and(|wanted| wanted != name) {
            return;
        }
        let path = dir.join(name);
        make(&path);
        files.push((name, path));
    };
    add("zip_bomb.xlsx", &|path| {
        let sheet = inflating("xl/worksheets/sheet1.xml", SHEET_HEAD, ROW_UNIT, 2048, None);
        write_zip(path, &workbook_parts(sheet, None));
    });
    add("over_compressed.xlsx", &|path| {
        let sheet = inflating("xl/worksheets/sheet1.xml", SHEET_HEAD, ROW_UNIT, 16, None);
        write_zip(path, &workbook_parts(sheet, None));
    });
    add("lying_directory.xlsx", &|path| {
        let sheet = inflating(
            "xl/worksheets/sheet1.xml",
            SHEET_HEAD,
            ROW_UNIT,
            64,
            Some(1024),
        );
        write_zip(path, &workbook_parts(sheet, None));
    });
    add("huge_shared_strings.xlsx", &|path| {
        let strings = inflating(
            "xl/sharedStrings.xml",
            "<?xml version=\"1.0\"?><sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">",
            "<si><t>x</t></si>",
            40,
            None,
        );
        write_zip(path, &workbook_parts(sheet_of(""), Some(strings)));
    });
    add("entities.xlsx", &|path| {
        let doctype = "<!DOCTYPE lol [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\"><!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\"><!ENTITY d \"&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;\"><!ENTITY e \"&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;\"><!ENTITY f \"&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;\"><!ENTITY g \"&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;\"><!ENTITY h \"&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;\"><!ENTITY i \"&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;\">]>";
        let sheet = stored(
            "xl/worksheets/sheet1.xml",
            &format!(
                "<?xml version=\"1.0\"?>{doctype}<worksheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>person_id</t></is></c><c r=\"B1\" t=\"inlineStr\"><is><t>role</t></is></c></row><row r=\"2\"><c r=\"A2\" t=\"inlineStr\"><is><t>&i;</t></is></c><c r=\"B2\" t=\"s\"><v>0</v></c></row>{SHEET_TAIL}"
            ),
        );
        let strings = stored(
            "xl/sharedStrings.xml",
            &format!(
                "<?xml version=\"1.0\"?>{doctype}<sst xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><si><t>&i;</t></si></sst>"
            ),
        );
        write_zip(path, &workbook_parts(sheet, Some(strings)));
    });
    add("far_cell.xlsx", &|path| {
        let sheet = sheet_of(
            "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>person_id</t></is></c></row><row r=\"1048576\"><c r=\"XFD1048576\" t=\"inlineStr\"><is><t>x</t></is></c></row>",
        );
        write_zip(path, &workbook_parts(sheet, None));
    });
    add("garbage_directory.xlsx", &|path| {
        let mut bytes = b"PK\x03\x04 this is not a workbook ".repeat(50);
        bytes.extend_from_slice(&0x0605_4b50u32.to_le_bytes());
        bytes.extend_from_slice(&[0, 0, 0, 0, 3, 0, 3, 0]);
        bytes.extend_from_slice(&500u32.to_le_bytes());
        bytes.extend_from_slice(&100u32.to_le_bytes());
        bytes.extend_from_slice(&0u16.to_le_bytes());
        std::fs::write(path, bytes).expect("write");
    });
    add("many_sheets.xlsx", &|path| {
        let mut workbook = rust_xlsxwriter::Workbook::new();
        for index in 0..101 {
            let sheet = workbook.add_worksheet();
            sheet.set_name(format!("s{index}")).expect("a name");
            sheet.write_string(0, 0, "x").expect("a cell");
        }
        workbook.save(path).expect("save");
    });
    add("wide.csv", &|path| {
        let header: Vec<String> = (0..1001).map(|i| format!("column_{i}")).collect();
        std::fs::write(path, format!("person_id,{}\nP1\n", header.join(","))).expect("write");
    });
    add("long_line.csv", &|path| {
        let mut file = std::io::BufWriter::new(std::fs::File::create(path).expect("create"));
        file.write_all(b"person_id,role,given_name,family_name\nP1,victim,Jane,Doe\nP2,victim,")
            .expect("write");
        let chunk = vec![b'a'; MIB as usize];
        for _ in 0..1024 {
            file.write_all(&chunk).expect("write");
        }
        file.write_all(b",Doe\n").expect("write");
        file.flush().expect("flush");
    });
    add("mixed_encoding.csv", &|path| {
        std::fs::write(
            path,
            b"person_id,role,given_name,family_name\nP1,victim,Zo\xc3\xab,Doe\nP2,victim,Zo\xeb,Doe\n",
        )
        .expect("write");
    });
    add("cin_deep.xml", &|path| {
        let depth = 100_000;
        std::fs::write(
            path,
            format!(
                "<?xml version=\"1.0\"?><Message><Children>{}{}</Children></Message>",
                "<Child>".repeat(depth),
                "</Child>".repeat(depth)
            ),
        )
        .expect("write");
    });
    files
}

/// One hostile file in a temporary folder of its own, removed when the test ends (the 1 GiB
/// line included).
struct Hostile {
    path: PathBuf,
    _dir: tempfile::TempDir,
}

impl std::ops::Deref for Hostile {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.path
    }
}

impl AsRef<Path> for Hostile {
    fn as_ref(&self) -> &Path {
        &self.path
    }
}

fn hostile(name: &str) -> Hostile {
    let dir = tempfile::tempdir().expect("a temp dir");
    let made = make_all(dir.path(), Some(name));
    let path = made
        .into_iter()
        .next()
        .map(|(_, path)| path)
        .unwrap_or_else(|| panic!("no hostile file {name}"));
    Hostile { path, _dir: dir }
}

// ---------------------------------------------------------------------------------------------
// What each file gets.

#[test]
fn a_zip_bomb_is_refused_from_its_directory() {
    let path = hostile("zip_bomb.xlsx");
    let size = std::fs::metadata(&path).expect("size").len();
    assert!(size < 8 * MIB, "the bomb is small: {size} bytes");
    assert_refused(
        &path,
        Rule::F302,
        &[
            "xl/worksheets/sheet1.xml",
            "2.0 GiB",
            "at most 64 MiB",
            "CSV",
        ],
    );
}

#[test]
fn a_part_compressed_beyond_the_ratio_is_refused() {
    assert_refused(
        &hostile("over_compressed.xlsx"),
        Rule::F302,
        &["times", "at most 100 times"],
    );
}

#[test]
fn a_directory_that_lies_about_a_size_stops_at_the_size_it_declared() {
    match run(&hostile("lying_directory.xlsx")) {
        Err(IntakeError::Unreadable { .. }) => {}
        Err(other) => panic!("unexpected error: {other}"),
        Ok(report) => panic!("read a lying archive: {:?}", report.tables),
    }
}

#[test]
fn a_huge_shared_strings_table_is_refused() {
    assert_refused(
        &hostile("huge_shared_strings.xlsx"),
        Rule::F302,
        &["sharedStrings.xml", "40.0 MiB", "at most 16 MiB"],
    );
}

#[test]
fn entities_in_workbook_parts_are_never_expanded() {
    // quick-xml expands no entity a DTD declares: the workbook is either refused as
    // unreadable or read with the reference left as it is; never a billion laughs.
    match run(&hostile("entities.xlsx")) {
        Err(IntakeError::Unreadable { .. }) => {}
        Err(other) => panic!("unexpected error: {other}"),
        Ok(report) => {
            for diagnostic in &report.diagnostics {
                let value = diagnostic.value.as_deref().unwrap_or_default();
                assert!(
                    value.len() < 1000,
                    "an entity was expanded: {}",
                    value.len()
                );
            }
        }
    }
}

#[test]
fn a_cell_far_from_the_others_is_refused_not_laid_out() {
    assert_refused(
        &hostile("far_cell.xlsx"),
        Rule::F306,
        &["16384 columns", "at most 1000"],
    );
}

#[test]
fn a_garbage_zip_directory_is_refused() {
    assert_refused(
        &hostile("garbage_directory.xlsx"),
        Rule::F303,
        &["zip directory", "save it again"],
    );
}

#[test]
fn too_many_sheets_are_refused() {
    assert_refused(
        &hostile("many_sheets.xlsx"),
        Rule::F304,
        &["101 sheets", "at most 100"],
    );
}

#[test]
fn too_many_columns_are_refused() {
    assert_refused(
        &hostile("wide.csv"),
        Rule::F306,
        &["1002 cells", "at most 1000"],
    );
}

#[test]
fn a_one_gigabyte_line_is_refused_without_being_buffered() {
    assert_refused(
        &hostile("long_line.csv"),
        Rule::F307,
        &["after spreadsheet row 2", "longer than 1 MiB", "quote"],
    );
}

#[test]
fn a_latin1_cell_in_a_utf8_file_is_decoded_and_noted() {
    let mut names = Names::default();
    let file = hostile("mixed_encoding.csv");
    let report = check(&[file.to_path_buf()], &options(), &mut names).expect("read");
    assert_eq!(names.0, ["Zoë", "Zoë"]);
    assert!(
        report.diagnostics.iter().any(|d| d.rule == Rule::F203),
        "F203 notes the Windows-1252 cell"
    );
}

#[test]
fn a_deeply_nested_census_is_refused() {
    assert_refused(
        &hostile("cin_deep.xml"),
        Rule::F309,
        &["nested more than 64 deep"],
    );
}

// ---------------------------------------------------------------------------------------------
// Peak memory.

/// The child process of `peak_memory_of_every_hostile_file`, which runs it by name.
#[test]
#[ignore = "run as a child process by peak_memory_of_every_hostile_file"]
fn hostile_child() {
    if let Some(path) = std::env::var_os("SIGHTLINE_HOSTILE_FILE") {
        let outcome = run(Path::new(&path));
        println!(
            "outcome: {}",
            match outcome {
                Ok(report) => format!("read, {} rows rejected", report.rows_rejected()),
                Err(error) => error.to_string().chars().take(120).collect(),
            }
        );
        println!("peak bytes: {}", own_peak());
    }
}

/// The peak resident set of this process so far, in bytes (`VmHWM`, which a new program
/// starts afresh: unlike `getrusage`, it does not carry the parent's peak across `exec`).
fn own_peak() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").expect("/proc/self/status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| {
            rest.trim()
                .trim_end_matches("kB")
                .trim()
                .parse::<u64>()
                .ok()
        })
        .expect("VmHWM in /proc/self/status")
        * 1024
}

/// Runs the check of one file in a child process; returns its peak resident set in bytes and
/// what the check said.
fn peak_of_child(path: &Path) -> (u64, String) {
    let exe = std::env::current_exe().expect("this test binary");
    let output = std::process::Command::new(exe)
        .args([
            "--exact",
            "hostile_child",
            "--ignored",
            "--nocapture",
            "--test-threads=1",
        ])
        .env("SIGHTLINE_HOSTILE_FILE", path)
        .output()
        .expect("run the child");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        output.status.success(),
        "{}: the child failed: {stdout}",
        path.display()
    );
    let peak = stdout
        .lines()
        .find_map(|line| line.strip_prefix("peak bytes: "))
        .and_then(|n| n.trim().parse::<u64>().ok())
        .unwrap_or_else(|| {
            panic!(
                "{}: no peak in the child's output: {stdout}",
                path.display()
            )
        });
    let outcome = stdout
        .lines()
        // libtest may print the test's name on the same line.
        .find_map(|line| line.split_once("outcome: ").map(|(_, rest)| rest))
        .unwrap_or_default()
        .to_string();
    (peak, outcome)
}

#[test]
fn peak_memory_of_every_hostile_file() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let report = std::env::var_os("SIGHTLINE_HOSTILE_REPORT").is_some();
    let mut over = Vec::new();
    for (name, path) in make_all(dir.path(), None) {
        let (peak, outcome) = peak_of_child(&path);
        let size = std::fs::metadata(&path).map_or(0, |m| m.len());
        if report {
            let outcome = outcome.replace(&format!("{} ", path.display()), "");
            eprintln!(
                "| `{name}` | {} | {:.1} MiB | {outcome} |",
                sightline_intake::limits::bytes(size),
                peak as f64 / MIB as f64
            );
        }
        if peak > PEAK_LIMIT_BYTES {
            over.push(format!("{name}: {} MiB", peak / MIB));
        }
    }
    assert!(
        over.is_empty(),
        "over {} MiB: {}",
        PEAK_LIMIT_BYTES / MIB,
        over.join(", ")
    );
}

#[test]
fn workbooks_other_than_xlsx_are_refused_with_advice() {
    let dir = tempfile::tempdir().expect("a temp dir");
    for name in ["return.ods", "return.xls", "return.xlsb"] {
        let path = dir.path().join(name);
        std::fs::write(&path, b"PK\x03\x04 not read").expect("write");
        assert_refused(&path, Rule::F303, &["is not read", "save it as .xlsx"]);
    }
}
