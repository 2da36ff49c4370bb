//! The supervision API over real HTTP on loopback, on SQLite and PostgreSQL: keys (none,
//! unknown, revoked: 401; a rate per key), scope (a district supervisor never sees another
//! district's case, in lists, details or exports; the city sees both), cases filtered and
//! paged, exports that parse with zh-CN headers, and an OpenAPI document naming exactly the
//! router's routes.

mod supervision_api_support;
mod support;

use std::collections::BTreeSet;

use supervision_api_support::*;
use support::{Answer, RawClient, Server};
use zhifa_sync_server::supervision::api::{issue_key, revoke_key, route_table, Role};
use zhifa_sync_server::supervision::Scope;

#[test]
fn only_a_live_supervisor_key_opens_supervision_and_it_opens_nothing_else() {
    for server in servers("sv_api_keys") {
        let unauthorized = |answer: Answer| {
            assert_eq!(answer.status, 401);
            let body = answer.json();
            assert_eq!(body["error"], "unauthorized");
            assert!(is_zh(body["detail"].as_str().unwrap()), "{body}");
        };
        unauthorized(call(&server, "GET", "/v1/supervision/me", None, b""));
        unauthorized(get(&server, "/v1/supervision/me", "zsv_00112233"));
        unauthorized(get(&server, "/v1/supervision/cases", "not a key at all"));
        // A device's signature headers are not a supervisor's key.
        let signed = vec![
            ("x-zhifa-key", "k".repeat(16)),
            ("x-zhifa-signature", "00".repeat(64)),
        ];
        let answer = RawClient::new(server.address, [127, 0, 0, 1]).exchange(
            "GET",
            "/v1/supervision/cases",
            &signed,
            b"",
        );
        assert_eq!(answer.status, 401);

        let district = key(
            &server,
            "张三",
            Role::District,
            Scope::District(YUZHONG.into()),
        );
        let me = get(&server, "/v1/supervision/me", &district);
        assert_eq!(me.status, 200);
        let me = me.json();
        assert_eq!(me["name"], "张三");
        assert_eq!(me["role"], "district");
        assert_eq!(me["scope"], YUZHONG);
        assert_eq!(me["may_import_outcomes"], false);
        assert_eq!(me["may_handle_warnings"], true);

        // A supervisor's key opens no device route.
        let answer = call(&server, "POST", "/v1/sync", Some(&district), b"{}");
        assert_eq!(answer.status, 401);

        assert_eq!(revoke_key(server.state.db.as_ref(), &district).unwrap(), 1);
        unauthorized(get(&server, "/v1/supervision/me", &district));
        // A role's scope must fit it.
        assert!(issue_key(
            server.state.db.as_ref(),
            "李四",
            Role::District,
            &Scope::City,
            0
        )
        .is_err());
    }
}

#[test]
fn a_district_supervisor_sees_its_district_only_and_the_city_sees_all() {
    for server in servers("sv_api_scope") {
        two_districts(&server);
        let yuzhong = key(
            &server,
            "渝中监督",
            Role::District,
            Scope::District(YUZHONG.into()),
        );
        let body = key(
            &server,
            "城管内部",
            Role::Body,
            Scope::Body("B500103003".into()),
        );
        let city = city(&server);

        let all = get(&server, "/v1/supervision/cases", &city);
        assert_eq!(all.status, 200);
        assert_eq!(ids(&all), set(&["case-yz-1", "case-yz-2", "case-yb-1"]));
        assert_eq!(all.json()["total"], 3);
        let mine = get(&server, "/v1/supervision/cases", &yuzhong);
        assert_eq!(ids(&mine), set(&["case-yz-1", "case-yz-2"]));
        // Asking for the other district by filter finds nothing rather than escaping scope.
        let escape = get(
            &server,
            &format!("/v1/supervision/cases?district={YUBEI}"),
            &yuzhong,
        );
        assert_eq!(ids(&escape), set(&[]));
        assert_eq!(
            ids(&get(&server, "/v1/supervision/cases", &body)),
            set(&["case-yz-2"])
        );

        // Another district's case is 404, the same as a case that does not exist.
        let refused = get(&server, "/v1/supervision/cases/case-yb-1", &yuzhong);
        assert_eq!(refused.status, 404);
        assert!(is_zh(refused.json()["detail"].as_str().unwrap()));
        assert_eq!(
            get(&server, "/v1/supervision/cases/nothing", &yuzhong).json(),
            refused.json()
        );
        let seen = get(&server, "/v1/supervision/cases/case-yb-1", &city);
        assert_eq!(seen.status, 200);
        assert_eq!(seen.json()["case"]["case_number"], "渝北城管罚〔2026〕7号");

        // Exports keep the scope.
        let csv = get(&server, "/v1/supervision/export/cases.csv", &yuzhong);
        assert_eq!(csv.status, 200);
        let text = String::from_utf8(csv.body.clone()).unwrap();
        assert!(
            text.contains("case-yz-1") && !text.contains("case-yb-1"),
            "{text}"
        );
        let text = String::from_utf8(get(&server, "/v1/supervision/export/cases.csv", &city).body)
            .unwrap();
        assert!(text.contains("case-yb-1"));
    }
}

