//! The figures a record hands to the shells are signed (Kotlin's and Swift's everyday integer
//! types have no unsigned kin), while the core counts in unsigned ones. These convert at the
//! record, saturating rather than wrapping in either direction.

/// A count or size as the shells see it; one beyond `i64::MAX` (never reached) saturates.
pub fn to_i64(n: impl TryInto<i64>) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}

/// A small count as the shells see it; one beyond `i32::MAX` saturates.
pub fn to_i32(n: impl TryInto<i32>) -> i32 {
    n.try_into().unwrap_or(i32::MAX)
}

/// A figure an app passed in, as the count it stands for: a negative one counts as zero.
pub fn to_u32(n: i32) -> u32 {
    u32::try_from(n).unwrap_or(0)
}

/// A figure an app passed in, as the count it stands for: a negative one counts as zero.
pub fn to_u64(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_saturate_and_never_wrap() {
        assert_eq!(to_i64(u64::MAX), i64::MAX);
        assert_eq!(to_i64(7usize), 7);
        assert_eq!(to_i32(u32::MAX), i32::MAX);
        assert_eq!(to_i32(u64::from(u32::MAX) + 1), i32::MAX);
        assert_eq!(to_i32(12u32), 12);
        assert_eq!(to_u32(-1), 0);
        assert_eq!(to_u32(i32::MIN), 0);
        assert_eq!(to_u32(i32::MAX), 2_147_483_647);
        assert_eq!(to_u64(-5), 0);
        assert_eq!(to_u64(250), 250);
    }
}
