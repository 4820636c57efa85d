//! The shared engine: a PostgreSQL database that several analysts, the collection service and
//! scheduled jobs use at once.
//!
//! - Two schemas: `sightline` (returns, analysis tables, audit log, linkage) and `sightline_vault`
//!   (every sealed value). The connection's `search_path` names both, so the store's shared SQL
//!   runs unchanged; a login without rights on the vault simply cannot see it.
//! - Three roles per database, made by `init` when its login may create roles, named after the
//!   database: `DB_analysis` (reads the analysis tables, appends to the audit log; no right at all
//!   on the vault — the assessment runs under it), `DB_ingest` (stores returns: writes the
//!   analysis tables and the vault, reads no identifier back), `DB_linkage` (the linkage
//!   officer: reads the vault, writes linkage runs). Logins are members of one of them.
//! - Writes are transactions at READ COMMITTED; the audit log is appended under a transaction
//!   advisory lock, so concurrent writers chain their events one after another; the assessment
//!   reads one REPEATABLE READ snapshot, so an ingest that commits meanwhile is either wholly in
//!   it or not at all.
//! - Bulk rows go in by binary COPY: the ingest's rows come encoded as COPY tuples already
//!   ([`EncodedRows`]), other bulk rows are encoded here (the store's four column types). The
//!   ids of a return's person records, rejected rows and group members come in blocks from
//!   their tables' identity sequences, taken under an advisory lock on a second connection, so
//!   several returns can be written at once; a return that is rolled back leaves a gap in the
//!   ids.
//! - A dropped connection (a killed process) rolls its transaction back on the server.

use crate::db::{
    Column, Db, EncodedRows, IdKind, Kind, RecordIds, SqlRow, Value, column_names,
    dollar_placeholders,
};
use crate::migrations::{self, Dialect, LATEST, PG_SCHEMA, PG_VAULT};
use crate::{Result, StoreError};
use bytes::BytesMut;
use postgres::error::SqlState;
use postgres::fallible_iterator::FallibleIterator;
use postgres::types::{IsNull, ToSql, Type, to_sql_checked};
use postgres::{Client, Config, NoTls, Statement};
use std::collections::HashMap;
use std::io::Write as _;
use std::time::Duration;

/// The advisory lock that orders audit appends (and so supersession decisions).
const AUDIT_LOCK: i64 = 0x5349_4748_544c_0001;
/// The advisory lock that lets one process at a time change the schema.
const MIGRATION_LOCK: i64 = 0x5349_4748_544c_0002;
/// The advisory lock under which blocks of person record ids are taken.
const RECORD_ID_LOCK: i64 = 0x5349_4748_544c_0003;

/// The roles of a store, from its prefix (the database's name).
#[derive(Debug, Clone)]
pub struct Roles {
    /// Reads the analysis tables and appends to the audit log; nothing in the vault.
    pub analysis: String,
    /// Stores returns: writes the analysis tables and the vault; reads no identifier.
    pub ingest: String,
    /// Reads the vault for linkage and reveal; writes linkage runs.
    pub linkage: String,
}

impl Roles {
    pub fn for_prefix(prefix: &str) -> Roles {
        Roles {
            analysis: format!("{prefix}_analysis"),
            ingest: format!("{prefix}_ingest"),
            linkage: format!("{prefix}_linkage"),
        }
    }

    fn all(&self) -> [&str; 3] {
        [&self.analysis, &self.ingest, &self.linkage]
    }
}

/// A role prefix from a database name: lower-case letters, digits and `_`, at most 40.
fn role_prefix(database: &str) -> String {
    let mut prefix: String = database
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '_'
            }
        })
        .take(40)
        .collect();
    if prefix.is_empty() || prefix.starts_with(|c: char| c.is_ascii_digit()) {
        prefix.insert_str(0, "s_");
    }
    prefix
}

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// A URL with its password, if any, left out: for messages and the workspace's config.
pub fn without_password(url: &str) -> String {
    let Some(scheme_end) = url.find("://") else {
        return url.to_string();
    };
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    match authority.rfind('@') {
        Some(at) => {
            let credentials = &authority[..at];
            let user = credentials.split(':').next().unwrap_or_default();
            format!(
                "{}{user}{}{}",
                &url[..scheme_end + 3],
                &authority[at..],
                &rest[authority_end..]
            )
        }
        None => url.to_string(),
    }
}

