//! The records of the reference catalogue, as they travel in bundles and sit in the store.

use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// 执法主体: an agency with standing to enforce.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct EnforcementBody {
    pub id: String,
    pub name: String,
    /// GB/T 2260 division code of its seat.
    pub division: String,
    /// What its documents print (Art. 44, 52, 59); empty where the catalogue does not say,
    /// and the document then leaves a line to fill in by hand.
    #[serde(default)]
    pub address: String,
    /// Who reconsiders its acts: since the 2023 Administrative Reconsideration Law, the
    /// government at the same level for a county-level department (重庆市渝中区人民政府).
    #[serde(default)]
    pub reconsideration_body: String,
    /// The court where its acts are sued (行政诉讼).
    #[serde(default)]
    pub court: String,
    /// Where fines are paid (Art. 67): the bank and the account.
    #[serde(default)]
    pub payment_bank: String,
    #[serde(default)]
    pub payment_account: String,
    /// The seal's wording, where it differs from the name (e.g. a detachment's own seal).
    #[serde(default)]
    pub seal_name: String,
    /// The case-number prefixes (案号前缀, e.g. 渝中市监罚) that are this body's alone: the
    /// server gives number blocks under a prefix only to devices of the body listing it, and
    /// a phone not told otherwise numbers its cases under the first. No two bodies share one.
    #[serde(default)]
    pub case_number_prefixes: Vec<String>,
}

/// 执法事项: one enforcement power listed in the catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct EnforcementItem {
    pub code: String,
    pub name: String,
    pub sector: String,
    pub kind: ItemKind,
    /// The legal basis as published, e.g. 《中华人民共和国食品安全法》第一百二十六条第一款第五项.
    pub legal_basis: String,
    /// The sector's own period from filing to decision, in days, where a law, regulation or
    /// rule sets one (Art. 60 "unless otherwise provided"); none: the 90 days of Art. 60.
    #[serde(default)]
    pub decision_days: Option<i32>,
}

/// The kinds of enforcement power (行政执法事项类别).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum ItemKind {
    /// 行政处罚
    Penalty,
    /// 行政强制
    Coercion,
    /// 行政检查
    Inspection,
}

impl ItemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ItemKind::Penalty => "Penalty",
            ItemKind::Coercion => "Coercion",
            ItemKind::Inspection => "Inspection",
        }
    }

    pub fn parse(text: &str) -> Option<ItemKind> {
        match text {
            "Penalty" => Some(ItemKind::Penalty),
            "Coercion" => Some(ItemKind::Coercion),
            "Inspection" => Some(ItemKind::Inspection),
            _ => None,
        }
    }
}

/// 执法人员: an officer holding an enforcement credential.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Officer {
    /// 执法证号
    pub credential_no: String,
    pub name: String,
    pub body_id: String,
    /// Division codes (or prefixes) of the officer's jurisdiction.
    pub divisions: Vec<String>,
    /// Enforcement item codes the officer is authorised for.
    pub items: Vec<String>,
    /// The procedural authorities the officer holds in the body (approvals, review).
    #[serde(default)]
    pub roles: Vec<OfficerRole>,
}

/// A procedural authority held by a person of the body, as the catalogue grants it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum OfficerRole {
    /// 立案审批: approves filing a case (Art. 54).
    FilingApproval,
    /// 法制审核: the body's legal reviewer (Art. 58).
    LegalReview,
    /// Chairs the heads' collective discussion (Art. 57 ¶2).
    CollectiveDecision,
    /// Approves extending the decision period (Art. 60).
    ExtensionApproval,
}

impl OfficerRole {
    /// The role's name, as the officer reads it.
    pub fn name_zh(self) -> &'static str {
        use crate::texts::cases::role;
        match self {
            OfficerRole::FilingApproval => role::FILING_APPROVAL,
            OfficerRole::LegalReview => role::LEGAL_REVIEW,
            OfficerRole::CollectiveDecision => role::COLLECTIVE_DECISION,
            OfficerRole::ExtensionApproval => role::EXTENSION_APPROVAL,
        }
    }
}

/// 法规: a law, regulation or rule with its articles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Regulation {
    pub id: String,
    pub title: String,
    pub level: RegulationLevel,
    pub issuer: String,
    pub effective: NaiveDate,
    pub repealed: Option<NaiveDate>,
    pub articles: Vec<Article>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// As printed: 第一百二十六条.
    pub number: String,
    pub text: String,
}

/// 效力层级
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RegulationLevel {
    /// 法律
    Law,
    /// 行政法规
    AdministrativeRegulation,
    /// 地方性法规
    LocalRegulation,
    /// 部门规章
    DepartmentalRule,
    /// 地方政府规章
    LocalRule,
    /// 规范性文件
    NormativeDocument,
}

