//! Signed events: append-only records of what happened on the device (a visit opened, a code
//! verified), each a COSE_Sign1 by the device key, kept in an outbox until the server has
//! acknowledged them. Nothing leaves the outbox any other way.

use chrono::{DateTime, Utc};
use rusqlite::{Connection, Transaction};
use serde::{Deserialize, Serialize};

use crate::crypto::{self, CryptoError, PublicKey, Sign1Limits, Signer};
use crate::store::StoreError;

pub const EVENT_CONTENT_TYPE: &str = "application/vnd.zhifa.event+cbor";
const MAX_EVENT_BYTES: usize = 64 * 1024;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    /// An officer device's two-code visit record.
    Visit,
    /// A verifier's record of checking an enforcement code.
    CodeVerification,
    /// The penalty an officer chose against the engine's suggestion (supervision counts
    /// the ones outside the band).
    PenaltyChoice,
}

impl EventKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EventKind::Visit => "visit",
            EventKind::CodeVerification => "code_verification",
            EventKind::PenaltyChoice => "penalty_choice",
        }
    }
}

/// What is signed: the envelope names the event; the body is the record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Envelope<T> {
    pub id: String,
    pub kind: EventKind,
    pub created_at: DateTime<Utc>,
    pub body: T,
}

/// Why an event could not be appended: it could not be signed, or not stored.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// An event waiting in the outbox.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutboxEvent {
    pub id: String,
    pub kind: String,
    pub signed: Vec<u8>,
}

/// Signs `body` with the device key and appends it to the outbox, in the caller's transaction.
pub fn append<T: Serialize>(
    tx: &Transaction<'_>,
    device: &dyn Signer,
    kind: EventKind,
    id: &str,
    created_at: DateTime<Utc>,
    body: &T,
) -> Result<(), EventError> {
    let envelope = Envelope {
        id: id.to_owned(),
        kind,
        created_at,
        body,
    };
    let mut payload = Vec::new();
    ciborium::into_writer(&envelope, &mut payload).expect("writing CBOR to memory cannot fail");
    let signed = crypto::sign1(payload, EVENT_CONTENT_TYPE, device)?;
    tx.prepare_cached(
        "INSERT INTO event_outbox (id, kind, created_at, signed) VALUES (?1, ?2, ?3, ?4)",
    )
    .map_err(StoreError::from)?
    .execute((id, kind.as_str(), created_at.to_rfc3339(), signed))
    .map_err(StoreError::from)?;
    Ok(())
}

/// The oldest events not yet acknowledged.
pub fn pending(conn: &Connection, limit: u32) -> Result<Vec<OutboxEvent>, StoreError> {
    let mut statement = conn.prepare_cached(
        "SELECT id, kind, signed FROM event_outbox WHERE refused IS NULL ORDER BY id LIMIT ?1",
    )?;
    let events = statement
        .query_map([limit], |r| {
            Ok(OutboxEvent {
                id: r.get(0)?,
                kind: r.get(1)?,
                signed: r.get(2)?,
            })
        })?
        .collect::<Result<Vec<_>, _>>()?;
    Ok(events)
}

/// The server has the events: they leave the outbox.
pub fn acknowledge(tx: &Transaction<'_>, ids: &[String]) -> Result<(), StoreError> {
    let mut statement = tx.prepare_cached("DELETE FROM event_outbox WHERE id = ?1")?;
    for id in ids {
        statement.execute([id])?;
    }
    Ok(())
}

/// The server refused an event: it stays, marked, out of the upload queue.
pub fn mark_refused(tx: &Transaction<'_>, id: &str, reason: &str) -> Result<(), StoreError> {
    tx.execute(
        "UPDATE event_outbox SET refused = ?2 WHERE id = ?1",
        (id, reason),
    )?;
    Ok(())
}

/// Checks an event's signature against the device key that should have made it and reads it.
pub fn open<T: for<'de> Deserialize<'de>>(
    signed: &[u8],
    device_key: &PublicKey,
) -> Result<Envelope<T>, CryptoError> {
    let verified = crypto::verify_sign1(
        signed,
        Sign1Limits {
            max_len: MAX_EVENT_BYTES,
        },
        |kid| {
            if *kid == device_key.key_id() {
                vec![device_key.clone()]
            } else {
                Vec::new()
            }
        },
    )?;
    ciborium::from_reader(verified.payload.as_slice())
        .map_err(|_| CryptoError::Malformed("event body"))
}
