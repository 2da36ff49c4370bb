//! The document rounds of a session: `POST /v1/sync` until neither side has anything to say.
//! The first round lists (by cursor, or every held document's digest when the cursor is
//! lost); every round carries a batch of Automerge sync messages, one conversation a
//! document, with sync state kept per document on both sides.

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use automerge::sync::{BloomFilter, Have, Message, State, SyncDoc};
use serde_bytes::ByteBuf;

use super::session::Session;
use crate::records::{self, HeldDoc, SyncedKind};
use crate::signed::to_i32;
use crate::store::{get_meta, set_meta, StoreError};
use crate::sync::protocol::{
    self, routes, to_cbor, DocMessage, Listing, SyncRequest, SyncResponse,
};
use crate::sync::{budget, replica, Digest, DocId, DocKind, DocRef, SyncError, SyncPhase};
use crate::Error;

/// A document in conversation with the server.
struct Replica {
    kind: &'static dyn SyncedKind,
    id: String,
    held: HeldDoc,
    state: State,
    exchanged: bool,
    /// Whether this conversation already started over once after a change came without its
    /// dependency (`ask_again`, `send_again`): a second time is the document's refusal.
    started_over: bool,
    /// The next message says the phone holds nothing since the last shared heads, so the
    /// server sends every change after them.
    ask_everything: bool,
}

impl Replica {
    /// The next message to the server, encoded; `None` when there is nothing to say.
    fn generate(&mut self) -> Option<Vec<u8>> {
        let mut message = self
            .held
            .doc
            .sync()
            .generate_sync_message(&mut self.state)?;
        if std::mem::take(&mut self.ask_everything) {
            // An empty filter since the shared heads: "I hold none of what came after them".
            message.have = vec![Have {
                last_sync: self.state.shared_heads.clone(),
                bloom: BloomFilter::default(),
            }];
        }
        Some(message.encode())
    }

    /// Whether a conversation whose message was refused (by the server, or by this phone's
    /// budget) for a change left waiting may start over instead, once. Automerge's sync
    /// sends a change without its dependency when the receiver's bloom filter (`have`) falsely
    /// claims the dependency (about 1% a change): the refusal is then nobody's fault, and
    /// leaving the document there would end the session "synced" without it (the cursor moves
    /// past it, so no later session asks again).
    fn may_start_over(&mut self) -> bool {
        !std::mem::replace(&mut self.started_over, true)
    }

    /// The server's message left a change waiting (`budget::complete`): the phone drops what
    /// the message brought, keeps the document as it was before it, and asks the server for
    /// every change after the shared heads, with no filter to be wrong. `SYNC_RESET` has the
    /// server forget what it believes it sent.
    fn ask_again(&mut self, before: &[automerge::ChangeHash]) -> Result<(), Received> {
        let actor = self.held.doc.get_actor().clone();
        let Ok(mut doc) = self.held.doc.fork_at(before) else {
            return Err(Received::Broken);
        };
        doc.set_actor(actor);
        self.held.doc = doc;
        // The message may have moved the shared heads onto changes just dropped with it.
        let held = &mut self.held.doc;
        self.state
            .shared_heads
            .retain(|h| held.get_change_by_hash(h).is_some());
        self.state.needs_reset = true;
        self.ask_everything = true;
        Ok(())
    }

    /// The server refused this phone's message for a change left waiting: its filter claimed
    /// a change it lacks, so the phone sends every change after the shared heads, as if the
    /// server held none of them, including those it believes it sent.
    fn send_again(&mut self) {
        self.state.their_have = Some(vec![Have {
            last_sync: self.state.shared_heads.clone(),
            bloom: BloomFilter::default(),
        }]);
        self.state.sent_hashes.clear();
        self.state.in_flight = false;
    }

    /// Applies a message from the server, if it can be read and is within the work budget
    /// (a compromised or older server is no more trusted with the phone's memory than a
    /// device is with the server's).
    fn receive(&mut self, bytes: &[u8]) -> Received {
        let Ok(message) = Message::decode(bytes) else {
            return Received::Broken;
        };
        match budget::check(&message, budget::Held::of(&self.held.doc)) {
            Ok(_) => {}
            Err(budget::Overrun::Unreadable) => return Received::Broken,
            Err(overrun) => return Received::Refused(overrun),
        }
        let before = self.held.doc.get_heads();
        let received = self
            .held
            .doc
            .sync()
            .receive_sync_message(&mut self.state, message);
        if received.is_err() {
            return Received::Broken;
        }
        // Changes left waiting for a dependency would apply later past the budget: the
        // caller drops this copy, so nothing of the message is stored.
        match budget::complete(&mut self.held.doc) {
            Ok(()) => Received::Applied,
            Err(budget::Overrun::Incomplete) if self.may_start_over() => {
                match self.ask_again(&before) {
                    Ok(()) => Received::Applied,
                    Err(received) => received,
                }
            }
            Err(overrun) => Received::Refused(overrun),
        }
    }

