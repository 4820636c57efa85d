//! The store's contract, one suite run against both engines: every test below runs once as
//! `sqlite::NAME` (the embedded file) and once as `postgres::NAME` (a PostgreSQL database of its
//! own, made and dropped by `sightline_store::testing`; these need the server, see there).
//!
//! Each test opens the store afresh for each step, as separate commands would. All data is
//! synthetic (`examples/`, `test_data/`).

use sha2::{Digest, Sha256};
use sightline_intake::check::{RowRef, Sink};
use sightline_intake::{CheckOptions, CheckReport, Diagnostic, IntakeError, Period, Profile};
use sightline_standard::Record;
use sightline_standard::dates::{DateFormat, PartialDate, parse_with};
use sightline_store::testing::TestDatabase;
use sightline_store::{Action, NewReturn, Store, StoreError, StoredReturn, Workspace};
use std::path::{Path, PathBuf};

/// One engine's store for a test.
struct Engine {
    dir: tempfile::TempDir,
    workspace: Workspace,
    postgres: Option<TestDatabase>,
}

impl Engine {
    fn sqlite() -> Engine {
        let dir = tempfile::tempdir().expect("temp dir");
        let (workspace, _) =
            Workspace::init_with(&dir.path().join("ws"), None, None).expect("init");
        Engine {
            dir,
            workspace,
            postgres: None,
        }
    }

    fn postgres() -> Engine {
        let dir = tempfile::tempdir().expect("temp dir");
        let database = TestDatabase::create();
        let (workspace, _) =
            Workspace::init_with(&dir.path().join("ws"), None, Some(&database.url))
                .expect("init on PostgreSQL");
        Engine {
            dir,
            workspace,
            postgres: Some(database),
        }
    }

    fn store(&self) -> Box<dyn Store> {
        self.workspace.store().expect("open the store")
    }

    fn keys(&self) -> sightline_store::Keys {
        self.workspace.keys().expect("keys")
    }

    /// Runs a statement on the database directly, past the store (to edit what it keeps).
    fn raw(&self, sql: &str) {
        match &self.postgres {
            Some(database) => {
                database.connect().batch_execute(sql).expect(sql);
            }
            None => {
                rusqlite::Connection::open(self.dir.path().join("ws/store.sqlite"))
                    .expect("open")
                    .execute_batch(sql)
                    .expect(sql);
            }
        }
    }

    /// A number read directly from the database.
    fn count(&self, sql: &str) -> i64 {
        match &self.postgres {
            Some(database) => database.connect().query_one(sql, &[]).expect(sql).get(0),
            None => rusqlite::Connection::open(self.dir.path().join("ws/store.sqlite"))
                .expect("open")
                .query_row(sql, [], |row| row.get(0))
                .expect(sql),
        }
    }
}

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod sqlite {
            $( #[test] fn $name() { super::$name(&super::Engine::sqlite()) } )*
        }
        mod postgres {
            $( #[test] fn $name() { super::$name(&super::Engine::postgres()) } )*
        }
    };
}

contract! {
    a_return_is_stored_whole_with_its_counts_and_rejects,
    a_read_that_fails_leaves_nothing_of_the_return,
    the_same_bytes_are_stored_once,
    a_later_return_for_the_same_period_supersedes_the_earlier,
    reveal_reads_the_vault_and_is_audited,
    linkage_runs_are_kept_with_their_evidence,
    the_analysis_reads_current_returns_and_assessment_factors,
    the_audit_chain_verifies_and_an_edit_is_found,
    a_newer_schema_is_refused_and_nothing_is_changed,
    a_key_that_is_not_the_stores_is_refused,
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn example_return() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(repo().join("examples/return"))
        .expect("examples/return")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    files
}

const REGISTER: [(&str, &str, &str); 3] = [
    (
        "LA01",
        "Northshire Children's Services",
        "childrens_services",
    ),
    ("POL01", "Northshire Police", "police"),
    ("LA02", "A council", "childrens_services"),
];

fn register(engine: &Engine) {
    let agencies: Vec<sightline_store::Agency> = REGISTER
        .iter()
        .map(|(id, name, kind)| sightline_store::Agency {
            agency_id: id.to_string(),
            name: name.to_string(),
            agency_type: kind.to_string(),
            area: "E06000015".to_string(),
            requested: true,
        })
        .collect();
    engine
        .store()
        .import_agencies(&agencies, "analyst")
        .expect("import agencies");
}

fn date(text: &str) -> PartialDate {
    parse_with(text, &[DateFormat::Iso]).expect("a date")
}

