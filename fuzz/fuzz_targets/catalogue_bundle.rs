//! A catalogue bundle as a device receives it (`Registry::apply_bundle`): it must be refused
//! or applied, never panic, and the device's catalogue still reads afterwards. Half the inputs
//! go in as they are (the COSE_Sign1 layer); the other half are first signed by the authority
//! the device trusts, so the body decoder, the row checks and the write see arbitrary CBOR.
//!
//! RUSTC_BOOTSTRAP=1 cargo fuzz run catalogue_bundle -- -runs=1000000

#![no_main]

use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use zhifa_core::crypto::{sign1, Algorithm, Signer, SigningKey};
use zhifa_core::device::Device;
use zhifa_core::registry::BUNDLE_CONTENT_TYPE;

struct Fixture {
    device: Device,
    authority: SigningKey,
    _dir: tempfile::TempDir,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        let authority = SigningKey::generate(Algorithm::EdDSA);
        let dir = tempfile::tempdir().unwrap();
        let device = Device::open(
            dir.path(),
            &zhifa_core::testing::test_key(),
            vec!["500103".into()],
            vec![authority.public_key()],
        )
        .unwrap();
        Fixture {
            device,
            authority,
            _dir: dir,
        }
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&selector, rest)) = data.split_first() else {
        return;
    };
    let fixture = fixture();
    let bytes = if selector % 2 == 0 {
        rest.to_vec()
    } else {
        sign1(rest.to_vec(), BUNDLE_CONTENT_TYPE, &fixture.authority).unwrap()
    };
    let _ = fixture.device.catalogue().apply_bundle(&bytes);
    fixture.device.catalogue().version().unwrap();
    fixture.device.catalogue().counts().unwrap();
});
