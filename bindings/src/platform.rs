//! What the shells provide: the device key held by the platform (Android Keystore, the iOS
//! Secure Enclave), the wrapping of the store's data key by a platform key, and a monotonic
//! clock that survives app restarts (Android `SystemClock.elapsedRealtime()` with the boot
//! count). All are UniFFI callback interfaces, adapted here to the core's `DeviceKeystore`,
//! `KeyWrapper` and `MonotonicClock`.

use std::sync::Arc;
use std::time::Duration;

use crate::runtime::wait_for;

use zhifa_core::clock::MonotonicClock;
use zhifa_core::crypto::{
    CryptoError, DataKey, DeviceKeystore, KeyWrapper, PublicKey, Signer, WrapError,
};

/// A failure inside the platform keystore (locked, key invalidated, user cancelled), or a
/// wrapped key its key does not open.
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum PlatformError {
    #[error("{reason}")]
    Unavailable { reason: String },
    /// The platform key does not open this wrapped key (another device's, altered).
    #[error("the wrapped key does not open with the platform key")]
    Refused,
}

impl From<uniffi::UnexpectedUniFFICallbackError> for PlatformError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        PlatformError::Unavailable {
            reason: error.reason,
        }
    }
}

/// The device key kept by the platform (Android Keystore, the Secure Enclave): Ed25519 or
/// P-256. `sign` is async, as a biometric prompt may stand between the request and the
/// signature; a P-256 signature may come as ASN.1 DER (what Android's `SHA256withECDSA` and
/// `SecKeyCreateSignature` return) or as raw r‖s, and the core checks it against the key.
#[uniffi::export(with_foreign)]
#[async_trait::async_trait]
pub trait PlatformKeystore: Send + Sync {
    /// The public key as SubjectPublicKeyInfo DER.
    fn public_key(&self) -> Vec<u8>;
    async fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, PlatformError>;
}

/// Wraps the store's 32-byte data key with a key the platform keeps and never exports:
/// Android, an AES-256-GCM key in the Android Keystore (StrongBox where present), the result
/// the IV followed by the ciphertext and tag; iOS, a Keychain item readable after first
/// unlock, this device only, or an ECIES seal to a Secure Enclave key. The wrapped bytes are
/// kept in a file beside the database; they are useless without the platform key.
#[uniffi::export(with_foreign)]
pub trait PlatformKeyWrapper: Send + Sync {
    fn wrap(&self, key: Vec<u8>) -> Result<Vec<u8>, PlatformError>;
    fn unwrap(&self, wrapped: Vec<u8>) -> Result<Vec<u8>, PlatformError>;
}

/// Monotonic time that keeps counting across app restarts until the next reboot.
#[uniffi::export(with_foreign)]
pub trait PlatformClock: Send + Sync {
    /// Never negative; a negative reading counts as zero.
    fn elapsed_millis(&self) -> i64;
    /// Changes when the monotonic origin does (a reboot).
    fn origin_id(&self) -> String;
}

pub(crate) struct Keystore {
    platform: Arc<dyn PlatformKeystore>,
    public: PublicKey,
}

impl Keystore {
    pub(crate) fn new(platform: Arc<dyn PlatformKeystore>) -> Result<Keystore, CryptoError> {
        let public = PublicKey::from_spki_der(&platform.public_key())?;
        Ok(Keystore { platform, public })
    }
}

impl Signer for Keystore {
    fn public_key(&self) -> PublicKey {
        self.public.clone()
    }

    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, CryptoError> {
        // Signing runs inside `off_thread` work, whose blocking thread may wait for the
        // platform (and the officer's fingerprint).
        let signature = wait_for(self.platform.sign(message.to_vec()))
            .map_err(|_| CryptoError::BadSignature)?;
        // A platform that signs with another key, or wrongly, must not produce codes.
        self.public.normalise_signature(message, &signature)
    }
}

impl DeviceKeystore for Keystore {}

pub(crate) struct Wrapper(pub(crate) Arc<dyn PlatformKeyWrapper>);

impl KeyWrapper for Wrapper {
    fn wrap(&self, key: &DataKey) -> Result<Vec<u8>, WrapError> {
        self.0.wrap(key.as_bytes().to_vec()).map_err(wrap_error)
    }

    fn unwrap(&self, wrapped: &[u8]) -> Result<DataKey, WrapError> {
        DataKey::take(self.0.unwrap(wrapped.to_vec()).map_err(wrap_error)?)
    }
}

fn wrap_error(error: PlatformError) -> WrapError {
    match error {
        PlatformError::Unavailable { reason } => WrapError::Unavailable(reason),
        PlatformError::Refused => WrapError::Refused,
    }
}

pub(crate) struct Clock(pub(crate) Arc<dyn PlatformClock>);

impl MonotonicClock for Clock {
    fn elapsed(&self) -> Duration {
        Duration::from_millis(self.0.elapsed_millis().max(0) as u64)
    }

    fn origin_id(&self) -> String {
        self.0.origin_id()
    }
}
