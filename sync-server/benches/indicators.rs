//! Recomputing every indicator for a city-year (budget ≤ 10 s on SQLite) and one drill-down
//! (one indicator by body under one district, ≤ 100 ms). The synthetic index (3,508 bodies
//! over 38 districts, 54,186 officers, 350,000 cases with two acting officers each,
//! 1,050,000 inspections, their visits, feedback, devices, outcomes and reviews) is built once
//! into `$CARGO_TARGET_DIR/indicator-bench.sqlite3` and reused.
//!
//! cargo bench -p zhifa-sync-server --bench indicators

use std::path::PathBuf;
use std::time::Instant;

use chrono::{Duration, NaiveDate};
use rusqlite::{params, Connection};
use zhifa_sync_server::storage::{transaction, SqliteDatabase};
use zhifa_sync_server::supervision::indicators::{
    compute, compute_all, Indicators, Level, Period, PeriodKind, Query,
};
use zhifa_sync_server::supervision::Scope;

const DISTRICTS: usize = 38;
const BODIES: usize = 3_508;
const OFFICERS: usize = 54_186;
const CASES: usize = 350_000;
const INSPECTIONS: usize = 1_050_000;
const SECTORS: [&str; 8] = [
    "market",
    "ecology",
    "transport",
    "culture",
    "agriculture",
    "emergency",
    "urban",
    "health",
];

/// A small deterministic generator (SplitMix64): the same index on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

fn district(body: usize) -> String {
    format!("5001{:02}", body % DISTRICTS + 1)
}

fn body_id(body: usize) -> String {
    format!("B{body:04}")
}

/// The bodies' officers: officer `o` serves body `o % BODIES`.
fn officer_of(body: usize, rng: &mut Rng) -> String {
    let per_body = OFFICERS / BODIES;
    format!("O{:05}", (rng.below(per_body) * BODIES + body) % OFFICERS)
}

fn day(start: NaiveDate, offset: i64) -> String {
    (start + Duration::days(offset)).to_string()
}

fn bench_path() -> PathBuf {
    let target = std::env::var("CARGO_TARGET_DIR").unwrap_or_else(|_| "target".to_owned());
    PathBuf::from(target).join("indicator-bench.sqlite3")
}

