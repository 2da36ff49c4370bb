//! The device store's texts.

pub const SCHEMA_TOO_NEW: &str = "本机数据由更新版本的应用创建，请先升级应用。";
pub const BLOB_NOT_FOUND: &str = "找不到该证据文件，请重新同步或重新采集。";
pub const BLOB_CORRUPT: &str = "证据文件已损坏（内容与登记的校验值不符），请联系管理员。";
pub const READ_WRITE_FAILED: &str =
    "本机数据读写失败，已录入的内容未丢失。请重启应用；若反复出现，请联系管理员。";
/// Shown after a corrupt database was set aside.
pub const DATABASE_QUARANTINED: &str =
    "本机数据库文件无法打开（已损坏或与本机密钥不符），已另存备查（未删除），并已新建数据库。请尽快同步并联系管理员。";
/// The data key did not unwrap: a wrong passphrase, or a key of another device.
pub const KEY_REFUSED: &str =
    "无法解开本机数据的密钥（口令错误或密钥不属于本机），数据未被改动。请核对后重试；若反复出现，请联系管理员。";
/// The platform keystore cannot be used now (locked, cancelled).
pub const KEY_UNAVAILABLE: &str = "系统密钥库暂不可用，请解锁手机后重试。";
pub const KEY_MALFORMED: &str = "本机数据的密钥文件已损坏，数据未被改动。请联系管理员。";
/// A desktop or test store opened without the passphrase its data key is wrapped under.
pub const PASSPHRASE_REQUIRED: &str = "请输入本机数据口令后再打开。";
