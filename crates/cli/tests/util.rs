//! A temporary folder per test, and the `sightline` binary run inside it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// What one run of `sightline` printed and how it exited.
#[derive(Debug)]
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    /// The exit code; -1 when the process was killed by a signal.
    pub code: i32,
}

impl Run {
    /// Standard output parsed as JSON (for `--json`).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|error| {
            panic!(
                "stdout is not JSON ({error}):\n{}\nstderr:\n{}",
                self.stdout, self.stderr
            )
        })
    }

    /// Panics with everything printed unless the run exited with `code`.
    #[track_caller]
    pub fn expect_code(&self, code: i32) -> &Run {
        assert_eq!(
            self.code, code,
            "expected exit code {code}\nstdout:\n{}\nstderr:\n{}",
            self.stdout, self.stderr
        );
        self
    }
}

/// A fresh temporary folder that `sightline` runs in; removed when dropped.
pub struct Sandbox {
    dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        Sandbox {
            dir: tempfile::tempdir().expect("a temporary folder"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn join(&self, relative: &str) -> PathBuf {
        self.dir.path().join(relative)
    }

    /// Writes a file (creating its folders); returns its path.
    pub fn write(&self, relative: &str, contents: impl AsRef<[u8]>) -> PathBuf {
        let path = self.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).expect("create folder");
        }
        std::fs::write(&path, contents).expect("write file");
        path
    }

    /// A file of the sandbox as UTF-8 text (panics when it is not UTF-8).
    pub fn read(&self, relative: &str) -> String {
        let path = self.join(relative);
        let bytes =
            std::fs::read(&path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        String::from_utf8(bytes).unwrap_or_else(|e| panic!("{} is not UTF-8: {e}", path.display()))
    }

    /// Copies `examples/NAME` (a file or a folder of files) into the sandbox as `NAME`.
    pub fn copy_example(&self, name: &str) -> PathBuf {
        let from = examples().join(name);
        let to = self.join(name);
        if from.is_dir() {
            std::fs::create_dir_all(&to).expect("create folder");
            for entry in std::fs::read_dir(&from).expect("read examples folder") {
                let entry = entry.expect("folder entry");
                std::fs::copy(entry.path(), to.join(entry.file_name())).expect("copy example");
            }
        } else {
            if let Some(parent) = to.parent() {
                std::fs::create_dir_all(parent).expect("create folder");
            }
            std::fs::copy(&from, &to).expect("copy example");
        }
        to
    }

    /// Runs `sightline ARGS...` with the sandbox as its working folder.
    pub fn run(&self, args: &[&str]) -> Run {
        let output = assert_cmd::Command::cargo_bin("sightline")
            .expect("the sightline binary")
            .args(args)
            .current_dir(self.path())
            .output()
            .expect("run sightline");
        Run {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            code: output.status.code().unwrap_or(-1),
        }
    }

    /// A CSV of the sandbox as rows of header → value.
    pub fn read_csv(&self, relative: &str) -> Vec<BTreeMap<String, String>> {
        let mut reader = csv::Reader::from_path(self.join(relative))
            .unwrap_or_else(|e| panic!("cannot open {relative}: {e}"));
        let headers = reader.headers().expect("a header row").clone();
        reader
            .records()
            .map(|record| {
                let record = record.expect("a CSV record");
                headers
                    .iter()
                    .map(String::from)
                    .zip(record.iter().map(String::from))
                    .collect()
            })
            .collect()
    }

    /// The header row of a CSV of the sandbox.
    pub fn csv_headers(&self, relative: &str) -> Vec<String> {
        let mut reader = csv::Reader::from_path(self.join(relative))
            .unwrap_or_else(|e| panic!("cannot open {relative}: {e}"));
        reader
            .headers()
            .expect("a header row")
            .iter()
            .map(String::from)
            .collect()
    }
}

/// The repository's `examples/` folder.
pub fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

/// The row of a normalised or problems CSV whose `column` is `value`.
#[track_caller]
pub fn row_where<'a>(
    rows: &'a [BTreeMap<String, String>],
    column: &str,
    value: &str,
) -> &'a BTreeMap<String, String> {
    let mut found = rows
        .iter()
        .filter(|row| row.get(column).map(String::as_str) == Some(value));
    let row = found
        .next()
        .unwrap_or_else(|| panic!("no row with {column} = {value} in {rows:#?}"));
    assert!(found.next().is_none(), "two rows with {column} = {value}");
    row
}

