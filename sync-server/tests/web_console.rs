//! The console's accounts and sessions over real HTTP, on SQLite and PostgreSQL: the login
//! form's CSRF cookie, the session cookie's flags, the API opened by the session, a change
//! without the CSRF header refused, logout, the lockout and its end, a reset or disabled
//! account ending its sessions, and the access log.

mod supervision_api_support;
mod support;

use supervision_api_support::*;
use support::{Answer, RawClient, Server};
use zhifa_sync_server::storage::transaction;
use zhifa_sync_server::supervision::accounts::{self, LoginRefused, LOCK_SECONDS, MAX_FAILURES};
use zhifa_sync_server::supervision::api::auth::access_log;
use zhifa_sync_server::supervision::api::Role;
use zhifa_sync_server::supervision::Scope;

const PASSWORD: &str = "correct horse battery";

fn account(server: &Server, username: &str, role: Role, scope: Scope) {
    let now = chrono::Utc::now().timestamp();
    accounts::create(
        server.state.db.as_ref(),
        username,
        "王监督",
        role,
        &scope,
        PASSWORD,
        now,
    )
    .unwrap();
}

fn exchange(
    server: &Server,
    method: &str,
    path: &str,
    headers: &[(&str, String)],
    body: &[u8],
) -> Answer {
    RawClient::new(server.address, [127, 0, 0, 1]).exchange(method, path, headers, body)
}

/// The `name=value` of a `Set-Cookie` for `name`, and the whole header.
fn set_cookie(answer: &Answer, name: &str) -> Option<(String, String)> {
    answer
        .headers
        .iter()
        .filter(|(n, _)| n == "set-cookie")
        .map(|(_, v)| v.clone())
        .find(|v| v.starts_with(&format!("{name}=")))
        .map(|v| (v.split(';').next().unwrap().to_owned(), v))
}

fn text(answer: &Answer) -> String {
    String::from_utf8_lossy(&answer.body).into_owned()
}

/// Logs in through the form: the session cookie (`zhifa_session=…`), or the refused answer.
fn login(server: &Server, username: &str, password: &str) -> Result<String, Answer> {
    let form = exchange(server, "GET", "/console/login", &[], b"");
    assert_eq!(form.status, 200);
    let (login_cookie, _) = set_cookie(&form, "zhifa_login").expect("the form's CSRF cookie");
    let csrf = login_cookie.split_once('=').unwrap().1.to_owned();
    assert!(text(&form).contains(&format!("value=\"{csrf}\"")));
    let body = format!(
        "username={username}&password={}&csrf={csrf}",
        password.replace(' ', "+")
    );
    let answer = exchange(
        server,
        "POST",
        "/console/login",
        &[
            ("content-type", "application/x-www-form-urlencoded".into()),
            ("cookie", login_cookie),
        ],
        body.as_bytes(),
    );
    match set_cookie(&answer, "zhifa_session") {
        Some((cookie, _)) if answer.status == 303 => Ok(cookie),
        _ => Err(answer),
    }
}

fn csrf_of(server: &Server, cookie: &str) -> String {
    let shell = exchange(
        server,
        "GET",
        "/console",
        &[("cookie", cookie.to_owned())],
        b"",
    );
    assert_eq!(shell.status, 200);
    let html = text(&shell);
    let start = html.find("name=\"csrf-token\" content=\"").unwrap() + 27;
    html[start..start + 64].to_owned()
}

