//! The case file's layout in its Automerge document (schema 1), declared once per shape: the
//! root map, `parties`, `officers`, `inquiries`, `evidence` and `history` (lists of maps),
//! `facts` (a map of scalars), `onsite` (a map; `findings` is text), `decision` and
//! `procedure` (maps). `legal` marks the fields whose concurrent different values are a
//! `Conflict` a person settles. Documents already on phones and servers fix every key, type and
//! encoding here: change nothing without a new schema version.

use automerge::transaction::Transactable;
use automerge::{AutoCommit, ObjId, ObjType, ReadDoc, ScalarValue, Value};

use super::model::*;
use super::shape::{
    scalar, shape, Am, Bool, Bytes, Codec, Date, Int, Joined, List, Map, Object, OptDate, OptInt,
    OptList, OptMap, OptStr, Path, ReqStr, Str, Text, Uint,
};
use super::shape::{Reader, Shape};
use crate::discretion::{ChosenPenalty, FactValue, Facts};

pub const SCHEMA_VERSION: i64 = 1;
/// The root's key holding `SCHEMA_VERSION`.
pub(crate) const SCHEMA_KEY: &str = "schema";

shape!(CaseFile in case {
    id: "id" => ReqStr,
    legal status: "status" => Status,
    legal number: "number" => OptStr,
    legal kind: "kind" => Kind,
    legal chosen_fine: "chosen_fine" => OptInt,
    legal override_reason: "override_reason" => OptStr,
    legal chosen_penalty: "chosen_penalty" => ChosenJson,
    legal facts: "facts" => FactMap,
    parties: "parties" => List<Party>,
    officers: "officers" => List<CaseOfficer>,
    onsite: "onsite" => Map<OnsiteRecord>,
    inquiries: "inquiries" => List<Inquiry>,
    evidence: "evidence" => List<EvidenceItem>,
    history: "history" => List<HistoryEntry>,
    decision: "decision" => OptMap<Decision>,
    procedure: "procedure" => Map<ProcedureDates>,
    violation: "violation" => Str,
    place_division: "place_division" => Str,
    act_date: "act_date" => Date,
    discovered_on: "discovered_on" => Date,
    suggestion: "suggestion" => OptStr,
    approvals: "approvals" => OptList<Approval>,
    extensions: "extensions" => OptList<Extension>,
    services: "services" => OptList<ServiceRecord>,
    service_consents: "service_consents" => OptList<ServiceConsent>,
    conflicts = Vec::new(),
});

shape!(Party in party {
    legal kind: "kind" => PartyKindCodec,
    legal name: "name" => Str,
    legal credit_code: "credit_code" => OptStr,
    legal id_number: "id_number" => OptStr,
    legal address: "address" => Str,
    legal representative: "representative" => OptStr,
});

shape!(CaseOfficer in officer {
    credential_no: "credential_no" => Str,
    name: "name" => Str,
    verified: "verified" => Bool,
    legal withdrawn: "withdrawn" => Bool,
});

shape!(OnsiteRecord in onsite {
    time: "time" => Str,
    place: "place" => Str,
    findings: "findings" => Text,
    party_signed: "party_signed" => Bool,
});

shape!(Inquiry in inquiry {
    person: "person" => Str,
    time: "time" => Str,
    record: "record" => Text,
});

shape!(EvidenceItem in evidence {
    hash: "hash" => Str,
    kind: "kind" => Str,
    description: "description" => Str,
    size: "size" => Uint,
    signed_metadata: "signed_metadata" => Bytes,
});

shape!(HistoryEntry in history {
    step: "step" => Str,
    status: "status" => Str,
    at: "at" => Str,
    by: "by" => Str,
    step_zh = crate::texts::cases::step::label(&step).to_owned(),
    status_zh = CaseStatus::parse(&status).map(CaseStatus::name_zh).unwrap_or_default().to_owned(),
});

// Approvals, extensions, services and consents are appended, never changed: no conflicts.
shape!(Approval in approval {
    role: "role" => Role,
    credential_no: "credential_no" => Str,
    name: "name" => Str,
    approved_on: "approved_on" => Date,
    recorded_by: "recorded_by" => Str,
});

shape!(Extension in extension {
    approved_by: "approved_by" => Str,
    approver_name: "approver_name" => Str,
    approved_on: "approved_on" => Date,
    until: "until" => Date,
    reason: "reason" => Str,
    recorded_by: "recorded_by" => Str,
});

