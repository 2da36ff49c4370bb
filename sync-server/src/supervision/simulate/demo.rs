//! The demo year (`serve --demo`): the shipped demo catalogue (9 bodies in 渝中区, 渝北区
//! and 邻水县) from 1 January to today in Beijing, a body's cases from the violations its
//! officers are authorised for, and the anomalies placed by hand on those few bodies so the
//! warnings inbox holds several rules. Deterministic for a seed and a day.

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use zhifa_core::cases::{CaseKind, Inquiry};
use zhifa_core::registry::CatalogueData;

use super::anomalies::{Officers, Plan};
use super::config::{CityScale, CityYear};
use super::documents::Extras;
use super::evidence;
use super::world::{weights, Random, World};
use super::year::{BodyYear, Generator};
use crate::error::ServerError;

/// The demo catalogue, as `publish --catalogue demo` publishes it.
pub const CATALOGUE: &str = include_str!("../../../../data/demo/catalogue.json");

/// The seed of every demo year.
pub const SEED: u64 = 20_261_201;

/// A body's yearly means in the demo: livelier than the city's per body for cases (the demo
/// has few bodies), fewer inspections (its districts list few enterprises).
const CASES_PER_BODY: f64 = 75.0;
const INSPECTIONS_PER_BODY: f64 = 60.0;

/// The demo year as of `today` (Beijing): its calendar year so far; before March, the whole
/// year before, so the monthly figures and warnings always have months behind them.
pub fn config(today: NaiveDate) -> CityYear {
    let (year, until) = if today.month() >= 3 {
        (today.year(), today)
    } else {
        let year = today.year() - 1;
        (year, NaiveDate::from_ymd_opt(year, 12, 31).expect("valid"))
    };
    CityYear {
        scale: CityScale::Demo,
        seed: SEED,
        year,
        until: Some(until),
        cases_per_body: CASES_PER_BODY,
        inspections_per_body: INSPECTIONS_PER_BODY,
    }
}

pub fn catalogue() -> Result<CatalogueData, String> {
    serde_json::from_str(CATALOGUE).map_err(|e| format!("demo catalogue: {e}"))
}

/// The demo year's generator over the demo catalogue.
pub fn generator(config: CityYear) -> Result<Generator, String> {
    let mut world = World::new(catalogue()?, config.seed)?;
    authorised_violations(&mut world);
    // The stall and tools of a street vendor (the demo's DQ-118-3 confiscates them).
    world.property_value = Some(1_500);
    world.collective_decisions = true;
    let plan = plan(&world, &config);
    Ok(Generator {
        config,
        world,
        plan,
    })
}

/// A body's violations are those of the items its officers are authorised for (the demo's
/// body names do not all carry their sector, which the generated catalogues' do).
fn authorised_violations(world: &mut World) {
    let data = &world.data;
    for view in &mut world.bodies {
        let items: std::collections::HashSet<&str> = (view.officers.iter())
            .flat_map(|&o| data.officers[o].items.iter().map(String::as_str))
            .collect();
        view.violations = (0..data.violations.len())
            .filter(|&v| items.contains(data.violations[v].item_code.as_str()))
            .collect();
        view.violation_weights = weights(data, &view.violations);
    }
}

/// Where the demo's anomalies sit, by body id.
const MARKET: &str = "B500103001";
const ECOLOGY: &str = "B500103002";
const CITY_MANAGEMENT: &str = "B500103003";
const TRANSPORT: &str = "B500103004";
const HEALTH: &str = "B500103005";
const EMERGENCY: &str = "B500103006";
const YUBEI: &str = "B500112003";
const LINSHUI: &str = "B511623003";

