//! What the console's own pages say (zh-CN): the login, its refusals, the shell. The pages of
//! the single-page app carry their texts in `sync-server/web/console/`.

use chrono::{DateTime, Utc};

pub const CONSOLE_TITLE: &str = "行政执法监督平台";
pub const LOGIN_TITLE: &str = "登录 · 行政执法监督平台";
pub const WRONG: &str = "用户名或密码错误。";
pub const FORM_EXPIRED: &str = "登录页面已过期，请重新输入后登录。";
pub const BUSY: &str = "登录请求较多，请稍候几秒再试。";
pub const NO_SCRIPT: &str = "监督平台需要启用浏览器的 JavaScript。";

/// The refusal of a locked account, with the Beijing time the lock ends.
pub fn locked(until: DateTime<Utc>) -> String {
    format!(
        "连续 {} 次登录失败，账户已锁定至 {}（北京时间）。请届时再试，或联系管理员重置密码。",
        crate::supervision::accounts::MAX_FAILURES,
        zhifa_core::texts::cases::beijing_time(until)
    )
}
