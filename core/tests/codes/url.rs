//! The URL form of the enforcement code (`<BASE>/V/<digits>`): accepted by the offline
//! verifier like the bare payload, within QR version 13 at level M, and refused when
//! tampered, too long, under another path or with broken percent escapes.

use super::*;
use zhifa_core::codes::enforcement::{canonical, url_form};

const BASE: &str = "https://zfjd.cq.gov.cn";

#[test]
fn the_url_form_verifies_like_the_bare_code_and_is_the_same_code_for_replay() {
    let mut world = World::new();
    let officer = world.on_duty();
    let enterprise = world.device();
    let code = officer.codes().enforcement_code(Some(BARBECUE)).unwrap();
    let url = url_form(BASE, &code.payload);
    assert!(url.starts_with("HTTPS://ZFJD.CQ.GOV.CN/V/"), "{url}");
    assert!(url["HTTPS://ZFJD.CQ.GOV.CN/V/".len()..]
        .bytes()
        .all(|b| b.is_ascii_digit()));
    assert_eq!(canonical(&url).unwrap(), code.payload);

    let verified = enterprise
        .codes()
        .verify_enforcement_code(&url, Some(BARBECUE), YUZHONG)
        .unwrap();
    assert_eq!(verified.credential_no, OFFICER);
    // The bare code after its URL is the same (credential, step): a replay.
    assert_eq!(
        refusal(
            enterprise
                .codes()
                .verify_enforcement_code(&code.payload, Some(BARBECUE), YUZHONG)
        ),
        CodeRefusal::Replayed
    );
    // Both verdicts were recorded under the bare payload's hash.
    let logged = enterprise.sync().pending_events(10).unwrap();
    let hashes: Vec<String> = logged
        .iter()
        .map(|e| {
            let body: events::Envelope<serde_json::Value> =
                events::open(&e.signed, &enterprise.device_key()).unwrap();
            body.body["code_hash"].as_str().unwrap().to_owned()
        })
        .collect();
    assert_eq!(hashes.len(), 2);
    assert_eq!(hashes[0], hashes[1]);
}

#[test]
fn lower_case_paths_query_strings_and_percent_encoded_base45_are_accepted() {
    let mut world = World::new();
    let officer = world.on_duty();
    let enterprise = world.device();
    let verify = |text: &str| {
        enterprise
            .codes()
            .verify_enforcement_code(text, Some(BARBECUE), YUZHONG)
    };
    let code = officer.codes().enforcement_code(None).unwrap();
    let url = url_form("http://127.0.0.1:8480/", &code.payload);
    let lower = url.replace("HTTP://127.0.0.1:8480/V/", "http://127.0.0.1:8480/v/");
    verify(&format!("{lower}?from=camera#top")).unwrap();

    let step = current_step() + 1;
    let (credential, _) = officer.codes().credential().unwrap().unwrap();
    let next = render(&credential, &device_signer(&officer), step, None).unwrap();
    let escaped: String = next
        .chars()
        .map(|c| match c {
            ' ' => "%20".to_owned(),
            '%' => "%25".to_owned(),
            ':' => "%3A".to_owned(),
            c => c.to_string(),
        })
        .collect();
    verify(&format!("https://zfjd.cq.gov.cn/v/{escaped}")).unwrap();
}

#[test]
fn a_tampered_url_is_refused() {
    let mut world = World::new();
    let officer = world.on_duty();
    let enterprise = world.device();
    let code = officer.codes().enforcement_code(None).unwrap();
    let url = url_form(BASE, &code.payload);
    // The last digits carry the device signature: one changed digit breaks it (or, when the
    // group goes out of range, the reading).
    let mut tampered = url.clone().into_bytes();
    let last = tampered.len() - 3;
    tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
    let tampered = String::from_utf8(tampered).unwrap();
    let refused = refusal(
        enterprise
            .codes()
            .verify_enforcement_code(&tampered, None, YUZHONG),
    );
    assert!(
        matches!(
            refused,
            CodeRefusal::BadDeviceSignature | CodeRefusal::Malformed { .. }
        ),
        "{refused:?}"
    );
    // A digit dropped: no group has that many digits, or the CBOR no longer reads.
    let short = &url[..url.len() - 1];
    assert!(matches!(
        refusal(
            enterprise
                .codes()
                .verify_enforcement_code(short, None, YUZHONG)
        ),
        CodeRefusal::Malformed { .. }
    ));
    // The untampered code still verifies afterwards: refusals spend no step.
    enterprise
        .codes()
        .verify_enforcement_code(&url, None, YUZHONG)
        .unwrap();
}

