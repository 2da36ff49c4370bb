//! The rules on single cases (deadlines, reviews) and on complaints.

use super::rows::*;

#[test]
fn deadlines_overdue_and_near_the_limit_without_an_extension() {
    each_backend("sv_warn_deadline", |db| {
        fill(db, |tx| {
            let open = |id: &str, filed: &str, due: &str, extended: i64| {
                let mut c = case(id, "500103-x");
                c.filed_on = Some(filed.into());
                c.due_on = Some(due.into());
                c.extended = extended;
                c
            };
            open("late", "2026-07-01", "2026-09-29", 0).insert(tx);
            open("late-extended", "2026-06-01", "2026-11-15", 1).insert(tx);
            open("decided-in-time", "2026-07-01", "2026-09-29", 0)
                .decided("2026-09-15", 1_000)
                .insert(tx);
            // Decided after the as-of day: still open on it.
            open("decided-later", "2026-07-01", "2026-10-01", 0)
                .decided("2026-12-05", 1_000)
                .insert(tx);
            open("near", "2026-09-07", "2026-12-06", 0).insert(tx);
            open("near-extended", "2026-09-07", "2026-12-06", 1).insert(tx);
            open("far", "2026-10-01", "2026-12-30", 0).insert(tx);
            let mut summary = open("summary", "2026-01-01", "2026-02-01", 0);
            summary.kind = "summary";
            summary.insert(tx);
            let mut closed = open("closed", "2026-01-01", "2026-04-01", 0);
            closed.closed_on = Some("2026-03-01".into());
            closed.insert(tx);
        });
        let overdue = fired(db, "case_overdue");
        let ids: Vec<&str> = overdue.iter().map(|w| w.scope.as_str()).collect();
        assert_eq!(
            ids,
            vec!["decided-later", "late", "late-extended"],
            "{}",
            db.backend()
        );
        let late = overdue.iter().find(|w| w.scope == "late").unwrap();
        assert!(
            late.why
                .contains("办案期限至 2026-09-29，截至 2026-11-30 仍未作出决定，已超期 62 天"),
            "{}",
            late.why
        );
        assert_eq!(late.cases, vec!["late".to_owned()]);
        let near = fired(db, "case_near_limit");
        assert_eq!(
            near.iter().map(|w| w.scope.as_str()).collect::<Vec<_>>(),
            vec!["near"]
        );
        assert!(near[0].why.contains("距期限仅剩 6 天"), "{}", near[0].why);
    });
}

#[test]
fn decisions_without_the_required_legal_review_or_collective_decision() {
    each_backend("sv_warn_review", |db| {
        fill(db, |tx| {
            let decided = |id: &str| case(id, "500103-x").decided("2026-10-10", 50_000);
            let mut missing = decided("no-review");
            missing.legal_review_required = 1;
            missing.insert(tx);
            let mut done = decided("reviewed");
            done.legal_review_required = 1;
            done.legal_review_on = Some("2026-10-08".into());
            done.insert(tx);
            let mut late = decided("reviewed-after");
            late.legal_review_required = 1;
            late.legal_review_on = Some("2026-10-12".into());
            late.insert(tx);
            decided("not-required").insert(tx);
            let mut no_collective = decided("no-collective");
            no_collective.collective_required = 1;
            no_collective.insert(tx);
            let mut collective = decided("collective");
            collective.collective_required = 1;
            collective.collective_on = Some("2026-10-09".into());
            collective.insert(tx);
        });
        let legal = fired(db, "legal_review_missing");
        let ids: Vec<&str> = legal.iter().map(|w| w.scope.as_str()).collect();
        assert_eq!(ids, vec!["no-review", "reviewed-after"], "{}", db.backend());
        assert!(
            legal[0].why.ends_with("没有法制审核记录"),
            "{}",
            legal[0].why
        );
        assert!(
            legal[1].why.contains("法制审核却在 2026-10-12，晚于决定"),
            "{}",
            legal[1].why
        );
        let collective = fired(db, "collective_decision_missing");
        assert_eq!(
            collective
                .iter()
                .map(|w| w.scope.as_str())
                .collect::<Vec<_>>(),
            vec!["no-collective"]
        );
    });
}

// ---------------------------------------------------------------- complaints

#[test]
fn complaints_above_the_usual_level_for_a_body_and_an_officer() {
    each_backend("sv_warn_complaints", |db| {
        fill(db, |tx| {
            let mut draws = Draws(0x2545f4914f6cdd1d);
            let mut n = 0;
            for back in 0..24 {
                let month = month_back(back);
                // Both bodies: the usual 0–2 complaints a month.
                for body in ["500103-calm", "500103-rough"] {
                    for _ in 0..draws.between(0, 2) {
                        n += 1;
                        complaint(tx, &format!("f{n}"), body, "", &format!("{month}-05"));
                    }
                }
            }
            // One officer of the rough body: nine complaints in November.
            for i in 0..9 {
                n += 1;
                complaint(
                    tx,
                    &format!("f{n}"),
                    "500103-rough",
                    "渝rough",
                    &format!("2026-11-{:02}", 10 + i),
                );
            }
            // Another officer with a steady 1–2 a month, 3 in November: within the usual.
            for back in 0..24 {
                for _ in 0..1 + back % 2 {
                    n += 1;
                    complaint(
                        tx,
                        &format!("f{n}"),
                        "500103-calm",
                        "渝steady",
                        &format!("{}-06", month_back(back)),
                    );
                }
            }
            n += 1;
            complaint(
                tx,
                &format!("f{n}"),
                "500103-calm",
                "渝steady",
                "2026-11-20",
            );
        });
        let bodies = fired(db, "complaints_spike");
        assert_eq!(
            scopes(&bodies),
            vec![("500103-rough".to_owned(), "2026-11".to_owned())],
            "{}",
            db.backend()
        );
        assert!(
            bodies[0].why.starts_with("2026年11月收到投诉"),
            "{}",
            bodies[0].why
        );
        let officers = fired(db, "complaints_officer");
        assert_eq!(
            scopes(&officers),
            vec![("渝rough".to_owned(), "2026-11".to_owned())]
        );
        assert!(
            officers[0].why.contains("收到投诉 9 件"),
            "{}",
            officers[0].why
        );
        assert_eq!(officers[0].cases.len(), 9, "the complaints behind it");
    });
}
