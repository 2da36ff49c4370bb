//! The wire format of sync (`docs/PROTOCOL.md`): CBOR bodies shared by the device client and
//! the server. Document references are packed (a UUID travels as 16 bytes, a heads digest as
//! 8), so a device that lost its cursor lists 2,000 documents in about 56 KB.

use automerge::ChangeHash;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_bytes::ByteBuf;

use crate::texts;

/// Content type of every CBOR request and response body.
pub const CBOR: &str = "application/cbor";

/// Largest request or response body either side accepts (a batch of sync messages).
pub const MAX_BODY: usize = 8 * 1024 * 1024;
/// A batch stops growing past this many bytes of sync messages.
pub const BATCH_BYTES: usize = 2 * 1024 * 1024;
/// … or this many documents.
pub const BATCH_DOCS: usize = 500;
/// Changed documents listed per response; more are paged by cursor.
pub const LIST_PAGE: usize = 2_000;
/// One part of an evidence upload.
pub const BLOB_PART: usize = 512 * 1024;
/// Largest evidence file the server takes (told to the officer in words when refused).
pub const MAX_BLOB: u64 = 100 * 1024 * 1024;

/// The kinds of collaborative document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum DocKind {
    Case,
    Inspection,
}

impl DocKind {
    pub fn code(self) -> u8 {
        match self {
            DocKind::Case => 1,
            DocKind::Inspection => 2,
        }
    }

    pub fn from_code(code: u8) -> Option<DocKind> {
        match code {
            1 => Some(DocKind::Case),
            2 => Some(DocKind::Inspection),
            _ => None,
        }
    }
}

impl Serialize for DocKind {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u8(self.code())
    }
}

impl<'de> Deserialize<'de> for DocKind {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let code = u8::deserialize(d)?;
        DocKind::from_code(code).ok_or_else(|| serde::de::Error::custom("unknown document kind"))
    }
}

/// A document id: a UUID (cases) travels as 16 bytes, any other id (inspection tasks) as text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct DocId(pub String);

impl Serialize for DocId {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match uuid::Uuid::try_parse(&self.0) {
            Ok(uuid) if uuid.hyphenated().to_string() == self.0 => {
                s.serialize_bytes(uuid.as_bytes())
            }
            _ => s.serialize_str(&self.0),
        }
    }
}

impl<'de> Deserialize<'de> for DocId {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = DocId;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a document id (16 bytes or text)")
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<DocId, E> {
                let uuid =
                    uuid::Uuid::from_slice(v).map_err(|_| E::custom("id is not 16 bytes"))?;
                Ok(DocId(uuid.hyphenated().to_string()))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<DocId, E> {
                if v.is_empty() || v.len() > 128 {
                    return Err(E::custom("id length"));
                }
                Ok(DocId(v.to_owned()))
            }
        }
        d.deserialize_any(Visitor)
    }
}

/// The first 8 bytes of SHA-256 over a document's sorted heads: equal digests, equal documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Digest(pub [u8; 8]);

impl Digest {
    pub fn of_heads(heads: &[ChangeHash]) -> Digest {
        let mut sorted: Vec<&ChangeHash> = heads.iter().collect();
        sorted.sort();
        let mut all = Vec::with_capacity(sorted.len() * 32);
        for head in sorted {
            all.extend_from_slice(&head.0);
        }
        let hash = crate::crypto::sha256(&all);
        Digest(hash[..8].try_into().expect("8 bytes"))
    }
}

impl Serialize for Digest {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(&self.0)
    }
}

impl<'de> Deserialize<'de> for Digest {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let bytes = ByteBuf::deserialize(d)?;
        Ok(Digest(bytes.as_slice().try_into().map_err(|_| {
            serde::de::Error::custom("digest is not 8 bytes")
        })?))
    }
}

/// A document and the digest of its heads, packed as a 3-element array.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocRef(pub DocKind, pub DocId, pub Digest);

