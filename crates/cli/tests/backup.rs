//! `sightline backup` and `sightline restore` on the embedded store: a restored workspace
//! verifies its audit log and publishes the same report; a backup taken while a return is
//! being stored holds it whole or not at all; what cannot be restored leaves nothing behind.

use crate::util::{Run, Sandbox, audit_head_event, files_under, without_audit_head};
use std::time::{Duration, Instant};

const REGISTER: &str = "agency_id,name,type,area,requested\n\
    A1,Example Police,police,E06000015,yes\n";

fn ws(sandbox: &Sandbox, workspace: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut all = vec!["--workspace", workspace, "--user", "analyst"];
    all.extend_from_slice(args);
    sandbox.run_in("", &all, env)
}

/// A workspace `ws` with `examples/return` stored from A1.
fn with_a_return() -> Sandbox {
    let sandbox = Sandbox::new();
    sandbox.run_in("", &["init", "ws"], &[]).expect_code(0);
    sandbox.write("register.csv", REGISTER);
    ws(&sandbox, "ws", &["agencies", "import", "register.csv"], &[]).expect_code(0);
    sandbox.copy_example("return");
    let mut files: Vec<String> = std::fs::read_dir(sandbox.join("return"))
        .expect("return/")
        .map(|e| format!("return/{}", e.expect("entry").file_name().to_string_lossy()))
        .collect();
    files.sort();
    let mut args = vec!["ingest", "--agency", "A1"];
    args.extend(files.iter().map(String::as_str));
    let run = ws(&sandbox, "ws", &args, &[]);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    sandbox
}

