//! Helpers for the end-to-end tests: a real sync server on a loopback port (SQLite or
//! PostgreSQL), devices with real stores enrolled over HTTP, and a fault-injecting proxy.

pub mod faults;
pub mod killed_server;
pub mod print;
pub mod proxy;

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use zhifa_core::cases::{CaseEdit, CaseKind, CaseOfficer};
use zhifa_core::crypto::Signer;
use zhifa_core::device::Device;
use zhifa_core::registry::Registry;
use zhifa_core::store::Store;
use zhifa_core::sync::http::HttpTransport;
use zhifa_core::sync::{SubjectKind, SyncOptions};
use zhifa_sync_server::server::{self, Config};
use zhifa_sync_server::{devices, AgencyKeys, AppState, AuthorityKey, CatalogueStore};

pub use zhifa_core::testing::demo_catalogue;

/// The demo district's team of food-safety officers used throughout.
pub const OFFICER_A: &str = "渝50010320001";
pub const OFFICER_B: &str = "渝50010320002";
/// An officer of another body (another team).
pub const OTHER_TEAM_OFFICER: &str = "渝50010320011";

/// A sync server listening on 127.0.0.1 with its own data directory.
pub struct TestServer {
    pub address: SocketAddr,
    pub catalogue: Arc<CatalogueStore>,
    pub authority: Arc<AuthorityKey>,
    pub state: AppState,
    pub data_dir: PathBuf,
    config: Config,
    running: Option<Running>,
    _dir: Option<tempfile::TempDir>,
}

struct Running {
    stop: tokio::sync::oneshot::Sender<()>,
    thread: std::thread::JoinHandle<()>,
}

/// Publishes the demo catalogue with agency keys for every demo body (idempotent).
pub fn prepare_demo(data_dir: &Path) {
    let data = demo_catalogue();
    let keys = AgencyKeys::open(data_dir);
    for body in &data.bodies {
        if !keys.exists(&body.id, zhifa_core::registry::KeyPurpose::DutyCredential) {
            keys.create(
                &body.id,
                zhifa_core::registry::KeyPurpose::DutyCredential,
                vec![body.division.clone()],
            )
            .expect("agency key");
        }
    }
    if !keys.exists(
        "B500103001",
        zhifa_core::registry::KeyPurpose::EnterpriseCode,
    ) {
        keys.create(
            "B500103001",
            zhifa_core::registry::KeyPurpose::EnterpriseCode,
            vec!["500103".into()],
        )
        .expect("agency key");
    }
    let mut data = data;
    data.agency_keys.extend(keys.records().expect("records"));
    server::open_catalogue(data_dir)
        .expect("catalogue")
        .publish(&data)
        .expect("publish");
}

impl TestServer {
    /// A server on its own runtime thread (for blocking device clients), SQLite storage.
    pub fn start_blocking() -> TestServer {
        TestServer::start_with(None, None)
    }

    /// As `start_blocking`, with PostgreSQL at `database_url` and/or a shared data dir.
    pub fn start_with(database_url: Option<String>, data_dir: Option<PathBuf>) -> TestServer {
        TestServer::start_configured(database_url, data_dir, |_| {})
    }

    /// As `start_with`, the configuration changed by `tune` first (e.g. its limits).
    pub fn start_configured(
        database_url: Option<String>,
        data_dir: Option<PathBuf>,
        tune: impl FnOnce(&mut Config),
    ) -> TestServer {
        let (dir, data_dir) = match data_dir {
            Some(path) => (None, path),
            None => {
                let dir = tempfile::tempdir().expect("temp dir");
                let path = dir.path().to_path_buf();
                (Some(dir), path)
            }
        };
        prepare_demo(&data_dir);
        let mut config = Config::new(&data_dir);
        config.database_url = database_url;
        tune(&mut config);
        let state = server::state(&config).expect("server state");
        let mut server = TestServer {
            address: "127.0.0.1:0".parse().expect("address"),
            catalogue: state.catalogue.clone(),
            authority: state.authority.clone(),
            state,
            data_dir,
            config,
            running: None,
            _dir: dir,
        };
        server.run();
        server
    }

    fn run(&mut self) {
        let (ready_tx, ready_rx) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let state = self.state.clone();
        let address = self.address;
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .expect("runtime");
            runtime.block_on(async move {
                let listener = bind(address).await;
                ready_tx
                    .send(listener.local_addr().expect("address"))
                    .expect("ready");
                server::serve(listener, state, async {
                    let _ = stopped.await;
                })
                .await
                .expect("serve");
            });
        });
        self.address = ready_rx.recv().expect("server started");
        self.running = Some(Running { stop, thread });
    }

    /// Stops the server and starts it again on the same port with the same storage (the
    /// document cache starts empty, as after a real restart).
    pub fn restart(&mut self) {
        self.stop();
        self.state = server::state(&self.config).expect("server state");
        self.run();
    }

    pub fn stop(&mut self) {
        if let Some(running) = self.running.take() {
            let _ = running.stop.send(());
            running.thread.join().expect("server thread");
        }
    }

    /// An async server on the caller's runtime, SQLite storage (catalogue tests).
    pub async fn start() -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config::new(dir.path());
        let state = server::state(&config).expect("server state");
        let listener = bind("127.0.0.1:0".parse().expect("address")).await;
        let address = listener.local_addr().expect("address");
        let serving = state.clone();
        tokio::spawn(async move {
            server::serve(listener, serving, std::future::pending())
                .await
                .expect("serve")
        });
        TestServer {
            address,
            catalogue: state.catalogue.clone(),
            authority: state.authority.clone(),
            state,
            data_dir: dir.path().to_path_buf(),
            config,
            running: None,
            _dir: Some(dir),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn enrolment_code(&self, kind: SubjectKind, subject: &str) -> String {
        devices::issue_enrolment_code(
            self.state.db.as_ref(),
            &self.catalogue,
            kind,
            subject,
            chrono::Utc::now(),
        )
        .expect("enrolment code")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.stop();
    }
}