/// What `sightline ingest` does, without the command line: check the files into the store.
fn ingest_with(
    engine: &Engine,
    files: &[PathBuf],
    agency: &str,
    period: Option<(&str, &str)>,
    profile: Option<&Path>,
    wrap: &mut dyn FnMut(&mut dyn Sink) -> Box<dyn Sink + '_>,
) -> sightline_store::Result<(CheckReport, StoredReturn)> {
    let mut hasher = Sha256::new();
    for file in files {
        hasher.update(std::fs::read(file).expect("read"));
    }
    hasher.update(format!("{period:?}"));
    let options = CheckOptions {
        profile: profile.map_or_else(Profile::default, |p| Profile::load(p).expect("profile")),
        period: period.map(|(from, to)| Period {
            from: date(from),
            to: date(to),
        }),
        today: date("2026-01-01"),
        limits: Default::default(),
    };
    let new = NewReturn {
        agency_id: agency.to_string(),
        period: period.map(|(from, to)| (from.to_string(), to.to_string())),
        files: files
            .iter()
            .map(|f| f.file_name().expect("name").to_string_lossy().to_string())
            .collect(),
        content_hash: hex::encode(hasher.finalize()),
        user: "analyst".to_string(),
    };
    let mut keys = engine.keys();
    engine.store().ingest(&new, &mut keys, &mut |sink| {
        let mut wrapped = wrap(sink);
        sightline_intake::check(files, &options, &mut *wrapped)
    })
}

fn ingest(
    engine: &Engine,
    files: &[PathBuf],
    agency: &str,
    period: Option<(&str, &str)>,
) -> sightline_store::Result<(CheckReport, StoredReturn)> {
    ingest_with(engine, files, agency, period, None, &mut |sink| {
        Box::new(Forward(sink))
    })
}

/// A sink that hands everything on.
struct Forward<'a>(&'a mut dyn Sink);

impl Sink for Forward<'_> {
    fn accepted(&mut self, at: RowRef<'_>, record: Record) -> Result<(), IntakeError> {
        self.0.accepted(at, record)
    }

    fn rejected(
        &mut self,
        at: RowRef<'_>,
        cells: &[(String, String)],
        reasons: &[Diagnostic],
    ) -> Result<(), IntakeError> {
        self.0.rejected(at, cells, reasons)
    }
}

/// A sink that hands on `rows` rows, then fails: a read that stops part-way.
struct FailAfter<'a> {
    inner: &'a mut dyn Sink,
    rows: usize,
}

impl Sink for FailAfter<'_> {
    fn accepted(&mut self, at: RowRef<'_>, record: Record) -> Result<(), IntakeError> {
        if self.rows == 0 {
            return Err(IntakeError::Sink(
                "the file could not be read to the end".into(),
            ));
        }
        self.rows -= 1;
        self.inner.accepted(at, record)
    }

    fn rejected(
        &mut self,
        at: RowRef<'_>,
        cells: &[(String, String)],
        reasons: &[Diagnostic],
    ) -> Result<(), IntakeError> {
        self.inner.rejected(at, cells, reasons)
    }
}

const PERIOD: Option<(&str, &str)> = Some(("2023-04-01", "2024-03-31"));

fn a_return_is_stored_whole_with_its_counts_and_rejects(engine: &Engine) {
    register(engine);
    let (report, stored) = ingest(engine, &example_return(), "LA01", PERIOD).expect("ingest");
    assert_eq!(stored.return_id, 1);
    assert!(stored.superseded.is_empty());
    let store = engine.store();
    let returns = store.returns(false).expect("returns");
    assert_eq!(returns.len(), 1);
    let tables: Vec<(String, u64, u64, u64)> = returns[0]
        .tables
        .iter()
        .map(|t| (t.table.clone(), t.read, t.accepted, t.rejected))
        .collect();
    let expected: Vec<(String, u64, u64, u64)> = report
        .tables
        .iter()
        .map(|t| (t.table.name().to_string(), t.read, t.accepted, t.rejected))
        .collect();
    assert_eq!(tables, expected, "table counts in the order read");
    assert_eq!(returns[0].files.len(), 5);
    assert_eq!(returns[0].period_from.as_deref(), Some("2023-04-01"));
    let rejects = store.rejects(1).expect("rejects");
    assert_eq!(rejects.len() as u64, report.rows_rejected());
    assert!(
        rejects
            .iter()
            .all(|r| r.revealed.is_none() && !r.rules.is_empty())
    );
    let la01 = store
        .agencies()
        .expect("agencies")
        .into_iter()
        .find(|a| a.agency.agency_id == "LA01")
        .expect("LA01");
    assert_eq!(la01.returns, 1);
    assert_eq!(la01.rows_rejected, report.rows_rejected());
    assert!(matches!(store.rejects(99), Err(StoreError::NotFound(_))));
    // The register, then the return.
    let events = store.audit_events().expect("audit");
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].action, "collection");
}