shape!(ServiceRecord in service {
    method: "method" => Method,
    served_on: "served_on" => Date,
    recipient: "recipient" => Str,
    served_by: "served_by" => Str,
    served_by_name: "served_by_name" => Str,
    recorded_at: "recorded_at" => Str,
    late: "late" => Bool,
    note: "note" => Str,
});

shape!(ServiceConsent in consent {
    address: "address" => Str,
    evidence_hash: "evidence_hash" => Str,
});

// The decision is there once it has a date: `decided_on` comes first.
shape!(Decision in decision {
    legal decided_on: "decided_on" => Date,
    legal penalty: "penalty" => Bool,
    legal warning: "warning" => Bool,
    legal confiscate_property: "confiscate_property" => Bool,
    legal fine: "fine" => Int,
    legal confiscated_gains: "confiscated_gains" => Int,
    legal other: "other" => Joined,
});

shape!(ProcedureDates in procedure {
    legal paid_amount: "paid_amount" => OptInt,
    legal notified_fine: "notified_fine" => OptInt,
    legal filed_on: "filed_on" => OptDate,
    legal legal_review_passed_on: "legal_review_passed_on" => OptDate,
    legal notified_on: "notified_on" => OptDate,
    legal statement_closed_on: "statement_closed_on" => OptDate,
    legal hearing_requested_on: "hearing_requested_on" => OptDate,
    legal hearing_held_on: "hearing_held_on" => OptDate,
    legal collective_decided_on: "collective_decided_on" => OptDate,
    legal served_on: "served_on" => OptDate,
    legal paid_on: "paid_on" => OptDate,
    legal closed_on: "closed_on" => OptDate,
});

scalar!(/// The whole chosen penalty (kinds, amounts, education, flexible measures) as JSON;
    /// `Null` when none (cases chosen before it was kept have only `chosen_fine`).
ChosenJson: Option<ChosenPenalty>, |v| match v {
    Some(chosen) => serde_json::to_string(chosen).expect("a chosen penalty serialises").into(),
    None => ScalarValue::Null,
}, |s| Some(s.as_ref().and_then(|v| v.as_str()).and_then(|t| serde_json::from_str(t).ok())));
scalar!(/// The case's status; required.
    Status: CaseStatus, |v| v.as_str().into(), |s| CaseStatus::parse(s?.as_str()?));
scalar!(/// Summary or ordinary procedure; required.
Kind: CaseKind, |v| match v {
    CaseKind::Summary => "summary".into(),
    CaseKind::Ordinary => "ordinary".into(),
}, |s| match s?.as_str()? {
    "summary" => Some(CaseKind::Summary),
    "ordinary" => Some(CaseKind::Ordinary),
    _ => None,
});
scalar!(/// A person unless it says organisation.
PartyKindCodec: PartyKind, |v| match v {
    PartyKind::Person => "person".into(),
    PartyKind::Organisation => "organisation".into(),
}, |s| Some(match s.as_ref().and_then(|v| v.as_str()) {
    Some("organisation") => PartyKind::Organisation,
    _ => PartyKind::Person,
}));

scalar!(/// A procedural role, by its catalogue name; required.
Role: crate::registry::OfficerRole, |v| match v {
    crate::registry::OfficerRole::FilingApproval => "FilingApproval".into(),
    crate::registry::OfficerRole::LegalReview => "LegalReview".into(),
    crate::registry::OfficerRole::CollectiveDecision => "CollectiveDecision".into(),
    crate::registry::OfficerRole::ExtensionApproval => "ExtensionApproval".into(),
}, |s| serde_json::from_value(serde_json::Value::String(s?.as_str()?.to_owned())).ok());
scalar!(/// A way of service; required.
    Method: ServiceMethod, |v| v.as_str().into(), |s| ServiceMethod::parse(s?.as_str()?));

/// The facts by name, each a scalar; the map itself is required.
pub(crate) struct FactMap;

impl Codec for FactMap {
    type Value = Facts;
    fn put(doc: &mut AutoCommit, obj: &ObjId, key: &str, facts: &Facts) -> Am<()> {
        let map = doc.put_object(obj, key, ObjType::Map)?;
        for (name, value) in &facts.0 {
            put_fact(doc, &map, name, value)?;
        }
        Ok(())
    }
    fn get(
        r: &mut Reader<'_>,
        obj: &ObjId,
        key: &str,
        at: &Path<'_>,
        legal: bool,
    ) -> Option<Facts> {
        let map = r.object(obj, key)?;
        let at = Path::Key(at, key);
        let doc = r.doc;
        let mut facts = Facts::new();
        for name in doc.keys(&map) {
            if let Some(Value::Scalar(value)) = r.value(&map, &name, &at, legal) {
                if let Some(value) = fact_of(&value) {
                    facts.set(&name, value);
                }
            }
        }
        Some(facts)
    }
    fn legal_paths(path: String, legal: bool, out: &mut Vec<String>) {
        if legal {
            out.push(format!("{path}.*"));
        }
    }
}

