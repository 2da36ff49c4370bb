//! zhifa-sync-server: the server the devices sync with. This first cut keeps the versioned
//! reference catalogue and serves it as signed bundles, full or delta, cut to each device's
//! jurisdiction.

pub mod agencies;
pub mod authority;
pub mod catalogue;
pub mod http;
mod keyfile;

pub use agencies::AgencyKeys;
pub use authority::AuthorityKey;
pub use catalogue::{CatalogueStore, ServerError};
pub use http::{router, AppState};
