//! Enforcement and enterprise codes end to end on real devices: every refusal reason, the
//! two-code visit, a PNG round trip, and hostile input that must never panic.

use chrono::{DateTime, Duration, Utc};
use zhifa_core::codes::credential::DutyCredential;
use zhifa_core::codes::enforcement::{render, STEP_SECONDS};
use zhifa_core::codes::{
    issue_duty_credential, issue_enterprise_code, qr, time_step, CodeRefusal, CodeWarning,
};
use zhifa_core::crypto::{Algorithm, PublicKey, Signer, SigningKey};
use zhifa_core::device::Device;
use zhifa_core::events;
use zhifa_core::registry::{
    sign_bundle, AgencyKey, BundleBody, CatalogueData, KeyPurpose, Officer, Removals, Revocation,
    RevocationTarget, BUNDLE_FORMAT,
};
use zhifa_core::Error;

const YUZHONG: &str = "500103";
const OFFICER: &str = "渝50010320021"; // 周强, urban management
const BARBECUE: &str = "91500103MA5U1A0E5B"; // 重庆渝中大坪山城烧烤店
const HOTPOT: &str = "91500103MA5U1A0B2Y"; // 重庆渝中解放碑老码头火锅餐饮有限公司

use zhifa_core::testing::yuzhong_catalogue as demo;

/// The URL form, in `codes/url.rs`.
#[path = "codes/url.rs"]
mod url;

fn trust(key: &SigningKey, agency: &str, purpose: KeyPurpose, divisions: &[&str]) -> AgencyKey {
    let public = key.public_key();
    AgencyKey {
        key_id: public.key_id().to_string(),
        agency_id: agency.into(),
        public_key: hex::encode(public.to_spki_der()),
        purpose,
        valid_from: Utc::now() - Duration::days(30),
        valid_until: Utc::now() + Duration::days(300),
        divisions: divisions.iter().map(|d| d.to_string()).collect(),
    }
}

struct World {
    authority: SigningKey,
    /// 渝中区城市管理局's credential key.
    agency: SigningKey,
    /// 渝中区市场监督管理局's enterprise-code key.
    market: SigningKey,
    catalogue: CatalogueData,
    dirs: Vec<tempfile::TempDir>,
}

impl World {
    fn new() -> World {
        let agency = SigningKey::generate(Algorithm::EdDSA);
        let market = SigningKey::generate(Algorithm::ES256);
        let mut catalogue = demo();
        catalogue.agency_keys = vec![
            trust(
                &agency,
                "B500103003",
                KeyPurpose::DutyCredential,
                &[YUZHONG],
            ),
            trust(
                &market,
                "B500103001",
                KeyPurpose::EnterpriseCode,
                &[YUZHONG],
            ),
        ];
        World {
            authority: SigningKey::generate(Algorithm::EdDSA),
            agency,
            market,
            catalogue,
            dirs: Vec::new(),
        }
    }

    /// A device holding this world's catalogue, issued at `issued_at`, clock anchored now.
    fn device_at(&mut self, issued_at: DateTime<Utc>) -> Device {
        let dir = tempfile::tempdir().unwrap();
        let device = Device::open(
            dir.path(),
            &zhifa_core::testing::test_key(),
            vec![YUZHONG.into()],
            vec![self.authority.public_key()],
        )
        .unwrap();
        let body = BundleBody {
            format: BUNDLE_FORMAT,
            version: 1,
            base_version: None,
            scope: vec![YUZHONG.into()],
            issued_at,
            upserts: self.catalogue.clone(),
            removals: Removals::default(),
        };
        device
            .catalogue()
            .apply_bundle(&sign_bundle(&body, &self.authority).unwrap())
            .unwrap();
        device.observe_server_time(Utc::now()).unwrap();
        self.dirs.push(dir);
        device
    }

    fn device(&mut self) -> Device {
        self.device_at(Utc::now())
    }

    fn officer(&self) -> Officer {
        self.catalogue
            .officers
            .iter()
            .find(|o| o.credential_no == OFFICER)
            .unwrap()
            .clone()
    }

    fn credential_for(&self, device: &Device, from: DateTime<Utc>, hours: i64) -> Vec<u8> {
        let items = vec!["YZ-CG-001".to_string()];
        issue_duty_credential(
            &self.agency,
            &self.officer(),
            &device.device_key(),
            &items,
            from,
            Duration::hours(hours),
        )
        .unwrap()
    }

