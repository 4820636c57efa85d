//! What does the collection service know: who may sign in, who is signed in, which data calls
//! are open, which agencies each asked, and what each agency has sent?
//!
//! The tables are migration 6's. Every function here is one statement or a few over a [`Db`],
//! engine-neutral, and runs inside the transaction [`crate::Store::collection_write`] or
//! [`crate::Store::collection_read`] gives it; the first also appends the audit event of the
//! change. Secrets arrive already hashed or sealed: nothing here sees a password, a token or a
//! TOTP secret as it is.

use crate::Result;
use crate::db::{Db, SqlRow};

/// A person who signs in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    /// Empty for the national team.
    pub agency_id: String,
    pub roles: Vec<String>,
    /// Argon2id PHC string; empty until the user has accepted an invitation.
    pub password_hash: String,
    /// The TOTP secret, sealed; none until set up.
    pub totp_sealed: Option<Vec<u8>>,
    /// The last TOTP time step accepted: a code of this step or earlier is a replay.
    pub totp_last_step: i64,
    pub failed_logins: i64,
    /// Unix seconds; 0 when not locked.
    pub locked_until: i64,
    pub active: bool,
}

/// A user to create (with no password yet: an invitation sets it).
#[derive(Debug, Clone)]
pub struct NewUser {
    pub email: String,
    pub name: String,
    pub agency_id: String,
    pub roles: Vec<String>,
}

/// A signed-in browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRow {
    pub user_id: i64,
    pub csrf: String,
    /// `password` until the second factor is given, then `full`.
    pub stage: String,
    pub created_at: i64,
    pub last_seen: i64,
}

/// A data call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct DataCall {
    pub call_id: i64,
    pub name: String,
    pub period_from: String,
    pub period_to: String,
    pub template_version: String,
    /// Shown to agencies (YYYY-MM-DD).
    pub deadline: String,
    /// After it no return is taken (YYYY-MM-DD).
    pub close_date: String,
    pub created_at: String,
    pub created_by: String,
}

/// An agency asked by a call, with its status now.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CallAgency {
    pub call_id: i64,
    pub agency_id: String,
    pub agency_name: String,
    pub agency_type: String,
    pub region: String,
    pub status: String,
    /// Why, for "unable to provide" and "returned for amendment".
    pub reason: String,
}

/// A change of an asked agency's status.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatusEvent {
    pub status: String,
    pub at: String,
    pub user: String,
    pub comment: String,
}

/// One uploaded version of an agency's return to a call.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Submission {
    pub submission_id: i64,
    pub call_id: i64,
    pub agency_id: String,
    pub version: i64,
    pub uploaded_at: String,
    pub user: String,
    /// File names, in upload order.
    pub files: Vec<String>,
    pub content_hash: String,
    pub rows_accepted: i64,
    pub rows_rejected: i64,
    pub errors: i64,
    pub queries: i64,
    /// The agency's profile the files were read through; empty for none.
    #[serde(skip)]
    pub profile: String,
    /// The store's return, once accepted.
    pub return_id: Option<i64>,
}

/// An upload's counts, before it has an id.
#[derive(Debug, Clone)]
pub struct NewSubmission {
    pub call_id: i64,
    pub agency_id: String,
    pub user: String,
    pub files: Vec<String>,
    pub content_hash: String,
    pub rows_accepted: i64,
    pub rows_rejected: i64,
    pub errors: i64,
    pub queries: i64,
    /// The agency's profile the files were read through; empty for none.
    pub profile: String,
}

/// A signatory's declaration.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SignOff {
    pub user: String,
    pub at: String,
    pub declaration: String,
    pub content_hash: String,
}

/// Why a query stands.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Explanation {
    pub rule: String,
    pub explanation: String,
    pub user: String,
    pub at: String,
}

const USER_COLUMNS: &str = "user_id, email, name, agency_id, password_hash, totp_sealed, totp_last_step, failed_logins, locked_until, active";

fn user_from(row: &dyn SqlRow) -> Result<User> {
    Ok(User {
        user_id: row.i64(0)?,
        email: row.string(1)?,
        name: row.string(2)?,
        agency_id: row.string(3)?,
        roles: Vec::new(),
        password_hash: row.string(4)?,
        totp_sealed: row.blob(5)?.map(<[u8]>::to_vec),
        totp_last_step: row.i64(6)?,
        failed_logins: row.i64(7)?,
        locked_until: row.i64(8)?,
        active: row.i64(9)? != 0,
    })
}

