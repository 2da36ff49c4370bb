//! One generated inspection: a task of the body's plan (or outside any plan) at an
//! enterprise it regulates, two officers, a combined checklist, and the two-code visit with
//! the enterprise's side of it (verified, not verified, or a refused code); and the
//! enterprises' ratings and complaints.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use zhifa_core::codes::visit::{VerificationRecord, VisitRecord};
use zhifa_core::codes::CodeRefusal;
use zhifa_core::inspections::{CheckResult, ChecklistEntry, Inspection};
use zhifa_core::registry::{Enterprise, Officer};

use super::world::Random;

/// A visit as the two phones record it: the officer's signed record and, when the enterprise
/// scanned the code, its verification (valid, or refused).
#[derive(Debug, Clone)]
pub struct Visit {
    pub body: String,
    pub district: String,
    pub day: NaiveDate,
    pub record: VisitRecord,
    pub verification: Option<VerificationRecord>,
}

impl Visit {
    pub fn verified(&self) -> bool {
        self.verification
            .as_ref()
            .is_some_and(|v| v.refusal.is_none())
    }

    pub fn refused(&self) -> bool {
        self.verification
            .as_ref()
            .is_some_and(|v| v.refusal.is_some())
    }
}

/// An enterprise's rating (1–5) or complaint, as an `sv_feedback` row holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Feedback {
    pub id: String,
    pub complaint: bool,
    pub body: String,
    pub district: String,
    pub officer: String,
    pub visit_id: String,
    pub score: Option<i64>,
    pub text: String,
    pub day: NaiveDate,
}

/// What the enterprise's side did at the visit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verification {
    Valid,
    NotScanned,
    Refused,
}

/// One inspection with its visit.
pub struct InspectionSpec<'a> {
    pub id: String,
    pub body: &'a str,
    pub district: &'a str,
    pub planned: bool,
    pub enterprise: &'a Enterprise,
    pub officers: [&'a Officer; 2],
    pub day: NaiveDate,
    pub verification: Verification,
}

/// Noon in Beijing of `day`, as the phones' trusted clocks record it.
pub fn noon(day: NaiveDate) -> DateTime<Utc> {
    at_minute(day, 12 * 60)
}

/// `minute` minutes after midnight in Beijing on `day`.
pub fn at_minute(day: NaiveDate, minute: u32) -> DateTime<Utc> {
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("valid offset");
    let time = day
        .and_hms_opt(minute / 60, minute % 60, 0)
        .expect("valid time");
    beijing
        .from_local_datetime(&time)
        .single()
        .expect("fixed offset")
        .with_timezone(&Utc)
}

pub fn build(spec: &InspectionSpec<'_>, items: &[String], rng: &mut Random) -> (Inspection, Visit) {
    let visit_id = format!("{}-v", spec.id);
    let checklist = items
        .iter()
        .map(|item| ChecklistEntry {
            item: item.clone(),
            result: Some(if rng.chance(0.06) {
                CheckResult::NonCompliant
            } else {
                CheckResult::Compliant
            }),
            note: String::new(),
            evidence: Vec::new(),
            case_id: None,
        })
        .collect();
    let inspection = Inspection {
        id: spec.id.clone(),
        plan_id: if spec.planned {
            format!("PLAN-{}-{}", spec.body, spec.day.format("%Y%m"))
        } else {
            String::new()
        },
        credit_code: spec.enterprise.credit_code.clone(),
        enterprise_name: spec.enterprise.name.clone(),
        division: spec.enterprise.division.clone(),
        officers: spec
            .officers
            .iter()
            .map(|o| o.credential_no.clone())
            .collect(),
        checklist,
        visit_id: Some(visit_id.clone()),
        conflicts: Vec::new(),
    };
    // Working hours, 08:30 to 17:30.
    let at = at_minute(spec.day, 8 * 60 + 30 + rng.below(540) as u32);
    let step = (at.timestamp() / 30) as u64;
    let officer = &spec.officers[0].credential_no;
    let record = VisitRecord {
        id: visit_id.clone(),
        credit_code: spec.enterprise.credit_code.clone(),
        enterprise_code_hash: format!("{:064x}", rng.fork(1).unit().to_bits()),
        enforcement_code_hash: format!("{:064x}", rng.fork(2).unit().to_bits()),
        step,
        officer: officer.clone(),
        officers_present: vec![spec.officers[1].credential_no.clone()],
        gps: None,
        opened_at: at,
        wall_time: at,
        clock_trusted: true,
    };
    let verification = match spec.verification {
        Verification::NotScanned => None,
        side => Some(VerificationRecord {
            id: format!("{}-e", spec.id),
            code_hash: record.enforcement_code_hash.clone(),
            verifier_credit_code: Some(spec.enterprise.credit_code.clone()),
            credential_no: Some(officer.clone()),
            step: Some(step + 2),
            refusal: (side == Verification::Refused).then_some(CodeRefusal::Revoked),
            verified_at: at + chrono::Duration::seconds(60),
            wall_time: at + chrono::Duration::seconds(60),
            clock_trusted: true,
        }),
    };
    let visit = Visit {
        body: spec.body.to_owned(),
        district: spec.district.to_owned(),
        day: spec.day,
        record,
        verification,
    };
    (inspection, visit)
}

/// The enterprise's rating of a visit, given for some of them.
pub fn rating(visit: &Visit, rng: &mut Random) -> Option<Feedback> {
    if !rng.chance(0.2) {
        return None;
    }
    let score = [5, 5, 5, 4, 4, 3][rng.below(6)];
    Some(Feedback {
        id: format!("{}-r", visit.record.id),
        complaint: false,
        body: visit.body.clone(),
        district: visit.district.clone(),
        officer: visit.record.officer.clone(),
        visit_id: visit.record.id.clone(),
        score: Some(score),
        text: String::new(),
        day: visit.day,
    })
}

/// A complaint about a visit (Art. 75: anyone may complain about an enforcement act).
pub fn complaint(visit: &Visit, n: usize) -> Feedback {
    Feedback {
        id: format!("{}-c{n}", visit.record.id),
        complaint: true,
        body: visit.body.clone(),
        district: visit.district.clone(),
        officer: visit.record.officer.clone(),
        visit_id: visit.record.id.clone(),
        score: Some(1),
        text: "执法人员检查时态度生硬，多次重复检查影响正常经营".into(),
        day: visit.day,
    }
}

/// Twelve complaints about one officer (`credential`), on the body's visits of `month`.
pub fn complaint_spike(visits: &[Visit], credential: &str, month: u32) -> Vec<Feedback> {
    let month: Vec<&Visit> = visits.iter().filter(|v| v.day.month() == month).collect();
    if month.is_empty() {
        return Vec::new();
    }
    (0..12)
        .map(|n| {
            let mut complaint = complaint(month[n % month.len()], n + 1);
            complaint.officer = credential.to_owned();
            complaint
        })
        .collect()
}
