//! COSE_Sign1 (RFC 9052) with a key id and an algorithm allow-list, as the EU DCC uses it.

use coset::{
    iana, CborSerializable, CoseSign1, CoseSign1Builder, HeaderBuilder, RegisteredLabelWithPrivate,
    TaggedCborSerializable,
};

use super::{Algorithm, CryptoError, KeyId, PublicKey, Signer};

/// Bounds checked before any CBOR is parsed.
#[derive(Debug, Clone, Copy)]
pub struct Sign1Limits {
    pub max_len: usize,
}

/// A COSE_Sign1 whose signature has been checked against a trusted key.
#[derive(Debug, Clone)]
pub struct VerifiedSign1 {
    pub key_id: KeyId,
    pub signer: PublicKey,
    pub content_type: Option<String>,
    pub payload: Vec<u8>,
}

/// Signs `payload` as a tagged COSE_Sign1 whose protected header carries the algorithm, the
/// signer's key id and the content type.
pub fn sign1(
    payload: Vec<u8>,
    content_type: &str,
    signer: &dyn Signer,
) -> Result<Vec<u8>, CryptoError> {
    build_sign1(payload, Some(content_type), signer)?
        .to_tagged_vec()
        .map_err(|_| CryptoError::Malformed("cannot encode COSE_Sign1"))
}

/// The smallest COSE_Sign1, for QR codes: untagged, with only the algorithm and key id in
/// its protected header.
pub fn sign1_compact(payload: Vec<u8>, signer: &dyn Signer) -> Result<Vec<u8>, CryptoError> {
    build_sign1(payload, None, signer)?
        .to_vec()
        .map_err(|_| CryptoError::Malformed("cannot encode COSE_Sign1"))
}

fn build_sign1(
    payload: Vec<u8>,
    content_type: Option<&str>,
    signer: &dyn Signer,
) -> Result<CoseSign1, CryptoError> {
    let public = signer.public_key();
    let mut header = HeaderBuilder::new()
        .algorithm(public.algorithm().cose())
        .key_id(public.key_id().0.to_vec());
    if let Some(content_type) = content_type {
        header = header.content_type(content_type.to_owned());
    }
    Ok(CoseSign1Builder::new()
        .protected(header.build())
        .payload(payload)
        .try_create_signature(&[], |to_be_signed| signer.sign(to_be_signed))?
        .build())
}

/// Parses and verifies a tagged (or untagged) COSE_Sign1. `trusted` returns every trusted key
/// with the message's key id; the first one that verifies wins. The header algorithm must be on
/// the allow-list and match the key, so a key cannot be used under another algorithm.
pub fn verify_sign1(
    bytes: &[u8],
    limits: Sign1Limits,
    trusted: impl Fn(&KeyId) -> Vec<PublicKey>,
) -> Result<VerifiedSign1, CryptoError> {
    if bytes.len() > limits.max_len {
        return Err(CryptoError::TooLarge {
            limit: limits.max_len,
        });
    }
    let message = CoseSign1::from_tagged_slice(bytes)
        .or_else(|_| CoseSign1::from_slice(bytes))
        .map_err(|_| CryptoError::Malformed("not a COSE_Sign1"))?;
    let header = &message.protected.header;
    let algorithm = match &header.alg {
        Some(RegisteredLabelWithPrivate::Assigned(iana::Algorithm::EdDSA)) => Algorithm::EdDSA,
        Some(RegisteredLabelWithPrivate::Assigned(iana::Algorithm::ES256)) => Algorithm::ES256,
        _ => return Err(CryptoError::UnsupportedAlgorithm),
    };
    let key_id =
        KeyId::from_slice(&header.key_id).ok_or(CryptoError::Malformed("key id is not 8 bytes"))?;
    let payload = message
        .payload
        .clone()
        .ok_or(CryptoError::Malformed("detached payload"))?;
    let candidates: Vec<PublicKey> = trusted(&key_id)
        .into_iter()
        .filter(|key| key.algorithm() == algorithm)
        .collect();
    if candidates.is_empty() {
        return Err(CryptoError::UnknownKey);
    }
    let signer = candidates
        .into_iter()
        .find(|key| {
            message
                .verify_signature(&[], |signature, data| key.verify(data, signature))
                .is_ok()
        })
        .ok_or(CryptoError::BadSignature)?;
    let content_type = match &header.content_type {
        Some(coset::ContentType::Text(text)) => Some(text.clone()),
        _ => None,
    };
    Ok(VerifiedSign1 {
        key_id,
        signer,
        content_type,
        payload,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crypto::SigningKey;

    const LIMITS: Sign1Limits = Sign1Limits { max_len: 1 << 20 };

    fn trust(keys: Vec<PublicKey>) -> impl Fn(&KeyId) -> Vec<PublicKey> {
        move |id| keys.iter().filter(|k| &k.key_id() == id).cloned().collect()
    }

    #[test]
    fn signs_and_verifies_with_both_algorithms() {
        for algorithm in [Algorithm::EdDSA, Algorithm::ES256] {
            let key = SigningKey::generate(algorithm);
            let signed = sign1(b"payload".to_vec(), "text/plain", &key).unwrap();
            let verified = verify_sign1(&signed, LIMITS, trust(vec![key.public_key()])).unwrap();
            assert_eq!(verified.payload, b"payload");
            assert_eq!(verified.content_type.as_deref(), Some("text/plain"));
            assert_eq!(verified.key_id, key.public_key().key_id());
        }
    }

    #[test]
    fn refuses_unknown_key_forgery_and_tampering() {
        let key = SigningKey::generate(Algorithm::EdDSA);
        let other = SigningKey::generate(Algorithm::EdDSA);
        let signed = sign1(b"payload".to_vec(), "text/plain", &key).unwrap();

        let unknown = verify_sign1(&signed, LIMITS, trust(vec![other.public_key()]));
        assert_eq!(unknown.unwrap_err(), CryptoError::UnknownKey);

        // A forger who reuses the trusted key id with their own key.
        let forged = verify_sign1(&signed, LIMITS, |_| vec![other.public_key()]);
        assert_eq!(forged.unwrap_err(), CryptoError::BadSignature);

        let mut tampered = signed.clone();
        let at = tampered.windows(7).position(|w| w == b"payload").unwrap();
        tampered[at] ^= 1;
        let result = verify_sign1(&tampered, LIMITS, trust(vec![key.public_key()]));
        assert_eq!(result.unwrap_err(), CryptoError::BadSignature);

        let truncated = &signed[..signed.len() - 5];
        assert!(matches!(
            verify_sign1(truncated, LIMITS, trust(vec![key.public_key()])),
            Err(CryptoError::Malformed(_))
        ));
        assert_eq!(
            verify_sign1(&signed, Sign1Limits { max_len: 10 }, trust(vec![])).unwrap_err(),
            CryptoError::TooLarge { limit: 10 }
        );
    }

    #[test]
    fn a_key_is_not_accepted_under_another_algorithm() {
        let ed = SigningKey::generate(Algorithm::EdDSA);
        let p = SigningKey::generate(Algorithm::ES256);
        let signed = sign1(b"x".to_vec(), "text/plain", &p).unwrap();
        // The trust list only offers an Ed25519 key under the P-256 key's id.
        let result = verify_sign1(&signed, LIMITS, |_| vec![ed.public_key()]);
        assert_eq!(result.unwrap_err(), CryptoError::UnknownKey);
    }
}
