//! The document rounds against a scripted Automerge server: a teammate's case arrives and is
//! stored, a misnamed document is dropped, and what a compromised server sends over the work
//! budget, or waiting for a change it never sends, is refused while the other documents
//! arrive; a change sent without its dependency because a bloom filter was wrong, either way,
//! starts the conversation over and everything arrives.

use super::*;

/// A server in the script that holds `docs` (listed under the given ids) and answers every
/// round as the real one does: it lists them on the first round, then keeps one Automerge
/// sync conversation a document.
struct ScriptedServer {
    docs: Vec<(String, automerge::AutoCommit, automerge::sync::State)>,
    /// A document whose every reply a compromised server swaps for an op bomb.
    bomb: Option<String>,
    /// A document to whose every reply it adds a change automerge could not save.
    poison: Option<String>,
    /// A document to whose every reply it adds a change depending on one it never sends.
    orphan: Option<String>,
    /// A document whose first reply carrying two changes or more leaves out the first, as
    /// automerge does when the phone's bloom filter falsely claims it.
    false_positive: Option<String>,
    /// A document whose first reply's bloom filter falsely claims this change of the phone's,
    /// so the phone sends what depends on it without it.
    claims: Option<(String, automerge::ChangeHash)>,
}

impl ScriptedServer {
    fn new(docs: Vec<(&str, automerge::AutoCommit)>) -> ScriptedServer {
        let docs = docs
            .into_iter()
            .map(|(id, doc)| (id.to_owned(), doc, automerge::sync::State::new()))
            .collect();
        ScriptedServer {
            docs,
            bomb: None,
            poison: None,
            orphan: None,
            false_positive: None,
            claims: None,
        }
    }

    fn answer(&mut self, request: &Request) -> Fed {
        use automerge::sync::{Message, SyncDoc};
        let round: SyncRequest = from_cbor(&request.body).expect("a sync round");
        let mut response = SyncResponse {
            cursor: 1,
            server_time: Some(Utc::now()),
            ..SyncResponse::default()
        };
        if round.listing.is_some() {
            for (id, doc, _) in &mut self.docs {
                let digest = Digest::of_heads(&doc.get_heads());
                response
                    .changed
                    .push(DocRef(DocKind::Case, DocId(id.clone()), digest));
            }
        }
        for DocMessage(_, id, bytes) in round.messages {
            let (_, kept, kept_state) = self.docs.iter_mut().find(|d| d.0 == id.0).unwrap();
            let message = Message::decode(&bytes).unwrap();
            // As the real server: a message leaving a change waiting is refused, and nothing
            // of it (nor of the sync state it moved) is kept.
            let (mut doc, mut state) = (kept.clone(), kept_state.clone());
            doc.sync()
                .receive_sync_message(&mut state, message)
                .unwrap();
            if !doc.get_missing_deps(&[]).is_empty() {
                response
                    .refused
                    .push((DocKind::Case, id, DocRefusal::Incomplete));
                continue;
            }
            (*kept, *kept_state) = (doc, state);
            let (doc, state) = (kept, kept_state);
            let mut reply = doc.sync().generate_sync_message(state);
            if let (Some(reply), Some(their_heads)) = (&mut reply, &state.their_heads) {
                let lacking = doc.get_changes(their_heads);
                if lacking.len() >= 2 && self.false_positive.as_ref() == Some(&id.0) {
                    self.false_positive = None;
                    let sent = lacking[1..].iter().map(|c| c.raw_bytes().to_vec());
                    reply.changes = sent.collect::<Vec<_>>().into();
                }
            }
            if let Some(reply) = &mut reply {
                let claimed = self
                    .claims
                    .take_if(|(doc_id, _)| *doc_id == id.0 && !reply.have.is_empty());
                if let Some((_, claimed)) = claimed {
                    let last_sync = reply.have[0].last_sync.clone();
                    let mut held: Vec<_> = doc
                        .get_changes(&last_sync)
                        .iter()
                        .map(|c| c.hash())
                        .collect();
                    held.push(claimed);
                    reply.have = vec![automerge::sync::Have {
                        last_sync,
                        bloom: automerge::sync::BloomFilter::from_hashes(held.into_iter()),
                    }];
                }
            }
            if self.bomb.as_ref() == Some(&id.0) {
                use automerge::ReadDoc;
                let mut bombed = reply.unwrap_or_else(|| {
                    doc.sync()
                        .generate_sync_message(&mut automerge::sync::State::new())
                        .expect("a first message")
                });
                let (heads, ops) = (doc.get_heads(), doc.stats().num_ops);
                let chunk = list_bomb(&[9; 16], ops + 1, &heads, "bomb", 1_000_000_000);
                bombed.changes = vec![chunk].into();
                reply = Some(bombed);
            }
            if let (Some(poisoned), true) = (&mut reply, self.poison.as_ref() == Some(&id.0)) {
                use automerge::ReadDoc;
                let (heads, ops) = (doc.get_heads(), doc.stats().num_ops);
                let mut chunks: Vec<Vec<u8>> =
                    poisoned.changes.iter().map(<[u8]>::to_vec).collect();
                chunks.push(non_canonical(&[9; 16], ops + 1, &heads, "bomb", 5));
                poisoned.changes = chunks.into();
            }
            if let (Some(orphaned), true) = (&mut reply, self.orphan.as_ref() == Some(&id.0)) {
                use automerge::ReadDoc;
                let missing = automerge::ChangeHash([7; 32]);
                let ops = doc.stats().num_ops;
                let mut chunks: Vec<Vec<u8>> =
                    orphaned.changes.iter().map(<[u8]>::to_vec).collect();
                chunks.push(list_bomb(&[8; 16], ops + 10, &[missing], "later", 100_000));
                orphaned.changes = chunks.into();
            }
            if let Some(reply) = reply {
                response.messages.push(DocMessage(
                    DocKind::Case,
                    id,
                    ByteBuf::from(reply.encode()),
                ));
            }
        }
        ok(to_cbor(&response))
    }
}

