//! Supervisors' console accounts: created by an admin command, passwords hashed with
//! Argon2id (OWASP's parameters: 19 MiB, 2 passes), locked for a while after repeated
//! failures. Attempts are counted by the name tried (`web_login`), known or not, and claimed
//! before the password is hashed, so parallel guesses cannot outrun the lock and an unknown
//! name answers, locks and takes as long as a known one.

pub mod sessions;

use std::sync::OnceLock;

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};

use crate::error::ServerError;
use crate::storage::{transaction, Database, Tx};
use crate::supervision::supervisor::{Role, Supervisor};
use crate::supervision::Scope;

/// Failed logins in a row that lock an account.
pub const MAX_FAILURES: i64 = 5;
/// How long a locked account stays locked, in seconds.
pub const LOCK_SECONDS: i64 = 15 * 60;
/// Shortest password an admin may set.
pub const MIN_PASSWORD_CHARS: usize = 12;
/// Longest password hashed: a megabyte of "password" must not cost the server.
pub const MAX_PASSWORD_BYTES: usize = 256;
const MAX_USERNAME_CHARS: usize = 64;

fn argon2() -> Argon2<'static> {
    let params = Params::new(19 * 1024, 2, 1, None).expect("valid Argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

fn hash_password(password: &str) -> Result<String, ServerError> {
    let mut salt = [0u8; 16];
    rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut salt);
    let salt = SaltString::encode_b64(&salt)
        .map_err(|error| ServerError::Config(format!("password salt: {error}")))?;
    Ok(argon2()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|error| ServerError::Config(format!("password hash: {error}")))?
        .to_string())
}

/// A hash of no one's password, checked when the name is unknown so that the answer takes
/// as long as for a real account.
fn decoy_hash() -> &'static str {
    static DECOY: OnceLock<String> = OnceLock::new();
    DECOY.get_or_init(|| hash_password("decoy password, never anyone's").expect("decoy hash"))
}

fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored)
        .map(|hash| argon2().verify_password(password.as_bytes(), &hash).is_ok())
        .unwrap_or(false)
}

fn valid_username(username: &str) -> bool {
    !username.is_empty()
        && username.chars().count() <= MAX_USERNAME_CHARS
        && username
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// Creates the account, or resets its name, role, scope and password (and ends its
/// sessions, clears its lock) when it exists.
pub fn create(
    db: &dyn Database,
    username: &str,
    name: &str,
    role: Role,
    scope: &Scope,
    password: &str,
    now: i64,
) -> Result<(), ServerError> {
    if !valid_username(username) {
        return Err(ServerError::BadRequest(format!(
            "a username is 1-{MAX_USERNAME_CHARS} letters, digits, '-', '_' or '.'"
        )));
    }
    if name.trim().is_empty() {
        return Err(ServerError::BadRequest(
            "an account needs the supervisor's name".into(),
        ));
    }
    role.check_scope(scope)?;
    let chars = password.chars().count();
    if chars < MIN_PASSWORD_CHARS || password.len() > MAX_PASSWORD_BYTES {
        return Err(ServerError::BadRequest(format!(
            "a password has {MIN_PASSWORD_CHARS} to {MAX_PASSWORD_BYTES} characters"
        )));
    }
    let hash = hash_password(password)?;
    transaction(db, |tx| {
        tx.execute(
            "INSERT INTO web_account (username, name, role, scope, password_hash, created_at,
                                      disabled)
             VALUES ($1, $2, $3, $4, $5, $6, 0)
             ON CONFLICT (username) DO UPDATE SET name = excluded.name, role = excluded.role,
                 scope = excluded.scope, password_hash = excluded.password_hash, disabled = 0",
            &[
                username.into(),
                name.trim().into(),
                role.as_str().into(),
                scope.stored().into(),
                hash.clone().into(),
                now.into(),
            ],
        )?;
        tx.execute(
            "DELETE FROM web_login WHERE username = $1",
            &[username.into()],
        )?;
        end_sessions(tx, username)
    })
}

/// Disables the account and ends its sessions; whether it existed.
pub fn disable(db: &dyn Database, username: &str) -> Result<bool, ServerError> {
    transaction(db, |tx| {
        let changed = tx.execute(
            "UPDATE web_account SET disabled = 1 WHERE username = $1",
            &[username.into()],
        )?;
        end_sessions(tx, username)?;
        Ok(changed > 0)
    })
}

fn end_sessions(tx: &mut dyn Tx, username: &str) -> Result<(), ServerError> {
    tx.execute(
        "DELETE FROM web_session WHERE username = $1",
        &[username.into()],
    )?;
    Ok(())
}

/// Every account, without its hash.
pub fn list(db: &dyn Database) -> Result<Vec<serde_json::Value>, ServerError> {
    transaction(db, |tx| {
        tx.query(
            "SELECT a.username, a.name, a.role, a.scope, COALESCE(l.attempts, 0),
                    COALESCE(l.locked_until, 0), a.created_at, a.disabled
             FROM web_account a LEFT JOIN web_login l ON l.username = a.username
             ORDER BY a.username",
            &[],
        )?
        .into_iter()
        .map(|row| {
            Ok(serde_json::json!({
                "username": row.text(0)?,
                "name": row.text(1)?,
                "role": row.text(2)?,
                "scope": row.text(3)?,
                "attempts": row.int(4)?,
                "locked_until": row.int(5)?,
                "created_at": row.int(6)?,
                "disabled": row.int(7)? != 0,
            }))
        })
        .collect()
    })
}

