//! The enterprise page's HTML, rendered on the server: the verdict reads with no script at
//! all, on a phone first. Its style sheet is inlined (one request on a slow network);
//! nothing is loaded from anywhere else.

use chrono::{DateTime, FixedOffset, Utc};
use zhifa_core::codes::CodeRefusal;
use zhifa_core::texts::codes::OFFICER_VERIFIED;

use super::check::{Checked, Verdict};
use super::texts as t;

const STYLE: &str = include_str!("../../../web/enterprise/enterprise.css");

/// Escapes text for HTML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// `2026年12月1日 14:05`, Beijing time.
pub fn beijing(at: i64) -> String {
    let at = DateTime::<Utc>::from_timestamp(at, 0).unwrap_or_default();
    let local = at.with_timezone(&FixedOffset::east_opt(8 * 3600).expect("UTC+8"));
    format!(
        "{} {}",
        zhifa_core::texts::cases::date_zh(local.date_naive()),
        local.format("%H:%M")
    )
}

fn shell(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <meta name=\"robots\" content=\"noindex\">\
         <title>{title} · {site}</title><style>{STYLE}</style></head>\
         <body><header><p class=\"site\">{site}</p><h1>{title}</h1></header>\
         <main>{body}</main>\
         <footer><p>{weaker}</p></footer></body></html>",
        title = escape(title),
        site = t::SITE,
        weaker = t::WEAKER_EVIDENCE,
    )
}

/// The verdict of a recorded check, with the feedback forms when the officer is known.
pub fn verdict(action: &str, checked: &Checked, notice: Option<&str>) -> String {
    let v = &checked.verdict;
    let mut body = String::new();
    if let Some(text) = notice {
        body.push_str(&format!(
            "<p class=\"notice done\" role=\"status\">{}</p>",
            escape(text)
        ));
    }
    body.push_str(&verdict_box(v));
    body.push_str(&enterprise_line(action, v));
    if v.officer.is_some() {
        body.push_str(&feedback_forms(action, checked));
    }
    shell(t::TITLE, &body)
}

fn verdict_box(v: &Verdict) -> String {
    let checked_at = format!(
        "<p class=\"when\">{}：{}（北京时间）</p>",
        t::CHECKED_AT,
        beijing(v.checked_at)
    );
    let (Some(officer), None) = (&v.officer, &v.refusal) else {
        let refusal = v
            .refusal
            .as_ref()
            .map_or(CodeRefusal::Replayed.message_zh(), |r| r.message_zh());
        let mut extra = String::new();
        if v.refusal == Some(CodeRefusal::Replayed) {
            extra.push_str(&format!("<p>{}</p>", t::REPLAY_EXPLAINED));
        }
        if matches!(
            v.refusal,
            Some(
                CodeRefusal::BadAgencySignature
                    | CodeRefusal::BadDeviceSignature
                    | CodeRefusal::UnknownKey
                    | CodeRefusal::Revoked
            )
        ) {
            extra.push_str(&format!("<p>{}</p>", t::FORGED_ADVICE));
        }
        return format!(
            "<section class=\"verdict refused\" data-verdict=\"{code}\"><h2>{heading}</h2>\
             <p class=\"reason\">{reason}</p>{extra}{checked_at}</section>",
            code = escape(&super::check::refusal_name(v.refusal.as_ref())),
            heading = t::REFUSED_HEADING,
            reason = escape(refusal),
        );
    };
    let items = if officer.items.is_empty() {
        format!("<li>{}</li>", t::ALL_ITEMS)
    } else {
        officer
            .items
            .iter()
            .map(|i| format!("<li>{}</li>", escape(i)))
            .collect()
    };
    let warnings: String = v
        .warnings
        .iter()
        .map(|w| format!("<p class=\"warning\">{}</p>", escape(w)))
        .collect();
    let premises = if v.enterprise.is_none() {
        format!("<p class=\"warning\">{}</p>", t::PREMISES_NOT_NAMED)
    } else {
        String::new()
    };
    format!(
        "<section class=\"verdict valid\" data-verdict=\"valid\"><h2>{heading}</h2>\
         <p class=\"reason\">{ok}</p><dl>\
         <dt>{l_name}</dt><dd class=\"officer-name\">{name}</dd>\
         <dt>{l_no}</dt><dd class=\"credential-no\">{no}</dd>\
         <dt>{l_body}</dt><dd>{body}</dd>\
         <dt>{l_items}</dt><dd><ul class=\"items\">{items}</ul></dd>\
         <dt>{l_until}</dt><dd>{until}（北京时间）</dd></dl>{warnings}{premises}{checked_at}</section>",
        heading = t::VALID_HEADING,
        ok = OFFICER_VERIFIED,
        l_name = t::OFFICER_NAME,
        name = escape(&officer.name),
        l_no = t::CREDENTIAL_NO,
        no = escape(&officer.credential_no),
        l_body = t::BODY,
        body = escape(&officer.body_name),
        l_items = t::ITEMS,
        l_until = t::VALID_UNTIL,
        until = beijing(officer.valid_until),
    )
}