/// Drives the session against `server` until it ends.
fn serve(
    mut run: SessionRun<'_, Result<SyncReport, Error>>,
    server: &mut ScriptedServer,
) -> Result<SyncReport, Error> {
    let mut fed = None;
    loop {
        match run.step(fed.take()) {
            Next::Done(done) => return done,
            Next::Io(Io::Wait(_)) => fed = Some(Fed::Waited),
            Next::Io(Io::Send(request)) => fed = Some(server.answer(&request)),
        }
    }
}

fn teammates_case(id: &str) -> automerge::AutoCommit {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let mut doc = CaseDoc::create(id, CaseKind::Ordinary, "DQ-116", "500103", day, day).unwrap();
    doc.apply(&[CaseEdit::AppendFindings("车厢未密闭。".into())])
        .unwrap();
    doc.automerge().clone()
}

#[test]
fn a_teammates_case_arrives_and_is_stored_like_an_edit() {
    let phone = enrolled_phone();
    let options = options();
    let id = uuid::Uuid::now_v7().to_string();
    let mut server = ScriptedServer::new(vec![(&id, teammates_case(&id))]);
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let report = serve(run, &mut server).unwrap();
    assert_eq!(report.docs_synced, 1);
    let case = phone.device.cases().get(&id).unwrap();
    assert_eq!(case.onsite.findings, "车厢未密闭。");
    assert_eq!(cursor(&phone).as_deref(), Some("1"));
    // Stored as an edit stores it: the next session has nothing to say about it.
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let (done, asked) = play(run, vec![quiet_round(1)]);
    assert_eq!(done.unwrap().docs_synced, 0);
    assert_eq!(sent(&asked).len(), 1);
}

#[test]
fn a_document_under_another_id_is_dropped_and_the_others_still_arrive() {
    let phone = enrolled_phone();
    let options = options();
    let (listed, inside, good) = (
        uuid::Uuid::now_v7().to_string(),
        uuid::Uuid::now_v7().to_string(),
        uuid::Uuid::now_v7().to_string(),
    );
    let mut server = ScriptedServer::new(vec![
        (&listed, teammates_case(&inside)),
        (&good, teammates_case(&good)),
    ]);
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    serve(run, &mut server).unwrap();
    for id in [&listed, &inside] {
        assert!(matches!(
            phone.device.cases().get(id),
            Err(Error::Case(crate::cases::CaseError::NotFound))
        ));
    }
    assert!(phone.device.cases().get(&good).is_ok());
}

