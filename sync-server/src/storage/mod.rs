//! The server's storage: one `Database` trait, two backends. SQLite (embedded, no set-up) and
//! PostgreSQL (several stateless replicas sharing one database). The domain code above writes
//! its SQL once, with `$1`-style parameters and the common dialect of both (`ON CONFLICT`,
//! `RETURNING`); the backends bind values and map types, nothing more.

mod postgres;
mod sqlite;

pub use self::postgres::PostgresDatabase;
pub use self::sqlite::SqliteDatabase;

use sha2::{Digest as _, Sha256};
use zhifa_core::sync::protocol::BLOB_PART;

use crate::error::{Failure, ServerError};

/// A parameter or column value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Int(i64),
    Text(String),
    Bytes(Vec<u8>),
    Null,
}

impl From<i64> for Value {
    fn from(v: i64) -> Value {
        Value::Int(v)
    }
}
impl From<&str> for Value {
    fn from(v: &str) -> Value {
        Value::Text(v.to_owned())
    }
}
impl From<String> for Value {
    fn from(v: String) -> Value {
        Value::Text(v)
    }
}
impl From<&String> for Value {
    fn from(v: &String) -> Value {
        Value::Text(v.clone())
    }
}
impl From<Vec<u8>> for Value {
    fn from(v: Vec<u8>) -> Value {
        Value::Bytes(v)
    }
}
impl From<&[u8]> for Value {
    fn from(v: &[u8]) -> Value {
        Value::Bytes(v.to_vec())
    }
}

/// One result row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row(pub Vec<Value>);

impl Row {
    pub fn int(&self, i: usize) -> Result<i64, ServerError> {
        match self.0.get(i) {
            Some(Value::Int(v)) => Ok(*v),
            _ => Err(ServerError::Decode),
        }
    }

    pub fn text(&self, i: usize) -> Result<String, ServerError> {
        match self.0.get(i) {
            Some(Value::Text(v)) => Ok(v.clone()),
            _ => Err(ServerError::Decode),
        }
    }

    pub fn bytes(&self, i: usize) -> Result<Vec<u8>, ServerError> {
        match self.0.get(i) {
            Some(Value::Bytes(v)) => Ok(v.clone()),
            _ => Err(ServerError::Decode),
        }
    }

    pub fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>, ServerError> {
        match self.0.get(i) {
            Some(Value::Null) => Ok(None),
            _ => self.bytes(i).map(Some),
        }
    }
}

/// A transaction in progress.
pub trait Tx {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, ServerError>;
    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, ServerError>;
    /// `FOR UPDATE` where the backend locks rows (PostgreSQL); SQLite's write transaction
    /// already excludes other writers.
    fn lock_clause(&self) -> &'static str;

    fn query_opt(&mut self, sql: &str, params: &[Value]) -> Result<Option<Row>, ServerError> {
        Ok(self.query(sql, params)?.into_iter().next())
    }
}

pub trait Database: Send + Sync {
    /// Runs `work` in one transaction: committed if it returns `Ok`, rolled back otherwise.
    fn run(
        &self,
        work: &mut dyn FnMut(&mut dyn Tx) -> Result<(), ServerError>,
    ) -> Result<(), ServerError>;
    fn backend(&self) -> &'static str;
}

/// `Database::run` with a result.
pub fn transaction<T>(
    db: &dyn Database,
    mut work: impl FnMut(&mut dyn Tx) -> Result<T, ServerError>,
) -> Result<T, ServerError> {
    let mut out = None;
    db.run(&mut |tx| {
        out = Some(work(tx)?);
        Ok(())
    })?;
    Ok(out.expect("set on success"))
}

/// `transaction` for work that may refuse a device's request: a refusal commits what was
/// written before it (the request's nonce, an upload reset), only a server failure rolls back.
pub fn transaction_or_refusal<T, R>(
    db: &dyn Database,
    mut work: impl FnMut(&mut dyn Tx) -> Result<T, Failure<R>>,
) -> Result<T, Failure<R>> {
    let outcome = transaction(db, |tx| match work(tx) {
        Ok(value) => Ok(Ok(value)),
        Err(Failure::Refused(refusal)) => Ok(Err(refusal)),
        Err(Failure::Server(error)) => Err(error),
    })?;
    outcome.map_err(Failure::Refused)
}

