//! The texts of case files and of refused procedure steps. Periods and amounts come in as
//! arguments from the constants of the law.

use crate::numerals::chinese_number;

pub const CORRUPT: &str = "案件数据已损坏，请从服务器重新同步该案件。";
pub const SCHEMA_TOO_NEW: &str = "该案件由更新版本的应用创建，请先升级应用。";
pub const NO_SUCH_ENTRY: &str = "案件中没有该条目。";
pub const NOT_A_CONFLICT_VALUE: &str = "所选的值不是冲突中的任一取值。";
pub const NOT_FOUND: &str = "找不到该案件。";
pub const NO_CASE_NUMBERS: &str = "本机预留的案号已用完，请联网领取新的案号段。";
pub const BAD_NUMBER_BLOCK: &str = "案号段无效：起止号码应为正整数，且起号不大于止号。";
pub const NO_SUCH_VISIT: &str = "本机没有这次检查的记录，请先扫描企业码开始检查。";
pub const EVIDENCE_EMPTY: &str = "证据文件为空，未予保存，请重新拍摄或选择文件。";
pub const EVIDENCE_UNREADABLE: &str = "无法打开证据文件，请确认文件存在且本应用有权读取。";
pub const NOT_A_FILE: &str = "所给路径不是文件（可能是文件夹），请给出一个文件的路径。";

/// Sizes in bytes.
pub fn evidence_too_large(size: u64, max: u64) -> String {
    format!(
        "证据文件过大（{:.1}MB），单个文件不能超过{}MB，未予保存；请压缩或分段后重新采集。",
        size as f64 / 1_048_576.0,
        max / 1_048_576
    )
}

pub const YES: &str = "是";
pub const NO: &str = "否";

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

/// Procedure steps, by the name the history keeps (`Step::name`).
pub mod step {
    pub fn label(name: &str) -> &'static str {
        match name {
            "decide_on_spot" => "当场作出处罚决定",
            "file" => "立案",
            "pass_legal_review" => "法制审核通过",
            "notify" => "事先告知",
            "close_statement" => "陈述申辩结束",
            "request_hearing" => "申请听证",
            "hold_hearing" => "举行听证",
            "record_collective_decision" => "集体讨论决定",
            "extend_decision_period" => "延长办案期限",
            "decide" => "作出处罚决定",
            "serve" => "送达",
            "record_payment" => "缴纳罚款",
            "close" => "结案",
            _ => super::field::OTHER,
        }
    }
}

/// Procedural authorities of the catalogue's people.
pub mod role {
    pub const FILING_APPROVAL: &str = "立案审批";
    pub const LEGAL_REVIEW: &str = "法制审核";
    pub const COLLECTIVE_DECISION: &str = "集体讨论决定";
    pub const EXTENSION_APPROVAL: &str = "延长办案期限审批";
}

/// Ways of service (Art. 61).
pub mod service {
    pub const ON_THE_SPOT: &str = "当场交付";
    pub const DIRECT: &str = "直接送达";
    pub const LODGED: &str = "留置送达";
    pub const POST: &str = "邮寄送达";
    pub const ENTRUSTED: &str = "委托送达";
    pub const ELECTRONIC: &str = "电子送达";
    pub const PUBLIC_NOTICE: &str = "公告送达";
}

/// The deadlines a case keeps, as the officer reads them.
pub mod deadline {
    pub const DECISION: &str = "作出处罚决定期限";
    pub const HEARING_REQUEST: &str = "申请听证期限";
    pub const SERVICE: &str = "送达处罚决定书期限";
    pub const PAYMENT: &str = "缴纳罚款期限";
}

