-- Migration 6: the collection service — its users, their sessions, data calls, and each asked
-- agency's submissions with their history.
--
-- Times a rule compares (expiry, lockout, idle timeout) are Unix seconds; times shown are
-- RFC 3339 text, as elsewhere. Secrets are never stored as they are: passwords as Argon2id
-- hashes, session, invitation and recovery tokens as SHA-256 digests, TOTP secrets sealed.

-- The region an agency reports from (for the dashboard's counts by region); '' when not known.
ALTER TABLE agencies ADD COLUMN region TEXT NOT NULL DEFAULT '';

-- A person who signs in. `agency_id` is empty for the national team.
CREATE TABLE users (
    user_id ID_KEY,
    email TEXT NOT NULL UNIQUE,
    name TEXT NOT NULL,
    agency_id TEXT NOT NULL DEFAULT '',
    password_hash TEXT NOT NULL DEFAULT '',
    totp_sealed BLOB,
    totp_last_step INTEGER NOT NULL DEFAULT 0,
    failed_logins INTEGER NOT NULL DEFAULT 0,
    locked_until INTEGER NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

-- What a user may do: submitter, signatory, approver, analyst, publisher, auditor, admin.
CREATE TABLE user_roles (
    user_id INTEGER NOT NULL REFERENCES users(user_id),
    role TEXT NOT NULL,
    PRIMARY KEY (user_id, role)
);

-- One-time codes for a user who has lost the second factor; used once.
CREATE TABLE recovery_codes (
    user_id INTEGER NOT NULL REFERENCES users(user_id),
    code_hash TEXT NOT NULL,
    used_at TEXT,
    PRIMARY KEY (user_id, code_hash)
);

-- A link that lets a new user (or one whose MFA was reset) set a password and TOTP; used once.
CREATE TABLE invitations (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(user_id),
    expires_at INTEGER NOT NULL,
    used_at TEXT
);

-- A signed-in browser. `stage` is `password` until the second factor is given, then `full`.
CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(user_id),
    csrf TEXT NOT NULL,
    stage TEXT NOT NULL,
    created_at INTEGER NOT NULL,
    last_seen INTEGER NOT NULL
);

-- A data call: what is asked, of whom, by when.
CREATE TABLE data_calls (
    call_id ID_KEY,
    name TEXT NOT NULL,
    period_from TEXT NOT NULL,
    period_to TEXT NOT NULL,
    template_version TEXT NOT NULL,
    deadline TEXT NOT NULL,
    close_date TEXT NOT NULL,
    created_at TEXT NOT NULL,
    created_by TEXT NOT NULL
);

-- Each agency asked, with its status now; `status_events` keeps how it got there.
CREATE TABLE call_agencies (
    call_id INTEGER NOT NULL REFERENCES data_calls(call_id),
    agency_id TEXT NOT NULL REFERENCES agencies(agency_id),
    status TEXT NOT NULL,
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (call_id, agency_id)
);

CREATE TABLE status_events (
    event_id ID_KEY,
    call_id INTEGER NOT NULL,
    agency_id TEXT NOT NULL,
    status TEXT NOT NULL,
    at TEXT NOT NULL,
    "user" TEXT NOT NULL,
    comment TEXT NOT NULL DEFAULT ''
);

-- An upload: one version of an agency's return to a call, with its validation's counts. The
-- files and the full validation (which quotes cells) are in the vault.
CREATE TABLE submissions (
    submission_id ID_KEY,
    call_id INTEGER NOT NULL,
    agency_id TEXT NOT NULL,
    version INTEGER NOT NULL,
    uploaded_at TEXT NOT NULL,
    "user" TEXT NOT NULL,
    files TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    rows_accepted INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL,
    errors INTEGER NOT NULL,
    queries INTEGER NOT NULL,
    -- The agency's profile the files were read through ('' for none): the same is used to
    -- store the version when it is accepted.
    profile TEXT NOT NULL DEFAULT '',
    return_id INTEGER,
    UNIQUE (call_id, agency_id, version)
);

CREATE TABLE VAULT.submission_files (
    submission_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (submission_id, name)
);

-- The validation of an upload as the page shows it (`report.json`) and as the agency
-- downloads it (`problems.csv`).
CREATE TABLE VAULT.submission_reports (
    submission_id INTEGER NOT NULL,
    kind TEXT NOT NULL,
    sealed BLOB NOT NULL,
    PRIMARY KEY (submission_id, kind)
);

-- Why a query (a warning) stands: one explanation per rule code of a submission.
CREATE TABLE explanations (
    submission_id INTEGER NOT NULL,
    rule TEXT NOT NULL,
    explanation TEXT NOT NULL,
    "user" TEXT NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (submission_id, rule)
);

-- A signatory's declaration on one version, by its content hash.
CREATE TABLE sign_offs (
    submission_id INTEGER PRIMARY KEY,
    "user" TEXT NOT NULL,
    at TEXT NOT NULL,
    declaration TEXT NOT NULL,
    content_hash TEXT NOT NULL
);

-- Reminders sent to an asked agency: the scheduled kinds (`before_deadline`, `overdue`) once
-- each; those an analyst sends by hand as `manual:` and the time.
CREATE TABLE reminders (
    call_id INTEGER NOT NULL,
    agency_id TEXT NOT NULL,
    kind TEXT NOT NULL,
    sent_at TEXT NOT NULL,
    recipients INTEGER NOT NULL,
    PRIMARY KEY (call_id, agency_id, kind)
);

-- How an agency's own export maps onto the standard (a profile, TOML), kept for the service:
-- its uploads are checked and stored through it, and its users download it. No identifiers.
CREATE TABLE agency_profiles (
    agency_id TEXT PRIMARY KEY,
    profile TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    "user" TEXT NOT NULL
);
