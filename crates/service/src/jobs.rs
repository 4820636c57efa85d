//! Which analysis job is running, and how did the last one end? Linkage, a report's preview and
//! its publication read every current return: at a national scale they take minutes, longer
//! than a browser or a proxy waits for a page, and they would hold a store thread the pages
//! need. Each runs on a thread of its own, one at a time; the analysis page says what is
//! running and what the last one gave. What a job writes, it writes through the pipeline, as
//! the command line does (one transaction, on the audit log), so a service stopped mid-job
//! leaves nothing half-written; only the job's message is lost.

use axum::body::Bytes;
use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::Instant;

/// What a job does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Link,
    Preview,
    Publish,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Link => "Linkage",
            Kind::Preview => "The report's preview",
            Kind::Publish => "Publication",
        }
    }
}

/// The job that is running.
#[derive(Clone, Debug)]
pub struct Running {
    pub kind: Kind,
    /// Who started it.
    pub by: String,
    /// When, UTC, to the second.
    pub started: String,
    /// The step it is on, when it says (linkage does).
    pub step: Option<String>,
    since: Instant,
}

impl Running {
    /// Whole seconds since it started.
    pub fn seconds(&self) -> u64 {
        self.since.elapsed().as_secs()
    }

    /// What the page says of it.
    pub fn describe(&self) -> String {
        let step = self
            .step
            .as_ref()
            .map(|step| format!(", now {step}"))
            .unwrap_or_default();
        format!(
            "{}, started by {} at {}, is running ({} s so far{step}).",
            self.kind.label(),
            self.by,
            self.started,
            self.seconds()
        )
    }
}

/// How the last job ended.
#[derive(Clone, Debug)]
pub struct Finished {
    pub kind: Kind,
    pub by: String,
    pub started: String,
    pub ended: String,
    /// What it gave, or why it failed.
    pub outcome: Result<String, String>,
}

impl Finished {
    pub fn describe(&self) -> String {
        format!(
            "{}, started by {} at {}, {} at {}.",
            self.kind.label(),
            self.by,
            self.started,
            if self.outcome.is_ok() {
                "finished"
            } else {
                "failed"
            },
            self.ended
        )
    }
}

/// What a job that succeeded gives.
pub enum Done {
    /// A sentence for the analysis page.
    Message(String),
    /// A report's HTML, kept for the user who asked for it until they ask again.
    Preview(String),
}

/// A report preview made for one user.
#[derive(Clone, Debug)]
pub struct Preview {
    pub made: String,
    /// The report's HTML (shared, not copied, each time it is shown).
    pub html: Bytes,
}

#[derive(Default)]
struct State {
    running: Option<Running>,
    last: Option<Finished>,
    previews: HashMap<String, Preview>,
}

/// The service's analysis jobs.
#[derive(Default)]
pub struct Jobs {
    state: Mutex<State>,
    idle: Condvar,
}

impl Jobs {
    fn state(&self) -> MutexGuard<'_, State> {
        // The state is replaced whole under the lock, so a poisoned lock still holds a whole one.
        self.state
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Starts `work` on a thread of its own, unless a job is running: then nothing starts and
    /// the running job is given back, to say what to wait for. `work` may tell its steps to
    /// the [`Steps`] it is given.
    pub fn start(
        self: &Arc<Self>,
        kind: Kind,
        by: &str,
        work: impl FnOnce(&Steps) -> anyhow::Result<Done> + Send + 'static,
    ) -> Result<(), Running> {
        {
            let mut state = self.state();
            if let Some(running) = &state.running {
                return Err(running.clone());
            }
            state.running = Some(Running {
                kind,
                by: by.to_string(),
                started: sightline_store::audit::now(),
                step: None,
                since: Instant::now(),
            });
        }
        let jobs = Arc::clone(self);
        let spawned = std::thread::Builder::new()
            .name("analysis-job".to_string())
            .spawn(move || {
                let steps = Steps {
                    jobs: Arc::clone(&jobs),
                };
                let outcome =
                    std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(&steps)))
                        .unwrap_or_else(|_| Err(anyhow::anyhow!("the job stopped unexpectedly")));
                jobs.finish(outcome);
            });
        if let Err(error) = spawned {
            self.finish(Err(anyhow::anyhow!("the job could not start: {error}")));
        }
        Ok(())
    }

    /// Ends the running job with its outcome.
    fn finish(&self, outcome: anyhow::Result<Done>) {
        let ended = sightline_store::audit::now();
        let mut state = self.state();
        let Some(job) = state.running.take() else {
            return;
        };
        let outcome = match outcome {
            Ok(Done::Message(message)) => Ok(message),
            Ok(Done::Preview(html)) => {
                state.previews.insert(
                    job.by.clone(),
                    Preview {
                        made: ended.clone(),
                        html: Bytes::from(html),
                    },
                );
                Ok("The preview is ready: open it from this page.".to_string())
            }
            Err(error) => Err(format!("{error:#}")),
        };
        state.last = Some(Finished {
            kind: job.kind,
            by: job.by,
            started: job.started,
            ended,
            outcome,
        });
        self.idle.notify_all();
    }

    /// The job that is running, if any.
    pub fn running(&self) -> Option<Running> {
        self.state().running.clone()
    }

    /// How the last job ended, if one has.
    pub fn last(&self) -> Option<Finished> {
        self.state().last.clone()
    }

    /// The latest preview made for `user`.
    pub fn preview(&self, user: &str) -> Option<Preview> {
        self.state().previews.get(user).cloned()
    }

    /// Blocks until no job is running (tests; an orderly stop). Not for the async runtime.
    pub fn wait_until_idle(&self) {
        let mut state = self.state();
        while state.running.is_some() {
            state = self
                .idle
                .wait(state)
                .unwrap_or_else(|poisoned| poisoned.into_inner());
        }
    }
}

