//! Signed events from devices (visits, code verifications, penalty choices): checked against
//! the sending device's key and subject, stored once by id with the signer's kind and subject
//! (from its enrolment, not from the event), and matched for supervision: every two-code visit
//! should meet the enterprise's verification of the officer's code. Who may vouch for what is
//! in docs/CODES.md ("What each event proves").

use chrono::{DateTime, Utc};
use serde::Serialize;
use zhifa_core::codes::visit::{VerificationRecord, VisitRecord};
use zhifa_core::crypto::sha256;
use zhifa_core::discretion::PenaltyChoice;
use zhifa_core::events::{open, EventKind};
use zhifa_core::sync::protocol::{EventAck, EventRefusal, EventUpload};
use zhifa_core::sync::SubjectKind;

use crate::devices::DeviceRecord;
use crate::error::ServerError;
use crate::storage::{transaction, Database, Value};
use crate::supervision::index::{self, Projector};

/// The fields supervision queries, read from an event the device signed.
struct Indexed {
    id: String,
    kind: &'static str,
    credit_code: String,
    credential_no: String,
    step: i64,
    ok: bool,
    at: DateTime<Utc>,
}

/// How the `event` table names a signer's kind.
fn signer_kind(device: &DeviceRecord) -> &'static str {
    match device.subject_kind {
        SubjectKind::Officer => "officer",
        SubjectKind::Enterprise => "enterprise",
    }
}

fn index(signed: &[u8], device: &DeviceRecord) -> Result<Indexed, EventRefusal> {
    let envelope = open::<ciborium::Value>(signed, &device.public_key)
        .map_err(|_| EventRefusal::BadSignature)?;
    let body = envelope.body;
    let at = envelope.created_at;
    let officer_device = device.subject_kind == SubjectKind::Officer;
    let indexed = match envelope.kind {
        EventKind::Visit => {
            let visit: VisitRecord = body
                .deserialized()
                .map_err(|_| EventRefusal::BadSignature)?;
            if !officer_device || visit.officer != device.subject {
                return Err(EventRefusal::Forbidden);
            }
            Indexed {
                id: visit.id,
                kind: "visit",
                credit_code: visit.credit_code,
                credential_no: visit.officer,
                step: i64::try_from(visit.step).map_err(|_| EventRefusal::BadSignature)?,
                ok: true,
                at,
            }
        }
        EventKind::CodeVerification => {
            let record: VerificationRecord = body
                .deserialized()
                .map_err(|_| EventRefusal::BadSignature)?;
            // A verification naming an enterprise is the enterprise's word: only a device
            // enrolled for that credit code may give it. An officer's device may log checks of
            // a colleague's code (naming no enterprise); those prove nothing about a visit.
            match (&record.verifier_credit_code, officer_device) {
                (Some(code), false) if *code == device.subject => {}
                (None, true) => {}
                _ => return Err(EventRefusal::VouchesForOther),
            }
            Indexed {
                id: record.id,
                kind: "code_verification",
                credit_code: record.verifier_credit_code.unwrap_or_default(),
                credential_no: record.credential_no.unwrap_or_default(),
                step: match record.step {
                    Some(step) => i64::try_from(step).map_err(|_| EventRefusal::BadSignature)?,
                    None => -1,
                },
                ok: record.refusal.is_none(),
                at,
            }
        }
        EventKind::PenaltyChoice => {
            let choice: PenaltyChoice = body
                .deserialized()
                .map_err(|_| EventRefusal::BadSignature)?;
            if !officer_device {
                return Err(EventRefusal::Forbidden);
            }
            Indexed {
                id: choice.id,
                kind: "penalty_choice",
                credit_code: String::new(),
                credential_no: device.subject.clone(),
                step: -1,
                ok: !choice.outside_band,
                at,
            }
        }
    };
    if indexed.id != envelope.id {
        return Err(EventRefusal::BadSignature);
    }
    Ok(indexed)
}