fn os_user() -> String {
    ["USER", "LOGNAME", "USERNAME"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|v| !v.is_empty()))
        .unwrap_or_else(|| "postgres".to_string())
}

/// Where a connection goes, for messages: `user@host:port/database`.
fn describe(config: &Config) -> String {
    let host = match config.get_hosts().first() {
        Some(postgres::config::Host::Tcp(host)) => host.clone(),
        #[cfg(unix)]
        Some(postgres::config::Host::Unix(path)) => path.display().to_string(),
        None => "localhost".to_string(),
    };
    let port = config.get_ports().first().copied().unwrap_or(5432);
    format!(
        "{}@{host}:{port}/{}",
        config.get_user().unwrap_or_default(),
        config.get_dbname().unwrap_or_default()
    )
}

impl From<postgres::Error> for StoreError {
    fn from(error: postgres::Error) -> StoreError {
        if let Some(db) = error.as_db_error() {
            let code = db.code();
            let message = match db.detail() {
                Some(detail) => format!("{} ({detail})", db.message()),
                None => db.message().to_string(),
            };
            if *code == SqlState::UNIQUE_VIOLATION {
                return StoreError::Conflict(message);
            }
            if *code == SqlState::INSUFFICIENT_PRIVILEGE {
                return StoreError::Permission(format!(
                    "the database refused: {message}. This login's role does not allow it; ask the database's owner for a login in the role that does (`DB_analysis` reads figures, `DB_ingest` stores returns, `DB_linkage` reads identifiers)"
                ));
            }
            if code.code().starts_with("28") {
                return StoreError::Unavailable(format!(
                    "the PostgreSQL server refused the login: {message}"
                ));
            }
            return StoreError::Database(format!("PostgreSQL: {message} [{}]", code.code()));
        }
        if error.is_closed() {
            return StoreError::Unavailable(format!(
                "the connection to the PostgreSQL server was lost ({error}); nothing of the unfinished work was kept: run the command again when the server is back"
            ));
        }
        StoreError::Database(format!("PostgreSQL: {error}"))
    }
}

/// Opens a connection, with messages that say what to do when it cannot be had.
fn connect(url: &str) -> Result<(Client, Config)> {
    if !(url.starts_with("postgres://") || url.starts_with("postgresql://")) {
        return Err(StoreError::Workspace(format!(
            "'{}' is not a PostgreSQL URL: write it as postgres://USER@HOST:PORT/DATABASE",
            without_password(url)
        )));
    }
    let mut config: Config = url.parse().map_err(|e| {
        StoreError::Workspace(format!(
            "'{}' is not a PostgreSQL URL ({e}): write it as postgres://USER@HOST:PORT/DATABASE",
            without_password(url)
        ))
    })?;
    if config.get_user().is_none() {
        config.user(&os_user());
    }
    if config.get_password().is_none()
        && let Ok(password) = std::env::var("PGPASSWORD")
    {
        config.password(password);
    }
    if config.get_dbname().is_none() {
        let user = config.get_user().unwrap_or_default().to_string();
        config.dbname(&user);
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(Duration::from_secs(10));
    }
    config.application_name("sightline");
    let place = describe(&config);
    let mut client = config.connect(NoTls).map_err(|error| {
        let user = config.get_user().unwrap_or_default();
        let database = config.get_dbname().unwrap_or_default();
        match error.code() {
            Some(code) if *code == SqlState::INVALID_PASSWORD => StoreError::Unavailable(format!(
                "the PostgreSQL server ({place}) refused the password of '{user}': give the right one in SIGHTLINE_DATABASE (postgres://USER:PASSWORD@HOST/DB) or PGPASSWORD"
            )),
            Some(code) if code.code().starts_with("28") => StoreError::Unavailable(format!(
                "the PostgreSQL server ({place}) refused the login '{user}' ({}): check the user in the URL (SIGHTLINE_DATABASE) and that the server lets it in",
                error.as_db_error().map_or_else(|| error.to_string(), |e| e.message().to_string())
            )),
            Some(code) if *code == SqlState::INVALID_CATALOG_NAME => {
                StoreError::Unavailable(format!(
                    "there is no database '{database}' on the PostgreSQL server ({place}): create it first (createdb {database}) or check the URL"
                ))
            }
            _ => StoreError::Unavailable(format!(
                "cannot reach the PostgreSQL server at {place} ({error}): is it running? `pg_isready` tells; the address is in the workspace's sightline.toml or SIGHTLINE_DATABASE"
            )),
        }
    })?;
    client.batch_execute(&format!("SET search_path = {PG_SCHEMA}, {PG_VAULT}"))?;
    Ok((client, config))
}

