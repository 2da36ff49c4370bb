//! `serve --demo`'s data: the demo year (`supervision::simulate::demo`) stored once as the
//! documents a sync would have left, the warning rules run as of today, one case-file review
//! sample drawn and scored, and the demo accounts (one per role) created or reset with fresh
//! passwords, printed at start.
//! Loading is marked by a `counter` row, so a second start on the same data changes nothing
//! but the passwords (and warnings the day's run finds).

use chrono::{NaiveDate, Utc};
use zhifa_core::calendar::beijing_date;

use crate::catalogue::CatalogueStore;
use crate::error::ServerError;
use crate::storage::{transaction, Database, Tx};
use crate::supervision::accounts;
use crate::supervision::api::Role;
use crate::supervision::review::{self, Rate};
use crate::supervision::simulate::{demo, load::Loaded, synced};
use crate::supervision::warnings::{self, Rules};
use crate::supervision::Scope;

/// The `counter` row marking the demo year loaded; its value is the year's last day
/// (days since 1970-01-01).
pub const LOADED: &str = "demo_year_loaded";

/// Who the demo's records name as having drawn its review sample.
pub const REVIEWER: &str = "演示评查员";

/// What a demo start did.
#[derive(Debug, Clone, Default)]
pub struct Prepared {
    /// The load, when this start made it (`None`: it was there).
    pub loaded: Option<Loaded>,
    /// The demo year's last day.
    pub as_of: Option<NaiveDate>,
    /// Warnings open after today's run.
    pub open_warnings: i64,
    /// Cases and inspections in the index.
    pub cases: i64,
    pub inspections: i64,
    /// The review sample drawn by this start.
    pub sample: Option<String>,
}

/// The demo year's last day, when it is loaded.
pub fn loaded_until(db: &dyn Database) -> Result<Option<NaiveDate>, ServerError> {
    let row = transaction(db, |tx| {
        tx.query_opt(
            "SELECT value FROM counter WHERE name = $1",
            &[LOADED.into()],
        )
    })?;
    row.map(|r| r.int(0))
        .transpose()
        .map(|days| days.and_then(day_of))
}

fn day_of(days: i64) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(1970, 1, 1)?.checked_add_signed(chrono::Duration::days(days))
}

fn days_of(day: NaiveDate) -> i64 {
    (day - NaiveDate::from_ymd_opt(1970, 1, 1).expect("valid")).num_days()
}

/// Loads the demo year as of `today` unless it is loaded; what it loaded.
pub fn ensure_year(db: &dyn Database, today: NaiveDate) -> Result<Option<Loaded>, ServerError> {
    if loaded_until(db)?.is_some() {
        return Ok(None);
    }
    let generator = demo::generator(demo::config(today)).map_err(ServerError::Config)?;
    let as_of = generator.config.as_of();
    let mark = move |tx: &mut dyn Tx| {
        // A load raced by another replica's fails here, whole, on the marker's key.
        tx.execute(
            "INSERT INTO counter (name, value) VALUES ($1, $2)",
            &[LOADED.into(), days_of(as_of).into()],
        )?;
        Ok(())
    };
    synced::load(db, &generator, &demo::extras, &mark).map(Some)
}

/// Everything `serve --demo` prepares before serving, over a published demo catalogue.
pub fn prepare(db: &dyn Database, catalogue: &CatalogueStore) -> Result<Prepared, ServerError> {
    let today = beijing_date(Utc::now());
    let loaded = ensure_year(db, today)?;
    let as_of = loaded_until(db)?;
    warnings::run(db, &Rules::builtin(), today)?;
    let sample = match (&loaded, as_of) {
        (Some(_), Some(until)) => Some(draw_sample(db, catalogue, until)?),
        _ => None,
    };
    let count =
        |sql: &str| transaction(db, |tx| tx.query_opt(sql, &[])?.map_or(Ok(0), |r| r.int(0)));
    Ok(Prepared {
        loaded,
        as_of,
        open_warnings: count("SELECT COUNT(*) FROM sv_warning WHERE status = 'open'")?,
        cases: count("SELECT COUNT(*) FROM sv_case")?,
        inspections: count("SELECT COUNT(*) FROM sv_inspection")?,
        sample,
    })
}

/// One city-wide sample of a tenth of the year's decided cases, scored by the checklist.
fn draw_sample(
    db: &dyn Database,
    catalogue: &CatalogueStore,
    until: NaiveDate,
) -> Result<String, ServerError> {
    let from = NaiveDate::from_ymd_opt(chrono::Datelike::year(&until), 1, 1).expect("valid");
    let sample = review::draw(
        db,
        &Scope::City,
        (from, until),
        Rate::Percent(10),
        demo::SEED,
        REVIEWER,
    )?;
    review::score_sample(db, catalogue, &sample.id, REVIEWER)?;
    Ok(sample.id)
}

