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

/// The `[retention]` section `init` writes, commented out at the defaults.
const RETENTION_LINES: &str = "\n# Years after a return's period ends (or it was stored) before it is due for review: keep it,\n# or erase its identifiers (`sightline erase`). By agency type; these are the defaults.\n# [retention]\n# police = 10\n# childrens_services = 6\n# health = 6\n# education = 6\n# charity = 6\n";

#[derive(Debug, Deserialize)]
struct Config {
    key_file: Option<String>,
    database: Option<String>,
    #[serde(default)]
    retention: std::collections::BTreeMap<String, i64>,
}

/// How long after its period ends (or, without a period, after it was stored) a return is due
/// for review — keep it, or erase its identifiers — in years, by agency type: the
/// `[retention]` table of `sightline.toml`. In the spirit of the police Management of Police
/// Information rules, a review date is when someone must decide, not when data disappears.
/// Defaults: police 10 years (MoPI's review interval for public-protection records), every
/// other type 6; set each to what was agreed with the agencies.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Retention {
    years: std::collections::BTreeMap<String, i64>,
}

impl Retention {
    pub fn years(&self, agency_type: &str) -> i64 {
        self.years
            .get(agency_type)
            .copied()
            .unwrap_or(if agency_type == "police" { 10 } else { 6 })
    }
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
    pub retention: Retention,
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
        // The audit log's heads outside the store start here (empty: this workspace has
        // written none yet).
        let checkpoint = dir.join(crate::audit::CHECKPOINT_FILE);
        if !checkpoint.exists() {
            std::fs::write(&checkpoint, "").map_err(|e| {
                StoreError::Workspace(format!("cannot write {}: {e}", checkpoint.display()))
            })?;
            made.paths.push(checkpoint);
        }
        let config = format!(
            "# Sightline workspace.\nstandard_version = {:?}\n{store_line}{key_line}{RETENTION_LINES}",
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
                retention: Retention::default(),
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
        for (agency_type, years) in &config.retention {
            if !(0..=200).contains(years) {
                return Err(StoreError::Workspace(format!(
                    "{}: [retention] {agency_type} = {years}: give a number of years from 0 to 200",
                    config_path.display()
                )));
            }
        }
        Ok(Workspace {
            dir: dir.to_path_buf(),
            store,
            key_path,
            retention: Retention {
                years: config.retention,
            },
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
        self.finish_rotation(&store)?;
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
        Ok(store
            .with_audit(key, Some(self.checkpoint_path()))
            .with_retention(self.retention.clone()))
    }

    /// A consistent copy of the embedded store in `out` (`sightline backup`), taken with
    /// SQLite's online backup while the workspace may be in use: the copy is the store as one
    /// read transaction saw it (a return being written is in it whole or not at all), and
    /// taking it waits for no writer. Then a `disclosure` event on the workspace's log names the
    /// copy and the audit head it ends at (waiting for a writer if one holds the lock); if that
    /// event cannot be written, the copy is removed. The key file is never in the copy.
    /// Returns the copy's audit head.
    pub fn backup(&self, out: &Path, user: &str, reason: &str) -> Result<Option<(i64, String)>> {
        let StoreLocation::Sqlite(path) = &self.store else {
            return Err(StoreError::Workspace(
                "this workspace's store is a PostgreSQL database: back it up with pg_dump --format=custom and restore it with pg_restore (README, \"The shared store\")".to_string(),
            ));
        };
        if out.exists() {
            return Err(StoreError::Workspace(format!(
                "{} already exists; a backup never replaces a file: choose another name",
                out.display()
            )));
        }
        let name = out.file_name().map_or_else(
            || out.display().to_string(),
            |n| n.to_string_lossy().to_string(),
        );
        // Opened first: brings the schema up to date and checks the key.
        let mut store = self.sql_store()?;
        let mut partial = out.as_os_str().to_os_string();
        partial.push(".partial");
        let partial = PathBuf::from(partial);
        let _ = std::fs::remove_file(&partial);
        let head = crate::sqlite::snapshot(path, &partial).inspect_err(|_| {
            let _ = std::fs::remove_file(&partial);
        })?;
        let subject = match &head {
            Some((seq, mac)) => {
                format!("backup of the store to {name} (its log ends at event {seq} {mac})")
            }
            None => format!("backup of the store to {name}"),
        };
        // A long ingest holds the write lock; the event waits for it (ten tries of the
        // engine's own wait).
        let mut tries = 0;
        let recorded = loop {
            tries += 1;
            match crate::Store::record_event(
                &mut store,
                user,
                crate::Action::Disclosure,
                &subject,
                reason,
            ) {
                Err(StoreError::Database(message))
                    if tries < 10 && message.contains("another sightline is writing") => {}
                other => break other,
            }
        };
        if let Err(error) = recorded {
            let _ = std::fs::remove_file(&partial);
            return Err(error);
        }
        std::fs::rename(&partial, out)
            .map_err(|e| StoreError::Workspace(format!("cannot write {}: {e}", out.display())))?;
        Ok(head)
    }

    /// A workspace in `dir` from a backup (`sightline restore`): the copy becomes its embedded
    /// store, `key_file` (the store's own key, kept apart from backups) its key. The copy must
    /// be a Sightline store, the key its key, and its audit log must verify; otherwise nothing
    /// of the workspace is left. The restore goes on the restored log (an `alteration` event),
    /// and the workspace's checkpoint starts from it. Returns the workspace and the backup's
    /// audit head.
    pub fn restore(
        backup: &Path,
        dir: &Path,
        key_file: &Path,
        user: &str,
    ) -> Result<(Workspace, Option<crate::audit::Checkpoint>)> {
        if dir.join(CONFIG_FILE).exists() {
            return Err(StoreError::Workspace(format!(
                "{} is already a workspace; restore into a new folder",
                dir.display()
            )));
        }
        if !crate::sqlite::is_store(backup) {
            return Err(StoreError::Workspace(format!(
                "{} is not a backup of a Sightline store (made by `sightline backup`)",
                backup.display()
            )));
        }
        let keys = Keys::load(key_file)?;
        let key_path = absolute(key_file)?;
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
        let store_path = dir.join(STORE_FILE);
        if store_path.exists() {
            return Err(StoreError::Workspace(format!(
                "{} already holds a store; restore into a new folder",
                dir.display()
            )));
        }
        made.paths.push(store_path.clone());
        crate::sqlite::snapshot(backup, &store_path)?;
        let checkpoint = dir.join(crate::audit::CHECKPOINT_FILE);
        std::fs::write(&checkpoint, "").map_err(|e| {
            StoreError::Workspace(format!("cannot write {}: {e}", checkpoint.display()))
        })?;
        made.paths.push(checkpoint);
        let workspace = Workspace {
            dir: dir.to_path_buf(),
            store: StoreLocation::Sqlite(store_path),
            key_path: key_path.clone(),
            retention: Retention::default(),
        };
        let mut store = workspace.sql_store()?;
        store.check_key(&keys).map_err(|_| {
            StoreError::Key(format!(
                "{} is not the key of the store in {}; give the store's own key with SIGHTLINE_KEY_FILE (a rotated store needs the key of when the backup was taken)",
                key_path.display(),
                backup.display()
            ))
        })?;
        let verdict = crate::Store::verify_audit(&store)?;
        if let Some((seq, why)) = verdict.broken {
            return Err(StoreError::Corrupt(format!(
                "the backup's audit log is broken at event {seq}: {why}; nothing was restored"
            )));
        }
        let name = backup.file_name().map_or_else(
            || backup.display().to_string(),
            |n| n.to_string_lossy().to_string(),
        );
        let subject = match &verdict.head {
            Some(head) => format!(
                "the store restored from backup {name} (its log ended at event {} {})",
                head.seq, head.head
            ),
            None => format!("the store restored from backup {name}"),
        };
        crate::Store::record_event(&mut store, user, crate::Action::Alteration, &subject, "")?;
        drop(store);
        let config_path = dir.join(CONFIG_FILE);
        let config = format!(
            "# Sightline workspace (restored from a backup).\nstandard_version = {:?}\nstore = {STORE_FILE:?}\nkey_file = {:?}\n",
            sightline_standard::STANDARD_VERSION,
            key_path.display().to_string()
        );
        std::fs::write(&config_path, config).map_err(|e| {
            StoreError::Workspace(format!("cannot write {}: {e}", config_path.display()))
        })?;
        made.done = true;
        Ok((workspace, verdict.head))
    }

    /// Where a rotation writes the new key before its transaction commits.
    pub fn pending_key_path(&self) -> PathBuf {
        let mut name = self.key_path.as_os_str().to_os_string();
        name.push(".new");
        PathBuf::from(name)
    }

    /// Re-seals every identifier under a new key (`sightline keys rotate`), audited. In order:
    /// the new key is written beside the old one (`sightline.key.new`, synced); one transaction
    /// re-seals the vault, records the new key's check value and the audit event; after it
    /// commits, the old key file is kept as `sightline.key.retired-CHECK` and the new one
    /// renamed over it. Killed before the commit, the store is as it was, sealed under the old
    /// key (the `.new` file is left unused and replaced by the next rotation); killed after it,
    /// the next command that opens the store sees that the `.new` key is the store's and
    /// finishes the rename. Returns what was re-sealed and where the old key was kept.
    pub fn rotate_keys(
        &self,
        user: &str,
        reason: &str,
    ) -> Result<(crate::rotation::Resealed, PathBuf)> {
        let mut store = self.sql_store()?;
        let old = Keys::load(&self.key_path)?;
        store.check_key(&old)?;
        let (text, mut new) = old.rotated()?;
        let pending = self.pending_key_path();
        crate::keys::write_synced(&pending, text.as_bytes())
            .map_err(|e| StoreError::Key(format!("cannot write {}: {e}", pending.display())))?;
        let resealed = store.reseal(&old, &mut new, user, reason)?;
        crate::fault_point("rotate:after-commit");
        let retired = self.swap_in_pending(&old)?;
        Ok((resealed, retired))
    }

    /// After the rotation's commit: the old key kept as `KEY.retired-CHECK`, the new one renamed
    /// over the key file, the folder synced.
    fn swap_in_pending(&self, old: &Keys) -> Result<PathBuf> {
        let mut retired = self.key_path.as_os_str().to_os_string();
        retired.push(format!(".retired-{}", old.cipher_check()));
        let retired = PathBuf::from(retired);
        let failed = |what: &str, e: std::io::Error| {
            StoreError::Key(format!(
                "the store was re-sealed under the new key in {}, but {what} failed: {e}. Rename it to {} by hand before anything else",
                self.pending_key_path().display(),
                self.key_path.display()
            ))
        };
        if !retired.exists() {
            std::fs::copy(&self.key_path, &retired)
                .map_err(|e| failed("keeping the old key", e))?;
        }
        if let Err(error) = std::fs::rename(self.pending_key_path(), &self.key_path) {
            // Another process that opened the store in the meantime may have put it in place.
            let done = Keys::load(&self.key_path)
                .is_ok_and(|keys| keys.cipher_check() != old.cipher_check());
            if !done {
                return Err(failed("renaming the new key", error));
            }
        }
        if let Some(folder) = self.key_path.parent()
            && let Ok(folder) = std::fs::File::open(folder)
        {
            let _ = folder.sync_all();
        }
        Ok(retired)
    }

    /// A rotation that committed but was stopped before its new key file was renamed into
    /// place: the `.new` key is the store's now, and is put in place.
    fn finish_rotation(&self, store: &SqlStore) -> Result<()> {
        let pending = self.pending_key_path();
        if !pending.exists() {
            return Ok(());
        }
        let Some(expected) = store.meta("cipher_check")? else {
            return Ok(());
        };
        let current = Keys::load(&self.key_path)?;
        if current.cipher_check() == expected {
            return Ok(());
        }
        if Keys::load(&pending).is_ok_and(|new| new.cipher_check() == expected) {
            self.swap_in_pending(&current)?;
        }
        Ok(())
    }

    /// The file outside the store that keeps the audit log's heads.
    pub fn checkpoint_path(&self) -> PathBuf {
        self.dir.join(crate::audit::CHECKPOINT_FILE)
    }
}
