//! Evidence on the device: a photo or file captured for a case with signed capture metadata
//! (kept content-addressed and queued for upload in the same step), and a teammate's file
//! fetched from the server when the officer opens it.

use std::path::Path;

use super::cases::CaseService;
use super::context::Context;
use crate::cases::{evidence, repository, CaseError, CaseFile, EvidenceItem, RecordEdit};
use crate::codes::GpsFix;
use crate::store::BlobHash;
use crate::sync::protocol::{routes, MAX_BLOB};
use crate::sync::{replica, SyncError, Transport};
use crate::Error;

pub struct EvidenceService<'d> {
    context: &'d Context,
}

impl<'d> EvidenceService<'d> {
    pub(super) fn new(context: &'d Context) -> Self {
        EvidenceService { context }
    }

    /// Stores a photo or file as evidence of the case, with signed capture metadata; an empty
    /// file or one over `protocol::MAX_BLOB` is refused in words before anything is stored.
    pub fn add_to_case(
        &self,
        case_id: &str,
        content: &[u8],
        kind: &str,
        description: &str,
        gps: Option<GpsFix>,
    ) -> Result<CaseFile, Error> {
        let context = self.context;
        let item = evidence::capture(
            context.store.blobs(),
            context.keystore.as_ref(),
            context.now(),
            content,
            kind,
            description,
            gps,
        )?;
        self.add(case_id, item)
    }

    /// `add_to_case` for a file the camera or a picker wrote at `path`: streamed into the
    /// store, never read whole, and refused in words before anything is stored when it is
    /// empty, over `protocol::MAX_BLOB` (checked before and while it is read), a directory
    /// or cannot be opened.
    pub fn add_file_to_case(
        &self,
        case_id: &str,
        path: &Path,
        kind: &str,
        description: &str,
        gps: Option<GpsFix>,
    ) -> Result<CaseFile, Error> {
        let context = self.context;
        // Before a long read, not after it.
        if !context.store.read(|c| repository::exists(c, case_id))? {
            return Err(CaseError::NotFound.into());
        }
        let item = evidence::capture_file(
            context.store.blobs(),
            context.keystore.as_ref(),
            context.now(),
            path,
            kind,
            description,
            gps,
        )?;
        self.add(case_id, item)
    }

    /// Writes the decrypted evidence file `hash` to `path` (in the app's cache, say, for a
    /// viewer or a share sheet), so its bytes never cross the FFI; returns its length. The
    /// file must be on this device (`fetch` a teammate's first).
    pub fn export_to_file(&self, hash: &str, path: &Path) -> Result<u64, Error> {
        let hash: BlobHash = hash.parse()?;
        if path.is_dir() {
            return Err(CaseError::NotAFile.into());
        }
        Ok(self.context.store.blobs().export(&hash, path)?)
    }

    /// Queues the stored file for upload and records it in the case.
    fn add(&self, case_id: &str, item: EvidenceItem) -> Result<CaseFile, Error> {
        self.context
            .store
            .write(|tx| replica::queue_blob(tx, &item.hash))?;
        CaseService::new(self.context).record(case_id, &[RecordEdit::AddEvidence(item)])
    }

    /// Fetches an evidence file another device of the team captured (e.g. to show a photo).
    pub fn fetch(&self, transport: &dyn Transport, hash: &str) -> Result<(), Error> {
        let hash: BlobHash = hash.parse()?;
        let blobs = self.context.store.blobs();
        if blobs.contains(&hash) {
            return Ok(());
        }
        let path = routes::blob(&hash.to_string());
        let response = super::sync::request(self.context, transport, "GET", &path)?;
        // The server streams it; what arrives is kept only if it is the file named.
        if response.body.len() as u64 > MAX_BLOB || BlobHash::of(&response.body) != hash {
            return Err(SyncError::Protocol("evidence does not match its hash".into()).into());
        }
        blobs.put(&response.body)?;
        Ok(())
    }
}
