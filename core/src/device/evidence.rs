//! Evidence on the device: a photo or file captured for a case with signed capture metadata
//! (kept content-addressed and queued for upload in the same step), and a teammate's file
//! fetched from the server when the officer opens it.

use super::cases::CaseService;
use super::context::Context;
use crate::cases::{evidence, CaseFile, RecordEdit};
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
        context
            .store
            .write(|tx| replica::queue_blob(tx, &item.hash))?;
        CaseService::new(context).record(case_id, &[RecordEdit::AddEvidence(item)])
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