/// Brings a database made before evidence staging and event signers (no schema row; it
/// still has the `blob` table) to this schema, in the caller's transaction, after `SCHEMA`
/// created the new tables and the backend added the two `event` columns in its own dialect.
/// Each event's signer is the enrolment of the key that signed it (the server checked every
/// event against that key). Each complete file is read whole, checked against its name and
/// stored again in the parts the download reads (the older server took parts of any size
/// under `BLOB_PART`), granted to the team that uploaded it; a file that does not check and
/// unfinished uploads are dropped (phones still queueing them send them again).
pub(crate) fn upgrade_unversioned(tx: &mut dyn Tx) -> Result<(), ServerError> {
    tx.execute(
        "UPDATE event SET
             signer_kind = COALESCE((SELECT d.subject_kind FROM device d WHERE d.key_id = event.key_id), ''),
             signer      = COALESCE((SELECT d.subject FROM device d WHERE d.key_id = event.key_id), '')
         WHERE signer_kind = ''",
        &[],
    )?;
    for blob in tx.query("SELECT hash, size, team FROM blob WHERE complete = 1", &[])? {
        let (hash, size, team) = (blob.text(0)?, blob.int(1)?, blob.text(2)?);
        let mut content = Vec::new();
        let mut hasher = Sha256::new();
        for part in tx.query(
            "SELECT bytes FROM blob_part WHERE hash = $1 ORDER BY offset_",
            &[hash.clone().into()],
        )? {
            let bytes = part.bytes(0)?;
            hasher.update(&bytes);
            content.extend(bytes);
        }
        if content.len() as i64 != size || hex::encode(hasher.finalize()) != hash {
            continue;
        }
        for (i, chunk) in content.chunks(BLOB_PART).enumerate() {
            tx.execute(
                "INSERT INTO blob_content_part (hash, offset_, bytes) VALUES ($1, $2, $3)
                 ON CONFLICT DO NOTHING",
                &[
                    hash.clone().into(),
                    ((i * BLOB_PART) as i64).into(),
                    chunk.to_vec().into(),
                ],
            )?;
        }
        tx.execute(
            "INSERT INTO blob_content (hash, size, stored_at) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING",
            &[hash.clone().into(), size.into()],
        )?;
        tx.execute(
            "INSERT INTO blob_grant (hash, team, size, granted_at) VALUES ($1, $2, $3, 0)
             ON CONFLICT DO NOTHING",
            &[hash.into(), team.into(), size.into()],
        )?;
    }
    tx.execute("DROP TABLE blob_part", &[])?;
    tx.execute("DROP TABLE blob", &[])?;
    Ok(())
}

/// The schema version this server writes (`counter` row `schema`). 3 added the supervision
/// tables (`supervision::schema`), 4 the console's accounts, sessions and access log.
pub(crate) const SCHEMA_VERSION: i64 = 4;

