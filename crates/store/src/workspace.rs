//! Where is the analyst's data, and which key opens it?
//!
//! A workspace is a folder holding `sightline.toml` (the config), `store.sqlite` (the embedded
//! store) and, unless `SIGHTLINE_KEY_FILE` says otherwise, `sightline.key` (mode 0600). The key
//! is never inside the database.

use crate::keys::Keys;
use crate::sqlite::SqliteStore;
use crate::{Result, Store, StoreError};
use serde::Deserialize;
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "sightline.toml";
pub const STORE_FILE: &str = "store.sqlite";
pub const KEY_FILE: &str = "sightline.key";

#[derive(Debug, Deserialize)]
struct Config {
    key_file: Option<String>,
}

/// An opened workspace.
#[derive(Debug, Clone)]
pub struct Workspace {
    pub dir: PathBuf,
    pub store_path: PathBuf,
    pub key_path: PathBuf,
}

impl Workspace {
    /// Creates a workspace in `dir` (created if needed). `key_file` puts the key elsewhere.
    pub fn init(dir: &Path, key_file: Option<&Path>) -> Result<Workspace> {
        let config_path = dir.join(CONFIG_FILE);
        if config_path.exists() {
            return Err(StoreError::Workspace(format!(
                "{} is already a workspace; use it, or choose another folder",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir)
            .map_err(|e| StoreError::Workspace(format!("cannot create {}: {e}", dir.display())))?;
        // A key path given relative to where `init` ran would not be found from elsewhere.
        let key_file = match key_file {
            Some(path) if path.is_relative() => Some(
                std::env::current_dir()
                    .map_err(|e| {
                        StoreError::Workspace(format!("cannot tell the current directory: {e}"))
                    })?
                    .join(path),
            ),
            other => other.map(Path::to_path_buf),
        };
        let key_file = key_file.as_deref();
        let key_path = key_file.map_or_else(|| dir.join(KEY_FILE), Path::to_path_buf);
        Keys::create(&key_path)?;
        let key_line = match key_file {
            Some(path) => format!("key_file = {:?}\n", path.display().to_string()),
            None => format!(
                "# key_file = {KEY_FILE:?}  (the default; SIGHTLINE_KEY_FILE overrides it)\n"
            ),
        };
        let config = format!(
            "# Sightline workspace.\nstandard_version = {:?}\nstore = {STORE_FILE:?}\n{key_line}",
            sightline_standard::STANDARD_VERSION
        );
        std::fs::write(&config_path, config).map_err(|e| {
            StoreError::Workspace(format!("cannot write {}: {e}", config_path.display()))
        })?;
        let workspace = Workspace {
            dir: dir.to_path_buf(),
            store_path: dir.join(STORE_FILE),
            key_path,
        };
        SqliteStore::open(&workspace.store_path)?;
        Ok(workspace)
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
        Ok(Workspace {
            dir: dir.to_path_buf(),
            store_path: dir.join(STORE_FILE),
            key_path,
        })
    }

    pub fn keys(&self) -> Result<Keys> {
        Keys::load(&self.key_path)
    }

    /// The workspace's store. Callers see only the [`Store`] interface, so a shared
    /// deployment can hand them a PostgreSQL store instead.
    pub fn store(&self) -> Result<Box<dyn Store>> {
        Ok(Box::new(SqliteStore::open(&self.store_path)?))
    }
}