/// The shared engine's connection.
pub struct PostgresDb {
    client: Client,
    config: Config,
    statements: HashMap<String, Statement>,
    copy_types: HashMap<String, Vec<Type>>,
    in_transaction: bool,
    roles: Option<Roles>,
}

impl ToSql for Value<'_> {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut BytesMut,
    ) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Value::Null => Ok(IsNull::Yes),
            Value::Int(n) => int_to_sql(*n, ty, out),
            Value::Bool(b) if *ty == Type::BOOL => b.to_sql(ty, out),
            Value::Bool(b) => int_to_sql(i64::from(*b), ty, out),
            Value::Real(x) if *ty == Type::FLOAT4 => (*x as f32).to_sql(ty, out),
            Value::Real(x) => x.to_sql(ty, out),
            Value::Text(text) => text.as_ref().to_sql(ty, out),
            Value::Blob(bytes) => bytes.to_sql(ty, out),
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    to_sql_checked!();
}

fn int_to_sql(
    n: i64,
    ty: &Type,
    out: &mut BytesMut,
) -> std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
    match *ty {
        Type::INT8 => n.to_sql(ty, out),
        Type::INT4 => i32::try_from(n)?.to_sql(ty, out),
        Type::INT2 => i16::try_from(n)?.to_sql(ty, out),
        Type::BOOL => (n != 0).to_sql(ty, out),
        Type::FLOAT8 => (n as f64).to_sql(ty, out),
        _ => Err(format!("an integer cannot be stored as {ty}").into()),
    }
}

struct Row<'a>(&'a postgres::Row);

impl Row<'_> {
    fn type_at(&self, at: usize) -> Result<&Type> {
        self.0
            .columns()
            .get(at)
            .map(|c| c.type_())
            .ok_or_else(|| StoreError::Corrupt(format!("no column {at}")))
    }
}

impl SqlRow for Row<'_> {
    fn int(&self, at: usize) -> Result<Option<i64>> {
        let ty = self.type_at(at)?;
        Ok(match *ty {
            Type::INT8 => self.0.try_get::<_, Option<i64>>(at)?,
            Type::INT4 => self.0.try_get::<_, Option<i32>>(at)?.map(i64::from),
            Type::INT2 => self.0.try_get::<_, Option<i16>>(at)?.map(i64::from),
            Type::BOOL => self.0.try_get::<_, Option<bool>>(at)?.map(i64::from),
            Type::FLOAT8 => self.0.try_get::<_, Option<f64>>(at)?.map(|x| x as i64),
            _ => {
                return Err(StoreError::Corrupt(format!(
                    "column {at} is {ty}, not a whole number"
                )));
            }
        })
    }

    fn real(&self, at: usize) -> Result<Option<f64>> {
        let ty = self.type_at(at)?;
        Ok(match *ty {
            Type::FLOAT8 => self.0.try_get::<_, Option<f64>>(at)?,
            Type::FLOAT4 => self.0.try_get::<_, Option<f32>>(at)?.map(f64::from),
            _ => self.int(at)?.map(|n| n as f64),
        })
    }

    fn text(&self, at: usize) -> Result<Option<&str>> {
        Ok(self.0.try_get::<_, Option<&str>>(at)?)
    }

    fn blob(&self, at: usize) -> Result<Option<&[u8]>> {
        Ok(self.0.try_get::<_, Option<&[u8]>>(at)?)
    }
}

/// Blocks of ids from the identity sequences of `people`, `rejects` and `group_members`, taken
/// on a connection of their own (outside the return's transaction) under an advisory lock:
/// each block is contiguous and no two writers share an id.
struct BlockIds {
    client: Client,
    /// Each kind's statement, prepared when first needed.
    statements: [Option<Statement>; IdKind::ALL.len()],
}

