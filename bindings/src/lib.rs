//! zhifa-ffi: the UniFFI surface of zhifa-core for the Android (Kotlin) and iOS (Swift) shells.
//!
//! Thin on purpose: objects wrap core types, records come from the core (derived there behind
//! its `uniffi` feature), and every failure is one `ZhifaError` with a zh-CN message an
//! officer can read. No domain logic lives here.

mod cases;
mod catalogue;
mod codes;
mod discretion;
mod documents;
mod error;
mod evidence;
mod inspections;
mod on_the_spot;
mod platform;
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
pub use platform::{PlatformClock, PlatformError, PlatformKeyWrapper, PlatformKeystore};
pub use store::{QuarantineReport, StoreConfig, ZhifaStore};
pub use sync::{default_sync_options, RefusedDocument, SyncObserver, SyncService};

uniffi::setup_scaffolding!();

// Calendar dates are the core's custom type (`YYYY-MM-DD` strings across the FFI).
use chrono::NaiveDate;
uniffi::use_remote_type!(zhifa_core::NaiveDate);
type UtcTime = chrono::DateTime<chrono::Utc>;
uniffi::use_remote_type!(zhifa_core::UtcTime);
