//! Evidence against hostile devices and networks, end to end: a real server on loopback and
//! real phones. Nobody owns a hash by uploading first; sizes and offsets are checked before
//! anything is written; quotas hold per device and per team; downloads stream; a refused
//! file is that file's refusal and the rest of the sync goes on; a file over the limit is
//! refused at capture. Every scenario that touches server storage also runs on PostgreSQL
//! when `ZHIFA_TEST_DATABASE_URL` is set.

use std::sync::atomic::{AtomicU32, Ordering};

use chrono::NaiveDate;
use zhifa_core::cases::{CaseError, CaseKind};
use zhifa_core::crypto::{Algorithm, SoftwareKeystore};
use zhifa_core::store::BlobHash;
use zhifa_core::sync::protocol::{
    from_cbor, routes, to_cbor, BlobStatus, ErrorBody, ErrorCode, BLOB_PART, MAX_BLOB,
};
use zhifa_core::sync::{
    auth, replica, BlobRefusal, Request, Response, SubjectKind, SyncError, Transport,
};
use zhifa_core::texts;
use zhifa_core::Error;
use zhifa_e2e::{scratch_postgres, Phone, TestServer, OFFICER_A, OFFICER_B, OTHER_TEAM_OFFICER};
use zhifa_sync_server::blobs::{self, Limits};
use zhifa_sync_server::devices::DeviceRecord;
use zhifa_sync_server::storage::transaction;

const ENTERPRISE: &str = "91500103MA5U1A0B2Y";
const PART: u64 = BLOB_PART as u64;
/// The server's evidence tables.
const TABLES: [&str; 4] = [
    "blob_staged",
    "blob_staged_part",
    "blob_content",
    "blob_grant",
];

/// Runs `scenario` on SQLite, then on PostgreSQL when one is configured.
fn on_both(name: &str, limits: Limits, scenario: fn(&TestServer)) {
    scenario(&TestServer::start_configured(None, None, |c| {
        c.blob_limits = limits
    }));
    if let Some(db) = scratch_postgres(name) {
        scenario(&TestServer::start_configured(
            Some(db.url.clone()),
            None,
            |c| c.blob_limits = limits,
        ));
    }
}

/// A file of `len` bytes, different for each `seed`.
fn file(seed: u32, len: usize) -> Vec<u8> {
    (0..len as u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) ^ seed.wrapping_mul(40_503)) as u8)
        .collect()
}

fn hex_of(content: &[u8]) -> String {
    BlobHash::of(content).to_hex()
}

/// A case on `phone` with `files` as its evidence.
fn case_with(phone: &Phone, files: &[&[u8]]) -> String {
    let case = phone
        .device
        .cases()
        .create(
            CaseKind::Ordinary,
            "SP-126-5",
            "500103",
            NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
        )
        .unwrap();
    for content in files {
        phone
            .device
            .evidence()
            .add_to_case(&case.id, content, "photo", "后厨", None)
            .unwrap();
    }
    case.id
}

fn pending(phone: &Phone) -> Vec<String> {
    phone.device.store().read(replica::pending_blobs).unwrap()
}

fn refused_in_queue(phone: &Phone) -> Vec<(String, BlobRefusal)> {
    phone.device.store().read(replica::refused_blobs).unwrap()
}

/// Rows in the server's table `table` for `hash`.
fn rows(server: &TestServer, table: &str, hash: &str) -> i64 {
    let sql = format!("SELECT COUNT(*) FROM {table} WHERE hash = $1");
    transaction(server.state.db.as_ref(), |tx| {
        tx.query_opt(&sql, &[hash.into()])?.expect("a count").int(0)
    })
    .unwrap()
}

/// A hostile device: the phone's own key, sending whatever requests it likes, signed.
struct Hostile {
    key: SoftwareKeystore,
    http: zhifa_core::sync::http::HttpTransport,
}

