//! Authorship of every change to a case file (Art. 47: the whole process is recorded). Each
//! Automerge change carries, as its commit message, who made it (the device's credentialed
//! officer), on which device, at which trusted time, and which fields it wrote to what. The
//! change metadata is hashed into the change itself and travels with it, so a merge from
//! another replica keeps that officer's authorship and no later edit can rewrite it (an
//! append-only list inside the document could be edited like any other field).

use automerge::AutoCommit;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::texts::cases as text;

/// Who makes a change: the credentialed officer holding the device, the device, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Author {
    /// The duty credential's 执法证号; empty when the device holds no valid credential.
    pub credential_no: String,
    pub name: String,
    /// The device key's id (hex).
    pub device: String,
    /// Trusted time, RFC 3339.
    pub at: String,
    /// Whether `at` is anchored to the server's time (`clock`).
    pub trusted: bool,
}

/// One field a change wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct FieldChange {
    pub field: String,
    pub value: String,
    /// A person settled a conflict on this field by choosing `value`.
    #[serde(default)]
    pub resolved: bool,
}

/// The commit message of a change: its author and what it wrote.
#[derive(Debug, Serialize, Deserialize)]
struct Note {
    v: u8,
    #[serde(flatten)]
    author: Author,
    fields: Vec<FieldChange>,
}

const NOTE_VERSION: u8 = 1;

/// The commit message and time for a change by `author`.
pub(crate) fn note(author: &Author, fields: Vec<FieldChange>) -> (String, i64) {
    let time = DateTime::parse_from_rfc3339(&author.at)
        .map(|t| t.timestamp())
        .unwrap_or_default();
    let note = Note {
        v: NOTE_VERSION,
        author: author.clone(),
        fields,
    };
    let message = serde_json::to_string(&note).expect("a note serialises");
    (message, time)
}

/// One entry of a case's audit history: who changed which field to what, and when.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct AuditEntry {
    /// RFC 3339 (UTC), as recorded.
    pub at: String,
    /// The same moment in Beijing time, as a person reads it.
    pub at_zh: String,
    /// Whether the time was anchored to the server's.
    pub clock_trusted: bool,
    pub credential_no: String,
    pub officer_name: String,
    pub device: String,
    /// The field's path (`facts.harm`) and its name for a person.
    pub field: String,
    pub label: String,
    pub value: String,
    /// Settling a conflict: `value` was chosen over the other replica's.
    pub resolved: bool,
    /// The Automerge change (hex hash) that made it.
    pub change: String,
}

/// The audit history of a document, oldest change first (causal order), one entry a field.
/// Changes made before authorship was recorded appear once, as of unknown author.
pub(crate) fn history(doc: &mut AutoCommit, label: fn(&str) -> String) -> Vec<AuditEntry> {
    let mut out = Vec::new();
    for change in doc.get_changes(&[]) {
        let hash = change.hash().to_string();
        let note = change
            .message()
            .and_then(|m| serde_json::from_str::<Note>(m).ok());
        match note {
            Some(note) => {
                for field in note.fields {
                    out.push(entry(&note.author, field, &hash, label));
                }
            }
            None => {
                let at = DateTime::<Utc>::from_timestamp(change.timestamp(), 0).unwrap_or_default();
                let unknown = Author {
                    credential_no: String::new(),
                    name: text::audit::UNKNOWN_AUTHOR.into(),
                    device: String::new(),
                    at: at.to_rfc3339(),
                    trusted: false,
                };
                let field = FieldChange {
                    field: String::new(),
                    value: String::new(),
                    resolved: false,
                };
                out.push(entry(&unknown, field, &hash, label));
            }
        }
    }
    out
}

fn entry(author: &Author, field: FieldChange, hash: &str, label: fn(&str) -> String) -> AuditEntry {
    let at_zh = DateTime::parse_from_rfc3339(&author.at)
        .map(|t| text::beijing_time(t.with_timezone(&Utc)))
        .unwrap_or_default();
    let officer_name = if author.credential_no.is_empty() && author.name.is_empty() {
        text::audit::NO_CREDENTIAL.to_owned()
    } else {
        author.name.clone()
    };
    AuditEntry {
        at: author.at.clone(),
        at_zh,
        clock_trusted: author.trusted,
        credential_no: author.credential_no.clone(),
        officer_name,
        device: author.device.clone(),
        label: if field.field.is_empty() {
            String::new()
        } else {
            label(&field.field)
        },
        field: field.field,
        value: field.value,
        resolved: field.resolved,
        change: hash.to_owned(),
    }
}

/// The audit history as CSV (RFC 4180, UTF-8 with a BOM so spreadsheet programs read the
/// Chinese), with zh-CN headers; times in Beijing time.
pub fn to_csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from("\u{feff}");
    push_row(&mut out, text::audit::HEADERS.iter().copied());
    for e in entries {
        let clock = if e.clock_trusted {
            text::audit::TRUSTED
        } else {
            text::audit::UNTRUSTED
        };
        let action = if e.resolved {
            text::audit::RESOLVED
        } else {
            text::audit::EDIT
        };
        push_row(
            &mut out,
            [
                e.at_zh.as_str(),
                e.officer_name.as_str(),
                e.credential_no.as_str(),
                e.device.as_str(),
                clock,
                action,
                e.label.as_str(),
                e.value.as_str(),
            ],
        );
    }
    out
}

fn push_row<'a>(out: &mut String, cells: impl IntoIterator<Item = &'a str>) {
    let cells: Vec<String> = cells.into_iter().map(csv_cell).collect();
    out.push_str(&cells.join(","));
    out.push_str("\r\n");
}

fn csv_cell(cell: &str) -> String {
    if cell.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.to_owned()
    }
}

/// A stored value as a person reads it: a fact's choice or a status in Chinese.
pub(crate) fn value_text(stored: &str) -> String {
    if let Some(choice) = text::choice(stored) {
        return choice.to_owned();
    }
    match super::CaseStatus::parse(stored) {
        Some(status) => status.name_zh().to_owned(),
        None => stored.to_owned(),
    }
}

/// A flag as the audit history reads it.
pub(crate) fn yes_no(value: bool) -> &'static str {
    if value {
        crate::texts::cases::YES
    } else {
        crate::texts::cases::NO
    }
}

/// A fact's value as the audit history reads it.
pub(crate) fn fact_text(value: &crate::discretion::FactValue) -> String {
    match value {
        crate::discretion::FactValue::Bool(b) => yes_no(*b).to_owned(),
        crate::discretion::FactValue::Int(i) => i.to_string(),
        crate::discretion::FactValue::Text(t) => value_text(t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_with_separators_are_quoted() {
        assert_eq!(csv_cell("a,b"), "\"a,b\"");
        assert_eq!(csv_cell("说\"是\""), "\"说\"\"是\"\"\"");
        assert_eq!(csv_cell("平常"), "平常");
    }
}
