//! Signed catalogue bundles: a COSE_Sign1 by an authority key over a CBOR body that is either
//! the whole catalogue for a scope (full) or the changes since a base version (delta).
//!
//! A bundle is opened in two steps, both before anything is written: the signature and the
//! envelope (`open_bundle`), then every row (`validate_rows`). Applying it is one transaction.

use std::collections::HashSet;

use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

use super::model::{CatalogueData, RecordKind, Removals, RevocationTarget};
use crate::crypto::{self, CryptoError, PublicKey, Sign1Limits, Signer};
use crate::ids::{
    division_in_scope, is_division_code, jurisdiction_overlaps, CreditCode, CreditCodeCheck,
    UsccError,
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
        CryptoError::Malformed(_) | CryptoError::KeyEncoding(_) => BundleRefusal::Malformed,
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
    let refuse = |kind, index, problem| BundleRefusal::InvalidRow {
        kind,
        index,
        problem,
    };

    let mut keys = HashSet::new();
    for (index, body) in data.bodies.iter().enumerate() {
        let kind = RecordKind::Body;
        require(&[("id", &body.id), ("name", &body.name)]).map_err(|p| refuse(kind, index, p))?;
        if !is_division_code(&body.division) {
            return Err(refuse(kind, index, RowProblem::Division("division")));
        }
        unique(&mut keys, &body.id).map_err(|p| refuse(kind, index, p))?;
    }

    let mut keys = HashSet::new();
    for (index, item) in data.items.iter().enumerate() {
        let kind = RecordKind::Item;
        require(&[
            ("code", &item.code),
            ("name", &item.name),
            ("sector", &item.sector),
            ("legal_basis", &item.legal_basis),
        ])
        .map_err(|p| refuse(kind, index, p))?;
        unique(&mut keys, &item.code).map_err(|p| refuse(kind, index, p))?;
    }

    let mut keys = HashSet::new();
    for (index, officer) in data.officers.iter().enumerate() {
        let kind = RecordKind::Officer;
        require(&[
            ("credential_no", &officer.credential_no),
            ("name", &officer.name),
            ("body_id", &officer.body_id),
        ])
        .map_err(|p| refuse(kind, index, p))?;
        if officer.divisions.is_empty() || !officer.divisions.iter().all(|d| is_division_code(d)) {
            return Err(refuse(kind, index, RowProblem::Division("divisions")));
        }
        if !jurisdiction_overlaps(&officer.divisions, scope) {
            return Err(refuse(kind, index, RowProblem::OutsideScope));
        }
        unique(&mut keys, &officer.credential_no).map_err(|p| refuse(kind, index, p))?;
    }

    let mut keys = HashSet::new();
    for (index, regulation) in data.regulations.iter().enumerate() {
        let kind = RecordKind::Regulation;
        require(&[("id", &regulation.id), ("title", &regulation.title)])
            .map_err(|p| refuse(kind, index, p))?;
        if regulation
            .repealed
            .is_some_and(|repealed| repealed < regulation.effective)
        {
            return Err(refuse(kind, index, RowProblem::Dates));
        }
        unique(&mut keys, &regulation.id).map_err(|p| refuse(kind, index, p))?;
    }

    let mut keys = HashSet::new();
    let mut flagged = Vec::new();
    for (index, enterprise) in data.enterprises.iter().enumerate() {
        let kind = RecordKind::Enterprise;
        require(&[
            ("name", &enterprise.name),
            ("industry", &enterprise.industry),
        ])
        .map_err(|p| refuse(kind, index, p))?;
        let (code, check) = CreditCode::parse(&enterprise.credit_code)
            .map_err(|e| refuse(kind, index, RowProblem::CreditCode(e)))?;
        if code.as_str() != enterprise.credit_code {
            // Bundles carry codes in canonical form; anything else is an authoring error.
            return Err(refuse(kind, index, RowProblem::CreditCodeForm));
        }
        if let CreditCodeCheck::CheckCharacterMismatch { .. } = check {
            flagged.push(enterprise.credit_code.clone());
        }
        if enterprise.division.len() != 6 || !is_division_code(&enterprise.division) {
            return Err(refuse(kind, index, RowProblem::Division("division")));
        }
        if !division_in_scope(&enterprise.division, scope) {
            return Err(refuse(kind, index, RowProblem::OutsideScope));
        }
        unique(&mut keys, &enterprise.credit_code).map_err(|p| refuse(kind, index, p))?;
    }

    let mut keys = HashSet::new();
    for (index, key) in data.agency_keys.iter().enumerate() {
        let kind = RecordKind::AgencyKey;
        require(&[("agency_id", &key.agency_id)]).map_err(|p| refuse(kind, index, p))?;
        let public = hex::decode(&key.public_key)
            .ok()
            .and_then(|der| PublicKey::from_spki_der(&der).ok())
            .ok_or_else(|| refuse(kind, index, RowProblem::Key))?;
        if public.key_id().to_string() != key.key_id {
            return Err(refuse(kind, index, RowProblem::Key));
        }
        if key.valid_until <= key.valid_from {
            return Err(refuse(kind, index, RowProblem::Dates));
        }
        if key.divisions.is_empty() || !key.divisions.iter().all(|d| is_division_code(d)) {
            return Err(refuse(kind, index, RowProblem::Division("divisions")));
        }
        unique(&mut keys, &key.public_key).map_err(|p| refuse(kind, index, p))?;
    }

    let mut keys = HashSet::new();
    for (index, revocation) in data.revocations.iter().enumerate() {
        let kind = RecordKind::Revocation;
        let subject = match &revocation.target {
            RevocationTarget::Credential { id_hash } => id_hash,
            RevocationTarget::SubjectBefore { subject, .. } => subject,
            RevocationTarget::EnterpriseSerial { credit_code, .. } => credit_code,
        };
        require(&[("id", &revocation.id), ("subject", subject)])
            .map_err(|p| refuse(kind, index, p))?;
        unique(&mut keys, &revocation.id).map_err(|p| refuse(kind, index, p))?;
    }

    let mut keys = HashSet::new();
    for (index, violation) in data.violations.iter().enumerate() {
        let kind = RecordKind::Violation;
        require(&[
            ("code", &violation.code),
            ("name", &violation.name),
            ("item_code", &violation.item_code),
        ])
        .map_err(|p| refuse(kind, index, p))?;
        unique(&mut keys, &violation.code).map_err(|p| refuse(kind, index, p))?;
    }

    let mut keys = HashSet::new();
    for (index, document) in data.baseline_documents.iter().enumerate() {
        let kind = RecordKind::BaselineDocument;
        require(&[
            ("id", &document.id),
            ("number", &document.number),
            ("title", &document.title),
        ])
        .map_err(|p| refuse(kind, index, p))?;
        if document
            .sunset
            .is_some_and(|sunset| sunset <= document.effective)
        {
            return Err(refuse(kind, index, RowProblem::Dates));
        }
        if document.jurisdictions.is_empty()
            || !document.jurisdictions.iter().all(|d| is_division_code(d))
        {
            return Err(refuse(kind, index, RowProblem::Division("jurisdictions")));
        }
        if document
            .rows
            .iter()
            .any(|row| crate::discretion::Condition::parse(&row.condition).is_err())
        {
            return Err(refuse(kind, index, RowProblem::Condition));
        }
        unique(&mut keys, &document.id).map_err(|p| refuse(kind, index, p))?;
    }

    let mut years = HashSet::new();
    for (index, calendar) in data.holiday_calendars.iter().enumerate() {
        let kind = RecordKind::HolidayCalendar;
        if calendar
            .holidays
            .iter()
            .chain(&calendar.working_weekends)
            .any(|d| d.year() != calendar.year)
        {
            return Err(refuse(kind, index, RowProblem::Dates));
        }
        if !years.insert(calendar.year) {
            return Err(refuse(kind, index, RowProblem::Duplicate));
        }
    }

    let mut keys = HashSet::new();
    for (index, threshold) in data.hearing_thresholds.iter().enumerate() {
        let kind = RecordKind::HearingThreshold;
        require(&[("id", &threshold.id), ("source", &threshold.source)])
            .map_err(|p| refuse(kind, index, p))?;
        if !threshold.jurisdictions.iter().all(|d| is_division_code(d)) {
            return Err(refuse(kind, index, RowProblem::Division("jurisdictions")));
        }
        unique(&mut keys, &threshold.id).map_err(|p| refuse(kind, index, p))?;
    }
    Ok(flagged)
}

fn require(fields: &[(&'static str, &String)]) -> Result<(), RowProblem> {
    match fields.iter().find(|(_, value)| value.trim().is_empty()) {
        Some((name, _)) => Err(RowProblem::Empty(name)),
        None => Ok(()),
    }
}

fn unique<'a>(seen: &mut HashSet<&'a str>, key: &'a str) -> Result<(), RowProblem> {
    if seen.insert(key) {
        Ok(())
    } else {
        Err(RowProblem::Duplicate)
    }
}
