//! Texts about keys and signatures.

pub const MALFORMED: &str = "签名数据格式错误或不完整。";
pub const UNSUPPORTED_ALGORITHM: &str = "签名算法不受支持。";
pub const UNKNOWN_KEY: &str = "签名密钥不在信任列表中。";
pub const BAD_SIGNATURE: &str = "签名验证失败，数据可能被篡改。";
pub const KEY_ENCODING: &str = "密钥格式错误。";