impl Hostile {
    fn of(server: &TestServer, phone: &Phone) -> Hostile {
        Hostile {
            key: SoftwareKeystore::load_or_create(phone.device.store(), Algorithm::EdDSA).unwrap(),
            http: zhifa_core::sync::http::HttpTransport::new(&server.base()).unwrap(),
        }
    }

    fn send(&self, method: &'static str, path: &str, body: Vec<u8>) -> Response {
        let time = chrono::Utc::now().timestamp();
        let signed = auth::sign_request(&self.key, method, path, time, &body).unwrap();
        let mut headers = vec![("content-type", "application/cbor".to_owned())];
        headers.extend(signed.headers());
        let request = Request {
            method,
            path: path.to_owned(),
            headers,
            body,
        };
        self.http.send(&request).unwrap()
    }

    fn put(&self, hash: &str, offset: u64, size: u64, part: &[u8]) -> Response {
        let path = format!("{}?offset={offset}&size={size}", routes::blob(hash));
        self.send("PUT", &path, part.to_vec())
    }

    /// A part the server takes: what it has received of this device's upload since.
    fn received(&self, hash: &str, offset: u64, size: u64, part: &[u8]) -> u64 {
        status_of(&self.put(hash, offset, size, part)).received
    }

    /// A part the server refuses: the status and the typed code.
    fn refused(&self, hash: &str, offset: u64, size: u64, part: &[u8]) -> (u16, ErrorCode) {
        refusal(&self.put(hash, offset, size, part))
    }

    fn status(&self, hash: &str) -> Response {
        self.send("GET", &routes::blob_status(hash), Vec::new())
    }
}

fn status_of(response: &Response) -> BlobStatus {
    let text = String::from_utf8_lossy(&response.body);
    assert!(response.status == 200, "{text}");
    from_cbor(&response.body).expect("a blob status")
}

fn refusal(response: &Response) -> (u16, ErrorCode) {
    let body: ErrorBody = serde_json::from_slice(&response.body).expect("an error body");
    (response.status, body.error)
}

/// An unfinished upload's status; `partial(0, 0)` is "not started".
fn partial(received: u64, size: u64) -> BlobStatus {
    #[rustfmt::skip]
    let status = BlobStatus { received, size, complete: false };
    status
}

#[test]
fn another_team_pre_claiming_a_hash_does_not_block_the_victim() {
    on_both("pre_claim", Limits::default(), pre_claim);
}

fn pre_claim(server: &TestServer) {
    let victim = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    let teammate = Phone::enrolled(server, SubjectKind::Officer, OFFICER_B);
    let attacker_phone = Phone::enrolled(server, SubjectKind::Officer, OTHER_TEAM_OFFICER);
    let attacker = Hostile::of(server, &attacker_phone);
    let photo = file(1, 2 * BLOB_PART + 1_000);
    let second = file(2, 900);
    let (hash, size) = (hex_of(&photo), photo.len() as u64);
    // The attacker knows the hashes and claims them first: garbage at the right size, then at
    // another size (its own upload is discarded), then a complete wrong file.
    let garbage = vec![0xAA; BLOB_PART];
    assert_eq!(attacker.received(&hash, 0, size, &garbage), PART);
    assert_eq!(
        attacker.refused(&hash, PART, size + 1, &garbage),
        (400, ErrorCode::BadRequest)
    );
    assert_eq!(
        attacker.refused(&hash, 0, 10, &[0xAA; 10]),
        (422, ErrorCode::HashMismatch)
    );
    assert_eq!(attacker.received(&hash, 0, size, &garbage), PART);

    let case = case_with(&victim, &[&photo, &second]);
    let report = victim.sync().unwrap();
    assert_eq!(report.blobs_sent, 2, "{report:?}");
    assert!(report.blobs_refused.is_empty(), "{report:?}");
    assert!(pending(&victim).is_empty());
    // The team reads it; the attacker's own upload is still only its own.
    teammate.sync().unwrap();
    let held = teammate.device.cases().get(&case).unwrap();
    assert_eq!(held.evidence.len(), 2);
    teammate
        .device
        .evidence()
        .fetch(&teammate.transport, &hash)
        .unwrap();
    assert_eq!(
        teammate
            .device
            .store()
            .blobs()
            .get(&BlobHash::of(&photo))
            .unwrap(),
        photo
    );
    let own = status_of(&attacker.status(&hash));
    assert_eq!((own.received, own.complete), (PART, false));
    assert_eq!(status_of(&attacker.status(&hex_of(&second))), partial(0, 0));
    assert_eq!(
        refusal(&attacker.send("GET", &routes::blob(&hash), Vec::new())),
        (403, ErrorCode::Forbidden)
    );
    assert!(matches!(
        attacker_phone
            .device
            .evidence()
            .fetch(&attacker_phone.transport, &hash),
        Err(Error::Sync(SyncError::Forbidden(_)))
    ));
}