fn with_roles(db: &mut dyn Db, mut user: User) -> Result<User> {
    user.roles = db.rows(
        "SELECT role FROM user_roles WHERE user_id = ?1 ORDER BY role",
        &[user.user_id.into()],
        |row| row.string(0),
    )?;
    Ok(user)
}

/// The user with this email (compared case-insensitively), if any.
pub fn user_by_email(db: &mut dyn Db, email: &str) -> Result<Option<User>> {
    let user = db.row(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE email = ?1"),
        &[email.trim().to_lowercase().into()],
        user_from,
    )?;
    user.map(|user| with_roles(db, user)).transpose()
}

pub fn user(db: &mut dyn Db, user_id: i64) -> Result<Option<User>> {
    let user = db.row(
        &format!("SELECT {USER_COLUMNS} FROM users WHERE user_id = ?1"),
        &[user_id.into()],
        user_from,
    )?;
    user.map(|user| with_roles(db, user)).transpose()
}

/// Every user, or an agency's (`Some("")` is the national team), by email.
pub fn users(db: &mut dyn Db, agency_id: Option<&str>) -> Result<Vec<User>> {
    let users = db.rows(
        &format!(
            "SELECT {USER_COLUMNS} FROM users WHERE CAST(?1 AS TEXT) IS NULL OR agency_id = ?1 ORDER BY email"
        ),
        &[agency_id.into()],
        user_from,
    )?;
    users.into_iter().map(|user| with_roles(db, user)).collect()
}

pub fn create_user(db: &mut dyn Db, new: &NewUser, by: &str) -> Result<i64> {
    let id = db
        .row(
            "INSERT INTO users (email, name, agency_id, created_at, created_by) VALUES (?1, ?2, ?3, ?4, ?5) RETURNING user_id",
            &[
                new.email.trim().to_lowercase().into(),
                new.name.trim().into(),
                (&new.agency_id).into(),
                crate::audit::now().into(),
                by.into(),
            ],
            |row| row.i64(0),
        )?
        .ok_or_else(|| crate::StoreError::Database("a new user got no id".to_string()))?;
    set_roles(db, id, &new.roles)?;
    Ok(id)
}

pub fn set_roles(db: &mut dyn Db, user_id: i64, roles: &[String]) -> Result<()> {
    db.execute(
        "DELETE FROM user_roles WHERE user_id = ?1",
        &[user_id.into()],
    )?;
    for role in roles {
        db.execute(
            "INSERT INTO user_roles (user_id, role) VALUES (?1, ?2)",
            &[user_id.into(), role.into()],
        )?;
    }
    Ok(())
}

pub fn set_active(db: &mut dyn Db, user_id: i64, active: bool) -> Result<()> {
    db.execute(
        "UPDATE users SET active = ?2 WHERE user_id = ?1",
        &[user_id.into(), i64::from(active).into()],
    )?;
    Ok(())
}

/// Sets a user's password and second factor, replaces the recovery codes, and unlocks.
pub fn set_credentials(
    db: &mut dyn Db,
    user_id: i64,
    password_hash: &str,
    totp_sealed: &[u8],
    totp_step: i64,
    recovery_hashes: &[String],
) -> Result<()> {
    db.execute(
        "UPDATE users SET password_hash = ?2, totp_sealed = ?3, totp_last_step = ?4, failed_logins = 0, locked_until = 0 WHERE user_id = ?1",
        &[
            user_id.into(),
            password_hash.into(),
            totp_sealed.into(),
            totp_step.into(),
        ],
    )?;
    db.execute(
        "DELETE FROM recovery_codes WHERE user_id = ?1",
        &[user_id.into()],
    )?;
    for hash in recovery_hashes {
        db.execute(
            "INSERT INTO recovery_codes (user_id, code_hash) VALUES (?1, ?2)",
            &[user_id.into(), hash.into()],
        )?;
    }
    Ok(())
}

