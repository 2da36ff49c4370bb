//! A generated case or inspection as the document an officer's phone would have synced: the
//! case file replayed step by step (each step one change, signed off by the officer who
//! recorded it at the step's time, so the audit history reads as the officers made it), and
//! the inspection's checklist recorded at the visit.

use chrono::{DateTime, Duration, NaiveDate};
use zhifa_core::cases::{
    Author, CaseDoc, CaseEdit, CaseError, CaseFile, DateField, EvidenceItem, Inquiry, RecordEdit,
};
use zhifa_core::discretion::Fact;
use zhifa_core::inspections::task::{InspectionDoc, InspectionEdit};
use zhifa_core::inspections::{planner::Task, Inspection};
use zhifa_core::registry::OfficerRole;

use super::evidence::device_of;
use super::inspections::Visit;

/// The officer's name for a credential number, as the catalogue lists it.
pub type Names<'a> = &'a dyn Fn(&str) -> String;

fn author(credential_no: &str, names: Names<'_>, at: &str) -> Author {
    Author {
        credential_no: credential_no.to_owned(),
        name: names(credential_no),
        device: device_of(credential_no),
        at: at.to_owned(),
        trusted: true,
    }
}

/// Extra material of a case the generator leaves out, added for the demo's case view.
#[derive(Debug, Clone, Default)]
pub struct Extras {
    /// The on-site findings in the case's own words, for the generator's generic ones.
    pub findings: Option<String>,
    pub inquiry: Option<Inquiry>,
    /// Evidence recorded with the on-site record, and the files it cites (when captured,
    /// content), stored by the loader.
    pub evidence: Vec<EvidenceItem>,
    pub blobs: Vec<(chrono::DateTime<chrono::Utc>, Vec<u8>)>,
}

/// The case file as a document whose history is the case's: the on-site record first, then
/// one change per procedure step.
pub fn case_doc(case: &CaseFile, names: Names<'_>, extras: &Extras) -> Result<CaseDoc, CaseError> {
    let lead = case
        .officers
        .first()
        .map(|o| o.credential_no.clone())
        .unwrap_or_default();
    let onsite_at = rfc3339(&case.onsite.time).unwrap_or_else(|| noon_of(case.discovered_on));
    let mut doc = CaseDoc::create_by(
        &case.id,
        case.kind,
        &case.violation,
        &case.place_division,
        case.act_date,
        case.discovered_on,
        Some(author(&lead, names, &onsite_at)),
    )?;
    let mut first: Vec<CaseEdit> = Vec::new();
    first.extend(case.parties.iter().cloned().map(CaseEdit::AddParty));
    first.extend(case.officers.iter().cloned().map(CaseEdit::AddOfficer));
    first.extend(
        (case.facts.0.iter())
            .map(|(name, value)| CaseEdit::SetFact(Fact::from((name.clone(), value.clone())))),
    );
    first.push(CaseEdit::SetOnsite {
        time: case.onsite.time.clone(),
        place: case.onsite.place.clone(),
        party_signed: case.onsite.party_signed,
    });
    let findings = extras.findings.as_ref().unwrap_or(&case.onsite.findings);
    first.push(CaseEdit::AppendFindings(findings.clone()));
    first.extend(extras.inquiry.iter().cloned().map(CaseEdit::AddInquiry));
    doc.apply(&first)?;
    let mut opening: Vec<RecordEdit> = extras
        .evidence
        .iter()
        .cloned()
        .map(RecordEdit::AddEvidence)
        .collect();
    opening.extend(case.number.clone().map(RecordEdit::SetNumber));
    opening.push(RecordEdit::ChoosePenalty {
        fine: case.chosen_fine,
        reason: case.override_reason.clone(),
    });
    opening.extend(
        case.chosen_penalty
            .clone()
            .map(RecordEdit::SetChosenPenalty),
    );
    doc.record(&opening)?;
    for entry in &case.history {
        doc.set_author(author(&entry.by, names, &entry.at));
        let mut edits = step_edits(case, &entry.step);
        let status =
            zhifa_core::cases::CaseStatus::parse(&entry.status).ok_or(CaseError::Corrupt)?;
        edits.push(RecordEdit::Transition {
            status,
            step: entry.step.clone(),
            at: entry.at.clone(),
            by: entry.by.clone(),
        });
        doc.record(&edits)?;
    }
    Ok(doc)
}

