//! Work budgets on Automerge sync messages: what a message would add to a document, counted
//! from its chunks' headers and columns before anything applies it.
//!
//! Automerge's columns are run-length encoded and a change may be DEFLATE-compressed, so a
//! few hundred bytes can describe millions of operations, and applying them costs memory and
//! time in proportion to the operations, not to the bytes. `Message::decode` only splits the
//! message into length-prefixed chunks (its memory is bounded by the input), but parsing a
//! chunk inflates a compressed change in full and applying it walks every operation. So the
//! budget reads the chunk format itself: the chunk header, the change or document header,
//! the column lengths, and each column's runs (summing run lengths without expanding them),
//! inflating a compressed chunk or column only up to the bytes the budget has left. Its own
//! cost is linear in the (bounded) bytes it reads. Once a message is within budget, each of
//! its changes must also be written as automerge writes it (`canonical`). The caps and what
//! happens at them: `docs/PROTOCOL.md`, "Work budgets".

use std::io::Read;

use automerge::sync::Message;
use flate2::bufread::DeflateDecoder;

use super::protocol::DocRefusal;

/// Operations a document may hold, counting what it holds and what the message adds. A
/// large realistic case file (hundreds of edits, dozens of evidence items, some twenty
/// thousand characters of findings and statements, one operation a character) is about
/// 25,000 operations: this is ×20 that. Not more, because memory and time grow with
/// operations: applying this many at once peaks at about 230 MB and takes 1.2 s (a million:
/// 450 MB, 4.5 s; `tests::measure_a_document_at_the_cap`, release), as much as a phone
/// should ever spend on one document.
pub const DOCUMENT_OPS: u64 = 500_000;
/// Changes a document may hold. A change is one edit (one transaction); a case with a
/// thousand edits is already unusual. Each change travels with some 100 bytes of its own
/// (hashes of its dependencies, actor, sequence), so this many come to about 2 MiB of a
/// reply on their own, leaving room under `DOCUMENT_BYTES` + `MAX_BODY` for the content.
pub const DOCUMENT_CHANGES: u64 = 20_000;
/// Bytes a document may take as the server stores it, plus what a message adds counted
/// inflated. A realistic case file saves to well under a megabyte (evidence travels as
/// blobs, not in the document). Sized so a whole document, sent to a replica that has none
/// of it, fits in one reply (`MAX_BODY`, 8 MiB) with room to spare: the stored form is what
/// automerge sends again, give or take its compression, and a reply that would not fit
/// anyway is that document's refusal, not the session's (`REPLY_BYTES`).
pub const DOCUMENT_BYTES: u64 = 2 << 20;
/// Operations one message may add: as many as a document may hold, since a document travels
/// whole (one message) to a replica that has none of it, and must always be able to.
pub const MESSAGE_OPS: u64 = DOCUMENT_OPS;
/// Changes one message may carry: as many as a document may hold.
pub const MESSAGE_CHANGES: u64 = DOCUMENT_CHANGES;
/// Bytes a message's chunks may come to once inflated. Larger than `DOCUMENT_BYTES`: a phone
/// receives a whole document as automerge's changes, which inflate to more than the stored
/// form.
pub const MESSAGE_BYTES: u64 = 32 << 20;
/// Operations all the messages of one request may add together. Twice a document's cap, so
/// the largest admissible message always fits in a round alone (a round always makes
/// progress), while the work of one request stays that of two documents at the cap rather
/// than of as many messages as the body can carry.
pub const ROUND_OPS: u64 = 2 * DOCUMENT_OPS;
/// Inflated bytes all the messages of one request may come to together.
pub const ROUND_BYTES: u64 = 2 * MESSAGE_BYTES;
/// Bytes of stored documents one round may load (the server's rows, `DOCUMENT_BYTES` each at
/// most): a round naming many large documents, even with nothing to add to them, loads the
/// first that fit and puts the others off to the next round. Four documents at the cap; some
/// hundred real ones.
pub const ROUND_LOAD_BYTES: u64 = 4 * DOCUMENT_BYTES;
/// Bytes of sync messages the server puts in one reply: what does not fit waits for the next
/// round; a single document's message over it is that document's refusal. `MAX_BODY` less
/// room for the listing and the CBOR around the messages.
pub const REPLY_BYTES: usize = super::protocol::MAX_BODY - (1 << 20);

