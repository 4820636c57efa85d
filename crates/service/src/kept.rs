//! What was worked out from the store, and is it still true? A figure that reads every current
//! return (each agency's feedback, the records waiting for linkage) is worked out once while
//! the store stays as it was — the same linkage run, the same current returns, the same
//! register — and kept; whoever asks while it is being worked out waits for it.

use crate::app::App;
use sightline_store::Store;
use std::sync::Arc;

/// A figure worked out from the store (every agency's feedback; the records waiting for
/// linkage), kept with the state of the store it was worked out for.
pub struct Kept<T> {
    state: tokio::sync::Mutex<Option<(String, Arc<T>)>>,
}

impl<T> Default for Kept<T> {
    fn default() -> Kept<T> {
        Kept {
            state: tokio::sync::Mutex::new(None),
        }
    }
}

/// What the kept figures depend on: the latest linkage run, the current returns and the
/// register with each agency's counts. Cheap to read; any store change that moves the figures
/// moves it.
fn state_of(store: &dyn Store) -> anyhow::Result<String> {
    let run = store.linkage_run()?.map(|run| run.run_id);
    let returns: Vec<i64> = store
        .returns(false)
        .map(|all| all.iter().map(|r| r.return_id).collect())?;
    let agencies = store.agencies()?;
    Ok(format!("{run:?}|{returns:?}|{agencies:?}"))
}

impl<T: Send + Sync + 'static> Kept<T> {
    /// The figure for the store as it is now: the kept one if the store has not moved since,
    /// else worked out again by `work` (once, however many ask at the same time).
    pub async fn current(
        &self,
        app: &App,
        work: fn(&dyn Store) -> anyhow::Result<T>,
    ) -> anyhow::Result<Arc<T>> {
        let state = app.pool.run(|desk| state_of(desk.store.as_ref())).await?;
        let mut kept = self.state.lock().await;
        if let Some((kept_state, figure)) = kept.as_ref()
            && *kept_state == state
        {
            return Ok(Arc::clone(figure));
        }
        let (state, figure) = app
            .pool
            .run(move |desk| {
                // Read the state again with the data, on the same thread: a return stored
                // between the two reads is then worked out again at the next view.
                let state = state_of(desk.store.as_ref())?;
                Ok((state, work(desk.store.as_ref())?))
            })
            .await?;
        let figure = Arc::new(figure);
        *kept = Some((state, Arc::clone(&figure)));
        Ok(figure)
    }
}
