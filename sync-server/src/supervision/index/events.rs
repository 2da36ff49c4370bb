//! `sv_visit` from the signed events: a visit an officer's device signed, `verified` once the
//! enterprise's own device confirmed the officer's code (matched as `events::reconcile` does:
//! same enterprise and officer, steps within `MATCH_STEPS`), `code_refused` once it refused
//! it. Either side may arrive first, so each event re-projects the visits it touches. And
//! `sv_device_seen`, when an officer's device completes a round.

use chrono::DateTime;
use zhifa_core::calendar::beijing_date;

use super::sql::{date_param, flag};
use super::Projector;
use crate::error::ServerError;
use crate::events::MATCH_STEPS;
use crate::storage::{Row, Tx};

/// Seconds a refused check without a readable step may lie from the visit: the same window
/// as `MATCH_STEPS`, in time (each step is 30 s).
const MATCH_SECONDS: i64 = MATCH_STEPS * 30;

/// The event columns projection reads, with the sending device's team.
const EVENT: &str = "SELECT e.id, e.kind, e.signer_kind, e.signer, e.credit_code, e.credential_no,
    e.step, e.ok, e.at_time, COALESCE(d.team, '') FROM event e LEFT JOIN device d ON d.key_id = e.key_id";

struct Event {
    id: String,
    kind: String,
    signer_kind: String,
    signer: String,
    credit_code: String,
    credential_no: String,
    step: i64,
    ok: bool,
    at: i64,
    team: String,
}

impl Event {
    fn read(row: &Row) -> Result<Event, ServerError> {
        Ok(Event {
            id: row.text(0)?,
            kind: row.text(1)?,
            signer_kind: row.text(2)?,
            signer: row.text(3)?,
            credit_code: row.text(4)?,
            credential_no: row.text(5)?,
            step: row.int(6)?,
            ok: row.int(7)? == 1,
            at: row.int(8)?,
            team: row.text(9)?,
        })
    }

    /// A visit the officer's own device signed.
    fn is_visit(&self) -> bool {
        self.kind == "visit" && self.signer_kind == "officer" && self.credential_no == self.signer
    }

    /// A check the enterprise's own device made of an officer's code.
    fn is_enterprise_check(&self) -> bool {
        self.kind == "code_verification"
            && self.signer_kind == "enterprise"
            && self.credit_code == self.signer
    }
}

/// Projects the stored event `id`, in the caller's transaction.
pub fn event(tx: &mut dyn Tx, projector: &Projector, id: &str) -> Result<(), ServerError> {
    let Some(row) = tx.query_opt(&format!("{EVENT} WHERE e.id = $1"), &[id.into()])? else {
        return Ok(());
    };
    let event = Event::read(&row)?;
    if event.is_visit() {
        return visit(tx, projector, &event);
    }
    if !event.is_enterprise_check() {
        return Ok(());
    }
    // The visits this check may confirm or refuse: of this enterprise, near in time.
    let near = tx.query(
        &format!(
            "{EVENT} WHERE e.kind = 'visit' AND e.credit_code = $1 AND e.at_time >= $2 AND e.at_time <= $3"
        ),
        &[
            event.credit_code.as_str().into(),
            (event.at - 2 * MATCH_SECONDS).into(),
            (event.at + 2 * MATCH_SECONDS).into(),
        ],
    )?;
    for row in &near {
        let visited = Event::read(row)?;
        if visited.is_visit() {
            visit(tx, projector, &visited)?;
        }
    }
    Ok(())
}

/// Writes a visit's row with what the enterprise's checks say of it.
fn visit(tx: &mut dyn Tx, projector: &Projector, visit: &Event) -> Result<(), ServerError> {
    let checks = tx.query(
        &format!(
            "{EVENT} WHERE e.kind = 'code_verification' AND e.signer_kind = 'enterprise'
             AND e.credit_code = $1 AND e.signer = $1 AND e.at_time >= $2 AND e.at_time <= $3"
        ),
        &[
            visit.credit_code.as_str().into(),
            (visit.at - 2 * MATCH_SECONDS).into(),
            (visit.at + 2 * MATCH_SECONDS).into(),
        ],
    )?;
    let (mut verified, mut refused) = (false, false);
    for row in &checks {
        let check = Event::read(row)?;
        if check.ok {
            verified |= check.credential_no == visit.credential_no
                && check.step.abs_diff(visit.step) <= MATCH_STEPS.unsigned_abs();
        } else {
            // A refused code may not read as far as the officer or the step.
            let officer =
                check.credential_no.is_empty() || check.credential_no == visit.credential_no;
            let near = match check.step >= 0 {
                true => check.step.abs_diff(visit.step) <= MATCH_STEPS.unsigned_abs(),
                false => check.at.abs_diff(visit.at) <= MATCH_SECONDS.unsigned_abs(),
            };
            refused |= officer && near;
        }
    }
    let body = match visit.team.is_empty() {
        true => projector
            .officers
            .get(&visit.credential_no)
            .cloned()
            .unwrap_or_default(),
        false => visit.team.clone(),
    };
    let visited_on = DateTime::from_timestamp(visit.at, 0)
        .map(|at| beijing_date(at).to_string())
        .ok_or(ServerError::Decode)?;
    tx.execute(
        "INSERT INTO sv_visit (visit_id, officer, body, district, enterprise, visited_on, verified, code_refused)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
         ON CONFLICT (visit_id) DO UPDATE SET officer = excluded.officer, body = excluded.body,
         district = excluded.district, enterprise = excluded.enterprise,
         visited_on = excluded.visited_on, verified = excluded.verified,
         code_refused = excluded.code_refused",
        &[
            visit.id.as_str().into(),
            visit.credential_no.as_str().into(),
            body.as_str().into(),
            projector.district(&body).into(),
            visit.credit_code.as_str().into(),
            visited_on.as_str().into(),
            flag(verified),
            flag(refused),
        ],
    )?;
    tx.execute(
        &format!(
            "UPDATE sv_inspection SET visited_on = {} WHERE visit_id = $2",
            date_param(1)
        ),
        &[visited_on.into(), visit.id.as_str().into()],
    )?;
    Ok(())
}

/// Records that an officer's device completed a sync round at `now`.
pub fn seen(
    tx: &mut dyn Tx,
    projector: Option<&Projector>,
    (key_id, team): (&str, &str),
    now: i64,
) -> Result<(), ServerError> {
    let district = projector.map_or("", |p| p.district(team));
    tx.execute(
        "INSERT INTO sv_device_seen (key_id, body, district, last_sync) VALUES ($1, $2, $3, $4)
         ON CONFLICT (key_id) DO UPDATE SET body = excluded.body, district = excluded.district,
         last_sync = excluded.last_sync",
        &[key_id.into(), team.into(), district.into(), now.into()],
    )?;
    Ok(())
}
