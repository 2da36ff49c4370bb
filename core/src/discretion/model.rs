//! Discretion baselines as data: the statutory frame of each violation (违法行为), and the
//! published baseline documents (裁量基准) with their immutable rows. All of it travels in the
//! signed catalogue bundle.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::texts::discretion as text;

/// Money in whole yuan.
pub type Yuan = i64;

/// A provision of law: 《law》第 article 条 [第 paragraph 款] [第 item 项].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provision {
    pub law: String,
    pub article: u32,
    #[serde(default)]
    pub paragraph: Option<u32>,
    #[serde(default)]
    pub item: Option<u32>,
    /// The provision's text as in force from `in_force_from`, when the catalogue carries it
    /// (the law's wording can change between revisions; the date says which one is quoted).
    #[serde(default)]
    pub text: Option<String>,
    #[serde(default)]
    pub in_force_from: Option<NaiveDate>,
}

impl Provision {
    /// As cited in decision documents.
    pub fn cite(&self) -> String {
        text::cite(&self.law, self.article, self.paragraph, self.item)
    }
}

/// Penalty kinds of Art. 9, mildest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum PenaltyKind {
    /// 警告
    Warning,
    /// 通报批评
    CirculatedCriticism,
    /// 罚款
    Fine,
    /// 没收违法所得
    ConfiscateGains,
    /// 没收非法财物
    ConfiscateProperty,
    /// 暂扣许可证件
    SuspendLicence,
    /// 降低资质等级
    DowngradeQualification,
    /// 限制开展生产经营活动
    RestrictBusiness,
    /// 责令停产停业
    OrderSuspension,
    /// 吊销许可证件
    RevokeLicence,
    /// 责令关闭
    OrderClosure,
    /// 限制从业
    OccupationalBan,
    /// 行政拘留
    Detention,
}

impl PenaltyKind {
    /// As the law names it.
    pub fn name_zh(self) -> &'static str {
        use text::penalty_kind as name;
        match self {
            PenaltyKind::Warning => name::WARNING,
            PenaltyKind::CirculatedCriticism => name::CIRCULATED_CRITICISM,
            PenaltyKind::Fine => name::FINE,
            PenaltyKind::ConfiscateGains => name::CONFISCATE_GAINS,
            PenaltyKind::ConfiscateProperty => name::CONFISCATE_PROPERTY,
            PenaltyKind::SuspendLicence => name::SUSPEND_LICENCE,
            PenaltyKind::DowngradeQualification => name::DOWNGRADE_QUALIFICATION,
            PenaltyKind::RestrictBusiness => name::RESTRICT_BUSINESS,
            PenaltyKind::OrderSuspension => name::ORDER_SUSPENSION,
            PenaltyKind::RevokeLicence => name::REVOKE_LICENCE,
            PenaltyKind::OrderClosure => name::ORDER_CLOSURE,
            PenaltyKind::OccupationalBan => name::OCCUPATIONAL_BAN,
            PenaltyKind::Detention => name::DETENTION,
        }
    }

    pub const ALL: [PenaltyKind; 13] = [
        PenaltyKind::Warning,
        PenaltyKind::CirculatedCriticism,
        PenaltyKind::Fine,
        PenaltyKind::ConfiscateGains,
        PenaltyKind::ConfiscateProperty,
        PenaltyKind::SuspendLicence,
        PenaltyKind::DowngradeQualification,
        PenaltyKind::RestrictBusiness,
        PenaltyKind::OrderSuspension,
        PenaltyKind::RevokeLicence,
        PenaltyKind::OrderClosure,
        PenaltyKind::OccupationalBan,
        PenaltyKind::Detention,
    ];

    /// The Art. 9 group of the kind, lightest first: 1 warning / circulated criticism, 2 fine
    /// and confiscation, 3 licence measures, 4 production and practice measures, 5 detention.
    /// A lower group is lighter than any outcome that adds a higher one.
    pub fn group(self) -> u8 {
        match self {
            PenaltyKind::Warning | PenaltyKind::CirculatedCriticism => 1,
            PenaltyKind::Fine | PenaltyKind::ConfiscateGains | PenaltyKind::ConfiscateProperty => 2,
            PenaltyKind::SuspendLicence
            | PenaltyKind::DowngradeQualification
            | PenaltyKind::RevokeLicence => 3,
            PenaltyKind::RestrictBusiness
            | PenaltyKind::OrderSuspension
            | PenaltyKind::OrderClosure
            | PenaltyKind::OccupationalBan => 4,
            PenaltyKind::Detention => 5,
        }
    }

    /// Kinds that give the party a hearing right whatever their amount (Art. 63).
    pub fn needs_hearing(self) -> bool {
        matches!(
            self,
            PenaltyKind::SuspendLicence
                | PenaltyKind::DowngradeQualification
                | PenaltyKind::RestrictBusiness
                | PenaltyKind::OrderSuspension
                | PenaltyKind::RevokeLicence
                | PenaltyKind::OrderClosure
                | PenaltyKind::OccupationalBan
        )
    }
}

