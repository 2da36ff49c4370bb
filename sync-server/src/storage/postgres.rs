//! The PostgreSQL backend, for several stateless server replicas sharing one database. Rows a
//! write depends on are locked (`FOR UPDATE`); the document sequence is one counter row, so
//! sequence numbers commit in order and a cursor never skips a document.

use std::sync::Mutex;

use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls};

use super::{Database, Row, Tx, Value};
use crate::error::ServerError;

/// Connections kept for reuse.
const POOL: usize = 8;

pub struct PostgresDatabase {
    url: String,
    idle: Mutex<Vec<Client>>,
}

fn pg(error: postgres::Error) -> ServerError {
    ServerError::Storage(error.to_string())
}

impl PostgresDatabase {
    /// Connects and creates the schema (under an advisory lock, so replicas starting together
    /// do not race).
    pub fn open(url: &str) -> Result<PostgresDatabase, ServerError> {
        let db = PostgresDatabase {
            url: url.to_owned(),
            idle: Mutex::new(Vec::new()),
        };
        let mut client = db.connect()?;
        client
            .batch_execute(&format!(
                "SELECT pg_advisory_lock(7420901); {} SELECT pg_advisory_unlock(7420901);",
                super::schema("BIGINT", "BYTEA")
            ))
            .map_err(pg)?;
        db.idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(client);
        Ok(db)
    }

    fn connect(&self) -> Result<Client, ServerError> {
        Client::connect(&self.url, NoTls).map_err(pg)
    }
}

struct PgTx<'a>(postgres::Transaction<'a>);

fn bind(params: &[Value]) -> Vec<Box<dyn ToSql + Sync>> {
    params
        .iter()
        .map(|p| -> Box<dyn ToSql + Sync> {
            match p {
                Value::Int(v) => Box::new(*v),
                Value::Text(v) => Box::new(v.clone()),
                Value::Bytes(v) => Box::new(v.clone()),
                Value::Null => Box::new(Option::<Vec<u8>>::None),
            }
        })
        .collect()
}

impl Tx for PgTx<'_> {
    fn execute(&mut self, sql: &str, params: &[Value]) -> Result<u64, ServerError> {
        let bound = bind(params);
        let refs: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b.as_ref()).collect();
        let statement = self.0.prepare(sql).map_err(pg)?;
        self.0.execute(&statement, &refs).map_err(pg)
    }

    fn query(&mut self, sql: &str, params: &[Value]) -> Result<Vec<Row>, ServerError> {
        let bound = bind(params);
        let refs: Vec<&(dyn ToSql + Sync)> = bound.iter().map(|b| b.as_ref()).collect();
        let statement = self.0.prepare(sql).map_err(pg)?;
        let rows = self.0.query(&statement, &refs).map_err(pg)?;
        rows.iter()
            .map(|row| {
                (0..row.len())
                    .map(|i| {
                        let ty = row.columns()[i].type_();
                        let value = if *ty == Type::INT8 {
                            row.try_get::<_, Option<i64>>(i).map(|v| v.map(Value::Int))
                        } else if *ty == Type::INT4 {
                            row.try_get::<_, Option<i32>>(i)
                                .map(|v| v.map(|v| Value::Int(v.into())))
                        } else if *ty == Type::BYTEA {
                            row.try_get::<_, Option<Vec<u8>>>(i)
                                .map(|v| v.map(Value::Bytes))
                        } else if *ty == Type::BOOL {
                            row.try_get::<_, Option<bool>>(i)
                                .map(|v| v.map(|v| Value::Int(v.into())))
                        } else {
                            row.try_get::<_, Option<String>>(i)
                                .map(|v| v.map(Value::Text))
                        };
                        Ok(value.map_err(pg)?.unwrap_or(Value::Null))
                    })
                    .collect::<Result<Vec<_>, ServerError>>()
                    .map(Row)
            })
            .collect()
    }

    fn lock_clause(&self) -> &'static str {
        " FOR UPDATE"
    }
}

impl Database for PostgresDatabase {
    fn run(
        &self,
        work: &mut dyn FnMut(&mut dyn Tx) -> Result<(), ServerError>,
    ) -> Result<(), ServerError> {
        let taken = self.idle.lock().unwrap_or_else(|p| p.into_inner()).pop();
        let mut client = match taken {
            Some(client) if !client.is_closed() => client,
            _ => self.connect()?,
        };
        let outcome = (|| {
            let tx = client.transaction().map_err(pg)?;
            let mut wrapped = PgTx(tx);
            work(&mut wrapped)?;
            wrapped.0.commit().map_err(pg)
        })();
        if !client.is_closed() {
            let mut idle = self.idle.lock().unwrap_or_else(|p| p.into_inner());
            if idle.len() < POOL {
                idle.push(client);
            }
        }
        outcome
    }

    fn backend(&self) -> &'static str {
        "postgresql"
    }
}
