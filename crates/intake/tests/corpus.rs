//! Data-driven tests for [`sightline_intake::check`], in the style of rust-analyzer's.
//!
//! Every folder `test_data/ok/CASE/` and `test_data/err/CASE/` at the root of the repository is
//! one return. It holds:
//!
//! - input files (`*.csv`, `*.xlsx`, `*.xml`): all of them are checked together, sorted by name; the
//!   library finds each one's table from its name or headers;
//! - `profile.toml` (optional): the profile to check with, else [`Profile::default`];
//! - `period.txt` (optional): one line `FROM..TO` of ISO dates, the return period;
//! - `limits.toml` (optional): file-level limits lowered from [`Limits::default`] (`rows = 3`),
//!   so that a small file can stand for a large one;
//! - `README.md`: a line or two on what the case is about;
//! - `expected.txt`: what the check must say, rendered by [`render`].
//!
//! The rendering lists, for each table, `TABLE read=N accepted=N rejected=N`; then every
//! diagnostic in the order the check reported it, as
//! `RULE TABLE file=F row=R column='C' field=F value='V': MESSAGE | expected: E` (absent parts
//! left out, file paths relative to the case folder); then, for each table, `== TABLE accepted`
//! with the normalised records as CSV (the columns of [`normalised::columns`] without the two
//! source columns), and `== TABLE rejected` with each rejected row's number, the codes of its
//! reasons and its non-empty cells. Line breaks inside values are shown as `\n`. Today is
//! 2026-11-22 for every case.
//!
//! Besides comparing with `expected.txt`, every case must keep these invariants:
//! read = accepted + rejected for every table, and the sink saw the same counts; an `ok/` case
//! rejects no row; an `err/` case reports at least one `E…` or `F…` diagnostic, and a case whose
//! name starts with a rule code (`W105_bad_nhs_number`) reports that rule. The corpus as a whole
//! must exercise every rule of [`Rule::ALL`].
//!
//! To accept the current output as the expected one (then read every changed `expected.txt`
//! before committing it):
//!
//! ```text
//! UPDATE_EXPECT=1 cargo test -p sightline-intake --test corpus
//! ```

use sightline_intake::check::{RowRef, Sink};
use sightline_intake::{
    CheckOptions, CheckReport, Diagnostic, IntakeError, Limits, Period, Profile, Rule, check,
    normalised,
};
use sightline_standard::{DateFormat, PartialDate, Record, Table};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Files of a case folder that are not input.
const CASE_FILES: &[&str] = &[
    "profile.toml",
    "period.txt",
    "limits.toml",
    "README.md",
    "expected.txt",
];
const INPUT_EXTENSIONS: &[&str] = &["csv", "xlsx", "xml"];

fn today() -> PartialDate {
    PartialDate::full(2026, 11, 22).expect("a valid date")
}

fn corpus_root() -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../test_data");
    root.canonicalize()
        .unwrap_or_else(|e| panic!("cannot open {}: {e}", root.display()))
}

fn updating() -> bool {
    std::env::var_os("UPDATE_EXPECT").is_some_and(|v| !v.is_empty() && v != "0")
}

/// A rejected row as the sink saw it.
struct RejectedRow {
    row: u64,
    cells: Vec<(String, String)>,
    rules: Vec<Rule>,
}

/// A sink that keeps everything, per table.
#[derive(Default)]
struct Capture {
    accepted: BTreeMap<Table, Vec<Vec<String>>>,
    rejected: BTreeMap<Table, Vec<RejectedRow>>,
}

impl Sink for Capture {
    fn accepted(&mut self, at: RowRef<'_>, record: Record) -> Result<(), IntakeError> {
        self.accepted
            .entry(at.origin.table)
            .or_default()
            .push(normalised::record_row(&record));
        Ok(())
    }

    fn rejected(
        &mut self,
        at: RowRef<'_>,
        cells: &[(String, String)],
        reasons: &[Diagnostic],
    ) -> Result<(), IntakeError> {
        self.rejected
            .entry(at.origin.table)
            .or_default()
            .push(RejectedRow {
                row: at.row,
                cells: cells.to_vec(),
                rules: reasons.iter().map(|d| d.rule).collect(),
            });
        Ok(())
    }
}

