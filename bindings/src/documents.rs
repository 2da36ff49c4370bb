//! What a shell needs to offer the documents of a case: every kind in order, with its title
//! as printed and whether a case of that procedure produces it. Rendering itself is
//! `CaseService::render_document`; a document the case does not support yet comes back as
//! `ZhifaError::DocumentRefused`.

use zhifa_core::cases::CaseKind;
use zhifa_core::documents::DocumentKind;

/// One kind of document, as a shell lists it.
#[derive(Debug, Clone, uniffi::Record)]
pub struct DocumentInfo {
    pub kind: DocumentKind,
    pub title: String,
}

/// The documents a case of `procedure` may produce, in the order a case produces them.
#[uniffi::export]
pub fn document_kinds(procedure: CaseKind) -> Vec<DocumentInfo> {
    DocumentKind::ALL
        .into_iter()
        .filter(|kind| kind.belongs_to(procedure))
        .map(|kind| DocumentInfo {
            kind,
            title: kind.title_zh().to_owned(),
        })
        .collect()
}
