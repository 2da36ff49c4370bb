//! Sync with the server (`docs/PROTOCOL.md`): the wire format shared with the server
//! (`protocol`), request signing (`auth`), the work budget on Automerge messages
//! (`budget`), the device's bookkeeping of its documents
//! (`replica`), the transport the shells' HTTP goes through (`Transport`, with a reqwest
//! implementation in `http`), and the session itself (`Device::sync_now`, in
//! `device/sync.rs`).

pub mod auth;
pub mod budget;
#[cfg(feature = "http")]
pub mod http;
pub mod protocol;
pub mod replica;

pub use protocol::{Digest, DocId, DocKind, DocRef, Enrolment, ErrorCode, SubjectKind};

/// One HTTP request as the session builds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: &'static str,
    /// Path and query, e.g. `/v1/sync`.
    pub path: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub body: Vec<u8>,
}

/// How requests reach the server. The core ships a reqwest implementation (`http`); tests
/// and shells may bring their own (e.g. the platform's HTTP stack).
pub trait Transport: Send + Sync {
    /// Sends one request; `Err` when no complete response arrived (offline, timeout,
    /// connection lost), in which case the session may retry.
    fn send(&self, request: &Request) -> Result<Response, String>;
}

/// Why a sync (or enrolment) did not complete. Nothing on the device is lost in any case;
/// the next `sync_now` resumes.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyncError {
    #[error("server unreachable: {0}")]
    Offline(String),
    #[error("this device is not enrolled")]
    NotEnrolled,
    #[error("the server does not recognise this device")]
    Unauthorized,
    #[error("the device clock is too far from the server's")]
    ClockSkew,
    #[error("enrolment refused: {0}")]
    EnrolmentRefused(ErrorCode),
    #[error("evidence file of {size} bytes is over the limit of {max}")]
    BlobTooLarge { size: u64, max: u64 },
    #[error("a sync is already running")]
    Busy,
    #[error("the server refused: {0}")]
    Forbidden(ErrorCode),
    #[error("the server answered {status}: {code}")]
    Server { status: u16, code: ErrorCode },
    #[error("the server's answer cannot be read: {0}")]
    Protocol(String),
}

impl SyncError {
    /// What to tell the officer: why it stopped, that nothing was lost, what to do.
    pub fn message_zh(&self) -> String {
        use crate::texts::sync as text;
        match self {
            SyncError::Offline(_) => text::OFFLINE.into(),
            SyncError::NotEnrolled => text::NOT_ENROLLED.into(),
            SyncError::Unauthorized => text::UNAUTHORIZED.into(),
            SyncError::ClockSkew => text::CLOCK_SKEW.into(),
            SyncError::EnrolmentRefused(_) => text::ENROLMENT_REFUSED.into(),
            SyncError::BlobTooLarge { size, max } => text::blob_too_large(*size, *max),
            SyncError::Busy => text::BUSY.into(),
            SyncError::Forbidden(_) => text::FORBIDDEN.into(),
            SyncError::Server { .. } => text::SERVER.into(),
            SyncError::Protocol(_) => text::PROTOCOL.into(),
        }
    }
}

/// Progress of a running sync, for a shell's progress bar.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncProgress {
    pub phase: SyncPhase,
    pub docs_done: u32,
    pub docs_total: u32,
    pub bytes_sent: u64,
    pub bytes_received: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SyncPhase {
    #[default]
    Evidence,
    Documents,
    Events,
    CaseNumbers,
    Catalogue,
    Credential,
    Done,
}

/// What a finished sync did.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncReport {
    pub round_trips: u32,
    pub bytes_sent: u64,
    pub bytes_received: u64,
    /// Documents that exchanged changes.
    pub docs_synced: u32,
    /// Documents the server refused (kept on the device), with the reason code.
    pub docs_refused: Vec<String>,
    pub events_sent: u32,
    pub events_refused: u32,
    pub blobs_sent: u32,
    pub case_numbers_added: u32,
    /// The catalogue version installed by this sync, if a newer one came.
    pub catalogue_version: Option<u64>,
    pub credential_renewed: bool,
}

/// What a sync should look after besides documents and events.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncOptions {
    /// The agency's case-number prefix: keep at least `case_numbers_min` numbers in reserve.
    pub case_number_prefix: Option<String>,
    pub case_numbers_min: u32,
    pub case_number_block: u32,
    /// Renew the duty credential when it has less than this many minutes left (0: never).
    pub credential_renew_minutes: u32,
    pub credential_hours: u32,
    /// Attempts per request before the sync stops (to resume later).
    pub attempts: u32,
    /// First pause between attempts; doubles each time.
    pub backoff_ms: u64,
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            case_number_prefix: None,
            case_numbers_min: 20,
            case_number_block: 100,
            credential_renew_minutes: 120,
            credential_hours: 10,
            attempts: 4,
            backoff_ms: 250,
        }
    }
}
