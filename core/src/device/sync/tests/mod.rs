//! The session driven by scripted replies, with no server and no socket: each test answers
//! the requests the session asks for and checks what it asked, what it stored and how it
//! ended. End-to-end runs against a real server are in `tests/tests/sync.rs`.

use std::collections::VecDeque;
use std::time::Duration;

use chrono::Utc;

use serde_bytes::ByteBuf;

use super::{Fed, Io, Next, SessionRun};

use crate::cases::{CaseDoc, CaseEdit, CaseKind};
use crate::device::Device;
use crate::store::{get_meta, set_meta};
use crate::sync::auth::{NONCE_HEADER, SIGNATURE_HEADER, TIME_HEADER};
use crate::sync::budget::crafted::{list_bomb, non_canonical};
use crate::sync::protocol::{
    from_cbor, routes, to_cbor, DocMessage, DocRefusal, ErrorBody, ErrorCode, Listing, SyncRequest,
    SyncResponse,
};
use crate::sync::replica::{CURSOR_META, ENROLMENT_META};
use crate::sync::{
    Digest, DocId, DocKind, DocRef, Enrolment, Request, Response, SubjectKind, SyncError,
    SyncOptions, SyncReport,
};
use crate::Error;

struct Phone {
    device: Device,
    _dir: tempfile::TempDir,
}

/// An officer's phone enrolled with a server that exists only in the script.
fn enrolled_phone() -> Phone {
    let dir = tempfile::tempdir().unwrap();
    let device = Device::open(
        dir.path(),
        &crate::testing::test_key(),
        vec!["500103".into()],
        Vec::new(),
    )
    .unwrap();
    let enrolment = Enrolment {
        subject_kind: SubjectKind::Officer,
        subject: "渝50010320001".into(),
        team: "B500103003".into(),
        divisions: vec!["500103".into()],
        server_time: Utc::now(),
    };
    let json = serde_json::to_string(&enrolment).unwrap();
    device
        .store()
        .write(|tx| set_meta(tx, ENROLMENT_META, &json))
        .unwrap();
    Phone { device, _dir: dir }
}

/// Documents and events only: no case numbers, no credential renewal.
fn options() -> SyncOptions {
    SyncOptions {
        credential_renew_minutes: 0,
        ..SyncOptions::default()
    }
}

fn ok(body: Vec<u8>) -> Fed {
    Fed::Response(Ok(Response { status: 200, body }))
}

fn quiet_round(cursor: u64) -> Fed {
    round_at(cursor, Utc::now())
}

/// A round with nothing to exchange, answered by a server whose clock reads `server_time`.
fn round_at(cursor: u64, server_time: chrono::DateTime<Utc>) -> Fed {
    ok(to_cbor(&SyncResponse {
        cursor,
        server_time: Some(server_time),
        ..SyncResponse::default()
    }))
}

fn error(status: u16, code: ErrorCode, server_time: Option<chrono::DateTime<Utc>>) -> Fed {
    let body = ErrorBody {
        error: code,
        detail: String::new(),
        server_time,
        retry_after: None,
    };
    Fed::Response(Ok(Response {
        status,
        body: serde_json::to_vec(&body).unwrap(),
    }))
}

/// A 429 asking the device to wait `seconds`.
fn rate_limited(seconds: u64) -> Fed {
    let body = ErrorBody {
        error: ErrorCode::RateLimited,
        detail: String::new(),
        server_time: None,
        retry_after: Some(seconds),
    };
    Fed::Response(Ok(Response {
        status: 429,
        body: serde_json::to_vec(&body).unwrap(),
    }))
}

/// Runs the session against `script`: each request or pause it asks for takes the next
/// reply. Returns how it ended and everything it asked, in order.
fn play(
    run: SessionRun<'_, Result<SyncReport, Error>>,
    script: Vec<Fed>,
) -> (Result<SyncReport, Error>, Vec<Io>) {
    play_from(run, None, script)
}

/// `play`, for a session already asked once: `fed` answers that.
fn play_from(
    mut run: SessionRun<'_, Result<SyncReport, Error>>,
    mut fed: Option<Fed>,
    script: Vec<Fed>,
) -> (Result<SyncReport, Error>, Vec<Io>) {
    let mut script = VecDeque::from(script);
    let mut asked = Vec::new();
    loop {
        match run.step(fed.take()) {
            Next::Done(done) => return (done, asked),
            Next::Io(io) => {
                let reply = match &io {
                    Io::Wait(_) => Fed::Waited,
                    Io::Send(_) => script.pop_front().expect("the script ran out"),
                };
                asked.push(io);
                fed = Some(reply);
            }
        }
    }
}

