-- The premises and the legal representative an enterprise is named with in a decision
-- (Art. 59), and the officer's own visits, so that a case opens from one (the signed event
-- leaves the outbox once synced; the visit stays for the cases it carries into).
ALTER TABLE enterprise ADD COLUMN address TEXT NOT NULL DEFAULT '';
ALTER TABLE enterprise ADD COLUMN legal_representative TEXT;

CREATE TABLE visit (
    id          TEXT PRIMARY KEY NOT NULL,
    credit_code TEXT NOT NULL,
    -- The enterprise as its scanned code names it (the catalogue may not hold it).
    enterprise_name TEXT NOT NULL,
    division    TEXT NOT NULL,
    opened_at   TEXT NOT NULL,
    -- The VisitRecord as JSON: what was signed.
    record      TEXT NOT NULL,
    -- The cases opened from it, in order (JSON array of ids).
    cases       TEXT NOT NULL DEFAULT '[]'
) WITHOUT ROWID;
