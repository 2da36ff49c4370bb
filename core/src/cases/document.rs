//! The case file as one Automerge document (schema 1). Reads go through `CaseDoc::read` into
//! typed structs; writes through `CaseEdit`, never free-form JSON. Concurrent edits merge; where
//! two replicas set a legally significant field to different values, `read` reports a
//! `Conflict` instead of letting one silently win.
//!
//! Layout: root map with `schema`, `id`, `number`, `kind`, `status`, `violation`,
//! `place_division`, `act_date`, `discovered_on`, `parties` (list of maps), `officers` (list of
//! maps), `facts` (map), `onsite` (map; `findings` is text), `inquiries` (list of maps; `record`
//! is text), `evidence` (list of maps), `suggestion`, `chosen_fine`, `override_reason`,
//! `decision` (map), `procedure` (map of dates), `history` (list of maps).

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ChangeHash, ObjId, ObjType, ReadDoc, ScalarValue, Value, ROOT};
use chrono::NaiveDate;

use super::model::*;
use super::CaseError;
use crate::discretion::{FactValue, Facts};

pub const SCHEMA_VERSION: i64 = 1;

/// A typed change to a case file.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseEdit {
    SetNumber(String),
    AddParty(Party),
    SetParty {
        index: usize,
        party: Party,
    },
    AddOfficer(CaseOfficer),
    /// 回避: the officer withdraws (Art. 43).
    WithdrawOfficer {
        credential_no: String,
    },
    SetFact {
        name: String,
        value: FactValue,
    },
    SetOnsite {
        time: String,
        place: String,
        party_signed: bool,
    },
    /// Appends to the on-site findings (text, merged character by character).
    AppendFindings(String),
    AddInquiry(Inquiry),
    AddEvidence(EvidenceItem),
    SetSuggestion(String),
    ChoosePenalty {
        fine: Option<i64>,
        reason: Option<String>,
    },
    SetDecision(Decision),
    SetDate {
        field: DateField,
        date: NaiveDate,
    },
    SetPaidAmount(i64),
    /// The fine stated in the notice; the decision may not exceed it (Art. 45).
    SetNotifiedFine(i64),
    /// A procedure step: the new status and the history entry.
    Transition {
        status: CaseStatus,
        step: String,
        at: String,
        by: String,
    },
    /// Settles a conflict by writing the chosen value over all concurrent ones.
    Resolve {
        field: String,
        value: String,
    },
}

/// The procedure's dates, by field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateField {
    Filed,
    LegalReviewPassed,
    Notified,
    StatementClosed,
    HearingRequested,
    HearingHeld,
    CollectiveDecided,
    Served,
    Paid,
    Closed,
}

impl DateField {
    fn key(self) -> &'static str {
        match self {
            DateField::Filed => "filed_on",
            DateField::LegalReviewPassed => "legal_review_passed_on",
            DateField::Notified => "notified_on",
            DateField::StatementClosed => "statement_closed_on",
            DateField::HearingRequested => "hearing_requested_on",
            DateField::HearingHeld => "hearing_held_on",
            DateField::CollectiveDecided => "collective_decided_on",
            DateField::Served => "served_on",
            DateField::Paid => "paid_on",
            DateField::Closed => "closed_on",
        }
    }
}

pub struct CaseDoc {
    doc: AutoCommit,
    /// Heads already in the store: `save_incremental` writes only what came after them.
    /// (Automerge's own save cursor starts empty after a load, which would re-save the whole
    /// history with the first edit.)
    stored: Vec<ChangeHash>,
}

type Am<T> = Result<T, automerge::AutomergeError>;

fn check_schema(doc: &AutoCommit) -> Result<(), CaseError> {
    let schema = doc
        .get(ROOT, "schema")
        .ok()
        .flatten()
        .and_then(|(v, _)| v.as_i64());
    match schema {
        Some(SCHEMA_VERSION) => Ok(()),
        Some(newer) if newer > SCHEMA_VERSION => Err(CaseError::SchemaTooNew),
        _ => Err(CaseError::Corrupt),
    }
}