/// One case folder, checked.
struct CaseRun {
    /// `ok/NAME` or `err/NAME`.
    name: String,
    dir: PathBuf,
    expect_ok: bool,
    has_readme: bool,
    outcome: Result<(CheckReport, Capture), String>,
    /// The rule a refused file was refused for (F3…).
    refused: Option<Rule>,
    rendered: String,
}

impl CaseRun {
    fn rules(&self) -> BTreeSet<Rule> {
        match &self.outcome {
            Ok((report, _)) => report.diagnostics.iter().map(|d| d.rule).collect(),
            Err(_) => self.refused.into_iter().collect(),
        }
    }
}

/// Every case of the corpus, checked once for all tests.
fn corpus() -> &'static [CaseRun] {
    static RUNS: OnceLock<Vec<CaseRun>> = OnceLock::new();
    RUNS.get_or_init(|| {
        let root = corpus_root();
        let mut runs = Vec::new();
        for kind in ["ok", "err"] {
            for dir in sorted_entries(&root.join(kind)) {
                if dir.is_dir() {
                    runs.push(run_case(kind, &dir));
                }
            }
        }
        assert!(!runs.is_empty(), "no cases under {}", root.display());
        runs
    })
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot list {}: {e}", dir.display()))
        .map(|entry| entry.expect("a directory entry").path())
        .collect();
    entries.sort();
    entries
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Whether a file of a case folder is input to the check.
fn is_input(path: &Path) -> bool {
    path.is_file()
        && !CASE_FILES.contains(&file_name(path).as_str())
        && path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| INPUT_EXTENSIONS.contains(&e.to_ascii_lowercase().as_str()))
}

fn run_case(kind: &str, dir: &Path) -> CaseRun {
    let name = format!("{kind}/{}", file_name(dir));
    let inputs: Vec<PathBuf> = sorted_entries(dir)
        .into_iter()
        .filter(|path| is_input(path))
        .collect();
    let prefix = format!("{}{}", dir.display(), std::path::MAIN_SEPARATOR);
    let relative = |text: &str| text.replace(&prefix, "");
    let mut refused = None;
    let outcome = options(dir).and_then(|options| {
        let mut capture = Capture::default();
        check(&inputs, &options, &mut capture)
            .map(|report| (report, capture))
            .map_err(|e| {
                if let IntakeError::Refused { rule, .. } = &e {
                    refused = Some(*rule);
                }
                relative(&e.to_string())
            })
    });
    let rendered = match &outcome {
        Ok((report, capture)) => render(report, capture, &relative),
        Err(message) => format!("error: {}\n", one_line(message)),
    };
    CaseRun {
        name,
        dir: dir.to_path_buf(),
        expect_ok: kind == "ok",
        has_readme: dir.join("README.md").is_file(),
        outcome,
        refused,
        rendered,
    }
}

