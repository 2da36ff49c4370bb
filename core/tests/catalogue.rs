//! The catalogue end to end inside the core: signed bundles applied to a real store, refused
//! bundles leaving it byte-for-byte unchanged, deltas, and search over the demo district.

use std::sync::Arc;

use chrono::Utc;
use sha2::{Digest, Sha256};
use zhifa_core::crypto::{Algorithm, Signer, SigningKey};
use zhifa_core::registry::{
    sign_bundle, BundleBody, BundleRefusal, CatalogueData, RecordKind, Registry, RegistryError,
    Removals, RowProblem, SearchHitKind, BUNDLE_FORMAT,
};
use zhifa_core::store::{Store, StoreError};

const YUZHONG: &str = "500103";

use zhifa_core::testing::yuzhong_catalogue as demo;

fn body(version: u64, base: Option<u64>, upserts: CatalogueData, removals: Removals) -> BundleBody {
    BundleBody {
        format: BUNDLE_FORMAT,
        version,
        base_version: base,
        scope: vec![YUZHONG.into()],
        issued_at: Utc::now(),
        upserts,
        removals,
    }
}

struct Device {
    _dir: tempfile::TempDir,
    store: Arc<Store>,
    registry: Registry,
}

fn device(authority: &SigningKey) -> Device {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), &zhifa_core::testing::test_key()).unwrap());
    let registry = Registry::new(
        store.clone(),
        vec![YUZHONG.into()],
        vec![authority.public_key()],
    )
    .unwrap();
    Device {
        _dir: dir,
        store,
        registry,
    }
}

/// A digest of every catalogue table and the meta rows: "exactly as before" means equal digests.
fn digest(store: &Store) -> String {
    store
        .read(|c| {
            let mut hasher = Sha256::new();
            for table in [
                "meta",
                "enforcement_body",
                "enforcement_item",
                "officer",
                "regulation",
                "regulation_article",
                "enterprise",
                "search_doc",
            ] {
                let mut statement = c
                    .prepare(&format!("SELECT * FROM {table} ORDER BY 1, 2"))
                    .unwrap();
                let columns = statement.column_count();
                let mut rows = statement.query([]).unwrap();
                while let Some(row) = rows.next().unwrap() {
                    for i in 0..columns {
                        hasher.update(format!("{:?}|", row.get_ref(i).unwrap()));
                    }
                }
            }
            let mut statement = c
                .prepare("SELECT rowid, title, body FROM search_index ORDER BY rowid")
                .unwrap();
            let mut rows = statement.query([]).unwrap();
            while let Some(row) = rows.next().unwrap() {
                hasher.update(format!(
                    "{:?}{:?}{:?}",
                    row.get_ref(0),
                    row.get_ref(1),
                    row.get_ref(2)
                ));
            }
            Ok::<_, rusqlite::Error>(hex::encode(hasher.finalize()))
        })
        .unwrap()
}

