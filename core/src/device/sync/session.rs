//! The sync session: plain sequential code that awaits its `Link` for every request and pause,
//! so it runs the same under the blocking driver and under a test's scripted replies. This
//! file holds the calls (signing, retries, typed errors) and the phases around documents;
//! the document rounds are in `documents.rs`.

use std::time::Duration;

use chrono::Datelike;
use serde_bytes::ByteBuf;

use super::link::{self, Link};
use crate::device::cases::CaseService;
use crate::device::codes::CodeService;
use crate::device::context::Context;
use crate::signed::{to_i32, to_i64};
use crate::store::{delete_meta, get_meta, set_meta, BlobHash, StoreError};
use crate::sync::protocol::{
    self, from_cbor, routes, to_cbor, BlobStatus, CaseNumberRequest, CredentialRequest, ErrorBody,
    ErrorCode, EventAck, EventUpload,
};
use crate::sync::{
    auth, replica, BlobRefusal, BlobRefused, Request, Response, SyncError, SyncOptions, SyncPhase,
    SyncProgress, SyncReport,
};
use crate::Error;

/// How one evidence file's upload ended.
enum Uploaded {
    Done,
    /// With the file's size, for the officer's text.
    Refused(BlobRefusal, u64),
}

pub(super) struct Session<'a> {
    pub(super) context: &'a Context,
    link: Link,
    pub(super) options: &'a SyncOptions,
    progress: &'a dyn Fn(SyncProgress),
    pub(super) report: SyncReport,
    pub(super) state: SyncProgress,
}

