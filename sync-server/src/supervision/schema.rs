//! The supervision tables. Index tables (`sv_case`, `sv_case_officer`, `sv_inspection`,
//! `sv_visit`, `sv_feedback`, `sv_device_seen`) are projections: `index` rewrites a
//! document's rows whenever it changes and `supervision rebuild-index` rebuilds them all from
//! the stored documents and events, so they never hold anything the documents do not.
//! `sv_outcome`, the warnings, the reviews and the supervisors' keys are supervision's own
//! records and are never rebuilt.
//!
//! Conventions both backends share: dates are ISO `YYYY-MM-DD` text in Beijing (NULL when
//! the step has not happened), so a period is a prefix (`substr(d, 1, 7)` is the month);
//! amounts are whole yuan; flags are 0/1; `district` is the six-digit county-level division
//! of the body's seat and `town` the nine-digit township division of the place (empty when
//! the place is only known to the county).

/// Appended to the server's schema (`storage::schema`): `{INT}` and `{BYTES}` are the
/// backends' names for 64-bit integers and byte strings.
pub(crate) const SCHEMA: &str = "
-- One row per case document.
CREATE TABLE IF NOT EXISTS sv_case (
    doc_id               TEXT PRIMARY KEY,
    body                 TEXT NOT NULL,
    district             TEXT NOT NULL,
    place                TEXT NOT NULL,
    town                 TEXT NOT NULL,
    sector               TEXT NOT NULL,
    item                 TEXT NOT NULL,
    violation            TEXT NOT NULL,
    case_number          TEXT NOT NULL,
    kind                 TEXT NOT NULL,            -- summary | ordinary
    status               TEXT NOT NULL,            -- CaseStatus::as_str
    party_kind           TEXT NOT NULL,            -- person | organisation | '' (none yet)
    enterprise           TEXT NOT NULL,            -- credit code of an organisation party
    act_on               TEXT,
    discovered_on        TEXT,
    filed_on             TEXT,
    legal_review_on      TEXT,
    collective_on        TEXT,
    notified_on          TEXT,
    hearing_requested_on TEXT,
    hearing_held_on      TEXT,
    decided_on           TEXT,
    served_on            TEXT,
    paid_on              TEXT,
    closed_on            TEXT,
    -- The decision deadline: filing + the sector's period (Art. 60), moved by extensions.
    due_on               TEXT,
    extended             {INT} NOT NULL,
    steps                {INT} NOT NULL,           -- procedure steps recorded (history)
    -- What the engine gives for the case's facts under the catalogue's baselines.
    outcome              TEXT NOT NULL,            -- penalty | may_not_punish | no_penalty | transfer | questions | unknown
    baseline_row         TEXT NOT NULL,
    band_min             {INT},
    band_max             {INT},
    statutory_max        {INT},
    -- What was chosen or decided.
    penalty              {INT} NOT NULL,           -- a penalty decided (or, before decision, chosen)
    fine                 {INT} NOT NULL,
    confiscated          {INT} NOT NULL,
    departure            {INT} NOT NULL,           -- the fine lies outside the band
    departure_reason     TEXT NOT NULL,
    no_penalty           TEXT NOT NULL,            -- '' | mandatory | discretionary
    measures             TEXT NOT NULL,            -- flexible measures, comma-joined: education,warning,order_correction
    legal_review_required {INT} NOT NULL,
    collective_required  {INT} NOT NULL,
    hearing_due          {INT} NOT NULL,
    hearing_offered      {INT} NOT NULL,
    on_the_spot_paid     {INT} NOT NULL,
    late_fee             {INT} NOT NULL,
    transferred          {INT} NOT NULL,
    services             {INT} NOT NULL,
    evidence             {INT} NOT NULL,
    evidence_missing     {INT} NOT NULL,
    acting_officers      {INT} NOT NULL,
    uncredentialed       {INT} NOT NULL,           -- acting officers without a valid credential
    out_of_jurisdiction  {INT} NOT NULL,
    updated_at           {INT} NOT NULL
);
CREATE INDEX IF NOT EXISTS sv_case_body ON sv_case (body, decided_on);
CREATE INDEX IF NOT EXISTS sv_case_district ON sv_case (district, decided_on);
CREATE INDEX IF NOT EXISTS sv_case_filed ON sv_case (filed_on);
CREATE INDEX IF NOT EXISTS sv_case_violation ON sv_case (violation);
CREATE INDEX IF NOT EXISTS sv_case_number ON sv_case (case_number);
CREATE TABLE IF NOT EXISTS sv_case_officer (
    doc_id        TEXT NOT NULL,
    credential_no TEXT NOT NULL,
    name          TEXT NOT NULL,
    acting        {INT} NOT NULL,
    credentialed  {INT} NOT NULL,
    PRIMARY KEY (doc_id, credential_no)
);
CREATE INDEX IF NOT EXISTS sv_case_officer_by ON sv_case_officer (credential_no);

