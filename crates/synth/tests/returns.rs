//! The synthetic returns against the pipeline that reads them: `check`, with each agency's
//! profile, must reject exactly the rows listed in `truth/defects.csv`; the same seed must give
//! the same bytes.

use sightline_intake::check::Discard;
use sightline_intake::{CheckOptions, Profile, Severity};
use sightline_standard::PartialDate;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(next) = stack.pop() {
        for entry in std::fs::read_dir(&next).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// (file relative to the output, table, row, rule) of every rejection reason.
fn rejections(out: &Path) -> BTreeSet<(String, String, u64, String)> {
    let mut found = BTreeSet::new();
    let mut returns: Vec<PathBuf> = std::fs::read_dir(out.join("returns"))
        .expect("returns")
        .map(|e| e.expect("entry").path())
        .collect();
    returns.sort();
    for dir in returns {
        let agency = dir
            .file_name()
            .and_then(|n| n.to_str())
            .expect("name")
            .to_string();
        let profile_path = out.join("profiles").join(format!("{agency}.toml"));
        let profile = if profile_path.exists() {
            Profile::load(&profile_path).expect("profile loads")
        } else {
            Profile::default()
        };
        let options = CheckOptions {
            profile,
            period: None,
            today: PartialDate::full(2026, 11, 22).expect("date"),
            limits: Default::default(),
        };
        let files = files_under(&dir);
        let report = sightline_intake::check(&files, &options, &mut Discard).expect("check runs");
        for table in &report.tables {
            assert_eq!(
                table.read,
                table.accepted + table.rejected,
                "{agency} {}",
                table.table
            );
        }
        for diagnostic in report
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
        {
            let file = Path::new(&diagnostic.file)
                .strip_prefix(out)
                .expect("under out")
                .display()
                .to_string();
            found.insert((
                file,
                diagnostic.table.name().to_string(),
                diagnostic.row.expect("row-level error"),
                diagnostic.rule.code().to_string(),
            ));
        }
    }
    found
}

fn defects(out: &Path) -> BTreeSet<(String, String, u64, String)> {
    let mut reader = csv::Reader::from_path(out.join("truth/defects.csv")).expect("defects.csv");
    reader
        .records()
        .map(|r| {
            let r = r.expect("record");
            (
                r[0].to_string(),
                r[1].to_string(),
                r[2].parse().expect("row"),
                r[3].to_string(),
            )
        })
        .collect()
}

fn check_exactly_the_defects(scale: f64, seed: u64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let generated = sightline_synth::generate(dir.path(), scale, seed).expect("generate");
    let expected = defects(dir.path());
    assert!(!expected.is_empty(), "some rows are made invalid");
    assert_eq!(expected.len(), generated.defects);
    let share = expected.len() as f64 / generated.rows as f64;
    assert!((0.0005..0.01).contains(&share), "defect share {share}");
    let found = rejections(dir.path());
    let missed: Vec<_> = expected.difference(&found).collect();
    let extra: Vec<_> = found.difference(&expected).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "not rejected: {missed:?}\nrejected but not a defect: {extra:?}"
    );
}

#[test]
fn check_rejects_exactly_the_defects_at_scale_1() {
    check_exactly_the_defects(1.0, 1);
}