fn refused(result: Result<impl std::fmt::Debug, RegistryError>) -> BundleRefusal {
    match result {
        Err(RegistryError::Refused(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

#[test]
fn a_full_bundle_builds_the_catalogue_and_search_finds_it() {
    let authority = SigningKey::generate(Algorithm::EdDSA);
    let device = device(&authority);
    let data = demo();
    let signed = sign_bundle(
        &body(1, None, data.clone(), Removals::default()),
        &authority,
    )
    .unwrap();
    let report = device.registry.apply_bundle(&signed).unwrap();
    assert_eq!(report.version, 1);
    assert!(report.full);
    assert!(report.flagged_credit_codes.is_empty());

    let counts = device.registry.counts().unwrap();
    assert_eq!(counts.items as usize, data.items.len());
    assert_eq!(counts.enterprises as usize, data.enterprises.len());
    assert!(counts.items >= 40);

    let officer = device
        .registry
        .officer(&data.officers[0].credential_no)
        .unwrap()
        .unwrap();
    assert_eq!(officer, data.officers[0]);
    let regulation = device
        .registry
        .regulation("LAW-XZCFF-2021")
        .unwrap()
        .unwrap();
    assert_eq!(regulation, data.regulations[0]);
    let enterprise = device
        .registry
        .enterprise(&data.enterprises[3].credit_code)
        .unwrap()
        .unwrap();
    assert_eq!(enterprise, data.enterprises[3]);

    // Two characters, the common case.
    let hits = device.registry.search("无证", 10).unwrap();
    let keys: Vec<_> = hits.iter().map(|h| (h.kind, h.key.as_str())).collect();
    assert_eq!(
        keys,
        [
            (SearchHitKind::Regulation, "REG-WZWZ-2017"),
            (SearchHitKind::Item, "YZ-SC-019")
        ]
    );
    // Four characters: the barbecue item ranks first by its title.
    let hits = device.registry.search("露天烧烤", 10).unwrap();
    assert_eq!(hits[0].key, "YZ-CG-001");
    assert!(hits.iter().any(|h| h.kind == SearchHitKind::Article
        && h.article_number.as_deref() == Some("第一百一十八条")));
    // Article text: the summary-procedure thresholds.
    let hits = device.registry.search("当场作出", 10).unwrap();
    assert_eq!(hits[0].kind, SearchHitKind::Article);
    assert_eq!(hits[0].article_number.as_deref(), Some("第五十一条"));
    assert!(hits[0].excerpt.contains("当场作出"));
    // A regulation by its title.
    let hits = device.registry.search("旅游法", 10).unwrap();
    assert!(hits
        .iter()
        .any(|h| h.kind == SearchHitKind::Regulation && h.key == "LAW-LYF-2018"));
    // A phrase that is not in the catalogue finds nothing, even though its bigrams occur apart.
    assert!(device.registry.search("烧烤许可", 10).unwrap().is_empty());
    assert!(device.registry.search("，。", 10).unwrap().is_empty());
}

#[test]
fn a_delta_adds_changes_and_removes_and_search_follows() {
    let authority = SigningKey::generate(Algorithm::ES256);
    let device = device(&authority);
    let data = demo();
    device
        .registry
        .apply_bundle(
            &sign_bundle(
                &body(1, None, data.clone(), Removals::default()),
                &authority,
            )
            .unwrap(),
        )
        .unwrap();

    let mut renamed = data.items[0].clone();
    renamed.name = "对无许可经营网络餐饮的行政处罚".into();
    let upserts = CatalogueData {
        items: vec![renamed.clone()],
        ..Default::default()
    };
    let removals = Removals {
        items: vec!["YZ-SC-019".into()],
        enterprises: vec![data.enterprises[0].credit_code.clone()],
        ..Default::default()
    };
    let report = device
        .registry
        .apply_bundle(&sign_bundle(&body(2, Some(1), upserts, removals), &authority).unwrap())
        .unwrap();
    assert_eq!(
        (
            report.version,
            report.full,
            report.records_written,
            report.records_removed
        ),
        (2, false, 1, 2)
    );

    assert_eq!(
        device.registry.item(&renamed.code).unwrap().unwrap().name,
        renamed.name
    );
    assert!(device.registry.item("YZ-SC-019").unwrap().is_none());
    assert!(device
        .registry
        .enterprise(&data.enterprises[0].credit_code)
        .unwrap()
        .is_none());
    assert_eq!(
        device.registry.search("网络餐饮", 5).unwrap()[0].key,
        renamed.code
    );
    assert!(device
        .registry
        .search("无证无照", 5)
        .unwrap()
        .iter()
        .all(|h| h.key != "YZ-SC-019"));
    assert_eq!(device.registry.version().unwrap(), 2);

    // A delta that skips a version is refused.
    let gap = sign_bundle(
        &body(4, Some(3), CatalogueData::default(), Removals::default()),
        &authority,
    )
    .unwrap();
    assert_eq!(
        refused(device.registry.apply_bundle(&gap)),
        BundleRefusal::BaseMismatch {
            current: 2,
            base: 3
        }
    );
}

#[test]
fn every_refusal_leaves_the_store_exactly_as_before() {
    let authority = SigningKey::generate(Algorithm::EdDSA);
    let device = device(&authority);
    let data = demo();
    device
        .registry
        .apply_bundle(
            &sign_bundle(
                &body(5, None, data.clone(), Removals::default()),
                &authority,
            )
            .unwrap(),
        )
        .unwrap();
    let before = digest(&device.store);
    let next = body(6, None, data.clone(), Removals::default());

    // Signed by a key the device does not trust.
    let stranger = SigningKey::generate(Algorithm::EdDSA);
    let signed = sign_bundle(&next, &stranger).unwrap();
    assert_eq!(
        refused(device.registry.apply_bundle(&signed)),
        BundleRefusal::UnknownAuthority
    );

    // Content changed after signing (a forged catalogue under the real key id).
    let mut forged = sign_bundle(&next, &authority).unwrap();
    let at = forged
        .windows("渝中".len())
        .position(|w| w == "渝中".as_bytes())
        .unwrap();
    forged[at..at + "渝中".len()].copy_from_slice("渝北".as_bytes());
    assert_eq!(
        refused(device.registry.apply_bundle(&forged)),
        BundleRefusal::Forged
    );

    // Truncated in transit.
    let whole = sign_bundle(&next, &authority).unwrap();
    for cut in [0, 1, whole.len() / 2, whole.len() - 1] {
        assert_eq!(
            refused(device.registry.apply_bundle(&whole[..cut])),
            BundleRefusal::Malformed,
            "cut at {cut}"
        );
    }

    // Replayed older and same version.
    for version in [4, 5] {
        let old = sign_bundle(
            &body(version, None, data.clone(), Removals::default()),
            &authority,
        )
        .unwrap();
        assert_eq!(
            refused(device.registry.apply_bundle(&old)),
            BundleRefusal::Stale {
                current: 5,
                offered: version
            }
        );
    }

    // Cut for another district.
    let mut elsewhere = next.clone();
    elsewhere.scope = vec!["500112".into()];
    let signed = sign_bundle(&elsewhere, &authority).unwrap();
    assert_eq!(
        refused(device.registry.apply_bundle(&signed)),
        BundleRefusal::WrongScope
    );

    // An enterprise from another district smuggled into this district's bundle.
    let mut smuggled = next.clone();
    smuggled.upserts.enterprises[2].division = "500112".into();
    let signed = sign_bundle(&smuggled, &authority).unwrap();
    assert_eq!(
        refused(device.registry.apply_bundle(&signed)),
        BundleRefusal::InvalidRow {
            kind: RecordKind::Enterprise,
            index: 2,
            problem: RowProblem::OutsideScope
        }
    );

    // A malformed credit code in the last row: nothing of the rows before it is applied.
    let mut bad_code = next.clone();
    let last = bad_code.upserts.enterprises.len() - 1;
    bad_code.upserts.enterprises[last].credit_code = "91500103MA5U1A0Y3".into();
    bad_code.upserts.items[0].name = "should never be written".into();
    let signed = sign_bundle(&bad_code, &authority).unwrap();
    assert!(matches!(
        refused(device.registry.apply_bundle(&signed)),
        BundleRefusal::InvalidRow { kind: RecordKind::Enterprise, index, problem: RowProblem::CreditCode(_) } if index == last
    ));

    // A format from a newer app.
    let mut future = next.clone();
    future.format = 99;
    let signed = sign_bundle(&future, &authority).unwrap();
    assert_eq!(
        refused(device.registry.apply_bundle(&signed)),
        BundleRefusal::UnsupportedFormat(99)
    );

    assert_eq!(digest(&device.store), before);
    assert_eq!(device.registry.version().unwrap(), 5);
}

#[test]
fn a_check_character_mismatch_is_accepted_and_flagged() {
    let authority = SigningKey::generate(Algorithm::EdDSA);
    let device = device(&authority);
    let mut data = demo();
    let code = &mut data.enterprises[0].credit_code;
    let last = code.pop().unwrap();
    code.push(if last == '0' { '1' } else { '0' });
    let flagged = code.clone();
    let report = device
        .registry
        .apply_bundle(&sign_bundle(&body(1, None, data, Removals::default()), &authority).unwrap())
        .unwrap();
    assert_eq!(report.flagged_credit_codes, vec![flagged.clone()]);
    assert!(device.registry.enterprise(&flagged).unwrap().is_some());
}

#[test]
fn a_damaged_grade_or_item_kind_is_an_error_not_a_default() {
    let authority = SigningKey::generate(Algorithm::EdDSA);
    let device = device(&authority);
    let data = demo();
    let signed = sign_bundle(
        &body(1, None, data.clone(), Removals::default()),
        &authority,
    )
    .unwrap();
    device.registry.apply_bundle(&signed).unwrap();
    let enterprise = &data.enterprises[0].credit_code;
    let item = &data.items[0].code;
    assert!(device.registry.enterprise(enterprise).unwrap().is_some());
    assert!(device.registry.item(item).unwrap().is_some());

    device
        .store
        .write(|tx| -> Result<(), StoreError> {
            // The schema's CHECKs refuse these; a damaged file would not have asked.
            tx.execute_batch("PRAGMA ignore_check_constraints = ON")?;
            tx.execute(
                "UPDATE enterprise SET credit_grade = 'Z' WHERE credit_code = ?1",
                [enterprise],
            )?;
            tx.execute(
                "UPDATE enforcement_item SET kind = 'bogus' WHERE code = ?1",
                [item],
            )?;
            tx.execute_batch("PRAGMA ignore_check_constraints = OFF")?;
            Ok(())
        })
        .unwrap();
    assert!(matches!(
        device.registry.enterprise(enterprise),
        Err(RegistryError::Store(StoreError::Decode(what))) if what == "credit grade"
    ));
    assert!(matches!(
        device.registry.item(item),
        Err(RegistryError::Store(StoreError::Decode(what))) if what == "item kind"
    ));
}

#[test]
fn a_device_is_configured_with_real_division_codes() {
    let authority = SigningKey::generate(Algorithm::EdDSA);
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(Store::open(dir.path(), &zhifa_core::testing::test_key()).unwrap());
    for bad in [
        vec![],
        vec!["渝中".to_string()],
        vec!["5001034".to_string()],
    ] {
        assert!(matches!(
            Registry::new(store.clone(), bad, vec![authority.public_key()]),
            Err(RegistryError::BadJurisdiction)
        ));
    }
}

/// Set in the child process of the crash test: the store directory and the bundle to apply.
const CRASH_CHILD_ENV: &str = "ZHIFA_CRASH_CHILD";

/// Runs only as the child of `a_killed_apply_leaves_the_old_or_the_new_catalogue`.
#[test]
fn crash_child_applies_a_bundle() {
    let Ok(spec) = std::env::var(CRASH_CHILD_ENV) else {
        return;
    };
    let (dir, bundle, authority) = {
        let mut parts = spec.split('|');
        (
            parts.next().unwrap().to_owned(),
            parts.next().unwrap().to_owned(),
            parts.next().unwrap().to_owned(),
        )
    };
    let store = Arc::new(Store::open(&dir, &zhifa_core::testing::test_key()).unwrap());
    let authority =
        zhifa_core::crypto::PublicKey::from_spki_der(&hex::decode(authority).unwrap()).unwrap();
    let registry = Registry::new(store, vec!["50".into()], vec![authority]).unwrap();
    registry
        .apply_bundle(&std::fs::read(bundle).unwrap())
        .unwrap();
}

#[test]
fn a_killed_apply_leaves_the_old_or_the_new_catalogue() {
    use zhifa_core::registry::generate::{generate, Scale};
    let authority = SigningKey::generate(Algorithm::EdDSA);
    let city = |version, data| BundleBody {
        scope: vec!["50".into()],
        ..body(version, None, data, Removals::default())
    };
    let old = demo();
    let new = generate(Scale::SMALL, 11);
    let work = tempfile::tempdir().unwrap();
    let bundle_path = work.path().join("new.bundle");
    std::fs::write(
        &bundle_path,
        sign_bundle(&city(2, new.clone()), &authority).unwrap(),
    )
    .unwrap();
    let authority_hex = hex::encode(authority.public_key().to_spki_der());

    let prepare = |dir: &std::path::Path| {
        let store = Arc::new(Store::open(dir, &zhifa_core::testing::test_key()).unwrap());
        let registry =
            Registry::new(store, vec!["50".into()], vec![authority.public_key()]).unwrap();
        registry
            .apply_bundle(&sign_bundle(&city(1, old.clone()), &authority).unwrap())
            .unwrap();
    };
    let spawn = |dir: &std::path::Path| {
        std::process::Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "crash_child_applies_a_bundle", "--nocapture"])
            .env(
                CRASH_CHILD_ENV,
                format!(
                    "{}|{}|{authority_hex}",
                    dir.display(),
                    bundle_path.display()
                ),
            )
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap()
    };

    // One child runs to the end: how long a whole apply takes here, and that it works.
    let reference = work.path().join("reference");
    prepare(&reference);
    let started = std::time::Instant::now();
    assert!(spawn(&reference).wait().unwrap().success());
    let whole = started.elapsed();

    // Kills spread over the child's start-up, verification, write and exit. The machine's
    // speed varies (CI, other jobs), so when a child finished before its kill the spread
    // shrinks; rounds go on until enough kills have hit a running child.
    let (wanted, max_rounds) = (8usize, 40u32);
    let mut spread = whole * 13 / 10;
    let mut outcomes = [0usize; 2];
    let mut killed_running = 0;
    let mut rounds = 0;
    for round in 0..max_rounds {
        if killed_running >= wanted {
            break;
        }
        rounds += 1;
        let dir = work.path().join(format!("device-{round}"));
        prepare(&dir);
        let mut child = spawn(&dir);
        std::thread::sleep(spread * (round % 10) / 10);
        if child.try_wait().unwrap().is_none() {
            killed_running += 1;
        } else {
            spread = spread * 3 / 4;
        }
        child.kill().unwrap(); // SIGKILL on Unix
        child.wait().unwrap();

        let store = Arc::new(Store::open(&dir, &zhifa_core::testing::test_key()).unwrap());
        let registry =
            Registry::new(store, vec!["50".into()], vec![authority.public_key()]).unwrap();
        let counts = registry.counts().unwrap();
        let (expected, slot) = match registry.version().unwrap() {
            1 => (&old, 0),
            2 => (&new, 1),
            other => panic!("round {round}: version {other}"),
        };
        assert_eq!(counts.items as usize, expected.items.len(), "round {round}");
        assert_eq!(
            counts.officers as usize,
            expected.officers.len(),
            "round {round}"
        );
        assert_eq!(
            counts.enterprises as usize,
            expected.enterprises.len(),
            "round {round}"
        );
        assert!(
            !registry.search("行政处罚", 1).unwrap().is_empty(),
            "round {round}: search index intact"
        );
        outcomes[slot] += 1;
    }
    eprintln!("{killed_running} of {rounds} kills hit a running child; old/new catalogue after: {outcomes:?}");
    // Kills must land while the child runs, or the test proved nothing.
    assert!(
        killed_running >= wanted,
        "only {killed_running} kills hit a running child; {outcomes:?}"
    );
}
