//! The shared store end to end: workspaces made with `init --database`, each on a PostgreSQL
//! database of its own (`sightline_store::testing`: made and dropped per test; these tests need
//! the server and fail, saying how to start one, without it). The same returns give the same
//! bytes as the embedded store; a killed ingest leaves nothing; processes ingest and read at
//! once; the analysis role cannot see the vault; a backup restores; errors say what to do.

use crate::util::{Run, Sandbox, files_under};
use sightline_store::testing::TestDatabase;
use std::time::{Duration, Instant};

const REGISTER: &str = "agency_id,name,type,area,requested\n\
    A1,Example Police,police,E06000015,yes\n\
    A2,Sample Council,local_authority,E06000016,yes\n\
    A3,Northshire Police,police,E06000017,yes\n\
    A4,Southshire Police,police,E06000018,yes\n";

const PEOPLE_HEADERS: &str = "person_id,role,given_name,family_name,other_names,date_of_birth,age,age_date,sex,ethnicity,ethnicity_scheme,ethnicity_observed,nationality,postcode,local_authority,looked_after,legal_status,missing_history,nhs_number,upn,pnc_id";

/// `sightline --workspace WS --user analyst ARGS` with only the given environment.
fn ws(sandbox: &Sandbox, workspace: &str, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut all = vec!["--workspace", workspace, "--user", "analyst"];
    all.extend_from_slice(args);
    sandbox.run_in("", &all, env)
}

/// A sandbox with workspace `ws` on a new database, the register imported.
fn shared_workspace() -> (Sandbox, TestDatabase) {
    let sandbox = Sandbox::new();
    let database = TestDatabase::create();
    let run = sandbox.run_in("", &["init", "ws", "--database", &database.url], &[]);
    run.expect_code(0);
    assert!(run.stdout.contains("_analysis"), "{}", run.stdout);
    sandbox.write("register.csv", REGISTER);
    ws(&sandbox, "ws", &["agencies", "import", "register.csv"], &[]).expect_code(0);
    (sandbox, database)
}

/// A people CSV of `rows` synthetic rows whose ids start with `prefix`.
fn people_csv(sandbox: &Sandbox, path: &str, prefix: &str, rows: usize) {
    let given = ["Alex", "Sam", "Jo", "Chris", "Pat", "Lee", "Max", "Kim"];
    let family = ["Example", "Sample", "Placeholder", "Testcase"];
    let mut text = String::with_capacity(rows * 64);
    text.push_str(PEOPLE_HEADERS);
    text.push('\n');
    for i in 1..=rows {
        text.push_str(&format!(
            "{prefix}{i:07},victim,{},{},,20{:02}-{:02}-{:02},,,{},,,,,,,,,,,,\n",
            given[i % given.len()],
            family[i % family.len()],
            i % 10,
            1 + i % 12,
            1 + i % 28,
            if i % 2 == 0 { "female" } else { "male" },
        ));
    }
    sandbox.write(path, text);
}

fn count(database: &TestDatabase, sql: &str) -> i64 {
    database
        .connect()
        .query_one(sql, &[])
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .get(0)
}

/// Every synthetic return of `syn/` into `workspace`, with its profile.
fn ingest_synthetic(sandbox: &Sandbox, workspace: &str, env: &[(&str, &str)]) {
    let mut agencies: Vec<String> = std::fs::read_dir(sandbox.join("syn/returns"))
        .expect("returns")
        .map(|e| e.expect("entry").file_name().to_string_lossy().to_string())
        .collect();
    agencies.sort();
    for agency in &agencies {
        let mut files: Vec<String> =
            std::fs::read_dir(sandbox.join(&format!("syn/returns/{agency}")))
                .expect("files")
                .map(|e| {
                    format!(
                        "syn/returns/{agency}/{}",
                        e.expect("entry").file_name().to_string_lossy()
                    )
                })
                .collect();
        files.sort();
        let profile = format!("syn/profiles/{agency}.toml");
        let mut args = vec!["ingest", "--agency", agency.as_str()];
        if sandbox.join(&profile).exists() {
            args.extend(["--profile", profile.as_str()]);
        }
        args.extend(files.iter().map(String::as_str));
        let run = ws(sandbox, workspace, &args, env);
        assert!(run.code == 0 || run.code == 1, "{agency}: {}", run.stderr);
    }
}