/// Takes away a user's password and second factor (an MFA reset): they sign in again only
/// through a new invitation.
pub fn clear_credentials(db: &mut dyn Db, user_id: i64) -> Result<()> {
    db.execute(
        "UPDATE users SET password_hash = '', totp_sealed = NULL, totp_last_step = 0 WHERE user_id = ?1",
        &[user_id.into()],
    )?;
    db.execute(
        "DELETE FROM recovery_codes WHERE user_id = ?1",
        &[user_id.into()],
    )?;
    delete_user_sessions(db, user_id)
}

/// Records a failed sign-in: the count goes up, and `locked_until` is set when given.
pub fn login_failed(db: &mut dyn Db, user_id: i64, locked_until: Option<i64>) -> Result<()> {
    db.execute(
        "UPDATE users SET failed_logins = failed_logins + 1, locked_until = COALESCE(?2, locked_until) WHERE user_id = ?1",
        &[user_id.into(), locked_until.into()],
    )?;
    Ok(())
}

pub fn login_succeeded(db: &mut dyn Db, user_id: i64) -> Result<()> {
    db.execute(
        "UPDATE users SET failed_logins = 0, locked_until = 0 WHERE user_id = ?1",
        &[user_id.into()],
    )?;
    Ok(())
}

/// Accepts a TOTP time step if it is later than the last one accepted (a code is used once).
pub fn take_totp_step(db: &mut dyn Db, user_id: i64, step: i64) -> Result<bool> {
    Ok(db.execute(
        "UPDATE users SET totp_last_step = ?2 WHERE user_id = ?1 AND totp_last_step < ?2",
        &[user_id.into(), step.into()],
    )? == 1)
}

/// Uses a recovery code: true once, false for a code that is not the user's or was used.
pub fn take_recovery_code(db: &mut dyn Db, user_id: i64, code_hash: &str) -> Result<bool> {
    Ok(db.execute(
        "UPDATE recovery_codes SET used_at = ?3 WHERE user_id = ?1 AND code_hash = ?2 AND used_at IS NULL",
        &[user_id.into(), code_hash.into(), crate::audit::now().into()],
    )? == 1)
}

pub fn recovery_codes_left(db: &mut dyn Db, user_id: i64) -> Result<i64> {
    Ok(db
        .row(
            "SELECT COUNT(*) FROM recovery_codes WHERE user_id = ?1 AND used_at IS NULL",
            &[user_id.into()],
            |row| row.i64(0),
        )?
        .unwrap_or(0))
}

pub fn create_invitation(
    db: &mut dyn Db,
    token_hash: &str,
    user_id: i64,
    expires_at: i64,
) -> Result<()> {
    db.execute(
        "INSERT INTO invitations (token_hash, user_id, expires_at) VALUES (?1, ?2, ?3)",
        &[token_hash.into(), user_id.into(), expires_at.into()],
    )?;
    Ok(())
}

/// The user an unused, unexpired invitation is for.
pub fn invitation(db: &mut dyn Db, token_hash: &str, now: i64) -> Result<Option<i64>> {
    db.row(
        "SELECT user_id FROM invitations WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
        &[token_hash.into(), now.into()],
        |row| row.i64(0),
    )
}

/// Marks an invitation used; false if it was used (or expired) meanwhile.
pub fn use_invitation(db: &mut dyn Db, token_hash: &str, now: i64) -> Result<bool> {
    Ok(db.execute(
        "UPDATE invitations SET used_at = ?3 WHERE token_hash = ?1 AND used_at IS NULL AND expires_at > ?2",
        &[token_hash.into(), now.into(), crate::audit::now().into()],
    )? == 1)
}

/// Runs `work` on the service's tables, reading ([`crate::Store::collection_read`]), and gives
/// back what it found.
pub fn read<T>(store: &dyn crate::Store, work: impl FnOnce(&mut dyn Db) -> Result<T>) -> Result<T> {
    let mut work = Some(work);
    let mut found = None;
    store.collection_read(&mut |db| {
        if let Some(work) = work.take() {
            found = Some(work(db)?);
        }
        Ok(())
    })?;
    found.ok_or_else(|| crate::StoreError::Database("the read did not run".to_string()))
}

pub fn create_session(
    db: &mut dyn Db,
    token_hash: &str,
    user_id: i64,
    csrf: &str,
    stage: &str,
    now: i64,
) -> Result<()> {
    db.execute(
        "INSERT INTO sessions (token_hash, user_id, csrf, stage, created_at, last_seen) VALUES (?1, ?2, ?3, ?4, ?5, ?5)",
        &[
            token_hash.into(),
            user_id.into(),
            csrf.into(),
            stage.into(),
            now.into(),
        ],
    )?;
    Ok(())
}

