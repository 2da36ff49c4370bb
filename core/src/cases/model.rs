//! The case file as typed Rust: what `CaseDoc::read` returns and what the procedure, the
//! documents and the queries work with. Nothing outside `document.rs` touches Automerge.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::discretion::Facts;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum CaseKind {
    /// 简易程序: decided on the spot (Art. 51–52).
    Summary,
    /// 普通程序 (Art. 54–62).
    Ordinary,
}

/// Where a case stands. Summary: Draft → Decided → Closed. Ordinary: Draft → Filed → Notified
/// → (HearingRequested → HearingHeld) → Decided → Served → Executed → Closed; a no-penalty
/// decision closes after service.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum CaseStatus {
    Draft,
    /// 立案: the 90-day decision clock runs (Art. 60).
    Filed,
    /// 事先告知 served (Art. 44, 62).
    Notified,
    HearingRequested,
    HearingHeld,
    /// 作出决定 (on the spot for a summary case).
    Decided,
    /// 送达 (Art. 61).
    Served,
    /// 执行: paid, with any late fee (Art. 66–72).
    Executed,
    /// 结案
    Closed,
}

impl CaseKind {
    /// The procedure's name, as the officer reads it.
    pub fn name_zh(self) -> &'static str {
        match self {
            CaseKind::Summary => crate::texts::cases::SUMMARY_PROCEDURE,
            CaseKind::Ordinary => crate::texts::cases::ORDINARY_PROCEDURE,
        }
    }
}