/// Why a login did not succeed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoginRefused {
    /// Unknown name, wrong password or a disabled account: one answer for all three.
    Wrong,
    /// Too many failures: locked until this Unix time.
    Locked { until: i64 },
}

/// Checks a login at `now`: the supervisor on success. Each attempt is claimed before the
/// password is hashed; an attempt beyond `MAX_FAILURES` since the last success, and every
/// attempt until `LOCK_SECONDS` after the lock, is refused as locked without its password
/// being looked at (the decoy is hashed instead, for the time). Replicas share the count.
pub fn verify(
    db: &dyn Database,
    username: &str,
    password: &str,
    now: i64,
) -> Result<Result<Supervisor, LoginRefused>, ServerError> {
    let password = if password.len() > MAX_PASSWORD_BYTES {
        ""
    } else {
        password
    };
    if let Some(until) = transaction(db, |tx| claim_attempt(tx, username, now))? {
        verify_password(password, decoy_hash());
        return Ok(Err(LoginRefused::Locked { until }));
    }
    let account = transaction(db, |tx| {
        tx.query_opt(
            "SELECT name, role, scope, password_hash, disabled FROM web_account WHERE username = $1",
            &[username.into()],
        )
    })?;
    let Some(row) = account else {
        verify_password(password, decoy_hash());
        return failed(db, username, now);
    };
    let matches = verify_password(password, &row.text(3)?) && !password.is_empty();
    let (role, scope) = (Role::parse(&row.text(1)?), Scope::parse(&row.text(2)?));
    let disabled = row.int(4)? != 0;
    match (matches && !disabled, role, scope) {
        (true, Some(role), Some(scope)) => {
            transaction(db, |tx| {
                tx.execute(
                    "DELETE FROM web_login WHERE username = $1",
                    &[username.into()],
                )
            })?;
            Ok(Ok(Supervisor {
                key_id: username.to_owned(),
                name: row.text(0)?,
                role,
                scope,
            }))
        }
        _ => failed(db, username, now),
    }
}

/// Claims one attempt for `username`: `Some(until)` when the name is locked (or this attempt
/// is one too many, which locks it), `None` when the password may be checked.
fn claim_attempt(tx: &mut dyn Tx, username: &str, now: i64) -> Result<Option<i64>, ServerError> {
    tx.execute(
        "DELETE FROM web_login WHERE last_at < $1 AND locked_until < $2",
        &[(now - 24 * 60 * 60).into(), now.into()],
    )?;
    tx.execute(
        "INSERT INTO web_login (username, attempts, locked_until, last_at) VALUES ($1, 0, 0, $2)
         ON CONFLICT (username) DO NOTHING",
        &[username.into(), now.into()],
    )?;
    let row = tx
        .query_opt(
            &format!(
                "SELECT attempts, locked_until FROM web_login WHERE username = $1 {}",
                tx.lock_clause()
            ),
            &[username.into()],
        )?
        .ok_or(ServerError::Decode)?;
    let (mut attempts, locked_until) = (row.int(0)?, row.int(1)?);
    if locked_until > now {
        return Ok(Some(locked_until));
    }
    if locked_until != 0 {
        attempts = 0; // the lock has ended: a fresh count
    }
    attempts += 1;
    let locked = (attempts > MAX_FAILURES).then_some(now + LOCK_SECONDS);
    tx.execute(
        "UPDATE web_login SET attempts = $2, locked_until = $3, last_at = $4 WHERE username = $1",
        &[
            username.into(),
            attempts.into(),
            locked.unwrap_or(0).into(),
            now.into(),
        ],
    )?;
    Ok(locked)
}

/// A failed attempt: the last one allowed locks the name.
fn failed(
    db: &dyn Database,
    username: &str,
    now: i64,
) -> Result<Result<Supervisor, LoginRefused>, ServerError> {
    let until = now + LOCK_SECONDS;
    let locked = transaction(db, |tx| {
        tx.execute(
            "UPDATE web_login SET locked_until = $2
             WHERE username = $1 AND attempts >= $3 AND locked_until <= $4",
            &[
                username.into(),
                until.into(),
                MAX_FAILURES.into(),
                now.into(),
            ],
        )
    })?;
    Ok(Err(if locked > 0 {
        LoginRefused::Locked { until }
    } else {
        LoginRefused::Wrong
    }))
}

/// The supervisor an account is now, if it is enabled (a session re-reads it on every
/// request, so a disabled or re-scoped account takes effect at once).
pub fn supervisor(tx: &mut dyn Tx, username: &str) -> Result<Option<Supervisor>, ServerError> {
    let Some(row) = tx.query_opt(
        "SELECT name, role, scope FROM web_account WHERE username = $1 AND disabled = 0",
        &[username.into()],
    )?
    else {
        return Ok(None);
    };
    let (Some(role), Some(scope)) = (Role::parse(&row.text(1)?), Scope::parse(&row.text(2)?))
    else {
        return Ok(None);
    };
    Ok(Some(Supervisor {
        key_id: username.to_owned(),
        name: row.text(0)?,
        role,
        scope,
    }))
}
