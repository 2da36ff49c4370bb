//! `plan-inspections --publish` as an administrator runs it: it succeeds, succeeds again on
//! the same plan without writing, and exits non-zero naming the task when a task's id is
//! taken by another team's document.

use std::path::Path;
use std::process::{Command, Output};

use zhifa_core::inspections::{InspectionDoc, Plan, Task};
use zhifa_core::sync::DocKind;
use zhifa_sync_server::docs::{Created, Documents};
use zhifa_sync_server::server::{open_catalogue, open_database};

const BIN: &str = env!("CARGO_BIN_EXE_zhifa-sync-server");

/// Draws plan `id` (seed 11) into `<data>/<id>.json`, publishing it if asked.
fn plan_inspections(data: &Path, id: &str, publish: bool) -> (Output, Plan) {
    let out = data.join(format!("{id}.json"));
    let mut command = Command::new(BIN);
    command
        .args(["plan-inspections", "--id", id, "--scope", "500103"])
        .args(["--items", "YZ-SC-002,YZ-SC-006", "--seed", "11"])
        .arg("--data-dir")
        .arg(data)
        .arg("--out")
        .arg(&out)
        .env_remove("ZHIFA_DATABASE_URL");
    if publish {
        command.arg("--publish");
    }
    let output = command.output().unwrap();
    let plan = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    (output, plan)
}

#[test]
fn publishing_is_idempotent_and_a_taken_task_id_fails_the_command_by_name() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let demo = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/demo/catalogue.json");
    open_catalogue(data)
        .unwrap()
        .publish(&serde_json::from_str(&std::fs::read_to_string(demo).unwrap()).unwrap())
        .unwrap();
    let (first, plan) = plan_inspections(data, "YZ-2026-12", true);
    assert!(first.status.success(), "{first:?}");
    let tasks = plan.tasks.len();
    assert!(tasks > 0);
    assert!(String::from_utf8_lossy(&first.stdout)
        .contains(&format!("{tasks} tasks put on the server, 0 already there")));
    let (again, same) = plan_inspections(data, "YZ-2026-12", true);
    assert!(again.status.success(), "{again:?}");
    assert_eq!(same, plan, "the same plan, the same ids");
    assert!(String::from_utf8_lossy(&again.stdout)
        .contains(&format!("0 tasks put on the server, {tasks} already there")));

    // The next plan's file leaks before it is published, and another team takes a task's id.
    let (drawn, next) = plan_inspections(data, "YZ-2027-01", false);
    assert!(drawn.status.success(), "{drawn:?}");
    let victim = &next.tasks[0];
    let squatter = Task {
        officers: vec!["渝50010320011".into()],
        enterprise_name: "抢注".into(),
        ..victim.clone()
    };
    let db = open_database(data, None).unwrap();
    let mut doc = InspectionDoc::from_task(&squatter).unwrap();
    let created = Documents::new(1).create(
        db.as_ref(),
        (DocKind::Inspection, &squatter.id, "B500103002"),
        doc.automerge().clone(),
        &|_| false,
    );
    assert_eq!(created.unwrap(), Created::New);
    drop(db);
    let (failed, _) = plan_inspections(data, "YZ-2027-01", true);
    assert!(!failed.status.success(), "{failed:?}");
    let stderr = String::from_utf8_lossy(&failed.stderr);
    assert!(
        stderr.contains(&format!(
            "task {} ({}) not published: the id is taken by a document of another team",
            victim.id, victim.credit_code
        )),
        "{stderr}"
    );
    assert!(
        stderr.contains(&format!(
            "1 of {} tasks not published ({} put, 0 already there)",
            next.tasks.len(),
            next.tasks.len() - 1
        )),
        "{stderr}"
    );
}
