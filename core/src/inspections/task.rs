//! One inspection as an Automerge document: the task, its combined checklist (a result,
//! note and evidence per item), the two-code visit, and the cases opened from it. Two
//! officers may record results on two phones; a result recorded differently is a conflict.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, Value, ROOT};
use serde::{Deserialize, Serialize};

use super::planner::Task;
use crate::cases::audit::{self, AuditEntry, Author, FieldChange};
use crate::cases::shape::{am, scalar, shape, Am, Codec, Object, OptStr, Path, Reader, ReqStr};
use crate::cases::shape::{Shape, Str, Strings};
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

/// An edit the officers make to the checklist (the FFI exposes this type). A case opened
/// from a finding is linked by `InspectionDoc::link_case`, only when it was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
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
}

// The layout, declared once: the root map, and the checklist as a map from item to entry.
shape!(Inspection in inspection {
    id: "id" => ReqStr,
    plan_id: "plan_id" => Str,
    credit_code: "credit_code" => Str,
    enterprise_name: "enterprise_name" => Str,
    division: "division" => Str,
    officers: "officers" => Strings,
    checklist: "checklist" => Checklist,
    visit_id: "visit_id" => OptStr,
    conflicts = Vec::new(),
});

shape!(ChecklistEntry in entry {
    legal result: "result" => ResultCodec,
    note: "note" => Str,
    evidence: "evidence" => Strings,
    case_id: "case_id" => OptStr,
    // The entry's key in the checklist, filled in by `Checklist`.
    item = String::new(),
});

scalar!(/// A recorded result; none until recorded.
    ResultCodec: Option<CheckResult>,
    |v| v.map_or(automerge::ScalarValue::Null, |r| r.as_str().into()),
    |s| Some(s.as_ref().and_then(|v| v.as_str()).and_then(CheckResult::parse)));

/// The checklist: entries by item; the map itself is required.
pub(crate) struct Checklist;

impl Codec for Checklist {
    type Value = Vec<ChecklistEntry>;
    fn put(doc: &mut AutoCommit, obj: &ObjId, key: &str, entries: &Vec<ChecklistEntry>) -> Am<()> {
        let map = doc.put_object(obj, key, ObjType::Map)?;
        for entry in entries {
            let at = doc.put_object(&map, entry.item.as_str(), ObjType::Map)?;
            entry.write(doc, &at)?;
        }
        Ok(())
    }
    fn get(
        r: &mut Reader<'_>,
        obj: &ObjId,
        key: &str,
        at: &Path<'_>,
        legal: bool,
    ) -> Option<Vec<ChecklistEntry>> {
        let map = r.object(obj, key)?;
        let at = Path::Key(at, key);
        let doc = r.doc;
        let mut entries = Vec::new();
        for item in doc.keys(&map) {
            let Some(entry) = r.object(&map, &item) else {
                continue;
            };
            if let Some(read) = ChecklistEntry::read(r, &entry, &Path::Key(&at, &item), legal) {
                entries.push(ChecklistEntry { item, ..read });
            }
        }
        Some(entries)
    }
    fn legal_paths(path: String, legal: bool, out: &mut Vec<String>) {
        ChecklistEntry::legal_paths(&format!("{path}.*."), legal, out);
    }
}

impl Object for Checklist {
    const TYPE: ObjType = ObjType::Map;
}

pub struct InspectionDoc {
    doc: AutoCommit,
    /// Who makes the next changes; each commit carries it (`cases::audit`).
    author: Option<Author>,
}

fn check_shape(doc: &AutoCommit) -> Result<(), CaseError> {
    match doc.get(ROOT, inspection::id.key()) {
        Ok(Some((Value::Scalar(_), _))) => Ok(()),
        _ => Err(CaseError::Corrupt),
    }
}

impl InspectionDoc {
    pub fn from_task(task: &Task) -> Result<InspectionDoc, CaseError> {
        let mut doc = AutoCommit::new();
        let d = &mut doc;
        inspection::id.put(d, &ROOT, &task.id)?;
        inspection::plan_id.put(d, &ROOT, &task.plan_id)?;
        inspection::credit_code.put(d, &ROOT, &task.credit_code)?;
        inspection::enterprise_name.put(d, &ROOT, &task.enterprise_name)?;
        inspection::division.put(d, &ROOT, &task.division)?;
        inspection::officers.put(d, &ROOT, &task.officers)?;
        let checklist = inspection::checklist.create(d, &ROOT)?;
        for item in &task.items {
            let entry = d
                .put_object(&checklist, item.as_str(), ObjType::Map)
                .map_err(am)?;
            entry::note.put(d, &entry, &String::new())?;
            entry::evidence.create(d, &entry)?;
        }
        doc.commit();
        Ok(InspectionDoc { doc, author: None })
    }

