//! Case-number blocks (案号段): the server hands each device a range it alone gives out
//! offline. A prefix belongs to the team that first used it; the same request id always gets
//! the same block.

use zhifa_core::cases::numbers::CaseNumberBlock;
use zhifa_core::sync::protocol::CaseNumberRequest;

use crate::api::ApiError;
use crate::devices::DeviceRecord;
use crate::storage::{transaction, Database};

const MAX_BLOCK: u32 = 1_000;
const MAX_NUMBER: i64 = 99_999;

pub fn reserve(
    db: &dyn Database,
    device: &DeviceRecord,
    request: &CaseNumberRequest,
) -> Result<CaseNumberBlock, ApiError> {
    if request.size == 0 || request.size > MAX_BLOCK || request.prefix.trim().is_empty() {
        return Err(ApiError::bad_request("block size 1..=1000 and a prefix"));
    }
    // Every refusal comes before the first write, so a refused request commits nothing.
    let reserved = transaction(db, |tx| {
        if let Some(grant) = tx.query_opt(
            "SELECT key_id, prefix, year, first, last FROM case_number_grant WHERE request_id = $1",
            &[request.request_id.clone().into()],
        )? {
            if grant.text(0)? != device.key_id {
                return Ok(Err(ApiError::forbidden("request id of another device")));
            }
            return Ok(Ok(CaseNumberBlock {
                prefix: grant.text(1)?,
                year: grant.int(2)? as i32,
                first: grant.int(3)? as u32,
                last: grant.int(4)? as u32,
            }));
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
                return Ok(Err(ApiError::forbidden(
                    "case-number prefix of another body",
                )));
            }
            Some(row) => row.int(1)?,
            None => 1,
        };
        let last = first + i64::from(request.size) - 1;
        if last > MAX_NUMBER {
            return Ok(Err(ApiError::new(
                409,
                "numbers_exhausted",
                "no numbers left this year",
            )));
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
        Ok(Ok(CaseNumberBlock {
            prefix: request.prefix.clone(),
            year: request.year,
            first: first as u32,
            last: last as u32,
        }))
    })?;
    reserved
}