fn sent(asked: &[Io]) -> Vec<&Request> {
    asked
        .iter()
        .filter_map(|io| match io {
            Io::Send(request) => Some(request),
            Io::Wait(_) => None,
        })
        .collect()
}

fn header<'r>(request: &'r Request, name: &str) -> &'r str {
    request
        .headers
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or_default()
}

fn cursor(phone: &Phone) -> Option<String> {
    phone
        .device
        .store()
        .read(|c| get_meta(c, CURSOR_META))
        .unwrap()
}

#[test]
fn a_device_not_enrolled_has_no_session() {
    let dir = tempfile::tempdir().unwrap();
    let device = Device::open(
        dir.path(),
        &crate::testing::test_key(),
        vec!["500103".into()],
        Vec::new(),
    )
    .unwrap();
    let options = options();
    assert!(matches!(
        device.sync().start(&options, &|_| {}).err(),
        Some(Error::Sync(SyncError::NotEnrolled))
    ));
}

#[test]
fn a_quiet_sync_is_one_signed_round_that_lists_everything_and_saves_the_cursor() {
    let phone = enrolled_phone();
    let options = options();
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let (done, asked) = play(run, vec![quiet_round(7)]);
    let report = done.unwrap();
    assert_eq!(report.round_trips, 1);
    let requests = sent(&asked);
    assert_eq!(requests.len(), 1);
    assert_eq!(
        (requests[0].method, requests[0].path.as_str()),
        ("POST", routes::SYNC)
    );
    assert!(!header(requests[0], SIGNATURE_HEADER).is_empty());
    let body: SyncRequest = from_cbor(&requests[0].body).unwrap();
    assert_eq!(body.listing, Some(Listing::Full(Vec::new())));
    assert_eq!(cursor(&phone).as_deref(), Some("7"));

    // The next session lists by that cursor.
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let (done, asked) = play(run, vec![quiet_round(7)]);
    done.unwrap();
    let body: SyncRequest = from_cbor(&sent(&asked)[0].body).unwrap();
    assert_eq!(body.listing, Some(Listing::Since(7)));
}

#[test]
fn a_lost_answer_is_retried_after_a_doubling_pause_and_signed_afresh() {
    let phone = enrolled_phone();
    let options = options();
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let lost = || Fed::Response(Err("connection reset".into()));
    let (done, asked) = play(run, vec![lost(), lost(), quiet_round(3)]);
    assert_eq!(done.unwrap().round_trips, 3);
    let pauses: Vec<&Io> = asked
        .iter()
        .filter(|io| matches!(io, Io::Wait(_)))
        .collect();
    assert_eq!(
        pauses,
        [
            &Io::Wait(Duration::from_millis(options.backoff_ms())),
            &Io::Wait(Duration::from_millis(options.backoff_ms() * 2)),
        ]
    );
    let requests = sent(&asked);
    assert_eq!(requests.len(), 3);
    assert_ne!(
        header(requests[0], NONCE_HEADER),
        header(requests[2], NONCE_HEADER),
        "a retry is a new request, never a replay"
    );
    assert_eq!(requests[0].body, requests[2].body);
    assert_eq!(cursor(&phone).as_deref(), Some("3"));
}

#[test]
fn offline_through_every_attempt_stops_typed_and_keeps_the_old_cursor() {
    let phone = enrolled_phone();
    let options = options();
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let script = (0..options.attempts)
        .map(|_| Fed::Response(Err("no route to host".into())))
        .collect();
    let (done, asked) = play(run, script);
    assert!(matches!(done, Err(Error::Sync(SyncError::Offline(_)))));
    assert_eq!(sent(&asked).len(), options.attempts as usize);
    assert_eq!(cursor(&phone), None);
}

#[test]
fn a_cut_short_answer_is_asked_again() {
    let phone = enrolled_phone();
    let options = options();
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let truncated = ok(to_cbor(&SyncResponse::default())[..1].to_vec());
    let (done, asked) = play(run, vec![truncated, quiet_round(5)]);
    done.unwrap();
    assert_eq!(sent(&asked).len(), 2);
    assert_eq!(cursor(&phone).as_deref(), Some("5"));
}