#[test]
fn two_teams_attaching_the_same_file_both_complete_and_each_reads_it() {
    on_both("same_file", Limits::default(), same_file);
}

fn same_file(server: &TestServer) {
    let a = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    let b = Phone::enrolled(server, SubjectKind::Officer, OFFICER_B);
    let other = Phone::enrolled(server, SubjectKind::Officer, OTHER_TEAM_OFFICER);
    let shared = file(3, 2 * BLOB_PART + 7);
    let hash = hex_of(&shared);
    case_with(&other, &[&shared]);
    case_with(&a, &[&shared]);
    for phone in [&other, &a] {
        let report = phone.sync().unwrap();
        assert_eq!(report.blobs_sent, 1, "{report:?}");
        assert!(report.blobs_refused.is_empty(), "{report:?}");
        assert!(pending(phone).is_empty());
    }
    // Stored once, granted twice.
    assert_eq!(rows(server, "blob_content", &hash), 1);
    assert_eq!(rows(server, "blob_content_part", &hash), 3);
    assert_eq!(rows(server, "blob_grant", &hash), 2);
    assert_eq!(rows(server, "blob_staged", &hash), 0);
    b.sync().unwrap();
    b.device.evidence().fetch(&b.transport, &hash).unwrap();
    assert_eq!(
        b.device
            .store()
            .blobs()
            .get(&BlobHash::of(&shared))
            .unwrap(),
        shared
    );
    let read = Hostile::of(server, &other).send("GET", &routes::blob(&hash), Vec::new());
    assert_eq!((read.status, read.body), (200, shared));
}

#[test]
fn enterprise_devices_upload_and_read_no_evidence() {
    on_both("enterprise", Limits::default(), enterprise);
}

fn enterprise(server: &TestServer) {
    let officer = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    let company = Phone::enrolled(server, SubjectKind::Enterprise, ENTERPRISE);
    let hostile = Hostile::of(server, &company);
    let photo = file(4, 5_000);
    let hash = hex_of(&photo);
    let forbidden = (403, ErrorCode::Forbidden);
    assert_eq!(hostile.refused(&hash, 0, 5_000, &photo), forbidden);
    assert_eq!(refusal(&hostile.status(&hash)), forbidden);
    assert_eq!(rows(server, "blob_staged", &hash), 0);
    assert_eq!(rows(server, "blob_staged_part", &hash), 0);
    // The officer's upload is untouched; the enterprise cannot read it either.
    case_with(&officer, &[&photo]);
    let report = officer.sync().unwrap();
    assert_eq!((report.blobs_sent, report.blobs_refused.len()), (1, 0));
    assert_eq!(rows(server, "blob_content", &hash), 1);
    assert_eq!(
        refusal(&hostile.send("GET", &routes::blob(&hash), Vec::new())),
        forbidden
    );
    company.sync().unwrap();
}

#[test]
fn bad_sizes_and_wrapping_offsets_are_refused_before_any_row() {
    on_both("bad_sizes", Limits::default(), bad_sizes);
}

