//! Sync figures against the per-document Automerge figures in sync.md. Run:
//! `cargo run --release -p zhifa-e2e --bin sync-bench` (add `--quick` for a smaller run).
//! Bytes are counted on the wire (HTTP headers included) by a pass-through proxy.

use std::sync::Arc;
use std::time::Instant;

use chrono::NaiveDate;
use zhifa_core::cases::{CaseEdit, CaseKind, CaseOfficer};
use zhifa_core::store::StoreError;
use zhifa_core::sync::http::HttpTransport;
use zhifa_core::sync::protocol::routes;
use zhifa_core::sync::SubjectKind;
use zhifa_e2e::proxy::{FaultProxy, Faults};
use zhifa_e2e::{Phone, TestServer, OFFICER_A, OFFICER_B};

fn date(text: &str) -> NaiveDate {
    text.parse().expect("date")
}

/// A small case document: created, staffed and filled in over ~20 changes.
fn small_case(phone: &Phone, n: usize) -> String {
    let device = &phone.device;
    let case = device
        .cases()
        .create(
            CaseKind::Ordinary,
            "SP-126-5",
            "500103",
            date("2026-11-20"),
            date("2026-11-21"),
        )
        .expect("case");
    for officer in [OFFICER_A, OFFICER_B] {
        device
            .cases()
            .edit(
                &case.id,
                &[CaseEdit::AddOfficer(CaseOfficer {
                    credential_no: officer.into(),
                    name: String::new(),
                    verified: true,
                    withdrawn: false,
                })],
            )
            .expect("edit");
    }
    for i in 0..18 {
        device
            .cases()
            .edit(&case.id, &[CaseEdit::AppendFindings(format!("{n}-{i};"))])
            .expect("edit");
    }
    case.id
}

/// Seconds the server spent in `route` so far (its own request-duration summary).
fn server_seconds(server: &TestServer, route: &str) -> f64 {
    // The in-process recorder: what the internal `/metrics` listener would serve.
    let text = server
        .state
        .metrics
        .as_ref()
        .map(|handle| handle.render())
        .unwrap_or_default();
    let wanted = format!("zhifa_http_request_seconds_sum{{route=\"{route}\"}}");
    text.lines()
        .find_map(|l| l.strip_prefix(wanted.as_str()))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0.0)
}

/// Publishes `devices / team_size` more enforcement bodies with `team_size` officers each
/// (and their credential keys); returns the officers' credential numbers.
fn load_teams(server: &TestServer, devices: usize, team_size: usize) -> Vec<String> {
    use zhifa_core::registry::{EnforcementBody, KeyPurpose, Officer};
    let mut data = zhifa_e2e::demo_catalogue();
    let items = data
        .officers
        .iter()
        .find(|o| o.credential_no == OFFICER_A)
        .expect("demo officer")
        .items
        .clone();
    let keys = zhifa_sync_server::AgencyKeys::open(&server.data_dir);
    let mut officers = Vec::new();
    for team in 0..devices.div_ceil(team_size) {
        let body = format!("B500103{:03}", 100 + team);
        data.bodies.push(EnforcementBody {
            id: body.clone(),
            name: format!("渝中区综合执法第{}中队", team + 1),
            division: "500103".into(),
            ..EnforcementBody::default()
        });
        if !keys.exists(&body, KeyPurpose::DutyCredential) {
            keys.create(&body, KeyPurpose::DutyCredential, vec!["500103".into()])
                .expect("agency key");
        }
        for member in 0..team_size {
            let credential_no = format!("渝5001039{:02}{:03}", team, member);
            data.officers.push(Officer {
                credential_no: credential_no.clone(),
                name: format!("队员{team}-{member}"),
                body_id: body.clone(),
                divisions: vec!["500103".into()],
                items: items.clone(),
                roles: Vec::new(),
            });
            officers.push(credential_no);
        }
    }
    data.agency_keys
        .extend(keys.records().expect("agency keys"));
    server.catalogue.publish(&data).expect("publish load teams");
    officers
}

