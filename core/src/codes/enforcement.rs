//! The enforcement code (执法码) an officer shows: `EC1:` + Base45(CBOR [credential, time
//! step, bound-to-enterprise flag, device signature]). The device signature covers a context
//! string, SHA-256 of the credential, the step and the audience (the enterprise's credit code
//! when bound). The audience is not transmitted: the verifier supplies its own, so a code
//! relayed to another enterprise fails. A new code every 30-second step; a step is accepted
//! once.

use chrono::{DateTime, Utc};
use ciborium::Value;

use super::cbor;
use super::credential::{check_credential, storage};
use super::{CodeRefusal, CodeWarning, TRUST_LIST_MAX_AGE_DAYS};
use crate::clock::TimeReading;
use crate::crypto::{self, CryptoError, Signer};
use crate::registry::Registry;

pub mod url;
pub use url::{canonical, url_form};

pub const PREFIX: &str = "EC1:";
pub const STEP_SECONDS: i64 = 30;
/// Steps accepted before and after the verifier's current one (clock skew, slow scans).
pub const STEPS_BACK: u64 = 2;
pub const STEPS_AHEAD: u64 = 1;
const CONTEXT: &str = "zhifa-EC1";

/// The 30-second step containing `t`.
pub fn time_step(t: DateTime<Utc>) -> u64 {
    (t.timestamp().max(0) / STEP_SECONDS) as u64
}

fn device_message(credential: &[u8], step: u64, audience: Option<&str>) -> Vec<u8> {
    cbor::encode(&Value::Array(vec![
        cbor::text(CONTEXT),
        Value::Bytes(crypto::sha256(credential).to_vec()),
        Value::Integer(step.into()),
        audience.map_or(Value::Null, cbor::text),
    ]))
}

/// Renders the code for `step`, bound to the enterprise `audience` if given.
pub fn render(
    credential: &[u8],
    device: &dyn Signer,
    step: u64,
    audience: Option<&str>,
) -> Result<String, CryptoError> {
    let signature = device.sign(&device_message(credential, step, audience))?;
    let payload = cbor::encode(&Value::Array(vec![
        Value::Bytes(credential.to_vec()),
        Value::Integer(step.into()),
        Value::Bool(audience.is_some()),
        Value::Bytes(signature),
    ]));
    Ok(format!("{PREFIX}{}", base45::encode(&payload)))
}

/// What the verifier knows about itself.
#[derive(Debug, Clone)]
pub struct VerifyContext {
    pub now: TimeReading,
    /// The verifying enterprise's credit code; None for a verifier that is not an enterprise.
    pub own_credit_code: Option<String>,
    /// GB/T 2260 code of the premises where the code is shown.
    pub own_division: String,
}

/// An item the officer may act on, with its name from the catalogue when known.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AuthorisedItem {
    pub code: String,
    pub name: Option<String>,
}

/// A valid enforcement code: who this is, for whom they act, what they may do.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct VerifiedOfficer {
    pub credential_no: String,
    pub name: String,
    pub agency_id: String,
    pub agency_name: Option<String>,
    pub items: Vec<AuthorisedItem>,
    pub jurisdiction: Vec<String>,
    pub valid_until: std::time::SystemTime,
    pub warnings: Vec<CodeWarning>,
}

/// A code parsed and checked, before the replay cache is consulted.
#[derive(Debug, Clone)]
pub struct CheckedCode {
    pub officer: VerifiedOfficer,
    pub credential_id: [u8; 8],
    pub step: u64,
}

/// A code's parts, read but not checked.
struct Parsed {
    credential: Vec<u8>,
    step: u64,
    bound: bool,
    signature: Vec<u8>,
}

fn parse(input: &str) -> Result<Parsed, CodeRefusal> {
    let bytes = url::payload_bytes(input)?;
    let [credential, step, bound, signature] = cbor::array::<4>(cbor::decode(&bytes)?)?;
    let (
        Value::Bytes(credential),
        Value::Integer(step),
        Value::Bool(bound),
        Value::Bytes(signature),
    ) = (credential, step, bound, signature)
    else {
        return Err(CodeRefusal::malformed("wrong element types"));
    };
    let step = u64::try_from(i128::from(step)).map_err(|_| CodeRefusal::malformed("step"))?;
    Ok(Parsed {
        credential,
        step,
        bound,
        signature,
    })
}