    /// Stores the document through the same path as an edit. One not on the device yet is
    /// stored once it reads as a whole document of its kind under the id it was listed by;
    /// until then it stays in memory and nothing on the device is touched.
    fn store(&mut self, tx: &rusqlite::Transaction<'_>, now: &str) -> Result<Stored, Error> {
        if self.held.is_new() {
            match self.kind.summary(&mut self.held.doc) {
                None => return Ok(Stored::NotYet),
                Some(summary) if summary.id != self.id => return Ok(Stored::Foreign),
                Some(_) => {}
            }
        }
        self.kind.save(tx, &mut self.held, now)?;
        Ok(Stored::Yes)
    }
}

/// What became of a message from the server.
enum Received {
    Applied,
    /// It cannot be read or applied.
    Broken,
    /// It would add more than the budget allows, carries a change automerge could not save,
    /// or leaves a change waiting for a dependency; nothing of it is kept.
    Refused(budget::Overrun),
}

/// What became of a received document.
#[derive(PartialEq)]
enum Stored {
    Yes,
    /// Not a whole document yet: more is on the way.
    NotYet,
    /// Another document than the one listed under this id: it is dropped, not stored.
    Foreign,
}

impl Session<'_> {
    /// Rounds of `POST /v1/sync` until neither side has anything to say. Returns the server's
    /// catalogue version.
    pub(super) async fn documents(&mut self) -> Result<u64, Error> {
        self.phase(SyncPhase::Documents);
        let device = self.context;
        let (cursor, dirty) = device.store.read(|c| {
            let cursor = get_meta(c, replica::CURSOR_META)?.and_then(|v| v.parse::<u64>().ok());
            Ok::<_, StoreError>((cursor, replica::dirty(c)?))
        })?;
        let mut listing = Some(match cursor {
            Some(cursor) => Listing::Since(cursor),
            None => Listing::Full(device.store.read(replica::all)?),
        });
        let mut queue: VecDeque<(DocKind, String)> =
            dirty.into_iter().map(|r| (r.0, (r.1).0)).collect();
        let mut open: BTreeMap<(DocKind, String), Replica> = BTreeMap::new();
        // Refused in this session (by the server, or by this phone's budget): not reopened
        // when listed again.
        let mut refused: BTreeSet<(DocKind, String)> = BTreeSet::new();
        let mut next_cursor = cursor.unwrap_or(0);
        let mut catalogue_version = 0;
        // Documents in this session so far (the progress bar's total).
        let mut total = queue.len();
        self.state.docs_total = to_i32(total);
        let mut rounds = 0usize;
        loop {
            // A conversation takes a few rounds; a peer that never settles is a broken one.
            rounds += 1;
            if rounds > 16 + 4 * total.div_ceil(protocol::BATCH_DOCS) {
                return Err(SyncError::Protocol("documents did not settle".into()).into());
            }
            // Fill the batch: documents already talking first, then the queue.
            let mut messages = Vec::new();
            let mut bytes = 0;
            let talking: Vec<(DocKind, String)> = open.keys().cloned().collect();
            let mut finished = Vec::new();
            for key in talking {
                let replica = open.get_mut(&key).expect("present");
                match replica.generate() {
                    Some(encoded) => {
                        bytes += encoded.len();
                        messages.push(DocMessage(
                            key.0,
                            DocId(key.1.clone()),
                            ByteBuf::from(encoded),
                        ));
                    }
                    None => finished.push(open.remove(&key).expect("present")),
                }
            }
            self.finish(finished)?;
            while messages.len() < protocol::BATCH_DOCS && bytes < protocol::BATCH_BYTES {
                let Some(key) = queue.pop_front() else { break };
                if open.contains_key(&key) || refused.contains(&key) {
                    continue;
                }
                let mut replica = self.open_replica(key.0, &key.1)?;
                if let Some(encoded) = replica.generate() {
                    bytes += encoded.len();
                    messages.push(DocMessage(
                        key.0,
                        DocId(key.1.clone()),
                        ByteBuf::from(encoded),
                    ));
                    open.insert(key, replica);
                }
            }
            if listing.is_none() && messages.is_empty() {
                break;
            }
            let listed = listing.is_some();
            let response: SyncResponse = self
                .exchange(
                    routes::SYNC,
                    to_cbor(&SyncRequest {
                        listing: listing.take(),
                        messages,
                    }),
                )
                .await?;
            if let Some(time) = response.server_time {
                device.observe_server_time(time)?;
            }
            catalogue_version = response.catalogue_version;
            // Changed documents come from the listing, and from a round without one when
            // the server put off a message to the next round (the round's budget or the
            // reply's size): queued, they reopen once their conversation ends.
            for DocRef(kind, id, digest) in &response.changed {
                let local = device.store.read(|c| replica::digest(c, *kind, &id.0))?;
                if local != Some(*digest) {
                    queue.push_back((*kind, id.0.clone()));
                    total += 1;
                    self.state.docs_total = to_i32(total);
                }
            }
            if listed {
                next_cursor = response.cursor;
                if response.more {
                    listing = Some(Listing::Since(response.cursor));
                }
            }
            for &(kind, ref id, reason) in &response.refused {
                if reason == protocol::DocRefusal::Incomplete {
                    if let Some(replica) = open.get_mut(&(kind, id.0.clone())) {
                        if replica.may_start_over() {
                            replica.send_again();
                            continue;
                        }
                    }
                }
                refused.insert((kind, id.0.clone()));
                if open.remove(&(kind, id.0.clone())).is_some() {
                    device
                        .store
                        .write(|tx| replica::mark_refused(tx, kind, &id.0, reason))?;
                    let refused = format!("{}:{}", id.0, reason.as_str());
                    self.report.docs_refused.push(refused);
                }
            }
            self.receive(&mut open, &mut refused, response.messages)?;
            self.tell();
        }
        if cursor != Some(next_cursor) {
            device
                .store
                .write(|tx| set_meta(tx, replica::CURSOR_META, &next_cursor.to_string()))?;
        }
        Ok(catalogue_version)
    }

    fn open_replica(&self, kind: DocKind, id: &str) -> Result<Replica, Error> {
        self.context.store.read(|c| {
            let synced = records::kind(kind);
            Ok(Replica {
                kind: synced,
                id: id.to_owned(),
                held: synced.load(c, id)?.unwrap_or_default(),
                state: replica::state(c, kind, id)?,
                exchanged: false,
                started_over: false,
                ask_everything: false,
            })
        })
    }

    /// Applies the server's messages and stores every document they changed, in one transaction.
    fn receive(
        &mut self,
        open: &mut BTreeMap<(DocKind, String), Replica>,
        refused: &mut BTreeSet<(DocKind, String)>,
        messages: Vec<DocMessage>,
    ) -> Result<(), Error> {
        let device = self.context;
        let now = device.now().trusted.to_rfc3339();
        let mut changed = Vec::new();
        for DocMessage(kind, id, bytes) in messages {
            let key = (kind, id.0);
            let Some(replica) = open.get_mut(&key) else {
                continue;
            };
            let before = replica.held.doc.get_heads();
            match replica.receive(&bytes) {
                Received::Applied => {}
                Received::Broken => {
                    // A broken message: drop the conversation; the next sync starts it afresh.
                    open.remove(&key);
                    continue;
                }
                Received::Refused(overrun) => {
                    // The document stays as the phone holds it, refused and reported like a
                    // server's refusal; the other documents go on.
                    open.remove(&key);
                    let reason = overrun.refusal();
                    device
                        .store
                        .write(|tx| replica::mark_refused(tx, key.0, &key.1, reason))?;
                    self.report
                        .docs_refused
                        .push(format!("{}:{}", key.1, reason.as_str()));
                    refused.insert(key);
                    continue;
                }
            }
            if replica.held.doc.get_heads() != before {
                replica.exchanged = true;
                changed.push(key);
            }
        }
        let foreign = device.store.write(|tx| {
            let mut foreign = Vec::new();
            for key in &changed {
                if open.get_mut(key).expect("present").store(tx, &now)? == Stored::Foreign {
                    foreign.push(key.clone());
                }
            }
            Ok::<_, Error>(foreign)
        })?;
        // Like a broken message, a foreign document ends its conversation; the rest go on.
        for key in &foreign {
            open.remove(key);
        }
        for (kind, id) in &changed {
            device.forget(*kind, id);
        }
        Ok(())
    }

    /// Conversations ended: save their sync states in one transaction, and mark each
    /// document synced when both sides hold the same heads.
    fn finish(&mut self, finished: Vec<Replica>) -> Result<(), Error> {
        let mut done = 0;
        let mut synced_now = 0;
        self.context.store.write(|tx| {
            for mut replica in finished {
                if replica.held.is_new() {
                    continue;
                }
                let kind = replica.kind.kind();
                let heads = replica.held.doc.get_heads();
                let synced = (replica.state.their_heads.as_ref() == Some(&heads))
                    .then(|| Digest::of_heads(&heads));
                let before = replica::synced_digest(tx, kind, &replica.id)?;
                replica::save_state(tx, kind, &replica.id, &replica.state, synced)?;
                // Changes went one way or the other.
                if replica.exchanged || (synced.is_some() && synced != before) {
                    synced_now += 1;
                }
                done += 1;
            }
            Ok::<_, StoreError>(())
        })?;
        self.report.docs_synced += synced_now;
        self.state.docs_done += done;
        Ok(())
    }
}
