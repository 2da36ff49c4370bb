//! What every request handler shares: the catalogue, the keys, the database, the loaded
//! documents and the rate limiters.

use std::sync::Arc;

use crate::agencies::AgencyKeys;
use crate::authority::AuthorityKey;
use crate::catalogue::CatalogueStore;
use crate::docs::Documents;
use crate::limits::Limiters;
use crate::storage::Database;

#[derive(Clone)]
pub struct AppState {
    pub catalogue: Arc<CatalogueStore>,
    pub authority: Arc<AuthorityKey>,
    pub agencies: Arc<AgencyKeys>,
    pub db: Arc<dyn Database>,
    pub documents: Arc<Documents>,
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    /// The bearer token `/metrics` asks for on the public port (absent: not served there).
    pub metrics_token: Option<String>,
    pub limiters: Arc<Limiters>,
    /// The supervision index's projector for the catalogue as published.
    pub projection: Arc<crate::supervision::index::Projection>,
    pub blob_limits: crate::blobs::Limits,
    /// Indicator figures already computed (`supervision::indicators::cache`).
    pub figures: Arc<crate::supervision::indicators::FigureCache>,
}
