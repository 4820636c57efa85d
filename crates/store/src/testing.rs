//! PostgreSQL for tests: a database of its own for each test, dropped with its roles when the
//! test ends (also when it fails).
//!
//! The server is `SIGHTLINE_TEST_POSTGRES` (an administrator's URL: a login that may create
//! databases and roles), else `postgres://127.0.0.1:5432/test` as the OS user, which is what the
//! development machines and `.ci/run` provide (`scripts/with-postgres.sh` starts a throwaway
//! server where none runs). A test that needs PostgreSQL and cannot reach it fails, saying
//! how to start one: it is never skipped.

use postgres::{Client, NoTls};
use std::sync::atomic::{AtomicU32, Ordering};

static NEXT: AtomicU32 = AtomicU32::new(0);

/// The administrator's URL the tests use.
pub fn admin_url() -> String {
    std::env::var("SIGHTLINE_TEST_POSTGRES")
        .ok()
        .filter(|url| !url.trim().is_empty())
        .unwrap_or_else(|| "postgres://127.0.0.1:5432/test".to_string())
}

/// `url` with another database (and, if given, another user).
pub fn with_database(url: &str, database: &str, user: Option<&str>) -> String {
    let (scheme, rest) = url.split_once("://").unwrap_or(("postgres", url));
    let (authority, _) = rest.split_once('/').unwrap_or((rest, ""));
    let host = authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host);
    let login = match (user, authority.rsplit_once('@')) {
        (Some(user), _) => format!("{user}@"),
        (None, Some((credentials, _))) => format!("{credentials}@"),
        (None, None) => String::new(),
    };
    format!("{scheme}://{login}{host}/{database}")
}

fn admin() -> Client {
    let url = admin_url();
    let mut config: postgres::Config = url
        .parse()
        .unwrap_or_else(|e| panic!("SIGHTLINE_TEST_POSTGRES '{url}' is not a URL: {e}"));
    if config.get_user().is_none() {
        let user = std::env::var("USER").unwrap_or_else(|_| "postgres".to_string());
        config.user(&user);
    }
    config.connect(NoTls).unwrap_or_else(|e| {
        panic!(
            "these tests need PostgreSQL and cannot reach {url} ({e}). Start a server \
             (`scripts/with-postgres.sh cargo test ...` starts a throwaway one, or \
             `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start`) or set \
             SIGHTLINE_TEST_POSTGRES to an administrator's URL"
        )
    })
}

/// A database made for one test; dropped, with the roles made for it, when this is dropped.
pub struct TestDatabase {
    /// The URL of the database, as the administrator.
    pub url: String,
    /// Its name, also the prefix of its roles.
    pub name: String,
    logins: Vec<String>,
}

impl TestDatabase {
    /// A new, empty database.
    pub fn create() -> TestDatabase {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let name = format!("slt_{}_{n}_{:04x}", std::process::id(), nanos & 0xffff);
        admin()
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap_or_else(|e| panic!("cannot create the test database {name}: {e}"));
        TestDatabase {
            url: with_database(&admin_url(), &name, None),
            name,
            logins: Vec::new(),
        }
    }

    /// The URL of this database as another login.
    pub fn url_as(&self, user: &str) -> String {
        with_database(&admin_url(), &self.name, Some(user))
    }

    /// Makes a login role `NAME_suffix`, a member of `member_of`; returns its name. Dropped
    /// with the database.
    pub fn login(&mut self, suffix: &str, member_of: &str) -> String {
        let login = format!("{}_{suffix}", self.name);
        admin()
            .batch_execute(&format!("CREATE ROLE {login} LOGIN IN ROLE {member_of}"))
            .unwrap_or_else(|e| panic!("cannot create the login {login}: {e}"));
        self.logins.push(login.clone());
        login
    }

    /// A connection as the administrator.
    pub fn connect(&self) -> Client {
        self.connect_to(&self.url)
    }

    /// A connection as another login.
    pub fn connect_as(&self, user: &str) -> Client {
        self.connect_to(&self.url_as(user))
    }

    fn connect_to(&self, url: &str) -> Client {
        let mut config: postgres::Config = url.parse().expect("a URL");
        if config.get_user().is_none() {
            let user = std::env::var("USER").unwrap_or_else(|_| "postgres".to_string());
            config.user(&user);
        }
        let mut client = config.connect(NoTls).expect("connect to the test database");
        client
            .batch_execute("SET search_path = sightline, sightline_vault")
            .expect("search path");
        client
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let mut admin = admin();
        let _ = admin.batch_execute(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
        let roles = crate::postgres::Roles::for_prefix(&self.name);
        for role in self.logins.iter().map(String::as_str).chain([
            roles.analysis.as_str(),
            roles.ingest.as_str(),
            roles.linkage.as_str(),
        ]) {
            let _ = admin.batch_execute(&format!("DROP ROLE IF EXISTS {role}"));
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn urls_get_another_database_and_user() {
        assert_eq!(
            super::with_database("postgres://127.0.0.1:5432/test", "x", None),
            "postgres://127.0.0.1:5432/x"
        );
        assert_eq!(
            super::with_database("postgres://root:pw@h/test", "x", None),
            "postgres://root:pw@h/x"
        );
        assert_eq!(
            super::with_database("postgres://root@h/test", "x", Some("ann")),
            "postgres://ann@h/x"
        );
    }
}
