//! Running blocking librdkafka calls without blocking the async threads.

use std::time::Duration;

use tokio_util::sync::CancellationToken;

/// Run `f` on tokio's blocking pool with an outer deadline. A cancelled or
/// late call is abandoned (its thread finishes on its own); the caller gets
/// an error at once.
pub async fn run_blocking<T: Send + 'static>(
    cancel: &CancellationToken,
    deadline: Duration,
    f: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    let task = tokio::task::spawn_blocking(f);
    tokio::select! {
        _ = cancel.cancelled() => Err("cancelled".into()),
        r = tokio::time::timeout(deadline, task) => match r {
            Err(_) => Err(format!("no answer within {}s", deadline.as_secs())),
            Ok(Err(e)) => Err(format!("internal error: {e}")),
            Ok(Ok(v)) => Ok(v),
        },
    }
}
