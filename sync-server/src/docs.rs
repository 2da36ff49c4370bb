//! Collaborative documents on the server: stored as a compacted snapshot plus incremental
//! chunks, loaded on demand into a bounded cache, and synced with each device by batched
//! Automerge sync messages (sync state kept per device and document in the database, so any
//! replica can serve the next round).

use std::num::NonZeroUsize;
use std::sync::Mutex;

use automerge::sync::{Message, State, SyncDoc};
use automerge::AutoCommit;
use lru::LruCache;
use serde_bytes::ByteBuf;
use zhifa_core::records;
use zhifa_core::sync::protocol::{
    DocMessage, DocRefusal, ErrorCode, Listing, SyncRequest, LIST_PAGE,
};
use zhifa_core::sync::{budget, Digest, DocId, DocKind, DocRef, SubjectKind};

mod made;
mod plan;
mod stored;

pub use made::{insert_made, Made};
pub use plan::RoundRefusal;
use plan::{plan, Plan};
use stored::{read_chunks, read_snapshot};
pub use stored::{stored, StoredDoc};

use crate::citations;
use crate::devices::DeviceRecord;
use crate::error::{Failure, Refusal, ServerError};
use crate::storage::{transaction, transaction_or_refusal, Database, Row, Tx, Value};
use crate::supervision::index::{self, Projector};

/// Chunks kept beside the snapshot before it is rewritten.
const COMPACT_AFTER: i64 = 32;

/// A document as loaded, and how far into the stored chunks it is.
struct Loaded {
    doc: AutoCommit,
    last_chunk: i64,
}

pub struct Documents {
    cache: Mutex<LruCache<String, Loaded>>,
}

/// What one round produced for the device.
#[derive(Debug, Default)]
pub struct Round {
    pub changed: Vec<DocRef>,
    pub cursor: u64,
    pub more: bool,
    pub messages: Vec<DocMessage>,
    pub refused: Vec<(DocKind, DocId, DocRefusal)>,
    /// Documents whose heads moved on the server in this round.
    pub applied: u32,
}

fn digest_of(row: &Row, i: usize) -> Result<Digest, ServerError> {
    Ok(Digest(
        row.bytes(i)?
            .as_slice()
            .try_into()
            .map_err(|_| ServerError::Decode)?,
    ))
}

impl Documents {
    pub fn new(capacity: usize) -> Documents {
        Documents {
            cache: Mutex::new(LruCache::new(
                NonZeroUsize::new(capacity.max(1)).expect("non-zero"),
            )),
        }
    }

    pub fn cached(&self) -> usize {
        self.cache.lock().unwrap_or_else(|p| p.into_inner()).len()
    }

    fn take(&self, id: &str) -> Option<Loaded> {
        self.cache.lock().unwrap_or_else(|p| p.into_inner()).pop(id)
    }

    fn put(&self, id: String, loaded: Loaded) {
        self.cache
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .put(id, loaded);
    }

