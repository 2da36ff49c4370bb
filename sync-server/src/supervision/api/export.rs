//! Exports as a spreadsheet user opens them: CSV (UTF-8 with a BOM, so Excel reads the
//! Chinese right) and .xlsx, with zh-CN headers. A text cell that a spreadsheet would read as
//! a formula (starting with = + - @, or a tab or carriage return) is written with a leading
//! apostrophe in CSV; .xlsx cells are typed strings, never formulas. Sizes are bounded by
//! `MAX_ROWS`: a larger export is refused, to be narrowed by its filters.

use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};

use super::reply::Refused;
use crate::storage::Value;

/// Rows one export may hold.
pub const MAX_ROWS: usize = 50_000;

/// One sheet: its name, zh-CN headers and rows.
pub struct Table {
    pub sheet_zh: String,
    pub headers: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

/// One cell: a number stays a number in .xlsx.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    Int(i64),
    Float(f64),
    Text(String),
    Empty,
}

impl From<Value> for Cell {
    fn from(value: Value) -> Cell {
        match value {
            Value::Int(v) => Cell::Int(v),
            Value::Text(v) => Cell::Text(v),
            Value::Bytes(v) => Cell::Text(hex::encode(v)),
            Value::Null => Cell::Empty,
        }
    }
}

impl From<Option<f64>> for Cell {
    fn from(value: Option<f64>) -> Cell {
        value.map_or(Cell::Empty, Cell::Float)
    }
}

impl From<String> for Cell {
    fn from(value: String) -> Cell {
        Cell::Text(value)
    }
}

impl From<&str> for Cell {
    fn from(value: &str) -> Cell {
        Cell::Text(value.to_owned())
    }
}

impl From<i64> for Cell {
    fn from(value: i64) -> Cell {
        Cell::Int(value)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

impl Format {
    /// The format and the export's name from a file name such as `cases.csv`.
    pub fn split(file: &str) -> Option<(&str, Format)> {
        if let Some(name) = file.strip_suffix(".csv") {
            Some((name, Format::Csv))
        } else {
            file.strip_suffix(".xlsx").map(|name| (name, Format::Xlsx))
        }
    }
}

/// Refuses an export over `MAX_ROWS` before it is built.
pub fn check_size(rows: usize) -> Result<(), Refused> {
    if rows > MAX_ROWS {
        return Err(Refused::bad_request(format!(
            "导出共 {rows} 行，超过上限 {MAX_ROWS} 行，请缩小筛选范围后重试"
        )));
    }
    Ok(())
}

/// A text cell as CSV writes it: a would-be formula made plain text.
pub fn safe_text(text: &str) -> std::borrow::Cow<'_, str> {
    match text.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{text}").into(),
        _ => text.into(),
    }
}

fn csv_cell(cell: &Cell) -> String {
    match cell {
        Cell::Int(v) => v.to_string(),
        Cell::Float(v) => v.to_string(),
        Cell::Text(v) => safe_text(v).into_owned(),
        Cell::Empty => String::new(),
    }
}

/// The table as CSV bytes: a BOM, the headers, the rows.
pub fn csv_bytes(table: &Table) -> Result<Vec<u8>, Refused> {
    let mut out = b"\xEF\xBB\xBF".to_vec();
    {
        let mut writer = csv::Writer::from_writer(&mut out);
        let failed = |_| Refused::bad_request("导出失败");
        let headers: Vec<std::borrow::Cow<str>> =
            table.headers.iter().map(|h| safe_text(h)).collect();
        writer
            .write_record(headers.iter().map(|h| h.as_ref()))
            .map_err(failed)?;
        for row in &table.rows {
            writer
                .write_record(row.iter().map(csv_cell))
                .map_err(failed)?;
        }
        writer
            .flush()
            .map_err(|_| Refused::bad_request("导出失败"))?;
    }
    Ok(out)
}

/// The table as an .xlsx workbook of one sheet: bold headers, numbers as numbers.
pub fn xlsx_bytes(table: &Table) -> Result<Vec<u8>, Refused> {
    use rust_xlsxwriter::{Format as CellFormat, Workbook};
    let failed = |error: rust_xlsxwriter::XlsxError| {
        tracing::error!(error = %error, "xlsx export failed");
        Refused::new(
            zhifa_core::sync::protocol::ErrorCode::Internal,
            "导出 Excel 文件失败",
        )
    };
    let mut workbook = Workbook::new();
    let bold = CellFormat::new().set_bold();
    let sheet = workbook.add_worksheet();
    sheet
        .set_name(sheet_name(&table.sheet_zh))
        .map_err(failed)?;
    for (col, header) in table.headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, col as u16, header, &bold)
            .map_err(failed)?;
    }
    for (i, row) in table.rows.iter().enumerate() {
        let r = (i + 1) as u32;
        for (col, value) in row.iter().enumerate() {
            let col = col as u16;
            match value {
                Cell::Int(v) => sheet.write_number(r, col, *v as f64).map(|_| ()),
                Cell::Float(v) => sheet.write_number(r, col, *v).map(|_| ()),
                Cell::Text(v) => sheet.write_string(r, col, v).map(|_| ()),
                Cell::Empty => Ok(()),
            }
            .map_err(failed)?;
        }
    }
    workbook.save_to_buffer().map_err(failed)
}

/// Excel's sheet names: at most 31 characters, none of `[]:*?/\`.
fn sheet_name(name: &str) -> String {
    let clean: String = name
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect();
    if clean.is_empty() {
        "Sheet1".to_owned()
    } else {
        clean
    }
}

/// The table as a download named `name` (ASCII) in `format`.
pub fn download(table: &Table, name: &str, format: Format) -> Result<Response, Refused> {
    check_size(table.rows.len())?;
    let (bytes, content_type, extension) = match format {
        Format::Csv => (csv_bytes(table)?, "text/csv; charset=utf-8", "csv"),
        Format::Xlsx => (
            xlsx_bytes(table)?,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "xlsx",
        ),
    };
    let mut response = bytes.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    let disposition = format!("attachment; filename=\"{name}.{extension}\"");
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        headers.insert(header::CONTENT_DISPOSITION, value);
    }
    Ok(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn would_be_formulas_are_made_text_and_others_left_alone() {
        assert_eq!(safe_text("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(safe_text("+1"), "'+1");
        assert_eq!(safe_text("-2"), "'-2");
        assert_eq!(safe_text("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(safe_text("渝城管罚〔2026〕1号"), "渝城管罚〔2026〕1号");
        assert_eq!(safe_text(""), "");
    }

    #[test]
    fn csv_starts_with_a_bom_and_keeps_numbers_as_numbers() {
        let table = Table {
            sheet_zh: "案件".into(),
            headers: vec!["案号".into(), "罚款（元）".into()],
            rows: vec![vec![Cell::Text("=1+1".into()), Cell::Int(-5)]],
        };
        let bytes = csv_bytes(&table).unwrap();
        assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
        let text = String::from_utf8(bytes[3..].to_vec()).unwrap();
        assert_eq!(text, "案号,罚款（元）\n'=1+1,-5\n");
        let xlsx = xlsx_bytes(&table).unwrap();
        assert!(xlsx.starts_with(b"PK"));
        assert!(check_size(MAX_ROWS + 1).is_err());
    }
}