pub fn session(db: &mut dyn Db, token_hash: &str) -> Result<Option<SessionRow>> {
    db.row(
        "SELECT user_id, csrf, stage, created_at, last_seen FROM sessions WHERE token_hash = ?1",
        &[token_hash.into()],
        |row| {
            Ok(SessionRow {
                user_id: row.i64(0)?,
                csrf: row.string(1)?,
                stage: row.string(2)?,
                created_at: row.i64(3)?,
                last_seen: row.i64(4)?,
            })
        },
    )
}

pub fn touch_session(db: &mut dyn Db, token_hash: &str, now: i64) -> Result<()> {
    db.execute(
        "UPDATE sessions SET last_seen = ?2 WHERE token_hash = ?1",
        &[token_hash.into(), now.into()],
    )?;
    Ok(())
}

pub fn delete_session(db: &mut dyn Db, token_hash: &str) -> Result<()> {
    db.execute(
        "DELETE FROM sessions WHERE token_hash = ?1",
        &[token_hash.into()],
    )?;
    Ok(())
}

pub fn delete_user_sessions(db: &mut dyn Db, user_id: i64) -> Result<()> {
    db.execute("DELETE FROM sessions WHERE user_id = ?1", &[user_id.into()])?;
    Ok(())
}

/// Sets an agency's region (for the dashboard).
pub fn set_region(db: &mut dyn Db, agency_id: &str, region: &str) -> Result<()> {
    db.execute(
        "UPDATE agencies SET region = ?2 WHERE agency_id = ?1",
        &[agency_id.into(), region.into()],
    )?;
    Ok(())
}

/// Creates a call asking `agencies`, each "not started"; returns its id.
pub fn create_call(db: &mut dyn Db, call: &DataCall, agencies: &[String], by: &str) -> Result<i64> {
    let now = crate::audit::now();
    let id = db
        .row(
            "INSERT INTO data_calls (name, period_from, period_to, template_version, deadline, close_date, created_at, created_by)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) RETURNING call_id",
            &[
                (&call.name).into(),
                (&call.period_from).into(),
                (&call.period_to).into(),
                (&call.template_version).into(),
                (&call.deadline).into(),
                (&call.close_date).into(),
                (&now).into(),
                by.into(),
            ],
            |row| row.i64(0),
        )?
        .ok_or_else(|| crate::StoreError::Database("a new data call got no id".to_string()))?;
    for agency in agencies {
        db.execute(
            "INSERT INTO call_agencies (call_id, agency_id, status) VALUES (?1, ?2, 'not_started')",
            &[id.into(), agency.into()],
        )?;
        add_status_event(db, id, agency, "not_started", by, "")?;
    }
    Ok(id)
}

fn call_from(row: &dyn SqlRow) -> Result<DataCall> {
    Ok(DataCall {
        call_id: row.i64(0)?,
        name: row.string(1)?,
        period_from: row.string(2)?,
        period_to: row.string(3)?,
        template_version: row.string(4)?,
        deadline: row.string(5)?,
        close_date: row.string(6)?,
        created_at: row.string(7)?,
        created_by: row.string(8)?,
    })
}

const CALL_COLUMNS: &str = "call_id, name, period_from, period_to, template_version, deadline, close_date, created_at, created_by";

/// Every call, newest first.
pub fn calls(db: &mut dyn Db) -> Result<Vec<DataCall>> {
    db.rows(
        &format!("SELECT {CALL_COLUMNS} FROM data_calls ORDER BY call_id DESC"),
        &[],
        call_from,
    )
}

pub fn call(db: &mut dyn Db, call_id: i64) -> Result<Option<DataCall>> {
    db.row(
        &format!("SELECT {CALL_COLUMNS} FROM data_calls WHERE call_id = ?1"),
        &[call_id.into()],
        call_from,
    )
}