#[test]
fn a_login_opens_a_session_that_opens_the_api_and_logout_ends_it() {
    for server in servers("web_login") {
        account(
            &server,
            "wang",
            Role::District,
            Scope::District(YUZHONG.into()),
        );
        let unknown = exchange(&server, "GET", "/console", &[], b"");
        assert_eq!(unknown.status, 303);
        assert_eq!(unknown.header("location"), Some("/console/login"));

        // The form's hidden token must match its cookie.
        let forged = exchange(
            &server,
            "POST",
            "/console/login",
            &[
                ("content-type", "application/x-www-form-urlencoded".into()),
                ("cookie", "zhifa_login=aaaa".into()),
            ],
            format!("username=wang&password={PASSWORD}&csrf=bbbb").as_bytes(),
        );
        assert_eq!(forged.status, 403);
        assert!(text(&forged).contains("登录页面已过期"));

        let cookie = login(&server, "wang", PASSWORD).expect("logged in");
        let answer = login_answer(&server);
        let (_, header) = set_cookie(&answer, "zhifa_session").unwrap();
        for flag in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
            assert!(header.contains(flag), "{header}");
        }

        let me = exchange(
            &server,
            "GET",
            "/v1/supervision/me",
            &[("cookie", cookie.clone())],
            b"",
        );
        assert_eq!(me.status, 200);
        assert_eq!(me.json()["role"], "district");
        assert_eq!(me.json()["scope"], YUZHONG);

        // A change without the session's CSRF token is refused in words.
        let path = "/v1/supervision/warnings/none/acknowledge";
        let refused = exchange(&server, "POST", path, &[("cookie", cookie.clone())], b"{}");
        assert_eq!(refused.status, 403);
        assert!(is_zh(refused.json()["detail"].as_str().unwrap()));
        let wrong = [("cookie", cookie.clone()), ("x-csrf-token", "0".repeat(64))];
        assert_eq!(exchange(&server, "POST", path, &wrong, b"{}").status, 403);
        let csrf = csrf_of(&server, &cookie);
        let right = [
            ("cookie", cookie.clone()),
            ("x-csrf-token", csrf.clone()),
            ("content-type", "application/json".into()),
        ];
        assert_eq!(exchange(&server, "POST", path, &right, b"{}").status, 404);

        let out = exchange(
            &server,
            "POST",
            "/console/logout",
            &[("cookie", cookie.clone()), ("x-csrf-token", csrf)],
            b"",
        );
        assert_eq!(out.status, 303);
        let (cleared, _) = set_cookie(&out, "zhifa_session").unwrap();
        assert_eq!(cleared, "zhifa_session=");
        let after = exchange(
            &server,
            "GET",
            "/v1/supervision/me",
            &[("cookie", cookie)],
            b"",
        );
        assert_eq!(after.status, 401);
        assert!(is_zh(after.json()["detail"].as_str().unwrap()));
    }
}

/// A fresh login's answer, to read its headers.
fn login_answer(server: &Server) -> Answer {
    let form = exchange(server, "GET", "/console/login", &[], b"");
    let (login_cookie, _) = set_cookie(&form, "zhifa_login").unwrap();
    let csrf = login_cookie.split_once('=').unwrap().1.to_owned();
    exchange(
        server,
        "POST",
        "/console/login",
        &[
            ("content-type", "application/x-www-form-urlencoded".into()),
            ("cookie", login_cookie),
        ],
        format!(
            "username=wang&password={}&csrf={csrf}",
            PASSWORD.replace(' ', "+")
        )
        .as_bytes(),
    )
}

