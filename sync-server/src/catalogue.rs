//! The server's versioned catalogue. Every record carries the version that last changed it;
//! a removed record stays as a tombstone. A full bundle is every live record in a scope; a
//! delta since v is every record changed after v: live and in scope → upsert, otherwise →
//! removal (so an enterprise that moved to another district leaves this district's devices).

use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;

use chrono::Utc;
use rusqlite::{Connection, OptionalExtension};
use serde::de::DeserializeOwned;
use serde::Serialize;
use zhifa_core::registry::{
    division_in_scope, is_division_code, jurisdiction_overlaps, BundleBody, CatalogueData,
    EnforcementBody, Enterprise, Officer, RecordKind, Removals, BUNDLE_FORMAT,
};
use zhifa_core::sync::protocol::ErrorCode;

use crate::error::{Failure, Refusal, ServerError};

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS catalogue_version (
    version      INTEGER PRIMARY KEY,
    published_at TEXT NOT NULL,
    changed      INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS catalogue_record (
    kind    TEXT NOT NULL,
    key     TEXT NOT NULL,
    version INTEGER NOT NULL,
    record  BLOB,          -- CBOR of the record; NULL once removed
    PRIMARY KEY (kind, key)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS catalogue_record_version ON catalogue_record (version);
";

/// Why the server refuses to cut a bundle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CatalogueRefusal {
    #[error("scope must be GB/T 2260 division codes")]
    BadScope,
}

impl Refusal for CatalogueRefusal {
    fn code(&self) -> ErrorCode {
        ErrorCode::BadRequest
    }
}

pub struct CatalogueStore {
    conn: Mutex<Connection>,
}

impl CatalogueStore {
    pub fn open(path: &Path) -> Result<CatalogueStore, ServerError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "NORMAL")?;
        conn.execute_batch(SCHEMA)?;
        Ok(CatalogueStore {
            conn: Mutex::new(conn),
        })
    }

    fn conn(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.conn.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The latest published version; 0 when nothing was published.
    pub fn version(&self) -> Result<u64, ServerError> {
        Ok(self.conn().query_row(
            "SELECT coalesce(max(version), 0) FROM catalogue_version",
            [],
            |r| r.get(0),
        )?)
    }

    /// Publishes `data` as the whole catalogue: records that changed get a new version,
    /// records absent from it become tombstones. Publishing an unchanged catalogue creates no
    /// version. Returns the version now current.
    pub fn publish(&self, data: &CatalogueData) -> Result<u64, ServerError> {
        let mut conn = self.conn();
        let tx = conn.transaction()?;
        let current: u64 = tx.query_row(
            "SELECT coalesce(max(version), 0) FROM catalogue_version",
            [],
            |r| r.get(0),
        )?;
        let next = current + 1;
        let mut changed = 0u64;

        let mut incoming: HashMap<(RecordKind, String), Vec<u8>> = HashMap::new();
        let mut add = |kind: RecordKind, key: &str, record: Vec<u8>| {
            incoming.insert((kind, key.to_owned()), record)
        };
        for r in &data.bodies {
            add(RecordKind::Body, &r.id, cbor(r));
        }
        for r in &data.items {
            add(RecordKind::Item, &r.code, cbor(r));
        }
        for r in &data.officers {
            add(RecordKind::Officer, &r.credential_no, cbor(r));
        }
        for r in &data.regulations {
            add(RecordKind::Regulation, &r.id, cbor(r));
        }
        for r in &data.enterprises {
            add(RecordKind::Enterprise, &r.credit_code, cbor(r));
        }
        for r in &data.agency_keys {
            add(RecordKind::AgencyKey, &r.public_key, cbor(r));
        }
        for r in &data.revocations {
            add(RecordKind::Revocation, &r.id, cbor(r));
        }
        for r in &data.violations {
            add(RecordKind::Violation, &r.code, cbor(r));
        }
        for r in &data.baseline_documents {
            add(RecordKind::BaselineDocument, &r.id, cbor(r));
        }
        for r in &data.hearing_thresholds {
            add(RecordKind::HearingThreshold, &r.id, cbor(r));
        }
        for r in &data.holiday_calendars {
            add(RecordKind::HolidayCalendar, &r.year.to_string(), cbor(r));
        }

        {
            let mut existing =
                tx.prepare("SELECT record FROM catalogue_record WHERE kind = ?1 AND key = ?2")?;
            let mut upsert = tx.prepare(
                "INSERT OR REPLACE INTO catalogue_record (kind, key, version, record) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for ((kind, key), record) in &incoming {
                let stored: Option<Option<Vec<u8>>> = existing
                    .query_row((kind.as_str(), key), |r| r.get(0))
                    .optional()?;
                if stored.flatten().as_ref() != Some(record) {
                    upsert.execute((kind.as_str(), key, next, record))?;
                    changed += 1;
                }
            }
            let mut live =
                tx.prepare("SELECT kind, key FROM catalogue_record WHERE record IS NOT NULL")?;
            let gone: Vec<(String, String)> = live
                .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
                .filter_map(Result::ok)
                .filter(|(kind, key)| {
                    let kind = RecordKind::ALL.into_iter().find(|k| k.as_str() == kind);
                    kind.is_none_or(|kind| !incoming.contains_key(&(kind, key.clone())))
                })
                .collect();
            let mut tombstone = tx.prepare("UPDATE catalogue_record SET record = NULL, version = ?3 WHERE kind = ?1 AND key = ?2")?;
            for (kind, key) in gone {
                tombstone.execute((kind, key, next))?;
                changed += 1;
            }
        }
        if changed == 0 {
            return Ok(current);
        }
        tx.execute(
            "INSERT INTO catalogue_version (version, published_at, changed) VALUES (?1, ?2, ?3)",
            (next, Utc::now().to_rfc3339(), changed),
        )?;
        tx.commit()?;
        Ok(next)
    }

    /// The bundle body a device of `scope` needs: full when `since` is None or 0, else the
    /// delta from `since`. None when the device is already current.
    pub fn bundle_for(
        &self,
        scope: &[String],
        since: Option<u64>,
    ) -> Result<Option<BundleBody>, Failure<CatalogueRefusal>> {
        if scope.is_empty() || !scope.iter().all(|d| is_division_code(d)) {
            return Err(CatalogueRefusal::BadScope.into());
        }
        Ok(self.cut(scope, since)?)
    }

    /// `bundle_for` a valid scope.
    fn cut(&self, scope: &[String], since: Option<u64>) -> Result<Option<BundleBody>, ServerError> {
        let conn = self.conn();
        let version: u64 = conn.query_row(
            "SELECT coalesce(max(version), 0) FROM catalogue_version",
            [],
            |r| r.get(0),
        )?;
        let since = since.filter(|&v| v > 0);
        if version == 0 || since.is_some_and(|v| v >= version) {
            return Ok(None);
        }
        let mut statement = conn.prepare_cached(
            "SELECT kind, key, record FROM catalogue_record WHERE version > ?1 ORDER BY kind, key",
        )?;
        let rows = statement
            .query_map([since.unwrap_or(0)], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, Option<Vec<u8>>>(2)?,
                ))
            })?
            .collect::<Result<Vec<_>, _>>()?;

        let mut upserts = CatalogueData::default();
        let mut removals = Removals::default();
        for (kind, key, record) in rows {
            let Some(record) = record else {
                if since.is_some() {
                    removal_list(&mut removals, &kind).push(key);
                }
                continue;
            };
            let in_scope = match kind.as_str() {
                "body" => push(&mut upserts.bodies, &record)?,
                "item" => push(&mut upserts.items, &record)?,
                "regulation" => push(&mut upserts.regulations, &record)?,
                "agency_key" => push(&mut upserts.agency_keys, &record)?,
                "revocation" => push(&mut upserts.revocations, &record)?,
                "violation" => push(&mut upserts.violations, &record)?,
                "baseline_document" => push(&mut upserts.baseline_documents, &record)?,
                "hearing_threshold" => push(&mut upserts.hearing_thresholds, &record)?,
                "holiday_calendar" => push(&mut upserts.holiday_calendars, &record)?,
                "officer" => {
                    let officer: zhifa_core::registry::Officer = decode(&record)?;
                    let keep = jurisdiction_overlaps(&officer.divisions, scope);
                    if keep {
                        upserts.officers.push(officer);
                    }
                    keep
                }
                "enterprise" => {
                    let enterprise: zhifa_core::registry::Enterprise = decode(&record)?;
                    let keep = division_in_scope(&enterprise.division, scope);
                    if keep {
                        upserts.enterprises.push(enterprise);
                    }
                    keep
                }
                _ => return Err(ServerError::Decode),
            };
            if !in_scope && since.is_some() {
                removal_list(&mut removals, &kind).push(key);
            }
        }
        Ok(Some(BundleBody {
            format: BUNDLE_FORMAT,
            version,
            base_version: since,
            scope: scope.to_vec(),
            issued_at: Utc::now(),
            upserts,
            removals,
        }))
    }
}