fn bad_sizes(server: &TestServer) {
    let phone = Phone::enrolled(server, SubjectKind::Officer, OTHER_TEAM_OFFICER);
    let hostile = Hostile::of(server, &phone);
    let hash = hex_of(b"what the hostile device names");
    let no_rows = |server: &TestServer| {
        for table in TABLES {
            assert_eq!(rows(server, table, &hash), 0, "{table}");
        }
    };
    let bad = (400, ErrorCode::BadRequest);
    assert_eq!(hostile.refused(&hash, u64::MAX - 3, MAX_BLOB, &[1; 8]), bad);
    assert_eq!(
        hostile.refused(&hash, 0, MAX_BLOB + 1, &[1; 8]),
        (413, ErrorCode::TooLarge)
    );
    let part = vec![1; BLOB_PART];
    // Past the declared size, empty, short of a whole part, or off the parts' boundaries.
    assert_eq!(hostile.refused(&hash, 0, 4, &[1; 8]), bad);
    assert_eq!(hostile.refused(&hash, 0, 4, &[]), bad);
    assert_eq!(hostile.refused(&hash, 0, MAX_BLOB, &[1; 8]), bad);
    assert_eq!(hostile.refused(&hash, 8, MAX_BLOB, &part), bad);
    // A part past the start of an upload that never began changes nothing.
    assert_eq!(
        status_of(&hostile.put(&hash, PART, MAX_BLOB, &part)),
        partial(0, 0)
    );
    no_rows(server);
    // An upload whose declared size changes is discarded; so is one whose bytes are not the file.
    assert_eq!(hostile.received(&hash, 0, 1 << 20, &part), PART);
    assert_eq!(hostile.refused(&hash, PART, 2 << 20, &part), bad);
    no_rows(server);
    assert_eq!(
        hostile.refused(&hash, 0, 3, b"abc"),
        (422, ErrorCode::HashMismatch)
    );
    no_rows(server);
}

/// A hostile network in front of the server: it replaces every evidence part's reply with
/// `forged` and counts the parts the phone sends.
struct ForgedReplies {
    inner: zhifa_core::sync::http::HttpTransport,
    forged: BlobStatus,
    parts: AtomicU32,
}

impl Transport for ForgedReplies {
    fn send(&self, request: &Request) -> Result<Response, String> {
        let response = self.inner.send(request)?;
        if request.method == "PUT" && request.path.starts_with("/v1/blobs/") {
            self.parts.fetch_add(1, Ordering::SeqCst);
            return Ok(Response {
                status: 200,
                body: to_cbor(&self.forged),
            });
        }
        Ok(response)
    }
}

#[test]
fn an_upload_that_does_not_move_on_is_that_files_refusal_and_the_sync_completes() {
    on_both("no_progress", Limits::default(), no_progress);
}

fn no_progress(server: &TestServer) {
    let a = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    let b = Phone::enrolled(server, SubjectKind::Officer, OFFICER_B);
    let photo = file(5, 3 * BLOB_PART);
    let hash = hex_of(&photo);
    let case = case_with(&a, &[&photo]);
    let size = photo.len() as u64;
    // Replies that never advance (what made the phone re-send forever), then another size.
    for forged in [partial(0, size), partial(1, size + 999)] {
        let network = ForgedReplies {
            inner: zhifa_core::sync::http::HttpTransport::new(&server.base()).unwrap(),
            forged,
            parts: AtomicU32::new(0),
        };
        let report = a.sync_via(&network).unwrap();
        assert_eq!(network.parts.load(Ordering::SeqCst), 1, "stopped at once");
        assert_eq!(report.blobs_refused.len(), 1, "{report:?}");
        let refused = &report.blobs_refused[0];
        assert_eq!(
            (refused.hash.as_str(), refused.reason, refused.retried),
            (hash.as_str(), BlobRefusal::Inconsistent, true)
        );
        assert_eq!(refused.message_zh, texts::sync::BLOB_INCONSISTENT);
        assert_eq!(
            refused_in_queue(&a),
            vec![(hash.clone(), BlobRefusal::Inconsistent)]
        );
    }
    // The rest of the sync went on: the case reached the teammate.
    b.sync().unwrap();
    assert_eq!(b.device.cases().get(&case).unwrap().evidence.len(), 1);
    // Over an honest network the next sync resumes from the server's count and completes.
    let report = a.sync().unwrap();
    assert_eq!(
        (report.blobs_sent, report.blobs_refused.len()),
        (1, 0),
        "{report:?}"
    );
    assert!(pending(&a).is_empty() && refused_in_queue(&a).is_empty());
    b.device.evidence().fetch(&b.transport, &hash).unwrap();
}

