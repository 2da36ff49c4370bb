//! GB/T 2260 administrative division codes: two digits a province, four a city, six a
//! county or district. Codes nest by prefix, so a jurisdiction is a set of prefixes.

/// Whether `division` lies inside one of the `scope` prefixes (GB/T 2260 codes nest by prefix:
/// 50 Chongqing, 5001 its districts, 500103 Yuzhong).
pub fn division_in_scope(division: &str, scope: &[String]) -> bool {
    scope
        .iter()
        .any(|prefix| division.starts_with(prefix.as_str()))
}

/// Whether a jurisdiction (a set of prefixes) overlaps the scope: an officer with city-wide
/// powers belongs on a district device, and a district officer on a city device.
pub fn jurisdiction_overlaps(divisions: &[String], scope: &[String]) -> bool {
    divisions.iter().any(|d| {
        scope
            .iter()
            .any(|s| d.starts_with(s.as_str()) || s.starts_with(d.as_str()))
    })
}

/// A GB/T 2260 code or prefix: 2, 4 or 6 digits.
pub fn is_division_code(text: &str) -> bool {
    matches!(text.len(), 2 | 4 | 6) && text.bytes().all(|b| b.is_ascii_digit())
}
