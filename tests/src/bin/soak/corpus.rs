//! Seed corpora for the fuzz targets (`fuzz/fuzz_targets/`), from real inputs: a real signed
//! bundle and its body, the request and response bodies of real syncs between two phones and
//! a live server, the Automerge messages inside them, real events, EC1/EQ1 codes and their QR
//! images, and the demo baselines as CSV. Written under `fuzz/corpus/<target>/` (not
//! committed): `soak corpus --out fuzz/corpus`.

use std::path::Path;
use std::sync::Mutex;

use chrono::{Duration, NaiveDate, Utc};
use zhifa_core::cases::{CaseEdit, CaseKind};
use zhifa_core::crypto::{Algorithm, Signer, SigningKey};
use zhifa_core::registry::KeyPurpose;
use zhifa_core::sync::protocol::{from_cbor, EventUpload, SyncRequest, SyncResponse};
use zhifa_core::sync::{Request, Response, SubjectKind, Transport};
use zhifa_e2e::{Phone, TestServer, OFFICER_A, OFFICER_B};

/// One request that crossed: its path, request body and response body.
type Exchange = (String, Vec<u8>, Vec<u8>);

/// A transport that keeps every body that crosses it.
struct Recording<'a> {
    inner: &'a dyn Transport,
    bodies: Mutex<Vec<Exchange>>,
}

impl Transport for Recording<'_> {
    fn send(&self, request: &Request) -> Result<Response, String> {
        let response = self.inner.send(request)?;
        self.bodies.lock().expect("not poisoned").push((
            request.path.clone(),
            request.body.clone(),
            response.body.clone(),
        ));
        Ok(response)
    }
}

struct Corpus<'a> {
    root: &'a Path,
    written: usize,
}

impl Corpus<'_> {
    fn put(&mut self, target: &str, selector: Option<u8>, bytes: &[u8]) -> Result<(), String> {
        let dir = self.root.join(target);
        std::fs::create_dir_all(&dir).map_err(|e| e.to_string())?;
        let mut input = selector.map(|s| vec![s]).unwrap_or_default();
        input.extend_from_slice(bytes);
        let name = hex::encode(&zhifa_core::crypto::sha256(&input)[..8]);
        std::fs::write(dir.join(name), input).map_err(|e| e.to_string())?;
        self.written += 1;
        Ok(())
    }
}

pub fn write(root: &Path) -> Result<usize, String> {
    let mut corpus = Corpus { root, written: 0 };
    bundles(&mut corpus)?;
    let server = TestServer::start_blocking();
    let officer = Phone::enrolled(&server, SubjectKind::Officer, OFFICER_A);
    let mate = Phone::enrolled(&server, SubjectKind::Officer, OFFICER_B);
    let recording = Recording {
        inner: &officer.transport,
        bodies: Mutex::new(Vec::new()),
    };
    let date = |t: &str| t.parse::<NaiveDate>().expect("a date");
    officer.sync_via(&recording).map_err(|e| e.to_string())?;
    let case = officer
        .device
        .cases()
        .create(
            CaseKind::Ordinary,
            "SP-126-5",
            "500103",
            date("2026-11-20"),
            date("2026-11-21"),
        )
        .map_err(|e| e.to_string())?;
    officer
        .device
        .cases()
        .edit(
            &case.id,
            &[CaseEdit::AppendFindings("现场发现过期食品。".into())],
        )
        .map_err(|e| e.to_string())?;
    officer
        .device
        .evidence()
        .add_to_case(&case.id, b"a photo", "photo", "现场照片", None)
        .map_err(|e| e.to_string())?;
    officer.sync_via(&recording).map_err(|e| e.to_string())?;
    let mate_recording = Recording {
        inner: &mate.transport,
        bodies: Mutex::new(Vec::new()),
    };
    mate.sync_via(&mate_recording).map_err(|e| e.to_string())?;
    codes_and_events(&mut corpus, &server, &officer, &recording)?;
    for (path, request, response) in recording
        .bodies
        .into_inner()
        .expect("not poisoned")
        .into_iter()
        .chain(mate_recording.bodies.into_inner().expect("not poisoned"))
    {
        sync_bodies(&mut corpus, &path, &request, &response)?;
    }
    let catalogue = zhifa_core::testing::demo_catalogue();
    let csv = zhifa_core::discretion::csv::export_rows(&catalogue.baseline_documents);
    corpus.put("baseline_csv", None, csv.as_bytes())?;
    Ok(corpus.written)
}

