//! The supervision API over real HTTP on loopback, on SQLite and PostgreSQL: keys (none,
//! unknown, revoked: 401), scope (a district supervisor never sees another district's case,
//! in lists, details or exports; the city sees both), exports that parse with zh-CN headers,
//! and an OpenAPI document naming exactly the router's routes.

mod support;

use std::collections::BTreeSet;
use std::io::Read;

use support::{Answer, RawClient, Server};
use zhifa_sync_server::storage::{transaction, Value};
use zhifa_sync_server::supervision::api::{issue_key, revoke_key, route_table, Role};
use zhifa_sync_server::supervision::Scope;

const YUZHONG: &str = "500103";
const YUBEI: &str = "500112";

fn servers(test: &str) -> Vec<Server> {
    support::backends(test)
        .into_iter()
        .map(|database| {
            Server::start_on(database, |config| {
                config.limits = config.limits.clone().without_rates();
            })
        })
        .collect()
}

fn key(server: &Server, name: &str, role: Role, scope: Scope) -> String {
    issue_key(server.state.db.as_ref(), name, role, &scope, 1_764_000_000)
        .unwrap()
        .key
}

fn city(server: &Server) -> String {
    key(server, "市局监督员", Role::City, Scope::City)
}

fn call(server: &Server, method: &str, path: &str, key: Option<&str>, body: &[u8]) -> Answer {
    let mut headers = vec![("content-type", "application/json".to_owned())];
    if let Some(key) = key {
        headers.push(("authorization", format!("Bearer {key}")));
    }
    RawClient::new(server.address, [127, 0, 0, 1]).exchange(method, path, &headers, body)
}

fn get(server: &Server, path: &str, key: &str) -> Answer {
    call(server, "GET", path, Some(key), b"")
}

/// An index row as the projection writes it: every column, the given ones set.
fn insert_case(server: &Server, doc_id: &str, body: &str, district: &str, set: &[(&str, Value)]) {
    let text = |v: &str| Value::Text(v.to_owned());
    let mut columns: Vec<(&str, Value)> = vec![
        ("doc_id", text(doc_id)),
        ("body", text(body)),
        ("district", text(district)),
        ("place", text(district)),
        ("town", text("")),
        ("sector", text("market")),
        ("item", text("")),
        ("violation", text("SP-126-5")),
        ("case_number", text("")),
        ("kind", text("ordinary")),
        ("status", text("filed")),
        ("party_kind", text("organisation")),
        ("enterprise", text("")),
        ("discovered_on", text("2026-03-02")),
        ("filed_on", text("2026-03-03")),
        ("outcome", text("penalty")),
        ("baseline_row", text("")),
        ("departure_reason", text("")),
        ("no_penalty", text("")),
        ("measures", text("")),
    ];
    for name in [
        "extended",
        "steps",
        "penalty",
        "fine",
        "confiscated",
        "departure",
        "legal_review_required",
        "collective_required",
        "hearing_due",
        "hearing_offered",
        "on_the_spot_paid",
        "late_fee",
        "transferred",
        "services",
        "evidence",
        "evidence_missing",
        "acting_officers",
        "uncredentialed",
        "out_of_jurisdiction",
        "updated_at",
    ] {
        columns.push((name, Value::Int(0)));
    }
    for (name, value) in set {
        match columns.iter_mut().find(|(n, _)| n == name) {
            Some(column) => column.1 = value.clone(),
            None => columns.push((name, value.clone())),
        }
    }
    let names: Vec<&str> = columns.iter().map(|(n, _)| *n).collect();
    let marks: Vec<String> = (1..=columns.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "INSERT INTO sv_case ({}) VALUES ({}) ON CONFLICT DO NOTHING",
        names.join(", "),
        marks.join(", ")
    );
    let values: Vec<Value> = columns.into_iter().map(|(_, v)| v).collect();
    transaction(server.state.db.as_ref(), |tx| tx.execute(&sql, &values)).unwrap();
}

/// Two cases in Yuzhong (two bodies) and one in Yubei.
fn two_districts(server: &Server) {
    let number = |n: &str| ("case_number", Value::Text(n.to_owned()));
    insert_case(
        server,
        "case-yz-1",
        "B500103001",
        YUZHONG,
        &[number("渝中市监罚〔2026〕1号"), ("fine", Value::Int(5_000))],
    );
    insert_case(
        server,
        "case-yz-2",
        "B500103003",
        YUZHONG,
        &[
            number("=HYPERLINK(\"http://x\")"),
            ("departure", Value::Int(1)),
        ],
    );
    insert_case(
        server,
        "case-yb-1",
        "B500112003",
        YUBEI,
        &[number("渝北城管罚〔2026〕7号")],
    );
}

