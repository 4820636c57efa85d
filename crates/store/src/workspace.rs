//! Where is the analyst's data, and which key opens it?
//!
//! A workspace is a folder holding `sightline.toml` (the config) and, unless
//! `SIGHTLINE_KEY_FILE` says otherwise, `sightline.key` (mode 0600). Its store is either the
//! embedded `store.sqlite` beside them, or a PostgreSQL database named in the config
//! (`database = "postgres://HOST/DB"`, never with a password: the login's password comes from
//! the URL given at run time, `SIGHTLINE_DATABASE`, or `PGPASSWORD`). The key is never inside the
//! database; the database keeps a check value of it, so a key that is not the store's own is
//! refused before anything is sealed with it.

use crate::keys::Keys;
use crate::sql_store::{SqlStore, key_check};
use crate::{Result, Store, StoreError};
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "sightline.toml";
pub const STORE_FILE: &str = "store.sqlite";
pub const KEY_FILE: &str = "sightline.key";

#[derive(Debug, Deserialize)]
struct Config {
    key_file: Option<String>,
    database: Option<String>,
}

/// Where a workspace's store is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoreLocation {
    /// The embedded store file.
    Sqlite(PathBuf),
    /// A PostgreSQL database, by URL (with whatever credentials were given at run time).
    Postgres(String),
}

impl std::fmt::Display for StoreLocation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StoreLocation::Sqlite(path) => write!(f, "{}", path.display()),
            StoreLocation::Postgres(url) => {
                write!(f, "{}", crate::postgres::without_password(url))
            }
        }
    }
}

/// An opened workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub dir: PathBuf,
    pub store: StoreLocation,
    pub key_path: PathBuf,
}

/// Files and folders `init` made, removed again if it fails: nothing half-made is left.
#[derive(Default)]
struct Made {
    paths: Vec<PathBuf>,
    done: bool,
}

impl Drop for Made {
    fn drop(&mut self) {
        if !self.done {
            for path in self.paths.iter().rev() {
                let _ = if path.is_dir() {
                    std::fs::remove_dir(path)
                } else {
                    std::fs::remove_file(path)
                };
            }
        }
    }
}

fn absolute(path: &Path) -> Result<PathBuf> {
    if path.is_relative() {
        Ok(std::env::current_dir()
            .map_err(|e| StoreError::Workspace(format!("cannot tell the current directory: {e}")))?
            .join(path))
    } else {
        Ok(path.to_path_buf())
    }
}

impl Workspace {
    /// Creates a workspace in `dir` (created if needed) with the embedded store. `key_file`
    /// puts the key elsewhere.
    pub fn init(dir: &Path, key_file: Option<&Path>) -> Result<Workspace> {
        Workspace::init_with(dir, key_file, None).map(|(workspace, _)| workspace)
    }

    /// Creates a workspace in `dir`; with `database` (a `postgres://` URL) its store is that
    /// database: the schema is made (or brought up to date) and its roles set up. A database
    /// that already holds a store is joined, with its own key (`key_file`) — the key is checked
    /// against the store. If anything fails, nothing of the workspace is left. Returns the
    /// workspace and what the user should know of the database (its roles, or why they were
    /// not made; that an existing store was joined).
    pub fn init_with(
        dir: &Path,
        key_file: Option<&Path>,
        database: Option<&str>,
    ) -> Result<(Workspace, Vec<String>)> {
        let config_path = dir.join(CONFIG_FILE);
        if config_path.exists() {
            return Err(StoreError::Workspace(format!(
                "{} is already a workspace; use it, or choose another folder",
                dir.display()
            )));
        }
        // The database first: a server that is down or a login refused leaves nothing behind.
        let mut notes = Vec::new();
        let mut shared = match database {
            Some(url) => {
                let (store, setup) = SqlStore::postgres_init(url)?;
                match (setup.roles, setup.note) {
                    (Some(roles), _) => notes.push(format!(
                        "roles: {} (figures only; no right on the vault), {} (stores returns), {} (reads identifiers); give each login one of them",
                        roles.analysis, roles.ingest, roles.linkage
                    )),
                    (None, Some(note)) => notes.push(note),
                    (None, None) => {}
                }
                Some(store)
            }
            None => None,
        };
        let mut made = Made::default();
        let mut missing = Vec::new();
        let mut parent = Some(dir);
        while let Some(folder) = parent.filter(|p| !p.as_os_str().is_empty() && !p.exists()) {
            missing.push(folder.to_path_buf());
            parent = folder.parent();
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Workspace(format!("cannot create {}: {e}", dir.display())))?;
        made.paths.extend(missing.into_iter().rev());
        // A key path given relative to where `init` ran would not be found from elsewhere.
        let key_file = key_file.map(absolute).transpose()?;
        let key_path = key_file.clone().unwrap_or_else(|| dir.join(KEY_FILE));
        let existing_check = match &shared {
            Some(store) => store.meta("key_check")?,
            None => None,
        };
        match &existing_check {
            Some(expected) => {
                // Joining a shared store: its key, never a new one.
                notes.push(
                    "the database already held a Sightline store: this workspace joins it"
                        .to_string(),
                );
                let keys = Keys::load(&key_path).map_err(|_| {
                    StoreError::Key(format!(
                        "the database already holds a Sightline store; to work on it, give its key file with SIGHTLINE_KEY_FILE (no key at {})",
                        key_path.display()
                    ))
                })?;
                if &key_check(&keys) != expected {
                    return Err(StoreError::Key(format!(
                        "{} is not the key of the store in this database; give the store's own key with SIGHTLINE_KEY_FILE",
                        key_path.display()
                    )));
                }
            }
            // A key that exists already (another workspace's, e.g. of a store restored or
            // compared) is used, never replaced.
            None if key_path.exists() => {
                Keys::load(&key_path)?;
                notes.push(format!("uses the existing key {}", key_path.display()));
            }
            None => {
                Keys::create(&key_path)?;
                made.paths.push(key_path.clone());
            }
        }
        let keys = Keys::load(&key_path)?;
        let key_line = match &key_file {
            Some(path) => format!("key_file = {:?}\n", path.display().to_string()),
            None => format!(
                "# key_file = {KEY_FILE:?}  (the default; SIGHTLINE_KEY_FILE overrides it)\n"
            ),
        };
        let store_line = match database {
            Some(url) => format!(
                "# The shared store (PostgreSQL). A login's password is never written here: give it in\n# SIGHTLINE_DATABASE (the same URL with user:password) or PGPASSWORD.\ndatabase = {:?}\n",
                crate::postgres::without_password(url)
            ),
            None => format!("store = {STORE_FILE:?}\n"),
        };
        let store = match database {
            Some(url) => StoreLocation::Postgres(url.to_string()),
            None => StoreLocation::Sqlite(dir.join(STORE_FILE)),
        };
        if shared.is_none() {
            let path = dir.join(STORE_FILE);
            let existed = path.exists();
            let store = SqlStore::sqlite(&path)?;
            if !existed {
                made.paths.push(path);
            }
            shared = Some(store);
        }
        if existing_check.is_none()
            && let Some(store) = shared.as_mut()
        {
            store.set_meta("key_check", &key_check(&keys))?;
        }
        let config = format!(
            "# Sightline workspace.\nstandard_version = {:?}\n{store_line}{key_line}",
            sightline_standard::STANDARD_VERSION
        );
        std::fs::write(&config_path, config).map_err(|e| {
            StoreError::Workspace(format!("cannot write {}: {e}", config_path.display()))
        })?;
        made.done = true;
        Ok((
            Workspace {
                dir: dir.to_path_buf(),
                store,
                key_path,
            },
            notes,
        ))
    }

