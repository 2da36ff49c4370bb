//! Signed catalogue bundles: a COSE_Sign1 by an authority key over a CBOR body that is either
//! the whole catalogue for a scope (full) or the changes since a base version (delta).
//!
//! A bundle is opened in two steps, both before anything is written: the signature and the
//! envelope (`open_bundle`), then every row (`validate_rows`). Applying it is one transaction.

use std::collections::HashSet;
use std::hash::Hash;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use super::model::{
    AgencyKey, CatalogueData, EnforcementBody, EnforcementItem, Enterprise, Officer, RecordKind,
    Regulation, Removals, Revocation, RevocationTarget,
};
use crate::calendar::HolidayCalendar;
use crate::crypto::{self, CryptoError, PublicKey, Sign1Limits, Signer};
use crate::discretion::{BaselineDocument, Condition, HearingThreshold, Violation};
use crate::ids::{
    division_in_scope, is_division_code, jurisdiction_overlaps, CreditCode, CreditCodeCheck,
    UsccError, CREDIT_CODE_LENGTH,
};

pub const BUNDLE_CONTENT_TYPE: &str = "application/vnd.zhifa.catalogue+cbor";
pub const BUNDLE_FORMAT: u32 = 1;
/// Far above a city-wide full-scale bundle (tens of MB), far below what would exhaust a phone.
pub const MAX_BUNDLE_BYTES: usize = 256 * 1024 * 1024;

/// What a bundle says.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleBody {
    pub format: u32,
    /// Catalogue version after this bundle is applied; versions only grow.
    pub version: u64,
    /// `None` for a full bundle; for a delta, the version it applies on top of.
    pub base_version: Option<u64>,
    /// Division prefixes this bundle was cut for; a device accepts only its own.
    pub scope: Vec<String>,
    pub issued_at: DateTime<Utc>,
    pub upserts: CatalogueData,
    pub removals: Removals,
}

impl BundleBody {
    pub fn is_full(&self) -> bool {
        self.base_version.is_none()
    }
}

/// Why a bundle was refused. Nothing of a refused bundle is applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BundleRefusal {
    #[error("bundle is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("bundle is malformed or truncated")]
    Malformed,
    #[error("bundle is signed by a key that is not a trusted authority")]
    UnknownAuthority,
    #[error("bundle signature does not verify")]
    Forged,
    #[error("bundle format {0} is not supported by this app")]
    UnsupportedFormat(u32),
    #[error("bundle is for another jurisdiction")]
    WrongScope,
    #[error("bundle version {offered} is not newer than the catalogue's {current}")]
    Stale { current: u64, offered: u64 },
    #[error("delta bundle is based on version {base} but the catalogue is at {current}")]
    BaseMismatch { current: u64, base: u64 },
    #[error("{kind:?} record {index} in the bundle is invalid: {problem}")]
    InvalidRow {
        kind: RecordKind,
        index: usize,
        problem: RowProblem,
    },
}