#[test]
fn repeated_failures_lock_the_account_until_the_lock_ends() {
    for server in servers("web_lockout") {
        account(&server, "li", Role::Reviewer, Scope::City);
        let db = server.state.db.as_ref();
        let now = 1_790_000_000;
        for _ in 1..MAX_FAILURES {
            assert_eq!(
                accounts::verify(db, "li", "wrong", now).unwrap(),
                Err(LoginRefused::Wrong)
            );
        }
        let locked = accounts::verify(db, "li", "wrong", now).unwrap();
        assert_eq!(
            locked,
            Err(LoginRefused::Locked {
                until: now + LOCK_SECONDS
            })
        );
        // The right password does not open a locked account, to the last second of the lock.
        let during = accounts::verify(db, "li", PASSWORD, now + LOCK_SECONDS - 1).unwrap();
        assert!(matches!(during, Err(LoginRefused::Locked { .. })));
        let after = accounts::verify(db, "li", PASSWORD, now + LOCK_SECONDS).unwrap();
        assert_eq!(after.unwrap().name, "王监督");
        // A success clears the count: four more failures do not lock.
        for _ in 1..MAX_FAILURES {
            let again = accounts::verify(db, "li", "wrong", now + LOCK_SECONDS).unwrap();
            assert_eq!(again, Err(LoginRefused::Wrong));
        }
        // Unknown names and over-long passwords answer as a wrong password.
        assert_eq!(
            accounts::verify(db, "nobody", PASSWORD, now).unwrap(),
            Err(LoginRefused::Wrong)
        );
        let huge = "x".repeat(1 << 20);
        let refused = accounts::verify(db, "nobody", &huge, now).unwrap();
        assert_eq!(refused, Err(LoginRefused::Wrong));

        // Guesses sent at once cannot outrun the lock: at most the allowed few are checked,
        // and then even the right password waits for the lock's end.
        account(&server, "qian", Role::Reviewer, Scope::City);
        let verdicts: Vec<_> = std::thread::scope(|threads| {
            let guesses: Vec<_> = (0..20)
                .map(|i| {
                    threads.spawn(move || accounts::verify(db, "qian", &format!("guess {i}"), now))
                })
                .collect();
            guesses
                .into_iter()
                .map(|g| g.join().unwrap().unwrap())
                .collect()
        });
        let checked = verdicts
            .iter()
            .filter(|v| **v == Err(LoginRefused::Wrong))
            .count();
        assert!(checked <= MAX_FAILURES as usize, "{verdicts:?}");
        let refused = accounts::verify(db, "qian", PASSWORD, now).unwrap();
        assert!(matches!(refused, Err(LoginRefused::Locked { .. })));
        // An unknown name locks exactly as a known one.
        for _ in 1..MAX_FAILURES {
            let wrong = accounts::verify(db, "ghost", "x", now).unwrap();
            assert_eq!(wrong, Err(LoginRefused::Wrong));
        }
        let ghost = accounts::verify(db, "ghost", "x", now).unwrap();
        assert_eq!(
            ghost,
            Err(LoginRefused::Locked {
                until: now + LOCK_SECONDS
            })
        );

        // Over HTTP, the fifth failure says until when, in Beijing time.
        account(&server, "zhao", Role::Reviewer, Scope::City);
        for _ in 1..MAX_FAILURES {
            let answer = login(&server, "zhao", "not it").unwrap_err();
            assert_eq!(answer.status, 401);
            assert!(text(&answer).contains("用户名或密码错误"));
        }
        let answer = login(&server, "zhao", "not it").unwrap_err();
        assert_eq!(answer.status, 429);
        assert!(text(&answer).contains("账户已锁定至"), "{}", text(&answer));
        assert!(text(&answer).contains("（北京时间）"));
        assert!(login(&server, "zhao", PASSWORD).is_err());
    }
}

#[test]
fn a_reset_or_disabled_account_ends_its_sessions_and_weak_passwords_are_refused() {
    for server in servers("web_reset") {
        account(&server, "chen", Role::City, Scope::City);
        let cookie = login(&server, "chen", PASSWORD).unwrap();
        let me = |cookie: &str| {
            exchange(
                &server,
                "GET",
                "/v1/supervision/me",
                &[("cookie", cookie.to_owned())],
                b"",
            )
            .status
        };
        assert_eq!(me(&cookie), 200);
        account(&server, "chen", Role::City, Scope::City);
        assert_eq!(me(&cookie), 401, "a reset ends the sessions");
        let cookie = login(&server, "chen", PASSWORD).unwrap();
        assert!(accounts::disable(server.state.db.as_ref(), "chen").unwrap());
        assert_eq!(me(&cookie), 401, "disabling ends the sessions");
        assert!(login(&server, "chen", PASSWORD).is_err());

        let db = server.state.db.as_ref();
        let short = accounts::create(db, "sun", "孙", Role::City, &Scope::City, "short", 0);
        assert!(short.is_err());
        let misfit = accounts::create(db, "sun", "孙", Role::District, &Scope::City, PASSWORD, 0);
        assert!(misfit.is_err(), "a district account needs a district");
        let bad_name = accounts::create(db, "a b", "孙", Role::City, &Scope::City, PASSWORD, 0);
        assert!(bad_name.is_err());
        let listed = accounts::list(db).unwrap();
        assert!(listed.iter().all(|a| a.get("password_hash").is_none()));
    }
}

