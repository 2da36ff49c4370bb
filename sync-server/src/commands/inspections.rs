//! `plan-inspections`: a random inspection plan (双随机) drawn from the published catalogue,
//! written to a file and, with `--publish`, put on the server as one task document each
//! (`plans::publish`: a task that cannot be put as planned fails the command, by name).

use std::path::PathBuf;

use chrono::Utc;
use clap::Args;
use zhifa_core::inspections::{self, Candidate, GradeRates, Plan, PlanRequest, TaskIdKey};
use zhifa_core::registry::BundleBody;
use zhifa_sync_server::plans::{self, PublishError};
use zhifa_sync_server::server::{self, open_catalogue};
use zhifa_sync_server::ServerError;

#[derive(Args)]
pub struct PlanInspections {
    #[arg(long, env = "ZHIFA_DATA_DIR", default_value = "zhifa-server-data")]
    data_dir: PathBuf,
    #[arg(long)]
    id: String,
    /// Division prefix the plan covers, e.g. 500103.
    #[arg(long)]
    scope: String,
    /// Comma-separated item codes checked together at each visit.
    #[arg(long)]
    items: String,
    #[arg(long)]
    seed: u64,
    #[arg(long, default_value_t = 180)]
    window_days: i64,
    #[arg(long)]
    out: PathBuf,
    /// Also put each task on the server, so the officers' devices receive it by sync.
    #[arg(long)]
    publish: bool,
    #[arg(long, env = "ZHIFA_DATABASE_URL")]
    database_url: Option<String>,
}

impl PlanInspections {
    pub fn run(self) -> Result<(), ServerError> {
        let body = open_catalogue(&self.data_dir)?
            .bundle_for(std::slice::from_ref(&self.scope), None)?
            .ok_or_else(|| ServerError::BadRequest("no catalogue published".into()))?;
        let plan = self.draw(&body, &plans::task_id_key(&self.data_dir)?);
        std::fs::write(
            &self.out,
            serde_json::to_string_pretty(&plan).expect("plan serialises"),
        )?;
        if self.publish {
            self.put_on_server(&body, &plan)?;
        }
        println!(
            "{} tasks, {} skipped, seed {}: {}",
            plan.tasks.len(),
            plan.skipped.len(),
            self.seed,
            self.out.display()
        );
        Ok(())
    }

    /// The plan over the enterprises and officers of the scope's catalogue.
    fn draw(&self, body: &BundleBody, task_ids: &TaskIdKey) -> Plan {
        let candidates: Vec<Candidate> = body
            .upserts
            .enterprises
            .iter()
            .map(Candidate::never_inspected)
            .collect();
        inspections::plan(&PlanRequest {
            plan_id: self.id.clone(),
            task_ids,
            items: self
                .items
                .split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect(),
            candidates: &candidates,
            officers: &body.upserts.officers,
            start: zhifa_core::calendar::beijing_date(Utc::now()),
            window_days: self.window_days,
            rates: GradeRates::default(),
            seed: self.seed,
        })
    }

    /// Each task as a document of its officers' team; every task that is not is named, and
    /// the command fails.
    fn put_on_server(&self, body: &BundleBody, plan: &Plan) -> Result<(), ServerError> {
        let db = server::open_database(&self.data_dir, self.database_url.as_deref())?;
        match plans::publish(db.as_ref(), &body.upserts.officers, plan) {
            Ok(published) => {
                println!(
                    "{} tasks put on the server, {} already there",
                    published.new, published.already
                );
                Ok(())
            }
            Err(PublishError::Conflicts {
                published,
                conflicts,
            }) => {
                for (task_id, credit_code, conflict) in &conflicts {
                    eprintln!("task {task_id} ({credit_code}) not published: {conflict}");
                }
                Err(ServerError::Config(format!(
                    "{} of {} tasks not published ({} put, {} already there)",
                    conflicts.len(),
                    plan.tasks.len(),
                    published.new,
                    published.already
                )))
            }
            Err(PublishError::Server(error)) => Err(error),
        }
    }
}
