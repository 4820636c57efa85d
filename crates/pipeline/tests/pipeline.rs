//! The pipeline driven through its API alone, with no binary: a small synthetic world stored,
//! linked, assessed and published, and the demo run twice into one folder.

use sightline_pipeline::{
    DemoOptions, DemoStage, IngestOptions, Ingested, LinkOptions, Progress, PublishOptions,
    Session, Silent,
};
use sightline_standard::Table;
use sightline_store::Workspace;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Everything a step told its progress.
#[derive(Default)]
struct Heard {
    rows: Mutex<Vec<(Table, u64)>>,
    phases: Mutex<Vec<String>>,
    finished: Mutex<usize>,
    stages: Mutex<Vec<DemoStage>>,
}

impl sightline_link::Progress for Heard {
    fn phase(&self, name: &str, _: u64) {
        self.phases.lock().expect("lock").push(name.to_string());
    }
    fn advance(&self, _: u64) {}
}

impl Progress for Heard {
    fn rows(&self, table: Table, read: u64, _: u64) {
        self.rows.lock().expect("lock").push((table, read));
    }
    fn finish(&self) {
        *self.finished.lock().expect("lock") += 1;
    }
    fn demo_stage(&self, stage: &DemoStage, _: f64) {
        self.stages.lock().expect("lock").push(stage.clone());
    }
}

fn sorted(dir: &Path, dirs: bool) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("readable folder")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir() == dirs)
        .collect();
    found.sort();
    found
}

#[test]
fn a_small_world_is_stored_linked_assessed_and_published() {
    let temp = tempfile::tempdir().expect("temp dir");
    let syn = temp.path().join("syn");
    let generated = sightline_synth::generate(&syn, 0.05, 7).expect("synthetic returns");
    let ws = temp.path().join("ws");
    Workspace::init(&ws, None).expect("a new workspace");
    let session = Session {
        workspace: Some(ws),
        user: Some("pipeline-test".to_string()),
    };

    let (agencies, problems) =
        sightline_pipeline::read_register(&syn.join("agencies.csv")).expect("register");
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(agencies.len(), generated.agencies);
    let mut store = session.open().expect("open").store().expect("store");
    store
        .import_agencies(&agencies, &session.user())
        .expect("import");
    drop(store);

    let mut stored = Vec::new();
    let mut accepted = 0;
    let heard = Heard::default();
    for dir in sorted(&syn.join("returns"), true) {
        let agency = dir.file_name().expect("name").to_string_lossy().to_string();
        let profile = syn.join("profiles").join(format!("{agency}.toml"));
        let options = IngestOptions {
            files: sorted(&dir, false),
            agency,
            profile: profile.exists().then_some(profile),
            period: None,
        };
        match sightline_pipeline::store_return(&session, &options, &heard).expect("stored") {
            Ingested::Stored(report, stored_return) => {
                accepted += report.tables.iter().map(|t| t.accepted).sum::<u64>();
                stored.push((options, stored_return.return_id));
            }
            Ingested::Already(id) => panic!("return {id} was new, yet already stored"),
        }
    }
    assert_eq!(stored.len(), generated.returns);
    assert!(accepted > 0);
    assert!(!heard.rows.lock().expect("lock").is_empty());
    assert_eq!(*heard.finished.lock().expect("lock"), stored.len());
    // The same bytes again change nothing.
    let (first, first_id) = &stored[0];
    match sightline_pipeline::store_return(&session, first, &Silent).expect("again") {
        Ingested::Already(id) => assert_eq!(id, *first_id),
        Ingested::Stored(..) => panic!("the same return was stored twice"),
    }
    // An agency outside the register is refused.
    let stranger = IngestOptions {
        agency: "NOT-REGISTERED".to_string(),
        ..first.clone()
    };
    let refused = sightline_pipeline::store_return(&session, &stranger, &Silent);
    assert!(format!("{:#}", refused.err().expect("refused")).contains("not in the register"));

    let linked = sightline_pipeline::link(
        &session,
        &LinkOptions {
            truth: Some(syn.join("truth").join("records.csv")),
            ..LinkOptions::default()
        },
        &heard,
    )
    .expect("linked");
    assert!(linked.run_id > 0);
    assert!(linked.people > 0 && linked.people <= linked.records);
    assert!(linked.model.is_some());
    let metrics = linked.metrics.as_ref().expect("accuracy against the truth");
    let json = serde_json::to_value(metrics).expect("metrics as JSON");
    assert!(json.is_object());
    assert_eq!(linked.records_without_truth, Some(0));
    let phases = heard.phases.lock().expect("lock").clone();
    assert_eq!(
        phases.first().map(String::as_str),
        Some("reading person records from the vault")
    );
    assert_eq!(
        phases.last().map(String::as_str),
        Some("storing people and evidence")
    );

    let assessment = sightline_pipeline::assess(&session, &sightline_assess::Options::default())
        .expect("assessed");
    assert_eq!(assessment.linkage.run, Some(linked.run_id));
    assert_eq!(
        assessment.count("person_records"),
        Some(linked.records as u64)
    );
    assert_eq!(assessment.count("people"), Some(linked.people as u64));
    assert!(assessment.count("victims").unwrap_or(0) > 0);

    let out = temp.path().join("report");
    let written = sightline_pipeline::publish(
        &session,
        &assessment,
        &PublishOptions::new(out.clone(), "pipeline test"),
    )
    .expect("published");
    assert_eq!(written.report, out.join("report.html"));
    assert!(written.report.is_file());
    assert!(out.join("figures.json").is_file());
    assert!(written.files > 2);
    let head = sightline_pipeline::audit_head(&session).expect("the log verifies");
    assert!(head.is_some());
    let events = session
        .open()
        .expect("open")
        .store()
        .expect("store")
        .audit_events()
        .expect("audit log");
    assert!(
        events
            .iter()
            .any(|e| e.reason == "pipeline test" && e.subject.contains("report to")),
        "the publication is on the audit log"
    );
}

