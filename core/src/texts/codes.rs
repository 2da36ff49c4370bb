//! The texts of codes shown and scanned at the door.

/// Shown with a valid enforcement code.
pub const OFFICER_VERIFIED: &str =
    "核验通过：执法人员身份真实，当前在岗，有权在本辖区实施下列事项。";

/// Why a scanned code or a credential was refused, as the person at the door reads it.
pub mod refusal {
    pub const MALFORMED: &str = "无法识别的二维码，请对方重新出示。";
    pub const UNSUPPORTED_ALGORITHM: &str = "二维码的签名方式不受支持，无法核验。";
    pub const UNKNOWN_KEY: &str = "签发机关不在信任名单中，无法确认执法身份。";
    pub const BAD_AGENCY_SIGNATURE: &str = "签发机关签名无效，该码可能是伪造的。";
    pub const KEY_NOT_VALID_AT_ISSUE: &str = "签发时机关密钥不在有效期内，该码无效。";
    pub const OUTSIDE_KEY_SCOPE: &str = "签发机关无权为该辖区签发此码。";
    pub const EXPIRED: &str = "执法凭证已过期，请对方更新后重新出示。";
    pub const NOT_YET_VALID: &str = "执法凭证尚未生效。";
    pub const VALIDITY_TOO_LONG: &str = "执法凭证有效期超过一个班次，该码无效。";
    pub const REVOKED: &str =
        "该执法人员的执法凭证已被撤销。请要求其出示行政执法证件并核对，并可向执法监督机构反映。";
    pub const BAD_DEVICE_SIGNATURE: &str = "该码不是由持证人的设备生成的，可能是截图或伪造。";
    pub const WRONG_ENTERPRISE: &str = "该码是为其他单位生成的，请对方针对本单位重新出示。";
    pub const REPLAYED: &str = "该码已被使用过，请对方刷新后重新出示。";
    /// States `codes::STEP_SECONDS` (a test in `codes` holds them together).
    pub const STEP_TOO_OLD: &str = "该码已过时（每30秒更新），请对方刷新后重新出示。";
    pub const STEP_TOO_NEW: &str = "该码时间超前，请核对双方手机时间后重新出示。";
    pub const OUTSIDE_JURISDICTION: &str = "本场所不在该执法人员的执法辖区内。";
    pub const NOT_FOR_THIS_DEVICE: &str = "该执法凭证不属于本设备，请重新领取。";
    pub const RETIRED_SERIAL: &str = "该企业码已被新码取代，请使用最新的企业码。";
    pub const INVALID_CREDIT_CODE: &str = "企业码中的统一社会信用代码无效。";
    pub const NOT_THE_PLANNED_ENTERPRISE: &str = "该企业不是本次任务的检查对象，请核对。";
    pub const NO_DUTY_CREDENTIAL: &str = "本机没有有效的执法凭证，请联网领取当班凭证。";
    pub const CATALOGUE_UNAVAILABLE: &str =
        "本机目录数据读取失败，暂时无法核验，请重启应用后重试。";
}

/// What a warning on a valid code means.
pub mod warning {
    /// States `codes::TRUST_LIST_MAX_AGE_DAYS` (a test in `codes` holds them together).
    pub const TRUST_LIST_STALE: &str =
        "本机信任名单已超过7天未更新，核验结果仅供参考，请尽快联网同步。";
    pub const CLOCK_UNTRUSTED: &str = "手机重启后尚未与服务器校时，时间可能不准确。";
    pub const OFFICER_NOT_IN_CATALOGUE: &str = "本机目录中没有该执法人员，姓名与事项以凭证为准。";
    pub const ENTERPRISE_NOT_IN_CATALOGUE: &str = "本机目录中没有该企业，请核对营业执照。";
}

/// Why a credential or code could not be issued or rendered.
pub mod issue {
    /// States `codes::MAX_SHIFT_HOURS` (a test in `codes` holds them together).
    pub const SHIFT_TOO_LONG: &str = "执法凭证有效期不得超过24小时。";
    pub const ITEM_NOT_AUTHORISED: &str = "该执法人员未获授权实施所列执法事项。";
    pub const TOO_LONG_FOR_QR: &str = "内容过长，无法生成二维码。";
    pub const IMAGE: &str = "无法读取图片中的二维码。";
    /// States `codes::qr::MAX_PIXELS` (a test in `qr` holds them together).
    pub const IMAGE_TOO_LARGE: &str =
        "图片过大（超过1600万像素），无法识别。请靠近二维码重新拍摄，或裁剪出二维码部分后再试。";
}
pub const CODE_UNAVAILABLE: &str = "执法码暂时无法生成，请重新打开本页面；如仍失败，请同步后再试。";
