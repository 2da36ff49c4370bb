//! Request signing. Every request after enrolment carries the device key's signature over
//! method, path, time, a fresh nonce and the body's SHA-256, so the server knows which device
//! sent it, that nothing was changed on the way, and (with the nonces it remembers) that it is
//! not a replay.

use crate::crypto::{sha256, CryptoError, PublicKey, Signer};

pub const KEY_HEADER: &str = "x-zhifa-key";
pub const TIME_HEADER: &str = "x-zhifa-time";
pub const NONCE_HEADER: &str = "x-zhifa-nonce";
pub const SIGNATURE_HEADER: &str = "x-zhifa-signature";

/// How far a request's time may be from the server's.
pub const MAX_SKEW_SECONDS: i64 = 300;

/// The signed headers of one request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestSignature {
    pub key_id: String,
    pub time: i64,
    pub nonce: String,
    pub signature: String,
}

impl RequestSignature {
    pub fn headers(&self) -> [(&'static str, String); 4] {
        [
            (KEY_HEADER, self.key_id.clone()),
            (TIME_HEADER, self.time.to_string()),
            (NONCE_HEADER, self.nonce.clone()),
            (SIGNATURE_HEADER, self.signature.clone()),
        ]
    }

    /// Reads the four headers; `None` if any is missing or malformed.
    pub fn from_headers<'a>(get: impl Fn(&str) -> Option<&'a str>) -> Option<RequestSignature> {
        let nonce = get(NONCE_HEADER)?;
        if nonce.len() != 32 || !nonce.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        Some(RequestSignature {
            key_id: get(KEY_HEADER)?.to_owned(),
            time: get(TIME_HEADER)?.parse().ok()?,
            nonce: nonce.to_owned(),
            signature: get(SIGNATURE_HEADER)?.to_owned(),
        })
    }
}

fn canonical(method: &str, path: &str, time: i64, nonce: &str, body: &[u8]) -> Vec<u8> {
    format!(
        "ZHIFA-REQ-1\n{}\n{}\n{}\n{}\n{}",
        method.to_ascii_uppercase(),
        path,
        time,
        nonce,
        hex::encode(sha256(body))
    )
    .into_bytes()
}

/// Signs a request at `time` (Unix seconds, the device's trusted time).
pub fn sign_request(
    signer: &dyn Signer,
    method: &str,
    path: &str,
    time: i64,
    body: &[u8],
) -> Result<RequestSignature, CryptoError> {
    let mut nonce = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut nonce);
    let nonce = hex::encode(nonce);
    let signature = signer.sign(&canonical(method, path, time, &nonce, body))?;
    Ok(RequestSignature {
        key_id: signer.public_key().key_id().to_string(),
        time,
        nonce,
        signature: hex::encode(signature),
    })
}

/// Checks the signature with the device's registered key (the caller checks time and nonce).
pub fn verify_request(
    key: &PublicKey,
    signed: &RequestSignature,
    method: &str,
    path: &str,
    body: &[u8],
) -> Result<(), CryptoError> {
    let signature = hex::decode(&signed.signature).map_err(|_| CryptoError::BadSignature)?;
    key.verify(
        &canonical(method, path, signed.time, &signed.nonce, body),
        &signature,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::{Algorithm, SigningKey};

    #[test]
    fn a_changed_body_path_or_time_breaks_the_signature() {
        let key = SigningKey::generate(Algorithm::EdDSA);
        let signed = sign_request(&key, "POST", "/v1/sync", 1_800_000_000, b"body").unwrap();
        let public = key.public_key();
        verify_request(&public, &signed, "POST", "/v1/sync", b"body").unwrap();
        assert!(verify_request(&public, &signed, "POST", "/v1/sync", b"bodx").is_err());
        assert!(verify_request(&public, &signed, "POST", "/v1/events", b"body").is_err());
        let mut later = signed.clone();
        later.time += 1;
        assert!(verify_request(&public, &later, "POST", "/v1/sync", b"body").is_err());
        let other = SigningKey::generate(Algorithm::EdDSA).public_key();
        assert!(verify_request(&other, &signed, "POST", "/v1/sync", b"body").is_err());
    }
}
