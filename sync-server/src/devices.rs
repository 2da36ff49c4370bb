//! Devices: one-time enrolment codes, registration of a device key, and the check of every
//! signed request (known key, signature, time window, nonce never seen).

use chrono::{DateTime, Utc};
use zhifa_core::crypto::{sha256, PublicKey};
use zhifa_core::sync::auth::{verify_request, RequestSignature, MAX_SKEW_SECONDS};
use zhifa_core::sync::protocol::{enrolment_message, EnrolRequest};
use zhifa_core::sync::{Enrolment, SubjectKind};

use zhifa_core::sync::protocol::ErrorCode;

use crate::catalogue::CatalogueStore;
use crate::error::{Failure, Refusal, ServerError};
use crate::storage::{transaction, transaction_or_refusal, Database, Row, Tx, Value};

/// How long an enrolment code stays usable.
pub const ENROLMENT_HOURS: i64 = 72;

/// Why an enrolment is refused. A code that is unknown, expired, used or whose subject left
/// the catalogue is refused in one way (`CodeNotUsable`: same code, same text), so the
/// replies are no oracle for which codes exist; the log says which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EnrolmentRefusal {
    #[error("public key is not SPKI DER")]
    BadKey,
    #[error("proof of key possession failed")]
    BadProof,
    #[error("enrolment code unknown, expired or already used")]
    CodeNotUsable,
    /// The key is enrolled already (or was revoked): a key enrols once, for one subject;
    /// only the retry of its own code succeeds again. The code presented stays unused.
    #[error("device key already enrolled or revoked")]
    KeyEnrolled,
}

impl Refusal for EnrolmentRefusal {
    fn code(&self) -> ErrorCode {
        match self {
            EnrolmentRefusal::BadKey => ErrorCode::BadRequest,
            EnrolmentRefusal::KeyEnrolled => ErrorCode::KeyEnrolled,
            _ => ErrorCode::EnrolmentRefused,
        }
    }
}

/// The uniform refusal of a code, with the true reason in the log only.
fn not_usable(reason: &'static str) -> Failure<EnrolmentRefusal> {
    tracing::info!(reason, "enrolment code refused");
    EnrolmentRefusal::CodeNotUsable.into()
}

/// Why a signed request is not taken as the device's (a replay is found later, in the
/// request's first transaction: `ServerError::Replayed`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RequestRefusal {
    #[error("request is not signed")]
    NotSigned,
    #[error("unknown or revoked device")]
    UnknownDevice,
    #[error("bad request signature")]
    BadSignature,
    /// The device anchors its clock on `server_time` and retries.
    #[error("request time outside the window")]
    ClockSkew { server_time: DateTime<Utc> },
}

impl Refusal for RequestRefusal {
    fn code(&self) -> ErrorCode {
        match self {
            RequestRefusal::ClockSkew { .. } => ErrorCode::ClockSkew,
            _ => ErrorCode::Unauthorized,
        }
    }

    fn server_time(&self) -> Option<DateTime<Utc>> {
        match self {
            RequestRefusal::ClockSkew { server_time } => Some(*server_time),
            _ => None,
        }
    }
}

/// A device the server knows, and whom it acts for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceRecord {
    pub key_id: String,
    pub public_key: PublicKey,
    pub subject_kind: SubjectKind,
    pub subject: String,
    pub team: String,
    pub divisions: Vec<String>,
}

impl DeviceRecord {
    /// Whether `division` lies in the device's jurisdiction.
    pub fn covers(&self, division: &str) -> bool {
        self.divisions
            .iter()
            .any(|d| zhifa_core::registry::division_in_scope(division, std::slice::from_ref(d)))
    }
}

fn kind_str(kind: SubjectKind) -> &'static str {
    match kind {
        SubjectKind::Officer => "officer",
        SubjectKind::Enterprise => "enterprise",
    }
}

fn code_hash(code: &str) -> String {
    hex::encode(sha256(code.trim().to_ascii_uppercase().as_bytes()))
}

/// Issues a one-time enrolment code for an officer (credential number) or an enterprise
/// (credit code) in the catalogue.
pub fn issue_enrolment_code(
    db: &dyn Database,
    catalogue: &CatalogueStore,
    kind: SubjectKind,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<String, ServerError> {
    let known = match kind {
        SubjectKind::Officer => catalogue.officer(subject)?.is_some(),
        SubjectKind::Enterprise => catalogue.enterprise(subject)?.is_some(),
    };
    if !known {
        return Err(ServerError::BadRequest(format!(
            "no {} {subject} in the catalogue",
            kind_str(kind)
        )));
    }
    let mut random = [0u8; 10];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut random);
    // Crockford-style base32 without look-alikes, grouped for reading aloud: XXXX-XXXX-…
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTVWXYZ23456789";
    let mut code = String::new();
    for (i, byte) in random.iter().enumerate() {
        if i > 0 && i % 4 == 0 {
            code.push('-');
        }
        code.push(ALPHABET[*byte as usize % ALPHABET.len()] as char);
    }
    let expires = (now + chrono::Duration::hours(ENROLMENT_HOURS)).timestamp();
    transaction(db, |tx| {
        tx.execute(
            "INSERT INTO enrolment_code (code_hash, subject_kind, subject, expires_at) VALUES ($1, $2, $3, $4)",
            &[code_hash(&code).into(), kind_str(kind).into(), subject.into(), expires.into()],
        )
    })?;
    Ok(code)
}

