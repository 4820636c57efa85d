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

    /// Bytes read directly from the database.
    fn blob(&self, sql: &str) -> Vec<u8> {
        match &self.postgres {
            Some(database) => database.connect().query_one(sql, &[]).expect(sql).get(0),
            None => rusqlite::Connection::open(self.dir.path().join("ws/store.sqlite"))
                .expect("open")
                .query_row(sql, [], |row| row.get(0))
                .expect(sql),
        }
    }

    /// The first column of a query's rows, read directly from the database.
    fn column<T>(&self, sql: &str) -> Vec<T>
    where
        T: for<'a> ::postgres::types::FromSql<'a> + rusqlite::types::FromSql,
    {
        match &self.postgres {
            Some(database) => database
                .connect()
                .query(sql, &[])
                .expect(sql)
                .iter()
                .map(|row| row.get(0))
                .collect(),
            None => {
                let connection =
                    rusqlite::Connection::open(self.dir.path().join("ws/store.sqlite"))
                        .expect("open");
                let mut statement = connection.prepare(sql).expect(sql);
                statement
                    .query_map([], |row| row.get(0))
                    .expect(sql)
                    .collect::<Result<_, _>>()
                    .expect(sql)
            }
        }
    }

    /// Bytes as a literal of the engine's SQL.
    fn literal(&self, bytes: &[u8]) -> String {
        match &self.postgres {
            Some(_) => format!("'\\x{}'::bytea", hex::encode(bytes)),
            None => format!("x'{}'", hex::encode(bytes)),
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
    nonces_are_given_in_the_order_of_the_rows,
    linkage_runs_are_kept_with_their_evidence,
    the_analysis_reads_current_returns_and_assessment_factors,
    the_audit_chain_verifies_and_an_edit_is_found,
    removing_the_newest_events_is_found_by_the_checkpoint,
    an_edit_rehashed_with_plain_sha256_is_found,
    reordered_events_are_found,
    a_truncated_log_is_found,
    a_store_of_schema_version_2_keeps_its_plain_chain_and_continues_keyed,
    the_audit_log_cannot_be_written_or_verified_without_the_key_file,
    rotating_the_key_reseals_the_vault_and_keeps_pseudonyms,
    an_erased_return_cannot_be_read_even_with_the_key,
    a_return_sealed_before_return_keys_stays_readable_rotates_and_erases,
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
            region: String::new(),
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

/// Values are sealed on another thread than the one that reads the return, but each person
/// record's nonces are reserved in row order, one per vault column: what is stored does not
/// depend on how the threads ran.
fn nonces_are_given_in_the_order_of_the_rows(engine: &Engine) {
    register(engine);
    ingest(engine, &example_return(), "LA01", PERIOD).expect("ingest");
    let nonce = |blob: &[u8]| {
        let mut bytes = [0u8; 16];
        bytes[..12].copy_from_slice(&blob[..12]);
        u128::from_le_bytes(bytes)
    };
    let ids = engine.column::<Vec<u8>>("SELECT person_id FROM people_identity ORDER BY record_id");
    assert!(ids.len() > 2, "the example return has people");
    let nonces: Vec<u128> = ids.iter().map(|blob| nonce(blob)).collect();
    for pair in nonces.windows(2) {
        // Nonces are 96 bits, counted on from a random start.
        assert_eq!(pair[1].wrapping_sub(pair[0]) & ((1 << 96) - 1), 9);
    }
    let given = engine.blob(
        "SELECT given_name FROM people_identity WHERE record_id = (SELECT MIN(record_id) FROM people_identity)",
    );
    assert_eq!(nonce(&given).wrapping_sub(nonces[0]) & ((1 << 96) - 1), 1);
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
    assert_eq!(
        engine.store().records_after_linkage().expect("count"),
        count as u64,
        "before any run, every record is waiting for linkage"
    );
    let model = serde_json::json!({"threshold": 0.7});
    let report = serde_json::json!({"people": count - 1});
    let run_id = engine
        .store()
        .save_linkage(
            "linker",
            &model,
            &report,
            &people,
            &evidence,
            &[sightline_store::linkage::NearMiss {
                record_a: ids[0],
                record_b: ids[2],
                probability: 0.125,
            }],
        )
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
    assert_eq!(
        analysis
            .links
            .iter()
            .map(|l| (l.record_a, l.record_b))
            .collect::<Vec<_>>(),
        vec![(ids[0], ids[1])]
    );
    assert_eq!(analysis.near_misses, vec![(ids[0], ids[2], 0.125)]);
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
    drop(store);
    assert_eq!(engine.store().records_after_linkage().expect("count"), 0);
    // Another agency's return after the run: its records wait for the next one.
    let (later, _) = ingest(engine, &example_return(), "LA02", PERIOD).expect("ingest");
    let people_rows = later
        .tables
        .iter()
        .find(|t| t.table.name() == "people")
        .map_or(0, |t| t.accepted);
    assert!(people_rows > 0);
    assert_eq!(
        engine.store().records_after_linkage().expect("count"),
        people_rows
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
    assert_eq!(verdict.unkeyed_events, 0);
    assert_eq!(verdict.checkpoints, Some(3), "one line per commit");
    engine.raw("UPDATE audit SET reason = 'routine' WHERE seq = 2");
    let verdict = engine.store().verify_audit().expect("verify");
    assert_eq!(verdict.broken.map(|b| b.0), Some(2));
}

/// Five events, one commit each; the store verifies.
fn five_events(engine: &Engine) {
    register(engine);
    for n in 0..4 {
        engine
            .store()
            .record_event("analyst", Action::Disclosure, &format!("report {n}"), "")
            .expect("event");
    }
    let verdict = engine.store().verify_audit().expect("verify");
    assert_eq!((verdict.events, verdict.broken), (5, None));
}

/// Where verification finds the log broken, and why.
fn broken(engine: &Engine) -> (i64, String) {
    engine
        .store()
        .verify_audit()
        .expect("verify")
        .broken
        .expect("the change is found")
}

fn removing_the_newest_events_is_found_by_the_checkpoint(engine: &Engine) {
    five_events(engine);
    engine.raw("DELETE FROM audit WHERE seq > 3");
    let (seq, why) = broken(engine);
    assert_eq!(seq, 4);
    assert!(why.contains("the newest events were removed"), "{why}");
}

/// Event 2 edited, then it and every later event rehashed with plain SHA-256, as anyone who can
/// write the store could (nothing secret is needed for SHA-256).
fn an_edit_rehashed_with_plain_sha256_is_found(engine: &Engine) {
    five_events(engine);
    let mut events = engine.store().audit_events().expect("events");
    events[1].reason = "routine".to_string();
    for index in 1..events.len() {
        let prev = events[index - 1].hash.clone();
        let e = &mut events[index];
        e.prev_hash = prev;
        e.hash = sightline_store::audit::event_hash(
            &e.prev_hash,
            e.seq,
            &e.at,
            &e.user,
            &e.action,
            &e.subject,
            &e.reason,
        );
        engine.raw(&format!(
            "UPDATE audit SET reason = '{}', prev_hash = '{}', hash = '{}' WHERE seq = {}",
            e.reason, e.prev_hash, e.hash, e.seq
        ));
    }
    let (seq, why) = broken(engine);
    assert_eq!(seq, 2);
    assert!(why.contains("plain SHA-256"), "{why}");
    // The checkpoint alone would find it too.
    std::fs::write(engine.workspace.checkpoint_path(), "").expect("empty the checkpoint");
    assert_eq!(broken(engine).0, 2);
}

fn reordered_events_are_found(engine: &Engine) {
    five_events(engine);
    engine.raw("UPDATE audit SET seq = 0 - seq WHERE seq IN (2, 3)");
    engine.raw("UPDATE audit SET seq = 3 WHERE seq = -2");
    engine.raw("UPDATE audit SET seq = 2 WHERE seq = -3");
    let (seq, why) = broken(engine);
    assert_eq!(seq, 2);
    assert!(why.contains("does not follow"), "{why}");
}

fn a_truncated_log_is_found(engine: &Engine) {
    five_events(engine);
    engine.raw("DELETE FROM audit");
    let (seq, why) = broken(engine);
    assert_eq!(seq, 1);
    assert!(why.contains("removed"), "{why}");
}

/// A store made before the keyed chain: its events were chained with plain SHA-256 and there is
/// no checkpoint. Migration 3 keeps them as they are; they verify, the next event is keyed and
/// chains onto them, and from then on a plain SHA-256 rewrite of the whole log is found.
fn a_store_of_schema_version_2_keeps_its_plain_chain_and_continues_keyed(engine: &Engine) {
    five_events(engine);
    // Make it what schema version 2 wrote.
    let mut events = engine.store().audit_events().expect("events");
    let mut prev = sightline_store::audit::GENESIS.to_string();
    for e in &mut events {
        e.prev_hash = prev.clone();
        e.hash = sightline_store::audit::event_hash(
            &prev, e.seq, &e.at, &e.user, &e.action, &e.subject, &e.reason,
        );
        prev = e.hash.clone();
        engine.raw(&format!(
            "UPDATE audit SET prev_hash = '{}', hash = '{}' WHERE seq = {}",
            e.prev_hash, e.hash, e.seq
        ));
    }
    let vault = if engine.postgres.is_some() {
        "sightline_vault."
    } else {
        ""
    };
    engine.raw(&format!(
        "DROP TABLE {vault}return_keys;
         DROP TABLE erasures;
         ALTER TABLE returns DROP COLUMN review_date;
         ALTER TABLE people DROP COLUMN identification;
         DROP TABLE linkage_near_misses;
         DROP TABLE agency_profiles; DROP TABLE reminders; DROP TABLE sign_offs; DROP TABLE explanations; DROP TABLE {vault}submission_reports;
         DROP TABLE {vault}submission_files; DROP TABLE submissions; DROP TABLE status_events;
         DROP TABLE call_agencies; DROP TABLE data_calls; DROP TABLE sessions;
         DROP TABLE invitations; DROP TABLE recovery_codes; DROP TABLE user_roles; DROP TABLE users;
         ALTER TABLE agencies DROP COLUMN region;
         DELETE FROM schema_migrations WHERE version >= 3;
         DELETE FROM meta WHERE key = 'audit_keyed_from';
         UPDATE meta SET value = '2' WHERE key = 'schema_version';"
    ));
    std::fs::remove_file(engine.workspace.checkpoint_path()).expect("no checkpoint then");
    // Opened by this build: migrated, verified as before.
    let verdict = engine.store().verify_audit().expect("verify");
    assert_eq!(verdict.broken, None);
    assert_eq!((verdict.events, verdict.unkeyed_events), (5, 5));
    assert_eq!(verdict.checkpoints, None);
    assert_eq!(
        engine.count("SELECT CAST(value AS BIGINT) FROM meta WHERE key = 'audit_keyed_from'"),
        6
    );
    engine
        .store()
        .record_event("analyst", Action::Disclosure, "report", "")
        .expect("event");
    let verdict = engine.store().verify_audit().expect("verify");
    assert_eq!(verdict.broken, None);
    assert_eq!((verdict.events, verdict.unkeyed_events), (6, 5));
    assert_eq!(verdict.checkpoints, Some(1));
    // Rewriting the old part breaks the keyed event that vouches for it.
    engine.raw("UPDATE audit SET reason = 'routine' WHERE seq = 3");
    assert_eq!(broken(engine).0, 3);
}

fn rotating_the_key_reseals_the_vault_and_keeps_pseudonyms(engine: &Engine) {
    register(engine);
    ingest(engine, &example_return(), "LA01", PERIOD).expect("ingest");
    let old = engine.keys();
    let identity = engine
        .store()
        .reveal_person(1, &old, "officer", "before")
        .expect("reveal")
        .fields;
    let rejects = engine
        .store()
        .reveal_rejects(1, &old, "officer", "before")
        .expect("reveal rejects");
    let people = engine.count("SELECT COUNT(*) FROM people");
    let (resealed, retired) = engine
        .workspace
        .rotate_keys("analyst", "scheduled")
        .expect("rotate");
    // The return has a data key of its own: only that is re-wrapped.
    assert_eq!(
        resealed,
        sightline_store::rotation::Resealed {
            return_keys: 1,
            values: 0
        }
    );
    assert!(retired.exists());
    assert!(!engine.workspace.pending_key_path().exists());
    // The new key reads the same identifiers and rejected cells; the old one is refused.
    let new = engine.keys();
    assert_eq!(
        engine
            .store()
            .reveal_person(1, &new, "officer", "after")
            .expect("reveal")
            .fields,
        identity
    );
    let again = engine
        .store()
        .reveal_rejects(1, &new, "officer", "after")
        .expect("reveal rejects");
    assert_eq!(
        again.iter().map(|r| &r.revealed).collect::<Vec<_>>(),
        rejects.iter().map(|r| &r.revealed).collect::<Vec<_>>()
    );
    let refused = engine.store().reveal_person(1, &old, "officer", "old key");
    assert!(matches!(refused, Err(StoreError::Key(_))), "{refused:?}");
    // A return stored after the rotation gives the agency's people the same pseudonymous keys.
    ingest(engine, &example_return(), "LA01", None).expect("ingest again");
    assert_eq!(engine.count("SELECT COUNT(*) FROM people"), 2 * people);
    assert_eq!(
        engine.count("SELECT COUNT(DISTINCT person_key) FROM people"),
        engine.count("SELECT COUNT(DISTINCT person_key) FROM people WHERE return_id = 1")
    );
    let verdict = engine.store().verify_audit().expect("verify");
    assert_eq!(verdict.broken, None);
    let events = engine.store().audit_events().expect("events");
    assert!(events.iter().any(|e| {
        e.action == "alteration"
            && e.reason == "scheduled"
            && e.subject
                .contains("1 return keys re-wrapped, 0 older sealed values")
    }));
}

fn an_erased_return_cannot_be_read_even_with_the_key(engine: &Engine) {
    register(engine);
    ingest(engine, &example_return(), "LA01", PERIOD).expect("ingest");
    let keys = engine.keys();
    let returns = engine.store().returns(false).expect("returns");
    // A council's return: reviewed six years after its period ends (the default).
    assert_eq!(returns[0].review_date.as_deref(), Some("2030-03-31"));
    assert_eq!(returns[0].erased, None);
    // The return's identifiers are sealed with its own data key, which only the wrapped key
    // in the vault gives.
    let wrapped = engine.blob("SELECT wrapped FROM return_keys WHERE return_id = 1");
    let sealed = engine.blob("SELECT given_name FROM people_identity WHERE record_id = 1");
    assert!(keys.open(&sealed, "people/1/given_name").is_err());
    let data = keys.open_return_key(&wrapped, 1).expect("unwrap");
    assert_eq!(
        data.open(&sealed, "people/1/given_name").expect("open"),
        "Amy"
    );
    let people = engine.count("SELECT COUNT(*) FROM people");

    let erasure = engine
        .store()
        .erase_return(1, "officer", "review date passed")
        .expect("erase");
    assert_eq!(erasure.reason, "review date passed");
    // The key is gone; the sealed values may stay, and nothing opens them.
    assert_eq!(
        engine.count("SELECT COUNT(*) FROM return_keys WHERE return_id = 1"),
        0
    );
    let still = engine.blob("SELECT given_name FROM people_identity WHERE record_id = 1");
    assert!(keys.open(&still, "people/1/given_name").is_err());
    match engine
        .store()
        .reveal_person(1, &keys, "officer", "after erasure")
    {
        Err(StoreError::Erased(message)) => {
            assert!(message.contains(&erasure.at), "{message}");
            assert!(message.contains("officer"), "{message}");
            assert!(message.contains("review date passed"), "{message}");
        }
        other => panic!("expected Erased, got {other:?}"),
    }
    assert!(matches!(
        engine
            .store()
            .reveal_rejects(1, &keys, "officer", "after erasure"),
        Err(StoreError::Erased(_))
    ));
    if engine.postgres.is_none() {
        // SQLite overwrites deleted content: the wrapped key is nowhere in the file.
        let file = std::fs::read(engine.dir.path().join("ws/store.sqlite")).expect("read");
        assert!(!file.windows(wrapped.len()).any(|w| w == wrapped.as_slice()));
    }
    // Counts, rows, the audit trail and the fact of the erasure remain.
    assert_eq!(engine.count("SELECT COUNT(*) FROM people"), people);
    let returns = engine.store().returns(false).expect("returns");
    assert_eq!(returns[0].erased.as_ref(), Some(&erasure));
    assert!(returns[0].tables.iter().any(|t| t.accepted > 0));
    let mut linked = Vec::new();
    engine
        .store()
        .linkage_records(&keys, "linker", &mut |record| linked.push(record))
        .expect("linkage reads what is left");
    assert_eq!(linked.len() as i64, people);
    assert!(linked.iter().all(|r| r.given_name.is_empty()));
    let events = engine.store().audit_events().expect("events");
    assert!(events.iter().any(|e| e.action == "erasure"
        && e.reason == "review date passed"
        && e.subject.contains("return 1")));
    assert_eq!(engine.store().verify_audit().expect("verify").broken, None);
    assert!(matches!(
        engine.store().erase_return(1, "officer", "again"),
        Err(StoreError::Erased(_))
    ));
}

/// A return stored before schema 4 had no data key: its values were sealed with the
/// workspace's key. Such a return is made here from a new one (its values re-sealed with the
/// workspace's key, its data key removed); it stays readable, a rotation re-seals its values,
/// and erasing it deletes them.
fn a_return_sealed_before_return_keys_stays_readable_rotates_and_erases(engine: &Engine) {
    register(engine);
    let people = engine.dir.path().join("legacy/people.csv");
    std::fs::create_dir_all(people.parent().expect("folder")).expect("folder");
    std::fs::write(
        &people,
        "person_id,role,given_name,family_name,date_of_birth\n\
         L1,victim,Alex,Example,2010-01-02\n\
         L2,victim,Sam,Sample,2011-03-04\n",
    )
    .expect("write");
    let (report, _) = ingest(engine, &[people], "LA01", None).expect("ingest");
    assert_eq!(report.rows_rejected(), 0);
    for table in ["rejected_cells", "note_cells", "group_labels"] {
        assert_eq!(engine.count(&format!("SELECT COUNT(*) FROM {table}")), 0);
    }
    let mut master = engine.keys();
    let wrapped = engine.blob("SELECT wrapped FROM return_keys WHERE return_id = 1");
    let data = master.open_return_key(&wrapped, 1).expect("unwrap");
    let columns = ["person_id", "given_name", "family_name", "date_of_birth"];
    let mut values = 0;
    for record_id in engine.column::<i64>("SELECT record_id FROM people WHERE return_id = 1") {
        for column in columns {
            let place = format!("people/{record_id}/{column}");
            let sealed = engine.blob(&format!(
                "SELECT {column} FROM people_identity WHERE record_id = {record_id}"
            ));
            let value = data.open(&sealed, &place).expect("open");
            let legacy = master.seal(&value, &place).expect("seal");
            engine.raw(&format!(
                "UPDATE people_identity SET {column} = {} WHERE record_id = {record_id}",
                engine.literal(&legacy)
            ));
            values += 1;
        }
    }
    engine.raw("DELETE FROM return_keys");

    let fields = |keys: &sightline_store::Keys| {
        engine
            .store()
            .reveal_person(1, keys, "officer", "an older return")
            .expect("reveal")
            .fields
    };
    let before = fields(&master);
    assert!(before.contains(&("given_name".to_string(), "Alex".to_string())));
    let (resealed, _) = engine
        .workspace
        .rotate_keys("analyst", "scheduled")
        .expect("rotate");
    assert_eq!(
        resealed,
        sightline_store::rotation::Resealed {
            return_keys: 0,
            values
        }
    );
    assert_eq!(fields(&engine.keys()), before);
    engine
        .store()
        .erase_return(1, "officer", "review date passed")
        .expect("erase");
    assert_eq!(engine.count("SELECT COUNT(*) FROM people_identity"), 0);
    assert_eq!(engine.count("SELECT COUNT(*) FROM people"), 2);
    assert!(matches!(
        engine
            .store()
            .reveal_person(1, &engine.keys(), "officer", "after"),
        Err(StoreError::Erased(_))
    ));
    assert_eq!(engine.store().verify_audit().expect("verify").broken, None);
}

fn the_audit_log_cannot_be_written_or_verified_without_the_key_file(engine: &Engine) {
    register(engine);
    std::fs::rename(
        &engine.workspace.key_path,
        engine.dir.path().join("elsewhere.key"),
    )
    .expect("move the key");
    let store = engine.store();
    let message = store.verify_audit().expect_err("refused").to_string();
    assert!(message.contains("key file"), "{message}");
    let mut store = engine.store();
    let message = store
        .record_event("analyst", Action::Disclosure, "report", "")
        .expect_err("refused")
        .to_string();
    assert!(message.contains("cannot be read"), "{message}");
    assert_eq!(engine.count("SELECT COUNT(*) FROM audit"), 1);
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
            "rejected_cells",
            "return_keys",
            "submission_files",
            "submission_reports",
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
    assert_eq!(
        versions,
        (1..=sightline_store::migrations::LATEST).collect::<Vec<_>>()
    );
}
