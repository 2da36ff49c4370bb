//! Every text an officer or an enterprise reads, in zh-CN, in one place.

use crate::codes::{CodeError, CodeRefusal, CodeWarning};
use crate::crypto::CryptoError;
use crate::ids::UsccError;
use crate::registry::{BundleRefusal, RecordKind, RegistryError, RowProblem};
use crate::store::StoreError;
use crate::Error;

pub fn error_message(error: &Error) -> String {
    match error {
        Error::Store(e) => store_message(e),
        Error::Crypto(e) => crypto_message(e).to_owned(),
        Error::Registry(e) => registry_message(e),
        Error::CreditCode(e) => credit_code_message(e),
        Error::Code(refusal) => code_refusal_message(refusal).to_owned(),
        Error::CodeIssue(e) => code_error_message(e).to_owned(),
        Error::Discretion(e) => discretion::error_message(e),
        Error::Case(e) => case_message(e),
        Error::Document(crate::documents::DocumentError::Missing(what)) => {
            format!("案件缺少文书必须载明的内容（{what}），请补全后再生成文书。")
        }
        Error::Sync(e) => sync_message(e),
    }
}

/// Why the server refused a document (the reason as the device keeps it).
pub fn document_refusal_message(reason: &str) -> String {
    match reason {
        "Forbidden" => "该案卷属于其他执法单位，服务器未接收；本机副本已保留，请联系管理员核实。".into(),
        "OutOfJurisdiction" => "该案卷的发生地不在本人执法辖区，服务器未接收；本机副本已保留，请核对地点或移交有权机关。".into(),
        _ => "该案卷数据无法被服务器识别，未能上传；本机副本已保留，请升级应用后重试。".into(),
    }
}

/// Why a sync did not complete. Every text says that nothing was lost and what to do.
pub fn sync_message(error: &crate::sync::SyncError) -> String {
    use crate::sync::SyncError;
    match error {
        SyncError::Offline(_) => {
            "暂时无法连接服务器。本机数据已保存，不会丢失；联网后将自动继续同步。".into()
        }
        SyncError::NotEnrolled => "本机尚未登记，请使用管理员发放的设备登记码完成登记后再同步。".into(),
        SyncError::Unauthorized => {
            "服务器未能确认本机身份（设备未登记或已停用），请联系管理员重新登记。本机数据不会丢失。".into()
        }
        SyncError::ClockSkew => "本机时间与服务器相差过大，请将手机时间设为自动后重试。".into(),
        SyncError::EnrolmentRefused(_) => {
            "设备登记码无效、已过期或已被使用，请向管理员重新领取。".into()
        }
        SyncError::BlobTooLarge { size, max } => format!(
            "证据文件过大（{:.1}MB），单个文件不能超过{}MB，请压缩或分段后重新采集。其他数据已正常同步。",
            *size as f64 / 1_048_576.0,
            max / 1_048_576
        ),
        SyncError::Busy => "正在同步，请稍候。".into(),
        SyncError::Forbidden(_) => {
            "服务器拒绝了此项操作：本机所属单位无权处理该数据。本机数据已保存，如有疑问请联系管理员。".into()
        }
        SyncError::Server { .. } => {
            "服务器暂时无法处理本次同步，本机数据已保存，请稍后重试。".into()
        }
        SyncError::Protocol(_) => {
            "服务器返回的数据无法识别，本机数据已保存；请稍后重试，仍不成功请升级应用。".into()
        }
    }
}

pub fn case_message(error: &crate::cases::CaseError) -> String {
    use crate::cases::CaseError;
    match error {
        CaseError::Corrupt => "案件数据已损坏，请从服务器重新同步该案件。".into(),
        CaseError::SchemaTooNew => "该案件由更新版本的应用创建，请先升级应用。".into(),
        CaseError::NoSuchEntry => "案件中没有该条目。".into(),
        CaseError::NotAConflictValue => "所选的值不是冲突中的任一取值。".into(),
        CaseError::NotFound => "找不到该案件。".into(),
        CaseError::Refused(refusal) => procedure_refusal_message(refusal),
        CaseError::NoCaseNumbers => "本机预留的案号已用完，请联网领取新的案号段。".into(),
    }
}

