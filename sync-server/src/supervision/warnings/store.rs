//! The stored warnings: writing a firing (idempotently), and reading them within a scope.

use sha2::{Digest as _, Sha256};

use super::detect::Firing;
use super::rules::Rule;
use super::{Filter, Step, Warning, RULES_ACTOR};
use crate::error::ServerError;
use crate::storage::{Row, Tx, Value};
use crate::supervision::Scope;

/// A warning's id: the same rule, scope and period always give the same id.
pub(crate) fn warning_id(rule: &str, firing: &Firing) -> String {
    let mut hasher = Sha256::new();
    for part in [
        rule,
        firing.scope_kind,
        &firing.scope,
        &firing.key,
        &firing.period,
    ] {
        hasher.update(part.as_bytes());
        hasher.update([0]);
    }
    format!("w-{}", &hex::encode(hasher.finalize())[..24])
}

pub(crate) enum Put {
    New,
    Refreshed,
    Unchanged,
}

/// Stores a firing: a new warning opens (its first step recorded); one still being handled
/// takes the newer evidence; a resolved or dismissed one is left as the supervisor left it.
pub(crate) fn put(
    tx: &mut dyn Tx,
    rule: &Rule,
    firing: &Firing,
    now: i64,
) -> Result<Put, ServerError> {
    let id = warning_id(&rule.id, firing);
    let figures = firing.figures.to_string();
    let cases = serde_json::Value::from(firing.cases.clone()).to_string();
    let inserted = tx.execute(
        "INSERT INTO sv_warning (id, rule, scope_kind, scope, district, body, period, severity,
             status, why, figures, cases, assignee, fired_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'open', $9, $10, $11, '', $12, $12)
         ON CONFLICT (id) DO NOTHING",
        &[
            id.as_str().into(),
            rule.id.as_str().into(),
            firing.scope_kind.into(),
            firing.scope.as_str().into(),
            firing.district.as_str().into(),
            firing.body.as_str().into(),
            firing.period.as_str().into(),
            rule.severity.as_str().into(),
            firing.why.as_str().into(),
            figures.as_str().into(),
            cases.as_str().into(),
            now.into(),
        ],
    )?;
    if inserted == 1 {
        tx.execute(
            "INSERT INTO sv_warning_step (warning_id, seq, from_status, to_status, by_whom, at_time, note)
             VALUES ($1, 0, '', 'open', $2, $3, '')",
            &[id.as_str().into(), RULES_ACTOR.into(), now.into()],
        )?;
        return Ok(Put::New);
    }
    let refreshed = tx.execute(
        "UPDATE sv_warning SET why = $2, figures = $3, cases = $4, severity = $5, updated_at = $6
         WHERE id = $1 AND status IN ('open', 'acknowledged', 'assigned')
           AND (why <> $2 OR figures <> $3 OR cases <> $4 OR severity <> $5)",
        &[
            id.as_str().into(),
            firing.why.as_str().into(),
            figures.as_str().into(),
            cases.as_str().into(),
            rule.severity.as_str().into(),
            now.into(),
        ],
    )?;
    Ok(if refreshed == 1 {
        Put::Refreshed
    } else {
        Put::Unchanged
    })
}

const COLUMNS: &str = "id, rule, scope_kind, scope, district, body, period, severity, status, why,
    figures, cases, assignee, fired_at, updated_at";

fn warning(row: &Row) -> Result<Warning, ServerError> {
    Ok(Warning {
        id: row.text(0)?,
        rule: row.text(1)?,
        scope_kind: row.text(2)?,
        scope: row.text(3)?,
        district: row.text(4)?,
        body: row.text(5)?,
        period: row.text(6)?,
        severity: row.text(7)?,
        status: row.text(8)?,
        why: row.text(9)?,
        figures: serde_json::from_str(&row.text(10)?).map_err(|_| ServerError::Decode)?,
        cases: serde_json::from_str(&row.text(11)?).map_err(|_| ServerError::Decode)?,
        assignee: row.text(12)?,
        fired_at: row.int(13)?,
        updated_at: row.int(14)?,
    })
}

/// The warnings inside `scope` that pass `filter`, the newest first.
pub fn list(tx: &mut dyn Tx, scope: &Scope, filter: &Filter) -> Result<Vec<Warning>, ServerError> {
    let mut conditions = Vec::new();
    let mut params: Vec<Value> = Vec::new();
    if let Some((condition, value)) = scope.condition("", params.len() + 1) {
        conditions.push(condition);
        params.push(value);
    }
    for (column, wanted) in [
        ("status", &filter.status),
        ("rule", &filter.rule),
        ("severity", &filter.severity),
        ("scope_kind", &filter.scope_kind),
    ] {
        if let Some(wanted) = wanted {
            params.push(wanted.as_str().into());
            conditions.push(format!("{column} = ${}", params.len()));
        }
    }
    if let Some(period) = &filter.period {
        params.push(format!("{period}%").into());
        conditions.push(format!("period LIKE ${}", params.len()));
    }
    let limit = filter.limit.unwrap_or(500).clamp(1, 10_000);
    let offset = filter.offset.unwrap_or(0).max(0);
    let sql = format!(
        "SELECT {COLUMNS} FROM sv_warning {} ORDER BY fired_at DESC, id LIMIT {limit} OFFSET {offset}",
        if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        }
    );
    tx.query(&sql, &params)?.iter().map(warning).collect()
}

/// One warning, if it exists and lies inside `scope`.
pub fn get(tx: &mut dyn Tx, scope: &Scope, id: &str) -> Result<Option<Warning>, ServerError> {
    get_locked(tx, scope, id, "")
}

/// `get`, locking the row (`Tx::lock_clause`) for a transition.
pub(crate) fn get_locked(
    tx: &mut dyn Tx,
    scope: &Scope,
    id: &str,
    lock: &str,
) -> Result<Option<Warning>, ServerError> {
    let found = tx.query_opt(
        &format!("SELECT {COLUMNS} FROM sv_warning WHERE id = $1{lock}"),
        &[id.into()],
    )?;
    match found {
        Some(row) => {
            let warning = warning(&row)?;
            Ok(scope
                .covers(&warning.district, &warning.body)
                .then_some(warning))
        }
        None => Ok(None),
    }
}

/// A warning's recorded steps, in order; empty when it is not inside `scope`.
pub fn steps(tx: &mut dyn Tx, scope: &Scope, id: &str) -> Result<Vec<Step>, ServerError> {
    if get(tx, scope, id)?.is_none() {
        return Ok(Vec::new());
    }
    tx.query(
        "SELECT seq, from_status, to_status, by_whom, at_time, note FROM sv_warning_step
         WHERE warning_id = $1 ORDER BY seq",
        &[id.into()],
    )?
    .iter()
    .map(|row| {
        Ok(Step {
            seq: row.int(0)?,
            from_status: row.text(1)?,
            to_status: row.text(2)?,
            by_whom: row.text(3)?,
            at_time: row.int(4)?,
            note: row.text(5)?,
        })
    })
    .collect()
}
