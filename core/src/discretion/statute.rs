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
/// Arts. 30–32's "lighter" within a band when the baseline gives none: the lowest 30 %.
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
    /// Art. 37: at the decision the act is no longer a violation.
    NoLongerViolation,
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
            NoPenaltyReason::NoLongerViolation => text::NO_LONGER_VIOLATION.into(),
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
            NoPenaltyReason::NoLongerViolation => "第三十七条",
        }
    }
}

/// A fact of Arts. 30–32 that opens the way to a lighter or mitigated (减轻) penalty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum MitigationGround {
    /// Art. 30: aged fourteen to under eighteen (应当).
    Minor,
    /// Art. 31: a partial loss of the ability to recognise or control the act (可以).
    PartialCapacity,
    /// Art. 32 (1): eliminated or reduced the harm on its own (应当).
    RemovedHarm,
    /// Art. 32 (2): coerced or deceived (应当).
    Coerced,
    /// Art. 32 (3): confessed a violation the agency did not know of (应当).
    Confessed,
    /// Art. 32 (4): meritorious cooperation (应当).
    Meritorious,
}

impl MitigationGround {
    /// 应当 (the outcome must be lighter) rather than 可以 (the officer may make it lighter).
    pub fn mandatory(self) -> bool {
        self != MitigationGround::PartialCapacity
    }

    pub fn article(self) -> &'static str {
        match self {
            MitigationGround::Minor => "第三十条",
            MitigationGround::PartialCapacity => "第三十一条",
            MitigationGround::RemovedHarm => "第三十二条第（一）项",
            MitigationGround::Coerced => "第三十二条第（二）项",
            MitigationGround::Confessed => "第三十二条第（三）项",
            MitigationGround::Meritorious => "第三十二条第（四）项",
        }
    }

    pub fn text_zh(self) -> &'static str {
        use crate::texts::discretion::ground as text;
        match self {
            MitigationGround::Minor => text::MINOR,
            MitigationGround::PartialCapacity => text::PARTIAL_CAPACITY,
            MitigationGround::RemovedHarm => text::REMOVED_HARM,
            MitigationGround::Coerced => text::COERCED,
            MitigationGround::Confessed => text::CONFESSED,
            MitigationGround::Meritorious => text::MERITORIOUS,
        }
    }
}

/// Art. 33 ¶1, second sentence: first violation, slight harm, corrected in time.
pub const FIRST_VIOLATION_ARTICLE: &str = "第三十三条第一款";

/// What the gates decided.
pub enum Gate {
    /// Go on to the baseline with the Arts. 30–32 grounds that hold, and whether Art. 33 ¶1's
    /// "may be unpunished" (首违不罚) is open to the officer.
    Proceed {
        grounds: Vec<MitigationGround>,
        first_violation: bool,
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
                    grounds: Vec::new(),
                    first_violation: false,
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
    let first_violation = need(
        condition("first_offence AND harm <= slight AND correction = corrected").evaluate(facts),
    ) == Some(true);
    let mut grounds = Vec::new();
    if input.citizen {
        if need(condition(&format!("age < {FULL_AGE}")).evaluate(facts)) == Some(true) {
            grounds.push(MitigationGround::Minor);
        }
        if facts.text("capacity") == Some("partial") {
            grounds.push(MitigationGround::PartialCapacity);
        }
    }
    // Asked as one question set: any one ground that holds is enough to decide.
    need(condition("removed_harm OR coerced OR confessed OR meritorious").evaluate(facts));
    for (fact, ground) in [
        ("removed_harm", MitigationGround::RemovedHarm),
        ("coerced", MitigationGround::Coerced),
        ("confessed", MitigationGround::Confessed),
        ("meritorious", MitigationGround::Meritorious),
    ] {
        if facts.bool(fact) == Some(true) {
            grounds.push(ground);
        }
    }
    Gate::Proceed {
        grounds,
        first_violation,
    }
}

/// Every fact the gates may ask of a citizen or of an organisation: what `gates` asks when
/// nothing is known yet, on an act found within the ordinary limitation period (all gates
/// are then open) and on one found after it (the longer period's question).
pub fn gate_facts(citizen: bool) -> std::collections::BTreeSet<String> {
    let facts = Facts::new();
    let act_end = NaiveDate::from_ymd_opt(2021, 7, 15).expect("a valid date");
    let late = act_end
        .checked_add_months(Months::new(12 * LIMITATION_YEARS + 1))
        .expect("a valid date");
    let mut asked = std::collections::BTreeSet::new();
    for discovered_on in [act_end, late] {
        let input = GateInput {
            facts: &facts,
            citizen,
            act_end,
            discovered_on,
        };
        gates(&input, &mut asked);
    }
    asked
}

/// The summary-procedure limit for the party (Art. 51).
pub fn summary_limit(citizen: bool) -> Yuan {
    if citizen {
        SUMMARY_LIMIT_CITIZEN
    } else {
        SUMMARY_LIMIT_ORGANISATION
    }
}
