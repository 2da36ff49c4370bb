//! What the transport and enrolment tests share: a real server on loopback with the limits a
//! test sets, phones with real stores enrolled over HTTP, raw HTTP from a chosen source
//! address, and a scratch PostgreSQL database when `ZHIFA_TEST_DATABASE_URL` is set.
#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{IpAddr, SocketAddr};
use std::path::Path;
use std::time::Duration;

use zhifa_core::crypto::Signer;
use zhifa_core::device::Device;
use zhifa_core::registry::KeyPurpose;
use zhifa_core::sync::http::HttpTransport;
use zhifa_core::sync::{Request, Response, SubjectKind, SyncOptions, SyncReport, Transport};
use zhifa_sync_server::server::{self, Config};
use zhifa_sync_server::{devices, AgencyKeys, AppState};

pub const OFFICER_A: &str = "渝50010320001";
pub const OFFICER_B: &str = "渝50010320002";

/// A server on its own runtime thread, so that blocking phones can talk to it.
pub struct Server {
    pub address: SocketAddr,
    pub state: AppState,
    pub metrics_address: Option<SocketAddr>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
    _dir: tempfile::TempDir,
    _database: Option<Scratch>,
}

/// Publishes the demo catalogue, with agency keys for every body (credentials need them).
fn prepare(data_dir: &Path) {
    let mut data = zhifa_core::testing::demo_catalogue();
    let keys = AgencyKeys::open(data_dir);
    for body in &data.bodies {
        keys.create(
            &body.id,
            KeyPurpose::DutyCredential,
            vec![body.division.clone()],
        )
        .unwrap();
    }
    data.agency_keys.extend(keys.records().unwrap());
    server::open_catalogue(data_dir)
        .unwrap()
        .publish(&data)
        .unwrap();
}

impl Server {
    /// SQLite storage, `tune` applied to the configuration.
    pub fn start(tune: impl FnOnce(&mut Config)) -> Server {
        Server::start_on(None, tune)
    }

    /// `start`, on the scratch PostgreSQL database `database` when given.
    pub fn start_on(database: Option<Scratch>, tune: impl FnOnce(&mut Config)) -> Server {
        let dir = tempfile::tempdir().unwrap();
        prepare(dir.path());
        let mut config = Config::new(dir.path());
        config.database_url = database.as_ref().map(|d| d.url.clone());
        tune(&mut config);
        let state = server::state(&config).unwrap();
        let (ready, started) = std::sync::mpsc::channel();
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let serving = state.clone();
        let thread = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .worker_threads(2)
                .enable_all()
                .build()
                .unwrap();
            runtime.block_on(async move {
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                let internal = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                ready
                    .send((
                        listener.local_addr().unwrap(),
                        internal.local_addr().unwrap(),
                    ))
                    .unwrap();
                let (stop_metrics, metrics_stopped) = tokio::sync::oneshot::channel::<()>();
                let metrics =
                    tokio::spawn(server::serve_metrics(internal, serving.clone(), async {
                        let _ = metrics_stopped.await;
                    }));
                server::serve(listener, serving, async {
                    let _ = stopped.await;
                })
                .await
                .unwrap();
                let _ = stop_metrics.send(());
                metrics.await.unwrap().unwrap();
            });
        });
        let (address, metrics_address) = started.recv().unwrap();
        Server {
            address,
            state,
            metrics_address: Some(metrics_address),
            stop: Some(stop),
            thread: Some(thread),
            _dir: dir,
            _database: database,
        }
    }

    pub fn base(&self) -> String {
        format!("http://{}", self.address)
    }

    pub fn code(&self, subject: &str) -> String {
        devices::issue_enrolment_code(
            self.state.db.as_ref(),
            &self.state.catalogue,
            SubjectKind::Officer,
            subject,
            chrono::Utc::now(),
        )
        .unwrap()
    }

    /// The key id the server enrolled for `officer`.
    pub fn key_of(&self, officer: &str) -> String {
        zhifa_sync_server::storage::transaction(self.state.db.as_ref(), |tx| {
            tx.query_opt(
                "SELECT key_id FROM device WHERE subject = $1",
                &[officer.into()],
            )
        })
        .unwrap()
        .expect("an enrolled device")
        .text(0)
        .unwrap()
    }

    /// A new phone (its own store and key), not enrolled.
    pub fn phone(&self) -> Phone {
        let dir = tempfile::tempdir().unwrap();
        let device = Device::open(
            dir.path(),
            &zhifa_core::crypto::PassphraseWrapper::with_params(
                "transport-test",
                zhifa_core::crypto::KdfParams::LIGHT_FOR_TESTS,
            ),
            vec!["500103".into()],
            vec![self.state.authority.0.public_key()],
        )
        .unwrap();
        Phone {
            device,
            transport: HttpTransport::new(&self.base()).unwrap(),
            _dir: dir,
        }
    }

    /// A phone enrolled for `officer`.
    pub fn enrolled(&self, officer: &str) -> Phone {
        let phone = self.phone();
        phone
            .device
            .sync()
            .enrol(&phone.transport, &self.code(officer), "test phone")
            .unwrap();
        phone
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

pub struct Phone {
    pub device: Device,
    pub transport: HttpTransport,
    _dir: tempfile::TempDir,
}

/// Short pauses between attempts.
pub fn quick() -> SyncOptions {
    SyncOptions {
        backoff_ms: 10,
        ..SyncOptions::default()
    }
}

impl Phone {
    pub fn sync(&self) -> zhifa_core::Result<SyncReport> {
        self.sync_with(&quick())
    }

    pub fn sync_with(&self, options: &SyncOptions) -> zhifa_core::Result<SyncReport> {
        self.device.sync().run(&self.transport, options, &|_| {})
    }
}

/// A raw HTTP/1.1 exchange (`Connection: close`) from `source` (any 127.x address on
/// loopback), so tests can play several clients and read every header.
pub struct RawClient {
    pub server: SocketAddr,
    pub source: IpAddr,
}

/// A whole answer: status, headers (lower-case names), body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body).unwrap_or(serde_json::Value::Null)
    }
}

