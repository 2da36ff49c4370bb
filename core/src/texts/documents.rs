//! Texts about rendering legal documents (their wording is `documents`' own).

/// `what` names, in English, what the case lacks.
pub fn missing(what: &str) -> String {
    format!("案件缺少文书必须载明的内容（{what}），请补全后再生成文书。")
}
