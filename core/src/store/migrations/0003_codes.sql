-- Schema 3: the trust list and revocation list (from catalogue bundles), the device's duty
-- credential, the replay cache of verified enforcement codes, and the outbox of signed events.

CREATE TABLE agency_key (
    public_key  TEXT PRIMARY KEY NOT NULL, -- SPKI DER, hex
    key_id      TEXT NOT NULL,
    agency_id   TEXT NOT NULL,
    purpose     TEXT NOT NULL,
    valid_from  TEXT NOT NULL,             -- RFC 3339 UTC
    valid_until TEXT NOT NULL,
    divisions   TEXT NOT NULL              -- JSON array
) WITHOUT ROWID;
CREATE INDEX agency_key_id ON agency_key (key_id);

CREATE TABLE revocation (
    id          TEXT PRIMARY KEY NOT NULL,
    kind        TEXT NOT NULL,             -- 'credential' | 'subject_before' | 'enterprise_serial'
    subject     TEXT NOT NULL,             -- credential id hash, credential number or credit code
    before      TEXT,                      -- for 'subject_before'
    min_serial  INTEGER,                   -- for 'enterprise_serial'
    expires     TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX revocation_subject ON revocation (kind, subject);

-- The duty credential this device's officer holds (one at a time).
CREATE TABLE duty_credential (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    credential  BLOB NOT NULL,
    expires_at  TEXT NOT NULL
);

-- (credential id, time step) pairs already accepted: a code is never accepted twice.
CREATE TABLE code_replay (
    credential_id BLOB NOT NULL,
    step          INTEGER NOT NULL,
    seen_at       TEXT NOT NULL,
    PRIMARY KEY (credential_id, step)
) WITHOUT ROWID;

-- Signed events waiting for upload; removed only once the server has acknowledged them.
CREATE TABLE event_outbox (
    id          TEXT PRIMARY KEY NOT NULL, -- UUIDv7
    kind        TEXT NOT NULL,             -- 'visit' | 'code_verification'
    created_at  TEXT NOT NULL,
    signed      BLOB NOT NULL              -- COSE_Sign1 by the device key
) WITHOUT ROWID;