-- One row per inspection document.
CREATE TABLE IF NOT EXISTS sv_inspection (
    doc_id       TEXT PRIMARY KEY,
    body         TEXT NOT NULL,
    district     TEXT NOT NULL,
    plan_id      TEXT NOT NULL,
    planned      {INT} NOT NULL,
    enterprise   TEXT NOT NULL,
    grade        TEXT NOT NULL,                    -- A | B | C | D | ''
    division     TEXT NOT NULL,
    officers     TEXT NOT NULL,                    -- credential numbers, comma-joined
    items        {INT} NOT NULL,
    checked      {INT} NOT NULL,
    findings     {INT} NOT NULL,
    visit_id     TEXT NOT NULL,
    visited_on   TEXT,
    updated_at   {INT} NOT NULL
);
CREATE INDEX IF NOT EXISTS sv_inspection_enterprise ON sv_inspection (enterprise, visited_on);
CREATE INDEX IF NOT EXISTS sv_inspection_body ON sv_inspection (body, visited_on);
-- The visit projection fills `visited_on` by the visit (without it, a scan per visit).
CREATE INDEX IF NOT EXISTS sv_inspection_visit ON sv_inspection (visit_id);

-- One row per visit event, with the enterprise's side of 两码互核 when it arrived.
CREATE TABLE IF NOT EXISTS sv_visit (
    visit_id      TEXT PRIMARY KEY,
    officer       TEXT NOT NULL,
    body          TEXT NOT NULL,
    district      TEXT NOT NULL,
    enterprise    TEXT NOT NULL,
    visited_on    TEXT NOT NULL,
    verified      {INT} NOT NULL,
    code_refused  {INT} NOT NULL
);
CREATE INDEX IF NOT EXISTS sv_visit_body ON sv_visit (body, visited_on);

-- Enterprises' ratings (1-5) and complaints about a visit, a body or an officer.
CREATE TABLE IF NOT EXISTS sv_feedback (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,                     -- rating | complaint
    body        TEXT NOT NULL,
    district    TEXT NOT NULL,
    officer     TEXT NOT NULL,
    visit_id    TEXT NOT NULL,
    score       {INT},
    text        TEXT NOT NULL,
    on_day      TEXT NOT NULL,
    verified    {INT} NOT NULL                     -- from the app's signed side, not a web page
);
CREATE INDEX IF NOT EXISTS sv_feedback_body ON sv_feedback (body, on_day);

-- When each officer device last completed a sync round.
CREATE TABLE IF NOT EXISTS sv_device_seen (
    key_id    TEXT PRIMARY KEY,
    body      TEXT NOT NULL,
    district  TEXT NOT NULL,
    last_sync {INT} NOT NULL
);

-- Reconsideration (复议) and litigation (诉讼) results by case number, imported from CSV.
CREATE TABLE IF NOT EXISTS sv_outcome (
    case_number TEXT NOT NULL,
    kind        TEXT NOT NULL,                     -- reconsideration | litigation
    result      TEXT NOT NULL,                     -- upheld | corrected | revoked | confirmed_illegal | withdrawn
    decided_on  TEXT NOT NULL,
    source      TEXT NOT NULL,
    imported_at {INT} NOT NULL,
    PRIMARY KEY (case_number, kind)
);

-- Warnings and their lifecycle (open → acknowledged → assigned → resolved | dismissed).
CREATE TABLE IF NOT EXISTS sv_warning (
    id          TEXT PRIMARY KEY,
    rule        TEXT NOT NULL,
    scope_kind  TEXT NOT NULL,                     -- city | district | body | officer | enterprise | case
    scope       TEXT NOT NULL,
    district    TEXT NOT NULL,
    body        TEXT NOT NULL,
    period      TEXT NOT NULL,
    severity    TEXT NOT NULL,                     -- low | medium | high
    status      TEXT NOT NULL,
    why         TEXT NOT NULL,
    figures     TEXT NOT NULL,                     -- JSON
    cases       TEXT NOT NULL,                     -- JSON array of doc ids
    assignee    TEXT NOT NULL,
    fired_at    {INT} NOT NULL,
    updated_at  {INT} NOT NULL
);
CREATE INDEX IF NOT EXISTS sv_warning_status ON sv_warning (status, district);
CREATE TABLE IF NOT EXISTS sv_warning_step (
    warning_id TEXT NOT NULL,
    seq        {INT} NOT NULL,
    from_status TEXT NOT NULL,
    to_status  TEXT NOT NULL,
    by_whom    TEXT NOT NULL,
    at_time    {INT} NOT NULL,
    note       TEXT NOT NULL,
    PRIMARY KEY (warning_id, seq)
);