/// The case file's fields, as the officer reads them (conflicts, the audit history).
pub mod field {
    pub const STATUS: &str = "案件状态";
    pub const NUMBER: &str = "案号";
    pub const KIND: &str = "适用程序";
    pub const CHOSEN_FINE: &str = "拟罚款金额";
    pub const OVERRIDE_REASON: &str = "偏离裁量基准的理由";
    pub const CHOSEN_PENALTY: &str = "拟作出的行政处罚";
    pub const VIOLATION: &str = "违法行为";
    pub const PLACE_DIVISION: &str = "违法行为发生地";
    pub const ACT_DATE: &str = "违法行为发生日期";
    pub const DISCOVERED_ON: &str = "发现日期";
    pub const FACTS: &str = "案件情节";
    pub const OTHER_FACT: &str = "其他情节";
    pub const PARTY: &str = "当事人";
    pub const PARTY_KIND: &str = "当事人类型";
    pub const PARTY_NAME: &str = "当事人姓名或名称";
    pub const CREDIT_CODE: &str = "统一社会信用代码";
    pub const ID_NUMBER: &str = "身份证件号码";
    pub const ADDRESS: &str = "住所或地址";
    pub const REPRESENTATIVE: &str = "法定代表人或在场人";
    pub const OFFICER: &str = "执法人员";
    pub const WITHDRAWN: &str = "回避";
    pub const ONSITE: &str = "现场检查笔录";
    pub const ONSITE_TIME: &str = "检查时间";
    pub const ONSITE_PLACE: &str = "检查地点";
    pub const FINDINGS: &str = "检查情况";
    pub const PARTY_SIGNED: &str = "当事人签名";
    pub const INQUIRY: &str = "询问笔录";
    pub const EVIDENCE: &str = "证据";
    pub const SUGGESTION: &str = "裁量建议";
    pub const DECISION: &str = "处罚决定";
    pub const DECIDED_ON: &str = "决定日期";
    pub const PENALTY: &str = "是否给予处罚";
    pub const WARNING: &str = "警告";
    pub const CONFISCATE_PROPERTY: &str = "没收非法财物";
    pub const FINE: &str = "罚款金额";
    pub const CONFISCATED_GAINS: &str = "没收违法所得金额";
    pub const OTHER_PENALTIES: &str = "其他处罚种类";
    pub const PAID_AMOUNT: &str = "已缴金额";
    pub const NOTIFIED_FINE: &str = "告知的罚款金额";
    pub const NOTICE: &str = "事先告知的处罚内容";
    pub const FILED_ON: &str = "立案日期";
    pub const LEGAL_REVIEW_PASSED_ON: &str = "法制审核通过日期";
    pub const NOTIFIED_ON: &str = "事先告知日期";
    pub const STATEMENT_CLOSED_ON: &str = "陈述申辩结束日期";
    pub const HEARING_REQUESTED_ON: &str = "申请听证日期";
    pub const HEARING_HELD_ON: &str = "听证日期";
    pub const COLLECTIVE_DECIDED_ON: &str = "集体讨论日期";
    pub const SERVED_ON: &str = "送达日期";
    pub const PAID_ON: &str = "缴款日期";
    pub const CLOSED_ON: &str = "结案日期";
    pub const HISTORY: &str = "办案环节";
    pub const APPROVAL: &str = "审批";
    pub const EXTENSION: &str = "延长办案期限";
    pub const SERVICE: &str = "送达记录";
    pub const SERVICE_CONSENT: &str = "电子送达确认书";
    pub const OTHER: &str = "其他内容";

    /// The `n`th (from 0) entry of a list, e.g. 当事人（第1项）.
    pub fn nth(what: &str, index: usize) -> String {
        format!("{what}（第{}项）", index + 1)
    }

    /// A field of a list entry, e.g. 当事人（第1项）住所或地址.
    pub fn of_entry(what: &str, index: usize, field: &str) -> String {
        format!("{}{field}", nth(what, index))
    }

    /// A fact, by the question the officer answered.
    pub fn fact(question: &str) -> String {
        format!("{FACTS}（{}）", question.trim_end_matches('？'))
    }
}

/// An inspection's entries, as the officer reads them in its audit history.
pub mod inspection {
    /// `checklist.<item>.<key>` or `visit_id`.
    pub fn label(path: &str) -> String {
        let parts: Vec<&str> = path.split('.').collect();
        let key = match parts.as_slice() {
            ["visit_id"] => return "现场检查记录（双码核验）".into(),
            ["checklist", _, key] => *key,
            _ => return super::field::OTHER.into(),
        };
        let what = match key {
            "result" => "检查结果",
            "note" => "检查说明",
            "evidence" => "证据",
            "case_id" => "立案案件",
            _ => super::field::OTHER,
        };
        format!("检查事项（{}）{what}", parts[1])
    }

    /// A checklist result by its stored name.
    pub fn result(stored: &str) -> &'static str {
        match stored {
            "compliant" => "符合",
            "non_compliant" => "不符合",
            "not_applicable" => "不适用",
            _ => super::field::OTHER,
        }
    }
}

/// The values of the facts' enumerations (`discretion::facts`), as the officer reads them.
pub fn choice(value: &str) -> Option<&'static str> {
    Some(match value {
        "citizen" => "公民",
        "organisation" => "法人或者其他组织",
        "none" => "无",
        "slight" => "轻微",
        "general" => "一般",
        "serious" => "严重",
        "corrected" => "已改正",
        "pending" => "尚未改正",
        "refused" => "拒不改正",
        "partial" => "部分丧失",
        "full" => "完全",
        "township" => "乡道",
        "county" => "县道",
        "provincial" => "省道",
        "national" => "国道",
        "report_form" => "环境影响报告表",
        "report_book" => "环境影响报告书",
        _ => return None,
    })
}

