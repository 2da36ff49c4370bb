//! Texts of the legal documents: titles, what a case lacks for one, and the sentences the law
//! requires on them. Periods come in as arguments from the constants of the law; the layout of
//! each document is `documents`' own.

use crate::numerals::chinese_number;

/// Titles as printed (and as the officer picks a document).
pub mod title {
    pub const ONSITE_RECORD: &str = "现场检查（勘验）笔录";
    pub const ORDER_TO_CORRECT: &str = "责令改正通知书";
    pub const NOTICE_OF_INTENDED_PENALTY: &str = "行政处罚事先告知书";
    pub const SUMMARY_DECISION: &str = "当场行政处罚决定书";
    pub const PENALTY_DECISION: &str = "行政处罚决定书";
    pub const FILING_APPROVAL: &str = "立案审批表";
    pub const INQUIRY_RECORD: &str = "询问笔录";
    pub const EVIDENCE_LIST: &str = "证据清单";
    pub const HEARING_RIGHT_NOTICE: &str = "听证告知书";
    pub const HEARING_NOTICE: &str = "听证通知书";
    pub const LEGAL_REVIEW_OPINION: &str = "法制审核意见书";
    pub const COLLECTIVE_DISCUSSION: &str = "集体讨论记录";
    pub const NO_PENALTY_DECISION: &str = "不予行政处罚决定书";
    pub const SERVICE_RECEIPT: &str = "送达回证";
    pub const CLOSING_REPORT: &str = "结案报告";
}

/// What a case lacks for a document.
pub mod lacking {
    pub const ORDINARY_PROCEDURE: &str = "普通程序（本案适用简易程序，不制作此文书）";
    pub const SUMMARY_PROCEDURE: &str = "简易程序（本案适用普通程序，不制作此文书）";
    pub const PARTY: &str = "当事人";
    pub const FINDINGS: &str = "违法事实（现场检查情况）";
    pub const INQUIRY: &str = "询问记录";
    pub const EVIDENCE: &str = "证据";
    pub const INTENDED_PENALTY: &str = "拟作出的行政处罚（请先补全案件情节并选定处罚）";
    pub const HEARING_RIGHT: &str = "听证权利（拟作出的处罚不属于听证范围）";
    pub const HEARING_REQUEST: &str = "当事人的听证申请";
    pub const LEGAL_REVIEW: &str = "法制审核";
    pub const COLLECTIVE_DISCUSSION: &str = "集体讨论决定";
    pub const DECISION: &str = "处罚决定";
    pub const PENALTY_DECIDED: &str = "给予行政处罚的决定（本案决定不予行政处罚）";
    pub const NO_PENALTY_DECIDED: &str = "不予行政处罚的决定（本案决定给予行政处罚）";
    pub const EXECUTION: &str = "处罚决定的执行（或不予处罚决定的送达）";
}

/// A document the case cannot produce yet: which, the rule, what is missing.
pub fn refused(title: &str, law: &str, article: &str, lacking: &str) -> String {
    let rule = if article.is_empty() {
        String::new()
    } else {
        format!("依照《{law}》{article}，")
    };
    format!("暂不能制作《{title}》：{rule}案件尚缺{lacking}。请先补全后再制作该文书。")
}

pub const AGENCY: &str = "执法机关";
pub const SEAL: &str = "（印章）";
pub const NUMBER_PENDING: &str = "案号";
pub const SIGNATURE: &str = "签名";
pub const PARTY_SIGNED: &str = "当事人已核对笔录并签名。";
pub const PARTY_REFUSED: &str = "当事人拒绝签名，执法人员已在笔录上注明情况。";

/// Art. 55: shown unasked, with the right to ask for withdrawal (Art. 43).
pub const CREDENTIALS_SHOWN: &str =
    "执法人员已向当事人出示执法证件，告知其有权进行陈述和申辩，与本案有直接利害关系的执法人员应当回避，当事人有权申请回避。";

/// Art. 44–45: the rights to state and defend, by a working-day date.
pub fn statement_rights(law: &str, days: u32, by: &str) -> String {
    format!(
        "根据《{law}》第四十四条、第四十五条的规定，你（单位）有权进行陈述和申辩。\
         如需陈述、申辩，请于{by}前（收到本告知书之日起{}个工作日内）提出；逾期未提出的，视为放弃陈述和申辩的权利。\
         本机关不因你（单位）陈述、申辩而给予更重的处罚。",
        chinese_number(days as usize)
    )
}

/// Art. 63–64: the right to a hearing, by a working-day date.
pub fn hearing_rights(law: &str, days: u32, by: &str) -> String {
    format!(
        "根据《{law}》第六十三条、第六十四条的规定，拟作出的行政处罚属于听证范围，你（单位）有权要求举行听证。\
         如要求听证，请于{by}前（收到本告知书之日起{}个工作日内）提出；逾期未提出的，视为放弃听证的权利。",
        chinese_number(days as usize)
    )
}

/// Art. 64: how a hearing runs, for the party.
pub fn hearing_conduct(law: &str) -> String {
    format!(
        "根据《{law}》第六十四条的规定，听证由非本案调查人员主持，除涉及国家秘密、商业秘密或者个人隐私依法予以保密外，公开举行。\
         你（单位）可以亲自参加听证，也可以委托一至二人代理；认为主持人与本案有直接利害关系的，有权申请回避。\
         无正当理由拒不出席听证或者未经许可中途退出听证的，视为放弃听证权利。"
    )
}

/// Art. 67, 72: how and by when a fine is paid, and the late fee.
pub fn payment(days: i64, by: &str, bank: &str, account: &str, percent: i64) -> String {
    format!(
        "请于{by}前（收到本决定书之日起{}日内）到{bank}（账号：{account}）缴纳罚没款，或者通过电子支付系统缴纳。\
         到期不缴纳罚款的，每日按罚款数额的百分之{}加处罚款，加处罚款的数额不超过罚款的数额。",
        chinese_number(days as usize),
        chinese_number(percent as usize),
    )
}

/// The 2023 Administrative Reconsideration Law and the Administrative Litigation Law: the
/// named bodies and their periods.
pub fn remedies(review_body: &str, review_days: i64, court: &str, suit_months: i64) -> String {
    format!(
        "如不服本决定，可以在收到本决定书之日起{}日内向{review_body}申请行政复议，\
         或者在{}个月内依法向{court}提起行政诉讼。行政复议和行政诉讼期间，本决定不停止执行，法律另有规定的除外。",
        chinese_number(review_days as usize),
        chinese_number(suit_months as usize),
    )
}

/// Art. 33 ¶3: whoever is not punished is educated.
pub const EDUCATION: &str =
    "本机关已对你（单位）进行批评教育，望你（单位）今后严格遵守相关法律法规。";