    /// One round of sync with a device, in one transaction: the listing it asked for, then
    /// its messages, each change projected into the supervision index by `index` (none: not
    /// projected, `rebuild-index` catches up).
    pub fn round(
        &self,
        db: &dyn Database,
        device: &DeviceRecord,
        request: &SyncRequest,
        index: Option<&Projector>,
    ) -> Result<Round, Failure<RoundRefusal>> {
        if device.subject_kind != SubjectKind::Officer && !request.messages.is_empty() {
            return Err(RoundRefusal::NotAnOfficer.into());
        }
        let (plans, budget) = plan(request)?;
        // Documents leave the cache for the transaction and return only if it commits, so a
        // failed round never leaves a half-applied document in memory.
        let mut touched: Vec<(String, Loaded)> = Vec::new();
        let round = transaction(db, |tx| {
            touched.clear();
            let mut budget = budget.clone();
            let mut round = Round::default();
            if let Some(listing) = &request.listing {
                self.list(tx, device, listing, &mut round)?;
            }
            let mut reply_bytes = 0usize;
            for (DocMessage(kind, id, _), plan) in request.messages.iter().zip(&plans) {
                let (message, cost) = match plan {
                    Plan::Apply(message, cost) => (message, cost),
                    Plan::Refuse(refusal) => {
                        round.refused.push((*kind, id.clone(), *refusal));
                        continue;
                    }
                    Plan::Defer => {
                        round
                            .changed
                            .push(DocRef(*kind, id.clone(), Digest::default()));
                        continue;
                    }
                };
                let applied = budget::verify(message)
                    .map_err(|o| Failure::Refused(o.refusal()))
                    .and_then(|()| {
                        let doc = (*kind, id.0.as_str());
                        self.apply(tx, (device, index), doc, (message, *cost), &mut budget)
                    });
                match applied {
                    Ok(None) => round
                        .changed
                        .push(DocRef(*kind, id.clone(), Digest::default())),
                    Ok(Some(Applied {
                        loaded,
                        reply,
                        moved,
                    })) => {
                        round.applied += u32::from(moved);
                        if let Some(loaded) = loaded {
                            touched.push((id.0.clone(), loaded));
                        }
                        let Some(reply) = reply else { continue };
                        if reply.len() > budget::REPLY_BYTES {
                            // It would never fit a reply: this document's refusal, not the
                            // session's.
                            round
                                .refused
                                .push((*kind, id.clone(), DocRefusal::OverBudget));
                        } else if reply_bytes + reply.len() > budget::REPLY_BYTES {
                            // It waits for the next round, which the device asks for.
                            round
                                .changed
                                .push(DocRef(*kind, id.clone(), Digest::default()));
                        } else {
                            reply_bytes += reply.len();
                            round.messages.push(DocMessage(
                                *kind,
                                id.clone(),
                                ByteBuf::from(reply),
                            ));
                        }
                    }
                    Err(Failure::Refused(refusal)) => {
                        round.refused.push((*kind, id.clone(), refusal))
                    }
                    Err(Failure::Server(error)) => return Err(error),
                }
            }
            if device.subject_kind == SubjectKind::Officer {
                let now = chrono::Utc::now().timestamp();
                index::seen(tx, index, (&device.key_id, &device.team), now)?;
            }
            Ok(round)
        })?;
        for (id, loaded) in touched {
            self.put(id, loaded);
        }
        Ok(round)
    }

    fn list(
        &self,
        tx: &mut dyn Tx,
        device: &DeviceRecord,
        listing: &Listing,
        round: &mut Round,
    ) -> Result<(), ServerError> {
        // Read the counter first: a document committed after it is listed next time.
        let now = tx
            .query_opt("SELECT value FROM counter WHERE name = 'doc_seq'", &[])?
            .ok_or(ServerError::Decode)?
            .int(0)?;
        round.changed.clear();
        round.more = false;
        match listing {
            Listing::Since(cursor) => {
                let rows = tx.query(
                        // A document this device changed last is not listed back to it: it holds
                        // that change, and anything it lacked came back in the same session.
                        "SELECT kind, id, digest, seq FROM doc WHERE team = $1 AND seq > $2 AND seq <= $3
                         AND last_writer <> $4 ORDER BY seq LIMIT $5",
                        &[
                            device.team.clone().into(),
                            (*cursor as i64).into(),
                            now.into(),
                            device.key_id.clone().into(),
                            Value::Int(LIST_PAGE as i64 + 1),
                        ],
                    )?;
                round.more = rows.len() > LIST_PAGE;
                round.cursor = now as u64;
                for row in rows.iter().take(LIST_PAGE) {
                    round.changed.push(self.doc_ref(row)?);
                    if round.more {
                        round.cursor = row.int(3)? as u64;
                    }
                }
            }
            Listing::Full(held) => {
                let rows = tx.query(
                    "SELECT kind, id, digest, seq FROM doc WHERE team = $1 AND seq <= $2",
                    &[device.team.clone().into(), now.into()],
                )?;
                let mut mine: std::collections::HashMap<&str, Digest> =
                    held.iter().map(|r| ((r.1).0.as_str(), r.2)).collect();
                for row in &rows {
                    let server = self.doc_ref(row)?;
                    if mine.remove((server.1).0.as_str()) != Some(server.2) {
                        round.changed.push(server);
                    }
                }
                // What only the device holds: listed with an empty digest, so it pushes.
                for r in held.iter().filter(|r| mine.contains_key((r.1).0.as_str())) {
                    round
                        .changed
                        .push(DocRef(r.0, r.1.clone(), Digest::default()));
                }
                round.cursor = now as u64;
            }
        }
        Ok(())
    }

