//! Reconsideration (复议) and litigation (诉讼) results by case number, imported from CSV
//! (UTF-8, a BOM allowed) with the zh-CN header `案号,类别,结果,决定日期,机关` in any order:
//!
//! - 类别: 复议 | 行政复议 → `reconsideration`; 诉讼 | 行政诉讼 → `litigation`.
//! - 结果: 维持, 驳回 (the act stands) → `upheld`; 变更 → `corrected`; 撤销, 部分撤销 →
//!   `revoked`; 确认违法, 确认无效 → `confirmed_illegal`; 撤回, 终止 → `withdrawn`.
//! - 决定日期: `YYYY-MM-DD` (or `YYYY/M/D`), not after today in Beijing; 机关: who decided.
//!
//! A bad row is refused with its line number and a zh-CN reason, and the rest import. One
//! result is kept per case and kind: a later decision replaces the one held, an earlier or
//! identical one changes nothing, so importing the same file again is idempotent. A case
//! number the index does not know is imported (the case may sync later) and reported.

use std::collections::BTreeSet;

use chrono::{NaiveDate, Utc};
use serde::Serialize;
use zhifa_core::calendar::beijing_date;

use crate::error::ServerError;
use crate::storage::{transaction, Database};

/// The largest file taken.
pub const MAX_BYTES: usize = 8 * 1024 * 1024;
/// The columns, as the header names them.
pub const HEADERS: [&str; 5] = ["案号", "类别", "结果", "决定日期", "机关"];
const MAX_CELL: usize = 200;

/// One result as stored in `sv_outcome`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OutcomeRow {
    pub case_number: String,
    /// reconsideration | litigation
    pub kind: &'static str,
    /// upheld | corrected | revoked | confirmed_illegal | withdrawn
    pub result: &'static str,
    pub decided_on: NaiveDate,
    pub source: String,
}

/// Why one row was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RowRefusal {
    #[error("row has {found} columns, the header {expected}")]
    Columns { found: usize, expected: usize },
    #[error("empty case number")]
    NoCaseNumber,
    #[error("unknown category")]
    UnknownKind { value: String },
    #[error("unknown result")]
    UnknownResult { value: String },
    #[error("bad date")]
    BadDate { value: String },
    #[error("date after today")]
    FutureDate { value: String },
    #[error("cell over {MAX_CELL} characters")]
    TooLong { column: String },
    #[error("not a CSV row")]
    Malformed,
}

impl RowRefusal {
    pub fn message_zh(&self) -> String {
        match self {
            RowRefusal::Columns { found, expected } => {
                format!("本行有{found}列，表头为{expected}列")
            }
            RowRefusal::NoCaseNumber => "案号为空".into(),
            RowRefusal::UnknownKind { value } => format!("类别“{value}”应为复议或诉讼"),
            RowRefusal::UnknownResult { value } => format!(
                "结果“{value}”不可识别（维持、驳回、变更、撤销、确认违法、确认无效、撤回、终止）"
            ),
            RowRefusal::BadDate { value } => format!("决定日期“{value}”应为YYYY-MM-DD"),
            RowRefusal::FutureDate { value } => format!("决定日期“{value}”晚于今天"),
            RowRefusal::TooLong { column } => format!("“{column}”超过{MAX_CELL}个字符"),
            RowRefusal::Malformed => "不是有效的CSV行".into(),
        }
    }
}

/// Why the whole file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("file of {size} bytes over {max}")]
    TooLarge { size: usize, max: usize },
    #[error("file is not UTF-8")]
    NotUtf8,
    #[error("header lacks {0}")]
    Header(String),
    #[error(transparent)]
    Server(#[from] ServerError),
}

