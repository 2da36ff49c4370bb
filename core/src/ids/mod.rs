//! The identifiers of Chinese administration the core works with: GB/T 2260 division codes
//! and GB 32100-2015 unified social credit codes. Ground level: depends on nothing else in the
//! crate, so the catalogue, the codes and the planner all build on it.

mod division;
mod uscc;

pub use division::{division_in_scope, is_division_code, jurisdiction_overlaps};
pub use uscc::{CreditCode, CreditCodeCheck, UsccError, LENGTH as CREDIT_CODE_LENGTH};