/// 柔性执法: a measure that is not a penalty (Arts. 28, 33 ¶3), given where the catalogue lists
/// it for the violation or the baseline row, and counted by supervision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum FlexibleMeasure {
    /// 说服教育
    Persuasion,
    /// 提醒告诫
    Reminder,
    /// 责令改正
    OrderCorrection,
}

impl FlexibleMeasure {
    pub fn name_zh(self) -> &'static str {
        use text::flexible as name;
        match self {
            FlexibleMeasure::Persuasion => name::PERSUASION,
            FlexibleMeasure::Reminder => name::REMINDER,
            FlexibleMeasure::OrderCorrection => name::ORDER_CORRECTION,
        }
    }
}

/// The base a proportional fine is computed on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum BaseAmount {
    IllegalGains,
    GoodsValue,
    InvestmentTotal,
    AdSpend,
}

impl BaseAmount {
    /// The fact that holds the base.
    pub fn fact(self) -> &'static str {
        match self {
            BaseAmount::IllegalGains => "illegal_gains",
            BaseAmount::GoodsValue => "goods_value",
            BaseAmount::InvestmentTotal => "investment_total",
            BaseAmount::AdSpend => "ad_spend",
        }
    }
}

/// A range of yuan, both ends included.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct YuanRange {
    pub min: Yuan,
    pub max: Yuan,
}

/// A fine as the law or a baseline row states it. Factors are in thousandths (1× = 1000) and
/// percentages in basis points (1 % = 100), so that every computation is exact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(tag = "form", rename_all = "snake_case")]
pub enum Fine {
    /// No fine.
    #[default]
    None,
    /// min–max yuan.
    Range {
        min: Yuan,
        max: Yuan,
    },
    /// Up to max yuan.
    MaxOnly {
        max: Yuan,
    },
    Fixed {
        amount: Yuan,
    },
    /// min–max times the base; `if_no_base` when the base is zero (e.g. no illegal gains).
    Multiple {
        base: BaseAmount,
        min_milli: u32,
        max_milli: u32,
        if_no_base: Option<YuanRange>,
    },
    /// min–max basis points of the base.
    Percent {
        base: BaseAmount,
        min_bp: u32,
        max_bp: u32,
    },
    /// Below `threshold` of the base a fixed range, from it a multiple.
    Switch {
        base: BaseAmount,
        threshold: Yuan,
        below: YuanRange,
        min_milli: u32,
        max_milli: u32,
    },
}

impl Fine {
    /// The base fact this fine needs, if any.
    pub fn base(&self) -> Option<BaseAmount> {
        match self {
            Fine::Multiple { base, .. }
            | Fine::Percent { base, .. }
            | Fine::Switch { base, .. } => Some(*base),
            _ => None,
        }
    }

    /// Whether the law sets a minimum above zero (otherwise it says "up to").
    pub fn has_minimum(&self) -> bool {
        match *self {
            Fine::None | Fine::MaxOnly { .. } => false,
            Fine::Range { min, .. } => min > 0,
            Fine::Fixed { amount } => amount > 0,
            Fine::Multiple { min_milli, .. } => min_milli > 0,
            Fine::Percent { min_bp, .. } => min_bp > 0,
            Fine::Switch { below, .. } => below.min > 0,
        }
    }

    /// The concrete range in yuan, given the base amount (None when no fine).
    pub fn resolve(&self, base: Option<Yuan>) -> Option<YuanRange> {
        let times = |b: Yuan, milli: u32| b.saturating_mul(milli as i64) / 1000;
        let percent = |b: Yuan, bp: u32| b.saturating_mul(bp as i64) / 10_000;
        let base = base.unwrap_or(0);
        match *self {
            Fine::None => None,
            Fine::Range { min, max } => Some(YuanRange { min, max }),
            Fine::MaxOnly { max } => Some(YuanRange { min: 0, max }),
            Fine::Fixed { amount } => Some(YuanRange {
                min: amount,
                max: amount,
            }),
            Fine::Multiple {
                min_milli,
                max_milli,
                if_no_base,
                ..
            } => match (base, if_no_base) {
                (0, Some(range)) => Some(range),
                _ => Some(YuanRange {
                    min: times(base, min_milli),
                    max: times(base, max_milli),
                }),
            },
            Fine::Percent { min_bp, max_bp, .. } => Some(YuanRange {
                min: percent(base, min_bp),
                max: percent(base, max_bp),
            }),
            Fine::Switch {
                threshold,
                below,
                min_milli,
                max_milli,
                ..
            } => {
                if base < threshold {
                    Some(below)
                } else {
                    Some(YuanRange {
                        min: times(base, min_milli),
                        max: times(base, max_milli),
                    })
                }
            }
        }
    }
}

