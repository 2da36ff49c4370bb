//! The definitions' SQL fragments: their as-of tokens, bound as parameters, and the check
//! that refuses what a fragment must never hold. Shared by the definitions (checked as they
//! load) and the queries (substituted as they run).

use chrono::{Duration, NaiveDate};

use crate::error::ServerError;
use crate::storage::Value;

/// The parameters of one statement, numbered as they are bound.
#[derive(Default, Clone)]
pub(super) struct Params(pub Vec<Value>);

impl Params {
    pub fn bind(&mut self, value: impl Into<Value>) -> String {
        self.0.push(value.into());
        format!("${}", self.0.len())
    }
}

/// Replaces the as-of tokens of a trusted fragment by bound parameters: `{as_of}` and
/// `{as_of+N}` / `{as_of-N}` (dates, N days later or earlier), `{as_of_epoch}` and
/// `{as_of_epoch-N}` (Unix seconds at the end of that Beijing day, N days earlier).
pub(super) fn substitute(
    fragment: &str,
    as_of: NaiveDate,
    params: &mut Params,
) -> Result<String, ServerError> {
    let mut out = String::new();
    let mut rest = fragment;
    while let Some(start) = rest.find('{') {
        out += &rest[..start];
        let end = rest[start..]
            .find('}')
            .map(|e| start + e)
            .ok_or_else(|| ServerError::Config(format!("unclosed token in {fragment}")))?;
        out += &params.bind(token(&rest[start + 1..end], as_of)?);
        rest = &rest[end + 1..];
    }
    out += rest;
    Ok(out)
}

fn token(name: &str, as_of: NaiveDate) -> Result<Value, ServerError> {
    let (base, shift) = match name.find(['+', '-']) {
        Some(at) => {
            let days: i64 = name[at + 1..]
                .parse()
                .map_err(|_| ServerError::Config(format!("bad token {{{name}}}")))?;
            let sign = if &name[at..at + 1] == "-" { -1 } else { 1 };
            (&name[..at], sign * days)
        }
        None => (name, 0),
    };
    let day = as_of + Duration::days(shift);
    match base {
        "as_of" => Ok(day.to_string().into()),
        "as_of_epoch" => {
            let next = (day + Duration::days(1))
                .and_hms_opt(0, 0, 0)
                .expect("midnight");
            Ok((next.and_utc().timestamp() - 8 * 3600).into())
        }
        _ => Err(ServerError::Config(format!("unknown token {{{name}}}"))),
    }
}

/// Refuses what a fragment must never hold: a second statement, a comment, a parameter of
/// its own (parameters are the engine's), an unknown token.
pub(super) fn check_fragment(fragment: &str) -> Result<(), String> {
    if fragment.contains(';') || fragment.contains("--") || fragment.contains('$') {
        return Err(format!("fragment may not hold ; -- or $: {fragment}"));
    }
    let day = NaiveDate::from_ymd_opt(2025, 1, 1).expect("a date");
    substitute(fragment, day, &mut Params::default())
        .map(|_| ())
        .map_err(|e| e.to_string())
}