/// Registers the device key of a valid, unused code. Enrolling again with the same code and
/// key returns the same record (a retried request changes nothing); a key already enrolled
/// (or revoked) is refused any other code, which stays unused. The code's row is locked
/// (`lock_clause`) and nothing is written before the last check, so a refusal leaves the
/// code and the old enrolment as they were.
pub fn enrol(
    db: &dyn Database,
    catalogue: &CatalogueStore,
    request: &EnrolRequest,
    now: DateTime<Utc>,
) -> Result<Enrolment, Failure<EnrolmentRefusal>> {
    let key =
        PublicKey::from_spki_der(&request.public_key).map_err(|_| EnrolmentRefusal::BadKey)?;
    key.verify(
        &enrolment_message(request.code.trim(), &request.public_key),
        &request.proof,
    )
    .map_err(|_| EnrolmentRefusal::BadProof)?;
    let key_id = key.key_id().to_string();
    // Looked up by its hash: the code itself is never compared, so the time taken says
    // nothing about how much of a guess was right.
    let hash = code_hash(&request.code);
    let label: String = request.label.chars().take(100).collect();
    transaction_or_refusal(db, |tx| {
        // The key first: an enrolled or revoked key gets the same answer whatever code it
        // brings (unless it repeats its own enrolment), so it cannot probe which codes exist.
        let enrolled = tx.query_opt(
            "SELECT revoked FROM device WHERE key_id = $1",
            &[key_id.clone().into()],
        )?;
        let code = tx.query_opt(
            &format!(
                "SELECT subject_kind, subject, expires_at, used_by FROM enrolment_code WHERE code_hash = $1{}",
                tx.lock_clause()
            ),
            &[hash.clone().into()],
        )?;
        let retry = match &code {
            Some(code) => code.text(3)? == key_id,
            None => false,
        };
        if let Some(device) = &enrolled {
            if !retry || device.int(0)? != 0 {
                return Err(EnrolmentRefusal::KeyEnrolled.into());
            }
        }
        let code = code.ok_or_else(|| not_usable("unknown"))?;
        let (kind, subject, expires, used_by) =
            (code.text(0)?, code.text(1)?, code.int(2)?, code.text(3)?);
        if !used_by.is_empty() && !retry {
            return Err(not_usable("used"));
        }
        if expires < now.timestamp() {
            return Err(not_usable("expired"));
        }
        let enrolment = subject_of(catalogue, &kind, &subject, now)?;
        if enrolled.is_none() {
            let divisions = serde_json::to_string(&enrolment.divisions).expect("strings serialise");
            let inserted = tx.execute(
                "INSERT INTO device (key_id, public_key, subject_kind, subject, team, divisions, label, enrolled_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (key_id) DO NOTHING",
                &[
                    key_id.clone().into(),
                    request.public_key.to_vec().into(),
                    kind.clone().into(),
                    subject.clone().into(),
                    enrolment.team.clone().into(),
                    divisions.into(),
                    label.clone().into(),
                    now.timestamp().into(),
                ],
            )?;
            if inserted == 0 {
                // Another enrolment of this key, with another code, committed first.
                return Err(EnrolmentRefusal::KeyEnrolled.into());
            }
            tx.execute(
                "UPDATE enrolment_code SET used_by = $2 WHERE code_hash = $1",
                &[hash.clone().into(), key_id.clone().into()],
            )?;
        }
        Ok(enrolment)
    })
}

/// Whom a code enrols, as the catalogue has them now.
fn subject_of(
    catalogue: &CatalogueStore,
    kind: &str,
    subject: &str,
    now: DateTime<Utc>,
) -> Result<Enrolment, Failure<EnrolmentRefusal>> {
    let (subject_kind, team, divisions) = if kind == "officer" {
        let officer = catalogue
            .officer(subject)?
            .ok_or_else(|| not_usable("officer left the catalogue"))?;
        (SubjectKind::Officer, officer.body_id, officer.divisions)
    } else {
        let enterprise = catalogue
            .enterprise(subject)?
            .ok_or_else(|| not_usable("enterprise left the catalogue"))?;
        (
            SubjectKind::Enterprise,
            subject.to_owned(),
            vec![enterprise.division],
        )
    };
    Ok(Enrolment {
        subject_kind,
        subject: subject.to_owned(),
        team,
        divisions,
        server_time: now,
    })
}

