//! `sightline report` and `sightline demo`: the published assessment is disclosure-controlled,
//! quotes every share with its base, holds no identifier, and renders in a real browser.

use crate::synth::synth_workspace;
use crate::util::{Sandbox, audit_head_event, without_audit_head};
use std::collections::BTreeSet;
use std::path::Path;

/// A scale-0.2 workspace, linked, with a published report in `report/`.
fn published(extra: &[&str]) -> Sandbox {
    let sandbox = Sandbox::new();
    synth_workspace(&sandbox, "0.2", "7");
    sandbox
        .run(&["--workspace", "ws", "link", "--json"])
        .expect_code(0);
    let mut args = vec!["--workspace", "ws", "report", "--out", "report"];
    args.extend(extra);
    sandbox.run(&args).expect_code(0);
    sandbox
}

fn read_rows(path: &Path) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .flexible(true)
        .has_headers(false)
        .from_path(path)
        .expect("csv")
        .records()
        .map(|r| r.expect("row").iter().map(str::to_string).collect())
        .collect()
}

/// The text nodes of an HTML document (outside `<style>`), each with the attributes of the
/// element it is directly in.
fn text_nodes(html: &str) -> Vec<(String, String)> {
    let mut nodes = Vec::new();
    let mut stack: Vec<(String, String)> = Vec::new(); // (tag, attributes)
    let mut rest = html;
    let void = [
        "meta", "br", "img", "input", "link", "hr", "rect", "line", "circle", "path",
    ];
    while let Some(open) = rest.find('<') {
        let text = &rest[..open];
        if !text.trim().is_empty() && !stack.iter().any(|(t, _)| t == "style") {
            let attributes = stack.last().map(|(_, a)| a.clone()).unwrap_or_default();
            nodes.push((text.to_string(), attributes));
        }
        let close = rest[open..].find('>').map_or(rest.len(), |c| open + c);
        let tag = &rest[open + 1..close];
        if let Some(name) = tag.strip_prefix('/') {
            let name = name.trim();
            if let Some(at) = stack.iter().rposition(|(t, _)| t == name) {
                stack.truncate(at);
            }
        } else if !tag.starts_with('!') {
            let name: String = tag
                .chars()
                .take_while(|c| !c.is_whitespace() && *c != '/')
                .collect();
            let self_closing = tag.ends_with('/') || void.contains(&name.as_str());
            if !self_closing {
                stack.push((name, tag.to_string()));
            }
        }
        rest = &rest[(close + 1).min(rest.len())..];
    }
    nodes
}

