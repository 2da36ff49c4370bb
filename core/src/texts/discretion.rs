//! The discretion engine's words: errors, trace rules and findings, the explanation for
//! decision documents, citations, the CSV import's problems, and the questions for unknown
//! facts.

use crate::numerals::chinese_number;

pub fn unknown_violation(code: &str) -> String {
    format!("目录中没有违法行为“{code}”，请同步目录后重试。")
}

pub fn bad_condition(row: &str) -> String {
    format!("裁量基准条目“{row}”的适用条件有误，请联系法制部门。")
}

pub fn unknown_fact(name: &str) -> String {
    format!("未知的情节“{name}”。")
}

pub fn wrong_fact_value(name: &str) -> String {
    format!("情节“{name}”的取值无效。")
}

pub const INCONSISTENT_FACTS: &str = "情节相互矛盾：初次违法的，近期不应有同类违法记录。";
pub const PARTY_TYPE_NOT_COVERED: &str = "该违法行为不适用于此类当事人，请核对当事人类型。";
pub const DATES: &str = "日期有误：发现日期和决定日期不得早于违法行为发生日期。";
pub const OVERRIDE_WITHOUT_REASON: &str = "所选处罚超出建议幅度，请填写理由。";

/// `basis`: the penalty provisions as cited.
pub fn kind_not_provided(kind: &str, basis: &str) -> String {
    format!("{basis}未规定“{kind}”这一处罚种类，不得选择。请在法定处罚种类内选择。")
}

pub fn fine_above(max: i64, basis: &str) -> String {
    format!("罚款不得超过{basis}规定的最高限额{max}元，任何理由均不得突破。请重新确定罚款数额。")
}

pub fn fine_below(min: i64, basis: &str, law: &str) -> String {
    format!(
        "罚款低于{basis}规定的最低限额{min}元。只有具有《{law}》第三十条至第三十二条规定的减轻处罚情节时，方可低于法定最低限额；请核实情节或者重新确定数额。"
    )
}

pub fn required_kind_missing(kind: &str, basis: &str, law: &str) -> String {
    format!("{basis}规定应当并处“{kind}”，未予{kind}即低于法定处罚。只有具有《{law}》第三十条至第三十二条规定的减轻处罚情节时方可不予{kind}；请补选该处罚种类或者核实情节。")
}

/// Art. 28 ¶2.
pub fn gains_not_confiscated(gains: i64, refunded: i64, law: &str) -> String {
    let due = gains - refunded;
    format!("依据《{law}》第二十八条第二款，当事人有违法所得的，除依法应当退赔的外，应当予以没收。本案违法所得{gains}元，已退赔{refunded}元，应没收{due}元；请按此填写没收违法所得的数额，退赔的请填写退赔金额和理由。")
}

pub fn no_gains_to_confiscate(law: &str) -> String {
    format!("本案未认定违法所得，不得没收违法所得（《{law}》第二十八条第二款）。请先认定违法所得金额，或者不选择该处罚种类。")
}

pub fn refund_without_reason(law: &str) -> String {
    format!("依据《{law}》第二十八条第二款退赔的违法所得不予没收，须写明退赔的对象、金额和依据。请填写理由。")
}

/// Art. 63 (2).
pub fn property_value_unstated(law: &str) -> String {
    format!("没收非法财物的，须先认定财物的价值：依据《{law}》第六十三条，没收较大价值的非法财物，当事人有权要求听证。请填写拟没收财物的价值后再确定处罚。")
}

pub fn amount_without_kind(kind: &str) -> String {
    format!("“{kind}”与其数额须一并填写：选择该处罚种类时请填写数额，未选择时不得填写数额（罚款数额须大于零）。")
}

pub fn no_ground_for_no_penalty(law: &str) -> String {
    format!("本案没有《{law}》第三十条、第三十一条、第三十三条等规定的不予处罚情形，不得不予处罚。请选择法定幅度内的处罚。")
}

