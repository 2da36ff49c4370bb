//! Codes shown and scanned in the field (codes.md): the officer's duty credential and the
//! rotating enforcement code (执法码, `EC1:`) built on it, the enterprise code (企业码,
//! `EQ1:`), QR rendering and decoding, and the two-code visit.
//!
//! Verification works offline against the catalogue: the trust list (agency keys) and the
//! revocation list travel in the signed catalogue bundle. Every refusal has its own reason and
//! a Chinese text (`CodeRefusal::message_zh`).

mod cbor;
pub mod credential;
pub mod enforcement;
pub mod enterprise;
pub mod held;
pub mod qr;
pub mod visit;

pub use credential::{issue_duty_credential, DutyCredential, MAX_SHIFT_HOURS};
pub use enforcement::{time_step, VerifiedOfficer, VerifyContext, STEP_SECONDS};
pub use enterprise::{issue_enterprise_code, EnterpriseCode, VerifiedEnterprise};
pub use visit::{GpsFix, VisitRecord};

/// Why a scanned code or a credential was refused. Kept in signed verification records by its
/// serde name (`visit::VerificationRecord::refusal`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum CodeRefusal {
    #[error("not a readable code: {reason}")]
    Malformed { reason: String },
    #[error("signature algorithm not allowed")]
    UnsupportedAlgorithm,
    #[error("signing key not in the trust list")]
    UnknownKey,
    #[error("agency signature does not verify")]
    BadAgencySignature,
    #[error("agency key was not valid when the credential or code was issued")]
    KeyNotValidAtIssue,
    #[error("agency key may not sign for this jurisdiction")]
    OutsideKeyScope,
    #[error("expired")]
    Expired,
    #[error("not yet valid")]
    NotYetValid,
    #[error("validity is longer than a shift")]
    ValidityTooLong,
    #[error("revoked")]
    Revoked,
    #[error("device signature does not verify")]
    BadDeviceSignature,
    #[error("code was generated for another enterprise")]
    WrongEnterprise,
    #[error("code was already used")]
    Replayed,
    #[error("code is too old")]
    StepTooOld,
    #[error("code is from the future")]
    StepTooNew,
    #[error("premises lie outside the officer's jurisdiction")]
    OutsideJurisdiction,
    #[error("credential belongs to another device")]
    NotForThisDevice,
    #[error("enterprise code has been replaced by a newer print")]
    RetiredSerial,
    #[error("credit code is invalid")]
    InvalidCreditCode,
    #[error("enterprise is not the one planned for this visit")]
    NotThePlannedEnterprise,
    #[error("this device holds no valid duty credential")]
    NoDutyCredential,
    #[error("the device's catalogue could not be read")]
    CatalogueUnavailable,
}

impl CodeRefusal {
    /// What the person at the door reads.
    pub fn message_zh(&self) -> &'static str {
        use crate::texts::codes::refusal as text;
        match self {
            CodeRefusal::Malformed { .. } => text::MALFORMED,
            CodeRefusal::UnsupportedAlgorithm => text::UNSUPPORTED_ALGORITHM,
            CodeRefusal::UnknownKey => text::UNKNOWN_KEY,
            CodeRefusal::BadAgencySignature => text::BAD_AGENCY_SIGNATURE,
            CodeRefusal::KeyNotValidAtIssue => text::KEY_NOT_VALID_AT_ISSUE,
            CodeRefusal::OutsideKeyScope => text::OUTSIDE_KEY_SCOPE,
            CodeRefusal::Expired => text::EXPIRED,
            CodeRefusal::NotYetValid => text::NOT_YET_VALID,
            CodeRefusal::ValidityTooLong => text::VALIDITY_TOO_LONG,
            CodeRefusal::Revoked => text::REVOKED,
            CodeRefusal::BadDeviceSignature => text::BAD_DEVICE_SIGNATURE,
            CodeRefusal::WrongEnterprise => text::WRONG_ENTERPRISE,
            CodeRefusal::Replayed => text::REPLAYED,
            CodeRefusal::StepTooOld => text::STEP_TOO_OLD,
            CodeRefusal::StepTooNew => text::STEP_TOO_NEW,
            CodeRefusal::OutsideJurisdiction => text::OUTSIDE_JURISDICTION,
            CodeRefusal::NotForThisDevice => text::NOT_FOR_THIS_DEVICE,
            CodeRefusal::RetiredSerial => text::RETIRED_SERIAL,
            CodeRefusal::InvalidCreditCode => text::INVALID_CREDIT_CODE,
            CodeRefusal::NotThePlannedEnterprise => text::NOT_THE_PLANNED_ENTERPRISE,
            CodeRefusal::NoDutyCredential => text::NO_DUTY_CREDENTIAL,
            CodeRefusal::CatalogueUnavailable => text::CATALOGUE_UNAVAILABLE,
        }
    }

    pub(crate) fn malformed(reason: &str) -> CodeRefusal {
        CodeRefusal::Malformed {
            reason: reason.to_owned(),
        }
    }
}

