//! What the supervision API tests share: servers on both backends, supervisors' keys, HTTP
//! calls with a key, and hand-made index rows and warnings.
#![allow(dead_code)]

use std::collections::BTreeSet;
use std::io::Read;

use crate::support::{self, Answer, RawClient, Server};
use zhifa_sync_server::storage::{transaction, Value};
use zhifa_sync_server::supervision::api::{issue_key, Role};
use zhifa_sync_server::supervision::Scope;

pub const YUZHONG: &str = "500103";
pub const YUBEI: &str = "500112";

pub fn servers(test: &str) -> Vec<Server> {
    support::backends(test)
        .into_iter()
        .map(|database| {
            Server::start_on(database, |config| {
                config.limits = config.limits.clone().without_rates();
            })
        })
        .collect()
}

pub fn key(server: &Server, name: &str, role: Role, scope: Scope) -> String {
    issue_key(server.state.db.as_ref(), name, role, &scope, 1_764_000_000)
        .unwrap()
        .key
}

pub fn city(server: &Server) -> String {
    key(server, "市局监督员", Role::City, Scope::City)
}

pub fn call(server: &Server, method: &str, path: &str, key: Option<&str>, body: &[u8]) -> Answer {
    let mut headers = vec![("content-type", "application/json".to_owned())];
    if let Some(key) = key {
        headers.push(("authorization", format!("Bearer {key}")));
    }
    RawClient::new(server.address, [127, 0, 0, 1]).exchange(method, path, &headers, body)
}

pub fn get(server: &Server, path: &str, key: &str) -> Answer {
    call(server, "GET", path, Some(key), b"")
}

/// An index row as the projection writes it: every column, the given ones set.
pub fn insert_case(
    server: &Server,
    doc_id: &str,
    body: &str,
    district: &str,
    set: &[(&str, Value)],
) {
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
pub fn two_districts(server: &Server) {
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

pub fn ids(answer: &Answer) -> BTreeSet<String> {
    answer.json()["cases"]
        .as_array()
        .expect("a list of cases")
        .iter()
        .map(|case| case["doc_id"].as_str().unwrap().to_owned())
        .collect()
}

pub fn set(items: &[&str]) -> BTreeSet<String> {
    items.iter().map(|s| (*s).to_owned()).collect()
}

pub fn is_zh(text: &str) -> bool {
    text.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
}

/// The named part of a zip archive, as text.
pub fn zip_part(bytes: &[u8], name: &str) -> String {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).expect("an xlsx is a zip");
    let mut part = archive.by_name(name).expect("the part");
    let mut text = String::new();
    part.read_to_string(&mut text).unwrap();
    text
}

/// Decided cases in both districts, for review samples.
pub fn decided_cases(server: &Server) {
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

pub fn post(server: &Server, path: &str, key: &str, body: serde_json::Value) -> Answer {
    call(server, "POST", path, Some(key), body.to_string().as_bytes())
}

/// A warning as the rules store it, open, in `district`'s `body`.
pub fn insert_warning(server: &Server, id: &str, district: &str, body: &str, cases: &[&str]) {
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

pub fn step_status(server: &Server, path: &str, key: &str, body: serde_json::Value) -> u16 {
    post(server, path, key, body).status
}
