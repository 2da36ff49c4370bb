//! The texts of sync. Every text about a sync that did not complete says that nothing was lost
//! and what to do.

pub const OFFLINE: &str = "暂时无法连接服务器。本机数据已保存，不会丢失；联网后将自动继续同步。";
pub const NOT_ENROLLED: &str = "本机尚未登记，请使用管理员发放的设备登记码完成登记后再同步。";
pub const UNAUTHORIZED: &str =
    "服务器未能确认本机身份（设备未登记或已停用），请联系管理员重新登记。本机数据不会丢失。";
pub const CLOCK_SKEW: &str = "本机时间与服务器相差过大，请将手机时间设为自动后重试。";
pub const ENROLMENT_REFUSED: &str = "设备登记码无效、已过期或已被使用，请向管理员重新领取。";

/// Sizes in bytes.
pub fn blob_too_large(size: u64, max: u64) -> String {
    format!(
        "证据文件过大（{:.1}MB），单个文件不能超过{}MB，请压缩或分段后重新采集。其他数据已正常同步。",
        size as f64 / 1_048_576.0,
        max / 1_048_576
    )
}

pub const BUSY: &str = "正在同步，请稍候。";
pub const FORBIDDEN: &str =
    "服务器拒绝了此项操作：本机所属单位无权处理该数据。本机数据已保存，如有疑问请联系管理员。";
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
pub const DOCUMENT_OVER_BUDGET: &str =
    "该案卷本次同步的数据量异常，超出上限，已停止同步该案卷；本机副本已保留，其他案卷照常同步，请联系管理员核查。";
