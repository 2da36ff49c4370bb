//! Figures already computed, kept for a while: a console's overview asks for a dozen
//! indicators over a year of the city, each a scan of the index, and every supervisor who
//! opens it asks the same. An entry serves until it is `ttl` old or the index changes in this
//! process (`invalidate`, called wherever the index is written); a replica's writes reach the
//! others within `ttl`. Only answers of at most `MAX_FIGURES` are kept, and the least recently
//! used leave once the cache holds `BUDGET` figures, whatever is asked.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use lru::LruCache;

use super::{Figure, Query};

const ENTRIES: usize = 4096;
/// Larger answers (officer level over months) are computed each time; every body of the
/// city (3,508) fits.
pub const MAX_FIGURES: usize = 5_000;
/// Figures held at most (some 100 MB).
const BUDGET: usize = 500_000;

pub struct FigureCache {
    ttl: Duration,
    generation: AtomicU64,
    entries: Mutex<Entries>,
}

struct Entries {
    lru: LruCache<String, Entry>,
    figures: usize,
}

struct Entry {
    generation: u64,
    made: Instant,
    figures: Arc<Vec<Figure>>,
}

impl FigureCache {
    /// A cache whose entries live `ttl`; `Duration::ZERO` keeps nothing.
    pub fn new(ttl: Duration) -> FigureCache {
        FigureCache {
            ttl,
            generation: AtomicU64::new(0),
            entries: Mutex::new(Entries {
                lru: LruCache::new(NonZeroUsize::new(ENTRIES).expect("non-zero")),
                figures: 0,
            }),
        }
    }

    fn key(indicator: &str, query: &Query) -> String {
        format!("{indicator}\u{1f}{query:?}")
    }

    /// The figures of `indicator` for `query`, computed by `compute` unless a live entry has
    /// them.
    pub fn get_or_compute<E>(
        &self,
        indicator: &str,
        query: &Query,
        compute: impl FnOnce() -> Result<Vec<Figure>, E>,
    ) -> Result<Arc<Vec<Figure>>, E> {
        if self.ttl.is_zero() {
            return compute().map(Arc::new);
        }
        let key = FigureCache::key(indicator, query);
        let generation = self.generation.load(Ordering::Acquire);
        {
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(entry) = entries.lru.get(&key) {
                if entry.generation == generation && entry.made.elapsed() < self.ttl {
                    return Ok(entry.figures.clone());
                }
            }
        }
        let figures = Arc::new(compute()?);
        if figures.len() <= MAX_FIGURES {
            let entry = Entry {
                generation,
                made: Instant::now(),
                figures: figures.clone(),
            };
            let mut entries = self.entries.lock().unwrap_or_else(|p| p.into_inner());
            entries.figures += figures.len();
            if let Some((_, old)) = entries.lru.push(key, entry) {
                entries.figures -= old.figures.len();
            }
            while entries.figures > BUDGET {
                let Some((_, old)) = entries.lru.pop_lru() else {
                    break;
                };
                entries.figures -= old.figures.len();
            }
        }
        Ok(figures)
    }

    /// The index changed: no entry made before now serves again.
    pub fn invalidate(&self) {
        self.generation.fetch_add(1, Ordering::AcqRel);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::supervision::indicators::{Level, Period, PeriodKind};
    use crate::supervision::Scope;

    fn query() -> Query {
        Query {
            level: Level::City,
            period: Period::new(PeriodKind::Year, "2026-01-01", "2026-12-31").unwrap(),
            scope: Scope::City,
            parent: None,
        }
    }

    fn figure(value: f64) -> Vec<Figure> {
        vec![Figure {
            key: "city".into(),
            label_zh: "全市".into(),
            period: "2026".into(),
            value: Some(value),
            numerator: None,
            denominator: None,
        }]
    }

    #[test]
    fn an_entry_serves_until_the_index_changes_or_it_ages() {
        let cache = FigureCache::new(Duration::from_secs(60));
        let first = cache
            .get_or_compute::<()>("a", &query(), || Ok(figure(1.0)))
            .unwrap();
        let again = cache
            .get_or_compute::<()>("a", &query(), || Ok(figure(2.0)))
            .unwrap();
        assert_eq!(first, again, "served from the cache");
        let other = cache
            .get_or_compute::<()>("b", &query(), || Ok(figure(3.0)))
            .unwrap();
        assert_eq!(
            other[0].value,
            Some(3.0),
            "another indicator is its own entry"
        );
        cache.invalidate();
        let fresh = cache
            .get_or_compute::<()>("a", &query(), || Ok(figure(4.0)))
            .unwrap();
        assert_eq!(
            fresh[0].value,
            Some(4.0),
            "a change to the index ends every entry"
        );

        let aged = FigureCache::new(Duration::from_millis(1));
        aged.get_or_compute::<()>("a", &query(), || Ok(figure(1.0)))
            .unwrap();
        std::thread::sleep(Duration::from_millis(5));
        let recomputed = aged
            .get_or_compute::<()>("a", &query(), || Ok(figure(5.0)))
            .unwrap();
        assert_eq!(recomputed[0].value, Some(5.0));

        let off = FigureCache::new(Duration::ZERO);
        off.get_or_compute::<()>("a", &query(), || Ok(figure(1.0)))
            .unwrap();
        let computed = off
            .get_or_compute::<()>("a", &query(), || Ok(figure(6.0)))
            .unwrap();
        assert_eq!(computed[0].value, Some(6.0));
    }

    #[test]
    fn large_answers_are_not_kept() {
        let cache = FigureCache::new(Duration::from_secs(60));
        let many = || Ok::<_, ()>(vec![figure(1.0)[0].clone(); MAX_FIGURES + 1]);
        cache.get_or_compute("a", &query(), many).unwrap();
        let next = cache
            .get_or_compute::<()>("a", &query(), || Ok(figure(7.0)))
            .unwrap();
        assert_eq!(next.len(), 1);
    }
}
