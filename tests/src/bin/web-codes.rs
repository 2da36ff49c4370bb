//! Real officer codes for the browser tests of the enterprise page. Against a running server
//! (`--server`, with `--data-dir` its data directory, to issue a one-time enrolment code as
//! `enrol-device` would), it enrols an officer's phone with the core's own client, syncs (the
//! server issues the duty credential), and prints JSON with the URL forms of: a valid code
//! bound to enterprise A, a forged one (made by another key than the credential's device), an
//! expired one (a step an hour old), one bound to enterprise B (checked as A: "another
//! enterprise's"), a valid unbound one; and the two credit codes.
//!
//! cargo run -p zhifa-e2e --bin web-codes -- --server http://127.0.0.1:8480 --data-dir zhifa-server-data

use std::path::PathBuf;
use std::sync::Arc;

use clap::Parser;
use zhifa_core::clock::ProcessClock;
use zhifa_core::codes::enforcement::{render, url_form};
use zhifa_core::crypto::{Algorithm, Signer, SigningKey, SoftwareKeystore};
use zhifa_core::device::Device;
use zhifa_core::store::Store;
use zhifa_core::sync::http::HttpTransport;
use zhifa_core::sync::SubjectKind;
use zhifa_sync_server::{devices, server};

/// 重庆渝中大坪山城烧烤店 and 重庆渝中解放碑老码头火锅餐饮有限公司 (demo catalogue).
const ENTERPRISE_A: &str = "91500103MA5U1A0E5B";
const ENTERPRISE_B: &str = "91500103MA5U1A0B2Y";
const OFFICER: &str = "渝50010320001";

#[derive(Parser)]
struct Args {
    /// The running server, e.g. http://127.0.0.1:8480 (also the base of the URLs printed).
    #[arg(long)]
    server: String,
    /// The server's data directory (SQLite), for the enrolment code.
    #[arg(long, env = "ZHIFA_DATA_DIR")]
    data_dir: PathBuf,
    /// Where the phone's store is kept (default: a temporary directory, removed after).
    #[arg(long)]
    phone_dir: Option<PathBuf>,
}

fn fail(what: &str, error: impl std::fmt::Display) -> ! {
    eprintln!("web-codes: {what}: {error}");
    std::process::exit(1)
}

fn main() {
    let args = Args::parse();
    let temp = tempfile::tempdir().unwrap_or_else(|e| fail("temporary directory", e));
    let dir = args.phone_dir.unwrap_or_else(|| temp.path().to_path_buf());
    let transport = HttpTransport::new(&args.server).unwrap_or_else(|e| fail("server URL", e));
    let authority = authority_key(&args.data_dir);

    // The phone's store and its device key, held twice: by the device, and here to render
    // codes at chosen steps.
    let store = Arc::new(
        Store::open(&dir, &zhifa_core::testing::test_key())
            .unwrap_or_else(|e| fail("phone store", e)),
    );
    let keystore = SoftwareKeystore::load_or_create(&store, Algorithm::EdDSA)
        .unwrap_or_else(|e| fail("device key", e));
    let key = SoftwareKeystore::load_or_create(&store, Algorithm::EdDSA)
        .unwrap_or_else(|e| fail("device key", e));
    let device = Device::with_parts(
        store,
        vec!["500103".into()],
        vec![authority],
        Box::new(keystore),
        Box::new(ProcessClock::default()),
    )
    .unwrap_or_else(|e| fail("phone", e));

    let db = server::open_database(&args.data_dir, None).unwrap_or_else(|e| fail("database", e));
    let catalogue = server::open_catalogue(&args.data_dir).unwrap_or_else(|e| fail("catalogue", e));
    let code = devices::issue_enrolment_code(
        db.as_ref(),
        &catalogue,
        SubjectKind::Officer,
        OFFICER,
        chrono::Utc::now(),
    )
    .unwrap_or_else(|e| fail("enrolment code", e));
    device
        .sync()
        .enrol(&transport, &code, "web-codes")
        .unwrap_or_else(|e| fail("enrol", e));
    let report = device
        .sync()
        .run(&transport, &Default::default(), &|_| {})
        .unwrap_or_else(|e| fail("sync", e));
    if !report.credential_renewed {
        fail("sync", "no duty credential was issued");
    }
    let (credential, _) = device
        .codes()
        .credential()
        .ok()
        .flatten()
        .unwrap_or_else(|| fail("credential", "none held"));

    // Each valid code at its own step: a step is accepted once, whatever the audience.
    let step = zhifa_core::codes::time_step(device.now().trusted);
    let url = |signer: &dyn Signer, step: u64, audience: Option<&str>| {
        let code =
            render(&credential, signer, step, audience).unwrap_or_else(|e| fail("render", e));
        url_form(&args.server, &code)
    };
    let stranger = SigningKey::generate(Algorithm::EdDSA);
    let out = serde_json::json!({
        "officer": OFFICER,
        "enterprise_a": ENTERPRISE_A,
        "enterprise_b": ENTERPRISE_B,
        "valid_a": url(&key, step, Some(ENTERPRISE_A)),
        "unbound": url(&key, step + 1, None),
        "other_enterprise": url(&key, step - 1, Some(ENTERPRISE_B)),
        "forged": url(&stranger, step, None),
        "expired": url(&key, step - 120, None),
    });
    println!("{out}");
}

/// The authority key the server signs bundles with (`<data-dir>/authority.key`), pinned in
/// the phone as the app is provisioned.
fn authority_key(data_dir: &std::path::Path) -> zhifa_core::crypto::PublicKey {
    zhifa_sync_server::AuthorityKey::load(&data_dir.join("authority.key"))
        .unwrap_or_else(|e| fail("authority key", e))
        .0
        .public_key()
}