/// The options of a case: its profile, its period, and the corpus's today.
fn options(dir: &Path) -> Result<CheckOptions, String> {
    let profile_path = dir.join("profile.toml");
    let profile = if profile_path.is_file() {
        let prefix = format!("{}{}", dir.display(), std::path::MAIN_SEPARATOR);
        Profile::load(&profile_path).map_err(|e| e.to_string().replace(&prefix, ""))?
    } else {
        Profile::default()
    };
    let period_path = dir.join("period.txt");
    let period = if period_path.is_file() {
        let text = std::fs::read_to_string(&period_path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", period_path.display()));
        Some(parse_period(text.trim()).unwrap_or_else(|| {
            panic!(
                "{}: expected one line FROM..TO of ISO dates, found '{}'",
                period_path.display(),
                text.trim()
            )
        }))
    } else {
        None
    };
    // Lowered file-level limits (F3…), so that a small committed file can stand for a large
    // one; the limits not named keep their defaults.
    let limits_path = dir.join("limits.toml");
    let limits: Limits = if limits_path.is_file() {
        let text = std::fs::read_to_string(&limits_path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", limits_path.display()));
        toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", limits_path.display()))
    } else {
        Limits::default()
    };
    Ok(CheckOptions {
        profile,
        period,
        today: today(),
        limits,
    })
}

fn parse_period(text: &str) -> Option<Period> {
    let (from, to) = text.split_once("..")?;
    Some(Period {
        from: DateFormat::Iso.parse(from)?,
        to: DateFormat::Iso.parse(to)?,
    })
}

/// Line breaks inside a value, made visible so that each item stays on one line.
fn one_line(text: &str) -> String {
    text.replace('\r', "\\r").replace('\n', "\\n")
}

fn render(report: &CheckReport, capture: &Capture, relative: &dyn Fn(&str) -> String) -> String {
    let mut out = String::new();
    for counts in &report.tables {
        let _ = write!(
            out,
            "{} read={} accepted={} rejected={}",
            counts.table, counts.read, counts.accepted, counts.rejected
        );
        if counts.joined > 0 {
            let _ = write!(out, " joined={}", counts.joined);
        }
        if counts.repeated > 0 {
            let _ = write!(out, " repeated={}", counts.repeated);
        }
        out.push('\n');
    }
    for diagnostic in &report.diagnostics {
        out.push_str(&render_diagnostic(diagnostic, relative));
        out.push('\n');
    }
    for counts in &report.tables {
        let table = counts.table;
        let _ = writeln!(out, "== {table} accepted");
        let mut writer = csv::WriterBuilder::new()
            .terminator(csv::Terminator::Any(b'\n'))
            .from_writer(Vec::new());
        let header = &normalised::columns(table)[2..];
        writer.write_record(header).expect("write to memory");
        for row in capture.accepted.get(&table).into_iter().flatten() {
            assert_eq!(
                row.len(),
                header.len(),
                "record_row and columns disagree for {table}"
            );
            writer
                .write_record(row.iter().map(|cell| one_line(cell)))
                .expect("write to memory");
        }
        let bytes = writer.into_inner().expect("flush to memory");
        out.push_str(&String::from_utf8(bytes).expect("UTF-8 CSV"));
        let rejected = capture.rejected.get(&table);
        if rejected.is_some_and(|rows| !rows.is_empty()) {
            let _ = writeln!(out, "== {table} rejected");
            for row in rejected.into_iter().flatten() {
                let rules: Vec<&str> = row.rules.iter().map(|r| r.code()).collect();
                let cells: Vec<String> = row
                    .cells
                    .iter()
                    .filter(|(_, value)| !value.trim().is_empty())
                    .map(|(header, value)| format!("{}='{}'", one_line(header), one_line(value)))
                    .collect();
                let _ = writeln!(
                    out,
                    "row={} [{}] {}",
                    row.row,
                    rules.join(" "),
                    cells.join(" | ")
                );
            }
        }
    }
    out
}

fn render_diagnostic(d: &Diagnostic, relative: &dyn Fn(&str) -> String) -> String {
    let mut line = format!("{} {} file={}", d.rule.code(), d.table, relative(&d.file));
    if let Some(sheet) = &d.sheet {
        let _ = write!(line, " sheet='{sheet}'");
    }
    if let Some(row) = d.row {
        let _ = write!(line, " row={row}");
    }
    if let Some(column) = &d.column {
        let _ = write!(line, " column='{}'", one_line(column));
    }
    if let Some(field) = d.field {
        let _ = write!(line, " field={field}");
    }
    if let Some(value) = &d.value {
        let _ = write!(line, " value='{}'", one_line(&relative(value)));
    }
    let _ = write!(
        line,
        ": {} | expected: {}",
        one_line(&relative(&d.message)),
        one_line(&relative(&d.expected))
    );
    line
}

/// A line diff (longest common subsequence), `-` expected, `+` actual.
fn diff(expected: &str, actual: &str) -> String {
    let old: Vec<&str> = expected.lines().collect();
    let new: Vec<&str> = actual.lines().collect();
    let mut lcs = vec![vec![0usize; new.len() + 1]; old.len() + 1];
    for i in (0..old.len()).rev() {
        for j in (0..new.len()).rev() {
            lcs[i][j] = if old[i] == new[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let mut out = String::new();
    let (mut i, mut j) = (0, 0);
    while i < old.len() || j < new.len() {
        if i < old.len() && j < new.len() && old[i] == new[j] {
            let _ = writeln!(out, "  {}", old[i]);
            i += 1;
            j += 1;
        } else if i < old.len() && (j == new.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            let _ = writeln!(out, "- {}", old[i]);
            i += 1;
        } else {
            let _ = writeln!(out, "+ {}", new[j]);
            j += 1;
        }
    }
    out
}

#[test]
fn cases_match_expected() {
    let mut failures = Vec::new();
    for run in corpus() {
        let path = run.dir.join("expected.txt");
        if updating() {
            let current = std::fs::read_to_string(&path).unwrap_or_default();
            if current != run.rendered {
                std::fs::write(&path, &run.rendered)
                    .unwrap_or_else(|e| panic!("cannot write {}: {e}", path.display()));
                eprintln!("updated {}", run.name);
            }
            continue;
        }
        match std::fs::read_to_string(&path) {
            Ok(expected) => {
                let expected = expected.replace("\r\n", "\n");
                if expected != run.rendered {
                    failures.push(format!(
                        "{}: output differs from expected.txt (- expected, + actual):\n{}",
                        run.name,
                        diff(&expected, &run.rendered)
                    ));
                }
            }
            Err(_) => failures.push(format!(
                "{}: no expected.txt; the output is:\n{}",
                run.name, run.rendered
            )),
        }
    }
    assert!(
        failures.is_empty(),
        "{} case(s) failed; run with UPDATE_EXPECT=1 to accept the new output\n\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn cases_keep_their_invariants() {
    let mut failures = Vec::new();
    for run in corpus() {
        let mut fail = |problem: String| failures.push(format!("{}: {problem}", run.name));
        if !run.has_readme {
            fail("no README.md saying what the case is about".into());
        }
        let (report, capture) = match &run.outcome {
            Ok(found) => found,
            Err(message) => {
                if run.expect_ok {
                    fail(format!("the check failed: {message}"));
                }
                continue;
            }
        };
        for counts in &report.tables {
            let table = counts.table;
            if counts.read != counts.accepted + counts.rejected {
                fail(format!(
                    "{table}: read {} but accepted {} + rejected {}",
                    counts.read, counts.accepted, counts.rejected
                ));
            }
            let sunk_accepted = capture.accepted.get(&table).map_or(0, Vec::len) as u64;
            let sunk_rejected = capture.rejected.get(&table).map_or(0, Vec::len) as u64;
            if (sunk_accepted, sunk_rejected) != (counts.accepted, counts.rejected) {
                fail(format!(
                    "{table}: the report counts {} accepted and {} rejected, the sink saw {sunk_accepted} and {sunk_rejected}",
                    counts.accepted, counts.rejected
                ));
            }
            if run.expect_ok && counts.rejected > 0 {
                fail(format!(
                    "{table}: {} row(s) rejected in an ok case",
                    counts.rejected
                ));
            }
        }
        for (table, rows) in &capture.rejected {
            for row in rows {
                if !row.rules.iter().any(|r| r.code().starts_with('E')) {
                    fail(format!(
                        "{table} row {}: rejected without an E… reason",
                        row.row
                    ));
                }
            }
        }
        let rules = run.rules();
        if !run.expect_ok {
            let named = run
                .name
                .split('/')
                .nth(1)
                .and_then(|n| n.split('_').next())
                .and_then(|code| Rule::ALL.into_iter().find(|r| r.code() == code));
            match named {
                Some(rule) if !rules.contains(&rule) => fail(format!(
                    "the case is named after {} but does not report it",
                    rule.code()
                )),
                Some(_) => {}
                None if !rules.iter().any(|r| !r.code().starts_with('W')) => {
                    fail("an err case without any E… or F… diagnostic".into())
                }
                None => {}
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn corpus_exercises_every_rule() {
    let seen: BTreeSet<Rule> = corpus().iter().flat_map(CaseRun::rules).collect();
    let missing: Vec<&str> = Rule::ALL
        .into_iter()
        .filter(|rule| !seen.contains(rule))
        .map(Rule::code)
        .collect();
    assert!(
        missing.is_empty(),
        "no case of test_data exercises: {}",
        missing.join(", ")
    );
}

#[test]
fn every_case_folder_is_complete() {
    let root = corpus_root();
    for entry in sorted_entries(&root) {
        let name = file_name(&entry);
        if entry.is_dir() {
            assert!(
                name == "ok" || name == "err",
                "{}: test_data holds only ok/ and err/",
                entry.display()
            );
        }
    }
    for run in corpus() {
        let mut inputs = 0;
        for path in sorted_entries(&run.dir) {
            let name = file_name(&path);
            if CASE_FILES.contains(&name.as_str()) {
                continue;
            }
            assert!(
                is_input(&path),
                "{}: {name} is neither an input file ({}) nor one of {}",
                run.name,
                INPUT_EXTENSIONS.join(", "),
                CASE_FILES.join(", ")
            );
            inputs += 1;
        }
        assert!(inputs > 0, "{}: no input files", run.name);
    }
}
