//! The facts of a case as the engine sees them: typed, and three-valued: a fact not given is
//! unknown, and the engine asks for it instead of guessing. The schema lists every fact a
//! baseline condition may name, with its type and the question an officer is asked.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The type of a fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FactType {
    Bool,
    /// A whole number: yuan, a count, days, years.
    Int,
    /// One of the listed values, in increasing order (comparisons follow it).
    Enum(&'static [&'static str]),
}

/// One fact the engine knows about.
#[derive(Debug, Clone, Copy)]
pub struct FactSpec {
    pub name: &'static str,
    pub kind: FactType,
    /// Asked when the fact is needed and unknown (zh-CN).
    pub question: &'static str,
}

pub const PARTY_TYPES: &[&str] = &["citizen", "organisation"];
pub const HARM_LEVELS: &[&str] = &["none", "slight", "general", "serious"];
pub const CORRECTION: &[&str] = &["corrected", "pending", "refused"];
pub const CAPACITY: &[&str] = &["none", "partial", "full"];
pub const ROAD_LEVELS: &[&str] = &["township", "county", "provincial", "national"];
/// Art. 31 of the EIA Law concerns projects needing an approved report form or report book.
pub const EIA_DOCUMENTS: &[&str] = &["report_form", "report_book"];

/// Every fact a condition may use. Adding a fact is adding a line here.
pub const SCHEMA: &[FactSpec] = &[
    FactSpec {
        name: "party_type",
        kind: FactType::Enum(PARTY_TYPES),
        question: "当事人是公民，还是法人或者其他组织？",
    },
    FactSpec {
        name: "age",
        kind: FactType::Int,
        question: "当事人（公民）违法时的年龄？",
    },
    FactSpec {
        name: "capacity",
        kind: FactType::Enum(CAPACITY),
        question: "当事人违法时辨认或者控制自己行为的能力：完全、部分丧失还是完全丧失？",
    },
    FactSpec {
        name: "no_fault_proven",
        kind: FactType::Bool,
        question: "当事人是否有证据足以证明没有主观过错？",
    },
    FactSpec {
        name: "criminal_referral",
        kind: FactType::Bool,
        question: "是否涉嫌犯罪、应当移送司法机关？",
    },
    FactSpec {
        name: "life_health_finance_harm",
        kind: FactType::Bool,
        question: "是否涉及公民生命健康安全、金融安全且有危害后果？",
    },
    FactSpec {
        name: "minor_act",
        kind: FactType::Bool,
        question: "违法行为是否轻微？",
    },
    FactSpec {
        name: "harm",
        kind: FactType::Enum(HARM_LEVELS),
        question: "危害后果程度：无、轻微、一般还是严重？",
    },
    FactSpec {
        name: "first_offence",
        kind: FactType::Bool,
        question: "当事人是否初次违法？",
    },
    FactSpec {
        name: "priors_12m",
        kind: FactType::Int,
        question: "近12个月内因同类违法行为受到处罚的次数？",
    },
    FactSpec {
        name: "correction",
        kind: FactType::Enum(CORRECTION),
        question: "当事人的改正情况：已改正、尚未改正还是拒不改正？",
    },
    FactSpec {
        name: "removed_harm",
        kind: FactType::Bool,
        question: "当事人是否主动消除或者减轻违法行为危害后果？",
    },
    FactSpec {
        name: "coerced",
        kind: FactType::Bool,
        question: "当事人是否受他人胁迫或者诱骗实施违法行为？",
    },
    FactSpec {
        name: "confessed",
        kind: FactType::Bool,
        question: "当事人是否主动供述行政机关尚未掌握的违法行为？",
    },
    FactSpec {
        name: "meritorious",
        kind: FactType::Bool,
        question: "当事人是否配合行政机关查处违法行为有立功表现？",
    },
    FactSpec {
        name: "illegal_gains",
        kind: FactType::Int,
        question: "违法所得金额（元，没有则填0）？",
    },
    FactSpec {
        name: "goods_value",
        kind: FactType::Int,
        question: "违法生产经营的货值金额（元）？",
    },
    FactSpec {
        name: "investment_total",
        kind: FactType::Int,
        question: "建设项目总投资额（元）？",
    },
    FactSpec {
        name: "ad_spend",
        kind: FactType::Int,
        question: "广告费用（元）？",
    },
    FactSpec {
        name: "removed_before_filing",
        kind: FactType::Bool,
        question: "是否在立案前已主动停止或者撤除违法行为？",
    },
    FactSpec {
        name: "pollution_alert",
        kind: FactType::Bool,
        question: "违法行为是否发生在重污染天气预警期间？",
    },
    FactSpec {
        name: "serves_vulnerable",
        kind: FactType::Bool,
        question: "是否为学校、托幼机构、养老机构等特定人群供餐或者服务？",
    },
    FactSpec {
        name: "road_level",
        kind: FactType::Enum(ROAD_LEVELS),
        question: "涉及公路的行政等级：乡道、县道、省道还是国道？",
    },
    FactSpec {
        name: "caused_accident",
        kind: FactType::Bool,
        question: "是否造成交通事故或者其他事故？",
    },
    FactSpec {
        name: "eia_document",
        kind: FactType::Enum(EIA_DOCUMENTS),
        question: "建设项目应当报批的环评文件：环境影响报告表还是报告书？",
    },
    FactSpec {
        name: "in_operation",
        kind: FactType::Bool,
        question: "建设项目是否已经投入生产或者使用？",
    },
    FactSpec {
        name: "duration_days",
        kind: FactType::Int,
        question: "违法行为持续的天数？",
    },
];