impl CaseDoc {
    /// A new case file.
    pub fn create(
        id: &str,
        kind: CaseKind,
        violation: &str,
        place_division: &str,
        act_date: NaiveDate,
        discovered_on: NaiveDate,
    ) -> Result<CaseDoc, CaseError> {
        let mut doc = AutoCommit::new();
        (|| -> Am<()> {
            doc.put(ROOT, "schema", SCHEMA_VERSION)?;
            doc.put(ROOT, "id", id)?;
            doc.put(ROOT, "kind", kind_str(kind))?;
            doc.put(ROOT, "status", CaseStatus::Draft.as_str())?;
            doc.put(ROOT, "violation", violation)?;
            doc.put(ROOT, "place_division", place_division)?;
            doc.put(ROOT, "act_date", act_date.to_string())?;
            doc.put(ROOT, "discovered_on", discovered_on.to_string())?;
            for list in ["parties", "officers", "inquiries", "evidence", "history"] {
                doc.put_object(ROOT, list, ObjType::List)?;
            }
            for map in ["facts", "decision", "procedure"] {
                doc.put_object(ROOT, map, ObjType::Map)?;
            }
            let onsite = doc.put_object(ROOT, "onsite", ObjType::Map)?;
            doc.put_object(&onsite, "findings", ObjType::Text)?;
            Ok(())
        })()
        .map_err(am)?;
        doc.commit();
        Ok(CaseDoc {
            doc,
            stored: Vec::new(),
        })
    }

    pub fn load(bytes: &[u8]) -> Result<CaseDoc, CaseError> {
        let mut doc =
            CaseDoc::from_automerge(AutoCommit::load(bytes).map_err(|_| CaseError::Corrupt)?)?;
        doc.stored = doc.doc.get_heads();
        Ok(doc)
    }

    /// A case document from an Automerge document (e.g. one received by sync); nothing of it
    /// counts as stored yet.
    pub fn from_automerge(doc: AutoCommit) -> Result<CaseDoc, CaseError> {
        check_schema(&doc)?;
        Ok(CaseDoc {
            doc,
            stored: Vec::new(),
        })
    }

    /// Reads a case straight from an Automerge document, without copying it (the server
    /// reads every document it receives).
    pub fn read_automerge(doc: &mut AutoCommit) -> Result<CaseFile, CaseError> {
        check_schema(doc)?;
        let case = CaseDoc {
            doc: std::mem::take(doc),
            stored: Vec::new(),
        };
        let read = case.read();
        *doc = case.doc;
        read
    }

    /// Applies changes kept in the store after the snapshot.
    pub fn load_incremental(&mut self, bytes: &[u8]) -> Result<(), CaseError> {
        self.doc
            .load_incremental(bytes)
            .map_err(|_| CaseError::Corrupt)?;
        self.stored = self.doc.get_heads();
        Ok(())
    }

    /// The Automerge document, for the sync protocol.
    pub fn automerge(&mut self) -> &mut AutoCommit {
        &mut self.doc
    }

    /// Whether the store holds any of this document yet.
    pub fn is_stored(&self) -> bool {
        !self.stored.is_empty()
    }

    pub fn merge(&mut self, other: &mut CaseDoc) -> Result<(), CaseError> {
        self.doc.merge(&mut other.doc).map(|_| ()).map_err(am)
    }

    pub fn fork(&mut self) -> CaseDoc {
        CaseDoc {
            doc: self.doc.fork(),
            stored: Vec::new(),
        }
    }

    pub fn save(&mut self) -> Vec<u8> {
        let bytes = self.doc.save();
        self.stored = self.doc.get_heads();
        bytes
    }

    /// The changes the store does not hold yet, for appending to it.
    pub fn save_incremental(&mut self) -> Vec<u8> {
        let bytes = self.doc.save_after(&self.stored);
        self.stored = self.doc.get_heads();
        bytes
    }

    pub fn heads(&mut self) -> Vec<String> {
        self.doc.get_heads().iter().map(|h| h.to_string()).collect()
    }

    /// Applies typed edits as one Automerge change.
    pub fn apply(&mut self, edits: &[CaseEdit]) -> Result<(), CaseError> {
        for edit in edits {
            self.apply_one(edit)?;
        }
        self.doc.commit();
        Ok(())
    }

