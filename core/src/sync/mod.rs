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

impl Request {
    /// The most of an answer a transport may read, by what was asked: a catalogue bundle, an
    /// evidence file, or the device API's `MAX_BODY`. A server that sends more (compromised,
    /// or a proxy gone wrong) is cut off before the phone holds it, not after; every
    /// transport, the built-in one and a shell's, keeps to it.
    pub fn answer_limit(&self) -> u64 {
        use protocol::{routes, MAX_BLOB, MAX_BODY};
        let path = self.path.split('?').next().unwrap_or_default();
        if path == routes::CATALOGUE_BUNDLE {
            crate::registry::MAX_BUNDLE_BYTES as u64
        } else if self.method == "GET"
            && path.starts_with("/v1/blobs/")
            && !path.ends_with("/status")
        {
            MAX_BLOB
        } else {
            MAX_BODY as u64
        }
    }
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
    #[error("a sync is already running")]
    Busy,
    /// The caller gave up (its coroutine or task was cancelled); what was done is kept.
    #[error("cancelled by the caller")]
    Cancelled,
    /// The server asked this device to slow down; nothing was lost, the next sync resumes.
    #[error("rate limited by the server; retry after {retry_after} s")]
    RateLimited { retry_after: u64 },
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
            SyncError::EnrolmentRefused(ErrorCode::KeyEnrolled) => text::KEY_ENROLLED.into(),
            SyncError::EnrolmentRefused(_) => text::ENROLMENT_REFUSED.into(),
            SyncError::Busy => text::BUSY.into(),
            SyncError::Cancelled => text::CANCELLED.into(),
            SyncError::Forbidden(ErrorCode::PrefixNotOwned) => text::PREFIX_NOT_OWNED.into(),
            SyncError::RateLimited { retry_after } => text::rate_limited(*retry_after),
            SyncError::Forbidden(_) => text::FORBIDDEN.into(),
            SyncError::Server {
                code: ErrorCode::NumbersQuota,
                ..
            } => text::NUMBERS_QUOTA.into(),
            SyncError::Server {
                code: ErrorCode::NumbersExhausted,
                ..
            } => text::NUMBERS_EXHAUSTED.into(),
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
    /// Evidence files not uploaded, each with its reason and the officer's text; the rest of
    /// the sync went on.
    pub blobs_refused: Vec<BlobRefused>,
    pub case_numbers_added: u32,
    /// The catalogue version installed by this sync, if a newer one came.
    pub catalogue_version: Option<u64>,
    pub credential_renewed: bool,
}

/// Why an evidence file did not reach the server. It is that file's refusal: the file stays
/// on the device, queued and marked (`replica::refuse_blob`), and the rest of the sync goes on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum BlobRefusal {
    /// The server takes no evidence from this device (an enterprise device).
    Forbidden,
    /// Over `protocol::MAX_BLOB` (captured before capture checked the limit).
    TooLarge,
    /// The device's unfinished uploads or the team's uploads of the day are at the server's
    /// quota.
    QuotaExceeded,
    /// The server's record of the upload disagrees with the file: a part refused, another
    /// size, or a reply that does not move the upload on.
    Inconsistent,
    /// The parts the server received do not make the file (it discarded them).
    HashMismatch,
    /// The file on this device is missing or damaged.
    Unreadable,
}

impl BlobRefusal {
    const ALL: [BlobRefusal; 6] = [
        BlobRefusal::Forbidden,
        BlobRefusal::TooLarge,
        BlobRefusal::QuotaExceeded,
        BlobRefusal::Inconsistent,
        BlobRefusal::HashMismatch,
        BlobRefusal::Unreadable,
    ];