impl RecordIds for BlockIds {
    fn take(&mut self, kind: IdKind, n: usize) -> Result<Vec<i64>> {
        let statement = match &self.statements[kind as usize] {
            Some(statement) => statement.clone(),
            None => {
                let (table, column) = kind.column();
                let sequence: Option<String> = self
                    .client
                    .query_one(
                        "SELECT pg_get_serial_sequence($1, $2)",
                        &[&format!("{PG_SCHEMA}.{table}"), &column],
                    )?
                    .get(0);
                let sequence = sequence.ok_or_else(|| {
                    StoreError::Corrupt(format!("{table}.{column} has no sequence"))
                })?;
                let statement = self.client.prepare(&format!(
                    "WITH locked AS MATERIALIZED (SELECT pg_advisory_xact_lock({RECORD_ID_LOCK}))
                     SELECT setval('{sequence}', nextval('{sequence}') + $1 - 1) FROM locked"
                ))?;
                self.statements[kind as usize] = Some(statement.clone());
                statement
            }
        };
        let n = n as i64;
        let last: i64 = self.client.query_one(&statement, &[&n])?.get(0);
        Ok((last - n + 1..=last).collect())
    }
}

/// What `init` did to the database.
#[derive(Debug, Clone, Default)]
pub struct Setup {
    /// The roles, when they exist.
    pub roles: Option<Roles>,
    /// Why the roles were not made, when they were not.
    pub note: Option<String>,
}

impl PostgresDb {
    /// Connects to a database that holds a store, bringing its schema up to date when this
    /// login may (else saying who can).
    pub fn open(url: &str) -> Result<PostgresDb> {
        let (client, config) = connect(url)?;
        let mut db = PostgresDb {
            client,
            config,
            statements: HashMap::new(),
            copy_types: HashMap::new(),
            in_transaction: false,
            roles: None,
        };
        let version = db.version()?;
        if version == 0 {
            return Err(StoreError::Workspace(format!(
                "the database {} holds no Sightline store: make one with `sightline init DIR --database URL`",
                describe(&db.config)
            )));
        }
        db.migrate(version)?;
        db.roles = db.stored_roles()?;
        Ok(db)
    }

    /// Connects to a database for `init`: makes the schema (or brings it up to date) and the
    /// roles.
    pub fn init(url: &str) -> Result<(PostgresDb, Setup)> {
        let (client, config) = connect(url)?;
        let mut db = PostgresDb {
            client,
            config,
            statements: HashMap::new(),
            copy_types: HashMap::new(),
            in_transaction: false,
            roles: None,
        };
        let version = db.version()?;
        let setup = db.migrate_and_grant(version, true)?;
        db.roles = db.stored_roles()?;
        Ok((db, setup))
    }

    /// The schema version, 0 when the database holds no store.
    fn version(&mut self) -> Result<i64> {
        let table = format!("{PG_SCHEMA}.schema_migrations");
        let exists: bool = self
            .client
            .query_one("SELECT to_regclass($1) IS NOT NULL", &[&table])?
            .get(0);
        if !exists {
            return Ok(0);
        }
        Ok(self
            .client
            .query_one(
                &format!("SELECT COALESCE(MAX(version), 0) FROM {table}"),
                &[],
            )?
            .get(0))
    }

    fn migrate(&mut self, version: i64) -> Result<()> {
        if version > LATEST {
            return Err(StoreError::NewerSchema {
                found: version,
                known: LATEST,
            });
        }
        if version == LATEST {
            return Ok(());
        }
        self.migrate_and_grant(version, false)
            .map(|_| ())
            .map_err(|error| match error {
                StoreError::Permission(why) => StoreError::Permission(format!(
                    "the store's schema is version {version} and this sightline needs version {LATEST}, but this login may not change the schema ({why}); run any sightline command once with the database owner's login to bring it up to date. Nothing was changed"
                )),
                other => other,
            })
    }

    /// Applies the pending migrations and the roles' grants in one transaction, one process at
    /// a time.
    fn migrate_and_grant(&mut self, version: i64, make_roles: bool) -> Result<Setup> {
        if version > LATEST {
            return Err(StoreError::NewerSchema {
                found: version,
                known: LATEST,
            });
        }
        self.begin_write()?;
        match self.apply_migrations(make_roles) {
            Ok(setup) => {
                self.commit()?;
                Ok(setup)
            }
            Err(error) => {
                self.rollback();
                Err(error)
            }
        }
    }