    /// Appends a new map to the list at `key` of the root.
    fn push_map(&mut self, key: &str) -> Result<ObjId, CaseError> {
        let list = self.obj(key)?;
        let at = self.doc.length(&list);
        self.doc.insert_object(&list, at, ObjType::Map).map_err(am)
    }

    fn obj(&self, key: &str) -> Result<ObjId, CaseError> {
        match self.doc.get(ROOT, key).map_err(am)? {
            Some((Value::Object(_), id)) => Ok(id),
            _ => Err(CaseError::Corrupt),
        }
    }

    fn apply_one(&mut self, edit: &CaseEdit) -> Result<(), CaseError> {
        let doc = &mut self.doc;
        match edit {
            CaseEdit::SetNumber(number) => doc.put(ROOT, "number", number.as_str()).map_err(am)?,
            CaseEdit::AddParty(party) => {
                let map = self.push_map("parties")?;
                write_party(&mut self.doc, &map, party).map_err(am)?;
            }
            CaseEdit::SetParty { index, party } => {
                let list = self.obj("parties")?;
                let map = match self.doc.get(&list, *index).map_err(am)? {
                    Some((Value::Object(_), id)) => id,
                    _ => return Err(CaseError::NoSuchEntry),
                };
                write_party(&mut self.doc, &map, party).map_err(am)?;
            }
            CaseEdit::AddOfficer(officer) => {
                let map = self.push_map("officers")?;
                (|| -> Am<()> {
                    self.doc
                        .put(&map, "credential_no", officer.credential_no.as_str())?;
                    self.doc.put(&map, "name", officer.name.as_str())?;
                    self.doc.put(&map, "verified", officer.verified)?;
                    self.doc.put(&map, "withdrawn", officer.withdrawn)
                })()
                .map_err(am)?;
            }
            CaseEdit::WithdrawOfficer { credential_no } => {
                let list = self.obj("officers")?;
                let entry = (0..self.doc.length(&list))
                    .filter_map(|i| match self.doc.get(&list, i) {
                        Ok(Some((Value::Object(_), id))) => Some(id),
                        _ => None,
                    })
                    .find(|id| {
                        text(&self.doc, id, "credential_no").as_deref()
                            == Some(credential_no.as_str())
                    })
                    .ok_or(CaseError::NoSuchEntry)?;
                self.doc.put(&entry, "withdrawn", true).map_err(am)?;
            }
            CaseEdit::SetFact { name, value } => {
                let facts = self.obj("facts")?;
                self.doc
                    .put(&facts, name.as_str(), scalar_of(value))
                    .map_err(am)?;
            }
            CaseEdit::SetOnsite {
                time,
                place,
                party_signed,
            } => {
                let onsite = self.obj("onsite")?;
                (|| -> Am<()> {
                    self.doc.put(&onsite, "time", time.as_str())?;
                    self.doc.put(&onsite, "place", place.as_str())?;
                    self.doc.put(&onsite, "party_signed", *party_signed)
                })()
                .map_err(am)?;
            }
            CaseEdit::AppendFindings(more) => {
                let onsite = self.obj("onsite")?;
                let findings = match self.doc.get(&onsite, "findings").map_err(am)? {
                    Some((Value::Object(ObjType::Text), id)) => id,
                    _ => return Err(CaseError::Corrupt),
                };
                let end = self.doc.length(&findings);
                self.doc.splice_text(&findings, end, 0, more).map_err(am)?;
            }
            CaseEdit::AddInquiry(inquiry) => {
                let map = self.push_map("inquiries")?;
                (|| -> Am<()> {
                    self.doc.put(&map, "person", inquiry.person.as_str())?;
                    self.doc.put(&map, "time", inquiry.time.as_str())?;
                    let record = self.doc.put_object(&map, "record", ObjType::Text)?;
                    self.doc.splice_text(&record, 0, 0, &inquiry.record)
                })()
                .map_err(am)?;
            }
            CaseEdit::AddEvidence(item) => {
                let map = self.push_map("evidence")?;
                (|| -> Am<()> {
                    self.doc.put(&map, "hash", item.hash.as_str())?;
                    self.doc.put(&map, "kind", item.kind.as_str())?;
                    self.doc
                        .put(&map, "description", item.description.as_str())?;
                    self.doc.put(&map, "size", item.size)?;
                    self.doc.put(
                        &map,
                        "signed_metadata",
                        ScalarValue::Bytes(item.signed_metadata.clone()),
                    )
                })()
                .map_err(am)?;
            }
            CaseEdit::SetSuggestion(json) => {
                doc.put(ROOT, "suggestion", json.as_str()).map_err(am)?
            }
            CaseEdit::ChoosePenalty { fine, reason } => {
                (|| -> Am<()> {
                    match fine {
                        Some(fine) => doc.put(ROOT, "chosen_fine", *fine)?,
                        None => doc.put(ROOT, "chosen_fine", ScalarValue::Null)?,
                    }
                    match reason {
                        Some(reason) => doc.put(ROOT, "override_reason", reason.as_str()),
                        None => doc.put(ROOT, "override_reason", ScalarValue::Null),
                    }
                })()
                .map_err(am)?;
            }
            CaseEdit::SetDecision(decision) => {
                let map = self.obj("decision")?;
                (|| -> Am<()> {
                    self.doc.put(&map, "penalty", decision.penalty)?;
                    self.doc.put(&map, "warning", decision.warning)?;
                    self.doc.put(&map, "fine", decision.fine)?;
                    self.doc
                        .put(&map, "confiscated_gains", decision.confiscated_gains)?;
                    self.doc
                        .put(&map, "confiscate_property", decision.confiscate_property)?;
                    self.doc.put(&map, "other", decision.other.join(";"))?;
                    self.doc
                        .put(&map, "decided_on", decision.decided_on.to_string())
                })()
                .map_err(am)?;
            }
            CaseEdit::SetDate { field, date } => {
                let map = self.obj("procedure")?;
                self.doc
                    .put(&map, field.key(), date.to_string())
                    .map_err(am)?;
            }
            CaseEdit::SetPaidAmount(amount) => {
                let map = self.obj("procedure")?;
                self.doc.put(&map, "paid_amount", *amount).map_err(am)?;
            }
            CaseEdit::SetNotifiedFine(amount) => {
                let map = self.obj("procedure")?;
                self.doc.put(&map, "notified_fine", *amount).map_err(am)?;
            }
            CaseEdit::Transition {
                status,
                step,
                at,
                by,
            } => {
                self.doc.put(ROOT, "status", status.as_str()).map_err(am)?;
                let map = self.push_map("history")?;
                (|| -> Am<()> {
                    self.doc.put(&map, "step", step.as_str())?;
                    self.doc.put(&map, "status", status.as_str())?;
                    self.doc.put(&map, "at", at.as_str())?;
                    self.doc.put(&map, "by", by.as_str())
                })()
                .map_err(am)?;
            }
            CaseEdit::Resolve { field, value } => self.resolve(field, value)?,
        }
        Ok(())
    }

