//! Inspections (检查): random plans (双随机, weighted by credit grade), tasks that reach the
//! assigned officers, one combined checklist a visit (综合查一次), and a case opened from a
//! non-compliant result with its facts carried over.

pub mod finding;
pub mod planner;
pub mod repository;
pub mod task;

pub use planner::{
    plan, Candidate, GradeRates, Plan, PlanRequest, SkipReason, Skipped, Task, TaskIdKey,
};
pub use repository::{InspectionStatus, InspectionSummary};
pub use task::{CheckResult, ChecklistEntry, Inspection, InspectionDoc, InspectionEdit};
