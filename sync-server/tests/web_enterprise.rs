//! The enterprise page (`/v/<code>`) over real HTTP on loopback, on SQLite and (with
//! `ZHIFA_TEST_DATABASE_URL`) PostgreSQL: an officer's phone enrolled and given its duty
//! credential by the server, its real codes checked by the page: each verdict, the web's own
//! replay table and the check cookie, the rating and the complaint stored and counted in
//! `sv_feedback` (surviving an index rebuild) and listed for a supervisor, CSRF, rate limits
//! and hostile input. The A5 card from `issue-enterprise-code --card`.

mod support;

use chrono::Utc;
use support::{backends, RawClient, Server, OFFICER_A};
use zhifa_core::codes::enforcement::{render, url_form};
use zhifa_core::codes::time_step;
use zhifa_core::crypto::{Algorithm, SigningKey};
use zhifa_core::device::Device;
use zhifa_sync_server::limits::Rate;
use zhifa_sync_server::storage::transaction;
use zhifa_sync_server::supervision::api::{issue_key, Role};
use zhifa_sync_server::supervision::Scope;

/// 重庆渝中大坪山城烧烤店 and 重庆渝中解放碑老码头火锅餐饮有限公司 (demo catalogue, 渝中区).
const A: &str = "91500103MA5U1A0E5B";
const B: &str = "91500103MA5U1A0B2Y";

/// The officer's phone key, re-read from its store to render codes at chosen steps.
fn device_key(device: &Device) -> SigningKey {
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

/// A browser of its own: a source address and the cookies the page set.
struct Browser {
    client: RawClient,
    cookies: Vec<(String, String)>,
}

impl Browser {
    fn new(server: &Server, last: u8) -> Browser {
        Browser {
            client: RawClient::new(server.address, [127, 0, 0, last]),
            cookies: Vec::new(),
        }
    }

    fn cookie_header(&self) -> Vec<(&'static str, String)> {
        if self.cookies.is_empty() {
            return Vec::new();
        }
        let joined: Vec<String> = self
            .cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect();
        vec![("cookie", joined.join("; "))]
    }

    fn keep(&mut self, answer: &support::Answer) {
        for (name, value) in &answer.headers {
            if name != "set-cookie" {
                continue;
            }
            let pair = value.split(';').next().unwrap_or_default();
            if let Some((n, v)) = pair.split_once('=') {
                self.cookies.retain(|(old, _)| old != n);
                self.cookies.push((n.to_owned(), v.to_owned()));
            }
        }
    }

    fn get(&mut self, path: &str) -> (u16, String) {
        let answer = self
            .client
            .exchange("GET", path, &self.cookie_header(), b"");
        self.keep(&answer);
        (
            answer.status,
            String::from_utf8_lossy(&answer.body).into_owned(),
        )
    }

    fn post(&mut self, path: &str, form: &str) -> support::Answer {
        let mut headers = self.cookie_header();
        headers.push((
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        ));
        self.client
            .exchange("POST", path, &headers, form.as_bytes())
    }
}

/// The path of `url` (what a camera's browser asks for).
fn path_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    rest[rest.find('/').unwrap()..].to_owned()
}

fn verdict_of(page: &str) -> &str {
    let at = page.find("data-verdict=\"").expect("a verdict") + "data-verdict=\"".len();
    &page[at..at + page[at..].find('"').unwrap()]
}

fn hidden(page: &str, name: &str) -> String {
    let marker = format!("name=\"{name}\" value=\"");
    let at = page.find(&marker).expect(name) + marker.len();
    page[at..at + page[at..].find('"').unwrap()].to_owned()
}

fn count(server: &Server, sql: &str) -> i64 {
    transaction(server.state.db.as_ref(), |tx| tx.query_opt(sql, &[]))
        .unwrap()
        .unwrap()
        .int(0)
        .unwrap()
}

struct Officer {
    phone: support::Phone,
    key: SigningKey,
    credential: Vec<u8>,
}

fn officer(server: &Server) -> Officer {
    let phone = server.enrolled(OFFICER_A);
    let report = phone.sync().unwrap();
    assert!(report.credential_renewed, "{report:?}");
    let (credential, _) = phone.device.codes().credential().unwrap().unwrap();
    let key = device_key(&phone.device);
    Officer {
        phone,
        key,
        credential,
    }
}

impl Officer {
    fn url(&self, server: &Server, step: u64, audience: Option<&str>) -> String {
        let code = render(&self.credential, &self.key, step, audience).unwrap();
        path_of(&url_form(&server.base(), &code))
    }
}

