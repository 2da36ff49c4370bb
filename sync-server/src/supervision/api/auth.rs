//! Supervisors' keys and who a request comes from. A key is `zsv_` and 32 random bytes in
//! hex, shown once when issued; the server keeps only its SHA-256 (`sv_key`), so a request's
//! key is found by its hash and never compared byte by byte. Every supervision route but the
//! OpenAPI document passes `authenticate`: no key, an unknown or a revoked one is 401; a
//! device's signature is not a key, and a key opens no device route (those check signatures).
//! Each key has its own rate (the server's per-device rate).

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::{header, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::{Extension, Json};
use governor::clock::{Clock, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};
use zhifa_core::crypto::sha256;
use zhifa_core::sync::protocol::ErrorCode;

use super::reply::{blocking, Refused, Reply};
use crate::error::{ApiError, ServerError};
use crate::limits::Rate;
use crate::state::AppState;
use crate::storage::{transaction, Database, Tx};
use crate::supervision::accounts::sessions;
use crate::supervision::Scope;

pub const KEY_PREFIX: &str = "zsv_";

pub use crate::supervision::supervisor::{Role, Supervisor};

/// A newly issued key: `key` is shown once and never stored.
#[derive(Debug, Clone)]
pub struct IssuedKey {
    pub key: String,
    pub key_hash: String,
}

fn hash_of(key: &str) -> String {
    hex::encode(sha256(key.as_bytes()))
}

/// Issues a key for `name` with `role` over `scope` (`Role::fits`), at `now` (Unix seconds).
pub fn issue_key(
    db: &dyn Database,
    name: &str,
    role: Role,
    scope: &Scope,
    now: i64,
) -> Result<IssuedKey, ServerError> {
    if name.trim().is_empty() {
        return Err(ServerError::BadRequest(
            "a key needs the supervisor's name".into(),
        ));
    }
    role.check_scope(scope)?;
    let mut random = [0u8; 32];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut random);
    let key = format!("{KEY_PREFIX}{}", hex::encode(random));
    let key_hash = hash_of(&key);
    transaction(db, |tx| {
        tx.execute(
            "INSERT INTO sv_key (key_hash, name, role, scope, issued_at, revoked)
             VALUES ($1, $2, $3, $4, $5, 0)",
            &[
                key_hash.clone().into(),
                name.trim().into(),
                role.as_str().into(),
                scope.stored().into(),
                now.into(),
            ],
        )
    })?;
    Ok(IssuedKey { key, key_hash })
}

/// Revokes a key given as itself or as its hash (or a prefix of the hash of 12 or more hex
/// digits, as `list_keys` prints it); how many keys it revoked.
pub fn revoke_key(db: &dyn Database, key_or_hash: &str) -> Result<u64, ServerError> {
    let hash = if key_or_hash.starts_with(KEY_PREFIX) {
        hash_of(key_or_hash)
    } else {
        key_or_hash.to_ascii_lowercase()
    };
    if hash.len() < 12 || !hash.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(ServerError::BadRequest(
            "give the key or at least 12 hex digits of its hash".into(),
        ));
    }
    transaction(db, |tx| {
        tx.execute(
            "UPDATE sv_key SET revoked = 1 WHERE key_hash LIKE $1 AND revoked = 0",
            &[format!("{hash}%").into()],
        )
    })
}

/// Every key: its id, name, role, scope, when issued and whether revoked.
pub fn list_keys(db: &dyn Database) -> Result<Vec<serde_json::Value>, ServerError> {
    transaction(db, |tx| {
        tx.query(
            "SELECT key_hash, name, role, scope, issued_at, revoked FROM sv_key ORDER BY issued_at, key_hash",
            &[],
        )?
        .into_iter()
        .map(|row| {
            Ok(serde_json::json!({
                "key_id": row.text(0)?[..12],
                "name": row.text(1)?,
                "role": row.text(2)?,
                "scope": row.text(3)?,
                "issued_at": row.int(4)?,
                "revoked": row.int(5)? != 0,
            }))
        })
        .collect()
    })
}