/// The calls that asked an agency, newest first.
pub fn calls_of_agency(db: &mut dyn Db, agency_id: &str) -> Result<Vec<DataCall>> {
    db.rows(
        &format!(
            "SELECT {} FROM data_calls c JOIN call_agencies a ON a.call_id = c.call_id WHERE a.agency_id = ?1 ORDER BY c.call_id DESC",
            CALL_COLUMNS
                .split(", ")
                .map(|column| format!("c.{column}"))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        &[agency_id.into()],
        call_from,
    )
}

const CALL_AGENCY_SELECT: &str = "SELECT c.call_id, c.agency_id, a.name, a.agency_type, a.region, c.status, c.reason FROM call_agencies c JOIN agencies a ON a.agency_id = c.agency_id";

fn call_agency_from(row: &dyn SqlRow) -> Result<CallAgency> {
    Ok(CallAgency {
        call_id: row.i64(0)?,
        agency_id: row.string(1)?,
        agency_name: row.string(2)?,
        agency_type: row.string(3)?,
        region: row.string(4)?,
        status: row.string(5)?,
        reason: row.string(6)?,
    })
}

/// The agencies a call asked, by agency id.
pub fn call_agencies(db: &mut dyn Db, call_id: i64) -> Result<Vec<CallAgency>> {
    db.rows(
        &format!("{CALL_AGENCY_SELECT} WHERE c.call_id = ?1 ORDER BY c.agency_id"),
        &[call_id.into()],
        call_agency_from,
    )
}

pub fn call_agency(db: &mut dyn Db, call_id: i64, agency_id: &str) -> Result<Option<CallAgency>> {
    db.row(
        &format!("{CALL_AGENCY_SELECT} WHERE c.call_id = ?1 AND c.agency_id = ?2"),
        &[call_id.into(), agency_id.into()],
        call_agency_from,
    )
}

fn add_status_event(
    db: &mut dyn Db,
    call_id: i64,
    agency_id: &str,
    status: &str,
    user: &str,
    comment: &str,
) -> Result<()> {
    db.execute(
        "INSERT INTO status_events (call_id, agency_id, status, at, \"user\", comment) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        &[
            call_id.into(),
            agency_id.into(),
            status.into(),
            crate::audit::now().into(),
            user.into(),
            comment.into(),
        ],
    )?;
    Ok(())
}

/// Sets an asked agency's status, keeping the change in its history.
pub fn set_status(
    db: &mut dyn Db,
    call_id: i64,
    agency_id: &str,
    status: &str,
    reason: &str,
    user: &str,
) -> Result<()> {
    db.execute(
        "UPDATE call_agencies SET status = ?3, reason = ?4 WHERE call_id = ?1 AND agency_id = ?2",
        &[
            call_id.into(),
            agency_id.into(),
            status.into(),
            reason.into(),
        ],
    )?;
    add_status_event(db, call_id, agency_id, status, user, reason)
}

/// An asked agency's statuses, oldest first.
pub fn status_events(db: &mut dyn Db, call_id: i64, agency_id: &str) -> Result<Vec<StatusEvent>> {
    db.rows(
        "SELECT status, at, \"user\", comment FROM status_events WHERE call_id = ?1 AND agency_id = ?2 ORDER BY event_id",
        &[call_id.into(), agency_id.into()],
        |row| {
            Ok(StatusEvent {
                status: row.string(0)?,
                at: row.string(1)?,
                user: row.string(2)?,
                comment: row.string(3)?,
            })
        },
    )
}

