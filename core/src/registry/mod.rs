//! The reference catalogue (执法事项目录 and what it refers to): bodies, items, officers,
//! regulations and enterprises for this device's jurisdiction, rebuilt only from signed bundles.

mod bundle;
pub mod generate;
mod lookup;
mod model;
mod search;
mod write;

use std::sync::Arc;

use rusqlite::Connection;

/// The catalogue's scope rules, for the server that cuts bundles by scope.
pub use crate::ids::{division_in_scope, is_division_code, jurisdiction_overlaps};
pub use bundle::{
    open_bundle, sign_bundle, validate_rows, BundleBody, BundleRefusal, RowProblem,
    BUNDLE_CONTENT_TYPE, BUNDLE_FORMAT, MAX_BUNDLE_BYTES,
};
pub use lookup::ArticleText;
pub use model::{
    AgencyKey, Article, CatalogueData, CreditGrade, EnforcementBody, EnforcementItem, Enterprise,
    ItemKind, KeyPurpose, Officer, OfficerRole, RecordKind, Regulation, RegulationLevel, Removals,
    Revocation, RevocationTarget,
};
pub use search::{SearchHit, SearchHitKind};

use crate::crypto::PublicKey;
use crate::signed;
use crate::store::{get_meta, set_meta, Store, StoreError};

const VERSION_META: &str = "catalogue.version";
const SCOPE_META: &str = "catalogue.scope";
const ISSUED_META: &str = "catalogue.issued_at";

#[derive(Debug, thiserror::Error)]
pub enum RegistryError {
    #[error(transparent)]
    Refused(#[from] BundleRefusal),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("a jurisdiction is a non-empty list of GB/T 2260 division codes")]
    BadJurisdiction,
}

impl RegistryError {
    /// What to tell an officer.
    pub fn message_zh(&self) -> String {
        match self {
            RegistryError::Refused(refusal) => refusal.message_zh(),
            RegistryError::Store(e) => e.message_zh().into(),
            RegistryError::BadJurisdiction => crate::texts::registry::BAD_JURISDICTION.into(),
        }
    }
}

impl From<rusqlite::Error> for RegistryError {
    fn from(error: rusqlite::Error) -> Self {
        RegistryError::Store(error.into())
    }
}

/// What applying a bundle changed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BundleReport {
    pub version: i64,
    pub full: bool,
    pub records_written: i64,
    pub records_removed: i64,
    /// Enterprises whose credit code is well formed but fails its check character: accepted,
    /// and shown to a person.
    pub flagged_credit_codes: Vec<String>,
}

/// Record counts, for status screens and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CatalogueCounts {
    pub bodies: i64,
    pub items: i64,
    pub officers: i64,
    pub regulations: i64,
    pub articles: i64,
    pub enterprises: i64,
}

/// The catalogue of one device: its jurisdiction and the authority keys pinned in the app.
pub struct Registry {
    store: Arc<Store>,
    jurisdiction: Vec<String>,
    authorities: Vec<PublicKey>,
}

impl Registry {
    pub fn new(
        store: Arc<Store>,
        jurisdiction: Vec<String>,
        authorities: Vec<PublicKey>,
    ) -> Result<Registry, RegistryError> {
        if jurisdiction.is_empty() || !jurisdiction.iter().all(|d| is_division_code(d)) {
            return Err(RegistryError::BadJurisdiction);
        }
        let mut jurisdiction = jurisdiction;
        jurisdiction.sort();
        jurisdiction.dedup();
        Ok(Registry {
            store,
            jurisdiction,
            authorities,
        })
    }

    pub fn jurisdiction(&self) -> &[String] {
        &self.jurisdiction
    }

    /// The catalogue version held; 0 before the first bundle.
    pub fn version(&self) -> Result<u64, RegistryError> {
        Ok(self.store.read(current_version)?)
    }

    /// Verifies a bundle completely, then applies it in one transaction. A refused bundle
    /// changes nothing.
    pub fn apply_bundle(&self, bytes: &[u8]) -> Result<BundleReport, RegistryError> {
        let body = open_bundle(bytes, &self.authorities)?;
        let mut scope = body.scope.clone();
        scope.sort();
        scope.dedup();
        if scope != self.jurisdiction {
            return Err(BundleRefusal::WrongScope.into());
        }
        let flagged = validate_rows(&body)?;

        self.store.write(|tx| {
            let current = current_version(tx)?;
            match body.base_version {
                _ if body.version <= current => {
                    return Err(BundleRefusal::Stale {
                        current,
                        offered: body.version,
                    }
                    .into());
                }
                Some(base)
                    if base != current
                        || stored_scope(tx)?.as_ref() != Some(&self.jurisdiction) =>
                {
                    return Err(BundleRefusal::BaseMismatch { current, base }.into());
                }
                _ => {}
            }
            if body.is_full() {
                write::clear(tx)?;
            }
            let written = write::write_records(tx, &body.upserts, &flagged)?;
            let removed = write::remove_records(tx, &body.removals)?;
            set_meta(tx, VERSION_META, &body.version.to_string())?;
            set_meta(
                tx,
                SCOPE_META,
                &serde_json::to_string(&self.jurisdiction).expect("strings serialise"),
            )?;
            set_meta(tx, ISSUED_META, &body.issued_at.to_rfc3339())?;
            Ok(BundleReport {
                version: signed::to_i64(body.version),
                full: body.is_full(),
                records_written: signed::to_i64(written),
                records_removed: signed::to_i64(removed),
                flagged_credit_codes: flagged.clone(),
            })
        })
    }

    /// Ranked full-text search over items, regulations and articles.
    pub fn search(&self, query: &str, limit: u32) -> Result<Vec<SearchHit>, RegistryError> {
        Ok(self.store.read(|c| search::search(c, query, limit))?)
    }

    pub fn counts(&self) -> Result<CatalogueCounts, RegistryError> {
        Ok(self.store.read(|c| {
            let count = |table: &str| -> Result<i64, rusqlite::Error> {
                c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
            };
            Ok::<_, rusqlite::Error>(CatalogueCounts {
                bodies: count("enforcement_body")?,
                items: count("enforcement_item")?,
                officers: count("officer")?,
                regulations: count("regulation")?,
                articles: count("regulation_article")?,
                enterprises: count("enterprise")?,
            })
        })?)
    }
}

fn current_version(conn: &Connection) -> Result<u64, StoreError> {
    Ok(get_meta(conn, VERSION_META)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

fn stored_scope(conn: &Connection) -> Result<Option<Vec<String>>, StoreError> {
    Ok(get_meta(conn, SCOPE_META)?.and_then(|json| serde_json::from_str(&json).ok()))
}