impl<'a> Session<'a> {
    pub(super) fn new(
        context: &'a Context,
        link: Link,
        options: &'a SyncOptions,
        progress: &'a dyn Fn(SyncProgress),
    ) -> Session<'a> {
        Session {
            context,
            link,
            options,
            progress,
            report: SyncReport::default(),
            state: SyncProgress::default(),
        }
    }

    /// The whole session, each step resumable: evidence first (a document never reaches the
    /// server before the files it cites), documents, events, catalogue, credential, case
    /// numbers.
    pub(super) async fn run(mut self, officer: bool) -> Result<SyncReport, Error> {
        self.upload_evidence().await?;
        let catalogue_version = self.documents().await?;
        self.upload_events().await?;
        self.update_catalogue(catalogue_version).await?;
        if officer {
            self.renew_credential().await?;
            // Last: the prefix may come from the catalogue just installed, and a refused block
            // (prefix, quota) ends the session only once everything else is through.
            self.top_up_case_numbers().await?;
        }
        self.phase(SyncPhase::Done);
        Ok(self.report)
    }

    pub(super) fn phase(&mut self, phase: SyncPhase) {
        self.state.phase = phase;
        self.tell();
    }

    pub(super) fn tell(&mut self) {
        self.state.bytes_sent = self.report.bytes_sent;
        self.state.bytes_received = self.report.bytes_received;
        (self.progress)(self.state);
    }

    /// A signed request, retried with backoff while no answer comes (each attempt signed
    /// afresh, so a retry is never taken for a replay). Non-2xx answers become typed errors.
    pub(super) async fn call(
        &mut self,
        method: &'static str,
        path: &str,
        body: Vec<u8>,
    ) -> Result<Response, Error> {
        let mut pause = self.options.backoff_ms();
        let mut skew_corrected = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let time = self.context.now().trusted.timestamp();
            let signed =
                auth::sign_request(self.context.keystore.as_ref(), method, path, time, &body)?;
            let mut headers = vec![("content-type", protocol::CBOR.to_owned())];
            headers.extend(signed.headers());
            let request = Request {
                method,
                path: path.to_owned(),
                headers,
                body: body.clone(),
            };
            self.report.round_trips += 1;
            self.report.bytes_sent += to_i64(body.len());
            match self.link.send(request).await {
                Ok(response) => {
                    self.report.bytes_received += to_i64(response.body.len());
                    if (200..300).contains(&response.status) {
                        return Ok(response);
                    }
                    let error: Option<ErrorBody> = serde_json::from_slice(&response.body).ok();
                    let code = error_code(&response, error.as_ref());
                    match (response.status, &code) {
                        (401, ErrorCode::ClockSkew) if !skew_corrected => {
                            if let Some(time) = error.and_then(|e| e.server_time) {
                                self.context.observe_server_time(time)?;
                            }
                            skew_corrected = true;
                            continue;
                        }
                        (401, ErrorCode::ClockSkew) => return Err(SyncError::ClockSkew.into()),
                        (401, _) => return Err(SyncError::Unauthorized.into()),
                        (403, _) => return Err(SyncError::Forbidden(code).into()),
                        // A quota (e.g. case numbers a day) is not a rate: waiting seconds
                        // will not lift it, so it ends as a server refusal below.
                        (429, ErrorCode::RateLimited) => {
                            let retry_after = error.and_then(|e| e.retry_after).unwrap_or(1);
                            let attempts = self.options.attempts();
                            match link::rate_limit_pause(retry_after, attempt, attempts) {
                                Some(pause) => {
                                    self.link.wait(pause).await;
                                    continue;
                                }
                                None => return Err(SyncError::RateLimited { retry_after }.into()),
                            }
                        }
                        (status, _) if status >= 500 && attempt < self.options.attempts() => {}
                        (status, _) => return Err(SyncError::Server { status, code }.into()),
                    }
                }
                Err(reason) if attempt >= self.options.attempts() => {
                    return Err(SyncError::Offline(reason).into())
                }
                Err(_) => {}
            }
            self.link.wait(Duration::from_millis(pause)).await;
            pause = pause.saturating_mul(2);
        }
    }

    /// A CBOR exchange; an answer that does not decode (e.g. cut short) is retried like a lost one.
    pub(super) async fn exchange<T: for<'de> serde::Deserialize<'de>>(
        &mut self,
        path: &str,
        body: Vec<u8>,
    ) -> Result<T, Error> {
        for _ in 0..self.options.attempts() {
            let response = self.call("POST", path, body.clone()).await?;
            if let Some(value) = from_cbor(&response.body) {
                return Ok(value);
            }
        }
        Err(SyncError::Protocol(path.to_owned()).into())
    }

    /// Evidence first, so a document never reaches the server before the files it cites. A
    /// file the server refuses, or whose upload does not move on, is that file's refusal,
    /// kept in the queue and told in the report; the rest of the sync goes on.
    async fn upload_evidence(&mut self) -> Result<(), Error> {
        self.phase(SyncPhase::Evidence);
        let pending = self.context.store.read(replica::pending_blobs)?;
        for hex in pending {
            match self.upload_blob(&hex).await? {
                Uploaded::Done => self
                    .context
                    .store
                    .write(|tx| replica::confirm_blob(tx, &hex))?,
                Uploaded::Refused(reason, size) => {
                    self.context
                        .store
                        .write(|tx| replica::refuse_blob(tx, &hex, reason))?;
                    self.report
                        .blobs_refused
                        .push(BlobRefused::new(&hex, reason, size));
                }
            }
        }
        Ok(())
    }

    /// One file, from what the server holds of this device's upload. `Err` only for a failure
    /// that is not the file's (offline, unauthorised, the server failing, local storage).
    async fn upload_blob(&mut self, hex: &str) -> Result<Uploaded, Error> {
        let Ok(hash) = hex.parse::<BlobHash>() else {
            return Ok(Uploaded::Refused(BlobRefusal::Unreadable, 0));
        };
        let blobs = self.context.store.blobs();
        // The content's size from the sealed file's length, before reading: a file captured
        // before the limit was checked at capture is never loaded whole.
        match blobs.size(&hash) {
            Err(_) => return Ok(Uploaded::Refused(BlobRefusal::Unreadable, 0)),
            Ok(size) if size > protocol::MAX_BLOB => {
                return Ok(Uploaded::Refused(BlobRefusal::TooLarge, size))
            }
            Ok(_) => {}
        }
        let content = match blobs.get(&hash) {
            Ok(content) => content,
            Err(StoreError::BlobNotFound(_) | StoreError::BlobCorrupt(_)) => {
                return Ok(Uploaded::Refused(BlobRefusal::Unreadable, 0))
            }
            Err(other) => return Err(other.into()),
        };
        let size = content.len() as u64;
        if size > protocol::MAX_BLOB {
            return Ok(Uploaded::Refused(BlobRefusal::TooLarge, size));
        }
        let mut status = match self
            .blob_call("GET", &routes::blob_status(hex), Vec::new())
            .await?
        {
            Ok(status) => status,
            Err(reason) => return Ok(Uploaded::Refused(reason, size)),
        };
        let sent = !status.complete;
        while !status.complete {
            // The server's count must describe this file at a part's boundary (so at most
            // `MAX_BLOB / BLOB_PART` rounds), and every reply must move it on.
            if status.received >= size
                || !status.received.is_multiple_of(protocol::BLOB_PART as u64)
                || (status.received > 0 && status.size != size)
            {
                return Ok(Uploaded::Refused(BlobRefusal::Inconsistent, size));
            }
            let from = status.received as usize;
            let to = (from + protocol::BLOB_PART).min(content.len());
            let path = routes::blob_part(hex, from, size);
            let next = match self
                .blob_call("PUT", &path, content[from..to].to_vec())
                .await?
            {
                Ok(next) => next,
                Err(reason) => return Ok(Uploaded::Refused(reason, size)),
            };
            if !next.complete && next.received <= status.received {
                return Ok(Uploaded::Refused(BlobRefusal::Inconsistent, size));
            }
            status = next;
            self.tell();
        }
        if sent {
            self.report.blobs_sent += 1;
        }
        Ok(Uploaded::Done)
    }

    /// A request about one evidence file: the server's refusal of that file is the file's
    /// (`BlobRefusal::of_error`), as is a reply that does not read as a status.
    async fn blob_call(
        &mut self,
        method: &'static str,
        path: &str,
        body: Vec<u8>,
    ) -> Result<Result<BlobStatus, BlobRefusal>, Error> {
        match self.call(method, path, body).await {
            Ok(response) => Ok(from_cbor(&response.body).ok_or(BlobRefusal::Inconsistent)),
            Err(Error::Sync(error)) => match BlobRefusal::of_error(&error) {
                Some(reason) => Ok(Err(reason)),
                None => Err(error.into()),
            },
            Err(other) => Err(other),
        }
    }

    async fn upload_events(&mut self) -> Result<(), Error> {
        self.phase(SyncPhase::Events);
        loop {
            let pending = self
                .context
                .store
                .read(|c| crate::events::pending(c, protocol::EVENT_BATCH))?;
            if pending.is_empty() {
                return Ok(());
            }
            let upload = EventUpload {
                events: pending
                    .iter()
                    .map(|e| ByteBuf::from(e.signed.clone()))
                    .collect(),
            };
            let ack: EventAck = self.exchange(routes::EVENTS, to_cbor(&upload)).await?;
            self.context.store.write(|tx| {
                crate::events::acknowledge(tx, &ack.acked)?;
                for (id, reason) in &ack.refused {
                    crate::events::mark_refused(tx, id, reason.as_str())?;
                }
                Ok::<_, StoreError>(())
            })?;
            self.report.events_sent += to_i32(ack.acked.len());
            self.report.events_refused += to_i32(ack.refused.len());
            if ack.acked.is_empty() && ack.refused.is_empty() {
                return Err(SyncError::Protocol("events not acknowledged".into()).into());
            }
        }
    }

    /// Keeps a reserve of case numbers under the app's prefix or, when the app names none, the
    /// first prefix of the device's body in the catalogue (the server gives blocks only under
    /// the body's own prefixes).
    async fn top_up_case_numbers(&mut self) -> Result<(), Error> {
        let prefix = match self.options.case_number_prefix.clone() {
            Some(prefix) => Some(prefix),
            None => self.body_prefix()?,
        };
        let Some(prefix) = prefix else {
            return Ok(());
        };
        self.phase(SyncPhase::CaseNumbers);
        if CaseService::new(self.context).numbers_left(&prefix)? >= self.options.case_numbers_min()
        {
            return Ok(());
        }
        let year = self.context.now().trusted.year();
        // The request id is kept until the block arrives, so a retry after a lost answer
        // gets the same block instead of burning another.
        let key = format!("sync.case_number_request.{prefix}.{year}");
        let request_id = match self.context.store.read(|c| get_meta(c, &key))? {
            Some(id) => id,
            None => {
                let id = uuid::Uuid::now_v7().to_string();
                self.context.store.write(|tx| set_meta(tx, &key, &id))?;
                id
            }
        };
        let block: crate::cases::numbers::CaseNumberBlock = self
            .exchange(
                routes::CASE_NUMBERS,
                to_cbor(&CaseNumberRequest {
                    request_id,
                    prefix,
                    year,
                    size: self.options.case_number_block(),
                }),
            )
            .await?;
        let added = block
            .count()
            .ok_or_else(|| SyncError::Protocol(routes::CASE_NUMBERS.into()))?;
        self.context.store.write(|tx| {
            crate::cases::numbers::add_block(tx, &block)?;
            delete_meta(tx, &key)?;
            Ok::<_, StoreError>(())
        })?;
        self.report.case_numbers_added += to_i32(added);
        Ok(())
    }

    /// The first case-number prefix of the body the device enrolled for (its team).
    fn body_prefix(&self) -> Result<Option<String>, Error> {
        let enrolment = self
            .context
            .store
            .read(|c| get_meta(c, replica::ENROLMENT_META))?
            .and_then(|t| serde_json::from_str::<protocol::Enrolment>(&t).ok());
        let Some(enrolment) = enrolment else {
            return Ok(None);
        };
        Ok(self
            .context
            .registry
            .body(&enrolment.team)?
            .and_then(|body| body.case_number_prefixes.into_iter().next()))
    }

    async fn update_catalogue(&mut self, server_version: u64) -> Result<(), Error> {
        let local = self.context.registry.version()?;
        if server_version <= local {
            return Ok(());
        }
        self.phase(SyncPhase::Catalogue);
        let scope = self.context.registry.jurisdiction().join(",");
        let since = (local != 0).then_some(local);
        let response = self
            .call("GET", &routes::catalogue_bundle(&scope, since), Vec::new())
            .await?;
        if response.status == 204 {
            return Ok(());
        }
        let report = self.context.registry.apply_bundle(&response.body)?;
        self.report.catalogue_version = Some(report.version);
        Ok(())
    }

    async fn renew_credential(&mut self) -> Result<(), Error> {
        if self.options.credential_renew_minutes() == 0 {
            return Ok(());
        }
        let limit = self.context.now().trusted
            + chrono::Duration::minutes(self.options.credential_renew_minutes().into());
        if let Some((_, credential)) = CodeService::new(self.context).credential()? {
            if credential.expires_at > limit {
                return Ok(());
            }
        }
        self.phase(SyncPhase::Credential);
        let response = self
            .call(
                "POST",
                routes::CREDENTIAL,
                to_cbor(&CredentialRequest {
                    items: Vec::new(),
                    hours: self.options.credential_hours(),
                }),
            )
            .await?;
        CodeService::new(self.context).install_credential(&response.body)?;
        self.report.credential_renewed = true;
        Ok(())
    }
}

/// The typed code of a refusal; an answer without an error body (a proxy's page) is named by
/// its status.
pub(super) fn error_code(response: &Response, body: Option<&ErrorBody>) -> ErrorCode {
    body.map_or_else(
        || ErrorCode::Other(format!("http {}", response.status)),
        |body| body.error.clone(),
    )
}