/// The supervisor a key belongs to, if it is known and not revoked.
pub fn supervisor_of(tx: &mut dyn Tx, key: &str) -> Result<Option<Supervisor>, ServerError> {
    if !key.starts_with(KEY_PREFIX) {
        return Ok(None);
    }
    let hash = hash_of(key);
    let Some(row) = tx.query_opt(
        "SELECT name, role, scope FROM sv_key WHERE key_hash = $1 AND revoked = 0",
        &[hash.clone().into()],
    )?
    else {
        return Ok(None);
    };
    let (Some(role), Some(scope)) = (Role::parse(&row.text(1)?), Scope::parse(&row.text(2)?))
    else {
        return Ok(None);
    };
    Ok(Some(Supervisor {
        key_id: hash[..12].to_owned(),
        name: row.text(0)?,
        role,
        scope,
    }))
}

/// What `authenticate` needs: the database and each key's bucket.
#[derive(Clone)]
pub struct Gatekeeper {
    state: AppState,
    buckets: Arc<Option<DefaultKeyedRateLimiter<String>>>,
}

impl Gatekeeper {
    pub fn new(state: &AppState) -> Gatekeeper {
        let rate = state.limiters.limits.per_device;
        Gatekeeper {
            state: state.clone(),
            buckets: Arc::new(quota(rate).map(RateLimiter::keyed)),
        }
    }
}

fn quota(rate: Rate) -> Option<Quota> {
    let per_minute = NonZeroU32::new(rate.per_minute)?;
    let period = (Duration::from_secs(60) / per_minute.get()).max(Duration::from_nanos(1));
    let burst = NonZeroU32::new(rate.burst).unwrap_or(NonZeroU32::MIN);
    Some(Quota::with_period(period)?.allow_burst(burst))
}

fn unauthorized(detail_zh: &str) -> Response {
    Refused::new(ErrorCode::Unauthorized, detail_zh).into_response()
}

/// Finds the request's supervisor (put in its extensions for the handler) or answers 401:
/// by the bearer key, or else by the console's session cookie (`web::sessions`), which on a
/// request that changes anything must come with the session's `X-CSRF-Token`.
pub async fn authenticate(
    State(gate): State<Gatekeeper>,
    mut request: Request,
    next: Next,
) -> Response {
    let offered = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.strip_prefix("Bearer "))
        .map(|key| key.trim().to_owned())
        .filter(|key| !key.is_empty());
    let credential = match offered {
        Some(key) => Credential::Key(key),
        None => match sessions::cookie(request.headers(), sessions::COOKIE) {
            Some(token) => Credential::Session {
                token: token.to_owned(),
                csrf: request
                    .headers()
                    .get(CSRF_HEADER)
                    .and_then(|value| value.to_str().ok())
                    .map(str::to_owned),
                changes: !matches!(request.method(), &Method::GET | &Method::HEAD),
            },
            None => {
                return unauthorized(
                    "需要监督密钥：请在 Authorization 头中提供 Bearer 密钥，或登录监督平台",
                )
            }
        },
    };
    let db = gate.state.db.clone();
    let found = blocking(move || credential.supervisor(db.as_ref())).await;
    let supervisor = match found {
        Ok(supervisor) => supervisor,
        Err(refused) => return refused.into_response(),
    };
    if let Some(buckets) = gate.buckets.as_ref() {
        if let Err(not_until) = buckets.check_key(&supervisor.key_id) {
            let mut limited = ApiError::new(ErrorCode::RateLimited, "请求过于频繁，请稍后再试");
            limited.retry_after = Some(not_until.wait_time_from(DefaultClock::default().now()));
            return limited.into_response();
        }
    }
    request.extensions_mut().insert(supervisor);
    next.run(request).await
}

/// The header a console request that changes anything carries its session's CSRF token in.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// What a request offers as who it is.
enum Credential {
    Key(String),
    Session {
        token: String,
        csrf: Option<String>,
        changes: bool,
    },
}

