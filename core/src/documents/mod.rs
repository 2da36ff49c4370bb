//! Legal documents rendered from a case, in zh-CN, as HTML ready to print (A4, GB/T 9704) or
//! share. Each document carries every particular the law requires of it, filled from the case
//! and the catalogue (the decision: Art. 59; the on-the-spot decision: Art. 52; the notice:
//! Art. 44, 63); a document the case's state does not support is a `DocumentRefusal` naming
//! what is missing, never a half-empty page. Every value from the case is escaped.
//!
//! One module per family: `investigation` (filing, records, evidence), `notices` (before the
//! decision), `internal` (review, collective discussion, closing), `decisions`, `service`;
//! `particulars` is what they all take from the case, `layout` the page and its print CSS.

mod decisions;
mod internal;
mod investigation;
mod kind;
mod layout;
mod notices;
mod particulars;
mod service;

pub use kind::{DocumentError, DocumentKind, DocumentRefusal, Lacking, Procedures};
pub use layout::{beijing_time, written_date, PAGE_CSS};
pub use notices::CORRECTION_WORKING_DAYS;
pub use particulars::{DocumentContext, REVIEW_DAYS, SUIT_MONTHS};

use crate::cases::{CaseFile, CaseKind};
use particulars::Sheet;

/// The document `kind` for `case`, or what the case lacks for it.
pub fn render(
    kind: DocumentKind,
    case: &CaseFile,
    context: &DocumentContext<'_>,
) -> Result<String, DocumentError> {
    if !kind.belongs_to(case.kind) {
        let lacking = match case.kind {
            CaseKind::Summary => Lacking::OrdinaryProcedure,
            CaseKind::Ordinary => Lacking::SummaryProcedure,
        };
        let article = match case.kind {
            CaseKind::Summary => "第五十一条",
            CaseKind::Ordinary => "第五十四条",
        };
        return Err(DocumentError::refused(kind, article, vec![lacking]));
    }
    let sheet = Sheet {
        case,
        context,
        kind,
    };
    let body = match kind {
        DocumentKind::FilingApproval => investigation::filing_approval(&sheet),
        DocumentKind::OnsiteRecord => investigation::onsite_record(&sheet),
        DocumentKind::InquiryRecord => investigation::inquiry_record(&sheet),
        DocumentKind::EvidenceList => investigation::evidence_list(&sheet),
        DocumentKind::OrderToCorrect => notices::order_to_correct(&sheet),
        DocumentKind::NoticeOfIntendedPenalty => notices::notice_of_intended_penalty(&sheet),
        DocumentKind::HearingRightNotice => notices::hearing_right_notice(&sheet),
        DocumentKind::HearingNotice => notices::hearing_notice(&sheet),
        DocumentKind::LegalReviewOpinion => internal::legal_review_opinion(&sheet),
        DocumentKind::CollectiveDiscussion => internal::collective_discussion(&sheet),
        DocumentKind::ClosingReport => internal::closing_report(&sheet),
        DocumentKind::PenaltyDecision => decisions::penalty_decision(&sheet),
        DocumentKind::SummaryDecision => decisions::summary_decision(&sheet),
        DocumentKind::NoPenaltyDecision => decisions::no_penalty_decision(&sheet),
        DocumentKind::ServiceReceipt => service::service_receipt(&sheet),
    }?;
    Ok(layout::page(&sheet.agency(), kind.title_zh(), &body))
}