fn insert_cases(conn: &Connection, rng: &mut Rng, jan1: NaiveDate) -> rusqlite::Result<()> {
    let mut case = conn.prepare(
        "INSERT INTO sv_case VALUES (?1, ?2, ?3, '', ?4, ?5, 'item', ?6, ?7, ?8, ?9, ?10, ?11, \
         ?12, ?12, ?13, ?14, ?15, ?16, NULL, ?17, ?18, ?19, ?20, ?21, ?22, ?23, ?24, 'penalty', \
         ?25, ?26, ?27, ?28, ?29, ?30, ?31, ?32, ?33, '', ?34, ?35, ?36, ?37, ?38, ?39, ?40, ?41, \
         2, 2, ?42, ?43, ?44, ?45, 0)",
    )?;
    let mut officer = conn.prepare("INSERT INTO sv_case_officer VALUES (?1, ?2, '', 1, 1)")?;
    for n in 0..CASES {
        let body = rng.below(BODIES);
        let id = format!("case-{n:06}");
        let ordinary = rng.chance(60);
        let filed = rng.below(365) as i64;
        let took = if ordinary { 5 + rng.below(120) } else { 0 } as i64;
        let decided = (filed + took < 365).then(|| day(jan1, filed + took));
        let decided_ref = decided.as_deref();
        let band_min = 1_000 * (1 + rng.below(5) as i64);
        let departure = rng.chance(20);
        let fine = if departure {
            band_min * 4
        } else {
            band_min + rng.below(1_000) as i64
        };
        let review = ordinary && rng.chance(30);
        let acting = if rng.chance(3) { 1 } else { 2 };
        let party = ["person", "organisation", ""][rng.below(3)];
        case.execute(params![
            id,
            body_id(body),
            district(body),
            format!("{}001", district(body)),
            SECTORS[body % SECTORS.len()],
            format!("V{}", rng.below(40)),
            format!("渝执{n}"),
            if ordinary { "ordinary" } else { "summary" },
            if decided.is_some() {
                "decided"
            } else {
                "filed"
            },
            party,
            if party == "organisation" {
                "91500000X"
            } else {
                ""
            },
            day(jan1, filed - rng.below(5) as i64),
            day(jan1, filed),
            review.then(|| day(jan1, filed + took / 2)),
            (review && rng.chance(50)).then(|| day(jan1, filed + took / 2)),
            ordinary.then(|| day(jan1, filed + took / 3)),
            (ordinary && rng.chance(5)).then(|| day(jan1, filed + took / 2)),
            decided_ref,
            decided_ref,
            decided_ref.filter(|_| rng.chance(90)),
            decided.as_ref().map(|_| day(jan1, filed + took + 15)),
            day(jan1, filed + 90),
            rng.chance(5) as i64,
            4 + rng.below(12) as i64,
            format!("R{}", rng.below(6)),
            band_min,
            band_min + 1_000,
            band_min * 5,
            1,
            fine,
            if rng.chance(10) { 500 } else { 0 },
            departure as i64,
            if departure && rng.chance(50) {
                "理由"
            } else {
                ""
            },
            if rng.chance(5) { "warning" } else { "" },
            review as i64,
            (review && rng.chance(30)) as i64,
            (ordinary && rng.chance(10)) as i64,
            rng.chance(8) as i64,
            (!ordinary && rng.chance(50)) as i64,
            if rng.chance(3) { 300 } else { 0 },
            rng.chance(2) as i64,
            rng.chance(4) as i64,
            acting,
            rng.chance(1) as i64,
            rng.chance(1) as i64,
        ])?;
        for _ in 0..2 {
            officer.execute(params![id, officer_of(body, rng)]).ok();
        }
        if n % 35 == 0 {
            let kind = if rng.chance(70) {
                "reconsideration"
            } else {
                "litigation"
            };
            let result = ["upheld", "corrected", "withdrawn", "revoked"][rng.below(4)];
            conn.execute(
                "INSERT INTO sv_outcome VALUES (?1, ?2, ?3, '2025-12-01', 'bench', 0)",
                params![format!("渝执{n}"), kind, result],
            )?;
        }
        if n % 17 == 0 {
            let defects = if rng.chance(30) {
                "[\"d1\",\"d2\"]"
            } else {
                "[]"
            };
            conn.execute(
                "INSERT INTO sv_review VALUES ('sample', ?1, ?2, ?3, ?4, 'r', 0, '[]')",
                params![id, body_id(body), 60 + rng.below(40) as i64, defects],
            )?;
        }
    }
    Ok(())
}

fn insert_inspections(conn: &Connection, rng: &mut Rng, jan1: NaiveDate) -> rusqlite::Result<()> {
    let mut inspection = conn.prepare(
        "INSERT INTO sv_inspection VALUES (?1, ?2, ?3, 'plan', ?4, ?5, ?6, '', ?7, 10, 10, ?8, \
         ?9, ?10, 0)",
    )?;
    let mut visit = conn.prepare("INSERT INTO sv_visit VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)")?;
    let mut feedback =
        conn.prepare("INSERT INTO sv_feedback VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, '', ?8, 1)")?;
    for n in 0..INSPECTIONS {
        let body = rng.below(BODIES);
        let officer = officer_of(body, rng);
        let enterprise = format!("E{:06}", rng.below(200_000));
        let on = day(jan1, rng.below(365) as i64);
        let visit_id = format!("visit-{n:07}");
        inspection.execute(params![
            format!("insp-{n:07}"),
            body_id(body),
            district(body),
            rng.chance(80) as i64,
            enterprise,
            ["A", "B", "C", "D", ""][rng.below(5)],
            officer,
            rng.below(3) as i64,
            visit_id,
            on,
        ])?;
        if n % 2 == 0 {
            visit.execute(params![
                visit_id,
                officer,
                body_id(body),
                district(body),
                enterprise,
                on,
                rng.chance(85) as i64,
                rng.chance(2) as i64,
            ])?;
        }
        if n % 10 == 0 {
            let complaint = rng.chance(10);
            feedback.execute(params![
                format!("fb-{n:07}"),
                if complaint { "complaint" } else { "rating" },
                body_id(body),
                district(body),
                officer,
                visit_id,
                (!complaint).then(|| 1 + rng.below(5) as i64),
                on,
            ])?;
        }
    }
    let mut device = conn.prepare("INSERT INTO sv_device_seen VALUES (?1, ?2, ?3, ?4)")?;
    for n in 0..OFFICERS {
        let body = n % BODIES;
        let seen = 1_764_000_000 + rng.below(60 * 86_400) as i64;
        device.execute(params![
            format!("key-{n}"),
            body_id(body),
            district(body),
            seen
        ])?;
    }
    Ok(())
}

