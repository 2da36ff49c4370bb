//! What a round does with each of its messages, decided before any is applied: the round's
//! own refusals (too many messages, a document named twice), and each message metered
//! (`sync::budget::meter`, linear in its bytes) and admitted while the round's budget lasts.

use std::collections::HashSet;

use automerge::sync::Message;
use zhifa_core::sync::budget;
use zhifa_core::sync::protocol::{DocMessage, DocRefusal, ErrorCode, SyncRequest, BATCH_DOCS};

use crate::error::Refusal;

/// Why the server refuses a whole round (a single document's refusal is a `DocRefusal` in
/// the answer). The phone never sends a round refused here (its batch stops at `BATCH_DOCS`
/// and holds one conversation a document), so only a hostile or broken client is told, and
/// telling it costs the server nothing: the request is refused before anything is loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RoundRefusal {
    #[error("enterprise devices hold no case documents")]
    NotAnOfficer,
    #[error("a round carries at most {BATCH_DOCS} messages")]
    TooManyMessages,
    #[error("a round names a document at most once")]
    DuplicateDocument,
}

impl Refusal for RoundRefusal {
    fn code(&self) -> ErrorCode {
        match self {
            RoundRefusal::NotAnOfficer => ErrorCode::Forbidden,
            RoundRefusal::TooManyMessages => ErrorCode::TooLarge,
            RoundRefusal::DuplicateDocument => ErrorCode::BadRequest,
        }
    }
}

/// What the round does with one message, decided before any is applied.
pub(super) enum Plan {
    Apply(Box<Message>, budget::Cost),
    Refuse(DocRefusal),
    /// Past the round's budget: not applied now; listed back so the device sends it again in
    /// the next round.
    Defer,
}

/// Meters every message of a request, cheaply (`budget::meter`), and admits them in order
/// while the round's budget lasts.
/// Returns the round's budget as the messages left it, for the documents it loads.
pub(super) fn plan(request: &SyncRequest) -> Result<(Vec<Plan>, budget::Round), RoundRefusal> {
    if request.messages.len() > BATCH_DOCS {
        return Err(RoundRefusal::TooManyMessages);
    }
    let mut named = HashSet::new();
    if !request.messages.iter().all(|m| named.insert(&(m.1).0)) {
        return Err(RoundRefusal::DuplicateDocument);
    }
    let mut round = budget::Round::default();
    let plans = request.messages.iter().map(|DocMessage(_, _, bytes)| {
        let Ok(message) = Message::decode(bytes) else {
            return Plan::Refuse(DocRefusal::Malformed);
        };
        match budget::meter(&message) {
            Err(overrun) => Plan::Refuse(overrun.refusal()),
            // More than any document may take, whatever it holds already.
            Ok(cost) if cost.fits_stored(0).is_err() => Plan::Refuse(DocRefusal::OverBudget),
            Ok(cost) if round.admit(cost) => Plan::Apply(Box::new(message), cost),
            Ok(_) => Plan::Defer,
        }
    });
    let plans = plans.collect();
    Ok((plans, round))
}
