//! A device fetches its district's catalogue from a live server over HTTP, then deltas.

use reqwest::StatusCode;
use zhifa_core::registry::{BundleRefusal, RegistryError, SearchHitKind};
use zhifa_core::sync::protocol::routes;
use zhifa_e2e::{demo_catalogue, TestDevice, TestServer};

async fn fetch(server: &TestServer, scope: &str, since: u64) -> (StatusCode, Vec<u8>) {
    let url = server.url(&routes::catalogue_bundle(scope, Some(since)));
    let response = reqwest::get(url).await.unwrap();
    (response.status(), response.bytes().await.unwrap().to_vec())
}

#[tokio::test]
async fn a_device_syncs_its_catalogue_full_then_delta() {
    let server = TestServer::start().await;
    let mut data = demo_catalogue();
    server.catalogue.publish(&data).unwrap();

    let health: serde_json::Value = reqwest::get(server.url(routes::HEALTH))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["catalogue_version"], 1);

    let device = TestDevice::new(&server, &["500103"]);
    let (status, bundle) = fetch(&server, "500103", device.registry.version().unwrap()).await;
    assert_eq!(status, StatusCode::OK);
    let report = device.registry.apply_bundle(&bundle).unwrap();
    assert!(report.full);
    assert_eq!(
        device.registry.counts().unwrap().enterprises as usize,
        data.clone().within(&["500103".into()]).enterprises.len()
    );
    assert_eq!(
        device.registry.search("露天烧烤", 5).unwrap()[0].kind,
        SearchHitKind::Item
    );

    // Nothing new: 204, no body.
    let (status, body) = fetch(&server, "500103", 1).await;
    assert_eq!((status, body.len()), (StatusCode::NO_CONTENT, 0));

    // The legal department renames an item and an enterprise closes.
    data.items[1].name = "对餐饮具清洗消毒不合格的行政处罚".into();
    let closed = data.enterprises.remove(4);
    assert_eq!(server.catalogue.publish(&data).unwrap(), 2);
    let (status, delta) = fetch(&server, "500103", 1).await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        delta.len() < bundle.len() / 5,
        "a delta carries only what changed"
    );
    let report = device.registry.apply_bundle(&delta).unwrap();
    assert_eq!(
        (report.full, report.records_written, report.records_removed),
        (false, 1, 1)
    );
    assert!(device
        .registry
        .enterprise(&closed.credit_code)
        .unwrap()
        .is_none());
    assert_eq!(
        device.registry.search("清洗消毒不合格", 5).unwrap()[0].key,
        data.items[1].code
    );

    // The same delta again (a retried download) is refused and changes nothing.
    assert!(matches!(
        device.registry.apply_bundle(&delta),
        Err(RegistryError::Refused(BundleRefusal::Stale {
            current: 2,
            offered: 2
        }))
    ));
}

#[tokio::test]
async fn each_district_gets_only_its_share_and_bad_requests_are_refused() {
    let server = TestServer::start().await;
    server.catalogue.publish(&demo_catalogue()).unwrap();

    // Yubei's device gets the shared items and regulations, none of Yuzhong's enterprises or
    // officers: only the zone's (川渝高竹新区) enterprise on its side and the zone's officers.
    let yubei = TestDevice::new(&server, &["500112"]);
    let (status, bundle) = fetch(&server, "500112", 0).await;
    assert_eq!(status, StatusCode::OK);
    yubei.registry.apply_bundle(&bundle).unwrap();
    let counts = yubei.registry.counts().unwrap();
    assert_eq!((counts.enterprises, counts.officers), (1, 4));
    assert!(counts.items >= 40);

    // A Yuzhong device refuses a bundle cut for Yubei.
    let yuzhong = TestDevice::new(&server, &["500103"]);
    assert!(matches!(
        yuzhong.registry.apply_bundle(&bundle),
        Err(RegistryError::Refused(BundleRefusal::WrongScope))
    ));

    let (status, _) = fetch(&server, "not-a-division", 0).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    let authority: serde_json::Value = reqwest::get(server.url(routes::CATALOGUE_AUTHORITY))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(authority["algorithm"], "EdDSA");
}