#[test]
fn assess_and_report_are_byte_identical_on_sqlite_and_postgres() {
    let sandbox = Sandbox::new();
    let database = TestDatabase::create();
    sandbox
        .run(&["synth", "--out", "syn", "--scale", "0.3", "--seed", "1"])
        .expect_code(0);
    let key = sandbox.join("shared.key");
    let key = key.to_str().expect("UTF-8");
    let env = [("SIGHTLINE_KEY_FILE", key)];
    sandbox
        .run_in("", &["init", "embedded"], &env)
        .expect_code(0);
    sandbox
        .run_in("", &["init", "shared", "--database", &database.url], &env)
        .expect_code(0);
    for workspace in ["embedded", "shared"] {
        ws(
            &sandbox,
            workspace,
            &["agencies", "import", "syn/agencies.csv"],
            &env,
        )
        .expect_code(0);
        ingest_synthetic(&sandbox, workspace, &env);
        ws(&sandbox, workspace, &["link"], &env).expect_code(0);
        ws(
            &sandbox,
            workspace,
            &["report", "--out", &format!("report-{workspace}")],
            &env,
        )
        .expect_code(0);
    }
    let embedded = ws(&sandbox, "embedded", &["assess", "--json"], &env);
    let shared = ws(&sandbox, "shared", &["assess", "--json"], &env);
    embedded.expect_code(0);
    shared.expect_code(0);
    assert!(embedded.stdout.len() > 10_000);
    assert!(
        embedded.stdout == shared.stdout,
        "assess --json differs between the engines"
    );
    let embedded = files_under(&sandbox.join("report-embedded"));
    let shared = files_under(&sandbox.join("report-shared"));
    assert!(embedded.iter().any(|(name, _)| name == "report.html"));
    assert_eq!(
        embedded.iter().map(|(n, _)| n).collect::<Vec<_>>(),
        shared.iter().map(|(n, _)| n).collect::<Vec<_>>()
    );
    for ((name, a), (_, b)) in embedded.iter().zip(&shared) {
        // The audit log's head (its MAC covers each event's time) is the one line that is the
        // workspace's own.
        assert!(
            crate::util::without_audit_head(a) == crate::util::without_audit_head(b),
            "{name} differs between the engines"
        );
    }
    for workspace in ["embedded", "shared"] {
        ws(&sandbox, workspace, &["audit", "verify"], &env).expect_code(0);
    }
}

/// Rows of the return the kill test interrupts.
const KILL_ROWS: usize = 300_000;