#[test]
fn quotas_refuse_with_a_typed_code_and_leave_others_alone() {
    let limits = Limits {
        device_staged_bytes: 3 << 19,
        team_bytes_per_day: 2 << 20,
        ..Limits::default()
    };
    on_both("quotas", limits, quotas);
}

fn quotas(server: &TestServer) {
    let a = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    let b = Phone::enrolled(server, SubjectKind::Officer, OFFICER_B);
    let other = Phone::enrolled(server, SubjectKind::Officer, OTHER_TEAM_OFFICER);
    // One device fills its own staging quota with uploads it never finishes.
    let hostile = Hostile::of(server, &a);
    let quota = (403, ErrorCode::QuotaExceeded);
    for seed in 0..2 {
        let hash = hex_of(&file(100 + seed, 10));
        assert_eq!(
            hostile.received(&hash, 0, 600_000, &vec![7; BLOB_PART]),
            PART
        );
    }
    let third = hex_of(&file(102, 10));
    assert_eq!(
        hostile.refused(&third, 0, 600_000, &vec![7; BLOB_PART]),
        quota
    );
    assert_eq!(rows(server, "blob_staged", &third), 0);
    // A teammate's device is not held by it, up to the team's quota of the day.
    let files: Vec<Vec<u8>> = (0..4).map(|seed| file(200 + seed, 600_000)).collect();
    case_with(&b, &[&files[0], &files[1], &files[2]]);
    let report = b.sync().unwrap();
    assert_eq!(
        (report.blobs_sent, report.blobs_refused.len()),
        (3, 0),
        "{report:?}"
    );
    let case = case_with(&b, &[&files[3]]);
    let report = b.sync().unwrap();
    assert_eq!(report.blobs_refused.len(), 1, "{report:?}");
    let refused = &report.blobs_refused[0];
    assert_eq!(
        (refused.reason, refused.retried),
        (BlobRefusal::QuotaExceeded, true)
    );
    assert_eq!(refused.message_zh, texts::sync::BLOB_QUOTA);
    assert_eq!(
        pending(&b),
        vec![hex_of(&files[3])],
        "tried again next time"
    );
    // The sync went on (the case reached the teammate), and another team is unaffected.
    a.sync().unwrap();
    assert_eq!(a.device.cases().get(&case).unwrap().evidence.len(), 1);
    case_with(&other, &[&files[3]]);
    let report = other.sync().unwrap();
    assert_eq!(
        (report.blobs_sent, report.blobs_refused.len()),
        (1, 0),
        "{report:?}"
    );
}

#[test]
fn downloads_stream_part_by_part() {
    on_both("streams", Limits::default(), streams);
}

