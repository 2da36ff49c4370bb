//! Where the async exports do their work. The core is synchronous (SQLite, signing, the sync
//! session's blocking driver), so every export that touches the store or the network hands
//! its work to the blocking pool of one tokio runtime and awaits it: the caller's thread (an
//! Android main thread, a Swift actor, Python's event loop) is never blocked, and Kotlin
//! `suspend`, Swift `async` and Python coroutines all await the same Rust future. Cancelling
//! the caller drops that future; work that can stop early (a sync) watches a `Cancel` the
//! future sets as it is dropped.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, LazyLock, Mutex};
use std::time::Duration;

use crate::error::ZhifaError;

static RUNTIME: LazyLock<tokio::runtime::Runtime> = LazyLock::new(|| {
    tokio::runtime::Builder::new_multi_thread()
        // The workers only wait (timers, the rotating code); the work is on the blocking pool.
        .worker_threads(1)
        .max_blocking_threads(16)
        .thread_name("zhifa-core")
        .enable_time()
        .build()
        .expect("the FFI's runtime starts")
});

/// Runs `work` on the runtime's blocking pool and awaits it. A panic in `work` is resumed in
/// the caller's future, where UniFFI reports it as it reports any panic.
pub(crate) async fn off_thread<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, ZhifaError> + Send + 'static,
) -> Result<T, ZhifaError> {
    match RUNTIME.spawn_blocking(work).await {
        Ok(result) => result,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(_) => Err(ZhifaError::Cancelled {
            user_message: zhifa_core::texts::sync::CANCELLED.into(),
        }),
    }
}

/// Awaits a foreign future (an async callback: the platform's HTTP client or keystore) from
/// inside `off_thread` work, whose blocking thread may wait.
pub(crate) fn wait_for<F: Future>(future: F) -> F::Output {
    RUNTIME.handle().block_on(future)
}

/// Starts a long-running subscription on the runtime.
pub(crate) fn spawn(task: impl Future<Output = ()> + Send + 'static) -> tokio::task::AbortHandle {
    RUNTIME.spawn(task).abort_handle()
}

/// Set once the caller gave up; read by work at its safe points.
#[derive(Clone, Default)]
pub(crate) struct Cancel(Arc<AtomicBool>);

impl Cancel {
    pub(crate) fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }

    /// Resolves once cancelled (looked at every 50 ms), for racing a foreign request.
    pub(crate) async fn cancelled(&self) {
        while !self.is_cancelled() {
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }

    /// A guard the async export holds across its await: dropped with the export's future,
    /// whether it finished or the caller was cancelled, it cancels the work (a no-op once the
    /// work is done).
    pub(crate) fn on_drop(&self) -> CancelOnDrop {
        CancelOnDrop(self.clone())
    }
}

pub(crate) struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0 .0.store(true, Ordering::SeqCst);
    }
}

/// A running subscription (sync of a case, the rotating code): the shells keep it while they
/// listen and cancel it, or drop it, to stop. The Kotlin layer closes its Flow with it, the
/// Swift layer its AsyncStream.
#[derive(uniffi::Object)]
pub struct TaskHandle {
    stop: Mutex<Option<Box<dyn FnOnce() + Send>>>,
}

impl TaskHandle {
    pub(crate) fn new(stop: impl FnOnce() + Send + 'static) -> Arc<TaskHandle> {
        Arc::new(TaskHandle {
            stop: Mutex::new(Some(Box::new(stop))),
        })
    }
}

#[uniffi::export]
impl TaskHandle {
    /// Stops the subscription; its listener is not called again. Cancelling twice is harmless.
    pub fn cancel(&self) {
        let stop = self.stop.lock().unwrap_or_else(|p| p.into_inner()).take();
        if let Some(stop) = stop {
            stop();
        }
    }

    /// Whether the subscription has been cancelled.
    pub fn is_finished(&self) -> bool {
        self.stop
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .is_none()
    }
}

impl Drop for TaskHandle {
    fn drop(&mut self) {
        self.cancel();
    }
}