/// Stores what is new, acknowledges what the server holds (now or from an earlier attempt),
/// refuses the rest by id; what is new is projected into the supervision index by `projector`.
pub fn receive(
    db: &dyn Database,
    device: &DeviceRecord,
    upload: &EventUpload,
    projector: Option<&Projector>,
) -> Result<EventAck, ServerError> {
    let mut ack = EventAck::default();
    let mut fresh = Vec::new();
    for signed in &upload.events {
        match index(signed, device) {
            Ok(indexed) => fresh.push((indexed, signed.to_vec())),
            Err(refusal) => {
                // The id, if the envelope can be read at all, so the device can mark it.
                let id = open::<ciborium::Value>(signed, &device.public_key)
                    .map(|e| e.id)
                    .unwrap_or_default();
                ack.refused.push((id, refusal));
            }
        }
    }
    let now = Utc::now().timestamp();
    let stored = transaction(db, |tx| {
        let mut stored = Vec::new();
        for (event, signed) in &fresh {
            let digest = sha256(signed).to_vec();
            let inserted = tx.execute(
                "INSERT INTO event (id, kind, key_id, signer_kind, signer, digest, signed, credit_code, credential_no, step, ok, at_time, received_at)
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) ON CONFLICT (id) DO NOTHING",
                &[
                    event.id.clone().into(),
                    event.kind.into(),
                    device.key_id.clone().into(),
                    signer_kind(device).into(),
                    device.subject.clone().into(),
                    digest.clone().into(),
                    signed.clone().into(),
                    event.credit_code.clone().into(),
                    event.credential_no.clone().into(),
                    event.step.into(),
                    Value::Int(event.ok.into()),
                    event.at.timestamp().into(),
                    now.into(),
                ],
            )?;
            if let (1, Some(projector)) = (inserted, projector) {
                index::event(tx, projector, &event.id)?;
            }
            // Already here from an earlier attempt: the same content is acknowledged again.
            let same = inserted == 1
                || tx
                    .query_opt(
                        "SELECT digest FROM event WHERE id = $1",
                        &[event.id.clone().into()],
                    )?
                    .map(|r| r.bytes(0))
                    .transpose()?
                    == Some(digest);
            stored.push((event.id.clone(), same));
        }
        Ok(stored)
    })?;
    for (id, same) in stored {
        if same {
            ack.acked.push(id);
        } else {
            ack.refused.push((id, EventRefusal::Conflict));
        }
    }
    Ok(ack)
}

/// A visit or a verification, as supervision lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Sighting {
    pub event_id: String,
    pub credit_code: String,
    pub credential_no: String,
    pub step: i64,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Reconciliation {
    /// (visit, verification) pairs: the officer showed the code and the enterprise checked it.
    pub matched: Vec<(Sighting, Sighting)>,
    /// Visits no valid verification of the enterprise confirms (code not shown, or not scanned).
    pub visits_without_verification: Vec<Sighting>,
    /// Valid verifications with no visit recorded (inspected without opening a visit).
    pub verifications_without_visit: Vec<Sighting>,
}

/// How far apart (in 30-second steps) the visit's code and the scanned code may be: the
/// enterprise may scan a later code during the same visit.
pub const MATCH_STEPS: i64 = 240;

