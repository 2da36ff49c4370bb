//! The anomalies injected into a city-year, planned before any body is generated: which
//! bodies, officers, enterprises and districts carry which anomaly, chosen from the seed so
//! that bodies carrying a statistical anomaly carry only that one. Scope-level truth is
//! recorded here; case-level truth (the cases behind an overdue or unreviewed decision) as
//! the generator makes them.

use std::collections::{BTreeMap, HashMap};

use chrono::NaiveDate;

use super::config::{CityScale, CityYear};
use super::truth::{Expected, Truth};
use super::world::{Random, World};

/// The warning rules' ids (`sync-server/supervision/warnings.toml`) each anomaly must fire.
pub mod rule {
    pub const INCOME_SURGE: &str = "income_growth";
    pub const QUOTA: &str = "quota_regularity";
    pub const DEPARTURE_BODY: &str = "baseline_departures_body";
    pub const DEPARTURE_OFFICER: &str = "baseline_departures";
    pub const SAME_FACTS: &str = "same_facts_spread";
    pub const SEVERAL_BODIES: &str = "multi_body_inspection";
    pub const A_GRADE: &str = "a_grade_share";
    pub const UNVERIFIED: &str = "visit_unverified";
    pub const CODE_REFUSED: &str = "code_refused";
    pub const OVERDUE: &str = "case_overdue";
    pub const NEAR_LIMIT: &str = "case_near_limit";
    pub const NO_LEGAL_REVIEW: &str = "legal_review_missing";
    pub const COMPLAINTS_BODY: &str = "complaints_spike";
    pub const COMPLAINTS_OFFICER: &str = "complaints_officer";
}

/// What one body carries.
#[derive(Debug, Clone, Default)]
pub struct BodyPlan {
    /// Monthly quotas: its cases are 2–3 a month in each of these towns, fined 2,000–2,500.
    pub quota_towns: Vec<String>,
    /// Fine income jumps in `CityYear::anomaly_month`.
    pub income_jump: bool,
    /// Officers (catalogue indices) who depart from the baseline often.
    pub departing: Vec<usize>,
    /// The whole body departs from the baseline often.
    pub departing_body: bool,
    /// Officers whose visits mostly lack the enterprise's verification.
    pub unverified: Vec<usize>,
    /// Officers whose code is refused at several visits.
    pub refused: Vec<usize>,
    /// Cases overdue, near their limit without extension, near it with one (must stay
    /// silent), decided without the legal review they needed.
    pub overdue: usize,
    pub near_limit: usize,
    pub near_limit_extended: usize,
    pub unreviewed: usize,
    /// Same violation and facts: this body fines at the band's bottom (false) or top (true).
    pub same_facts: Vec<(usize, bool)>,
    /// Extra visits to an enterprise (catalogue index) on a day: several bodies in a month.
    pub extra_visits: Vec<(usize, NaiveDate)>,
    /// Complaints about one of its officers pile up in `CityYear::anomaly_month`.
    pub complaint_spike: Option<usize>,
}

/// The whole plan.
#[derive(Debug, Clone, Default)]
pub struct Plan {
    pub bodies: HashMap<usize, BodyPlan>,
    /// Districts whose bodies inspect A-grade enterprises far above 3 %.
    pub a_grade_districts: Vec<String>,
    pub truth: Truth,
}

impl Plan {
    pub fn new(world: &World, config: &CityYear) -> Plan {
        let mut rng = Random::new(config.seed ^ 0xA70A_11E5);
        let several: usize = match config.scale {
            CityScale::Full => 6,
            CityScale::Small | CityScale::Demo => 2,
        };
        let mut plan = Plan::empty(config);
        // Bodies with officers and enterprises, in a seeded order; each statistical anomaly
        // takes the next unused ones.
        let mut order: Vec<usize> = (0..world.bodies.len())
            .filter(|&b| {
                world.bodies[b].officers.len() >= 4 && !world.bodies[b].violations.is_empty()
            })
            .collect();
        rng_shuffle(&mut rng, &mut order);
        let mut next = order.into_iter();
        let month = format!("{}-{:02}", config.year, config.anomaly_month());
        let a_district = next.next().map(|b| world.bodies[b].district.clone());
        for _ in 0..several {
            plan.quota(world, next.next(), &month);
            plan.income_jump(world, next.next(), &month);
            plan.officers(world, next.next(), &mut rng, Officers::Departing);
            plan.departing_body(world, next.next());
            plan.officers(world, next.next(), &mut rng, Officers::Unverified);
            plan.officers(world, next.next(), &mut rng, Officers::Refused);
            plan.complaints(world, next.next(), &mut rng, &month);
        }
        let mut rest: Vec<usize> = next.collect();
        if let Some(district) = a_district {
            rest.retain(|&b| world.bodies[b].district != district);
            // The district's bodies together over-inspect A-grade enterprises: the rule
            // judges a district's share, so the district is what must fire.
            let expected = scope("a_grade_share", "district", &district, "", &district, "");
            plan.truth.add(rule::A_GRADE, expected);
            plan.a_grade_districts.push(district);
        }
        // Case-level flaws and cross-body anomalies on the remaining bodies.
        let mut flawed = rest.iter().copied().cycle();
        for _ in 0..several {
            for kind in 0..4 {
                let Some(b) = flawed.next() else { break };
                let entry = plan.bodies.entry(b).or_default();
                match kind {
                    0 => entry.overdue += 2,
                    1 => entry.near_limit += 2,
                    2 => entry.near_limit_extended += 2,
                    _ => entry.unreviewed += 2,
                }
            }
        }
        for _ in 0..several.div_ceil(2) {
            plan.same_facts(world, &rest, &mut rng);
            plan.multi_body(world, config, &rest, &mut rng, &month);
        }
        plan
    }

