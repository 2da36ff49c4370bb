//! Codes and visits on the device: the officer's duty credential, the rotating enforcement
//! code shown from it, the enterprise's offline check of a scanned officer code, and the visit
//! the officer opens by scanning the enterprise code. Every verdict and visit is a signed event.

use super::context::Context;
use crate::codes::credential::{check_credential, read_unverified};
use crate::codes::enforcement::{self, VerifiedOfficer, VerifyContext};
use crate::codes::enterprise::{self, VerifiedEnterprise};
use crate::codes::visit::{self, GpsFix, VerificationRecord, VisitRecord};
use crate::codes::{held, time_step, CodeRefusal, DutyCredential};
use crate::crypto;
use crate::events::{self, EventKind};
use crate::Error;

/// An enforcement code ready to show, and the step it is valid for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownCode {
    pub payload: String,
    pub step: u64,
}

/// The result of scanning an enterprise code to open a visit.
#[derive(Debug, Clone, PartialEq)]
pub struct VisitOpened {
    pub visit: VisitRecord,
    pub enterprise: VerifiedEnterprise,
    /// The enforcement code bound to this enterprise, to show now.
    pub enforcement_code: ShownCode,
}

pub struct CodeService<'d> {
    context: &'d Context,
}

impl<'d> CodeService<'d> {
    pub(super) fn new(context: &'d Context) -> Self {
        CodeService { context }
    }

    /// Checks a duty credential from the server against the trust list and this device's key,
    /// then keeps it as the officer's current credential.
    pub fn install_credential(&self, bytes: &[u8]) -> Result<DutyCredential, Error> {
        let context = self.context;
        let checked = check_credential(bytes, &context.registry, context.now().trusted)?;
        if checked.credential.device_key != context.keystore.public_key() {
            return Err(CodeRefusal::NotForThisDevice.into());
        }
        context
            .store
            .write(|tx| held::keep_credential(tx, bytes, checked.credential.expires_at))?;
        Ok(checked.credential)
    }

    /// The credential held, if it has not expired by trusted time.
    pub fn credential(&self) -> Result<Option<(Vec<u8>, DutyCredential)>, Error> {
        let Some(bytes) = self.context.store.read(held::kept_credential)? else {
            return Ok(None);
        };
        let credential = read_unverified(&bytes)?;
        Ok((credential.expires_at > self.context.now().trusted).then_some((bytes, credential)))
    }

    /// The enforcement code for the current 30-second step, bound to an enterprise if given.
    pub fn enforcement_code(&self, audience: Option<&str>) -> Result<ShownCode, Error> {
        let (credential, _) = self.credential()?.ok_or(CodeRefusal::NoDutyCredential)?;
        let step = time_step(self.context.now().trusted);
        let payload =
            enforcement::render(&credential, self.context.keystore.as_ref(), step, audience)?;
        Ok(ShownCode { payload, step })
    }

    /// The enterprise (or anyone) checks an officer's code offline. Every verdict, valid or
    /// not, is logged as a signed event; a valid (credential, step) is accepted only once.
    pub fn verify_enforcement_code(
        &self,
        scanned: &str,
        own_credit_code: Option<&str>,
        own_division: &str,
    ) -> Result<VerifiedOfficer, Error> {
        let context = self.context;
        let now = context.now();
        let verify = VerifyContext {
            now,
            own_credit_code: own_credit_code.map(str::to_owned),
            own_division: own_division.to_owned(),
        };
        let checked = enforcement::check(scanned, &verify, &context.registry);
        let mut record = VerificationRecord {
            id: uuid::Uuid::now_v7().to_string(),
            // The bare payload's hash whatever form was scanned (URL or `EC1:`).
            code_hash: hex::encode(crypto::sha256(
                enforcement::canonical(scanned)
                    .unwrap_or_else(|_| scanned.trim().to_owned())
                    .as_bytes(),
            )),
            verifier_credit_code: verify.own_credit_code.clone(),
            credential_no: None,
            step: None,
            refusal: None,
            verified_at: now.trusted,
            wall_time: now.wall,
            clock_trusted: now.is_trusted,
        };
        let outcome = context.store.write(|tx| {
            let outcome = match checked {
                Ok(code) => {
                    record.credential_no = Some(code.officer.credential_no.clone());
                    record.step = Some(code.step);
                    if held::first_use(tx, &code.credential_id, code.step, now.trusted)? {
                        Ok(code.officer)
                    } else {
                        Err(CodeRefusal::Replayed)
                    }
                }
                Err(refusal) => Err(refusal),
            };
            record.refusal = outcome.as_ref().err().cloned();
            events::append(
                tx,
                context.keystore.as_ref(),
                EventKind::CodeVerification,
                &record.id,
                now.trusted,
                &record,
            )?;
            Ok::<_, Error>(outcome)
        })?;
        Ok(outcome?)
    }

    /// The officer scans the enterprise code at the door: checks it, renders the enforcement
    /// code bound to that enterprise and signs the visit record, queued for sync.
    pub fn open_visit(
        &self,
        scanned_enterprise_code: &str,
        gps: Option<GpsFix>,
        officers_present: Vec<String>,
        planned_credit_code: Option<&str>,
    ) -> Result<VisitOpened, Error> {
        let context = self.context;
        let now = context.now();
        let enterprise = enterprise::verify(
            scanned_enterprise_code,
            now.trusted,
            &context.registry,
            planned_credit_code,
        )?;
        let (_, credential) = self.credential()?.ok_or(CodeRefusal::NoDutyCredential)?;
        let shown = self.enforcement_code(Some(&enterprise.code.credit_code))?;
        let visit = VisitRecord {
            id: uuid::Uuid::now_v7().to_string(),
            credit_code: enterprise.code.credit_code.clone(),
            enterprise_code_hash: hex::encode(crypto::sha256(
                scanned_enterprise_code.trim().as_bytes(),
            )),
            enforcement_code_hash: hex::encode(crypto::sha256(shown.payload.as_bytes())),
            step: shown.step,
            officer: credential.subject,
            officers_present,
            gps,
            opened_at: now.trusted,
            wall_time: now.wall,
            clock_trusted: now.is_trusted,
        };
        context.store.write(|tx| {
            visit::kept::keep(tx, &visit, &enterprise.code)?;
            events::append(
                tx,
                context.keystore.as_ref(),
                EventKind::Visit,
                &visit.id,
                now.trusted,
                &visit,
            )
        })?;
        Ok(VisitOpened {
            visit,
            enterprise,
            enforcement_code: shown,
        })
    }
}
