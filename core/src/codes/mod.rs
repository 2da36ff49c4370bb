//! Codes shown and scanned in the field. So far: the unified social credit code that
//! identifies every enterprise; the enforcement and enterprise QR codes build on it.

pub mod uscc;

pub use uscc::{CreditCode, CreditCodeCheck, UsccError};
