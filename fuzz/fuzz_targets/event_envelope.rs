//! A signed event as the server opens it (`zhifa_core::events::open`, then the body as a
//! visit, a code verification or a penalty choice). Half the inputs go in as they are (the
//! COSE_Sign1 layer); the other half are first signed by the device's key, so the envelope
//! and body decoders see arbitrary CBOR. Nothing may panic.
//!
//! RUSTC_BOOTSTRAP=1 cargo fuzz run event_envelope -- -runs=1000000

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zhifa_core::codes::visit::{VerificationRecord, VisitRecord};
use zhifa_core::crypto::{sign1, Algorithm, Signer, SigningKey};
use zhifa_core::discretion::PenaltyChoice;
use zhifa_core::events::{open, EventKind, EVENT_CONTENT_TYPE};

fn device_key() -> &'static SigningKey {
    static KEY: OnceLock<SigningKey> = OnceLock::new();
    KEY.get_or_init(|| SigningKey::generate(Algorithm::EdDSA))
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let key = device_key();
    let signed = if selector % 2 == 0 {
        rest.to_vec()
    } else {
        sign1(rest.to_vec(), EVENT_CONTENT_TYPE, key).unwrap()
    };
    let Ok(envelope) = open::<ciborium::Value>(&signed, &key.public_key()) else {
        return;
    };
    let body = envelope.body;
    match envelope.kind {
        EventKind::Visit => drop(body.deserialized::<VisitRecord>()),
        EventKind::CodeVerification => drop(body.deserialized::<VerificationRecord>()),
        EventKind::PenaltyChoice => drop(body.deserialized::<PenaltyChoice>()),
    }
});
