//! Sync with the server, on the device: enrolment, and `sync_now`, one resumable session that
//! uploads evidence, reconciles documents, uploads events, tops up case numbers, installs a
//! newer catalogue and renews the duty credential. Safe to call from any scheduler: a second
//! call while one runs returns `Busy`; a session cut off anywhere loses nothing and the next
//! resumes (the cursor is saved only when every listed document is through).

use std::collections::{BTreeMap, VecDeque};

use automerge::sync::{Message, State, SyncDoc};
use automerge::AutoCommit;
use chrono::Datelike;
use serde_bytes::ByteBuf;

use super::Device;
use crate::cases::{repository, CaseDoc, CaseError};
use crate::inspections::InspectionDoc;
use crate::store::{get_meta, set_meta, BlobHash, StoreError};
use crate::sync::protocol::{
    self, from_cbor, routes, to_cbor, BlobStatus, CaseNumberRequest, CredentialRequest, DocMessage,
    EnrolRequest, ErrorBody, ErrorCode, EventAck, EventUpload, Listing, SyncRequest, SyncResponse,
};
use crate::sync::{
    auth, replica, Digest, DocId, DocKind, DocRef, Enrolment, Request, Response, SyncError,
    SyncOptions, SyncPhase, SyncProgress, SyncReport, Transport,
};
use crate::Error;

const ENROLMENT_META: &str = "sync.enrolment";
const CURSOR_META: &str = "sync.cursor";

/// A document in conversation with the server.
struct Replica {
    kind: DocKind,
    id: String,
    doc: ReplicaDoc,
    state: State,
    exchanged: bool,
}

enum ReplicaDoc {
    Case(CaseDoc),
    Inspection(InspectionDoc),
    /// Not on the device yet: stored once it reads as a whole document.
    New(AutoCommit),
}

impl Replica {
    /// The next message to the server, encoded; `None` when there is nothing to say.
    fn generate(&mut self) -> Option<Vec<u8>> {
        let message = self
            .doc
            .automerge()
            .sync()
            .generate_sync_message(&mut self.state);
        message.map(Message::encode)
    }

    /// Applies a message from the server; `false` if it cannot be read or applied.
    fn receive(&mut self, bytes: &[u8]) -> bool {
        let Ok(message) = Message::decode(bytes) else {
            return false;
        };
        let received = self
            .doc
            .automerge()
            .sync()
            .receive_sync_message(&mut self.state, message);
        received.is_ok()
    }
}

impl ReplicaDoc {
    fn automerge(&mut self) -> &mut AutoCommit {
        match self {
            ReplicaDoc::Case(doc) => doc.automerge(),
            ReplicaDoc::Inspection(doc) => doc.automerge(),
            ReplicaDoc::New(doc) => doc,
        }
    }
}

impl Device {
    /// The server this device enrolled with, if any.
    pub fn enrolment(&self) -> Result<Option<Enrolment>, Error> {
        let text = self.store.read(|c| get_meta(c, ENROLMENT_META))?;
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
        let spki = self.device_key().to_spki_der();
        let proof = self
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
            let code = error_code(&response);
            return Err(match response.status {
                400 | 403 | 404 | 409 | 410 => SyncError::EnrolmentRefused(code),
                status => SyncError::Server { status, code },
            }
            .into());
        }
        let enrolment: Enrolment =
            from_cbor(&response.body).ok_or_else(|| SyncError::Protocol("enrolment".into()))?;
        self.observe_server_time(enrolment.server_time)?;
        let json = serde_json::to_string(&enrolment).expect("enrolment serialises");
        self.store.write(|tx| {
            set_meta(tx, ENROLMENT_META, &json)?;
            // A new server: what the old one confirmed means nothing here.
            tx.execute("DELETE FROM meta WHERE key = ?1", [CURSOR_META])?;
            tx.execute(
                "UPDATE doc_sync SET synced_digest = NULL, state = NULL, refused = NULL",
                [],
            )?;
            tx.execute("UPDATE blob_upload SET confirmed = 0", [])?;
            Ok::<_, StoreError>(())
        })?;
        Ok(enrolment)
    }

    /// One sync session; see the module documentation.
    pub fn sync_now(
        &self,
        transport: &dyn Transport,
        options: &SyncOptions,
        progress: &dyn Fn(SyncProgress),
    ) -> Result<SyncReport, Error> {
        let _running = self.sync_lock.try_lock().map_err(|_| SyncError::Busy)?;
        let enrolment = self.enrolment()?.ok_or(SyncError::NotEnrolled)?;
        let mut session = Session::new(self, transport, options, progress);
        session.upload_evidence()?;
        let catalogue_version = session.documents()?;
        session.upload_events()?;
        if enrolment.subject_kind == crate::sync::SubjectKind::Officer {
            session.top_up_case_numbers()?;
        }
        session.update_catalogue(catalogue_version)?;
        if enrolment.subject_kind == crate::sync::SubjectKind::Officer {
            session.renew_credential()?;
        }
        session.phase(SyncPhase::Done);
        Ok(session.report)
    }

    /// Documents the server refused (another team's, outside the jurisdiction, unreadable),
    /// with the reason code. They stay on the device until they change again.
    pub fn refused_documents(&self) -> Result<Vec<(String, String)>, Error> {
        Ok(self.store.read(replica::refused)?)
    }

    /// Fetches an evidence file another device of the team captured (e.g. to show a photo).
    pub fn fetch_evidence(&self, transport: &dyn Transport, hash: &str) -> Result<(), Error> {
        let hash: BlobHash = hash.parse()?;
        if self.store.blobs().contains(&hash) {
            return Ok(());
        }
        let options = SyncOptions::default();
        let mut session = Session::new(self, transport, &options, &|_| {});
        let response = session.call("GET", &routes::blob(&hash.to_string()), Vec::new())?;
        if BlobHash::of(&response.body) != hash {
            return Err(SyncError::Protocol("evidence does not match its hash".into()).into());
        }
        self.store.blobs().put(&response.body)?;
        Ok(())
    }
}