/// A full and a delta bundle, whole (the COSE layer) and as bodies (signed by the target).
fn bundles(corpus: &mut Corpus) -> Result<(), String> {
    let authority = SigningKey::generate(Algorithm::EdDSA);
    let data = zhifa_core::testing::yuzhong_catalogue();
    let full = zhifa_core::testing::signed_bundle(&authority, 1, &["500103"], data.clone());
    corpus.put("catalogue_bundle", Some(0), &full)?;
    let mut body = zhifa_core::registry::open_bundle(&full, &[authority.public_key()])
        .map_err(|e| e.to_string())?;
    corpus.put("catalogue_bundle", Some(1), &cbor(&body))?;
    body.version = 2;
    body.base_version = Some(1);
    body.upserts = zhifa_core::registry::CatalogueData {
        officers: data.officers[..1].to_vec(),
        enterprises: data.enterprises[..1].to_vec(),
        ..Default::default()
    };
    corpus.put("catalogue_bundle", Some(1), &cbor(&body))
}

fn cbor<T: serde::Serialize>(value: &T) -> Vec<u8> {
    let mut bytes = Vec::new();
    ciborium::into_writer(value, &mut bytes).expect("CBOR to memory");
    bytes
}

/// Every recorded body to `sync_body`; sync rounds to `sync_request`; their Automerge
/// messages to `automerge_message`; signed events to `event_envelope`.
fn sync_bodies(
    corpus: &mut Corpus,
    path: &str,
    request: &[u8],
    response: &[u8],
) -> Result<(), String> {
    for body in [request, response].into_iter().filter(|b| !b.is_empty()) {
        corpus.put("sync_body", None, body)?;
    }
    if let Some(sync) = from_cbor::<SyncRequest>(request) {
        corpus.put("sync_request", None, request)?;
        for message in sync.messages {
            corpus.put("automerge_message", Some(0), &message.2)?;
            corpus.put("automerge_message", Some(2), &message.2)?;
        }
    }
    if let Some(sync) = from_cbor::<SyncResponse>(response) {
        for message in sync.messages {
            corpus.put("automerge_message", Some(0), &message.2)?;
        }
    }
    if path.contains("event") {
        if let Some(upload) = from_cbor::<EventUpload>(request) {
            for event in upload.events {
                corpus.put("event_envelope", Some(0), &event)?;
            }
        }
    }
    Ok(())
}

/// An EC1 and an EQ1 code (text and QR image, PNG and JPEG), and the officer's visit event
/// (whole, and its envelope as a body the target signs).
fn codes_and_events(
    corpus: &mut Corpus,
    server: &TestServer,
    officer: &Phone,
    recording: &Recording,
) -> Result<(), String> {
    let shown = officer
        .device
        .codes()
        .enforcement_code(Some("91500103MA5U1A0B2Y"))
        .map_err(|e| e.to_string())?;
    let signer = server
        .state
        .agencies
        .signer("B500103001", KeyPurpose::EnterpriseCode)
        .map_err(|e| e.to_string())?;
    let enterprise = server
        .catalogue
        .enterprise("91500103MA5U1A0B2Y")
        .map_err(|e| e.to_string())?
        .ok_or("no demo enterprise")?;
    let issued = zhifa_core::codes::issue_enterprise_code(
        &signer,
        &enterprise,
        1,
        Utc::now(),
        Duration::days(30),
    )
    .map_err(|e| e.to_string())?;
    for text in [&shown.payload, &issued] {
        corpus.put("scanned_code", Some(0), text.as_bytes())?;
        let png = zhifa_core::codes::qr::render_png(text, 4).map_err(|e| e.to_string())?;
        corpus.put("qr_image", None, &png)?;
        let image = image::load_from_memory(&png).map_err(|e| e.to_string())?;
        let mut jpeg = std::io::Cursor::new(Vec::new());
        image
            .to_rgb8()
            .write_to(&mut jpeg, image::ImageFormat::Jpeg)
            .map_err(|e| e.to_string())?;
        corpus.put("qr_image", None, jpeg.get_ref())?;
    }
    officer
        .device
        .codes()
        .open_visit(&issued, None, vec![OFFICER_B.into()], None)
        .map_err(|e| e.to_string())?;
    let key = officer.device.device_key();
    for event in officer
        .device
        .sync()
        .pending_events(10)
        .map_err(|e| e.to_string())?
    {
        corpus.put("event_envelope", Some(0), &event.signed)?;
        let envelope = zhifa_core::events::open::<ciborium::Value>(&event.signed, &key)
            .map_err(|e| e.to_string())?;
        corpus.put("event_envelope", Some(1), &cbor(&envelope))?;
    }
    officer.sync_via(recording).map_err(|e| e.to_string())?;
    Ok(())
}