/// The statutory frame of a violation: what the law allows at all.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Statutory {
    pub kinds: Vec<PenaltyKind>,
    #[serde(default)]
    pub fine: Fine,
    /// The law orders confiscation of illegal gains (and Art. 28 does in general).
    #[serde(default)]
    pub confiscate_gains: bool,
    /// The kinds the statute imposes in every penalty (并处, 没收…), apart from the
    /// alternatives among `kinds` (或者). Absent: derived (`required_kinds`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<Vec<PenaltyKind>>,
}

impl Statutory {
    /// The kinds every penalty under this frame must include: as marked, or derived from the
    /// frame: the confiscation of illegal gains it orders, and the fine when it is the only
    /// kind provided besides confiscations and either has a positive minimum or stands alone
    /// (a "may also fine" beside a confiscation has no minimum). A statute's order to confiscate
    /// property (tools) is never guessed: it is marked.
    pub fn required_kinds(&self) -> Vec<PenaltyKind> {
        if let Some(marked) = &self.required {
            let mut kinds = marked.clone();
            kinds.sort();
            kinds.dedup();
            return kinds;
        }
        let confiscation = |k: &PenaltyKind| {
            matches!(
                k,
                PenaltyKind::ConfiscateGains | PenaltyKind::ConfiscateProperty
            )
        };
        let others: Vec<&PenaltyKind> = self.kinds.iter().filter(|k| !confiscation(k)).collect();
        let sole_fine = others == [&PenaltyKind::Fine];
        let confiscates = self.confiscate_gains || self.kinds.iter().any(confiscation);
        let mut kinds = Vec::new();
        if sole_fine && (self.fine.has_minimum() || !confiscates) {
            kinds.push(PenaltyKind::Fine);
        }
        if self.confiscate_gains {
            kinds.push(PenaltyKind::ConfiscateGains);
        }
        kinds.sort();
        kinds
    }
}

/// A later version of a violation's frame (Art. 37), read by `discretion::frame`.
/// In force from `effective`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Amendment {
    pub effective: NaiveDate,
    /// The frame from that date; absent: the act is no longer a violation.
    #[serde(default)]
    pub statutory: Option<Statutory>,
    /// The provisions that set the penalty from that date; empty: as in the version before.
    #[serde(default)]
    pub penalty_basis: Vec<Provision>,
    /// The amending act as cited, e.g. 重庆市人民代表大会常务委员会公告〔2025〕第12号.
    pub enacted_by: String,
}

/// 违法行为: one violation with its legal basis and statutory penalty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Violation {
    pub code: String,
    /// The catalogue's enforcement item (执法事项).
    pub item_code: String,
    pub name: String,
    /// 违法依据
    pub violated: Vec<Provision>,
    /// 处罚依据
    pub penalty_basis: Vec<Provision>,
    /// "citizen", "organisation" or both.
    pub party_types: Vec<String>,
    /// The frame as first in force (from `penalty_basis`' `in_force_from`, when given).
    pub statutory: Statutory,
    /// Later versions of the frame, each from its date (Art. 37); none: never amended.
    #[serde(default)]
    pub amendments: Vec<Amendment>,
    /// The flexible measures the catalogue provides for every case of this violation.
    #[serde(default)]
    pub flexible: Vec<FlexibleMeasure>,
}

/// 裁量阶次, mildest first: the order of "favourable to the party".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Tier {
    /// 不予处罚
    NoPenalty,
    /// 减轻处罚 (below the statutory minimum)
    Mitigated,
    /// 从轻处罚
    Lighter,
    /// 一般
    General,
    /// 从重处罚
    Heavier,
}

impl Tier {
    pub fn name_zh(self) -> &'static str {
        use text::tier as name;
        match self {
            Tier::NoPenalty => name::NO_PENALTY,
            Tier::Mitigated => name::MITIGATED,
            Tier::Lighter => name::LIGHTER,
            Tier::General => name::GENERAL,
            Tier::Heavier => name::HEAVIER,
        }
    }
}

/// What a row gives.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Output {
    #[serde(default)]
    pub warning: bool,
    #[serde(default)]
    pub fine: Fine,
    #[serde(default)]
    pub confiscate_gains: bool,
    #[serde(default)]
    pub confiscate_property: bool,
    /// Other kinds (licence suspension, closure, …).
    #[serde(default)]
    pub other: Vec<PenaltyKind>,
}