    /// The name the upload queue keeps it under.
    pub fn as_str(self) -> &'static str {
        match self {
            BlobRefusal::Forbidden => "Forbidden",
            BlobRefusal::TooLarge => "TooLarge",
            BlobRefusal::QuotaExceeded => "QuotaExceeded",
            BlobRefusal::Inconsistent => "Inconsistent",
            BlobRefusal::HashMismatch => "HashMismatch",
            BlobRefusal::Unreadable => "Unreadable",
        }
    }

    /// A kept name read back; one this version does not know reads as `Inconsistent`.
    pub fn from_kept(name: &str) -> BlobRefusal {
        BlobRefusal::ALL
            .into_iter()
            .find(|r| r.as_str() == name)
            .unwrap_or(BlobRefusal::Inconsistent)
    }

    /// Whether a later sync tries the file again (once per sync). A quota frees up, a damaged
    /// transfer or a discarded upload starts afresh, a file may be restored; a file over the
    /// limit never shrinks, and a device the server takes no evidence from stays one until it
    /// enrols anew (which clears every refusal).
    pub fn retried(self) -> bool {
        !matches!(self, BlobRefusal::Forbidden | BlobRefusal::TooLarge)
    }

    /// The server's answer to a request about one file, as that file's refusal; `None` for a
    /// failure that is not the file's (offline, unauthorised, the server failing).
    pub fn of_error(error: &SyncError) -> Option<BlobRefusal> {
        match error {
            SyncError::Forbidden(ErrorCode::QuotaExceeded) => Some(BlobRefusal::QuotaExceeded),
            SyncError::Forbidden(_) => Some(BlobRefusal::Forbidden),
            SyncError::Server { status, code } if (400..500).contains(status) => Some(match code {
                ErrorCode::TooLarge => BlobRefusal::TooLarge,
                ErrorCode::HashMismatch => BlobRefusal::HashMismatch,
                ErrorCode::QuotaExceeded => BlobRefusal::QuotaExceeded,
                _ => BlobRefusal::Inconsistent,
            }),
            _ => None,
        }
    }

    /// What to tell the officer about a file of `size` bytes.
    pub fn message_zh(self, size: u64) -> String {
        use crate::texts::sync as text;
        match self {
            BlobRefusal::Forbidden => text::BLOB_FORBIDDEN.into(),
            BlobRefusal::TooLarge => text::blob_too_large(size, protocol::MAX_BLOB),
            BlobRefusal::QuotaExceeded => text::BLOB_QUOTA.into(),
            BlobRefusal::Inconsistent => text::BLOB_INCONSISTENT.into(),
            BlobRefusal::HashMismatch => text::BLOB_HASH_MISMATCH.into(),
            BlobRefusal::Unreadable => text::BLOB_UNREADABLE.into(),
        }
    }
}

/// An evidence file a sync did not upload.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BlobRefused {
    pub hash: String,
    pub reason: BlobRefusal,
    /// Whether the next sync tries it again.
    pub retried: bool,
    pub message_zh: String,
}

impl BlobRefused {
    pub fn new(hash: &str, reason: BlobRefusal, size: u64) -> BlobRefused {
        BlobRefused {
            hash: hash.to_owned(),
            reason,
            retried: reason.retried(),
            message_zh: reason.message_zh(size),
        }
    }
}

/// What a sync should look after besides documents and events.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct SyncOptions {
    /// The case-number prefix to keep at least `case_numbers_min` numbers in reserve under;
    /// `None`: the first prefix of the device's body in the catalogue.
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blob_refusals_keep_their_name_and_say_whether_a_later_sync_retries() {
        for reason in BlobRefusal::ALL {
            assert_eq!(BlobRefusal::from_kept(reason.as_str()), reason);
            assert!(!reason.message_zh(1 << 20).is_empty());
        }
        assert_eq!(BlobRefusal::from_kept("Newer"), BlobRefusal::Inconsistent);
        let retried: Vec<_> = BlobRefusal::ALL
            .into_iter()
            .filter(|r| r.retried())
            .collect();
        assert_eq!(
            retried,
            [
                BlobRefusal::QuotaExceeded,
                BlobRefusal::Inconsistent,
                BlobRefusal::HashMismatch,
                BlobRefusal::Unreadable
            ]
        );
    }

    #[test]
    fn a_server_refusal_of_a_file_is_the_files_and_other_failures_are_the_sessions() {
        let server = |status, code| SyncError::Server { status, code };
        let cases = [
            (
                SyncError::Forbidden(ErrorCode::QuotaExceeded),
                Some(BlobRefusal::QuotaExceeded),
            ),
            (
                SyncError::Forbidden(ErrorCode::Forbidden),
                Some(BlobRefusal::Forbidden),
            ),
            (
                server(413, ErrorCode::TooLarge),
                Some(BlobRefusal::TooLarge),
            ),
            (
                server(422, ErrorCode::HashMismatch),
                Some(BlobRefusal::HashMismatch),
            ),
            (
                server(400, ErrorCode::BadRequest),
                Some(BlobRefusal::Inconsistent),
            ),
            (server(503, ErrorCode::Internal), None),
            (SyncError::Offline("reset".into()), None),
            (SyncError::Unauthorized, None),
        ];
        for (error, expected) in cases {
            assert_eq!(BlobRefusal::of_error(&error), expected, "{error:?}");
        }
    }
}

#[cfg(test)]
mod answer_limit_tests {
    use super::protocol::{routes, MAX_BLOB, MAX_BODY};
    use super::*;
    use crate::registry::MAX_BUNDLE_BYTES;

    fn asked(method: &'static str, path: &str) -> u64 {
        Request {
            method,
            path: path.into(),
            headers: Vec::new(),
            body: Vec::new(),
        }
        .answer_limit()
    }

    #[test]
    fn each_answer_is_read_only_up_to_what_it_may_hold() {
        assert_eq!(asked("POST", routes::SYNC), MAX_BODY as u64);
        assert_eq!(asked("GET", &routes::blob(&"a".repeat(64))), MAX_BLOB);
        assert_eq!(
            asked("GET", &routes::blob_status(&"a".repeat(64))),
            MAX_BODY as u64
        );
        assert_eq!(
            asked(
                "GET",
                &format!("{}?scope=500103&since=3", routes::CATALOGUE_BUNDLE)
            ),
            MAX_BUNDLE_BYTES as u64
        );
    }
}