fn ids(answer: &Answer) -> BTreeSet<String> {
    answer.json()["cases"]
        .as_array()
        .expect("a list of cases")
        .iter()
        .map(|case| case["doc_id"].as_str().unwrap().to_owned())
        .collect()
}

fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

fn is_zh(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

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

/// The named part of a zip archive, as text.
fn zip_part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an xlsx is a zip");
    let mut part = archive.by_name(name).expect("the part");
    let mut text = String::new();
    part.read_to_string(&mut text).unwrap();
    text
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

/// Decided cases in both districts, for review samples.
fn decided_cases(server: &Server) {
    let decided = |fine: i64| {
        vec![
            ("status", Value::Text("decided".into())),
            ("decided_on", Value::Text("2026-03-10".into())),
            ("fine", Value::Int(fine)),
        ]
    };
    insert_case(server, "dec-yz-1", "B500103001", YUZHONG, &decided(100));
    insert_case(server, "dec-yz-2", "B500103003", YUZHONG, &decided(200));
    insert_case(server, "dec-yb-1", "B500112003", YUBEI, &decided(300));
}

fn post(server: &Server, path: &str, key: &str, body: serde_json::Value) -> Answer {
    call(server, "POST", path, Some(key), body.to_string().as_bytes())
}

#[test]
fn reviews_are_drawn_scored_and_read_within_the_scope_by_the_roles_that_may() {
    for server in servers("sv_api_reviews") {
        decided_cases(&server);
        let reviewer = key(
            &server,
            "评查员甲",
            Role::Reviewer,
            Scope::District(YUZHONG.into()),
        );
        let yubei = key(
            &server,
            "渝北监督",
            Role::District,
            Scope::District(YUBEI.into()),
        );
        let body = key(
            &server,
            "机关内部",
            Role::Body,
            Scope::Body("B500103001".into()),
        );
        let draw = serde_json::json!({ "from": "2026-03-01", "to": "2026-03-31", "rate": "all", "seed": 42 });

        let refused = post(
            &server,
            "/v1/supervision/reviews/samples",
            &body,
            draw.clone(),
        );
        assert_eq!(refused.status, 403);
        assert!(is_zh(refused.json()["detail"].as_str().unwrap()));
        // A narrower scope inside the key's is allowed, another district's is not.
        let mut elsewhere = draw.clone();
        elsewhere["scope"] = YUBEI.into();
        assert_eq!(
            post(
                &server,
                "/v1/supervision/reviews/samples",
                &reviewer,
                elsewhere
            )
            .status,
            403
        );

        let drawn = post(&server, "/v1/supervision/reviews/samples", &reviewer, draw);
        assert_eq!(drawn.status, 200, "{:?}", drawn.json());
        let sample = drawn.json()["sample"].clone();
        assert_eq!(sample["cases"], serde_json::json!(["dec-yz-1", "dec-yz-2"]));
        assert_eq!(sample["seed"], 42);
        assert!(sample["drawn_by"].as_str().unwrap().starts_with("评查员甲"));
        let id = sample["id"].as_str().unwrap().to_owned();

        // The drawn cases have no stored documents here: scoring skips them, and says so.
        let scored = post(
            &server,
            &format!("/v1/supervision/reviews/samples/{id}/score"),
            &reviewer,
            serde_json::json!({}),
        );
        assert_eq!(scored.status, 200);
        assert_eq!(
            scored.json()["report"]["skipped"].as_array().unwrap().len(),
            2
        );
        // As a scoring would have recorded it.
        transaction(server.state.db.as_ref(), |tx| {
            tx.execute(
                "INSERT INTO sv_review (sample_id, doc_id, body, score, defects, reviewer, reviewed_at)
                 VALUES ($1, 'dec-yz-1', 'B500103001', 85, '[\"legal_review\"]', '评查员甲', 1764000000000)",
                &[id.clone().into()],
            )
        })
        .unwrap();

        let read = get(
            &server,
            &format!("/v1/supervision/reviews/samples/{id}"),
            &reviewer,
        );
        assert_eq!(read.status, 200);
        assert_eq!(read.json()["reviews"][0]["score"], 85);
        assert_eq!(
            read.json()["reviews"][0]["defects"],
            serde_json::json!(["legal_review"])
        );
        assert_eq!(
            get(
                &server,
                &format!("/v1/supervision/reviews/samples/{id}"),
                &yubei
            )
            .status,
            404
        );
        assert_eq!(
            post(
                &server,
                &format!("/v1/supervision/reviews/samples/{id}/score"),
                &yubei,
                serde_json::json!({})
            )
            .status,
            404
        );

        let summary = get(
            &server,
            &format!("/v1/supervision/reviews/summary?by=body&sample={id}"),
            &reviewer,
        );
        assert_eq!(summary.status, 200);
        let figures = summary.json()["figures"].clone();
        assert_eq!(figures[0]["key"], "B500103001");
        assert_eq!(figures[0]["mean_score"], 85.0);
        let elsewhere = get(
            &server,
            &format!("/v1/supervision/reviews/summary?sample={id}"),
            &yubei,
        );
        assert_eq!(elsewhere.json()["figures"], serde_json::json!([]));

        let csv = get(
            &server,
            &format!("/v1/supervision/export/reviews.csv?sample={id}"),
            &reviewer,
        );
        assert_eq!(csv.status, 200);
        let text = String::from_utf8(csv.body[3..].to_vec()).unwrap();
        assert!(
            text.starts_with("评查样本,案件文档编号,案号,执法机关,得分,问题"),
            "{text}"
        );
        assert!(text.contains("依法进行法制审核"), "defects by name: {text}");
        let xlsx = get(
            &server,
            &format!("/v1/supervision/export/reviews.xlsx?sample={id}"),
            &reviewer,
        );
        assert!(zip_part(&xlsx.body, "xl/sharedStrings.xml").contains("评查人"));
        assert_eq!(
            get(
                &server,
                &format!("/v1/supervision/export/reviews.csv?sample={id}"),
                &yubei
            )
            .status,
            404
        );
    }
}

#[test]
fn only_the_city_imports_outcomes_and_the_case_shows_them() {
    for server in servers("sv_api_outcomes") {
        two_districts(&server);
        let city = city(&server);
        let district = key(
            &server,
            "渝中监督",
            Role::District,
            Scope::District(YUZHONG.into()),
        );
        let file = "案号,类别,结果,决定日期,机关\n渝中市监罚〔2026〕1号,行政复议,撤销,2026-05-06,重庆市渝中区人民政府\n无此案号,诉讼,维持,2026-13-01,法院\n";
        let refused = call(
            &server,
            "POST",
            "/v1/supervision/outcomes",
            Some(&district),
            file.as_bytes(),
        );
        assert_eq!(refused.status, 403);
        let imported = call(
            &server,
            "POST",
            "/v1/supervision/outcomes",
            Some(&city),
            file.as_bytes(),
        );
        assert_eq!(imported.status, 200);
        let report = imported.json()["report"].clone();
        assert_eq!(report["imported"], 1);
        assert_eq!(report["refused"][0]["line"], 3);
        let bad = call(
            &server,
            "POST",
            "/v1/supervision/outcomes",
            Some(&city),
            "不是表头\n".as_bytes(),
        );
        assert_eq!(bad.status, 400);
        assert!(is_zh(bad.json()["detail"].as_str().unwrap()));
        let case = get(&server, "/v1/supervision/cases/case-yz-1", &district).json();
        assert_eq!(case["outcomes"][0]["kind"], "reconsideration");
        assert_eq!(case["outcomes"][0]["result"], "revoked");
    }
}

/// A warning as the rules store it, open, in `district`'s `body`.
fn insert_warning(server: &Server, id: &str, district: &str, body: &str, cases: &[&str]) {
    let cases = serde_json::to_string(cases).unwrap();
    transaction(server.state.db.as_ref(), |tx| {
        tx.execute(
            "INSERT INTO sv_warning (id, rule, scope_kind, scope, district, body, period, severity,
                 status, why, figures, cases, assignee, fired_at, updated_at)
             VALUES ($1, 'fine.departure_rate', 'body', $3, $2, $3, '2026-03', 'high', 'open',
                 '偏离裁量基准比例 40%，高于全市中位数', '{\"rate\": 0.4}', $4, '', 1764000000, 1764000000)",
            &[id.into(), district.into(), body.into(), cases.clone().into()],
        )?;
        tx.execute(
            "INSERT INTO sv_warning_step (warning_id, seq, from_status, to_status, by_whom, at_time, note)
             VALUES ($1, 1, '', 'open', '预警规则', 1764000000, '')",
            &[id.into()],
        )
    })
    .unwrap();
}

