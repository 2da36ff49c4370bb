//! The server's own copy of its catalogue as the core reads it (`zhifa_core::registry`), so
//! the enterprise page checks a code with exactly the app's `codes::enforcement::check`: the
//! trust list, the revocations and the catalogue, from the bundle the server itself signs.
//!
//! It lives in a private temporary directory for the process (each replica keeps its own)
//! and follows the published catalogue: before a check, a newer published version is
//! applied as a delta (or in full when the delta does not fit).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use rand_core::RngCore as _;
use zhifa_core::crypto::{DataKey, KeyWrapper, Signer as _, WrapError};
use zhifa_core::registry::{sign_bundle, Registry};
use zhifa_core::store::Store;

use crate::error::ServerError;
use crate::state::AppState;

/// The catalogue is public: the store's encryption at rest protects nothing here, so its
/// data key is kept as it is.
struct PlainKey;

impl KeyWrapper for PlainKey {
    fn wrap(&self, key: &DataKey) -> Result<Vec<u8>, WrapError> {
        Ok(key.as_bytes().to_vec())
    }

    fn unwrap(&self, wrapped: &[u8]) -> Result<DataKey, WrapError> {
        DataKey::from_bytes(wrapped)
    }
}

/// The registry and the directory it lives in (removed with it).
struct Held {
    registry: Arc<Registry>,
    dir: PathBuf,
}

impl Drop for Held {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

#[derive(Default)]
pub struct WebRegistry {
    held: Mutex<Option<Held>>,
}

impl WebRegistry {
    /// The registry at the catalogue's latest published version (blocking: call it off the
    /// async threads). One refresh at a time; checks share the result.
    pub fn current(&self, state: &AppState) -> Result<Arc<Registry>, ServerError> {
        let mut held = self.held.lock().unwrap_or_else(|p| p.into_inner());
        let published = state.catalogue.version()?;
        if let Some(existing) = held.as_ref() {
            let version = existing.registry.version().map_err(storage)?;
            if version >= published {
                return Ok(existing.registry.clone());
            }
            if apply(state, &existing.registry, Some(version)).is_ok() {
                return Ok(existing.registry.clone());
            }
        }
        // First use, or a delta that did not apply: a fresh copy from a full bundle.
        *held = None;
        let fresh = open(state)?;
        apply(state, &fresh.registry, None)?;
        let registry = fresh.registry.clone();
        *held = Some(fresh);
        Ok(registry)
    }
}

/// The provinces the catalogue's bodies sit in (two-digit divisions): the whole catalogue.
fn scope(state: &AppState) -> Result<Vec<String>, ServerError> {
    let mut scope: Vec<String> = state
        .catalogue
        .current()?
        .bodies
        .iter()
        .filter_map(|b| b.division.get(..2).map(str::to_owned))
        .collect();
    scope.sort();
    scope.dedup();
    if scope.is_empty() {
        scope.push("50".into());
    }
    Ok(scope)
}

fn open(state: &AppState) -> Result<Held, ServerError> {
    let dir = std::env::temp_dir().join(format!(
        "zhifa-web-registry-{}-{}",
        std::process::id(),
        uuid_like()
    ));
    std::fs::create_dir_all(&dir)?;
    let store = Store::open(&dir, &PlainKey).map_err(|e| ServerError::Storage(e.to_string()))?;
    let registry = Registry::new(
        Arc::new(store),
        scope(state)?,
        vec![state.authority.0.public_key()],
    )
    .map_err(storage)?;
    Ok(Held {
        registry: Arc::new(registry),
        dir,
    })
}

fn apply(state: &AppState, registry: &Registry, since: Option<u64>) -> Result<(), ServerError> {
    let Some(body) = state
        .catalogue
        .bundle_for(registry.jurisdiction(), since)
        .map_err(|e| ServerError::Storage(e.to_string()))?
    else {
        return Ok(());
    };
    let signed = sign_bundle(&body, &state.authority.0)?;
    registry.apply_bundle(&signed).map_err(storage)?;
    Ok(())
}

/// 16 random hex digits: the directory's name may not be guessed by another local user.
fn uuid_like() -> String {
    let mut bytes = [0u8; 8];
    rand_core::OsRng.fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn storage(error: impl std::fmt::Display) -> ServerError {
    ServerError::Storage(error.to_string())
}
