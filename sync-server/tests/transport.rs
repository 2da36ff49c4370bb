//! Hostile networks and hostile devices against the real server on loopback: slow headers,
//! a body declaring a gigabyte, more connections than the cap, a device over its rate, a
//! forged key id, /metrics on the public port, PostgreSQL TLS that must never fall back.
//! Each plays the attack, asserts the refusal, and asserts a victim phone still syncs.

mod support;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use support::{quick, RawClient, Server, OFFICER_A, OFFICER_B};
use zhifa_core::sync::auth::{KEY_HEADER, NONCE_HEADER, SIGNATURE_HEADER, TIME_HEADER};
use zhifa_core::sync::protocol::routes;
use zhifa_core::sync::{SyncError, SyncOptions};
use zhifa_core::Error;
use zhifa_sync_server::limits::Rate;
use zhifa_sync_server::storage::transaction;

#[test]
fn slow_header_connections_are_closed_by_the_timeout_while_a_phone_syncs() {
    let server = Server::start(|config| config.limits.header_timeout = Duration::from_secs(1));
    let phone = server.enrolled(OFFICER_A);
    let address = server.address;
    let runtime = tokio::runtime::Runtime::new().unwrap();
    // 200 connections, each sending its headers one line every 200 ms, never ending them.
    let slow: Vec<_> = (0..200)
        .map(|i| {
            runtime.spawn(async move {
                use tokio::io::{AsyncReadExt, AsyncWriteExt};
                let started = Instant::now();
                let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
                stream
                    .write_all(b"POST /v1/sync HTTP/1.1\r\nhost: zhifa\r\n")
                    .await
                    .unwrap();
                let mut buf = [0u8; 512];
                loop {
                    tokio::select! {
                        read = stream.read(&mut buf) => match read {
                            Ok(0) | Err(_) => return started.elapsed(),
                            Ok(_) => {} // an error page before the close
                        },
                        () = tokio::time::sleep(Duration::from_millis(200)) => {
                            let line = format!("x-slow-{i}: still typing\r\n");
                            if stream.write_all(line.as_bytes()).await.is_err() {
                                return started.elapsed();
                            }
                        }
                    }
                    if started.elapsed() > Duration::from_secs(15) {
                        panic!("a slow-header connection is still open after 15 s");
                    }
                }
            })
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    // Meanwhile a real phone syncs, whole.
    let report = phone
        .sync()
        .expect("the phone syncs while 200 connections crawl");
    assert!(report.round_trips >= 1);
    for connection in slow {
        let open_for = runtime.block_on(connection).unwrap();
        assert!(
            open_for < Duration::from_secs(4),
            "closed by the 1 s header timeout, not kept (open {open_for:?})"
        );
    }
}

#[test]
fn a_body_declaring_a_gigabyte_is_refused_at_once_and_a_stalled_body_is_cut() {
    let server = Server::start(|config| config.limits.body_timeout = Duration::from_secs(1));
    let phone = server.enrolled(OFFICER_A);
    for (path, declared) in [(routes::SYNC, 1u64 << 30), (routes::ENROL, 1 << 20)] {
        let started = Instant::now();
        let mut stream = TcpStream::connect(server.address).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let head =
            format!("POST {path} HTTP/1.1\r\nhost: zhifa\r\ncontent-length: {declared}\r\n\r\n");
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&[0u8; 1024]).unwrap();
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let answer = support::parse(&answer);
        assert_eq!(answer.status, 413, "{path}");
        assert_eq!(answer.json()["error"], "too_large");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "refused from the declared length, not after reading ({:?})",
            started.elapsed()
        );
    }
    // A body that stops arriving is cut by the body timeout, not held.
    let started = Instant::now();
    let mut stream = TcpStream::connect(server.address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(
            b"POST /v1/sync HTTP/1.1\r\nhost: zhifa\r\ncontent-length: 1000\r\n\r\nfirst bytes",
        )
        .unwrap();
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    assert!(started.elapsed() < Duration::from_secs(5));
    let answer = support::parse(&answer);
    assert_eq!(answer.status, 400);
    assert_eq!(answer.json()["detail"], "request body stalled");
    // The victim: the phone still syncs.
    phone.sync().expect("the phone syncs after the attacks");
}

#[test]
fn the_connection_cap_holds_and_frees_when_connections_close() {
    let server = Server::start(|config| config.limits.max_connections = 8);
    let held: Vec<TcpStream> = (0..8)
        .map(|_| TcpStream::connect(server.address).unwrap())
        .collect();
    std::thread::sleep(Duration::from_millis(200));
    // One over the cap is accepted and closed at once.
    let mut over = TcpStream::connect(server.address).unwrap();
    over.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = over.write_all(b"GET /healthz HTTP/1.1\r\nhost: zhifa\r\n\r\n");
    let started = Instant::now();
    let mut buf = [0u8; 64];
    let read = over.read(&mut buf);
    assert!(
        matches!(read, Ok(0) | Err(_)),
        "the connection over the cap is closed unanswered, got {read:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(2));
    drop(held);
    // Freed: a phone enrols and syncs.
    let deadline = Instant::now() + Duration::from_secs(5);
    let phone = loop {
        let phone = server.phone();
        match phone
            .device
            .sync()
            .enrol(&phone.transport, &server.code(OFFICER_A), "after the cap")
        {
            Ok(_) => break phone,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(100)),
            Err(error) => panic!("the cap did not free: {error}"),
        }
    };
    phone.sync().expect("a phone syncs once connections closed");
}

#[test]
fn one_address_cannot_hold_every_connection() {
    let server = Server::start(|config| {
        config.limits.max_connections = 64;
        config.limits.max_connections_per_address = 4;
    });
    let attacker = RawClient::new(server.address, [127, 0, 0, 1]);
    let _held: Vec<TcpStream> = (0..4).map(|_| attacker.connect()).collect();
    std::thread::sleep(Duration::from_millis(200));
    let mut over = attacker.connect();
    over.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
    let _ = over.write_all(b"GET /healthz HTTP/1.1\r\nhost: zhifa\r\n\r\n");
    let mut buf = [0u8; 64];
    assert!(
        matches!(over.read(&mut buf), Ok(0) | Err(_)),
        "a fifth connection from the same address is closed unanswered"
    );
    // Another address is served meanwhile.
    let neighbour = RawClient::new(server.address, [127, 0, 0, 2]);
    assert_eq!(
        neighbour.exchange("GET", routes::HEALTH, &[], b"").status,
        200
    );
}

#[test]
fn a_device_over_its_rate_is_limited_and_neither_its_teammate_nor_a_forged_key_is() {
    let server = Server::start(|config| {
        config.limits.per_device = Rate {
            per_minute: 60,
            burst: 12,
        }
    });
    let hammering = server.enrolled(OFFICER_A);
    let victim = server.enrolled(OFFICER_B);
    // An attacker forges the victim's key id on 300 requests: refused as unsigned, and the
    // victim's bucket is untouched (it is charged only after the signature checks).
    let raw = RawClient::new(server.address, [127, 0, 0, 1]);
    let victim_key = server.key_of(OFFICER_B);
    for n in 0..300 {
        let headers = [
            (KEY_HEADER, victim_key.clone()),
            (TIME_HEADER, chrono::Utc::now().timestamp().to_string()),
            (NONCE_HEADER, format!("{n:032x}")),
            (SIGNATURE_HEADER, "00".repeat(64)),
        ];
        let answer = raw.exchange("POST", routes::SYNC, &headers, b"");
        assert_eq!(answer.status, 401, "a forged signature is unauthorised");
        assert_eq!(answer.json()["detail"], "bad request signature");
    }
    // The hammering device syncs without pause until the server limits it.
    let once = SyncOptions {
        attempts: 1,
        ..quick()
    };
    let limited = (0..50).find_map(|_| match hammering.sync_with(&once) {
        Ok(_) => None,
        Err(Error::Sync(SyncError::RateLimited { retry_after })) => Some(retry_after),
        Err(other) => panic!("expected a rate limit, got {other}"),
    });
    let retry_after = limited.expect("the hammering device was limited");
    assert!(
        (1..=2).contains(&retry_after),
        "retry after {retry_after} s"
    );
    let text = Error::Sync(SyncError::RateLimited { retry_after }).message_zh();
    assert!(text.contains("秒后重试"), "{text}");
    // The teammate has its own bucket, spent by no one: not limited even once.
    victim
        .sync_with(&once)
        .expect("the other device syncs unlimited");
    // The limited phone's next sync waits as told and completes.
    hammering
        .sync()
        .expect("the limited phone's next sync completes");
}

#[test]
fn rate_limited_answers_carry_retry_after_in_header_and_body() {
    let server = Server::start(|config| {
        config.limits.public_per_address = Rate {
            per_minute: 6,
            burst: 2,
        }
    });
    let attacker = RawClient::new(server.address, [127, 0, 0, 1]);
    let answers: Vec<_> = (0..3)
        .map(|_| attacker.exchange("GET", routes::CATALOGUE_AUTHORITY, &[], b""))
        .collect();
    assert_eq!(answers[0].status, 200);
    assert_eq!(answers[1].status, 200);
    let limited = &answers[2];
    assert_eq!(limited.status, 429);
    assert_eq!(limited.json()["error"], "rate_limited");
    let seconds: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=10).contains(&seconds));
    assert_eq!(limited.json()["retry_after"], seconds);
    // Another address is not limited.
    let neighbour = RawClient::new(server.address, [127, 0, 0, 2]);
    assert_eq!(
        neighbour
            .exchange("GET", routes::CATALOGUE_AUTHORITY, &[], b"")
            .status,
        200
    );
}

