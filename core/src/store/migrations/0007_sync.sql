-- Schema 7: sync with the server. One row per collaborative document: the digest of its
-- current heads (updated in the same transaction as every edit), the digest both sides held
-- at the end of its last sync, and the Automerge sync state with the server.

CREATE TABLE doc_sync (
    kind          INTEGER NOT NULL, -- 1 case, 2 inspection
    id            TEXT NOT NULL,
    digest        BLOB NOT NULL,
    synced_digest BLOB,
    state         BLOB,
    refused       TEXT,             -- the server's refusal, until the document changes again
    PRIMARY KEY (kind, id)
) WITHOUT ROWID;

-- Evidence files to upload; a row is confirmed only when the server has checked the hash.
-- The file itself is never deleted by sync.
CREATE TABLE blob_upload (
    hash      TEXT PRIMARY KEY NOT NULL,
    confirmed INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;

-- An event the server refused stays on the device, marked, out of the upload queue.
ALTER TABLE event_outbox ADD COLUMN refused TEXT;

-- Documents already on the device when sync arrived.
INSERT INTO doc_sync (kind, id, digest) SELECT 1, id, x'' FROM case_file;
INSERT INTO doc_sync (kind, id, digest) SELECT 2, id, x'' FROM inspection;
