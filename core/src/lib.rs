//! zhifa-core: the shared core of the zhifa field-enforcement app. All domain rules and
//! records live here; the FFI crate and the sync server are thin layers over it.
//! Start with docs/ARCHITECTURE.md.

pub mod clock;
pub mod codes;
pub mod crypto;
pub mod device;
pub mod discretion;
mod error;
pub mod events;
pub mod registry;
pub mod store;
pub mod texts;

pub use error::{Error, Result};

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();
