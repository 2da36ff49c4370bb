//! Baseline rows as legal departments author them in a spreadsheet, saved as CSV (UTF-8,
//! header row). The layout is documented in docs/BASELINES.md. Import is all or nothing: every
//! bad line is reported with its number and reason, and nothing is imported.

use super::condition::Condition;
use super::model::{
    BaseAmount, BaselineDocument, BaselineRow, Fine, FlexibleMeasure, Output, PenaltyKind, Tier,
    Violation, YuanRange,
};
use crate::texts::discretion as text;

pub const COLUMNS: [&str; 23] = [
    "document",
    "row_id",
    "violation",
    "tier",
    "label",
    "condition",
    "warning",
    "fine_form",
    "fine_min",
    "fine_max",
    "base",
    "factor_min",
    "factor_max",
    "percent_min",
    "percent_max",
    "threshold",
    "no_base_min",
    "no_base_max",
    "confiscate_gains",
    "confiscate_property",
    "other",
    "legal_review",
    "collective_decision",
];

/// Columns an older file may lack: read as empty.
pub const OPTIONAL_COLUMNS: [&str; 1] = [
    // 柔性执法 measures of the row, separated by ; (说服教育;提醒告诫;责令改正).
    "flexible",
];

/// One bad line of an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvProblem {
    /// 1-based, counting the header as line 1.
    pub line: usize,
    /// zh-CN, for the author.
    pub reason: String,
}

/// Replaces the rows of every document the CSV names with the CSV's rows.
pub fn import_rows(
    csv_text: &str,
    documents: &[BaselineDocument],
    violations: &[Violation],
) -> Result<Vec<BaselineDocument>, Vec<CsvProblem>> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .from_reader(csv_text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(str::to_owned).collect(),
        Err(_) => {
            return Err(vec![CsvProblem {
                line: 1,
                reason: text::CSV_UNREADABLE.into(),
            }])
        }
    };
    if let Some(missing) = COLUMNS.iter().find(|c| !header.iter().any(|h| h == *c)) {
        return Err(vec![CsvProblem {
            line: 1,
            reason: text::csv_missing_column(missing),
        }]);
    }
    let column = |name: &str| header.iter().position(|h| h == name);

    let mut problems = Vec::new();
    let mut rows: Vec<(String, BaselineRow, usize)> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for (index, record) in reader.records().enumerate() {
        let line = index + 2;
        let record = match record {
            Ok(record) => record,
            Err(_) => {
                problems.push(CsvProblem {
                    line,
                    reason: text::CSV_UNREADABLE.into(),
                });
                continue;
            }
        };
        let get = |name: &str| {
            column(name)
                .and_then(|i| record.get(i))
                .unwrap_or("")
                .to_owned()
        };
        match parse_row(&get, documents, violations) {
            Ok((document, row)) => {
                if !seen.insert(row.id.clone()) {
                    problems.push(CsvProblem {
                        line,
                        reason: text::csv_duplicate_row(&row.id),
                    });
                } else {
                    rows.push((document, row, line));
                }
            }
            Err(reason) => problems.push(CsvProblem { line, reason }),
        }
    }
    // The documents the CSV does not name keep their rows: an id they hold is taken, or the
    // catalogue would hold it twice (and the next export would not import again).
    let kept: std::collections::HashSet<&str> = documents
        .iter()
        .filter(|d| !rows.iter().any(|(named, _, _)| named == &d.id))
        .flat_map(|d| d.rows.iter().map(|r| r.id.as_str()))
        .collect();
    for (_, row, line) in &rows {
        if kept.contains(row.id.as_str()) {
            problems.push(CsvProblem {
                line: *line,
                reason: text::csv_duplicate_row(&row.id),
            });
        }
    }
    if !problems.is_empty() {
        return Err(problems);
    }
    let mut updated = documents.to_vec();
    for document in &mut updated {
        if rows.iter().any(|(d, _, _)| d == &document.id) {
            document.rows = rows
                .iter()
                .filter(|(d, _, _)| d == &document.id)
                .map(|(_, r, _)| r.clone())
                .collect();
        }
    }
    Ok(updated)
}

