//! Whatever bytes reach `POST /v1/sync`: the server decodes the body, then each Automerge
//! message, and applies it to a document. None of it may panic; bad input is a refusal.

#![no_main]

use automerge::sync::{Message, State, SyncDoc};
use automerge::AutoCommit;
use libfuzzer_sys::fuzz_target;
use zhifa_core::sync::protocol::{from_cbor, EventUpload, SyncRequest};

fuzz_target!(|data: &[u8]| {
    if let Some(request) = from_cbor::<SyncRequest>(data) {
        for message in request.messages {
            if let Ok(message) = Message::decode(&message.2) {
                let mut doc = AutoCommit::new();
                let mut state = State::new();
                let _ = doc.sync().receive_sync_message(&mut state, message);
                let _ = doc.sync().generate_sync_message(&mut state);
            }
        }
    }
    // The raw bytes as one message, too (most inputs never make valid CBOR).
    if let Ok(message) = Message::decode(data) {
        let mut doc = AutoCommit::new();
        let mut state = State::new();
        let _ = doc.sync().receive_sync_message(&mut state, message);
    }
    let _ = from_cbor::<EventUpload>(data);
});
