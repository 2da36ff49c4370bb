//! Helpers for the end-to-end tests: a real sync server on a loopback port, and devices with
//! real stores.

use std::net::SocketAddr;
use std::sync::Arc;

use zhifa_core::crypto::Signer;
use zhifa_core::registry::{CatalogueData, Registry};
use zhifa_core::store::Store;
use zhifa_sync_server::{router, AppState, AuthorityKey, CatalogueStore};

pub fn demo_catalogue() -> CatalogueData {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/demo/catalogue.json");
    serde_json::from_str(&std::fs::read_to_string(path).expect("demo catalogue"))
        .expect("valid JSON")
}

/// A sync server listening on 127.0.0.1 with its own data directory.
pub struct TestServer {
    pub address: SocketAddr,
    pub catalogue: Arc<CatalogueStore>,
    pub authority: Arc<AuthorityKey>,
    _dir: tempfile::TempDir,
}

impl TestServer {
    pub async fn start() -> TestServer {
        let dir = tempfile::tempdir().expect("temp dir");
        let authority =
            Arc::new(AuthorityKey::load_or_create(&dir.path().join("authority.key")).expect("key"));
        let catalogue =
            Arc::new(CatalogueStore::open(&dir.path().join("server.sqlite3")).expect("store"));
        let state = AppState {
            catalogue: catalogue.clone(),
            authority: authority.clone(),
        };
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let address = listener.local_addr().expect("address");
        tokio::spawn(async move { axum::serve(listener, router(state)).await.expect("serve") });
        TestServer {
            address,
            catalogue,
            authority,
            _dir: dir,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{}", self.address, path)
    }
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
        let store = Arc::new(Store::open(dir.path()).expect("store"));
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
