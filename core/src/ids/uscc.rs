//! Unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, the last a
//! mod-31 check character. Some codes really issued fail the check, so a well-formed code with
//! a wrong check character is flagged for a person rather than rejected.

use std::fmt;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [u32; LENGTH - 1] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A credit code's length; characters 3 to 8 are the registering authority's division code.
pub const LENGTH: usize = 18;
const DIVISION: std::ops::Range<usize> = 2..8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum UsccError {
    #[error("a credit code has 18 characters, not {0}")]
    WrongLength(usize),
    #[error("character {position} is not allowed in a credit code")]
    BadCharacter { position: usize },
    #[error("characters 3 to 8 of a credit code are a division code of six digits")]
    BadDivision,
}

impl UsccError {
    /// What to tell an officer.
    pub fn message_zh(&self) -> String {
        use crate::texts::ids as text;
        match self {
            UsccError::WrongLength(n) => text::credit_code_length(LENGTH, *n),
            UsccError::BadCharacter { position } => text::credit_code_bad_character(*position),
            UsccError::BadDivision => {
                text::credit_code_bad_division(DIVISION.start + 1, DIVISION.end)
            }
        }
    }
}

/// Whether the check character agrees with the other 17.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreditCodeCheck {
    Valid,
    /// Well formed, but the check character should be `expected`: flag for a person.
    CheckCharacterMismatch {
        expected: char,
    },
}

/// A well-formed credit code (upper case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CreditCode(String);

impl CreditCode {
    /// Parses a code, accepting lower case and surrounding spaces as typed or scanned.
    pub fn parse(text: &str) -> Result<(CreditCode, CreditCodeCheck), UsccError> {
        let code = text.trim().to_ascii_uppercase();
        let chars: Vec<char> = code.chars().collect();
        if chars.len() != LENGTH {
            return Err(UsccError::WrongLength(chars.len()));
        }
        let mut values = [0u32; LENGTH];
        for (index, ch) in chars.iter().enumerate() {
            values[index] = value_of(*ch).ok_or(UsccError::BadCharacter {
                position: index + 1,
            })?;
        }
        if !chars[DIVISION].iter().all(|c| c.is_ascii_digit()) {
            return Err(UsccError::BadDivision);
        }
        let expected = check_character(&values[..LENGTH - 1]);
        let check = if chars[LENGTH - 1] == expected {
            CreditCodeCheck::Valid
        } else {
            CreditCodeCheck::CheckCharacterMismatch { expected }
        };
        Ok((CreditCode(code), check))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The GB/T 2260 division code of the registering authority (characters 3–8).
    pub fn division(&self) -> &str {
        &self.0[DIVISION]
    }

    /// Completes 17 characters with their check character (for generating test and demo data).
    pub fn with_check_character(first17: &str) -> Result<CreditCode, UsccError> {
        let upper = first17.to_ascii_uppercase();
        if upper.chars().count() != LENGTH - 1 {
            return Err(UsccError::WrongLength(upper.chars().count()));
        }
        let mut values = [0u32; LENGTH - 1];
        for (index, ch) in upper.chars().enumerate() {
            values[index] = value_of(ch).ok_or(UsccError::BadCharacter {
                position: index + 1,
            })?;
        }
        let code = format!("{upper}{}", check_character(&values));
        Ok(CreditCode::parse(&code)?.0)
    }
}

impl fmt::Display for CreditCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

fn value_of(ch: char) -> Option<u32> {
    ALPHABET
        .iter()
        .position(|&a| a as char == ch)
        .map(|p| p as u32)
}

fn check_character(values: &[u32]) -> char {
    let sum: u32 = values.iter().zip(WEIGHTS).map(|(v, w)| v * w).sum();
    ALPHABET[((31 - sum % 31) % 31) as usize] as char
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn published_vectors_are_valid() {
        for code in ["914403001922038216", "91440300MA50000050"] {
            let (parsed, check) = CreditCode::parse(code).unwrap();
            assert_eq!(check, CreditCodeCheck::Valid, "{code}");
            assert_eq!(parsed.division(), "440300");
        }
        assert_eq!(
            CreditCode::parse(" 91440300ma50000050 ")
                .unwrap()
                .0
                .as_str(),
            "91440300MA50000050"
        );
    }

    #[test]
    fn a_wrong_check_character_is_flagged_not_rejected() {
        let (_, check) = CreditCode::parse("914403001922038217").unwrap();
        assert_eq!(
            check,
            CreditCodeCheck::CheckCharacterMismatch { expected: '6' }
        );
    }

    #[test]
    fn malformed_codes_are_rejected_with_a_reason() {
        assert_eq!(
            CreditCode::parse("91440300192203821"),
            Err(UsccError::WrongLength(17))
        );
        assert_eq!(
            CreditCode::parse("9144030019220382I6"),
            Err(UsccError::BadCharacter { position: 17 })
        );
        assert_eq!(
            CreditCode::parse("91A40300192203821X").unwrap_err(),
            UsccError::BadDivision
        );
        assert_eq!(
            CreditCode::parse("执法执法执法执法执法执法执法执法执法"),
            Err(UsccError::BadCharacter { position: 1 })
        );
    }

    #[test]
    fn completing_a_code_gives_a_valid_one() {
        let code = CreditCode::with_check_character("91500103MA5U00001").unwrap();
        assert_eq!(
            CreditCode::parse(code.as_str()).unwrap().1,
            CreditCodeCheck::Valid
        );
    }

    proptest! {
        #[test]
        fn any_input_parses_or_errs_without_panicking(text in "\\PC{0,40}") {
            let _ = CreditCode::parse(&text);
        }

        #[test]
        fn changing_one_character_is_always_detected(
            body in "[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{9}",
            position in 0usize..17,
            replacement in 0usize..31,
        ) {
            let code = CreditCode::with_check_character(&body).unwrap();
            let mut chars: Vec<char> = code.as_str().chars().collect();
            let new = ALPHABET[replacement] as char;
            prop_assume!(new != chars[position]);
            prop_assume!(!(2..8).contains(&position) || new.is_ascii_digit());
            chars[position] = new;
            let changed: String = chars.into_iter().collect();
            let (_, check) = CreditCode::parse(&changed).unwrap();
            prop_assert_ne!(check, CreditCodeCheck::Valid);
        }
    }
}
