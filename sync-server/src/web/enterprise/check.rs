//! One web check of an officer's code: verified on the server with the app's own
//! `codes::enforcement::check` against the server's registry and clock, then recorded in
//! `sv_web_check`. The web keeps its own replay table: the first valid check of a
//! (credential, step) is the code's; the browser that made it (its check cookie) sees that
//! verdict again on reload, every other request sees "replayed".

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use zhifa_core::clock::TimeReading;
use zhifa_core::codes::enforcement::{self, VerifyContext};
use zhifa_core::codes::{CodeRefusal, CodeWarning};
use zhifa_core::crypto::sha256;
use zhifa_core::registry::Enterprise;

use crate::error::ServerError;
use crate::state::AppState;
use crate::storage::{transaction, Tx};

use super::WebState;

/// What the page shows for a check, kept as JSON with it (a reload shows the same).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    pub refusal: Option<CodeRefusal>,
    pub officer: Option<OfficerShown>,
    /// The enterprise the check was made for; None when the premises were not named.
    pub enterprise: Option<EnterpriseShown>,
    pub warnings: Vec<String>,
    pub checked_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfficerShown {
    pub name: String,
    pub credential_no: String,
    pub body_id: String,
    pub body_name: String,
    /// Item names (the code where the catalogue has no name).
    pub items: Vec<String>,
    pub valid_until: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnterpriseShown {
    pub credit_code: String,
    pub name: String,
    pub division: String,
}

impl EnterpriseShown {
    pub fn of(enterprise: &Enterprise) -> EnterpriseShown {
        EnterpriseShown {
            credit_code: enterprise.credit_code.clone(),
            name: enterprise.name.clone(),
            division: enterprise.division.clone(),
        }
    }
}

/// A recorded check: its id (the cookie's), the token its feedback form carries, the verdict.
#[derive(Debug, Clone)]
pub struct Checked {
    pub id: String,
    /// Shown once in the form; only its hash is stored. None on a reload (the page then
    /// issues a fresh one, replacing the stored hash).
    pub csrf: String,
    pub verdict: Verdict,
}

/// What the page must do with a request.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// Not a readable code: refused, nothing recorded (there is no one to attribute it to).
    Unreadable(CodeRefusal),
    /// A bound code and no credit code known: ask for it first.
    NeedCreditCode,
    Checked(Box<Checked>),
}

/// The SHA-256 hex of the bare payload, or None when the text is not a readable code.
pub fn code_hash(input: &str) -> Option<String> {
    enforcement::canonical(input)
        .ok()
        .map(|bare| hex::encode(sha256(bare.as_bytes())))
}

/// Checks `input` for `enterprise` (None: not named) at `now`; `seen` are the check ids the
/// browser's cookie holds.
pub fn run(
    state: &AppState,
    web: &WebState,
    input: &str,
    enterprise: Option<&Enterprise>,
    seen: &[String],
    now: DateTime<Utc>,
) -> Result<Outcome, ServerError> {
    let hash = match enforcement::canonical(input) {
        Ok(bare) => hex::encode(sha256(bare.as_bytes())),
        Err(refusal) => return Ok(Outcome::Unreadable(refusal)),
    };
    let credit_code = enterprise.map_or(String::new(), |e| e.credit_code.clone());
    // The same browser reloading: its own verdict, not a second check.
    if let Some(again) = transaction(state.db.as_ref(), |tx| {
        reload(tx, &hash, &credit_code, seen)
    })? {
        return Ok(Outcome::Checked(Box::new(again)));
    }
    let claimed = match enforcement::claimed(input) {
        Ok(claimed) => claimed,
        Err(refusal) => return Ok(Outcome::Unreadable(refusal)),
    };
    if claimed.bound && enterprise.is_none() {
        return Ok(Outcome::NeedCreditCode);
    }
    // Premises not named (an unbound code): the officer's own jurisdiction, so the page
    // says the premises were not compared rather than refusing.
    let division = enterprise.map_or_else(
        || claimed.jurisdiction.first().cloned().unwrap_or_default(),
        |e| e.division.clone(),
    );
    let registry = web.registry.current(state)?;
    let context = VerifyContext {
        now: TimeReading {
            wall: now,
            trusted: now,
            is_trusted: true,
        },
        own_credit_code: enterprise.map(|e| e.credit_code.clone()),
        own_division: division.clone(),
    };
    let checked = enforcement::check(input, &context, &registry);
    let district = division.get(..6).unwrap_or_default().to_owned();
    let mut row = Row {
        id: random_hex(16),
        csrf: random_hex(16),
        code_hash: hash,
        credential_id: String::new(),
        step: 0,
        credit_code,
        district,
        verdict: Verdict {
            refusal: None,
            officer: None,
            enterprise: enterprise.map(EnterpriseShown::of),
            warnings: Vec::new(),
            checked_at: now.timestamp(),
        },
    };
    match checked {
        Ok(code) => {
            row.credential_id = hex::encode(code.credential_id);
            row.step = code.step as i64;
            let officer = &code.officer;
            let body_name = officer.agency_name.clone().unwrap_or_default();
            row.verdict.warnings = officer
                .warnings
                .iter()
                // The server's trust list is the catalogue itself: never stale here.
                .filter(|w| **w != CodeWarning::TrustListStale)
                .map(|w| w.message_zh().to_owned())
                .collect();
            row.verdict.officer = Some(OfficerShown {
                name: officer.name.clone(),
                credential_no: officer.credential_no.clone(),
                body_id: officer.agency_id.clone(),
                body_name,
                items: officer
                    .items
                    .iter()
                    .map(|i| i.name.clone().unwrap_or_else(|| i.code.clone()))
                    .collect(),
                valid_until: DateTime::<Utc>::from(officer.valid_until).timestamp(),
            });
            if let Some(body) = state.catalogue.body(&officer.agency_id)? {
                row.district = body.division.get(..6).unwrap_or_default().to_owned();
            }
        }
        Err(refusal) => row.verdict.refusal = Some(refusal),
    }
    let checked = transaction(state.db.as_ref(), |tx| record(tx, &row))?;
    Ok(Outcome::Checked(Box::new(checked)))
}

