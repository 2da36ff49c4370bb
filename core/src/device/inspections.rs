//! Inspection work on the device: tasks from a plan, the combined checklist, and a case opened
//! from a non-compliant result (`inspections::finding` decides what it carries over).

use std::collections::HashMap;

use super::cases::CaseService;
use super::context::Context;
use crate::cases::{CaseError, CaseFile, CaseKind, RecordError};
use crate::discretion::DiscretionError;
use crate::inspections::repository::{self, InspectionSummary};
use crate::inspections::{finding, Inspection, InspectionDoc, InspectionEdit, Task};
use crate::Error;

pub struct InspectionService<'d> {
    context: &'d Context,
}

impl<'d> InspectionService<'d> {
    pub(super) fn new(context: &'d Context) -> Self {
        InspectionService { context }
    }

    /// A task assigned to this officer arrives (from the plan, by sync); receiving it again
    /// changes nothing.
    pub fn receive_task(&self, task: &Task) -> Result<Inspection, Error> {
        let now = self.context.stamp();
        self.context.store.write(|tx| {
            if repository::exists(tx, &task.id)? {
                return Ok(repository::load(tx, &task.id)?.read()?);
            }
            let mut doc = InspectionDoc::from_task(task)?;
            Ok(repository::save(tx, &mut doc, &now)?)
        })
    }

    /// The inspections on this device, most recently changed first (at most
    /// `repository::LIST_LIMIT`).
    pub fn list(&self) -> Result<Vec<InspectionSummary>, Error> {
        Ok(self.context.store.read(repository::list)?)
    }

    pub fn get(&self, id: &str) -> Result<Inspection, Error> {
        let doc = self.context.store.read(|c| repository::load(c, id))?;
        Ok(doc.read()?)
    }

    pub fn edit(&self, id: &str, edits: &[InspectionEdit]) -> Result<Inspection, Error> {
        let now = self.context.stamp();
        self.context.store.write(|tx| {
            let mut doc = repository::load(tx, id)?;
            doc.set_author(self.context.author());
            doc.apply(edits)?;
            Ok(repository::save(tx, &mut doc, &now)?)
        })
    }

    pub fn snapshot(&self, id: &str) -> Result<Vec<u8>, Error> {
        let mut doc = self.context.store.read(|c| repository::load(c, id))?;
        Ok(doc.save())
    }

    /// Merges another phone's copy of an inspection.
    pub fn merge(&self, bytes: &[u8]) -> Result<Inspection, Error> {
        let mut incoming = InspectionDoc::load(bytes)?;
        let id = incoming.read()?.id;
        let now = self.context.stamp();
        self.context.store.write(|tx| {
            let mut doc = match repository::load(tx, &id) {
                Ok(mut doc) => {
                    doc.merge(&mut incoming)?;
                    doc
                }
                Err(RecordError::Record(CaseError::NotFound)) => incoming,
                Err(other) => return Err(other.into()),
            };
            Ok(repository::save(tx, &mut doc, &now)?)
        })
    }

    /// Opens an ordinary case from a non-compliant checklist result and links the entry to
    /// it; opening it again returns the same case.
    pub fn open_case(&self, inspection_id: &str, item: &str) -> Result<CaseFile, Error> {
        let cases = CaseService::new(self.context);
        let inspection = self.get(inspection_id)?;
        let entry = finding::non_compliant(&inspection, item)?;
        if let Some(existing) = &entry.case_id {
            return cases.get(existing);
        }
        let violation = finding::violation_for(&*self.context.engine()?, item)
            .ok_or_else(|| DiscretionError::UnknownViolation(item.to_owned()))?;
        let today = self.context.today();
        let case = cases.create(
            CaseKind::Ordinary,
            &violation,
            &inspection.division,
            today,
            today,
        )?;
        let registry = &self.context.registry;
        let enterprise = registry.enterprise(&inspection.credit_code)?;
        let mut officers = HashMap::new();
        for credential_no in &inspection.officers {
            officers.insert(credential_no.as_str(), registry.officer(credential_no)?);
        }
        let edits = finding::case_edits(&inspection, entry, enterprise.as_ref(), |no| {
            officers.get(no).cloned().flatten()
        });
        let case = cases.edit(&case.id, &edits)?;
        let now = self.context.stamp();
        self.context.store.write(|tx| {
            let mut doc = repository::load(tx, inspection_id)?;
            doc.set_author(self.context.author());
            doc.link_case(item, &case.id)?;
            repository::save(tx, &mut doc, &now).map(|_| ())
        })?;
        Ok(case)
    }
}
