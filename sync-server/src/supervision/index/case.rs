//! `sv_case` and `sv_case_officer` from a case file: its dates, what the engine gives for its
//! facts, what was chosen or decided, and the procedure's routing by the core's own rules.

use chrono::{DateTime, NaiveDate, Utc};
use zhifa_core::calendar::beijing_date;
use zhifa_core::cases::procedure::{decision_deadline, suggestion_request};
use zhifa_core::cases::{CaseFile, CaseKind, PartyKind, ServiceMethod};
use zhifa_core::discretion::{
    ChosenPenalty, Disposition, FlexibleMeasure, Outcome, ProcedureRoute, Suggestion,
};

use super::sql::{amount, amount_param, count, date, date_param, flag};
use super::Projector;
use crate::error::ServerError;
use crate::storage::{Tx, Value};

/// How a column's parameter is written (`sql`).
#[derive(Clone, Copy)]
enum Param {
    Plain,
    Date,
    Amount,
}

/// What the engine gives for the case's facts as they stand.
struct Assessed {
    outcome: &'static str,
    baseline_row: String,
    band: Option<(i64, i64)>,
    statutory_max: Option<i64>,
    disposition: Option<Disposition>,
    route: Option<ProcedureRoute>,
}

/// What was decided, or before the decision, chosen.
struct Choice {
    penalty: bool,
    fine: i64,
    confiscated: i64,
    reason: String,
    /// A choice or decision exists (a case still investigating has neither).
    made: bool,
    measures: String,
}

impl Projector {
    /// Upserts the case's `sv_case` row and replaces its `sv_case_officer` rows.
    pub fn case(
        &self,
        tx: &mut dyn Tx,
        body: &str,
        case: &CaseFile,
        now: i64,
    ) -> Result<(), ServerError> {
        let assessed = self.assess(case, now);
        let choice = choice(case, assessed.disposition.is_some());
        let item = self.violations.get(&case.violation).cloned();
        let item_info = item.as_deref().and_then(|i| self.items.get(i));
        let decision_days = item_info.map_or(zhifa_core::cases::procedure::DECISION_DAYS, |i| {
            i.decision_days
        });
        let evidence_missing = missing_evidence(tx, case)?;
        let departure = choice.penalty
            && choice.made
            && assessed
                .band
                .is_some_and(|(min, max)| choice.fine < min || choice.fine > max);
        let no_penalty = match (&choice, assessed.disposition) {
            (c, _) if !c.made || c.penalty => "",
            (_, Some(Disposition::NoPenalty { .. })) => "mandatory",
            _ => "discretionary",
        };
        let route = assessed.route.unwrap_or(ProcedureRoute {
            summary_allowed: false,
            hearing_right: false,
            legal_review: false,
            collective_decision: false,
            collect_on_the_spot: false,
        });
        let acting: Vec<_> = (case.officers.iter())
            .filter(|o| o.verified && !o.withdrawn)
            .collect();
        let uncredentialed = acting
            .iter()
            .filter(|o| !self.credentialed(&o.credential_no))
            .count();
        let decided_on = case.decision.as_ref().map(|d| d.decided_on);
        let p = &case.procedure;
        let organisation = (case.parties.iter()).find(|p| p.kind == PartyKind::Organisation);
        use Param::{Amount, Date, Plain};
        let row: Vec<(&str, Param, Value)> = vec![
            ("doc_id", Plain, case.id.as_str().into()),
            ("body", Plain, body.into()),
            ("district", Plain, self.district(body).into()),
            ("place", Plain, case.place_division.as_str().into()),
            ("town", Plain, town(&case.place_division).into()),
            ("sector", Plain, item_info.map_or("", |i| &i.sector).into()),
            ("item", Plain, item.unwrap_or_default().into()),
            ("violation", Plain, case.violation.as_str().into()),
            (
                "case_number",
                Plain,
                case.number.clone().unwrap_or_default().into(),
            ),
            ("kind", Plain, kind(case.kind).into()),
            ("status", Plain, case.status.as_str().into()),
            ("party_kind", Plain, party_kind(case).into()),
            (
                "enterprise",
                Plain,
                organisation
                    .and_then(|o| o.credit_code.clone())
                    .unwrap_or_default()
                    .into(),
            ),
            ("act_on", Date, date(Some(case.act_date))),
            ("discovered_on", Date, date(Some(case.discovered_on))),
            ("filed_on", Date, date(p.filed_on)),
            ("legal_review_on", Date, date(p.legal_review_passed_on)),
            ("collective_on", Date, date(p.collective_decided_on)),
            ("notified_on", Date, date(p.notified_on)),
            ("hearing_requested_on", Date, date(p.hearing_requested_on)),
            ("hearing_held_on", Date, date(p.hearing_held_on)),
            ("decided_on", Date, date(decided_on)),
            ("served_on", Date, date(p.served_on)),
            ("paid_on", Date, date(p.paid_on)),
            ("closed_on", Date, date(p.closed_on)),
            ("due_on", Date, date(decision_deadline(case, decision_days))),
            ("extended", Plain, count(case.extensions.len())),
            ("steps", Plain, count(case.history.len())),
            ("outcome", Plain, assessed.outcome.into()),
            ("baseline_row", Plain, assessed.baseline_row.into()),
            ("band_min", Amount, amount(assessed.band.map(|b| b.0))),
            ("band_max", Amount, amount(assessed.band.map(|b| b.1))),
            ("statutory_max", Amount, amount(assessed.statutory_max)),
            ("penalty", Plain, flag(choice.penalty)),
            ("fine", Plain, choice.fine.into()),
            ("confiscated", Plain, choice.confiscated.into()),
            ("departure", Plain, flag(departure)),
            ("departure_reason", Plain, choice.reason.into()),
            ("no_penalty", Plain, no_penalty.into()),
            ("measures", Plain, choice.measures.into()),
            ("legal_review_required", Plain, flag(route.legal_review)),
            (
                "collective_required",
                Plain,
                flag(route.collective_decision),
            ),
            ("hearing_due", Plain, flag(route.hearing_right)),
            (
                "hearing_offered",
                Plain,
                flag(p.notice.as_ref().is_some_and(|n| n.hearing_offered)),
            ),
            (
                "on_the_spot_paid",
                Plain,
                flag(paid_on_the_spot(case, decided_on)),
            ),
            ("late_fee", Plain, late_fee(case).into()),
            (
                "transferred",
                Plain,
                flag(assessed.disposition == Some(Disposition::Transfer)),
            ),
            ("services", Plain, count(case.services.len())),
            ("evidence", Plain, count(case.evidence.len())),
            ("evidence_missing", Plain, evidence_missing.into()),
            ("acting_officers", Plain, count(acting.len())),
            ("uncredentialed", Plain, count(uncredentialed)),
            (
                "out_of_jurisdiction",
                Plain,
                flag(!self.in_jurisdiction(body, &case.place_division)),
            ),
            ("updated_at", Plain, now.into()),
        ];
        upsert(tx, &row)?;
        tx.execute(
            "DELETE FROM sv_case_officer WHERE doc_id = $1",
            &[case.id.as_str().into()],
        )?;
        for officer in &case.officers {
            tx.execute(
                "INSERT INTO sv_case_officer (doc_id, credential_no, name, acting, credentialed)
                 VALUES ($1, $2, $3, $4, $5) ON CONFLICT (doc_id, credential_no) DO NOTHING",
                &[
                    case.id.as_str().into(),
                    officer.credential_no.as_str().into(),
                    officer.name.as_str().into(),
                    flag(officer.verified && !officer.withdrawn),
                    flag(self.credentialed(&officer.credential_no)),
                ],
            )?;
        }
        Ok(())
    }

