//! Whatever a camera reads goes straight to the verifiers: they must refuse it, never panic.
//! Half the inputs are raw text; the other half are arbitrary bytes behind the EC1:/EQ1:
//! prefixes in Base45, so the CBOR and COSE parsers see them too.
//!
//! RUSTC_BOOTSTRAP=1 cargo fuzz run scanned_code -- -runs=1000000

#![no_main]

use std::sync::OnceLock;

use chrono::{Duration, Utc};
use libfuzzer_sys::fuzz_target;
use zhifa_core::codes::enforcement::{check, VerifyContext};
use zhifa_core::codes::enterprise;
use zhifa_core::crypto::{Algorithm, Signer, SigningKey};
use zhifa_core::device::Device;
use zhifa_core::registry::{AgencyKey, KeyPurpose};

struct Verifier {
    device: Device,
    context: VerifyContext,
    _dir: tempfile::TempDir,
}

fn verifier() -> &'static Verifier {
    static VERIFIER: OnceLock<Verifier> = OnceLock::new();
    VERIFIER.get_or_init(|| {
        // The part within the device's scope (the demo also holds the 川渝 zone's records).
        let mut catalogue = zhifa_core::testing::yuzhong_catalogue();
        let authority = SigningKey::generate(Algorithm::EdDSA);
        let agency = SigningKey::generate(Algorithm::EdDSA);
        let public = agency.public_key();
        catalogue.agency_keys = vec![AgencyKey {
            key_id: public.key_id().to_string(),
            agency_id: "B500103003".into(),
            public_key: hex::encode(public.to_spki_der()),
            purpose: KeyPurpose::DutyCredential,
            valid_from: Utc::now() - Duration::days(1),
            valid_until: Utc::now() + Duration::days(365),
            divisions: vec!["500103".into()],
        }];
        let dir = tempfile::tempdir().unwrap();
        let device = Device::open(dir.path(), &zhifa_core::testing::test_key(), vec!["500103".into()], vec![authority.public_key()]).unwrap();
        let bundle = zhifa_core::testing::signed_bundle(&authority, 1, &["500103"], catalogue);
        device.catalogue().apply_bundle(&bundle).unwrap();
        let context = VerifyContext {
            now: device.now(),
            own_credit_code: Some("91500103MA5U1A0E5B".into()),
            own_division: "500103".into(),
        };
        Verifier {
            device,
            context,
            _dir: dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let verifier = verifier();
    let text = match selector % 3 {
        0 => String::from_utf8_lossy(rest).into_owned(),
        1 => format!("EC1:{}", base45::encode(rest)),
        _ => format!("EQ1:{}", base45::encode(rest)),
    };
    assert!(check(&text, &verifier.context, verifier.device.catalogue()).is_err());
    assert!(enterprise::verify(&text, Utc::now(), verifier.device.catalogue(), None).is_err());
});
