//! What the service holds while it runs: its settings, the store's threads, the analysis job,
//! and the recent failed sign-ins of each network address (the per-address limit; the
//! per-account lockout is kept in the store).

use crate::feedback::Feedback;
use crate::jobs::Jobs;
use crate::kept::Kept;
use crate::pool::Pool;
use sightline_store::Action;
use sightline_store::collection;
use sightline_store::db::Db;
use std::collections::HashMap;
use std::net::IpAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

/// How the service runs.
#[derive(Clone, Debug)]
pub struct Config {
    pub workspace: PathBuf,
    /// Served over TLS (by a proxy in front): cookies are `Secure` and `__Host-` prefixed.
    pub secure: bool,
    /// A session unused this long ends (ASVS 7.3.1).
    pub idle_seconds: i64,
    /// A session this old ends whatever its use (ASVS 7.3.2).
    pub absolute_seconds: i64,
    /// The most an upload may send, all files together, before any is read.
    pub max_upload_bytes: usize,
    /// Threads with a store connection each.
    pub store_threads: usize,
    /// Uploads checked at once (the rest wait).
    pub checks_at_once: usize,
    /// Where reminders are mailed from; none, and no reminder is sent.
    pub mail: Option<crate::reminders::MailConfig>,
}

impl Config {
    pub fn new(workspace: PathBuf) -> Config {
        Config {
            workspace,
            secure: false,
            idle_seconds: 30 * 60,
            absolute_seconds: 12 * 60 * 60,
            max_upload_bytes: 200_000_000,
            store_threads: 4,
            checks_at_once: 2,
            mail: None,
        }
    }
}

/// Failed sign-ins an account may have before it is locked, and for how long.
pub const LOCK_AFTER: i64 = 5;
pub const LOCK_SECONDS: i64 = 15 * 60;
/// Failed sign-ins one address may make in [`ADDRESS_WINDOW`] seconds, whatever the accounts.
pub const ADDRESS_LIMIT: usize = 20;
pub const ADDRESS_WINDOW: i64 = 15 * 60;

pub struct App {
    pub config: Config,
    pub pool: Pool,
    /// Uploads being checked at once: more wait their turn, so pages keep their share of the
    /// processors and checking's memory is bounded by this many files, whatever the load.
    pub checking: tokio::sync::Semaphore,
    /// Linkage, previews and publication, one at a time on a thread of their own.
    pub jobs: Arc<Jobs>,
    /// Every agency's feedback, for the store as it was when last worked out.
    pub feedback: Kept<Feedback>,
    /// Person records of the current returns that the latest linkage run does not hold.
    pub waiting_for_linkage: Kept<u64>,
    failures: Mutex<HashMap<IpAddr, Vec<i64>>>,
}

impl App {
    pub fn new(config: Config) -> anyhow::Result<App> {
        let pool = Pool::start(config.workspace.clone(), config.store_threads)?;
        let checking = tokio::sync::Semaphore::new(config.checks_at_once.max(1));
        Ok(App {
            config,
            pool,
            checking,
            jobs: Arc::new(Jobs::default()),
            feedback: Kept::default(),
            waiting_for_linkage: Kept::default(),
            failures: Mutex::new(HashMap::new()),
        })
    }

    /// Changes the service's tables in one transaction on a store thread, with its audit event:
    /// `user` did `action` on `subject`, for `reason`. `work` is given the store and `user`.
    pub async fn change(
        &self,
        user: String,
        action: Action,
        subject: String,
        reason: String,
        mut work: impl FnMut(&mut dyn Db, &str) -> sightline_store::Result<()> + Send + 'static,
    ) -> anyhow::Result<()> {
        self.pool
            .run(move |desk| {
                desk.store.collection_write(
                    &user,
                    Some((action, &subject, &reason)),
                    &mut |db| work(db, &user),
                )?;
                Ok(())
            })
            .await
    }

    /// Reads the service's tables on a store thread; `work` gives back what the page needs.
    pub async fn read<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut dyn Db) -> sightline_store::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        self.pool
            .run(move |desk| Ok(collection::read(desk.store.as_ref(), work)?))
            .await
    }

    /// Whether an address has used up its failed sign-ins.
    pub fn address_blocked(&self, address: IpAddr, now: i64) -> bool {
        let Ok(mut failures) = self.failures.lock() else {
            return true;
        };
        let recent = failures.entry(address).or_default();
        recent.retain(|&at| now - at < ADDRESS_WINDOW);
        recent.len() >= ADDRESS_LIMIT
    }

    /// Counts a failed sign-in against an address.
    pub fn address_failed(&self, address: IpAddr, now: i64) {
        if let Ok(mut failures) = self.failures.lock() {
            failures.entry(address).or_default().push(now);
        }
    }
}