pub fn no_penalty_without_education(law: &str) -> String {
    format!("依据《{law}》第三十三条第三款，对不予处罚的当事人应当进行教育。请记录教育的内容、教育人员和时间。")
}

pub fn penalty_not_allowed(reason: &str, law: &str, article: &str) -> String {
    format!("{reason}，依据《{law}》{article}应当不予行政处罚，不得给予处罚。请选择不予处罚并记录教育情况。")
}

pub fn transfer_pending(law: &str, article: &str) -> String {
    format!("该行为涉嫌犯罪，依据《{law}》{article}应当移送司法机关，不得在此给予行政处罚。")
}

pub fn decline_without_reason(law: &str, article: &str) -> String {
    format!("本案符合《{law}》{article}“初次违法且危害后果轻微并及时改正的，可以不予行政处罚”的情形。决定给予处罚的，请填写不适用的理由。")
}

pub fn measure_not_provided(measure: &str) -> String {
    format!("目录未对该违法行为规定“{measure}”这一柔性执法措施，不得记录。请在列出的措施中选择。")
}

/// A date as people read it on documents: 2026年3月1日.
pub fn date_zh(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

pub fn bad_date(text: &str) -> String {
    format!("日期“{text}”无效，应为“年-月-日”格式，如2024-05-01。")
}

/// 《law》第…条 [第…款] [第（…）项], as cited in decision documents.
pub fn cite(law: &str, article: u32, paragraph: Option<u32>, item: Option<u32>) -> String {
    let mut text = format!("《{law}》第{}条", chinese_number(article as usize));
    if let Some(p) = paragraph {
        text.push_str(&format!("第{}款", chinese_number(p as usize)));
    }
    if let Some(i) = item {
        text.push_str(&format!("第（{}）项", chinese_number(i as usize)));
    }
    text
}

/// An article already written out (第三十三条第二款) of `law`.
pub fn cite_article(law: &str, article: &str) -> String {
    format!("《{law}》{article}")
}

pub const RULE_VIOLATION: &str = "违法行为";
pub const RULE_MANDATORY_MITIGATION: &str = "法定从轻、减轻情节";
pub const RULE_OPTIONAL_MITIGATION: &str = "酌定从轻、减轻情节";
pub const RULE_FIRST_VIOLATION: &str = "首违不罚";
pub const FIRST_VIOLATION: &str =
    "初次违法且危害后果轻微并及时改正，可以不予行政处罚；由执法人员决定适用或者说明不适用的理由";
pub const RULE_STATUTE_VERSION: &str = "法律适用（从旧兼从轻）";

/// The grounds that hold, as one finding.
pub fn grounds(grounds: &[&str]) -> String {
    grounds.join("；")
}

/// A mandatory ground was applied by the lower share of the statutory range.
pub fn mitigation_applied(grounds: &str, percent: i64, min: i64, max: i64) -> String {
    format!("{grounds}，应当从轻或者减轻处罚：在法定幅度内取下限起{percent}%，即{min}元至{max}元")
}

/// A mandatory ground was applied by the lower share of the baseline's general tier.
pub fn mitigation_to_general(grounds: &str, percent: i64, min: i64, max: i64) -> String {
    format!("{grounds}，应当从轻或者减轻处罚：不高于该基准一般情形幅度的下限起{percent}%，即{min}元至{max}元")
}

/// The row's band is already no heavier than the lighter part of the general tier.
pub fn mitigation_within(grounds: &str, min: i64, max: i64) -> String {
    format!(
        "{grounds}，应当从轻或者减轻处罚：所适用的{min}元至{max}元已不高于一般情形幅度的较轻部分"
    )
}

/// An aggravating row matched although a mandatory ground holds.
pub fn aggravating_with_ground(grounds: &str) -> String {
    format!("{grounds}，虽符合基准的加重情形，仍应当从轻或者减轻处罚：不按该情形的幅度处罚，须经法制审核人员审核")
}

/// No lighter penalty can be computed within the law.
pub fn mitigation_by_person(grounds: &str) -> String {
    format!("{grounds}，应当从轻或者减轻处罚；法定幅度内已无更轻的处罚可计算，减轻后的处罚须由法制审核人员依法确定")
}

/// The row applied is already a lighter tier than the general one.
pub fn mitigation_by_row(grounds: &str, tier: &str) -> String {
    format!("{grounds}，应当从轻或者减轻处罚：所适用的基准情形已为{tier}")
}

/// A band-less outcome lightened by dropping measures of a heavier kind.
pub fn mitigation_by_kinds(grounds: &str, dropped: &str) -> String {
    format!("{grounds}，应当从轻或者减轻处罚：不再给予{dropped}")
}

/// Nothing lighter exists short of no penalty, which 从轻 and 减轻 never give.
pub fn mitigation_at_floor(grounds: &str) -> String {
    format!("{grounds}；该情形所给处罚已是最轻的处罚种类，无从再予从轻，亦不得因此不予处罚")
}

pub fn mitigation_optional(grounds: &str, min: i64, max: i64) -> String {
    format!("{grounds}，可以从轻或者减轻处罚：执法人员可在{min}元至{max}元内裁量，或者说明不予从轻的理由")
}

/// The frame applied and the version's date.
pub fn statute_version(basis: &str, effective: Option<chrono::NaiveDate>) -> String {
    match effective {
        Some(date) => format!("{basis}（{}起施行）", date_zh(date)),
        None => basis.to_owned(),
    }
}

pub const FRAME_AT_ACT: &str = "适用违法行为发生时的规定";
pub const FRAME_AT_DECISION_LIGHTER: &str = "作出处罚决定时的规定处罚较轻，适用新的规定";
pub const FRAME_AT_ACT_NOT_LIGHTER: &str = "作出处罚决定时的规定并不较轻，适用违法行为发生时的规定";
pub const FRAME_UNCLEAR: &str =
    "新旧规定的轻重无法比较，暂按违法行为发生时的规定，须由法制审核人员判断";
pub const FRAME_REPEALED: &str = "作出处罚决定时该行为已不再是违法行为";
pub const RULE_NO_PENALTY: &str = "不予处罚";
pub const RULE_STATUTORY_RANGE: &str = "法定处罚幅度";
pub const NO_BASELINE_ROW: &str = "无适用的裁量基准条目，按法定幅度由执法人员裁量，须经审核";
pub const RULE_BASELINE: &str = "裁量基准";
pub const RULE_MANDATORY_LIGHTER: &str = "法定从轻";
pub const RULE_CLAMP: &str = "法定幅度";

/// The finding of a baseline row: its label and its condition.
pub fn row_finding(label: &str, condition: &str) -> String {
    format!("{label}：{condition}")
}

pub fn lighter_share(percent: i64) -> String {
    format!("在基准幅度内取下限起{percent}%")
}

pub fn clamped(min: i64, max: i64) -> String {
    format!("基准幅度调整至法定幅度内：{min}元至{max}元")
}

pub const CSV_UNREADABLE: &str = "该行无法读取（列数或引号有误）";
pub const CSV_MIN_ABOVE_MAX: &str = "罚款下限高于上限";

pub fn csv_missing_column(column: &str) -> String {
    format!("缺少列“{column}”")
}

pub fn csv_duplicate_row(id: &str) -> String {
    format!("条目编号“{id}”重复")
}

pub fn csv_unknown_document(id: &str) -> String {
    format!("裁量基准文件“{id}”不存在")
}

pub fn csv_unknown_violation(code: &str) -> String {
    format!("违法行为“{code}”不在目录中")
}

pub fn csv_empty(column: &str) -> String {
    format!("“{column}”不能为空")
}

pub fn csv_bad_condition(error: &str) -> String {
    format!("适用条件无法识别：{error}")
}

pub fn csv_bad_number(column: &str, raw: &str) -> String {
    format!("“{column}”应为非负数，实际为“{raw}”")
}

pub fn csv_bad_value(column: &str, raw: &str) -> String {
    format!("“{column}”的取值“{raw}”无效")
}

/// Why no penalty is given, as the statute says it.
pub mod no_penalty {
    use crate::numerals::chinese_number;

    pub const LIMITATION_EXPIRED: &str = "违法行为超过追责期限未被发现，不再给予行政处罚";

    /// Art. 30, with its age.
    pub fn under_age(age: i64) -> String {
        format!(
            "不满{}周岁的未成年人有违法行为的，不予行政处罚，责令监护人加以管教",
            chinese_number(age as usize)
        )
    }

    pub const NO_CAPACITY: &str =
        "精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为的，不予行政处罚";
    pub const NO_FAULT: &str = "当事人有证据足以证明没有主观过错，不予行政处罚";
    pub const MINOR_CORRECTED_NO_HARM: &str =
        "违法行为轻微并及时改正，没有造成危害后果，不予行政处罚";
    pub const BASELINE_ROW: &str = "符合裁量基准规定的不予处罚情形";
    pub const NO_LONGER_VIOLATION: &str =
        "违法行为发生后规定已修改或者废止，作出处罚决定时该行为已不再是违法行为";
}

/// The grounds of Arts. 30–32, as the statute says them.
pub mod ground {
    pub const MINOR: &str = "当事人已满十四周岁不满十八周岁";
    pub const PARTIAL_CAPACITY: &str = "当事人尚未完全丧失辨认或者控制自己行为能力";
    pub const REMOVED_HARM: &str = "当事人主动消除或者减轻违法行为危害后果";
    pub const COERCED: &str = "当事人受他人胁迫或者诱骗实施违法行为";
    pub const CONFESSED: &str = "当事人主动供述行政机关尚未掌握的违法行为";
    pub const MERITORIOUS: &str = "当事人配合行政机关查处违法行为有立功表现";
}

/// 柔性执法 measures.
pub mod flexible {
    pub const PERSUASION: &str = "说服教育";
    pub const REMINDER: &str = "提醒告诫";
    pub const ORDER_CORRECTION: &str = "责令改正";
}

/// The tiers of a baseline.
/// The allowed values of choice facts, as an officer reads them.
pub mod fact_value {
    pub const CITIZEN: &str = "公民";
    pub const ORGANISATION: &str = "法人或者其他组织";
    pub const NO_CAPACITY: &str = "不能辨认或者控制自己的行为";
    pub const PARTIAL_CAPACITY: &str = "尚未完全丧失辨认或者控制能力";
    pub const FULL_CAPACITY: &str = "具有完全辨认和控制能力";
    pub const NO_HARM: &str = "无危害后果";
    pub const SLIGHT: &str = "轻微";
    pub const GENERAL: &str = "一般";
    pub const SERIOUS: &str = "严重";
    pub const CORRECTED: &str = "已改正";
    pub const PENDING: &str = "尚未改正";
    pub const REFUSED: &str = "拒不改正";
    pub const TOWNSHIP: &str = "乡道";
    pub const COUNTY: &str = "县道";
    pub const PROVINCIAL: &str = "省道";
    pub const NATIONAL: &str = "国道";
    pub const REPORT_FORM: &str = "环境影响报告表";
    pub const REPORT_BOOK: &str = "环境影响报告书";
    pub const YES: &str = "是";
    pub const NO: &str = "否";
}

/// What a number fact counts.
pub mod unit {
    pub const YUAN: &str = "元";
    pub const YEARS: &str = "岁";
    pub const TIMES: &str = "次";
    pub const DAYS: &str = "天";
}

pub mod tier {
    pub const NO_PENALTY: &str = "不予处罚";
    pub const MITIGATED: &str = "减轻处罚";
    pub const LIGHTER: &str = "从轻处罚";
    pub const GENERAL: &str = "一般处罚";
    pub const HEAVIER: &str = "从重处罚";
}

/// The penalty kinds of Art. 9.
pub mod penalty_kind {
    pub const WARNING: &str = "警告";
    pub const CIRCULATED_CRITICISM: &str = "通报批评";
    pub const FINE: &str = "罚款";
    pub const CONFISCATE_GAINS: &str = "没收违法所得";
    pub const CONFISCATE_PROPERTY: &str = "没收非法财物";
    pub const SUSPEND_LICENCE: &str = "暂扣许可证件";
    pub const DOWNGRADE_QUALIFICATION: &str = "降低资质等级";
    pub const RESTRICT_BUSINESS: &str = "限制开展生产经营活动";
    pub const ORDER_SUSPENSION: &str = "责令停产停业";
    pub const REVOKE_LICENCE: &str = "吊销许可证件";
    pub const ORDER_CLOSURE: &str = "责令关闭";
    pub const OCCUPATIONAL_BAN: &str = "限制从业";
    pub const DETENTION: &str = "行政拘留";
}

/// The paragraph of the decision document, in pieces the engine puts together.
pub mod explanation {
    /// The act a violation's name describes (对无证经营食品的行政处罚 → 无证经营食品).
    pub fn act(violation_name: &str) -> &str {
        violation_name
            .trim_start_matches('对')
            .trim_end_matches("的行政处罚")
    }

    /// `act` is the violation's name as an act (无证经营食品), `violated` the provisions cited.
    pub fn violation(act: &str, violated: &str) -> String {
        format!("当事人的行为构成{act}，违反了{violated}的规定。")
    }

    /// Art. 27: `article` of `law`.
    pub fn transfer(law: &str, article: &str) -> String {
        format!("该行为涉嫌犯罪，依据《{law}》{article}，应当移送司法机关。")
    }

    /// `reason` as the statute says it, with its `article` of `law`.
    pub fn no_penalty(reason: &str, law: &str, article: &str, order_correction: bool) -> String {
        let mut text = format!("{reason}，依据《{law}》{article}，不予行政处罚");
        if order_correction {
            text.push_str("，责令改正");
        }
        text.push_str("，并对当事人进行教育。");
        text
    }

    pub fn basis_with_baseline(
        basis: &str,
        title: &str,
        number: &str,
        row_label: &str,
        tier: &str,
    ) -> String {
        format!("依据{basis}，参照《{title}》（{number}）“{row_label}”情形（{tier}），")
    }

    /// Art. 33 ¶1 second sentence: the officer may not punish; otherwise the suggestion.
    pub fn may_not_punish(law: &str, article: &str) -> String {
        format!("当事人初次违法且危害后果轻微并及时改正，依据《{law}》{article}，可以不予行政处罚，并对当事人进行教育；决定给予处罚的，")
    }

    /// An aggravating row matched, stated apart from the mitigation that set it aside.
    pub fn aggravating(title: &str, number: &str, row_label: &str) -> String {
        format!("本案虽符合《{title}》（{number}）“{row_label}”情形，但当事人具有法定从轻、减轻情节，不按该情形的幅度处罚，须经法制审核。")
    }

    /// The lighter part of the baseline's general tier, as the basis of the suggestion.
    pub fn basis_lightened(basis: &str, title: &str, number: &str, tier: &str) -> String {
        format!("依据{basis}，参照《{title}》（{number}）一般情形幅度的较轻部分（{tier}），")
    }

    /// A mandatory ground holds and a person sets the lighter penalty.
    pub fn mitigation_by_person(grounds: &str, law: &str, articles: &str) -> String {
        format!("鉴于{grounds}，依据《{law}》{articles}，应当从轻或者减轻处罚，减轻后的处罚由法制审核人员依法确定；")
    }

    /// The mandatory grounds applied: `grounds` as the statute says them.
    pub fn mitigation(grounds: &str, law: &str, articles: &str) -> String {
        format!("鉴于{grounds}，依据《{law}》{articles}，应当从轻或者减轻处罚，")
    }

    /// The basis alone, where a person sets the penalty.
    pub fn basis_only(basis: &str) -> String {
        format!("依据{basis}，")
    }

    pub fn basis_statutory(basis: &str) -> String {
        format!("依据{basis}，在法定幅度内，")
    }

    pub const ORDER_CORRECTION: &str = "责令改正";
    pub const WARNING: &str = "给予警告";

    pub fn fine(amount: i64) -> String {
        format!("处罚款{amount}元")
    }

    pub fn fine_range(min: i64, max: i64) -> String {
        format!("处{min}元以上{max}元以下罚款")
    }

    /// The measures suggested, in order.
    pub fn suggestion(measures: &[String]) -> String {
        format!("建议{}。", measures.join("，"))
    }
}

/// Asked when a fact is needed and unknown, one for each fact of `discretion::facts::SCHEMA`.
pub mod question {
    pub const PARTY_TYPE: &str = "当事人是公民，还是法人或者其他组织？";
    pub const AGE: &str = "当事人（公民）违法时的年龄？";
    pub const CAPACITY: &str =
        "当事人违法时辨认或者控制自己行为的能力：完全、部分丧失还是完全丧失？";
    pub const NO_FAULT_PROVEN: &str = "当事人是否有证据足以证明没有主观过错？";
    pub const CRIMINAL_REFERRAL: &str = "是否涉嫌犯罪、应当移送司法机关？";
    pub const LIFE_HEALTH_FINANCE_HARM: &str = "是否涉及公民生命健康安全、金融安全且有危害后果？";
    pub const MINOR_ACT: &str = "违法行为是否轻微？";
    pub const HARM: &str = "危害后果程度：无、轻微、一般还是严重？";
    pub const FIRST_OFFENCE: &str = "当事人是否初次违法？";
    pub const PRIORS_12M: &str = "近12个月内因同类违法行为受到处罚的次数？";
    pub const CORRECTION: &str = "当事人的改正情况：已改正、尚未改正还是拒不改正？";
    pub const REMOVED_HARM: &str = "当事人是否主动消除或者减轻违法行为危害后果？";
    pub const COERCED: &str = "当事人是否受他人胁迫或者诱骗实施违法行为？";
    pub const CONFESSED: &str = "当事人是否主动供述行政机关尚未掌握的违法行为？";
    pub const MERITORIOUS: &str = "当事人是否配合行政机关查处违法行为有立功表现？";
    pub const ILLEGAL_GAINS: &str = "违法所得金额（元，没有则填0）？";
    pub const PROPERTY_VALUE: &str = "拟没收的非法财物（工具、物品等）的价值（元）？";
    pub const GOODS_VALUE: &str = "违法生产经营的货值金额（元）？";
    pub const INVESTMENT_TOTAL: &str = "建设项目总投资额（元）？";
    pub const AD_SPEND: &str = "广告费用（元）？";
    pub const REMOVED_BEFORE_FILING: &str = "是否在立案前已主动停止或者撤除违法行为？";
    pub const POLLUTION_ALERT: &str = "违法行为是否发生在重污染天气预警期间？";
    pub const SERVES_VULNERABLE: &str = "是否为学校、托幼机构、养老机构等特定人群供餐或者服务？";
    pub const ROAD_LEVEL: &str = "涉及公路的行政等级：乡道、县道、省道还是国道？";
    pub const CAUSED_ACCIDENT: &str = "是否造成交通事故或者其他事故？";
    pub const EIA_DOCUMENT: &str = "建设项目应当报批的环评文件：环境影响报告表还是报告书？";
    pub const IN_OPERATION: &str = "建设项目是否已经投入生产或者使用？";
    pub const DURATION_DAYS: &str = "违法行为持续的天数？";
}
