use ed25519_dalek::pkcs8::{DecodePublicKey, EncodePublicKey};
use p256::ecdsa::signature::{Signer as _, Verifier as _};
use rand_core::OsRng;
use sha2::{Digest, Sha256};

use super::CryptoError;

/// The signature algorithms zhifa accepts: the allow-list of codes.md.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Algorithm {
    /// Ed25519, verified strictly (no malleable or small-order signatures).
    EdDSA,
    /// ECDSA over P-256 with SHA-256, the only curve the iOS Secure Enclave offers.
    ES256,
}

impl Algorithm {
    pub fn as_str(self) -> &'static str {
        match self {
            Algorithm::EdDSA => "EdDSA",
            Algorithm::ES256 => "ES256",
        }
    }

    pub fn parse(text: &str) -> Result<Self, CryptoError> {
        match text {
            "EdDSA" => Ok(Algorithm::EdDSA),
            "ES256" => Ok(Algorithm::ES256),
            _ => Err(CryptoError::UnsupportedAlgorithm),
        }
    }

    pub(crate) fn cose(self) -> coset::iana::Algorithm {
        match self {
            Algorithm::EdDSA => coset::iana::Algorithm::EdDSA,
            Algorithm::ES256 => coset::iana::Algorithm::ES256,
        }
    }
}

/// SHA-256 of `data`.
pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// First 8 bytes of SHA-256 over the key's SubjectPublicKeyInfo (DER): the EU DCC rule, with
/// the SPKI standing in for the certificate we do not issue. Ids may collide; verifiers try every
/// trusted key with the id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyId(pub [u8; 8]);

impl KeyId {
    pub fn from_slice(bytes: &[u8]) -> Option<KeyId> {
        bytes.try_into().ok().map(KeyId)
    }
}

impl std::fmt::Display for KeyId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

/// A public key of an allowed algorithm. Its portable form is SubjectPublicKeyInfo DER.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PublicKey {
    Ed25519(ed25519_dalek::VerifyingKey),
    P256(p256::ecdsa::VerifyingKey),
}

impl PublicKey {
    pub fn algorithm(&self) -> Algorithm {
        match self {
            PublicKey::Ed25519(_) => Algorithm::EdDSA,
            PublicKey::P256(_) => Algorithm::ES256,
        }
    }

    pub fn to_spki_der(&self) -> Vec<u8> {
        let document = match self {
            PublicKey::Ed25519(key) => key.to_public_key_der(),
            PublicKey::P256(key) => key.to_public_key_der(),
        };
        document
            .expect("encoding a valid public key as SPKI cannot fail")
            .into_vec()
    }