#[test]
fn check_rejects_exactly_the_defects_at_scale_10() {
    check_exactly_the_defects(10.0, 2);
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_does_not() {
    let first = tempfile::tempdir().expect("temp dir");
    let second = tempfile::tempdir().expect("temp dir");
    let third = tempfile::tempdir().expect("temp dir");
    sightline_synth::generate(first.path(), 0.3, 5).expect("generate");
    // On one thread: the returns and the world's episodes are drawn in parallel, and the
    // bytes must not depend on how many threads drew them.
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool")
        .install(|| sightline_synth::generate(second.path(), 0.3, 5))
        .expect("generate");
    sightline_synth::generate(third.path(), 0.3, 6).expect("generate");
    let files = files_under(first.path());
    assert!(files.len() > 50);
    for file in &files {
        let relative = file.strip_prefix(first.path()).expect("relative");
        let a = std::fs::read(file).expect("read");
        let b = std::fs::read(second.path().join(relative)).expect("same file in the second run");
        assert!(
            a == b,
            "{} differs between two runs with the same seed (many threads, one)",
            relative.display()
        );
    }
    let persons = |dir: &Path| std::fs::read(dir.join("truth/persons.csv")).expect("persons");
    assert_ne!(persons(first.path()), persons(third.path()));
}

/// Calibration to the 2011 assessment (BRIEF.md) at scale 1, for several seeds: counts within
/// 5% of the target, shares within 5 percentage points.
#[test]
fn scale_one_is_calibrated_to_the_2011_assessment() {
    for seed in [1, 2, 3] {
        let dir = tempfile::tempdir().expect("temp dir");
        sightline_synth::generate(dir.path(), 1.0, seed).expect("generate");
        let text = std::fs::read_to_string(dir.path().join("truth/summary.json")).expect("summary");
        let summary: serde_json::Value = serde_json::from_str(&text).expect("json");
        let count = |key: &str| summary[key].as_f64().expect(key);
        for (key, target) in [
            ("victims", 2083.0),
            ("offenders", 2379.0),
            ("groups", 230.0),
        ] {
            let value = count(key);
            assert!(
                (value - target).abs() <= target * 0.05,
                "seed {seed}: {key} {value}, target {target}"
            );
        }
        let share = |path: &[&str]| {
            let mut value = &summary;
            for key in path {
                value = &value[*key];
            }
            value["share"].as_f64().unwrap_or(f64::NAN)
        };
        let targets: [(&[&str], f64); 8] = [
            (&["victims_with_missing_episode"], 0.40),
            (&["victims_female"], 1264.0 / (1264.0 + 182.0)),
            (&["recorded", "victims_sex_not_recorded"], 637.0 / 2083.0),
            (
                &["recorded", "victims_ethnicity_not_recorded"],
                1087.0 / 2083.0,
            ),
            (&["recorded", "offenders_ethnicity_not_recorded"], 0.32),
            (&["recorded", "victims_reported_missing"], 842.0 / 2083.0),
            (
                &["recorded", "victims_not_reported_missing"],
                172.0 / 2083.0,
            ),
            (
                &["recorded", "victims_missing_no_information"],
                1069.0 / 2083.0,
            ),
        ];
        for (path, target) in targets {
            let value = share(path);
            assert!(
                (value - target).abs() <= 0.05,
                "seed {seed}: {path:?} {value:.3}, target {target:.3}"
            );
        }
        assert!(
            share(&["victims_aged_12_17"]) > 0.75,
            "victims are mostly 12 to 17"
        );
    }
}

/// Victims known to no agency are in no return: every victim a return holds is in a police
/// incident, known to children's services, or one a health body or charity records; and the
/// truth counts them in `victims_total` but not in `victims`.
#[test]
fn victims_known_to_no_agency_are_in_no_return() {
    use sightline_synth::world::{Role, World};
    let dir = tempfile::tempdir().expect("temp dir");
    let (scale, seed) = (0.5, 4);
    sightline_synth::generate(dir.path(), scale, seed).expect("generate");
    let world = World::generate(scale, seed);
    let mut in_returns = BTreeSet::new();
    let mut reader =
        csv::Reader::from_path(dir.path().join("truth/records.csv")).expect("records.csv");
    for row in reader.records() {
        let row = row.expect("row");
        in_returns.insert(row[2].parse::<u32>().expect("true id"));
    }
    let mut in_incidents = BTreeSet::new();
    for incident in &world.incidents {
        in_incidents.extend(incident.victims.iter().copied());
    }
    let recorded: BTreeSet<u32> = sightline_synth::returns::victims_recorded(&world, seed)
        .into_iter()
        .map(|(id, _)| id)
        .collect();
    let victims: Vec<_> = world
        .persons
        .iter()
        .filter(|p| p.role == Role::Victim)
        .collect();
    let mut hidden = 0;
    for victim in &victims {
        let visible = in_incidents.contains(&victim.id)
            || victim.known_to_childrens_services
            || recorded.contains(&victim.id);
        if !visible {
            assert!(!in_returns.contains(&victim.id), "victim {}", victim.id);
            hidden += 1;
        }
    }
    assert!(hidden > 30, "only {hidden} victims known to no agency");
    let text = std::fs::read_to_string(dir.path().join("truth/summary.json")).expect("summary");
    let summary: serde_json::Value = serde_json::from_str(&text).expect("json");
    assert_eq!(
        summary["victims_total"].as_u64(),
        Some(victims.len() as u64)
    );
    let known = summary["victims"].as_u64().expect("victims") as usize;
    assert!(known + hidden <= victims.len());
}