impl Object for FactMap {
    const TYPE: ObjType = ObjType::Map;
}

pub(crate) fn put_fact(
    doc: &mut AutoCommit,
    facts: &ObjId,
    name: &str,
    value: &FactValue,
) -> Am<()> {
    let value = match value {
        FactValue::Bool(b) => ScalarValue::Boolean(*b),
        FactValue::Int(i) => ScalarValue::Int(*i),
        FactValue::Text(t) => ScalarValue::Str(t.as_str().into()),
    };
    doc.put(facts, name, value)
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

/// The case file read from the root, with every conflict on a legal field.
pub(crate) fn read_case(doc: &AutoCommit) -> Option<CaseFile> {
    let mut reader = Reader::new(doc);
    reader.label = field_label;
    let mut case = CaseFile::read(&mut reader, &automerge::ROOT, &Path::Root, false)?;
    case.conflicts = reader.conflicts;
    Some(case)
}

/// The legally significant fields, as paths (`*` for any index or fact name).
pub fn legal_paths() -> Vec<String> {
    let mut out = Vec::new();
    CaseFile::legal_paths("", false, &mut out);
    out
}

/// A field path (`facts.harm`, `parties.0.address`, `procedure.filed_on`) as the officer reads
/// it. The schema is the one place that knows its keys, so their names live beside it; a path
/// this schema does not know reads as "other content", never as its key.
pub fn field_label(path: &str) -> String {
    use crate::texts::cases::field as f;
    let parts: Vec<&str> = path.split('.').collect();
    let index = |i: &str| i.parse::<usize>().ok();
    match parts.as_slice() {
        ["facts"] => f::FACTS.into(),
        ["facts", name] => crate::discretion::facts::spec(name)
            .map(|spec| f::fact(spec.question))
            .unwrap_or_else(|| f::OTHER_FACT.into()),
        [first, second] => match (list_label(first), index(second)) {
            (Some(what), Some(i)) => f::nth(what, i),
            _ => map_key_label(first, second).unwrap_or(f::OTHER).into(),
        },
        [list, i, key] => match (list_label(list), index(i), entry_key_label(list, key)) {
            (Some(what), Some(i), Some(key)) => f::of_entry(what, i, key),
            _ => f::OTHER.into(),
        },
        [key] => root_key_label(key).unwrap_or(f::OTHER).into(),
        _ => f::OTHER.into(),
    }
}

fn root_key_label(key: &str) -> Option<&'static str> {
    use crate::texts::cases::field as f;
    Some(match key {
        "status" => f::STATUS,
        "number" => f::NUMBER,
        "kind" => f::KIND,
        "chosen_fine" => f::CHOSEN_FINE,
        "override_reason" => f::OVERRIDE_REASON,
        "chosen_penalty" => f::CHOSEN_PENALTY,
        "suggestion" => f::SUGGESTION,
        "violation" => f::VIOLATION,
        "place_division" => f::PLACE_DIVISION,
        "act_date" => f::ACT_DATE,
        "discovered_on" => f::DISCOVERED_ON,
        "onsite" => f::ONSITE,
        "decision" => f::DECISION,
        _ => list_label(key)?,
    })
}

fn list_label(key: &str) -> Option<&'static str> {
    use crate::texts::cases::field as f;
    Some(match key {
        "parties" => f::PARTY,
        "officers" => f::OFFICER,
        "inquiries" => f::INQUIRY,
        "evidence" => f::EVIDENCE,
        "history" => f::HISTORY,
        "approvals" => f::APPROVAL,
        "extensions" => f::EXTENSION,
        "services" => f::SERVICE,
        "service_consents" => f::SERVICE_CONSENT,
        _ => return None,
    })
}

/// Keys inside list entries that an edit or a conflict names on their own.
fn entry_key_label(list: &str, key: &str) -> Option<&'static str> {
    use crate::texts::cases::field as f;
    Some(match (list, key) {
        ("parties", "kind") => f::PARTY_KIND,
        ("parties", "name") => f::PARTY_NAME,
        ("parties", "credit_code") => f::CREDIT_CODE,
        ("parties", "id_number") => f::ID_NUMBER,
        ("parties", "address") => f::ADDRESS,
        ("parties", "representative") => f::REPRESENTATIVE,
        ("officers", "withdrawn") => f::WITHDRAWN,
        _ => return None,
    })
}