    fn doc_ref(&self, row: &Row) -> Result<DocRef, ServerError> {
        let kind = DocKind::from_code(row.int(0)? as u8).ok_or(ServerError::Decode)?;
        Ok(DocRef(kind, DocId(row.text(1)?), digest_of(row, 2)?))
    }

    /// Brings a document up to what the database holds: from the cache plus newer chunks, or
    /// from the snapshot when the cache has none or a compaction passed it by.
    fn load(
        &self,
        tx: &mut dyn Tx,
        id: &str,
        last_chunk: i64,
        snapshot_upto: i64,
    ) -> Result<Loaded, ServerError> {
        let cached = self.take(id).filter(|l| l.last_chunk >= snapshot_upto);
        let mut loaded = match cached {
            Some(loaded) => loaded,
            None => Loaded {
                doc: read_snapshot(tx, id)?,
                last_chunk: snapshot_upto,
            },
        };
        if loaded.last_chunk < last_chunk {
            loaded.last_chunk = read_chunks(tx, id, &mut loaded.doc, loaded.last_chunk)?;
        }
        Ok(loaded)
    }

    /// Applies one device message to one document and answers it; `None` when loading the
    /// document would pass what the round may load (put off to the next round). A refusal is
    /// of this document only; a server failure fails the round.
    fn apply(
        &self,
        tx: &mut dyn Tx,
        (device, index): (&DeviceRecord, Option<&Projector>),
        (kind, id): (DocKind, &str),
        (message, cost): (&Message, budget::Cost),
        round: &mut budget::Round,
    ) -> Result<Option<Applied>, Failure<DocRefusal>> {
        let over = |o: budget::Overrun| Failure::Refused(o.refusal());
        let row = tx.query_opt(
            &format!(
                "SELECT kind, team, last_chunk, snapshot_upto FROM doc WHERE id = $1{}",
                tx.lock_clause()
            ),
            &[id.into()],
        )?;
        let exists = row.is_some();
        let (mut loaded, snapshot_upto) = match &row {
            Some(row) => {
                if row.text(1)? != device.team {
                    return Err(Failure::Refused(DocRefusal::Forbidden));
                }
                if row.int(0)? != i64::from(kind.code()) {
                    return Err(Failure::Refused(DocRefusal::Malformed));
                }
                let stored = stored_bytes(tx, id)?;
                cost.fits_stored(stored).map_err(over)?;
                if !round.load(stored) {
                    return Ok(None);
                }
                let (last, upto) = (row.int(2)?, row.int(3)?);
                (self.load(tx, id, last, upto)?, upto)
            }
            None => {
                cost.fits_stored(0).map_err(over)?;
                let doc = AutoCommit::new();
                (Loaded { doc, last_chunk: 0 }, 0)
            }
        };
        let mut state = tx
            .query_opt(
                "SELECT state FROM sync_state WHERE key_id = $1 AND doc_id = $2",
                &[device.key_id.clone().into(), id.into()],
            )?
            .and_then(|r| r.bytes(0).ok())
            .and_then(|b| State::decode(&b).ok())
            .unwrap_or_default();
        cost.fits(budget::Held::of(&loaded.doc)).map_err(over)?;
        let before = loaded.doc.get_heads();
        if loaded
            .doc
            .sync()
            .receive_sync_message(&mut state, message.clone())
            .is_err()
        {
            return Err(Failure::Refused(DocRefusal::Malformed));
        }
        // Returning here drops the loaded copy: changes left waiting are never cached or
        // stored.
        budget::complete(&mut loaded.doc).map_err(over)?;
        let heads = loaded.doc.get_heads();
        let moved = heads != before;
        if moved {
            let Some(content) = records::kind(kind).summary(&mut loaded.doc) else {
                // Changes that do not make a readable document of this kind.
                return Err(Failure::Refused(DocRefusal::Malformed));
            };
            if content.id != id {
                // A document listed under an id its content does not carry (or whose id a
                // change rewrote) would be another document stored under this one's name.
                return Err(Failure::Refused(DocRefusal::Malformed));
            }
            if !exists && !device.covers(&content.division) {
                return Err(Failure::Refused(DocRefusal::OutOfJurisdiction));
            }
            citations::cite(tx, id, &content.evidence)?;
            let now = chrono::Utc::now().timestamp();
            if let Some(index) = index {
                index.document(tx, (kind, id, &device.team), &mut loaded.doc, now)?;
            }
            let seq = next_seq(tx)?;
            let digest = Digest::of_heads(&heads).0.to_vec();
            let chunk = loaded.last_chunk + 1;
            if exists {
                tx.execute(
                    "INSERT INTO doc_chunk (doc_id, chunk, bytes) VALUES ($1, $2, $3)",
                    &[
                        id.into(),
                        chunk.into(),
                        loaded.doc.save_after(&before).into(),
                    ],
                )?;
                tx.execute(
                    "UPDATE doc SET digest = $2, seq = $3, last_chunk = $4, updated_at = $5, last_writer = $6
                     WHERE id = $1",
                    &[
                        id.into(),
                        digest.into(),
                        seq.into(),
                        chunk.into(),
                        now.into(),
                        device.key_id.clone().into(),
                    ],
                )?;
                if chunk - snapshot_upto >= COMPACT_AFTER {
                    compact(tx, id, &mut loaded.doc, chunk)?;
                }
            } else {
                insert_doc(
                    tx,
                    &NewDoc {
                        id,
                        kind,
                        team: &device.team,
                        division: &content.division,
                        digest,
                        seq,
                        chunk,
                        writer: &device.key_id,
                    },
                    loaded.doc.save(),
                )?;
            }
            loaded.last_chunk = chunk;
        }
        let reply = loaded
            .doc
            .sync()
            .generate_sync_message(&mut state)
            .map(Message::encode);
        tx.execute(
            "INSERT INTO sync_state (key_id, doc_id, state) VALUES ($1, $2, $3)
             ON CONFLICT (key_id, doc_id) DO UPDATE SET state = excluded.state",
            &[
                device.key_id.clone().into(),
                id.into(),
                state.encode().into(),
            ],
        )?;
        // A document that does not exist yet (the device only announced its heads) is not
        // cached: there is nothing of it.
        Ok(Some(Applied {
            loaded: (exists || moved).then_some(loaded),
            reply,
            moved,
        }))
    }

