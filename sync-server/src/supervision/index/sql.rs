//! Nullable values as both backends bind them. The PostgreSQL backend binds a NULL parameter
//! as a byte string, which a TEXT or BIGINT column refuses; so a missing date travels as ''
//! and a missing amount as -1, and the SQL turns them into NULL (`NULLIF`, see `DATE` and
//! `AMOUNT`).

use chrono::NaiveDate;

use crate::storage::Value;

/// The SQL for a date parameter: `NULLIF($n, '')`.
pub(super) fn date_param(n: usize) -> String {
    format!("NULLIF(${n}, '')")
}

/// The SQL for an amount parameter: `NULLIF($n, -1)`, typed for PostgreSQL.
pub(super) fn amount_param(n: usize) -> String {
    format!("NULLIF(${n}, CAST(-1 AS BIGINT))")
}

/// An ISO date, or '' for none (`date_param`).
pub(super) fn date(day: Option<NaiveDate>) -> Value {
    Value::Text(day.map(|d| d.to_string()).unwrap_or_default())
}

/// Whole yuan, or -1 for none (`amount_param`); amounts are never negative.
pub(super) fn amount(yuan: Option<i64>) -> Value {
    Value::Int(yuan.unwrap_or(-1).max(-1))
}

pub(super) fn flag(on: bool) -> Value {
    Value::Int(on.into())
}

pub(super) fn count(n: usize) -> Value {
    Value::Int(i64::try_from(n).unwrap_or(i64::MAX))
}