/// What a message would add to a document.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Cost {
    pub ops: u64,
    pub changes: u64,
    /// Its chunks' bytes, compressed ones counted inflated.
    pub bytes: u64,
}

/// Why a message is not applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum Overrun {
    #[error("a chunk of the message cannot be measured")]
    Unreadable,
    #[error("the message would add more than {MESSAGE_OPS} operations")]
    MessageOps,
    #[error("the message carries more than {MESSAGE_CHANGES} changes")]
    MessageChanges,
    #[error("the message inflates to more than {MESSAGE_BYTES} bytes")]
    MessageBytes,
    #[error("the document would hold more than {DOCUMENT_OPS} operations")]
    DocumentOps,
    #[error("the document would hold more than {DOCUMENT_CHANGES} changes")]
    DocumentChanges,
    #[error("the document would take more than {DOCUMENT_BYTES} bytes")]
    DocumentBytes,
    #[error("a change does not re-encode to its own hash")]
    NotCanonical,
    #[error("a change depends on one the message does not carry and the document lacks")]
    Incomplete,
}

impl Overrun {
    /// The document's refusal on the wire.
    pub fn refusal(self) -> DocRefusal {
        match self {
            Overrun::Unreadable | Overrun::NotCanonical => DocRefusal::Malformed,
            Overrun::Incomplete => DocRefusal::Incomplete,
            _ => DocRefusal::OverBudget,
        }
    }
}

/// What a document holds, as far as the budget counts it.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Held {
    pub ops: u64,
    pub changes: u64,
}

impl Held {
    /// What a loaded document holds. Changes automerge keeps waiting for a missing
    /// dependency are not counted here: a document never keeps any (`complete`).
    pub fn of(doc: &impl automerge::ReadDoc) -> Held {
        let stats = doc.stats();
        Held {
            ops: stats.num_ops,
            changes: stats.num_changes,
        }
    }
}

impl Cost {
    /// Whether a document holding `held` may take this. Counted as if nothing in the message
    /// were already held: a message repeating what the document has counts twice, which only
    /// matters for documents far larger than any real one.
    pub fn fits(self, held: Held) -> Result<(), Overrun> {
        if held.ops.saturating_add(self.ops) > DOCUMENT_OPS {
            return Err(Overrun::DocumentOps);
        }
        if held.changes.saturating_add(self.changes) > DOCUMENT_CHANGES {
            return Err(Overrun::DocumentChanges);
        }
        Ok(())
    }

    /// Whether a document the server stores in `stored` bytes may take this.
    pub fn fits_stored(self, stored: u64) -> Result<(), Overrun> {
        if stored.saturating_add(self.bytes) > DOCUMENT_BYTES {
            return Err(Overrun::DocumentBytes);
        }
        Ok(())
    }
}

/// After a message is received: automerge keeps a change whose dependency it lacks in a
/// queue, outside `stats()`, and applies the queue all at once when the dependency arrives,
/// past any budget checked meanwhile; `save` keeps it too. So a message that leaves anything
/// waiting is refused and its document dropped, never kept or stored (automerge's own sync
/// sends a change without what it depends on only when the receiver's bloom filter falsely
/// claims the dependency, about 1% a change: the phone then starts that conversation over
/// once, asking for or sending every change after the shared heads, `device/sync/documents.rs`).
pub fn complete(doc: &mut automerge::AutoCommit) -> Result<(), Overrun> {
    if doc.get_missing_deps(&[]).is_empty() {
        Ok(())
    } else {
        Err(Overrun::Incomplete)
    }
}

/// What the messages of one request may add together (`ROUND_OPS`, `ROUND_BYTES`), and the
/// stored documents it may load (`ROUND_LOAD_BYTES`).
#[derive(Debug, Default, Clone)]
pub struct Round {
    spent: Cost,
    loaded: u64,
}

