//! The texts of case files and of refused procedure steps. Periods and amounts come in as
//! arguments from the constants of the law.

use crate::numerals::chinese_number;

pub const CORRUPT: &str = "案件数据已损坏，请从服务器重新同步该案件。";
pub const SCHEMA_TOO_NEW: &str = "该案件由更新版本的应用创建，请先升级应用。";
pub const NO_SUCH_ENTRY: &str = "案件中没有该条目。";
pub const NOT_A_CONFLICT_VALUE: &str = "所选的值不是冲突中的任一取值。";
pub const NOT_FOUND: &str = "找不到该案件。";
pub const NO_CASE_NUMBERS: &str = "本机预留的案号已用完，请联网领取新的案号段。";
pub const NO_SUCH_VISIT: &str = "本机没有这次检查的记录，请先扫描企业码开始检查。";

/// Where a case stands, as the officer reads it.
pub mod status {
    pub const DRAFT: &str = "新建";
    pub const FILED: &str = "已立案";
    pub const NOTIFIED: &str = "已告知";
    pub const HEARING_REQUESTED: &str = "已申请听证";
    pub const HEARING_HELD: &str = "已听证";
    pub const DECIDED: &str = "已作出决定";
    pub const SERVED: &str = "已送达";
    pub const EXECUTED: &str = "已执行";
    pub const CLOSED: &str = "已结案";
}

/// What a refused step lacks, as the officer reads it (a refusal's `missing`).
pub mod lacking {
    pub const PARTY: &str = "当事人";
    pub const SUGGESTION: &str = "裁量建议";
    pub const FACTS: &str = "案件情节";
    pub const EVIDENCE: &str = "证据";
    pub const LEGAL_REVIEW: &str = "法制审核";
    pub const COLLECTIVE_DECISION: &str = "集体讨论决定";
}

/// The two procedures.
pub const SUMMARY_PROCEDURE: &str = "简易程序";
pub const ORDINARY_PROCEDURE: &str = "普通程序";

/// A refused step: the article of `law` it rests on, and the reason.
pub fn refused(law: &str, article: &str, reason: &str) -> String {
    format!("依据《{law}》{article}：{reason}。")
}

/// Why a procedure step was refused; `missing` says what is missing or the figure at issue.
pub mod refusal {
    use super::chinese_number;

    /// The case stands at `current`; the step needs one of `allowed`.
    pub fn wrong_status(current: &str, allowed: &[String]) -> String {
        format!(
            "案件当前为“{current}”，此操作只能在“{}”时进行",
            allowed.join("”或“")
        )
    }

    /// The step belongs to the other procedure.
    pub fn wrong_procedure(procedure: &str) -> String {
        format!("本案适用{procedure}，不能进行此操作")
    }

    pub fn already_numbered(number: &str) -> String {
        format!("本案已有案号（{number}），不能重复编号")
    }

    pub fn unresolved_conflicts(fields: &str) -> String {
        format!("以下内容在两台设备上被改成了不同的值，请先确认：{fields}")
    }

    pub fn two_officers_required(present: &str) -> String {
        format!("执法人员不得少于两人，当前有效执法人员{present}人")
    }

    pub const NO_PARTY: &str = "尚未登记当事人";
    pub const NO_PENALTY_CHOSEN: &str = "尚未形成处罚建议，请先补全情节并生成裁量建议";

    /// Art. 51's limits, in yuan.
    pub fn summary_not_allowed(citizen_limit: i64, organisation_limit: i64, fine: &str) -> String {
        format!(
            "不符合当场处罚条件：仅限警告或公民{citizen_limit}元、法人或者其他组织{organisation_limit}元以下罚款，且不得没收（{fine}元）"
        )
    }

    pub fn limitation_expired(period: &str) -> String {
        format!("违法行为已超过追责期限（{period}前未被发现）")
    }

    pub const NOT_ENOUGH_EVIDENCE: &str = "尚无证据或笔录，事实不清、证据不足的不得给予行政处罚";
    pub const NO_HEARING_RIGHT: &str = "拟作出的处罚不属于听证范围";

    pub fn hearing_request_late(working_days: u32, deadline: &str) -> String {
        format!(
            "听证申请应在告知后{}个工作日内提出（截至{deadline}）",
            chinese_number(working_days as usize)
        )
    }

    pub fn hearing_notice_too_short(working_days: u32, earliest: &str) -> String {
        format!(
            "应当在举行听证{}个工作日前通知当事人（最早{earliest}）",
            chinese_number(working_days as usize)
        )
    }

    pub const HEARING_PENDING: &str = "当事人已申请听证，须举行听证后方可作出决定";

    pub fn statement_period_open(until: &str) -> String {
        format!("当事人陈述、申辩期限未满（至{until}），或请记录当事人放弃陈述申辩")
    }

    pub const LEGAL_REVIEW_REQUIRED: &str = "须经法制审核通过后方可作出决定";
    pub const COLLECTIVE_DECISION_REQUIRED: &str = "须经行政机关负责人集体讨论决定";

    pub fn heavier_after_defence(notified_fine: &str) -> String {
        format!("不得因当事人陈述、申辩而给予更重的处罚（告知罚款{notified_fine}元）")
    }

    pub fn underpaid(due: &str) -> String {
        format!("应缴金额（含加处罚款）为{due}元")
    }

    pub const NOTHING_TO_CLOSE: &str = "案件尚未执行完毕，不能结案";
}