fn a_read_that_fails_leaves_nothing_of_the_return(engine: &Engine) {
    register(engine);
    let audit_before = engine.store().audit_events().expect("audit").len();
    let failed = ingest_with(
        engine,
        &example_return(),
        "LA01",
        PERIOD,
        None,
        &mut |sink| {
            Box::new(FailAfter {
                inner: sink,
                rows: 10,
            })
        },
    );
    assert!(failed.is_err(), "the read failed");
    let store = engine.store();
    assert!(store.returns(true).expect("returns").is_empty());
    assert_eq!(store.audit_events().expect("audit").len(), audit_before);
    for table in [
        "returns",
        "people",
        "people_identity",
        "incidents",
        "rejects",
        "return_tables",
    ] {
        assert_eq!(
            engine.count(&format!("SELECT COUNT(*) FROM {table}")),
            0,
            "rows left in {table}"
        );
    }
    // And it can be stored afterwards, whole.
    let (_, stored) = ingest(engine, &example_return(), "LA01", PERIOD).expect("ingest");
    let returns = engine.store().returns(false).expect("returns");
    assert_eq!(returns.len(), 1);
    assert_eq!(returns[0].return_id, stored.return_id);
    assert!(
        engine
            .store()
            .verify_audit()
            .expect("verify")
            .broken
            .is_none()
    );
}

fn the_same_bytes_are_stored_once(engine: &Engine) {
    register(engine);
    let (_, stored) = ingest(engine, &example_return(), "LA01", PERIOD).expect("ingest");
    let hash = engine.store().returns(false).expect("returns")[0]
        .content_hash
        .clone();
    assert_eq!(
        engine.store().find_return("LA01", &hash).expect("find"),
        Some(stored.return_id)
    );
    assert_eq!(
        engine.store().find_return("POL01", &hash).expect("find"),
        None
    );
    // Past the check before it (as when two processes store the same bytes at once), the
    // store itself refuses the second copy and says which return holds it.
    match ingest(engine, &example_return(), "LA01", PERIOD) {
        Err(StoreError::AlreadyStored(existing)) => assert_eq!(existing, stored.return_id),
        other => panic!("expected AlreadyStored, got {other:?}"),
    }
    assert_eq!(engine.store().returns(true).expect("returns").len(), 1);
    // Another agency's identical files are its own return.
    ingest(engine, &example_return(), "POL01", PERIOD).expect("another agency");
    assert_eq!(engine.store().returns(true).expect("returns").len(), 2);
}

fn a_later_return_for_the_same_period_supersedes_the_earlier(engine: &Engine) {
    register(engine);
    let files = example_return();
    let people_only: Vec<PathBuf> = files
        .iter()
        .filter(|f| f.ends_with("people.csv"))
        .cloned()
        .collect();
    let (_, first) = ingest(engine, &files, "LA01", PERIOD).expect("first");
    let (_, second) = ingest(engine, &people_only, "LA01", PERIOD).expect("second");
    assert_eq!(second.superseded, vec![first.return_id]);
    let store = engine.store();
    let current = store.returns(false).expect("returns");
    assert_eq!(current.len(), 1);
    assert_eq!(current[0].return_id, second.return_id);
    let all = store.returns(true).expect("returns");
    assert_eq!(all.len(), 2);
    assert_eq!(all[0].status, "superseded");
    assert_eq!(all[0].superseded_by, Some(second.return_id));
    let events = store.audit_events().expect("audit");
    assert!(events.iter().any(|e| e.action == "alteration"
        && e.subject
            == format!(
                "return {} superseded by return {}",
                first.return_id, second.return_id
            )));
    // The assessment reads only the current return; another period is another return.
    let analysis = store.analysis().expect("analysis");
    assert_eq!(analysis.returns.len(), 1);
    assert!(
        analysis.incidents.is_empty(),
        "the superseded return's incidents"
    );
    let (_, other) = ingest(engine, &people_only, "LA01", None).expect("no period");
    assert!(other.superseded.is_empty());
}

