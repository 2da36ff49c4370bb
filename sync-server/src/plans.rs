//! Inspection plans put on the server (`plan-inspections --publish`): each task becomes an
//! inspection document of its officers' team under an id no device can predict (derived
//! under the server's task key, `<data-dir>/task-id.key`). Publishing never passes over a
//! task in silence: a task whose id is taken by anything but the same task is a conflict,
//! named with its reason, and the publish fails; publishing the same plan again finds every
//! task already there, the same, and succeeds without writing.

use std::path::Path;

use automerge::AutoCommit;
use zhifa_core::inspections::{InspectionDoc, Plan, Task, TaskIdKey};
use zhifa_core::registry::Officer;
use zhifa_core::sync::DocKind;

use crate::docs::{CreateConflict, Created, Documents};
use crate::error::{Failure, ServerError};
use crate::storage::Database;

pub const TASK_ID_KEY_FILE: &str = "task-id.key";

/// The server's task-id key, made on first use; replicas share it with the data directory.
pub fn task_id_key(data_dir: &Path) -> Result<TaskIdKey, ServerError> {
    crate::keyfile::secret(&data_dir.join(TASK_ID_KEY_FILE)).map(TaskIdKey)
}

/// How many tasks a publish put on the server, and how many were there already.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Published {
    pub new: usize,
    pub already: usize,
}

/// Why one task is not on the server as planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum TaskConflict {
    #[error(transparent)]
    Taken(#[from] CreateConflict),
    #[error("no officer of the task is in the catalogue")]
    NoTeam,
    #[error("the task's officers belong to two bodies: one of them would never receive it")]
    TwoTeams,
}

/// A publish that did not put every task; the others were put (or were there).
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    #[error("{} task(s) could not be published", conflicts.len())]
    Conflicts {
        published: Published,
        /// Task id and credit code, and why.
        conflicts: Vec<(String, String, TaskConflict)>,
    },
    #[error(transparent)]
    Server(#[from] ServerError),
}

/// Puts every task of `plan` on the server, each in its own transaction.
pub fn publish(
    db: &dyn Database,
    officers: &[Officer],
    plan: &Plan,
) -> Result<Published, PublishError> {
    let documents = Documents::new(16);
    let mut published = Published::default();
    let mut conflicts = Vec::new();
    for task in &plan.tasks {
        match put(db, &documents, officers, task) {
            Ok(Created::New) => published.new += 1,
            Ok(Created::Already) => published.already += 1,
            Err(Failure::Refused(conflict)) => {
                conflicts.push((task.id.clone(), task.credit_code.clone(), conflict))
            }
            Err(Failure::Server(error)) => return Err(error.into()),
        }
    }
    match conflicts.is_empty() {
        true => Ok(published),
        false => Err(PublishError::Conflicts {
            published,
            conflicts,
        }),
    }
}

fn put(
    db: &dyn Database,
    documents: &Documents,
    officers: &[Officer],
    task: &Task,
) -> Result<Created, Failure<TaskConflict>> {
    let mut teams: Vec<&str> = officers
        .iter()
        .filter(|o| task.officers.contains(&o.credential_no))
        .map(|o| o.body_id.as_str())
        .collect();
    teams.sort_unstable();
    teams.dedup();
    let team = match teams.as_slice() {
        [] => return Err(Failure::Refused(TaskConflict::NoTeam)),
        [team] => *team,
        _ => return Err(Failure::Refused(TaskConflict::TwoTeams)),
    };
    let mut doc =
        InspectionDoc::from_task(task).map_err(|e| ServerError::BadRequest(e.to_string()))?;
    let same = |stored: &mut AutoCommit| is_task(stored, task);
    documents
        .create(
            db,
            (DocKind::Inspection, &task.id, team),
            doc.automerge().clone(),
            &same,
        )
        .map_err(|failure| match failure {
            Failure::Refused(conflict) => Failure::Refused(conflict.into()),
            Failure::Server(error) => Failure::Server(error),
        })
}

/// Whether a stored document is this task (whatever the officers have recorded in it since).
fn is_task(stored: &mut AutoCommit, task: &Task) -> bool {
    let Ok(inspection) = InspectionDoc::read_automerge(stored) else {
        return false;
    };
    let mut items: Vec<&str> = inspection
        .checklist
        .iter()
        .map(|e| e.item.as_str())
        .collect();
    let mut planned: Vec<&str> = task.items.iter().map(String::as_str).collect();
    items.sort_unstable();
    planned.sort_unstable();
    inspection.id == task.id
        && inspection.plan_id == task.plan_id
        && inspection.credit_code == task.credit_code
        && inspection.enterprise_name == task.enterprise_name
        && inspection.division == task.division
        && inspection.officers == task.officers
        && items == planned
}
