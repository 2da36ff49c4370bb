//! Who is told when a case changes under the app's feet: a sync received it, or a merge
//! brought in a teammate's edits. The FFI turns each watcher into a listener the shells see as
//! a Flow or an AsyncStream; a watcher is dropped with its `Watch`.

use std::sync::{Arc, Mutex, Weak};

type Watcher = Arc<dyn Fn(&str) + Send + Sync>;

#[derive(Default)]
pub(crate) struct ChangeFeed {
    watchers: Mutex<Vec<(u64, Watcher)>>,
    next: Mutex<u64>,
}

/// A registered watcher; dropping it stops the calls.
pub struct Watch {
    feed: Weak<ChangeFeed>,
    id: u64,
}

impl ChangeFeed {
    pub(crate) fn watch(self: &Arc<Self>, watcher: Watcher) -> Watch {
        let id = {
            let mut next = self.next.lock().unwrap_or_else(|p| p.into_inner());
            *next += 1;
            *next
        };
        self.watchers().push((id, watcher));
        Watch {
            feed: Arc::downgrade(self),
            id,
        }
    }

    /// Tells every watcher that `case_id` changed. Called after the change is committed, and
    /// outside every lock of the device, so a watcher may read the case at once.
    pub(crate) fn changed(&self, case_id: &str) {
        let watchers: Vec<Watcher> = self.watchers().iter().map(|(_, w)| w.clone()).collect();
        for watcher in watchers {
            watcher(case_id);
        }
    }

    fn watchers(&self) -> std::sync::MutexGuard<'_, Vec<(u64, Watcher)>> {
        self.watchers.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(feed) = self.feed.upgrade() {
            feed.watchers().retain(|(id, _)| *id != self.id);
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn a_watcher_is_told_until_its_watch_is_dropped() {
        let feed = Arc::new(ChangeFeed::default());
        let seen = Arc::new(AtomicUsize::new(0));
        let counter = seen.clone();
        let watch = feed.watch(Arc::new(move |id| {
            assert_eq!(id, "case-1");
            counter.fetch_add(1, Ordering::SeqCst);
        }));
        feed.changed("case-1");
        drop(watch);
        feed.changed("case-1");
        assert_eq!(seen.load(Ordering::SeqCst), 1);
    }
}
