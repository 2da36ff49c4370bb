//! Supervision (执法监督) over what the phones sync: the justice bureaus' view.
//!
//! - `schema`: the supervision tables, the contract between the parts below.
//! - `index`: projects each stored case and inspection document and each event into index
//!   rows, incrementally in the transaction that stores the change; rebuilt by an admin command.
//! - `indicators`: indicators as data (`sync-server/supervision/indicators.toml`), computed
//!   over the index by dimension (city → district → body → officer, sector) and period.
//! - `warnings`: rules as data (`sync-server/supervision/warnings.toml`) with robust
//!   statistics, each firing kept with its evidence and its lifecycle.
//! - `review`: case-file review (案卷评查), by seeded sample or all.
//! - `outcomes`: reconsideration and litigation results imported from CSV.
//! - `api`: `/v1/supervision/…` for supervisors, scoped to their jurisdiction; exports.
//! - `accounts`: supervisors' console accounts (Argon2id, lockout) and browser sessions.
//! - `supervisor`: who a request comes from (`Supervisor`) and what its `Role` may do.
//! - `scope`: whose data a supervisor sees (city, district, body), applied in every query.
//!
//! `docs/SUPERVISION.md` lists every indicator and rule with its definition.

pub mod accounts;
pub mod api;
pub mod index;
pub mod indicators;
pub mod outcomes;
pub mod review;
pub(crate) mod schema;
pub mod scope;
pub mod simulate;
pub mod supervisor;
pub mod warnings;

pub use scope::Scope;
