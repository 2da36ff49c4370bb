//! The URL form of the enforcement code, for any phone camera: `<BASE>/V/<digits>`, the
//! digits carrying the same CBOR bytes as the `EC1:` payload's Base45.
//!
//! Why digits and not the Base45 text (docs/CODES.md, "URL form"): Base45's space and `%`
//! must be percent-encoded in a URL, three characters each, and a path may not hold a `.`
//! or `..` segment (browsers resolve `/./` and `/../` before the request leaves the phone),
//! so the Base45 text would need escaping that pushes a 4-item code to QR version 14.
//! Decimal digits need no escaping, survive every URL parser, and QR's numeric mode packs
//! them at 3⅓ bits a digit, slightly denser than Base45 in alphanumeric mode. The scheme and
//! host are upper-cased (they are case-insensitive) and the path is `/V/`, so the whole URL
//! stays in QR's alphanumeric and numeric modes.
//!
//! The verifier accepts the bare `EC1:` payload, this form, and a URL whose path carries the
//! percent-encoded `EC1:` text; the input is capped in length before anything is decoded.

use std::borrow::Cow;

use crate::codes::CodeRefusal;

use super::PREFIX;

/// The path before the payload, as rendered; `/v/` is accepted too.
pub const URL_PATH: &str = "/V/";
/// Longest scanned text accepted, bare or URL, before any decoding.
pub const MAX_CODE_CHARS: usize = 1200;
/// Bytes per full group of digits, and the digits such a group takes (2⁵⁶ < 10¹⁷).
const GROUP_BYTES: usize = 7;
const GROUP_DIGITS: usize = 17;
/// Digits for a last group of 0..=6 bytes: the fewest that hold 256ⁿ − 1.
const TAIL_DIGITS: [usize; GROUP_BYTES] = [0, 3, 5, 8, 10, 13, 15];

/// The URL form of an `EC1:` code under `base` (e.g. `https://zfjd.cq.gov.cn`). A text that is
/// not an `EC1:` payload is carried percent-encoded, so the verifier refuses it as it would
/// the bare text.
pub fn url_form(base: &str, code: &str) -> String {
    let base = upper_origin(base.trim().trim_end_matches('/'));
    let code = code.trim();
    match code.strip_prefix(PREFIX).map(base45::decode) {
        Some(Ok(bytes)) => format!("{base}{URL_PATH}{}", to_digits(&bytes)),
        _ => format!("{base}{URL_PATH}{}", percent_encode(code)),
    }
}

/// The bare `EC1:` payload of a scanned text in any accepted form (what the device hashes,
/// so a code scanned as a URL is recorded as the same code).
pub fn canonical(input: &str) -> Result<String, CodeRefusal> {
    Ok(format!("{PREFIX}{}", base45::encode(payload_bytes(input)?)))
}

/// The CBOR bytes of a scanned code, bare or URL form.
pub(crate) fn payload_bytes(input: &str) -> Result<Vec<u8>, CodeRefusal> {
    let body = input.trim();
    if body.len() > MAX_CODE_CHARS {
        return Err(CodeRefusal::malformed("too long"));
    }
    let text: Cow<'_, str> = match body.strip_prefix(PREFIX) {
        Some(_) => body.into(),
        None => match after_path(body) {
            Some(rest) => percent_decode(rest)?.into(),
            None => return Err(CodeRefusal::malformed("not an enforcement code")),
        },
    };
    if let Some(base45_text) = text.strip_prefix(PREFIX) {
        return base45::decode(base45_text).map_err(|_| CodeRefusal::malformed("invalid Base45"));
    }
    from_digits(&text)
}

/// Scheme and host upper-cased (case-insensitive, and QR-alphanumeric that way); a path
/// after the host keeps its case, since servers may route by it.
fn upper_origin(base: &str) -> String {
    let host_from = base.find("://").map_or(0, |i| i + 3);
    let path_from = base[host_from..]
        .find('/')
        .map_or(base.len(), |i| host_from + i);
    format!(
        "{}{}",
        base[..path_from].to_ascii_uppercase(),
        &base[path_from..]
    )
}

