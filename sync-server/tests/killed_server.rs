//! The server process is killed (SIGKILL) while phones are syncing, several times; after each
//! restart on the same data the phones resume and a fresh phone receives every edit.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use zhifa_core::cases::{CaseEdit, CaseKind};
use zhifa_core::device::Device;
use zhifa_core::sync::http::HttpTransport;
use zhifa_core::sync::SyncOptions;

const BIN: &str = env!("CARGO_BIN_EXE_zhifa-sync-server");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

fn start(data: &Path, port: u16) -> Child {
    let child = Command::new(BIN)
        .args([
            "serve",
            "--demo",
            "--listen",
            &format!("127.0.0.1:{port}"),
            "--data-dir",
        ])
        .arg(data)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "server did not start"
        );
        std::thread::sleep(Duration::from_millis(50));
    }
    child
}

fn phone(data: &Path, dir: &Path, base: &str, officer: &str) -> Device {
    let authority = std::fs::read(data.join("authority.key.pub.der")).unwrap();
    let device = Device::open(
        dir,
        &zhifa_core::crypto::PassphraseWrapper::with_params(
            "killed-server",
            zhifa_core::crypto::KdfParams::LIGHT_FOR_TESTS,
        ),
        vec!["500103".into()],
        vec![zhifa_core::crypto::PublicKey::from_spki_der(&authority).unwrap()],
    )
    .unwrap();
    let code = Command::new(BIN)
        .args(["enrol-device", "--officer", officer, "--data-dir"])
        .arg(data)
        .output()
        .unwrap();
    let code = String::from_utf8(code.stdout).unwrap();
    device
        .sync()
        .enrol(&HttpTransport::new(base).unwrap(), code.trim(), "test")
        .unwrap();
    device
}

fn quick() -> SyncOptions {
    SyncOptions {
        attempts: 2,
        backoff_ms: 20,
        ..SyncOptions::default()
    }
}

#[test]
fn a_server_killed_mid_sync_loses_nothing_it_acknowledged() {
    let data = tempfile::tempdir().unwrap();
    let phones = tempfile::tempdir().unwrap();
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let mut server = start(data.path(), port);
    let a = phone(
        data.path(),
        &phones.path().join("a"),
        &base,
        "渝50010320001",
    );
    let transport = HttpTransport::new(&base).unwrap();
    let date = |t: &str| t.parse::<NaiveDate>().unwrap();
    let mut marks = Vec::new();
    let mut interrupted = 0;
    for round in 0..4u64 {
        for n in 0..15 {
            let case = a
                .cases()
                .create(
                    CaseKind::Ordinary,
                    "SP-126-5",
                    "500103",
                    date("2026-11-20"),
                    date("2026-11-21"),
                )
                .unwrap();
            let mark = format!("r{round}n{n};");
            a.cases()
                .edit(&case.id, &[CaseEdit::AppendFindings(mark.clone())])
                .unwrap();
            marks.push((case.id, mark));
        }
        // Kill the server while the phone is in the middle of its sync.
        let syncing = std::thread::scope(|scope| {
            let handle = scope.spawn(|| a.sync().run(&transport, &quick(), &|_| {}));
            std::thread::sleep(Duration::from_millis(5 + 15 * round));
            server.kill().unwrap();
            server.wait().unwrap();
            handle.join().unwrap()
        });
        interrupted += usize::from(syncing.is_err());
        server = start(data.path(), port);
    }
    assert!(interrupted > 0, "no sync was cut by the kill");
    a.sync().run(&transport, &quick(), &|_| {}).unwrap();
    a.sync().run(&transport, &quick(), &|_| {}).unwrap();
    let b = phone(
        data.path(),
        &phones.path().join("b"),
        &base,
        "渝50010320002",
    );
    b.sync().run(&transport, &quick(), &|_| {}).unwrap();
    for (id, mark) in &marks {
        let case = b
            .cases()
            .get(id)
            .unwrap_or_else(|e| panic!("{id} never reached the server: {e}"));
        assert!(case.onsite.findings.contains(mark.as_str()));
    }
    server.kill().unwrap();
    server.wait().unwrap();
}
