//! What a browser sends the enterprise page, read by hand so that every refusal is the
//! page's own zh-CN text: `application/x-www-form-urlencoded` fields (query and body) and
//! the `Cookie` header. Bounded by the caller's body limit; at most `MAX_FIELDS` fields.

use axum::http::{header, HeaderMap};

const MAX_FIELDS: usize = 16;

/// The first value of each name, decoded; None when the text is not a valid form.
pub fn fields(text: &str) -> Option<Vec<(String, String)>> {
    let mut out: Vec<(String, String)> = Vec::new();
    for pair in text.split('&').filter(|p| !p.is_empty()) {
        if out.len() == MAX_FIELDS {
            return None;
        }
        let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
        let (name, value) = (decode(name)?, decode(value)?);
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, value));
        }
    }
    Some(out)
}

pub fn get<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// Percent-decoding with `+` as a space; None for a broken escape or bytes that are not UTF-8.
fn decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => {
                out.push(b' ');
                i += 1;
            }
            b'%' => {
                let hex = bytes.get(i + 1..i + 3)?;
                if !hex.iter().all(u8::is_ascii_hexdigit) {
                    return None;
                }
                out.push(u8::from_str_radix(std::str::from_utf8(hex).ok()?, 16).ok()?);
                i += 3;
            }
            byte => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

/// A cookie's value (the first of that name).
pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(n, _)| *n == name)
        .map(|(_, v)| v.trim().to_owned())
}

/// Whether a browser's `Origin`, when it sends one, is this server (the `Host` it asked for).
pub fn same_origin(headers: &HeaderMap) -> bool {
    let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) else {
        return true;
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let origin_host = origin.split_once("://").map_or("", |(_, rest)| rest);
    !host.is_empty() && origin_host.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_decode_and_refuse_garbage() {
        let read = fields("a=1&b=%E6%8A%95+%E8%AF%89&a=2&c").unwrap();
        assert_eq!(get(&read, "a"), Some("1"));
        assert_eq!(get(&read, "b"), Some("投 诉"));
        assert_eq!(get(&read, "c"), Some(""));
        assert!(fields("a=%ZZ").is_none());
        assert!(fields("a=%C3%28").is_none());
        assert!(fields("a=%4").is_none());
        let many: Vec<String> = (0..40).map(|i| format!("f{i}=1")).collect();
        assert!(fields(&many.join("&")).is_none());
    }

    #[test]
    fn cookies_are_found_by_name() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "x=1; zhifa_checks=ab.cd".parse().unwrap());
        assert_eq!(cookie(&headers, "zhifa_checks").as_deref(), Some("ab.cd"));
        assert_eq!(cookie(&headers, "y"), None);
    }
}
