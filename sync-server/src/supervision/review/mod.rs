//! Case-file review (案卷评查): a scoring checklist over each case file (`checklist`), the
//! catalogue it reads (`reference`), seeded recorded samples and their scoring (`sample`), and
//! scores and defects by body and officer (`summary`).

pub mod checklist;
pub mod reference;
pub mod sample;
pub mod summary;

pub use checklist::{Defect, Item, Scorecard, ITEMS};
pub use reference::Reference;
pub use sample::{draw, pick, read_case, score_sample, Rate, Sample, ScoreReport};
pub use summary::{reviews, summary, By, CaseReview, Over, ReviewFigure};
