//! Writes a device store holding the full-scale city-wide catalogue, for experiments and
//! profiling: `cargo run --release -p zhifa-core --example fullscale_store -- DIR`.

use std::sync::Arc;

use zhifa_core::crypto::{Algorithm, Signer, SigningKey};
use zhifa_core::registry::generate::{generate, Scale};
use zhifa_core::registry::Registry;
use zhifa_core::store::Store;
use zhifa_core::testing::signed_bundle;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: fullscale_store DIR");
    let authority = SigningKey::generate(Algorithm::EdDSA);
    let bundle = signed_bundle(&authority, 1, &["50"], generate(Scale::FULL, 2026));
    let store = Arc::new(Store::open(&dir, &zhifa_core::testing::test_key()).expect("store"));
    let registry =
        Registry::new(store, vec!["50".into()], vec![authority.public_key()]).expect("registry");
    let started = std::time::Instant::now();
    let report = registry.apply_bundle(&bundle).expect("apply");
    println!(
        "applied {} records in {:?}: {:?}",
        report.records_written,
        started.elapsed(),
        registry.counts().unwrap()
    );
}