#[test]
fn an_op_bomb_from_a_compromised_server_is_refused_and_the_others_still_arrive() {
    use automerge::ReadDoc;
    let phone = enrolled_phone();
    let options = options();
    // The officer's own case, which the server also holds, with a teammate's edit on it.
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let own = phone
        .device
        .cases()
        .create(CaseKind::Ordinary, "DQ-116", "500103", day, day)
        .unwrap();
    phone
        .device
        .cases()
        .edit(&own.id, &[CaseEdit::AppendFindings("本机记录。".into())])
        .unwrap();
    let mut on_server = CaseDoc::load(&phone.device.cases().snapshot(&own.id).unwrap()).unwrap();
    on_server
        .apply(&[CaseEdit::AppendFindings("同事补充。".into())])
        .unwrap();
    let teammates = uuid::Uuid::now_v7().to_string();
    let mut server = ScriptedServer::new(vec![
        (&own.id, on_server.automerge().clone()),
        (&teammates, teammates_case(&teammates)),
    ]);
    server.bomb = Some(own.id.clone());
    let ops_before = automerge::AutoCommit::load(&phone.device.cases().snapshot(&own.id).unwrap())
        .unwrap()
        .stats()
        .num_ops;

    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let report = serve(run, &mut server).unwrap();

    assert_eq!(report.docs_refused, vec![format!("{}:OverBudget", own.id)]);
    assert_eq!(
        phone.device.sync().refused_documents().unwrap(),
        vec![(own.id.clone(), DocRefusal::OverBudget)]
    );
    // Kept as the phone held it: nothing of the bomb, nor of the rest of that message.
    let kept = phone.device.cases().get(&own.id).unwrap();
    assert_eq!(kept.onsite.findings, "本机记录。");
    let ops_after = automerge::AutoCommit::load(&phone.device.cases().snapshot(&own.id).unwrap())
        .unwrap()
        .stats()
        .num_ops;
    assert_eq!(ops_after, ops_before);
    // The teammate's case in the same rounds arrived and was stored.
    let arrived = phone.device.cases().get(&teammates).unwrap();
    assert_eq!(arrived.onsite.findings, "车厢未密闭。");
    assert_eq!(
        DocRefusal::OverBudget.message_zh(),
        crate::texts::sync::DOCUMENT_OVER_BUDGET
    );
}

#[test]
fn a_change_automerge_could_not_save_is_refused_and_the_others_still_arrive() {
    let phone = enrolled_phone();
    let options = options();
    let (poisoned, good) = (
        uuid::Uuid::now_v7().to_string(),
        uuid::Uuid::now_v7().to_string(),
    );
    let mut server = ScriptedServer::new(vec![
        (&poisoned, teammates_case(&poisoned)),
        (&good, teammates_case(&good)),
    ]);
    server.poison = Some(poisoned.clone());
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let report = serve(run, &mut server).unwrap();
    assert_eq!(report.docs_refused, vec![format!("{poisoned}:Malformed")]);
    assert!(matches!(
        phone.device.cases().get(&poisoned),
        Err(Error::Case(crate::cases::CaseError::NotFound))
    ));
    assert_eq!(
        phone.device.cases().get(&good).unwrap().onsite.findings,
        "车厢未密闭。"
    );
}

