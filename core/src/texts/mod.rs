//! Every zh-CN text an officer or an enterprise reads, as plain strings and formatting
//! functions over plain values, one file per module that shows them. Depends on nothing in
//! the crate but `numerals`, so every module can quote it: each maps its own enums onto these
//! texts beside their definition (`message_zh`, `name_zh`), and passes its figures (statute
//! amounts and periods, limits) to the functions that state them, so no figure is restated.
//! Legal documents' wording is `documents`' own.

pub mod cases;
pub mod codes;
pub mod crypto;
pub mod discretion;
pub mod documents;
pub mod ids;
pub mod inspections;
pub mod registry;
pub mod store;
pub mod sync;

/// Joins the items of a list in running text (违法行为、处罚依据).
pub fn list<S: AsRef<str>>(items: &[S]) -> String {
    items
        .iter()
        .map(|item| item.as_ref())
        .collect::<Vec<_>>()
        .join("、")
}