    pub fn load(bytes: &[u8]) -> Result<InspectionDoc, CaseError> {
        AutoCommit::load(bytes)
            .map_err(|_| CaseError::Corrupt)
            .and_then(InspectionDoc::from_automerge)
    }

    /// An inspection from an Automerge document (e.g. one received by sync).
    pub fn from_automerge(doc: AutoCommit) -> Result<InspectionDoc, CaseError> {
        check_shape(&doc)?;
        Ok(InspectionDoc { doc, author: None })
    }

    /// Reads an inspection straight from an Automerge document, without copying it.
    pub fn read_automerge(doc: &mut AutoCommit) -> Result<Inspection, CaseError> {
        check_shape(doc)?;
        read(doc)
    }

    /// The Automerge document, for the sync protocol.
    pub fn automerge(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    pub fn into_automerge(self) -> AutoCommit {
        self.doc
    }

    pub fn save(&mut self) -> Vec<u8> {
        self.doc.save()
    }

    pub fn merge(&mut self, other: &mut InspectionDoc) -> Result<(), CaseError> {
        self.doc.merge(&mut other.doc).map(|_| ()).map_err(am)
    }

    fn entry(&self, item: &str) -> Result<ObjId, CaseError> {
        let checklist = inspection::checklist.obj(&self.doc, &ROOT)?;
        match self.doc.get(&checklist, item).map_err(am)? {
            Some((Value::Object(_), id)) => Ok(id),
            _ => Err(CaseError::NoSuchEntry),
        }
    }

    /// Who makes the changes from now on (the device's credentialed officer, trusted time).
    pub fn set_author(&mut self, author: Author) {
        self.author = Some(author);
    }

    /// Who changed which entry when, every replica's changes merged in, oldest first.
    pub fn audit(&mut self) -> Vec<AuditEntry> {
        audit::history(&mut self.doc, crate::texts::cases::inspection::label)
    }

    fn commit(&mut self, fields: Vec<FieldChange>) {
        match &self.author {
            Some(author) => {
                let (message, time) = audit::note(author, fields);
                let options = automerge::transaction::CommitOptions::default();
                self.doc
                    .commit_with(options.with_message(message).with_time(time));
            }
            None => {
                self.doc.commit();
            }
        }
    }

    pub fn apply(&mut self, edits: &[InspectionEdit]) -> Result<(), CaseError> {
        let mut fields = Vec::new();
        let mut wrote = |field: String, value: &str| {
            fields.push(FieldChange {
                field,
                value: value.to_owned(),
                resolved: false,
            })
        };
        for edit in edits {
            match edit {
                InspectionEdit::Record { item, result, note } => {
                    let map = self.entry(item)?;
                    entry::result.put(&mut self.doc, &map, &Some(*result))?;
                    entry::note.put(&mut self.doc, &map, note)?;
                    let text = crate::texts::cases::inspection::result(result.as_str());
                    wrote(format!("checklist.{item}.result"), text);
                    wrote(format!("checklist.{item}.note"), note);
                }
                InspectionEdit::AddEvidence { item, hash } => {
                    let map = self.entry(item)?;
                    entry::evidence.push(&mut self.doc, &map, hash)?;
                    wrote(format!("checklist.{item}.evidence"), hash);
                }
                InspectionEdit::AttachVisit { visit_id } => {
                    inspection::visit_id.put(&mut self.doc, &ROOT, &Some(visit_id.clone()))?;
                    wrote("visit_id".into(), visit_id);
                }
            }
        }
        self.commit(fields);
        Ok(())
    }

    /// Links the entry of `item` to the case opened from it.
    pub fn link_case(&mut self, item: &str, case_id: &str) -> Result<(), CaseError> {
        let map = self.entry(item)?;
        entry::case_id.put(&mut self.doc, &map, &Some(case_id.to_owned()))?;
        let field = FieldChange {
            field: format!("checklist.{item}.case_id"),
            value: case_id.to_owned(),
            resolved: false,
        };
        self.commit(vec![field]);
        Ok(())
    }

    pub fn read(&self) -> Result<Inspection, CaseError> {
        read(&self.doc)
    }
}

fn read(doc: &AutoCommit) -> Result<Inspection, CaseError> {
    let mut reader = Reader::new(doc);
    let mut inspection =
        Inspection::read(&mut reader, &ROOT, &Path::Root, false).ok_or(CaseError::Corrupt)?;
    inspection.conflicts = reader.conflicts;
    Ok(inspection)
}