impl CatalogueStore {
    /// The live record of `kind` with `key`, as last published.
    fn record<T: DeserializeOwned>(
        &self,
        kind: RecordKind,
        key: &str,
    ) -> Result<Option<T>, ServerError> {
        let bytes: Option<Option<Vec<u8>>> = self
            .conn()
            .query_row(
                "SELECT record FROM catalogue_record WHERE kind = ?1 AND key = ?2",
                (kind.as_str(), key),
                |r| r.get(0),
            )
            .optional()?;
        bytes.flatten().map(|b| decode(&b)).transpose()
    }

    pub fn officer(&self, credential_no: &str) -> Result<Option<Officer>, ServerError> {
        self.record(RecordKind::Officer, credential_no)
    }

    pub fn enterprise(&self, credit_code: &str) -> Result<Option<Enterprise>, ServerError> {
        self.record(RecordKind::Enterprise, credit_code)
    }

    pub fn body(&self, id: &str) -> Result<Option<EnforcementBody>, ServerError> {
        self.record(RecordKind::Body, id)
    }

    /// Every live record as last published, unscoped (the supervision index's lookups).
    pub fn current(&self) -> Result<CatalogueData, ServerError> {
        let conn = self.conn();
        let mut statement =
            conn.prepare("SELECT kind, record FROM catalogue_record WHERE record IS NOT NULL")?;
        let rows = statement
            .query_map([], |r| {
                Ok((r.get::<_, String>(0)?, r.get::<_, Vec<u8>>(1)?))
            })?
            .collect::<Result<Vec<_>, _>>()?;
        let mut data = CatalogueData::default();
        for (kind, record) in rows {
            match kind.as_str() {
                "body" => push(&mut data.bodies, &record)?,
                "item" => push(&mut data.items, &record)?,
                "officer" => push(&mut data.officers, &record)?,
                "regulation" => push(&mut data.regulations, &record)?,
                "enterprise" => push(&mut data.enterprises, &record)?,
                "agency_key" => push(&mut data.agency_keys, &record)?,
                "revocation" => push(&mut data.revocations, &record)?,
                "violation" => push(&mut data.violations, &record)?,
                "baseline_document" => push(&mut data.baseline_documents, &record)?,
                "hearing_threshold" => push(&mut data.hearing_thresholds, &record)?,
                "holiday_calendar" => push(&mut data.holiday_calendars, &record)?,
                _ => return Err(ServerError::Decode),
            };
        }
        Ok(data)
    }
}

