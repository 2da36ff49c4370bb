//! The one error type of the FFI, converted from the core's in one place.

use zhifa_core::cases::{CaseError, Refusal};
use zhifa_core::codes::CodeRefusal;
use zhifa_core::documents::{DocumentError, DocumentRefusal};
use zhifa_core::registry::{BundleRefusal, RegistryError};
use zhifa_core::sync::SyncError;

/// Every error is the zh-CN text for the officer, and only that: a flat error, so the shells'
/// exception message (Kotlin `message`, Python `str(e)`, Swift `errorDescription`) is the
/// text itself. The variant is for the app's logic; the typed reason and refusal stay on the
/// Rust side (tests, logs). No personal data is ever put in either.
#[derive(Debug, thiserror::Error, uniffi::Error)]
#[uniffi(flat_error)]
pub enum ZhifaError {
    /// Input the app passed in is not valid (a jurisdiction, a key, a code).
    #[error("{user_message}")]
    Validation { user_message: String },
    /// A catalogue bundle was refused; the catalogue on the device is unchanged.
    #[error("{user_message}")]
    BundleRejected {
        reason: BundleRejection,
        user_message: String,
    },
    /// A scanned code or a credential was refused, for `reason`.
    #[error("{user_message}")]
    CodeInvalid {
        reason: CodeRefusal,
        user_message: String,
    },
    /// A procedure step was refused by the law: which rule, what is missing.
    #[error("{user_message}")]
    StepRefused {
        refusal: Refusal,
        user_message: String,
    },
    /// A document the case's state does not support yet: which, the article, what is missing.
    #[error("{user_message}")]
    DocumentRefused {
        refusal: DocumentRefusal,
        user_message: String,
    },
    /// The case (or other record) is not on this device.
    #[error("{user_message}")]
    NotFound { user_message: String },
    /// The device store failed; what was saved before is kept.
    #[error("{user_message}")]
    Storage { user_message: String },
    /// Sync did not complete (offline, server busy, clock, …); nothing was lost and the next
    /// `sync_now` resumes.
    #[error("{user_message}")]
    Network { user_message: String },
    /// The server does not accept this device (not enrolled, revoked, bad enrolment code).
    #[error("{user_message}")]
    NotAuthorised { user_message: String },
    /// The caller cancelled (its coroutine or task); what was done is kept.
    #[error("{user_message}")]
    Cancelled { user_message: String },
}

/// Why a bundle was refused, for the app to decide what to do next (e.g. ask for a full bundle
/// after `BaseMismatch`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BundleRejection {
    TooLarge,
    Malformed,
    UnknownAuthority,
    Forged,
    UnsupportedFormat,
    WrongScope,
    Stale,
    BaseMismatch,
    InvalidRow,
}

impl From<&BundleRefusal> for BundleRejection {
    fn from(refusal: &BundleRefusal) -> Self {
        match refusal {
            BundleRefusal::TooLarge { .. } => BundleRejection::TooLarge,
            BundleRefusal::Malformed => BundleRejection::Malformed,
            BundleRefusal::UnknownAuthority => BundleRejection::UnknownAuthority,
            BundleRefusal::Forged => BundleRejection::Forged,
            BundleRefusal::UnsupportedFormat(_) => BundleRejection::UnsupportedFormat,
            BundleRefusal::WrongScope => BundleRejection::WrongScope,
            BundleRefusal::Stale { .. } => BundleRejection::Stale,
            BundleRefusal::BaseMismatch { .. } => BundleRejection::BaseMismatch,
            BundleRefusal::InvalidRow { .. } => BundleRejection::InvalidRow,
        }
    }
}

impl From<zhifa_core::Error> for ZhifaError {
    fn from(error: zhifa_core::Error) -> Self {
        let user_message = error.message_zh();
        match error {
            zhifa_core::Error::Registry(RegistryError::Refused(refusal)) => {
                ZhifaError::BundleRejected {
                    reason: (&refusal).into(),
                    user_message,
                }
            }
            zhifa_core::Error::Code(reason) => ZhifaError::CodeInvalid {
                reason,
                user_message,
            },
            zhifa_core::Error::Case(CaseError::Refused(refusal)) => ZhifaError::StepRefused {
                refusal,
                user_message,
            },
            zhifa_core::Error::Case(CaseError::NotFound | CaseError::NoSuchVisit) => {
                ZhifaError::NotFound { user_message }
            }
            zhifa_core::Error::Case(CaseError::Corrupt | CaseError::SchemaTooNew) => {
                ZhifaError::Storage { user_message }
            }
            zhifa_core::Error::Document(DocumentError::Refused(refusal)) => {
                ZhifaError::DocumentRefused {
                    refusal,
                    user_message,
                }
            }
            zhifa_core::Error::Case(_) => ZhifaError::Validation { user_message },
            zhifa_core::Error::Registry(RegistryError::BadJurisdiction)
            | zhifa_core::Error::Crypto(_)
            | zhifa_core::Error::CodeIssue(_)
            | zhifa_core::Error::Discretion(_)
            | zhifa_core::Error::CreditCode(_) => ZhifaError::Validation { user_message },
            zhifa_core::Error::Sync(SyncError::Cancelled) => ZhifaError::Cancelled { user_message },
            zhifa_core::Error::Sync(
                SyncError::NotEnrolled
                | SyncError::Unauthorized
                | SyncError::EnrolmentRefused(_)
                | SyncError::Forbidden(_),
            ) => ZhifaError::NotAuthorised { user_message },
            zhifa_core::Error::Sync(_) => ZhifaError::Network { user_message },
            zhifa_core::Error::Store(_) | zhifa_core::Error::Registry(RegistryError::Store(_)) => {
                ZhifaError::Storage { user_message }
            }
        }
    }
}

/// Lets `?` lift any core module error through the core's `Error`.
pub(crate) fn lift<E: Into<zhifa_core::Error>>(error: E) -> ZhifaError {
    ZhifaError::from(error.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_keep_their_reason_and_a_chinese_message() {
        let error = lift(RegistryError::Refused(BundleRefusal::Forged));
        match error {
            ZhifaError::BundleRejected {
                reason,
                user_message,
            } => {
                assert_eq!(reason, BundleRejection::Forged);
                assert!(user_message.contains("签名"), "{user_message}");
                assert_eq!(user_message, BundleRefusal::Forged.message_zh());
            }
            other => panic!("unexpected {other:?}"),
        }
    }
}