    /// Opens the workspace in `dir`. `key_override` (from `SIGHTLINE_KEY_FILE`) wins over the
    /// config.
    pub fn open(dir: &Path, key_override: Option<&Path>) -> Result<Workspace> {
        let config_path = dir.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&config_path).map_err(|_| {
            StoreError::Workspace(format!(
                "{} is not a Sightline workspace (no {CONFIG_FILE}); create one with `sightline init DIR`, or point at one with --workspace or SIGHTLINE_WORKSPACE",
                dir.display()
            ))
        })?;
        let config: Config = toml::from_str(&text)
            .map_err(|e| StoreError::Workspace(format!("{}: {e}", config_path.display())))?;
        let key_path = match (key_override, config.key_file) {
            (Some(path), _) => path.to_path_buf(),
            (None, Some(path)) => PathBuf::from(path),
            (None, None) => dir.join(KEY_FILE),
        };
        let store = match config.database {
            Some(url) => StoreLocation::Postgres(url),
            None => StoreLocation::Sqlite(dir.join(STORE_FILE)),
        };
        Ok(Workspace {
            dir: dir.to_path_buf(),
            store,
            key_path,
        })
    }

    /// The same workspace reached with another URL (from `SIGHTLINE_DATABASE`: the same
    /// database with a login and password, or a restored copy). Only for a workspace whose
    /// store is a PostgreSQL database.
    pub fn with_database(mut self, url: &str) -> Result<Workspace> {
        match self.store {
            StoreLocation::Postgres(_) => {
                self.store = StoreLocation::Postgres(url.to_string());
                Ok(self)
            }
            StoreLocation::Sqlite(_) => Err(StoreError::Workspace(format!(
                "{} keeps its store in SQLite; SIGHTLINE_DATABASE is only for a workspace made with `sightline init DIR --database postgres://...`",
                self.dir.display()
            ))),
        }
    }

    pub fn keys(&self) -> Result<Keys> {
        Keys::load(&self.key_path)
    }

    /// The workspace's store. Callers see only the [`Store`] interface: nothing above the
    /// store knows which engine it has.
    pub fn store(&self) -> Result<Box<dyn Store>> {
        Ok(Box::new(self.sql_store()?))
    }

    /// The store with the audit key from the key file (when it is the store's own key) and the
    /// workspace's checkpoint file.
    pub(crate) fn sql_store(&self) -> Result<SqlStore> {
        let store = match &self.store {
            StoreLocation::Sqlite(path) => SqlStore::sqlite(path)?,
            StoreLocation::Postgres(url) => SqlStore::postgres(url)?,
        };
        let key = match Keys::load(&self.key_path) {
            Ok(keys) => match store.meta("key_check")? {
                Some(expected) if expected != key_check(&keys) => Err(format!(
                    "{} is not this store's key file: give the store's own key with SIGHTLINE_KEY_FILE",
                    self.key_path.display()
                )),
                _ => Ok(keys.audit_key()),
            },
            Err(error) => Err(format!("it cannot be read ({error})")),
        };
        Ok(store.with_audit(key, Some(self.checkpoint_path())))
    }

    /// The file outside the store that keeps the audit log's heads.
    pub fn checkpoint_path(&self) -> PathBuf {
        self.dir.join(crate::audit::CHECKPOINT_FILE)
    }
}