    /// The engine's outcome for the case's facts on the day of its decision (today while
    /// undecided), and the procedure the penalty chosen so far must follow.
    fn assess(&self, case: &CaseFile, now: i64) -> Assessed {
        let unknown = |outcome| Assessed {
            outcome,
            baseline_row: String::new(),
            band: None,
            statutory_max: None,
            disposition: None,
            route: None,
        };
        let Some(engine) = &self.engine else {
            return unknown("unknown");
        };
        let today = DateTime::<Utc>::from_timestamp(now, 0).map_or(case.act_date, beijing_date);
        let on = case.decision.as_ref().map_or(today, |d| d.decided_on);
        match engine.suggest(&suggestion_request(case, on)) {
            Ok(Suggestion::Outcome(outcome)) => assessed(case, &outcome),
            Ok(Suggestion::NeedFacts(_)) => unknown("questions"),
            Err(_) => unknown("unknown"),
        }
    }
}

fn assessed(case: &CaseFile, outcome: &Outcome) -> Assessed {
    let name = match outcome.disposition {
        Disposition::Penalty => "penalty",
        Disposition::MayNotPunish => "may_not_punish",
        Disposition::NoPenalty { .. } => "no_penalty",
        Disposition::Transfer => "transfer",
    };
    Assessed {
        outcome: name,
        baseline_row: outcome
            .source
            .as_ref()
            .map(|s| s.row_id.clone())
            .unwrap_or_default(),
        band: outcome.fine.map(|f| (f.min, f.max)),
        statutory_max: outcome.statutory_fine.map(|f| f.max),
        disposition: Some(outcome.disposition),
        route: Some(outcome.route(&case.chosen_penalty_for(outcome))),
    }
}

