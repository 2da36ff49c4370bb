//! Full-scale catalogue benchmarks: applying a city-wide full bundle (3,508 bodies, 11,273
//! items, 54,186 officers, 5,375 regulations with their articles, 100,000 enterprises) and
//! searching it. Budget (DESIGN.md §6): search ≤ 10 ms.
//!
//! cargo bench -p zhifa-core --bench catalogue

use std::sync::Arc;
use std::time::Duration;

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use zhifa_core::crypto::{Algorithm, Signer, SigningKey};
use zhifa_core::registry::generate::{generate, Scale};
use zhifa_core::registry::Registry;
use zhifa_core::store::Store;
use zhifa_core::testing::signed_bundle;

/// The whole city (Chongqing, prefix 50): every generated record is in scope.
const CITY: &str = "50";

fn full_bundle(authority: &SigningKey) -> Vec<u8> {
    signed_bundle(authority, 1, &[CITY], generate(Scale::FULL, 2026))
}

fn fresh_registry(authority: &SigningKey) -> (tempfile::TempDir, Registry) {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), &zhifa_core::testing::test_key()).unwrap());
    let registry = Registry::new(store, vec![CITY.into()], vec![authority.public_key()]).unwrap();
    (dir, registry)
}

fn benches(c: &mut Criterion) {
    let authority = SigningKey::generate(Algorithm::EdDSA);
    let bundle = full_bundle(&authority);
    eprintln!("full-scale bundle: {:.1} MB", bundle.len() as f64 / 1e6);

    let mut group = c.benchmark_group("catalogue");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(60));
    group.bench_function("apply_full_bundle_full_scale", |b| {
        b.iter_batched(
            || fresh_registry(&authority),
            |(dir, registry)| {
                registry.apply_bundle(&bundle).unwrap();
                (dir, registry)
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();

    let (_dir, registry) = fresh_registry(&authority);
    registry.apply_bundle(&bundle).unwrap();
    let mut group = c.benchmark_group("search_full_scale");
    for query in [
        "无证",
        "罚款",
        "无证经营",
        "食品生产经营",
        "露天烧烤",
        "第一百一十八条",
        "烟",
    ] {
        let hits = registry.search(query, 20).unwrap().len();
        eprintln!("query {query}: {hits} hits (limit 20)");
        group.bench_function(query, |b| b.iter(|| registry.search(query, 20).unwrap()));
    }
    group.finish();
}

criterion_group!(catalogue, benches);
criterion_main!(catalogue);
