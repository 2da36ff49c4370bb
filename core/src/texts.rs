//! Every text an officer or an enterprise reads, in zh-CN, in one place.

use crate::codes::UsccError;
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
    }
}

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
        RowProblem::Dates => "废止日期早于施行日期".into(),
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