    /// Writes `value` at a conflicted field path, typed like the values already there.
    fn resolve(&mut self, field: &str, value: &str) -> Result<(), CaseError> {
        let parts: Vec<&str> = field.split('.').collect();
        let (object, key) = match parts.as_slice() {
            [key] => (ROOT, key.to_string()),
            [map, key] => (self.obj(map)?, key.to_string()),
            ["parties", index, key] => {
                let list = self.obj("parties")?;
                let index: usize = index.parse().map_err(|_| CaseError::NoSuchEntry)?;
                match self.doc.get(&list, index).map_err(am)? {
                    Some((Value::Object(_), id)) => (id, key.to_string()),
                    _ => return Err(CaseError::NoSuchEntry),
                }
            }
            _ => return Err(CaseError::NoSuchEntry),
        };
        let existing = self.doc.get_all(&object, key.as_str()).map_err(am)?;
        let candidates: Vec<String> = existing.iter().map(|(v, _)| render(v)).collect();
        if !candidates.iter().any(|c| c == value) {
            return Err(CaseError::NotAConflictValue);
        }
        let typed = existing
            .iter()
            .find(|(v, _)| render(v) == value)
            .and_then(|(v, _)| match v {
                Value::Scalar(s) => Some(s.clone().into_owned()),
                _ => None,
            })
            .ok_or(CaseError::NotAConflictValue)?;
        self.doc.put(&object, key.as_str(), typed).map_err(am)?;
        Ok(())
    }

