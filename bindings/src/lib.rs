//! zhifa-ffi: the UniFFI surface of zhifa-core for the Android (Kotlin) and iOS (Swift) shells.
//!
//! Thin on purpose: objects wrap core types, records come from the core (derived there behind
//! its `uniffi` feature), and every failure is one `ZhifaError` with a zh-CN message an
//! officer can read. No domain logic lives here.

mod error;
mod store;

pub use error::{BundleRejection, ZhifaError};
pub use store::{StoreConfig, ZhifaStore};

uniffi::setup_scaffolding!();
