//! Enrolment under attack, on SQLite and (with `ZHIFA_TEST_DATABASE_URL`) PostgreSQL: codes
//! guessed by the thousand are rate-limited per address and every kind of bad code looks the
//! same; a key already enrolled, or revoked, cannot take another officer's code, and both the
//! old enrolment and the code stay as they were.

mod support;

use serde_bytes::ByteBuf;
use support::{backends, RawClient, Server, OFFICER_A, OFFICER_B};
use zhifa_core::crypto::{Algorithm, Signer, SigningKey};
use zhifa_core::sync::protocol::{enrolment_message, routes, to_cbor, EnrolRequest, ErrorCode};
use zhifa_core::sync::{SubjectKind, SyncError};
use zhifa_core::Error;
use zhifa_sync_server::devices;
use zhifa_sync_server::limits::Rate;
use zhifa_sync_server::storage::transaction;

/// A well-formed enrolment request for `code`, signed by a fresh key.
fn request_for(code: &str) -> Vec<u8> {
    let key = SigningKey::generate(Algorithm::EdDSA);
    let spki = key.public_key().to_spki_der();
    let proof = key.sign(&enrolment_message(code, &spki)).unwrap();
    to_cbor(&EnrolRequest {
        code: code.to_owned(),
        public_key: ByteBuf::from(spki),
        label: "guess".into(),
        proof: ByteBuf::from(proof),
    })
}

fn enrol_raw(client: &RawClient, code: &str) -> support::Answer {
    client.exchange(
        "POST",
        routes::ENROL,
        &[("content-type", "application/cbor".to_owned())],
        &request_for(code),
    )
}

#[test]
fn unknown_used_and_expired_codes_get_the_same_reply() {
    for database in backends("uniform") {
        let server = Server::start_on(database, |_| {});
        let client = RawClient::new(server.address, [127, 0, 0, 1]);
        let used = server.code(OFFICER_A);
        server
            .phone()
            .device
            .sync()
            .enrol(&server.phone().transport, &used, "first")
            .unwrap();
        let expired = server.code(OFFICER_B);
        transaction(server.state.db.as_ref(), |tx| {
            tx.execute(
                "UPDATE enrolment_code SET expires_at = 0 WHERE subject = $1",
                &[OFFICER_B.into()],
            )
        })
        .unwrap();
        let replies: Vec<_> = ["ABCD-EFGH-JKMN-PQ", &used, &expired]
            .into_iter()
            .map(|code| enrol_raw(&client, code))
            .collect();
        for reply in &replies {
            assert_eq!(reply.status, 403);
            assert_eq!(reply.json()["error"], "enrolment_refused");
            assert_eq!(
                reply.body, replies[0].body,
                "same code and same text: no oracle"
            );
        }
    }
}

#[test]
fn enrolment_brute_force_is_limited_per_address_and_a_neighbour_still_enrols() {
    let server = Server::start(|config| {
        config.limits.enrol_per_address = Rate {
            per_minute: 6,
            burst: 5,
        }
    });
    let attacker = RawClient::new(server.address, [127, 0, 0, 1]);
    let statuses: Vec<u16> = (0..40)
        .map(|n| enrol_raw(&attacker, &format!("GUES-S{n:03}-AAAA-BB")).status)
        .collect();
    assert_eq!(&statuses[..5], &[403; 5], "the burst is answered");
    assert!(
        statuses[5..].iter().all(|s| *s == 429),
        "then every guess is limited: {statuses:?}"
    );
    let limited = enrol_raw(&attacker, "GUES-SXXX-AAAA-BB");
    assert_eq!(limited.json()["error"], "rate_limited");
    assert!(limited.header("retry-after").is_some());
    // Even a right code waits: the limit is on the address, before the code is looked at.
    let code = server.code(OFFICER_A);
    let phone = server.phone();
    let refused = phone.device.sync().enrol(&attacker, &code, "limited");
    assert!(matches!(
        refused,
        Err(Error::Sync(SyncError::RateLimited { .. }))
    ));
    // An officer at another address enrols with the same code and syncs.
    let neighbour = RawClient::new(server.address, [127, 0, 0, 2]);
    let enrolment = phone.device.sync().enrol(&neighbour, &code, "ok").unwrap();
    assert_eq!(enrolment.subject, OFFICER_A);
    phone.sync().expect("the neighbour's phone syncs");
}

