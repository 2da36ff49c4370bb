//! The case file as one Automerge document. Reads go through `CaseDoc::read` into typed
//! structs; writes through `CaseEdit`, never free-form JSON. Concurrent edits merge; where two
//! replicas set a legally significant field to different values, `read` reports a `Conflict`
//! instead of letting one silently win. The layout (schema 1) is declared in `layout.rs`.

use automerge::transaction::{CommitOptions, Transactable};
use automerge::{AutoCommit, ChangeHash, ObjId, ReadDoc, Value, ROOT};
use chrono::NaiveDate;

use super::audit::{self, fact_text, yes_no, AuditEntry, Author, FieldChange};
pub use super::layout::SCHEMA_VERSION;
use super::layout::{self, case, officer, onsite, procedure, put_fact, SCHEMA_KEY};
use super::model::*;
use super::shape::{am, render, Field, OptDate, Shape};
use super::CaseError;
use crate::discretion::Fact;
use crate::texts::cases::date_zh;

/// An edit the officer makes to a case file: who is involved, what was found, the facts,
/// and settling a conflict. This is all the app (and the FFI) can write directly; everything
/// with legal effect is a `RecordEdit`, made by the core behind its rule.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum CaseEdit {
    AddParty(Party),
    SetParty {
        /// A negative index is no entry (`CaseError::NoSuchEntry`).
        index: i32,
        party: Party,
    },
    AddOfficer(CaseOfficer),
    /// 回避: the officer withdraws (Art. 43).
    WithdrawOfficer {
        credential_no: String,
    },
    SetFact(Fact),
    SetOnsite {
        time: String,
        place: String,
        party_signed: bool,
    },
    /// Appends to the on-site findings (text, merged character by character).
    AppendFindings(String),
    AddInquiry(Inquiry),
    /// The party's signed consent to electronic service; the signed form must already be
    /// evidence in the case (`evidence_hash`).
    RecordServiceConsent(ServiceConsent),
    /// Settles a conflict by writing the chosen value over all concurrent ones.
    Resolve {
        field: String,
        value: String,
    },
}