#[test]
fn changes_left_waiting_for_a_dependency_are_refused_and_the_others_still_arrive() {
    let phone = enrolled_phone();
    let options = options();
    let (orphaned, good) = (
        uuid::Uuid::now_v7().to_string(),
        uuid::Uuid::now_v7().to_string(),
    );
    let mut server = ScriptedServer::new(vec![
        (&orphaned, teammates_case(&orphaned)),
        (&good, teammates_case(&good)),
    ]);
    server.orphan = Some(orphaned.clone());
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let report = serve(run, &mut server).unwrap();
    assert_eq!(report.docs_refused, vec![format!("{orphaned}:Incomplete")]);
    // Nothing of that message is kept, not even the whole case it carried beside the orphan.
    assert!(matches!(
        phone.device.cases().get(&orphaned),
        Err(Error::Case(crate::cases::CaseError::NotFound))
    ));
    assert_eq!(
        phone.device.cases().get(&good).unwrap().onsite.findings,
        "车厢未密闭。"
    );
    assert_eq!(
        DocRefusal::Incomplete.message_zh(),
        crate::texts::sync::DOCUMENT_INCOMPLETE
    );
}

/// The officer's own case, also on the server as `on_server` (the phone's copy before
/// `edits`), then edited on the phone.
fn own_case(phone: &Phone, edits: &[&str]) -> (String, automerge::AutoCommit) {
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 30).unwrap();
    let own = phone
        .device
        .cases()
        .create(CaseKind::Ordinary, "DQ-116", "500103", day, day)
        .unwrap();
    let snapshot = phone.device.cases().snapshot(&own.id).unwrap();
    let on_server = CaseDoc::load(&snapshot).unwrap().automerge().clone();
    for words in edits {
        let edit = CaseEdit::AppendFindings((*words).into());
        phone.device.cases().edit(&own.id, &[edit]).unwrap();
    }
    (own.id, on_server)
}

fn heads_on_phone(phone: &Phone, id: &str) -> Vec<automerge::ChangeHash> {
    automerge::AutoCommit::load(&phone.device.cases().snapshot(id).unwrap())
        .unwrap()
        .get_heads()
}

#[test]
fn a_change_sent_without_its_dependency_starts_over_and_everything_arrives() {
    let phone = enrolled_phone();
    let options = options();
    let (id, mut on_server) = own_case(&phone, &[]);
    // Two teammates' edits on the server, the second depending on the first.
    let mut teammate = CaseDoc::load(&on_server.save()).unwrap();
    for words in ["同事一。", "同事二。"] {
        teammate
            .apply(&[CaseEdit::AppendFindings(words.into())])
            .unwrap();
    }
    on_server = teammate.automerge().clone();
    let mut server = ScriptedServer::new(vec![(&id, on_server)]);
    server.false_positive = Some(id.clone());

    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let report = serve(run, &mut server).unwrap();

    assert!(
        server.false_positive.is_none(),
        "the script left a change out"
    );
    assert!(report.docs_refused.is_empty(), "{:?}", report.docs_refused);
    assert!(phone.device.sync().refused_documents().unwrap().is_empty());
    assert_eq!(
        phone.device.cases().get(&id).unwrap().onsite.findings,
        "同事一。同事二。"
    );
    // Synced: the next session has nothing to say about it.
    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let (done, asked) = play(run, vec![quiet_round(1)]);
    assert_eq!(done.unwrap().docs_synced, 0);
    assert_eq!(sent(&asked).len(), 1);
}

#[test]
fn a_change_the_servers_filter_falsely_claims_is_sent_again_and_everything_arrives() {
    let phone = enrolled_phone();
    let options = options();
    let (id, on_server) = own_case(&phone, &["本机一。"]);
    let first = heads_on_phone(&phone, &id);
    assert_eq!(first.len(), 1);
    let edit = CaseEdit::AppendFindings("本机二。".into());
    phone.device.cases().edit(&id, &[edit]).unwrap();
    let mut server = ScriptedServer::new(vec![(&id, on_server)]);
    server.claims = Some((id.clone(), first[0]));

    let run = phone.device.sync().start(&options, &|_| {}).unwrap();
    let report = serve(run, &mut server).unwrap();

    assert!(server.claims.is_none(), "the script claimed a change");
    assert!(report.docs_refused.is_empty(), "{:?}", report.docs_refused);
    assert!(phone.device.sync().refused_documents().unwrap().is_empty());
    let held = CaseDoc::read_automerge(&mut server.docs[0].1).unwrap();
    assert_eq!(held.onsite.findings, "本机一。本机二。");
    assert_eq!(server.docs[0].1.get_heads(), heads_on_phone(&phone, &id));
}
