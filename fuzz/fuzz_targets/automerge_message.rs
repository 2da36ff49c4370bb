//! An Automerge sync message as the server applies it (`sync-server/src/docs.rs`): decoded,
//! received into the stored document (a real case file, or a new empty one), then read as the
//! kind's summary (`zhifa_core::records`) and saved and reloaded as the server stores it.
//! Nothing may panic; a message that does not make a readable document is a refusal.
//!
//! The work budget (`zhifa_core::sync::budget`) is checked in `apply`, before the message
//! reaches the document, and the document must be complete after it, as on the server.
//!
//! RUSTC_BOOTSTRAP=1 cargo fuzz run automerge_message -- -runs=1000000 -rss_limit_mb=2048

#![no_main]

use std::sync::OnceLock;

use automerge::sync::{Message, State, SyncDoc};
use automerge::AutoCommit;
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use zhifa_core::cases::{CaseEdit, CaseKind};
use zhifa_core::records;
use zhifa_core::sync::{budget, DocKind};

/// A real case file's Automerge bytes, made once.
fn case_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let phone = zhifa_core::testing::Phone::demo();
        let date = |t: &str| t.parse::<NaiveDate>().unwrap();
        let case = phone
            .device
            .cases()
            .create(
                CaseKind::Ordinary,
                "SP-126-5",
                "500103",
                date("2026-11-20"),
                date("2026-11-21"),
            )
            .unwrap();
        phone
            .device
            .cases()
            .edit(
                &case.id,
                &[CaseEdit::AppendFindings("现场发现过期食品。".into())],
            )
            .unwrap();
        let held = phone
            .device
            .store()
            .read(|c| records::kind(DocKind::Case).load(c, &case.id))
            .unwrap()
            .unwrap();
        let mut doc = held.doc;
        doc.save()
    })
}

/// Decodes and applies one message the way the server does; `None` is a refusal.
fn apply(doc: &mut AutoCommit, state: &mut State, bytes: &[u8]) -> Option<()> {
    let message = Message::decode(bytes).ok()?;
    budget::check(&message, budget::Held::of(doc)).ok()?;
    doc.sync().receive_sync_message(state, message).ok()?;
    budget::complete(doc).ok()
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let kind = if selector & 1 == 0 {
        DocKind::Case
    } else {
        DocKind::Inspection
    };
    let mut doc = if selector & 2 == 0 {
        AutoCommit::load(case_bytes()).unwrap()
    } else {
        AutoCommit::new()
    };
    let before = doc.get_heads();
    let mut state = State::new();
    if apply(&mut doc, &mut state, rest).is_none() {
        return;
    }
    // The server answers every message it applied, moved or not.
    let _ = doc.sync().generate_sync_message(&mut state);
    if doc.get_heads() == before {
        return;
    }
    if let Some(summary) = records::kind(kind).summary(&mut doc) {
        let _ = (summary.id, summary.division, summary.evidence);
    }
    let saved = doc.save();
    AutoCommit::load(&saved).expect("a document the server saved loads again");
});
