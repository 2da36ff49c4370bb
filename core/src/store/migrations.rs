//! Schema migrations: numbered SQL files applied in order, each in its own transaction, with
//! SQLite's `user_version` recording the last one applied.

use rusqlite::Connection;

use super::StoreError;

const MIGRATIONS: &[&str] = &[
    include_str!("migrations/0001_foundation.sql"),
    include_str!("migrations/0002_catalogue.sql"),
    include_str!("migrations/0003_codes.sql"),
    include_str!("migrations/0004_discretion.sql"),
    include_str!("migrations/0005_cases.sql"),
    include_str!("migrations/0006_inspections.sql"),
    include_str!("migrations/0007_sync.sql"),
    include_str!("migrations/0008_body_particulars.sql"),
    include_str!("migrations/0009_procedure_roles.sql"),
    include_str!("migrations/0010_visits.sql"),
    include_str!("migrations/0011_body_case_number_prefixes.sql"),
    include_str!("migrations/0012_blob_refusals.sql"),
];

pub const LATEST_SCHEMA: u32 = MIGRATIONS.len() as u32;

pub(super) fn migrate(conn: &mut Connection) -> Result<(), StoreError> {
    migrate_to(conn, LATEST_SCHEMA)
}

pub(super) fn migrate_to(conn: &mut Connection, target: u32) -> Result<(), StoreError> {
    let current: u32 = conn.query_row("PRAGMA user_version", [], |row| row.get(0))?;
    if current > LATEST_SCHEMA {
        return Err(StoreError::SchemaTooNew {
            found: current,
            supported: LATEST_SCHEMA,
        });
    }
    for version in current + 1..=target {
        let tx = conn.transaction()?;
        tx.execute_batch(MIGRATIONS[version as usize - 1])?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{get_meta, Store, DATABASE_FILE};

    #[test]
    fn a_store_at_the_first_schema_migrates_and_keeps_its_data() {
        let dir = tempfile::tempdir().unwrap();
        {
            let mut conn = Connection::open(dir.path().join(DATABASE_FILE)).unwrap();
            migrate_to(&mut conn, 1).unwrap();
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ('device.name', '执法终端-01')",
                [],
            )
            .unwrap();
            conn.execute(
                "INSERT INTO device_key (id, algorithm, secret, created_at) VALUES (1, 'EdDSA', x'00', 't')",
                [],
            )
            .unwrap();
        }
        let store = Store::open(dir.path(), &crate::testing::test_key()).unwrap();
        store
            .read(|c| {
                assert_eq!(
                    c.query_row("PRAGMA user_version", [], |r| r.get::<_, u32>(0))?,
                    LATEST_SCHEMA
                );
                assert_eq!(get_meta(c, "device.name")?.as_deref(), Some("执法终端-01"));
                let keys: i64 = c.query_row("SELECT count(*) FROM device_key", [], |r| r.get(0))?;
                assert_eq!(keys, 1);
                let items: i64 =
                    c.query_row("SELECT count(*) FROM enforcement_item", [], |r| r.get(0))?;
                assert_eq!(items, 0);
                Ok::<_, StoreError>(())
            })
            .unwrap();
    }

    #[test]
    fn migrating_twice_is_a_no_op() {
        let dir = tempfile::tempdir().unwrap();
        let mut conn = Connection::open(dir.path().join("x.db")).unwrap();
        migrate(&mut conn).unwrap();
        migrate(&mut conn).unwrap();
        let version: u32 = conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))
            .unwrap();
        assert_eq!(version, LATEST_SCHEMA);
    }
}
