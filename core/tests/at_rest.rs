//! A lost phone: whoever copies the app's folder, without the key that unwraps the data key,
//! reads none of what the officer recorded, nor the device key; the officer's phone keeps
//! working. (The store's own tests cover wrong keys, quarantine, modes and the upgrade.)

use std::path::Path;

use zhifa_core::cases::{CaseEdit, CaseKind};
use zhifa_core::crypto::{KdfParams, PassphraseWrapper, WrapError};
use zhifa_core::device::Device;
use zhifa_core::store::StoreError;
use zhifa_core::testing::{person, test_key, Phone};

/// Every byte of every file under `dir`, with its path.
fn everything_on_disk(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(everything_on_disk(&path));
        } else {
            found.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
    }
    found
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn a_copied_app_folder_reveals_no_case_evidence_or_device_key() {
    let phone = Phone::demo();
    let device = &phone.device;
    let today = zhifa_core::testing::today();
    let case = device
        .cases()
        .create(CaseKind::Ordinary, "DQ-116", "500103", today, today)
        .unwrap();
    device
        .cases()
        .edit(
            &case.id,
            &[
                CaseEdit::AddParty(person()),
                CaseEdit::AppendFindings("店外占道经营露天烧烤，现场查获烤炉两台。".into()),
            ],
        )
        .unwrap();
    let photo = b"\xff\xd8\xff\xe0 the stall at night, JFIF".repeat(2_000);
    let with = device
        .evidence()
        .add_to_case(&case.id, &photo, "现场照片", "烧烤摊全景", None)
        .unwrap();
    let hash = with.evidence[0].hash.clone();
    let secret: Vec<u8> = device
        .store()
        .read(|c| {
            c.query_row("SELECT secret FROM device_key WHERE id = 1", [], |r| {
                r.get(0)
            })
        })
        .unwrap();

    // The thief's copy, taken while the app runs (WAL and all).
    let copy = tempfile::tempdir().unwrap();
    for (path, bytes) in everything_on_disk(phone.dir.path()) {
        let relative = Path::new(&path).strip_prefix(phone.dir.path()).unwrap();
        let target = copy.path().join(relative);
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        std::fs::write(target, bytes).unwrap();
    }
    let party = person();
    let secrets: [(&str, &[u8]); 7] = [
        ("party name", party.name.as_bytes()),
        (
            "identity number",
            party.id_number.as_deref().unwrap().as_bytes(),
        ),
        ("findings", "露天烧烤，现场查获".as_bytes()),
        ("evidence content", &photo[..64]),
        ("evidence hash", hash.as_bytes()),
        ("device key", &secret),
        ("SQLite header", b"SQLite format 3\0"),
    ];
    for (path, bytes) in everything_on_disk(copy.path()) {
        for (what, needle) in secrets {
            assert!(!contains(&bytes, needle), "{what} readable in {path}");
        }
        assert!(!path.contains(&hash), "the evidence hash names {path}");
    }

    // Opening the copy needs the wrapping key: a guessed passphrase is refused, and the copy
    // is left as it was.
    let guess = PassphraseWrapper::with_params("123456", KdfParams::LIGHT_FOR_TESTS);
    let refused = Device::open(copy.path(), &guess, vec!["500103".into()], vec![]);
    assert!(matches!(
        refused,
        Err(zhifa_core::Error::Store(StoreError::Key(
            WrapError::Refused
        )))
    ));
    assert!(
        Device::open(copy.path(), &test_key(), vec!["500103".into()], vec![])
            .unwrap()
            .store()
            .quarantined()
            .is_none()
    );

    // The officer's phone goes on as before.
    let again = device
        .evidence()
        .add_to_case(&case.id, b"second photo", "现场照片", "烤炉特写", None)
        .unwrap();
    assert_eq!(again.evidence.len(), 2);
    assert_eq!(
        device.store().blobs().get(&hash.parse().unwrap()).unwrap(),
        photo
    );
}