fn parse_row(
    get: &dyn Fn(&str) -> String,
    documents: &[BaselineDocument],
    violations: &[Violation],
) -> Result<(String, BaselineRow), String> {
    let document = get("document");
    if !documents.iter().any(|d| d.id == document) {
        return Err(text::csv_unknown_document(&document));
    }
    let violation = get("violation");
    if !violations.iter().any(|v| v.code == violation) {
        return Err(text::csv_unknown_violation(&violation));
    }
    let id = get("row_id");
    if id.is_empty() {
        return Err(text::csv_empty("row_id"));
    }
    let condition = get("condition");
    Condition::parse(&condition).map_err(|e| text::csv_bad_condition(&e.to_string()))?;
    let tier = parse_tier(&get("tier"))?;
    let yuan = |name: &str| -> Result<i64, String> {
        let raw = get(name).replace([',', '，', ' '], "");
        raw.parse::<i64>()
            .ok()
            .filter(|v| *v >= 0)
            .ok_or_else(|| text::csv_bad_number(name, &raw))
    };
    let milli = |name: &str| {
        decimal(&get(name), 1000).ok_or_else(|| text::csv_bad_number(name, &get(name)))
    };
    let bp = |name: &str| {
        decimal(get(name).trim_end_matches('%'), 100)
            .ok_or_else(|| text::csv_bad_number(name, &get(name)))
    };
    let base = || parse_base(&get("base"));
    // Every amount column holds a number or nothing, whether this row's form reads it or not:
    // a typo in an unused column is still a typo the legal department must see.
    let filled = |name: &str| !get(name).trim().is_empty();
    for name in [
        "fine_min",
        "fine_max",
        "threshold",
        "no_base_min",
        "no_base_max",
    ] {
        if filled(name) {
            yuan(name)?;
        }
    }
    for name in ["factor_min", "factor_max"] {
        if filled(name) {
            milli(name)?;
        }
    }
    for name in ["percent_min", "percent_max"] {
        if filled(name) {
            bp(name)?;
        }
    }
    let fine = match get("fine_form").as_str() {
        "" | "none" => Fine::None,
        "range" => Fine::Range {
            min: yuan("fine_min")?,
            max: yuan("fine_max")?,
        },
        "max" => Fine::MaxOnly {
            max: yuan("fine_max")?,
        },
        "fixed" => Fine::Fixed {
            amount: yuan("fine_min")?,
        },
        "multiple" => Fine::Multiple {
            base: base()?,
            min_milli: milli("factor_min")?,
            max_milli: milli("factor_max")?,
            if_no_base: if get("no_base_min").is_empty() && get("no_base_max").is_empty() {
                None
            } else {
                Some(YuanRange {
                    min: yuan("no_base_min")?,
                    max: yuan("no_base_max")?,
                })
            },
        },
        "percent" => Fine::Percent {
            base: base()?,
            min_bp: bp("percent_min")?,
            max_bp: bp("percent_max")?,
        },
        "switch" => Fine::Switch {
            base: base()?,
            threshold: yuan("threshold")?,
            below: YuanRange {
                min: yuan("fine_min")?,
                max: yuan("fine_max")?,
            },
            min_milli: milli("factor_min")?,
            max_milli: milli("factor_max")?,
        },
        other => return Err(text::csv_bad_value("fine_form", other)),
    };
    if let Some(range) = fine.resolve(Some(1_000_000)) {
        if range.min > range.max {
            return Err(text::CSV_MIN_ABOVE_MAX.into());
        }
    }
    let other = get("other")
        .split([';', '；'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(parse_kind)
        .collect::<Result<Vec<_>, _>>()?;
    let row = BaselineRow {
        id,
        violation,
        tier,
        label: get("label"),
        condition,
        output: Output {
            warning: parse_bool(&get("warning"))?,
            fine,
            confiscate_gains: parse_bool(&get("confiscate_gains"))?,
            confiscate_property: parse_bool(&get("confiscate_property"))?,
            other,
        },
        legal_review: parse_bool(&get("legal_review"))?,
        collective_decision: parse_bool(&get("collective_decision"))?,
        flexible: get("flexible")
            .split([';', '；'])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(parse_measure)
            .collect::<Result<Vec<_>, _>>()?,
    };
    Ok((document, row))
}

/// Writes every row of `documents` in the import layout.
pub fn export_rows(documents: &[BaselineDocument]) -> String {
    let mut writer = csv::Writer::from_writer(Vec::new());
    let columns: Vec<&str> = COLUMNS.iter().chain(&OPTIONAL_COLUMNS).copied().collect();
    writer.write_record(&columns).expect("writing to memory");
    for document in documents {
        for row in &document.rows {
            let o = &row.output;
            let mut cells: Vec<String> = vec![String::new(); columns.len()];
            let mut set = |name: &str, value: String| {
                cells[columns
                    .iter()
                    .position(|c| *c == name)
                    .expect("known column")] = value;
            };
            set("document", document.id.clone());
            set("row_id", row.id.clone());
            set("violation", row.violation.clone());
            set("tier", tier_word(row.tier).into());
            set("label", row.label.clone());
            set("condition", row.condition.clone());
            set("warning", yes_no(o.warning));
            set("confiscate_gains", yes_no(o.confiscate_gains));
            set("confiscate_property", yes_no(o.confiscate_property));
            set("legal_review", yes_no(row.legal_review));
            set("collective_decision", yes_no(row.collective_decision));
            set(
                "flexible",
                row.flexible
                    .iter()
                    .map(|m| m.name_zh())
                    .collect::<Vec<_>>()
                    .join(";"),
            );
            set(
                "other",
                o.other
                    .iter()
                    .map(|k| k.name_zh())
                    .collect::<Vec<_>>()
                    .join(";"),
            );
            match o.fine {
                Fine::None => set("fine_form", "none".into()),
                Fine::Range { min, max } => {
                    set("fine_form", "range".into());
                    set("fine_min", min.to_string());
                    set("fine_max", max.to_string());
                }
                Fine::MaxOnly { max } => {
                    set("fine_form", "max".into());
                    set("fine_max", max.to_string());
                }
                Fine::Fixed { amount } => {
                    set("fine_form", "fixed".into());
                    set("fine_min", amount.to_string());
                }
                Fine::Multiple {
                    base,
                    min_milli,
                    max_milli,
                    if_no_base,
                } => {
                    set("fine_form", "multiple".into());
                    set("base", base_word(base).into());
                    set("factor_min", thousandths(min_milli));
                    set("factor_max", thousandths(max_milli));
                    if let Some(r) = if_no_base {
                        set("no_base_min", r.min.to_string());
                        set("no_base_max", r.max.to_string());
                    }
                }
                Fine::Percent {
                    base,
                    min_bp,
                    max_bp,
                } => {
                    set("fine_form", "percent".into());
                    set("base", base_word(base).into());
                    set("percent_min", hundredths(min_bp));
                    set("percent_max", hundredths(max_bp));
                }
                Fine::Switch {
                    base,
                    threshold,
                    below,
                    min_milli,
                    max_milli,
                } => {
                    set("fine_form", "switch".into());
                    set("base", base_word(base).into());
                    set("threshold", threshold.to_string());
                    set("fine_min", below.min.to_string());
                    set("fine_max", below.max.to_string());
                    set("factor_min", thousandths(min_milli));
                    set("factor_max", thousandths(max_milli));
                }
            }
            writer.write_record(&cells).expect("writing to memory");
        }
    }
    String::from_utf8(writer.into_inner().expect("writing to memory")).expect("CSV of UTF-8 text")
}

/// "1.5" at scale 1000 → 1500; exact, no floating point.
fn decimal(raw: &str, scale: u32) -> Option<u32> {
    let raw = raw.trim();
    let (whole, fraction) = raw.split_once('.').unwrap_or((raw, ""));
    let digits = scale.to_string().len() - 1;
    if whole.is_empty() || fraction.len() > digits || !fraction.chars().all(|c| c.is_ascii_digit())
    {
        return None;
    }
    let whole: u32 = whole.parse().ok()?;
    let fraction: u32 = if fraction.is_empty() {
        0
    } else {
        format!("{fraction:0<digits$}").parse().ok()?
    };
    whole.checked_mul(scale)?.checked_add(fraction)
}

fn thousandths(value: u32) -> String {
    trim_decimal(format!("{}.{:03}", value / 1000, value % 1000))
}

fn hundredths(value: u32) -> String {
    trim_decimal(format!("{}.{:02}", value / 100, value % 100))
}

fn trim_decimal(text: String) -> String {
    text.trim_end_matches('0').trim_end_matches('.').to_owned()
}

fn parse_bool(raw: &str) -> Result<bool, String> {
    match raw {
        "" | "否" | "false" | "0" | "no" => Ok(false),
        "是" | "true" | "1" | "yes" => Ok(true),
        other => Err(text::csv_bad_value("是/否", other)),
    }
}

fn yes_no(value: bool) -> String {
    if value {
        "是".into()
    } else {
        "否".into()
    }
}

const TIERS: [(Tier, &str, &str); 5] = [
    (Tier::NoPenalty, "不予处罚", "NoPenalty"),
    (Tier::Mitigated, "减轻", "Mitigated"),
    (Tier::Lighter, "从轻", "Lighter"),
    (Tier::General, "一般", "General"),
    (Tier::Heavier, "从重", "Heavier"),
];

fn parse_tier(raw: &str) -> Result<Tier, String> {
    TIERS
        .iter()
        .find(|(_, zh, en)| raw == *zh || raw == *en)
        .map(|(tier, _, _)| *tier)
        .ok_or_else(|| text::csv_bad_value("tier", raw))
}

fn tier_word(tier: Tier) -> &'static str {
    TIERS
        .iter()
        .find(|(t, _, _)| *t == tier)
        .map(|(_, zh, _)| *zh)
        .unwrap_or("一般")
}

const BASES: [(BaseAmount, &str); 4] = [
    (BaseAmount::IllegalGains, "illegal_gains"),
    (BaseAmount::GoodsValue, "goods_value"),
    (BaseAmount::InvestmentTotal, "investment_total"),
    (BaseAmount::AdSpend, "ad_spend"),
];

fn parse_base(raw: &str) -> Result<BaseAmount, String> {
    BASES
        .iter()
        .find(|(_, name)| *name == raw)
        .map(|(b, _)| *b)
        .ok_or_else(|| text::csv_bad_value("base", raw))
}

fn base_word(base: BaseAmount) -> &'static str {
    BASES
        .iter()
        .find(|(b, _)| *b == base)
        .map(|(_, name)| *name)
        .unwrap_or("illegal_gains")
}