/// A request's nonce, to be remembered in the request's first transaction (`OnceOnly`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Nonce {
    key_id: String,
    nonce: String,
    /// Remembered for twice the time window: an older replay fails the time check.
    expires_at: i64,
}

/// Checks a signed request (known key, signature, time) and returns the device that sent it,
/// and its nonce, which `OnceOnly` records in the request's first transaction.
pub fn authenticate(
    db: &dyn Database,
    signed: Option<RequestSignature>,
    method: &str,
    path: &str,
    body: &[u8],
    now: DateTime<Utc>,
) -> Result<(DeviceRecord, Nonce), Failure<RequestRefusal>> {
    let signed = signed.ok_or(RequestRefusal::NotSigned)?;
    let row = db_read_device(db, &signed.key_id)?.ok_or(RequestRefusal::UnknownDevice)?;
    let public_key = PublicKey::from_spki_der(&row.bytes(0)?).map_err(|_| ServerError::Decode)?;
    verify_request(&public_key, &signed, method, path, body)
        .map_err(|_| RequestRefusal::BadSignature)?;
    if (signed.time - now.timestamp()).abs() > MAX_SKEW_SECONDS {
        return Err(RequestRefusal::ClockSkew { server_time: now }.into());
    }
    let nonce = Nonce {
        key_id: signed.key_id.clone(),
        nonce: signed.nonce.clone(),
        expires_at: now.timestamp() + 2 * MAX_SKEW_SECONDS,
    };
    let subject_kind = if row.text(1)? == "officer" {
        SubjectKind::Officer
    } else {
        SubjectKind::Enterprise
    };
    let device = DeviceRecord {
        key_id: signed.key_id,
        public_key,
        subject_kind,
        subject: row.text(2)?,
        team: row.text(3)?,
        divisions: serde_json::from_str(&row.text(4)?).map_err(|_| ServerError::Decode)?,
    };
    Ok((device, nonce))
}

/// The database as one signed request sees it: its first transaction also records the
/// request's nonce, and fails as a replay if the nonce was seen, so a replayed request
/// changes nothing and costs no extra commit. `finish` records the nonce of a request that
/// opened no transaction.
pub struct OnceOnly<'a> {
    db: &'a dyn Database,
    pending: std::sync::Mutex<Option<Nonce>>,
}

impl<'a> OnceOnly<'a> {
    pub fn new(db: &'a dyn Database, nonce: Nonce) -> OnceOnly<'a> {
        OnceOnly {
            db,
            pending: std::sync::Mutex::new(Some(nonce)),
        }
    }

    pub fn finish(&self) -> Result<(), ServerError> {
        transaction(self, |_| Ok(()))
    }
}

fn remember(tx: &mut dyn Tx, nonce: &Nonce) -> Result<(), ServerError> {
    if rand_core::RngCore::next_u32(&mut rand_core::OsRng).is_multiple_of(256) {
        tx.execute(
            "DELETE FROM request_nonce WHERE expires_at < $1",
            &[Value::Int(nonce.expires_at - 2 * MAX_SKEW_SECONDS)],
        )?;
    }
    let fresh = tx.execute(
        "INSERT INTO request_nonce (key_id, nonce, expires_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
        &[
            nonce.key_id.clone().into(),
            nonce.nonce.clone().into(),
            Value::Int(nonce.expires_at),
        ],
    )?;
    if fresh == 0 {
        return Err(ServerError::Replayed);
    }
    Ok(())
}

impl Database for OnceOnly<'_> {
    fn run(
        &self,
        work: &mut dyn FnMut(&mut dyn Tx) -> Result<(), ServerError>,
    ) -> Result<(), ServerError> {
        let pending = self
            .pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .take();
        let outcome = self.db.run(&mut |tx| {
            if let Some(nonce) = &pending {
                remember(tx, nonce)?;
            }
            work(tx)
        });
        if outcome.is_err() && !matches!(outcome, Err(ServerError::Replayed)) {
            // Rolled back: the nonce is not remembered yet.
            *self.pending.lock().unwrap_or_else(|p| p.into_inner()) = pending;
        }
        outcome
    }

    fn backend(&self) -> &'static str {
        self.db.backend()
    }
}

fn db_read_device(db: &dyn Database, key_id: &str) -> Result<Option<Row>, ServerError> {
    transaction(db, |tx| {
        tx.query_opt(
            "SELECT public_key, subject_kind, subject, team, divisions FROM device WHERE key_id = $1 AND revoked = 0",
            &[key_id.into()],
        )
    })
}

/// Stops a device: its requests are refused from now on.
pub fn revoke(db: &dyn Database, key_id: &str) -> Result<bool, ServerError> {
    transaction(db, |tx| {
        tx.execute(
            "UPDATE device SET revoked = 1 WHERE key_id = $1",
            &[key_id.into()],
        )
    })
    .map(|n| n > 0)
}