fn streams(server: &TestServer) {
    let a = Phone::enrolled(server, SubjectKind::Officer, OFFICER_A);
    let b = Phone::enrolled(server, SubjectKind::Officer, OFFICER_B);
    let photo = file(6, 3 * BLOB_PART + 12_345);
    let hash = hex_of(&photo);
    case_with(&a, &[&photo]);
    a.sync().unwrap();
    // The server side reads it one part at a time: four parts, none larger than a part.
    let enrolment = b.device.sync().enrolment().unwrap().unwrap();
    let reader = DeviceRecord {
        key_id: b.device.device_key().key_id().to_string(),
        public_key: b.device.device_key(),
        subject_kind: SubjectKind::Officer,
        subject: enrolment.subject,
        team: enrolment.team,
        divisions: enrolment.divisions,
    };
    let download = blobs::open_download(server.state.db.as_ref(), &reader, &hash).unwrap();
    assert_eq!(
        (download.size, download.offsets.len()),
        (photo.len() as u64, 4)
    );
    let mut joined = Vec::new();
    for offset in &download.offsets {
        assert_eq!(*offset, joined.len() as u64);
        let part = blobs::read_part(server.state.db.as_ref(), &hash, *offset).unwrap();
        assert!(part.len() <= BLOB_PART);
        joined.extend(part);
    }
    assert_eq!(joined, photo);
    // Over HTTP the body is a stream (chunked, no length known up front), and it is the file.
    let hostile = Hostile::of(server, &b);
    let path = routes::blob(&hash);
    let time = chrono::Utc::now().timestamp();
    let signed = auth::sign_request(&hostile.key, "GET", &path, time, &[]).unwrap();
    let mut request = reqwest::blocking::Client::new().get(server.url(&path));
    for (name, value) in signed.headers() {
        request = request.header(name, value);
    }
    let response = request.send().unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(
        response
            .headers()
            .get("transfer-encoding")
            .map(|v| v.as_bytes()),
        Some(&b"chunked"[..])
    );
    assert!(response.headers().get("content-length").is_none());
    assert_eq!(response.bytes().unwrap().as_ref(), photo.as_slice());
    // And the phone's fetch checks and keeps it.
    b.device.evidence().fetch(&b.transport, &hash).unwrap();
    assert_eq!(
        b.device.store().blobs().get(&BlobHash::of(&photo)).unwrap(),
        photo
    );
}

#[test]
fn evidence_over_the_limit_is_refused_at_capture_and_an_old_one_does_not_block_sync() {
    let server = TestServer::start_blocking();
    let phone = Phone::enrolled(&server, SubjectKind::Officer, OFFICER_A);
    let case = case_with(&phone, &[]);
    let big = vec![5u8; MAX_BLOB as usize + 1];
    let refused_at_capture = phone
        .device
        .evidence()
        .add_to_case(&case, &big, "video", "后厨录像", None)
        .unwrap_err();
    assert!(matches!(
        refused_at_capture,
        Error::Case(CaseError::EvidenceTooLarge { size, max }) if size == MAX_BLOB + 1 && max == MAX_BLOB
    ));
    assert!(refused_at_capture.message_zh().contains("不能超过100MB"));
    assert!(!phone.device.store().blobs().contains(&BlobHash::of(&big)));
    assert!(phone.device.cases().get(&case).unwrap().evidence.is_empty());
    assert!(pending(&phone).is_empty());
    assert!(matches!(
        phone
            .device
            .evidence()
            .add_to_case(&case, &[], "photo", "空", None),
        Err(Error::Case(CaseError::EvidenceEmpty))
    ));
    // A file captured before capture checked the limit is refused for itself, once.
    let old = phone.device.store().blobs().put(&big).unwrap().to_hex();
    phone
        .device
        .store()
        .write(|tx| replica::queue_blob(tx, &old))
        .unwrap();
    let small = file(7, 2_000);
    phone
        .device
        .evidence()
        .add_to_case(&case, &small, "photo", "后厨", None)
        .unwrap();
    let report = phone.sync().unwrap();
    assert_eq!(report.blobs_sent, 1, "{report:?}");
    assert_eq!(report.blobs_refused.len(), 1, "{report:?}");
    let refused_old = &report.blobs_refused[0];
    assert_eq!(
        (
            refused_old.hash.as_str(),
            refused_old.reason,
            refused_old.retried
        ),
        (old.as_str(), BlobRefusal::TooLarge, false)
    );
    assert!(refused_old.message_zh.contains("不能超过100MB"));
    let report = phone.sync().unwrap();
    assert!(
        report.blobs_refused.is_empty(),
        "not tried again: {report:?}"
    );
    assert_eq!(refused_in_queue(&phone), vec![(old, BlobRefusal::TooLarge)]);
}
