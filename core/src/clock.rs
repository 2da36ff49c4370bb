//! Trusted time: the server's time at the last sync plus monotonic time elapsed since, so a
//! phone whose wall clock was reset offline still judges validity correctly. When the
//! monotonic origin changed (a reboot, or a new process with the std fallback) and no sync has
//! happened since, the wall clock is used and the reading is marked untrusted.

use std::sync::Mutex;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::store::{get_meta, set_meta, Store, StoreError};

const ANCHOR_META: &str = "clock.anchor";

/// A clock that never goes backwards while `origin_id` stays the same. Shells can supply one
/// that survives app restarts (Android `SystemClock.elapsedRealtime` with the boot count).
pub trait MonotonicClock: Send + Sync {
    fn elapsed(&self) -> Duration;
    fn origin_id(&self) -> String;
}

/// The portable fallback: monotonic within this process only.
#[derive(Debug)]
pub struct ProcessClock {
    start: Instant,
    id: String,
}

impl Default for ProcessClock {
    fn default() -> Self {
        ProcessClock {
            start: Instant::now(),
            id: uuid::Uuid::now_v7().to_string(),
        }
    }
}

impl MonotonicClock for ProcessClock {
    fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }
    fn origin_id(&self) -> String {
        self.id.clone()
    }
}

/// Server time observed at a monotonic instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeAnchor {
    pub server_time: DateTime<Utc>,
    pub elapsed_ms: u64,
    pub origin: String,
}

/// One reading of the clock. Both times are logged with every signed record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeReading {
    /// What the phone's own clock says.
    pub wall: DateTime<Utc>,
    /// The best estimate of true time: anchored when `is_trusted`, else the wall clock.
    pub trusted: DateTime<Utc>,
    pub is_trusted: bool,
}

pub struct TrustedClock {
    monotonic: Box<dyn MonotonicClock>,
    anchor: Mutex<Option<TimeAnchor>>,
}

impl TrustedClock {
    pub fn new(monotonic: Box<dyn MonotonicClock>) -> TrustedClock {
        TrustedClock {
            monotonic,
            anchor: Mutex::new(None),
        }
    }

    /// Restores the anchor saved in the store; it counts only if the origin is unchanged.
    pub fn restore(
        monotonic: Box<dyn MonotonicClock>,
        store: &Store,
    ) -> Result<TrustedClock, StoreError> {
        let anchor = store
            .read(|c| get_meta(c, ANCHOR_META))?
            .and_then(|json| serde_json::from_str::<TimeAnchor>(&json).ok());
        Ok(TrustedClock {
            monotonic,
            anchor: Mutex::new(anchor),
        })
    }

    /// Records the server's time, as learnt in a sync, and saves it.
    pub fn observe_server_time(
        &self,
        server_time: DateTime<Utc>,
        store: &Store,
    ) -> Result<(), StoreError> {
        let anchor = TimeAnchor {
            server_time,
            elapsed_ms: self.monotonic.elapsed().as_millis() as u64,
            origin: self.monotonic.origin_id(),
        };
        let json = serde_json::to_string(&anchor).expect("anchor serialises");
        store.write(|tx| set_meta(tx, ANCHOR_META, &json))?;
        *self.anchor.lock().unwrap_or_else(|p| p.into_inner()) = Some(anchor);
        Ok(())
    }

    pub fn now(&self) -> TimeReading {
        self.reading_at(Utc::now())
    }

    fn reading_at(&self, wall: DateTime<Utc>) -> TimeReading {
        let anchor = self.anchor.lock().unwrap_or_else(|p| p.into_inner());
        match anchor.as_ref() {
            Some(anchor) if anchor.origin == self.monotonic.origin_id() => {
                let since = self.monotonic.elapsed().as_millis() as i64 - anchor.elapsed_ms as i64;
                let trusted = anchor.server_time + chrono::Duration::milliseconds(since.max(0));
                TimeReading {
                    wall,
                    trusted,
                    is_trusted: true,
                }
            }
            _ => TimeReading {
                wall,
                trusted: wall,
                is_trusted: false,
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;

    /// A monotonic clock the test moves by hand.
    struct ManualClock {
        ms: Arc<AtomicU64>,
        origin: &'static str,
    }

    impl MonotonicClock for ManualClock {
        fn elapsed(&self) -> Duration {
            Duration::from_millis(self.ms.load(Ordering::SeqCst))
        }
        fn origin_id(&self) -> String {
            self.origin.into()
        }
    }

    fn at(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    #[test]
    fn anchored_time_ignores_a_wrong_wall_clock_and_survives_a_restart() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path(), &crate::testing::test_key()).unwrap();
        let ms = Arc::new(AtomicU64::new(1_000));
        let clock = TrustedClock::new(Box::new(ManualClock {
            ms: ms.clone(),
            origin: "boot-1",
        }));

        let untrusted = clock.reading_at(at("2020-01-01T00:00:00Z"));
        assert!(!untrusted.is_trusted);
        assert_eq!(untrusted.trusted, untrusted.wall);

        clock
            .observe_server_time(at("2026-11-27T08:00:00Z"), &store)
            .unwrap();
        ms.fetch_add(90_000, Ordering::SeqCst);
        // The officer's phone thinks it is 2020: trusted time still moves from the server's.
        let reading = clock.reading_at(at("2020-01-01T00:00:00Z"));
        assert!(reading.is_trusted);
        assert_eq!(reading.trusted, at("2026-11-27T08:01:30Z"));

        // App restart on the same boot: the anchor still counts.
        let restored = TrustedClock::restore(
            Box::new(ManualClock {
                ms: ms.clone(),
                origin: "boot-1",
            }),
            &store,
        )
        .unwrap();
        assert_eq!(
            restored.reading_at(at("2020-01-01T00:00:00Z")).trusted,
            at("2026-11-27T08:01:30Z")
        );

        // After a reboot the anchor is void until the next sync.
        let rebooted = TrustedClock::restore(
            Box::new(ManualClock {
                ms,
                origin: "boot-2",
            }),
            &store,
        )
        .unwrap();
        let reading = rebooted.reading_at(at("2026-11-27T09:00:00Z"));
        assert!(!reading.is_trusted);
        assert_eq!(reading.trusted, at("2026-11-27T09:00:00Z"));
    }

    #[test]
    fn the_process_clock_is_monotonic() {
        let clock = ProcessClock::default();
        let a = clock.elapsed();
        assert!(clock.elapsed() >= a);
        assert_ne!(clock.origin_id(), ProcessClock::default().origin_id());
    }
}