/// What follows the first `/v/` or `/V/` after the host, without query or fragment.
fn after_path(url: &str) -> Option<&str> {
    let host_from = url.find("://").map_or(0, |i| i + 3);
    let path = &url[host_from..];
    let start = path.find('/')?;
    let path = &path[start..];
    let at = [path.find("/v/"), path.find("/V/")]
        .into_iter()
        .flatten()
        .min()?;
    let rest = &path[at + URL_PATH.len()..];
    Some(rest.split(['?', '#']).next().unwrap_or_default())
}

fn percent_decode(text: &str) -> Result<String, CodeRefusal> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes
                .get(i + 1..i + 3)
                .filter(|h| h.iter().all(u8::is_ascii_hexdigit))
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok())
                .ok_or_else(|| CodeRefusal::malformed("percent escape"))?;
            out.push(hex);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).map_err(|_| CodeRefusal::malformed("percent escape"))
}

/// Every byte but unreserved letters, digits and `-._~:*$+` escaped (a `.` alone could
/// still form a dot segment with `/`, which is escaped).
fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-_~:*$+".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

fn to_digits(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() * GROUP_DIGITS / GROUP_BYTES + 1);
    for group in bytes.chunks(GROUP_BYTES) {
        let value = group.iter().fold(0u64, |v, b| v << 8 | u64::from(*b));
        let width = if group.len() == GROUP_BYTES {
            GROUP_DIGITS
        } else {
            TAIL_DIGITS[group.len()]
        };
        out.push_str(&format!("{value:0width$}"));
    }
    out
}

fn from_digits(text: &str) -> Result<Vec<u8>, CodeRefusal> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return Err(CodeRefusal::malformed("not an enforcement code"));
    }
    let full = text.len() / GROUP_DIGITS;
    let tail_digits = text.len() % GROUP_DIGITS;
    let tail_bytes = TAIL_DIGITS
        .iter()
        .position(|d| *d == tail_digits)
        .ok_or_else(|| CodeRefusal::malformed("digit count"))?;
    let mut out = Vec::with_capacity(full * GROUP_BYTES + tail_bytes);
    let groups = (0..full)
        .map(|g| (g * GROUP_DIGITS, GROUP_DIGITS, GROUP_BYTES))
        .chain((tail_bytes > 0).then_some((full * GROUP_DIGITS, tail_digits, tail_bytes)));
    for (start, digits, bytes) in groups {
        // At most 17 digits: fits a u64 (< 10¹⁷ < 2⁶⁴).
        let value: u64 = text[start..start + digits]
            .parse()
            .map_err(|_| CodeRefusal::malformed("digits"))?;
        if value >> (8 * bytes) != 0 {
            return Err(CodeRefusal::malformed("digit group out of range"));
        }
        out.extend_from_slice(&value.to_be_bytes()[8 - bytes..]);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_round_trip_every_length_and_extreme() {
        for len in 0..40 {
            for fill in [0u8, 1, 0x7f, 0xff] {
                let bytes = vec![fill; len];
                let digits = to_digits(&bytes);
                if len == 0 {
                    assert!(digits.is_empty());
                    continue;
                }
                assert_eq!(from_digits(&digits).unwrap(), bytes, "{len} × {fill}");
            }
        }
    }

    #[test]
    fn out_of_range_groups_and_odd_lengths_are_refused() {
        // 2⁵⁶ does not fit seven bytes.
        assert!(from_digits("72057594037927936").is_err());
        assert!(from_digits("256").is_err());
        assert!(from_digits("1234").is_err()); // no group is four digits
        assert!(from_digits("12a").is_err());
    }

    #[test]
    fn the_origin_is_upper_cased_and_a_path_is_kept() {
        assert_eq!(
            upper_origin("https://zfjd.cq.gov.cn"),
            "HTTPS://ZFJD.CQ.GOV.CN"
        );
        assert_eq!(
            upper_origin("http://127.0.0.1:8480/zhifa"),
            "HTTP://127.0.0.1:8480/zhifa"
        );
    }

    #[test]
    fn the_payload_path_is_found_after_the_host_only() {
        assert_eq!(after_path("https://v/V/123?x=1"), Some("123"));
        assert_eq!(after_path("http://h/v/45#f"), Some("45"));
        assert_eq!(after_path("http://h/x/45"), None);
        assert_eq!(after_path("h.cn/V/9"), Some("9"));
    }
}
