//! Texts about keys and signatures.

pub const MALFORMED: &str = "签名数据格式错误或不完整。";
pub const UNSUPPORTED_ALGORITHM: &str = "签名算法不受支持。";
pub const UNKNOWN_KEY: &str = "签名密钥不在信任列表中。";
pub const BAD_SIGNATURE: &str = "签名验证失败，数据可能被篡改。";
pub const KEY_ENCODING: &str = "密钥格式错误。";
pub const KEYSTORE_UNAVAILABLE: &str =
    "本机密钥暂时无法签名（设备已锁定、验证已取消或密钥失效）。数据未受影响，请解锁后重试；如仍失败，请联系管理员重新登记设备。";
