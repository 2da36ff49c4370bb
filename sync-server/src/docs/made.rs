//! Documents the server makes in bulk (the demo year's case files and inspections), stored
//! in the caller's transaction the way `Documents::create` stores a new one.

use automerge::AutoCommit;
use zhifa_core::sync::{Digest, DocKind};

use super::{insert_doc, next_seq, NewDoc};
use crate::citations;
use crate::error::ServerError;
use crate::storage::Tx;

/// A document made on the server in bulk (the demo year's case files and inspections),
/// ready to store: its bytes and what its row records, as its maker read them from it.
pub struct Made {
    pub kind: DocKind,
    pub id: String,
    pub team: String,
    pub division: String,
    pub digest: Digest,
    pub bytes: Vec<u8>,
    /// The blob hashes it cites.
    pub evidence: Vec<String>,
}

impl Made {
    /// `doc` saved, with the division and evidence its maker read from it (the same reads
    /// `records::kind(kind).summary` makes).
    pub fn new(
        (kind, id, team): (DocKind, &str, &str),
        doc: &mut AutoCommit,
        division: &str,
        evidence: Vec<String>,
    ) -> Made {
        Made {
            kind,
            id: id.to_owned(),
            team: team.to_owned(),
            division: division.to_owned(),
            digest: Digest::of_heads(&doc.get_heads()),
            bytes: doc.save(),
            evidence,
        }
    }
}

/// Stores a made document in the caller's transaction, as `create` stores a new one; its
/// evidence is cited. The id must be free: a taken one fails the transaction.
pub fn insert_made(tx: &mut dyn Tx, made: &Made) -> Result<(), ServerError> {
    let new = NewDoc {
        id: &made.id,
        kind: made.kind,
        team: &made.team,
        division: &made.division,
        digest: made.digest.0.to_vec(),
        seq: next_seq(tx)?,
        chunk: 0,
        writer: "",
    };
    insert_doc(tx, &new, made.bytes.clone())?;
    citations::cite(tx, &made.id, &made.evidence)
}
