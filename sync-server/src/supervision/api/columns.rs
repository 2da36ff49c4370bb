//! The `sv_case` columns the API reads, each with its zh-CN header for exports.

/// (column, zh-CN header), in the table's order.
pub const CASE: &[(&str, &str)] = &[
    ("doc_id", "案件文档编号"),
    ("body", "执法机关"),
    ("district", "区县"),
    ("place", "违法地点区划"),
    ("town", "乡镇街道"),
    ("sector", "执法领域"),
    ("item", "执法事项"),
    ("violation", "违法行为"),
    ("case_number", "案号"),
    ("kind", "程序类型"),
    ("status", "案件状态"),
    ("party_kind", "当事人类型"),
    ("enterprise", "统一社会信用代码"),
    ("act_on", "违法行为日期"),
    ("discovered_on", "发现日期"),
    ("filed_on", "立案日期"),
    ("legal_review_on", "法制审核日期"),
    ("collective_on", "集体讨论日期"),
    ("notified_on", "告知日期"),
    ("hearing_requested_on", "申请听证日期"),
    ("hearing_held_on", "听证日期"),
    ("decided_on", "决定日期"),
    ("served_on", "送达日期"),
    ("paid_on", "缴款日期"),
    ("closed_on", "结案日期"),
    ("due_on", "办案期限届满日"),
    ("extended", "延长次数"),
    ("steps", "程序步骤数"),
    ("outcome", "裁量结果"),
    ("baseline_row", "裁量基准条目"),
    ("band_min", "基准罚款下限（元）"),
    ("band_max", "基准罚款上限（元）"),
    ("statutory_max", "法定罚款上限（元）"),
    ("penalty", "是否处罚"),
    ("fine", "罚款（元）"),
    ("confiscated", "没收违法所得（元）"),
    ("departure", "偏离裁量基准"),
    ("departure_reason", "偏离理由"),
    ("no_penalty", "不予处罚类型"),
    ("measures", "柔性执法措施"),
    ("legal_review_required", "需法制审核"),
    ("collective_required", "需集体讨论"),
    ("hearing_due", "应告知听证"),
    ("hearing_offered", "已告知听证"),
    ("on_the_spot_paid", "当场缴纳"),
    ("late_fee", "加处罚款（元）"),
    ("transferred", "移送"),
    ("services", "送达次数"),
    ("evidence", "证据数"),
    ("evidence_missing", "缺失证据文件数"),
    ("acting_officers", "承办执法人员数"),
    ("uncredentialed", "无有效执法证人数"),
    ("out_of_jurisdiction", "超出管辖"),
    ("updated_at", "索引更新时间"),
];

/// The columns joined for a SELECT list, `alias.` prefixed.
pub fn select_list(columns: &[(&str, &str)], alias: &str) -> String {
    columns
        .iter()
        .map(|(name, _)| format!("{alias}.{name}"))
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn names<'a>(columns: &[(&'a str, &'a str)]) -> Vec<&'a str> {
    columns.iter().map(|(name, _)| *name).collect()
}

pub fn headers(columns: &[(&str, &str)]) -> Vec<String> {
    columns.iter().map(|(_, zh)| (*zh).to_owned()).collect()
}

/// Unix seconds as a Beijing time a person reads (`2026-03-02 14:05:00`).
pub fn time_zh(seconds: i64) -> String {
    chrono::DateTime::from_timestamp(seconds, 0)
        .map(|t| {
            t.with_timezone(&zhifa_core::calendar::beijing())
                .format("%Y-%m-%d %H:%M:%S")
                .to_string()
        })
        .unwrap_or_default()
}

/// Unix milliseconds as `time_zh` prints them.
pub fn millis_zh(millis: i64) -> String {
    time_zh(millis.div_euclid(1000))
}