#[test]
fn metrics_are_not_on_the_public_port_without_the_token() {
    let open = Server::start(|_| {});
    let raw = RawClient::new(open.address, [127, 0, 0, 1]);
    assert_eq!(raw.exchange("GET", routes::METRICS, &[], b"").status, 404);
    // The internal listener serves them.
    let internal = RawClient::new(open.metrics_address.unwrap(), [127, 0, 0, 1]);
    let metrics = internal.exchange("GET", routes::METRICS, &[], b"");
    assert_eq!(metrics.status, 200);
    assert!(String::from_utf8_lossy(&metrics.body).contains("zhifa_"));

    let guarded = Server::start(|config| config.metrics_token = Some("s3cret-token".into()));
    let raw = RawClient::new(guarded.address, [127, 0, 0, 1]);
    assert_eq!(raw.exchange("GET", routes::METRICS, &[], b"").status, 401);
    let wrong = [("authorization", "Bearer guess".to_owned())];
    assert_eq!(
        raw.exchange("GET", routes::METRICS, &wrong, b"").status,
        401
    );
    let right = [("authorization", "Bearer s3cret-token".to_owned())];
    assert_eq!(
        raw.exchange("GET", routes::METRICS, &right, b"").status,
        200
    );
}

#[test]
fn postgres_tls_is_required_when_asked_and_never_falls_back_to_plaintext() {
    use zhifa_sync_server::storage::PostgresDatabase;
    // A "server" that answers PostgreSQL's TLS request with "no": sslmode=require fails.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let plaintext_only = std::thread::spawn(move || {
        let (mut stream, _) = listener.accept().unwrap();
        let mut request = [0u8; 8];
        stream.read_exact(&mut request).unwrap();
        assert_eq!(
            &request[4..],
            &[0x04, 0xd2, 0x16, 0x2f],
            "an SSLRequest first"
        );
        stream.write_all(b"N").unwrap();
        // Whatever comes next would be plaintext: there must be nothing.
        let mut after = Vec::new();
        let _ = stream.read_to_end(&mut after);
        after
    });
    let refused = PostgresDatabase::open(&format!(
        "postgres://postgres@127.0.0.1:{port}/postgres?sslmode=require"
    ));
    let Err(error) = refused else {
        panic!("connected without TLS")
    };
    assert!(error.to_string().contains("TLS"), "{error}");
    assert!(
        plaintext_only.join().unwrap().is_empty(),
        "no plaintext startup after the refusal"
    );
    assert!(PostgresDatabase::open("postgres://postgres@127.0.0.1/x?sslmode=verify-ca").is_err());

    // Against the real server when there is one (TLS with the distribution's self-signed
    // certificate, named localhost).
    let Some(scratch) = support::Scratch::create("tls") else {
        return;
    };
    let base = scratch.url.clone();
    let snakeoil = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
    let mut plain = postgres::Client::connect(&base, postgres::NoTls).unwrap();
    let ssl: String = plain.query_one("SHOW ssl", &[]).unwrap().get(0);
    if ssl != "on" || !std::path::Path::new(snakeoil).exists() {
        return;
    }
    let tls_base = base.replace("127.0.0.1", "localhost");
    let separator = if tls_base.contains('?') { '&' } else { '?' };
    // Not signed by a public root: refused, not accepted unverified.
    let unverified = PostgresDatabase::open(&format!("{tls_base}{separator}sslmode=require"));
    assert!(unverified.is_err(), "an unknown certificate is refused");
    // With its certificate as the root: connected, and the session is encrypted.
    let db = PostgresDatabase::open(&format!(
        "{tls_base}{separator}sslmode=verify-full&sslrootcert={snakeoil}"
    ))
    .expect("TLS with the given root");
    let encrypted = transaction(&db, |tx| {
        tx.query_opt(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
    })
    .unwrap()
    .unwrap();
    assert_eq!(encrypted.int(0).unwrap(), 1);
}
