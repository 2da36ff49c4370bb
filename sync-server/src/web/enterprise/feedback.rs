//! A rating or a complaint (投诉举报, APL Art. 75) sent from the verdict page, tied to the web
//! check it follows (so to that officer, body, enterprise and time, and to the officer's
//! visit when one matches). Kept in `sv_web_feedback` and copied into `sv_feedback` with
//! `verified = 0`, where the indicators and the complaint warnings count it. `rebuild-index`
//! never clears `sv_feedback`, so the copies survive it.
//!
//! Bounds: text lengths below; one rating and at most three complaints a check; the
//! per-address rate of `Feedback::limit` on top of the page's own.

use chrono::{DateTime, Utc};

use super::check::{self, random_hex};
use super::texts::refused;
use crate::error::ServerError;
use crate::storage::{Tx, Value};

pub const MAX_COMMENT: usize = 500;
pub const MAX_COMPLAINT: usize = 2000;
pub const MAX_CONTACT: usize = 100;
pub const MAX_COMPLAINTS_PER_CHECK: i64 = 3;

/// What the form asks to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sent {
    Rating { score: i64, comment: String },
    Complaint { text: String, contact: String },
}

impl Sent {
    pub fn kind(&self) -> &'static str {
        match self {
            Sent::Rating { .. } => "rating",
            Sent::Complaint { .. } => "complaint",
        }
    }
}

/// Why a form is refused: the page's status and its zh-CN text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub status: u16,
    pub text: String,
}

impl Refused {
    fn new(status: u16, text: impl Into<String>) -> Refused {
        Refused {
            status,
            text: text.into(),
        }
    }
}

/// Text as kept: control characters other than line breaks dropped, trimmed.
fn clean(text: &str) -> String {
    text.chars()
        .filter(|c| !c.is_control() || *c == '\n')
        .collect::<String>()
        .trim()
        .to_owned()
}

fn bounded(text: &str, what: &str, max: usize) -> Result<String, Refused> {
    let text = clean(text);
    if text.chars().count() > max {
        return Err(Refused::new(400, refused::too_long(what, max)));
    }
    Ok(text)
}

/// The form's fields read as a rating or a complaint.
pub fn read(kind: &str, score: Option<&str>, text: &str, contact: &str) -> Result<Sent, Refused> {
    match kind {
        "rating" => {
            let score = score
                .and_then(|s| s.trim().parse::<i64>().ok())
                .filter(|s| (1..=5).contains(s))
                .ok_or_else(|| Refused::new(400, refused::SCORE))?;
            Ok(Sent::Rating {
                score,
                comment: bounded(text, "意见", MAX_COMMENT)?,
            })
        }
        "complaint" => {
            let text = bounded(text, "投诉内容", MAX_COMPLAINT)?;
            if text.is_empty() {
                return Err(Refused::new(400, refused::TEXT_EMPTY));
            }
            Ok(Sent::Complaint {
                text,
                contact: bounded(contact, "联系方式", MAX_CONTACT)?,
            })
        }
        _ => Err(Refused::new(400, refused::BAD_FORM)),
    }
}

