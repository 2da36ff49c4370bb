//! The random inspection planner the server runs (双随机一公开): enterprises drawn at random
//! with a probability by credit grade (A rarely, D often), none drawn again within the window
//! for the same items, and two officers drawn at random among those authorised for every item
//! and whose jurisdiction covers the enterprise, least-loaded first. The seed is recorded with
//! the plan, so anyone can draw it again and check it.
//!
//! Task ids are not the draw's: each is a UUID derived by HMAC-SHA256 under the server's task
//! key (`TaskIdKey`) from the plan id and the enterprise, so no device can predict one and
//! create a document under it first, while drawing the same plan again gives the same ids
//! (publishing it twice puts nothing twice).

use chrono::{Duration, NaiveDate};
use hmac::{Hmac, Mac};
use serde::{Deserialize, Serialize};
use sha2::Sha256;

use crate::ids::jurisdiction_overlaps;
use crate::random::SeededRng;
use crate::registry::{CreditGrade, Enterprise, Officer};

/// Selection probability for one plan, per million, by credit grade.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct GradeRates {
    pub a: u32,
    pub b: u32,
    pub c: u32,
    pub d: u32,
}

impl Default for GradeRates {
    /// An annual plan: A 3 %, B 10 %, C 30 %, D 60 %.
    fn default() -> Self {
        GradeRates {
            a: 30_000,
            b: 100_000,
            c: 300_000,
            d: 600_000,
        }
    }
}

impl GradeRates {
    fn of(&self, grade: CreditGrade) -> u32 {
        match grade {
            CreditGrade::A => self.a,
            CreditGrade::B => self.b,
            CreditGrade::C => self.c,
            CreditGrade::D => self.d,
        }
    }
}

/// An enterprise that may be drawn.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub credit_code: String,
    pub name: String,
    pub division: String,
    pub grade: CreditGrade,
    /// When it was last inspected for these items, if ever.
    pub last_inspected: Option<NaiveDate>,
}

impl Candidate {
    /// A catalogue enterprise never inspected for the plan's items.
    pub fn never_inspected(enterprise: &Enterprise) -> Candidate {
        Candidate {
            credit_code: enterprise.credit_code.clone(),
            name: enterprise.name.clone(),
            division: enterprise.division.clone(),
            grade: enterprise.credit_grade,
            last_inspected: None,
        }
    }
}

/// The server's secret for task ids (32 random bytes, kept beside its other keys).
#[derive(Clone)]
pub struct TaskIdKey(pub [u8; 32]);

impl TaskIdKey {
    /// The id of the plan's task at the enterprise: a UUID (version 8, custom) from the first
    /// 16 bytes of HMAC-SHA256(key, plan id, credit code).
    pub fn task_id(&self, plan_id: &str, credit_code: &str) -> String {
        let mut mac = Hmac::<Sha256>::new_from_slice(&self.0).expect("HMAC takes any key length");
        for part in ["zhifa inspection task v1", plan_id, credit_code] {
            mac.update(&(part.len() as u64).to_be_bytes());
            mac.update(part.as_bytes());
        }
        let digest = mac.finalize().into_bytes();
        let bytes: [u8; 16] = digest[..16].try_into().expect("32-byte digest");
        uuid::Builder::from_custom_bytes(bytes)
            .into_uuid()
            .hyphenated()
            .to_string()
    }
}

impl std::fmt::Debug for TaskIdKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TaskIdKey(..)")
    }
}

pub struct PlanRequest<'a> {
    pub plan_id: String,
    pub task_ids: &'a TaskIdKey,
    /// The items checked together at each visit (综合查一次).
    pub items: Vec<String>,
    pub candidates: &'a [Candidate],
    pub officers: &'a [Officer],
    pub start: NaiveDate,
    /// No enterprise is inspected twice for the same items within this many days.
    pub window_days: i64,
    pub rates: GradeRates,
    pub seed: u64,
}

