//! zhifa-core: the shared core of the zhifa field-enforcement app. All domain rules and
//! records live here; the FFI crate and the sync server are thin layers over it.
//! Start with docs/ARCHITECTURE.md.

pub mod calendar;
pub mod cases;
pub mod clock;
pub mod codes;
pub mod crypto;
pub mod device;
pub mod discretion;
pub mod documents;
mod error;
pub mod events;
pub mod ids;
pub mod inspections;
pub mod numerals;
pub mod random;
pub mod records;
pub mod registry;
pub mod signed;
pub mod store;
pub mod sync;
#[cfg(feature = "testing")]
pub mod testing;
pub mod texts;

pub use error::{Error, Result};

#[cfg(feature = "uniffi")]
uniffi::setup_scaffolding!();

// Calendar dates cross the FFI as `YYYY-MM-DD` strings.
#[cfg(feature = "uniffi")]
use chrono::NaiveDate;
#[cfg(feature = "uniffi")]
uniffi::custom_type!(NaiveDate, String, {
    remote,
    try_lift: |text| Ok(text.parse::<NaiveDate>()?),
    lower: |date| date.to_string(),
});

// Instants in sync records cross the FFI as RFC 3339 strings (UTC).
#[cfg(feature = "uniffi")]
type UtcTime = chrono::DateTime<chrono::Utc>;
#[cfg(feature = "uniffi")]
uniffi::custom_type!(UtcTime, String, {
    remote,
    try_lift: |text| Ok(chrono::DateTime::parse_from_rfc3339(&text)?.with_timezone(&chrono::Utc)),
    lower: |time| time.to_rfc3339(),
});

// The facts of a case cross the FFI as a list of typed facts.
#[cfg(feature = "uniffi")]
use discretion::{Fact, Facts};
#[cfg(feature = "uniffi")]
uniffi::custom_type!(Facts, Vec<Fact>, {
    try_lift: |facts| Ok(facts.into_iter().collect()),
    lower: |facts| facts.to_list(),
});