pub fn spec(name: &str) -> Option<&'static FactSpec> {
    SCHEMA.iter().find(|spec| spec.name == name)
}

/// A known value.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum FactValue {
    Bool(bool),
    Int(i64),
    /// An enum value's name.
    Text(String),
}

/// The facts known so far. Absent = unknown.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts(pub BTreeMap<String, FactValue>);

/// A fact value that does not fit the schema.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactError {
    #[error("unknown fact {0}")]
    Unknown(String),
    #[error("fact {0} has a value of the wrong type")]
    WrongType(String),
    #[error("facts contradict each other: {0}")]
    Inconsistent(&'static str),
}

impl Facts {
    pub fn new() -> Facts {
        Facts::default()
    }

    pub fn with(mut self, name: &str, value: impl Into<FactValue>) -> Facts {
        self.0.insert(name.to_owned(), value.into());
        self
    }

    pub fn set(&mut self, name: &str, value: impl Into<FactValue>) {
        self.0.insert(name.to_owned(), value.into());
    }

    pub fn get(&self, name: &str) -> Option<&FactValue> {
        self.0.get(name)
    }

    pub fn bool(&self, name: &str) -> Option<bool> {
        match self.0.get(name) {
            Some(FactValue::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    pub fn int(&self, name: &str) -> Option<i64> {
        match self.0.get(name) {
            Some(FactValue::Int(i)) => Some(*i),
            _ => None,
        }
    }

    pub fn text(&self, name: &str) -> Option<&str> {
        match self.0.get(name) {
            Some(FactValue::Text(t)) => Some(t),
            _ => None,
        }
    }

    /// Checks every value against the schema and the facts against each other.
    pub fn validate(&self) -> Result<(), FactError> {
        for (name, value) in &self.0 {
            let spec = spec(name).ok_or_else(|| FactError::Unknown(name.clone()))?;
            let fits = match (spec.kind, value) {
                (FactType::Bool, FactValue::Bool(_)) => true,
                (FactType::Int, FactValue::Int(i)) => *i >= 0,
                (FactType::Enum(values), FactValue::Text(t)) => values.contains(&t.as_str()),
                _ => false,
            };
            if !fits {
                return Err(FactError::WrongType(name.clone()));
            }
        }
        if !consistent(self) {
            return Err(FactError::Inconsistent(
                "a first offence has no prior violations",
            ));
        }
        Ok(())
    }
}

/// Facts that cannot hold together; the linter skips such combinations too.
pub fn consistent(facts: &Facts) -> bool {
    !(facts.bool("first_offence") == Some(true) && facts.int("priors_12m").is_some_and(|n| n > 0))
}

impl From<bool> for FactValue {
    fn from(value: bool) -> Self {
        FactValue::Bool(value)
    }
}

impl From<i64> for FactValue {
    fn from(value: i64) -> Self {
        FactValue::Int(value)
    }
}

impl From<&str> for FactValue {
    fn from(value: &str) -> Self {
        FactValue::Text(value.to_owned())
    }
}