/// (read, accepted, rejected) of a table in a `--json` report.
#[track_caller]
pub fn counts(report: &serde_json::Value, table: &str) -> (u64, u64, u64) {
    let tables = report["tables"].as_array().expect("tables");
    let entry = tables
        .iter()
        .find(|t| t["table"] == table)
        .unwrap_or_else(|| panic!("no table {table} in {tables:#?}"));
    let number = |key: &str| entry[key].as_u64().expect("a count");
    (number("read"), number("accepted"), number("rejected"))
}

/// Asserts read = accepted + rejected for every table of a `--json` report; returns how many
/// tables there are.
#[track_caller]
pub fn assert_counts_add_up(report: &serde_json::Value) -> usize {
    let tables = report["tables"].as_array().expect("tables");
    for table in tables {
        let number = |key: &str| table[key].as_u64().expect("a count");
        assert_eq!(
            number("read"),
            number("accepted") + number("rejected"),
            "read != accepted + rejected for {table}"
        );
    }
    tables.len()
}

/// The diagnostics of a `--json` report with this rule code.
pub fn diagnostics<'a>(report: &'a serde_json::Value, rule: &str) -> Vec<&'a serde_json::Value> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter(|d| d["rule"] == rule)
        .collect()
}

impl Sandbox {
    /// Runs `sightline ARGS...` in the sandbox's folder `dir` ("" for the sandbox itself) with
    /// `SIGHTLINE_WORKSPACE` and `SIGHTLINE_KEY_FILE` taken only from `env`, never from the
    /// environment the tests run in.
    pub fn run_in(&self, dir: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
        let mut command =
            assert_cmd::Command::cargo_bin("sightline").expect("the sightline binary");
        command
            .args(args)
            .current_dir(self.join(dir))
            .env_remove("SIGHTLINE_WORKSPACE")
            .env_remove("SIGHTLINE_KEY_FILE");
        for (name, value) in env {
            command.env(name, value);
        }
        let output = command.output().expect("run sightline");
        Run {
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
            code: output.status.code().unwrap_or(-1),
        }
    }
}

/// A file's bytes without the report methodology's audit head paragraph: the one part of a
/// report that is the workspace's own (the MAC covers each event's time) and that moves on by
/// one event with every report (each report is on the log).
pub fn without_audit_head(bytes: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes);
    match (
        text.find("<p id=\"audit-head\">"),
        text.find("</code>.</p>"),
    ) {
        (Some(start), Some(end)) if start < end => {
            format!("{}{}", &text[..start], &text[end + "</code>.</p>".len()..]).into_bytes()
        }
        _ => bytes.to_vec(),
    }
}

/// The audit event a report's methodology names, if it names one.
pub fn audit_head_event(html: &str) -> Option<i64> {
    let rest = html.split("audit log ended at event ").nth(1)?;
    rest.split(' ').next()?.parse().ok()
}

/// Every file under `dir`, relative path → bytes.
pub fn files_under(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(folder) = stack.pop() {
        for entry in std::fs::read_dir(&folder).expect("read folder") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                let name = path
                    .strip_prefix(dir)
                    .expect("under")
                    .to_string_lossy()
                    .to_string();
                out.push((name, std::fs::read(&path).expect("read")));
            }
        }
    }
    out.sort();
    out
}