#[test]
fn clock_skew_reanchors_trusted_time_and_retries_once() {
    let phone = enrolled_phone();
    let options = options();
    let ahead = Utc::now() + chrono::Duration::hours(3);
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let (done, asked) = play(
        run,
        vec![
            error(401, ErrorCode::ClockSkew, Some(ahead)),
            round_at(1, ahead),
        ],
    );
    done.unwrap();
    assert_eq!(sent(&asked).len(), 2);
    assert!(
        !asked.iter().any(|io| matches!(io, Io::Wait(_))),
        "no pause"
    );
    // The retry is signed with the time the server gave.
    let signed_at = |request: &Request| header(request, TIME_HEADER).parse::<i64>().unwrap();
    let requests = sent(&asked);
    assert!((signed_at(requests[0]) - Utc::now().timestamp()).abs() < 60);
    assert!((signed_at(requests[1]) - ahead.timestamp()).abs() < 60);

    // Still skewed after re-anchoring: the device says so instead of looping.
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let skew = || error(401, ErrorCode::ClockSkew, Some(Utc::now()));
    let (done, _) = play(run, vec![skew(), skew()]);
    assert!(matches!(done, Err(Error::Sync(SyncError::ClockSkew))));
}

#[test]
fn refusals_are_typed_and_server_errors_are_retried_then_reported() {
    let phone = enrolled_phone();
    let options = options();
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let (done, _) = play(run, vec![error(401, ErrorCode::Unauthorized, None)]);
    assert!(matches!(done, Err(Error::Sync(SyncError::Unauthorized))));

    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let (done, _) = play(run, vec![error(403, ErrorCode::Forbidden, None)]);
    assert!(matches!(done, Err(Error::Sync(SyncError::Forbidden(_)))));

    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let script = (0..options.attempts)
        .map(|_| error(503, ErrorCode::Internal, None))
        .collect();
    let (done, asked) = play(run, script);
    assert!(matches!(
        done,
        Err(Error::Sync(SyncError::Server { status: 503, .. }))
    ));
    assert_eq!(sent(&asked).len(), options.attempts as usize);
}

#[test]
fn a_rate_limit_is_waited_out_as_the_server_asks_then_the_request_is_signed_afresh() {
    let phone = enrolled_phone();
    let options = options();
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let (done, asked) = play(run, vec![rate_limited(3), quiet_round(4)]);
    done.unwrap();
    let pauses: Vec<&Io> = asked
        .iter()
        .filter(|io| matches!(io, Io::Wait(_)))
        .collect();
    assert_eq!(pauses, [&Io::Wait(Duration::from_secs(3))]);
    let requests = sent(&asked);
    assert_ne!(
        header(requests[0], NONCE_HEADER),
        header(requests[1], NONCE_HEADER)
    );
    assert_eq!(cursor(&phone).as_deref(), Some("4"));
}

#[test]
fn a_long_rate_limit_ends_the_sync_typed_with_the_wait_in_words() {
    let phone = enrolled_phone();
    let options = options();
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let (done, asked) = play(run, vec![rate_limited(600)]);
    let Err(Error::Sync(refusal @ SyncError::RateLimited { retry_after: 600 })) = done else {
        panic!("expected a rate limit, got {done:?}");
    };
    assert_eq!(sent(&asked).len(), 1, "no retry before the wait");
    assert!(refusal.message_zh().contains("10分钟"));
    assert_eq!(cursor(&phone), None);

    // Limited on every attempt: the session stops after its attempts, typed.
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let script = (0..options.attempts).map(|_| rate_limited(1)).collect();
    let (done, asked) = play(run, script);
    assert!(matches!(
        done,
        Err(Error::Sync(SyncError::RateLimited { retry_after: 1 }))
    ));
    assert_eq!(sent(&asked).len(), options.attempts as usize);
}

#[test]
fn a_second_sync_while_one_runs_is_busy_and_sends_nothing() {
    struct Silent;
    impl crate::sync::Transport for Silent {
        fn send(&self, _: &Request) -> Result<Response, String> {
            panic!("a busy sync sends nothing")
        }
    }
    let phone = enrolled_phone();
    let options = options();
    let mut running = phone.device.sync().start(&options, &|_| {}).unwrap();
    assert!(matches!(running.step(None), Next::Io(Io::Send(_))));
    let busy = phone.device.sync().run(&Silent, &options, &|_| {});
    assert!(matches!(busy, Err(Error::Sync(SyncError::Busy))));
    assert!(matches!(
        phone.device.sync().start(&options, &|_| {}).err(),
        Some(Error::Sync(SyncError::Busy))
    ));
    // A step without the answer asks the same again; the session goes on once answered.
    let asked = running.step(None);
    assert!(matches!(asked, Next::Io(Io::Send(ref r)) if r.path == routes::SYNC));
    let (done, _) = play_from(running, Some(quiet_round(4)), Vec::new());
    done.unwrap();
    drop(phone.device.sync().start(&options, &|_| {}).unwrap());
}

mod documents;
