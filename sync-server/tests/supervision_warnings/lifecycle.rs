//! Runs, the lifecycle, scope and the 监督意见书.

use zhifa_sync_server::storage::{transaction, Database};
use zhifa_sync_server::supervision::warnings::{
    self, Action, Filter, Rules, Warning, WarningError,
};
use zhifa_sync_server::supervision::Scope;

use super::rows::*;

/// Two overdue cases, one in each of two districts.
fn two_districts(db: &dyn Database) {
    fill(db, |tx| {
        for (id, body) in [("case-a", "500103-a"), ("case-b", "500104-<b>&")] {
            let mut c = case(id, body);
            c.filed_on = Some("2026-01-05".into());
            c.due_on = Some("2026-04-05".into());
            c.insert(tx);
        }
    });
}

fn warning_of(db: &dyn Database, case: &str) -> Warning {
    transaction(db, |tx| {
        warnings::list(tx, &Scope::City, &Filter::default())
    })
    .unwrap()
    .into_iter()
    .find(|w| w.scope == case)
    .unwrap()
}

fn count(db: &dyn Database, table: &str) -> i64 {
    transaction(db, |tx| {
        tx.query_opt(&format!("SELECT COUNT(*) FROM {table}"), &[])?
            .unwrap()
            .int(0)
    })
    .unwrap()
}

#[test]
fn every_rule_runs_and_a_second_run_changes_nothing_nor_reopens_a_dismissed_warning() {
    each_backend("sv_warn_idem", |db| {
        two_districts(db);
        let rules = Rules::builtin();
        let first = warnings::run(db, &rules, day(AS_OF)).unwrap();
        assert_eq!(first.rules.len(), rules.rules.len());
        assert_eq!(first.rules["case_overdue"].new, 2, "{}", db.backend());
        assert_eq!(count(db, "sv_warning"), 2);
        let again = warnings::run(db, &rules, day(AS_OF)).unwrap();
        assert!(
            again.rules.values().all(|r| r.new == 0 && r.refreshed == 0),
            "{again:?}"
        );
        assert_eq!(again.rules["case_overdue"].held, 2);
        let a = warning_of(db, "case-a");
        warnings::transition(
            db,
            &Scope::City,
            &a.id,
            Action::Dismiss("已于线下作出决定，数据未同步".into()),
            "张监督",
            "",
        )
        .unwrap();
        // A later day: the same case is still overdue; its warning stays dismissed.
        let later = warnings::run(db, &rules, day("2026-12-15")).unwrap();
        assert_eq!(later.rules["case_overdue"].new, 0);
        assert_eq!(
            later.rules["case_overdue"].refreshed, 1,
            "only the open one takes the new figures"
        );
        assert_eq!(count(db, "sv_warning"), 2);
        assert_eq!(warning_of(db, "case-a").status, "dismissed");
        assert!(warning_of(db, "case-b").why.contains("截至 2026-12-15"));
        assert_eq!(warning_of(db, "case-a").why, a.why);
    });
}

#[test]
fn the_lifecycle_allows_its_steps_only_and_records_each() {
    each_backend("sv_warn_life", |db| {
        two_districts(db);
        warnings::run(
            db,
            &Rules::builtin().only(&["case_overdue".into()]),
            day(AS_OF),
        )
        .unwrap();
        let id = warning_of(db, "case-a").id;
        let city = Scope::City;
        let refused = |action: Action, by: &str| {
            warnings::transition(db, &city, &id, action, by, "").unwrap_err()
        };
        // Not yet acknowledged: cannot be assigned or resolved.
        let error = refused(Action::Resolve("整改".into()), "张监督");
        assert!(matches!(error, WarningError::NotAllowed { .. }));
        assert_eq!(error.to_string(), "预警当前状态为“待处理”，不能办结");
        assert!(matches!(
            refused(Action::Assign("李科长".into()), "张监督"),
            WarningError::NotAllowed { .. }
        ));
        assert!(matches!(
            refused(Action::Dismiss("  ".into()), "张监督"),
            WarningError::ReasonRequired
        ));
        assert!(matches!(
            refused(Action::Acknowledge, " "),
            WarningError::ActorRequired
        ));
        let w =
            warnings::transition(db, &city, &id, Action::Acknowledge, "张监督", "已阅").unwrap();
        assert_eq!(w.status, "acknowledged");
        assert!(matches!(
            refused(Action::Acknowledge, "张监督"),
            WarningError::NotAllowed { .. }
        ));
        assert!(matches!(
            refused(Action::Assign("".into()), "张监督"),
            WarningError::AssigneeRequired
        ));
        let w = warnings::transition(
            db,
            &city,
            &id,
            Action::Assign("执法监督科 李科长".into()),
            "张监督",
            "",
        )
        .unwrap();
        assert_eq!(
            (w.status.as_str(), w.assignee.as_str()),
            ("assigned", "执法监督科 李科长")
        );
        assert!(matches!(
            refused(Action::Resolve("".into()), "李科长"),
            WarningError::OpinionRequired
        ));
        let w = warnings::transition(
            db,
            &city,
            &id,
            Action::Resolve("责令限期作出处理决定。".into()),
            "李科长",
            "",
        )
        .unwrap();
        assert_eq!(w.status, "resolved");
        let error = refused(Action::Dismiss("误报".into()), "张监督");
        assert_eq!(error.to_string(), "预警当前状态为“已办结”，不能排除");
        assert!(matches!(
            warnings::transition(db, &city, "w-nothing", Action::Acknowledge, "张监督", ""),
            Err(WarningError::NotFound)
        ));
        let steps = transaction(db, |tx| warnings::steps(tx, &city, &id)).unwrap();
        let walked: Vec<(i64, &str, &str, &str, &str)> = steps
            .iter()
            .map(|s| {
                (
                    s.seq,
                    s.from_status.as_str(),
                    s.to_status.as_str(),
                    s.by_whom.as_str(),
                    s.note.as_str(),
                )
            })
            .collect();
        assert_eq!(
            walked,
            vec![
                (0, "", "open", warnings::RULES_ACTOR, ""),
                (1, "open", "acknowledged", "张监督", "已阅"),
                (
                    2,
                    "acknowledged",
                    "assigned",
                    "张监督",
                    "交办给 执法监督科 李科长"
                ),
                (
                    3,
                    "assigned",
                    "resolved",
                    "李科长",
                    "责令限期作出处理决定。"
                ),
            ],
            "{}",
            db.backend()
        );
        assert!(steps.iter().all(|s| s.at_time > 1_700_000_000));
    });
}

