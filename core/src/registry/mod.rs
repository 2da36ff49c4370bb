//! The reference catalogue (执法事项目录 and what it refers to): bodies, items, officers,
//! regulations and enterprises for this device's jurisdiction, rebuilt only from signed bundles.

mod bundle;
pub mod generate;
mod model;
mod search;

use std::sync::Arc;

use rusqlite::{Connection, OptionalExtension, Transaction};

pub use bundle::{
    open_bundle, sign_bundle, validate_rows, BundleBody, BundleRefusal, RowProblem,
    BUNDLE_CONTENT_TYPE, BUNDLE_FORMAT, MAX_BUNDLE_BYTES,
};
pub use model::{
    AgencyKey, Article, CatalogueData, CreditGrade, EnforcementBody, EnforcementItem, Enterprise,
    ItemKind, KeyPurpose, Officer, RecordKind, Regulation, RegulationLevel, Removals, Revocation,
    RevocationTarget,
};
pub use search::{SearchHit, SearchHitKind};
/// The catalogue's scope rules, for the server that cuts bundles by scope.
pub use crate::ids::{division_in_scope, is_division_code, jurisdiction_overlaps};

use chrono::{DateTime, Utc};

use crate::crypto::{KeyId, PublicKey};
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

impl From<rusqlite::Error> for RegistryError {
    fn from(error: rusqlite::Error) -> Self {
        RegistryError::Store(error.into())
    }
}

/// What applying a bundle changed.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct BundleReport {
    pub version: u64,
    pub full: bool,
    pub records_written: u64,
    pub records_removed: u64,
    /// Enterprises whose credit code is well formed but fails its check character: accepted,
    /// and shown to a person.
    pub flagged_credit_codes: Vec<String>,
}

