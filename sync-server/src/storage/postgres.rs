//! The PostgreSQL backend, for several stateless server replicas sharing one database. Rows a
//! write depends on are locked (`FOR UPDATE`); the document sequence is one counter row, so
//! sequence numbers commit in order and a cursor never skips a document.
//!
//! TLS is asked for in the URL as libpq does, over rustls (no system OpenSSL):
//! `sslmode=require` or `verify-full` encrypt and check the server's certificate and name
//! against `sslrootcert=PATH` (PEM), or the public web roots without it; there is no
//! encrypted-but-unverified mode, which would stop no one in the middle. `disable`,
//! `prefer` and no `sslmode` connect in plaintext (a local or private-network server).
//! A TLS mode never falls back to plaintext: a server without TLS is a connection error.

use std::path::Path;
use std::sync::{Arc, Mutex};

use postgres::types::{ToSql, Type};
use postgres::{Client, NoTls};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::{Database, Row, Tx, Value};
use crate::error::ServerError;

/// Connections kept for reuse.
const POOL: usize = 8;

pub struct PostgresDatabase {
    url: String,
    tls: Option<MakeRustlsConnect>,
    idle: Mutex<Vec<Client>>,
}

fn pg(error: postgres::Error) -> ServerError {
    ServerError::Storage(error.to_string())
}

impl PostgresDatabase {
    /// Connects and creates the schema (under an advisory lock, so replicas starting together
    /// do not race).
    pub fn open(url: &str) -> Result<PostgresDatabase, ServerError> {
        let (url, tls) = tls_from_url(url)?;
        let db = PostgresDatabase {
            url,
            tls,
            idle: Mutex::new(Vec::new()),
        };
        let mut client = db.connect()?;
        client
            .batch_execute("SELECT pg_advisory_lock(7420901);")
            .map_err(pg)?;
        let created = client
            .batch_execute(&super::schema("BIGINT", "BYTEA"))
            .map_err(pg)
            .and_then(|()| upgrade(&mut client));
        client
            .batch_execute("SELECT pg_advisory_unlock(7420901);")
            .map_err(pg)?;
        created?;
        db.idle
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(client);
        Ok(db)
    }

    fn connect(&self) -> Result<Client, ServerError> {
        match &self.tls {
            Some(tls) => Client::connect(&self.url, tls.clone()).map_err(|error| {
                ServerError::Storage(format!("PostgreSQL over TLS (sslmode=require): {error}"))
            }),
            None => Client::connect(&self.url, NoTls).map_err(pg),
        }
    }
}

/// Brings an older database to `SCHEMA_VERSION` in one transaction (`storage::upgrade_unversioned`).
fn upgrade(client: &mut Client) -> Result<(), ServerError> {
    let mut tx = client.transaction().map_err(pg)?;
    let version: Option<i64> = tx
        .query_opt("SELECT value FROM counter WHERE name = 'schema'", &[])
        .map_err(pg)?
        .map(|row| row.get(0));
    match version {
        Some(v) if v > super::SCHEMA_VERSION => {
            return Err(ServerError::Storage(format!(
                "the database is at schema {v}, newer than this server's {}",
                super::SCHEMA_VERSION
            )))
        }
        Some(_) => {}
        None => {
            let unversioned: bool = tx
                .query_one("SELECT to_regclass('blob') IS NOT NULL", &[])
                .map_err(pg)?
                .get(0);
            if unversioned {
                tx.batch_execute(
                    "ALTER TABLE event ADD COLUMN IF NOT EXISTS signer_kind TEXT NOT NULL DEFAULT '';
                     ALTER TABLE event ADD COLUMN IF NOT EXISTS signer TEXT NOT NULL DEFAULT '';",
                )
                .map_err(pg)?;
                let mut upgrading = PgTx(tx);
                super::upgrade_unversioned(&mut upgrading)?;
                tx = upgrading.0;
            }
        }
    }
    tx.execute(
        "INSERT INTO counter (name, value) VALUES ('schema', $1)
         ON CONFLICT (name) DO UPDATE SET value = excluded.value",
        &[&super::SCHEMA_VERSION],
    )
    .map_err(pg)?;
    tx.commit().map_err(pg)?;
    Ok(())
}

/// The URL as `postgres` reads it (`verify-full` becomes its `require`, `sslrootcert` is
/// taken out) and the TLS connector its `sslmode` asks for.
fn tls_from_url(url: &str) -> Result<(String, Option<MakeRustlsConnect>), ServerError> {
    // `postgres://…?a=b&c=d` or libpq's `key=value key=value`.
    let (head, params, separator) = match url.split_once('?') {
        Some((head, query)) => (format!("{head}?"), query, "&"),
        None if !url.contains("://") => (String::new(), url, " "),
        None => return Ok((url.to_owned(), None)),
    };
    let mut kept = Vec::new();
    let (mut mode, mut root) = (None, None);
    for param in params.split(separator).filter(|p| !p.is_empty()) {
        match param.split_once('=') {
            Some(("sslmode", value)) => mode = Some(value.to_owned()),
            Some(("sslrootcert", value)) => root = Some(value.to_owned()),
            _ => kept.push(param.to_owned()),
        }
    }
    let tls = match mode.as_deref() {
        None | Some("disable" | "allow" | "prefer") => {
            if let Some(mode) = &mode {
                kept.push(format!("sslmode={mode}").replace("allow", "prefer"));
            }
            None
        }
        Some("require" | "verify-full") => {
            kept.push("sslmode=require".into());
            Some(MakeRustlsConnect::new(client_config(root.as_deref())?))
        }
        Some(other) => {
            return Err(ServerError::Config(format!(
                "sslmode={other} is not supported: use require or verify-full (both check the \
                 certificate and the host name), or disable"
            )))
        }
    };
    Ok((format!("{head}{}", kept.join(separator)), tls))
}

fn client_config(root: Option<&str>) -> Result<rustls::ClientConfig, ServerError> {
    use rustls_pki_types::pem::PemObject;
    let mut roots = rustls::RootCertStore::empty();
    match root {
        Some(path) => {
            let certificates = rustls_pki_types::CertificateDer::pem_file_iter(Path::new(path))
                .map_err(|e| ServerError::Config(format!("sslrootcert {path}: {e}")))?;
            for certificate in certificates {
                let certificate = certificate
                    .map_err(|e| ServerError::Config(format!("sslrootcert {path}: {e}")))?;
                roots
                    .add(certificate)
                    .map_err(|e| ServerError::Config(format!("sslrootcert {path}: {e}")))?;
            }
        }
        None => roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned()),
    }
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    Ok(rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| ServerError::Config(format!("TLS: {e}")))?
        .with_root_certificates(roots)
        .with_no_client_auth())
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
