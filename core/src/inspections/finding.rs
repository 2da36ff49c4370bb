//! A case opened from a non-compliant checklist result: the violation of that item for an
//! organisation, the enterprise as party, the task's officers, and the inspector's note as the
//! first findings.

use super::task::{CheckResult, ChecklistEntry, Inspection};
use crate::cases::{CaseEdit, CaseError, CaseOfficer, Party, PartyKind};
use crate::discretion::DiscretionEngine;
use crate::registry::{Enterprise, Officer};

/// The entry for `item` if its result is non-compliant, the only result a case opens from.
pub fn non_compliant<'a>(
    inspection: &'a Inspection,
    item: &str,
) -> Result<&'a ChecklistEntry, CaseError> {
    inspection
        .checklist
        .iter()
        .find(|e| e.item == item && e.result == Some(CheckResult::NonCompliant))
        .ok_or(CaseError::NoSuchEntry)
}

/// The violation an organisation commits under `item`: of several, the lowest code (the
/// baseline lists the general provision first).
pub fn violation_for(engine: &DiscretionEngine, item: &str) -> Option<String> {
    engine
        .violations()
        .filter(|v| v.item_code == item && v.party_types.iter().any(|p| p == "organisation"))
        .map(|v| v.code.clone())
        .min()
}

/// The edits that carry the inspection over into the new case. `officer` looks a credential
/// number up in the catalogue; an officer it does not know is added unverified.
pub fn case_edits(
    inspection: &Inspection,
    entry: &ChecklistEntry,
    enterprise: Option<&Enterprise>,
    officer: impl Fn(&str) -> Option<Officer>,
) -> Vec<CaseEdit> {
    let mut edits = vec![CaseEdit::AddParty(Party {
        kind: PartyKind::Organisation,
        name: enterprise.map_or(inspection.enterprise_name.clone(), |e| e.name.clone()),
        credit_code: Some(inspection.credit_code.clone()),
        id_number: None,
        address: String::new(),
        representative: None,
    })];
    for credential_no in &inspection.officers {
        let known = officer(credential_no);
        edits.push(CaseEdit::AddOfficer(CaseOfficer {
            credential_no: credential_no.clone(),
            name: known.as_ref().map_or(String::new(), |o| o.name.clone()),
            verified: known.is_some(),
            withdrawn: false,
        }));
    }
    if !entry.note.is_empty() {
        edits.push(CaseEdit::AppendFindings(entry.note.clone()));
    }
    edits
}