#[test]
fn the_demo_runs_every_stage_and_replaces_only_its_own_folder() {
    let temp = tempfile::tempdir().expect("temp dir");
    let options = DemoOptions {
        out: temp.path().join("demo"),
        scale: 0.05,
        seed: 3,
    };
    let heard = Heard::default();
    let done = sightline_pipeline::demo(&options, Some("demo-test"), &heard).expect("demo");
    let numbers: Vec<usize> = heard
        .stages
        .lock()
        .expect("lock")
        .iter()
        .filter_map(|s| s.numbered().map(|(n, _)| n))
        .collect();
    assert_eq!(numbers, (1..=DemoStage::STAGES).collect::<Vec<_>>());
    assert!(done.returns > 0);
    assert!(done.people > 0 && done.people <= done.records);
    assert!(done.report.is_file());
    assert!(done.report.starts_with(&options.out));

    // A second demo replaces the first, and says so first.
    let again = Heard::default();
    let redone = sightline_pipeline::demo(&options, Some("demo-test"), &again).expect("again");
    assert!(matches!(
        again.stages.lock().expect("lock").first(),
        Some(DemoStage::Replacing { .. })
    ));
    assert_eq!(redone.records, done.records);
    assert_eq!(redone.people, done.people);

    // A folder the demo did not make is left alone.
    let other = temp.path().join("other");
    std::fs::create_dir_all(&other).expect("folder");
    std::fs::write(other.join("keep.txt"), "mine").expect("file");
    let refused = sightline_pipeline::demo(
        &DemoOptions {
            out: other.clone(),
            ..options
        },
        None,
        &Silent,
    );
    assert!(refused.is_err());
    assert_eq!(
        std::fs::read_to_string(other.join("keep.txt")).expect("kept"),
        "mine"
    );
}