/// One Automerge sync message for one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocMessage(pub DocKind, pub DocId, pub ByteBuf);

/// Which documents changed: by cursor (the server's sequence at the device's last completed
/// sync), or, when the device lost it, by the full list of what the device holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Listing {
    Since(u64),
    Full(Vec<DocRef>),
}

/// `POST /v1/sync`: one round. The first round lists; every round carries messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SyncRequest {
    pub listing: Option<Listing>,
    pub messages: Vec<DocMessage>,
}

/// Why the server refused a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DocRefusal {
    /// The document belongs to another team.
    Forbidden,
    /// A new document whose place is outside the officer's jurisdiction.
    OutOfJurisdiction,
    /// The sync message or the document it makes cannot be read.
    Malformed,
    /// The message would add more to the document than its work budget allows
    /// (`sync::budget`); nothing of it was applied.
    OverBudget,
    /// The message carries a change whose dependency neither it nor the document holds;
    /// nothing of it was kept (`sync::budget::complete`).
    Incomplete,
}

impl DocRefusal {
    /// The name the device keeps it under (the variant's name, as on the wire).
    pub fn as_str(self) -> &'static str {
        match self {
            DocRefusal::Forbidden => "Forbidden",
            DocRefusal::OutOfJurisdiction => "OutOfJurisdiction",
            DocRefusal::Malformed => "Malformed",
            DocRefusal::OverBudget => "OverBudget",
            DocRefusal::Incomplete => "Incomplete",
        }
    }

    /// A kept name read back; a name this version does not know reads as `Malformed`.
    pub fn from_kept(name: &str) -> DocRefusal {
        [
            DocRefusal::Forbidden,
            DocRefusal::OutOfJurisdiction,
            DocRefusal::OverBudget,
            DocRefusal::Incomplete,
        ]
        .into_iter()
        .find(|r| r.as_str() == name)
        .unwrap_or(DocRefusal::Malformed)
    }

    /// What the officer is told.
    pub fn message_zh(self) -> &'static str {
        match self {
            DocRefusal::Forbidden => texts::sync::DOCUMENT_FORBIDDEN,
            DocRefusal::OutOfJurisdiction => texts::sync::DOCUMENT_OUT_OF_JURISDICTION,
            DocRefusal::Malformed => texts::sync::DOCUMENT_MALFORMED,
            DocRefusal::OverBudget => texts::sync::DOCUMENT_OVER_BUDGET,
            DocRefusal::Incomplete => texts::sync::DOCUMENT_INCOMPLETE,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct SyncResponse {
    /// Documents changed on the server (after the cursor, or differing from the full list),
    /// with the server's digest; the device syncs those whose digest differs from its own.
    pub changed: Vec<DocRef>,
    /// The cursor to send next time once these are synced.
    pub cursor: u64,
    /// More changed documents remain: list again from `cursor`.
    pub more: bool,
    pub messages: Vec<DocMessage>,
    pub refused: Vec<(DocKind, DocId, DocRefusal)>,
    pub catalogue_version: u64,
    pub server_time: Option<DateTime<Utc>>,
}

/// Events a device sends in one request at most; the server refuses a longer upload whole.
pub const EVENT_BATCH: u32 = 200;

/// `POST /v1/events`: signed events from the outbox (COSE_Sign1 by the device key).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EventUpload {
    pub events: Vec<ByteBuf>,
}

/// Why the server refused an event; it stays on the device, marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventRefusal {
    /// Not signed by this device's key, or not readable.
    BadSignature,
    /// About another officer or enterprise than the device's own.
    Forbidden,
    /// The id is taken by an event with other content.
    Conflict,
    /// A code verification naming an enterprise, not signed by a device enrolled for that
    /// enterprise (an officer's device cannot vouch that the enterprise checked the code).
    VouchesForOther,
}