    fn apply_migrations(&mut self, make_roles: bool) -> Result<Setup> {
        self.client
            .batch_execute(&format!("SELECT pg_advisory_xact_lock({MIGRATION_LOCK})"))?;
        self.client.batch_execute(&format!(
            "CREATE SCHEMA IF NOT EXISTS {PG_SCHEMA};
             CREATE SCHEMA IF NOT EXISTS {PG_VAULT};
             CREATE TABLE IF NOT EXISTS {PG_SCHEMA}.schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);"
        ))?;
        // Another process may have migrated while this one waited for the lock.
        let version = self.version()?;
        if version > LATEST {
            return Err(StoreError::NewerSchema {
                found: version,
                known: LATEST,
            });
        }
        for migration in migrations::pending(version) {
            self.client
                .batch_execute(&migration.sql(Dialect::Postgres))?;
            self.client.execute(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
                &[&migration.version, &migration.name, &crate::audit::now()],
            )?;
        }
        self.client.execute(
            "INSERT INTO meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            &[&LATEST.to_string()],
        )?;
        let database = self.config.get_dbname().unwrap_or("sightline").to_string();
        self.client.execute(
            "INSERT INTO meta (key, value) VALUES ('role_prefix', $1) ON CONFLICT (key) DO NOTHING",
            &[&role_prefix(&database)],
        )?;
        let prefix: String = self
            .client
            .query_one("SELECT value FROM meta WHERE key = 'role_prefix'", &[])?
            .get(0);
        let roles = Roles::for_prefix(&prefix);
        let mut setup = Setup::default();
        let existing = self.existing_roles(&roles)?;
        let may: bool = self
            .client
            .query_one(
                "SELECT rolcreaterole OR rolsuper FROM pg_roles WHERE rolname = current_user",
                &[],
            )?
            .get(0);
        if existing < 3 && make_roles {
            if may {
                for role in roles.all() {
                    self.client.batch_execute(&format!(
                        "DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') THEN CREATE ROLE {} NOLOGIN; END IF; END $$",
                        quote(role)
                    ))?;
                }
            } else {
                setup.note = Some(format!(
                    "the roles {}, {} and {} were not made: this login may not create roles. A database administrator can make them (NOLOGIN) and run `sightline init` again",
                    roles.analysis, roles.ingest, roles.linkage
                ));
            }
        }
        if self.existing_roles(&roles)? == 3 {
            self.grant(&roles, may)?;
            setup.roles = Some(roles);
        }
        Ok(setup)
    }

    fn existing_roles(&mut self, roles: &Roles) -> Result<i64> {
        let names: Vec<String> = roles.all().iter().map(|r| r.to_string()).collect();
        Ok(self
            .client
            .query_one(
                "SELECT COUNT(*) FROM pg_roles WHERE rolname = ANY($1)",
                &[&names],
            )?
            .get(0))
    }

    /// What each role may do, on every table of both schemas (run after every migration). The
    /// collection service's credentials (password hashes, session and recovery digests) are the
    /// owner's alone: none of the three roles reads them.
    /// A login that may manage roles also becomes a member of the analysis role, so that its
    /// assessments run under it.
    fn grant(&mut self, roles: &Roles, manage_roles: bool) -> Result<()> {
        let (a, i, l) = (
            quote(&roles.analysis),
            quote(&roles.ingest),
            quote(&roles.linkage),
        );
        let (s, v) = (PG_SCHEMA, PG_VAULT);
        self.client.batch_execute(&format!(
            "REVOKE ALL ON SCHEMA {v} FROM PUBLIC;
             REVOKE ALL ON ALL TABLES IN SCHEMA {v} FROM {a};
             REVOKE ALL ON SCHEMA {v} FROM {a};
             GRANT USAGE ON SCHEMA {s} TO {a}, {i}, {l};
             GRANT SELECT ON ALL TABLES IN SCHEMA {s} TO {a}, {i}, {l};
             GRANT INSERT ON {s}.audit TO {a}, {i}, {l};
             GRANT INSERT ON ALL TABLES IN SCHEMA {s} TO {i};
             GRANT UPDATE (status, superseded_by) ON {s}.returns TO {i};
             GRANT UPDATE (name, agency_type, area, requested, region) ON {s}.agencies TO {i};
             GRANT USAGE, UPDATE ON ALL SEQUENCES IN SCHEMA {s} TO {i}, {l};
             GRANT INSERT ON {s}.linkage_runs, {s}.linked_records, {s}.linkage_evidence, {s}.linkage_near_misses TO {l};
             GRANT USAGE ON SCHEMA {v} TO {i}, {l};
             GRANT INSERT ON ALL TABLES IN SCHEMA {v} TO {i};
             GRANT SELECT ON ALL TABLES IN SCHEMA {v} TO {l};
             REVOKE ALL ON {s}.users, {s}.recovery_codes, {s}.invitations, {s}.sessions FROM {a}, {i}, {l};"
        ))?;
        if manage_roles {
            self.client
                .batch_execute(&format!("GRANT {a} TO CURRENT_USER"))?;
        }
        Ok(())
    }

    fn stored_roles(&mut self) -> Result<Option<Roles>> {
        let prefix = self
            .client
            .query_opt("SELECT value FROM meta WHERE key = 'role_prefix'", &[])?
            .map(|row| row.get::<_, String>(0));
        let Some(prefix) = prefix else {
            return Ok(None);
        };
        let roles = Roles::for_prefix(&prefix);
        Ok((self.existing_roles(&roles)? == 3).then_some(roles))
    }

    /// The store's roles, when they exist.
    pub fn roles(&self) -> Option<&Roles> {
        self.roles.as_ref()
    }

    fn prepare(&mut self, sql: &str) -> Result<Statement> {
        if let Some(statement) = self.statements.get(sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(&dollar_placeholders(sql))?;
        self.statements.insert(sql.to_string(), statement.clone());
        Ok(statement)
    }

    /// A table's binary COPY, prepared once per connection.
    fn prepare_copy(&mut self, table: &str, columns: &str) -> Result<Statement> {
        let sql = format!("COPY {table} ({columns}) FROM STDIN (FORMAT binary)");
        if let Some(statement) = self.statements.get(&sql) {
            return Ok(statement.clone());
        }
        let statement = self.client.prepare(&sql)?;
        self.statements.insert(sql, statement.clone());
        Ok(statement)
    }

    fn column_types(&mut self, table: &str, columns: &str) -> Result<Vec<Type>> {
        let key = format!("{table}({columns})");
        if let Some(types) = self.copy_types.get(&key) {
            return Ok(types.clone());
        }
        let statement = self
            .client
            .prepare(&format!("SELECT {columns} FROM {table} LIMIT 0"))?;
        let types: Vec<Type> = statement
            .columns()
            .iter()
            .map(|c| c.type_().clone())
            .collect();
        self.copy_types.insert(key, types.clone());
        Ok(types)
    }
}