impl CaseStatus {
    /// Where the case stands, as the officer reads it.
    pub fn name_zh(self) -> &'static str {
        use crate::texts::cases::status as name;
        match self {
            CaseStatus::Draft => name::DRAFT,
            CaseStatus::Filed => name::FILED,
            CaseStatus::Notified => name::NOTIFIED,
            CaseStatus::HearingRequested => name::HEARING_REQUESTED,
            CaseStatus::HearingHeld => name::HEARING_HELD,
            CaseStatus::Decided => name::DECIDED,
            CaseStatus::Served => name::SERVED,
            CaseStatus::Executed => name::EXECUTED,
            CaseStatus::Closed => name::CLOSED,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Draft => "draft",
            CaseStatus::Filed => "filed",
            CaseStatus::Notified => "notified",
            CaseStatus::HearingRequested => "hearing_requested",
            CaseStatus::HearingHeld => "hearing_held",
            CaseStatus::Decided => "decided",
            CaseStatus::Served => "served",
            CaseStatus::Executed => "executed",
            CaseStatus::Closed => "closed",
        }
    }

    pub fn parse(text: &str) -> Option<CaseStatus> {
        use CaseStatus::*;
        [
            Draft,
            Filed,
            Notified,
            HearingRequested,
            HearingHeld,
            Decided,
            Served,
            Executed,
            Closed,
        ]
        .into_iter()
        .find(|s| s.as_str() == text)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PartyKind {
    /// 公民 (including individual businesses run by a person).
    Person,
    /// 法人或者其他组织
    Organisation,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Party {
    pub kind: PartyKind,
    pub name: String,
    /// Organisations: the unified social credit code.
    pub credit_code: Option<String>,
    /// Persons: the ID-card number. Personal data: never logged, never in error texts.
    pub id_number: Option<String>,
    pub address: String,
    /// The legal representative or the person present.
    pub representative: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CaseOfficer {
    pub credential_no: String,
    pub name: String,
    /// Checked against the catalogue (and the credential, when shown by code).
    pub verified: bool,
    /// Withdrew for a direct interest (回避, Art. 43).
    pub withdrawn: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct EvidenceItem {
    /// SHA-256 of the blob.
    pub hash: String,
    /// 书证, 物证, 视听资料, 电子数据, 证人证言, 当事人陈述, 鉴定意见, 勘验笔录/现场笔录 (Art. 46).
    pub kind: String,
    pub description: String,
    /// Bytes of the file (never negative; stored unsigned in the document).
    pub size: i64,
    /// COSE_Sign1 by the capturing device over the capture metadata.
    pub signed_metadata: Vec<u8>,
}

/// 现场检查笔录
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct OnsiteRecord {
    pub time: String,
    pub place: String,
    pub findings: String,
    /// Refusal to sign is noted, not hidden (Art. 52).
    pub party_signed: bool,
}

/// 询问笔录
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Inquiry {
    pub person: String,
    pub time: String,
    pub record: String,
}

/// The penalty decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Decision {
    /// False for a no-penalty decision (不予行政处罚决定).
    pub penalty: bool,
    pub warning: bool,
    pub fine: i64,
    /// Illegal gains confiscated, yuan.
    pub confiscated_gains: i64,
    pub confiscate_property: bool,
    /// The other kinds decided (licence and production measures, 通报批评), typed; printed
    /// by `PenaltyKind::name_zh`.
    pub other: Vec<crate::discretion::PenaltyKind>,
    pub decided_on: NaiveDate,
}

impl Decision {
    /// The decision is exactly the penalty chosen and checked: its kinds and amounts.
    pub fn of_choice(chosen: &crate::discretion::ChosenPenalty, decided_on: NaiveDate) -> Self {
        use crate::discretion::PenaltyKind::*;
        let has = |kind| chosen.kinds.contains(&kind);
        let penalty = !chosen.is_no_penalty();
        Decision {
            penalty,
            warning: has(Warning),
            fine: if has(Fine) {
                chosen.fine.unwrap_or(0)
            } else {
                0
            },
            confiscated_gains: if has(ConfiscateGains) {
                chosen.confiscated_gains.unwrap_or(0)
            } else {
                0
            },
            confiscate_property: has(ConfiscateProperty),
            other: chosen
                .kinds
                .iter()
                .copied()
                .filter(|k| !matches!(k, Warning | Fine | ConfiscateGains | ConfiscateProperty))
                .collect(),
            decided_on,
        }
    }

    /// The kinds and amounts as a decision states them (警告、罚款人民币100元), in the
    /// law's order.
    pub fn parts_zh(&self) -> Vec<String> {
        use crate::discretion::PenaltyKind::*;
        use crate::texts::cases::penalty as text;
        let mut parts = Vec::new();
        if self.warning {
            parts.push(Warning.name_zh().to_owned());
        }
        if self.fine > 0 {
            parts.push(text::fine(self.fine));
        }
        if self.confiscated_gains > 0 {
            parts.push(text::confiscated_gains(self.confiscated_gains));
        }
        if self.confiscate_property {
            parts.push(ConfiscateProperty.name_zh().to_owned());
        }
        parts.extend(self.other.iter().map(|k| k.name_zh().to_owned()));
        parts
    }
}

/// A chosen penalty as the officer and the party read it; no kinds: 不予行政处罚.
pub fn penalty_zh(chosen: &crate::discretion::ChosenPenalty) -> String {
    let parts = Decision::of_choice(chosen, NaiveDate::MIN).parts_zh();
    if parts.is_empty() {
        crate::texts::cases::penalty::NONE.to_owned()
    } else {
        crate::texts::list(&parts)
    }
}

/// What the notice of the intended penalty told the party (Art. 44): the penalty, the facts
/// it rests on, and whether it offered a hearing (Art. 63-64). The decision is compared
/// with it: nothing heavier, no added kind, no new facts that change the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Notice {
    pub penalty: crate::discretion::ChosenPenalty,
    pub facts: Facts,
    pub hearing_offered: bool,
    /// The party stated and defended, or waived it, after this notice (Art. 45).
    #[serde(default)]
    pub statement_closed: bool,
}

/// The dates the procedure records.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ProcedureDates {
    pub filed_on: Option<NaiveDate>,
    pub legal_review_passed_on: Option<NaiveDate>,
    pub notified_on: Option<NaiveDate>,
    /// The party stated and defended, or waived it (Art. 44–45).
    pub statement_closed_on: Option<NaiveDate>,
    pub hearing_requested_on: Option<NaiveDate>,
    pub hearing_held_on: Option<NaiveDate>,
    pub collective_decided_on: Option<NaiveDate>,
    pub served_on: Option<NaiveDate>,
    pub paid_on: Option<NaiveDate>,
    pub paid_amount: Option<i64>,
    pub notified_fine: Option<i64>,
    pub closed_on: Option<NaiveDate>,
    /// The latest notice's content (absent in cases notified before it was kept).
    pub notice: Option<Notice>,
}

/// Two replicas set a legally significant field to different values: a person chooses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Conflict {
    /// e.g. `status`, `decision.fine`, `facts.harm`, `parties.0.name`.
    pub field: String,
    /// The field as the officer reads it (e.g. 案件情节（危害后果程度…）).
    pub label: String,
    pub values: Vec<String>,
}

