//! Agency signing keys the server holds: one private key file per (agency, purpose) under
//! `<data-dir>/agency-keys/`, with its trust-list record beside it. Every publish carries the
//! records, so devices learn new keys with the catalogue.

use std::path::{Path, PathBuf};

use chrono::{Duration, Utc};
use zhifa_core::crypto::{Algorithm, Signer, SigningKey};
use zhifa_core::registry::{AgencyKey, KeyPurpose};

use crate::error::ServerError;
use crate::keyfile;

/// A signing period; codes.md caps it at a year.
const KEY_VALIDITY_DAYS: i64 = 365;

pub struct AgencyKeys {
    dir: PathBuf,
}

impl AgencyKeys {
    pub fn open(data_dir: &Path) -> AgencyKeys {
        AgencyKeys {
            dir: data_dir.join("agency-keys"),
        }
    }

    /// `<dir>/<agency>.<purpose>.key` (private) or `.json` (trust-list record).
    fn path(&self, agency_id: &str, purpose: KeyPurpose, extension: &str) -> PathBuf {
        self.dir
            .join(format!("{agency_id}.{}.{extension}", purpose.as_str()))
    }

    /// Creates the key of `agency_id` for `purpose`, signing for `divisions` for a year.
    pub fn create(
        &self,
        agency_id: &str,
        purpose: KeyPurpose,
        divisions: Vec<String>,
    ) -> Result<AgencyKey, ServerError> {
        let key = SigningKey::generate(Algorithm::EdDSA);
        keyfile::create(&self.path(agency_id, purpose, "key"), &key)?;
        let public = key.public_key();
        let now = Utc::now();
        let record = AgencyKey {
            key_id: public.key_id().to_string(),
            agency_id: agency_id.to_owned(),
            public_key: hex::encode(public.to_spki_der()),
            purpose,
            valid_from: now - Duration::minutes(5),
            valid_until: now + Duration::days(KEY_VALIDITY_DAYS),
            divisions,
        };
        let json = serde_json::to_string_pretty(&record).expect("record serialises");
        std::fs::write(self.path(agency_id, purpose, "json"), json)?;
        Ok(record)
    }

    pub fn exists(&self, agency_id: &str, purpose: KeyPurpose) -> bool {
        self.path(agency_id, purpose, "key").exists()
    }

    /// Every trust-list record the server holds.
    pub fn records(&self) -> Result<Vec<AgencyKey>, ServerError> {
        let Ok(entries) = std::fs::read_dir(&self.dir) else {
            return Ok(Vec::new());
        };
        let mut records = Vec::new();
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "json") {
                let text = std::fs::read_to_string(&path)?;
                records.push(serde_json::from_str(&text).map_err(|_| {
                    ServerError::Config(format!("{} is not a trust-list record", path.display()))
                })?);
            }
        }
        records.sort_by(|a: &AgencyKey, b| a.public_key.cmp(&b.public_key));
        Ok(records)
    }

    /// The private key of `agency_id` for `purpose`.
    pub fn signer(&self, agency_id: &str, purpose: KeyPurpose) -> Result<SigningKey, ServerError> {
        keyfile::load(&self.path(agency_id, purpose, "key"))
    }

    /// The agency holding an enterprise-code key that covers `division`.
    pub fn enterprise_code_issuer(&self, division: &str) -> Result<String, ServerError> {
        self.records()?
            .into_iter()
            .find(|r| {
                r.purpose == KeyPurpose::EnterpriseCode
                    && r.divisions.iter().any(|d| division.starts_with(d.as_str()))
            })
            .map(|r| r.agency_id)
            .ok_or_else(|| {
                ServerError::Config(format!("no enterprise-code key covers division {division}"))
            })
    }
}