/// One row of a baseline: immutable once published (a change is a new document).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineRow {
    pub id: String,
    pub violation: String,
    pub tier: Tier,
    /// The tier as published: 轻微, 一般, 较重, 严重, 不予处罚, …
    pub label: String,
    /// In the condition language (`discretion::condition`).
    pub condition: String,
    pub output: Output,
    #[serde(default)]
    pub legal_review: bool,
    #[serde(default)]
    pub collective_decision: bool,
    /// Flexible measures this row provides besides the violation's own.
    #[serde(default)]
    pub flexible: Vec<FlexibleMeasure>,
}

/// A published baseline document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineDocument {
    pub id: String,
    /// 文号
    pub number: String,
    pub title: String,
    pub issuer: String,
    /// Division prefixes it applies in; a cross-province zone lists its members' divisions.
    pub jurisdictions: Vec<String>,
    pub effective: NaiveDate,
    #[serde(default)]
    pub sunset: Option<NaiveDate>,
    /// Documents this one replaces from its effective date.
    #[serde(default)]
    pub supersedes: Vec<String>,
    /// Where it was published (Art. 34).
    pub published_in: String,
    pub rows: Vec<BaselineRow>,
}

/// The jurisdiction's 较大数额 for hearings (Art. 63), e.g. Chongqing's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HearingThreshold {
    pub id: String,
    pub jurisdictions: Vec<String>,
    pub citizen: Yuan,
    pub organisation: Yuan,
    /// Where the province sets a separate figure for confiscated gains or property (Art. 63
    /// (2)); absent, the fine figures apply.
    #[serde(default)]
    pub confiscation_citizen: Option<Yuan>,
    #[serde(default)]
    pub confiscation_organisation: Option<Yuan>,
    pub effective: NaiveDate,
    /// The rule that sets it, e.g. 重庆市人民政府令第354号.
    pub source: String,
}

impl HearingThreshold {
    /// The 较大数额 of a fine for the party.
    pub fn fine(&self, citizen: bool) -> Yuan {
        if citizen {
            self.citizen
        } else {
            self.organisation
        }
    }

    /// The 较大数额 of confiscated gains or property: the province's own figure, else the
    /// fine's.
    pub fn confiscation(&self, citizen: bool) -> Yuan {
        let own = if citizen {
            self.confiscation_citizen
        } else {
            self.confiscation_organisation
        };
        own.unwrap_or_else(|| self.fine(citizen))
    }
}

impl BaselineDocument {
    /// In force on `date` by its own dates (supersession is judged across documents).
    pub fn in_force_on(&self, date: NaiveDate) -> bool {
        self.effective <= date && self.sunset.is_none_or(|sunset| date < sunset)
    }

    pub fn covers(&self, division: &str) -> bool {
        self.jurisdictions
            .iter()
            .any(|prefix| division.starts_with(prefix.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provisions_cite_as_printed() {
        let p = Provision {
            text: None,
            in_force_from: None,
            law: "中华人民共和国食品安全法".into(),
            article: 126,
            paragraph: Some(1),
            item: Some(5),
        };
        assert_eq!(
            p.cite(),
            "《中华人民共和国食品安全法》第一百二十六条第一款第（五）项"
        );
    }

    #[test]
    fn fines_resolve_exactly() {
        let toll = Fine::Multiple {
            base: BaseAmount::IllegalGains,
            min_milli: 1000,
            max_milli: 3000,
            if_no_base: Some(YuanRange {
                min: 0,
                max: 20_000,
            }),
        };
        assert_eq!(
            toll.resolve(Some(2_300)),
            Some(YuanRange {
                min: 2_300,
                max: 6_900
            })
        );
        assert_eq!(
            toll.resolve(Some(0)),
            Some(YuanRange {
                min: 0,
                max: 20_000
            })
        );
        let eia = Fine::Percent {
            base: BaseAmount::InvestmentTotal,
            min_bp: 200,
            max_bp: 350,
        };
        assert_eq!(
            eia.resolve(Some(12_345_678)),
            Some(YuanRange {
                min: 246_913,
                max: 432_098
            })
        );
        let food = Fine::Switch {
            base: BaseAmount::GoodsValue,
            threshold: 10_000,
            below: YuanRange {
                min: 50_000,
                max: 100_000,
            },
            min_milli: 10_000,
            max_milli: 20_000,
        };
        assert_eq!(
            food.resolve(Some(9_999)),
            Some(YuanRange {
                min: 50_000,
                max: 100_000
            })
        );
        assert_eq!(
            food.resolve(Some(10_000)),
            Some(YuanRange {
                min: 100_000,
                max: 200_000
            })
        );
    }
}
