//! Every text an officer or an enterprise reads, in zh-CN, in one place.

use crate::codes::{CodeError, CodeRefusal, CodeWarning, UsccError};
use crate::crypto::CryptoError;
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
