//! One inspection as an Automerge document: the task, its combined checklist (a result,
//! note and evidence per item), the two-code visit, and the cases opened from it. Two
//! officers may record results on two phones; a result recorded differently is a conflict.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, Value, ROOT};
use serde::{Deserialize, Serialize};

use super::planner::Task;
use crate::cases::{CaseError, Conflict};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum CheckResult {
    Compliant,
    NonCompliant,
    NotApplicable,
}

impl CheckResult {
    fn as_str(self) -> &'static str {
        match self {
            CheckResult::Compliant => "compliant",
            CheckResult::NonCompliant => "non_compliant",
            CheckResult::NotApplicable => "not_applicable",
        }
    }

    fn parse(text: &str) -> Option<CheckResult> {
        match text {
            "compliant" => Some(CheckResult::Compliant),
            "non_compliant" => Some(CheckResult::NonCompliant),
            "not_applicable" => Some(CheckResult::NotApplicable),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ChecklistEntry {
    pub item: String,
    pub result: Option<CheckResult>,
    pub note: String,
    /// Blob hashes of the evidence for this item.
    pub evidence: Vec<String>,
    /// The case opened from a non-compliant result.
    pub case_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Inspection {
    pub id: String,
    pub plan_id: String,
    pub credit_code: String,
    pub enterprise_name: String,
    pub division: String,
    pub officers: Vec<String>,
    pub checklist: Vec<ChecklistEntry>,
    pub visit_id: Option<String>,
    pub conflicts: Vec<Conflict>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InspectionEdit {
    Record {
        item: String,
        result: CheckResult,
        note: String,
    },
    AddEvidence {
        item: String,
        hash: String,
    },
    AttachVisit {
        visit_id: String,
    },
    LinkCase {
        item: String,
        case_id: String,
    },
}

pub struct InspectionDoc {
    doc: AutoCommit,
}

fn check_shape(doc: &AutoCommit) -> Result<(), CaseError> {
    match doc.get(ROOT, "id") {
        Ok(Some((Value::Scalar(_), _))) => Ok(()),
        _ => Err(CaseError::Corrupt),
    }
}

fn am(_: automerge::AutomergeError) -> CaseError {
    CaseError::Corrupt
}

impl InspectionDoc {
    pub fn from_task(task: &Task) -> Result<InspectionDoc, CaseError> {
        let mut doc = AutoCommit::new();
        (|| -> Result<(), automerge::AutomergeError> {
            doc.put(ROOT, "id", task.id.as_str())?;
            doc.put(ROOT, "plan_id", task.plan_id.as_str())?;
            doc.put(ROOT, "credit_code", task.credit_code.as_str())?;
            doc.put(ROOT, "enterprise_name", task.enterprise_name.as_str())?;
            doc.put(ROOT, "division", task.division.as_str())?;
            let officers = doc.put_object(ROOT, "officers", ObjType::List)?;
            for (i, officer) in task.officers.iter().enumerate() {
                doc.insert(&officers, i, officer.as_str())?;
            }
            let checklist = doc.put_object(ROOT, "checklist", ObjType::Map)?;
            for item in &task.items {
                let entry = doc.put_object(&checklist, item.as_str(), ObjType::Map)?;
                doc.put(&entry, "note", "")?;
                doc.put_object(&entry, "evidence", ObjType::List)?;
            }
            Ok(())
        })()
        .map_err(am)?;
        doc.commit();
        Ok(InspectionDoc { doc })
    }

    pub fn load(bytes: &[u8]) -> Result<InspectionDoc, CaseError> {
        AutoCommit::load(bytes)
            .map_err(|_| CaseError::Corrupt)
            .and_then(InspectionDoc::from_automerge)
    }

    /// An inspection from an Automerge document (e.g. one received by sync).
    pub fn from_automerge(doc: AutoCommit) -> Result<InspectionDoc, CaseError> {
        check_shape(&doc)?;
        Ok(InspectionDoc { doc })
    }

    /// Reads an inspection straight from an Automerge document, without copying it.
    pub fn read_automerge(doc: &mut AutoCommit) -> Result<Inspection, CaseError> {
        check_shape(doc)?;
        let inspection = InspectionDoc {
            doc: std::mem::take(doc),
        };
        let read = inspection.read();
        *doc = inspection.doc;
        read
    }

    /// The Automerge document, for the sync protocol.
    pub fn automerge(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    pub fn merge(&mut self, other: &mut InspectionDoc) -> Result<(), CaseError> {
        self.doc.merge(&mut other.doc).map(|_| ()).map_err(am)
    }

    fn entry(&self, item: &str) -> Result<ObjId, CaseError> {
        let checklist = match self.doc.get(ROOT, "checklist").map_err(am)? {
            Some((Value::Object(_), id)) => id,
            _ => return Err(CaseError::Corrupt),
        };
        match self.doc.get(&checklist, item).map_err(am)? {
            Some((Value::Object(_), id)) => Ok(id),
            _ => Err(CaseError::NoSuchEntry),
        }
    }

    pub fn apply(&mut self, edits: &[InspectionEdit]) -> Result<(), CaseError> {
        for edit in edits {
            match edit {
                InspectionEdit::Record { item, result, note } => {
                    let entry = self.entry(item)?;
                    self.doc
                        .put(&entry, "result", result.as_str())
                        .map_err(am)?;
                    self.doc.put(&entry, "note", note.as_str()).map_err(am)?;
                }
                InspectionEdit::AddEvidence { item, hash } => {
                    let entry = self.entry(item)?;
                    let list = match self.doc.get(&entry, "evidence").map_err(am)? {
                        Some((Value::Object(_), id)) => id,
                        _ => return Err(CaseError::Corrupt),
                    };
                    let at = self.doc.length(&list);
                    self.doc.insert(&list, at, hash.as_str()).map_err(am)?;
                }
                InspectionEdit::AttachVisit { visit_id } => {
                    self.doc
                        .put(ROOT, "visit_id", visit_id.as_str())
                        .map_err(am)?;
                }
                InspectionEdit::LinkCase { item, case_id } => {
                    let entry = self.entry(item)?;
                    self.doc
                        .put(&entry, "case_id", case_id.as_str())
                        .map_err(am)?;
                }
            }
        }
        self.doc.commit();
        Ok(())
    }

    pub fn read(&self) -> Result<Inspection, CaseError> {
        let doc = &self.doc;
        let text = |obj: &ObjId, key: &str| {
            doc.get(obj, key)
                .ok()
                .flatten()
                .and_then(|(v, _)| v.as_str().map(str::to_owned))
        };
        let mut conflicts = Vec::new();
        let checklist_obj = match doc.get(ROOT, "checklist").map_err(am)? {
            Some((Value::Object(_), id)) => id,
            _ => return Err(CaseError::Corrupt),
        };
        let mut checklist = Vec::new();
        for item in doc.keys(&checklist_obj).collect::<Vec<_>>() {
            let Some((Value::Object(_), entry)) =
                doc.get(&checklist_obj, item.as_str()).map_err(am)?
            else {
                continue;
            };
            let mut results: Vec<String> = doc
                .get_all(&entry, "result")
                .map_err(am)?
                .iter()
                .filter_map(|(v, _)| v.as_str().map(str::to_owned))
                .collect();
            results.sort();
            results.dedup();
            if results.len() > 1 {
                conflicts.push(Conflict {
                    field: format!("checklist.{item}.result"),
                    values: results,
                });
            }
            let evidence = match doc.get(&entry, "evidence").map_err(am)? {
                Some((Value::Object(_), list)) => (0..doc.length(&list))
                    .filter_map(|i| {
                        doc.get(&list, i)
                            .ok()
                            .flatten()
                            .and_then(|(v, _)| v.as_str().map(str::to_owned))
                    })
                    .collect(),
                _ => Vec::new(),
            };
            checklist.push(ChecklistEntry {
                result: text(&entry, "result").and_then(|r| CheckResult::parse(&r)),
                note: text(&entry, "note").unwrap_or_default(),
                evidence,
                case_id: text(&entry, "case_id"),
                item,
            });
        }
        let officers = match doc.get(ROOT, "officers").map_err(am)? {
            Some((Value::Object(_), list)) => (0..doc.length(&list))
                .filter_map(|i| {
                    doc.get(&list, i)
                        .ok()
                        .flatten()
                        .and_then(|(v, _)| v.as_str().map(str::to_owned))
                })
                .collect(),
            _ => Vec::new(),
        };
        Ok(Inspection {
            id: text(&ROOT, "id").ok_or(CaseError::Corrupt)?,
            plan_id: text(&ROOT, "plan_id").unwrap_or_default(),
            credit_code: text(&ROOT, "credit_code").unwrap_or_default(),
            enterprise_name: text(&ROOT, "enterprise_name").unwrap_or_default(),
            division: text(&ROOT, "division").unwrap_or_default(),
            officers,
            checklist,
            visit_id: text(&ROOT, "visit_id"),
            conflicts,
        })
    }
}