/// Record counts, for status screens and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CatalogueCounts {
    pub bodies: u64,
    pub items: u64,
    pub officers: u64,
    pub regulations: u64,
    pub articles: u64,
    pub enterprises: u64,
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
                clear(tx)?;
            }
            let written = write_records(tx, &body.upserts, &flagged)?;
            let removed = remove_records(tx, &body.removals)?;
            set_meta(tx, VERSION_META, &body.version.to_string())?;
            set_meta(
                tx,
                SCOPE_META,
                &serde_json::to_string(&self.jurisdiction).expect("strings serialise"),
            )?;
            set_meta(tx, ISSUED_META, &body.issued_at.to_rfc3339())?;
            Ok(BundleReport {
                version: body.version,
                full: body.is_full(),
                records_written: written,
                records_removed: removed,
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
            let count = |table: &str| -> Result<u64, rusqlite::Error> {
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

    pub fn item(&self, code: &str) -> Result<Option<EnforcementItem>, RegistryError> {
        self.store.read(|c| {
            let row = c
                .query_row(
                    "SELECT code, name, sector, kind, legal_basis FROM enforcement_item WHERE code = ?1",
                    [code],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?, r.get(4)?)),
                )
                .optional()?;
            row.map(|(code, name, sector, kind, legal_basis)| {
                Ok(EnforcementItem {
                    code,
                    name,
                    sector,
                    kind: ItemKind::parse(&kind).ok_or_else(|| decode("item kind"))?,
                    legal_basis,
                })
            })
            .transpose()
        })
    }

    pub fn body(&self, id: &str) -> Result<Option<EnforcementBody>, RegistryError> {
        Ok(self.store.read(|c| {
            c.query_row(
                "SELECT id, name, division FROM enforcement_body WHERE id = ?1",
                [id],
                |r| {
                    Ok(EnforcementBody {
                        id: r.get(0)?,
                        name: r.get(1)?,
                        division: r.get(2)?,
                    })
                },
            )
            .optional()
        })?)
    }

    pub fn officer(&self, credential_no: &str) -> Result<Option<Officer>, RegistryError> {
        let row = self.store.read(|c| {
            c.query_row(
                "SELECT credential_no, name, body_id, divisions, items FROM officer WHERE credential_no = ?1",
                [credential_no],
                |r| Ok((r.get::<_, String>(0)?, r.get(1)?, r.get(2)?, r.get::<_, String>(3)?, r.get::<_, String>(4)?)),
            )
            .optional()
        })?;
        row.map(|(credential_no, name, body_id, divisions, items)| {
            Ok(Officer {
                credential_no,
                name,
                body_id,
                divisions: decode_list(&divisions)?,
                items: decode_list(&items)?,
            })
        })
        .transpose()
    }

    pub fn enterprise(&self, credit_code: &str) -> Result<Option<Enterprise>, RegistryError> {
        self.store.read(|c| {
            let row = c
                .query_row(
                    "SELECT credit_code, name, division, industry, credit_grade FROM enterprise WHERE credit_code = ?1",
                    [credit_code],
                    |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get::<_, String>(4)?)),
                )
                .optional()?;
            row.map(|(credit_code, name, division, industry, grade)| {
                Ok(Enterprise {
                    credit_code,
                    name,
                    division,
                    industry,
                    // An unreadable grade is an error, not grade D: the planner weights by it.
                    credit_grade: CreditGrade::parse(&grade).ok_or_else(|| decode("credit grade"))?,
                })
            })
            .transpose()
        })
    }

    /// Working days by the holiday calendars this catalogue holds.
    pub fn working_days(&self) -> Result<crate::cases::WorkingDays, RegistryError> {
        let calendars: Vec<crate::cases::HolidayCalendar> = self.store.read(|c| {
            let mut statement =
                c.prepare_cached("SELECT json FROM holiday_calendar ORDER BY year")?;
            let rows = statement
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            rows.iter()
                .map(|json| serde_json::from_str(json).map_err(|_| decode("holiday calendar")))
                .collect::<Result<Vec<_>, RegistryError>>()
        })?;
        Ok(crate::cases::WorkingDays::new(&calendars))
    }

    /// The discretion engine over the baselines this catalogue holds.
    pub fn discretion_engine(&self) -> Result<crate::discretion::DiscretionEngine, RegistryError> {
        fn all<T: serde::de::DeserializeOwned>(
            c: &Connection,
            table: &str,
        ) -> Result<Vec<T>, RegistryError> {
            let mut statement = c.prepare(&format!("SELECT json FROM {table}"))?;
            let rows = statement
                .query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()?;
            rows.iter()
                .map(|json| serde_json::from_str(json).map_err(|_| decode(table)))
                .collect()
        }
        let (violations, documents, thresholds) = self.store.read(|c| {
            Ok::<_, RegistryError>((
                all(c, "violation")?,
                all(c, "baseline_document")?,
                all(c, "hearing_threshold")?,
            ))
        })?;
        crate::discretion::DiscretionEngine::new(violations, documents, thresholds)
            .map_err(|_| decode("baseline condition"))
    }

    /// When the authority issued the catalogue held: the age of the trust list.
    pub fn issued_at(&self) -> Result<Option<DateTime<Utc>>, RegistryError> {
        Ok(self
            .store
            .read(|c| get_meta(c, ISSUED_META))?
            .and_then(|text| text.parse().ok()))
    }

    /// Every trust-list key with this key id (ids may collide; verifiers try each).
    pub fn agency_keys(&self, key_id: &KeyId) -> Result<Vec<AgencyKey>, RegistryError> {
        let rows = self.store.read(|c| {
            let mut statement = c.prepare_cached(
                "SELECT key_id, agency_id, public_key, purpose, valid_from, valid_until, divisions
                 FROM agency_key WHERE key_id = ?1",
            )?;
            let rows = statement
                .query_map([key_id.to_string()], |r| {
                    Ok((
                        r.get::<_, String>(0)?,
                        r.get::<_, String>(1)?,
                        r.get::<_, String>(2)?,
                        r.get::<_, String>(3)?,
                        r.get::<_, String>(4)?,
                        r.get::<_, String>(5)?,
                        r.get::<_, String>(6)?,
                    ))
                })?
                .collect::<Result<Vec<_>, _>>();
            rows
        })?;
        rows.into_iter()
            .map(
                |(key_id, agency_id, public_key, purpose, from, until, divisions)| {
                    Ok(AgencyKey {
                        key_id,
                        agency_id,
                        public_key,
                        purpose: KeyPurpose::parse(&purpose)
                            .ok_or_else(|| decode("key purpose"))?,
                        valid_from: from.parse().map_err(|_| decode("key validity"))?,
                        valid_until: until.parse().map_err(|_| decode("key validity"))?,
                        divisions: decode_list(&divisions)?,
                    })
                },
            )
            .collect()
    }

    /// Whether a duty credential is revoked, by the hash of its id.
    pub fn credential_revoked(&self, id_hash: &str) -> Result<bool, RegistryError> {
        Ok(self.store.read(|c| {
            c.query_row(
                "SELECT EXISTS (SELECT 1 FROM revocation WHERE kind = 'credential' AND subject = ?1)",
                [id_hash],
                |r| r.get(0),
            )
        })?)
    }

    /// The latest "revoke everything issued before T" for this credential number.
    pub fn subject_revoked_before(
        &self,
        subject: &str,
    ) -> Result<Option<DateTime<Utc>>, RegistryError> {
        let before: Option<String> = self.store.read(|c| {
            c.query_row(
                "SELECT max(before) FROM revocation WHERE kind = 'subject_before' AND subject = ?1",
                [subject],
                |r| r.get(0),
            )
        })?;
        before
            .map(|t| t.parse().map_err(|_| decode("revocation time")))
            .transpose()
    }

    /// The lowest enterprise-code serial still valid for this credit code, if any was retired.
    pub fn enterprise_min_serial(&self, credit_code: &str) -> Result<Option<u32>, RegistryError> {
        Ok(self.store.read(|c| {
            c.query_row(
                "SELECT max(min_serial) FROM revocation WHERE kind = 'enterprise_serial' AND subject = ?1",
                [credit_code],
                |r| r.get(0),
            )
        })?)
    }

    pub fn regulation(&self, id: &str) -> Result<Option<Regulation>, RegistryError> {
        self.store.read(|c| {
            let head = c
                .query_row(
                    "SELECT id, title, level, issuer, effective, repealed FROM regulation WHERE id = ?1",
                    [id],
                    |r| {
                        Ok((
                            r.get::<_, String>(0)?,
                            r.get::<_, String>(1)?,
                            r.get::<_, String>(2)?,
                            r.get::<_, String>(3)?,
                            r.get::<_, String>(4)?,
                            r.get::<_, Option<String>>(5)?,
                        ))
                    },
                )
                .optional()?;
            let Some((id, title, level, issuer, effective, repealed)) = head else {
                return Ok(None);
            };
            let mut statement =
                c.prepare_cached("SELECT number, text FROM regulation_article WHERE regulation_id = ?1 ORDER BY ordinal")?;
            let articles = statement
                .query_map([&id], |r| Ok(Article { number: r.get(0)?, text: r.get(1)? }))?
                .collect::<Result<Vec<_>, _>>()?;
            Ok(Some(Regulation {
                id,
                title,
                level: RegulationLevel::parse(&level).ok_or_else(|| decode("regulation level"))?,
                issuer,
                effective: effective.parse().map_err(|_| decode("effective date"))?,
                repealed: repealed.map(|d| d.parse()).transpose().map_err(|_| decode("repeal date"))?,
                articles,
            }))
        })
    }
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("records serialise")
}