/// Why a procedure step was refused: the rule, and what is missing.
pub fn procedure_refusal_message(refusal: &crate::cases::Refusal) -> String {
    use crate::cases::RefusalKind::*;
    let missing = refusal.missing.join("、");
    let reason = match refusal.kind {
        WrongStatus => format!("案件当前所处环节不能进行此操作（当前：{missing}）"),
        UnresolvedConflicts => format!("以下内容在两台设备上被改成了不同的值，请先确认：{missing}"),
        TwoOfficersRequired => format!("执法人员不得少于两人，当前有效执法人员{missing}人"),
        NoParty => "尚未登记当事人".into(),
        NoPenaltyChosen => "尚未形成处罚建议，请先补全情节并生成裁量建议".into(),
        SummaryNotAllowed => format!("不符合当场处罚条件：仅限警告或公民200元、法人或者其他组织3000元以下罚款，且不得没收（{missing}元）"),
        LimitationExpired => format!("违法行为已超过追责期限（{missing}前未被发现）"),
        NotEnoughEvidence => "尚无证据或笔录，事实不清、证据不足的不得给予行政处罚".into(),
        NoHearingRight => "拟作出的处罚不属于听证范围".into(),
        HearingRequestLate => format!("听证申请应在告知后五个工作日内提出（截至{missing}）"),
        HearingNoticeTooShort => format!("应当在举行听证七个工作日前通知当事人（最早{missing}）"),
        HearingPending => "当事人已申请听证，须举行听证后方可作出决定".into(),
        StatementPeriodOpen => format!("当事人陈述、申辩期限未满（至{missing}），或请记录当事人放弃陈述申辩"),
        LegalReviewRequired => "须经法制审核通过后方可作出决定".into(),
        CollectiveDecisionRequired => "须经行政机关负责人集体讨论决定".into(),
        HeavierAfterDefence => format!("不得因当事人陈述、申辩而给予更重的处罚（告知罚款{missing}元）"),
        Underpaid => format!("应缴金额（含加处罚款）为{missing}元"),
        NothingToClose => "案件尚未执行完毕，不能结案".into(),
    };
    if refusal.article.is_empty() {
        reason
    } else {
        format!(
            "依据《中华人民共和国行政处罚法》{}：{reason}。",
            refusal.article
        )
    }
}

/// Why a code was refused, as the person at the door reads it.
pub fn code_refusal_message(refusal: &CodeRefusal) -> &'static str {
    match refusal {
        CodeRefusal::Malformed { .. } => "无法识别的二维码，请对方重新出示。",
        CodeRefusal::UnsupportedAlgorithm => "二维码的签名方式不受支持，无法核验。",
        CodeRefusal::UnknownKey => "签发机关不在信任名单中，无法确认执法身份。",
        CodeRefusal::BadAgencySignature => "签发机关签名无效，该码可能是伪造的。",
        CodeRefusal::KeyNotValidAtIssue => "签发时机关密钥不在有效期内，该码无效。",
        CodeRefusal::OutsideKeyScope => "签发机关无权为该辖区签发此码。",
        CodeRefusal::Expired => "执法凭证已过期，请对方更新后重新出示。",
        CodeRefusal::NotYetValid => "执法凭证尚未生效。",
        CodeRefusal::ValidityTooLong => "执法凭证有效期超过一个班次，该码无效。",
        CodeRefusal::Revoked => "该执法人员的凭证已被撤销，可以拒绝检查并向监督部门反映。",
        CodeRefusal::BadDeviceSignature => "该码不是由持证人的设备生成的，可能是截图或伪造。",
        CodeRefusal::WrongEnterprise => "该码是为其他单位生成的，请对方针对本单位重新出示。",
        CodeRefusal::Replayed => "该码已被使用过，请对方刷新后重新出示。",
        CodeRefusal::StepTooOld => "该码已过时（每30秒更新），请对方刷新后重新出示。",
        CodeRefusal::StepTooNew => "该码时间超前，请核对双方手机时间后重新出示。",
        CodeRefusal::OutsideJurisdiction => "本场所不在该执法人员的执法辖区内。",
        CodeRefusal::NotForThisDevice => "该执法凭证不属于本设备，请重新领取。",
        CodeRefusal::RetiredSerial => "该企业码已被新码取代，请使用最新的企业码。",
        CodeRefusal::InvalidCreditCode => "企业码中的统一社会信用代码无效。",
        CodeRefusal::NotThePlannedEnterprise => "该企业不是本次任务的检查对象，请核对。",
        CodeRefusal::NoDutyCredential => "本机没有有效的执法凭证，请联网领取当班凭证。",
        CodeRefusal::CatalogueUnavailable => {
            "本机目录数据读取失败，暂时无法核验，请重启应用后重试。"
        }
    }
}

