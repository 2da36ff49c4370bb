//! Browser sessions of the console. The cookie holds a random token; the server keeps only
//! its SHA-256 with the session's CSRF token, so a stolen database opens no session. A
//! session ends at logout, after `IDLE_SECONDS` without a request, `MAX_SECONDS` after login,
//! or when the account is reset or disabled.

use axum::http::{header, HeaderMap, HeaderValue};

use crate::error::ServerError;
use crate::storage::Tx;
use crate::supervision::supervisor::Supervisor;
use zhifa_core::crypto::sha256;

pub const COOKIE: &str = "zhifa_session";
pub const IDLE_SECONDS: i64 = 2 * 60 * 60;
pub const MAX_SECONDS: i64 = 12 * 60 * 60;
/// `last_seen` is written at most this often, not on every request.
const TOUCH_SECONDS: i64 = 60;

/// A session found from its cookie.
#[derive(Debug, Clone)]
pub struct Session {
    pub supervisor: Supervisor,
    pub csrf: String,
    token_hash: String,
}

/// 32 random bytes in hex.
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
    hex::encode(bytes)
}

fn hash_of(token: &str) -> String {
    hex::encode(sha256(token.as_bytes()))
}

/// Whether two secrets are equal, compared as hashes so the time says nothing of either.
pub fn same_secret(offered: &str, expected: &str) -> bool {
    !expected.is_empty() && sha256(offered.as_bytes()) == sha256(expected.as_bytes())
}

/// Starts a session for `username`: the cookie's token and the CSRF token.
pub fn start(tx: &mut dyn Tx, username: &str, now: i64) -> Result<(String, String), ServerError> {
    let (token, csrf) = (random_token(), random_token());
    // Expired sessions are swept as new ones start: the table holds only live ones.
    tx.execute(
        "DELETE FROM web_session WHERE expires_at <= $1 OR last_seen <= $2",
        &[now.into(), (now - IDLE_SECONDS).into()],
    )?;
    tx.execute(
        "INSERT INTO web_session (token_hash, username, csrf, created_at, last_seen, expires_at)
         VALUES ($1, $2, $3, $4, $4, $5)",
        &[
            hash_of(&token).into(),
            username.into(),
            csrf.clone().into(),
            now.into(),
            (now + MAX_SECONDS).into(),
        ],
    )?;
    Ok((token, csrf))
}

/// The live session of `token` at `now`, with its account as it is now.
pub fn find(tx: &mut dyn Tx, token: &str, now: i64) -> Result<Option<Session>, ServerError> {
    let token_hash = hash_of(token);
    let Some(row) = tx.query_opt(
        "SELECT username, csrf, last_seen FROM web_session
         WHERE token_hash = $1 AND expires_at > $2 AND last_seen > $3",
        &[
            token_hash.clone().into(),
            now.into(),
            (now - IDLE_SECONDS).into(),
        ],
    )?
    else {
        return Ok(None);
    };
    let Some(supervisor) = super::supervisor(tx, &row.text(0)?)? else {
        return Ok(None);
    };
    if now - row.int(2)? >= TOUCH_SECONDS {
        tx.execute(
            "UPDATE web_session SET last_seen = $2 WHERE token_hash = $1",
            &[token_hash.clone().into(), now.into()],
        )?;
    }
    Ok(Some(Session {
        supervisor,
        csrf: row.text(1)?,
        token_hash,
    }))
}

/// Ends a session.
pub fn end(tx: &mut dyn Tx, session: &Session) -> Result<(), ServerError> {
    tx.execute(
        "DELETE FROM web_session WHERE token_hash = $1",
        &[session.token_hash.clone().into()],
    )?;
    Ok(())
}

/// The value of cookie `name` in the request, if any.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|line| line.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.trim())
        .filter(|value| !value.is_empty())
}

/// A `Set-Cookie` for `name`: HttpOnly, SameSite=Strict, Secure (browsers keep Secure
/// cookies on `localhost` and `127.0.0.1` too), for `max_age` seconds (0 deletes it).
pub fn set_cookie(name: &str, value: &str, path: &str, max_age: i64) -> HeaderValue {
    let cookie = format!(
        "{name}={value}; Path={path}; Max-Age={max_age}; HttpOnly; SameSite=Strict; Secure"
    );
    HeaderValue::from_str(&cookie).expect("cookie of hex and fixed text")
}
