//! `sightline keys rotate`: every identifier re-sealed under a new key, audited; stopped dead
//! on either side of its commit (`SIGHTLINE_FAULT`, an abort as a kill -9 would), the store is
//! still readable and the next command finishes what was committed. On both engines.

use crate::util::{Run, Sandbox};
use sightline_store::testing::TestDatabase;

const REGISTER: &str = "agency_id,name,type,area,requested\n\
    A1,Example Police,police,E06000015,yes\n";

fn ws(sandbox: &Sandbox, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut all = vec!["--workspace", "ws", "--user", "analyst"];
    all.extend_from_slice(args);
    sandbox.run_in("", &all, env)
}

/// Registers A1 and stores `examples/return` from it.
fn with_a_return(sandbox: &Sandbox) {
    sandbox.write("register.csv", REGISTER);
    ws(sandbox, &["agencies", "import", "register.csv"], &[]).expect_code(0);
    sandbox.copy_example("return");
    let mut files: Vec<String> = std::fs::read_dir(sandbox.join("return"))
        .expect("return/")
        .map(|e| format!("return/{}", e.expect("entry").file_name().to_string_lossy()))
        .collect();
    files.sort();
    let mut args = vec!["ingest", "--agency", "A1"];
    args.extend(files.iter().map(String::as_str));
    let run = ws(sandbox, &args, &[]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
}

fn reveal(sandbox: &Sandbox) -> serde_json::Value {
    let run = ws(
        sandbox,
        &["reveal", "1", "--reason", "rotation test", "--json"],
        &[],
    );
    run.expect_code(0);
    run.json()["fields"].clone()
}

fn rotation_survives_a_kill_on_either_side_of_its_commit(sandbox: &Sandbox) {
    with_a_return(sandbox);
    let identity = reveal(sandbox);
    assert!(
        identity.as_array().is_some_and(|f| f.len() > 2),
        "{identity}"
    );
    let key = sandbox.join("ws/sightline.key");
    let original = std::fs::read(&key).expect("key");

    // Stopped before the commit: nothing changed; the old key still reads everything.
    let run = ws(
        sandbox,
        &["keys", "rotate", "--reason", "scheduled"],
        &[("SIGHTLINE_FAULT", "rotate:before-commit")],
    );
    assert_ne!(
        run.code, 0,
        "the fault point was not reached: {}",
        run.stdout
    );
    assert_eq!(std::fs::read(&key).expect("key"), original);
    assert_eq!(reveal(sandbox), identity);
    ws(sandbox, &["audit", "verify"], &[]).expect_code(0);

    // Stopped after the commit, before the new key file is in place: the next command finds
    // the store sealed under the pending key and puts it in place.
    let run = ws(
        sandbox,
        &["keys", "rotate", "--reason", "scheduled"],
        &[("SIGHTLINE_FAULT", "rotate:after-commit")],
    );
    assert_ne!(
        run.code, 0,
        "the fault point was not reached: {}",
        run.stdout
    );
    assert_eq!(
        std::fs::read(&key).expect("key"),
        original,
        "not renamed yet"
    );
    assert_eq!(reveal(sandbox), identity);
    assert_ne!(std::fs::read(&key).expect("key"), original, "put in place");
    assert!(!sandbox.join("ws/sightline.key.new").exists());
    let retired: Vec<_> = std::fs::read_dir(sandbox.join("ws"))
        .expect("ws")
        .filter_map(|e| {
            let name = e.ok()?.file_name().to_string_lossy().to_string();
            name.starts_with("sightline.key.retired-").then_some(name)
        })
        .collect();
    assert_eq!(retired.len(), 1, "{retired:?}");
    let old = sandbox.join(&format!("ws/{}", retired[0]));
    assert_eq!(std::fs::read(&old).expect("retired"), original);
    ws(sandbox, &["audit", "verify"], &[]).expect_code(0);

    // The retired key no longer reads the vault, and says why.
    let old = old.to_str().expect("UTF-8");
    let run = ws(
        sandbox,
        &["reveal", "1", "--reason", "old key"],
        &[("SIGHTLINE_KEY_FILE", old)],
    );
    run.expect_code(2);
    assert!(run.stderr.contains("before a rotation"), "{}", run.stderr);

    // A rotation run to the end; the audit log has both, with their reason.
    let run = ws(sandbox, &["keys", "rotate", "--reason", "scheduled"], &[]);
    run.expect_code(0);
    assert!(run.stdout.contains("Re-sealed"), "{}", run.stdout);
    assert_eq!(reveal(sandbox), identity);
    let events = ws(sandbox, &["audit", "--json"], &[]).json();
    let rotations = events
        .as_array()
        .expect("events")
        .iter()
        .filter(|e| {
            e["action"] == "alteration"
                && e["reason"] == "scheduled"
                && e["subject"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("re-sealed")
        })
        .count();
    assert_eq!(rotations, 2);
    ws(sandbox, &["audit", "verify"], &[]).expect_code(0);
    // A rotation is on the log with a reason, or not at all.
    let run = ws(sandbox, &["keys", "rotate"], &[]);
    run.expect_code(2);
    assert!(run.stderr.contains("--reason"), "{}", run.stderr);
}

#[test]
fn rotation_survives_a_kill_on_either_side_of_its_commit_sqlite() {
    let sandbox = Sandbox::new();
    sandbox.run_in("", &["init", "ws"], &[]).expect_code(0);
    rotation_survives_a_kill_on_either_side_of_its_commit(&sandbox);
}

#[test]
fn rotation_survives_a_kill_on_either_side_of_its_commit_postgres() {
    let sandbox = Sandbox::new();
    let database = TestDatabase::create();
    sandbox
        .run_in("", &["init", "ws", "--database", &database.url], &[])
        .expect_code(0);
    rotation_survives_a_kill_on_either_side_of_its_commit(&sandbox);
}
