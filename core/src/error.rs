//! The core's error: one enum per module, gathered here in one place. Every variant has a
//! zh-CN text for officers (`Error::message_zh`, from each module's own `message_zh`); Display
//! texts are for logs, in English, and carry no personal data.

use crate::cases::{CaseError, RecordError};
use crate::codes::{CodeError, CodeRefusal};
use crate::crypto::CryptoError;
use crate::discretion::DiscretionError;
use crate::events::EventError;
use crate::ids::UsccError;
use crate::registry::RegistryError;
use crate::store::StoreError;
use crate::sync::SyncError;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Crypto(#[from] CryptoError),
    #[error(transparent)]
    Registry(#[from] RegistryError),
    #[error(transparent)]
    CreditCode(#[from] UsccError),
    /// A scanned code or a credential was refused.
    #[error("code refused: {0}")]
    Code(#[from] CodeRefusal),
    /// A credential or code could not be issued or rendered.
    #[error(transparent)]
    CodeIssue(#[from] CodeError),
    /// A case could not be read or changed (a refused transition says which rule).
    #[error(transparent)]
    Case(#[from] CaseError),
    /// A document cannot be rendered: the case lacks what it must state.
    #[error(transparent)]
    Document(#[from] crate::documents::DocumentError),
    /// The discretion engine could not answer (unknown violation, invalid facts, …).
    #[error(transparent)]
    Discretion(#[from] DiscretionError),
    /// Sync with the server did not complete (nothing on the device was lost).
    #[error(transparent)]
    Sync(#[from] SyncError),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// An event fails to be signed or to be stored; the officer sees which.
impl From<RecordError> for Error {
    fn from(error: RecordError) -> Self {
        match error {
            RecordError::Record(e) => Error::Case(e),
            RecordError::Store(e) => Error::Store(e),
            RecordError::Crypto(e) => Error::Crypto(e),
        }
    }
}

impl From<EventError> for Error {
    fn from(error: EventError) -> Self {
        match error {
            EventError::Crypto(e) => Error::Crypto(e),
            EventError::Store(e) => Error::Store(e),
        }
    }
}

impl Error {
    /// What to tell an officer, in Chinese.
    pub fn message_zh(&self) -> String {
        match self {
            Error::Store(e) => e.message_zh().into(),
            Error::Crypto(e) => e.message_zh().into(),
            Error::Registry(e) => e.message_zh(),
            Error::CreditCode(e) => e.message_zh(),
            Error::Code(refusal) => refusal.message_zh().into(),
            Error::CodeIssue(e) => e.message_zh().into(),
            Error::Discretion(e) => e.message_zh(),
            Error::Case(e) => e.message_zh(),
            Error::Document(e) => e.message_zh(),
            Error::Sync(e) => e.message_zh(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cases::{Refusal, RefusalKind};

    fn refused(kind: RefusalKind, article: &str, missing: &[&str]) -> String {
        Error::Case(CaseError::Refused(Refusal {
            kind,
            article: article.into(),
            missing: missing.iter().map(|m| m.to_string()).collect(),
        }))
        .message_zh()
    }

    /// The texts that quote a figure of the law or of a code say what they said when the
    /// figure was written into them.
    #[test]
    fn texts_quote_their_figures() {
        assert_eq!(
            refused(RefusalKind::SummaryNotAllowed, "第五十一条", &["5000"]),
            "依据《中华人民共和国行政处罚法》第五十一条：不符合当场处罚条件：仅限警告或公民200元、法人或者其他组织3000元以下罚款，且不得没收（5000元），请适用普通程序。"
        );
        assert_eq!(
            refused(RefusalKind::HearingRequestLate, "第六十四条", &["2024年5月8日"]),
            "依据《中华人民共和国行政处罚法》第六十四条：听证申请应在告知后五个工作日内提出（截至2024年5月8日），逾期视为放弃，请记录陈述申辩后作出决定。"
        );
        assert_eq!(
            refused(RefusalKind::HearingNoticeTooShort, "第六十四条", &["2024年5月20日"]),
            "依据《中华人民共和国行政处罚法》第六十四条：应当在举行听证七个工作日前通知当事人，请于2024年5月20日或之后举行。"
        );
        assert_eq!(
            crate::discretion::NoPenaltyReason::UnderFourteen.text_zh(),
            "不满十四周岁的未成年人有违法行为的，不予行政处罚，责令监护人加以管教"
        );
        assert_eq!(
            Error::CreditCode(UsccError::WrongLength(17)).message_zh(),
            "统一社会信用代码应为18位，实际为17位"
        );
        assert_eq!(
            Error::CreditCode(UsccError::BadDivision).message_zh(),
            "统一社会信用代码第3至8位应为行政区划代码"
        );
        assert_eq!(
            crate::registry::RowProblem::CreditCodeForm.message_zh(),
            "统一社会信用代码应为18位大写字符"
        );
    }
}