struct Session<'a> {
    device: &'a Device,
    transport: &'a dyn Transport,
    options: &'a SyncOptions,
    progress: &'a dyn Fn(SyncProgress),
    report: SyncReport,
    state: SyncProgress,
}

impl<'a> Session<'a> {
    fn new(
        device: &'a Device,
        transport: &'a dyn Transport,
        options: &'a SyncOptions,
        progress: &'a dyn Fn(SyncProgress),
    ) -> Session<'a> {
        Session {
            device,
            transport,
            options,
            progress,
            report: SyncReport::default(),
            state: SyncProgress::default(),
        }
    }

    fn phase(&mut self, phase: SyncPhase) {
        self.state.phase = phase;
        self.tell();
    }

    fn tell(&mut self) {
        self.state.bytes_sent = self.report.bytes_sent;
        self.state.bytes_received = self.report.bytes_received;
        (self.progress)(self.state);
    }

    /// A signed request, retried with backoff while no answer comes (each attempt signed
    /// afresh, so a retry is never taken for a replay). Non-2xx answers become typed errors.
    fn call(&mut self, method: &'static str, path: &str, body: Vec<u8>) -> Result<Response, Error> {
        let mut pause = self.options.backoff_ms;
        let mut skew_corrected = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let time = self.device.now().trusted.timestamp();
            let signed =
                auth::sign_request(self.device.keystore.as_ref(), method, path, time, &body)?;
            let mut headers = vec![("content-type", protocol::CBOR.to_owned())];
            headers.extend(signed.headers());
            let request = Request {
                method,
                path: path.to_owned(),
                headers,
                body: body.clone(),
            };
            self.report.round_trips += 1;
            self.report.bytes_sent += body.len() as u64;
            match self.transport.send(&request) {
                Ok(response) => {
                    self.report.bytes_received += response.body.len() as u64;
                    if (200..300).contains(&response.status) {
                        return Ok(response);
                    }
                    let error: Option<ErrorBody> = serde_json::from_slice(&response.body).ok();
                    let typed = error.as_ref().map(|e| e.error.clone());
                    let code = typed
                        .as_ref()
                        .map_or_else(String::new, ErrorCode::to_string);
                    match (response.status, typed) {
                        (401, Some(ErrorCode::ClockSkew)) if !skew_corrected => {
                            if let Some(time) = error.and_then(|e| e.server_time) {
                                self.device.observe_server_time(time)?;
                            }
                            skew_corrected = true;
                            continue;
                        }
                        (401, Some(ErrorCode::ClockSkew)) => {
                            return Err(SyncError::ClockSkew.into())
                        }
                        (401, _) => return Err(SyncError::Unauthorized.into()),
                        (403, _) => return Err(SyncError::Forbidden(code).into()),
                        (status, _) if status >= 500 && attempt < self.options.attempts => {}
                        (status, _) => return Err(SyncError::Server { status, code }.into()),
                    }
                }
                Err(reason) if attempt >= self.options.attempts => {
                    return Err(SyncError::Offline(reason).into())
                }
                Err(_) => {}
            }
            std::thread::sleep(std::time::Duration::from_millis(pause));
            pause = pause.saturating_mul(2);
        }
    }

    /// A CBOR exchange; an answer that does not decode (e.g. cut short) is retried like a lost one.
    fn exchange<T: for<'de> serde::Deserialize<'de>>(
        &mut self,
        path: &str,
        body: Vec<u8>,
    ) -> Result<T, Error> {
        for _ in 0..self.options.attempts.max(1) {
            let response = self.call("POST", path, body.clone())?;
            if let Some(value) = from_cbor(&response.body) {
                return Ok(value);
            }
        }
        Err(SyncError::Protocol(path.to_owned()).into())
    }

    /// Evidence first, so a document never reaches the server before the files it cites.
    fn upload_evidence(&mut self) -> Result<(), Error> {
        self.phase(SyncPhase::Evidence);
        let pending = self.device.store.read(replica::pending_blobs)?;
        for hex in pending {
            let hash: BlobHash = hex.parse()?;
            let path = self.device.store.blobs().path_of(&hash);
            let size = std::fs::metadata(&path).map_err(StoreError::from)?.len();
            if size > protocol::MAX_BLOB {
                return Err(SyncError::BlobTooLarge {
                    size,
                    max: protocol::MAX_BLOB,
                }
                .into());
            }
            let status = self.call("GET", &routes::blob_status(&hex), Vec::new())?;
            let mut status: BlobStatus =
                from_cbor(&status.body).ok_or_else(|| SyncError::Protocol("blob status".into()))?;
            if !status.complete {
                let content = self.device.store.blobs().get(&hash)?;
                while status.received < size {
                    let from = status.received as usize;
                    let to = (from + protocol::BLOB_PART).min(content.len());
                    let path = routes::blob_part(&hex, from, size);
                    let response = self.call("PUT", &path, content[from..to].to_vec())?;
                    status = from_cbor(&response.body)
                        .ok_or_else(|| SyncError::Protocol("blob status".into()))?;
                    self.tell();
                }
                self.report.blobs_sent += 1;
            }
            if status.complete {
                self.device
                    .store
                    .write(|tx| replica::confirm_blob(tx, &hex))?;
            }
        }
        Ok(())
    }

    /// Rounds of `POST /v1/sync` until neither side has anything to say. Returns the server's
    /// catalogue version.
    fn documents(&mut self) -> Result<u64, Error> {
        self.phase(SyncPhase::Documents);
        let device = self.device;
        let (cursor, dirty) = device.store.read(|c| {
            let cursor = get_meta(c, CURSOR_META)?.and_then(|v| v.parse::<u64>().ok());
            Ok::<_, StoreError>((cursor, replica::dirty(c)?))
        })?;
        let mut listing = Some(match cursor {
            Some(cursor) => Listing::Since(cursor),
            None => Listing::Full(device.store.read(replica::all)?),
        });
        let mut queue: VecDeque<(DocKind, String)> =
            dirty.into_iter().map(|r| (r.0, (r.1).0)).collect();
        let mut open: BTreeMap<(DocKind, String), Replica> = BTreeMap::new();
        let mut next_cursor = cursor.unwrap_or(0);
        let mut catalogue_version = 0;
        self.state.docs_total = queue.len() as u32;
        let mut rounds = 0usize;
        loop {
            // A conversation takes a few rounds; a peer that never settles is a broken one.
            rounds += 1;
            if rounds > 16 + 4 * (self.state.docs_total as usize).div_ceil(protocol::BATCH_DOCS) {
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
                if open.contains_key(&key) {
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
            let response: SyncResponse = self.exchange(
                routes::SYNC,
                to_cbor(&SyncRequest {
                    listing: listing.take(),
                    messages,
                }),
            )?;
            if let Some(time) = response.server_time {
                device.observe_server_time(time)?;
            }
            catalogue_version = response.catalogue_version;
            if !response.changed.is_empty() || response.cursor != 0 {
                for DocRef(kind, id, digest) in &response.changed {
                    let local = device.store.read(|c| replica::digest(c, *kind, &id.0))?;
                    if local != Some(*digest) {
                        queue.push_back((*kind, id.0.clone()));
                        self.state.docs_total += 1;
                    }
                }
                next_cursor = response.cursor;
                if response.more {
                    listing = Some(Listing::Since(response.cursor));
                }
            }
            for (kind, id, reason) in &response.refused {
                let reason = format!("{reason:?}");
                if open.remove(&(*kind, id.0.clone())).is_some() {
                    device
                        .store
                        .write(|tx| replica::mark_refused(tx, *kind, &id.0, &reason))?;
                    self.report.docs_refused.push(format!("{}:{reason}", id.0));
                }
            }
            self.receive(&mut open, response.messages)?;
            self.tell();
        }
        if cursor != Some(next_cursor) {
            device
                .store
                .write(|tx| set_meta(tx, CURSOR_META, &next_cursor.to_string()))?;
        }
        Ok(catalogue_version)
    }

    fn open_replica(&self, kind: DocKind, id: &str) -> Result<Replica, Error> {
        let device = self.device;
        device.store.read(|c| {
            let loaded = match kind {
                DocKind::Case => repository::load(c, id).map(ReplicaDoc::Case),
                DocKind::Inspection => device.load_inspection(c, id).map(ReplicaDoc::Inspection),
            };
            let doc = match loaded {
                Ok(doc) => doc,
                Err(Error::Case(CaseError::NotFound)) => ReplicaDoc::New(AutoCommit::new()),
                Err(other) => return Err(other),
            };
            Ok(Replica {
                kind,
                id: id.to_owned(),
                doc,
                state: replica::state(c, kind, id)?,
                exchanged: false,
            })
        })
    }

    /// Applies the server's messages and stores every document they changed, in one transaction.
    fn receive(
        &mut self,
        open: &mut BTreeMap<(DocKind, String), Replica>,
        messages: Vec<DocMessage>,
    ) -> Result<(), Error> {
        let device = self.device;
        let now = device.now().trusted.to_rfc3339();
        let mut changed = Vec::new();
        for DocMessage(kind, id, bytes) in messages {
            let key = (kind, id.0);
            let Some(replica) = open.get_mut(&key) else {
                continue;
            };
            let before = replica.doc.automerge().get_heads();
            if !replica.receive(&bytes) {
                // A broken message: drop the conversation; the next sync starts it afresh.
                open.remove(&key);
                continue;
            }
            if replica.doc.automerge().get_heads() != before {
                replica.exchanged = true;
                changed.push(key);
            }
        }
        device.store.write(|tx| {
            for key in &changed {
                let replica = open.get_mut(key).expect("present");
                let new = matches!(replica.doc, ReplicaDoc::New(_));
                match store_replica(device, tx, replica, &now) {
                    Ok(()) => {}
                    // Not a whole document yet (more is on the way), or not a valid one: keep
                    // it in memory only; nothing on the device is touched.
                    Err(Error::Case(CaseError::Corrupt)) if new => {}
                    Err(other) => return Err(other),
                }
            }
            Ok::<_, Error>(())
        })?;
        let mut cache = device.open_cases.lock().unwrap_or_else(|p| p.into_inner());
        for (kind, id) in &changed {
            if *kind == DocKind::Case {
                cache.take(id);
            }
        }
        Ok(())
    }

    /// Conversations ended: save their sync states in one transaction, and mark each
    /// document synced when both sides hold the same heads.
    fn finish(&mut self, finished: Vec<Replica>) -> Result<(), Error> {
        let mut done = 0;
        let mut synced_now = 0;
        self.device.store.write(|tx| {
            for mut replica in finished {
                if matches!(replica.doc, ReplicaDoc::New(_)) {
                    continue;
                }
                let heads = replica.doc.automerge().get_heads();
                let synced = (replica.state.their_heads.as_ref() == Some(&heads))
                    .then(|| Digest::of_heads(&heads));
                let before = replica::synced_digest(tx, replica.kind, &replica.id)?;
                replica::save_state(tx, replica.kind, &replica.id, &replica.state, synced)?;
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

    fn upload_events(&mut self) -> Result<(), Error> {
        self.phase(SyncPhase::Events);
        loop {
            let pending = self.device.pending_events(200)?;
            if pending.is_empty() {
                return Ok(());
            }
            let upload = EventUpload {
                events: pending
                    .iter()
                    .map(|e| ByteBuf::from(e.signed.clone()))
                    .collect(),
            };
            let ack: EventAck = self.exchange(routes::EVENTS, to_cbor(&upload))?;
            self.device.store.write(|tx| {
                crate::events::acknowledge(tx, &ack.acked)?;
                for (id, reason) in &ack.refused {
                    crate::events::mark_refused(tx, id, &format!("{reason:?}"))?;
                }
                Ok::<_, StoreError>(())
            })?;
            self.report.events_sent += ack.acked.len() as u32;
            self.report.events_refused += ack.refused.len() as u32;
            if ack.acked.is_empty() && ack.refused.is_empty() {
                return Err(SyncError::Protocol("events not acknowledged".into()).into());
            }
        }
    }

    fn top_up_case_numbers(&mut self) -> Result<(), Error> {
        let Some(prefix) = self.options.case_number_prefix.clone() else {
            return Ok(());
        };
        self.phase(SyncPhase::CaseNumbers);
        if self.device.case_numbers_left(&prefix)? >= self.options.case_numbers_min {
            return Ok(());
        }
        let year = self.device.now().trusted.year();
        // The request id is kept until the block arrives, so a retry after a lost answer
        // gets the same block instead of burning another.
        let key = format!("sync.case_number_request.{prefix}.{year}");
        let request_id = match self.device.store.read(|c| get_meta(c, &key))? {
            Some(id) => id,
            None => {
                let id = uuid::Uuid::now_v7().to_string();
                self.device.store.write(|tx| set_meta(tx, &key, &id))?;
                id
            }
        };
        let block: crate::cases::numbers::CaseNumberBlock = self.exchange(
            routes::CASE_NUMBERS,
            to_cbor(&CaseNumberRequest {
                request_id,
                prefix,
                year,
                size: self.options.case_number_block,
            }),
        )?;
        self.device.store.write(|tx| {
            crate::cases::numbers::add_block(tx, &block)?;
            tx.execute("DELETE FROM meta WHERE key = ?1", [&key])?;
            Ok::<_, StoreError>(())
        })?;
        self.report.case_numbers_added += block.last - block.first + 1;
        Ok(())
    }

    fn update_catalogue(&mut self, server_version: u64) -> Result<(), Error> {
        let local = self.device.registry.version()?;
        if server_version <= local {
            return Ok(());
        }
        self.phase(SyncPhase::Catalogue);
        let scope = self.device.registry.jurisdiction().join(",");
        let since = (local != 0).then_some(local);
        let response = self.call("GET", &routes::catalogue_bundle(&scope, since), Vec::new())?;
        if response.status == 204 {
            return Ok(());
        }
        let report = self.device.registry.apply_bundle(&response.body)?;
        self.report.catalogue_version = Some(report.version);
        Ok(())
    }

    fn renew_credential(&mut self) -> Result<(), Error> {
        if self.options.credential_renew_minutes == 0 {
            return Ok(());
        }
        let limit = self.device.now().trusted
            + chrono::Duration::minutes(self.options.credential_renew_minutes.into());
        if let Some((_, credential)) = self.device.duty_credential()? {
            if credential.expires_at > limit {
                return Ok(());
            }
        }
        self.phase(SyncPhase::Credential);
        let response = self.call(
            "POST",
            routes::CREDENTIAL,
            to_cbor(&CredentialRequest {
                items: Vec::new(),
                hours: self.options.credential_hours,
            }),
        )?;
        self.device.install_duty_credential(&response.body)?;
        self.report.credential_renewed = true;
        Ok(())
    }
}

/// Writes a received document through the same path as an edit (snapshot or changes, index
/// row, heads digest); a new document becomes a typed one.
fn store_replica(
    device: &Device,
    tx: &rusqlite::Transaction<'_>,
    replica: &mut Replica,
    now: &str,
) -> Result<(), Error> {
    if let ReplicaDoc::New(doc) = &replica.doc {
        replica.doc = match replica.kind {
            DocKind::Case => ReplicaDoc::Case(CaseDoc::from_automerge(doc.clone())?),
            DocKind::Inspection => {
                ReplicaDoc::Inspection(InspectionDoc::from_automerge(doc.clone())?)
            }
        };
        let id = match &replica.doc {
            ReplicaDoc::Case(doc) => doc.read()?.id,
            ReplicaDoc::Inspection(doc) => doc.read()?.id,
            ReplicaDoc::New(_) => unreachable!("replaced above"),
        };
        if id != replica.id {
            replica.doc = ReplicaDoc::New(AutoCommit::new());
            return Err(CaseError::Corrupt.into());
        }
    }
    match &mut replica.doc {
        ReplicaDoc::Case(doc) => {
            let case = doc.read()?;
            if doc.is_stored() {
                repository::save(tx, doc, &case, now)?;
            } else {
                repository::insert(tx, doc, &case, now)?;
            }
        }
        ReplicaDoc::Inspection(doc) => {
            device.store_inspection(tx, doc)?;
        }
        ReplicaDoc::New(_) => unreachable!("typed above"),
    }
    Ok(())
}

fn error_code(response: &Response) -> String {
    serde_json::from_slice::<ErrorBody>(&response.body)
        .map(|e| e.error.to_string())
        .unwrap_or_else(|_| format!("http {}", response.status))
}