impl Db for PostgresDb {
    fn execute(&mut self, sql: &str, params: &[Value<'_>]) -> Result<u64> {
        let statement = self.prepare(sql)?;
        let refs: Vec<&(dyn ToSql + Sync)> =
            params.iter().map(|v| v as &(dyn ToSql + Sync)).collect();
        Ok(self.client.execute(&statement, &refs)?)
    }

    fn query(
        &mut self,
        sql: &str,
        params: &[Value<'_>],
        each: &mut dyn FnMut(&dyn SqlRow) -> Result<()>,
    ) -> Result<()> {
        let statement = self.prepare(sql)?;
        let mut rows = self.client.query_raw(&statement, params.iter())?;
        while let Some(row) = rows.next()? {
            each(&Row(&row))?;
        }
        Ok(())
    }

    fn insert_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: &mut dyn Iterator<Item = Vec<Value<'_>>>,
    ) -> Result<()> {
        let mut rows = rows.peekable();
        if rows.peek().is_none() {
            return Ok(());
        }
        let columns = columns.join(", ");
        let types = self.column_types(table, &columns)?;
        let mut sink = self.client.copy_in(&format!(
            "COPY {table} ({columns}) FROM STDIN (FORMAT binary)"
        ))?;
        let mut buffer: Vec<u8> = Vec::with_capacity(COPY_CHUNK + 4096);
        buffer.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        buffer.extend_from_slice(&0i32.to_be_bytes());
        buffer.extend_from_slice(&0i32.to_be_bytes());
        for row in rows {
            encode_row(&mut buffer, &row, &types, table)?;
            if buffer.len() >= COPY_CHUNK {
                sink.write_all(&buffer).map_err(copy_error)?;
                buffer.clear();
            }
        }
        buffer.extend_from_slice(&(-1i16).to_be_bytes());
        sink.write_all(&buffer).map_err(copy_error)?;
        sink.finish()?;
        Ok(())
    }

    /// One COPY of the rows as they were encoded (they are binary COPY tuples already),
    /// after checking once per table that each column's kind is its type here.
    fn insert_encoded(
        &mut self,
        table: &str,
        columns: &[Column],
        rows: &EncodedRows,
    ) -> Result<()> {
        if rows.is_empty() {
            return Ok(());
        }
        let names = column_names(columns);
        let types = self.column_types(table, &names)?;
        for ((name, kind), ty) in columns.iter().zip(&types) {
            let fits = match kind {
                Kind::Int => *ty == Type::INT8,
                Kind::Text => *ty == Type::TEXT,
                Kind::Blob => *ty == Type::BYTEA,
            };
            if !fits {
                return Err(StoreError::Corrupt(format!(
                    "{table}.{name} is {ty} here, not the {kind:?} the ingest writes"
                )));
            }
        }
        let statement = self.prepare_copy(table, &names)?;
        let mut sink = self.client.copy_in(&statement)?;
        let mut header = Vec::with_capacity(19);
        header.extend_from_slice(b"PGCOPY\n\xff\r\n\0");
        header.extend_from_slice(&0i32.to_be_bytes());
        header.extend_from_slice(&0i32.to_be_bytes());
        sink.write_all(&header).map_err(copy_error)?;
        // In pieces: the client library copies what it is given into a buffer of its own
        // before sending, and a piece's buffer is reused where a batch's would be fresh memory.
        for piece in rows.bytes().chunks(COPY_CHUNK) {
            sink.write_all(piece).map_err(copy_error)?;
        }
        sink.write_all(&(-1i16).to_be_bytes()).map_err(copy_error)?;
        sink.finish()?;
        Ok(())
    }

    fn begin_write(&mut self) -> Result<()> {
        self.client.batch_execute("BEGIN")?;
        self.in_transaction = true;
        Ok(())
    }

    /// One snapshot for the whole read, under the analysis role (which cannot use the vault)
    /// when this login is a member of it.
    fn begin_analysis(&mut self) -> Result<()> {
        self.client
            .batch_execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")?;
        self.in_transaction = true;
        if let Some(roles) = &self.roles {
            let member: bool = self
                .client
                .query_one(
                    "SELECT pg_has_role(current_user, $1, 'MEMBER')",
                    &[&roles.analysis],
                )?
                .get(0);
            if member {
                let role = quote(&roles.analysis);
                self.client
                    .batch_execute(&format!("SET LOCAL ROLE {role}"))?;
            }
        }
        Ok(())
    }

    fn commit(&mut self) -> Result<()> {
        if self.in_transaction {
            self.in_transaction = false;
            self.client.batch_execute("COMMIT")?;
        }
        Ok(())
    }

    fn rollback(&mut self) {
        if self.in_transaction {
            self.in_transaction = false;
            let _ = self.client.batch_execute("ROLLBACK");
        }
    }

    fn lock_audit(&mut self) -> Result<()> {
        self.client
            .batch_execute(&format!("SELECT pg_advisory_xact_lock({AUDIT_LOCK})"))?;
        Ok(())
    }

    fn record_ids(&mut self) -> Result<Box<dyn RecordIds>> {
        let (client, _) = connect_config(&self.config)?;
        Ok(Box::new(BlockIds {
            client,
            statements: Default::default(),
        }))
    }

    fn batch_rows(&self) -> usize {
        BATCH_ROWS
    }

    fn check_vault_access(&mut self) -> Result<()> {
        let may: bool = self
            .client
            .query_one("SELECT has_schema_privilege($1, 'USAGE')", &[&PG_VAULT])?
            .get(0);
        let may = may && {
            let table = format!("{PG_VAULT}.people_identity");
            self.client
                .query_one("SELECT has_table_privilege($1, 'SELECT')", &[&table])?
                .get::<_, bool>(0)
        };
        if may {
            return Ok(());
        }
        let login = self.config.get_user().unwrap_or_default().to_string();
        let role = self
            .roles
            .as_ref()
            .map_or_else(|| "DB_linkage".to_string(), |r| r.linkage.clone());
        Err(StoreError::Permission(format!(
            "the database login '{login}' may not read the identity vault (schema {PG_VAULT}): identifiers are read only by logins in the role {role} (the linkage officer). Figures (assess, report) need no identifiers"
        )))
    }
}

/// Rows the ingest hands to the writer at a time: each batch is one COPY per table.
const BATCH_ROWS: usize = 8192;

/// Bytes of COPY data sent at a time.
const COPY_CHUNK: usize = 256 * 1024;

fn copy_error(error: std::io::Error) -> StoreError {
    StoreError::Database(format!("PostgreSQL: sending rows failed: {error}"))
}

/// One row in PostgreSQL's binary COPY format. The store's columns are BIGINT, DOUBLE
/// PRECISION, TEXT and BYTEA; a value of another kind than its column is refused here rather
/// than sent.
fn encode_row(buffer: &mut Vec<u8>, row: &[Value<'_>], types: &[Type], table: &str) -> Result<()> {
    if row.len() != types.len() {
        return Err(StoreError::Corrupt(format!(
            "{table}: {} values for {} columns",
            row.len(),
            types.len()
        )));
    }
    buffer.extend_from_slice(&(row.len() as i16).to_be_bytes());
    for (value, ty) in row.iter().zip(types) {
        let fits = match value {
            Value::Null => true,
            Value::Int(_) | Value::Bool(_) => *ty == Type::INT8,
            Value::Real(_) => *ty == Type::FLOAT8,
            Value::Text(_) => *ty == Type::TEXT,
            Value::Blob(_) => *ty == Type::BYTEA,
        };
        if !fits {
            // The kind of value only: a value itself may be sealed or a pseudonym.
            let kind = match value {
                Value::Int(_) | Value::Bool(_) => "whole number",
                Value::Real(_) => "real number",
                Value::Text(_) => "text",
                _ => "byte string",
            };
            return Err(StoreError::Corrupt(format!(
                "{table}: a {kind} for a column of type {ty}"
            )));
        }
        match value {
            Value::Null => buffer.extend_from_slice(&(-1i32).to_be_bytes()),
            Value::Int(n) => {
                buffer.extend_from_slice(&8i32.to_be_bytes());
                buffer.extend_from_slice(&n.to_be_bytes());
            }
            Value::Bool(b) => {
                buffer.extend_from_slice(&8i32.to_be_bytes());
                buffer.extend_from_slice(&i64::from(*b).to_be_bytes());
            }
            Value::Real(x) => {
                buffer.extend_from_slice(&8i32.to_be_bytes());
                buffer.extend_from_slice(&x.to_bits().to_be_bytes());
            }
            Value::Text(text) => {
                buffer.extend_from_slice(&(text.len() as i32).to_be_bytes());
                buffer.extend_from_slice(text.as_bytes());
            }
            Value::Blob(bytes) => {
                buffer.extend_from_slice(&(bytes.len() as i32).to_be_bytes());
                buffer.extend_from_slice(bytes);
            }
        }
    }
    Ok(())
}

/// A second connection like the first.
fn connect_config(config: &Config) -> Result<(Client, Config)> {
    let mut client = config.connect(NoTls)?;
    client.batch_execute(&format!("SET search_path = {PG_SCHEMA}, {PG_VAULT}"))?;
    Ok((client, config.clone()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_left_out_of_urls() {
        assert_eq!(
            without_password("postgres://ann:secret@db.example:5432/sightline"),
            "postgres://ann@db.example:5432/sightline"
        );
        assert_eq!(
            without_password("postgres://127.0.0.1/sightline"),
            "postgres://127.0.0.1/sightline"
        );
        assert_eq!(
            without_password("postgresql://ann@host/db?sslmode=disable"),
            "postgresql://ann@host/db?sslmode=disable"
        );
    }

    #[test]
    fn role_prefixes_are_plain_names() {
        assert_eq!(role_prefix("Sightline-2026"), "sightline_2026");
        assert_eq!(role_prefix("2026"), "s_2026");
        assert_eq!(Roles::for_prefix("ncs").analysis, "ncs_analysis");
    }
}