    /// Reads an Ed25519 or P-256 SubjectPublicKeyInfo; anything else is refused.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicKey, CryptoError> {
        if let Ok(key) = ed25519_dalek::VerifyingKey::from_public_key_der(der) {
            return Ok(PublicKey::Ed25519(key));
        }
        p256::ecdsa::VerifyingKey::from_public_key_der(der)
            .map(PublicKey::P256)
            .map_err(|_| CryptoError::KeyEncoding("Ed25519 or P-256 SPKI"))
    }

    /// The shortest encoding, as carried inside duty credentials: the 32-byte Ed25519 key or
    /// the 33-byte SEC1-compressed P-256 point. The length tells the algorithm.
    pub fn to_compact(&self) -> Vec<u8> {
        match self {
            PublicKey::Ed25519(key) => key.to_bytes().to_vec(),
            PublicKey::P256(key) => key.to_encoded_point(true).as_bytes().to_vec(),
        }
    }

    pub fn from_compact(bytes: &[u8]) -> Result<PublicKey, CryptoError> {
        match bytes.len() {
            32 => {
                let raw: [u8; 32] = bytes.try_into().expect("length checked");
                ed25519_dalek::VerifyingKey::from_bytes(&raw)
                    .map(PublicKey::Ed25519)
                    .map_err(|_| CryptoError::KeyEncoding("Ed25519"))
            }
            33 => p256::ecdsa::VerifyingKey::from_sec1_bytes(bytes)
                .map(PublicKey::P256)
                .map_err(|_| CryptoError::KeyEncoding("P-256")),
            _ => Err(CryptoError::KeyEncoding("compact public key")),
        }
    }

    pub fn key_id(&self) -> KeyId {
        let digest = sha256(&self.to_spki_der());
        KeyId(digest[..8].try_into().expect("8 of 32 bytes"))
    }

    /// Strict verification: Ed25519 `verify_strict`, ECDSA with a fixed 64-byte r||s signature
    /// (the COSE form) and low-S not required, as the Secure Enclave does not normalise.
    /// A platform keystore's signature in the form COSE carries: Ed25519 as is; P-256 as the
    /// 64-byte r‖s, taken from the ASN.1 DER that Android Keystore and the Secure Enclave
    /// return, or as is when already raw. Checked against this key either way, so a keystore
    /// that signs with another key, or garbles the encoding, never yields a signature.
    pub fn normalise_signature(
        &self,
        message: &[u8],
        signature: &[u8],
    ) -> Result<Vec<u8>, CryptoError> {
        let raw = match self {
            PublicKey::P256(_) if signature.len() != 64 => {
                p256::ecdsa::Signature::from_der(signature)
                    .map_err(|_| CryptoError::BadSignature)?
                    .to_bytes()
                    .to_vec()
            }
            _ => signature.to_vec(),
        };
        self.verify(message, &raw)?;
        Ok(raw)
    }

    pub fn verify(&self, message: &[u8], signature: &[u8]) -> Result<(), CryptoError> {
        match self {
            PublicKey::Ed25519(key) => {
                let signature = ed25519_dalek::Signature::from_slice(signature)
                    .map_err(|_| CryptoError::BadSignature)?;
                key.verify_strict(message, &signature)
                    .map_err(|_| CryptoError::BadSignature)
            }
            PublicKey::P256(key) => {
                let signature = p256::ecdsa::Signature::from_slice(signature)
                    .map_err(|_| CryptoError::BadSignature)?;
                key.verify(message, &signature)
                    .map_err(|_| CryptoError::BadSignature)
            }
        }
    }
}

/// Anything that holds a private key and signs with it: an authority key on the server, a
/// device key in a keystore.
pub trait Signer {
    fn public_key(&self) -> PublicKey;
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError>;
}

/// A private key held in memory.
#[derive(Clone)]
pub enum SigningKey {
    Ed25519(ed25519_dalek::SigningKey),
    P256(p256::ecdsa::SigningKey),
}

impl std::fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Never print secret material.
        write!(
            f,
            "SigningKey({}, {})",
            self.algorithm().as_str(),
            self.public_key().key_id()
        )
    }
}

impl SigningKey {
    pub fn generate(algorithm: Algorithm) -> SigningKey {
        match algorithm {
            Algorithm::EdDSA => {
                SigningKey::Ed25519(ed25519_dalek::SigningKey::generate(&mut OsRng))
            }
            Algorithm::ES256 => SigningKey::P256(p256::ecdsa::SigningKey::random(&mut OsRng)),
        }
    }

    pub fn algorithm(&self) -> Algorithm {
        match self {
            SigningKey::Ed25519(_) => Algorithm::EdDSA,
            SigningKey::P256(_) => Algorithm::ES256,
        }
    }

    /// The 32-byte secret scalar / seed. Callers must keep it out of logs.
    pub fn secret_bytes(&self) -> [u8; 32] {
        match self {
            SigningKey::Ed25519(key) => key.to_bytes(),
            SigningKey::P256(key) => key.to_bytes().into(),
        }
    }