#[test]
fn cases_filter_sort_and_page() {
    for server in servers("sv_api_filters") {
        two_districts(&server);
        let city = city(&server);
        let page = get(
            &server,
            "/v1/supervision/cases?limit=2&sort=fine&order=desc",
            &city,
        );
        let body = page.json();
        assert_eq!(body["total"], 3);
        assert_eq!(body["cases"].as_array().unwrap().len(), 2);
        assert_eq!(body["cases"][0]["doc_id"], "case-yz-1");
        let rest = get(
            &server,
            "/v1/supervision/cases?limit=2&offset=2&sort=fine&order=desc",
            &city,
        );
        assert_eq!(rest.json()["cases"].as_array().unwrap().len(), 1);
        let departures = get(&server, "/v1/supervision/cases?departure=1", &city);
        assert_eq!(ids(&departures), set(&["case-yz-2"]));
        let body_only = get(
            &server,
            "/v1/supervision/cases?body=B500103001&from=2026-03-01&to=2026-03-31",
            &city,
        );
        assert_eq!(ids(&body_only), set(&["case-yz-1"]));
        let later = get(
            &server,
            "/v1/supervision/cases?date=filed&from=2026-04-01",
            &city,
        );
        assert_eq!(ids(&later), set(&[]));
        for bad in ["limit=501", "from=2026-13-01", "sort=secret", "date=never"] {
            let answer = get(&server, &format!("/v1/supervision/cases?{bad}"), &city);
            assert_eq!(answer.status, 400, "{bad}");
            assert!(is_zh(answer.json()["detail"].as_str().unwrap()), "{bad}");
        }
    }
}

#[test]
fn a_synced_case_reads_whole_with_its_history() {
    for server in servers("sv_api_case") {
        let phone = server.enrolled(support::OFFICER_A);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let case = phone
            .device
            .cases()
            .create(
                zhifa_core::cases::model::CaseKind::Ordinary,
                "SP-126-5",
                YUZHONG,
                day,
                day,
            )
            .unwrap();
        phone.sync().unwrap();
        // The index projected the synced case in the round that stored it.
        let answer = get(
            &server,
            &format!("/v1/supervision/cases/{}", case.id),
            &city(&server),
        );
        assert_eq!(answer.status, 200);
        let detail = answer.json();
        assert_eq!(detail["case"]["doc_id"], case.id.as_str());
        assert_eq!(detail["case"]["body"], "B500103001");
        assert_eq!(detail["case"]["district"], YUZHONG);
        assert_eq!(detail["file"]["violation"], "SP-126-5");
        assert_eq!(detail["file"]["place_division"], YUZHONG);
        let audit = detail["audit"].as_array().expect("the audit trail");
        assert!(!audit.is_empty());
        assert!(
            audit
                .iter()
                .any(|entry| entry["field"] == "violation" && entry["value"] == "SP-126-5"),
            "{audit:?}"
        );
        let yubei = key(
            &server,
            "渝北监督",
            Role::District,
            Scope::District(YUBEI.into()),
        );
        assert_eq!(
            get(
                &server,
                &format!("/v1/supervision/cases/{}", case.id),
                &yubei
            )
            .status,
            404
        );
    }
}

