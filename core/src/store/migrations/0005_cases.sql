-- Schema 5: case files. Each case is an Automerge document: a compacted snapshot plus the
-- incremental changes saved since, appended in the same transaction as the index row, so a
-- killed process loses no committed edit. The snapshot has a table of its own: updating the
-- index row must not rewrite the document.

CREATE TABLE case_file (
    id           TEXT PRIMARY KEY NOT NULL,
    kind         TEXT NOT NULL,
    status       TEXT NOT NULL,
    number       TEXT,
    violation    TEXT NOT NULL,
    credit_code  TEXT,              -- the first party's, when an organisation
    party_name   TEXT,
    decision_due TEXT,              -- Art. 60 deadline while undecided
    conflicted   INTEGER NOT NULL DEFAULT 0,
    updated_at   TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX case_file_status ON case_file (status, updated_at);
CREATE INDEX case_file_due ON case_file (decision_due);
CREATE INDEX case_file_credit ON case_file (credit_code);

CREATE TABLE case_snapshot (
    case_id TEXT PRIMARY KEY NOT NULL,
    bytes   BLOB NOT NULL
);

CREATE TABLE case_change (
    case_id TEXT NOT NULL,
    seq     INTEGER NOT NULL,
    bytes   BLOB NOT NULL,
    PRIMARY KEY (case_id, seq)
) WITHOUT ROWID;

CREATE TABLE case_officer (
    case_id       TEXT NOT NULL,
    credential_no TEXT NOT NULL,
    PRIMARY KEY (credential_no, case_id)
) WITHOUT ROWID;

CREATE TABLE case_number_block (
    prefix TEXT NOT NULL,
    year   INTEGER NOT NULL,
    first  INTEGER NOT NULL,
    last   INTEGER NOT NULL,
    next   INTEGER NOT NULL,
    PRIMARY KEY (prefix, year, first)
) WITHOUT ROWID;

-- The official holiday calendars, from catalogue bundles (JSON, one row a year).
CREATE TABLE holiday_calendar (
    year INTEGER PRIMARY KEY NOT NULL,
    json TEXT NOT NULL
);
