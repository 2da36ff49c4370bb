//! Writes a device store holding the full-scale city-wide catalogue, for experiments and
//! profiling: `cargo run --release -p zhifa-core --example fullscale_store -- DIR`.

use std::sync::Arc;

use chrono::Utc;
use zhifa_core::crypto::{Algorithm, Signer, SigningKey};
use zhifa_core::registry::generate::{generate, Scale};
use zhifa_core::registry::{sign_bundle, BundleBody, Registry, Removals, BUNDLE_FORMAT};
use zhifa_core::store::Store;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: fullscale_store DIR");
    let authority = SigningKey::generate(Algorithm::EdDSA);
    let body = BundleBody {
        format: BUNDLE_FORMAT,
        version: 1,
        base_version: None,
        scope: vec!["50".into()],
        issued_at: Utc::now(),
        upserts: generate(Scale::FULL, 2026),
        removals: Removals::default(),
    };
    let bundle = sign_bundle(&body, &authority).expect("sign");
    let store = Arc::new(Store::open(&dir).expect("store"));
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