/// A check about to be recorded.
struct Row {
    id: String,
    csrf: String,
    code_hash: String,
    credential_id: String,
    step: i64,
    credit_code: String,
    /// The officer's body's district when known, else the premises'.
    district: String,
    verdict: Verdict,
}

/// Records the check; a valid code already checked by someone else becomes "replayed" (the
/// unique index on first checks settles two requests racing for the same step).
fn record(tx: &mut dyn Tx, row: &Row) -> Result<Checked, ServerError> {
    let mut verdict = row.verdict.clone();
    if verdict.refusal.is_none() && insert(tx, row, &verdict, 1)? {
        return Ok(checked(row, verdict));
    }
    if verdict.refusal.is_none() {
        verdict.refusal = Some(CodeRefusal::Replayed);
    }
    insert(tx, row, &verdict, 0)?;
    Ok(checked(row, verdict))
}

fn checked(row: &Row, verdict: Verdict) -> Checked {
    Checked {
        id: row.id.clone(),
        csrf: row.csrf.clone(),
        verdict,
    }
}

/// Whether the row was written (a second first check of the same step is not).
fn insert(
    tx: &mut dyn Tx,
    row: &Row,
    verdict: &Verdict,
    first_seen: i64,
) -> Result<bool, ServerError> {
    let officer = verdict.officer.as_ref();
    let json = serde_json::to_string(verdict).map_err(|_| ServerError::Decode)?;
    let inserted = tx.execute(
        "INSERT INTO sv_web_check (id, code_hash, credential_id, step, first_seen, credit_code,
             officer, officer_name, body, district, refusal, verdict, csrf, checked_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)
         ON CONFLICT DO NOTHING",
        &[
            row.id.as_str().into(),
            row.code_hash.as_str().into(),
            row.credential_id.as_str().into(),
            row.step.into(),
            first_seen.into(),
            row.credit_code.as_str().into(),
            officer.map_or("", |o| o.credential_no.as_str()).into(),
            officer.map_or("", |o| o.name.as_str()).into(),
            officer.map_or("", |o| o.body_id.as_str()).into(),
            row.district.as_str().into(),
            refusal_name(verdict.refusal.as_ref()).into(),
            json.into(),
            hex::encode(sha256(row.csrf.as_bytes())).into(),
            verdict.checked_at.into(),
        ],
    )?;
    Ok(inserted == 1)
}

/// The recorded check of this code (and enterprise) among the browser's own, with a fresh
/// form token.
fn reload(
    tx: &mut dyn Tx,
    hash: &str,
    credit_code: &str,
    seen: &[String],
) -> Result<Option<Checked>, ServerError> {
    for id in seen {
        let Some(row) = tx.query_opt(
            "SELECT verdict FROM sv_web_check WHERE id = $1 AND code_hash = $2 AND credit_code = $3",
            &[id.as_str().into(), hash.into(), credit_code.into()],
        )?
        else {
            continue;
        };
        let verdict: Verdict =
            serde_json::from_str(&row.text(0)?).map_err(|_| ServerError::Decode)?;
        let csrf = random_hex(16);
        tx.execute(
            "UPDATE sv_web_check SET csrf = $2 WHERE id = $1",
            &[
                id.as_str().into(),
                hex::encode(sha256(csrf.as_bytes())).into(),
            ],
        )?;
        return Ok(Some(Checked {
            id: id.clone(),
            csrf,
            verdict,
        }));
    }
    Ok(None)
}

/// A check as the feedback form finds it: who it names, and whether its token matches.
#[derive(Debug, Clone)]
pub struct Found {
    pub officer: String,
    pub body: String,
    pub district: String,
    pub credit_code: String,
    pub refusal: String,
    pub checked_at: i64,
}

/// The check `id` of the code `hash`, if `csrf` is its form's token.
pub fn find(
    tx: &mut dyn Tx,
    id: &str,
    hash: &str,
    csrf: &str,
) -> Result<Option<Found>, ServerError> {
    let row = tx.query_opt(
        "SELECT officer, body, district, credit_code, refusal, checked_at FROM sv_web_check
         WHERE id = $1 AND code_hash = $2 AND csrf = $3",
        &[
            id.into(),
            hash.into(),
            hex::encode(sha256(csrf.as_bytes())).into(),
        ],
    )?;
    row.map(|row| {
        Ok(Found {
            officer: row.text(0)?,
            body: row.text(1)?,
            district: row.text(2)?,
            credit_code: row.text(3)?,
            refusal: row.text(4)?,
            checked_at: row.int(5)?,
        })
    })
    .transpose()
}

/// A refusal as stored: its serde name ('' when valid).
pub fn refusal_name(refusal: Option<&CodeRefusal>) -> String {
    match refusal {
        None => String::new(),
        Some(CodeRefusal::Malformed { .. }) => "Malformed".into(),
        Some(other) => serde_json::to_value(other)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_else(|| "Malformed".into()),
    }
}

pub fn random_hex(bytes: usize) -> String {
    use rand_core::RngCore as _;
    let mut buffer = vec![0u8; bytes];
    rand_core::OsRng.fill_bytes(&mut buffer);
    hex::encode(buffer)
}
