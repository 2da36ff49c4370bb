//! The two-code visit (两码互核): the officer scans the enterprise code, shows an enforcement
//! code bound to that enterprise, and the device signs a record of it. The enterprise side
//! logs its own verification; the server matches the two.

use serde::{Deserialize, Serialize};

/// A position fix from the phone.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct GpsFix {
    pub latitude: f64,
    pub longitude: f64,
    /// Radius of the 68 % confidence circle, metres.
    pub accuracy_m: f64,
}

/// The officer device's record of a visit, signed and queued as an event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VisitRecord {
    pub id: String,
    pub credit_code: String,
    /// Hex SHA-256 of the scanned enterprise code and of the enforcement code shown.
    pub enterprise_code_hash: String,
    pub enforcement_code_hash: String,
    /// The time step of the enforcement code shown.
    pub step: u64,
    /// The officer holding the device and the others present (credential numbers).
    pub officer: String,
    pub officers_present: Vec<String>,
    pub gps: Option<GpsFix>,
    /// Trusted time, the phone's own clock, and whether the first was anchored.
    pub opened_at: chrono::DateTime<chrono::Utc>,
    pub wall_time: chrono::DateTime<chrono::Utc>,
    pub clock_trusted: bool,
}

/// The enterprise side's record of one verification, valid or refused.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct VerificationRecord {
    pub id: String,
    pub code_hash: String,
    pub verifier_credit_code: Option<String>,
    /// The officer and step, when the code could be read that far.
    pub credential_no: Option<String>,
    pub step: Option<u64>,
    /// `None` when valid; the refusal's name otherwise.
    pub refusal: Option<String>,
    pub verified_at: chrono::DateTime<chrono::Utc>,
    pub wall_time: chrono::DateTime<chrono::Utc>,
    pub clock_trusted: bool,
}