impl Round {
    /// Takes a message's cost from what the round has left, if it fits; a message that does
    /// not fit takes nothing, so a smaller one after it may.
    pub fn admit(&mut self, cost: Cost) -> bool {
        let ops = self.spent.ops.saturating_add(cost.ops);
        let bytes = self.spent.bytes.saturating_add(cost.bytes);
        if ops > ROUND_OPS || bytes > ROUND_BYTES {
            return false;
        }
        self.spent.ops = ops;
        self.spent.bytes = bytes;
        self.spent.changes = self.spent.changes.saturating_add(cost.changes);
        true
    }

    /// Takes a stored document's bytes from what the round may load, if they fit; the first
    /// always does, so every round makes progress.
    pub fn load(&mut self, stored: u64) -> bool {
        let loaded = self.loaded.saturating_add(stored);
        if loaded > ROUND_LOAD_BYTES && self.loaded > 0 {
            return false;
        }
        self.loaded = loaded;
        true
    }
}

/// Checks a decoded message against both budgets, given what its document holds.
pub fn check(message: &Message, held: Held) -> Result<Cost, Overrun> {
    let cost = measure(message)?;
    cost.fits(held)?;
    Ok(cost)
}

/// What a message would add, stopping at the first cap it passes; then checks its changes
/// are canonical (`verify`).
pub fn measure(message: &Message) -> Result<Cost, Overrun> {
    let cost = meter(message)?;
    verify(message)?;
    Ok(cost)
}

/// What a message would add, from its chunks' headers and columns only: linear in its
/// (bounded) bytes, so a round can meter every message before it applies any.
pub fn meter(message: &Message) -> Result<Cost, Overrun> {
    blooms(message)?;
    let joined = joined(message);
    let mut meter = Meter::default();
    let mut input = &joined[..];
    while !input.is_empty() {
        input = meter.chunk(input)?;
    }
    Ok(meter.cost)
}

/// Automerge writes its bloom filters with 7 probes and 10 bits an entry; these bounds leave
/// room for a future version and nothing more.
const BLOOM_PROBES: u64 = 32;
const BLOOM_BITS_PER_ENTRY: u64 = 64;

/// Automerge trusts a peer's bloom filters (`have`): the probe count it reads sizes an
/// allocation and a loop when it next generates a message for that peer (four billion probes
/// abort the process), and entries without bits divide by zero. So every filter must be one
/// automerge could have written before the message is received.
fn blooms(message: &Message) -> Result<(), Overrun> {
    for have in &message.have {
        // `num_entries, bits_per_entry, probes` in LEB128, then the bits; empty: no entries.
        let bytes = have.bloom.to_bytes();
        if bytes.is_empty() {
            continue;
        }
        let mut input = &bytes[..];
        let mut next = || leb128::read::unsigned(&mut input).map_err(|_| Overrun::Unreadable);
        let (_entries, bits_per_entry, probes) = (next()?, next()?, next()?);
        if !(1..=BLOOM_BITS_PER_ENTRY).contains(&bits_per_entry)
            || !(1..=BLOOM_PROBES).contains(&probes)
            || input.is_empty()
        {
            return Err(Overrun::Unreadable);
        }
    }
    Ok(())
}

/// Each change of a metered message must be written as automerge writes it. This reads every
/// operation, so only a message within budget is verified.
pub fn verify(message: &Message) -> Result<(), Overrun> {
    let joined = joined(message);
    let mut input = &joined[..];
    let mut meter = Meter::default();
    while !input.is_empty() {
        let rest = meter.chunk(input)?;
        if meter.last_was_change {
            canonical(&input[..input.len() - rest.len()])?;
        }
        input = rest;
    }
    Ok(())
}

/// Automerge reads the chunks as one stream (a chunk may straddle two list entries), so the
/// budget does too.
fn joined(message: &Message) -> Vec<u8> {
    message.changes.iter().flatten().copied().collect()
}

const MAGIC: [u8; 4] = [0x85, 0x6f, 0x4a, 0x83];
const CHUNK_DOCUMENT: u8 = 0;
const CHUNK_CHANGE: u8 = 1;
const CHUNK_COMPRESSED: u8 = 2;
const COLUMN_DEFLATE: u32 = 0b1000;

