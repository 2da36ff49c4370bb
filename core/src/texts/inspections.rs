//! Texts of inspections.

pub mod status {
    pub const NOT_STARTED: &str = "未开始";
    pub const IN_PROGRESS: &str = "检查中";
    pub const COMPLETED: &str = "已完成";
}