#[test]
fn exports_parse_with_chinese_headers_and_no_formulas() {
    for server in servers("sv_api_export") {
        two_districts(&server);
        let city = city(&server);
        let csv = get(&server, "/v1/supervision/export/cases.csv", &city);
        assert_eq!(csv.status, 200);
        assert!(csv.header("content-type").unwrap().starts_with("text/csv"));
        assert!(csv.body.starts_with(b"\xEF\xBB\xBF"), "a BOM for Excel");
        let mut reader = csv::Reader::from_reader(&csv.body[3..]);
        let headers: Vec<String> = reader
            .headers()
            .unwrap()
            .iter()
            .map(str::to_owned)
            .collect();
        assert_eq!(headers[0], "案件文档编号");
        assert!(headers.iter().any(|h| h == "案号"));
        assert!(headers.iter().all(|h| is_zh(h)), "{headers:?}");
        let number = headers.iter().position(|h| h == "案号").unwrap();
        let numbers: BTreeSet<String> = reader
            .records()
            .map(|r| r.unwrap()[number].to_owned())
            .collect();
        assert!(numbers.contains("'=HYPERLINK(\"http://x\")"), "{numbers:?}");
        assert!(numbers.contains("渝中市监罚〔2026〕1号"));
        assert_eq!(numbers.len(), 3);

        let xlsx = get(
            &server,
            "/v1/supervision/export/cases.xlsx?district=500103",
            &city,
        );
        assert_eq!(xlsx.status, 200);
        assert!(xlsx
            .header("content-disposition")
            .unwrap()
            .contains("cases.xlsx"));
        let strings = zip_part(&xlsx.body, "xl/sharedStrings.xml");
        assert!(strings.contains("案号") && strings.contains("渝中市监罚〔2026〕1号"));
        assert!(!strings.contains("渝北城管罚"));
        let sheet = zip_part(&xlsx.body, "xl/worksheets/sheet1.xml");
        assert!(!sheet.contains("<f>"), "no cell is a formula");
        let workbook = zip_part(&xlsx.body, "xl/workbook.xml");
        assert!(workbook.contains("案件"));

        assert_eq!(
            get(&server, "/v1/supervision/export/cases.pdf", &city).status,
            404
        );
        assert_eq!(
            get(&server, "/v1/supervision/export/secrets.csv", &city).status,
            404
        );
    }
}

#[test]
fn the_openapi_document_names_every_route_and_only_those() {
    let server = Server::start(|config| config.limits = config.limits.clone().without_rates());
    let answer = call(&server, "GET", "/v1/supervision/openapi.json", None, b"");
    assert_eq!(answer.status, 200);
    let document = answer.json();
    assert_eq!(document["openapi"].as_str().unwrap().get(..3), Some("3.1"));
    let mut documented = BTreeSet::new();
    for (path, item) in document["paths"].as_object().expect("paths") {
        for (method, operation) in item.as_object().unwrap() {
            if method == "parameters" {
                continue;
            }
            assert!(
                operation["responses"].is_object(),
                "{method} {path} has responses"
            );
            assert!(
                is_zh(operation["summary"].as_str().unwrap_or_default()),
                "{method} {path}"
            );
            documented.insert((method.clone(), path.clone()));
        }
    }
    let routed: BTreeSet<(String, String)> = route_table()
        .into_iter()
        .map(|(m, p)| (m.to_owned(), p.to_owned()))
        .collect();
    assert_eq!(documented, routed);
    // Each is routed for real: without a key every one but the document itself is 401.
    for (method, path) in &routed {
        let concrete = path
            .replace("{id}", "x")
            .replace("{file}", "cases.csv")
            .replace("{action}", "acknowledge");
        let answer = call(&server, &method.to_uppercase(), &concrete, None, b"{}");
        let expected = if path.ends_with("openapi.json") {
            200
        } else {
            401
        };
        assert_eq!(answer.status, expected, "{method} {path}");
    }
    assert_eq!(
        call(&server, "GET", "/v1/supervision/nothing", None, b"").status,
        404
    );
}

#[test]
fn each_key_has_its_own_rate() {
    let server = Server::start(|config| {
        config.limits = config.limits.clone().without_rates();
        config.limits.per_device = zhifa_sync_server::limits::Rate {
            per_minute: 1,
            burst: 2,
        };
    });
    let first = city(&server);
    let second = city(&server);
    for _ in 0..2 {
        assert_eq!(get(&server, "/v1/supervision/me", &first).status, 200);
    }
    let limited = get(&server, "/v1/supervision/me", &first);
    assert_eq!(limited.status, 429);
    assert!(limited.header("retry-after").is_some());
    assert!(is_zh(limited.json()["detail"].as_str().unwrap()));
    assert_eq!(get(&server, "/v1/supervision/me", &second).status, 200);
}