fn reveal_reads_the_vault_and_is_audited(engine: &Engine) {
    register(engine);
    ingest(engine, &example_return(), "LA01", PERIOD).expect("ingest");
    let keys = engine.keys();
    let before = engine.store().audit_events().expect("audit").len();
    let identity = engine
        .store()
        .reveal_person(1, &keys, "officer", "checking a match")
        .expect("reveal");
    assert_eq!(identity.agency_id, "LA01");
    assert!(
        identity
            .fields
            .contains(&("person_id".to_string(), "V001".to_string()))
    );
    assert!(
        identity
            .fields
            .contains(&("given_name".to_string(), "Amy".to_string()))
    );
    let rows = engine
        .store()
        .reveal_rejects(1, &keys, "officer", "fixing the return")
        .expect("reveal rejects");
    assert!(!rows.is_empty());
    assert!(rows.iter().all(|r| r.revealed.is_some()));
    let events = engine.store().audit_events().expect("audit");
    assert_eq!(events.len(), before + 2);
    assert_eq!(events[before].action, "consultation");
    assert_eq!(events[before].user, "officer");
    assert_eq!(events[before].reason, "checking a match");
    assert_eq!(events[before + 1].reason, "fixing the return");
    assert!(matches!(
        engine.store().reveal_person(999, &keys, "officer", "x"),
        Err(StoreError::NotFound(_))
    ));
    assert_eq!(
        engine.store().audit_events().expect("audit").len(),
        before + 2
    );
}

fn linkage_runs_are_kept_with_their_evidence(engine: &Engine) {
    register(engine);
    ingest(engine, &example_return(), "LA01", PERIOD).expect("ingest");
    let mut records = Vec::new();
    let count = engine
        .store()
        .linkage_records(&engine.keys(), "linker", &mut |record| records.push(record))
        .expect("linkage records");
    assert_eq!(count, records.len());
    assert!(count >= 2);
    assert_eq!(records[0].given_name, "Amy");
    let ids: Vec<i64> = records.iter().map(|r| r.record_id).collect();
    // Records 1 and 2 are one person; the rest are themselves.
    let people: Vec<(i64, i64)> = ids
        .iter()
        .map(|&id| (id, if id == ids[1] { ids[0] } else { id }))
        .collect();
    let evidence = vec![sightline_store::linkage::Evidence {
        record_a: ids[0],
        record_b: ids[1],
        person: ids[0],
        weight: 7.25,
        levels: vec![3, 0, 2],
        weights: vec![4.5, 0.0, 2.75],
    }];
    let model = serde_json::json!({"threshold": 0.7});
    let report = serde_json::json!({"people": count - 1});
    let run_id = engine
        .store()
        .save_linkage("linker", &model, &report, &people, &evidence)
        .expect("save");
    let store = engine.store();
    let run = store.linkage_run().expect("run").expect("a run");
    assert_eq!(run.run_id, run_id);
    assert_eq!(run.records, count as i64);
    assert_eq!(run.people, count as i64 - 1);
    assert_eq!(run.model, model);
    assert_eq!(
        store.person_of(run_id, ids[1]).expect("person"),
        Some(ids[0])
    );
    let (members, links) = store.person(run_id, ids[0]).expect("person");
    assert_eq!(
        members.iter().map(|m| m.record_id).collect::<Vec<_>>(),
        vec![ids[0], ids[1]]
    );
    assert_eq!(links.len(), 1);
    assert_eq!(links[0].levels, vec![3, 0, 2]);
    assert_eq!(links[0].weights, vec![4.5, 0.0, 2.75]);
    assert_eq!(links[0].weight, 7.25);
    let analysis = store.analysis().expect("analysis");
    assert_eq!(analysis.linkage_run, Some(run_id));
    assert_eq!(analysis.people[1].person, Some(ids[0]));
    assert_eq!(analysis.link_probabilities.len(), 1);
    let actions: Vec<String> = store
        .audit_events()
        .expect("audit")
        .into_iter()
        .map(|e| e.action)
        .collect();
    assert_eq!(
        &actions[actions.len() - 2..],
        ["consultation".to_string(), "combination".to_string()]
    );
}

