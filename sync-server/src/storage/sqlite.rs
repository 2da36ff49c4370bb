//! The embedded backend: one SQLite file in WAL mode with `synchronous=FULL` (an event the
//! server acknowledged survives power loss, since the device then deletes its copy).

use std::path::Path;
use std::sync::Mutex;

use rusqlite::types::{Value as SqlValue, ValueRef};
use rusqlite::{Connection, TransactionBehavior};

use super::{Database, Row, Tx, Value};
use crate::error::ServerError;

pub struct SqliteDatabase {
    conn: Mutex<Connection>,
}

impl SqliteDatabase {
    pub fn open(path: &Path) -> Result<SqliteDatabase, ServerError> {
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        let mut conn = Connection::open(path)?;
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        conn.execute_batch(&super::schema("INTEGER", "BLOB"))?;
        upgrade(&mut conn)?;
        Ok(SqliteDatabase {
            conn: Mutex::new(conn),
        })
    }
}

/// Brings an older database to `SCHEMA_VERSION` in one transaction (`storage::upgrade_unversioned`).
fn upgrade(conn: &mut Connection) -> Result<(), ServerError> {
    let mut tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let version: Option<i64> = tx
        .query_row("SELECT value FROM counter WHERE name = 'schema'", [], |r| {
            r.get(0)
        })
        .ok();
    match version {
        Some(v) if v > super::SCHEMA_VERSION => {
            return Err(ServerError::Storage(format!(
                "the database is at schema {v}, newer than this server's {}",
                super::SCHEMA_VERSION
            )))
        }
        Some(_) => {}
        None => {
            let unversioned: i64 = tx.query_row(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'blob'",
                [],
                |r| r.get(0),
            )?;
            if unversioned > 0 {
                let has_signer: i64 = tx.query_row(
                    "SELECT COUNT(*) FROM pragma_table_info('event') WHERE name = 'signer_kind'",
                    [],
                    |r| r.get(0),
                )?;
                if has_signer == 0 {
                    tx.execute_batch(
                        "ALTER TABLE event ADD COLUMN signer_kind TEXT NOT NULL DEFAULT '';
                         ALTER TABLE event ADD COLUMN signer TEXT NOT NULL DEFAULT '';",
                    )?;
                }
                let mut upgrading = SqliteTx(tx);
                super::upgrade_unversioned(&mut upgrading)?;
                tx = upgrading.0;
            }
        }
    }
    tx.execute(
        "INSERT INTO counter (name, value) VALUES ('schema', ?1)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        [super::SCHEMA_VERSION],
    )?;
    tx.commit()?;
    Ok(())
}

struct SqliteTx<'a>(rusqlite::Transaction<'a>);

fn bind(params: &[Value]) -> Vec<SqlValue> {
    params
        .iter()
        .map(|p| match p {
            Value::Int(v) => SqlValue::Integer(*v),
            Value::Text(v) => SqlValue::Text(v.clone()),
            Value::Bytes(v) => SqlValue::Blob(v.clone()),
            Value::Null => SqlValue::Null,
        })
        .collect()
}

/// `$1` → `?1`: SQLite's numbered parameters.
fn dialect(sql: &str) -> String {
    sql.replace('$', "?")
}

impl Tx for SqliteTx<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, ServerError> {
        let mut statement = self.0.prepare_cached(&dialect(sql))?;
        Ok(statement.execute(rusqlite::params_from_iter(bind(params)))? as u64)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, ServerError> {
        let mut statement = self.0.prepare_cached(&dialect(sql))?;
        let columns = statement.column_count();
        let rows = statement
            .query_map(rusqlite::params_from_iter(bind(params)), |r| {
                (0..columns)
                    .map(|i| {
                        Ok(match r.get_ref(i)? {
                            ValueRef::Null => Value::Null,
                            ValueRef::Integer(v) => Value::Int(v),
                            ValueRef::Real(v) => Value::Int(v as i64),
                            ValueRef::Text(v) => Value::Text(String::from_utf8_lossy(v).into()),
                            ValueRef::Blob(v) => Value::Bytes(v.to_vec()),
                        })
                    })
                    .collect::<Result<Vec<_>, rusqlite::Error>>()
                    .map(Row)
            })?
            .collect::<Result<Vec<_>, _>>()?;
        Ok(rows)
    }

    fn lock_clause(&self) -> &'static str {
        ""
    }
}

impl Database for SqliteDatabase {
    fn run(
        &self,
        work: &mut dyn FnMut(&mut dyn Tx) -> Result<(), ServerError>,
    ) -> Result<(), ServerError> {
        let mut conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
        let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut wrapped = SqliteTx(tx);
        work(&mut wrapped)?;
        wrapped.0.commit()?;
        Ok(())
    }

    fn backend(&self) -> &'static str {
        "sqlite"
    }
}
