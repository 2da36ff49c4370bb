//! 5. Supervision: every phone syncs, and the server matches the visit with the enterprise's
//!    verification of the officer's code.

use chrono::{Duration, Utc};
use zhifa_sync_server::{events, ServerError};

use crate::field::{Field, Story};

pub fn run(story: &mut Story, field: &Field) -> Result<(), ServerError> {
    story.say("\n## 六、执法监督：两码互核对账");
    for device in [&field.a, &field.b, &field.shop] {
        field.sync(device)?;
    }
    let now = Utc::now();
    let reconciliation = events::reconcile(
        field.state.db.as_ref(),
        now - Duration::hours(1),
        now + Duration::hours(1),
    )?;
    story.say(format!(
        "- 已核对 {} 次检查；有检查无企业扫码 {} 次；有扫码无检查记录 {} 次",
        reconciliation.matched.len(),
        reconciliation.visits_without_verification.len(),
        reconciliation.verifications_without_visit.len()
    ));
    story.write(
        "reconciliation.json",
        serde_json::to_string_pretty(&reconciliation).expect("report serialises"),
    )
}