impl Credential {
    fn supervisor(self, db: &dyn Database) -> Result<Supervisor, Refused> {
        match self {
            Credential::Key(key) => transaction(db, |tx| supervisor_of(tx, &key))?
                .ok_or_else(|| Refused::new(ErrorCode::Unauthorized, "监督密钥无效或已被吊销")),
            Credential::Session {
                token,
                csrf,
                changes,
            } => {
                let now = chrono::Utc::now().timestamp();
                let session =
                    transaction(db, |tx| sessions::find(tx, &token, now))?.ok_or_else(|| {
                        Refused::new(ErrorCode::Unauthorized, "登录已过期，请重新登录")
                    })?;
                let csrf_ok = csrf.is_some_and(|csrf| sessions::same_secret(&csrf, &session.csrf));
                if changes && !csrf_ok {
                    return Err(Refused::forbidden(
                        "请求缺少有效的防伪令牌（CSRF），请刷新页面后重试",
                    ));
                }
                Ok(session.supervisor)
            }
        }
    }
}

/// Records that `who` looked at `what` (a page, a document, an evidence file) of a case: the
/// access log supervisors' own supervision reads (`supervision access-log`).
pub fn log_access(
    tx: &mut dyn Tx,
    who: &Supervisor,
    case_id: &str,
    what: &str,
) -> Result<(), ServerError> {
    tx.execute(
        "INSERT INTO sv_access (at, who, name, role, case_id, what) VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            chrono::Utc::now().timestamp().into(),
            who.key_id.clone().into(),
            who.name.clone().into(),
            who.role.as_str().into(),
            case_id.into(),
            what.into(),
        ],
    )?;
    Ok(())
}

/// The access log of one case (newest first), or of everything when `case_id` is None.
pub fn access_log(
    tx: &mut dyn Tx,
    case_id: Option<&str>,
    limit: i64,
) -> Result<Vec<serde_json::Value>, ServerError> {
    let rows = match case_id {
        Some(case) => tx.query(
            "SELECT at, who, name, role, case_id, what FROM sv_access WHERE case_id = $1
             ORDER BY at DESC LIMIT $2",
            &[case.into(), limit.into()],
        )?,
        None => tx.query(
            "SELECT at, who, name, role, case_id, what FROM sv_access ORDER BY at DESC LIMIT $1",
            &[limit.into()],
        )?,
    };
    rows.into_iter()
        .map(|row| {
            Ok(serde_json::json!({
                "at": row.int(0)?,
                "who": row.text(1)?,
                "name": row.text(2)?,
                "role": row.text(3)?,
                "case_id": row.text(4)?,
                "what": row.text(5)?,
            }))
        })
        .collect()
}

/// `GET /v1/supervision/me`: who the key is and what it may do.
pub async fn me(State(state): State<AppState>, Extension(who): Extension<Supervisor>) -> Reply {
    let scope = who.scope.clone();
    let scope_zh = blocking(move || Ok(scope_zh(&state, &scope)?)).await?;
    Ok(Json(serde_json::json!({
        "name": who.name,
        "key_id": who.key_id,
        "role": who.role.as_str(),
        "role_zh": who.role.name_zh(),
        "scope": who.scope.stored(),
        "scope_zh": scope_zh,
        "may_handle_warnings": who.role.handles_warnings(),
        "may_review": who.role.reviews(),
        "may_import_outcomes": who.role.imports_outcomes(),
    }))
    .into_response())
}

/// The scope by its names (渝中区, the body's name), as the console's header shows it.
pub(super) fn scope_zh(state: &AppState, scope: &Scope) -> Result<String, ServerError> {
    Ok(match scope {
        Scope::City => "全市".to_owned(),
        Scope::District(code) => super::names::district(code),
        Scope::Body(id) => super::names::Lookup::new(&state.catalogue).body(id)?,
    })
}

/// Refuses a supervisor whose role may not do `what_zh`.
pub fn require(allowed: bool, what_zh: &str) -> Result<(), Refused> {
    if allowed {
        Ok(())
    } else {
        Err(Refused::forbidden(format!("您的角色无权{what_zh}")))
    }
}
