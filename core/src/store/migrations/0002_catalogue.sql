-- Schema 2: the reference catalogue, rebuilt only from verified signed bundles.

CREATE TABLE enforcement_body (
    id       TEXT PRIMARY KEY NOT NULL,
    name     TEXT NOT NULL,
    division TEXT NOT NULL
) WITHOUT ROWID;

CREATE TABLE enforcement_item (
    code        TEXT PRIMARY KEY NOT NULL,
    name        TEXT NOT NULL,
    sector      TEXT NOT NULL,
    kind        TEXT NOT NULL,
    legal_basis TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX enforcement_item_sector ON enforcement_item (sector);

CREATE TABLE officer (
    credential_no TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    body_id       TEXT NOT NULL,
    divisions     TEXT NOT NULL, -- JSON array of GB/T 2260 codes
    items         TEXT NOT NULL  -- JSON array of enforcement item codes
) WITHOUT ROWID;
CREATE INDEX officer_body ON officer (body_id);

CREATE TABLE regulation (
    id        TEXT PRIMARY KEY NOT NULL,
    title     TEXT NOT NULL,
    level     TEXT NOT NULL,
    issuer    TEXT NOT NULL,
    effective TEXT NOT NULL,
    repealed  TEXT
) WITHOUT ROWID;

CREATE TABLE regulation_article (
    regulation_id TEXT NOT NULL,
    ordinal       INTEGER NOT NULL,
    number        TEXT NOT NULL,
    text          TEXT NOT NULL,
    PRIMARY KEY (regulation_id, ordinal)
) WITHOUT ROWID;

CREATE TABLE enterprise (
    credit_code   TEXT PRIMARY KEY NOT NULL,
    name          TEXT NOT NULL,
    division      TEXT NOT NULL,
    industry      TEXT NOT NULL,
    credit_grade  TEXT NOT NULL CHECK (credit_grade IN ('A', 'B', 'C', 'D')),
    -- 1 when the code is well formed but its check character disagrees (flag, don't reject).
    check_flagged INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
CREATE INDEX enterprise_division ON enterprise (division);

-- Full-text search. Text is indexed as overlapping CJK bigrams (see registry/search.rs), so a
-- two-character query such as 无证 is an indexed term and longer queries are bigram phrases.
-- A document's rowid puts it in an authority tier (tier << 32 | sequence): items, then
-- regulation titles, then articles by the level of their regulation; see registry/search.rs.
CREATE TABLE search_doc (
    rowid   INTEGER PRIMARY KEY,
    kind    TEXT NOT NULL,    -- 'item' | 'regulation' | 'article'
    owner   TEXT NOT NULL,    -- item code or regulation id
    ordinal INTEGER           -- article ordinal for 'article'
);
CREATE INDEX search_doc_owner ON search_doc (kind, owner);
CREATE VIRTUAL TABLE search_index USING fts5 (title, body, tokenize = 'unicode61');
