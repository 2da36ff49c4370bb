//! Case-file review figures on SQLite: lawful closed cases made by a phone through the
//! procedure, stored and indexed as the server does, then a sample of all of them drawn,
//! scored and summarised. Prints the time per case scored and the draw and summary times.
//! `cargo bench -p zhifa-sync-server --bench review` (`REVIEW_CASES`, default 200).

#[path = "../tests/review_support/mod.rs"]
mod review_support;
#[path = "../tests/support/mod.rs"]
mod support;

use std::time::Instant;

use review_support::{closed_case, document, server, store_doc, today};
use zhifa_core::testing::{demo_catalogue, Phone};
use zhifa_sync_server::server::open_catalogue;
use zhifa_sync_server::storage::transaction;
use zhifa_sync_server::supervision::index::{self, Projector};
use zhifa_sync_server::supervision::review::{self, By, Over, Rate};
use zhifa_sync_server::supervision::Scope;

fn main() {
    let count: i32 = std::env::var("REVIEW_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let phone = Phone::with_catalogue(&["50"], demo_catalogue());
    phone.on_duty(review_support::BY);
    let started = Instant::now();
    let (dir, db) = server(&None);
    for number in 1..=count {
        let id = closed_case(&phone, number);
        store_doc(
            db.as_ref(),
            &id,
            &document(&phone, &id).save(),
            number as i64,
        );
    }
    println!(
        "made and stored {count} closed cases in {:?}",
        started.elapsed()
    );
    let catalogue = open_catalogue(dir.path()).unwrap();
    index::rebuild(db.as_ref(), &Projector::from_store(&catalogue).unwrap()).unwrap();

    let period = (today(), today());
    let started = Instant::now();
    let sample = review::draw(db.as_ref(), &Scope::City, period, Rate::All, 1, "bench").unwrap();
    println!(
        "draw of {} cases: {:?}",
        sample.cases.len(),
        started.elapsed()
    );

    let started = Instant::now();
    let report = review::score_sample(db.as_ref(), &catalogue, &sample.id, "bench").unwrap();
    let elapsed = started.elapsed();
    assert_eq!(report.scored, count as usize);
    println!(
        "scored {} cases in {elapsed:?}: {:.2} ms a case (catalogue load included)",
        report.scored,
        elapsed.as_secs_f64() * 1000.0 / report.scored as f64
    );

    for by in [By::Body, By::Officer] {
        let started = Instant::now();
        let over = Over::Sample(sample.id.clone());
        let figures = transaction(db.as_ref(), |tx| {
            review::summary(tx, &Scope::City, by, &over)
        })
        .unwrap();
        println!(
            "summary {by:?}: {} rows in {:?}",
            figures.len(),
            started.elapsed()
        );
    }
}
