//! zhifa-sync-server: the server the devices sync with. It keeps the versioned reference
//! catalogue (served as signed bundles cut to each device's jurisdiction), enrols devices,
//! syncs their case and inspection documents, takes their signed events and evidence, hands
//! out case-number blocks and duty credentials, and projects what they sync into the supervision
//! index the justice bureaus' indicators, warnings and case-file reviews read (`supervision`).
//! Storage is one trait with two backends: SQLite (embedded) and PostgreSQL (replicas).

pub mod agencies;
pub mod api;
pub mod authority;
pub mod blobs;
pub mod catalogue;
pub mod citations;
pub mod credentials;
pub mod demo;
pub mod devices;
pub mod docs;
pub mod error;
pub mod events;
pub mod http;
mod keyfile;
pub mod limits;
pub mod numbers;
pub mod plans;
pub mod server;
pub mod state;
pub mod storage;
pub mod supervision;
pub mod web;

pub use agencies::AgencyKeys;
pub use authority::AuthorityKey;
pub use catalogue::CatalogueStore;
pub use error::ServerError;
pub use http::router;
pub use state::AppState;