#[test]
fn each_verdict_replay_and_reload_on_every_backend() {
    for database in backends("web_enterprise_verdicts") {
        let server = Server::start_on(database, |_| {});
        let officer = officer(&server);
        // A valid unbound code: the officer, the body, the items; premises not named.
        let shown = officer.phone.device.codes().enforcement_code(None).unwrap();
        let unbound = path_of(&url_form(&server.base(), &shown.payload));
        // Other codes at other steps of the window: a step is accepted once, whatever the
        // audience.
        let now = shown.step;
        assert!(unbound.starts_with("/V/"), "{unbound}");
        let mut first = Browser::new(&server, 11);
        let (status, page) = first.get(&unbound);
        assert_eq!(status, 200, "{page}");
        assert_eq!(verdict_of(&page), "valid", "{page}");
        assert!(page.contains("核验通过"));
        assert!(page.contains(OFFICER_A));
        assert!(page.contains("未填写本单位统一社会信用代码"));
        assert!(page.contains("不计入“两码互核”"));
        assert!(page.contains("北京时间"));
        let check = hidden(&page, "check");

        // The same browser reloading sees its first verdict; anyone else, a replay.
        let (_, again) = first.get(&unbound);
        assert_eq!(verdict_of(&again), "valid");
        assert_eq!(hidden(&again, "check"), check);
        let (status, other) = Browser::new(&server, 12).get(&unbound);
        assert_eq!(status, 200);
        assert_eq!(verdict_of(&other), "Replayed", "{other}");
        assert!(other.contains("该码已被使用过"));
        // The lower-case path is the same code.
        let (_, lower) = Browser::new(&server, 13).get(&unbound.replacen("/V/", "/v/", 1));
        assert_eq!(verdict_of(&lower), "Replayed");

        // A bound code: the page asks for the credit code, then checks for that enterprise.
        let bound = officer.url(&server, now - 1, Some(A));
        let mut shop = Browser::new(&server, 14);
        let (status, ask) = shop.get(&bound);
        assert_eq!(status, 200);
        assert!(ask.contains("统一社会信用代码"), "{ask}");
        assert!(!ask.contains("data-verdict=\"valid\""));
        let (status, bad) = shop.get(&format!("{bound}?enterprise=123"));
        assert_eq!(status, 400, "{bad}");
        let (_, page) = shop.get(&format!("{bound}?enterprise={A}"));
        assert_eq!(verdict_of(&page), "valid", "{page}");
        assert!(page.contains("重庆渝中大坪山城烧烤店"));
        assert!(shop
            .cookies
            .iter()
            .any(|(n, v)| n == "zhifa_enterprise" && v == A));

        // Another enterprise's code: bound to B, checked as A (remembered in the cookie).
        let (_, page) = shop.get(&officer.url(&server, now - 2, Some(B)));
        assert_eq!(verdict_of(&page), "WrongEnterprise", "{page}");
        assert!(page.contains("该码是为其他单位生成的"));

        // Forged: a code the credential's device did not make.
        let stranger = SigningKey::generate(Algorithm::EdDSA);
        let forged = render(&officer.credential, &stranger, now, None).unwrap();
        let (_, page) = Browser::new(&server, 15).get(&path_of(&url_form("http://h", &forged)));
        assert_eq!(verdict_of(&page), "BadDeviceSignature", "{page}");
        assert!(page.contains("12345"));

        // Expired: a step an hour old.
        let (_, page) = Browser::new(&server, 16).get(&officer.url(&server, now - 120, None));
        assert_eq!(verdict_of(&page), "StepTooOld", "{page}");
        assert!(page.contains("每30秒更新"));

        // Every readable check was recorded, marked as a web check, none as two-code evidence.
        assert_eq!(count(&server, "SELECT COUNT(*) FROM sv_web_check"), 7);
        assert_eq!(
            count(
                &server,
                "SELECT COUNT(*) FROM sv_web_check WHERE first_seen = 1"
            ),
            2
        );
        assert_eq!(
            count(&server, "SELECT COUNT(*) FROM sv_visit WHERE verified = 1"),
            0
        );
    }
}

