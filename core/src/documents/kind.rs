//! The kinds of document a case produces, and why one cannot be made yet: what the case lacks
//! for it, with the article that requires it.

use crate::cases::CaseKind;
use crate::discretion::statute;
use crate::texts::documents as text;

/// The documents of a case, in the order a case produces them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum DocumentKind {
    /// 现场检查（勘验）笔录
    OnsiteRecord,
    /// 责令改正通知书
    OrderToCorrect,
    /// 行政处罚事先告知书 (Art. 44)
    NoticeOfIntendedPenalty,
    /// 当场行政处罚决定书 (Art. 52)
    SummaryDecision,
    /// 行政处罚决定书 (Art. 59)
    PenaltyDecision,
    /// 立案审批表 (Art. 54)
    FilingApproval,
    /// 询问笔录 (Art. 55)
    InquiryRecord,
    /// 证据清单 (Art. 46)
    EvidenceList,
    /// 听证告知书 (Art. 63–64)
    HearingRightNotice,
    /// 听证通知书 (Art. 64)
    HearingNotice,
    /// 法制审核意见书 (Art. 58)
    LegalReviewOpinion,
    /// 集体讨论记录 (Art. 57)
    CollectiveDiscussion,
    /// 不予行政处罚决定书 (Art. 57, 33)
    NoPenaltyDecision,
    /// 送达回证 (Art. 61)
    ServiceReceipt,
    /// 结案报告
    ClosingReport,
}

/// Which procedure a document belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Procedures {
    Ordinary,
    Summary,
    Both,
}

impl DocumentKind {
    /// Every kind, in the order a case produces them.
    pub const ALL: [DocumentKind; 15] = [
        DocumentKind::FilingApproval,
        DocumentKind::OnsiteRecord,
        DocumentKind::InquiryRecord,
        DocumentKind::EvidenceList,
        DocumentKind::OrderToCorrect,
        DocumentKind::NoticeOfIntendedPenalty,
        DocumentKind::HearingRightNotice,
        DocumentKind::HearingNotice,
        DocumentKind::LegalReviewOpinion,
        DocumentKind::CollectiveDiscussion,
        DocumentKind::PenaltyDecision,
        DocumentKind::SummaryDecision,
        DocumentKind::NoPenaltyDecision,
        DocumentKind::ServiceReceipt,
        DocumentKind::ClosingReport,
    ];

    /// The document's title as printed.
    pub fn title_zh(self) -> &'static str {
        use text::title;
        match self {
            DocumentKind::OnsiteRecord => title::ONSITE_RECORD,
            DocumentKind::OrderToCorrect => title::ORDER_TO_CORRECT,
            DocumentKind::NoticeOfIntendedPenalty => title::NOTICE_OF_INTENDED_PENALTY,
            DocumentKind::SummaryDecision => title::SUMMARY_DECISION,
            DocumentKind::PenaltyDecision => title::PENALTY_DECISION,
            DocumentKind::FilingApproval => title::FILING_APPROVAL,
            DocumentKind::InquiryRecord => title::INQUIRY_RECORD,
            DocumentKind::EvidenceList => title::EVIDENCE_LIST,
            DocumentKind::HearingRightNotice => title::HEARING_RIGHT_NOTICE,
            DocumentKind::HearingNotice => title::HEARING_NOTICE,
            DocumentKind::LegalReviewOpinion => title::LEGAL_REVIEW_OPINION,
            DocumentKind::CollectiveDiscussion => title::COLLECTIVE_DISCUSSION,
            DocumentKind::NoPenaltyDecision => title::NO_PENALTY_DECISION,
            DocumentKind::ServiceReceipt => title::SERVICE_RECEIPT,
            DocumentKind::ClosingReport => title::CLOSING_REPORT,
        }
    }

    /// The procedure the document belongs to: a summary case is decided on the spot, with no
    /// filing, notice, hearing or review (Art. 51–52).
    pub fn procedures(self) -> Procedures {
        use DocumentKind::*;
        match self {
            FilingApproval
            | NoticeOfIntendedPenalty
            | HearingRightNotice
            | HearingNotice
            | LegalReviewOpinion
            | CollectiveDiscussion
            | PenaltyDecision => Procedures::Ordinary,
            SummaryDecision => Procedures::Summary,
            OnsiteRecord | InquiryRecord | EvidenceList | OrderToCorrect | NoPenaltyDecision
            | ServiceReceipt | ClosingReport => Procedures::Both,
        }
    }

    /// Whether a case of `kind` produces this document.
    pub fn belongs_to(self, kind: CaseKind) -> bool {
        match self.procedures() {
            Procedures::Both => true,
            Procedures::Ordinary => kind == CaseKind::Ordinary,
            Procedures::Summary => kind == CaseKind::Summary,
        }
    }
}