/// One visit to make.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
pub struct Task {
    pub id: String,
    pub plan_id: String,
    pub credit_code: String,
    pub enterprise_name: String,
    pub division: String,
    pub officers: Vec<String>,
    pub items: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum SkipReason {
    /// Inspected for these items within the window.
    RecentlyInspected,
    /// Fewer than two officers authorised for every item in this place.
    NoOfficers,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Skipped {
    pub credit_code: String,
    pub reason: SkipReason,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    pub id: String,
    pub seed: u64,
    pub tasks: Vec<Task>,
    /// Drawn but not assigned, with the reason, for the plan's record.
    pub skipped: Vec<Skipped>,
}

pub fn plan(request: &PlanRequest<'_>) -> Plan {
    let mut rng = SeededRng::new(request.seed);
    let mut load = vec![0usize; request.officers.len()];
    let mut tasks = Vec::new();
    let mut skipped = Vec::new();
    let window_start = request.start - Duration::days(request.window_days);
    for candidate in request.candidates {
        // Every candidate gets its draw, excluded or not.
        if !rng.chance(request.rates.of(candidate.grade)) {
            continue;
        }
        if candidate
            .last_inspected
            .is_some_and(|last| last > window_start)
        {
            skipped.push(Skipped {
                credit_code: candidate.credit_code.clone(),
                reason: SkipReason::RecentlyInspected,
            });
            continue;
        }
        let mut eligible: Vec<usize> = request
            .officers
            .iter()
            .enumerate()
            .filter(|(_, o)| {
                request.items.iter().all(|item| o.items.contains(item))
                    && jurisdiction_overlaps(
                        &o.divisions,
                        std::slice::from_ref(&candidate.division),
                    )
            })
            .map(|(i, _)| i)
            .collect();
        if eligible.len() < 2 {
            skipped.push(Skipped {
                credit_code: candidate.credit_code.clone(),
                reason: SkipReason::NoOfficers,
            });
            continue;
        }
        rng.shuffle(&mut eligible);
        eligible.sort_by_key(|i| load[*i]);
        let pair = [eligible[0], eligible[1]];
        for i in pair {
            load[i] += 1;
        }
        tasks.push(Task {
            id: request
                .task_ids
                .task_id(&request.plan_id, &candidate.credit_code),
            plan_id: request.plan_id.clone(),
            credit_code: candidate.credit_code.clone(),
            enterprise_name: candidate.name.clone(),
            division: candidate.division.clone(),
            officers: pair
                .iter()
                .map(|i| request.officers[*i].credential_no.clone())
                .collect(),
            items: request.items.clone(),
        });
    }
    Plan {
        id: request.plan_id.clone(),
        seed: request.seed,
        tasks,
        skipped,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn officer(no: &str, division: &str, items: &[&str]) -> Officer {
        Officer {
            credential_no: no.into(),
            name: no.into(),
            body_id: "B".into(),
            divisions: vec![division.into()],
            items: items.iter().map(|s| s.to_string()).collect(),
            roles: Vec::new(),
        }
    }

    fn candidates(n: usize) -> Vec<Candidate> {
        (0..n)
            .map(|i| Candidate {
                credit_code: format!("C{i:06}"),
                name: format!("企业{i}"),
                division: "500103".into(),
                grade: [
                    CreditGrade::A,
                    CreditGrade::B,
                    CreditGrade::C,
                    CreditGrade::D,
                ][i % 4],
                last_inspected: None,
            })
            .collect()
    }

    const KEY: TaskIdKey = TaskIdKey([7; 32]);

    fn request<'a>(
        candidates: &'a [Candidate],
        officers: &'a [Officer],
        seed: u64,
    ) -> PlanRequest<'a> {
        PlanRequest {
            plan_id: "P2026-01".into(),
            task_ids: &KEY,
            items: vec!["YZ-SC-002".into(), "YZ-SC-006".into()],
            candidates,
            officers,
            start: NaiveDate::from_ymd_opt(2026, 3, 1).unwrap(),
            window_days: 180,
            rates: GradeRates::default(),
            seed,
        }
    }

    fn team() -> Vec<Officer> {
        vec![
            officer("O1", "500103", &["YZ-SC-002", "YZ-SC-006"]),
            officer("O2", "500103", &["YZ-SC-002", "YZ-SC-006", "YZ-SC-001"]),
            officer("O3", "5001", &["YZ-SC-002", "YZ-SC-006"]),
            officer("O4", "500103", &["YZ-SC-002"]), // not authorised for every item
            officer("O5", "500112", &["YZ-SC-002", "YZ-SC-006"]), // another district
        ]
    }

    #[test]
    fn grades_are_drawn_at_their_rates() {
        let candidates = candidates(12_000);
        let officers = team();
        let plan = plan(&request(&candidates, &officers, 7));
        let grades: std::collections::HashMap<&str, CreditGrade> = candidates
            .iter()
            .map(|c| (c.credit_code.as_str(), c.grade))
            .collect();
        let share = |grade: CreditGrade| {
            let drawn = plan
                .tasks
                .iter()
                .filter(|t| grades[t.credit_code.as_str()] == grade)
                .count();
            drawn as f64 / 3_000.0
        };
        // 3,000 a grade: each bound is more than three standard deviations wide.
        assert!(
            (share(CreditGrade::A) - 0.03).abs() < 0.012,
            "A {}",
            share(CreditGrade::A)
        );
        assert!(
            (share(CreditGrade::B) - 0.10).abs() < 0.02,
            "B {}",
            share(CreditGrade::B)
        );
        assert!(
            (share(CreditGrade::C) - 0.30).abs() < 0.03,
            "C {}",
            share(CreditGrade::C)
        );
        assert!(
            (share(CreditGrade::D) - 0.60).abs() < 0.03,
            "D {}",
            share(CreditGrade::D)
        );
    }

    #[test]
    fn pairs_are_two_authorised_officers_of_the_place_and_loads_balance() {
        let candidates = candidates(2_000);
        let officers = team();
        let plan = plan(&request(&candidates, &officers, 11));
        assert!(!plan.tasks.is_empty());
        let mut load = std::collections::HashMap::new();
        for task in &plan.tasks {
            assert_eq!(task.officers.len(), 2);
            assert_ne!(task.officers[0], task.officers[1]);
            for o in &task.officers {
                assert!(
                    ["O1", "O2", "O3"].contains(&o.as_str()),
                    "{o} may not inspect here"
                );
                *load.entry(o.clone()).or_insert(0usize) += 1;
            }
        }
        let (min, max) = (load.values().min().unwrap(), load.values().max().unwrap());
        assert!(max - min <= 1, "{load:?}");
    }

    #[test]
    fn recently_inspected_enterprises_are_skipped_and_plans_can_be_redrawn() {
        let mut candidates = candidates(400);
        for c in candidates.iter_mut().step_by(2) {
            c.last_inspected = NaiveDate::from_ymd_opt(2026, 1, 15);
        }
        let officers = team();
        let first = plan(&request(&candidates, &officers, 99));
        assert!(first
            .skipped
            .iter()
            .any(|s| s.reason == SkipReason::RecentlyInspected));
        assert!(first.tasks.iter().all(|t| candidates
            .iter()
            .any(|c| c.credit_code == t.credit_code && c.last_inspected.is_none())));
        assert_eq!(
            plan(&request(&candidates, &officers, 99)),
            first,
            "the same seed draws the same plan"
        );
        assert_ne!(
            plan(&request(&candidates, &officers, 100)).tasks,
            first.tasks
        );
        let lonely = [officer("O1", "500103", &["YZ-SC-002", "YZ-SC-006"])];
        let unstaffed = plan(&request(&candidates, &lonely, 99));
        assert!(unstaffed.tasks.is_empty());
        assert!(unstaffed
            .skipped
            .iter()
            .any(|s| s.reason == SkipReason::NoOfficers));
    }

    #[test]
    fn task_ids_are_uuids_under_the_key_and_stable_across_draws() {
        let candidates = candidates(400);
        let officers = team();
        let first = plan(&request(&candidates, &officers, 5));
        assert!(!first.tasks.is_empty());
        let mut seen = std::collections::HashSet::new();
        for task in &first.tasks {
            let id = uuid::Uuid::parse_str(&task.id).expect("a UUID");
            assert_eq!(id.get_version_num(), 8);
            assert!(seen.insert(task.id.clone()), "ids are unique");
            assert_ne!(task.id, format!("{}-00001", task.plan_id));
        }
        // The same plan drawn again has the same ids; another key gives other ids.
        assert_eq!(plan(&request(&candidates, &officers, 5)).tasks, first.tasks);
        let other = TaskIdKey([8; 32]);
        let task = &first.tasks[0];
        assert_ne!(other.task_id(&task.plan_id, &task.credit_code), task.id);
        assert_ne!(KEY.task_id("P2026-02", &task.credit_code), task.id);
    }
}
