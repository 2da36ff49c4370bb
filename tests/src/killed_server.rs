//! The server process killed (SIGKILL) while a phone syncs, several times in one run; after
//! each restart on the same data the phone resumes, and at the end a fresh phone receives
//! every edit. Shared by `sync-server/tests/killed_server.rs` (which includes this file, and
//! so it uses only the core, `tempfile`, `chrono` and std) and the soak (many runs).

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use zhifa_core::cases::{CaseEdit, CaseKind};
use zhifa_core::device::Device;
use zhifa_core::random::SeededRng;
use zhifa_core::sync::http::HttpTransport;
use zhifa_core::sync::SyncOptions;

/// What one run saw.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KilledRun {
    /// Kills that cut a sync in the middle (the sync returned an error).
    pub interrupted: u32,
    /// Edits the phone made, all of which the fresh phone must receive.
    pub edits: usize,
}

/// The server binary as a child process, killed when dropped (even if a run fails).
struct ServerProcess {
    child: Child,
}

impl ServerProcess {
    fn start(bin: &Path, data: &Path, port: u16) -> Result<ServerProcess, String> {
        let child = Command::new(bin)
            .args(["serve", "--demo", "--listen", &format!("127.0.0.1:{port}")])
            .arg("--data-dir")
            .arg(data)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", bin.display()))?;
        let server = ServerProcess { child };
        let started = Instant::now();
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if started.elapsed() > Duration::from_secs(60) {
                return Err("the server did not start".into());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Ok(server)
    }

    fn kill(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for ServerProcess {
    fn drop(&mut self) {
        self.kill();
    }
}

fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(listener.local_addr().map_err(|e| e.to_string())?.port())
}

fn phone(bin: &Path, data: &Path, dir: &Path, base: &str, officer: &str) -> Result<Device, String> {
    let authority = std::fs::read(data.join("authority.key.pub.der")).map_err(|e| e.to_string())?;
    let authority =
        zhifa_core::crypto::PublicKey::from_spki_der(&authority).map_err(|e| e.to_string())?;
    // The light test parameters: this file is also built into the server's own test, which
    // has no `testing` feature of the core.
    let key = zhifa_core::crypto::PassphraseWrapper::with_params(
        "killed-server",
        zhifa_core::crypto::KdfParams::LIGHT_FOR_TESTS,
    );
    let device = Device::open(dir, &key, vec!["500103".into()], vec![authority])
        .map_err(|e| format!("open the phone: {e}"))?;
    let code = Command::new(bin)
        .args(["enrol-device", "--officer", officer, "--data-dir"])
        .arg(data)
        .output()
        .map_err(|e| e.to_string())?;
    let code = String::from_utf8_lossy(&code.stdout).trim().to_owned();
    let transport = HttpTransport::new(base).map_err(|e| e.to_string())?;
    device
        .sync()
        .enrol(&transport, &code, "test")
        .map_err(|e| format!("enrol {officer}: {e}"))?;
    Ok(device)
}

fn quick() -> SyncOptions {
    SyncOptions {
        attempts: 2,
        backoff_ms: 20,
        ..SyncOptions::default()
    }
}

/// One run: `kills` times, fifteen edits then a sync cut by killing the server after a
/// delay that grows with the round (plus a seeded jitter); then the phone syncs twice against
/// the restarted server and a fresh phone must receive every edit.
pub fn run(server_bin: &Path, kills: u32, seed: u64) -> Result<KilledRun, String> {
    let data = tempfile::tempdir().map_err(|e| e.to_string())?;
    let phones = tempfile::tempdir().map_err(|e| e.to_string())?;
    let data = data.path();
    let port = free_port()?;
    let base = format!("http://127.0.0.1:{port}");
    let mut server = ServerProcess::start(server_bin, data, port)?;
    let a = phone(
        server_bin,
        data,
        &phones.path().join("a"),
        &base,
        "渝50010320001",
    )?;
    let transport = HttpTransport::new(&base).map_err(|e| e.to_string())?;
    let date = |t: &str| t.parse::<NaiveDate>().expect("a date");
    let mut rng = SeededRng::new(seed);
    let mut marks = Vec::new();
    let mut interrupted = 0;
    for round in 0..kills {
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
                .map_err(|e| e.to_string())?;
            let mark = format!("r{round}n{n};");
            a.cases()
                .edit(&case.id, &[CaseEdit::AppendFindings(mark.clone())])
                .map_err(|e| e.to_string())?;
            marks.push((case.id, mark));
        }
        let delay = 5 + 15 * u64::from(round) + rng.below(20) as u64;
        // Kill the server while the phone is in the middle of its sync.
        let syncing = std::thread::scope(|scope| {
            let handle = scope.spawn(|| a.sync().run(&transport, &quick(), &|_| {}));
            std::thread::sleep(Duration::from_millis(delay));
            server.kill();
            handle.join()
        })
        .map_err(|_| "the sync panicked".to_string())?;
        interrupted += u32::from(syncing.is_err());
        server = ServerProcess::start(server_bin, data, port)?;
    }
    for _ in 0..2 {
        a.sync()
            .run(&transport, &quick(), &|_| {})
            .map_err(|e| format!("the phone's sync after the restarts: {e}"))?;
    }
    let b = phone(
        server_bin,
        data,
        &phones.path().join("b"),
        &base,
        "渝50010320002",
    )?;
    b.sync()
        .run(&transport, &quick(), &|_| {})
        .map_err(|e| format!("the fresh phone's sync: {e}"))?;
    for (id, mark) in &marks {
        let case = b
            .cases()
            .get(id)
            .map_err(|e| format!("{id} never reached the server: {e}"))?;
        if !case.onsite.findings.contains(mark.as_str()) {
            return Err(format!("{id} lost {mark}"));
        }
    }
    Ok(KilledRun {
        interrupted,
        edits: marks.len(),
    })
}