#[test]
fn a_warning_moves_through_its_lifecycle_over_http_within_the_scope() {
    for server in servers("sv_api_warnings") {
        two_districts(&server);
        insert_warning(&server, "w-yz", YUZHONG, "B500103003", &["case-yz-2"]);
        insert_warning(&server, "w-yb", YUBEI, "B500112003", &["case-yb-1"]);
        let yuzhong = key(
            &server,
            "渝中监督",
            Role::District,
            Scope::District(YUZHONG.into()),
        );
        let reviewer = key(&server, "评查员", Role::Reviewer, Scope::City);
        let city = city(&server);

        let ids = |answer: Answer| -> BTreeSet<String> {
            answer.json()["warnings"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| w["id"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(
            ids(get(&server, "/v1/supervision/warnings", &yuzhong)),
            set(&["w-yz"])
        );
        assert_eq!(
            ids(get(&server, "/v1/supervision/warnings", &city)),
            set(&["w-yz", "w-yb"])
        );
        assert_eq!(
            get(&server, "/v1/supervision/warnings/w-yb", &yuzhong).status,
            404
        );
        let detail = get(&server, "/v1/supervision/warnings/w-yz", &yuzhong).json();
        assert_eq!(detail["warning"]["cases"], serde_json::json!(["case-yz-2"]));
        assert_eq!(detail["status_zh"], "待处理");

        // Another district's warning cannot be moved; a reviewer moves none.
        let path = |id: &str, step: &str| format!("/v1/supervision/warnings/{id}/{step}");
        assert_eq!(
            post(
                &server,
                &path("w-yb", "acknowledge"),
                &yuzhong,
                serde_json::json!({})
            )
            .status,
            404
        );
        assert_eq!(
            post(
                &server,
                &path("w-yz", "acknowledge"),
                &reviewer,
                serde_json::json!({})
            )
            .status,
            403
        );
        // Out of order, or without what the step needs: refused in Chinese.
        let early = post(
            &server,
            &path("w-yz", "resolve"),
            &yuzhong,
            serde_json::json!({ "opinion": "x" }),
        );
        assert_eq!(early.status, 400);
        assert!(is_zh(early.json()["detail"].as_str().unwrap()));

        let step = |name: &str, body: serde_json::Value| {
            let answer = post(&server, &path("w-yz", name), &yuzhong, body);
            assert_eq!(answer.status, 200, "{name}: {:?}", answer.json());
            answer.json()["warning"]["status"]
                .as_str()
                .unwrap()
                .to_owned()
        };
        assert_eq!(
            step("acknowledge", serde_json::json!({ "note": "已阅" })),
            "acknowledged"
        );
        let unnamed = post(
            &server,
            &path("w-yz", "assign"),
            &yuzhong,
            serde_json::json!({ "assignee": " " }),
        );
        assert_eq!(unnamed.status, 400);
        assert_eq!(
            step("assign", serde_json::json!({ "assignee": "法制科" })),
            "assigned"
        );
        assert_eq!(
            step(
                "resolve",
                serde_json::json!({ "opinion": "责令重新审查偏离基准的案件并说明理由。" })
            ),
            "resolved"
        );
        let steps = get(&server, "/v1/supervision/warnings/w-yz", &yuzhong).json()["steps"].clone();
        let moves: Vec<&str> = steps
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["to_status"].as_str().unwrap())
            .collect();
        assert_eq!(moves, ["open", "acknowledged", "assigned", "resolved"]);
        assert!(steps[1]["by_whom"]
            .as_str()
            .unwrap()
            .starts_with("渝中监督（"));
        assert!(steps[3]["at_time"].as_i64().unwrap() > 1_764_000_000);

        let opinion = get(&server, &path("w-yz", "opinion"), &yuzhong);
        assert_eq!(opinion.status, 200);
        assert!(opinion
            .header("content-type")
            .unwrap()
            .starts_with("text/html"));
        let html = String::from_utf8(opinion.body).unwrap();
        assert!(
            html.contains("行政执法监督意见书") && html.contains("责令重新审查"),
            "{html}"
        );
        assert!(html.contains("重庆市渝中区城市管理局"), "addressed by name");
        assert_eq!(get(&server, &path("w-yb", "opinion"), &yuzhong).status, 404);

        assert_eq!(
            step_status(
                &server,
                &path("w-yb", "dismiss"),
                &city,
                serde_json::json!({})
            ),
            400
        );
        assert_eq!(
            step_status(
                &server,
                &path("w-yb", "dismiss"),
                &city,
                serde_json::json!({ "reason": "数据录入错误，已更正" })
            ),
            200
        );

        let csv = get(&server, "/v1/supervision/export/warnings.csv", &yuzhong);
        let text = String::from_utf8(csv.body[3..].to_vec()).unwrap();
        assert!(text.starts_with("预警编号,规则"), "{text}");
        assert!(text.contains("w-yz") && text.contains("已办结") && !text.contains("w-yb"));
        let xlsx = get(
            &server,
            "/v1/supervision/export/warnings.xlsx?status=dismissed",
            &city,
        );
        let strings = zip_part(&xlsx.body, "xl/sharedStrings.xml");
        assert!(strings.contains("w-yb") && !strings.contains("w-yz"));
    }
}

fn step_status(server: &Server, path: &str, key: &str, body: serde_json::Value) -> u16 {
    post(server, path, key, body).status
}

#[test]
fn indicator_figures_and_the_cases_behind_them_keep_the_scope() {
    for server in servers("sv_api_indicators") {
        decided_cases(&server);
        let yuzhong = key(
            &server,
            "渝中监督",
            Role::District,
            Scope::District(YUZHONG.into()),
        );
        let city = city(&server);

        let definitions = get(&server, "/v1/supervision/indicators", &yuzhong).json();
        let decided = definitions["indicators"]
            .as_array()
            .unwrap()
            .iter()
            .find(|i| i["id"] == "case.decided")
            .expect("the decided count")
            .clone();
        assert!(is_zh(decided["name"].as_str().unwrap()));
        assert!(is_zh(decided["definition"].as_str().unwrap()));

        let query = "level=district&period=month&from=2026-01-01&to=2026-12-31";
        let figures = |key: &str| -> Vec<(String, String, f64)> {
            let answer = get(
                &server,
                &format!("/v1/supervision/indicators/case.decided?{query}"),
                key,
            );
            assert_eq!(answer.status, 200, "{:?}", answer.json());
            answer.json()["figures"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["key"].as_str().unwrap().to_owned(),
                        f["period"].as_str().unwrap().to_owned(),
                        f["value"].as_f64().unwrap(),
                    )
                })
                .collect()
        };
        assert_eq!(
            figures(&yuzhong),
            vec![(YUZHONG.to_owned(), "2026-03".to_owned(), 2.0)]
        );
        let all = figures(&city);
        assert!(
            all.contains(&(YUBEI.to_owned(), "2026-03".to_owned(), 1.0)),
            "{all:?}"
        );
        assert!(all.contains(&(YUZHONG.to_owned(), "2026-03".to_owned(), 2.0)));

        let behind = |who: &str, district: &str| {
            get(
                &server,
                &format!("/v1/supervision/indicators/case.decided/cases?{query}&key={district}"),
                who,
            )
            .json()["documents"]
                .clone()
        };
        assert_eq!(
            behind(&yuzhong, YUZHONG),
            serde_json::json!(["dec-yz-1", "dec-yz-2"])
        );
        assert_eq!(behind(&yuzhong, YUBEI), serde_json::json!([]));
        assert_eq!(behind(&city, YUBEI), serde_json::json!(["dec-yb-1"]));

        let by_body = get(&server, "/v1/supervision/indicators/case.decided?level=body&period=year&from=2026-01-01&to=2026-12-31", &yuzhong).json();
        let bodies: BTreeSet<String> = by_body["figures"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["key"].as_str().unwrap().to_owned())
            .collect();
        assert_eq!(bodies, set(&["B500103001", "B500103003"]));
        assert_eq!(
            by_body["figures"][0]["label_zh"],
            "重庆市渝中区市场监督管理局"
        );

        assert_eq!(
            get(&server, "/v1/supervision/indicators/no.such", &city).status,
            404
        );
        assert_eq!(
            get(
                &server,
                "/v1/supervision/indicators/case.decided?level=galaxy",
                &city
            )
            .status,
            400
        );

        let csv = get(
            &server,
            &format!("/v1/supervision/export/indicator.csv?id=case.decided&{query}"),
            &yuzhong,
        );
        assert_eq!(csv.status, 200);
        let text = String::from_utf8(csv.body[3..].to_vec()).unwrap();
        assert!(text.starts_with("指标,区县,名称,期间,数值"), "{text}");
        assert!(text.contains(YUZHONG) && !text.contains(YUBEI), "{text}");
        let xlsx = get(
            &server,
            &format!("/v1/supervision/export/indicator.xlsx?id=case.decided&{query}"),
            &city,
        );
        assert!(zip_part(&xlsx.body, "xl/sharedStrings.xml").contains("作出处罚决定数"));
    }
}