#[test]
fn a_restored_backup_verifies_its_audit_log_and_gives_the_same_report() {
    let sandbox = with_a_return();
    ws(&sandbox, "ws", &["link"], &[]).expect_code(0);
    std::fs::create_dir(sandbox.join("backups")).expect("backups/");
    let run = ws(
        &sandbox,
        "ws",
        &["backup", "--out", "backups/ws.backup"],
        &[],
    );
    run.expect_code(0);
    assert!(run.stdout.contains("not in it"), "{}", run.stdout);
    let run = ws(
        &sandbox,
        "ws",
        &["backup", "--out", "backups/ws.backup"],
        &[],
    );
    run.expect_code(2);
    assert!(run.stderr.contains("already exists"), "{}", run.stderr);
    ws(&sandbox, "ws", &["report", "--out", "before"], &[]).expect_code(0);
    let reveal = |workspace: &str, env: &[(&str, &str)]| {
        let run = ws(
            &sandbox,
            workspace,
            &["reveal", "1", "--reason", "backup test", "--json"],
            env,
        );
        run.expect_code(0);
        run.json()["fields"].clone()
    };
    let identity = reveal("ws", &[]);

    let key = sandbox.join("ws/sightline.key");
    let key = key.to_str().expect("UTF-8");
    let env = [("SIGHTLINE_KEY_FILE", key)];
    let run = sandbox.run_in("", &["restore", "backups/ws.backup", "restored"], &env);
    run.expect_code(0);
    assert!(run.stdout.contains("verified"), "{}", run.stdout);
    // The restored workspace finds its key from its config, without the variable.
    ws(&sandbox, "restored", &["audit", "verify"], &[]).expect_code(0);
    ws(&sandbox, "restored", &["report", "--out", "after"], &[]).expect_code(0);
    let before = files_under(&sandbox.join("before"));
    let after = files_under(&sandbox.join("after"));
    assert!(before.iter().any(|(name, _)| name == "report.html"));
    assert_eq!(
        before.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        after.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for ((name, a), (_, b)) in before.iter().zip(&after) {
        assert!(
            without_audit_head(a) == without_audit_head(b),
            "{name} differs after the restore"
        );
    }
    // Each report names its own log's head: the original's newest event is the backup, the
    // restored one's the restore, each one event after the copy's last.
    let head = |dir: &str| audit_head_event(&sandbox.read(&format!("{dir}/report.html")));
    assert_eq!(head("before"), head("after"));
    assert_eq!(reveal("restored", &[]), identity);
    let events = ws(&sandbox, "restored", &["audit", "--json"], &[]).json();
    let events = events.as_array().expect("events");
    let copied = events.len() as i64 - 3; // the restore, the reveal, the report
    let restore = &events[copied as usize];
    assert_eq!(restore["action"], "alteration");
    assert!(
        restore["subject"]
            .as_str()
            .unwrap_or_default()
            .contains(&format!(
                "restored from backup ws.backup (its log ended at event {copied} "
            )),
        "{restore}"
    );
    let original = ws(&sandbox, "ws", &["audit", "--json"], &[]).json();
    assert!(original.as_array().expect("events").iter().any(|e| {
        e["action"] == "disclosure"
            && e["subject"].as_str().unwrap_or_default().contains(&format!(
                "backup of the store to ws.backup (its log ends at event {copied} "
            ))
    }));

    // What cannot be restored leaves nothing.
    let run = sandbox.run_in("", &["restore", "backups/ws.backup", "restored"], &env);
    run.expect_code(2);
    assert!(run.stderr.contains("already a workspace"), "{}", run.stderr);
    let run = sandbox.run_in("", &["restore", "backups/ws.backup", "nokey"], &[]);
    run.expect_code(2);
    assert!(run.stderr.contains("SIGHTLINE_KEY_FILE"), "{}", run.stderr);
    let other = sandbox.join("other.key");
    sandbox.run_in("", &["init", "other"], &[]).expect_code(0);
    std::fs::copy(sandbox.join("other/sightline.key"), &other).expect("another key");
    let other = other.to_str().expect("UTF-8");
    let run = sandbox.run_in(
        "",
        &["restore", "backups/ws.backup", "wrongkey"],
        &[("SIGHTLINE_KEY_FILE", other)],
    );
    run.expect_code(2);
    assert!(run.stderr.contains("not the key"), "{}", run.stderr);
    assert!(
        !sandbox.join("wrongkey").exists(),
        "a half-made workspace was left"
    );
    let run = sandbox.run_in("", &["restore", "register.csv", "notastore"], &env);
    run.expect_code(2);
    assert!(run.stderr.contains("not a backup"), "{}", run.stderr);
    assert!(!sandbox.join("notastore").exists());
}

/// Rows of the return stored while the backup is taken.
const BUSY_ROWS: usize = 100_000;

#[test]
fn a_backup_taken_while_a_return_is_stored_holds_it_whole_or_not_at_all() {
    let sandbox = with_a_return();
    let mut text = String::from(
        "person_id,role,given_name,family_name,other_names,date_of_birth,age,age_date,sex,ethnicity,ethnicity_scheme,ethnicity_observed,nationality,postcode,local_authority,looked_after,legal_status,missing_history,nhs_number,upn,pnc_id\n",
    );
    for i in 1..=BUSY_ROWS {
        text.push_str(&format!(
            "B{i:07},victim,Alex,Example,,2010-01-{:02},,,female,,,,,,,,,,,,\n",
            1 + i % 28
        ));
    }
    sandbox.write("big/people.csv", text);
    let journal =
        || std::fs::metadata(sandbox.join("ws/store.sqlite-journal")).map_or(0, |m| m.len());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args([
            "--workspace",
            "ws",
            "ingest",
            "big/people.csv",
            "--agency",
            "A1",
        ])
        .current_dir(sandbox.path())
        .env_remove("SIGHTLINE_WORKSPACE")
        .env_remove("SIGHTLINE_KEY_FILE")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start sightline ingest");
    // Wait (at most 20 s) for the ingest to have begun writing its transaction.
    let started = Instant::now();
    while journal() == 0
        && child.try_wait().expect("poll").is_none()
        && started.elapsed() < Duration::from_secs(20)
    {
        std::thread::sleep(Duration::from_millis(10));
    }
    let run = ws(&sandbox, "ws", &["backup", "--out", "during.backup"], &[]);
    run.expect_code(0);
    let status = child.wait().expect("the ingest");
    assert!(status.success(), "{status}");
    ws(&sandbox, "ws", &["audit", "verify"], &[]).expect_code(0);

    let key = sandbox.join("ws/sightline.key");
    let key = key.to_str().expect("UTF-8");
    sandbox
        .run_in(
            "",
            &["restore", "during.backup", "restored"],
            &[("SIGHTLINE_KEY_FILE", key)],
        )
        .expect_code(0);
    ws(&sandbox, "restored", &["audit", "verify"], &[]).expect_code(0);
    let connection =
        rusqlite::Connection::open(sandbox.join("restored/store.sqlite")).expect("open");
    let count = |sql: &str| -> i64 { connection.query_row(sql, [], |row| row.get(0)).expect(sql) };
    let returns = count("SELECT COUNT(*) FROM returns");
    let people = count("SELECT COUNT(*) FROM people WHERE return_id = 2");
    let identities = count(
        "SELECT COUNT(*) FROM people_identity i JOIN people p ON p.record_id = i.record_id WHERE p.return_id = 2",
    );
    match returns {
        1 => assert_eq!((people, identities), (0, 0)),
        2 => assert_eq!((people, identities), (BUSY_ROWS as i64, BUSY_ROWS as i64)),
        other => panic!("{other} returns in the backup"),
    }
}
