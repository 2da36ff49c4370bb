//! The catalogue's texts: refused bundles and what is wrong with a record.

pub const BAD_JURISDICTION: &str = "辖区设置错误：应为有效的行政区划代码。";

/// Every refusal starts by saying that the catalogue on the device is unchanged.
pub fn bundle_refused(reason: &str) -> String {
    format!("目录数据包未被采用，本机目录保持不变：{reason}")
}

pub const TOO_LARGE: &str = "数据包过大。";
pub const MALFORMED: &str = "数据包格式错误或下载不完整，请重新同步。";
pub const UNKNOWN_AUTHORITY: &str = "签发机构不受信任。";
pub const FORGED: &str = "签名验证失败，数据包可能被篡改。";
pub const UNSUPPORTED_FORMAT: &str = "数据包版本过新，请先升级应用。";
pub const WRONG_SCOPE: &str = "数据包不属于本机辖区。";
pub const BASE_MISMATCH: &str = "增量数据包与本机目录版本不衔接，请重新同步完整目录。";

pub fn stale(current: u64, offered: u64) -> String {
    format!("数据包版本（{offered}）不比本机目录（{current}）新。")
}

/// `number` counts from 1.
pub fn invalid_row(number: usize, kind: &str, problem: &str) -> String {
    format!("第{number}条{kind}记录有误：{problem}")
}

/// The kinds of record.
pub mod kind {
    pub const BODY: &str = "执法主体";
    pub const ITEM: &str = "执法事项";
    pub const OFFICER: &str = "执法人员";
    pub const REGULATION: &str = "法律法规";
    pub const ENTERPRISE: &str = "监管对象";
    pub const AGENCY_KEY: &str = "签名密钥";
    pub const REVOCATION: &str = "撤销名单";
    pub const VIOLATION: &str = "违法行为";
    pub const BASELINE_DOCUMENT: &str = "裁量基准";
    pub const HEARING_THRESHOLD: &str = "听证标准";
    pub const HOLIDAY_CALENDAR: &str = "节假日安排";
}

/// What is wrong with one record.
pub mod problem {
    /// `field` is the record's field name as in the bundle.
    pub fn empty(field: &str) -> String {
        format!("必填字段（{field}）为空")
    }

    pub const DIVISION: &str = "行政区划代码无效";
    pub const OUTSIDE_SCOPE: &str = "不在本数据包的辖区范围内";
    pub const DUPLICATE: &str = "编号重复";
    pub const DATES: &str = "截止日期早于起始日期";
    pub const KEY: &str = "公钥无效或与密钥标识不符";
    pub const CONDITION: &str = "裁量条目的适用条件无法识别";
    pub const DECISION_DAYS: &str = "办案期限应为正整数天";
}
