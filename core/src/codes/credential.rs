//! The duty credential (上岗凭证): issued by the server when an officer goes on duty, valid
//! for one shift, bound to the officer's device key, signed by the agency's key from the trust
//! list. A COSE_Sign1 over CWT claims with integer keys (2 sub, 4 exp, 6 iat, 7 cti) and
//! private claims (-1 name, -2 jurisdiction, -3 items, -4 device key, compact form). The
//! issuer is the agency that holds the signing key; it is not repeated in the claims, which
//! keeps the enforcement code within QR version 12.

use chrono::{DateTime, Duration, Utc};
use ciborium::Value;
use coset::{iana, CborSerializable, CoseSign1, RegisteredLabelWithPrivate};
use rand_core::{OsRng, RngCore};

use super::cbor::{self, Claims};
use super::{CodeError, CodeRefusal, LEEWAY_MINUTES};
use crate::crypto::{self, KeyId, PublicKey, Signer};
use crate::registry::{AgencyKey, KeyPurpose, Officer, Registry, RegistryError};

pub const MAX_SHIFT_HOURS: i64 = 24;
const MAX_CREDENTIAL_BYTES: usize = 1024;

const SUB: i64 = 2;
const EXP: i64 = 4;
const IAT: i64 = 6;
const CTI: i64 = 7;
const NAME: i64 = -1;
const JURISDICTION: i64 = -2;
const ITEMS: i64 = -3;
const DEVICE_KEY: i64 = -4;

/// What a duty credential says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyCredential {
    /// Random id: the revocation handle, and with the time step the replay key.
    pub id: [u8; 8],
    /// 执法证号
    pub subject: String,
    pub name: String,
    /// Division prefixes the officer may act in.
    pub jurisdiction: Vec<String>,
    /// The items of this shift's tasks; empty means every item the catalogue authorises.
    pub items: Vec<String>,
    pub device_key: PublicKey,
    /// Also the start of validity.
    pub issued_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

impl DutyCredential {
    /// How the revocation list names this credential: hex of SHA-256(id), first 16 bytes.
    pub fn id_hash(&self) -> String {
        hex::encode(&crypto::sha256(&self.id)[..16])
    }

    /// Signs these claims as they are. `issue_duty_credential` is the checked way to issue;
    /// this is for tools and tests that must make unusual credentials.
    pub fn sign(&self, agency: &dyn Signer) -> Result<Vec<u8>, crate::crypto::CryptoError> {
        crypto::sign1_compact(self.claims(), agency)
    }

    fn claims(&self) -> Vec<u8> {
        cbor::encode(&Value::Map(vec![
            (cbor::int(SUB), cbor::text(&self.subject)),
            (cbor::int(EXP), cbor::int(self.expires_at.timestamp())),
            (cbor::int(IAT), cbor::int(self.issued_at.timestamp())),
            (cbor::int(CTI), Value::Bytes(self.id.to_vec())),
            (cbor::int(NAME), cbor::text(&self.name)),
            (cbor::int(JURISDICTION), cbor::texts(&self.jurisdiction)),
            (cbor::int(ITEMS), cbor::texts(&self.items)),
            (
                cbor::int(DEVICE_KEY),
                Value::Bytes(self.device_key.to_compact()),
            ),
        ]))
    }

    fn from_claims(bytes: &[u8]) -> Result<DutyCredential, CodeRefusal> {
        let claims = Claims::parse(cbor::decode(bytes)?)?;
        let time = |key| {
            DateTime::from_timestamp(claims.int(key)?, 0)
                .ok_or_else(|| CodeRefusal::malformed("time out of range"))
        };
        Ok(DutyCredential {
            id: claims
                .bytes(CTI)?
                .try_into()
                .map_err(|_| CodeRefusal::malformed("credential id is not 8 bytes"))?,
            subject: claims.text(SUB)?,
            name: claims.text(NAME)?,
            jurisdiction: claims.texts(JURISDICTION)?,
            items: claims.texts(ITEMS)?,
            device_key: PublicKey::from_compact(&claims.bytes(DEVICE_KEY)?)
                .map_err(|_| CodeRefusal::malformed("device key"))?,
            issued_at: time(IAT)?,
            expires_at: time(EXP)?,
        })
    }
}

/// Issues a duty credential for `officer` on the device holding `device_key`, valid from
/// `valid_from` for `valid_for` (at most a shift). `items` must be among the officer's
/// authorised items (empty: all of them).
pub fn issue_duty_credential(
    agency: &dyn Signer,
    officer: &Officer,
    device_key: &PublicKey,
    items: &[String],
    valid_from: DateTime<Utc>,
    valid_for: Duration,
) -> Result<Vec<u8>, CodeError> {
    if valid_for > Duration::hours(MAX_SHIFT_HOURS) || valid_for <= Duration::zero() {
        return Err(CodeError::ShiftTooLong);
    }
    if items.iter().any(|item| !officer.items.contains(item)) {
        return Err(CodeError::ItemNotAuthorised);
    }
    let mut id = [0u8; 8];
    OsRng.fill_bytes(&mut id);
    let credential = DutyCredential {
        id,
        subject: officer.credential_no.clone(),
        name: officer.name.clone(),
        jurisdiction: officer.divisions.clone(),
        items: items.to_vec(),
        device_key: device_key.clone(),
        issued_at: trim_to_seconds(valid_from),
        expires_at: trim_to_seconds(valid_from + valid_for),
    };
    Ok(credential.sign(agency)?)
}