fn the_analysis_reads_current_returns_and_assessment_factors(engine: &Engine) {
    register(engine);
    let (report, _) = ingest(engine, &example_return(), "LA01", PERIOD).expect("ingest");
    let case = repo().join("test_data/ok/profile_assessment_factors_column");
    ingest_with(
        engine,
        &[case.join("people.csv")],
        "LA02",
        None,
        Some(&case.join("profile.toml")),
        &mut |sink| Box::new(Forward(sink)),
    )
    .expect("ingest the council's extract");
    let analysis = engine.store().analysis().expect("analysis");
    let accepted = |table: &str| {
        report
            .tables
            .iter()
            .find(|t| t.table.name() == table)
            .map_or(0, |t| t.accepted as usize)
    };
    assert_eq!(analysis.returns.len(), 2);
    assert_eq!(analysis.incidents.len(), accepted("incidents"));
    assert_eq!(analysis.involvements.len(), accepted("involvements"));
    assert_eq!(analysis.episodes.len(), accepted("missing_episodes"));
    assert!(!analysis.rejects.is_empty());
    assert_eq!(analysis.linkage_run, None);
    let la02 = analysis
        .agencies
        .iter()
        .position(|a| a.agency.agency_id == "LA02")
        .expect("LA02");
    let factors: Vec<&str> = analysis
        .people
        .iter()
        .filter(|p| p.agency == la02)
        .map(|p| &*p.assessment_factors)
        .collect();
    assert_eq!(factors.len(), 4, "{factors:?}");
    assert!(
        factors[0].contains("11A") && factors[0].contains("10A"),
        "{factors:?}"
    );
    assert!(factors.iter().all(|f| !f.is_empty()), "{factors:?}");
    let la01_people = analysis.people.iter().filter(|p| p.agency != la02).count();
    assert_eq!(la01_people, accepted("people"));
    assert!(
        analysis
            .people
            .iter()
            .filter(|p| p.agency != la02)
            .all(|p| p.assessment_factors.is_empty())
    );
    // Record ids follow one another, return after return.
    let ids: Vec<i64> = analysis.people.iter().map(|p| p.record_id).collect();
    assert_eq!(ids, (1..=ids.len() as i64).collect::<Vec<_>>());
}

fn the_audit_chain_verifies_and_an_edit_is_found(engine: &Engine) {
    register(engine);
    ingest(engine, &example_return(), "LA01", PERIOD).expect("ingest");
    engine
        .store()
        .record_event("analyst", Action::Disclosure, "report", "publication")
        .expect("event");
    let verdict = engine.store().verify_audit().expect("verify");
    assert_eq!(verdict.events, 3);
    assert!(verdict.broken.is_none());
    engine.raw("UPDATE audit SET reason = 'routine' WHERE seq = 2");
    let verdict = engine.store().verify_audit().expect("verify");
    assert_eq!(verdict.broken.map(|b| b.0), Some(2));
}

fn a_newer_schema_is_refused_and_nothing_is_changed(engine: &Engine) {
    register(engine);
    engine.raw(
        "INSERT INTO schema_migrations (version, name, applied_at) VALUES (99, 'from the future', '2030-01-01T00:00:00Z')",
    );
    match engine.workspace.store() {
        Err(StoreError::NewerSchema { found, known }) => {
            assert_eq!(found, 99);
            assert_eq!(known, sightline_store::migrations::LATEST);
        }
        Err(other) => panic!("expected NewerSchema, got {other}"),
        Ok(_) => panic!("a store of a newer schema was opened"),
    }
    let message = engine.workspace.store().err().expect("refused").to_string();
    assert!(message.contains("upgrade sightline"), "{message}");
    assert_eq!(engine.count("SELECT COUNT(*) FROM returns"), 0);
    assert_eq!(engine.count("SELECT COUNT(*) FROM audit"), 1);
}

fn a_key_that_is_not_the_stores_is_refused(engine: &Engine) {
    register(engine);
    let other = engine.dir.path().join("other.key");
    sightline_store::Keys::create(&other).expect("another key");
    let workspace = Workspace::open(&engine.dir.path().join("ws"), Some(&other)).expect("open");
    let workspace = match &engine.postgres {
        Some(database) => workspace.with_database(&database.url).expect("url"),
        None => workspace,
    };
    let mut keys = workspace.keys().expect("keys");
    let new = NewReturn {
        agency_id: "LA01".to_string(),
        period: None,
        files: vec!["people.csv".to_string()],
        content_hash: "x".to_string(),
        user: "analyst".to_string(),
    };
    let result = workspace
        .store()
        .expect("store")
        .ingest(&new, &mut keys, &mut |_| unreachable!("nothing is read"));
    assert!(matches!(result, Err(StoreError::Key(_))), "{result:?}");
    assert_eq!(engine.count("SELECT COUNT(*) FROM returns"), 0);
}