fn device_row(server: &Server, key_id: &str) -> (String, i64) {
    let row = transaction(server.state.db.as_ref(), |tx| {
        tx.query_opt(
            "SELECT subject, revoked FROM device WHERE key_id = $1",
            &[key_id.into()],
        )
    })
    .unwrap()
    .expect("the device row");
    (row.text(0).unwrap(), row.int(1).unwrap())
}

#[test]
fn an_enrolled_or_revoked_key_cannot_take_another_officers_code() {
    for database in backends("reenrol") {
        let server = Server::start_on(database, |_| {});
        let first = server.code(OFFICER_A);
        let phone = server.phone();
        phone
            .device
            .sync()
            .enrol(&phone.transport, &first, "A")
            .unwrap();
        let key = server.key_of(OFFICER_A);

        // Officer B's code, presented by A's enrolled key: refused, typed, in words.
        let b_code = server.code(OFFICER_B);
        let refused = phone
            .device
            .sync()
            .enrol(&phone.transport, &b_code, "takeover")
            .unwrap_err();
        let Error::Sync(refusal @ SyncError::EnrolmentRefused(ErrorCode::KeyEnrolled)) = &refused
        else {
            panic!("expected key_enrolled, got {refused:?}");
        };
        assert!(refusal.message_zh().contains("登记码仍未使用"));
        assert_eq!(device_row(&server, &key), (OFFICER_A.to_owned(), 0));
        // A code that was never issued gets the very same answer: an enrolled key is no
        // oracle for which codes exist.
        let never_issued = phone
            .device
            .sync()
            .enrol(&phone.transport, "ABCD-EFGH-JK", "probe")
            .unwrap_err();
        assert!(matches!(
            never_issued,
            Error::Sync(SyncError::EnrolmentRefused(ErrorCode::KeyEnrolled))
        ));
        // The retry of its own code still answers as before; the phone still syncs as A.
        let again = phone
            .device
            .sync()
            .enrol(&phone.transport, &first, "A")
            .unwrap();
        assert_eq!(again.subject, OFFICER_A);
        phone.sync().expect("A still syncs");

        // Revoked, the key is refused a code too, and the code stays unused.
        assert!(devices::revoke(server.state.db.as_ref(), &key).unwrap());
        let another = server.code(OFFICER_B);
        let refused = phone
            .device
            .sync()
            .enrol(&phone.transport, &another, "back door");
        assert!(matches!(
            refused,
            Err(Error::Sync(SyncError::EnrolmentRefused(
                ErrorCode::KeyEnrolled
            )))
        ));
        assert_eq!(device_row(&server, &key), (OFFICER_A.to_owned(), 1));
        // Its own old code does not bring a revoked key back either.
        assert!(phone
            .device
            .sync()
            .enrol(&phone.transport, &first, "A")
            .is_err());

        // Officer B's phone takes both untouched codes' owner: the code was never spent.
        let b = server.phone();
        let enrolment = b
            .device
            .sync()
            .enrol(&b.transport, &b_code, "B")
            .expect("B's code is still unused");
        assert_eq!(enrolment.subject, OFFICER_B);
        assert_eq!(enrolment.subject_kind, SubjectKind::Officer);
        b.sync().expect("B syncs");
        let b2 = server.phone();
        b2.device
            .sync()
            .enrol(&b2.transport, &another, "B2")
            .expect("the code shown by the revoked key is still unused");
    }
}