/// What a procedure step writes besides its transition, from the case file's record of it.
fn step_edits(case: &CaseFile, step: &str) -> Vec<RecordEdit> {
    let p = &case.procedure;
    let date = |field: DateField, day: Option<NaiveDate>| {
        day.map(|date| RecordEdit::SetDate { field, date })
    };
    let approvals = |role: OfficerRole| {
        (case.approvals.iter())
            .filter(move |a| a.role == role)
            .cloned()
            .map(RecordEdit::AddApproval)
    };
    let mut edits: Vec<RecordEdit> = Vec::new();
    match step {
        "file" => {
            edits.extend(date(DateField::Filed, p.filed_on));
            edits.extend(approvals(OfficerRole::FilingApproval));
        }
        "notify" => {
            edits.extend(date(DateField::Notified, p.notified_on));
            edits.extend(p.notified_fine.map(RecordEdit::SetNotifiedFine));
            edits.extend(p.notice.clone().map(RecordEdit::SetNotice));
        }
        "close_statement" => edits.extend(date(DateField::StatementClosed, p.statement_closed_on)),
        "extend_decision_period" => {
            edits.extend(
                case.extensions
                    .iter()
                    .cloned()
                    .map(RecordEdit::AddExtension),
            );
        }
        "pass_legal_review" => {
            edits.extend(date(DateField::LegalReviewPassed, p.legal_review_passed_on));
            edits.extend(approvals(OfficerRole::LegalReview));
        }
        "record_collective_decision" => {
            edits.extend(date(DateField::CollectiveDecided, p.collective_decided_on));
            edits.extend(approvals(OfficerRole::CollectiveDecision));
        }
        "decide" | "decide_on_spot" => {
            edits.extend(case.decision.clone().map(RecordEdit::SetDecision));
        }
        "serve" => {
            edits.extend(case.services.iter().cloned().map(RecordEdit::AddService));
            edits.extend(date(DateField::Served, p.served_on));
        }
        "record_payment" => {
            edits.extend(date(DateField::Paid, p.paid_on));
            edits.extend(p.paid_amount.map(RecordEdit::SetPaidAmount));
        }
        "close" => edits.extend(date(DateField::Closed, p.closed_on)),
        _ => {}
    }
    edits
}

/// The inspection as its task document, with the results recorded and the visit attached
/// at the visit's time by its lead officer.
pub fn inspection_doc(
    inspection: &Inspection,
    visit: &Visit,
    names: Names<'_>,
) -> Result<InspectionDoc, CaseError> {
    let task = Task {
        id: inspection.id.clone(),
        plan_id: inspection.plan_id.clone(),
        credit_code: inspection.credit_code.clone(),
        enterprise_name: inspection.enterprise_name.clone(),
        division: inspection.division.clone(),
        officers: inspection.officers.clone(),
        items: inspection
            .checklist
            .iter()
            .map(|e| e.item.clone())
            .collect(),
    };
    let mut doc = InspectionDoc::from_task(&task)?;
    let at = (visit.record.opened_at + Duration::minutes(20)).to_rfc3339();
    doc.set_author(author(&visit.record.officer, names, &at));
    let mut edits: Vec<InspectionEdit> = inspection
        .checklist
        .iter()
        .filter_map(|entry| {
            Some(InspectionEdit::Record {
                item: entry.item.clone(),
                result: entry.result?,
                note: entry.note.clone(),
            })
        })
        .collect();
    edits.extend(
        (inspection.visit_id.clone()).map(|visit_id| InspectionEdit::AttachVisit { visit_id }),
    );
    doc.apply(&edits)?;
    Ok(doc)
}

fn rfc3339(text: &str) -> Option<String> {
    DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.to_rfc3339())
}

fn noon_of(day: NaiveDate) -> String {
    format!("{day}T12:00:00+08:00")
}
