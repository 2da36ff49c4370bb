//! The Administrative Penalty Law's own rules (2021 revision), applied around every baseline:
//! the gates that stop a penalty, mandatory mitigation, and procedure routing. Each rule
//! carries its article for the explanation.

use chrono::{Months, NaiveDate};

use super::condition::{Condition, Truth};
use super::facts::Facts;
use super::model::Yuan;

pub const LAW: &str = "中华人民共和国行政处罚法";
/// Art. 27: a suspected crime is transferred to the judicial authorities.
pub const TRANSFER_ARTICLE: &str = "第二十七条";
/// Art. 30: under this age no penalty is given; under `FULL_AGE` it is lighter or mitigated.
pub const AGE_OF_RESPONSIBILITY: i64 = 14;
pub const FULL_AGE: i64 = 18;
/// Art. 36: not discovered within this many years, no penalty; where life, health or
/// financial safety was harmed, the longer period.
pub const LIMITATION_YEARS: u32 = 2;
pub const LIMITATION_YEARS_HARM: u32 = 5;
/// Art. 51: a warning, or up to these fines, may be decided on the spot.
pub const SUMMARY_LIMIT_CITIZEN: Yuan = 200;
pub const SUMMARY_LIMIT_ORGANISATION: Yuan = 3_000;
/// Art. 68: fines up to this may be collected on the spot.
pub const ON_THE_SPOT_COLLECTION_LIMIT: Yuan = 100;
/// Art. 32's "lighter" within a band when the baseline gives none: the lowest 30 %.
pub const MANDATORY_LIGHTER_SHARE_PERCENT: i64 = 30;

/// Why no penalty is given.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum NoPenaltyReason {
    /// Art. 36: not discovered within two (five) years.
    LimitationExpired,
    /// Art. 30: under fourteen.
    UnderFourteen,
    /// Art. 31: could not recognise or control their conduct.
    NoCapacity,
    /// Art. 33 ¶2: proved no fault.
    NoFault,
    /// Art. 33 ¶1: minor, corrected in time, no harm.
    MinorCorrectedNoHarm,
    /// A baseline's no-penalty row (首违不罚 and published lists).
    BaselineRow,
}

impl NoPenaltyReason {
    /// The rule as the statute says it.
    pub fn text_zh(self) -> String {
        use crate::texts::discretion::no_penalty as text;
        match self {
            NoPenaltyReason::LimitationExpired => text::LIMITATION_EXPIRED.into(),
            NoPenaltyReason::UnderFourteen => text::under_age(AGE_OF_RESPONSIBILITY),
            NoPenaltyReason::NoCapacity => text::NO_CAPACITY.into(),
            NoPenaltyReason::NoFault => text::NO_FAULT.into(),
            NoPenaltyReason::MinorCorrectedNoHarm => text::MINOR_CORRECTED_NO_HARM.into(),
            NoPenaltyReason::BaselineRow => text::BASELINE_ROW.into(),
        }
    }

    pub fn article(self) -> &'static str {
        match self {
            NoPenaltyReason::LimitationExpired => "第三十六条",
            NoPenaltyReason::UnderFourteen => "第三十条",
            NoPenaltyReason::NoCapacity => "第三十一条",
            NoPenaltyReason::NoFault => "第三十三条第二款",
            NoPenaltyReason::MinorCorrectedNoHarm => "第三十三条第一款",
            NoPenaltyReason::BaselineRow => "第三十三条",
        }
    }
}

/// What the gates decided.
pub enum Gate {
    /// Go on to the baseline; `mandatory_lighter` names the article that requires a lighter
    /// or mitigated penalty.
    Proceed {
        mandatory_lighter: Option<&'static str>,
    },
    NoPenalty(NoPenaltyReason),
    /// Art. 27: suspected crime, transfer to the judicial authorities.
    Transfer,
}

/// The facts the request gives besides `Facts`.
pub struct GateInput<'a> {
    pub facts: &'a Facts,
    pub citizen: bool,
    pub act_end: NaiveDate,
    pub discovered_on: NaiveDate,
}

/// Applies Arts. 27, 30–33 and 36 in the statutory order. Facts still needed are added to
/// `missing`; a gate that cannot be decided yet does not decide.
pub fn gates(input: &GateInput<'_>, missing: &mut std::collections::BTreeSet<String>) -> Gate {
    let facts = input.facts;
    let mut need = |truth: Truth| -> Option<bool> {
        match truth {
            Truth::True => Some(true),
            Truth::False => Some(false),
            Truth::Unknown(facts) => {
                missing.extend(facts);
                None
            }
        }
    };
    let condition = |text: &str| Condition::parse(text).expect("statute conditions are valid");

    // Art. 36: two years, five where life, health or financial safety was harmed.
    let after = |years: u32| {
        input
            .act_end
            .checked_add_months(Months::new(12 * years))
            .unwrap_or(NaiveDate::MAX)
    };
    if input.discovered_on > after(LIMITATION_YEARS_HARM) {
        return Gate::NoPenalty(NoPenaltyReason::LimitationExpired);
    }
    if input.discovered_on > after(LIMITATION_YEARS) {
        match need(condition("life_health_finance_harm").evaluate(facts)) {
            Some(false) => return Gate::NoPenalty(NoPenaltyReason::LimitationExpired),
            Some(true) => {}
            None => {
                return Gate::Proceed {
                    mandatory_lighter: None,
                }
            }
        }
    }
    if need(condition("criminal_referral").evaluate(facts)) == Some(true) {
        return Gate::Transfer;
    }
    if input.citizen {
        if need(condition(&format!("age < {AGE_OF_RESPONSIBILITY}")).evaluate(facts)) == Some(true)
        {
            return Gate::NoPenalty(NoPenaltyReason::UnderFourteen);
        }
        if need(condition("capacity = none").evaluate(facts)) == Some(true) {
            return Gate::NoPenalty(NoPenaltyReason::NoCapacity);
        }
    }
    if need(condition("no_fault_proven").evaluate(facts)) == Some(true) {
        return Gate::NoPenalty(NoPenaltyReason::NoFault);
    }
    if need(condition("minor_act AND correction = corrected AND harm = none").evaluate(facts))
        == Some(true)
    {
        return Gate::NoPenalty(NoPenaltyReason::MinorCorrectedNoHarm);
    }
    let minor = if input.citizen {
        need(condition(&format!("age < {FULL_AGE}")).evaluate(facts))
    } else {
        Some(false)
    };
    let art32 =
        need(condition("removed_harm OR coerced OR confessed OR meritorious").evaluate(facts));
    let mandatory_lighter = match (minor, art32) {
        (Some(true), _) => Some("第三十条"),
        (_, Some(true)) => Some("第三十二条"),
        _ => None,
    };
    Gate::Proceed { mandatory_lighter }
}

/// The summary-procedure limit for the party (Art. 51).
pub fn summary_limit(citizen: bool) -> Yuan {
    if citizen {
        SUMMARY_LIMIT_CITIZEN
    } else {
        SUMMARY_LIMIT_ORGANISATION
    }
}