fn decode(what: &str) -> RegistryError {
    RegistryError::Store(StoreError::Decode(what.to_owned()))
}

fn decode_list(json: &str) -> Result<Vec<String>, RegistryError> {
    serde_json::from_str(json).map_err(|_| decode("list column"))
}

fn current_version(conn: &Connection) -> Result<u64, StoreError> {
    Ok(get_meta(conn, VERSION_META)?
        .and_then(|v| v.parse().ok())
        .unwrap_or(0))
}

fn stored_scope(conn: &Connection) -> Result<Option<Vec<String>>, StoreError> {
    Ok(get_meta(conn, SCOPE_META)?.and_then(|json| serde_json::from_str(&json).ok()))
}

fn clear(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute_batch(
        "DELETE FROM enforcement_body; DELETE FROM enforcement_item; DELETE FROM officer;
         DELETE FROM regulation; DELETE FROM regulation_article; DELETE FROM enterprise;
         DELETE FROM agency_key; DELETE FROM revocation;
         DELETE FROM violation; DELETE FROM baseline_document; DELETE FROM hearing_threshold;
         DELETE FROM holiday_calendar;",
    )?;
    search::clear(tx)
}

fn write_records(
    tx: &Transaction<'_>,
    data: &CatalogueData,
    flagged: &[String],
) -> Result<u64, StoreError> {
    let mut rowids = search::RowidAllocator::new(tx)?;
    let mut statement = tx.prepare_cached(
        "INSERT OR REPLACE INTO enforcement_body (id, name, division) VALUES (?1, ?2, ?3)",
    )?;
    for body in &data.bodies {
        statement.execute((&body.id, &body.name, &body.division))?;
    }

    let mut statement = tx.prepare_cached(
        "INSERT OR REPLACE INTO enforcement_item (code, name, sector, kind, legal_basis) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for item in &data.items {
        statement.execute((
            &item.code,
            &item.name,
            &item.sector,
            item.kind.as_str(),
            &item.legal_basis,
        ))?;
        search::unindex_item(tx, &item.code)?;
        search::index_item(tx, &mut rowids, item)?;
    }

    let mut statement = tx.prepare_cached(
        "INSERT OR REPLACE INTO officer (credential_no, name, body_id, divisions, items) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for officer in &data.officers {
        let divisions = serde_json::to_string(&officer.divisions).expect("strings serialise");
        let items = serde_json::to_string(&officer.items).expect("strings serialise");
        statement.execute((
            &officer.credential_no,
            &officer.name,
            &officer.body_id,
            divisions,
            items,
        ))?;
    }

    let mut statement = tx.prepare_cached(
        "INSERT OR REPLACE INTO regulation (id, title, level, issuer, effective, repealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut article_statement = tx.prepare_cached(
        "INSERT INTO regulation_article (regulation_id, ordinal, number, text) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for regulation in &data.regulations {
        statement.execute((
            &regulation.id,
            &regulation.title,
            regulation.level.as_str(),
            &regulation.issuer,
            regulation.effective.to_string(),
            regulation.repealed.map(|d| d.to_string()),
        ))?;
        tx.prepare_cached("DELETE FROM regulation_article WHERE regulation_id = ?1")?
            .execute([&regulation.id])?;
        for (ordinal, article) in regulation.articles.iter().enumerate() {
            article_statement.execute((
                &regulation.id,
                ordinal as i64,
                &article.number,
                &article.text,
            ))?;
        }
        search::unindex_regulation(tx, &regulation.id)?;
        search::index_regulation(tx, &mut rowids, regulation)?;
    }

    let mut statement = tx.prepare_cached(
        "INSERT OR REPLACE INTO enterprise (credit_code, name, division, industry, credit_grade, check_flagged)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for enterprise in &data.enterprises {
        statement.execute((
            &enterprise.credit_code,
            &enterprise.name,
            &enterprise.division,
            &enterprise.industry,
            enterprise.credit_grade.as_str(),
            flagged.contains(&enterprise.credit_code),
        ))?;
    }

    let mut statement = tx.prepare_cached(
        "INSERT OR REPLACE INTO agency_key
         (public_key, key_id, agency_id, purpose, valid_from, valid_until, divisions)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for key in &data.agency_keys {
        statement.execute((
            &key.public_key,
            &key.key_id,
            &key.agency_id,
            key.purpose.as_str(),
            key.valid_from.to_rfc3339(),
            key.valid_until.to_rfc3339(),
            serde_json::to_string(&key.divisions).expect("strings serialise"),
        ))?;
    }

    let mut statement = tx.prepare_cached(
        "INSERT OR REPLACE INTO revocation (id, kind, subject, before, min_serial, expires)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for revocation in &data.revocations {
        let (kind, subject, before, min_serial) = match &revocation.target {
            RevocationTarget::Credential { id_hash } => ("credential", id_hash, None, None),
            RevocationTarget::SubjectBefore { subject, before } => {
                ("subject_before", subject, Some(before.to_rfc3339()), None)
            }
            RevocationTarget::EnterpriseSerial {
                credit_code,
                min_serial,
            } => ("enterprise_serial", credit_code, None, Some(*min_serial)),
        };
        let expires = revocation.expires.to_rfc3339();
        statement.execute((&revocation.id, kind, subject, before, min_serial, expires))?;
    }

    for violation in &data.violations {
        tx.prepare_cached(
            "INSERT OR REPLACE INTO violation (code, item_code, json) VALUES (?1, ?2, ?3)",
        )?
        .execute((&violation.code, &violation.item_code, to_json(violation)))?;
    }
    for document in &data.baseline_documents {
        tx.prepare_cached("INSERT OR REPLACE INTO baseline_document (id, json) VALUES (?1, ?2)")?
            .execute((&document.id, to_json(document)))?;
    }
    for calendar in &data.holiday_calendars {
        tx.prepare_cached("INSERT OR REPLACE INTO holiday_calendar (year, json) VALUES (?1, ?2)")?
            .execute((calendar.year, to_json(calendar)))?;
    }
    for threshold in &data.hearing_thresholds {
        tx.prepare_cached("INSERT OR REPLACE INTO hearing_threshold (id, json) VALUES (?1, ?2)")?
            .execute((&threshold.id, to_json(threshold)))?;
    }

    Ok((data.bodies.len()
        + data.items.len()
        + data.officers.len()
        + data.regulations.len()
        + data.enterprises.len()
        + data.agency_keys.len()
        + data.revocations.len()
        + data.violations.len()
        + data.baseline_documents.len()
        + data.hearing_thresholds.len()
        + data.holiday_calendars.len()) as u64)
}

fn remove_records(tx: &Transaction<'_>, removals: &Removals) -> Result<u64, StoreError> {
    let mut removed = 0;
    let mut delete = |sql: &str, keys: &[String]| -> Result<(), StoreError> {
        let mut statement = tx.prepare_cached(sql)?;
        for key in keys {
            removed += statement.execute([key])? as u64;
        }
        Ok(())
    };
    delete(
        "DELETE FROM enforcement_body WHERE id = ?1",
        &removals.bodies,
    )?;
    delete(
        "DELETE FROM enforcement_item WHERE code = ?1",
        &removals.items,
    )?;
    delete(
        "DELETE FROM officer WHERE credential_no = ?1",
        &removals.officers,
    )?;
    delete(
        "DELETE FROM regulation WHERE id = ?1",
        &removals.regulations,
    )?;
    delete(
        "DELETE FROM enterprise WHERE credit_code = ?1",
        &removals.enterprises,
    )?;
    delete(
        "DELETE FROM agency_key WHERE public_key = ?1",
        &removals.agency_keys,
    )?;
    delete(
        "DELETE FROM revocation WHERE id = ?1",
        &removals.revocations,
    )?;
    delete(
        "DELETE FROM violation WHERE code = ?1",
        &removals.violations,
    )?;
    delete(
        "DELETE FROM baseline_document WHERE id = ?1",
        &removals.baseline_documents,
    )?;
    delete(
        "DELETE FROM hearing_threshold WHERE id = ?1",
        &removals.hearing_thresholds,
    )?;
    for code in &removals.items {
        search::unindex_item(tx, code)?;
    }
    for id in &removals.regulations {
        tx.prepare_cached("DELETE FROM regulation_article WHERE regulation_id = ?1")?
            .execute([id])?;
        search::unindex_regulation(tx, id)?;
    }
    Ok(removed)
}
