//! The seeded fault-proxy scenario, shared by the sync test (a short seed range) and the soak
//! (as many seeds as asked): two phones of one team sync through a proxy that drops, delays,
//! duplicates, truncates and replays requests, the server restarted mid-sync in some runs;
//! then the network heals and both phones must hold the same cases, every edit and every
//! photo confirmed.

use std::sync::atomic::Ordering;

use chrono::NaiveDate;
use zhifa_core::cases::{CaseEdit, CaseKind};
use zhifa_core::sync::http::HttpTransport;
use zhifa_core::sync::SubjectKind;

use crate::proxy::{FaultProxy, Faults};
use crate::{Phone, TestServer, OFFICER_A, OFFICER_B};

/// What one seeded run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultRun {
    /// Faults the proxy injected.
    pub injected: u64,
    /// Edits made (and so expected on both phones).
    pub edits: usize,
}

/// Why a run did not converge: the seed and what differed, for the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotConverged {
    pub seed: u64,
    pub reason: String,
}

fn date(text: &str) -> NaiveDate {
    text.parse().expect("a date")
}

/// One seeded run against a fresh server (SQLite, or PostgreSQL at `database_url`).
pub fn run_seed(database_url: Option<&str>, seed: u64) -> Result<FaultRun, NotConverged> {
    let fail = |reason: String| NotConverged { seed, reason };
    let mut server = TestServer::start_with(database_url.map(str::to_owned), None);
    let proxy = FaultProxy::start(server.address, Faults::HARSH, seed);
    let a = Phone::enrolled_via(&server, &proxy.base(), SubjectKind::Officer, OFFICER_A);
    let b = Phone::enrolled_via(&server, &proxy.base(), SubjectKind::Officer, OFFICER_B);
    let mut cases = Vec::new();
    let mut expected = Vec::new();
    for round in 0..4 {
        for (phone, name) in [(&a, "A"), (&b, "B")] {
            let case = phone
                .device
                .cases()
                .create(
                    CaseKind::Ordinary,
                    "SP-126-5",
                    "500103",
                    date("2026-11-20"),
                    date("2026-11-21"),
                )
                .map_err(|e| fail(format!("create on {name}: {e}")))?;
            cases.push(case.id.clone());
            for id in &cases {
                let mark = format!("{name}{round}@{};", &id[id.len() - 4..]);
                // A case the phone has not received yet is edited on the next round.
                if phone
                    .device
                    .cases()
                    .edit(id, &[CaseEdit::AppendFindings(mark.clone())])
                    .is_ok()
                {
                    expected.push((id.clone(), mark));
                }
            }
            phone
                .device
                .evidence()
                .add_to_case(
                    &case.id,
                    format!("photo {seed} {round} {name}").as_bytes(),
                    "photo",
                    "现场照片",
                    None,
                )
                .map_err(|e| fail(format!("evidence on {name}: {e}")))?;
            if seed.is_multiple_of(3) && round == 2 && name == "B" {
                server.restart();
            }
            // Failures are expected here; the phone resumes next time.
            let _ = phone.sync();
        }
    }
    let injected = proxy.counters.faults.load(Ordering::Relaxed);
    drop(proxy);
    heal_and_compare(&server, [&a, &b], &cases, &expected).map_err(fail)?;
    Ok(FaultRun {
        injected,
        edits: expected.len(),
    })
}

/// The network heals: direct syncs until both are quiet, then the phones must agree on every
/// case, hold every edit and every photo, and have nothing left to send.
fn heal_and_compare(
    server: &TestServer,
    phones: [&Phone; 2],
    cases: &[String],
    expected: &[(String, String)],
) -> Result<(), String> {
    let [a, b] = phones;
    let direct_a = HttpTransport::new(&server.base()).map_err(|e| e.to_string())?;
    let direct_b = HttpTransport::new(&server.base()).map_err(|e| e.to_string())?;
    for _ in 0..3 {
        a.sync_via(&direct_a)
            .map_err(|e| format!("A's sync: {e}"))?;
        b.sync_via(&direct_b)
            .map_err(|e| format!("B's sync: {e}"))?;
    }
    for id in cases {
        let on_a = a
            .device
            .cases()
            .get(id)
            .map_err(|e| format!("{id} on A: {e}"))?;
        let on_b = b
            .device
            .cases()
            .get(id)
            .map_err(|e| format!("{id} on B: {e}"))?;
        if on_a != on_b {
            return Err(format!("{id} differs between A and B"));
        }
        if on_a.evidence.len() != 1 {
            return Err(format!("{id} holds {} photos", on_a.evidence.len()));
        }
    }
    for (id, mark) in expected {
        let findings = a
            .device
            .cases()
            .get(id)
            .map_err(|e| e.to_string())?
            .onsite
            .findings;
        if !findings.contains(mark.as_str()) {
            return Err(format!("lost {mark} in {findings}"));
        }
    }
    let events = a
        .device
        .sync()
        .pending_events(10)
        .map_err(|e| e.to_string())?;
    if !events.is_empty() {
        return Err(format!("{} events not acknowledged", events.len()));
    }
    for (phone, name) in [(a, "A"), (b, "B")] {
        let pending = phone
            .device
            .store()
            .read(zhifa_core::sync::replica::pending_blobs)
            .map_err(|e| e.to_string())?;
        if !pending.is_empty() {
            return Err(format!("evidence not confirmed on {name}: {pending:?}"));
        }
    }
    Ok(())
}

/// The counts over a range of seeds.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FaultTally {
    pub runs: u64,
    pub converged: u64,
    pub injected: u64,
    pub edits: u64,
    pub failures: Vec<NotConverged>,
}

/// Runs every seed of `seeds`, calling `each` after each run (for progress).
pub fn run_seeds(
    database_url: Option<&str>,
    seeds: std::ops::Range<u64>,
    mut each: impl FnMut(u64, &Result<FaultRun, NotConverged>),
) -> FaultTally {
    let mut tally = FaultTally::default();
    for seed in seeds {
        let outcome = run_seed(database_url, seed);
        each(seed, &outcome);
        tally.runs += 1;
        match outcome {
            Ok(run) => {
                tally.converged += 1;
                tally.injected += run.injected;
                tally.edits += run.edits as u64;
            }
            Err(failure) => tally.failures.push(failure),
        }
    }
    tally
}