/// The bench index, built once (its schema from the server's own migration).
fn index() -> SqliteDatabase {
    let path = bench_path();
    let db = SqliteDatabase::open(&path).expect("open the bench index");
    let conn = Connection::open(&path).expect("open for loading");
    let loaded: i64 = conn
        .query_row("SELECT COUNT(*) FROM sv_case", [], |r| r.get(0))
        .expect("count");
    if loaded == CASES as i64 {
        return db;
    }
    let started = Instant::now();
    conn.execute_batch("PRAGMA synchronous = OFF; BEGIN")
        .unwrap();
    for table in [
        "sv_case",
        "sv_case_officer",
        "sv_inspection",
        "sv_visit",
        "sv_feedback",
        "sv_device_seen",
        "sv_outcome",
        "sv_review",
    ] {
        conn.execute(&format!("DELETE FROM {table}"), []).unwrap();
    }
    let mut rng = Rng(13);
    let jan1 = NaiveDate::from_ymd_opt(2025, 1, 1).unwrap();
    insert_cases(&conn, &mut rng, jan1).unwrap();
    insert_inspections(&conn, &mut rng, jan1).unwrap();
    conn.execute_batch("COMMIT; ANALYZE").unwrap();
    println!("built {} in {:.1?}", path.display(), started.elapsed());
    db
}

/// This process's CPU time (user + system) in seconds, from `/proc/self/stat` (Linux, 100
/// ticks a second): on a machine shared with other builds, wall time overstates the cost.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    let ticks: f64 = fields.get(11)?.parse::<f64>().ok()? + fields.get(12)?.parse::<f64>().ok()?;
    Some(ticks / 100.0)
}

fn main() {
    let db = index();
    let started = Instant::now();
    let cpu = cpu_seconds();
    let all = compute_all(&db, 2025).expect("compute_all");
    let figures: usize = all.iter().map(|(_, _, f)| f.len()).sum();
    let cpu = cpu
        .zip(cpu_seconds())
        .map(|(a, b)| b - a)
        .unwrap_or(f64::NAN);
    println!(
        "compute_all(2025): {:.2?} wall, {cpu:.2} s CPU ({} indicator-levels, {figures} figures)",
        started.elapsed(),
        all.len()
    );
    let ind = Indicators::builtin()
        .get("discretion.departure_rate")
        .expect("a builtin indicator");
    let q = Query {
        level: Level::Body,
        period: Period::year(2025, PeriodKind::Month),
        scope: Scope::City,
        parent: Some("500107".to_owned()),
    };
    let mut best = std::time::Duration::MAX;
    for _ in 0..5 {
        let started = Instant::now();
        let figures = transaction(&db, |tx| compute(tx, ind, &q)).expect("compute");
        best = best.min(started.elapsed());
        assert!(!figures.is_empty());
    }
    println!("drill-down (departure rate by body under 500107, by month): {best:.2?} (best of 5)");
}