    /// The case file, typed, with every conflict on a legally significant field.
    pub fn read(&self) -> Result<CaseFile, CaseError> {
        let doc = &self.doc;
        let mut conflicts = Vec::new();
        let mut field = |obj: &ObjId, key: &str, path: String| -> Option<Value<'static>> {
            let all = doc.get_all(obj, key).ok()?;
            let mut rendered: Vec<String> = all.iter().map(|(v, _)| render(v)).collect();
            rendered.sort();
            rendered.dedup();
            if rendered.len() > 1 {
                conflicts.push(Conflict {
                    field: path,
                    values: rendered,
                });
            }
            doc.get(obj, key)
                .ok()
                .flatten()
                .map(|(v, _)| v.into_owned())
        };
        let text_of = |v: Option<Value<'static>>| v.and_then(|v| v.as_str().map(str::to_owned));
        let date_of =
            |v: Option<Value<'static>>| text_of(v).and_then(|t| t.parse::<NaiveDate>().ok());

        let status = text_of(field(&ROOT, "status", "status".into()))
            .and_then(|s| CaseStatus::parse(&s))
            .ok_or(CaseError::Corrupt)?;
        let number = text_of(field(&ROOT, "number", "number".into()));
        let kind = match text_of(field(&ROOT, "kind", "kind".into())).as_deref() {
            Some("summary") => CaseKind::Summary,
            Some("ordinary") => CaseKind::Ordinary,
            _ => return Err(CaseError::Corrupt),
        };
        let chosen_fine =
            field(&ROOT, "chosen_fine", "chosen_fine".into()).and_then(|v| v.as_i64());
        let override_reason = text_of(field(&ROOT, "override_reason", "override_reason".into()));

        let facts_obj = self.obj("facts")?;
        let mut facts = Facts::new();
        for key in doc.keys(&facts_obj).collect::<Vec<_>>() {
            if let Some(Value::Scalar(value)) = field(&facts_obj, &key, format!("facts.{key}")) {
                if let Some(value) = fact_of(&value) {
                    facts.set(&key, value);
                }
            }
        }

        let parties_obj = self.obj("parties")?;
        let mut parties = Vec::new();
        for index in 0..doc.length(&parties_obj) {
            let Some((Value::Object(_), map)) = doc.get(&parties_obj, index).map_err(am)? else {
                continue;
            };
            let mut party_field =
                |key: &str| text_of(field(&map, key, format!("parties.{index}.{key}")));
            parties.push(Party {
                kind: if party_field("kind").as_deref() == Some("organisation") {
                    PartyKind::Organisation
                } else {
                    PartyKind::Person
                },
                name: party_field("name").unwrap_or_default(),
                credit_code: party_field("credit_code"),
                id_number: party_field("id_number"),
                address: party_field("address").unwrap_or_default(),
                representative: party_field("representative"),
            });
        }

        let officers_obj = self.obj("officers")?;
        let mut officers = Vec::new();
        for index in 0..doc.length(&officers_obj) {
            let Some((Value::Object(_), map)) = doc.get(&officers_obj, index).map_err(am)? else {
                continue;
            };
            let withdrawn = field(&map, "withdrawn", format!("officers.{index}.withdrawn"))
                .and_then(|v| v.as_bool());
            officers.push(CaseOfficer {
                credential_no: text(doc, &map, "credential_no").unwrap_or_default(),
                name: text(doc, &map, "name").unwrap_or_default(),
                verified: boolean(doc, &map, "verified"),
                withdrawn: withdrawn.unwrap_or(false),
            });
        }