/// The decision's penalty and amounts; before it, the officer's choice.
fn choice(case: &CaseFile, has_outcome: bool) -> Choice {
    let chosen: Option<ChosenPenalty> = case.chosen_penalty.clone().or_else(|| {
        // A case chosen before the whole choice was kept has only the fine and reason.
        (case.chosen_fine.is_some() && has_outcome).then(|| ChosenPenalty {
            kinds: vec![zhifa_core::discretion::PenaltyKind::Fine],
            fine: case.chosen_fine,
            reason: case.override_reason.clone(),
            ..ChosenPenalty::default()
        })
    });
    let reason = (chosen.as_ref().and_then(|c| c.reason.clone()))
        .or_else(|| case.override_reason.clone())
        .unwrap_or_default();
    let measures = chosen.as_ref().map(measures).unwrap_or_default();
    match (&case.decision, &chosen) {
        (Some(decision), _) => Choice {
            penalty: decision.penalty,
            fine: decision.fine,
            confiscated: decision.confiscated_gains,
            reason,
            made: true,
            measures,
        },
        (None, Some(chosen)) => Choice {
            penalty: !chosen.is_no_penalty(),
            fine: chosen.fine.unwrap_or(0),
            confiscated: chosen.confiscated_gains.unwrap_or(0),
            reason,
            made: true,
            measures,
        },
        (None, None) => Choice {
            penalty: false,
            fine: 0,
            confiscated: 0,
            reason,
            made: false,
            measures,
        },
    }
}

/// The flexible measures of a choice, in the schema's words and order.
fn measures(chosen: &ChosenPenalty) -> String {
    let has = |m| chosen.flexible.contains(&m);
    let education = chosen.education.is_some() || has(FlexibleMeasure::Persuasion);
    [
        (education, "education"),
        (has(FlexibleMeasure::Reminder), "warning"),
        (has(FlexibleMeasure::OrderCorrection), "order_correction"),
    ]
    .iter()
    .filter(|(on, _)| *on)
    .map(|(_, name)| *name)
    .collect::<Vec<_>>()
    .join(",")
}

/// Art. 68: paid to the officer on the day of a decision served on the spot.
fn paid_on_the_spot(case: &CaseFile, decided_on: Option<NaiveDate>) -> bool {
    case.procedure.paid_on.is_some()
        && case.procedure.paid_on == decided_on
        && (case.services.iter()).any(|s| s.method == ServiceMethod::OnTheSpot)
}

/// Art. 72: what was paid over the fine.
fn late_fee(case: &CaseFile) -> i64 {
    let fine = case.decision.as_ref().map_or(0, |d| d.fine);
    case.procedure
        .paid_amount
        .map_or(0, |paid| (paid - fine).max(0))
}

fn kind(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Summary => "summary",
        CaseKind::Ordinary => "ordinary",
    }
}

fn party_kind(case: &CaseFile) -> &'static str {
    match case.parties.first().map(|p| p.kind) {
        Some(PartyKind::Person) => "person",
        Some(PartyKind::Organisation) => "organisation",
        None => "",
    }
}

/// The township (nine digits) of a place known that far; empty otherwise.
fn town(place: &str) -> String {
    match place.len() >= 9 && place.is_char_boundary(9) {
        true => place[..9].to_owned(),
        false => String::new(),
    }
}

/// Cited evidence files the server holds no copy of.
fn missing_evidence(tx: &mut dyn Tx, case: &CaseFile) -> Result<i64, ServerError> {
    let mut missing = 0;
    for item in &case.evidence {
        let held = tx.query_opt(
            "SELECT 1 FROM blob_content WHERE hash = $1",
            &[item.hash.as_str().into()],
        )?;
        missing += i64::from(held.is_none());
    }
    Ok(missing)
}

fn upsert(tx: &mut dyn Tx, row: &[(&str, Param, Value)]) -> Result<(), ServerError> {
    let names: Vec<&str> = row.iter().map(|(name, _, _)| *name).collect();
    let params: Vec<String> = (row.iter().enumerate())
        .map(|(i, (_, param, _))| match param {
            Param::Plain => format!("${}", i + 1),
            Param::Date => date_param(i + 1),
            Param::Amount => amount_param(i + 1),
        })
        .collect();
    let updates: Vec<String> = (names.iter().skip(1))
        .map(|n| format!("{n} = excluded.{n}"))
        .collect();
    let sql = format!(
        "INSERT INTO sv_case ({}) VALUES ({}) ON CONFLICT (doc_id) DO UPDATE SET {}",
        names.join(", "),
        params.join(", "),
        updates.join(", ")
    );
    let values: Vec<Value> = row.iter().map(|(_, _, v)| v.clone()).collect();
    tx.execute(&sql, &values)?;
    Ok(())
}

/// Drops a document's case rows (it no longer reads as a case).
pub(super) fn forget(tx: &mut dyn Tx, id: &str) -> Result<(), ServerError> {
    tx.execute("DELETE FROM sv_case WHERE doc_id = $1", &[id.into()])?;
    tx.execute(
        "DELETE FROM sv_case_officer WHERE doc_id = $1",
        &[id.into()],
    )?;
    Ok(())
}