fn parse_measure(raw: &str) -> Result<FlexibleMeasure, String> {
    [
        FlexibleMeasure::Persuasion,
        FlexibleMeasure::Reminder,
        FlexibleMeasure::OrderCorrection,
    ]
    .into_iter()
    .find(|m| m.name_zh() == raw || format!("{m:?}") == raw)
    .ok_or_else(|| text::csv_bad_value("flexible", raw))
}

fn parse_kind(raw: &str) -> Result<PenaltyKind, String> {
    PenaltyKind::ALL
        .into_iter()
        .find(|k| k.name_zh() == raw || format!("{k:?}") == raw)
        .ok_or_else(|| text::csv_bad_value("other", raw))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_are_exact() {
        assert_eq!(decimal("1", 1000), Some(1000));
        assert_eq!(decimal("1.5", 1000), Some(1500));
        assert_eq!(decimal("0.125", 1000), Some(125));
        assert_eq!(decimal("2.0", 100), Some(200));
        assert_eq!(decimal("3.55", 100), Some(355));
        assert_eq!(decimal("1.2345", 1000), None);
        assert_eq!(decimal("x", 1000), None);
        assert_eq!(decimal("-1", 1000), None);
        assert_eq!(thousandths(1500), "1.5");
        assert_eq!(hundredths(350), "3.5");
        assert_eq!(hundredths(200), "2");
    }
}