/// The audit history as CSV: its headers and how each entry reads.
pub mod audit {
    pub const HEADERS: [&str; 8] = [
        "时间（北京时间）",
        "执法人员",
        "执法证号",
        "设备",
        "时间来源",
        "操作",
        "内容",
        "值",
    ];
    pub const EDIT: &str = "修改";
    pub const RESOLVED: &str = "确认冲突取值";
    pub const TRUSTED: &str = "可信时间";
    pub const UNTRUSTED: &str = "本机时间（未校准）";
    pub const NO_CREDENTIAL: &str = "（未持执法证件）";
    pub const UNKNOWN_AUTHOR: &str = "（早期版本未记录）";
}

/// A date as documents and officers read it: 2026年12月1日.
pub fn date_zh(date: chrono::NaiveDate) -> String {
    use chrono::Datelike;
    format!("{}年{}月{}日", date.year(), date.month(), date.day())
}

/// A moment in Beijing time (UTC+8, Asia/Shanghai): 2026年12月1日 18:44:11.
pub fn beijing_time(at: chrono::DateTime<chrono::Utc>) -> String {
    let beijing = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    let local = at.with_timezone(&beijing);
    format!(
        "{} {}",
        date_zh(local.date_naive()),
        local.format("%H:%M:%S")
    )
}

/// What a refused step lacks, as the officer reads it (a refusal's `missing`).
pub mod lacking {
    pub const PARTY: &str = "当事人";
    pub const CHOICE: &str = "选定的处罚（请先按裁量建议选定处罚）";
    pub const SUGGESTION: &str = "裁量建议";
    pub const FACTS: &str = "案件情节";
    pub const EVIDENCE: &str = "证据";
    pub const LEGAL_REVIEW: &str = "法制审核";
    pub const COLLECTIVE_DECISION: &str = "集体讨论决定";
    pub const EXTENSION_REASON: &str = "延长理由";
    pub const RECIPIENT: &str = "受送达人";
    pub const SERVICE_NOTE: &str = "送达情况说明（见证人、受托机关或公告原因）";
    pub const SERVICE_CONSENT: &str = "当事人签署的电子送达确认书";
}

/// A penalty as a decision or a notice states it.
pub mod penalty {
    pub const NONE: &str = "不予行政处罚";

    pub fn fine(yuan: i64) -> String {
        format!("罚款人民币{yuan}元")
    }