#[test]
fn a_killed_ingest_leaves_nothing_and_can_be_run_again_postgres() {
    let (sandbox, database) = shared_workspace();
    people_csv(&sandbox, "big/people.csv", "P", KILL_ROWS);
    let audit_before = count(&database, "SELECT COUNT(*) FROM audit");
    let size = || count(&database, "SELECT pg_relation_size('sightline.people')");
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
        .env_remove("SIGHTLINE_DATABASE")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start sightline ingest");
    let started = Instant::now();
    // Kill it (SIGKILL) once its uncommitted rows fill a megabyte of the table.
    loop {
        if let Some(status) = child.try_wait().expect("poll") {
            panic!(
                "the ingest finished ({status}) before it could be killed: make the file larger"
            );
        }
        if size() > 1 << 20 || started.elapsed() > Duration::from_secs(60) {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    let at_kill = size();
    child.kill().expect("kill the ingest");
    let status = child.wait().expect("wait");
    assert!(
        status.code().is_none(),
        "it finished ({status}) before it was killed"
    );
    assert!(at_kill > 1 << 20, "killed before it wrote: {at_kill} bytes");
    let run = ws(&sandbox, "ws", &["returns", "--all", "--json"], &[]);
    run.expect_code(0);
    assert_eq!(run.json(), serde_json::json!([]));
    for table in [
        "returns",
        "people",
        "people_identity",
        "return_tables",
        "rejects",
    ] {
        assert_eq!(
            count(&database, &format!("SELECT COUNT(*) FROM {table}")),
            0,
            "{table}"
        );
    }
    assert_eq!(count(&database, "SELECT COUNT(*) FROM audit"), audit_before);
    ws(&sandbox, "ws", &["audit", "verify"], &[]).expect_code(0);

    let run = ws(
        &sandbox,
        "ws",
        &["ingest", "big/people.csv", "--agency", "A1", "--json"],
        &[],
    );
    run.expect_code(0);
    assert_eq!(
        crate::util::counts(&run.json(), "people"),
        (KILL_ROWS as u64, KILL_ROWS as u64, 0)
    );
    assert_eq!(
        count(&database, "SELECT COUNT(*) FROM people"),
        KILL_ROWS as i64
    );
    assert_eq!(
        count(&database, "SELECT COUNT(*) FROM people_identity"),
        KILL_ROWS as i64
    );
    ws(&sandbox, "ws", &["audit", "verify"], &[]).expect_code(0);
}

#[test]
fn several_processes_ingest_at_once_and_none_is_lost_postgres() {
    let (sandbox, database) = shared_workspace();
    const ROWS: usize = 4_000;
    for (agency, prefix) in [("A1", "P"), ("A2", "Q"), ("A3", "R")] {
        people_csv(&sandbox, &format!("{agency}/people.csv"), prefix, ROWS);
    }
    // Two returns of A4 for one period (the later to commit supersedes the other), and the
    // same bytes of A1 sent twice (stored once).
    people_csv(&sandbox, "A4a/people.csv", "S", ROWS);
    people_csv(&sandbox, "A4b/people.csv", "T", ROWS / 2);
    let jobs: Vec<Vec<&str>> = vec![
        vec!["ingest", "A1/people.csv", "--agency", "A1", "--json"],
        vec!["ingest", "A1/people.csv", "--agency", "A1", "--json"],
        vec!["ingest", "A2/people.csv", "--agency", "A2", "--json"],
        vec!["ingest", "A3/people.csv", "--agency", "A3", "--json"],
        vec![
            "ingest",
            "A4a/people.csv",
            "--agency",
            "A4",
            "--period",
            "2023-04-01..2024-03-31",
            "--json",
        ],
        vec![
            "ingest",
            "A4b/people.csv",
            "--agency",
            "A4",
            "--period",
            "2023-04-01..2024-03-31",
            "--json",
        ],
    ];
    let children: Vec<std::process::Child> = jobs
        .iter()
        .map(|args| {
            std::process::Command::new(env!("CARGO_BIN_EXE_sightline"))
                .args(["--workspace", "ws", "--user", "analyst"])
                .args(args)
                .current_dir(sandbox.path())
                .env_remove("SIGHTLINE_WORKSPACE")
                .env_remove("SIGHTLINE_KEY_FILE")
                .env_remove("SIGHTLINE_DATABASE")
                .stdout(std::process::Stdio::piped())
                .stderr(std::process::Stdio::piped())
                .spawn()
                .expect("start an ingest")
        })
        .collect();
    for child in children {
        let output = child.wait_with_output().expect("wait");
        assert_eq!(
            output.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let returns = ws(&sandbox, "ws", &["returns", "--all", "--json"], &[]).json();
    let returns = returns.as_array().expect("returns");
    assert_eq!(
        returns.len(),
        5,
        "A1 once, A2, A3, and A4 twice: {returns:#?}"
    );
    let current: Vec<&serde_json::Value> = returns
        .iter()
        .filter(|r| r["status"] == "current")
        .collect();
    assert_eq!(current.len(), 4, "one of A4's two returns is superseded");
    assert_eq!(returns.iter().filter(|r| r["agency_id"] == "A1").count(), 1);
    let people = count(&database, "SELECT COUNT(*) FROM people");
    assert_eq!(people, (ROWS * 4 + ROWS / 2) as i64);
    assert_eq!(
        count(
            &database,
            "SELECT COUNT(DISTINCT record_id) FROM people_identity"
        ),
        people
    );
    let run = ws(&sandbox, "ws", &["audit", "verify", "--json"], &[]);
    run.expect_code(0);
    // The register, five returns, one supersession: one chain, in one order.
    assert_eq!(run.json()["events"], 7);
    assert_eq!(
        count(
            &database,
            "SELECT COUNT(*) FROM audit WHERE action = 'alteration'"
        ),
        1
    );
    // Identifiers open under the record ids they were sealed with, whoever wrote them.
    let last = count(&database, "SELECT MAX(record_id) FROM people").to_string();
    for record in ["1", "4001", "9999", last.as_str()] {
        ws(
            &sandbox,
            "ws",
            &["reveal", record, "--reason", "check"],
            &[],
        )
        .expect_code(0);
    }
}

#[test]
fn analysts_read_while_an_ingest_runs_postgres() {
    let (sandbox, database) = shared_workspace();
    let example = sandbox.copy_example("return");
    let mut files: Vec<String> = std::fs::read_dir(&example)
        .expect("return/")
        .map(|e| format!("return/{}", e.expect("entry").file_name().to_string_lossy()))
        .collect();
    files.sort();
    let mut args = vec!["ingest", "--agency", "A2"];
    args.extend(files.iter().map(String::as_str));
    ws(&sandbox, "ws", &args, &[]);
    ws(&sandbox, "ws", &["link"], &[]).expect_code(0);
    let before = ws(&sandbox, "ws", &["assess", "--json"], &[]);
    before.expect_code(0);

    people_csv(&sandbox, "big/people.csv", "P", KILL_ROWS);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_sightline"))
        .args([
            "--workspace",
            "ws",
            "--user",
            "analyst",
            "ingest",
            "big/people.csv",
            "--agency",
            "A1",
        ])
        .current_dir(sandbox.path())
        .env_remove("SIGHTLINE_WORKSPACE")
        .env_remove("SIGHTLINE_KEY_FILE")
        .env_remove("SIGHTLINE_DATABASE")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start sightline ingest");
    let started = Instant::now();
    while count(&database, "SELECT pg_relation_size('sightline.people')") < 1 << 20 {
        assert!(
            child.try_wait().expect("poll").is_none(),
            "the ingest ended too soon"
        );
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the ingest wrote nothing"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    // While it writes: the assessment, a person's evidence and the returns, as they were.
    let during = ws(&sandbox, "ws", &["assess", "--json"], &[]);
    during.expect_code(0);
    assert!(
        during.stdout == before.stdout,
        "the assessment saw part of the ingest"
    );
    ws(&sandbox, "ws", &["explain", "1"], &[]).expect_code(0);
    let returns = ws(&sandbox, "ws", &["returns", "--json"], &[]).json();
    assert_eq!(returns.as_array().expect("returns").len(), 1);
    assert!(
        child.try_wait().expect("poll").is_none(),
        "the reads waited for the ingest to finish"
    );
    let status = child.wait().expect("wait");
    assert_eq!(status.code(), Some(0));
    let returns = ws(&sandbox, "ws", &["returns", "--json"], &[]).json();
    assert_eq!(returns.as_array().expect("returns").len(), 2);
}

#[test]
fn the_analysis_role_cannot_read_the_vault_postgres() {
    let (sandbox, mut database) = shared_workspace();
    let example = sandbox.copy_example("return");
    let mut files: Vec<String> = std::fs::read_dir(&example)
        .expect("return/")
        .map(|e| format!("return/{}", e.expect("entry").file_name().to_string_lossy()))
        .collect();
    files.sort();
    let roles = sightline_store::postgres::Roles::for_prefix(&database.name);
    let analyst = database.login("analyst", &roles.analysis);
    let ingester = database.login("ingester", &roles.ingest);
    let officer = database.login("officer", &roles.linkage);

    // The collection service's login stores returns but reads no identifier back.
    let as_ingester = database.url_as(&ingester);
    let env = [("SIGHTLINE_DATABASE", as_ingester.as_str())];
    let mut args = vec!["ingest", "--agency", "A2"];
    args.extend(files.iter().map(String::as_str));
    let run = ws(&sandbox, "ws", &args, &env);
    assert!(run.code == 0 || run.code == 1, "{}", run.stderr);
    let run = ws(
        &sandbox,
        "ws",
        &["reveal", "1", "--reason", "curious"],
        &env,
    );
    run.expect_code(2);
    assert!(
        run.stderr.contains("may not read the identity vault"),
        "{}",
        run.stderr
    );

    // The linkage officer links (reads the vault) and may reveal.
    let as_officer = database.url_as(&officer);
    let env = [("SIGHTLINE_DATABASE", as_officer.as_str())];
    ws(&sandbox, "ws", &["link"], &env).expect_code(0);
    ws(
        &sandbox,
        "ws",
        &["reveal", "1", "--reason", "checking a match"],
        &env,
    )
    .expect_code(0);

    // The analysis role: connected as it, the vault's tables cannot be read at all.
    let mut client = database.connect_as(&analyst);
    for table in [
        "people_identity",
        "rejected_cells",
        "note_cells",
        "group_labels",
    ] {
        let error = client
            .query(&format!("SELECT * FROM sightline_vault.{table}"), &[])
            .expect_err("the analysis role read the vault");
        let message = error
            .as_db_error()
            .map_or_else(|| error.to_string(), |e| e.message().to_string());
        assert!(
            message.contains("permission denied for schema sightline_vault"),
            "{table}: {message}"
        );
    }
    let people: i64 = client
        .query_one("SELECT COUNT(*) FROM sightline.people", &[])
        .expect("the analysis tables are readable")
        .get(0);
    assert!(people > 0);
    assert!(client.execute("DELETE FROM sightline.audit", &[]).is_err());
    // ... and the assessment and the report run as it, with the same output as the owner's.
    let as_analyst = database.url_as(&analyst);
    let env = [("SIGHTLINE_DATABASE", as_analyst.as_str())];
    let own = ws(&sandbox, "ws", &["assess", "--json"], &[]);
    own.expect_code(0);
    let analysts = ws(&sandbox, "ws", &["assess", "--json"], &env);
    analysts.expect_code(0);
    assert!(own.stdout == analysts.stdout);
    ws(&sandbox, "ws", &["report", "--out", "report"], &env).expect_code(0);
    for args in [
        vec!["reveal", "1", "--reason", "curious"],
        vec!["rejects", "1", "--reveal", "--reason", "curious"],
        vec!["link"],
    ] {
        let run = ws(&sandbox, "ws", &args, &env);
        run.expect_code(2);
        assert!(
            run.stderr.contains("may not read the identity vault"),
            "{args:?}: {}",
            run.stderr
        );
    }
    ws(&sandbox, "ws", &["audit", "verify"], &[]).expect_code(0);
}

#[test]
fn a_restored_backup_verifies_its_audit_log_and_gives_the_same_report_postgres() {
    let (sandbox, database) = shared_workspace();
    let example = sandbox.copy_example("return");
    let mut files: Vec<String> = std::fs::read_dir(&example)
        .expect("return/")
        .map(|e| format!("return/{}", e.expect("entry").file_name().to_string_lossy()))
        .collect();
    files.sort();
    let mut args = vec!["ingest", "--agency", "A2"];
    args.extend(files.iter().map(String::as_str));
    ws(&sandbox, "ws", &args, &[]);
    ws(&sandbox, "ws", &["link"], &[]).expect_code(0);

    // The procedure in README: pg_dump in the custom format, pg_restore into a new database.
    let dump = sandbox.join("sightline.dump");
    let status = std::process::Command::new("pg_dump")
        .args(["--format=custom", "--file"])
        .arg(&dump)
        .arg(&database.url)
        .status()
        .expect("run pg_dump (Debian's postgresql-client)");
    assert!(status.success());
    // The report from the store as it was dumped (its methodology prints the audit log's head).
    ws(&sandbox, "ws", &["report", "--out", "before"], &[]).expect_code(0);
    let restored = TestDatabase::create();
    let status = std::process::Command::new("pg_restore")
        .args(["--no-owner", "--exit-on-error", "--dbname", &restored.url])
        .arg(&dump)
        .status()
        .expect("run pg_restore");
    assert!(status.success());

    // A workspace on the restored database, with the store's own key.
    let key = sandbox.join("ws/sightline.key");
    let key = key.to_str().expect("UTF-8");
    let env = [("SIGHTLINE_KEY_FILE", key)];
    let run = sandbox.run_in("", &["init", "restored", "--database", &restored.url], &env);
    run.expect_code(0);
    assert!(run.stdout.contains("joins it"), "{}", run.stdout);
    let run = ws(&sandbox, "restored", &["audit", "verify"], &env);
    run.expect_code(0);
    ws(&sandbox, "restored", &["report", "--out", "after"], &env).expect_code(0);
    let before = files_under(&sandbox.join("before"));
    let after = files_under(&sandbox.join("after"));
    assert!(!before.is_empty());
    assert!(before == after, "the restored store's report differs");
    ws(
        &sandbox,
        "restored",
        &["reveal", "1", "--reason", "after restore"],
        &env,
    )
    .expect_code(0);
    // A key that is not the store's is refused when joining.
    let other = Sandbox::new();
    let run = other.run_in("", &["init", "ws", "--database", &restored.url], &[]);
    run.expect_code(2);
    assert!(run.stderr.contains("SIGHTLINE_KEY_FILE"), "{}", run.stderr);
    assert!(!other.join("ws").exists(), "a half-made workspace was left");
}

#[test]
fn what_cannot_run_exits_2_and_says_what_to_do_postgres() {
    // A server that is not there: nothing is made.
    let sandbox = Sandbox::new();
    let run = sandbox.run_in(
        "",
        &[
            "init",
            "ws",
            "--database",
            "postgres://127.0.0.1:1/sightline",
        ],
        &[],
    );
    run.expect_code(2);
    assert!(
        run.stderr.contains("cannot reach the PostgreSQL server"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("127.0.0.1:1"), "{}", run.stderr);
    assert!(!sandbox.join("ws").exists());
    // A database that does not exist.
    let missing = sightline_store::testing::with_database(
        &sightline_store::testing::admin_url(),
        "no_such_sightline_database",
        None,
    );
    let run = sandbox.run_in("", &["init", "ws", "--database", &missing], &[]);
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("no database 'no_such_sightline_database'"),
        "{}",
        run.stderr
    );
    assert!(!sandbox.join("ws").exists());

    let (sandbox, database) = shared_workspace();
    let example = sandbox.copy_example("return");
    let mut files: Vec<String> = std::fs::read_dir(&example)
        .expect("return/")
        .map(|e| format!("return/{}", e.expect("entry").file_name().to_string_lossy()))
        .collect();
    files.sort();
    // A login the server does not know.
    let stranger = database.url_as("no_such_sightline_login");
    let run = ws(
        &sandbox,
        "ws",
        &["returns"],
        &[("SIGHTLINE_DATABASE", stranger.as_str())],
    );
    run.expect_code(2);
    assert!(
        run.stderr
            .contains("refused the login 'no_such_sightline_login'"),
        "{}",
        run.stderr
    );
    // The server gone away (the workspace's URL pointing at a closed port).
    let down = "postgres://127.0.0.1:1/sightline";
    let mut args = vec!["ingest", "--agency", "A2"];
    args.extend(files.iter().map(String::as_str));
    let run = ws(&sandbox, "ws", &args, &[("SIGHTLINE_DATABASE", down)]);
    run.expect_code(2);
    assert!(run.stderr.contains("is it running?"), "{}", run.stderr);
    // SIGHTLINE_DATABASE on an embedded workspace.
    let embedded = Sandbox::new();
    embedded.run_in("", &["init", "ws"], &[]).expect_code(0);
    let run = ws(
        &embedded,
        "ws",
        &["returns"],
        &[("SIGHTLINE_DATABASE", database.url.as_str())],
    );
    run.expect_code(2);
    assert!(
        run.stderr.contains("keeps its store in SQLite"),
        "{}",
        run.stderr
    );
    // A store made by a newer sightline: refused before anything is written.
    database
        .connect()
        .batch_execute(
            "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'later', '2030-01-01T00:00:00Z')",
        )
        .expect("a newer schema");
    let audit = count(&database, "SELECT COUNT(*) FROM audit");
    let run = ws(&sandbox, "ws", &args, &[]);
    run.expect_code(2);
    assert!(
        run.stderr.contains("version 99, newer than this sightline"),
        "{}",
        run.stderr
    );
    assert!(run.stderr.contains("upgrade sightline"), "{}", run.stderr);
    assert_eq!(count(&database, "SELECT COUNT(*) FROM returns"), 0);
    assert_eq!(count(&database, "SELECT COUNT(*) FROM audit"), audit);
}
