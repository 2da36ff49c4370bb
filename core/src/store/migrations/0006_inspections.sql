-- Schema 6: inspection tasks, one Automerge document each (small: saved whole on each edit).

CREATE TABLE inspection (
    id          TEXT PRIMARY KEY NOT NULL,
    plan_id     TEXT NOT NULL,
    credit_code TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    snapshot    BLOB NOT NULL
) WITHOUT ROWID;
CREATE INDEX inspection_credit ON inspection (credit_code);