impl RawClient {
    pub fn new(server: SocketAddr, source: [u8; 4]) -> RawClient {
        RawClient {
            server,
            source: IpAddr::from(source),
        }
    }

    /// A connected socket from the client's source address (blocking, with timeouts).
    pub fn connect(&self) -> std::net::TcpStream {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let stream = runtime.block_on(async {
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.bind(SocketAddr::new(self.source, 0)).unwrap();
            socket.connect(self.server).await.unwrap()
        });
        let stream = stream.into_std().unwrap();
        stream.set_nonblocking(false).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(20)))
            .unwrap();
        stream
    }

    pub fn exchange(
        &self,
        method: &str,
        path: &str,
        headers: &[(&str, String)],
        body: &[u8],
    ) -> Answer {
        let mut stream = self.connect();
        let mut head = format!(
            "{method} {path} HTTP/1.1\r\nhost: zhifa\r\nconnection: close\r\ncontent-length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(body).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        parse(&answer)
    }
}

/// An HTTP/1.1 answer read to the end of a `Connection: close` stream.
pub fn parse(answer: &[u8]) -> Answer {
    let split = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a whole head");
    let head = String::from_utf8_lossy(&answer[..split]);
    let mut lines = head.lines();
    let status = lines
        .next()
        .and_then(|line| line.split(' ').nth(1))
        .and_then(|code| code.parse().ok())
        .expect("a status line");
    let headers = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    Answer {
        status,
        headers,
        body: answer[split + 4..].to_vec(),
    }
}

/// The device API over `RawClient`: a phone enrolling from a chosen address.
impl Transport for RawClient {
    fn send(&self, request: &Request) -> Result<Response, String> {
        let headers: Vec<(&str, String)> = request
            .headers
            .iter()
            .map(|(n, v)| (*n, v.clone()))
            .collect();
        let answer = self.exchange(request.method, &request.path, &headers, &request.body);
        Ok(Response {
            status: answer.status,
            body: answer.body,
        })
    }
}

/// A database of its own on the PostgreSQL server (`ZHIFA_TEST_DATABASE_URL`), dropped after.
pub struct Scratch {
    pub url: String,
    base: String,
    name: String,
}

impl Scratch {
    pub fn create(test: &str) -> Option<Scratch> {
        let base = std::env::var("ZHIFA_TEST_DATABASE_URL").ok()?;
        let mut random = [0u8; 6];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut random);
        let name = format!("zhifa_{test}_{}", hex::encode(random));
        let mut client = postgres::Client::connect(&base, postgres::NoTls).unwrap();
        client
            .batch_execute(&format!("CREATE DATABASE {name}"))
            .unwrap();
        let url = match base.rsplit_once('/') {
            Some((server, _)) => format!("{server}/{name}"),
            None => panic!("ZHIFA_TEST_DATABASE_URL names no database"),
        };
        Some(Scratch { url, base, name })
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.base, postgres::NoTls) {
            let _ = client.batch_execute(&format!(
                "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                self.name
            ));
        }
    }
}

/// SQLite, and PostgreSQL when the environment names a server.
pub fn backends(test: &str) -> Vec<Option<Scratch>> {
    let mut backends = vec![None];
    if let Some(scratch) = Scratch::create(test) {
        backends.push(Some(scratch));
    }
    backends
}