    /// Puts a document made on the server (an inspection task from a plan) for `team`. An id
    /// already taken is never passed over in silence: the document there must be of the same
    /// kind and team and hold the same content (`same` reads the stored document), which is
    /// a repeated publish (`Created::Already`); anything else is a `CreateConflict`.
    pub fn create(
        &self,
        db: &dyn Database,
        (kind, id, team): (DocKind, &str, &str),
        mut doc: AutoCommit,
        same: &dyn Fn(&mut AutoCommit) -> bool,
    ) -> Result<Created, Failure<CreateConflict>> {
        let content = records::kind(kind)
            .summary(&mut doc)
            .ok_or_else(|| ServerError::BadRequest("not a readable document".into()))?;
        let digest = Digest::of_heads(&doc.get_heads()).0.to_vec();
        let bytes = doc.save();
        transaction_or_refusal(db, |tx| {
            let sql = "SELECT kind, team, last_chunk, snapshot_upto FROM doc WHERE id = $1";
            if let Some(row) = tx.query_opt(&format!("{sql}{}", tx.lock_clause()), &[id.into()])? {
                if row.int(0)? != i64::from(kind.code()) {
                    return Err(CreateConflict::OtherKind.into());
                } else if row.text(1)? != team {
                    return Err(CreateConflict::OtherTeam.into());
                }
                let mut loaded = self.load(tx, id, row.int(2)?, row.int(3)?)?;
                let matches = same(&mut loaded.doc);
                self.put(id.to_owned(), loaded);
                return match matches {
                    true => Ok(Created::Already),
                    false => Err(CreateConflict::OtherContent.into()),
                };
            }
            let (seq, digest) = (next_seq(tx)?, digest.clone());
            let new = NewDoc {
                id,
                kind,
                team,
                division: &content.division,
                digest,
                seq,
                chunk: 0,
                writer: "",
            };
            insert_doc(tx, &new, bytes.clone())?;
            citations::cite(tx, id, &content.evidence)?;
            Ok(Created::New)
        })
    }
}

