//! Codes shown and scanned in the field (codes.md): the officer's duty credential and the
//! rotating enforcement code (执法码, `EC1:`) built on it, the enterprise code (企业码,
//! `EQ1:`), QR rendering and decoding, and the two-code visit.
//!
//! Verification works offline against the catalogue: the trust list (agency keys) and the
//! revocation list travel in the signed catalogue bundle. Every refusal has its own reason and
//! a Chinese text (`texts::code_refusal_message`).

mod cbor;
pub mod credential;
pub mod enforcement;
pub mod enterprise;
pub mod qr;
pub mod visit;

pub use credential::{issue_duty_credential, DutyCredential, MAX_SHIFT_HOURS};
pub use enforcement::{time_step, VerifiedOfficer, VerifyContext, STEP_SECONDS};
pub use enterprise::{issue_enterprise_code, EnterpriseCode, VerifiedEnterprise};
pub use visit::{GpsFix, VisitRecord};

/// Why a scanned code or a credential was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
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
    #[error(transparent)]
    Crypto(#[from] crate::crypto::CryptoError),
}

/// How long a trust list (catalogue) stays fresh; past it codes are still verified, with a
/// warning, since an enterprise must be able to answer at the door.
pub const TRUST_LIST_MAX_AGE_DAYS: i64 = 7;
/// Clock leeway for validity periods.
pub const LEEWAY_MINUTES: i64 = 5;