#[test]
fn a_district_supervisor_neither_sees_nor_acts_on_another_district() {
    each_backend("sv_warn_scope", |db| {
        two_districts(db);
        warnings::run(db, &Rules::builtin(), day(AS_OF)).unwrap();
        let mine = Scope::District("500103".into());
        let seen = transaction(db, |tx| warnings::list(tx, &mine, &Filter::default())).unwrap();
        assert_eq!(
            seen.iter().map(|w| w.scope.as_str()).collect::<Vec<_>>(),
            vec!["case-a"]
        );
        let other = warning_of(db, "case-b");
        assert_eq!(
            transaction(db, |tx| warnings::get(tx, &mine, &other.id)).unwrap(),
            None
        );
        assert!(transaction(db, |tx| warnings::steps(tx, &mine, &other.id))
            .unwrap()
            .is_empty());
        assert!(matches!(
            warnings::transition(db, &mine, &other.id, Action::Acknowledge, "区监督员", ""),
            Err(WarningError::NotFound)
        ));
        assert_eq!(warning_of(db, "case-b").status, "open");
        let body = Scope::Body("500103-a".into());
        let filter = Filter {
            status: Some("open".into()),
            ..Filter::default()
        };
        assert_eq!(
            transaction(db, |tx| warnings::list(tx, &body, &filter))
                .unwrap()
                .len(),
            1
        );
        let filter = Filter {
            rule: Some("quota_regularity".into()),
            ..Filter::default()
        };
        assert!(
            transaction(db, |tx| warnings::list(tx, &Scope::City, &filter))
                .unwrap()
                .is_empty()
        );
    });
}

#[test]
fn the_supervision_opinion_renders_for_a_resolved_warning_escaped() {
    each_backend("sv_warn_opinion", |db| {
        two_districts(db);
        warnings::run(
            db,
            &Rules::builtin().only(&["case_overdue".into()]),
            day(AS_OF),
        )
        .unwrap();
        let id = warning_of(db, "case-b").id;
        let city = Scope::City;
        let not_yet = transaction(db, |tx| Ok(warnings::opinion_html(tx, &city, &id))).unwrap();
        assert!(matches!(not_yet, Err(WarningError::NotAllowed { .. })));
        for action in [
            Action::Acknowledge,
            Action::Assign("李科长".into()),
            Action::Resolve("请于十五日内作出决定。\n<script>alert(1)</script>".into()),
        ] {
            warnings::transition(db, &city, &id, action, "张监督", "").unwrap();
        }
        let letterhead = warnings::Letterhead {
            bureau: "重庆市渝中区司法局".into(),
            addressee: "重庆市<b>城管</b>局".into(),
        };
        let html = transaction(db, |tx| {
            Ok(warnings::opinion_html_with(tx, &city, &id, &letterhead).unwrap())
        })
        .unwrap();
        assert!(html.starts_with("<!DOCTYPE html><html lang=\"zh-CN\">"));
        assert!(html.contains("行政执法监督意见书"));
        assert!(html.contains("@page{size:A4"));
        assert!(html.contains("重庆市&lt;b&gt;城管&lt;/b&gt;局："), "{html}");
        assert!(html
            .contains("<p>请于十五日内作出决定。</p><p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"));
        assert!(!html.contains("<script>") && !html.contains("<b>"));
        assert!(html.contains("案件超期未决"));
        assert!(html.contains("已超期"));
        assert!(html.contains("重庆市渝中区司法局（印章）"));
        let year = zhifa_core::calendar::beijing_date(chrono::Utc::now())
            .format("%Y年")
            .to_string();
        assert!(html.contains(&format!("<p class=\"date\">{year}")));
        // Without names: the body's id (escaped) is the addressee.
        let plain =
            transaction(db, |tx| Ok(warnings::opinion_html(tx, &city, &id).unwrap())).unwrap();
        assert!(plain.contains("500104-&lt;b&gt;&amp;："), "{plain}");
        let elsewhere = Scope::District("500103".into());
        let hidden = transaction(db, |tx| Ok(warnings::opinion_html(tx, &elsewhere, &id))).unwrap();
        assert!(matches!(hidden, Err(WarningError::NotFound)));
    });
}
