//! What the enterprise page says (zh-CN). A code's verdict itself is the core's own text
//! (`CodeRefusal::message_zh`, `texts::codes::OFFICER_VERIFIED`), as in the app.

pub const TITLE: &str = "执法人员身份核验";
pub const SITE: &str = "行政执法监督平台";

pub const VALID_HEADING: &str = "核验通过";
pub const REFUSED_HEADING: &str = "核验未通过";
pub const UNREADABLE_HEADING: &str = "无法识别";

pub const OFFICER_NAME: &str = "执法人员";
pub const CREDENTIAL_NO: &str = "执法证号";
pub const BODY: &str = "执法机关";
pub const ITEMS: &str = "可实施的执法事项";
pub const ALL_ITEMS: &str = "（执法目录授权的全部事项）";
pub const VALID_UNTIL: &str = "本班次有效期至";
pub const CHECKED_AT: &str = "核验时间";
pub const CHECKED_FOR: &str = "核验单位";
pub const PREMISES_NOT_NAMED: &str =
    "未填写本单位统一社会信用代码，未核对执法辖区。填写后可核对该执法人员是否有权在本单位所在地执法。";

/// Said on every verdict: what a web check proves and what it does not.
pub const WEAKER_EVIDENCE: &str = "说明：本页由执法监督平台服务器核验，记录为“网页核验”。网页核验不经登记设备签名，任何持有链接的人都能打开，证明力弱于企业使用执法App扫码形成的签名核验记录，不计入“两码互核”。如需留存有效核验凭证，请使用执法App扫码。";
pub const REPLAY_EXPLAINED: &str =
    "每个执法码仅能核验一次。若您刚才已在本机核验过，请直接刷新本页查看原结果。";

pub const ASK_CREDIT_CODE: &str =
    "该执法码是针对特定单位生成的，请输入本单位的统一社会信用代码后核验。";
pub const CREDIT_CODE_LABEL: &str = "本单位统一社会信用代码（18位）";
pub const CREDIT_CODE_SUBMIT: &str = "核验";
pub const CHANGE_ENTERPRISE: &str = "更换核验单位";
pub const UNKNOWN_ENTERPRISE: &str =
    "执法目录中没有该统一社会信用代码对应的单位，请核对营业执照上的代码后重新输入。";

pub const RATE_HEADING: &str = "评价本次执法";
pub const RATE_LABEL: &str = "满意程度";
pub const SCORES: [&str; 5] = ["很不满意", "不满意", "一般", "满意", "很满意"];
pub const COMMENT_LABEL: &str = "意见（选填）";
pub const RATE_SUBMIT: &str = "提交评价";
pub const COMPLAIN_HEADING: &str = "投诉举报";
pub const COMPLAIN_INTRO: &str = "依据《中华人民共和国行政处罚法》第七十五条，您可以对行政执法行为提出投诉举报。本投诉将连同本次核验记录（执法人员、执法机关、核验单位、时间）送交执法监督机构。";
pub const COMPLAINT_LABEL: &str = "投诉内容";
pub const CONTACT_LABEL: &str = "联系方式（选填，便于监督机构回复）";
pub const COMPLAIN_SUBMIT: &str = "提交投诉";
/// What a refused code lets the enterprise do. The right to refuse an inspection is tied to
/// the officer not showing the enforcement certificate (APL Art. 55), not to a code failing
/// (a lagging catalogue or a screenshot also fail), so the advice is to ask for the
/// certificate.
pub const FORGED_ADVICE: &str = "请要求执法人员出示行政执法证件并核对；执法人员不出示执法证件的，\
     依据《中华人民共和国行政处罚法》第五十五条，您有权拒绝接受调查或者检查。\
     也可拨打12345政务服务便民热线或向执法监督机构反映。";

pub const RATED: &str = "评价已提交，感谢您的反馈。";
pub const COMPLAINED: &str = "投诉已提交，执法监督机构将依法处理。";

/// Refusals of a feedback form.
pub mod refused {
    pub const FORM_EXPIRED: &str = "表单已过期或不是在本机核验后打开的，请刷新核验页面后重新提交。";
    pub const NOT_ALLOWED: &str = "该核验结果未能确认执法人员身份，无法针对其评价或投诉。";
    pub const SCORE: &str = "请选择1至5分的满意程度。";
    pub const TEXT_EMPTY: &str = "请填写投诉内容。";
    pub const ALREADY_RATED: &str = "本次核验已评价过，无需重复提交。";
    pub const TOO_MANY_COMPLAINTS: &str =
        "本次核验提交的投诉已达上限（3条），如需补充请拨打12345政务服务便民热线。";
    pub const TOO_FAST: &str = "提交过于频繁，请稍后再试。";
    pub const CHECKS_TOO_FAST: &str = "核验请求过于频繁，请稍后再试。";
    pub const BAD_FORM: &str = "无法识别提交的表单，请刷新页面后重试。";
    pub const NOT_FOUND: &str = "页面不存在。执法码核验地址应为扫码得到的完整链接。";
    pub const INTERNAL: &str = "服务器暂时无法完成核验，请稍后重试。";

    /// A text over its bound.
    pub fn too_long(what: &str, max: usize) -> String {
        format!("{what}不能超过{max}个字。")
    }
}
