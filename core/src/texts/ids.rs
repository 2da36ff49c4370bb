//! Texts about identifiers: the unified social credit code.

pub fn credit_code_length(expected: usize, found: usize) -> String {
    format!("统一社会信用代码应为{expected}位，实际为{found}位")
}

pub fn credit_code_bad_character(position: usize) -> String {
    format!("统一社会信用代码第{position}位字符无效")
}

/// `first..=last` are the positions of the division code.
pub fn credit_code_bad_division(first: usize, last: usize) -> String {
    format!("统一社会信用代码第{first}至{last}位应为行政区划代码")
}

pub fn credit_code_form(length: usize) -> String {
    format!("统一社会信用代码应为{length}位大写字符")
}

/// Shown beside an enterprise whose credit code fails its check character.
pub const CREDIT_CODE_CHECK_MISMATCH: &str = "统一社会信用代码校验位不符，请人工核对营业执照。";
