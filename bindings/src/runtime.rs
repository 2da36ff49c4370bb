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
        // The workers only wait (timers, the rotating code, a platform request racing its
        // cancel); the work is on the blocking pool.
        .worker_threads(2)
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

    pub(crate) fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    /// The same flag (not merely the same state).
    pub(crate) fn is(&self, other: &Cancel) -> bool {
        Arc::ptr_eq(&self.0, &other.0)
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
        self.0.cancel();
    }
}

/// A running subscription (changes of cases, the rotating code): the shells keep it while
/// they listen and cancel it to stop; dropping it stops it too, but in Kotlin that waits for
/// the garbage collector, so the Kotlin layer's Flows and the Swift layer's AsyncStreams
/// cancel it as they close. Listeners are called on the library's threads and must return
/// at once (post to the app's own queue): they must not block nor call back into the
/// library and wait for it.
#[derive(uniffi::Object)]
pub struct TaskHandle {
    stop: Mutex<Option<Box<dyn FnOnce() + Send>>>,
    /// Set by a subscription that ended by itself (its listener was told why).
    ended: Arc<AtomicBool>,
}

impl TaskHandle {
    pub(crate) fn new(stop: impl FnOnce() + Send + 'static) -> Arc<TaskHandle> {
        TaskHandle::ending(stop, Arc::default())
    }

    /// A subscription that may also end by itself, setting `ended`.
    pub(crate) fn ending(
        stop: impl FnOnce() + Send + 'static,
        ended: Arc<AtomicBool>,
    ) -> Arc<TaskHandle> {
        Arc::new(TaskHandle {
            stop: Mutex::new(Some(Box::new(stop))),
            ended,
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

    /// Whether the subscription has been cancelled or ended by itself.
    pub fn is_finished(&self) -> bool {
        self.ended.load(Ordering::SeqCst)
            || self
                .stop
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