/// How a decision reached the party (Art. 61, by the Civil Procedure Law's ways of service).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ServiceMethod {
    /// 当场交付: handed over on the spot after it was announced (Art. 52, 61 ¶1).
    OnTheSpot,
    /// 直接送达
    Direct,
    /// 留置送达: the party refused; left with a witness or recording (note says which).
    Lodged,
    /// 邮寄送达
    Post,
    /// 委托送达: through another agency (note names it).
    Entrusted,
    /// 电子送达: only with the party's signed consent on record.
    Electronic,
    /// 公告送达: only when every other way failed (note says why).
    PublicNotice,
}

impl ServiceMethod {
    pub fn as_str(self) -> &'static str {
        match self {
            ServiceMethod::OnTheSpot => "on_the_spot",
            ServiceMethod::Direct => "direct",
            ServiceMethod::Lodged => "lodged",
            ServiceMethod::Post => "post",
            ServiceMethod::Entrusted => "entrusted",
            ServiceMethod::Electronic => "electronic",
            ServiceMethod::PublicNotice => "public_notice",
        }
    }

    pub fn parse(text: &str) -> Option<ServiceMethod> {
        use ServiceMethod::*;
        [
            OnTheSpot,
            Direct,
            Lodged,
            Post,
            Entrusted,
            Electronic,
            PublicNotice,
        ]
        .into_iter()
        .find(|m| m.as_str() == text)
    }

    /// The way of service, as the officer reads it.
    pub fn name_zh(self) -> &'static str {
        use crate::texts::cases::service as name;
        match self {
            ServiceMethod::OnTheSpot => name::ON_THE_SPOT,
            ServiceMethod::Direct => name::DIRECT,
            ServiceMethod::Lodged => name::LODGED,
            ServiceMethod::Post => name::POST,
            ServiceMethod::Entrusted => name::ENTRUSTED,
            ServiceMethod::Electronic => name::ELECTRONIC,
            ServiceMethod::PublicNotice => name::PUBLIC_NOTICE,
        }
    }
}

/// 送达: how, when and to whom the decision was served, and by whom (Art. 61).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ServiceRecord {
    pub method: ServiceMethod,
    /// The day the party received it (for post: the day on the receipt).
    pub served_on: NaiveDate,
    /// Who received it (the party, a family member, the addressee of a notice).
    pub recipient: String,
    /// The credentialed officer who served it, and their name.
    pub served_by: String,
    pub served_by_name: String,
    /// Trusted time the service was recorded.
    pub recorded_at: String,
    /// Served after the seven working days of Art. 61 for an absent party.
    pub late: bool,
    /// Witness of a lodged service, the entrusted agency, why a public notice.
    pub note: String,
}

/// The party's signed consent to electronic service (Art. 61 ¶2): the address and the
/// evidence item (the signed form) that proves it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct ServiceConsent {
    /// The e-mail address, fax number or platform account the party agreed to.
    pub address: String,
    /// SHA-256 of the evidence item holding the signed consent.
    pub evidence_hash: String,
}