-- Case-file review (案卷评查): a sample drawn (or all), and each case's scored checklist.
CREATE TABLE IF NOT EXISTS sv_review_sample (
    id        TEXT PRIMARY KEY,
    scope     TEXT NOT NULL,
    period    TEXT NOT NULL,
    seed      {INT} NOT NULL,
    rate      TEXT NOT NULL,
    drawn     {INT} NOT NULL,
    drawn_by  TEXT NOT NULL,
    drawn_at  {INT} NOT NULL
);
CREATE TABLE IF NOT EXISTS sv_review (
    sample_id  TEXT NOT NULL,
    doc_id     TEXT NOT NULL,
    body       TEXT NOT NULL,
    score      {INT} NOT NULL,
    defects    TEXT NOT NULL,                      -- JSON array of defect codes
    reviewer   TEXT NOT NULL,
    reviewed_at {INT} NOT NULL,
    details    TEXT NOT NULL DEFAULT '[]',         -- JSON array of {code, text, points}
    PRIMARY KEY (sample_id, doc_id)
);
-- The cases a review sample drew, recorded when drawn (the sample reads the same later).
CREATE TABLE IF NOT EXISTS sv_review_case (
    sample_id TEXT NOT NULL,
    doc_id    TEXT NOT NULL,
    PRIMARY KEY (sample_id, doc_id)
);

-- Supervisors' API keys until the web console's accounts (stored as SHA-256 of the key).
CREATE TABLE IF NOT EXISTS sv_key (
    key_hash   TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    role       TEXT NOT NULL,                      -- city | district | body | reviewer
    scope      TEXT NOT NULL,                      -- '' (city), a district code, or a body id
    issued_at  {INT} NOT NULL,
    revoked    {INT} NOT NULL
);

-- Visits and the enterprises' checks by enterprise and time: the visit projection matches
-- the two sides on these (without it each match scans every event of the hours around it).
CREATE INDEX IF NOT EXISTS sv_event_enterprise ON event (credit_code, kind, at_time);

-- Supervisors' console accounts and browser sessions (`accounts`), and who looked at which
-- case (`api::auth::log_access`): supervision's own records, never rebuilt.
CREATE TABLE IF NOT EXISTS web_account (
    username      TEXT PRIMARY KEY,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    scope         TEXT NOT NULL,
    password_hash TEXT NOT NULL,                   -- Argon2id, PHC string
    created_at    {INT} NOT NULL,
    disabled      {INT} NOT NULL DEFAULT 0
);
-- Login attempts by the name tried, whether or not an account has it, so an unknown name
-- locks exactly as a known one; rows idle for a day are swept.
CREATE TABLE IF NOT EXISTS web_login (
    username     TEXT PRIMARY KEY,
    attempts     {INT} NOT NULL,                   -- claimed since the last success or lock
    locked_until {INT} NOT NULL,                   -- Unix seconds; 0 when not locked
    last_at      {INT} NOT NULL
);
CREATE TABLE IF NOT EXISTS web_session (
    token_hash TEXT PRIMARY KEY,                   -- SHA-256 of the cookie's token
    username   TEXT NOT NULL,
    csrf       TEXT NOT NULL,
    created_at {INT} NOT NULL,
    last_seen  {INT} NOT NULL,
    expires_at {INT} NOT NULL
);
CREATE INDEX IF NOT EXISTS web_session_user ON web_session (username);
CREATE TABLE IF NOT EXISTS sv_access (
    at      {INT} NOT NULL,
    who     TEXT NOT NULL,                         -- account name or key id
    name    TEXT NOT NULL,
    role    TEXT NOT NULL,
    case_id TEXT NOT NULL,
    what    TEXT NOT NULL                          -- case | document:<kind> | evidence:<hash>
);
CREATE INDEX IF NOT EXISTS sv_access_case ON sv_access (case_id, at);
CREATE INDEX IF NOT EXISTS sv_access_at ON sv_access (at);
";