/// An edit only the core makes, each behind its rule: the number from the device's blocks
/// (`CaseService::assign_number`), evidence with signed capture metadata (`EvidenceService`),
/// the suggestion and the chosen penalty (`CaseService::choose_penalty`), and the procedure's
/// decision, dates, amounts and transitions (`cases::procedure::plan`).
#[derive(Debug, Clone, PartialEq)]
pub enum RecordEdit {
    SetNumber(String),
    AddEvidence(EvidenceItem),
    SetSuggestion(String),
    ChoosePenalty {
        fine: Option<i64>,
        reason: Option<String>,
    },
    /// The whole chosen penalty, beside `ChoosePenalty`'s fine and reason.
    SetChosenPenalty(crate::discretion::ChosenPenalty),
    SetDecision(Decision),
    SetDate {
        field: DateField,
        date: NaiveDate,
    },
    SetPaidAmount(i64),
    /// The fine stated in the notice; the decision may not exceed it (Art. 45).
    SetNotifiedFine(i64),
    /// What the notice told the party: penalty, facts, hearing offered (Art. 44, 63).
    SetNotice(Notice),
    /// A procedural approval by a person holding that role (planned by the procedure).
    AddApproval(Approval),
    /// An approved extension of the decision period (Art. 60).
    AddExtension(Extension),
    /// The decision was served (Art. 61).
    AddService(ServiceRecord),
    /// A procedure step: the new status and the history entry.
    Transition {
        status: CaseStatus,
        step: String,
        at: String,
        by: String,
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
    fn field(self) -> Field<OptDate> {
        match self {
            DateField::Filed => procedure::filed_on,
            DateField::LegalReviewPassed => procedure::legal_review_passed_on,
            DateField::Notified => procedure::notified_on,
            DateField::StatementClosed => procedure::statement_closed_on,
            DateField::HearingRequested => procedure::hearing_requested_on,
            DateField::HearingHeld => procedure::hearing_held_on,
            DateField::CollectiveDecided => procedure::collective_decided_on,
            DateField::Served => procedure::served_on,
            DateField::Paid => procedure::paid_on,
            DateField::Closed => procedure::closed_on,
        }
    }
}

pub struct CaseDoc {
    doc: AutoCommit,
    /// Heads already in the store: `save_incremental` writes only what came after them.
    /// (Automerge's own save cursor starts empty after a load, which would re-save the whole
    /// history with the first edit.)
    stored: Vec<ChangeHash>,
    /// Who makes the next changes; each commit carries it (`audit`).
    author: Option<Author>,
    /// The fields written since the last commit.
    written: Vec<FieldChange>,
}

fn check_schema(doc: &AutoCommit) -> Result<(), CaseError> {
    let schema = doc
        .get(ROOT, SCHEMA_KEY)
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
    /// A new case file, of no recorded author (tests, tools).
    pub fn create(
        id: &str,
        kind: CaseKind,
        violation: &str,
        place_division: &str,
        act_date: NaiveDate,
        discovered_on: NaiveDate,
    ) -> Result<CaseDoc, CaseError> {
        CaseDoc::create_by(
            id,
            kind,
            violation,
            place_division,
            act_date,
            discovered_on,
            None,
        )
    }

    /// A new case file whose first change is `author`'s.
    pub fn create_by(
        id: &str,
        kind: CaseKind,
        violation: &str,
        place_division: &str,
        act_date: NaiveDate,
        discovered_on: NaiveDate,
        author: Option<Author>,
    ) -> Result<CaseDoc, CaseError> {
        let mut doc = AutoCommit::new();
        let d = &mut doc;
        d.put(ROOT, SCHEMA_KEY, SCHEMA_VERSION).map_err(am)?;
        case::id.put(d, &ROOT, &id.to_owned())?;
        case::kind.put(d, &ROOT, &kind)?;
        case::status.put(d, &ROOT, &CaseStatus::Draft)?;
        case::violation.put(d, &ROOT, &violation.to_owned())?;
        case::place_division.put(d, &ROOT, &place_division.to_owned())?;
        case::act_date.put(d, &ROOT, &act_date)?;
        case::discovered_on.put(d, &ROOT, &discovered_on)?;
        case::parties.create(d, &ROOT)?;
        case::officers.create(d, &ROOT)?;
        case::inquiries.create(d, &ROOT)?;
        case::evidence.create(d, &ROOT)?;
        case::history.create(d, &ROOT)?;
        case::facts.create(d, &ROOT)?;
        case::decision.create(d, &ROOT)?;
        case::procedure.create(d, &ROOT)?;
        case::approvals.create(d, &ROOT)?;
        case::extensions.create(d, &ROOT)?;
        case::services.create(d, &ROOT)?;
        case::service_consents.create(d, &ROOT)?;
        let onsite = case::onsite.create(d, &ROOT)?;
        onsite::findings.create(d, &onsite)?;
        let mut doc = CaseDoc::new(doc, Vec::new());
        doc.author = author;
        for (field, value) in [
            ("kind", kind.name_zh().to_owned()),
            ("violation", violation.to_owned()),
            ("place_division", place_division.to_owned()),
            ("act_date", date_zh(act_date)),
            ("discovered_on", date_zh(discovered_on)),
        ] {
            doc.wrote(field, value);
        }
        doc.commit();
        Ok(doc)
    }

    fn new(doc: AutoCommit, stored: Vec<ChangeHash>) -> CaseDoc {
        CaseDoc {
            doc,
            stored,
            author: None,
            written: Vec::new(),
        }
    }

    /// Who makes the changes from now on (the device's credentialed officer, trusted time).
    pub fn set_author(&mut self, author: Author) {
        self.author = Some(author);
    }

    /// Commits what was written since the last commit, with its author and fields.
    fn commit(&mut self) {
        let fields = std::mem::take(&mut self.written);
        match &self.author {
            Some(author) => {
                let (message, time) = audit::note(author, fields);
                self.doc.commit_with(
                    CommitOptions::default()
                        .with_message(message)
                        .with_time(time),
                );
            }
            None => {
                self.doc.commit();
            }
        }
    }

    fn wrote(&mut self, field: impl Into<String>, value: impl Into<String>) {
        self.written.push(FieldChange {
            field: field.into(),
            value: value.into(),
            resolved: false,
        });
    }

    /// Who changed which field when, every change of every replica merged in, oldest first.
    pub fn audit(&mut self) -> Vec<AuditEntry> {
        audit::history(&mut self.doc, layout::field_label)
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
        Ok(CaseDoc::new(doc, Vec::new()))
    }

    /// The document and the heads already in the store, for sync to hold (`records`).
    pub fn into_parts(self) -> (AutoCommit, Vec<ChangeHash>) {
        (self.doc, self.stored)
    }

    /// A case document back from `into_parts`; `read` checks it.
    pub fn from_parts(doc: AutoCommit, stored: Vec<ChangeHash>) -> CaseDoc {
        CaseDoc::new(doc, stored)
    }

    /// Reads a case straight from an Automerge document, without copying it (the server
    /// reads every document it receives).
    pub fn read_automerge(doc: &mut AutoCommit) -> Result<CaseFile, CaseError> {
        check_schema(doc)?;
        layout::read_case(doc).ok_or(CaseError::Corrupt)
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
        CaseDoc::new(self.doc.fork(), Vec::new())
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

    /// Applies the officer's edits as one Automerge change.
    pub fn apply(&mut self, edits: &[CaseEdit]) -> Result<(), CaseError> {
        let done = edits.iter().try_for_each(|edit| self.apply_one(edit));
        self.finish(done)
    }

    /// Applies the core's edits (procedure, number, evidence, penalty) as one change.
    pub fn record(&mut self, edits: &[RecordEdit]) -> Result<(), CaseError> {
        let done = edits.iter().try_for_each(|edit| self.record_one(edit));
        self.finish(done)
    }

    /// Commits the edits written, or drops them all when one failed.
    fn finish(&mut self, done: Result<(), CaseError>) -> Result<(), CaseError> {
        match done {
            Ok(()) => {
                self.commit();
                Ok(())
            }
            Err(error) => {
                self.doc.rollback();
                self.written.clear();
                Err(error)
            }
        }
    }

    /// The path of the entry just appended to a list at the root.
    fn last_entry(&self, list: &str) -> String {
        let length = self.obj(list).map(|l| self.doc.length(&l)).unwrap_or(1);
        format!("{list}.{}", length.saturating_sub(1))
    }

    fn apply_one(&mut self, edit: &CaseEdit) -> Result<(), CaseError> {
        let doc = &mut self.doc;
        match edit {
            CaseEdit::AddParty(party) => {
                case::parties.push(doc, &ROOT, party)?;
                let at = self.last_entry(case::parties.key());
                self.wrote(at, party.name.clone());
            }
            CaseEdit::SetParty { index, party } => {
                let index = usize::try_from(*index).map_err(|_| CaseError::NoSuchEntry)?;
                let map = case::parties.entry(doc, &ROOT, index)?;
                party.write(doc, &map).map_err(am)?;
                self.wrote(format!("parties.{index}"), party.name.clone());
            }
            CaseEdit::AddOfficer(added) => {
                case::officers.push(doc, &ROOT, added)?;
                let at = self.last_entry(case::officers.key());
                self.wrote(at, format!("{}（{}）", added.name, added.credential_no));
            }
            CaseEdit::WithdrawOfficer { credential_no } => {
                let (index, entry) = case::officers
                    .entries(doc, &ROOT)?
                    .into_iter()
                    .enumerate()
                    .find(|(_, map)| {
                        officer::credential_no.get(doc, map).as_ref() == Some(credential_no)
                    })
                    .ok_or(CaseError::NoSuchEntry)?;
                officer::withdrawn.put(doc, &entry, &true)?;
                self.wrote(format!("officers.{index}.withdrawn"), yes_no(true));
            }
            CaseEdit::SetFact(fact) => {
                let (name, value) = fact.clone().into();
                let facts = case::facts.obj(doc, &ROOT)?;
                put_fact(doc, &facts, &name, &value).map_err(am)?;
                self.wrote(format!("facts.{name}"), fact_text(&value));
            }
            CaseEdit::SetOnsite {
                time,
                place,
                party_signed,
            } => {
                let map = case::onsite.obj(doc, &ROOT)?;
                onsite::time.put(doc, &map, time)?;
                onsite::place.put(doc, &map, place)?;
                onsite::party_signed.put(doc, &map, party_signed)?;
                self.wrote("onsite.time", time.clone());
                self.wrote("onsite.place", place.clone());
                self.wrote("onsite.party_signed", yes_no(*party_signed));
            }
            CaseEdit::AppendFindings(more) => {
                let map = case::onsite.obj(doc, &ROOT)?;
                let findings = onsite::findings.obj(doc, &map)?;
                let end = doc.length(&findings);
                doc.splice_text(&findings, end, 0, more).map_err(am)?;
                self.wrote("onsite.findings", more.clone());
            }
            CaseEdit::AddInquiry(inquiry) => {
                case::inquiries.push(doc, &ROOT, inquiry)?;
                let at = self.last_entry(case::inquiries.key());
                self.wrote(at, inquiry.person.clone());
            }
            CaseEdit::RecordServiceConsent(consent) => {
                let cited = case::evidence
                    .get(doc, &ROOT)
                    .unwrap_or_default()
                    .iter()
                    .any(|item| item.hash == consent.evidence_hash);
                if !cited {
                    return Err(CaseError::NoSuchEntry);
                }
                case::service_consents.push(doc, &ROOT, consent)?;
                let at = self.last_entry(case::service_consents.key());
                self.wrote(at, consent.address.clone());
            }
            CaseEdit::Resolve { field, value } => {
                self.resolve(field, value)?;
                self.written.push(FieldChange {
                    field: field.clone(),
                    value: audit::value_text(value),
                    resolved: true,
                });
            }
        }
        Ok(())
    }

    fn record_one(&mut self, edit: &RecordEdit) -> Result<(), CaseError> {
        let doc = &mut self.doc;
        match edit {
            RecordEdit::SetNumber(number) => {
                case::number.put(doc, &ROOT, &Some(number.clone()))?;
                self.wrote("number", number.clone());
            }
            RecordEdit::AddEvidence(item) => {
                case::evidence.push(doc, &ROOT, item)?;
                let at = self.last_entry(case::evidence.key());
                self.wrote(at, format!("{}：{}", item.kind, item.description));
            }
            RecordEdit::SetSuggestion(json) => {
                case::suggestion.put(doc, &ROOT, &Some(json.clone()))?;
            }
            RecordEdit::ChoosePenalty { fine, reason } => {
                case::chosen_fine.put(doc, &ROOT, fine)?;
                case::override_reason.put(doc, &ROOT, reason)?;
                let fine = fine.map(|f| f.to_string());
                self.wrote("chosen_fine", fine.unwrap_or_default());
                self.wrote("override_reason", reason.clone().unwrap_or_default());
            }
            RecordEdit::SetChosenPenalty(chosen) => {
                case::chosen_penalty.put(doc, &ROOT, &Some(chosen.clone()))?
            }
            RecordEdit::SetDecision(decision) => {
                let map = case::decision.obj(doc, &ROOT)?;
                decision.write(doc, &map).map_err(am)?;
                self.wrote("decision.penalty", yes_no(decision.penalty));
                self.wrote("decision.fine", decision.fine.to_string());
                self.wrote("decision.decided_on", date_zh(decision.decided_on));
            }
            RecordEdit::SetDate { field, date } => {
                let map = case::procedure.obj(doc, &ROOT)?;
                field.field().put(doc, &map, &Some(*date))?;
                self.wrote(format!("procedure.{}", field.field().key()), date_zh(*date));
            }
            RecordEdit::SetPaidAmount(amount) | RecordEdit::SetNotifiedFine(amount) => {
                let field = match edit {
                    RecordEdit::SetPaidAmount(_) => procedure::paid_amount,
                    _ => procedure::notified_fine,
                };
                let map = case::procedure.obj(doc, &ROOT)?;
                field.put(doc, &map, &Some(*amount))?;
                self.wrote(format!("procedure.{}", field.key()), amount.to_string());
            }
            RecordEdit::SetNotice(notice) => {
                let text = layout::put_notice(doc, notice)?;
                self.wrote("procedure.notice", text)
            }
            RecordEdit::AddApproval(approval) => {
                case::approvals.push(doc, &ROOT, approval)?;
                let at = self.last_entry(case::approvals.key());
                let what = format!("{}：{}", approval.role.name_zh(), approval.name);
                self.wrote(at, what);
            }
            RecordEdit::AddExtension(extension) => {
                case::extensions.push(doc, &ROOT, extension)?;
                let at = self.last_entry(case::extensions.key());
                self.wrote(at, date_zh(extension.until));
            }
            RecordEdit::AddService(service) => {
                case::services.push(doc, &ROOT, service)?;
                let at = self.last_entry(case::services.key());
                let what = format!("{}：{}", service.method.name_zh(), service.recipient);
                self.wrote(at, what);
            }
            RecordEdit::Transition {
                status,
                step,
                at,
                by,
            } => {
                case::status.put(doc, &ROOT, status)?;
                let entry = HistoryEntry {
                    step: step.clone(),
                    status: status.as_str().to_owned(),
                    at: at.clone(),
                    by: by.clone(),
                    step_zh: String::new(),
                    status_zh: String::new(),
                };
                case::history.push(doc, &ROOT, &entry)?;
                self.wrote("status", status.name_zh());
            }
        }
        Ok(())
    }

    /// Writes `value` at a conflicted field path, typed like the values already there.
    fn resolve(&mut self, field: &str, value: &str) -> Result<(), CaseError> {
        let parts: Vec<&str> = field.split('.').collect();
        let (object, key) = match parts.as_slice() {
            [key] => (ROOT, key.to_string()),
            [map, key] => (self.obj(map)?, key.to_string()),
            [list, index, key] if *list == case::parties.key() => {
                let list = self.obj(list)?;
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
        layout::read_case(&self.doc).ok_or(CaseError::Corrupt)
    }

    /// The legally significant fields, whose concurrent different values are conflicts, as
    /// paths (`*` for any list index or fact name): `status`, `facts.*`, `parties.*.name`, ….
    pub fn legal_fields() -> Vec<String> {
        layout::legal_paths()
    }

    fn obj(&self, key: &str) -> Result<ObjId, CaseError> {
        match self.doc.get(ROOT, key).map_err(am)? {
            Some((Value::Object(_), id)) => Ok(id),
            _ => Err(CaseError::Corrupt),
        }
    }
}