/// Stores an upload as the agency's next version: its files and its validation reports
/// arrive sealed, for the place `submission/{call}/{agency}/{version}/...` (the id is not
/// known before the row is written).
pub fn add_submission(
    db: &mut dyn Db,
    new: &NewSubmission,
    version: i64,
    files: &[(String, Vec<u8>)],
    reports: &[(&str, Vec<u8>)],
) -> Result<Submission> {
    let uploaded_at = crate::audit::now();
    let id = db
        .row(
            "INSERT INTO submissions (call_id, agency_id, version, uploaded_at, \"user\", files, content_hash, rows_accepted, rows_rejected, errors, queries, profile)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12) RETURNING submission_id",
            &[
                new.call_id.into(),
                (&new.agency_id).into(),
                version.into(),
                (&uploaded_at).into(),
                (&new.user).into(),
                serde_json::to_string(&new.files).unwrap_or_default().into(),
                (&new.content_hash).into(),
                new.rows_accepted.into(),
                new.rows_rejected.into(),
                new.errors.into(),
                new.queries.into(),
                (&new.profile).into(),
            ],
            |row| row.i64(0),
        )?
        .ok_or_else(|| crate::StoreError::Database("a new submission got no id".to_string()))?;
    for (name, sealed) in files {
        db.execute(
            "INSERT INTO submission_files (submission_id, name, sealed) VALUES (?1, ?2, ?3)",
            &[id.into(), name.into(), sealed.as_slice().into()],
        )?;
    }
    for (kind, sealed) in reports {
        db.execute(
            "INSERT INTO submission_reports (submission_id, kind, sealed) VALUES (?1, ?2, ?3)",
            &[id.into(), (*kind).into(), sealed.as_slice().into()],
        )?;
    }
    Ok(Submission {
        submission_id: id,
        call_id: new.call_id,
        agency_id: new.agency_id.clone(),
        version,
        uploaded_at,
        user: new.user.clone(),
        files: new.files.clone(),
        content_hash: new.content_hash.clone(),
        rows_accepted: new.rows_accepted,
        rows_rejected: new.rows_rejected,
        errors: new.errors,
        queries: new.queries,
        profile: new.profile.clone(),
        return_id: None,
    })
}

const SUBMISSION_COLUMNS: &str = "submission_id, call_id, agency_id, version, uploaded_at, \"user\", files, content_hash, rows_accepted, rows_rejected, errors, queries, return_id, profile";

fn submission_from(row: &dyn SqlRow) -> Result<Submission> {
    Ok(Submission {
        submission_id: row.i64(0)?,
        call_id: row.i64(1)?,
        agency_id: row.string(2)?,
        version: row.i64(3)?,
        uploaded_at: row.string(4)?,
        user: row.string(5)?,
        files: serde_json::from_str(&row.string(6)?).unwrap_or_default(),
        content_hash: row.string(7)?,
        rows_accepted: row.i64(8)?,
        rows_rejected: row.i64(9)?,
        errors: row.i64(10)?,
        queries: row.i64(11)?,
        return_id: row.int(12)?,
        profile: row.string(13)?,
    })
}

/// An agency's versions for a call, newest first.
pub fn submissions(db: &mut dyn Db, call_id: i64, agency_id: &str) -> Result<Vec<Submission>> {
    db.rows(
        &format!(
            "SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE call_id = ?1 AND agency_id = ?2 ORDER BY version DESC"
        ),
        &[call_id.into(), agency_id.into()],
        submission_from,
    )
}

pub fn submission(db: &mut dyn Db, submission_id: i64) -> Result<Option<Submission>> {
    db.row(
        &format!("SELECT {SUBMISSION_COLUMNS} FROM submissions WHERE submission_id = ?1"),
        &[submission_id.into()],
        submission_from,
    )
}

/// A submission's files, sealed, in upload order.
pub fn submission_files(db: &mut dyn Db, submission_id: i64) -> Result<Vec<(String, Vec<u8>)>> {
    db.rows(
        "SELECT name, sealed FROM submission_files WHERE submission_id = ?1 ORDER BY name",
        &[submission_id.into()],
        |row| {
            Ok((
                row.string(0)?,
                row.blob(1)?.map(<[u8]>::to_vec).unwrap_or_default(),
            ))
        },
    )
}

/// A submission's validation (`report.json` or `problems.csv`), sealed.
pub fn submission_report(
    db: &mut dyn Db,
    submission_id: i64,
    kind: &str,
) -> Result<Option<Vec<u8>>> {
    db.row(
        "SELECT sealed FROM submission_reports WHERE submission_id = ?1 AND kind = ?2",
        &[submission_id.into(), kind.into()],
        |row| Ok(row.blob(0)?.map(<[u8]>::to_vec).unwrap_or_default()),
    )
}

pub fn set_submission_return(db: &mut dyn Db, submission_id: i64, return_id: i64) -> Result<()> {
    db.execute(
        "UPDATE submissions SET return_id = ?2 WHERE submission_id = ?1",
        &[submission_id.into(), return_id.into()],
    )?;
    Ok(())
}