/// The schema, with the two backends' names for 64-bit integers and byte strings.
pub(crate) fn schema(int: &str, bytes: &str) -> String {
    [SCHEMA, crate::supervision::schema::SCHEMA]
        .concat()
        .replace("{INT}", int)
        .replace("{BYTES}", bytes)
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS counter (name TEXT PRIMARY KEY, value {INT} NOT NULL);
INSERT INTO counter (name, value) VALUES ('doc_seq', 0) ON CONFLICT DO NOTHING;

CREATE TABLE IF NOT EXISTS enrolment_code (
    code_hash    TEXT PRIMARY KEY,
    subject_kind TEXT NOT NULL,
    subject      TEXT NOT NULL,
    expires_at   {INT} NOT NULL,
    used_by      TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS device (
    key_id       TEXT PRIMARY KEY,
    public_key   {BYTES} NOT NULL,
    subject_kind TEXT NOT NULL,
    subject      TEXT NOT NULL,
    team         TEXT NOT NULL,
    divisions    TEXT NOT NULL,
    label        TEXT NOT NULL,
    enrolled_at  {INT} NOT NULL,
    revoked      {INT} NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS request_nonce (
    key_id     TEXT NOT NULL,
    nonce      TEXT NOT NULL,
    expires_at {INT} NOT NULL,
    PRIMARY KEY (key_id, nonce)
);
CREATE INDEX IF NOT EXISTS request_nonce_expiry ON request_nonce (expires_at);

CREATE TABLE IF NOT EXISTS doc (
    id            TEXT PRIMARY KEY,
    kind          {INT} NOT NULL,
    team          TEXT NOT NULL,
    division      TEXT NOT NULL,
    digest        {BYTES} NOT NULL,
    seq           {INT} NOT NULL,
    last_chunk    {INT} NOT NULL,
    snapshot_upto {INT} NOT NULL,
    updated_at    {INT} NOT NULL,
    -- The device whose message made the last change: it already holds that change.
    last_writer   TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS doc_team_seq ON doc (team, seq);
CREATE TABLE IF NOT EXISTS doc_snapshot (doc_id TEXT PRIMARY KEY, bytes {BYTES} NOT NULL);
CREATE TABLE IF NOT EXISTS doc_chunk (
    doc_id TEXT NOT NULL,
    chunk  {INT} NOT NULL,
    bytes  {BYTES} NOT NULL,
    PRIMARY KEY (doc_id, chunk)
);
-- The evidence files each document cites (a record is complete only with all of them).
CREATE TABLE IF NOT EXISTS doc_blob (
    doc_id TEXT NOT NULL,
    hash   TEXT NOT NULL,
    PRIMARY KEY (doc_id, hash)
);
CREATE INDEX IF NOT EXISTS doc_blob_hash ON doc_blob (hash);
CREATE TABLE IF NOT EXISTS sync_state (
    key_id TEXT NOT NULL,
    doc_id TEXT NOT NULL,
    state  {BYTES} NOT NULL,
    PRIMARY KEY (key_id, doc_id)
);

-- Evidence (`blobs.rs`). Each device's upload of a hash is staged apart, so nobody's
-- partial upload touches another's; a verified upload becomes the one shared copy and grants
-- its team access. No row exists before a valid first part.
CREATE TABLE IF NOT EXISTS blob_staged (
    hash       TEXT NOT NULL,
    key_id     TEXT NOT NULL,
    team       TEXT NOT NULL,
    size       {INT} NOT NULL,
    received   {INT} NOT NULL,
    updated_at {INT} NOT NULL,
    PRIMARY KEY (hash, key_id)
);
CREATE INDEX IF NOT EXISTS blob_staged_device ON blob_staged (key_id, updated_at);
CREATE TABLE IF NOT EXISTS blob_staged_part (
    hash    TEXT NOT NULL,
    key_id  TEXT NOT NULL,
    offset_ {INT} NOT NULL,
    bytes   {BYTES} NOT NULL,
    PRIMARY KEY (hash, key_id, offset_)
);
CREATE TABLE IF NOT EXISTS blob_content (
    hash      TEXT PRIMARY KEY,
    size      {INT} NOT NULL,
    stored_at {INT} NOT NULL
);
CREATE TABLE IF NOT EXISTS blob_content_part (
    hash    TEXT NOT NULL,
    offset_ {INT} NOT NULL,
    bytes   {BYTES} NOT NULL,
    PRIMARY KEY (hash, offset_)
);
-- A team's proof that one of its devices held the file: what reading it requires.
CREATE TABLE IF NOT EXISTS blob_grant (
    hash       TEXT NOT NULL,
    team       TEXT NOT NULL,
    size       {INT} NOT NULL,
    granted_at {INT} NOT NULL,
    PRIMARY KEY (hash, team)
);
CREATE INDEX IF NOT EXISTS blob_grant_team_time ON blob_grant (team, granted_at);

-- signer_kind and signer: the sending device's enrolment ('officer' and a credential number,
-- or 'enterprise' and a credit code); supervision trusts these, not the event's own fields.
CREATE TABLE IF NOT EXISTS event (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    key_id        TEXT NOT NULL,
    signer_kind   TEXT NOT NULL DEFAULT '',
    signer        TEXT NOT NULL DEFAULT '',
    digest        {BYTES} NOT NULL,
    signed        {BYTES} NOT NULL,
    credit_code   TEXT NOT NULL,
    credential_no TEXT NOT NULL,
    step          {INT} NOT NULL,
    ok            {INT} NOT NULL,
    at_time       {INT} NOT NULL,
    received_at   {INT} NOT NULL
);
CREATE INDEX IF NOT EXISTS event_kind_time ON event (kind, at_time);

-- team: the body of the device that opened the prefix's year (ownership is the catalogue's).
CREATE TABLE IF NOT EXISTS case_number_counter (
    prefix TEXT NOT NULL,
    year   {INT} NOT NULL,
    team   TEXT NOT NULL,
    next   {INT} NOT NULL,
    PRIMARY KEY (prefix, year)
);
CREATE TABLE IF NOT EXISTS case_number_grant (
    request_id TEXT PRIMARY KEY,
    key_id     TEXT NOT NULL,
    prefix     TEXT NOT NULL,
    year       {INT} NOT NULL,
    first      {INT} NOT NULL,
    last       {INT} NOT NULL
);
-- Numbers each device has taken per period ('day 2026-12-01' in Beijing, 'year 2026').
CREATE TABLE IF NOT EXISTS case_number_quota (
    key_id TEXT NOT NULL,
    period TEXT NOT NULL,
    taken  {INT} NOT NULL,
    PRIMARY KEY (key_id, period)
);
";