/// The running job's steps, as the pipeline tells them (its linkage phases).
pub struct Steps {
    jobs: Arc<Jobs>,
}

impl sightline_link::Progress for Steps {
    fn phase(&self, name: &str, _total: u64) {
        if let Some(running) = self.jobs.state().running.as_mut() {
            running.step = Some(name.to_string());
        }
    }

    fn advance(&self, _done: u64) {}
}

impl sightline_pipeline::Progress for Steps {}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::mpsc;

    #[test]
    fn one_job_at_a_time_and_the_last_outcome_is_kept() {
        let jobs = Arc::new(Jobs::default());
        let (release, released) = mpsc::channel::<()>();
        jobs.start(Kind::Link, "ana", move |steps| {
            sightline_link::Progress::phase(steps, "comparing", 0);
            released.recv()?;
            Ok(Done::Message("linked".to_string()))
        })
        .expect("nothing was running");
        let refused = jobs
            .start(Kind::Publish, "pat", |_| {
                Ok(Done::Message("published".into()))
            })
            .expect_err("linkage is running");
        assert_eq!((refused.kind, refused.by.as_str()), (Kind::Link, "ana"));
        // The step may not be told yet; once told, the page says it.
        while jobs.running().is_some_and(|r| r.step.is_none()) {
            std::thread::yield_now();
        }
        let running = jobs.running().expect("still running");
        assert!(
            running.describe().ends_with("s so far, now comparing)."),
            "{}",
            running.describe()
        );
        assert!(jobs.last().is_none());
        release.send(()).expect("the job waits");
        jobs.wait_until_idle();
        assert!(jobs.running().is_none());
        let last = jobs.last().expect("finished");
        assert_eq!((last.kind, last.outcome), (Kind::Link, Ok("linked".into())));
        jobs.start(Kind::Publish, "pat", |_| {
            Ok(Done::Message("published".into()))
        })
        .expect("the first has finished");
        jobs.wait_until_idle();
        assert_eq!(jobs.last().expect("finished").by, "pat");
    }

    #[test]
    fn a_failed_or_panicking_job_ends_with_its_reason_and_frees_the_slot() {
        let jobs = Arc::new(Jobs::default());
        jobs.start(Kind::Link, "ana", |_| {
            Err(anyhow::anyhow!("no current returns to link"))
        })
        .expect("started");
        jobs.wait_until_idle();
        let last = jobs.last().expect("finished");
        assert_eq!(last.outcome, Err("no current returns to link".into()));
        assert!(last.describe().contains("failed at"));
        jobs.start(Kind::Link, "ana", |_| panic!("a bug"))
            .expect("started");
        jobs.wait_until_idle();
        assert_eq!(
            jobs.last().expect("finished").outcome,
            Err("the job stopped unexpectedly".into())
        );
        assert!(jobs.running().is_none());
    }

    #[test]
    fn a_preview_is_kept_for_whoever_asked_for_it_only() {
        let jobs = Arc::new(Jobs::default());
        jobs.start(Kind::Preview, "ana", |_| {
            Ok(Done::Preview("<html>report</html>".into()))
        })
        .expect("started");
        jobs.wait_until_idle();
        assert_eq!(
            jobs.preview("ana").expect("made").html,
            "<html>report</html>"
        );
        assert!(jobs.preview("bea").is_none());
    }
}