    /// A plan injecting nothing yet, its truth naming the config.
    pub fn empty(config: &CityYear) -> Plan {
        Plan {
            truth: Truth {
                tolerated: BTreeMap::new(),
                scale: config.scale.as_str().into(),
                seed: config.seed,
                year: config.year,
                as_of: config.as_of().to_string(),
                rules: BTreeMap::new(),
            },
            ..Plan::default()
        }
    }

    pub(super) fn quota(&mut self, world: &World, body: Option<usize>, month: &str) {
        let Some(b) = body else { return };
        if world.banded_profile(b, 2_000, 2_500).is_none() {
            return;
        }
        let view = &world.bodies[b];
        let towns = super::world::towns(&view.district);
        self.bodies.entry(b).or_default().quota_towns = towns[..6].to_vec();
        self.truth.add(
            rule::QUOTA,
            scope(
                "quota",
                "body",
                &view.id,
                &view.id,
                &view.district,
                &month[..4],
            ),
        );
    }

    pub(super) fn income_jump(&mut self, world: &World, body: Option<usize>, month: &str) {
        let Some(b) = body else { return };
        let view = &world.bodies[b];
        self.bodies.entry(b).or_default().income_jump = true;
        self.truth.add(
            rule::INCOME_SURGE,
            scope(
                "income_jump",
                "body",
                &view.id,
                &view.id,
                &view.district,
                month,
            ),
        );
    }

    pub(super) fn officers(
        &mut self,
        world: &World,
        body: Option<usize>,
        rng: &mut Random,
        kind: Officers,
    ) {
        let Some(b) = body else { return };
        let view = &world.bodies[b];
        let officer = view.officers[rng.below(view.officers.len())];
        let credential = &world.data.officers[officer].credential_no;
        let entry = self.bodies.entry(b).or_default();
        let (rule, anomaly) = match kind {
            Officers::Departing => {
                entry.departing.push(officer);
                // Its departures raise the body's rate too: a firing there is right.
                let body = scope("departures", "body", &view.id, &view.id, &view.district, "");
                self.truth.tolerate(rule::DEPARTURE_BODY, body);
                (rule::DEPARTURE_OFFICER, "departures")
            }
            Officers::Unverified => {
                entry.unverified.push(officer);
                (rule::UNVERIFIED, "unverified_visits")
            }
            Officers::Refused => {
                entry.refused.push(officer);
                (rule::CODE_REFUSED, "refused_code")
            }
        };
        self.truth.add(
            rule,
            scope(anomaly, "officer", credential, &view.id, &view.district, ""),
        );
    }

    /// A body whose officers all depart from the baseline often: each of them may fire.
    pub(super) fn departing_body(&mut self, world: &World, body: Option<usize>) {
        let Some(b) = body else { return };
        let view = &world.bodies[b];
        self.bodies.entry(b).or_default().departing_body = true;
        self.truth.add(
            rule::DEPARTURE_BODY,
            scope(
                "departing_body",
                "body",
                &view.id,
                &view.id,
                &view.district,
                "",
            ),
        );
        for &officer in &view.officers {
            let credential = &world.data.officers[officer].credential_no;
            let expected = scope(
                "departing_body",
                "officer",
                credential,
                &view.id,
                &view.district,
                "",
            );
            self.truth.tolerate(rule::DEPARTURE_OFFICER, expected);
        }
    }

    pub(super) fn complaints(
        &mut self,
        world: &World,
        body: Option<usize>,
        rng: &mut Random,
        month: &str,
    ) {
        let Some(b) = body else { return };
        let view = &world.bodies[b];
        let officer = view.officers[rng.below(view.officers.len())];
        self.bodies.entry(b).or_default().complaint_spike = Some(officer);
        self.truth.add(
            rule::COMPLAINTS_BODY,
            scope(
                "complaints",
                "body",
                &view.id,
                &view.id,
                &view.district,
                month,
            ),
        );
        let credential = &world.data.officers[officer].credential_no;
        self.truth.add(
            rule::COMPLAINTS_OFFICER,
            scope(
                "complaints",
                "officer",
                credential,
                &view.id,
                &view.district,
                month,
            ),
        );
    }