/// The column types of the storage format (the low three bits of a column's spec).
const GROUP: u32 = 0;
const ACTOR: u32 = 1;
const INTEGER: u32 = 2;
const DELTA: u32 = 3;
const BOOLEAN: u32 = 4;
const STRING: u32 = 5;
const VALUE_METADATA: u32 = 6;

#[derive(Default)]
struct Meter {
    cost: Cost,
    /// Whether the chunk just measured is a change (rather than a document).
    last_was_change: bool,
}

impl Meter {
    fn add_bytes(&mut self, n: u64) -> Result<(), Overrun> {
        self.cost.bytes = self.cost.bytes.saturating_add(n);
        if self.cost.bytes > MESSAGE_BYTES {
            return Err(Overrun::MessageBytes);
        }
        Ok(())
    }

    fn add_rows(&mut self, ops: u64, changes: u64) -> Result<(), Overrun> {
        self.cost.ops = self.cost.ops.saturating_add(ops);
        self.cost.changes = self.cost.changes.saturating_add(changes);
        if self.cost.ops > MESSAGE_OPS {
            return Err(Overrun::MessageOps);
        }
        if self.cost.changes > MESSAGE_CHANGES {
            return Err(Overrun::MessageChanges);
        }
        Ok(())
    }

    /// Measures one chunk; returns the input after it.
    fn chunk<'a>(&mut self, input: &'a [u8]) -> Result<&'a [u8], Overrun> {
        let mut r = Reader(input);
        if r.take(4)? != MAGIC {
            return Err(Overrun::Unreadable);
        }
        r.take(4)?; // checksum: automerge checks it
        let kind = r.take(1)?[0];
        let len = r.uleb()?;
        let data = r.take_u64(len)?;
        self.last_was_change = kind != CHUNK_DOCUMENT;
        match kind {
            CHUNK_CHANGE => {
                self.add_bytes(len)?;
                self.change(data)?;
            }
            CHUNK_COMPRESSED => {
                let inflated = self.inflate(data)?;
                self.change(&inflated)?;
            }
            CHUNK_DOCUMENT => {
                self.add_bytes(len)?;
                self.document(data)?;
            }
            // Bundles and unknown kinds: no sync peer of ours sends them.
            _ => return Err(Overrun::Unreadable),
        }
        Ok(r.0)
    }

    /// Inflates DEFLATE data, no further than the bytes the budget has left.
    fn inflate(&mut self, data: &[u8]) -> Result<Vec<u8>, Overrun> {
        let room = MESSAGE_BYTES.saturating_sub(self.cost.bytes);
        let mut out = Vec::new();
        DeflateDecoder::new(data)
            .take(room.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|_| Overrun::Unreadable)?;
        self.add_bytes(out.len() as u64)?;
        Ok(out)
    }

    /// A change chunk's body: its header, then one row per operation in its columns.
    fn change(&mut self, body: &[u8]) -> Result<(), Overrun> {
        let mut r = Reader(body);
        r.hashes()?; // dependencies
        r.prefixed()?; // actor
        r.uleb()?; // seq
        r.uleb()?; // start op
        r.sleb()?; // time
        r.prefixed()?; // message
        for _ in 0..r.uleb()? {
            r.prefixed()?; // other actors
        }
        let columns = r.columns()?;
        let ops = self.rows(&mut r, &columns)?;
        self.add_rows(ops, 1)
    }

    /// A document chunk's body: actors, heads, then the change columns (one row a change) and
    /// the operation columns (one row an operation).
    fn document(&mut self, body: &[u8]) -> Result<(), Overrun> {
        let mut r = Reader(body);
        for _ in 0..r.uleb()? {
            r.prefixed()?; // actors
        }
        r.hashes()?; // heads
        let change_columns = r.columns()?;
        let op_columns = r.columns()?;
        let changes = self.rows(&mut r, &change_columns)?;
        self.add_rows(0, changes)?;
        let ops = self.rows(&mut r, &op_columns)?;
        self.add_rows(ops, 0)
    }

    /// The rows of a set of columns: the longest column's, since a decoder walks them all.
    fn rows(&mut self, r: &mut Reader<'_>, columns: &[(u32, u64)]) -> Result<u64, Overrun> {
        let mut rows = 0u64;
        for &(spec, len) in columns {
            let data = r.take_u64(len)?;
            let counted = if spec & COLUMN_DEFLATE != 0 {
                let inflated = self.inflate(data)?;
                column_rows(spec & 0b111, &inflated)?
            } else {
                column_rows(spec & 0b111, data)?
            };
            rows = rows.max(counted);
        }
        Ok(rows)
    }
}