impl EventRefusal {
    /// The name the device keeps it under (the variant's name, as on the wire).
    pub fn as_str(self) -> &'static str {
        match self {
            EventRefusal::BadSignature => "BadSignature",
            EventRefusal::Forbidden => "Forbidden",
            EventRefusal::Conflict => "Conflict",
            EventRefusal::VouchesForOther => "VouchesForOther",
        }
    }

    /// What the device's user reads about the refused event.
    pub fn message_zh(self) -> &'static str {
        use crate::texts::sync as text;
        match self {
            EventRefusal::BadSignature => text::EVENT_BAD_SIGNATURE,
            EventRefusal::Forbidden => text::EVENT_FORBIDDEN,
            EventRefusal::Conflict => text::EVENT_CONFLICT,
            EventRefusal::VouchesForOther => text::EVENT_VOUCHES_FOR_OTHER,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct EventAck {
    /// Stored (now or by an earlier attempt): the device may drop them from its outbox.
    pub acked: Vec<String>,
    pub refused: Vec<(String, EventRefusal)>,
}

/// `POST /v1/case-numbers`: reserve a block; the same `request_id` returns the same block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseNumberRequest {
    pub request_id: String,
    pub prefix: String,
    pub year: i32,
    pub size: u32,
}

/// `POST /v1/enrol` (unsigned: the device has no standing yet). The proof is the device key's
/// signature over `enrolment_message(code, public_key)`, so a code cannot be replayed for
/// another key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolRequest {
    pub code: String,
    pub public_key: ByteBuf,
    pub label: String,
    pub proof: ByteBuf,
}

/// Who a device acts for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum SubjectKind {
    Officer,
    Enterprise,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Enrolment {
    pub subject_kind: SubjectKind,
    /// Credential number (执法证号) or credit code.
    pub subject: String,
    /// The enforcement body whose documents the device shares.
    pub team: String,
    pub divisions: Vec<String>,
    pub server_time: DateTime<Utc>,
}

pub fn enrolment_message(code: &str, public_key_spki: &[u8]) -> Vec<u8> {
    let mut message = b"ZHIFA-ENROL-1\n".to_vec();
    message.extend_from_slice(code.as_bytes());
    message.push(b'\n');
    message.extend_from_slice(public_key_spki);
    message
}

/// `POST /v1/credential`: a fresh duty credential for the device's officer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CredentialRequest {
    /// Item codes of the shift; empty for all the officer's items.
    pub items: Vec<String>,
    pub hours: u32,
}

/// The state of an evidence upload (`PUT`/`GET /v1/blobs/{sha256}`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobStatus {
    pub received: u64,
    pub size: u64,
    pub complete: bool,
}

/// Error bodies are JSON: a stable code for the client and an English text for logs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorCode,
    pub detail: String,
    pub server_time: Option<DateTime<Utc>>,
    /// Seconds to wait before trying again (a rate-limited request; also the `Retry-After`
    /// header). Absent from older servers' bodies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// The stable code of an error body, spelled in snake case on the wire (`"clock_skew"`).
/// A code this build does not know (from a newer server) reads as `Other`, keeping its text.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum ErrorCode {
    BadRequest,
    /// The request is not signed, or by a key the server does not know, or replayed.
    Unauthorized,
    /// The request's time is outside the window; the body carries the server's time.
    ClockSkew,
    Forbidden,
    NotFound,
    /// A body or an evidence file over the limit.
    TooLarge,
    /// An evidence file's parts do not make the file its name says.
    HashMismatch,
    /// No case numbers left this year for the prefix.
    NumbersExhausted,
    /// The case-number prefix is not one of the device's body in the catalogue.
    PrefixNotOwned,
    /// The device has taken as many case numbers as it may for now (per day, per year).
    NumbersQuota,
    /// A device's or team's evidence quota is reached; a later sync tries again.
    QuotaExceeded,
    EnrolmentRefused,
    /// The device key is enrolled already (or was revoked); the code presented stays unused.
    KeyEnrolled,
    /// The officer's agency holds no key to sign duty credentials.
    NoAgencyKey,
    /// Too many requests from this address or device; try again after `retry_after`.
    RateLimited,
    Internal,
    Other(String),
}

