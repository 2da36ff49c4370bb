//! What each index table offers an indicator: the rows (`t`), the id listed behind a figure,
//! and where its officer and sector come from. Outcomes and reviews are read joined to their
//! case, so they have the case's district, sector and officers (and the scope applies).

use super::Level;

/// Where an officer key comes from.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Officer {
    /// No officer dimension (an inspection's officers are a comma-joined list).
    None,
    /// The row's own `officer` column.
    Column,
    /// The case's acting officers (`sv_case_officer`), joined by the row's `doc_id`.
    Acting,
}

#[derive(Debug)]
pub(super) struct Source {
    pub table: &'static str,
    /// A table or a derived table; every column a filter names is unqualified and unique.
    pub from: &'static str,
    /// The id listed behind a figure.
    pub doc: &'static str,
    pub officer: Officer,
    pub sector: bool,
}

impl Source {
    pub fn offers(&self, level: Level) -> bool {
        match level {
            Level::City | Level::District | Level::Body => true,
            Level::Officer => self.officer != Officer::None,
            Level::Sector => self.sector,
        }
    }
}

/// The acting officers of a case, named so that no column clashes with the row's.
pub(super) const ACTING_JOIN: &str =
    "JOIN (SELECT doc_id AS officer_doc, credential_no AS officer \
     FROM sv_case_officer WHERE acting = 1) o ON o.officer_doc = t.doc_id";

const SOURCES: [Source; 7] = [
    Source {
        table: "sv_case",
        from: "sv_case",
        doc: "doc_id",
        officer: Officer::Acting,
        sector: true,
    },
    Source {
        table: "sv_inspection",
        from: "sv_inspection",
        doc: "doc_id",
        officer: Officer::None,
        sector: false,
    },
    Source {
        table: "sv_visit",
        from: "sv_visit",
        doc: "visit_id",
        officer: Officer::Column,
        sector: false,
    },
    Source {
        table: "sv_feedback",
        from: "sv_feedback",
        doc: "id",
        officer: Officer::Column,
        sector: false,
    },
    Source {
        table: "sv_device_seen",
        from: "sv_device_seen",
        doc: "key_id",
        officer: Officer::None,
        sector: false,
    },
    // An outcome's own `decided_on` is the court's or the reviewing organ's; the case's is
    // `case_decided_on`.
    Source {
        table: "sv_outcome",
        from: "(SELECT o.case_number, o.kind, o.result, o.decided_on, o.source, c.doc_id, \
               c.body, c.district, c.sector, c.decided_on AS case_decided_on \
               FROM sv_outcome o JOIN sv_case c ON c.case_number = o.case_number \
               WHERE o.case_number <> '')",
        doc: "doc_id",
        officer: Officer::Acting,
        sector: true,
    },
    // A review's period is its case's decision date.
    Source {
        table: "sv_review",
        from: "(SELECT r.sample_id, r.doc_id, r.body, r.score, r.defects, r.reviewer, \
               c.district, c.sector, c.kind, c.filed_on, c.decided_on, c.closed_on \
               FROM sv_review r JOIN sv_case c ON c.doc_id = r.doc_id)",
        doc: "doc_id",
        officer: Officer::Acting,
        sector: true,
    },
];

pub(super) fn find(table: &str) -> Option<&'static Source> {
    SOURCES.iter().find(|s| s.table == table)
}