/// Both engines get the same tables and columns from the same migrations.
#[test]
fn migrations_give_sqlite_and_postgres_the_same_tables_and_columns() {
    let sqlite = Engine::sqlite();
    let postgres = Engine::postgres();
    let connection =
        rusqlite::Connection::open(sqlite.dir.path().join("ws/store.sqlite")).expect("open");
    let mut from_sqlite: Vec<(String, String)> = Vec::new();
    let tables: Vec<String> = connection
        .prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")
        .expect("tables")
        .query_map([], |row| row.get(0))
        .expect("tables")
        .collect::<Result<_, _>>()
        .expect("tables");
    for table in tables {
        let columns: Vec<String> = connection
            .prepare(&format!("SELECT name FROM pragma_table_info('{table}')"))
            .expect("columns")
            .query_map([], |row| row.get(0))
            .expect("columns")
            .collect::<Result<_, _>>()
            .expect("columns");
        for column in columns {
            from_sqlite.push((table.clone(), column));
        }
    }
    from_sqlite.sort();
    let mut client = postgres.postgres.as_ref().expect("postgres").connect();
    let mut from_postgres: Vec<(String, String)> = client
        .query(
            "SELECT table_name::text, column_name::text FROM information_schema.columns
             WHERE table_schema IN ('sightline', 'sightline_vault')",
            &[],
        )
        .expect("columns")
        .into_iter()
        .map(|row| (row.get(0), row.get(1)))
        .collect();
    from_postgres.sort();
    assert_eq!(from_sqlite, from_postgres);
    let vault: Vec<String> = client
        .query(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'sightline_vault' ORDER BY 1",
            &[],
        )
        .expect("vault tables")
        .into_iter()
        .map(|row| row.get(0))
        .collect();
    assert_eq!(
        vault,
        [
            "group_labels",
            "note_cells",
            "people_identity",
            "rejected_cells"
        ]
    );
}

/// A store made before migrations were recorded (schema version 1, sealed cells beside the
/// rejected rows) is brought to the latest version on open, its sealed values moved to the
/// vault tables and still readable. SQLite only: no PostgreSQL store ever had version 1 alone.
#[test]
fn an_embedded_store_of_schema_version_1_is_migrated_on_open_sqlite() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("store.sqlite");
    let connection = rusqlite::Connection::open(&path).expect("create");
    connection
        .execute_batch(
            &sightline_store::migrations::MIGRATIONS[0]
                .sql(sightline_store::migrations::Dialect::Sqlite),
        )
        .expect("schema 1");
    connection
        .execute_batch(
            "INSERT INTO meta (key, value) VALUES ('schema_version', '1');
             INSERT INTO agencies VALUES ('LA01', 'A council', 'childrens_services', 'E06000015', 1);
             INSERT INTO returns (agency_id, files, content_hash, ingested_at, user, status) VALUES ('LA01', '[]', 'h', 't', 'u', 'current');
             INSERT INTO return_tables (return_id, table_name, read, accepted, rejected) VALUES (1, 'people', 2, 1, 1);
             INSERT INTO return_tables (return_id, table_name, read, accepted, rejected) VALUES (1, 'incidents', 0, 0, 0);
             INSERT INTO rejects (return_id, table_name, file, source_row, rules, columns, sealed) VALUES (1, 'people', 'p.csv', 3, '[\"E001\"]', '[]', x'0102');",
        )
        .expect("a version 1 store");
    drop(connection);
    let store = sightline_store::SqlStore::sqlite(&path).expect("open and migrate");
    let returns = store.returns(false).expect("returns");
    assert_eq!(
        returns[0]
            .tables
            .iter()
            .map(|t| t.table.as_str())
            .collect::<Vec<_>>(),
        ["people", "incidents"],
        "the order the tables were read in is kept"
    );
    assert_eq!(store.rejects(1).expect("rejects")[0].rules, ["E001"]);
    let connection = rusqlite::Connection::open(&path).expect("open");
    let sealed: Vec<u8> = connection
        .query_row(
            "SELECT sealed FROM rejected_cells WHERE reject_id = 1",
            [],
            |row| row.get(0),
        )
        .expect("moved to the vault table");
    assert_eq!(sealed, [1, 2]);
    let versions: Vec<i64> = connection
        .prepare("SELECT version FROM schema_migrations ORDER BY version")
        .expect("versions")
        .query_map([], |row| row.get(0))
        .expect("versions")
        .collect::<Result<_, _>>()
        .expect("versions");
    assert_eq!(versions, [1, 2]);
}