/// A procedural approval by a person holding that authority in the catalogue: 立案审批,
/// 法制审核 (Art. 58), the collective discussion (Art. 57 ¶2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Approval {
    pub role: crate::registry::OfficerRole,
    /// The approver's credential number and name, as the catalogue lists them.
    pub credential_no: String,
    pub name: String,
    pub approved_on: NaiveDate,
    /// The credentialed officer who recorded it.
    pub recorded_by: String,
}

/// An extension of the decision period (Art. 60 "unless otherwise provided").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Extension {
    /// Who approved (a person holding `ExtensionApproval` in the body), and their name.
    pub approved_by: String,
    pub approver_name: String,
    pub approved_on: NaiveDate,
    /// The last day a decision may be made.
    pub until: NaiveDate,
    pub reason: String,
    pub recorded_by: String,
}

/// One entry of the case's history (Art. 47: the whole process is recorded).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct HistoryEntry {
    pub step: String,
    pub status: String,
    pub at: String,
    pub by: String,
    /// The step and the status reached, as the officer reads them.
    pub step_zh: String,
    pub status_zh: String,
}

/// A whole case file, read (serialised as it reads: the supervisors' case view).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct CaseFile {
    pub id: String,
    pub number: Option<String>,
    pub kind: CaseKind,
    pub status: CaseStatus,
    pub violation: String,
    pub place_division: String,
    pub act_date: NaiveDate,
    pub discovered_on: NaiveDate,
    pub parties: Vec<Party>,
    pub officers: Vec<CaseOfficer>,
    pub facts: Facts,
    pub onsite: OnsiteRecord,
    pub inquiries: Vec<Inquiry>,
    pub evidence: Vec<EvidenceItem>,
    /// JSON snapshot of the engine's outcome when the penalty was chosen.
    pub suggestion: Option<String>,
    pub chosen_fine: Option<i64>,
    pub override_reason: Option<String>,
    /// The whole choice (`CaseService::choose`); `chosen_fine` and `override_reason` repeat
    /// its fine and reason for readers of schema 1.
    pub chosen_penalty: Option<crate::discretion::ChosenPenalty>,
    pub decision: Option<Decision>,
    pub procedure: ProcedureDates,
    pub history: Vec<HistoryEntry>,
    /// Approvals of filing, legal review and the collective decision.
    pub approvals: Vec<Approval>,
    /// Extensions of the decision period, latest last.
    pub extensions: Vec<Extension>,
    /// Every service of the decision (a failed one may be followed by another).
    pub services: Vec<ServiceRecord>,
    /// The party's consents to electronic service.
    pub service_consents: Vec<ServiceConsent>,
    pub conflicts: Vec<Conflict>,
}

impl CaseFile {
    /// The penalty chosen, as the procedure routes it: the whole record, or for a case chosen
    /// before it was kept, the outcome's kinds with the chosen fine.
    pub fn chosen_penalty_for(
        &self,
        outcome: &crate::discretion::Outcome,
    ) -> crate::discretion::ChosenPenalty {
        self.chosen_penalty.clone().unwrap_or_else(|| {
            let gains = self.facts.int("illegal_gains");
            let mut chosen =
                crate::discretion::ChosenPenalty::suggested(outcome, self.chosen_fine, gains);
            chosen.reason = self.override_reason.clone();
            chosen
        })
    }

    /// Officers who may act: verified and not withdrawn.
    pub fn acting_officers(&self) -> usize {
        self.officers
            .iter()
            .filter(|o| o.verified && !o.withdrawn)
            .count()
    }

    /// The latest approval in `role`, if any.
    pub fn approval(&self, role: crate::registry::OfficerRole) -> Option<&Approval> {
        self.approvals.iter().rev().find(|a| a.role == role)
    }

    pub fn citizen_party(&self) -> bool {
        self.parties
            .first()
            .is_some_and(|p| p.kind == PartyKind::Person)
    }
}