/// The anomalies placed on the demo's bodies: a departing officer, a complaint spike and an
/// unverified officer at the market regulator; an income jump at ecology; overdue, near-limit
/// and unreviewed cases at city management and in the other two districts; a refused code;
/// one enterprise visited by four bodies in a month; 渝中区 over-inspecting A-grade
/// enterprises.
pub fn plan(world: &World, config: &CityYear) -> Plan {
    let mut rng = Random::new(config.seed ^ 0xDE70_0001);
    let mut plan = Plan::empty(config);
    let at = |id: &str| world.bodies.iter().position(|b| b.id == id);
    let month = format!("{}-{:02}", config.year, config.anomaly_month());
    plan.officers(world, at(MARKET), &mut rng, Officers::Departing);
    plan.complaints(world, at(MARKET), &mut rng, &month);
    plan.officers(world, at(HEALTH), &mut rng, Officers::Unverified);
    plan.officers(world, at(CITY_MANAGEMENT), &mut rng, Officers::Refused);
    plan.income_jump(world, at(ECOLOGY), &month);
    for (id, overdue, near, extended, unreviewed) in [
        (CITY_MANAGEMENT, 2, 2, 1, 2),
        (TRANSPORT, 1, 1, 0, 1),
        (MARKET, 0, 1, 1, 1),
        (YUBEI, 1, 1, 0, 1),
        (LINSHUI, 1, 1, 0, 0),
    ] {
        let Some(b) = at(id) else { continue };
        let entry = plan.bodies.entry(b).or_default();
        entry.overdue += overdue;
        entry.near_limit += near;
        entry.near_limit_extended += extended;
        entry.unreviewed += unreviewed;
    }
    // An enterprise of one of five bodies of 渝中区, visited by the other four in a month.
    let visitors: Vec<usize> = [ECOLOGY, TRANSPORT, HEALTH, EMERGENCY]
        .iter()
        .filter_map(|id| at(id))
        .collect();
    if let Some(home) = at(MARKET) {
        let mut pool = vec![home];
        pool.extend(&visitors);
        plan.multi_body(world, config, &pool, &mut rng, &month);
    }
    if let Some(b) = at(MARKET) {
        plan.a_grade_districts
            .push(world.bodies[b].district.clone());
    }
    plan
}

/// What the demo adds to its case files beyond the generator's: an inquiry record in every
/// ordinary case, and in every third one two photographs taken on site.
pub fn extras(generator: &Generator, year: &BodyYear, n: usize) -> Result<Extras, ServerError> {
    let case = &year.cases[n];
    let party = &case.parties[0];
    let violation = (generator.world.data.violations.iter())
        .find(|v| v.code == case.violation)
        .map_or("违法", |v| v.name.as_str());
    let findings = format!(
        "执法人员出示执法证件后进行现场检查，发现当事人{}存在{violation}的行为，已拍照取证并告知当事人。",
        party.name
    );
    if case.kind != CaseKind::Ordinary {
        return Ok(Extras {
            findings: Some(findings),
            ..Extras::default()
        });
    }
    let person = match &party.representative {
        Some(representative) => format!("{representative}（当事人的法定代表人）"),
        None => format!("{}（当事人）", party.name),
    };
    let inquiry = Inquiry {
        person,
        time: case.onsite.time.replace("T10:00", "T14:30"),
        record: format!(
            "问：执法人员已出示执法证件，你是否看清？答：看清了。问：现场检查发现的{violation}的情况是否属实？答：属实，我们知道错了，愿意配合调查、立即整改。"
        ),
    };
    let mut extras = Extras {
        findings: Some(findings),
        inquiry: Some(inquiry),
        ..Extras::default()
    };
    if n.is_multiple_of(3) {
        let lead = &case.officers[0].credential_no;
        let at = DateTime::parse_from_rfc3339(&case.onsite.time)
            .map(|t| t.with_timezone(&Utc))
            .unwrap_or_else(|_| Utc::now());
        for (i, what) in ["现场照片：违法行为发生地点全景", "现场照片：涉案物品近景"]
            .iter()
            .enumerate()
        {
            let hue = (n * 37 + i * 90) as u8;
            let content = evidence::photo(64, 48, hue);
            let at = at + chrono::Duration::minutes(5 * i as i64);
            let item = evidence::signed(lead, at, &content, ("视听资料", what))?;
            extras.evidence.push(item);
            extras.blobs.push((at, content));
        }
    }
    Ok(extras)
}
