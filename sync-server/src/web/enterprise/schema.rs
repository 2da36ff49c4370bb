//! The enterprise page's own records. Supervision data, never rebuilt from documents: a web
//! check is not a signed event, so `supervision rebuild-index` has nothing to rebuild it
//! from. `sv_feedback` (an index table) gets a copy of each web rating and complaint with
//! `verified = 0`; `rebuild` leaves `sv_feedback` alone, and `project_all` restores the copies
//! should it ever be cleared.

/// Appended to the server's schema (`storage::schema`).
pub(crate) const SCHEMA: &str = "
-- Every check of an officer's code on the enterprise page (`/v/...`), valid or refused.
-- Weaker evidence than the app's signed verification: no enrolled device, no signature,
-- anyone with the URL. It never counts as the enterprise's side of two-code verification.
CREATE TABLE IF NOT EXISTS sv_web_check (
    id            TEXT PRIMARY KEY,                -- random, also the browser's check cookie
    code_hash     TEXT NOT NULL,                   -- SHA-256 hex of the bare EC1 payload ('' unreadable)
    credential_id TEXT NOT NULL,                   -- hex of the credential's cti ('' unreadable)
    step          {INT} NOT NULL,
    first_seen    {INT} NOT NULL,                  -- 1: the first valid check of (credential, step)
    credit_code   TEXT NOT NULL,                   -- the enterprise that checked ('' none given)
    officer       TEXT NOT NULL,
    officer_name  TEXT NOT NULL,
    body          TEXT NOT NULL,
    district      TEXT NOT NULL,
    refusal       TEXT NOT NULL,                   -- CodeRefusal's serde name; '' valid
    verdict       TEXT NOT NULL,                   -- JSON: what the page showed
    csrf          TEXT NOT NULL,                   -- SHA-256 hex of the feedback form's token
    checked_at    {INT} NOT NULL
);
-- One valid first check per (credential, step): the web's own replay table.
CREATE UNIQUE INDEX IF NOT EXISTS sv_web_check_first
    ON sv_web_check (credential_id, step) WHERE first_seen = 1;
CREATE INDEX IF NOT EXISTS sv_web_check_at ON sv_web_check (checked_at);
CREATE INDEX IF NOT EXISTS sv_web_check_code ON sv_web_check (code_hash);

-- Ratings and complaints (投诉举报) sent from the page, tied to one web check.
CREATE TABLE IF NOT EXISTS sv_web_feedback (
    id          TEXT PRIMARY KEY,                  -- also the sv_feedback row's id
    check_id    TEXT NOT NULL,
    kind        TEXT NOT NULL,                     -- rating | complaint
    score       {INT},
    text        TEXT NOT NULL,
    contact     TEXT NOT NULL,
    visit_id    TEXT NOT NULL,                     -- the officer's matching visit ('' none)
    body        TEXT NOT NULL,
    district    TEXT NOT NULL,
    officer     TEXT NOT NULL,
    on_day      TEXT NOT NULL,                     -- Beijing date
    created_at  {INT} NOT NULL
);
CREATE INDEX IF NOT EXISTS sv_web_feedback_check ON sv_web_feedback (check_id);
";
