//! Every CBOR body of the sync protocol, both directions: what a device sends the server
//! (sync rounds, events, enrolment, case numbers, credentials) and what the server answers
//! (sync responses, acknowledgements, blob status, errors). Decoding must refuse or succeed,
//! never panic, and a decoded body must encode to one that decodes to the same value (both
//! sides re-encode what they keep).
//!
//! RUSTC_BOOTSTRAP=1 cargo fuzz run sync_body -- -runs=1000000

#![no_main]

use libfuzzer_sys::fuzz_target;
use zhifa_core::sync::protocol::{
    from_cbor, to_cbor, BlobStatus, CaseNumberRequest, CredentialRequest, EnrolRequest, Enrolment,
    ErrorBody, EventAck, EventUpload, SyncRequest, SyncResponse,
};

fn round_trip<T>(data: &[u8])
where
    T: serde::Serialize + for<'de> serde::Deserialize<'de> + PartialEq + std::fmt::Debug,
{
    if let Some(value) = from_cbor::<T>(data) {
        let again: T = from_cbor(&to_cbor(&value)).expect("a re-encoded body decodes");
        assert_eq!(again, value);
    }
}

fuzz_target!(|data: &[u8]| {
    // Device to server.
    round_trip::<SyncRequest>(data);
    round_trip::<EventUpload>(data);
    round_trip::<EnrolRequest>(data);
    round_trip::<CaseNumberRequest>(data);
    round_trip::<CredentialRequest>(data);
    // Server to device.
    round_trip::<SyncResponse>(data);
    round_trip::<EventAck>(data);
    round_trip::<Enrolment>(data);
    round_trip::<BlobStatus>(data);
    round_trip::<ErrorBody>(data);
});
