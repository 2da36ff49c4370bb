//! A warning's lifecycle: open → acknowledged → assigned → resolved (with the opinion of the
//! 监督意见书), or dismissed with a reason from any state before resolved. Only these steps
//! are allowed; each is recorded in `sv_warning_step` with who took it and when, in the
//! transaction that changes the warning.

use super::store::get_locked;
use super::Warning;
use crate::error::ServerError;
use crate::storage::{transaction, Database, Tx};
use crate::supervision::Scope;

/// What a supervisor does with a warning.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Seen and accepted as worth handling.
    Acknowledge,
    /// Handed to someone (a person or an office) to verify and correct; again to reassign.
    Assign(String),
    /// Closed with the supervision opinion (the text of the 监督意见书).
    Resolve(String),
    /// Closed as not a problem, with the reason.
    Dismiss(String),
}

impl Action {
    /// The action as a supervisor names it.
    pub fn name_zh(&self) -> &'static str {
        match self {
            Action::Acknowledge => "确认",
            Action::Assign(_) => "交办",
            Action::Resolve(_) => "办结",
            Action::Dismiss(_) => "排除",
        }
    }

    /// The status it leads to, from the statuses it may start from.
    fn step(&self) -> (&'static [&'static str], &'static str) {
        match self {
            Action::Acknowledge => (&["open"], "acknowledged"),
            Action::Assign(_) => (&["acknowledged", "assigned"], "assigned"),
            Action::Resolve(_) => (&["assigned"], "resolved"),
            Action::Dismiss(_) => (&["open", "acknowledged", "assigned"], "dismissed"),
        }
    }
}

/// A status as a supervisor reads it.
pub fn status_zh(status: &str) -> &'static str {
    match status {
        "open" => "待处理",
        "acknowledged" => "已确认",
        "assigned" => "已交办",
        "resolved" => "已办结",
        "dismissed" => "已排除",
        _ => "未知状态",
    }
}

/// Why a transition was refused (zh-CN, as the supervisor is told), or the server failed.
#[derive(Debug, thiserror::Error)]
pub enum WarningError {
    #[error("预警不存在或不在您的监督范围内")]
    NotFound,
    #[error("预警当前状态为“{}”，不能{}", status_zh(.status), .action)]
    NotAllowed {
        status: String,
        action: &'static str,
    },
    #[error("排除预警必须说明理由")]
    ReasonRequired,
    #[error("办结预警必须填写监督意见")]
    OpinionRequired,
    #[error("交办预警必须指明承办人")]
    AssigneeRequired,
    #[error("必须记录操作人")]
    ActorRequired,
    #[error("服务器错误：{0}")]
    Server(#[from] ServerError),
}

/// Takes `action` on warning `id` inside `scope` as `by`, recording the step with `note`
/// (for a resolution or a dismissal the opinion or reason is the step's note, `note` added
/// after it when given). Returns the warning as it now stands.
pub fn transition(
    db: &dyn Database,
    scope: &Scope,
    id: &str,
    action: Action,
    by: &str,
    note: &str,
) -> Result<Warning, WarningError> {
    let by = by.trim();
    if by.is_empty() {
        return Err(WarningError::ActorRequired);
    }
    match &action {
        Action::Assign(to) if to.trim().is_empty() => return Err(WarningError::AssigneeRequired),
        Action::Resolve(opinion) if opinion.trim().is_empty() => {
            return Err(WarningError::OpinionRequired)
        }
        Action::Dismiss(reason) if reason.trim().is_empty() => {
            return Err(WarningError::ReasonRequired)
        }
        _ => {}
    }
    transaction(db, |tx| take(tx, scope, id, &action, by, note))?
}

/// The transition in the caller's transaction: `Ok(Err(_))` is a refusal, nothing written.
fn take(
    tx: &mut dyn Tx,
    scope: &Scope,
    id: &str,
    action: &Action,
    by: &str,
    note: &str,
) -> Result<Result<Warning, WarningError>, ServerError> {
    let lock = tx.lock_clause();
    let Some(mut warning) = get_locked(tx, scope, id, lock)? else {
        return Ok(Err(WarningError::NotFound));
    };
    let (from, to) = action.step();
    if !from.contains(&warning.status.as_str()) {
        return Ok(Err(WarningError::NotAllowed {
            status: warning.status,
            action: action.name_zh(),
        }));
    }
    let recorded = match action {
        Action::Resolve(text) | Action::Dismiss(text) if !note.trim().is_empty() => {
            format!("{}\n{}", text.trim(), note.trim())
        }
        Action::Resolve(text) | Action::Dismiss(text) => text.trim().to_owned(),
        Action::Assign(to) if note.trim().is_empty() => format!("交办给 {}", to.trim()),
        Action::Assign(to) => format!("交办给 {}：{}", to.trim(), note.trim()),
        Action::Acknowledge => note.trim().to_owned(),
    };
    let now = chrono::Utc::now().timestamp();
    if let Action::Assign(to) = action {
        warning.assignee = to.trim().to_owned();
    }
    tx.execute(
        "UPDATE sv_warning SET status = $2, assignee = $3, updated_at = $4 WHERE id = $1",
        &[
            id.into(),
            to.into(),
            warning.assignee.as_str().into(),
            now.into(),
        ],
    )?;
    let seq = tx
        .query_opt(
            "SELECT COALESCE(MAX(seq), -1) + 1 FROM sv_warning_step WHERE warning_id = $1",
            &[id.into()],
        )?
        .map(|row| row.int(0))
        .transpose()?
        .unwrap_or(0);
    tx.execute(
        "INSERT INTO sv_warning_step (warning_id, seq, from_status, to_status, by_whom, at_time, note)
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            id.into(),
            seq.into(),
            warning.status.as_str().into(),
            to.into(),
            by.into(),
            now.into(),
            recorded.into(),
        ],
    )?;
    warning.status = to.to_owned();
    warning.updated_at = now;
    Ok(Ok(warning))
}
