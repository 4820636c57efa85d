//! Which workspace a step works on, and who is working: the workspace's folder (else
//! `SIGHTLINE_WORKSPACE`, else the current directory), its key file and database overrides.

use anyhow::Context as _;
use sightline_store::Workspace;
use std::path::PathBuf;

/// Where the workspace is and who is working.
#[derive(Clone, Debug, Default)]
pub struct Session {
    pub workspace: Option<PathBuf>,
    pub user: Option<String>,
}

impl Session {
    /// The workspace from `workspace`, `SIGHTLINE_WORKSPACE`, or the current directory.
    pub fn open(&self) -> anyhow::Result<Workspace> {
        let dir = match &self.workspace {
            Some(dir) => dir.clone(),
            None => std::env::var_os("SIGHTLINE_WORKSPACE")
                .map(PathBuf::from)
                .map_or_else(std::env::current_dir, Ok)
                .context("cannot tell the current directory")?,
        };
        let workspace = Workspace::open(&dir, key_override().as_deref())?;
        Ok(match database_override() {
            Some(url) => workspace.with_database(&url)?,
            None => workspace,
        })
    }

    /// The user for the audit log: `user`, else the OS user.
    pub fn user(&self) -> String {
        self.user
            .clone()
            .or_else(|| std::env::var("USER").ok())
            .or_else(|| std::env::var("LOGNAME").ok())
            .or_else(|| std::env::var("USERNAME").ok())
            .filter(|user| !user.trim().is_empty())
            .unwrap_or_else(|| "unknown".to_string())
    }
}

/// The key file named by `SIGHTLINE_KEY_FILE`, which wins over the workspace's own.
pub fn key_override() -> Option<PathBuf> {
    std::env::var_os("SIGHTLINE_KEY_FILE").map(PathBuf::from)
}

/// The database URL (with a login and password) that wins over a workspace's config.
pub fn database_override() -> Option<String> {
    std::env::var("SIGHTLINE_DATABASE")
        .ok()
        .filter(|url| !url.trim().is_empty())
}