impl RegulationLevel {
    pub fn as_str(self) -> &'static str {
        match self {
            RegulationLevel::Law => "Law",
            RegulationLevel::AdministrativeRegulation => "AdministrativeRegulation",
            RegulationLevel::LocalRegulation => "LocalRegulation",
            RegulationLevel::DepartmentalRule => "DepartmentalRule",
            RegulationLevel::LocalRule => "LocalRule",
            RegulationLevel::NormativeDocument => "NormativeDocument",
        }
    }

    pub fn parse(text: &str) -> Option<RegulationLevel> {
        [
            RegulationLevel::Law,
            RegulationLevel::AdministrativeRegulation,
            RegulationLevel::LocalRegulation,
            RegulationLevel::DepartmentalRule,
            RegulationLevel::LocalRule,
            RegulationLevel::NormativeDocument,
        ]
        .into_iter()
        .find(|level| level.as_str() == text)
    }
}

/// 对象: an enterprise under supervision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Enterprise {
    pub credit_code: String,
    pub name: String,
    /// Division code of its premises (may differ from the one in its credit code).
    pub division: String,
    pub industry: String,
    pub credit_grade: CreditGrade,
    /// Address of its premises, as a decision names the party (Art. 59).
    #[serde(default)]
    pub address: String,
    /// 法定代表人 (or the person in charge), as the decision names it.
    #[serde(default)]
    pub legal_representative: Option<String>,
}

/// Credit grade used to weight random inspections: A is inspected least, D most.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum CreditGrade {
    A,
    B,
    C,
    D,
}

impl CreditGrade {
    pub fn as_str(self) -> &'static str {
        match self {
            CreditGrade::A => "A",
            CreditGrade::B => "B",
            CreditGrade::C => "C",
            CreditGrade::D => "D",
        }
    }

    pub fn parse(text: &str) -> Option<CreditGrade> {
        match text {
            "A" => Some(CreditGrade::A),
            "B" => Some(CreditGrade::B),
            "C" => Some(CreditGrade::C),
            "D" => Some(CreditGrade::D),
            _ => None,
        }
    }
}

/// A signing key of an agency in the trust list. The catalogue authority (the pinned root)
/// vouches for it by signing the bundle that carries it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyKey {
    /// Hex of the key id (first 8 bytes of SHA-256 of the SPKI); checked against the key.
    pub key_id: String,
    /// The enforcement body that holds the key.
    pub agency_id: String,
    /// SubjectPublicKeyInfo DER, hex.
    pub public_key: String,
    pub purpose: KeyPurpose,
    /// The signing period (at most a year): what it signed outside it is refused.
    pub valid_from: DateTime<Utc>,
    pub valid_until: DateTime<Utc>,
    /// Division prefixes the key may sign credentials or enterprise codes for.
    pub divisions: Vec<String>,
}

/// What an agency key may sign.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum KeyPurpose {
    /// Officers' duty credentials (执法码).
    DutyCredential,
    /// Enterprises' codes (企业码).
    EnterpriseCode,
}

impl KeyPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            KeyPurpose::DutyCredential => "DutyCredential",
            KeyPurpose::EnterpriseCode => "EnterpriseCode",
        }
    }

    pub fn parse(text: &str) -> Option<KeyPurpose> {
        match text {
            "DutyCredential" => Some(KeyPurpose::DutyCredential),
            "EnterpriseCode" => Some(KeyPurpose::EnterpriseCode),
            _ => None,
        }
    }
}

/// An entry of the revocation list; dropped by the authority once `expires` has passed,
/// since everything it revokes has expired by then.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Revocation {
    pub id: String,
    pub target: RevocationTarget,
    pub expires: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RevocationTarget {
    /// One duty credential, by the hex of the first 16 bytes of SHA-256 of its id.
    Credential { id_hash: String },
    /// Everything issued to this credential number before `before`.
    SubjectBefore {
        subject: String,
        before: DateTime<Utc>,
    },
    /// Printed enterprise codes with a serial below `min_serial` are retired.
    EnterpriseSerial {
        credit_code: String,
        min_serial: u32,
    },
}