#[test]
fn feedback_is_stored_counted_listed_and_survives_a_rebuild() {
    for database in backends("web_enterprise_feedback") {
        let server = Server::start_on(database, |_| {});
        let officer = officer(&server);
        let path = officer.url(&server, time_step(Utc::now()), Some(A));
        let mut shop = Browser::new(&server, 21);
        let (_, page) = shop.get(&format!("{path}?enterprise={A}"));
        assert_eq!(verdict_of(&page), "valid", "{page}");
        let (check, csrf) = (hidden(&page, "check"), hidden(&page, "csrf"));

        let rating = format!(
            "check={check}&csrf={csrf}&kind=rating&score=4&text=%E6%80%81%E5%BA%A6%E5%A5%BD"
        );
        let answer = shop.post(&path, &rating);
        assert_eq!(
            answer.status,
            303,
            "{}",
            String::from_utf8_lossy(&answer.body)
        );
        assert_eq!(
            answer.header("location"),
            Some(format!("{path}?sent=rating").as_str())
        );
        let (_, thanks) = shop.get(&format!("{path}?sent=rating"));
        assert!(thanks.contains("评价已提交"));
        // The reload issued a fresh token; the old one no longer opens the form.
        let csrf = hidden(&thanks, "csrf");
        let again = shop.post(&path, &rating.replace(&hidden(&page, "csrf"), &csrf));
        assert_eq!(
            again.status,
            409,
            "{}",
            String::from_utf8_lossy(&again.body)
        );

        let complaint = |text: &str| {
            format!("check={check}&csrf={csrf}&kind=complaint&text={text}&contact=13800000000")
        };
        for n in 0..3 {
            let answer = shop.post(
                &path,
                &complaint(&format!("%E6%80%81%E5%BA%A6%E6%81%B6%E5%8A%A3{n}")),
            );
            assert_eq!(
                answer.status,
                303,
                "{}",
                String::from_utf8_lossy(&answer.body)
            );
        }
        let fourth = shop.post(&path, &complaint("x"));
        assert_eq!(fourth.status, 429);
        assert!(String::from_utf8_lossy(&fourth.body).contains("上限"));
        // The cap is the code's, not the check's: the same code opened in a fresh browser (a
        // replayed check with its own form token) adds no complaint.
        let mut fresh = Browser::new(&server, 24);
        let (_, replayed) = fresh.get(&format!("{path}?enterprise={A}"));
        let flood = format!(
            "check={}&csrf={}&kind=complaint&text=x",
            hidden(&replayed, "check"),
            hidden(&replayed, "csrf")
        );
        assert_eq!(fresh.post(&path, &flood).status, 429);

        // CSRF: a wrong token, no check cookie, a foreign origin.
        let forged = shop.post(&path, &complaint("x").replace(&csrf, &"0".repeat(32)));
        assert_eq!(forged.status, 403);
        assert!(String::from_utf8_lossy(&forged.body).contains("表单已过期"));
        let stranger = Browser::new(&server, 22).post(&path, &complaint("x"));
        assert_eq!(stranger.status, 403);
        let mut headers = shop.cookie_header();
        headers.push(("origin", "http://evil.example".into()));
        let cross = shop
            .client
            .exchange("POST", &path, &headers, complaint("x").as_bytes());
        assert_eq!(cross.status, 403);
        // Over-long text is refused in words.
        let long = shop.post(&path, &complaint(&"%E6%8A%95".repeat(2_001)));
        assert_eq!(long.status, 400);
        assert!(String::from_utf8_lossy(&long.body).contains("不能超过2000个字"));

        // In sv_feedback, unverified, for the officer and the body, as the indicators count.
        assert_eq!(
            count(&server, "SELECT COUNT(*) FROM sv_feedback WHERE verified = 0 AND kind = 'complaint' AND officer = '渝50010320001'"),
            3
        );
        assert_eq!(
            count(&server, "SELECT COUNT(*) FROM sv_feedback WHERE verified = 0 AND kind = 'rating' AND score = 4 AND body <> ''"),
            1
        );
        assert_eq!(
            count(
                &server,
                "SELECT COUNT(*) FROM sv_web_feedback WHERE contact = '13800000000'"
            ),
            3
        );
        let projector = server.state.projection.current().unwrap();
        zhifa_sync_server::supervision::index::rebuild(server.state.db.as_ref(), &projector)
            .unwrap();
        assert_eq!(
            count(
                &server,
                "SELECT COUNT(*) FROM sv_feedback WHERE verified = 0"
            ),
            4
        );

        // The supervisor's list: the city sees them, another district does not.
        let city = issue_key(
            server.state.db.as_ref(),
            "市局",
            Role::City,
            &Scope::City,
            0,
        )
        .unwrap()
        .key;
        let other = issue_key(
            server.state.db.as_ref(),
            "渝北区",
            Role::District,
            &Scope::District("500112".into()),
            0,
        )
        .unwrap()
        .key;
        let list = |key: &str, query: &str| {
            RawClient::new(server.address, [127, 0, 0, 23])
                .exchange(
                    "GET",
                    &format!("/v1/supervision/feedback{query}"),
                    &[("authorization", format!("Bearer {key}"))],
                    b"",
                )
                .json()
        };
        let seen = list(&city, "?kind=complaint");
        assert_eq!(seen["total"], 3, "{seen}");
        let first = &seen["feedback"][0];
        assert_eq!(first["source"], "web");
        assert_eq!(first["enterprise"], A);
        assert_eq!(first["enterprise_name"], "重庆渝中大坪山城烧烤店");
        assert_eq!(first["contact"], "13800000000");
        assert_eq!(first["officer"], OFFICER_A);
        assert!(first["created_at"].as_str().unwrap().contains('年'));
        assert_eq!(list(&other, "")["total"], 0);
        // The complained-about body reads the complaint, never who made it.
        let body = issue_key(
            server.state.db.as_ref(),
            "市场监管局内部监督",
            Role::Body,
            &Scope::Body("B500103001".into()),
            0,
        )
        .unwrap()
        .key;
        let own = list(&body, "?kind=complaint");
        assert!(own["total"].as_i64().unwrap() > 0, "{own}");
        assert!(own["feedback"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["contact"] == ""));
        assert_eq!(list(&city, "?kind=bogus")["error"], "bad_request");
    }
}