impl ErrorCode {
    /// Every code this build knows.
    pub const KNOWN: [ErrorCode; 16] = [
        ErrorCode::BadRequest,
        ErrorCode::Unauthorized,
        ErrorCode::ClockSkew,
        ErrorCode::Forbidden,
        ErrorCode::NotFound,
        ErrorCode::TooLarge,
        ErrorCode::HashMismatch,
        ErrorCode::NumbersExhausted,
        ErrorCode::PrefixNotOwned,
        ErrorCode::NumbersQuota,
        ErrorCode::QuotaExceeded,
        ErrorCode::EnrolmentRefused,
        ErrorCode::KeyEnrolled,
        ErrorCode::NoAgencyKey,
        ErrorCode::RateLimited,
        ErrorCode::Internal,
    ];

    pub fn as_str(&self) -> &str {
        match self {
            ErrorCode::BadRequest => "bad_request",
            ErrorCode::Unauthorized => "unauthorized",
            ErrorCode::ClockSkew => "clock_skew",
            ErrorCode::Forbidden => "forbidden",
            ErrorCode::NotFound => "not_found",
            ErrorCode::TooLarge => "too_large",
            ErrorCode::HashMismatch => "hash_mismatch",
            ErrorCode::NumbersExhausted => "numbers_exhausted",
            ErrorCode::PrefixNotOwned => "prefix_not_owned",
            ErrorCode::NumbersQuota => "numbers_quota",
            ErrorCode::QuotaExceeded => "quota_exceeded",
            ErrorCode::EnrolmentRefused => "enrolment_refused",
            ErrorCode::KeyEnrolled => "key_enrolled",
            ErrorCode::NoAgencyKey => "no_agency_key",
            ErrorCode::RateLimited => "rate_limited",
            ErrorCode::Internal => "internal",
            ErrorCode::Other(code) => code,
        }
    }

    pub fn parse(code: &str) -> ErrorCode {
        ErrorCode::KNOWN
            .into_iter()
            .find(|known| known.as_str() == code)
            .unwrap_or_else(|| ErrorCode::Other(code.to_owned()))
    }
}

impl std::fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ErrorCode {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ErrorCode {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(ErrorCode::parse(&String::deserialize(d)?))
    }
}

/// The server's paths. Patterns with `{hash}` are the router's; the functions fill them in.
pub mod routes {
    pub const ENROL: &str = "/v1/enrol";
    pub const SYNC: &str = "/v1/sync";
    pub const EVENTS: &str = "/v1/events";
    pub const CASE_NUMBERS: &str = "/v1/case-numbers";
    pub const CREDENTIAL: &str = "/v1/credential";
    pub const BLOB: &str = "/v1/blobs/{hash}";
    pub const BLOB_STATUS: &str = "/v1/blobs/{hash}/status";
    /// Public, unsigned: the bundle's own signature is what the device trusts.
    pub const CATALOGUE_BUNDLE: &str = "/v1/catalogue/bundle";
    /// Public: the authority key, for provisioning apps.
    pub const CATALOGUE_AUTHORITY: &str = "/v1/catalogue/authority";
    /// Operations, not the device: health and Prometheus metrics.
    pub const HEALTH: &str = "/healthz";
    pub const METRICS: &str = "/metrics";

    /// `GET` (fetch) an evidence file by its SHA-256 in hex.
    pub fn blob(hash: &str) -> String {
        BLOB.replace("{hash}", hash)
    }

    /// `PUT` one part of an evidence file.
    pub fn blob_part(hash: &str, offset: usize, size: u64) -> String {
        format!("{}?offset={offset}&size={size}", blob(hash))
    }