fn cbor<T: Serialize>(record: &T) -> Vec<u8> {
    let mut bytes = Vec::new();
    ciborium::into_writer(record, &mut bytes).expect("writing CBOR to memory cannot fail");
    bytes
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ServerError> {
    ciborium::from_reader(bytes).map_err(|_| ServerError::Decode)
}

fn push<T: DeserializeOwned>(list: &mut Vec<T>, bytes: &[u8]) -> Result<bool, ServerError> {
    list.push(decode(bytes)?);
    Ok(true)
}

fn removal_list<'a>(removals: &'a mut Removals, kind: &str) -> &'a mut Vec<String> {
    match kind {
        "body" => &mut removals.bodies,
        "item" => &mut removals.items,
        "officer" => &mut removals.officers,
        "regulation" => &mut removals.regulations,
        "agency_key" => &mut removals.agency_keys,
        "revocation" => &mut removals.revocations,
        "violation" => &mut removals.violations,
        "baseline_document" => &mut removals.baseline_documents,
        "hearing_threshold" => &mut removals.hearing_thresholds,
        "holiday_calendar" => &mut removals.holiday_calendars,
        _ => &mut removals.enterprises,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn demo() -> CatalogueData {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/demo/catalogue.json");
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
    }

    /// The store lists records by key; the JSON lists them as authored.
    fn sorted(mut data: CatalogueData) -> CatalogueData {
        data.bodies.sort_by(|a, b| a.id.cmp(&b.id));
        data.items.sort_by(|a, b| a.code.cmp(&b.code));
        data.officers
            .sort_by(|a, b| a.credential_no.cmp(&b.credential_no));
        data.regulations.sort_by(|a, b| a.id.cmp(&b.id));
        data.enterprises
            .sort_by(|a, b| a.credit_code.cmp(&b.credit_code));
        data.violations.sort_by(|a, b| a.code.cmp(&b.code));
        data.baseline_documents.sort_by(|a, b| a.id.cmp(&b.id));
        data.hearing_thresholds.sort_by(|a, b| a.id.cmp(&b.id));
        // The store lists by key, and the key is the year as text.
        data.holiday_calendars.sort_by_key(|c| c.year.to_string());
        data
    }

    #[test]
    fn publishing_versions_only_what_changed() {
        let dir = tempfile::tempdir().unwrap();
        let store = CatalogueStore::open(&dir.path().join("server.sqlite3")).unwrap();
        let mut data = demo();
        assert_eq!(store.publish(&data).unwrap(), 1);
        assert_eq!(
            store.publish(&data).unwrap(),
            1,
            "unchanged: no new version"
        );

        let scope = vec!["500103".to_string()];
        let full = store.bundle_for(&scope, None).unwrap().unwrap();
        assert_eq!(sorted(full.upserts), sorted(data.clone().within(&scope)));
        assert!(store.bundle_for(&scope, Some(1)).unwrap().is_none());

        data.items[0].name = "改名后的事项".into();
        let last_in_yuzhong = data
            .enterprises
            .iter()
            .rposition(|e| e.division == "500103")
            .unwrap();
        let removed = data.enterprises.remove(last_in_yuzhong);
        data.enterprises[0].division = "500112".into(); // moved to Yubei
        assert_eq!(store.publish(&data).unwrap(), 2);
        let delta = store.bundle_for(&scope, Some(1)).unwrap().unwrap();
        assert_eq!(delta.base_version, Some(1));
        assert_eq!(delta.upserts.items, vec![data.items[0].clone()]);
        assert!(delta.upserts.enterprises.is_empty());
        let mut gone = delta.removals.enterprises.clone();
        gone.sort();
        let mut expected = vec![
            removed.credit_code.clone(),
            data.enterprises[0].credit_code.clone(),
        ];
        expected.sort();
        assert_eq!(gone, expected);

        // Yubei's devices get the moved enterprise besides the zone's own; nothing of
        // Yuzhong's officers.
        let yubei = store
            .bundle_for(&["500112".to_string()], None)
            .unwrap()
            .unwrap();
        let yubei_scope = ["500112".to_string()];
        assert!(yubei.upserts.enterprises.contains(&data.enterprises[0]));
        assert_eq!(
            sorted(yubei.upserts.clone()).enterprises,
            sorted(data.clone().within(&yubei_scope)).enterprises
        );
        assert!(yubei
            .upserts
            .officers
            .iter()
            .all(|o| !o.divisions.contains(&"500103".to_string())));
        assert!(store.bundle_for(&["渝中".to_string()], None).is_err());
    }
}