/// A change must be written as automerge writes it. Automerge applies a change in other bytes
/// (a run of one where it writes a literal, say) under the hash of those bytes, but
/// re-encodes it whenever it saves or sends the document, to another hash: saving then
/// panics inside automerge or writes a document that no longer loads. (A document chunk is
/// re-derived and checked against its heads by automerge itself.)
fn canonical(chunk: &[u8]) -> Result<(), Overrun> {
    let change = automerge::Change::try_from(chunk).map_err(|_| Overrun::Unreadable)?;
    if automerge::Change::from(change.decode()).hash() != change.hash() {
        return Err(Overrun::NotCanonical);
    }
    Ok(())
}

/// The rows one column describes, read run by run without expanding a run.
fn column_rows(kind: u32, data: &[u8]) -> Result<u64, Overrun> {
    let mut r = Reader(data);
    let mut rows = 0u64;
    match kind {
        // Alternating run lengths of false and true.
        BOOLEAN => {
            while !r.0.is_empty() {
                rows = rows.saturating_add(r.uleb()?);
            }
        }
        GROUP | ACTOR | INTEGER | DELTA | STRING | VALUE_METADATA => {
            // Run-length encoded: n > 0 then one value repeated n times, n < 0 then -n
            // literal values, 0 then a count of nulls.
            while !r.0.is_empty() {
                let n = r.sleb()?;
                if n > 0 {
                    rows = rows.saturating_add(n as u64);
                    r.value(kind)?;
                } else if n < 0 {
                    for _ in 0..n.unsigned_abs() {
                        r.value(kind)?;
                    }
                    rows = rows.saturating_add(n.unsigned_abs());
                } else {
                    rows = rows.saturating_add(r.uleb()?);
                }
            }
        }
        // Raw value bytes: no rows of their own (their lengths are in the metadata column).
        _ => {}
    }
    Ok(rows)
}

/// Reads the storage format's primitives from a slice; running out is `Unreadable`.
struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], Overrun> {
        if n > self.0.len() {
            return Err(Overrun::Unreadable);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }

    fn take_u64(&mut self, n: u64) -> Result<&'a [u8], Overrun> {
        self.take(usize::try_from(n).map_err(|_| Overrun::Unreadable)?)
    }

    fn uleb(&mut self) -> Result<u64, Overrun> {
        leb128::read::unsigned(&mut self.0).map_err(|_| Overrun::Unreadable)
    }

    fn sleb(&mut self) -> Result<i64, Overrun> {
        leb128::read::signed(&mut self.0).map_err(|_| Overrun::Unreadable)
    }

    /// Length-prefixed bytes.
    fn prefixed(&mut self) -> Result<&'a [u8], Overrun> {
        let n = self.uleb()?;
        self.take_u64(n)
    }

    /// A count, then that many 32-byte change hashes.
    fn hashes(&mut self) -> Result<(), Overrun> {
        for _ in 0..self.uleb()? {
            self.take(32)?;
        }
        Ok(())
    }

    /// A column table: a count, then (spec, length) pairs. Each pair takes at least two
    /// bytes, so the table is no larger than its input.
    fn columns(&mut self) -> Result<Vec<(u32, u64)>, Overrun> {
        let mut columns = Vec::new();
        for _ in 0..self.uleb()? {
            let spec = u32::try_from(self.uleb()?).map_err(|_| Overrun::Unreadable)?;
            columns.push((spec, self.uleb()?));
        }
        Ok(columns)
    }

    /// One value of a run-length encoded column.
    fn value(&mut self, kind: u32) -> Result<(), Overrun> {
        match kind {
            DELTA => self.sleb().map(drop),
            STRING => self.prefixed().map(drop),
            _ => self.uleb().map(drop),
        }
    }
}

#[cfg(any(test, feature = "testing"))]
pub mod crafted;

#[cfg(test)]
mod tests;