/// What is wrong with one record; the record is named by position, never by personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RowProblem {
    #[error("required field {0} is empty")]
    Empty(&'static str),
    #[error("credit code is invalid: {0}")]
    CreditCode(UsccError),
    #[error("credit code is not in canonical form (18 upper-case characters)")]
    CreditCodeForm,
    #[error("{0} is not a GB/T 2260 division code")]
    Division(&'static str),
    #[error("record lies outside the bundle's scope")]
    OutsideScope,
    #[error("the same key appears twice")]
    Duplicate,
    #[error("an end date precedes its start date")]
    Dates,
    #[error("public key is invalid or does not match its key id")]
    Key,
    #[error("a baseline row's condition is invalid")]
    Condition,
}

impl BundleRefusal {
    /// What to tell an officer: the catalogue is unchanged, and why.
    pub fn message_zh(&self) -> String {
        use crate::texts::registry as text;
        text::bundle_refused(&match self {
            BundleRefusal::TooLarge { .. } => text::TOO_LARGE.into(),
            BundleRefusal::Malformed => text::MALFORMED.into(),
            BundleRefusal::UnknownAuthority => text::UNKNOWN_AUTHORITY.into(),
            BundleRefusal::Forged => text::FORGED.into(),
            BundleRefusal::UnsupportedFormat(_) => text::UNSUPPORTED_FORMAT.into(),
            BundleRefusal::WrongScope => text::WRONG_SCOPE.into(),
            BundleRefusal::Stale { current, offered } => text::stale(*current, *offered),
            BundleRefusal::BaseMismatch { .. } => text::BASE_MISMATCH.into(),
            BundleRefusal::InvalidRow {
                kind,
                index,
                problem,
            } => text::invalid_row(index + 1, kind.name_zh(), &problem.message_zh()),
        })
    }
}

impl RowProblem {
    pub fn message_zh(&self) -> String {
        use crate::texts::registry::problem as text;
        match self {
            RowProblem::Empty(field) => text::empty(field),
            RowProblem::CreditCode(e) => e.message_zh(),
            RowProblem::CreditCodeForm => crate::texts::ids::credit_code_form(CREDIT_CODE_LENGTH),
            RowProblem::Division(_) => text::DIVISION.into(),
            RowProblem::OutsideScope => text::OUTSIDE_SCOPE.into(),
            RowProblem::Duplicate => text::DUPLICATE.into(),
            RowProblem::Dates => text::DATES.into(),
            RowProblem::Key => text::KEY.into(),
            RowProblem::Condition => text::CONDITION.into(),
        }
    }
}

/// Signs a bundle body with an authority key.
pub fn sign_bundle(body: &BundleBody, authority: &dyn Signer) -> Result<Vec<u8>, CryptoError> {
    let mut payload = Vec::new();
    ciborium::into_writer(body, &mut payload).expect("writing CBOR to memory cannot fail");
    crypto::sign1(payload, BUNDLE_CONTENT_TYPE, authority)
}

/// Verifies the signature and decodes the body; checks nothing against the device yet.
pub fn open_bundle(bytes: &[u8], authorities: &[PublicKey]) -> Result<BundleBody, BundleRefusal> {
    let limits = Sign1Limits {
        max_len: MAX_BUNDLE_BYTES,
    };
    let verified = crypto::verify_sign1(bytes, limits, |kid| {
        authorities
            .iter()
            .filter(|key| key.key_id() == *kid)
            .cloned()
            .collect()
    })
    .map_err(|error| match error {
        CryptoError::TooLarge { limit } => BundleRefusal::TooLarge { limit },
        CryptoError::UnknownKey => BundleRefusal::UnknownAuthority,
        CryptoError::BadSignature | CryptoError::UnsupportedAlgorithm => BundleRefusal::Forged,
        // Verifying signs nothing, so the keystore cannot fail here.
        CryptoError::Malformed(_)
        | CryptoError::KeyEncoding(_)
        | CryptoError::KeystoreUnavailable => BundleRefusal::Malformed,
    })?;
    if verified.content_type.as_deref() != Some(BUNDLE_CONTENT_TYPE) {
        return Err(BundleRefusal::Malformed);
    }
    let body: BundleBody =
        ciborium::from_reader(verified.payload.as_slice()).map_err(|_| BundleRefusal::Malformed)?;
    if body.format != BUNDLE_FORMAT {
        return Err(BundleRefusal::UnsupportedFormat(body.format));
    }
    Ok(body)
}

/// Checks every record: required fields, codes, dates, scope, duplicate keys. Returns the
/// credit codes whose check character disagrees, which are accepted but flagged.
pub fn validate_rows(body: &BundleBody) -> Result<Vec<String>, BundleRefusal> {
    let scope = &body.scope;
    let data = &body.upserts;
    let mut prefixes = HashSet::new();
    each(
        RecordKind::Body,
        &data.bodies,
        |b| &b.id,
        |b| {
            check_body(b)?;
            // A case-number prefix is one body's: two bodies listing it would number alike.
            match b.case_number_prefixes.iter().all(|p| prefixes.insert(p)) {
                true => Ok(()),
                false => Err(RowProblem::Duplicate),
            }
        },
    )?;
    each(RecordKind::Item, &data.items, |i| &i.code, check_item)?;
    each(
        RecordKind::Officer,
        &data.officers,
        |o| &o.credential_no,
        |o| check_officer(o, scope),
    )?;
    each(
        RecordKind::Regulation,
        &data.regulations,
        |r| &r.id,
        check_regulation,
    )?;
    let mut flagged = Vec::new();
    each(
        RecordKind::Enterprise,
        &data.enterprises,
        |e| &e.credit_code,
        |e| {
            if check_enterprise(e, scope)? != CreditCodeCheck::Valid {
                flagged.push(e.credit_code.clone());
            }
            Ok(())
        },
    )?;
    each(
        RecordKind::AgencyKey,
        &data.agency_keys,
        |k| &k.public_key,
        check_agency_key,
    )?;
    each(
        RecordKind::Revocation,
        &data.revocations,
        |r| &r.id,
        check_revocation,
    )?;
    each(
        RecordKind::Violation,
        &data.violations,
        |v| &v.code,
        check_violation,
    )?;
    each(
        RecordKind::BaselineDocument,
        &data.baseline_documents,
        |d| &d.id,
        check_baseline_document,
    )?;
    each(
        RecordKind::HolidayCalendar,
        &data.holiday_calendars,
        |c| c.year,
        check_holiday_calendar,
    )?;
    each(
        RecordKind::HearingThreshold,
        &data.hearing_thresholds,
        |t| &t.id,
        check_hearing_threshold,
    )?;
    Ok(flagged)
}

/// Checks each record of one kind, then that its key is new; a refusal names the record by
/// kind and position.
fn each<'a, T, K: Eq + Hash>(
    kind: RecordKind,
    records: &'a [T],
    key: impl Fn(&'a T) -> K,
    mut check: impl FnMut(&'a T) -> Result<(), RowProblem>,
) -> Result<(), BundleRefusal> {
    let mut seen = HashSet::new();
    for (index, record) in records.iter().enumerate() {
        check(record)
            .and_then(|()| {
                if seen.insert(key(record)) {
                    Ok(())
                } else {
                    Err(RowProblem::Duplicate)
                }
            })
            .map_err(|problem| BundleRefusal::InvalidRow {
                kind,
                index,
                problem,
            })?;
    }
    Ok(())
}

fn check_body(body: &EnforcementBody) -> Result<(), RowProblem> {
    require(&[("id", &body.id), ("name", &body.name)])?;
    if body
        .case_number_prefixes
        .iter()
        .any(|p| p.trim().is_empty())
    {
        return Err(RowProblem::Empty("case_number_prefixes"));
    }
    divisions("division", [&body.division])
}

fn check_item(item: &EnforcementItem) -> Result<(), RowProblem> {
    require(&[
        ("code", &item.code),
        ("name", &item.name),
        ("sector", &item.sector),
        ("legal_basis", &item.legal_basis),
    ])
}

fn check_officer(officer: &Officer, scope: &[String]) -> Result<(), RowProblem> {
    require(&[
        ("credential_no", &officer.credential_no),
        ("name", &officer.name),
        ("body_id", &officer.body_id),
    ])?;
    non_empty_divisions("divisions", &officer.divisions)?;
    if !jurisdiction_overlaps(&officer.divisions, scope) {
        return Err(RowProblem::OutsideScope);
    }
    Ok(())
}

fn check_regulation(regulation: &Regulation) -> Result<(), RowProblem> {
    require(&[("id", &regulation.id), ("title", &regulation.title)])?;
    if regulation
        .repealed
        .is_some_and(|repealed| repealed < regulation.effective)
    {
        return Err(RowProblem::Dates);
    }
    Ok(())
}

/// Returns whether the credit code's check character agrees: a mismatch is accepted, flagged.
fn check_enterprise(
    enterprise: &Enterprise,
    scope: &[String],
) -> Result<CreditCodeCheck, RowProblem> {
    require(&[
        ("name", &enterprise.name),
        ("industry", &enterprise.industry),
    ])?;
    let (code, check) =
        CreditCode::parse(&enterprise.credit_code).map_err(RowProblem::CreditCode)?;
    if code.as_str() != enterprise.credit_code {
        // Bundles carry codes in canonical form; anything else is an authoring error.
        return Err(RowProblem::CreditCodeForm);
    }
    if enterprise.division.len() != 6 || !is_division_code(&enterprise.division) {
        return Err(RowProblem::Division("division"));
    }
    if !division_in_scope(&enterprise.division, scope) {
        return Err(RowProblem::OutsideScope);
    }
    Ok(check)
}

fn check_agency_key(key: &AgencyKey) -> Result<(), RowProblem> {
    require(&[("agency_id", &key.agency_id)])?;
    let public = hex::decode(&key.public_key)
        .ok()
        .and_then(|der| PublicKey::from_spki_der(&der).ok())
        .ok_or(RowProblem::Key)?;
    if public.key_id().to_string() != key.key_id {
        return Err(RowProblem::Key);
    }
    if key.valid_until <= key.valid_from {
        return Err(RowProblem::Dates);
    }
    non_empty_divisions("divisions", &key.divisions)
}

fn check_revocation(revocation: &Revocation) -> Result<(), RowProblem> {
    let subject = match &revocation.target {
        RevocationTarget::Credential { id_hash } => id_hash,
        RevocationTarget::SubjectBefore { subject, .. } => subject,
        RevocationTarget::EnterpriseSerial { credit_code, .. } => credit_code,
    };
    require(&[("id", &revocation.id), ("subject", subject)])
}

fn check_violation(violation: &Violation) -> Result<(), RowProblem> {
    require(&[
        ("code", &violation.code),
        ("name", &violation.name),
        ("item_code", &violation.item_code),
    ])
}

fn check_baseline_document(document: &BaselineDocument) -> Result<(), RowProblem> {
    require(&[
        ("id", &document.id),
        ("number", &document.number),
        ("title", &document.title),
    ])?;
    if document
        .sunset
        .is_some_and(|sunset| sunset <= document.effective)
    {
        return Err(RowProblem::Dates);
    }
    non_empty_divisions("jurisdictions", &document.jurisdictions)?;
    if document
        .rows
        .iter()
        .any(|row| Condition::parse(&row.condition).is_err())
    {
        return Err(RowProblem::Condition);
    }
    Ok(())
}

fn check_holiday_calendar(calendar: &HolidayCalendar) -> Result<(), RowProblem> {
    if calendar
        .holidays
        .iter()
        .chain(&calendar.working_weekends)
        .any(|d| d.year() != calendar.year)
    {
        return Err(RowProblem::Dates);
    }
    Ok(())
}

fn check_hearing_threshold(threshold: &HearingThreshold) -> Result<(), RowProblem> {
    require(&[("id", &threshold.id), ("source", &threshold.source)])?;
    divisions("jurisdictions", &threshold.jurisdictions)
}

/// Every entry is a division code (an empty list passes).
fn divisions<'a>(
    field: &'static str,
    codes: impl IntoIterator<Item = &'a String>,
) -> Result<(), RowProblem> {
    if codes.into_iter().all(|d| is_division_code(d)) {
        Ok(())
    } else {
        Err(RowProblem::Division(field))
    }
}

/// At least one entry, and every entry a division code.
fn non_empty_divisions(field: &'static str, codes: &[String]) -> Result<(), RowProblem> {
    if codes.is_empty() {
        return Err(RowProblem::Division(field));
    }
    divisions(field, codes)
}

fn require(fields: &[(&'static str, &String)]) -> Result<(), RowProblem> {
    match fields.iter().find(|(_, value)| value.trim().is_empty()) {
        Some((name, _)) => Err(RowProblem::Empty(name)),
        None => Ok(()),
    }
}