#[test]
fn every_percentage_sits_in_an_element_with_its_n_and_base_and_no_small_count_is_published() {
    let sandbox = published(&[]);
    let html = sandbox.read("report/report.html");
    assert!(html.starts_with("<!doctype html>"));
    assert!(!html.contains("<script"), "the report runs no scripts");
    assert!(
        !html.contains("http://")
            || html.matches("http://").count()
                == html.matches("http://www.w3.org/2000/svg").count(),
        "the report loads nothing from anywhere"
    );
    let mut percentages = 0;
    for (text, attributes) in text_nodes(&html) {
        if text.contains('%') {
            percentages += 1;
            assert!(
                attributes.contains("data-n=") && attributes.contains("data-base="),
                "a % without its n and base: {text:?} in <{attributes}>"
            );
        }
    }
    assert!(percentages > 100, "only {percentages} percentages");
    // data-n and data-base: never a count of people from 1 to 4. Counts of organisations
    // (coverage, governance) are published as they are.
    let organisation = |id: &str| id.starts_with("coverage.") || id.starts_with("governance.");
    let attribute = |tag: &str, name: &str| -> Option<String> {
        let at = tag.find(&format!("{name}=\""))? + name.len() + 2;
        tag[at..].split('"').next().map(str::to_string)
    };
    let mut organisations_shown = 0;
    for tag in html.split('<').filter(|t| t.contains("data-n=\"")) {
        let id = attribute(tag, "data-id").unwrap_or_default();
        for name in ["data-n", "data-base"] {
            let Some(n) = attribute(tag, name).and_then(|v| v.parse::<u64>().ok()) else {
                continue;
            };
            if organisation(&id) {
                organisations_shown += 1;
            } else {
                assert!(
                    !(1..=4).contains(&n),
                    "a published count of {n} in the HTML ({id})"
                );
            }
        }
    }
    assert!(organisations_shown > 0, "no count of organisations shown");
    // Every table: the count cells are 0, [c] or at least 5.
    let mut cells = 0;
    for entry in std::fs::read_dir(sandbox.join("report/tables")).expect("tables") {
        let path = entry.expect("entry").path();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if matches!(stem, "coverage" | "governance") {
            // Organisations: never hidden.
            assert!(
                !sandbox
                    .read(&format!("report/tables/{stem}.csv"))
                    .contains("[c]")
            );
            continue;
        }
        if path.extension().is_some_and(|e| e == "csv") {
            for (at, row) in read_rows(&path).iter().enumerate() {
                if at == 0 {
                    assert!(row[0].starts_with("OFFICIAL: "), "{}", path.display());
                    continue;
                }
                for cell in row.iter().skip(1).filter(|_| at > 1) {
                    cells += 1;
                    if let Ok(n) = cell.parse::<u64>() {
                        assert!(!(1..=4).contains(&n), "{}: a count of {n}", path.display());
                    }
                }
            }
        }
    }
    assert!(cells > 200, "only {cells} cells");
    assert!(sandbox.join("report/tables/tables.xlsx").exists());
    // The victims no agency knows: an estimate with its interval, or the reason there is
    // none; the lists' overlaps published as a table (checked above) and charted under the
    // same rules.
    assert!(sandbox.join("report/tables/victims.lists.csv").exists());
    let start = html
        .find("<section id=\"hidden\">")
        .expect("the hidden section");
    let section = &html[start..];
    let section = &section[..section.find("</section>").expect("its end")];
    assert!(
        section.contains("in all (a 95 in 100 interval of")
            || section.contains("There is no estimate"),
        "{section}"
    );
    let mut labels = 0;
    for text in section.split("<text").skip(1) {
        let text = text.split('>').nth(1).unwrap_or_default();
        let text = text.split('<').next().unwrap_or_default();
        if let Ok(n) = text.replace(',', "").parse::<u64>() {
            labels += 1;
            assert!(!(1..=4).contains(&n), "the overlaps chart shows {n}");
        }
    }
    assert!(labels > 3, "only {labels} counts on the overlaps chart");
    // Groups one by one are for restricted output only.
    assert!(!sandbox.join("report/tables/groups.list.csv").exists());
    let figures: serde_json::Value =
        serde_json::from_str(&sandbox.read("report/figures.json")).expect("figures.json");
    assert_eq!(figures["marking"], "OFFICIAL");
    let list = figures["figures"].as_array().expect("figures");
    assert!(list.len() > 300);
    for figure in list {
        let id = figure["id"].as_str().unwrap_or_default();
        if organisation(id) {
            assert!(figure["n"].is_u64() && figure["base"].is_u64(), "{id}");
            continue;
        }
        for step in figure["funnel"].as_array().expect("funnel") {
            if let Some(n) = step["count"].as_u64() {
                assert!(
                    !(1..=4).contains(&n),
                    "{}: a funnel step of {n}",
                    figure["id"]
                );
            }
        }
        for key in ["n", "base"] {
            if let Some(n) = figure[key].as_u64() {
                assert!(!(1..=4).contains(&n), "{}: {key} {n}", figure["id"]);
            } else {
                assert_eq!(figure[key], serde_json::Value::Null, "{}", figure["id"]);
                assert_eq!(
                    figure["share"],
                    serde_json::Value::Null,
                    "{}: a share of a hidden count",
                    figure["id"]
                );
            }
        }
    }
    // The estimate of victims in all is published beside the counts, as the report prints it.
    let estimate = &figures["estimates"][0];
    assert_eq!(estimate["id"], "victims.estimated_total");
    assert!(!estimate["lists"].as_array().expect("lists").is_empty());
    assert!(
        !estimate["assumptions"]
            .as_array()
            .expect("assumptions")
            .is_empty()
    );
    if estimate["status"] == "estimated" {
        let at = |key: &str, i: usize| estimate[key][i].as_u64().expect("a bound");
        let point = estimate["estimate"].as_u64().expect("estimate");
        assert!(point.is_multiple_of(10), "to the nearest ten: {estimate}");
        assert!(
            at("ci95", 0) <= point && point <= at("ci95", 1),
            "{estimate}"
        );
        let printed = format!("about {} victims in all", thousands(point));
        assert!(section.contains(&printed), "{printed} not in {section}");
    } else {
        assert!(estimate["refusal"].is_string(), "{estimate}");
    }
    // The report went on the audit log.
    let audit = sandbox
        .run(&["--workspace", "ws", "audit", "--json"])
        .json();
    let events = audit.as_array().expect("events");
    let disclosure = events
        .iter()
        .position(|e| {
            e["action"] == "disclosure"
                && e["subject"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("OFFICIAL report")
        })
        .expect("a disclosure event");
    // Its methodology names the log's head as it was when the report was made: the event
    // before the report's own.
    let before = &events[disclosure - 1];
    let head = format!(
        "<p id=\"audit-head\">The workspace's audit log ended at event {} when this report was made; its head (HMAC-SHA-256) is <code>{}</code>.</p>",
        before["seq"],
        before["hash"].as_str().expect("hash")
    );
    assert!(html.contains(&head), "no audit head {head}");
}

/// Values that identify someone: ids, full dates of birth, names, full postcodes.
fn identifiers(syn: &Path) -> BTreeSet<String> {
    let mut values = BTreeSet::new();
    let mut records = csv::Reader::from_path(syn.join("truth/records.csv")).expect("records");
    for row in records.records() {
        let row = row.expect("row");
        values.insert(row[1].to_string());
    }
    let mut persons = csv::Reader::from_path(syn.join("truth/persons.csv")).expect("persons");
    for row in persons.records() {
        let row = row.expect("row");
        if row[5].len() == 10 {
            values.insert(row[5].to_string());
        }
    }
    // Names and postcodes from the CSV returns' columns that hold them.
    for agency in std::fs::read_dir(syn.join("returns")).expect("returns") {
        for file in std::fs::read_dir(agency.expect("agency").path()).expect("files") {
            let path = file.expect("file").path();
            if path.extension().is_none_or(|e| e != "csv") {
                continue;
            }
            let Ok(bytes) = std::fs::read(&path) else {
                continue;
            };
            let text = String::from_utf8_lossy(&bytes);
            let mut reader = csv::ReaderBuilder::new()
                .flexible(true)
                .has_headers(false)
                .delimiter(if text.lines().next().unwrap_or_default().contains(';') {
                    b';'
                } else {
                    b','
                })
                .from_reader(text.as_bytes());
            let mut names: Vec<usize> = Vec::new();
            let mut postcodes: Vec<usize> = Vec::new();
            let mut header = true;
            for row in reader.records().flatten() {
                if header {
                    for (at, h) in row.iter().enumerate() {
                        let h = h.to_lowercase();
                        if h.contains("name") {
                            names.push(at);
                        } else if h.contains("postcode") {
                            postcodes.push(at);
                        }
                    }
                    header = names.is_empty() && postcodes.is_empty();
                    continue;
                }
                // A person's names together (a single family name can be an ordinary word).
                let parts: Vec<&str> = names
                    .iter()
                    .filter_map(|&at| row.get(at))
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .collect();
                if parts.len() >= 2 {
                    values.insert(format!("{} {}", parts[0], parts[1]));
                }
                values.extend(
                    parts
                        .iter()
                        .filter(|p| p.contains(' '))
                        .map(|p| p.to_string()),
                );
                values.extend(
                    postcodes
                        .iter()
                        .filter_map(|&at| row.get(at))
                        .map(str::trim)
                        .filter(|v| v.len() >= 5)
                        .map(str::to_string),
                );
            }
        }
    }
    values
}

#[test]
fn nothing_published_holds_a_name_a_date_of_birth_a_postcode_or_an_id() {
    let sandbox = published(&[]);
    // The same workspace gives the same publication, byte for byte (the workbook included),
    // but for the audit log's head: the first report went on the log, so the second names the
    // event after.
    sandbox
        .run(&["--workspace", "ws", "report", "--out", "again"])
        .expect_code(0);
    let mut files: Vec<String> = vec!["report.html".into(), "figures.json".into()];
    for entry in std::fs::read_dir(sandbox.join("report/tables")).expect("tables") {
        let name = entry
            .expect("entry")
            .file_name()
            .to_string_lossy()
            .to_string();
        files.push(format!("tables/{name}"));
    }
    assert!(files.iter().any(|f| f.ends_with(".xlsx")));
    for file in &files {
        let first = std::fs::read(sandbox.join(&format!("report/{file}"))).expect("first");
        let second = std::fs::read(sandbox.join(&format!("again/{file}"))).expect("second");
        assert!(
            without_audit_head(&first) == without_audit_head(&second),
            "{file} differs between two runs"
        );
    }
    let head = |dir: &str| audit_head_event(&sandbox.read(&format!("{dir}/report.html")));
    let first = head("report").expect("the methodology names the audit head");
    assert_eq!(head("again"), Some(first + 1));
    let planted = identifiers(&sandbox.join("syn"));
    assert!(
        planted.len() > 1000,
        "only {} identifiers to look for",
        planted.len()
    );
    let mut published = String::new();
    for path in ["report/report.html", "report/figures.json"] {
        published.push_str(&sandbox.read(path));
    }
    for entry in std::fs::read_dir(sandbox.join("report/tables")).expect("tables") {
        let path = entry.expect("entry").path();
        let stem = path
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default();
        if matches!(stem, "coverage" | "governance") {
            // Organisations: never hidden.
            assert!(
                !sandbox
                    .read(&format!("report/tables/{stem}.csv"))
                    .contains("[c]")
            );
            continue;
        }
        if path.extension().is_some_and(|e| e == "csv") {
            published.push_str(&std::fs::read_to_string(&path).expect("csv"));
        }
    }
    // Words and pairs of words of the published text, so each identifier is one lookup.
    let tokens = |text: &str| -> Vec<String> {
        text.split(|c: char| !(c.is_alphanumeric() || c == '-'))
            .filter(|t| !t.is_empty())
            .map(str::to_lowercase)
            .collect()
    };
    let words = tokens(&published);
    let unigrams: BTreeSet<&String> = words.iter().collect();
    let bigrams: BTreeSet<(&String, &String)> = words.windows(2).map(|w| (&w[0], &w[1])).collect();
    for value in &planted {
        let parts = tokens(value);
        let found = match parts.as_slice() {
            [] => false,
            [one] => unigrams.contains(one),
            more => more.windows(2).all(|w| bigrams.contains(&(&w[0], &w[1]))),
        };
        assert!(!found, "published output holds {value:?}");
    }
}

#[test]
fn restricted_output_is_marked_and_audited_and_rounding_gives_multiples_of_five() {
    let sandbox = published(&["--round", "5"]);
    let rounded = sandbox.read("report/tables/victims.sex.csv");
    for line in rounded.lines().skip(2) {
        let cell = line.split(',').nth(1).unwrap_or_default();
        if let Ok(n) = cell.parse::<u64>() {
            assert_eq!(n % 5, 0, "{line}");
        }
    }
    sandbox
        .run(&[
            "--workspace",
            "ws",
            "report",
            "--out",
            "restricted",
            "--restricted",
            "--reason",
            "analysis for the board",
        ])
        .expect_code(0);
    assert!(sandbox.join("restricted/tables/groups.list.csv").exists());
    let html = sandbox.read("restricted/report.html");
    assert!(
        html.matches("OFFICIAL-SENSITIVE").count() >= 2,
        "marked at the top and the foot"
    );
    assert!(!html.contains("[c]"), "nothing hidden in restricted output");
    assert!(
        sandbox
            .read("restricted/tables/victims.sex.csv")
            .starts_with("OFFICIAL-SENSITIVE: ")
    );
    let audit = sandbox
        .run(&["--workspace", "ws", "audit", "--json"])
        .json();
    assert!(audit.as_array().expect("events").iter().any(|e| {
        e["action"] == "disclosure"
            && e["reason"] == "analysis for the board"
            && e["subject"]
                .as_str()
                .unwrap_or_default()
                .starts_with("OFFICIAL-SENSITIVE")
    }));
    // With the newest events removed from the store, no report vouches for the log.
    rusqlite::Connection::open(sandbox.join("ws/store.sqlite"))
        .expect("open the store")
        .execute(
            "DELETE FROM audit WHERE seq = (SELECT MAX(seq) FROM audit)",
            [],
        )
        .expect("remove the newest event");
    let run = sandbox.run(&["--workspace", "ws", "report", "--out", "after"]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("the newest events were removed"),
        "{}",
        run.stderr
    );
    assert!(!sandbox.join("after").exists(), "a report was written");
}

#[test]
fn demo_runs_the_whole_pipeline_and_the_report_renders_in_headless_chromium() {
    let sandbox = Sandbox::new();
    let run = sandbox.run(&["demo", "--out", "demo", "--scale", "0.2", "--seed", "3"]);
    run.expect_code(0);
    for stage in [
        "[1/7] synth",
        "[4/7] ingest",
        "[5/7] link",
        "[6/7] assess",
        "[7/7] report",
    ] {
        assert!(run.stderr.contains(stage), "{stage}:\n{}", run.stderr);
    }
    assert!(
        run.stdout.contains("records →") && run.stdout.contains("Report:"),
        "{}",
        run.stdout
    );
    // A folder that is not an earlier demo is never replaced.
    sandbox.write("mine/notes.txt", "keep me");
    let refused = sandbox.run(&["demo", "--out", "mine", "--scale", "0.05"]);
    assert_eq!(refused.code, 2);
    assert!(refused.stderr.contains("--out"), "{}", refused.stderr);
    assert_eq!(sandbox.read("mine/notes.txt"), "keep me");

    let chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"]
        .into_iter()
        .find(|p| Path::new(p).exists());
    let Some(chromium) = chromium else {
        assert!(
            std::env::var_os("SIGHTLINE_SKIP_BROWSER").is_some(),
            "no Chromium: install Debian's `chromium` package (scripts/test.sh does), or set SIGHTLINE_SKIP_BROWSER=1 to skip this check"
        );
        return;
    };
    let report = sandbox.join("demo/report/report.html");
    let shot = sandbox.join("screenshot.png");
    let profile = sandbox.join("chromium-profile");
    let output = std::process::Command::new("timeout")
        .arg("120")
        .arg(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--enable-logging=stderr",
            "--v=0",
            "--window-size=1280,3000",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .arg(format!("--screenshot={}", shot.display()))
        .arg(format!("file://{}", report.display()))
        .output()
        .expect("run chromium");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "chromium failed:\n{stderr}");
    let console: Vec<&str> = stderr.lines().filter(|l| l.contains("CONSOLE")).collect();
    assert!(console.is_empty(), "console messages: {console:?}");
    let png = std::fs::read(&shot).expect("a screenshot");
    assert!(
        png.starts_with(b"\x89PNG") && png.len() > 20_000,
        "{} bytes",
        png.len()
    );
}

/// 12345 as "12,345".
fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (at, c) in digits.chars().enumerate() {
        if at > 0 && (digits.len() - at).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}
