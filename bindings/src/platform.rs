//! What the shells provide: the device key held by the platform (Android Keystore, the iOS
//! Secure Enclave) and a monotonic clock that survives app restarts (Android
//! `SystemClock.elapsedRealtime()` with the boot count). Both are UniFFI callback interfaces,
//! adapted here to the core's `DeviceKeystore` and `MonotonicClock`.

use std::sync::Arc;
use std::time::Duration;

use zhifa_core::clock::MonotonicClock;
use zhifa_core::crypto::{CryptoError, DeviceKeystore, PublicKey, Signer};

/// A failure inside the platform keystore (locked, key invalidated, user cancelled).
#[derive(Debug, thiserror::Error, uniffi::Error)]
pub enum PlatformError {
    #[error("{reason}")]
    Unavailable { reason: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for PlatformError {
    fn from(error: uniffi::UnexpectedUniFFICallbackError) -> Self {
        PlatformError::Unavailable {
            reason: error.reason,
        }
    }
}

/// The device key kept by the platform. Ed25519 or P-256 (ES256: a 64-byte r||s signature).
#[uniffi::export(with_foreign)]
pub trait PlatformKeystore: Send + Sync {
    /// The public key as SubjectPublicKeyInfo DER.
    fn public_key(&self) -> Vec<u8>;
    fn sign(&self, message: Vec<u8>) -> Result<Vec<u8>, PlatformError>;
}

/// Monotonic time that keeps counting across app restarts until the next reboot.
#[uniffi::export(with_foreign)]
pub trait PlatformClock: Send + Sync {
    fn elapsed_millis(&self) -> u64;
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
        let signature = self
            .platform
            .sign(message.to_vec())
            .map_err(|_| CryptoError::BadSignature)?;
        // A platform that signs with another key, or wrongly, must not produce codes.
        self.public.verify(message, &signature)?;
        Ok(signature)
    }
}

impl DeviceKeystore for Keystore {}

pub(crate) struct Clock(pub(crate) Arc<dyn PlatformClock>);

impl MonotonicClock for Clock {
    fn elapsed(&self) -> Duration {
        Duration::from_millis(self.0.elapsed_millis())
    }

    fn origin_id(&self) -> String {
        self.0.origin_id()
    }
}