/// What `serve --demo` prints at start, in zh-CN: the demo year, the console's address and
/// the demo accounts with their passwords.
pub fn banner(
    prepared: &Prepared,
    accounts: &[DemoAccount],
    listen: std::net::SocketAddr,
) -> String {
    let mut out = String::new();
    if let Some(until) = prepared.as_of {
        let from = NaiveDate::from_ymd_opt(chrono::Datelike::year(&until), 1, 1).expect("valid");
        out.push_str(&format!(
            "演示数据：{}至{}，渝中区、渝北区、邻水县9个执法主体，案件{}件，入企检查{}次，未处理预警{}条。\n",
            date_zh(from),
            date_zh(until),
            prepared.cases,
            prepared.inspections,
            prepared.open_warnings,
        ));
    }
    out.push_str(&format!("监督控制台：http://{listen}/console\n"));
    out.push_str("演示账号（每次以 --demo 启动时重设密码）：\n");
    let row = |user: String, role: &str, scope: &str, password: &str| {
        format!(
            "  {user}  {}  {}  {password}\n",
            pad(role, 8),
            pad(scope, 10)
        )
    };
    out.push_str(&row(pad("用户名", 7), "角色", "监督范围", "密码"));
    for account in accounts {
        let user = format!("{:<14}", account.username);
        out.push_str(&row(
            user,
            account.role.name_zh(),
            account.scope_zh,
            &account.password,
        ));
    }
    out
}

/// `text` padded with ideographic spaces to `chars` characters (a CJK character is as wide
/// as two ASCII ones in a terminal).
fn pad(text: &str, chars: usize) -> String {
    let mut out = text.to_owned();
    for _ in text.chars().count()..chars {
        out.push('\u{3000}');
    }
    out
}

fn date_zh(day: NaiveDate) -> String {
    zhifa_core::texts::cases::date_zh(day)
}

/// One demo account as `serve --demo` prints it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoAccount {
    pub username: &'static str,
    pub name: &'static str,
    pub role: Role,
    pub scope: Scope,
    pub scope_zh: &'static str,
    /// Fresh at every start; shown once, at start.
    pub password: String,
}

/// The demo's accounts: one of each role, two districts (so a district refused another's
/// case can be tried), the market regulator's own supervision.
fn demo_accounts() -> Vec<(&'static str, &'static str, Role, Scope, &'static str)> {
    let district = |code: &str| Scope::District(code.into());
    vec![
        (
            "demo-city",
            "演示市级监督员",
            Role::City,
            Scope::City,
            "全市",
        ),
        (
            "demo-yuzhong",
            "演示渝中区监督员",
            Role::District,
            district("500103"),
            "渝中区",
        ),
        (
            "demo-yubei",
            "演示渝北区监督员",
            Role::District,
            district("500112"),
            "渝北区",
        ),
        (
            "demo-body",
            "演示市场监管局内部监督员",
            Role::Body,
            Scope::Body("B500103001".into()),
            "渝中区市场监督管理局",
        ),
        (
            "demo-reviewer",
            "演示案卷评查员",
            Role::Reviewer,
            Scope::City,
            "全市",
        ),
    ]
}

/// Letters and digits a person cannot misread for one another (no 0/O/o, 1/l/I).
const UNAMBIGUOUS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

/// A fresh password of `chars` unambiguous characters from the system's random source.
pub fn password(chars: usize) -> String {
    let mut out = String::with_capacity(chars);
    while out.len() < chars {
        let mut byte = [0u8; 1];
        rand_core::RngCore::fill_bytes(&mut rand_core::OsRng, &mut byte);
        // Rejection keeps every character equally likely (56 × 4 = 224 ≤ 256).
        if usize::from(byte[0]) < UNAMBIGUOUS.len() * 4 {
            out.push(char::from(
                UNAMBIGUOUS[usize::from(byte[0]) % UNAMBIGUOUS.len()],
            ));
        }
    }
    out
}

/// Creates the demo accounts, or resets them with fresh passwords (ending their sessions).
pub fn reset_accounts(db: &dyn Database) -> Result<Vec<DemoAccount>, ServerError> {
    let now = Utc::now().timestamp();
    let mut out = Vec::new();
    for (username, name, role, scope, scope_zh) in demo_accounts() {
        let password = password(14);
        accounts::create(db, username, name, role, &scope, &password, now)?;
        out.push(DemoAccount {
            username,
            name,
            role,
            scope,
            scope_zh,
            password,
        });
    }
    Ok(out)
}
