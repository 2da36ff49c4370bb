//! The one page layout every document prints in (GB/T 9704 on A4), and the pieces every
//! document writes the same way: escaped text, blanks to fill in by hand, dates and Beijing
//! times as a person writes them.

use chrono::{DateTime, NaiveDate, NaiveDateTime, TimeZone, Utc};

use crate::calendar::beijing;

use crate::texts::documents as text;

/// GB/T 9704-2012 on A4: top margin 37 mm, binding edge 28 mm, a 156 × 225 mm text block (so
/// 26 mm right, 35 mm bottom); body 3号仿宋 (16 pt) at 22 lines a page, titles 2号小标宋
/// (22 pt). The customary faces first, then the free Noto Serif CJK SC (Debian's
/// fonts-noto-cjk), so the page prints the same anywhere.
pub const PAGE_CSS: &str = "\
@page{size:A4;margin:37mm 26mm 35mm 28mm}\
html{-webkit-print-color-adjust:exact}\
body{margin:0;font-family:FangSong,'仿宋','仿宋_GB2312',STFangsong,'Noto Serif CJK SC','Noto Serif CJK',serif;\
font-size:16pt;line-height:28.5pt;color:#000}\
@media screen{body{width:156mm;margin:12mm auto;padding:0 4mm}}\
h1{font-family:'方正小标宋简体','FZXiaoBiaoSong-B05S','小标宋',STZhongsong,'Noto Serif CJK SC','Noto Serif CJK',serif;\
font-size:22pt;line-height:36pt;font-weight:bold;text-align:center;margin:0 0 14pt}\
h1 .agency{display:block;font-size:22pt}\
h2{font-size:16pt;font-family:SimHei,'黑体',STHeiti,'Noto Sans CJK SC',sans-serif;font-weight:normal;margin:8pt 0 0}\
p{margin:0;text-indent:2em;text-align:justify}\
p.flat,p.number,p.seal,p.date{text-indent:0}\
p.number{text-align:right;margin-bottom:8pt}\
p.seal,p.date{text-align:right;padding-right:2em}\
p.seal{margin-top:28pt}\
ol{margin:0;padding-left:3em}\
table{width:100%;border-collapse:collapse;margin:6pt 0;font-size:14pt;line-height:22pt}\
th,td{border:1px solid #000;padding:3pt 5pt;vertical-align:top;text-align:left}\
th{white-space:nowrap;font-weight:normal;width:7em}\
.fill{display:inline-block;min-width:7em;border-bottom:1px solid #000;height:1.1em;vertical-align:bottom}\
.sign{margin-top:14pt;text-indent:0}";

/// One printed document: the agency's name above the title, then the body (which ends with
/// the seal and date where the document carries them).
pub fn page(agency: &str, title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{title}</title>\
         <style>{PAGE_CSS}</style></head><body><h1><span class=\"agency\">{agency}</span>{title}</h1>\
         {body}</body></html>"
    )
}

/// The seal placeholder and the date, bottom right (Art. 59: the agency's name, seal, date).
pub fn seal(name: &str, date: NaiveDate) -> String {
    format!(
        "<p class=\"seal\">{}{}</p><p class=\"date\">{}</p>",
        esc(name),
        text::SEAL,
        written_date(date)
    )
}

/// A date as a person writes it on a document: 2026年12月1日, without padding zeros.
pub fn written_date(date: NaiveDate) -> String {
    date.format("%Y年%-m月%-d日").to_string()
}

/// An instant as a person in Beijing reads it: 2026年12月1日10时05分.
pub fn beijing_time(at: DateTime<Utc>) -> String {
    at.with_timezone(&beijing())
        .format("%Y年%-m月%-d日%H时%M分")
        .to_string()
}

/// A time as stored or typed: an RFC 3339 instant is shown in Beijing time; a local date and
/// time as typed on the device (which works in Beijing time) is written out the same way;
/// anything else is printed as typed, escaped.
pub fn reading_time(typed: &str) -> String {
    let typed = typed.trim();
    if let Ok(at) = DateTime::parse_from_rfc3339(typed) {
        return beijing_time(at.with_timezone(&Utc));
    }
    for format in [
        "%Y-%m-%d %H:%M:%S",
        "%Y-%m-%d %H:%M",
        "%Y-%m-%dT%H:%M:%S",
        "%Y-%m-%dT%H:%M",
    ] {
        if let Ok(local) = NaiveDateTime::parse_from_str(typed, format) {
            if let Some(at) = beijing().from_local_datetime(&local).single() {
                return beijing_time(at.with_timezone(&Utc));
            }
        }
    }
    if let Ok(date) = NaiveDate::parse_from_str(typed, "%Y-%m-%d") {
        return written_date(date);
    }
    esc(typed)
}

/// A blank line to fill in by hand.
pub fn blank() -> &'static str {
    "<span class=\"fill\"></span>"
}

/// `value` escaped, or a blank where the case does not say.
pub fn or_blank(value: &str) -> String {
    if value.trim().is_empty() {
        blank().into()
    } else {
        esc(value)
    }
}

/// A labelled line: 当事人：张某.
pub fn line(label: &str, value: &str) -> String {
    format!("<p class=\"flat\">{label}：{value}</p>")
}

/// A two-column table of labelled rows (the forms: 审批表, 笔录 heads, 回证).
pub fn table(rows: &[(&str, String)]) -> String {
    let rows: String = rows
        .iter()
        .map(|(label, value)| format!("<tr><th>{label}</th><td>{value}</td></tr>"))
        .collect();
    format!("<table>{rows}</table>")
}

/// A paragraph of typed text: escaped, its line breaks kept.
pub fn typed_paragraphs(typed: &str) -> String {
    typed
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("<p>{}</p>", esc(l.trim())))
        .collect()
}

/// HTML-escapes text from the case or the catalogue.
pub fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_written_without_padding_zeros() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        assert_eq!(written_date(day(2026, 12, 1)), "2026年12月1日");
        assert_eq!(written_date(day(2027, 1, 9)), "2027年1月9日");
        assert_eq!(written_date(day(2026, 10, 31)), "2026年10月31日");
    }

    #[test]
    fn times_are_read_in_beijing() {
        // 16:30 UTC on 30 November is half past midnight on 1 December in Beijing.
        assert_eq!(
            reading_time("2026-11-30T16:30:00+00:00"),
            "2026年12月1日00时30分"
        );
        assert_eq!(
            reading_time("2026-11-30T15:59:00Z"),
            "2026年11月30日23时59分"
        );
        // Typed on the device: already Beijing time.
        assert_eq!(reading_time("2026-12-01 09:05"), "2026年12月1日09时05分");
        assert_eq!(reading_time("2026-12-01"), "2026年12月1日");
        assert_eq!(reading_time("上午<九时>"), "上午&lt;九时&gt;");
    }
}
