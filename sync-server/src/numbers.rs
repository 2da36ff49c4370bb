//! Case-number blocks (案号段): the server hands each device a range it alone gives out
//! offline. A prefix belongs to the body whose catalogue record lists it (never to whoever
//! asked first); each device may take only so many numbers a day and a year, counted in the
//! database so that every replica agrees; the same request id always gets the same block.

use chrono::{DateTime, Datelike, Duration, Utc};
use zhifa_core::calendar::beijing_date;
use zhifa_core::cases::numbers::CaseNumberBlock;
use zhifa_core::sync::protocol::{CaseNumberRequest, ErrorCode};
use zhifa_core::sync::SubjectKind;

use crate::catalogue::CatalogueStore;
use crate::devices::DeviceRecord;
use crate::error::{Failure, Refusal};
use crate::storage::{transaction_or_refusal, Database, Tx};

const MAX_BLOCK: u32 = 1_000;
const MAX_NUMBER: i64 = 99_999;
/// Numbers one device may take in a Beijing day: ten blocks of a hundred, far above a day's
/// cases, so one device cannot drain a prefix's year (99,999) in a day, nor in 100 requests.
pub const DEVICE_NUMBERS_PER_DAY: i64 = 1_000;
/// And in a year, so that even patient exhaustion takes twenty devices of the body.
pub const DEVICE_NUMBERS_PER_YEAR: i64 = 5_000;

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
    #[error("case numbers are given for the current year only")]
    WrongYear,
    #[error("request id of another device")]
    OtherDevice,
    #[error("case-number prefix is not one of the device's body in the catalogue")]
    NotOwned,
    #[error("the device has taken its case numbers for the day or the year")]
    Quota,
    #[error("no numbers left this year")]
    Exhausted,
}

impl Refusal for NumbersRefusal {
    fn code(&self) -> ErrorCode {
        match self {
            NumbersRefusal::BadBlock | NumbersRefusal::WrongYear => ErrorCode::BadRequest,
            NumbersRefusal::NotAnOfficer | NumbersRefusal::OtherDevice => ErrorCode::Forbidden,
            NumbersRefusal::NotOwned => ErrorCode::PrefixNotOwned,
            NumbersRefusal::Quota => ErrorCode::NumbersQuota,
            NumbersRefusal::Exhausted => ErrorCode::NumbersExhausted,
        }
    }
}

/// The years a block may be for at `now`: Beijing's, and the neighbouring one within a day of
/// New Year (a phone whose clock sits on the other side of midnight).
fn current_year(year: i32, now: DateTime<Utc>) -> bool {
    [now - Duration::days(1), now, now + Duration::days(1)]
        .iter()
        .any(|t| beijing_date(*t).year() == year)
}

pub fn reserve(
    db: &dyn Database,
    catalogue: &CatalogueStore,
    device: &DeviceRecord,
    request: &CaseNumberRequest,
    now: DateTime<Utc>,
) -> Result<CaseNumberBlock, Failure<NumbersRefusal>> {
    may_reserve(device)?;
    if request.size == 0 || request.size > MAX_BLOCK || request.prefix.trim().is_empty() {
        return Err(NumbersRefusal::BadBlock.into());
    }
    let owned = catalogue
        .body(&device.team)?
        .is_some_and(|body| body.case_number_prefixes.contains(&request.prefix));
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
                first: grant.int(3)? as i32,
                last: grant.int(4)? as i32,
            });
        }
        if !owned {
            return Err(NumbersRefusal::NotOwned.into());
        }
        if !current_year(request.year, now) {
            return Err(NumbersRefusal::WrongYear.into());
        }
        let size = i64::from(request.size);
        let periods = [
            (format!("day {}", beijing_date(now)), DEVICE_NUMBERS_PER_DAY),
            (format!("year {}", request.year), DEVICE_NUMBERS_PER_YEAR),
        ];
        within_quota(tx, device, &periods, size)?;
        let year = i64::from(request.year);
        let counter = tx.query_opt(
            &format!(
                "SELECT next FROM case_number_counter WHERE prefix = $1 AND year = $2{}",
                tx.lock_clause()
            ),
            &[request.prefix.clone().into(), year.into()],
        )?;
        let first = match &counter {
            Some(row) => row.int(0)?,
            None => 1,
        };
        let last = first + size - 1;
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
        for (period, _) in &periods {
            tx.execute(
                "INSERT INTO case_number_quota (key_id, period, taken) VALUES ($1, $2, $3)
                 ON CONFLICT (key_id, period) DO UPDATE SET taken = case_number_quota.taken + excluded.taken",
                &[device.key_id.clone().into(), period.into(), size.into()],
            )?;
        }
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
            // Within 1..=MAX_NUMBER.
            first: first as i32,
            last: last as i32,
        })
    })
}