/// What a warning on a valid code means.
pub fn code_warning_message(warning: CodeWarning) -> &'static str {
    match warning {
        CodeWarning::TrustListStale => {
            "本机信任名单已超过7天未更新，核验结果仅供参考，请尽快联网同步。"
        }
        CodeWarning::ClockUntrusted => "手机重启后尚未与服务器校时，时间可能不准确。",
        CodeWarning::OfficerNotInCatalogue => "本机目录中没有该执法人员，姓名与事项以凭证为准。",
        CodeWarning::CreditCodeCheckMismatch => CREDIT_CODE_CHECK_MISMATCH,
        CodeWarning::EnterpriseNotInCatalogue => "本机目录中没有该企业，请核对营业执照。",
    }
}

pub fn code_error_message(error: &CodeError) -> &'static str {
    match error {
        CodeError::ShiftTooLong => "执法凭证有效期不得超过24小时。",
        CodeError::ItemNotAuthorised => "该执法人员未获授权实施所列执法事项。",
        CodeError::TooLongForQr => "内容过长，无法生成二维码。",
        CodeError::Image => "无法读取图片中的二维码。",
        CodeError::Crypto(e) => crypto_message(e),
    }
}

/// Shown with a valid enforcement code.
pub const OFFICER_VERIFIED: &str =
    "核验通过：执法人员身份真实，当前在岗，有权在本辖区实施下列事项。";

pub fn store_message(error: &StoreError) -> String {
    match error {
        StoreError::SchemaTooNew { .. } => "本机数据由更新版本的应用创建，请先升级应用。".into(),
        StoreError::BlobNotFound(_) => "找不到该证据文件，请重新同步或重新采集。".into(),
        StoreError::BlobCorrupt(_) => {
            "证据文件已损坏（内容与登记的校验值不符），请联系管理员。".into()
        }
        StoreError::Io(_) | StoreError::Sqlite(_) | StoreError::Decode(_) => {
            "本机数据读写失败，已录入的内容未丢失。请重启应用；若反复出现，请联系管理员。".into()
        }
    }
}

pub fn crypto_message(error: &CryptoError) -> &'static str {
    match error {
        CryptoError::Malformed(_) | CryptoError::TooLarge { .. } => "签名数据格式错误或不完整。",
        CryptoError::UnsupportedAlgorithm => "签名算法不受支持。",
        CryptoError::UnknownKey => "签名密钥不在信任列表中。",
        CryptoError::BadSignature => "签名验证失败，数据可能被篡改。",
        CryptoError::KeyEncoding(_) => "密钥格式错误。",
    }
}

pub fn registry_message(error: &RegistryError) -> String {
    match error {
        RegistryError::Refused(refusal) => bundle_refusal_message(refusal),
        RegistryError::Store(e) => store_message(e),
        RegistryError::BadJurisdiction => "辖区设置错误：应为有效的行政区划代码。".into(),
    }
}

pub fn bundle_refusal_message(refusal: &BundleRefusal) -> String {
    let prefix = "目录数据包未被采用，本机目录保持不变：";
    let reason = match refusal {
        BundleRefusal::TooLarge { .. } => "数据包过大。".to_owned(),
        BundleRefusal::Malformed => "数据包格式错误或下载不完整，请重新同步。".to_owned(),
        BundleRefusal::UnknownAuthority => "签发机构不受信任。".to_owned(),
        BundleRefusal::Forged => "签名验证失败，数据包可能被篡改。".to_owned(),
        BundleRefusal::UnsupportedFormat(_) => "数据包版本过新，请先升级应用。".to_owned(),
        BundleRefusal::WrongScope => "数据包不属于本机辖区。".to_owned(),
        BundleRefusal::Stale { current, offered } => {
            format!("数据包版本（{offered}）不比本机目录（{current}）新。")
        }
        BundleRefusal::BaseMismatch { .. } => {
            "增量数据包与本机目录版本不衔接，请重新同步完整目录。".to_owned()
        }
        BundleRefusal::InvalidRow {
            kind,
            index,
            problem,
        } => {
            format!(
                "第{}条{}记录有误：{}",
                index + 1,
                record_kind_name(*kind),
                row_problem_message(problem)
            )
        }
    };
    format!("{prefix}{reason}")
}

