//! The 行政执法监督意见书: the supervision opinion a resolved warning ends with, printed like
//! the case documents (`zhifa_core::documents`: GB/T 9704 on A4, the same CSS, dates written
//! as a person writes them): the bureau above the title, the number, the body addressed,
//! the facts the warning found, the opinion, the request to report back, seal and date.
//! Every value from a warning, a rule or a supervisor is escaped.

use chrono::{DateTime, Utc};
use zhifa_core::calendar::beijing_date;
use zhifa_core::documents::{written_date, PAGE_CSS};

use super::lifecycle::WarningError;
use super::rules::Rules;
use super::store::{get, steps};
use super::Warning;
use crate::catalogue::CatalogueStore;
use crate::error::ServerError;
use crate::storage::Tx;
use crate::supervision::Scope;

pub const TITLE: &str = "行政执法监督意见书";

/// Who the opinion is from and to, as printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Letterhead {
    /// The supervising bureau (重庆市渝中区司法局).
    pub bureau: String,
    /// The body addressed, by name.
    pub addressee: String,
}

impl Letterhead {
    /// The body's name from the catalogue (its id where the catalogue lacks it).
    pub fn for_warning(
        catalogue: &CatalogueStore,
        warning: &Warning,
        bureau: &str,
    ) -> Result<Letterhead, ServerError> {
        let addressee = catalogue
            .body(&warning.body)?
            .map(|b| b.name)
            .unwrap_or_else(|| warning.body.clone());
        Ok(Letterhead {
            bureau: bureau.to_owned(),
            addressee,
        })
    }
}

/// The opinion of resolved warning `id` inside `scope`, addressed to the body by its id and
/// signed by the supervising organ without its name (`opinion_html_with` prints names).
pub fn opinion_html(tx: &mut dyn Tx, scope: &Scope, id: &str) -> Result<String, WarningError> {
    let warning = get(tx, scope, id)?.ok_or(WarningError::NotFound)?;
    let letterhead = Letterhead {
        bureau: "司法行政机关（行政执法监督）".into(),
        addressee: warning.body.clone(),
    };
    opinion_html_with(tx, scope, id, &letterhead)
}

/// The opinion with the names given.
pub fn opinion_html_with(
    tx: &mut dyn Tx,
    scope: &Scope,
    id: &str,
    letterhead: &Letterhead,
) -> Result<String, WarningError> {
    let warning = get(tx, scope, id)?.ok_or(WarningError::NotFound)?;
    let resolution = steps(tx, scope, id)?
        .into_iter()
        .rev()
        .find(|s| s.to_status == "resolved");
    let Some(resolution) = resolution.filter(|_| warning.status == "resolved") else {
        return Err(WarningError::NotAllowed {
            status: warning.status,
            action: "出具监督意见书",
        });
    };
    let rules = Rules::builtin();
    let rule_name = rules
        .get(&warning.rule)
        .map(|r| r.name.clone())
        .unwrap_or_else(|| warning.rule.clone());
    let day = DateTime::<Utc>::from_timestamp(resolution.at_time, 0)
        .map(beijing_date)
        .unwrap_or_else(|| beijing_date(Utc::now()));
    let number = format!(
        "监督意见〔{}〕{}号",
        day.format("%Y"),
        warning.id.trim_start_matches("w-")
    );
    let cases = if warning.cases.is_empty() {
        String::new()
    } else {
        format!(
            "<p>涉及案卷（文书编号）：{}。</p>",
            esc(&warning.cases.join("、"))
        )
    };
    let opinion: String = resolution
        .note
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| format!("<p>{}</p>", esc(l.trim())))
        .collect();
    let body = format!(
        "<p class=\"number\">{number}</p>\
         <p class=\"flat\">{addressee}：</p>\
         <p>本机关在行政执法监督中，根据执法数据发现你单位存在以下情况（预警编号 {id}，预警类型：{rule}，统计期间：{period}）：</p>\
         <p>{why}。</p>{cases}\
         <h2>监督意见</h2>{opinion}\
         <p>请你单位自收到本意见书之日起三十日内，将核查、整改情况书面报告本机关。</p>\
         <p class=\"seal\">{bureau}（印章）</p><p class=\"date\">{date}</p>",
        number = esc(&number),
        addressee = esc(&letterhead.addressee),
        id = esc(&warning.id),
        rule = esc(&rule_name),
        period = esc(&warning.period),
        why = esc(&warning.why),
        bureau = esc(&letterhead.bureau),
        date = written_date(day),
    );
    Ok(format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{TITLE}</title>\
         <style>{PAGE_CSS}</style></head><body><h1><span class=\"agency\">{}</span>{TITLE}</h1>\
         {body}</body></html>",
        esc(&letterhead.bureau)
    ))
}

/// HTML-escapes text, as the case documents do.
fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}
