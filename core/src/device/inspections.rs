//! Inspection work on the device: tasks from a plan, the combined checklist, and a case opened
//! from a non-compliant result with the enterprise, officers, place and note carried over.

use rusqlite::OptionalExtension;

use super::Device;
use crate::cases::{CaseEdit, CaseError, CaseFile, CaseKind, CaseOfficer, Party, PartyKind};
use crate::inspections::{CheckResult, Inspection, InspectionDoc, InspectionEdit, Task};
use crate::store::StoreError;
use crate::Error;

impl Device {
    pub(super) fn load_inspection(
        &self,
        conn: &rusqlite::Connection,
        id: &str,
    ) -> Result<InspectionDoc, Error> {
        let bytes: Option<Vec<u8>> = conn
            .query_row("SELECT snapshot FROM inspection WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(StoreError::from)?;
        Ok(InspectionDoc::load(&bytes.ok_or(CaseError::NotFound)?)?)
    }

    pub(super) fn store_inspection(
        &self,
        tx: &rusqlite::Transaction<'_>,
        doc: &mut InspectionDoc,
    ) -> Result<Inspection, Error> {
        let inspection = doc.read()?;
        tx.execute(
            "INSERT OR REPLACE INTO inspection (id, plan_id, credit_code, updated_at, snapshot) VALUES (?1, ?2, ?3, ?4, ?5)",
            (&inspection.id, &inspection.plan_id, &inspection.credit_code, self.now().trusted.to_rfc3339(), doc.save()),
        )
        .map_err(StoreError::from)?;
        let heads = doc.automerge().get_heads();
        crate::sync::replica::touch(tx, crate::sync::DocKind::Inspection, &inspection.id, &heads)?;
        Ok(inspection)
    }

    /// A task assigned to this officer arrives (from the plan, by sync); receiving it again
    /// changes nothing.
    pub fn receive_task(&self, task: &Task) -> Result<Inspection, Error> {
        self.store.write(|tx| {
            let exists: bool = tx
                .query_row(
                    "SELECT EXISTS (SELECT 1 FROM inspection WHERE id = ?1)",
                    [&task.id],
                    |r| r.get(0),
                )
                .map_err(StoreError::from)?;
            if exists {
                return self
                    .load_inspection(tx, &task.id)?
                    .read()
                    .map_err(Error::from);
            }
            let mut doc = InspectionDoc::from_task(task)?;
            self.store_inspection(tx, &mut doc)
        })
    }

    pub fn inspection(&self, id: &str) -> Result<Inspection, Error> {
        let doc = self.store.read(|c| self.load_inspection(c, id))?;
        Ok(doc.read()?)
    }

    pub fn edit_inspection(&self, id: &str, edits: &[InspectionEdit]) -> Result<Inspection, Error> {
        self.store.write(|tx| {
            let mut doc = self.load_inspection(tx, id)?;
            doc.apply(edits)?;
            self.store_inspection(tx, &mut doc)
        })
    }

    pub fn inspection_snapshot(&self, id: &str) -> Result<Vec<u8>, Error> {
        let mut doc = self.store.read(|c| self.load_inspection(c, id))?;
        Ok(doc.save())
    }

    /// Merges another phone's copy of an inspection.
    pub fn merge_inspection(&self, bytes: &[u8]) -> Result<Inspection, Error> {
        let mut incoming = InspectionDoc::load(bytes)?;
        let id = incoming.read()?.id;
        self.store.write(|tx| {
            let mut doc = match self.load_inspection(tx, &id) {
                Ok(mut doc) => {
                    doc.merge(&mut incoming)?;
                    doc
                }
                Err(Error::Case(CaseError::NotFound)) => incoming,
                Err(other) => return Err(other),
            };
            self.store_inspection(tx, &mut doc)
        })
    }

    /// Opens an ordinary case from a non-compliant checklist result: the violation of that
    /// item, the enterprise as party, the task's officers, the place and the note as the
    /// first findings; the checklist entry links to the case.
    pub fn open_case_from_check(&self, inspection_id: &str, item: &str) -> Result<CaseFile, Error> {
        let inspection = self.inspection(inspection_id)?;
        let entry = inspection
            .checklist
            .iter()
            .find(|e| e.item == item)
            .ok_or(CaseError::NoSuchEntry)?;
        if entry.result != Some(CheckResult::NonCompliant) {
            return Err(CaseError::NoSuchEntry.into());
        }
        if let Some(existing) = &entry.case_id {
            return self.case(existing);
        }
        let engine = self.discretion()?;
        let violation = engine
            .violations()
            .filter(|v| v.item_code == item && v.party_types.iter().any(|p| p == "organisation"))
            .map(|v| v.code.clone())
            .min()
            .ok_or_else(|| crate::discretion::DiscretionError::UnknownViolation(item.to_owned()))?;
        let today = self.now().trusted.date_naive();
        let case = self.create_case(
            CaseKind::Ordinary,
            &violation,
            &inspection.division,
            today,
            today,
        )?;
        let enterprise = self.registry.enterprise(&inspection.credit_code)?;
        let mut edits = vec![CaseEdit::AddParty(Party {
            kind: PartyKind::Organisation,
            name: enterprise
                .as_ref()
                .map_or(inspection.enterprise_name.clone(), |e| e.name.clone()),
            credit_code: Some(inspection.credit_code.clone()),
            id_number: None,
            address: String::new(),
            representative: None,
        })];
        for credential_no in &inspection.officers {
            let officer = self.registry.officer(credential_no)?;
            edits.push(CaseEdit::AddOfficer(CaseOfficer {
                credential_no: credential_no.clone(),
                name: officer.as_ref().map_or(String::new(), |o| o.name.clone()),
                verified: officer.is_some(),
                withdrawn: false,
            }));
        }
        if !entry.note.is_empty() {
            edits.push(CaseEdit::AppendFindings(entry.note.clone()));
        }
        let case = self.edit_case(&case.id, &edits)?;
        self.edit_inspection(
            inspection_id,
            &[InspectionEdit::LinkCase {
                item: item.into(),
                case_id: case.id.clone(),
            }],
        )?;
        Ok(case)
    }
}