    pub fn confiscated_gains(yuan: i64) -> String {
        format!("没收违法所得人民币{yuan}元")
    }
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
        format!("本案已有案号（{number}），不能重复编号，请使用原案号")
    }

    pub fn unresolved_conflicts(fields: &str) -> String {
        format!("以下内容在两台设备上被改成了不同的值，请先逐项确认取值后再办理：{fields}")
    }

    pub const NO_DUTY_CREDENTIAL: &str =
        "本机未持有有效的执法证件（执法码），请联网同步领取后再办理";

    pub fn not_a_case_officer(credential_no: &str) -> String {
        format!("本机执法证件（{credential_no}）的持有人不是本案的执法人员或已回避，请由本案执法人员在其设备上办理")
    }

    /// `who` is not in the catalogue, or lacks `role`.
    pub fn lacks_role(who: &str, role: &str) -> String {
        format!("{who}在执法主体目录中未被授予“{role}”职责，请由具有该职责的人员审批")
    }

    pub fn other_body(who: &str) -> String {
        format!("{who}不属于本案的执法主体，请由本机关具有该职责的人员审批")
    }

    /// The decision period ran out on `deadline`.
    pub fn decision_period_expired(days: i64, deadline: &str) -> String {
        format!(
            "应当自立案之日起{}日内作出处罚决定（至{deadline}），已超期；确需延长的，应在期限届满前经批准延长",
            chinese_number(days as usize)
        )
    }

    pub fn extension_too_late(deadline: &str) -> String {
        format!("办案期限已于{deadline}届满，不能事后补批延期")
    }

    pub fn extension_not_later(deadline: &str) -> String {
        format!("延长后的期限应晚于现有期限（{deadline}）")
    }

    pub fn missing_particulars(what: &str) -> String {
        format!("尚未填写：{what}，请补充后再办理")
    }

    pub const NO_SERVICE_CONSENT: &str =
        "电子送达须经当事人同意并签署确认书，请先将签署的确认书作为证据录入并登记";

    pub fn service_date(decided: &str, today: &str) -> String {
        format!("送达日期应在作出决定之日（{decided}）至今日（{today}）之间")
    }

    pub const ON_THE_SPOT_SAME_DAY: &str = "当场交付须在宣告决定的当日进行，请选择其他送达方式";

    pub fn two_officers_required(present: &str) -> String {
        format!("执法人员不得少于两人，当前有效执法人员{present}人，请添加持证执法人员")
    }

    pub const NO_PARTY: &str = "尚未登记当事人，请先登记当事人";
    pub const NO_PENALTY_CHOSEN: &str = "尚未形成处罚建议，请先补全情节并生成裁量建议";

    /// Art. 51's limits, in yuan.
    pub fn summary_not_allowed(citizen_limit: i64, organisation_limit: i64, fine: &str) -> String {
        format!(
            "不符合当场处罚条件：仅限警告或公民{citizen_limit}元、法人或者其他组织{organisation_limit}元以下罚款，且不得没收（{fine}元），请适用普通程序"
        )
    }

    pub fn limitation_expired(period: &str) -> String {
        format!("违法行为已超过追责期限（{period}前未被发现），不再给予行政处罚，不予立案")
    }

    pub const NOT_ENOUGH_EVIDENCE: &str =
        "尚无证据或笔录，事实不清、证据不足的不得给予行政处罚，请先收集证据或制作笔录";
    pub const NO_HEARING_RIGHT: &str = "拟作出的处罚不属于听证范围，请告知当事人陈述、申辩的权利";

    pub fn hearing_request_late(working_days: u32, deadline: &str) -> String {
        format!(
            "听证申请应在告知后{}个工作日内提出（截至{deadline}），逾期视为放弃，请记录陈述申辩后作出决定",
            chinese_number(working_days as usize)
        )
    }

    pub fn hearing_notice_too_short(working_days: u32, earliest: &str) -> String {
        format!(
            "应当在举行听证{}个工作日前通知当事人，请于{earliest}或之后举行",
            chinese_number(working_days as usize)
        )
    }

    pub const HEARING_PENDING: &str = "当事人已申请听证，须先举行听证，再依听证笔录作出决定";

    pub fn statement_period_open(until: &str) -> String {
        format!("当事人陈述、申辩期限未满（至{until}），或请记录当事人放弃陈述申辩")
    }

    pub const LEGAL_REVIEW_REQUIRED: &str = "须经法制审核通过后方可作出决定，请先提交法制审核";
    pub const COLLECTIVE_DECISION_REQUIRED: &str =
        "须经行政机关负责人集体讨论决定，请先记录集体讨论决定";

    /// The decision would add to or exceed what the notice told the party.
    pub fn heavier_than_notice(notified: &str, decided: &str) -> String {
        format!("拟决定的处罚（{decided}）重于或多于事先告知的处罚（{notified}），不得作出；请重新告知当事人拟作出的处罚后再决定")
    }

    /// The step needs `what` (the chosen penalty, the facts, the suggestion) first.
    pub fn nothing_chosen(what: &str) -> String {
        format!("案件尚缺{what}，请先补全后再办理")
    }

    /// The facts changed after the notice, and with them the lawful outcome.
    pub const FACTS_CHANGED_AFTER_NOTICE: &str = "事先告知后案件情节发生变化，依法应当给予的处罚已随之改变；请重新选定处罚并重新告知当事人，待陈述申辩期满后再作出决定";

    /// The decided penalty gives a hearing right the notice did not offer.
    pub const HEARING_NOT_OFFERED: &str = "拟决定的处罚属于听证范围，但事先告知未告知当事人要求听证的权利；请重新告知（含听证权利）后再作出决定";

    /// The chosen penalty is outside the frame at the decision (`why`: the engine's words).
    pub fn choice_no_longer_lawful(why: &str) -> String {
        format!("按作出决定之日适用的法定处罚幅度，所选处罚已不合法（{why}）；请重新选定处罚并重新告知当事人后再决定")
    }

    pub fn underpaid(due: &str) -> String {
        format!("应缴金额（含加处罚款）为{due}元，请按应缴金额收缴")
    }

    /// The case stands at `status`.
    pub fn nothing_to_close(status: &str) -> String {
        format!("案件当前为“{status}”，尚未执行完毕，不能结案；请先送达并执行处罚决定")
    }
}