fn enterprise_line(action: &str, v: &Verdict) -> String {
    match &v.enterprise {
        Some(e) => format!(
            "<section class=\"enterprise\"><p>{label}：{name}（{code}）</p>\
             <p><a href=\"{action}?change=1\">{change}</a></p></section>",
            label = t::CHECKED_FOR,
            name = escape(&e.name),
            code = escape(&e.credit_code),
            action = escape(action),
            change = t::CHANGE_ENTERPRISE,
        ),
        // Naming the premises matters only to a code that was accepted (its jurisdiction).
        None if v.refusal.is_none() => credit_code_form(action, None, ""),
        None => String::new(),
    }
}

/// The credit code form (GET to the page itself; remembered in a cookie once known).
fn credit_code_form(action: &str, error: Option<&str>, value: &str) -> String {
    let error = error.map_or(String::new(), |e| {
        format!(
            "<p class=\"notice refused\" role=\"alert\">{}</p>",
            escape(e)
        )
    });
    format!(
        "<form class=\"credit\" method=\"get\" action=\"{action}\">{error}\
         <label for=\"enterprise\">{label}</label>\
         <input id=\"enterprise\" name=\"enterprise\" value=\"{value}\" maxlength=\"18\" \
         autocomplete=\"off\" autocapitalize=\"characters\" required pattern=\"[0-9A-Za-z]{{18}}\">\
         <button type=\"submit\">{submit}</button></form>",
        action = escape(action),
        label = t::CREDIT_CODE_LABEL,
        value = escape(value),
        submit = t::CREDIT_CODE_SUBMIT,
    )
}

/// A bound code: ask for the enterprise's credit code first.
pub fn ask_credit_code(action: &str, error: Option<&str>, value: &str) -> String {
    let body = format!(
        "<section class=\"verdict pending\"><p>{}</p></section>{}",
        t::ASK_CREDIT_CODE,
        credit_code_form(action, error, value)
    );
    shell(t::TITLE, &body)
}

/// Not a readable code.
pub fn unreadable(refusal: &CodeRefusal) -> String {
    let body = format!(
        "<section class=\"verdict refused\" data-verdict=\"Malformed\"><h2>{}</h2>\
         <p class=\"reason\">{}</p></section>",
        t::UNREADABLE_HEADING,
        escape(refusal.message_zh())
    );
    shell(t::TITLE, &body)
}

/// A plain message (not found, too many requests, an error).
pub fn message(text: &str) -> String {
    shell(
        t::TITLE,
        &format!(
            "<section class=\"verdict refused\"><p class=\"reason\">{}</p></section>",
            escape(text)
        ),
    )
}

fn feedback_forms(action: &str, checked: &Checked) -> String {
    let scores: String = t::SCORES
        .iter()
        .enumerate()
        .rev()
        .map(|(i, label)| {
            format!(
                "<label class=\"score\"><input type=\"radio\" name=\"score\" value=\"{n}\" required> {n} {label}</label>",
                n = i + 1
            )
        })
        .collect();
    let hidden = format!(
        "<input type=\"hidden\" name=\"check\" value=\"{}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">",
        escape(&checked.id),
        escape(&checked.csrf)
    );
    let rating = if checked.verdict.refusal.is_none() {
        format!(
            "<form class=\"rating\" method=\"post\" action=\"{action}\"><h2>{heading}</h2>{hidden}\
             <input type=\"hidden\" name=\"kind\" value=\"rating\">\
             <fieldset><legend>{rate}</legend>{scores}</fieldset>\
             <label for=\"comment\">{comment}</label>\
             <textarea id=\"comment\" name=\"text\" maxlength=\"{max}\" rows=\"3\"></textarea>\
             <button type=\"submit\">{submit}</button></form>",
            action = escape(action),
            heading = t::RATE_HEADING,
            rate = t::RATE_LABEL,
            comment = t::COMMENT_LABEL,
            max = super::feedback::MAX_COMMENT,
            submit = t::RATE_SUBMIT,
        )
    } else {
        String::new()
    };
    format!(
        "{rating}<form class=\"complaint\" method=\"post\" action=\"{action}\"><h2>{heading}</h2>\
         <p>{intro}</p>{hidden}<input type=\"hidden\" name=\"kind\" value=\"complaint\">\
         <label for=\"complaint-text\">{text}</label>\
         <textarea id=\"complaint-text\" name=\"text\" maxlength=\"{max}\" rows=\"5\" required></textarea>\
         <label for=\"contact\">{contact}</label>\
         <input id=\"contact\" name=\"contact\" maxlength=\"{max_contact}\" autocomplete=\"tel\">\
         <button type=\"submit\">{submit}</button></form>",
        action = escape(action),
        heading = t::COMPLAIN_HEADING,
        intro = t::COMPLAIN_INTRO,
        text = t::COMPLAINT_LABEL,
        max = super::feedback::MAX_COMPLAINT,
        contact = t::CONTACT_LABEL,
        max_contact = super::feedback::MAX_CONTACT,
        submit = t::COMPLAIN_SUBMIT,
    )
}