fn line(what: &str, value: String) {
    println!("{what:<58} {value}");
}

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    let docs = if quick { 400 } else { 2_000 };
    let devices = if quick { 100 } else { 500 };
    // Hundreds of phones from one loopback address: no rate limits (the timeouts stay).
    let server = TestServer::start_configured(None, None, |config| {
        config.limits = config.limits.clone().without_rates()
    });
    let proxy = FaultProxy::start(server.address, Faults::NONE, 0);
    let phone = Phone::enrolled_via(&server, &proxy.base(), SubjectKind::Officer, OFFICER_A);
    phone.sync().expect("catalogue");

    println!(
        "# zhifa sync figures ({docs} documents on one phone; {devices} devices in the load run)\n"
    );
    let ids: Vec<String> = (0..docs).map(|n| small_case(&phone, n)).collect();
    let size: usize = phone
        .device
        .cases()
        .snapshot(&ids[0])
        .expect("snapshot")
        .len();
    line("document size (saved whole)", format!("{size} B"));

    proxy.reset_counters();
    let busy = server_seconds(&server, routes::SYNC);
    let started = Instant::now();
    let report = phone.sync().expect("first upload");
    let elapsed = started.elapsed();
    let busy = server_seconds(&server, routes::SYNC) - busy;
    line(
        "first upload",
        format!(
            "{:.0} ms, {} round trips, {} KB on the wire, {:.0} document syncs/s",
            elapsed.as_secs_f64() * 1e3,
            proxy.requests(),
            proxy.bytes() / 1024,
            docs as f64 / elapsed.as_secs_f64()
        ),
    );
    assert_eq!(report.docs_synced as usize, docs);
    line(
        "server throughput, SQLite (target ≥ 1,000 document syncs/s)",
        format!(
            "{:.0} document syncs per second of server time ({:.0} ms busy)",
            docs as f64 / busy,
            busy * 1e3
        ),
    );

    proxy.reset_counters();
    let started = Instant::now();
    phone.sync().expect("reconnect");
    line(
        "reconnect, nothing changed (target 1 round trip, < 1 KB)",
        format!(
            "{} round trip(s), {} B on the wire, {:.1} ms",
            proxy.requests(),
            proxy.bytes(),
            started.elapsed().as_secs_f64() * 1e3
        ),
    );

    phone
        .device
        .store()
        .write(|tx| {
            tx.execute("DELETE FROM meta WHERE key = 'sync.cursor'", [])
                .map_err(StoreError::from)
        })
        .expect("forget cursor");
    proxy.reset_counters();
    phone.sync().expect("lost cursor");
    line(
        "reconnect after losing the cursor (target ≤ 40 B/document)",
        format!(
            "{} round trip(s), {} B on the wire = {:.1} B/document",
            proxy.requests(),
            proxy.bytes(),
            proxy.bytes() as f64 / docs as f64
        ),
    );

    for id in ids.iter().step_by(10) {
        phone
            .device
            .cases()
            .edit(id, &[CaseEdit::AppendFindings("补充;".into())])
            .expect("edit");
    }
    proxy.reset_counters();
    let started = Instant::now();
    let report = phone.sync().expect("10 %");
    line(
        "10 % changed on the phone (target ≤ 3 round trips)",
        format!(
            "{} round trips, {} KB on the wire, {:.0} ms, {} documents",
            proxy.requests(),
            proxy.bytes() / 1024,
            started.elapsed().as_secs_f64() * 1e3,
            report.docs_synced
        ),
    );

    // The same 10 % changed on the server (by a second phone): the first phone pulls them.
    let other = Phone::enrolled(&server, SubjectKind::Officer, OFFICER_B);
    other.sync().expect("second phone first sync");
    for id in ids.iter().step_by(10) {
        other
            .device
            .cases()
            .edit(id, &[CaseEdit::AppendFindings("复核;".into())])
            .expect("edit");
    }
    other.sync().expect("push");
    proxy.reset_counters();
    let report = phone.sync().expect("pull");
    line(
        "10 % changed on the server (target ≤ 3 round trips)",
        format!(
            "{} round trips, {} KB on the wire, {} documents",
            proxy.requests(),
            proxy.bytes() / 1024,
            report.docs_synced
        ),
    );

    // Load: many devices in teams of ten (each team an enforcement body of the district),
    // each with a few new documents, syncing at once: every phone pushes its own and pulls its
    // nine teammates'.
    let per_device = 4;
    let team_size = 10;
    let load_officers = load_teams(&server, devices, team_size);
    // Set up the phones in parallel (not measured).
    let made = std::sync::Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..8 {
            scope.spawn(|| loop {
                if made.lock().expect("phones").len() >= devices {
                    break;
                }
                let officer = {
                    let made = made.lock().expect("phones");
                    load_officers[made.len() % load_officers.len()].clone()
                };
                let code = server.enrolment_code(SubjectKind::Officer, &officer);
                let dir = tempfile::tempdir().expect("dir");
                let device = zhifa_core::device::Device::open(
                    dir.path(),
                    &zhifa_core::testing::test_key(),
                    vec!["500103".into()],
                    vec![zhifa_e2e::authority_key(&server)],
                )
                .expect("device");
                let transport = HttpTransport::new(&server.base()).expect("transport");
                device
                    .sync()
                    .enrol(&transport, &code, "load")
                    .expect("enrol");
                let phone = Phone {
                    device,
                    transport,
                    dir,
                };
                phone.sync().expect("catalogue");
                for n in 0..per_device {
                    small_case(&phone, n);
                }
                let mut made = made.lock().expect("phones");
                if made.len() < devices {
                    made.push(Arc::new(phone));
                }
            });
        }
    });
    let phones = made.into_inner().expect("phones");
    let busy = server_seconds(&server, routes::SYNC);
    let queue = Arc::new(std::sync::Mutex::new(phones.clone()));
    let latencies = Arc::new(std::sync::Mutex::new(Vec::new()));
    let started = Instant::now();
    let workers: Vec<_> = (0..32)
        .map(|_| {
            let queue = queue.clone();
            let latencies = latencies.clone();
            std::thread::spawn(move || loop {
                let Some(phone) = queue.lock().expect("queue").pop() else {
                    break;
                };
                let began = Instant::now();
                phone.sync().expect("load sync");
                latencies
                    .lock()
                    .expect("latencies")
                    .push(began.elapsed().as_secs_f64());
            })
        })
        .collect();
    for worker in workers {
        worker.join().expect("worker");
    }
    let wall = started.elapsed().as_secs_f64();
    let busy = server_seconds(&server, routes::SYNC) - busy;
    let mut latencies = latencies.lock().expect("latencies").clone();
    latencies.sort_by(f64::total_cmp);
    let pick = |q: f64| latencies[((latencies.len() - 1) as f64 * q) as usize] * 1e3;
    line(
        &format!("load: {devices} devices in teams of {team_size}, {per_device} new documents each, 32 at a time"),
        format!(
            "{:.2} s wall (phones and server on the same 2 cores), {:.0} document syncs/s, {:.0} syncs/s, p50 {:.0} ms, p95 {:.0} ms; server busy {:.2} s",
            wall,
            (devices * per_device) as f64 / wall,
            devices as f64 / wall,
            pick(0.5),
            pick(0.95),
            busy
        ),
    );
    line(
        "documents on the server",
        format!("{}", docs + devices * per_device),
    );
}