fn trim_to_seconds(t: DateTime<Utc>) -> DateTime<Utc> {
    DateTime::from_timestamp(t.timestamp(), 0).expect("a valid time stays valid")
}

/// A credential whose agency signature, key and validity were checked.
#[derive(Debug, Clone)]
pub struct CheckedCredential {
    pub credential: DutyCredential,
    pub agency_key: AgencyKey,
}

/// Checks a credential against the trust list and revocation list as of `now`: steps 2–4
/// and 6 of the verifier checklist.
pub(crate) fn check_credential(
    bytes: &[u8],
    registry: &Registry,
    now: DateTime<Utc>,
) -> Result<CheckedCredential, CodeRefusal> {
    if bytes.len() > MAX_CREDENTIAL_BYTES {
        return Err(CodeRefusal::malformed("credential too long"));
    }
    let sign1 =
        CoseSign1::from_slice(bytes).map_err(|_| CodeRefusal::malformed("not a COSE_Sign1"))?;
    let header = &sign1.protected.header;
    let algorithm_allowed = matches!(
        header.alg,
        Some(RegisteredLabelWithPrivate::Assigned(
            iana::Algorithm::EdDSA | iana::Algorithm::ES256
        ))
    );
    if !algorithm_allowed {
        return Err(CodeRefusal::UnsupportedAlgorithm);
    }
    let key_id =
        KeyId::from_slice(&header.key_id).ok_or_else(|| CodeRefusal::malformed("key id"))?;
    let agency_key = find_signer(&sign1, &key_id, KeyPurpose::DutyCredential, registry)?;
    let payload = sign1
        .payload
        .as_deref()
        .ok_or_else(|| CodeRefusal::malformed("no payload"))?;
    let credential = DutyCredential::from_claims(payload)?;

    if credential.issued_at < agency_key.valid_from || credential.issued_at > agency_key.valid_until
    {
        return Err(CodeRefusal::KeyNotValidAtIssue);
    }
    let covered = credential.jurisdiction.iter().all(|d| {
        agency_key
            .divisions
            .iter()
            .any(|k| d.starts_with(k.as_str()))
    });
    if credential.jurisdiction.is_empty() || !covered {
        return Err(CodeRefusal::OutsideKeyScope);
    }
    check_validity(credential.issued_at, credential.expires_at, now)?;
    if credential.expires_at - credential.issued_at > Duration::hours(MAX_SHIFT_HOURS) {
        return Err(CodeRefusal::ValidityTooLong);
    }
    if registry
        .credential_revoked(&credential.id_hash())
        .map_err(storage)?
        || registry
            .subject_revoked_before(&credential.subject)
            .map_err(storage)?
            .is_some_and(|before| credential.issued_at < before)
    {
        return Err(CodeRefusal::Revoked);
    }
    Ok(CheckedCredential {
        credential,
        agency_key,
    })
}

/// Finds the trust-list key of `purpose` with `key_id` whose signature verifies.
pub(crate) fn find_signer(
    sign1: &CoseSign1,
    key_id: &KeyId,
    purpose: KeyPurpose,
    registry: &Registry,
) -> Result<AgencyKey, CodeRefusal> {
    let candidates: Vec<(AgencyKey, PublicKey)> = registry
        .agency_keys(key_id)
        .map_err(storage)?
        .into_iter()
        .filter(|key| key.purpose == purpose)
        .filter_map(|key| {
            let public = PublicKey::from_spki_der(&hex::decode(&key.public_key).ok()?).ok()?;
            Some((key, public))
        })
        .collect();
    if candidates.is_empty() {
        return Err(CodeRefusal::UnknownKey);
    }
    candidates
        .into_iter()
        .find(|(_, public)| {
            sign1
                .verify_signature(&[], |signature, data| public.verify(data, signature))
                .is_ok()
        })
        .map(|(key, _)| key)
        .ok_or(CodeRefusal::BadAgencySignature)
}

pub(crate) fn check_validity(
    not_before: DateTime<Utc>,
    expires: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), CodeRefusal> {
    let leeway = Duration::minutes(LEEWAY_MINUTES);
    if now + leeway < not_before {
        return Err(CodeRefusal::NotYetValid);
    }
    if now - leeway > expires {
        return Err(CodeRefusal::Expired);
    }
    Ok(())
}

/// A catalogue read failed while verifying: the code cannot be judged.
pub(crate) fn storage(_: RegistryError) -> CodeRefusal {
    CodeRefusal::CatalogueUnavailable
}

/// Reads a credential's claims without checking anything: for display of the device's own.
pub fn read_unverified(bytes: &[u8]) -> Result<DutyCredential, CodeRefusal> {
    let sign1 =
        CoseSign1::from_slice(bytes).map_err(|_| CodeRefusal::malformed("not a COSE_Sign1"))?;
    DutyCredential::from_claims(sign1.payload.as_deref().unwrap_or_default())
}
