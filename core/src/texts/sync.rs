//! The texts of sync. Every text about a sync that did not complete says that nothing was lost
//! and what to do.

pub const OFFLINE: &str = "暂时无法连接服务器。本机数据已保存，不会丢失；联网后将自动继续同步。";
pub const NOT_ENROLLED: &str = "本机尚未登记，请使用管理员发放的设备登记码完成登记后再同步。";
pub const UNAUTHORIZED: &str =
    "服务器未能确认本机身份（设备未登记或已停用），请联系管理员重新登记。本机数据不会丢失。";
pub const CLOCK_SKEW: &str = "本机时间与服务器相差过大，请将手机时间设为自动后重试。";
pub const ENROLMENT_REFUSED: &str = "设备登记码无效、已过期或已被使用，请向管理员重新领取。";
/// The device's key is enrolled already, for someone else, or was stopped.
pub const KEY_ENROLLED: &str =
    "本机已登记在其他人员名下或已被停用，不能再用此登记码登记；该登记码仍未使用，请联系管理员处理。";

/// The server asked the device to slow down, for `seconds`.
pub fn rate_limited(seconds: u64) -> String {
    if seconds < 60 {
        format!("服务器繁忙，请求过于频繁。本机数据已保存，请约{seconds}秒后重试。")
    } else {
        format!(
            "服务器繁忙，请求过于频繁。本机数据已保存，请约{}分钟后重试。",
            seconds.div_ceil(60)
        )
    }
}

/// Sizes in bytes.
pub fn blob_too_large(size: u64, max: u64) -> String {
    format!(
        "证据文件过大（{:.1}MB），单个文件不能超过{}MB，请压缩或分段后重新采集。其他数据已正常同步。",
        size as f64 / 1_048_576.0,
        max / 1_048_576
    )
}

/// Why an evidence file was not uploaded (the rest of the sync went on).
pub const BLOB_FORBIDDEN: &str =
    "服务器不接收本机上传的执法证据（本机不是执法人员设备）。文件仍保存在本机，如有疑问请联系管理员。";
pub const BLOB_QUOTA: &str =
    "证据上传已达服务器限额（本机未完成的上传或本单位当日上传量），该文件暂未上传，仍保存在本机；下次同步时将自动重试。其他数据已正常同步。";
pub const BLOB_INCONSISTENT: &str =
    "服务器对该证据文件的接收情况与本机不一致，本次未能上传；文件仍保存在本机，下次同步时将重新上传。其他数据已正常同步。";
pub const BLOB_HASH_MISMATCH: &str =
    "该证据文件在传输中受损，服务器未予接收；文件仍保存在本机，下次同步时将重新上传。其他数据已正常同步。";
pub const BLOB_UNREADABLE: &str =
    "本机的该证据文件缺失或已损坏，无法上传；请勿清除应用数据，并联系管理员。其他数据已正常同步。";

pub const BUSY: &str = "正在同步，请稍候。";
pub const CANCELLED: &str = "同步已停止。已完成的部分已保存，下次同步将从中断处继续。";
pub const FORBIDDEN: &str =
    "服务器拒绝了此项操作：本机所属单位无权处理该数据。本机数据已保存，如有疑问请联系管理员。";
/// Case-number blocks the server did not give.
pub const PREFIX_NOT_OWNED: &str =
    "该案号前缀不属于本机所属执法单位，服务器未发放案号；请在设置中使用本单位的案号前缀，或联系管理员核实目录。已办案件不受影响。";
pub const NUMBERS_QUOTA: &str =
    "本机领取案号已达上限（每日、每年均有限额），服务器暂不发放；本机现有案号仍可使用，如确需更多请联系管理员。";
pub const NUMBERS_EXHAUSTED: &str =
    "本单位该案号前缀今年的案号已用完，服务器无法发放；请联系管理员。已办案件不受影响。";
pub const SERVER: &str = "服务器暂时无法处理本次同步，本机数据已保存，请稍后重试。";
pub const PROTOCOL: &str =
    "服务器返回的数据无法识别，本机数据已保存；请稍后重试，仍不成功请升级应用。";
/// The app was given a server address it cannot use.
pub const BAD_SERVER_URL: &str = "服务器地址无效，请检查设置。";

/// Why the server refused a document.
pub const DOCUMENT_FORBIDDEN: &str =
    "该案卷属于其他执法单位，服务器未接收；本机副本已保留，请联系管理员核实。";
pub const DOCUMENT_OUT_OF_JURISDICTION: &str =
    "该案卷的发生地不在本人执法辖区，服务器未接收；本机副本已保留，请核对地点或移交有权机关。";
pub const DOCUMENT_MALFORMED: &str =
    "该案卷数据无法被服务器识别，未能上传；本机副本已保留，请升级应用后重试。";

/// Why the server refused a signed event (visit, code verification, penalty choice).
pub const EVENT_BAD_SIGNATURE: &str =
    "该条记录的签名无法核验，服务器未接收；本机记录已保留，请联系管理员。";
pub const EVENT_FORBIDDEN: &str =
    "该条记录涉及的执法人员或企业不是本机登记的主体，服务器未接收；本机记录已保留。";
pub const EVENT_CONFLICT: &str = "该条记录的编号与服务器上已有的另一条记录重复，服务器未接收。";
pub const EVENT_VOUCHES_FOR_OTHER: &str =
    "亮码核验记录只能由被检查企业本单位登记的设备提交；本机不能代企业确认核验，服务器未接收。";
pub const DOCUMENT_OVER_BUDGET: &str =
    "该案卷本次同步的数据量异常，超出上限，已停止同步该案卷；本机副本已保留，其他案卷照常同步，请联系管理员核查。";
pub const DOCUMENT_INCOMPLETE: &str =
    "该案卷本次同步收到的修改缺少其所依据的前序修改，已重新请求一次仍不完整，未予保存；本机副本已保留，其他案卷照常同步。请联系系统管理员核查该案卷。";
