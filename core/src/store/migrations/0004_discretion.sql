-- Schema 4: discretion baselines from catalogue bundles. Stored as JSON: the engine loads
-- them whole into memory (conditions parsed once), so no column is queried on its own.

CREATE TABLE violation (
    code      TEXT PRIMARY KEY NOT NULL,
    item_code TEXT NOT NULL,
    json      TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE baseline_document (
    id   TEXT PRIMARY KEY NOT NULL,
    json TEXT NOT NULL          -- the document with its rows
) WITHOUT ROWID;

CREATE TABLE hearing_threshold (
    id   TEXT PRIMARY KEY NOT NULL,
    json TEXT NOT NULL
) WITHOUT ROWID;
