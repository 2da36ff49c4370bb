//! The records of the reference catalogue, as they travel in bundles and sit in the store.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// 执法主体: an agency with standing to enforce.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct EnforcementBody {
    pub id: String,
    pub name: String,
    /// GB/T 2260 division code of its seat.
    pub division: String,
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
}

impl Removals {
    pub fn is_empty(&self) -> bool {
        self.bodies.is_empty()
            && self.items.is_empty()
            && self.officers.is_empty()
            && self.regulations.is_empty()
            && self.enterprises.is_empty()
    }
}

/// The kinds of catalogue record, for reports and errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RecordKind {
    Body,
    Item,
    Officer,
    Regulation,
    Enterprise,
}

/// Whether `division` lies inside one of the `scope` prefixes (GB/T 2260 codes nest by prefix:
/// 50 Chongqing, 5001 its districts, 500103 Yuzhong).
pub fn division_in_scope(division: &str, scope: &[String]) -> bool {
    scope
        .iter()
        .any(|prefix| division.starts_with(prefix.as_str()))
}

/// Whether a jurisdiction (a set of prefixes) overlaps the scope: an officer with city-wide
/// powers belongs on a district device, and a district officer on a city device.
pub fn jurisdiction_overlaps(divisions: &[String], scope: &[String]) -> bool {
    divisions.iter().any(|d| {
        scope
            .iter()
            .any(|s| d.starts_with(s.as_str()) || s.starts_with(d.as_str()))
    })
}

/// A GB/T 2260 code or prefix: 2, 4 or 6 digits.
pub fn is_division_code(text: &str) -> bool {
    matches!(text.len(), 2 | 4 | 6) && text.bytes().all(|b| b.is_ascii_digit())
}