        let onsite_obj = self.obj("onsite")?;
        let findings = match doc.get(&onsite_obj, "findings").map_err(am)? {
            Some((Value::Object(ObjType::Text), id)) => doc.text(&id).map_err(am)?,
            _ => String::new(),
        };
        let onsite = OnsiteRecord {
            time: text(doc, &onsite_obj, "time").unwrap_or_default(),
            place: text(doc, &onsite_obj, "place").unwrap_or_default(),
            findings,
            party_signed: boolean(doc, &onsite_obj, "party_signed"),
        };

        let inquiries = self
            .maps("inquiries")?
            .into_iter()
            .map(|map| {
                let record = match doc.get(&map, "record") {
                    Ok(Some((Value::Object(ObjType::Text), id))) => {
                        doc.text(&id).unwrap_or_default()
                    }
                    _ => String::new(),
                };
                Inquiry {
                    person: text(doc, &map, "person").unwrap_or_default(),
                    time: text(doc, &map, "time").unwrap_or_default(),
                    record,
                }
            })
            .collect();
        let evidence = self
            .maps("evidence")?
            .into_iter()
            .map(|map| EvidenceItem {
                hash: text(doc, &map, "hash").unwrap_or_default(),
                kind: text(doc, &map, "kind").unwrap_or_default(),
                description: text(doc, &map, "description").unwrap_or_default(),
                size: doc
                    .get(&map, "size")
                    .ok()
                    .flatten()
                    .and_then(|(v, _)| v.as_u64())
                    .unwrap_or(0),
                signed_metadata: doc
                    .get(&map, "signed_metadata")
                    .ok()
                    .flatten()
                    .and_then(|(v, _)| v.as_bytes().map(<[u8]>::to_vec))
                    .unwrap_or_default(),
            })
            .collect();
        let history = self
            .maps("history")?
            .into_iter()
            .map(|map| HistoryEntry {
                step: text(doc, &map, "step").unwrap_or_default(),
                status: text(doc, &map, "status").unwrap_or_default(),
                at: text(doc, &map, "at").unwrap_or_default(),
                by: text(doc, &map, "by").unwrap_or_default(),
            })
            .collect();

        let decision_obj = self.obj("decision")?;
        let decision = match date_of(field(
            &decision_obj,
            "decided_on",
            "decision.decided_on".into(),
        )) {
            None => None,
            Some(decided_on) => {
                let mut flag = |key: &str| {
                    field(&decision_obj, key, format!("decision.{key}"))
                        .and_then(|v| v.as_bool())
                        .unwrap_or(false)
                };
                let (penalty, warning, confiscate_property) = (
                    flag("penalty"),
                    flag("warning"),
                    flag("confiscate_property"),
                );
                let mut amount = |key: &str| {
                    field(&decision_obj, key, format!("decision.{key}"))
                        .and_then(|v| v.as_i64())
                        .unwrap_or(0)
                };
                let (fine, confiscated_gains) = (amount("fine"), amount("confiscated_gains"));
                let other = text_of(field(&decision_obj, "other", "decision.other".into()))
                    .unwrap_or_default();
                Some(Decision {
                    penalty,
                    warning,
                    fine,
                    confiscated_gains,
                    confiscate_property,
                    other: other
                        .split(';')
                        .filter(|s| !s.is_empty())
                        .map(str::to_owned)
                        .collect(),
                    decided_on,
                })
            }
        };

        let procedure_obj = self.obj("procedure")?;
        let paid_amount = field(
            &procedure_obj,
            "paid_amount",
            "procedure.paid_amount".into(),
        )
        .and_then(|v| v.as_i64());
        let notified_fine = field(
            &procedure_obj,
            "notified_fine",
            "procedure.notified_fine".into(),
        )
        .and_then(|v| v.as_i64());
        let mut date = |key: &str| date_of(field(&procedure_obj, key, format!("procedure.{key}")));
        let procedure = ProcedureDates {
            filed_on: date("filed_on"),
            legal_review_passed_on: date("legal_review_passed_on"),
            notified_on: date("notified_on"),
            statement_closed_on: date("statement_closed_on"),
            hearing_requested_on: date("hearing_requested_on"),
            hearing_held_on: date("hearing_held_on"),
            collective_decided_on: date("collective_decided_on"),
            served_on: date("served_on"),
            paid_on: date("paid_on"),
            paid_amount,
            notified_fine,
            closed_on: date("closed_on"),
        };