/// Whether `size` more numbers stay within each of the device's periods. The device's row is
/// locked first (PostgreSQL), so two replicas serving the same device count one after the
/// other even before its quota rows exist.
fn within_quota(
    tx: &mut dyn Tx,
    device: &DeviceRecord,
    periods: &[(String, i64)],
    size: i64,
) -> Result<(), Failure<NumbersRefusal>> {
    tx.query(
        &format!("SELECT 1 FROM device WHERE key_id = $1{}", tx.lock_clause()),
        &[device.key_id.clone().into()],
    )?;
    for (period, limit) in periods {
        let taken = tx
            .query_opt(
                "SELECT taken FROM case_number_quota WHERE key_id = $1 AND period = $2",
                &[device.key_id.clone().into(), period.into()],
            )?
            .map(|row| row.int(0))
            .transpose()?
            .unwrap_or(0);
        if taken + size > *limit {
            return Err(NumbersRefusal::Quota.into());
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::SqliteDatabase;
    use zhifa_core::crypto::{Algorithm, Signer, SigningKey};

    struct Fixture {
        db: SqliteDatabase,
        catalogue: CatalogueStore,
        _dir: tempfile::TempDir,
    }

    fn fixture() -> Fixture {
        let dir = tempfile::tempdir().unwrap();
        let catalogue = CatalogueStore::open(&dir.path().join("catalogue.sqlite3")).unwrap();
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../data/demo/catalogue.json");
        catalogue
            .publish(&serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap())
            .unwrap();
        let db = SqliteDatabase::open(&dir.path().join("server.sqlite3")).unwrap();
        Fixture {
            db,
            catalogue,
            _dir: dir,
        }
    }

    fn officer_of(team: &str) -> DeviceRecord {
        let key = SigningKey::generate(Algorithm::EdDSA);
        DeviceRecord {
            key_id: key.public_key().key_id().to_string(),
            public_key: key.public_key(),
            subject_kind: SubjectKind::Officer,
            subject: "渝50010320001".into(),
            team: team.into(),
            divisions: vec!["500103".into()],
        }
    }

    fn ask(prefix: &str, size: u32, year: i32) -> CaseNumberRequest {
        CaseNumberRequest {
            request_id: uuid_like(),
            prefix: prefix.into(),
            year,
            size,
        }
    }

    fn uuid_like() -> String {
        let mut bytes = [0u8; 16];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut bytes);
        hex::encode(bytes)
    }

    fn refusal<T: std::fmt::Debug>(result: Result<T, Failure<NumbersRefusal>>) -> NumbersRefusal {
        match result {
            Err(Failure::Refused(refusal)) => refusal,
            other => panic!("expected a refusal: {other:?}"),
        }
    }

    #[test]
    fn prefixes_are_the_catalogue_bodies_and_years_the_current_one() {
        let f = fixture();
        let now = Utc::now();
        let year = beijing_date(now).year();
        let market = officer_of("B500103001");
        let environment = officer_of("B500103002");
        let block = reserve(
            &f.db,
            &f.catalogue,
            &market,
            &ask("渝中市监罚", 100, year),
            now,
        );
        assert_eq!(block.unwrap().first, 1);
        let taken = reserve(
            &f.db,
            &f.catalogue,
            &environment,
            &ask("渝中市监罚", 100, year),
            now,
        );
        assert_eq!(refusal(taken), NumbersRefusal::NotOwned);
        let unknown = reserve(&f.db, &f.catalogue, &market, &ask("无主罚", 100, year), now);
        assert_eq!(refusal(unknown), NumbersRefusal::NotOwned);
        let future = reserve(
            &f.db,
            &f.catalogue,
            &market,
            &ask("渝中市监罚", 100, year + 2),
            now,
        );
        assert_eq!(refusal(future), NumbersRefusal::WrongYear);
        // The owner goes on where it left off.
        let next = reserve(
            &f.db,
            &f.catalogue,
            &market,
            &ask("渝中市监罚", 10, year),
            now,
        );
        assert_eq!(next.unwrap().first, 101);
    }

    #[test]
    fn a_device_takes_at_most_its_quota_and_a_retried_request_counts_once() {
        let f = fixture();
        let june = |day: u32| {
            DateTime::parse_from_rfc3339(&format!("2026-06-{day:02}T04:00:00Z"))
                .unwrap()
                .to_utc()
        };
        let greedy = officer_of("B500103001");
        let request = ask("渝中市监罚", 1_000, 2026);
        let first = reserve(&f.db, &f.catalogue, &greedy, &request, june(1)).unwrap();
        // The same request again is the same block, not another thousand.
        assert_eq!(
            reserve(&f.db, &f.catalogue, &greedy, &request, june(1)).unwrap(),
            first
        );
        let more = reserve(
            &f.db,
            &f.catalogue,
            &greedy,
            &ask("渝中市监罚", 1, 2026),
            june(1),
        );
        assert_eq!(refusal(more), NumbersRefusal::Quota);
        // Day by day it may take more, up to the year's quota.
        let days = (DEVICE_NUMBERS_PER_YEAR / DEVICE_NUMBERS_PER_DAY) as u32;
        for day in 2..=days {
            reserve(
                &f.db,
                &f.catalogue,
                &greedy,
                &ask("渝中市监罚", 1_000, 2026),
                june(day),
            )
            .unwrap();
        }
        let over = reserve(
            &f.db,
            &f.catalogue,
            &greedy,
            &ask("渝中市监罚", 1, 2026),
            june(days + 1),
        );
        assert_eq!(refusal(over), NumbersRefusal::Quota);
        // A colleague is not affected, and numbers go on after the greedy device's.
        let colleague = officer_of("B500103001");
        let block = reserve(
            &f.db,
            &f.catalogue,
            &colleague,
            &ask("渝中市监罚", 100, 2026),
            june(days + 1),
        );
        assert_eq!(block.unwrap().first, DEVICE_NUMBERS_PER_YEAR as i32 + 1);
    }
}