/// A document the server made, put in place; or there already, the same (published again).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Created {
    New,
    Already,
}

/// Why a document the server made could not be put under its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CreateConflict {
    #[error("the id is taken by a document of another kind")]
    OtherKind,
    #[error("the id is taken by a document of another team")]
    OtherTeam,
    #[error("the id is taken by a document with other content")]
    OtherContent,
}

impl Refusal for CreateConflict {
    fn code(&self) -> ErrorCode {
        ErrorCode::Forbidden
    }
}

/// What applying one message did.
struct Applied {
    /// The document to cache, if there is anything of it.
    loaded: Option<Loaded>,
    reply: Option<Vec<u8>>,
    /// Whether its heads moved.
    moved: bool,
}

/// Bytes a document takes in the database: its snapshot and the chunks since.
fn stored_bytes(tx: &mut dyn Tx, id: &str) -> Result<u64, ServerError> {
    let row = tx.query_opt(
        "SELECT (SELECT COALESCE(SUM(LENGTH(bytes)), 0) FROM doc_snapshot WHERE doc_id = $1)
              + (SELECT COALESCE(SUM(LENGTH(bytes)), 0) FROM doc_chunk WHERE doc_id = $1)",
        &[id.into()],
    )?;
    Ok(row.ok_or(ServerError::Decode)?.int(0)?.max(0) as u64)
}

/// The next document sequence number. The counter row stays locked until the transaction
/// ends, so sequence numbers commit in order.
fn next_seq(tx: &mut dyn Tx) -> Result<i64, ServerError> {
    tx.query_opt(
        "UPDATE counter SET value = value + 1 WHERE name = 'doc_seq' RETURNING value",
        &[],
    )?
    .ok_or(ServerError::Decode)?
    .int(0)
}

struct NewDoc<'a> {
    id: &'a str,
    kind: DocKind,
    team: &'a str,
    division: &'a str,
    digest: Vec<u8>,
    seq: i64,
    chunk: i64,
    writer: &'a str,
}

/// A document's first snapshot and its row.
fn insert_doc(tx: &mut dyn Tx, new: &NewDoc<'_>, snapshot: Vec<u8>) -> Result<(), ServerError> {
    tx.execute(
        "INSERT INTO doc_snapshot (doc_id, bytes) VALUES ($1, $2)",
        &[new.id.into(), snapshot.into()],
    )?;
    tx.execute(
        "INSERT INTO doc (id, kind, team, division, digest, seq, last_chunk, snapshot_upto, updated_at, last_writer)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7, $8, $9)",
        &[
            new.id.into(),
            i64::from(new.kind.code()).into(),
            new.team.into(),
            new.division.into(),
            new.digest.clone().into(),
            new.seq.into(),
            new.chunk.into(),
            chrono::Utc::now().timestamp().into(),
            new.writer.into(),
        ],
    )?;
    Ok(())
}

/// Rewrites the snapshot and drops the chunks it absorbed, in the caller's transaction.
fn compact(tx: &mut dyn Tx, id: &str, doc: &mut AutoCommit, upto: i64) -> Result<(), ServerError> {
    tx.execute(
        "UPDATE doc_snapshot SET bytes = $2 WHERE doc_id = $1",
        &[id.into(), doc.save().into()],
    )?;
    tx.execute(
        "DELETE FROM doc_chunk WHERE doc_id = $1 AND chunk <= $2",
        &[id.into(), upto.into()],
    )?;
    tx.execute(
        "UPDATE doc SET snapshot_upto = $2 WHERE id = $1",
        &[id.into(), upto.into()],
    )?;
    Ok(())
}
