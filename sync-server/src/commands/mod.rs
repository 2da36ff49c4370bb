//! The administrator's commands, one module per group; `main.rs` only dispatches.

pub mod agencies;
pub mod baseline;
pub mod catalogue;
pub mod devices;
pub mod inspections;
pub mod reports;
pub mod serve;
pub mod supervision;
