//! Case-number blocks (案号段): the server hands each device a range it alone gives out
//! offline. A prefix belongs to the team that first used it; the same request id always gets
//! the same block.

use zhifa_core::cases::numbers::CaseNumberBlock;
use zhifa_core::sync::protocol::CaseNumberRequest;

use zhifa_core::sync::protocol::ErrorCode;
use zhifa_core::sync::SubjectKind;

use crate::devices::DeviceRecord;
use crate::error::{Failure, Refusal};
use crate::storage::{transaction_or_refusal, Database};

const MAX_BLOCK: u32 = 1_000;
const MAX_NUMBER: i64 = 99_999;

/// Only officers' devices give case numbers; asked before the request is even read.
pub fn may_reserve(device: &DeviceRecord) -> Result<(), NumbersRefusal> {
    if device.subject_kind == SubjectKind::Officer {
        Ok(())
    } else {
        Err(NumbersRefusal::NotAnOfficer)
    }
}

/// Why the server gives no block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NumbersRefusal {
    #[error("only officers' devices give case numbers")]
    NotAnOfficer,
    #[error("block size 1..=1000 and a prefix")]
    BadBlock,
    #[error("request id of another device")]
    OtherDevice,
    #[error("case-number prefix of another body")]
    OtherBody,
    #[error("no numbers left this year")]
    Exhausted,
}

impl Refusal for NumbersRefusal {
    fn code(&self) -> ErrorCode {
        match self {
            NumbersRefusal::BadBlock => ErrorCode::BadRequest,
            NumbersRefusal::NotAnOfficer
            | NumbersRefusal::OtherDevice
            | NumbersRefusal::OtherBody => ErrorCode::Forbidden,
            NumbersRefusal::Exhausted => ErrorCode::NumbersExhausted,
        }
    }
}

pub fn reserve(
    db: &dyn Database,
    device: &DeviceRecord,
    request: &CaseNumberRequest,
) -> Result<CaseNumberBlock, Failure<NumbersRefusal>> {
    may_reserve(device)?;
    if request.size == 0 || request.size > MAX_BLOCK || request.prefix.trim().is_empty() {
        return Err(NumbersRefusal::BadBlock.into());
    }
    // Every refusal comes before the first write, so a refused request commits nothing.
    transaction_or_refusal(db, |tx| {
        if let Some(grant) = tx.query_opt(
            "SELECT key_id, prefix, year, first, last FROM case_number_grant WHERE request_id = $1",
            &[request.request_id.clone().into()],
        )? {
            if grant.text(0)? != device.key_id {
                return Err(NumbersRefusal::OtherDevice.into());
            }
            return Ok(CaseNumberBlock {
                prefix: grant.text(1)?,
                year: grant.int(2)? as i32,
                first: grant.int(3)? as u32,
                last: grant.int(4)? as u32,
            });
        }
        let year = i64::from(request.year);
        let counter = tx.query_opt(
            &format!(
                "SELECT team, next FROM case_number_counter WHERE prefix = $1 AND year = $2{}",
                tx.lock_clause()
            ),
            &[request.prefix.clone().into(), year.into()],
        )?;
        let first = match &counter {
            Some(row) if row.text(0)? != device.team => {
                return Err(NumbersRefusal::OtherBody.into());
            }
            Some(row) => row.int(1)?,
            None => 1,
        };
        let last = first + i64::from(request.size) - 1;
        if last > MAX_NUMBER {
            return Err(NumbersRefusal::Exhausted.into());
        }
        tx.execute(
            "INSERT INTO case_number_counter (prefix, year, team, next) VALUES ($1, $2, $3, $4)
             ON CONFLICT (prefix, year) DO UPDATE SET next = excluded.next",
            &[
                request.prefix.clone().into(),
                year.into(),
                device.team.clone().into(),
                (last + 1).into(),
            ],
        )?;
        tx.execute(
            "INSERT INTO case_number_grant (request_id, key_id, prefix, year, first, last) VALUES ($1, $2, $3, $4, $5, $6)",
            &[
                request.request_id.clone().into(),
                device.key_id.clone().into(),
                request.prefix.clone().into(),
                year.into(),
                first.into(),
                last.into(),
            ],
        )?;
        Ok(CaseNumberBlock {
            prefix: request.prefix.clone(),
            year: request.year,
            first: first as u32,
            last: last as u32,
        })
    })
}
