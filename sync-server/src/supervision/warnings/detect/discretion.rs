//! Discretion (裁量): decided penalties outside their baseline band too often.

use chrono::NaiveDate;
use serde_json::json;

use super::{percent, round2, Firing, Window, CASES_KEPT};
use crate::error::ServerError;
use crate::storage::Tx;
use crate::supervision::warnings::rules::{Check, Who};
use crate::supervision::warnings::stats::binomial_tail;

/// The least base rate a departure count is tested against.
const RATE_FLOOR: f64 = 0.005;

/// Decisions with a matched baseline band (the only ones a departure is measured on): how
/// many, how many departed, how many of those without a recorded reason.
#[derive(Clone, Copy, Default)]
struct Tally {
    decided: i64,
    departed: i64,
    unexplained: i64,
}

impl Tally {
    fn rate(self) -> f64 {
        self.departed as f64 / self.decided.max(1) as f64
    }

    fn minus(self, part: Tally) -> Tally {
        Tally {
            decided: self.decided - part.decided,
            departed: self.departed - part.departed,
            unexplained: self.unexplained - part.unexplained,
        }
    }
}

const TALLY: &str = "COUNT(*), CAST(SUM(c.departure) AS BIGINT),
    CAST(SUM(CASE WHEN c.departure = 1 AND c.departure_reason = '' THEN 1 ELSE 0 END) AS BIGINT)";
const MEASURED: &str =
    "c.decided_on >= $1 AND c.decided_on <= $2 AND c.baseline_row <> '' AND c.band_min IS NOT NULL";

/// Per body: its district and tally; each row of `sql` is (id, body, district, tally…).
fn tallies(
    tx: &mut dyn Tx,
    sql: &str,
    window: &Window,
) -> Result<Vec<(String, String, String, Tally)>, ServerError> {
    tx.query(
        sql,
        &[window.from.as_str().into(), window.to.as_str().into()],
    )?
    .iter()
    .map(|row| {
        Ok((
            row.text(0)?,
            row.text(1)?,
            row.text(2)?,
            Tally {
                decided: row.int(3)?,
                departed: row.int(4)?,
                unexplained: row.int(5)?,
            },
        ))
    })
    .collect()
}

pub(super) fn departures(
    tx: &mut dyn Tx,
    check: &Check,
    as_of: NaiveDate,
) -> Result<Vec<Firing>, ServerError> {
    let Check::DepartureRate {
        by,
        window_months,
        min_decided,
        min_departures,
        max_rate,
        min_lift,
        alpha,
    } = check
    else {
        unreachable!("dispatched by family")
    };
    let window = Window::ending(as_of, *window_months);
    let bodies = tallies(
        tx,
        &format!("SELECT c.body, c.body, c.district, {TALLY} FROM sv_case c WHERE {MEASURED} GROUP BY c.body, c.district"),
        &window,
    )?;
    let city = bodies.iter().fold(Tally::default(), |sum, (.., t)| Tally {
        decided: sum.decided + t.decided,
        departed: sum.departed + t.departed,
        unexplained: sum.unexplained + t.unexplained,
    });
    let (judged, scope_kind, cases_sql) = match by {
        Who::Body => (
            bodies.clone(),
            "body",
            "SELECT c.doc_id FROM sv_case c
             WHERE c.body = $1 AND c.body = $2 AND c.decided_on >= $3 AND c.decided_on <= $4 AND c.departure = 1
             ORDER BY c.decided_on, c.doc_id",
        ),
        Who::Officer => (
            tallies(
                tx,
                &format!(
                    "SELECT o.credential_no, c.body, c.district, {TALLY}
                     FROM sv_case c JOIN sv_case_officer o ON o.doc_id = c.doc_id AND o.acting = 1
                     WHERE {MEASURED} GROUP BY o.credential_no, c.body, c.district"
                ),
                &window,
            )?,
            "officer",
            "SELECT c.doc_id FROM sv_case c
             JOIN sv_case_officer o ON o.doc_id = c.doc_id AND o.acting = 1
             WHERE o.credential_no = $1 AND c.body = $2 AND c.decided_on >= $3 AND c.decided_on <= $4
               AND c.departure = 1
             ORDER BY c.decided_on, c.doc_id",
        ),
    };
    let mut firings = Vec::new();
    for (who, body, district, own) in judged {
        // The rest: the other bodies of the city, or the officer's body without them.
        let whole = match by {
            Who::Body => city,
            Who::Officer => bodies
                .iter()
                .find(|(id, ..)| *id == body)
                .map(|(.., t)| *t)
                .unwrap_or(own),
        };
        let rest = whole.minus(own);
        let (rate, rest_rate) = (own.rate(), rest.rate());
        if own.decided < *min_decided as i64
            || own.departed < *min_departures as i64
            || rate <= *max_rate
            || rate < min_lift * rest_rate
        {
            continue;
        }
        // Beyond chance at the rest's rate (floored so a rest without departures still
        // leaves room for the odd one).
        let chance = binomial_tail(
            own.departed as u64,
            own.decided as u64,
            rest_rate.max(RATE_FLOOR),
        );
        if chance >= *alpha {
            continue;
        }
        let cases = tx
            .query(
                cases_sql,
                &[
                    who.as_str().into(),
                    body.as_str().into(),
                    window.from.as_str().into(),
                    window.to.as_str().into(),
                ],
            )?
            .iter()
            .take(CASES_KEPT)
            .map(|r| r.text(0))
            .collect::<Result<Vec<_>, _>>()?;
        let rest_name = match by {
            Who::Body => "全市其他主体",
            Who::Officer => "本单位其他案件",
        };
        firings.push(Firing {
            scope_kind,
            scope: who.clone(),
            key: if matches!(by, Who::Officer) {
                body.clone()
            } else {
                String::new()
            },
            district,
            body,
            period: window.period(),
            why: format!(
                "{}适用裁量基准的罚款决定 {} 件，其中超出基准幅度 {} 件（{}），超过阈值 {}，\
                 {rest_name}为 {}；其中 {} 件未记录偏离理由",
                window.zh(),
                own.decided,
                own.departed,
                percent(rate),
                percent(*max_rate),
                percent(rest_rate),
                own.unexplained,
            ),
            figures: json!({
                "window": window.period(),
                "decided": own.decided,
                "departures": own.departed,
                "without_reason": own.unexplained,
                "rate": round2(rate),
                "rest_rate": round2(rest_rate),
                "threshold": max_rate,
                "min_lift": min_lift,
                "chance": chance,
                "alpha": alpha,
            }),
            cases,
        });
    }
    Ok(firings)
}