/// Records `sent` for the check `check_id` of the code `code_hash`, if `csrf` is that check's
/// token. Returns the feedback's id.
pub fn record(
    tx: &mut dyn Tx,
    check_id: &str,
    code_hash: &str,
    csrf: &str,
    sent: &Sent,
    now: DateTime<Utc>,
) -> Result<Result<String, Refused>, ServerError> {
    let Some(found) = check::find(tx, check_id, code_hash, csrf)? else {
        return Ok(Err(Refused::new(403, refused::FORM_EXPIRED)));
    };
    // Only a check that established who the officer is can be about that officer; a rating
    // only of a valid one.
    let rating = matches!(sent, Sent::Rating { .. });
    if found.officer.is_empty() || (rating && !found.refusal.is_empty()) {
        return Ok(Err(Refused::new(403, refused::NOT_ALLOWED)));
    }
    // Counted per code, over every check of it: a photographed code opened in many fresh
    // browsers (each a new, replayed check) still carries one rating and a few complaints.
    let count = |tx: &mut dyn Tx, kind: &str| -> Result<i64, ServerError> {
        tx.query_opt(
            "SELECT COUNT(*) FROM sv_web_feedback f JOIN sv_web_check c ON c.id = f.check_id
             WHERE c.code_hash = $1 AND f.kind = $2",
            &[code_hash.into(), kind.into()],
        )?
        .map_or(Ok(0), |row| row.int(0))
    };
    if rating && count(tx, "rating")? > 0 {
        return Ok(Err(Refused::new(409, refused::ALREADY_RATED)));
    }
    if !rating && count(tx, "complaint")? >= MAX_COMPLAINTS_PER_CHECK {
        return Ok(Err(Refused::new(429, refused::TOO_MANY_COMPLAINTS)));
    }
    let checked_at = DateTime::<Utc>::from_timestamp(found.checked_at, 0).unwrap_or(now);
    let visit_id = matching_visit(tx, &found.officer, &found.credit_code, checked_at)?;
    let id = format!("web-{}", random_hex(12));
    let on_day = zhifa_core::calendar::beijing_date(now).to_string();
    let (score, text, contact) = match sent {
        Sent::Rating { score, comment } => (Value::Int(*score), comment.as_str(), ""),
        // No score: 0, stored as NULL (a NULL parameter has no integer type on PostgreSQL).
        Sent::Complaint { text, contact } => (Value::Int(0), text.as_str(), contact.as_str()),
    };
    tx.execute(
        "INSERT INTO sv_web_feedback (id, check_id, kind, score, text, contact, visit_id, body,
             district, officer, on_day, created_at)
         VALUES ($1, $2, $3, NULLIF($4, CAST(0 AS BIGINT)), $5, $6, $7, $8, $9, $10, $11, $12)",
        &[
            id.as_str().into(),
            check_id.into(),
            sent.kind().into(),
            score.clone(),
            text.into(),
            contact.into(),
            visit_id.as_str().into(),
            found.body.as_str().into(),
            found.district.as_str().into(),
            found.officer.as_str().into(),
            on_day.as_str().into(),
            now.timestamp().into(),
        ],
    )?;
    // What the indicators and warnings count; never marked verified (no signed side).
    tx.execute(
        "INSERT INTO sv_feedback (id, kind, body, district, officer, visit_id, score, text, on_day, verified)
         VALUES ($1, $2, $3, $4, $5, $6, NULLIF($7, CAST(0 AS BIGINT)), $8, $9, 0)
         ON CONFLICT (id) DO NOTHING",
        &[
            id.as_str().into(),
            sent.kind().into(),
            found.body.as_str().into(),
            found.district.as_str().into(),
            found.officer.as_str().into(),
            visit_id.as_str().into(),
            score,
            text.into(),
            on_day.as_str().into(),
        ],
    )?;
    Ok(Ok(id))
}

/// The officer's visit to that enterprise on the check's Beijing day, if the app signed one.
fn matching_visit(
    tx: &mut dyn Tx,
    officer: &str,
    credit_code: &str,
    at: DateTime<Utc>,
) -> Result<String, ServerError> {
    if credit_code.is_empty() {
        return Ok(String::new());
    }
    let day = zhifa_core::calendar::beijing_date(at).to_string();
    Ok(tx
        .query_opt(
            "SELECT visit_id FROM sv_visit WHERE officer = $1 AND enterprise = $2 AND visited_on = $3
             ORDER BY visit_id DESC LIMIT 1",
            &[officer.into(), credit_code.into(), day.into()],
        )?
        .map(|row| row.text(0))
        .transpose()?
        .unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_are_read_within_their_bounds() {
        assert_eq!(
            read("rating", Some("5"), " 很好\u{7} ", "").unwrap(),
            Sent::Rating {
                score: 5,
                comment: "很好".into()
            }
        );
        assert_eq!(read("rating", Some("6"), "", "").unwrap_err().status, 400);
        assert_eq!(
            read("rating", None, "", "").unwrap_err().text,
            refused::SCORE
        );
        assert_eq!(
            read("complaint", None, "  ", "").unwrap_err().text,
            refused::TEXT_EMPTY
        );
        let long = "投".repeat(MAX_COMPLAINT + 1);
        assert!(read("complaint", None, &long, "")
            .unwrap_err()
            .text
            .contains("2000"));
        assert_eq!(
            read("other", None, "x", "").unwrap_err().text,
            refused::BAD_FORM
        );
    }
}
