//! Where does a request's store work run? On a few threads of our own, each with its own
//! connection to the workspace's store, away from the async runtime: the store's engines are
//! synchronous (the PostgreSQL client runs its own runtime and must not be called inside
//! tokio's), and SQLite connections must not move between threads mid-transaction.

use sightline_store::{Keys, Store, Workspace};
use std::path::PathBuf;
use std::sync::mpsc;
use std::sync::{Arc, Mutex};

/// What a job works with: the workspace and its store, opened on the job's thread.
pub struct Desk {
    pub workspace: Workspace,
    pub store: Box<dyn Store>,
    pub dir: PathBuf,
}

impl Desk {
    /// The workspace's keys, for sealing and opening what the service keeps in the vault.
    pub fn keys(&self) -> anyhow::Result<Keys> {
        Ok(self.workspace.keys()?)
    }
}

type Job = Box<dyn FnOnce(&mut Desk) + Send>;

/// A queue of store jobs served by `threads` threads.
#[derive(Clone)]
pub struct Pool {
    jobs: mpsc::Sender<Job>,
}

impl Pool {
    /// Opens the workspace once per thread; fails (before anything is served) if it cannot.
    pub fn start(dir: PathBuf, threads: usize) -> anyhow::Result<Pool> {
        let (jobs, queue) = mpsc::channel::<Job>();
        let queue = Arc::new(Mutex::new(queue));
        for n in 0..threads.max(1) {
            let queue = Arc::clone(&queue);
            let (opened, ready) = mpsc::channel::<anyhow::Result<()>>();
            let dir = dir.clone();
            std::thread::Builder::new()
                .name(format!("store-{n}"))
                .spawn(move || {
                    let session = sightline_pipeline::Session {
                        workspace: Some(dir.clone()),
                        user: None,
                    };
                    let desk = session.open().and_then(|workspace| {
                        let store = workspace.store()?;
                        Ok(Desk {
                            workspace,
                            store,
                            dir,
                        })
                    });
                    let mut desk = match desk {
                        Ok(desk) => {
                            let _ = opened.send(Ok(()));
                            desk
                        }
                        Err(error) => {
                            let _ = opened.send(Err(error));
                            return;
                        }
                    };
                    loop {
                        let job = match queue.lock() {
                            Ok(queue) => queue.recv(),
                            Err(_) => return,
                        };
                        match job {
                            Ok(job) => job(&mut desk),
                            Err(_) => return,
                        }
                    }
                })?;
            ready
                .recv()
                .map_err(|_| anyhow::anyhow!("a store thread stopped as it started"))??;
        }
        Ok(Pool { jobs })
    }

    /// Runs `work` on a store thread and waits for its answer without blocking the runtime.
    pub async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Desk) -> anyhow::Result<T> + Send + 'static,
    ) -> anyhow::Result<T> {
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: Job = Box::new(move |desk| {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(desk)))
                .unwrap_or_else(|_| Err(anyhow::anyhow!("a store job failed unexpectedly")));
            let _ = answer.send(result);
        });
        self.jobs
            .send(job)
            .map_err(|_| anyhow::anyhow!("the store's threads have stopped"))?;
        answered
            .await
            .map_err(|_| anyhow::anyhow!("the store's threads have stopped"))?
    }
}
