//! Duty credentials for officers' devices: signed by the officer's agency key, bound to the
//! device key, for the items and hours asked (at most a day).

use chrono::{DateTime, Duration, Utc};
use zhifa_core::codes::{issue_duty_credential, CodeError};
use zhifa_core::registry::KeyPurpose;
use zhifa_core::sync::protocol::{CredentialRequest, ErrorCode};
use zhifa_core::sync::SubjectKind;

use crate::agencies::AgencyKeys;
use crate::catalogue::CatalogueStore;
use crate::devices::DeviceRecord;
use crate::error::{Failure, Refusal};

/// Why the server issues no credential.
#[derive(Debug, thiserror::Error)]
pub enum CredentialRefusal {
    #[error("only officers hold duty credentials")]
    NotAnOfficer,
    #[error("officer no longer in the catalogue")]
    OfficerLeft,
    #[error("the agency has no credential key")]
    NoAgencyKey,
    /// The officer may not be given what was asked (items, hours).
    #[error("{0}")]
    Refused(#[from] CodeError),
}

impl Refusal for CredentialRefusal {
    fn code(&self) -> ErrorCode {
        match self {
            CredentialRefusal::NotAnOfficer | CredentialRefusal::OfficerLeft => {
                ErrorCode::Forbidden
            }
            CredentialRefusal::NoAgencyKey => ErrorCode::NoAgencyKey,
            CredentialRefusal::Refused(_) => ErrorCode::BadRequest,
        }
    }
}

/// Only officers hold duty credentials; asked before the request is even read.
pub fn may_hold(device: &DeviceRecord) -> Result<(), CredentialRefusal> {
    if device.subject_kind == SubjectKind::Officer {
        Ok(())
    } else {
        Err(CredentialRefusal::NotAnOfficer)
    }
}

/// A credential (COSE_Sign1) for the officer of `device`.
pub fn issue(
    catalogue: &CatalogueStore,
    agencies: &AgencyKeys,
    device: &DeviceRecord,
    request: &CredentialRequest,
    now: DateTime<Utc>,
) -> Result<Vec<u8>, Failure<CredentialRefusal>> {
    may_hold(device)?;
    let officer = catalogue
        .officer(&device.subject)?
        .ok_or(CredentialRefusal::OfficerLeft)?;
    let agency = agencies
        .signer(&officer.body_id, KeyPurpose::DutyCredential)
        .map_err(|_| CredentialRefusal::NoAgencyKey)?;
    let credential = issue_duty_credential(
        &agency,
        &officer,
        &device.public_key,
        &request.items,
        now,
        Duration::hours(request.hours.clamp(1, 24).into()),
    )
    .map_err(CredentialRefusal::from)?;
    Ok(credential)
}