/// What a code claims before it is checked: nothing here is verified.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Claimed {
    /// Bound to an enterprise: the verifier must supply its credit code.
    pub bound: bool,
    /// The divisions the credential names.
    pub jurisdiction: Vec<String>,
}

/// For a verifier that does not know its premises in advance (the server's web page): what
/// to ask before `check`.
pub fn claimed(input: &str) -> Result<Claimed, CodeRefusal> {
    let parsed = parse(input)?;
    let credential = super::credential::read_unverified(&parsed.credential)?;
    Ok(Claimed {
        bound: parsed.bound,
        jurisdiction: credential.jurisdiction,
    })
}

/// Steps 1–8 of the verifier checklist (codes.md) except the replay cache, which the caller
/// consults in the same transaction that records the step.
pub fn check(
    input: &str,
    context: &VerifyContext,
    registry: &Registry,
) -> Result<CheckedCode, CodeRefusal> {
    // 1. Prefix or URL form, length, Base45 or digits, CBOR.
    let Parsed {
        credential,
        step,
        bound,
        signature,
    } = parse(input)?;

    // 2–4, 6. Trust list, agency signature, key scope, validity, revocation.
    let now = context.now.trusted;
    let checked = check_credential(&credential, registry, now)?;
    let credential_claims = checked.credential;

    // 5. The premises lie inside the officer's jurisdiction.
    if !credential_claims
        .jurisdiction
        .iter()
        .any(|d| context.own_division.starts_with(d.as_str()))
    {
        return Err(CodeRefusal::OutsideJurisdiction);
    }

    // 7. The device that holds the credential's key made this code, for this audience.
    let audience = if bound {
        Some(
            context
                .own_credit_code
                .as_deref()
                .ok_or(CodeRefusal::WrongEnterprise)?,
        )
    } else {
        None
    };
    if credential_claims
        .device_key
        .verify(&device_message(&credential, step, audience), &signature)
        .is_err()
    {
        return Err(if bound {
            CodeRefusal::WrongEnterprise
        } else {
            CodeRefusal::BadDeviceSignature
        });
    }

    // 8. The step is current.
    let current = time_step(now);
    if step + STEPS_BACK < current {
        return Err(CodeRefusal::StepTooOld);
    }
    if step > current + STEPS_AHEAD {
        return Err(CodeRefusal::StepTooNew);
    }

    // 9. Who, for whom, for what: names from the catalogue.
    let mut warnings = Vec::new();
    let stale = registry
        .issued_at()
        .map_err(storage)?
        .is_none_or(|issued| now - issued > chrono::Duration::days(TRUST_LIST_MAX_AGE_DAYS));
    if stale {
        warnings.push(CodeWarning::TrustListStale);
    }
    if !context.now.is_trusted {
        warnings.push(CodeWarning::ClockUntrusted);
    }
    let catalogue_officer = registry
        .officer(&credential_claims.subject)
        .map_err(storage)?;
    if catalogue_officer.is_none() {
        warnings.push(CodeWarning::OfficerNotInCatalogue);
    }
    let item_codes = match (&catalogue_officer, credential_claims.items.is_empty()) {
        (Some(officer), true) => officer.items.clone(),
        _ => credential_claims.items.clone(),
    };
    let items = item_codes
        .into_iter()
        .map(|code| {
            let name = registry.item(&code).map_err(storage)?.map(|item| item.name);
            Ok(AuthorisedItem { code, name })
        })
        .collect::<Result<Vec<_>, CodeRefusal>>()?;
    let agency_name = registry
        .body(&checked.agency_key.agency_id)
        .map_err(storage)?
        .map(|b| b.name);

    Ok(CheckedCode {
        officer: VerifiedOfficer {
            credential_no: credential_claims.subject,
            name: credential_claims.name,
            agency_id: checked.agency_key.agency_id,
            agency_name,
            items,
            jurisdiction: credential_claims.jurisdiction,
            valid_until: credential_claims.expires_at.into(),
            warnings,
        },
        credential_id: credential_claims.id,
        step,
    })
}