impl ImportError {
    pub fn message_zh(&self) -> String {
        match self {
            ImportError::TooLarge { size, max } => {
                format!("文件大小{size}字节，超过上限{max}字节")
            }
            ImportError::NotUtf8 => "文件不是UTF-8编码".into(),
            ImportError::Header(missing) => {
                format!("表头缺少“{missing}”列（应为：{}）", HEADERS.join(","))
            }
            ImportError::Server(_) => "服务器内部错误，请稍后再试".into(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Refused {
    /// The line of the file (the header is line 1).
    pub line: u64,
    pub refusal: RowRefusal,
    pub message: String,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// New results (no result held for that case and kind).
    pub imported: usize,
    /// Later results that replaced the one held.
    pub replaced: usize,
    /// The same result as held, or an earlier one: nothing changed.
    pub unchanged: usize,
    pub refused: Vec<Refused>,
    /// Case numbers of imported rows the index does not (yet) know.
    pub unknown_cases: Vec<String>,
}

/// The rows of a file and the refused lines, or the whole file's refusal.
pub fn parse(
    bytes: &[u8],
    today: NaiveDate,
) -> Result<(Vec<OutcomeRow>, Vec<Refused>), ImportError> {
    if bytes.len() > MAX_BYTES {
        return Err(ImportError::TooLarge {
            size: bytes.len(),
            max: MAX_BYTES,
        });
    }
    let text = std::str::from_utf8(bytes).map_err(|_| ImportError::NotUtf8)?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = reader
        .headers()
        .map_err(|_| ImportError::Header(HEADERS[0].into()))?
        .clone();
    let mut columns = [0usize; 5];
    for (slot, name) in columns.iter_mut().zip(HEADERS) {
        *slot = header
            .iter()
            .position(|h| h.trim() == name)
            .ok_or_else(|| ImportError::Header(name.into()))?;
    }
    let (mut rows, mut refused) = (Vec::new(), Vec::new());
    for (index, record) in reader.records().enumerate() {
        let fallback = index as u64 + 2;
        let parsed = match record {
            Ok(record) => {
                let line = record.position().map_or(fallback, |p| p.line());
                (line, row(&record, header.len(), &columns, today))
            }
            Err(error) => (
                error.position().map_or(fallback, |p| p.line()),
                Err(RowRefusal::Malformed),
            ),
        };
        match parsed {
            (_, Ok(Some(outcome))) => rows.push(outcome),
            (_, Ok(None)) => {}
            (line, Err(refusal)) => refused.push(Refused {
                line,
                message: refusal.message_zh(),
                refusal,
            }),
        }
    }
    Ok((rows, refused))
}

/// One record read; None for a blank line.
fn row(
    record: &csv::StringRecord,
    width: usize,
    columns: &[usize; 5],
    today: NaiveDate,
) -> Result<Option<OutcomeRow>, RowRefusal> {
    if record.iter().all(|cell| cell.trim().is_empty()) {
        return Ok(None);
    }
    if record.len() != width {
        return Err(RowRefusal::Columns {
            found: record.len(),
            expected: width,
        });
    }
    let cell = |i: usize| -> Result<String, RowRefusal> {
        let value = record.get(columns[i]).unwrap_or("").trim();
        if value.chars().count() > MAX_CELL {
            return Err(RowRefusal::TooLong {
                column: HEADERS[i].into(),
            });
        }
        Ok(value.to_owned())
    };
    let case_number = cell(0)?;
    if case_number.is_empty() {
        return Err(RowRefusal::NoCaseNumber);
    }
    let kind = cell(1)?;
    let kind = kind_of(&kind).ok_or(RowRefusal::UnknownKind { value: kind })?;
    let result = cell(2)?;
    let result = result_of(&result).ok_or(RowRefusal::UnknownResult { value: result })?;
    let date = cell(3)?;
    let decided_on = date_of(&date).ok_or_else(|| RowRefusal::BadDate {
        value: date.clone(),
    })?;
    if decided_on > today {
        return Err(RowRefusal::FutureDate { value: date });
    }
    Ok(Some(OutcomeRow {
        case_number,
        kind,
        result,
        decided_on,
        source: cell(4)?,
    }))
}

fn kind_of(text: &str) -> Option<&'static str> {
    match text {
        "复议" | "行政复议" => Some("reconsideration"),
        "诉讼" | "行政诉讼" => Some("litigation"),
        _ => None,
    }
}

fn result_of(text: &str) -> Option<&'static str> {
    match text {
        "维持" | "驳回" => Some("upheld"),
        "变更" => Some("corrected"),
        "撤销" | "部分撤销" => Some("revoked"),
        "确认违法" | "确认无效" => Some("confirmed_illegal"),
        "撤回" | "终止" => Some("withdrawn"),
        _ => None,
    }
}

fn date_of(text: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d")
        .or_else(|_| NaiveDate::parse_from_str(text, "%Y/%m/%d"))
        .ok()
}

/// Imports a file in one transaction: its good rows applied, its bad rows reported.
pub fn import(db: &dyn Database, bytes: &[u8]) -> Result<ImportReport, ImportError> {
    let (rows, refused) = parse(bytes, beijing_date(Utc::now()))?;
    let now = Utc::now().timestamp_millis();
    let mut report = transaction(db, |tx| {
        let mut report = ImportReport::default();
        let mut unknown = BTreeSet::new();
        for row in &rows {
            let held = tx.query_opt(
                "SELECT result, decided_on, source FROM sv_outcome WHERE case_number = $1 AND kind = $2",
                &[(&row.case_number).into(), row.kind.into()],
            )?;
            let date = row.decided_on.to_string();
            match held {
                Some(held) => {
                    let same = held.text(0)? == row.result
                        && held.text(1)? == date
                        && held.text(2)? == row.source;
                    if same || held.text(1)? > date {
                        report.unchanged += 1;
                        continue;
                    }
                    report.replaced += 1;
                }
                None => report.imported += 1,
            }
            tx.execute(
                "INSERT INTO sv_outcome (case_number, kind, result, decided_on, source, imported_at)
                 VALUES ($1, $2, $3, $4, $5, $6)
                 ON CONFLICT (case_number, kind) DO UPDATE SET result = excluded.result,
                     decided_on = excluded.decided_on, source = excluded.source,
                     imported_at = excluded.imported_at",
                &[
                    (&row.case_number).into(),
                    row.kind.into(),
                    row.result.into(),
                    date.into(),
                    (&row.source).into(),
                    now.into(),
                ],
            )?;
            let known = tx
                .query_opt(
                    "SELECT doc_id FROM sv_case WHERE case_number = $1",
                    &[(&row.case_number).into()],
                )?
                .is_some();
            if !known {
                unknown.insert(row.case_number.clone());
            }
        }
        report.unknown_cases = unknown.into_iter().collect();
        Ok(report)
    })?;
    report.refused = refused;
    Ok(report)
}
