//! The core's error: one enum per module, gathered here in one place. Every variant has a
//! zh-CN text for officers (`texts::error_message`); Display texts are for logs, in English,
//! and carry no personal data.

use crate::codes::{CodeError, CodeRefusal};
use crate::crypto::CryptoError;
use crate::discretion::DiscretionError;
use crate::ids::UsccError;
use crate::registry::RegistryError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    CreditCode(#[from] UsccError),
    /// A scanned code or a credential was refused.
    #[error("code refused: {0}")]
    Code(#[from] CodeRefusal),
    /// A credential or code could not be issued or rendered.
    #[error(transparent)]
    CodeIssue(#[from] CodeError),
    /// A case could not be read or changed (a refused transition says which rule).
    #[error(transparent)]
    Case(#[from] crate::cases::CaseError),
    /// A document cannot be rendered: the case lacks what it must state.
    #[error(transparent)]
    Document(#[from] crate::documents::DocumentError),
    /// The discretion engine could not answer (unknown violation, invalid facts, …).
    #[error(transparent)]
    Discretion(#[from] DiscretionError),
    /// Sync with the server did not complete (nothing on the device was lost).
    #[error(transparent)]
    Sync(#[from] crate::sync::SyncError),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// What to tell an officer, in Chinese.
    pub fn message_zh(&self) -> String {
        crate::texts::error_message(self)
    }
}