#[test]
fn long_foreign_and_garbled_urls_are_refused_as_unreadable() {
    let mut world = World::new();
    let enterprise = world.device();
    let malformed = |text: &str| {
        let refused = refusal(
            enterprise
                .codes()
                .verify_enforcement_code(text, None, YUZHONG),
        );
        assert!(
            matches!(refused, CodeRefusal::Malformed { .. }),
            "{text:.60}: {refused:?}"
        );
        assert_eq!(
            refused.message_zh(),
            zhifa_core::texts::codes::refusal::MALFORMED
        );
    };
    let too_long = format!("{BASE}/V/{}", "1".repeat(1_300));
    malformed(&too_long);
    malformed(&format!("{BASE}/V/{}", "%41".repeat(500)));
    // Wrong prefix or path.
    malformed("EC2:ABC");
    malformed(&format!("{BASE}/W/123"));
    malformed(&format!("{BASE}/V/"));
    malformed(&format!("{BASE}/V/EC2:ABC"));
    malformed("https://v/");
    // Percent garbage: bad hex, a cut escape, a '+' sign, bytes that are not UTF-8.
    for garbage in [
        "%ZZ", "12%", "%+1", "%E0%80", "%C3%28", "%00%00", "EC1%3A%%",
    ] {
        malformed(&format!("{BASE}/V/{garbage}"));
    }
    // Digits whose groups do not fit their bytes.
    malformed(&format!("{BASE}/V/{}", "9".repeat(17)));
}

#[test]
fn the_url_form_stays_within_qr_version_13_for_up_to_four_items() {
    let mut world = World::new();
    let device = world.device();
    let officer = world.officer();
    let key = device_signer(&device);
    for items in [0usize, 1, 2, 4] {
        let credential = issue_duty_credential(
            &world.agency,
            &officer,
            &device.device_key(),
            &officer.items[..items],
            Utc::now(),
            Duration::hours(8),
        )
        .unwrap();
        for _ in 0..20 {
            let code = render(&credential, &key, current_step(), Some(BARBECUE)).unwrap();
            let url = url_form(BASE, &code);
            let version = qr::version(&url).unwrap();
            assert!(
                version <= 13,
                "{items} items: {} chars, v{version}",
                url.len()
            );
        }
    }
    // A camera reads the URL back from its image exactly.
    let credential = issue_duty_credential(
        &world.agency,
        &officer,
        &device.device_key(),
        &officer.items[..4],
        Utc::now(),
        Duration::hours(8),
    )
    .unwrap();
    let url = url_form(
        BASE,
        &render(&credential, &key, current_step(), None).unwrap(),
    );
    let png = qr::render_png(&url, 4).unwrap();
    assert_eq!(qr::decode_image(&png).unwrap(), vec![url]);
}

#[test]
fn a_text_that_is_no_code_is_carried_escaped_and_refused() {
    let url = url_form(BASE, "hello world/../x");
    assert!(url.starts_with("HTTPS://ZFJD.CQ.GOV.CN/V/"), "{url}");
    assert!(!url["HTTPS://".len()..].contains("/../"), "{url}");
    assert!(canonical(&url).is_err());
}

#[test]
fn what_a_code_claims_is_read_from_either_form_before_any_check() {
    use zhifa_core::codes::enforcement::claimed;
    let mut world = World::new();
    let officer = world.on_duty();
    let bound = officer.codes().enforcement_code(Some(BARBECUE)).unwrap();
    let claims = claimed(&url_form(BASE, &bound.payload)).unwrap();
    assert!(claims.bound);
    assert_eq!(claims.jurisdiction, vec![YUZHONG.to_owned()]);
    let unbound = officer.codes().enforcement_code(None).unwrap();
    assert!(!claimed(&unbound.payload).unwrap().bound);
    assert!(matches!(
        claimed(&format!("{BASE}/V/123")),
        Err(CodeRefusal::Malformed { .. })
    ));
}