fn map_key_label(map: &str, key: &str) -> Option<&'static str> {
    use crate::texts::cases::field as f;
    Some(match (map, key) {
        ("onsite", "time") => f::ONSITE_TIME,
        ("onsite", "place") => f::ONSITE_PLACE,
        ("onsite", "findings") => f::FINDINGS,
        ("onsite", "party_signed") => f::PARTY_SIGNED,
        ("decision", "decided_on") => f::DECIDED_ON,
        ("decision", "penalty") => f::PENALTY,
        ("decision", "warning") => f::WARNING,
        ("decision", "confiscate_property") => f::CONFISCATE_PROPERTY,
        ("decision", "fine") => f::FINE,
        ("decision", "confiscated_gains") => f::CONFISCATED_GAINS,
        ("decision", "other") => f::OTHER_PENALTIES,
        ("procedure", "paid_amount") => f::PAID_AMOUNT,
        ("procedure", "notified_fine") => f::NOTIFIED_FINE,
        ("procedure", "filed_on") => f::FILED_ON,
        ("procedure", "legal_review_passed_on") => f::LEGAL_REVIEW_PASSED_ON,
        ("procedure", "notified_on") => f::NOTIFIED_ON,
        ("procedure", "statement_closed_on") => f::STATEMENT_CLOSED_ON,
        ("procedure", "hearing_requested_on") => f::HEARING_REQUESTED_ON,
        ("procedure", "hearing_held_on") => f::HEARING_HELD_ON,
        ("procedure", "collective_decided_on") => f::COLLECTIVE_DECIDED_ON,
        ("procedure", "served_on") => f::SERVED_ON,
        ("procedure", "paid_on") => f::PAID_ON,
        ("procedure", "closed_on") => f::CLOSED_ON,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discretion::Fact;
    use chrono::NaiveDate;

    #[test]
    fn the_legal_fields_are_those_checked_for_conflicts() {
        let procedure = [
            "paid_amount",
            "notified_fine",
            "filed_on",
            "legal_review_passed_on",
            "notified_on",
            "statement_closed_on",
            "hearing_requested_on",
            "hearing_held_on",
            "collective_decided_on",
            "served_on",
            "paid_on",
            "closed_on",
        ];
        let decision = [
            "decided_on",
            "penalty",
            "warning",
            "confiscate_property",
            "fine",
            "confiscated_gains",
            "other",
        ];
        let party = [
            "kind",
            "name",
            "credit_code",
            "id_number",
            "address",
            "representative",
        ];
        let mut expected: Vec<String> = [
            "status",
            "number",
            "kind",
            "chosen_fine",
            "override_reason",
            "chosen_penalty",
            "facts.*",
        ]
        .map(String::from)
        .to_vec();
        expected.extend(party.map(|k| format!("parties.*.{k}")));
        expected.push("officers.*.withdrawn".into());
        expected.extend(decision.map(|k| format!("decision.{k}")));
        expected.extend(procedure.map(|k| format!("procedure.{k}")));
        assert_eq!(legal_paths(), expected);
    }

    /// Every legal path, with any index or fact name, reads in Chinese, never as its key.
    #[test]
    fn every_legal_field_has_a_chinese_label() {
        let ascii = |label: &str| label.chars().any(|c| c.is_ascii_alphabetic() || c == '_');
        for path in legal_paths() {
            let concrete = path.replace("facts.*", "facts.harm").replace('*', "0");
            let label = field_label(&concrete);
            assert!(!ascii(&label), "{path} reads as {label}");
            assert_ne!(
                label,
                crate::texts::cases::field::OTHER,
                "{path} has no label"
            );
        }
        assert_eq!(
            field_label("facts.harm"),
            "案件情节（危害后果程度：无、轻微、一般还是严重）"
        );
        assert_eq!(
            field_label("parties.1.address"),
            "当事人（第2项）住所或地址"
        );
        assert_eq!(field_label("facts.no_such_fact"), "其他情节");
        assert_eq!(field_label("no.such.path.here"), "其他内容");
    }

    /// Of concurrent values, `read` takes the one Automerge's `get` takes.
    #[test]
    fn conflicting_fields_read_as_their_winner() {
        use crate::cases::{CaseDoc, CaseEdit, RecordEdit};
        use automerge::{ReadDoc, ROOT};
        let date = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        let party = |name: &str| Party {
            kind: PartyKind::Person,
            name: name.into(),
            credit_code: None,
            id_number: None,
            address: String::new(),
            representative: None,
        };
        let edits = |n: &str| {
            vec![
                CaseEdit::SetFact(Fact::new("harm", FactValue::Text(n.into()))),
                CaseEdit::SetParty {
                    index: 0,
                    party: party(n),
                },
            ]
        };
        let mut a =
            CaseDoc::create("c1", CaseKind::Ordinary, "DQ-116", "500103", date, date).unwrap();
        a.apply(&[CaseEdit::AddParty(party("x"))]).unwrap();
        let mut b = a.fork();
        for (doc, n) in [(&mut a, "a"), (&mut b, "b")] {
            doc.record(&[RecordEdit::SetNumber(n.into())]).unwrap();
            doc.apply(&edits(n)).unwrap();
        }
        a.merge(&mut b).unwrap();
        let case = a.read().unwrap();
        assert_eq!(case.conflicts.len(), 3);
        let doc = a.automerge();
        let winner = |obj: &ObjId, key: &str| {
            let value = doc.get(obj, key).unwrap().unwrap().0;
            value.as_str().unwrap().to_owned()
        };
        let object = |obj: &ObjId, key: automerge::Prop| doc.get(obj, key).unwrap().unwrap().1;
        let facts = object(&ROOT, "facts".into());
        let first = object(&object(&ROOT, "parties".into()), 0.into());
        assert_eq!(case.number.unwrap(), winner(&ROOT, "number"));
        assert_eq!(case.facts.text("harm").unwrap(), winner(&facts, "harm"));
        assert_eq!(case.parties[0].name, winner(&first, "name"));
    }

    /// What a shape writes, it reads back.
    fn round_trip<S: Shape + PartialEq + std::fmt::Debug>(value: S) {
        let mut doc = AutoCommit::new();
        let map = doc.put_object(automerge::ROOT, "x", ObjType::Map).unwrap();
        value.write(&mut doc, &map).unwrap();
        let read = S::read(&mut Reader::new(&doc), &map, &Path::Root, true);
        assert_eq!(read.as_ref(), Some(&value));
    }

    #[test]
    fn every_shape_reads_back_what_it_wrote() {
        let date = NaiveDate::from_ymd_opt(2025, 3, 1).unwrap();
        round_trip(Party {
            kind: PartyKind::Organisation,
            name: "某公司".into(),
            credit_code: Some("91500103MA5U000000".into()),
            id_number: None,
            address: "渝中区".into(),
            representative: Some("李某".into()),
        });
        round_trip(CaseOfficer {
            credential_no: "A1".into(),
            name: "周强".into(),
            verified: true,
            withdrawn: true,
        });
        round_trip(OnsiteRecord {
            time: "10:00".into(),
            place: "解放碑".into(),
            findings: "烧烤炉两台".into(),
            party_signed: true,
        });
        round_trip(Inquiry {
            person: "张某".into(),
            time: "10:30".into(),
            record: "问答".into(),
        });
        round_trip(EvidenceItem {
            hash: "ab".into(),
            kind: "书证".into(),
            description: "照片".into(),
            size: 7,
            signed_metadata: vec![1, 2],
        });
        round_trip(HistoryEntry {
            step: "file".into(),
            status: "filed".into(),
            at: "now".into(),
            by: "A1".into(),
            step_zh: "立案".into(),
            status_zh: "已立案".into(),
        });
        round_trip(Decision {
            penalty: true,
            warning: false,
            fine: 500,
            confiscated_gains: 3,
            confiscate_property: true,
            other: vec!["责令改正".into(), "没收".into()],
            decided_on: date,
        });
        round_trip(ProcedureDates {
            filed_on: Some(date),
            paid_amount: Some(500),
            closed_on: Some(date),
            ..ProcedureDates::default()
        });

        // A whole case file, into the root of a new document.
        use crate::cases::{CaseDoc, CaseEdit, RecordEdit};
        let mut doc =
            CaseDoc::create("c1", CaseKind::Summary, "DQ-116", "500103", date, date).unwrap();
        doc.apply(&[
            CaseEdit::SetFact(Fact::new("harm", FactValue::Text("slight".into()))),
            CaseEdit::AppendFindings("烧烤炉两台".into()),
        ])
        .unwrap();
        doc.record(&[
            RecordEdit::SetNumber("1号".into()),
            RecordEdit::ChoosePenalty {
                fine: Some(200),
                reason: None,
            },
        ])
        .unwrap();
        let case = doc.read().unwrap();
        let mut copy = AutoCommit::new();
        case.write(&mut copy, &automerge::ROOT).unwrap();
        assert_eq!(read_case(&copy), Some(case));
    }
}
