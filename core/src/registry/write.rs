//! Writing a verified bundle's records into the catalogue tables and the search index, inside
//! the transaction `Registry::apply_bundle` opened.

use rusqlite::Transaction;

use super::model::{
    AgencyKey, CatalogueData, EnforcementBody, EnforcementItem, Enterprise, Officer, Regulation,
    Removals, Revocation, RevocationTarget,
};
use super::search;
use crate::store::StoreError;

pub(super) fn clear(tx: &Transaction<'_>) -> Result<(), StoreError> {
    tx.execute_batch(
        "DELETE FROM enforcement_body; DELETE FROM enforcement_item; DELETE FROM officer;
         DELETE FROM regulation; DELETE FROM regulation_article; DELETE FROM enterprise;
         DELETE FROM agency_key; DELETE FROM revocation;
         DELETE FROM violation; DELETE FROM baseline_document; DELETE FROM hearing_threshold;
         DELETE FROM holiday_calendar;",
    )?;
    search::clear(tx)
}

/// Inserts or replaces every record of `data`; returns how many were written.
pub(super) fn write_records(
    tx: &Transaction<'_>,
    data: &CatalogueData,
    flagged: &[String],
) -> Result<u64, StoreError> {
    let mut rowids = search::RowidAllocator::new(tx)?;
    write_bodies(tx, &data.bodies)?;
    write_items(tx, &mut rowids, &data.items)?;
    write_officers(tx, &data.officers)?;
    write_regulations(tx, &mut rowids, &data.regulations)?;
    write_enterprises(tx, &data.enterprises, flagged)?;
    write_agency_keys(tx, &data.agency_keys)?;
    write_revocations(tx, &data.revocations)?;
    write_json_records(tx, data)?;
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

fn write_bodies(tx: &Transaction<'_>, bodies: &[EnforcementBody]) -> Result<(), StoreError> {
    let mut statement = tx.prepare_cached(
        "INSERT OR REPLACE INTO enforcement_body (id, name, division, address,
             reconsideration_body, court, payment_bank, payment_account, seal_name,
             case_number_prefixes)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
    )?;
    for body in bodies {
        statement.execute((
            &body.id,
            &body.name,
            &body.division,
            &body.address,
            &body.reconsideration_body,
            &body.court,
            &body.payment_bank,
            &body.payment_account,
            &body.seal_name,
            serde_json::to_string(&body.case_number_prefixes).expect("strings serialise"),
        ))?;
    }
    Ok(())
}

fn write_items(
    tx: &Transaction<'_>,
    rowids: &mut search::RowidAllocator,
    items: &[EnforcementItem],
) -> Result<(), StoreError> {
    let mut statement = tx.prepare_cached(
        "INSERT OR REPLACE INTO enforcement_item (code, name, sector, kind, legal_basis, decision_days) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for item in items {
        statement.execute((
            &item.code,
            &item.name,
            &item.sector,
            item.kind.as_str(),
            &item.legal_basis,
            item.decision_days,
        ))?;
        search::unindex_item(tx, &item.code)?;
        search::index_item(tx, rowids, item)?;
    }
    Ok(())
}

fn write_officers(tx: &Transaction<'_>, officers: &[Officer]) -> Result<(), StoreError> {
    let mut statement = tx.prepare_cached(
        "INSERT OR REPLACE INTO officer (credential_no, name, body_id, divisions, items, roles) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for officer in officers {
        statement.execute((
            &officer.credential_no,
            &officer.name,
            &officer.body_id,
            to_json(&officer.divisions),
            to_json(&officer.items),
            serde_json::to_string(&officer.roles).unwrap_or_else(|_| "[]".into()),
        ))?;
    }
    Ok(())
}

/// Regulations with their articles, which are replaced whole.
fn write_regulations(
    tx: &Transaction<'_>,
    rowids: &mut search::RowidAllocator,
    regulations: &[Regulation],
) -> Result<(), StoreError> {
    let mut statement = tx.prepare_cached(
        "INSERT OR REPLACE INTO regulation (id, title, level, issuer, effective, repealed) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    let mut article_statement = tx.prepare_cached(
        "INSERT INTO regulation_article (regulation_id, ordinal, number, text) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for regulation in regulations {
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
        search::index_regulation(tx, rowids, regulation)?;
    }
    Ok(())
}

/// Enterprises, marked when their credit code fails its check character.
fn write_enterprises(
    tx: &Transaction<'_>,
    enterprises: &[Enterprise],
    flagged: &[String],
) -> Result<(), StoreError> {
    let mut statement = tx.prepare_cached(
        "INSERT OR REPLACE INTO enterprise
         (credit_code, name, division, industry, credit_grade, check_flagged, address, legal_representative)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
    )?;
    for enterprise in enterprises {
        statement.execute((
            &enterprise.credit_code,
            &enterprise.name,
            &enterprise.division,
            &enterprise.industry,
            enterprise.credit_grade.as_str(),
            flagged.contains(&enterprise.credit_code),
            &enterprise.address,
            &enterprise.legal_representative,
        ))?;
    }
    Ok(())
}

/// The trust list.
fn write_agency_keys(tx: &Transaction<'_>, keys: &[AgencyKey]) -> Result<(), StoreError> {
    let mut statement = tx.prepare_cached(
        "INSERT OR REPLACE INTO agency_key
         (public_key, key_id, agency_id, purpose, valid_from, valid_until, divisions)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for key in keys {
        statement.execute((
            &key.public_key,
            &key.key_id,
            &key.agency_id,
            key.purpose.as_str(),
            key.valid_from.to_rfc3339(),
            key.valid_until.to_rfc3339(),
            to_json(&key.divisions),
        ))?;
    }
    Ok(())
}

/// The revocation list: one row per entry, its target spread over typed columns.
fn write_revocations(tx: &Transaction<'_>, revocations: &[Revocation]) -> Result<(), StoreError> {
    let mut statement = tx.prepare_cached(
        "INSERT OR REPLACE INTO revocation (id, kind, subject, before, min_serial, expires)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
    )?;
    for revocation in revocations {
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
    Ok(())
}

/// Records kept whole as JSON: violations, baselines, hearing thresholds, holiday calendars.
fn write_json_records(tx: &Transaction<'_>, data: &CatalogueData) -> Result<(), StoreError> {
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
    Ok(())
}

pub(super) fn remove_records(tx: &Transaction<'_>, removals: &Removals) -> Result<u64, StoreError> {
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

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("records serialise")
}