    /// An officer's device with a credential for a shift that started an hour ago.
    fn on_duty(&mut self) -> Device {
        let device = self.device();
        let credential = self.credential_for(&device, Utc::now() - Duration::hours(1), 8);
        device.codes().install_credential(&credential).unwrap();
        device
    }
}

fn refusal(result: Result<impl std::fmt::Debug, Error>) -> CodeRefusal {
    match result {
        Err(Error::Code(refusal)) => refusal,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn current_step() -> u64 {
    time_step(Utc::now())
}

#[test]
fn an_enterprise_verifies_an_officer_offline_and_a_code_works_once() {
    let mut world = World::new();
    let officer = world.on_duty();
    let enterprise = world.device();
    let code = officer.codes().enforcement_code(None).unwrap();
    assert!(code.payload.starts_with("EC1:"));

    let verified = enterprise
        .codes()
        .verify_enforcement_code(&code.payload, Some(BARBECUE), YUZHONG)
        .unwrap();
    assert_eq!(verified.name, "周强");
    assert_eq!(verified.credential_no, OFFICER);
    assert_eq!(
        verified.agency_name.as_deref(),
        Some("重庆市渝中区城市管理局")
    );
    assert_eq!(verified.items.len(), 1);
    assert_eq!(verified.items[0].code, "YZ-CG-001");
    assert!(verified.items[0]
        .name
        .as_deref()
        .unwrap()
        .contains("露天烧烤"));
    assert!(verified.warnings.is_empty(), "{:?}", verified.warnings);

    assert_eq!(
        refusal(
            enterprise
                .codes()
                .verify_enforcement_code(&code.payload, Some(BARBECUE), YUZHONG)
        ),
        CodeRefusal::Replayed
    );
    // Both verdicts were logged as signed events for the server to reconcile.
    let logged = enterprise.sync().pending_events(10).unwrap();
    assert_eq!(logged.len(), 2);
    assert!(logged.iter().all(|e| e.kind == "code_verification"));
    let first: events::Envelope<serde_json::Value> =
        events::open(&logged[0].signed, &enterprise.device_key()).unwrap();
    assert_eq!(first.body["credential_no"], OFFICER);
}

#[test]
fn a_credential_without_items_shows_every_item_the_catalogue_authorises() {
    let mut world = World::new();
    let officer = world.device();
    let credential = issue_duty_credential(
        &world.agency,
        &world.officer(),
        &officer.device_key(),
        &[],
        Utc::now(),
        Duration::hours(8),
    )
    .unwrap();
    officer.codes().install_credential(&credential).unwrap();
    let verified = world
        .device()
        .codes()
        .verify_enforcement_code(
            &officer.codes().enforcement_code(None).unwrap().payload,
            None,
            YUZHONG,
        )
        .unwrap();
    assert_eq!(verified.items.len(), world.officer().items.len());
}

#[test]
fn a_code_bound_to_one_enterprise_fails_at_another() {
    let mut world = World::new();
    let officer = world.on_duty();
    let enterprise = world.device();
    let bound = officer.codes().enforcement_code(Some(BARBECUE)).unwrap();
    assert_eq!(
        refusal(
            enterprise
                .codes()
                .verify_enforcement_code(&bound.payload, Some(HOTPOT), YUZHONG)
        ),
        CodeRefusal::WrongEnterprise
    );
    assert_eq!(
        refusal(
            enterprise
                .codes()
                .verify_enforcement_code(&bound.payload, None, YUZHONG)
        ),
        CodeRefusal::WrongEnterprise
    );
    enterprise
        .codes()
        .verify_enforcement_code(&bound.payload, Some(BARBECUE), YUZHONG)
        .unwrap();
}

#[test]
fn expired_not_yet_valid_and_over_long_credentials_are_refused() {
    let mut world = World::new();
    let enterprise = world.device();
    let officer = world.device();
    let step = current_step();
    let code_with =
        |credential: &[u8]| render(credential, &device_signer(&officer), step, None).unwrap();

    let expired = world.credential_for(&officer, Utc::now() - Duration::hours(30), 24);
    assert_eq!(
        refusal(
            enterprise
                .codes()
                .verify_enforcement_code(&code_with(&expired), None, YUZHONG)
        ),
        CodeRefusal::Expired
    );
    let future = world.credential_for(&officer, Utc::now() + Duration::hours(2), 8);
    assert_eq!(
        refusal(
            enterprise
                .codes()
                .verify_enforcement_code(&code_with(&future), None, YUZHONG)
        ),
        CodeRefusal::NotYetValid
    );

    let long = DutyCredential {
        id: [7; 8],
        subject: OFFICER.into(),
        name: "周强".into(),
        jurisdiction: vec![YUZHONG.into()],
        items: vec![],
        device_key: officer.device_key(),
        issued_at: DateTime::from_timestamp(Utc::now().timestamp() - 3600, 0).unwrap(),
        expires_at: DateTime::from_timestamp(Utc::now().timestamp() + 47 * 3600, 0).unwrap(),
    }
    .sign(&world.agency)
    .unwrap();
    assert_eq!(
        refusal(
            enterprise
                .codes()
                .verify_enforcement_code(&code_with(&long), None, YUZHONG)
        ),
        CodeRefusal::ValidityTooLong
    );
    // And the issuer never makes one.
    assert!(issue_duty_credential(
        &world.agency,
        &world.officer(),
        &officer.device_key(),
        &[],
        Utc::now(),
        Duration::hours(25)
    )
    .is_err());
}

/// The device key of a software-keystore device, re-loaded from its store for tests that
/// render codes at chosen steps.
fn device_signer(device: &Device) -> SigningKey {
    let (algorithm, secret): (String, Vec<u8>) = device
        .store()
        .read(|c| {
            c.query_row(
                "SELECT algorithm, secret FROM device_key WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
        })
        .unwrap();
    SigningKey::from_secret_bytes(Algorithm::parse(&algorithm).unwrap(), &secret).unwrap()
}

#[test]
fn revoked_by_id_and_by_issued_before_are_refused() {
    let mut world = World::new();
    let officer = world.device();
    let credential = world.credential_for(&officer, Utc::now() - Duration::hours(1), 8);
    let parsed = zhifa_core::codes::credential::read_unverified(&credential).unwrap();
    let code = render(&credential, &device_signer(&officer), current_step(), None).unwrap();

    world.catalogue.revocations = vec![Revocation {
        id: "R1".into(),
        target: RevocationTarget::Credential {
            id_hash: parsed.id_hash(),
        },
        expires: Utc::now() + Duration::days(1),
    }];
    assert_eq!(
        refusal(
            world
                .device()
                .codes()
                .verify_enforcement_code(&code, None, YUZHONG)
        ),
        CodeRefusal::Revoked
    );

    world.catalogue.revocations = vec![Revocation {
        id: "R2".into(),
        target: RevocationTarget::SubjectBefore {
            subject: OFFICER.into(),
            before: Utc::now(),
        },
        expires: Utc::now() + Duration::days(1),
    }];
    assert_eq!(
        refusal(
            world
                .device()
                .codes()
                .verify_enforcement_code(&code, None, YUZHONG)
        ),
        CodeRefusal::Revoked
    );

    // A credential issued after the cut-off is fine.
    world.catalogue.revocations[0].target = RevocationTarget::SubjectBefore {
        subject: OFFICER.into(),
        before: Utc::now() - Duration::hours(2),
    };
    world
        .device()
        .codes()
        .verify_enforcement_code(&code, None, YUZHONG)
        .unwrap();
}

#[test]
fn unknown_keys_forged_signatures_and_keys_out_of_scope_or_period_are_refused() {
    let mut world = World::new();
    let enterprise = world.device();
    let officer = world.device();
    let signer = device_signer(&officer);
    let step = current_step();

    // Signed by an agency key that is not in the trust list.
    let stranger = SigningKey::generate(Algorithm::EdDSA);
    let credential = issue_duty_credential(
        &stranger,
        &world.officer(),
        &officer.device_key(),
        &[],
        Utc::now(),
        Duration::hours(8),
    )
    .unwrap();
    let code = render(&credential, &signer, step, None).unwrap();
    assert_eq!(
        refusal(
            enterprise
                .codes()
                .verify_enforcement_code(&code, None, YUZHONG)
        ),
        CodeRefusal::UnknownKey
    );

    // The real key's credential with one byte of the name changed.
    let mut forged = world.credential_for(&officer, Utc::now(), 8);
    let at = forged
        .windows("周强".len())
        .position(|w| w == "周强".as_bytes())
        .unwrap();
    forged[at..at + 3].copy_from_slice("吴".as_bytes());
    let code = render(&forged, &signer, step, None).unwrap();
    assert_eq!(
        refusal(
            enterprise
                .codes()
                .verify_enforcement_code(&code, None, YUZHONG)
        ),
        CodeRefusal::BadAgencySignature
    );

    // The agency key may sign only for Yubei.
    world.catalogue.agency_keys[0].divisions = vec!["500112".into()];
    let code = render(
        &world.credential_for(&officer, Utc::now(), 8),
        &signer,
        step,
        None,
    )
    .unwrap();
    assert_eq!(
        refusal(
            world
                .device()
                .codes()
                .verify_enforcement_code(&code, None, YUZHONG)
        ),
        CodeRefusal::OutsideKeyScope
    );

    // The agency key's signing period ended yesterday.
    world.catalogue.agency_keys[0].divisions = vec![YUZHONG.into()];
    world.catalogue.agency_keys[0].valid_until = Utc::now() - Duration::days(1);
    assert_eq!(
        refusal(
            world
                .device()
                .codes()
                .verify_enforcement_code(&code, None, YUZHONG)
        ),
        CodeRefusal::KeyNotValidAtIssue
    );
}

#[test]
fn a_code_not_made_by_the_credentials_device_is_refused() {
    let mut world = World::new();
    let officer = world.device();
    let credential = world.credential_for(&officer, Utc::now(), 8);
    // Someone copied the credential and signs codes with their own key.
    let thief = SigningKey::generate(Algorithm::EdDSA);
    let code = render(&credential, &thief, current_step(), None).unwrap();
    assert_eq!(
        refusal(
            world
                .device()
                .codes()
                .verify_enforcement_code(&code, None, YUZHONG)
        ),
        CodeRefusal::BadDeviceSignature
    );
}

#[test]
fn the_step_window_is_two_back_and_one_ahead() {
    let mut world = World::new();
    let enterprise = world.device();
    let officer = world.device();
    let credential = world.credential_for(&officer, Utc::now() - Duration::hours(1), 8);
    let signer = device_signer(&officer);
    // Stay clear of a step boundary so "now" does not move under the test.
    if Utc::now().timestamp() % STEP_SECONDS > STEP_SECONDS - 3 {
        std::thread::sleep(std::time::Duration::from_secs(3));
    }
    let now = current_step();
    let verify = |step| {
        enterprise.codes().verify_enforcement_code(
            &render(&credential, &signer, step, None).unwrap(),
            None,
            YUZHONG,
        )
    };
    assert_eq!(refusal(verify(now - 3)), CodeRefusal::StepTooOld);
    assert_eq!(refusal(verify(now + 2)), CodeRefusal::StepTooNew);
    for step in [now - 2, now - 1, now, now + 1] {
        verify(step).unwrap();
    }
}

#[test]
fn premises_outside_the_officers_jurisdiction_are_refused() {
    let mut world = World::new();
    let code = world.on_duty().codes().enforcement_code(None).unwrap();
    assert_eq!(
        refusal(
            world
                .device()
                .codes()
                .verify_enforcement_code(&code.payload, None, "500112")
        ),
        CodeRefusal::OutsideJurisdiction
    );
}

#[test]
fn a_stale_trust_list_still_answers_with_a_warning() {
    let mut world = World::new();
    let code = world.on_duty().codes().enforcement_code(None).unwrap();
    let stale = world.device_at(Utc::now() - Duration::days(8));
    let verified = stale
        .codes()
        .verify_enforcement_code(&code.payload, None, YUZHONG)
        .unwrap();
    assert_eq!(verified.warnings, vec![CodeWarning::TrustListStale]);
}

#[test]
fn a_credential_for_another_device_is_not_installed() {
    let mut world = World::new();
    let mine = world.device();
    let other = world.device();
    let theirs = world.credential_for(&other, Utc::now(), 8);
    assert_eq!(
        refusal(mine.codes().install_credential(&theirs)),
        CodeRefusal::NotForThisDevice
    );
    assert_eq!(
        refusal(mine.codes().enforcement_code(None)),
        CodeRefusal::NoDutyCredential
    );
}

#[test]
fn malformed_input_of_many_kinds_is_refused_without_panicking() {
    let mut world = World::new();
    let enterprise = world.device();
    let valid = world
        .on_duty()
        .codes()
        .enforcement_code(None)
        .unwrap()
        .payload;
    let cases = [
        String::new(),
        "EC1:".into(),
        "EC1:!!!!".into(),
        "EQ1:ABC".into(),
        "https://example.invalid/?code=1".into(),
        format!("EC1:{}", base45::encode(b"not cbor at all")),
        format!("EC1:{}", base45::encode([0x84, 0x01, 0x02, 0x03, 0x04])),
        format!("EC1:{}", base45::encode([0x9f; 64])),
        valid[..valid.len() / 2].to_string(),
        format!("{valid}AA"),
        "EC1:".to_string() + &"A".repeat(5000),
        "执法码".into(),
    ];
    for case in cases {
        assert!(
            matches!(
                refusal(
                    enterprise
                        .codes()
                        .verify_enforcement_code(&case, None, YUZHONG)
                ),
                CodeRefusal::Malformed { .. }
            ),
            "{case:.40}"
        );
    }
}

#[test]
fn the_two_code_visit_is_signed_queued_and_verified_by_the_enterprise() {
    let mut world = World::new();
    let officer = world.on_duty();
    let enterprise = world.device();
    let barbecue = world
        .catalogue
        .enterprises
        .iter()
        .find(|e| e.credit_code == BARBECUE)
        .unwrap()
        .clone();
    let printed = issue_enterprise_code(
        &world.market,
        &barbecue,
        1,
        Utc::now() - Duration::days(10),
        Duration::days(365),
    )
    .unwrap();
    assert!(printed.starts_with("EQ1:"));

    let gps = zhifa_core::codes::GpsFix {
        latitude: 29.5383,
        longitude: 106.4953,
        accuracy_m: 8.0,
    };
    let opened = officer
        .codes()
        .open_visit(
            &printed,
            Some(gps),
            vec!["渝50010320022".into()],
            Some(BARBECUE),
        )
        .unwrap();
    assert_eq!(opened.enterprise.code.name, barbecue.name);
    assert!(opened.enterprise.warnings.is_empty());
    assert_eq!(opened.visit.officer, OFFICER);
    assert_eq!(opened.visit.gps, Some(gps));

    let queued = officer.sync().pending_events(10).unwrap();
    assert_eq!(queued.len(), 1);
    let visit: events::Envelope<zhifa_core::codes::VisitRecord> =
        events::open(&queued[0].signed, &officer.device_key()).unwrap();
    assert_eq!(visit.body, opened.visit);
    // Another device's key does not open it.
    assert!(
        events::open::<serde_json::Value>(&queued[0].signed, &enterprise.device_key()).is_err()
    );

    // The enterprise checks the code shown for it.
    let verified = enterprise
        .codes()
        .verify_enforcement_code(&opened.enforcement_code.payload, Some(BARBECUE), YUZHONG)
        .unwrap();
    assert_eq!(verified.name, "周强");

    // Not the planned enterprise.
    assert_eq!(
        refusal(
            officer
                .codes()
                .open_visit(&printed, None, vec![], Some(HOTPOT))
        ),
        CodeRefusal::NotThePlannedEnterprise
    );
}

#[test]
fn enterprise_code_refusals() {
    let mut world = World::new();
    let barbecue = world
        .catalogue
        .enterprises
        .iter()
        .find(|e| e.credit_code == BARBECUE)
        .unwrap()
        .clone();
    let old_print = issue_enterprise_code(
        &world.market,
        &barbecue,
        1,
        Utc::now() - Duration::days(10),
        Duration::days(365),
    )
    .unwrap();
    world.catalogue.revocations = vec![Revocation {
        id: "EQ-retire".into(),
        target: RevocationTarget::EnterpriseSerial {
            credit_code: BARBECUE.into(),
            min_serial: 2,
        },
        expires: Utc::now() + Duration::days(365),
    }];
    let officer = world.on_duty();
    assert_eq!(
        refusal(officer.codes().open_visit(&old_print, None, vec![], None)),
        CodeRefusal::RetiredSerial
    );
    let new_print =
        issue_enterprise_code(&world.market, &barbecue, 2, Utc::now(), Duration::days(365))
            .unwrap();
    officer
        .codes()
        .open_visit(&new_print, None, vec![], None)
        .unwrap();

    let expired = issue_enterprise_code(
        &world.market,
        &barbecue,
        3,
        Utc::now() - Duration::days(20),
        Duration::days(10),
    )
    .unwrap();
    assert_eq!(
        refusal(officer.codes().open_visit(&expired, None, vec![], None)),
        CodeRefusal::Expired
    );
    // An enterprise code signed with a credential key (wrong purpose) finds no issuer.
    let wrong_purpose =
        issue_enterprise_code(&world.agency, &barbecue, 3, Utc::now(), Duration::days(365))
            .unwrap();
    assert_eq!(
        refusal(
            officer
                .codes()
                .open_visit(&wrong_purpose, None, vec![], None)
        ),
        CodeRefusal::UnknownKey
    );
    // An enforcement code is not an enterprise code.
    let ec = officer.codes().enforcement_code(None).unwrap().payload;
    assert!(matches!(
        refusal(officer.codes().open_visit(&ec, None, vec![], None)),
        CodeRefusal::Malformed { .. }
    ));
}

#[test]
fn codes_fit_their_qr_budgets_and_survive_a_png_round_trip() {
    let mut world = World::new();
    let officer = world.on_duty();
    let enterprise = world.device();
    let code = officer.codes().enforcement_code(Some(BARBECUE)).unwrap();
    assert!(
        qr::version(&code.payload).unwrap() <= 12,
        "EC1 is {} chars",
        code.payload.len()
    );

    let longest = world
        .catalogue
        .enterprises
        .iter()
        .max_by_key(|e| e.name.len())
        .unwrap()
        .clone();
    let printed =
        issue_enterprise_code(&world.market, &longest, 1, Utc::now(), Duration::days(365)).unwrap();
    assert!(
        qr::version(&printed).unwrap() <= 9,
        "EQ1 is {} chars",
        printed.len()
    );

    let png = qr::render_png(&code.payload, 4).unwrap();
    let decoded = qr::decode_image(&png).unwrap();
    assert_eq!(decoded, vec![code.payload.clone()]);
    enterprise
        .codes()
        .verify_enforcement_code(&decoded[0], Some(BARBECUE), YUZHONG)
        .unwrap();

    assert!(qr::render_svg(&printed).unwrap().starts_with("<?xml"));
    assert!(qr::render_terminal(&printed).unwrap().lines().count() > 20);
    assert!(qr::decode_image(b"not an image").is_err());
}

#[test]
fn a_p256_device_key_works_as_the_secure_enclave_would_use_it() {
    let mut world = World::new();
    let officer_key = SigningKey::generate(Algorithm::ES256);
    let credential = issue_duty_credential(
        &world.agency,
        &world.officer(),
        &officer_key.public_key(),
        &[],
        Utc::now(),
        Duration::hours(8),
    )
    .unwrap();
    let code = render(&credential, &officer_key, current_step(), Some(BARBECUE)).unwrap();
    let verified = world
        .device()
        .codes()
        .verify_enforcement_code(&code, Some(BARBECUE), YUZHONG)
        .unwrap();
    assert_eq!(verified.credential_no, OFFICER);
    assert_eq!(
        PublicKey::from_compact(&officer_key.public_key().to_compact()).unwrap(),
        officer_key.public_key()
    );
}

mod hostile_input {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,300}") {
            let mut world = World::new();
            let device = world.device();
            let _ = device.codes().verify_enforcement_code(&text, None, YUZHONG);
            let _ = device.codes().verify_enforcement_code(&format!("EC1:{text}"), None, YUZHONG);
            let _ = zhifa_core::codes::enterprise::verify(&format!("EQ1:{text}"), Utc::now(), device.catalogue(), None);
        }

        #[test]
        fn arbitrary_bytes_behind_the_prefixes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
            let mut world = World::new();
            let device = world.device();
            let encoded = base45::encode(&bytes);
            let result = device.codes().verify_enforcement_code(&format!("EC1:{encoded}"), None, YUZHONG);
            prop_assert!(matches!(result, Err(Error::Code(_))));
            let result = zhifa_core::codes::enterprise::verify(&format!("EQ1:{encoded}"), Utc::now(), device.catalogue(), None);
            prop_assert!(result.is_err());
        }
    }
}