    /// Bodies of one sector fining one violation's lighter row far apart.
    fn same_facts(&mut self, world: &World, rest: &[usize], rng: &mut Random) {
        let Some(&first) = rest.get(rng.below(rest.len())) else {
            return;
        };
        let violations = &world.bodies[first].violations;
        // Any body of the sector but a quota body (whose fines are its anomaly).
        let peers: Vec<usize> = (0..world.bodies.len())
            .filter(|&b| world.bodies[b].violations == *violations)
            .filter(|b| self.bodies.get(b).is_none_or(|p| p.quota_towns.is_empty()))
            .collect();
        if peers.len() < 4 || violations.is_empty() {
            return;
        }
        // The violation with the widest statutory range (its lighter band is widest too).
        let violation = *violations
            .iter()
            .max_by_key(|&&v| spread(world, v))
            .expect("not empty");
        let mut chosen = Vec::new();
        while chosen.len() < 4 {
            let b = peers[rng.below(peers.len())];
            if !chosen.contains(&b) {
                chosen.push(b);
            }
        }
        // One body fines at the bottom of the band, three at its top: the bottom one lies
        // far from the bodies' median.
        for (n, &b) in chosen.iter().enumerate() {
            self.bodies
                .entry(b)
                .or_default()
                .same_facts
                .push((violation, n > 0));
            if n == 0 {
                // The rule names the violation (one city-wide warning, the bodies and their
                // fines in its evidence), so the violation is what must fire.
                let code = &world.data.violations[violation].code;
                let expected = scope("same_facts", "violation", code, "", "", "");
                self.truth.add(rule::SAME_FACTS, expected);
            }
        }
    }

    /// One enterprise inspected by four bodies that do not regulate it, within one month.
    pub(super) fn multi_body(
        &mut self,
        world: &World,
        config: &CityYear,
        rest: &[usize],
        rng: &mut Random,
        month: &str,
    ) {
        let Some(&home) = rest.get(rng.below(rest.len())) else {
            return;
        };
        let Some(&enterprise) = world.bodies[home].enterprises.first() else {
            return;
        };
        let district = world.data.enterprises[enterprise].division.clone();
        let local: Vec<usize> = rest
            .iter()
            .copied()
            .filter(|&b| world.bodies[b].district == district && b != home)
            .collect();
        let mut pool: Vec<usize> = if local.len() >= 4 {
            local
        } else {
            rest.to_vec()
        };
        pool.retain(|&b| b != home && !world.bodies[b].enterprises.contains(&enterprise));
        rng_shuffle(rng, &mut pool);
        let chosen: Vec<usize> = pool.into_iter().take(4).collect();
        if chosen.len() < 4 {
            return;
        }
        for (n, &b) in chosen.iter().enumerate() {
            let day =
                NaiveDate::from_ymd_opt(config.year, config.anomaly_month(), 3 + 6 * n as u32)
                    .expect("valid day");
            self.bodies
                .entry(b)
                .or_default()
                .extra_visits
                .push((enterprise, day));
        }
        let code = &world.data.enterprises[enterprise].credit_code;
        self.truth.add(
            rule::SEVERAL_BODIES,
            scope("multi_body", "enterprise", code, "", &district, month),
        );
    }

    /// Records a case behind a case-level anomaly.
    pub fn case_truth(
        truth: &mut Vec<(String, Expected)>,
        rule: &str,
        anomaly: &str,
        id: &str,
        body: &str,
        district: &str,
    ) {
        let mut expected = scope(anomaly, "case", id, body, district, "");
        expected.cases = vec![id.to_owned()];
        truth.push((rule.to_owned(), expected));
    }
}

pub(super) enum Officers {
    Departing,
    Unverified,
    Refused,
}

fn scope(
    anomaly: &str,
    kind: &str,
    scope: &str,
    body: &str,
    district: &str,
    period: &str,
) -> Expected {
    Expected {
        anomaly: anomaly.into(),
        scope_kind: kind.into(),
        scope: scope.into(),
        body: body.into(),
        district: district.into(),
        period: period.into(),
        cases: Vec::new(),
    }
}

/// How far apart a violation's lighter band lets two bodies fine (its top over its
/// bottom, in tenths): a range's spread, or a multiple's 1.0–2.2 times the gains.
fn spread(world: &World, violation: usize) -> i64 {
    use zhifa_core::discretion::Fine;
    match world.data.violations[violation].statutory.fine {
        Fine::Range { min, max } if min > 0 => 10 + 3 * (max - min) * 10 / (10 * min),
        Fine::Multiple { .. } => 22,
        _ => 0,
    }
}

fn rng_shuffle(rng: &mut Random, items: &mut [usize]) {
    for i in (1..items.len()).rev() {
        let j = rng.below(i + 1);
        items.swap(i, j);
    }
}
