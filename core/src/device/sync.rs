//! Sync with the server, on the device: enrolment, and `run`, one resumable session that
//! uploads evidence, reconciles documents, uploads events, tops up case numbers, installs a
//! newer catalogue and renews the duty credential. Safe to call from any scheduler: a second
//! call while one runs returns `Busy`; a session cut off anywhere loses nothing and the next
//! resumes (the cursor is saved only when every listed document is through).
//!
//! The session itself (`session.rs`, `documents.rs`) does no I/O: it asks its `Link` for
//! each request and pause, and `link::drive` is the thin loop that sends them over a
//! `Transport`. `SyncService::start` hands the same session to a caller that feeds it
//! replies itself (the tests script every fault that way).

mod documents;
mod link;
mod session;
#[cfg(test)]
mod tests;

use serde_bytes::ByteBuf;

use super::context::Context;
use crate::events::OutboxEvent;
use crate::store::{delete_meta, get_meta, set_meta};
use crate::sync::protocol::{
    self, from_cbor, routes, to_cbor, DocRefusal, EnrolRequest, ErrorBody,
};
use crate::sync::{
    replica, Enrolment, Request, Response, SubjectKind, SyncError, SyncOptions, SyncProgress,
    SyncReport, Transport,
};
use crate::Error;

use link::Link;
pub use link::{Fed, Io, Next, SessionRun};
use session::Session;

/// Enrolment with the server and the sync session; see the module documentation.
pub struct SyncService<'d> {
    context: &'d Context,
}

impl<'d> SyncService<'d> {
    pub(super) fn new(context: &'d Context) -> Self {
        SyncService { context }
    }

    /// The server this device enrolled with, if any.
    pub fn enrolment(&self) -> Result<Option<Enrolment>, Error> {
        let text = self
            .context
            .store
            .read(|c| get_meta(c, replica::ENROLMENT_META))?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// Registers this device's key with the server using the one-time code an administrator
    /// issued; enrolling again with the same code and key returns the same enrolment.
    pub fn enrol(
        &self,
        transport: &dyn Transport,
        code: &str,
        label: &str,
    ) -> Result<Enrolment, Error> {
        let spki = self.context.keystore.public_key().to_spki_der();
        let proof = self
            .context
            .keystore
            .sign(&protocol::enrolment_message(code.trim(), &spki))?;
        let body = to_cbor(&EnrolRequest {
            code: code.trim().to_owned(),
            public_key: ByteBuf::from(spki),
            label: label.to_owned(),
            proof: ByteBuf::from(proof),
        });
        let request = Request {
            method: "POST",
            path: routes::ENROL.into(),
            headers: vec![("content-type", protocol::CBOR.into())],
            body,
        };
        let response = transport.send(&request).map_err(SyncError::Offline)?;
        if response.status != 200 {
            let body: Option<ErrorBody> = serde_json::from_slice(&response.body).ok();
            let code = session::error_code(&response, body.as_ref());
            return Err(match response.status {
                400 | 403 | 404 | 409 | 410 => SyncError::EnrolmentRefused(code),
                429 => SyncError::RateLimited {
                    retry_after: body.and_then(|b| b.retry_after).unwrap_or(1),
                },
                status => SyncError::Server { status, code },
            }
            .into());
        }
        let enrolment: Enrolment =
            from_cbor(&response.body).ok_or_else(|| SyncError::Protocol("enrolment".into()))?;
        self.context.observe_server_time(enrolment.server_time)?;
        let json = serde_json::to_string(&enrolment).expect("enrolment serialises");
        self.context.store.write(|tx| {
            set_meta(tx, replica::ENROLMENT_META, &json)?;
            // A new server: what the old one confirmed means nothing here.
            delete_meta(tx, replica::CURSOR_META)?;
            replica::forget_server(tx)
        })?;
        Ok(enrolment)
    }

    /// One sync session over `transport`; see the module documentation.
    pub fn run(
        &self,
        transport: &dyn Transport,
        options: &SyncOptions,
        progress: &dyn Fn(SyncProgress),
    ) -> Result<SyncReport, Error> {
        link::drive(self.start(options, progress)?, transport)
    }

    /// `run`, which stops at its next safe point once `cancelled()` returns true (the caller's
    /// coroutine or task was cancelled) with `SyncError::Cancelled`. Everything done until
    /// then is kept, and the next session resumes from there.
    pub fn run_until(
        &self,
        transport: &dyn Transport,
        options: &SyncOptions,
        progress: &dyn Fn(SyncProgress),
        cancelled: &dyn Fn() -> bool,
    ) -> Result<SyncReport, Error> {
        link::drive_until(self.start(options, progress)?, transport, cancelled)
            .unwrap_or(Err(SyncError::Cancelled.into()))
    }

    /// The same session, for a caller that carries its requests itself: step it, send what
    /// it asks, feed back the reply. It holds the sync lock until dropped, so a second
    /// session meanwhile is `Busy`.
    pub fn start<'s>(
        &self,
        options: &'s SyncOptions,
        progress: &'s dyn Fn(SyncProgress),
    ) -> Result<SessionRun<'s, Result<SyncReport, Error>>, Error>
    where
        'd: 's,
    {
        let running = self
            .context
            .sync_lock
            .try_lock()
            .map_err(|_| SyncError::Busy)?;
        let enrolment = self.enrolment()?.ok_or(SyncError::NotEnrolled)?;
        let officer = enrolment.subject_kind == SubjectKind::Officer;
        let link = Link::default();
        let session = Session::new(self.context, link.clone(), options, progress);
        Ok(SessionRun::new(link, session.run(officer), Some(running)))
    }

    /// Documents the server refused (another team's, outside the jurisdiction, unreadable),
    /// with the reason code. They stay on the device until they change again.
    pub fn refused_documents(&self) -> Result<Vec<(String, DocRefusal)>, Error> {
        Ok(self.context.store.read(replica::refused)?)
    }

    /// Signed events (visits, verifications, penalty choices) waiting for upload, oldest
    /// first.
    pub fn pending_events(&self, limit: u32) -> Result<Vec<OutboxEvent>, Error> {
        Ok(self
            .context
            .store
            .read(|c| crate::events::pending(c, limit))?)
    }
}

/// One signed GET outside a session (e.g. a teammate's evidence file), with the session's
/// retries and error mapping.
pub(super) fn request(
    context: &Context,
    transport: &dyn Transport,
    method: &'static str,
    path: &str,
) -> Result<Response, Error> {
    let options = SyncOptions::default();
    let link = Link::default();
    let mut session = Session::new(context, link.clone(), &options, &|_| {});
    let call = async move { session.call(method, path, Vec::new()).await };
    link::drive(SessionRun::new(link, call, None), transport)
}