pub fn record_kind_name(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Body => "执法主体",
        RecordKind::Item => "执法事项",
        RecordKind::Officer => "执法人员",
        RecordKind::Regulation => "法律法规",
        RecordKind::Enterprise => "监管对象",
        RecordKind::AgencyKey => "签名密钥",
        RecordKind::Revocation => "撤销名单",
        RecordKind::Violation => "违法行为",
        RecordKind::BaselineDocument => "裁量基准",
        RecordKind::HearingThreshold => "听证标准",
        RecordKind::HolidayCalendar => "节假日安排",
    }
}

fn row_problem_message(problem: &RowProblem) -> String {
    match problem {
        RowProblem::Empty(field) => format!("必填字段（{field}）为空"),
        RowProblem::CreditCode(e) => credit_code_message(e),
        RowProblem::CreditCodeForm => "统一社会信用代码应为18位大写字符".into(),
        RowProblem::Division(_) => "行政区划代码无效".into(),
        RowProblem::OutsideScope => "不在本数据包的辖区范围内".into(),
        RowProblem::Duplicate => "编号重复".into(),
        RowProblem::Dates => "截止日期早于起始日期".into(),
        RowProblem::Key => "公钥无效或与密钥标识不符".into(),
        RowProblem::Condition => "裁量条目的适用条件无法识别".into(),
    }
}

pub fn credit_code_message(error: &UsccError) -> String {
    match error {
        UsccError::WrongLength(n) => format!("统一社会信用代码应为18位，实际为{n}位"),
        UsccError::BadCharacter { position } => format!("统一社会信用代码第{position}位字符无效"),
        UsccError::BadDivision => "统一社会信用代码第3至8位应为行政区划代码".into(),
    }
}

/// Shown beside an enterprise whose credit code fails its check character.
pub const CREDIT_CODE_CHECK_MISMATCH: &str = "统一社会信用代码校验位不符，请人工核对营业执照。";
/// Shown after a corrupt database was set aside.
pub const DATABASE_QUARANTINED: &str =
    "本机数据库文件损坏，已另存备查（未删除），并已新建数据库。请尽快同步并联系管理员。";

/// The discretion engine's words: trace rules, reasons, and the explanation for decision
/// documents.
pub mod discretion {
    use crate::discretion::{Disposition, NoPenaltyReason, Outcome, PenaltyKind, Tier, Violation};

    pub fn error_message(error: &crate::discretion::DiscretionError) -> String {
        use crate::discretion::{DiscretionError, FactError};
        match error {
            DiscretionError::UnknownViolation(code) => {
                format!("目录中没有违法行为“{code}”，请同步目录后重试。")
            }
            DiscretionError::BadCondition { row, .. } => {
                format!("裁量基准条目“{row}”的适用条件有误，请联系法制部门。")
            }
            DiscretionError::Facts(FactError::Unknown(name)) => format!("未知的情节“{name}”。"),
            DiscretionError::Facts(FactError::WrongType(name)) => {
                format!("情节“{name}”的取值无效。")
            }
            DiscretionError::Facts(FactError::Inconsistent(_)) => {
                "情节相互矛盾：初次违法的，近期不应有同类违法记录。".into()
            }
            DiscretionError::PartyTypeNotCovered => {
                "该违法行为不适用于此类当事人，请核对当事人类型。".into()
            }
            DiscretionError::Dates => {
                "日期有误：发现日期和决定日期不得早于违法行为发生日期。".into()
            }
            DiscretionError::OverrideWithoutReason => "所选处罚超出建议幅度，请填写理由。".into(),
        }
    }

    pub fn bad_date(text: &str) -> String {
        format!("日期“{text}”无效，应为“年-月-日”格式，如2024-05-01。")
    }

    pub const RULE_VIOLATION: &str = "违法行为";
    pub const RULE_MANDATORY_MITIGATION: &str = "法定从轻、减轻情节";
    pub const MUST_BE_LIGHTER: &str = "应当从轻或者减轻处罚";
    pub const RULE_NO_PENALTY: &str = "不予处罚";
    pub const RULE_STATUTORY_RANGE: &str = "法定处罚幅度";
    pub const NO_BASELINE_ROW: &str = "无适用的裁量基准条目，按法定幅度由执法人员裁量，须经审核";
    pub const RULE_BASELINE: &str = "裁量基准";
    pub const RULE_MANDATORY_LIGHTER: &str = "法定从轻";
    pub const RULE_CLAMP: &str = "法定幅度";

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

    pub fn lighter_share(percent: i64) -> String {
        format!("在基准幅度内取下限起{percent}%")
    }

    pub fn clamped(min: i64, max: i64) -> String {
        format!("基准幅度调整至法定幅度内：{min}元至{max}元")
    }

