//! The enterprise code (企业码) printed at the premises: `EQ1:` + Base45(COSE_Sign1 over
//! claims -1 credit code, -2 name, -3 division of the premises (left out when it is the one in
//! the credit code), -4 serial, -5 issue day and -6 expiry day (days since 1970-01-01: a
//! print lasts about a year, and day resolution keeps the code within QR version 9)), signed by
//! a market-regulation key from the trust list. Re-issuing bumps the serial; the revocation
//! list retires serials below a minimum, so an old print stops working.

use chrono::{DateTime, Duration, Utc};
use ciborium::Value;
use coset::{iana, CborSerializable, CoseSign1, RegisteredLabelWithPrivate};

use super::cbor::{self, Claims};
use super::credential::{check_validity, find_signer, storage};
use super::{CodeRefusal, CodeWarning, TRUST_LIST_MAX_AGE_DAYS};
use crate::crypto::{self, CryptoError, KeyId, Signer};
use crate::ids::{CreditCode, CreditCodeCheck};
use crate::registry::{Enterprise, KeyPurpose, Registry};

pub const PREFIX: &str = "EQ1:";
const MAX_CODE_CHARS: usize = 800;

const CREDIT_CODE: i64 = -1;
const NAME: i64 = -2;
const DIVISION: i64 = -3;
const SERIAL: i64 = -4;
const ISSUED_DAY: i64 = -5;
const EXPIRY_DAY: i64 = -6;
const SECONDS_A_DAY: i64 = 86_400;

/// What an enterprise code says.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct EnterpriseCode {
    pub credit_code: String,
    pub name: String,
    pub division: String,
    pub serial: i32,
    pub issued_at: std::time::SystemTime,
    pub expires_at: std::time::SystemTime,
}

/// Signs an enterprise code for the premises of `enterprise`.
pub fn issue_enterprise_code(
    issuer: &dyn Signer,
    enterprise: &Enterprise,
    serial: u32,
    issued_at: DateTime<Utc>,
    valid_for: Duration,
) -> Result<String, CryptoError> {
    let day = |t: DateTime<Utc>| t.timestamp().div_euclid(SECONDS_A_DAY);
    let mut claims = vec![
        (cbor::int(CREDIT_CODE), cbor::text(&enterprise.credit_code)),
        (cbor::int(NAME), cbor::text(&enterprise.name)),
        (cbor::int(SERIAL), cbor::int(serial.into())),
        (cbor::int(ISSUED_DAY), cbor::int(day(issued_at))),
        (cbor::int(EXPIRY_DAY), cbor::int(day(issued_at + valid_for))),
    ];
    if enterprise.credit_code.get(2..8) != Some(enterprise.division.as_str()) {
        claims.push((cbor::int(DIVISION), cbor::text(&enterprise.division)));
    }
    let claims = cbor::encode(&Value::Map(claims));
    let signed = crypto::sign1_compact(claims, issuer)?;
    Ok(format!("{PREFIX}{}", base45::encode(&signed)))
}

/// A valid enterprise code, with what the officer should know about it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct VerifiedEnterprise {
    pub code: EnterpriseCode,
    /// The agency whose key signed it.
    pub issuer_id: String,
    pub warnings: Vec<CodeWarning>,
}