/// Keeps (or replaces) the explanation of a query.
pub fn explain(
    db: &mut dyn Db,
    submission_id: i64,
    rule: &str,
    explanation: &str,
    user: &str,
) -> Result<()> {
    db.execute(
        "INSERT INTO explanations (submission_id, rule, explanation, \"user\", at) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (submission_id, rule) DO UPDATE SET explanation = excluded.explanation, \"user\" = excluded.\"user\", at = excluded.at",
        &[
            submission_id.into(),
            rule.into(),
            explanation.into(),
            user.into(),
            crate::audit::now().into(),
        ],
    )?;
    Ok(())
}

pub fn explanations(db: &mut dyn Db, submission_id: i64) -> Result<Vec<Explanation>> {
    db.rows(
        "SELECT rule, explanation, \"user\", at FROM explanations WHERE submission_id = ?1 ORDER BY rule",
        &[submission_id.into()],
        |row| {
            Ok(Explanation {
                rule: row.string(0)?,
                explanation: row.string(1)?,
                user: row.string(2)?,
                at: row.string(3)?,
            })
        },
    )
}

pub fn sign_off(
    db: &mut dyn Db,
    submission_id: i64,
    user: &str,
    declaration: &str,
    content_hash: &str,
) -> Result<()> {
    db.execute(
        "INSERT INTO sign_offs (submission_id, \"user\", at, declaration, content_hash) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[
            submission_id.into(),
            user.into(),
            crate::audit::now().into(),
            declaration.into(),
            content_hash.into(),
        ],
    )?;
    Ok(())
}

pub fn sign_off_of(db: &mut dyn Db, submission_id: i64) -> Result<Option<SignOff>> {
    db.row(
        "SELECT \"user\", at, declaration, content_hash FROM sign_offs WHERE submission_id = ?1",
        &[submission_id.into()],
        |row| {
            Ok(SignOff {
                user: row.string(0)?,
                at: row.string(1)?,
                declaration: row.string(2)?,
                content_hash: row.string(3)?,
            })
        },
    )
}

/// Whether a reminder of this kind was sent to an asked agency.
pub fn reminded(db: &mut dyn Db, call_id: i64, agency_id: &str, kind: &str) -> Result<bool> {
    Ok(db
        .row(
            "SELECT 1 FROM reminders WHERE call_id = ?1 AND agency_id = ?2 AND kind = ?3",
            &[call_id.into(), agency_id.into(), kind.into()],
            |row| row.i64(0),
        )?
        .is_some())
}

/// Records a reminder sent (to `recipients` addresses).
pub fn add_reminder(
    db: &mut dyn Db,
    call_id: i64,
    agency_id: &str,
    kind: &str,
    recipients: i64,
) -> Result<()> {
    db.execute(
        "INSERT INTO reminders (call_id, agency_id, kind, sent_at, recipients) VALUES (?1, ?2, ?3, ?4, ?5)",
        &[
            call_id.into(),
            agency_id.into(),
            kind.into(),
            crate::audit::now().into(),
            recipients.into(),
        ],
    )?;
    Ok(())
}

/// The reminders sent to an asked agency: (kind, when, recipients), oldest first.
pub fn reminders(
    db: &mut dyn Db,
    call_id: i64,
    agency_id: &str,
) -> Result<Vec<(String, String, i64)>> {
    db.rows(
        "SELECT kind, sent_at, recipients FROM reminders WHERE call_id = ?1 AND agency_id = ?2 ORDER BY sent_at, kind",
        &[call_id.into(), agency_id.into()],
        |row| Ok((row.string(0)?, row.string(1)?, row.i64(2)?)),
    )
}

/// Keeps (or replaces) the profile an agency's uploads are read through.
pub fn set_profile(db: &mut dyn Db, agency_id: &str, profile: &str, user: &str) -> Result<()> {
    db.execute(
        "INSERT INTO agency_profiles (agency_id, profile, updated_at, \"user\") VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (agency_id) DO UPDATE SET profile = excluded.profile, updated_at = excluded.updated_at, \"user\" = excluded.\"user\"",
        &[
            agency_id.into(),
            profile.into(),
            crate::audit::now().into(),
            user.into(),
        ],
    )?;
    Ok(())
}

/// The profile an agency's uploads are read through, if it has one.
pub fn profile(db: &mut dyn Db, agency_id: &str) -> Result<Option<String>> {
    db.row(
        "SELECT profile FROM agency_profiles WHERE agency_id = ?1",
        &[agency_id.into()],
        |row| row.string(0),
    )
}