#[test]
fn rate_limits_and_hostile_input_are_refused_in_words() {
    let server = Server::start(|config| {
        config.limits.web_per_address = Rate {
            per_minute: 1,
            burst: 12,
        };
        config.limits.web_feedback_per_address = Rate {
            per_minute: 1,
            burst: 1,
        };
    });
    let officer = officer(&server);
    let mut browser = Browser::new(&server, 31);
    let refused = |(status, page): (u16, String), want: u16| {
        assert_eq!(status, want, "{page:.300}");
        assert!(
            page.contains("无法识别") || page.contains("无法"),
            "{page:.300}"
        );
        assert!(!page.contains("Malformed {"), "no debug text: {page:.300}");
    };
    refused(browser.get(&format!("/v/{}", "9".repeat(10_000))), 400);
    refused(browser.get("/v/%ZZ%E0%80"), 400);
    refused(browser.get(&format!("/v/{}", "9".repeat(17))), 400);
    refused(browser.get("/v/EC1:%%%"), 400);
    refused(browser.get("/V/123?enterprise=%ZZ"), 400);
    // A body over the limit, declared: refused before it is read.
    let answer = browser.post("/v/123", &"a".repeat(40 * 1024));
    assert_eq!(answer.status, 413);
    assert!(String::from_utf8_lossy(&answer.body).contains("过长"));

    // Feedback: one form per address here, then a refusal in words.
    let path = officer.url(&server, time_step(Utc::now()), None);
    let (_, page) = browser.get(&path);
    let form = format!(
        "check={}&csrf={}&kind=complaint&text=a",
        hidden(&page, "check"),
        hidden(&page, "csrf")
    );
    assert_eq!(browser.post(&path, &form).status, 303);
    let again = browser.post(&path, &form);
    assert_eq!(again.status, 429);
    assert!(String::from_utf8_lossy(&again.body).contains("频繁"));

    // The page's rate per address: the burst spent, the next is refused with when to return.
    let mut last = (0, String::new());
    for _ in 0..12 {
        last = browser.get(&path);
        if last.0 == 429 {
            break;
        }
    }
    assert_eq!(last.0, 429, "{}", last.1);
    assert!(last.1.contains("请求过于频繁"));
    // Another address is not limited by this one.
    assert_eq!(Browser::new(&server, 32).get(&path).0, 200);
}

#[test]
fn the_a5_card_holds_the_enterprise_its_code_and_how_to_use_it() {
    let bin = env!("CARGO_BIN_EXE_zhifa-sync-server");
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let run = |args: &[&str]| {
        let out = std::process::Command::new(bin)
            .args(args)
            .env("ZHIFA_DATA_DIR", &data)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(&[
        "agency-keygen",
        "--agency",
        "B500103001",
        "--purpose",
        "enterprise-code",
        "--divisions",
        "500103",
    ]);
    run(&["publish", "--catalogue", "demo"]);
    let out = dir.path().join("shop.eq");
    let card = dir.path().join("card.html");
    run(&[
        "issue-enterprise-code",
        "--credit-code",
        A,
        "--out",
        out.to_str().unwrap(),
        "--card",
        card.to_str().unwrap(),
    ]);
    let html = std::fs::read_to_string(&card).unwrap();
    assert!(html.contains("size: A5"));
    assert!(html.contains("重庆渝中大坪山城烧烤店"));
    assert!(html.contains(A));
    assert!(html.contains("<svg"));
    assert!(!html.contains("<?xml"));
    assert!(html.contains("任意手机相机"));
    assert!(html.contains("不计入“两码互核”"));
    // The QR on the card is the enterprise code written beside it.
    let payload = std::fs::read_to_string(&out).unwrap();
    assert!(payload.starts_with("EQ1:"));
    let svg = zhifa_core::codes::qr::render_svg(&payload).unwrap();
    assert!(html.contains(&svg[svg.find("<svg").unwrap()..]));
}