/// A whole catalogue, or the records a delta adds or replaces.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogueData {
    #[serde(default)]
    pub bodies: Vec<EnforcementBody>,
    #[serde(default)]
    pub items: Vec<EnforcementItem>,
    #[serde(default)]
    pub officers: Vec<Officer>,
    #[serde(default)]
    pub regulations: Vec<Regulation>,
    #[serde(default)]
    pub enterprises: Vec<Enterprise>,
    /// The trust list.
    #[serde(default)]
    pub agency_keys: Vec<AgencyKey>,
    /// The revocation list.
    #[serde(default)]
    pub revocations: Vec<Revocation>,
    /// Violations with their statutory frame, for the discretion engine.
    #[serde(default)]
    pub violations: Vec<crate::discretion::Violation>,
    /// Published discretion baselines with their rows.
    #[serde(default)]
    pub baseline_documents: Vec<crate::discretion::BaselineDocument>,
    /// Jurisdictions' 较大数额 for hearings.
    #[serde(default)]
    pub hearing_thresholds: Vec<crate::discretion::HearingThreshold>,
    /// The official holiday calendars, for statutory periods in working days.
    #[serde(default)]
    pub holiday_calendars: Vec<crate::calendar::HolidayCalendar>,
}

impl CatalogueData {
    /// The part a device of `scope` may hold: officers working in it and enterprises with
    /// premises in it (a bundle refuses others); reference data is the same everywhere.
    pub fn within(mut self, scope: &[String]) -> CatalogueData {
        use crate::ids::{division_in_scope, jurisdiction_overlaps};
        self.officers
            .retain(|o| jurisdiction_overlaps(&o.divisions, scope));
        self.enterprises
            .retain(|e| division_in_scope(&e.division, scope));
        self
    }
}

/// Keys of records a delta removes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Removals {
    #[serde(default)]
    pub bodies: Vec<String>,
    #[serde(default)]
    pub items: Vec<String>,
    #[serde(default)]
    pub officers: Vec<String>,
    #[serde(default)]
    pub regulations: Vec<String>,
    #[serde(default)]
    pub enterprises: Vec<String>,
    /// Agency keys by their public key (hex SPKI): key ids may collide.
    #[serde(default)]
    pub agency_keys: Vec<String>,
    #[serde(default)]
    pub revocations: Vec<String>,
    #[serde(default)]
    pub violations: Vec<String>,
    #[serde(default)]
    pub baseline_documents: Vec<String>,
    #[serde(default)]
    pub hearing_thresholds: Vec<String>,
    /// Holiday calendars by year.
    #[serde(default)]
    pub holiday_calendars: Vec<String>,
}

impl Removals {
    pub fn is_empty(&self) -> bool {
        self.bodies.is_empty()
            && self.items.is_empty()
            && self.officers.is_empty()
            && self.regulations.is_empty()
            && self.enterprises.is_empty()
            && self.agency_keys.is_empty()
            && self.revocations.is_empty()
            && self.violations.is_empty()
            && self.baseline_documents.is_empty()
            && self.hearing_thresholds.is_empty()
            && self.holiday_calendars.is_empty()
    }
}

/// The kinds of catalogue record, in the order a bundle lists them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Body,
    Item,
    Officer,
    Regulation,
    Enterprise,
    AgencyKey,
    Revocation,
    Violation,
    BaselineDocument,
    HearingThreshold,
    HolidayCalendar,
}

impl RecordKind {
    pub const ALL: [RecordKind; 11] = [
        RecordKind::Body,
        RecordKind::Item,
        RecordKind::Officer,
        RecordKind::Regulation,
        RecordKind::Enterprise,
        RecordKind::AgencyKey,
        RecordKind::Revocation,
        RecordKind::Violation,
        RecordKind::BaselineDocument,
        RecordKind::HearingThreshold,
        RecordKind::HolidayCalendar,
    ];

    /// The stable name a store keeps the kind under (the server's versioned catalogue).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordKind::Body => "body",
            RecordKind::Item => "item",
            RecordKind::Officer => "officer",
            RecordKind::Regulation => "regulation",
            RecordKind::Enterprise => "enterprise",
            RecordKind::AgencyKey => "agency_key",
            RecordKind::Revocation => "revocation",
            RecordKind::Violation => "violation",
            RecordKind::BaselineDocument => "baseline_document",
            RecordKind::HearingThreshold => "hearing_threshold",
            RecordKind::HolidayCalendar => "holiday_calendar",
        }
    }

    pub fn name_zh(self) -> &'static str {
        use crate::texts::registry::kind as name;
        match self {
            RecordKind::Body => name::BODY,
            RecordKind::Item => name::ITEM,
            RecordKind::Officer => name::OFFICER,
            RecordKind::Regulation => name::REGULATION,
            RecordKind::Enterprise => name::ENTERPRISE,
            RecordKind::AgencyKey => name::AGENCY_KEY,
            RecordKind::Revocation => name::REVOCATION,
            RecordKind::Violation => name::VIOLATION,
            RecordKind::BaselineDocument => name::BASELINE_DOCUMENT,
            RecordKind::HearingThreshold => name::HEARING_THRESHOLD,
            RecordKind::HolidayCalendar => name::HOLIDAY_CALENDAR,
        }
    }
}
