//! zhifa-ffi: the UniFFI surface of zhifa-core for the Android (Kotlin) and iOS (Swift) shells.
//!
//! Thin on purpose: objects wrap core types, records come from the core (derived there behind
//! its `uniffi` feature), and every failure is one `ZhifaError` with a zh-CN message an
//! officer can read. No domain logic lives here. Every call that touches the store or the
//! network is async (`runtime`), and long-running subscriptions return a `TaskHandle`.

mod cases;
mod catalogue;
mod codes;
mod discretion;
mod documents;
mod error;
mod evidence;
mod inspections;
mod network;
mod on_the_spot;
mod platform;
mod runtime;
mod store;
mod sync;

pub use cases::CaseService;
pub use catalogue::CatalogueService;
#[cfg(feature = "qr-photos")]
pub use codes::decode_qr_image;
pub use codes::{
    check_credit_code, qr_png, qr_svg, CodeService, CreditCodeInfo, DutyCredentialInfo,
    EnforcementCodeVerdict, ShownCode, VisitOpened,
};
pub use discretion::{
    route_penalty, DiscretionService, PenaltyChoiceRecorded, PenaltyRequest, PenaltySuggestion,
};
pub use documents::{document_kinds, DocumentInfo};
pub use error::{BundleRejection, ZhifaError};
pub use evidence::EvidenceService;
pub use inspections::InspectionService;
pub use network::{HttpClient, HttpError, HttpHeader, HttpRequest, HttpResponse};
pub use platform::{PlatformClock, PlatformError, PlatformKeyWrapper, PlatformKeystore};
pub use runtime::TaskHandle;
pub use store::{QuarantineReport, StoreConfig, ZhifaStore};
pub use sync::{default_sync_options, RefusedDocument, SyncListener, SyncService};

uniffi::setup_scaffolding!();

// Calendar dates are the core's custom type (`YYYY-MM-DD` strings across the FFI).
use chrono::NaiveDate;
uniffi::use_remote_type!(zhifa_core::NaiveDate);
type UtcTime = chrono::DateTime<chrono::Utc>;
uniffi::use_remote_type!(zhifa_core::UtcTime);
