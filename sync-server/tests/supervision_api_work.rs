//! Supervisors at work over the API, on SQLite and PostgreSQL: a warning's lifecycle by
//! role, review samples drawn and scored, outcomes imported, indicator figures and the cases
//! behind them, each inside the key's scope and exported with zh-CN headers; and cases a
//! phone syncs moving the figures a supervisor reads.

mod supervision_api_support;
mod support;

use std::collections::BTreeSet;

use supervision_api_support::*;
use support::Answer;
use zhifa_sync_server::storage::transaction;
use zhifa_sync_server::supervision::api::Role;
use zhifa_sync_server::supervision::Scope;

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
        // The top level of a district's figures is the district, named as such.
        let top = get(
            &server,
            "/v1/supervision/indicators/case.decided?level=city",
            &yuzhong,
        )
        .json();
        assert_eq!(top["figures"][0]["label_zh"], "渝中区", "{top}");
        let whole = get(
            &server,
            "/v1/supervision/indicators/case.decided?level=city",
            &city,
        )
        .json();
        assert_eq!(whole["figures"][0]["label_zh"], "全市", "{whole}");

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

#[test]
fn a_case_a_phone_syncs_moves_the_figures_a_supervisor_reads() {
    for server in servers("sv_api_e2e") {
        let phone = server.enrolled(support::OFFICER_A);
        let yuzhong = key(
            &server,
            "渝中监督",
            Role::District,
            Scope::District(YUZHONG.into()),
        );
        let query = "level=body&period=year&from=2026-01-01&to=2026-12-31";
        let few_officers = || -> Vec<(String, f64)> {
            let answer = get(
                &server,
                &format!("/v1/supervision/indicators/legality.few_officers?{query}"),
                &yuzhong,
            );
            assert_eq!(answer.status, 200, "{:?}", answer.json());
            answer.json()["figures"]
                .as_array()
                .unwrap()
                .iter()
                .map(|f| {
                    (
                        f["key"].as_str().unwrap().to_owned(),
                        f["value"].as_f64().unwrap_or(0.0),
                    )
                })
                .filter(|(_, value)| *value > 0.0)
                .collect()
        };
        assert_eq!(few_officers(), vec![]);
        let day = chrono::NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        let mut made = Vec::new();
        for expected in [1.0, 2.0] {
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
            made.push(case.id);
            // No officer has acted on it yet: fewer than the two the law requires.
            assert_eq!(few_officers(), vec![("B500103001".to_owned(), expected)]);
        }
        let behind = get(
            &server,
            &format!(
                "/v1/supervision/indicators/legality.few_officers/cases?{query}&key=B500103001"
            ),
            &yuzhong,
        )
        .json();
        made.sort();
        assert_eq!(behind["documents"], serde_json::json!(made));
        let listed = get(&server, "/v1/supervision/cases?body=B500103001", &yuzhong).json();
        assert_eq!(listed["total"], 2);
    }
}
