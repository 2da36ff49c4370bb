//! Code benchmarks against DESIGN.md §6: verify an enforcement code ≤ 1 ms; generate and
//! render one ≤ 5 ms. Sizes and QR versions are printed for docs/CODES.md.
//!
//! cargo bench -p zhifa-core --bench codes

use std::time::Duration as StdDuration;

use chrono::{Duration, Utc};
use criterion::{criterion_group, criterion_main, Criterion};
use zhifa_core::codes::enforcement::{check, render, url_form, VerifyContext};
use zhifa_core::codes::{enterprise, issue_duty_credential, issue_enterprise_code, qr, time_step};
use zhifa_core::crypto::{Algorithm, Signer, SigningKey};
use zhifa_core::device::Device;
use zhifa_core::registry::{AgencyKey, KeyPurpose};
use zhifa_core::testing::{signed_bundle, YUZHONG};

fn trust(key: &SigningKey, agency: &str, purpose: KeyPurpose) -> AgencyKey {
    let public = key.public_key();
    AgencyKey {
        key_id: public.key_id().to_string(),
        agency_id: agency.into(),
        public_key: hex::encode(public.to_spki_der()),
        purpose,
        valid_from: Utc::now() - Duration::days(1),
        valid_until: Utc::now() + Duration::days(365),
        divisions: vec![YUZHONG.into()],
    }
}

/// The URL form's size under a realistic base, against the alternative it replaced (the
/// Base45 text percent-encoded), worst of 200 renders (each signature differs).
fn url_sizes(items: usize, credential: &[u8], device_key: &SigningKey) {
    const BASE: &str = "https://zfjd.cq.gov.cn";
    let (mut url, mut url_version, mut percent_version, mut percent_chars) = (0, 0, 0, 0);
    for _ in 0..200 {
        let code = render(credential, device_key, time_step(Utc::now()), None).unwrap();
        let form = url_form(BASE, &code);
        url = url.max(form.len());
        url_version = url_version.max(qr::version(&form).unwrap());
        let percent = format!(
            "HTTPS://ZFJD.CQ.GOV.CN/V/{}",
            code.replace('%', "%25").replace(' ', "%20")
        );
        percent_chars = percent_chars.max(percent.len());
        percent_version = percent_version.max(qr::version(&percent).unwrap());
    }
    eprintln!(
        "EC1 URL form, {items} items, {BASE}: {url} chars, QR version {url_version} (M); \
         percent-encoded Base45 instead: up to {percent_chars} chars, QR version {percent_version}"
    );
}

fn benches(c: &mut Criterion) {
    let mut catalogue = zhifa_core::testing::yuzhong_catalogue();
    let (authority, agency, market) = (
        SigningKey::generate(Algorithm::EdDSA),
        SigningKey::generate(Algorithm::EdDSA),
        SigningKey::generate(Algorithm::ES256),
    );
    catalogue.agency_keys = vec![
        trust(&agency, "B500103003", KeyPurpose::DutyCredential),
        trust(&market, "B500103001", KeyPurpose::EnterpriseCode),
    ];
    let dir = tempfile::tempdir().unwrap();
    let device = Device::open(
        dir.path(),
        &zhifa_core::testing::test_key(),
        vec![YUZHONG.into()],
        vec![authority.public_key()],
    )
    .unwrap();
    device
        .catalogue()
        .apply_bundle(&signed_bundle(&authority, 1, &[YUZHONG], catalogue.clone()))
        .unwrap();
    device.observe_server_time(Utc::now()).unwrap();

    let officer = catalogue
        .officers
        .iter()
        .find(|o| o.credential_no == "渝50010320021")
        .unwrap();
    let device_key = SigningKey::generate(Algorithm::EdDSA);
    let barbecue = "91500103MA5U1A0E5B";
    for items in [0usize, 1, 2, 4] {
        let credential = issue_duty_credential(
            &agency,
            officer,
            &device_key.public_key(),
            &officer.items[..items],
            Utc::now(),
            Duration::hours(8),
        )
        .unwrap();
        for audience in [None, Some(barbecue)] {
            let code = render(&credential, &device_key, time_step(Utc::now()), audience).unwrap();
            eprintln!(
                "EC1, {items} items, {}: credential {} B, payload {} chars, QR version {} (M)",
                if audience.is_some() {
                    "bound"
                } else {
                    "unbound"
                },
                credential.len(),
                code.len(),
                qr::version(&code).unwrap()
            );
        }
        url_sizes(items, &credential, &device_key);
    }
    let longest = catalogue
        .enterprises
        .iter()
        .max_by_key(|e| e.name.len())
        .unwrap();
    let printed =
        issue_enterprise_code(&market, longest, 1, Utc::now(), Duration::days(365)).unwrap();
    eprintln!(
        "EQ1, name of {} characters: payload {} chars, QR version {} (M)",
        longest.name.chars().count(),
        printed.len(),
        qr::version(&printed).unwrap()
    );

    let credential = issue_duty_credential(
        &agency,
        officer,
        &device_key.public_key(),
        &officer.items[..1],
        Utc::now(),
        Duration::hours(8),
    )
    .unwrap();
    let context = VerifyContext {
        now: device.now(),
        own_credit_code: Some(barbecue.into()),
        own_division: YUZHONG.into(),
    };
    let code = render(
        &credential,
        &device_key,
        time_step(Utc::now()),
        Some(barbecue),
    )
    .unwrap();

    let mut group = c.benchmark_group("codes");
    group.measurement_time(StdDuration::from_secs(5));
    group.bench_function("verify_enforcement_code", |b| {
        b.iter(|| check(&code, &context, device.catalogue()).unwrap())
    });
    group.bench_function("verify_and_log_enforcement_code", |b| {
        // Every iteration is a replay after the first: the full check, the replay-cache
        // lookup and a signed event written in one transaction, as at the door.
        b.iter(|| {
            device
                .codes()
                .verify_enforcement_code(&code, Some(barbecue), YUZHONG)
        })
    });
    group.bench_function("generate_and_render_qr_svg", |b| {
        b.iter(|| {
            let code = render(
                &credential,
                &device_key,
                time_step(Utc::now()),
                Some(barbecue),
            )
            .unwrap();
            qr::render_svg(&code).unwrap()
        })
    });
    group.bench_function("generate_and_encode_qr_matrix", |b| {
        b.iter(|| {
            let code = render(
                &credential,
                &device_key,
                time_step(Utc::now()),
                Some(barbecue),
            )
            .unwrap();
            qr::version(&code).unwrap()
        })
    });
    group.bench_function("verify_enterprise_code", |b| {
        b.iter(|| enterprise::verify(&printed, Utc::now(), device.catalogue(), None).unwrap())
    });
    group.finish();
}

criterion_group!(codes, benches);
criterion_main!(codes);