    pub fn no_penalty_reason(reason: NoPenaltyReason) -> &'static str {
        match reason {
            NoPenaltyReason::LimitationExpired => "违法行为超过追责期限未被发现，不再给予行政处罚",
            NoPenaltyReason::UnderFourteen => {
                "不满十四周岁的未成年人有违法行为的，不予行政处罚，责令监护人加以管教"
            }
            NoPenaltyReason::NoCapacity => {
                "精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为的，不予行政处罚"
            }
            NoPenaltyReason::NoFault => "当事人有证据足以证明没有主观过错，不予行政处罚",
            NoPenaltyReason::MinorCorrectedNoHarm => {
                "违法行为轻微并及时改正，没有造成危害后果，不予行政处罚"
            }
            NoPenaltyReason::BaselineRow => "符合裁量基准规定的不予处罚情形",
        }
    }

    pub fn tier_name(tier: Tier) -> &'static str {
        match tier {
            Tier::NoPenalty => "不予处罚",
            Tier::Mitigated => "减轻处罚",
            Tier::Lighter => "从轻处罚",
            Tier::General => "一般处罚",
            Tier::Heavier => "从重处罚",
        }
    }

    pub fn penalty_kind_name(kind: PenaltyKind) -> &'static str {
        match kind {
            PenaltyKind::Warning => "警告",
            PenaltyKind::CirculatedCriticism => "通报批评",
            PenaltyKind::Fine => "罚款",
            PenaltyKind::ConfiscateGains => "没收违法所得",
            PenaltyKind::ConfiscateProperty => "没收非法财物",
            PenaltyKind::SuspendLicence => "暂扣许可证件",
            PenaltyKind::DowngradeQualification => "降低资质等级",
            PenaltyKind::RestrictBusiness => "限制开展生产经营活动",
            PenaltyKind::OrderSuspension => "责令停产停业",
            PenaltyKind::RevokeLicence => "吊销许可证件",
            PenaltyKind::OrderClosure => "责令关闭",
            PenaltyKind::OccupationalBan => "限制从业",
            PenaltyKind::Detention => "行政拘留",
        }
    }

    /// The paragraph for the decision document: violation, basis, baseline, penalty.
    pub fn explanation(violation: &Violation, outcome: &Outcome) -> String {
        let cite = |list: &[crate::discretion::Provision]| {
            list.iter().map(|p| p.cite()).collect::<Vec<_>>().join("、")
        };
        let mut text = format!(
            "当事人的行为构成{}，违反了{}的规定。",
            violation
                .name
                .trim_start_matches('对')
                .trim_end_matches("的行政处罚"),
            cite(&violation.violated)
        );
        match outcome.disposition {
            Disposition::Transfer => {
                text.push_str("该行为涉嫌犯罪，依据《中华人民共和国行政处罚法》第二十七条，应当移送司法机关。");
                return text;
            }
            Disposition::NoPenalty { reason } => {
                text.push_str(&format!(
                    "{}，依据《中华人民共和国行政处罚法》{}，不予行政处罚",
                    no_penalty_reason(reason),
                    reason.article()
                ));
                if outcome.order_correction {
                    text.push_str("，责令改正");
                }
                text.push_str("，并对当事人进行教育。");
                return text;
            }
            Disposition::Penalty => {}
        }
        if let Some(source) = &outcome.source {
            text.push_str(&format!(
                "依据{}，参照《{}》（{}）“{}”情形（{}），",
                cite(&violation.penalty_basis),
                source.document_title,
                source.document_number,
                source.row_label,
                tier_name(outcome.tier)
            ));
        } else {
            text.push_str(&format!(
                "依据{}，在法定幅度内，",
                cite(&violation.penalty_basis)
            ));
        }
        let mut parts = vec!["责令改正".to_owned()];
        if outcome.warning {
            parts.push("给予警告".into());
        }
        if outcome.confiscate_gains {
            parts.push("没收违法所得".into());
        }
        if outcome.confiscate_property {
            parts.push("没收非法财物".into());
        }
        if let Some(fine) = outcome.fine {
            if fine.min == fine.max {
                parts.push(format!("处罚款{}元", fine.min));
            } else {
                parts.push(format!("处{}元以上{}元以下罚款", fine.min, fine.max));
            }
        }
        for kind in &outcome.other {
            parts.push(penalty_kind_name(*kind).to_owned());
        }
        text.push_str(&format!("建议{}。", parts.join("，")));
        text
    }
}
