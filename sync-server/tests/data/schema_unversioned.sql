-- The server schema as created before it was versioned (before evidence staging and event
-- signers), to test the upgrade. {INT} and {BYTES} are the backends' type names.
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

CREATE TABLE IF NOT EXISTS blob (
    hash     TEXT PRIMARY KEY,
    size     {INT} NOT NULL,
    received {INT} NOT NULL,
    complete {INT} NOT NULL,
    team     TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS blob_part (
    hash    TEXT NOT NULL,
    offset_ {INT} NOT NULL,
    bytes   {BYTES} NOT NULL,
    PRIMARY KEY (hash, offset_)
);

CREATE TABLE IF NOT EXISTS event (
    id            TEXT PRIMARY KEY,
    kind          TEXT NOT NULL,
    key_id        TEXT NOT NULL,
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