    pub fn from_secret_bytes(
        algorithm: Algorithm,
        bytes: &[u8],
    ) -> Result<SigningKey, CryptoError> {
        match algorithm {
            Algorithm::EdDSA => {
                let seed: [u8; 32] = bytes
                    .try_into()
                    .map_err(|_| CryptoError::KeyEncoding("Ed25519 secret"))?;
                Ok(SigningKey::Ed25519(ed25519_dalek::SigningKey::from_bytes(
                    &seed,
                )))
            }
            Algorithm::ES256 => p256::ecdsa::SigningKey::from_slice(bytes)
                .map(SigningKey::P256)
                .map_err(|_| CryptoError::KeyEncoding("P-256 secret")),
        }
    }
}

impl Signer for SigningKey {
    fn public_key(&self) -> PublicKey {
        match self {
            SigningKey::Ed25519(key) => PublicKey::Ed25519(key.verifying_key()),
            SigningKey::P256(key) => PublicKey::P256(*key.verifying_key()),
        }
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        Ok(match self {
            SigningKey::Ed25519(key) => key.sign(message).to_vec(),
            SigningKey::P256(key) => {
                let signature: p256::ecdsa::Signature = key.sign(message);
                signature.to_vec()
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn platform_signatures_in_der_or_raw_are_normalised_and_checked() {
        let key = SigningKey::generate(Algorithm::ES256);
        let public = key.public_key();
        let SigningKey::P256(inner) = &key else {
            unreachable!()
        };
        let signature: p256::ecdsa::Signature =
            p256::ecdsa::signature::Signer::sign(inner, b"zhifa");
        let der = signature.to_der().as_bytes().to_vec();
        let raw = signature.to_bytes().to_vec();
        assert_eq!(public.normalise_signature(b"zhifa", &der).unwrap(), raw);
        assert_eq!(public.normalise_signature(b"zhifa", &raw).unwrap(), raw);
        // Another message, a truncated DER, another key: refused whatever the encoding.
        assert!(public.normalise_signature(b"zhifb", &der).is_err());
        assert!(public
            .normalise_signature(b"zhifa", &der[..der.len() - 1])
            .is_err());
        let other = SigningKey::generate(Algorithm::ES256).public_key();
        assert!(other.normalise_signature(b"zhifa", &der).is_err());
        // Ed25519 signatures are taken only raw.
        let ed = SigningKey::generate(Algorithm::EdDSA);
        let sig = ed.sign(b"zhifa").unwrap();
        assert_eq!(
            ed.public_key().normalise_signature(b"zhifa", &sig).unwrap(),
            sig
        );
    }

    #[test]
    fn both_algorithms_sign_verify_and_round_trip_spki() {
        for algorithm in [Algorithm::EdDSA, Algorithm::ES256] {
            let key = SigningKey::generate(algorithm);
            let public = key.public_key();
            let signature = key.sign(b"zhifa").unwrap();
            public.verify(b"zhifa", &signature).unwrap();
            assert_eq!(
                public.verify(b"zhifb", &signature),
                Err(CryptoError::BadSignature)
            );

            assert_eq!(
                PublicKey::from_compact(&public.to_compact()).unwrap(),
                public
            );
            let decoded = PublicKey::from_spki_der(&public.to_spki_der()).unwrap();
            assert_eq!(decoded, public);
            assert_eq!(decoded.key_id(), public.key_id());

            let restored = SigningKey::from_secret_bytes(algorithm, &key.secret_bytes()).unwrap();
            assert_eq!(restored.public_key(), public);
        }
    }

    #[test]
    fn garbage_keys_and_signatures_are_refused() {
        assert!(PublicKey::from_spki_der(b"not a key").is_err());
        assert!(SigningKey::from_secret_bytes(Algorithm::EdDSA, &[1; 31]).is_err());
        assert!(SigningKey::from_secret_bytes(Algorithm::ES256, &[0; 32]).is_err());
        let key = SigningKey::generate(Algorithm::EdDSA).public_key();
        assert_eq!(key.verify(b"m", &[0; 3]), Err(CryptoError::BadSignature));
    }

    #[test]
    fn key_ids_differ_between_keys() {
        let a = SigningKey::generate(Algorithm::EdDSA).public_key().key_id();
        let b = SigningKey::generate(Algorithm::EdDSA).public_key().key_id();
        assert_ne!(a, b);
    }
}