    pub fn blob_status(hash: &str) -> String {
        BLOB_STATUS.replace("{hash}", hash)
    }

    /// The bundle for `scope` (comma-separated division codes): full, or the delta `since`.
    pub fn catalogue_bundle(scope: &str, since: Option<u64>) -> String {
        match since {
            Some(since) => format!("{CATALOGUE_BUNDLE}?scope={scope}&since={since}"),
            None => format!("{CATALOGUE_BUNDLE}?scope={scope}"),
        }
    }
}

pub fn to_cbor<T: Serialize>(value: &T) -> Vec<u8> {
    let mut out = Vec::new();
    ciborium::into_writer(value, &mut out).expect("writing CBOR to memory cannot fail");
    out
}

pub fn from_cbor<T: for<'de> Deserialize<'de>>(bytes: &[u8]) -> Option<T> {
    if bytes.len() > MAX_BODY {
        return None;
    }
    ciborium::from_reader(bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_packed_reference_stays_under_40_bytes() {
        let id = DocId(uuid::Uuid::now_v7().to_string());
        let packed = to_cbor(&DocRef(DocKind::Case, id.clone(), Digest([7; 8])));
        assert!(packed.len() <= 40, "{} bytes", packed.len());
        let back: DocRef = from_cbor(&packed).unwrap();
        assert_eq!(back.1, id);
        let task = DocId("P2026-01-00003".into());
        let back: DocRef = from_cbor(&to_cbor(&DocRef(
            DocKind::Inspection,
            task.clone(),
            Digest::default(),
        )))
        .unwrap();
        assert_eq!(back.1, task);
    }

    #[test]
    fn garbage_is_refused_not_a_panic() {
        assert!(from_cbor::<SyncRequest>(b"\xff\x00garbage").is_none());
        assert!(from_cbor::<SyncRequest>(&to_cbor(&(1, 2, 3))).is_none());
        let wrong_kind = to_cbor(&(9u8, "x", ByteBuf::from(vec![0u8; 8])));
        assert!(from_cbor::<DocRef>(&wrong_kind).is_none());
    }

    #[test]
    fn error_codes_keep_their_wire_spelling_and_unknown_ones_still_read() {
        for code in ErrorCode::KNOWN {
            let json = serde_json::to_string(&code).unwrap();
            assert_eq!(json, format!("\"{}\"", code.as_str()));
            assert_eq!(serde_json::from_str::<ErrorCode>(&json).unwrap(), code);
        }
        assert_eq!(ErrorCode::ClockSkew.as_str(), "clock_skew");
        let newer: ErrorBody = serde_json::from_str(
            r#"{"error": "sealed_by_court", "detail": "later", "server_time": null}"#,
        )
        .unwrap();
        assert_eq!(newer.error, ErrorCode::Other("sealed_by_court".into()));
        assert_eq!(newer.error.to_string(), "sealed_by_court");
    }

    #[test]
    fn routes_fill_in_their_patterns() {
        assert_eq!(routes::blob("ab12"), "/v1/blobs/ab12");
        assert_eq!(routes::blob_status("ab12"), "/v1/blobs/ab12/status");
        assert_eq!(
            routes::blob_part("ab12", 0, 9),
            "/v1/blobs/ab12?offset=0&size=9"
        );
        assert_eq!(
            routes::catalogue_bundle("500103,500112", Some(4)),
            "/v1/catalogue/bundle?scope=500103,500112&since=4"
        );
        assert_eq!(
            routes::catalogue_bundle("500103", None),
            "/v1/catalogue/bundle?scope=500103"
        );
    }

    #[test]
    fn digests_ignore_head_order() {
        let a = ChangeHash([1; 32]);
        let b = ChangeHash([2; 32]);
        assert_eq!(Digest::of_heads(&[a, b]), Digest::of_heads(&[b, a]));
        assert_ne!(Digest::of_heads(&[a]), Digest::of_heads(&[b]));
    }
}