async fn bind(address: SocketAddr) -> tokio::net::TcpListener {
    // After a restart the old socket may linger a moment.
    for _ in 0..50 {
        if let Ok(listener) = tokio::net::TcpListener::bind(address).await {
            return listener;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("cannot bind {address}");
}

/// A device: its own store and catalogue, trusting the server's authority key.
pub struct TestDevice {
    pub store: Arc<Store>,
    pub registry: Registry,
    _dir: tempfile::TempDir,
}

impl TestDevice {
    pub fn new(server: &TestServer, jurisdiction: &[&str]) -> TestDevice {
        let dir = tempfile::tempdir().expect("temp dir");
        let store =
            Arc::new(Store::open(dir.path(), &zhifa_core::testing::test_key()).expect("store"));
        let registry = Registry::new(
            store.clone(),
            jurisdiction.iter().map(|s| s.to_string()).collect(),
            vec![server.authority.0.public_key()],
        )
        .expect("registry");
        TestDevice {
            store,
            registry,
            _dir: dir,
        }
    }
}

/// A phone of the field: a whole `Device`, enrolled with the server for `subject`.
pub struct Phone {
    pub device: Device,
    pub transport: HttpTransport,
    pub dir: tempfile::TempDir,
}

impl Phone {
    /// An ordinary case both demo officers act in, opened on this phone.
    pub fn shared_case(&self) -> String {
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).expect("a date");
        let officer = |no: &str| {
            CaseEdit::AddOfficer(CaseOfficer {
                credential_no: no.into(),
                name: String::new(),
                verified: true,
                withdrawn: false,
            })
        };
        let cases = self.device.cases();
        let case = cases
            .create(CaseKind::Ordinary, "SP-126-5", "500103", day, day)
            .expect("a case");
        cases
            .edit(&case.id, &[officer(OFFICER_A), officer(OFFICER_B)])
            .expect("its officers");
        case.id
    }

    /// The case's Automerge document as this phone holds it.
    pub fn case_document(&self, id: &str) -> automerge::AutoCommit {
        automerge::AutoCommit::load(&self.device.cases().snapshot(id).expect("a snapshot"))
            .expect("a document")
    }

    pub fn enrolled(server: &TestServer, kind: SubjectKind, subject: &str) -> Phone {
        Phone::enrolled_via(server, &server.base(), kind, subject)
    }

    /// Enrolled through `base` (e.g. a proxy in front of the server).
    pub fn enrolled_via(
        server: &TestServer,
        base: &str,
        kind: SubjectKind,
        subject: &str,
    ) -> Phone {
        let dir = tempfile::tempdir().expect("temp dir");
        let device = Device::open(
            dir.path(),
            &zhifa_core::testing::test_key(),
            vec!["500103".into()],
            vec![server.authority.0.public_key()],
        )
        .expect("device");
        let direct = HttpTransport::new(&server.base()).expect("transport");
        let code = server.enrolment_code(kind, subject);
        device
            .sync()
            .enrol(&direct, &code, "test phone")
            .expect("enrol");
        Phone {
            device,
            transport: HttpTransport::new(base).expect("transport"),
            dir,
        }
    }

    pub fn sync(&self) -> zhifa_core::Result<zhifa_core::sync::SyncReport> {
        self.device.sync().run(&self.transport, &quick(), &|_| {})
    }

    pub fn sync_via(
        &self,
        transport: &dyn zhifa_core::sync::Transport,
    ) -> zhifa_core::Result<zhifa_core::sync::SyncReport> {
        self.device.sync().run(transport, &quick(), &|_| {})
    }
}

/// Sync options for tests: short pauses between attempts.
pub fn quick() -> SyncOptions {
    SyncOptions {
        backoff_ms: 10,
        ..SyncOptions::default()
    }
}

/// A fresh database on the PostgreSQL server to test against (`ZHIFA_TEST_DATABASE_URL`), or
/// `None` with a note on stderr that `test` is skipped.
pub fn scratch_postgres(test: &str) -> Option<ScratchDatabase> {
    match std::env::var("ZHIFA_TEST_DATABASE_URL") {
        Ok(url) if !url.is_empty() => Some(ScratchDatabase::create(&url)),
        _ => {
            eprintln!("SKIPPED {test}: ZHIFA_TEST_DATABASE_URL is not set (no PostgreSQL)");
            None
        }
    }
}

/// A fresh database on the server at `base_url`, dropped when the guard goes.
pub struct ScratchDatabase {
    admin: String,
    name: String,
    pub url: String,
}

impl ScratchDatabase {
    pub fn create(base_url: &str) -> ScratchDatabase {
        let cut = base_url.rfind('/').expect("URL with a database");
        let root = &base_url[..cut];
        let name = format!("zhifa_test_{}", uuid_suffix());
        let admin = format!("{root}/postgres");
        let mut client = postgres::Client::connect(&admin, postgres::NoTls).expect("connect");
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .expect("create database");
        ScratchDatabase {
            url: format!("{root}/{name}"),
            admin,
            name,
        }
    }
}

impl Drop for ScratchDatabase {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.admin, postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

fn uuid_suffix() -> String {
    let mut bytes = [0u8; 6];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    hex::encode(bytes)
}

pub fn authority_key(server: &TestServer) -> zhifa_core::crypto::PublicKey {
    server.authority.0.public_key()
}
