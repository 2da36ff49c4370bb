//! The simulated city-year: a deterministic year of enforcement over the full-scale generated
//! catalogue (3,508 bodies, 54,186 officers), with anomalies injected at known scopes and
//! recorded as ground truth, loaded through the real projection and scored against the
//! warning rules.
//!
//! - `config`: the scale, seed and year; the city's mean rates.
//! - `world`: what the generator needs of the catalogue (bodies, officers, towns, the
//!   enterprises each body regulates, the discretion engine's outcomes, cached).
//! - `cases`, `inspections`: one case file, one inspection with its visit, built as real
//!   core values.
//! - `anomalies`: the plan of injected anomalies, by body, and their truth.
//! - `year`: the generator, streaming one body's year at a time.
//! - `truth`: `truth.json`, the scopes each warning rule must fire on.
//! - `load`: writing a year into a server's database through the real projection.
//! - `evaluate`: the warning rules' precision and recall against the truth.
//! - `demo`: the demo year over the shipped demo catalogue (`serve --demo`).
//! - `documents`, `synced`: a year stored as the documents a sync leaves, then projected;
//!   `evidence`: generated photographs cited by signed evidence entries.

pub mod anomalies;
pub mod cases;
pub mod config;
pub mod demo;
pub mod documents;
pub mod evaluate;
pub mod evidence;
pub mod inspections;
pub mod load;
pub mod synced;
pub mod truth;
pub mod world;
pub mod year;

pub use config::{CityScale, CityYear, CASES_PER_BODY_YEAR, INSPECTIONS_PER_BODY_YEAR};
pub use load::simulate;
