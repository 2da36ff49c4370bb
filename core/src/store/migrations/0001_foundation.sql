-- Schema 1: the device's own state.

-- Small settings and markers (catalogue version, jurisdiction, clock anchor, ...).
CREATE TABLE meta (
    key   TEXT PRIMARY KEY NOT NULL,
    value TEXT NOT NULL
) WITHOUT ROWID;

-- The software device key (one per store). Shells with a hardware keystore leave it empty.
CREATE TABLE device_key (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    algorithm  TEXT NOT NULL,
    secret     BLOB NOT NULL,
    created_at TEXT NOT NULL
);