/// Accepted, but a person should know.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum CodeWarning {
    /// The trust list (the catalogue) has not been refreshed for longer than allowed.
    TrustListStale,
    /// The device clock is not anchored to the server's since the last reboot.
    ClockUntrusted,
    /// The officer is not in this device's catalogue (another district): name and items come
    /// from the credential alone.
    OfficerNotInCatalogue,
    /// The enterprise's credit code fails its check character.
    CreditCodeCheckMismatch,
    /// The enterprise is not in this device's catalogue.
    EnterpriseNotInCatalogue,
}

impl CodeWarning {
    /// What the warning means, for the person at the door.
    pub fn message_zh(self) -> &'static str {
        use crate::texts::codes::warning as text;
        match self {
            CodeWarning::TrustListStale => text::TRUST_LIST_STALE,
            CodeWarning::ClockUntrusted => text::CLOCK_UNTRUSTED,
            CodeWarning::OfficerNotInCatalogue => text::OFFICER_NOT_IN_CATALOGUE,
            CodeWarning::CreditCodeCheckMismatch => crate::texts::ids::CREDIT_CODE_CHECK_MISMATCH,
            CodeWarning::EnterpriseNotInCatalogue => text::ENTERPRISE_NOT_IN_CATALOGUE,
        }
    }
}

/// Why a credential or code could not be issued.
#[derive(Debug, thiserror::Error)]
pub enum CodeError {
    #[error("a duty credential lasts at most {MAX_SHIFT_HOURS} hours")]
    ShiftTooLong,
    #[error("the officer is not authorised for an item on the credential")]
    ItemNotAuthorised,
    #[error("QR code cannot hold this payload")]
    TooLongForQr,
    #[error("image cannot be read")]
    Image,
    /// Refused from the image's header, before it is decoded (`qr::MAX_PIXELS`).
    #[error("image of {width}×{height} pixels is over the limit for scanning")]
    ImageTooLarge { width: u32, height: u32 },
    #[error(transparent)]
    Crypto(#[from] crate::crypto::CryptoError),
}

impl CodeError {
    /// What to tell an officer.
    pub fn message_zh(&self) -> &'static str {
        use crate::texts::codes::issue as text;
        match self {
            CodeError::ShiftTooLong => text::SHIFT_TOO_LONG,
            CodeError::ItemNotAuthorised => text::ITEM_NOT_AUTHORISED,
            CodeError::TooLongForQr => text::TOO_LONG_FOR_QR,
            CodeError::Image => text::IMAGE,
            CodeError::ImageTooLarge { .. } => text::IMAGE_TOO_LARGE,
            CodeError::Crypto(e) => e.message_zh(),
        }
    }
}

/// How long a trust list (catalogue) stays fresh; past it codes are still verified, with a
/// warning, since an enterprise must be able to answer at the door.
pub const TRUST_LIST_MAX_AGE_DAYS: i64 = 7;
/// Clock leeway for validity periods.
pub const LEEWAY_MINUTES: i64 = 5;

#[cfg(test)]
mod tests {
    use super::*;

    /// These texts state a figure as a literal (they are `&'static str`); keep them in step.
    #[test]
    fn texts_state_the_figures_they_name() {
        let states = |text: &str, figure: i64| text.contains(&format!("{figure}"));
        assert!(states(CodeRefusal::StepTooOld.message_zh(), STEP_SECONDS));
        assert!(states(
            CodeWarning::TrustListStale.message_zh(),
            TRUST_LIST_MAX_AGE_DAYS
        ));
        assert!(states(
            CodeError::ShiftTooLong.message_zh(),
            MAX_SHIFT_HOURS
        ));
    }
}