/// The officer-side checklist: signature and trust list, credit code format and check
/// character, serial not retired, validity, and the planned enterprise when there is one.
pub fn verify(
    input: &str,
    now: DateTime<Utc>,
    registry: &Registry,
    planned_credit_code: Option<&str>,
) -> Result<VerifiedEnterprise, CodeRefusal> {
    let body = input.trim();
    if body.len() > MAX_CODE_CHARS {
        return Err(CodeRefusal::malformed("too long"));
    }
    let body = body
        .strip_prefix(PREFIX)
        .ok_or_else(|| CodeRefusal::malformed("not an enterprise code"))?;
    let bytes = base45::decode(body).map_err(|_| CodeRefusal::malformed("invalid Base45"))?;
    let sign1 =
        CoseSign1::from_slice(&bytes).map_err(|_| CodeRefusal::malformed("not a COSE_Sign1"))?;
    let header = &sign1.protected.header;
    if !matches!(
        header.alg,
        Some(RegisteredLabelWithPrivate::Assigned(
            iana::Algorithm::EdDSA | iana::Algorithm::ES256
        ))
    ) {
        return Err(CodeRefusal::UnsupportedAlgorithm);
    }
    let key_id =
        KeyId::from_slice(&header.key_id).ok_or_else(|| CodeRefusal::malformed("key id"))?;
    let issuer = find_signer(&sign1, &key_id, KeyPurpose::EnterpriseCode, registry)?;
    let claims = Claims::parse(cbor::decode(sign1.payload.as_deref().unwrap_or_default())?)?;
    let day = |key| {
        claims
            .int(key)?
            .checked_mul(SECONDS_A_DAY)
            .and_then(|seconds| DateTime::from_timestamp(seconds, 0))
            .ok_or_else(|| CodeRefusal::malformed("date"))
    };
    // Valid from the start of the issue day to the end of the expiry day.
    let issued_at = day(ISSUED_DAY)?;
    let expires_at = day(EXPIRY_DAY)? + Duration::days(1);
    let credit_code = claims.text(CREDIT_CODE)?;
    let division = match claims.text(DIVISION) {
        Ok(division) => division,
        Err(_) => credit_code
            .get(2..8)
            .ok_or(CodeRefusal::InvalidCreditCode)?
            .to_owned(),
    };
    // Within the shells' signed figure, and never negative.
    let serial = u32::try_from(claims.int(SERIAL)?)
        .ok()
        .filter(|serial| i32::try_from(*serial).is_ok())
        .ok_or_else(|| CodeRefusal::malformed("serial"))?;

    // Day resolution: the key must cover some of the issue day.
    if issued_at + Duration::days(1) <= issuer.valid_from || issued_at > issuer.valid_until {
        return Err(CodeRefusal::KeyNotValidAtIssue);
    }
    if !issuer
        .divisions
        .iter()
        .any(|d| division.starts_with(d.as_str()))
    {
        return Err(CodeRefusal::OutsideKeyScope);
    }
    let (_, check) = CreditCode::parse(&credit_code).map_err(|_| CodeRefusal::InvalidCreditCode)?;
    if registry
        .enterprise_min_serial(&credit_code)
        .map_err(storage)?
        .is_some_and(|min| serial < min)
    {
        return Err(CodeRefusal::RetiredSerial);
    }
    check_validity(issued_at, expires_at, now)?;
    if planned_credit_code.is_some_and(|planned| planned != credit_code) {
        return Err(CodeRefusal::NotThePlannedEnterprise);
    }

    let mut warnings = Vec::new();
    if matches!(check, CreditCodeCheck::CheckCharacterMismatch { .. }) {
        warnings.push(CodeWarning::CreditCodeCheckMismatch);
    }
    if registry
        .enterprise(&credit_code)
        .map_err(storage)?
        .is_none()
    {
        warnings.push(CodeWarning::EnterpriseNotInCatalogue);
    }
    let stale = registry
        .issued_at()
        .map_err(storage)?
        .is_none_or(|issued| now - issued > Duration::days(TRUST_LIST_MAX_AGE_DAYS));
    if stale {
        warnings.push(CodeWarning::TrustListStale);
    }
    Ok(VerifiedEnterprise {
        code: EnterpriseCode {
            credit_code,
            name: claims.text(NAME)?,
            division,
            serial: crate::signed::to_i32(serial),
            issued_at: issued_at.into(),
            expires_at: expires_at.into(),
        },
        issuer_id: issuer.agency_id,
        warnings,
    })
}