        Ok(CaseFile {
            id: text(doc, &ROOT, "id").ok_or(CaseError::Corrupt)?,
            number,
            kind,
            status,
            violation: text(doc, &ROOT, "violation").unwrap_or_default(),
            place_division: text(doc, &ROOT, "place_division").unwrap_or_default(),
            act_date: text(doc, &ROOT, "act_date")
                .and_then(|t| t.parse().ok())
                .ok_or(CaseError::Corrupt)?,
            discovered_on: text(doc, &ROOT, "discovered_on")
                .and_then(|t| t.parse().ok())
                .ok_or(CaseError::Corrupt)?,
            parties,
            officers,
            facts,
            onsite,
            inquiries,
            evidence,
            suggestion: text(doc, &ROOT, "suggestion"),
            chosen_fine,
            override_reason,
            decision,
            procedure,
            history,
            conflicts,
        })
    }

    fn maps(&self, list: &str) -> Result<Vec<ObjId>, CaseError> {
        let list = self.obj(list)?;
        Ok((0..self.doc.length(&list))
            .filter_map(|i| match self.doc.get(&list, i) {
                Ok(Some((Value::Object(_), id))) => Some(id),
                _ => None,
            })
            .collect())
    }
}

fn am(_: automerge::AutomergeError) -> CaseError {
    CaseError::Corrupt
}

fn kind_str(kind: CaseKind) -> &'static str {
    match kind {
        CaseKind::Summary => "summary",
        CaseKind::Ordinary => "ordinary",
    }
}

fn write_party(doc: &mut AutoCommit, map: &ObjId, party: &Party) -> Am<()> {
    let kind = match party.kind {
        PartyKind::Person => "person",
        PartyKind::Organisation => "organisation",
    };
    doc.put(map, "kind", kind)?;
    doc.put(map, "name", party.name.as_str())?;
    doc.put(map, "address", party.address.as_str())?;
    for (key, value) in [
        ("credit_code", &party.credit_code),
        ("id_number", &party.id_number),
        ("representative", &party.representative),
    ] {
        match value {
            Some(value) => doc.put(map, key, value.as_str())?,
            None => doc.put(map, key, ScalarValue::Null)?,
        }
    }
    Ok(())
}

fn scalar_of(value: &FactValue) -> ScalarValue {
    match value {
        FactValue::Bool(b) => ScalarValue::Boolean(*b),
        FactValue::Int(i) => ScalarValue::Int(*i),
        FactValue::Text(t) => ScalarValue::Str(t.as_str().into()),
    }
}

fn fact_of(value: &ScalarValue) -> Option<FactValue> {
    match value {
        ScalarValue::Boolean(b) => Some(FactValue::Bool(*b)),
        ScalarValue::Int(i) => Some(FactValue::Int(*i)),
        ScalarValue::Uint(u) => i64::try_from(*u).ok().map(FactValue::Int),
        ScalarValue::Str(s) => Some(FactValue::Text(s.to_string())),
        _ => None,
    }
}

fn text(doc: &AutoCommit, obj: &ObjId, key: &str) -> Option<String> {
    doc.get(obj, key)
        .ok()
        .flatten()
        .and_then(|(v, _)| v.as_str().map(str::to_owned))
}

fn boolean(doc: &AutoCommit, obj: &ObjId, key: &str) -> bool {
    doc.get(obj, key)
        .ok()
        .flatten()
        .and_then(|(v, _)| v.as_bool())
        .unwrap_or(false)
}

/// A value as people read it in a conflict.
fn render(value: &Value<'_>) -> String {
    match value {
        Value::Scalar(s) => match s.as_ref() {
            ScalarValue::Str(t) => t.to_string(),
            ScalarValue::Int(i) => i.to_string(),
            ScalarValue::Uint(u) => u.to_string(),
            ScalarValue::Boolean(b) => b.to_string(),
            ScalarValue::Null => String::new(),
            other => format!("{other:?}"),
        },
        Value::Object(kind) => format!("{kind:?}"),
    }
}
