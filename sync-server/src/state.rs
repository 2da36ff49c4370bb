//! What every request handler shares: the catalogue, the keys, the database and the loaded
//! documents.

use std::sync::Arc;

use crate::agencies::AgencyKeys;
use crate::authority::AuthorityKey;
use crate::catalogue::CatalogueStore;
use crate::docs::Documents;
use crate::storage::Database;

#[derive(Clone)]
pub struct AppState {
    pub catalogue: Arc<CatalogueStore>,
    pub authority: Arc<AuthorityKey>,
    pub agencies: Arc<AgencyKeys>,
    pub db: Arc<dyn Database>,
    pub documents: Arc<Documents>,
    pub metrics: Option<metrics_exporter_prometheus::PrometheusHandle>,
    pub blob_limits: crate::blobs::Limits,
}