/// Matches visits with the enterprises' valid verifications in `[from, to)`. Both sides are
/// read by their signer, not by what the event claims: a visit is the officer's whose device
/// signed it, a verification the enterprise's whose device signed it. Anything else (a check
/// an officer's device logged, rows stored before signers were recorded) is no verification.
pub fn reconcile(
    db: &dyn Database,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Reconciliation, ServerError> {
    let rows = transaction(db, |tx| {
        tx.query(
            "SELECT id, kind, credit_code, credential_no, step, at_time FROM event
             WHERE ok = 1 AND at_time >= $1 AND at_time < $2
               AND ((kind = 'visit' AND signer_kind = 'officer' AND credential_no = signer)
                 OR (kind = 'code_verification' AND signer_kind = 'enterprise' AND credit_code = signer))
             ORDER BY at_time, id",
            &[from.timestamp().into(), to.timestamp().into()],
        )
    })?;
    let mut visits = Vec::new();
    let mut verifications = Vec::new();
    for row in rows {
        let sighting = Sighting {
            event_id: row.text(0)?,
            credit_code: row.text(2)?,
            credential_no: row.text(3)?,
            step: row.int(4)?,
            at: DateTime::from_timestamp(row.int(5)?, 0).ok_or(ServerError::Decode)?,
        };
        if row.text(1)? == "visit" {
            visits.push(sighting);
        } else {
            verifications.push(Some(sighting));
        }
    }
    let mut out = Reconciliation::default();
    for visit in visits {
        let found = verifications.iter_mut().find(|v| {
            v.as_ref().is_some_and(|v| {
                v.credit_code == visit.credit_code
                    && v.credential_no == visit.credential_no
                    && v.step.abs_diff(visit.step) <= MATCH_STEPS.unsigned_abs()
            })
        });
        match found.and_then(Option::take) {
            Some(verification) => out.matched.push((visit, verification)),
            None => out.visits_without_verification.push(visit),
        }
    }
    out.verifications_without_visit = verifications.into_iter().flatten().collect();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::SqliteDatabase;
    use zhifa_core::crypto::{sign1, Algorithm, Signer, SigningKey};
    use zhifa_core::events::{Envelope, EVENT_CONTENT_TYPE};

    fn device(kind: SubjectKind, subject: &str) -> (SigningKey, DeviceRecord) {
        let key = SigningKey::generate(Algorithm::EdDSA);
        let record = DeviceRecord {
            key_id: key.public_key().key_id().to_string(),
            public_key: key.public_key(),
            subject_kind: kind,
            subject: subject.into(),
            team: subject.into(),
            divisions: vec!["500103".into()],
        };
        (key, record)
    }

    fn verification(key: &SigningKey, id: &str, credit_code: Option<&str>) -> Vec<u8> {
        verification_at_step(key, id, credit_code, 1)
    }

    fn verification_at_step(
        key: &SigningKey,
        id: &str,
        credit_code: Option<&str>,
        step: u64,
    ) -> Vec<u8> {
        let now = Utc::now();
        let body = VerificationRecord {
            id: id.into(),
            code_hash: "00".into(),
            verifier_credit_code: credit_code.map(str::to_owned),
            credential_no: Some("渝50010320001".into()),
            step: Some(step),
            refusal: None,
            verified_at: now,
            wall_time: now,
            clock_trusted: true,
        };
        let envelope = Envelope {
            id: id.to_owned(),
            kind: EventKind::CodeVerification,
            created_at: now,
            body,
        };
        let mut payload = Vec::new();
        ciborium::into_writer(&envelope, &mut payload).unwrap();
        sign1(payload, EVENT_CONTENT_TYPE, key).unwrap()
    }

    fn upload(events: &[Vec<u8>]) -> EventUpload {
        EventUpload {
            events: events.iter().cloned().map(Into::into).collect(),
        }
    }

    #[test]
    fn a_step_no_clock_can_reach_is_refused_not_wrapped() {
        let dir = tempfile::tempdir().unwrap();
        let db = SqliteDatabase::open(&dir.path().join("server.sqlite3")).unwrap();
        let shop = "91500103MA5U1A0B2Y";
        let (shop_key, enterprise) = device(SubjectKind::Enterprise, shop);
        let far = verification_at_step(&shop_key, "v-far", Some(shop), u64::MAX);
        let near = verification_at_step(&shop_key, "v-near", Some(shop), 7);
        let ack = receive(&db, &enterprise, &upload(&[far, near]), None).unwrap();
        assert_eq!(
            ack.refused,
            vec![("v-far".into(), EventRefusal::BadSignature)]
        );
        assert_eq!(ack.acked, vec!["v-near".to_owned()]);
        // Reconciliation over what was stored compares steps without overflow.
        reconcile(&db, Utc::now() - chrono::Duration::days(1), Utc::now()).unwrap();
    }

    #[test]
    fn only_the_enterprise_s_own_device_vouches_for_it_and_is_stored_as_the_signer() {
        let dir = tempfile::tempdir().unwrap();
        let db = SqliteDatabase::open(&dir.path().join("server.sqlite3")).unwrap();
        let shop = "91500103MA5U1A0B2Y";
        let (officer_key, officer) = device(SubjectKind::Officer, "渝50010320001");
        let (shop_key, enterprise) = device(SubjectKind::Enterprise, shop);
        let (other_key, other_shop) = device(SubjectKind::Enterprise, "91500103MA5U1A0B3X");
        let forged = verification(&officer_key, "v1", Some(shop));
        let colleague_check = verification(&officer_key, "v2", None);
        let ack = receive(&db, &officer, &upload(&[forged, colleague_check]), None).unwrap();
        assert_eq!(
            ack.refused,
            vec![("v1".into(), EventRefusal::VouchesForOther)]
        );
        assert_eq!(ack.acked, vec!["v2".to_owned()]);
        let other = receive(
            &db,
            &other_shop,
            &upload(&[verification(&other_key, "v3", Some(shop))]),
            None,
        );
        assert_eq!(
            other.unwrap().refused,
            vec![("v3".into(), EventRefusal::VouchesForOther)]
        );
        let own = receive(
            &db,
            &enterprise,
            &upload(&[verification(&shop_key, "v4", Some(shop))]),
            None,
        );
        assert_eq!(own.unwrap().acked, vec!["v4".to_owned()]);
        let signers = transaction(&db, |tx| {
            tx.query("SELECT id, signer_kind, signer FROM event ORDER BY id", &[])
        })
        .unwrap();
        let signers: Vec<(String, String, String)> = signers
            .iter()
            .map(|r| (r.text(0).unwrap(), r.text(1).unwrap(), r.text(2).unwrap()))
            .collect();
        assert_eq!(
            signers,
            vec![
                ("v2".into(), "officer".into(), "渝50010320001".into()),
                ("v4".into(), "enterprise".into(), shop.into()),
            ]
        );
        // Only the enterprise's own verification is one for supervision.
        let now = Utc::now();
        let found = reconcile(
            &db,
            now - chrono::Duration::hours(1),
            now + chrono::Duration::hours(1),
        );
        let ids: Vec<String> = found
            .unwrap()
            .verifications_without_visit
            .into_iter()
            .map(|s| s.event_id)
            .collect();
        assert_eq!(ids, vec!["v4".to_owned()]);
    }
}