#[test]
fn who_opens_which_case_is_logged() {
    for server in servers("web_access") {
        two_districts(&server);
        account(
            &server,
            "zhou",
            Role::District,
            Scope::District(YUZHONG.into()),
        );
        let cookie = login(&server, "zhou", PASSWORD).unwrap();
        let open = |id: &str| {
            exchange(
                &server,
                "GET",
                &format!("/v1/supervision/cases/{id}"),
                &[("cookie", cookie.clone())],
                b"",
            )
            .status
        };
        assert_eq!(open("case-yz-1"), 200);
        assert_eq!(
            open("case-yb-1"),
            404,
            "another district's case reads as absent"
        );
        let key = city(&server);
        assert_eq!(
            get(&server, "/v1/supervision/cases/case-yb-1", &key).status,
            200
        );
        let log = transaction(server.state.db.as_ref(), |tx| access_log(tx, None, 10)).unwrap();
        let seen: Vec<(String, String)> = log
            .iter()
            .map(|e| {
                (
                    e["who"].as_str().unwrap().to_owned(),
                    e["case_id"].as_str().unwrap().to_owned(),
                )
            })
            .collect();
        assert!(
            seen.contains(&("zhou".into(), "case-yz-1".into())),
            "{seen:?}"
        );
        assert!(!seen
            .iter()
            .any(|(who, case)| who == "zhou" && case == "case-yb-1"));
        assert!(
            seen.iter()
                .any(|(who, case)| who.len() == 12 && case == "case-yb-1"),
            "keys are logged too"
        );
    }
}

#[test]
fn the_pages_are_served_from_the_binary_with_their_guards() {
    for server in servers("web_assets") {
        let echarts = exchange(
            &server,
            "GET",
            "/assets/vendor/echarts.min.js",
            &[("accept-encoding", "gzip, br".into())],
            b"",
        );
        assert_eq!(echarts.status, 200);
        assert_eq!(echarts.header("content-encoding"), Some("gzip"));
        assert!(echarts
            .header("content-type")
            .unwrap()
            .starts_with("text/javascript"));
        assert!(
            echarts.body.len() < 400_000,
            "gzipped: {}",
            echarts.body.len()
        );
        let etag = echarts.header("etag").unwrap().to_owned();
        let again = exchange(
            &server,
            "GET",
            "/assets/vendor/echarts.min.js",
            &[("if-none-match", etag)],
            b"",
        );
        assert_eq!(again.status, 304);
        assert_eq!(
            exchange(&server, "GET", "/assets/../Cargo.toml", &[], b"").status,
            404
        );
        assert_eq!(
            exchange(&server, "GET", "/assets/package.json", &[], b"").status,
            404
        );
        let login = exchange(&server, "GET", "/console/login", &[], b"");
        let policy = login.header("content-security-policy").unwrap();
        assert!(policy.contains("default-src 'self'") && policy.contains("script-src 'self'"));
        assert_eq!(login.header("x-content-type-options"), Some("nosniff"));
        assert!(text(&login).contains("行政执法监督平台"));
        // The API's JSON goes gzipped to a browser that takes it.
        let key = city(&server);
        let definitions = exchange(
            &server,
            "GET",
            "/v1/supervision/indicators",
            &[
                ("authorization", format!("Bearer {key}")),
                ("accept-encoding", "gzip".into()),
            ],
            b"",
        );
        assert_eq!(definitions.status, 200);
        assert_eq!(definitions.header("content-encoding"), Some("gzip"));
    }
}