/// What a case lacks for a document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Enum))]
pub enum Lacking {
    /// The document is made only in the ordinary procedure; this case is a summary one.
    OrdinaryProcedure,
    /// The document is made only in the summary procedure; this case is an ordinary one.
    SummaryProcedure,
    Party,
    /// What the officers found (现场检查情况): the facts a document states.
    Findings,
    Inquiry,
    Evidence,
    /// The facts do not yet give the engine's outcome, or no penalty was chosen.
    IntendedPenalty,
    /// The intended penalty gives no right to a hearing (Art. 63).
    HearingRight,
    HearingRequest,
    LegalReview,
    CollectiveDiscussion,
    /// No decision yet.
    Decision,
    /// The decision is not to penalise: its document is the 不予行政处罚决定书.
    PenaltyDecided,
    /// The decision penalises: its document is the 行政处罚决定书.
    NoPenaltyDecided,
    /// Not yet executed (or served, for a decision with nothing to pay).
    Execution,
}

impl Lacking {
    /// What is missing, as the officer reads it.
    pub fn name_zh(self) -> &'static str {
        use text::lacking as name;
        match self {
            Lacking::OrdinaryProcedure => name::ORDINARY_PROCEDURE,
            Lacking::SummaryProcedure => name::SUMMARY_PROCEDURE,
            Lacking::Party => name::PARTY,
            Lacking::Findings => name::FINDINGS,
            Lacking::Inquiry => name::INQUIRY,
            Lacking::Evidence => name::EVIDENCE,
            Lacking::IntendedPenalty => name::INTENDED_PENALTY,
            Lacking::HearingRight => name::HEARING_RIGHT,
            Lacking::HearingRequest => name::HEARING_REQUEST,
            Lacking::LegalReview => name::LEGAL_REVIEW,
            Lacking::CollectiveDiscussion => name::COLLECTIVE_DISCUSSION,
            Lacking::Decision => name::DECISION,
            Lacking::PenaltyDecided => name::PENALTY_DECIDED,
            Lacking::NoPenaltyDecided => name::NO_PENALTY_DECIDED,
            Lacking::Execution => name::EXECUTION,
        }
    }
}

/// A document the case's state does not support: which, the article that requires what is
/// missing, and what is missing.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct DocumentRefusal {
    pub document: DocumentKind,
    /// e.g. 第五十九条; empty where no single article applies.
    pub article: String,
    pub lacking: Vec<Lacking>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// The case lacks what the document must state.
    #[error("the case cannot produce {:?} yet ({})", .0.document, .0.article)]
    Refused(DocumentRefusal),
}

impl DocumentError {
    pub(crate) fn refused(document: DocumentKind, article: &str, lacking: Vec<Lacking>) -> Self {
        DocumentError::Refused(DocumentRefusal {
            document,
            article: article.into(),
            lacking,
        })
    }

    /// What to tell an officer: the document, the rule, what is missing and what to do.
    pub fn message_zh(&self) -> String {
        let DocumentError::Refused(refusal) = self;
        let lacking: Vec<&str> = refusal.lacking.iter().map(|l| l.name_zh()).collect();
        text::refused(
            refusal.document.title_zh(),
            statute::LAW,
            &refusal.article,
            &crate::texts::list(&lacking),
        )
    }
}
