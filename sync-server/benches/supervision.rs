//! Supervision on a city-year: loading it (the simulate time, once: the year is cached in
//! `$CARGO_TARGET_DIR/cityyear-<scale>-<seed>`), recomputing every indicator for the year
//! (budget ≤ 10 s on SQLite), one drill-down (an indicator for the bodies of one district,
//! budget ≤ 100 ms), and re-projecting one case into the full index. Prints its figures.
//!
//! cargo bench -p zhifa-sync-server --bench supervision
//! ZHIFA_CITYYEAR_SCALE=small for a quick run; ZHIFA_CITYYEAR_SEED to change the seed.

use std::path::PathBuf;
use std::time::{Duration, Instant};

use zhifa_sync_server::server;
use zhifa_sync_server::storage::transaction;
use zhifa_sync_server::supervision::indicators::{
    compute, compute_all, Indicators, Level, Period, PeriodKind, Query,
};
use zhifa_sync_server::supervision::simulate::year::Generator;
use zhifa_sync_server::supervision::simulate::{simulate, CityScale, CityYear};
use zhifa_sync_server::supervision::Scope;

fn main() {
    let scale = std::env::var("ZHIFA_CITYYEAR_SCALE").unwrap_or_else(|_| "full".into());
    let scale = CityScale::parse(&scale).expect("ZHIFA_CITYYEAR_SCALE is full or small");
    let seed: u64 = std::env::var("ZHIFA_CITYYEAR_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2026);
    let config = CityYear::new(scale, seed);
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".into());
    let dir = PathBuf::from(target).join(format!("cityyear-{}-{seed}", scale.as_str()));
    if !dir.join("truth.json").exists() {
        std::fs::create_dir_all(&dir).expect("cache dir");
        let db = server::open_database(&dir, None).expect("database");
        let (loaded, truth) = simulate(db.as_ref(), &dir, config).expect("simulated");
        println!(
            "load: {} cases, {} inspections, {} visits, {} feedback in {:.1} s; {} anomalies",
            loaded.cases,
            loaded.inspections,
            loaded.visits,
            loaded.feedback,
            loaded.millis as f64 / 1000.0,
            truth.count()
        );
    } else {
        println!("load: cached in {}", dir.display());
    }
    let db = server::open_database(&dir, None).expect("database");

    let runs: Vec<Duration> = (0..3)
        .map(|_| {
            let started = Instant::now();
            let figures = compute_all(db.as_ref(), config.year).expect("computed");
            let took = started.elapsed();
            let count: usize = figures.iter().map(|(_, _, f)| f.len()).sum();
            println!(
                "compute_all: {} indicator-levels, {count} figures in {took:.2?}",
                figures.len()
            );
            took
        })
        .collect();
    println!(
        "compute_all: best {:.2?} (budget 10 s)",
        runs.iter().min().unwrap()
    );

    let district = "500101".to_owned();
    let indicator = Indicators::builtin()
        .get("case.decided")
        .expect("case.decided");
    let query = Query {
        level: Level::Body,
        period: Period::year(config.year, PeriodKind::Month),
        scope: Scope::City,
        parent: Some(district.clone()),
    };
    let mut times: Vec<Duration> = (0..20)
        .map(|_| {
            let started = Instant::now();
            let figures =
                transaction(db.as_ref(), |tx| compute(tx, indicator, &query)).expect("drill-down");
            assert!(!figures.is_empty(), "the district has bodies with cases");
            started.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "drill-down (case.decided by body of {district}, by month): median {:.2?}, max {:.2?} (budget 100 ms)",
        times[times.len() / 2],
        times[times.len() - 1]
    );

    // Re-projecting one case of the year into the full index, as a sync round does.
    let generator = Generator::new(config).expect("generator");
    let year = generator.body_year(0);
    let projector = zhifa_sync_server::supervision::index::Projector::new(&generator.world.data);
    let now =
        zhifa_sync_server::supervision::simulate::inspections::noon(config.as_of()).timestamp();
    let mut times: Vec<Duration> = year
        .cases
        .iter()
        .take(200)
        .map(|case| {
            let started = Instant::now();
            transaction(db.as_ref(), |tx| projector.case(tx, &year.body, case, now))
                .expect("projected");
            started.elapsed()
        })
        .collect();
    times.sort();
    println!(
        "projection of one case into the full index (one transaction each): median {:.2?}, p90 {:.2?}",
        times[times.len() / 2],
        times[times.len() * 9 / 10]
    );
}
