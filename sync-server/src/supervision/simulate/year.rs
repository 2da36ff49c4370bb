//! The generator: one body's year at a time (cases, inspections, visits, feedback), from
//! the seed, the body's own rates and the anomaly plan, so a whole city-year is never held
//! in memory at once.

use chrono::{Datelike, Duration, NaiveDate};
use zhifa_core::cases::{CaseFile, Party, PartyKind};
use zhifa_core::discretion::{Fine, Tier};
use zhifa_core::inspections::Inspection;
use zhifa_core::registry::generate::generate;
use zhifa_core::registry::{CreditGrade, Officer};

use super::anomalies::{rule, BodyPlan, Plan};
use super::cases::{self, CaseSpec, FinePick, Timing};
use super::config::{month_days, seasonal, CityYear};
use super::inspections::{self, Feedback, InspectionSpec, Verification, Visit};
use super::truth::Expected;
use super::world::{towns, Profile, Random, World, GAINS};

/// One body's year.
#[derive(Debug, Default)]
pub struct BodyYear {
    pub body: String,
    pub district: String,
    pub cases: Vec<CaseFile>,
    pub inspections: Vec<Inspection>,
    pub visits: Vec<Visit>,
    pub feedback: Vec<Feedback>,
    /// Case-level truth found while generating: (rule id, expected scope).
    pub truth: Vec<(String, Expected)>,
    /// Scopes an injected anomaly touched, which may fire (the partners of a departing
    /// officer, who co-signed the departures).
    pub tolerated: Vec<(String, Expected)>,
}

/// The city-year's generator: the catalogue, its arrangement and the anomaly plan.
pub struct Generator {
    pub config: CityYear,
    pub world: World,
    pub plan: Plan,
}

impl Generator {
    pub fn new(config: CityYear) -> Result<Generator, String> {
        // The demo's catalogue is the shipped one: `demo::generator` makes its year.
        let scale = config
            .scale
            .catalogue()
            .ok_or("the demo year is demo::generator's")?;
        let world = World::new(generate(scale, config.seed), config.seed)?;
        let plan = Plan::new(&world, &config);
        Ok(Generator {
            config,
            world,
            plan,
        })
    }

    pub fn body_count(&self) -> usize {
        self.world.bodies.len()
    }

    /// The year of body `b` (an index into the catalogue's bodies).
    pub fn body_year(&self, b: usize) -> BodyYear {
        let view = &self.world.bodies[b];
        let mut year = BodyYear {
            body: view.id.clone(),
            district: view.district.clone(),
            ..BodyYear::default()
        };
        if view.officers.len() < 2 {
            return year;
        }
        let mut rng = Random::new(self.config.seed ^ ((b as u64 + 1) * 0x0100_0193));
        let mut maker = BodyMaker {
            generator: self,
            b,
            year: &mut year,
            made: 0,
        };
        maker.cases(&mut rng.fork(1));
        maker.inspections(&mut rng.fork(2));
        year
    }
}

struct BodyMaker<'g, 'y> {
    generator: &'g Generator,
    b: usize,
    year: &'y mut BodyYear,
    made: usize,
}

impl<'g> BodyMaker<'g, '_> {
    fn world(&self) -> &'g World {
        &self.generator.world
    }

    fn config(&self) -> &'g CityYear {
        &self.generator.config
    }

    fn plan(&self) -> BodyPlan {
        self.generator
            .plan
            .bodies
            .get(&self.b)
            .cloned()
            .unwrap_or_default()
    }

    fn day_in(&self, month: u32, rng: &mut Random) -> NaiveDate {
        self.day_in_year(self.config().year, month, rng)
    }

    fn day_in_year(&self, year: i32, month: u32, rng: &mut Random) -> NaiveDate {
        // The picture's month has only its days so far.
        let as_of = self.config().as_of();
        let cut = (year, month) == (as_of.year(), as_of.month());
        let last = month_days(year, month).min(if cut { as_of.day() } else { 31 });
        let day = NaiveDate::from_ymd_opt(year, month, 1 + rng.below(last as usize) as u32)
            .expect("valid day");
        day.min(as_of)
    }

    fn cases(&mut self, rng: &mut Random) {
        let plan = self.plan();
        let view = &self.world().bodies[self.b];
        if view.violations.is_empty() {
            // A body listed for no violation (the demo's health bureau) only inspects.
            return;
        }
        let monthly = self.config().cases_per_body * view.case_rate / 12.0;
        // Acts from the two months before: the year opens with cases already under way, as a
        // real one does, rather than with a run-up of empty months.
        let year = self.config().year;
        let months = (11..=12)
            .map(|m| (year - 1, m))
            .chain((1..=12).map(|m| (year, m)));
        for (in_year, month) in months {
            if !plan.quota_towns.is_empty() {
                if in_year == year {
                    self.quota_month(month, &plan.quota_towns, rng);
                }
                continue;
            }
            // A month to come has no mean, and no draw is made for it.
            let share = self.config().month_share(in_year, month);
            for _ in 0..rng.poisson(monthly * seasonal(month) * share) {
                let act = self.day_in_year(in_year, month, rng);
                let rate = if plan.departing_body { 0.25 } else { 0.01 };
                let pick = if rng.chance(rate) {
                    FinePick::Depart
                } else {
                    FinePick::Typical
                };
                self.natural(act, pick, &plan, rng);
            }
        }
        if plan.income_jump {
            // Income chased: three months' worth of decisions in one, at the top of the
            // heavier bands, over the body's whole list of violations.
            let view = &self.world().bodies[self.b];
            for _ in 0..(monthly * 3.0).ceil() as usize {
                let day = self.day_in(self.config().anomaly_month(), rng);
                let violation = *rng.pick(&view.violations);
                let profile = self.profile(violation, Tier::Heavier, false, rng);
                let timing = Timing::DecidedOn(day);
                self.make(profile, FinePick::Highest, timing, day, false, &[], rng);
            }
        }
        self.flaws(&plan, rng);
        for &(violation, high) in &plan.same_facts {
            for _ in 0..4 {
                let act = self.day_in(2 + rng.below(8) as u32, rng);
                let pick = if high {
                    FinePick::Highest
                } else {
                    FinePick::Lowest
                };
                // Same facts: the same gains too, where the fine is a multiple of them.
                let mut profile = self.profile(violation, Tier::Lighter, false, rng);
                profile.gains = profile.gains.min(1) * GAINS[2];
                let timing = Timing::Natural {
                    prefer_summary: false,
                };
                self.make(profile, pick, timing, act, false, &[], rng);
            }
        }
    }

    /// A case as a normal officer makes it, or one of the body's departing officers.
    fn natural(&mut self, act: NaiveDate, pick: FinePick, plan: &BodyPlan, rng: &mut Random) {
        let departing = &plan.departing;
        let violation = self.world().common_violation(self.b, rng);
        let tier = match rng.below(20) {
            0..=6 => Tier::Lighter,
            7..=16 => Tier::General,
            _ => Tier::Heavier,
        };
        let citizen = rng.chance(0.4);
        let mut profile = self.profile(violation, tier, citizen, rng);
        // A body fining one violation's lighter row at an extreme does so every time.
        let extreme = plan.same_facts.iter().find(|(v, _)| *v == violation);
        let pick = match extreme {
            Some(&(_, high)) if tier == Tier::Lighter => {
                profile.gains = profile.gains.min(1) * GAINS[2];
                if high {
                    FinePick::Highest
                } else {
                    FinePick::Lowest
                }
            }
            _ => pick,
        };
        // A departing officer leads a fifth of the body's cases (enough for about twenty a
        // year in a small body, or chance alone could hide the pattern) and departs in a third.
        let rate = self.world().bodies[self.b].case_rate;
        let share = (20.0 / (self.config().cases_per_body * rate)).clamp(0.2, 0.8);
        let lead: Vec<usize> = if !departing.is_empty() && rng.chance(share) {
            vec![*rng.pick(departing)]
        } else {
            Vec::new()
        };
        let injected = !lead.is_empty() && rng.chance(0.35);
        let pick = if injected { FinePick::Depart } else { pick };
        let timing = Timing::Natural {
            prefer_summary: rng.chance(0.8),
        };
        if self
            .make(profile, pick, timing, act, false, &lead, rng)
            .is_some()
            && injected
        {
            self.tolerate_partner();
        }
    }

    fn profile(&self, violation: usize, tier: Tier, citizen: bool, rng: &mut Random) -> Profile {
        let proportional = matches!(
            self.world().data.violations[violation].statutory.fine,
            Fine::Multiple { .. }
        );
        Profile {
            violation,
            tier,
            citizen,
            gains: if proportional {
                GAINS[rng.below(GAINS.len())]
            } else {
                0
            },
            corrected: false,
        }
    }

    /// Tries a few violations of the body until the engine's outcome allows the case asked.
    #[allow(clippy::too_many_arguments)]
    fn attempt(
        &mut self,
        tier: Tier,
        citizen: bool,
        pick: FinePick,
        timing: Timing,
        act: NaiveDate,
        skip_review: bool,
        rng: &mut Random,
    ) -> Option<String> {
        for _ in 0..20 {
            let violation = self.world().common_violation(self.b, rng);
            let profile = self.profile(violation, tier, citizen, rng);
            if let Some(id) = self.make(profile, pick, timing, act, skip_review, &[], rng) {
                return Some(id);
            }
        }
        None
    }

    /// Builds one case and keeps it; its doc id, or `None` when the engine gave no penalty.
    #[allow(clippy::too_many_arguments)]
    fn make(
        &mut self,
        profile: Profile,
        fine: FinePick,
        timing: Timing,
        act: NaiveDate,
        skip_review: bool,
        lead: &[usize],
        rng: &mut Random,
    ) -> Option<String> {
        let world = self.world();
        let view = &world.bodies[self.b];
        let officers = self.two_officers(lead, rng);
        let place = {
            let towns = towns(&view.district);
            towns[rng.below(towns.len())].clone()
        };
        let party = self.party(profile.citizen, rng);
        let n = self.made + 1;
        let body = &world.data.bodies[self.b];
        let prefix = body
            .case_number_prefixes
            .first()
            .cloned()
            .unwrap_or_default();
        let spec = CaseSpec {
            id: format!("{}-{:04}-{n:05}", self.config().id_prefix(), self.b),
            number: format!("{prefix}〔{}〕{n}号", self.config().year),
            place,
            profile,
            party,
            officers,
            act_on: act,
            fine,
            timing,
            skip_legal_review: skip_review,
        };
        let case = cases::build(world, &spec, self.config().as_of(), rng)?;
        self.made = n;
        let id = case.id.clone();
        self.year.cases.push(case);
        Some(id)
    }

    fn two_officers(&self, lead: &[usize], rng: &mut Random) -> [&Officer; 2] {
        let world = &self.generator.world;
        let view = &world.bodies[self.b];
        let first = lead
            .first()
            .copied()
            .unwrap_or_else(|| *rng.pick(&view.officers));
        let mut second = *rng.pick(&view.officers);
        while second == first {
            second = *rng.pick(&view.officers);
        }
        [&world.data.officers[first], &world.data.officers[second]]
    }

    fn party(&self, citizen: bool, rng: &mut Random) -> Party {
        let world = self.world();
        let view = &world.bodies[self.b];
        if citizen || view.enterprises.is_empty() {
            let n = rng.below(1_000_000);
            return Party {
                kind: PartyKind::Person,
                name: format!("当事人{n:06}"),
                credit_code: None,
                id_number: Some(format!("500101199001{n:06}")),
                address: format!("重庆市{}区某街道{}号", &view.district, n % 300 + 1),
                representative: None,
            };
        }
        let enterprise = &world.data.enterprises[*rng.pick(&view.enterprises)];
        Party {
            kind: PartyKind::Organisation,
            name: enterprise.name.clone(),
            credit_code: Some(enterprise.credit_code.clone()),
            id_number: None,
            address: enterprise.address.clone(),
            representative: enterprise.legal_representative.clone(),
        }
    }
}

impl BodyMaker<'_, '_> {
    /// A quota body's month: 2–3 decisions in each of its towns, fined 2,000–2,500 yuan.
    fn quota_month(&mut self, month: u32, quota_towns: &[String], rng: &mut Random) {
        let Some(profile) = self.world().banded_profile(self.b, 2_000, 2_500) else {
            return;
        };
        for town in quota_towns {
            for _ in 0..2 + rng.below(2) {
                let day = self.day_in(month, rng);
                let amount = 2_000 + 100 * rng.below(6) as i64;
                let before = self.year.cases.len();
                self.make(
                    profile.clone(),
                    FinePick::Fixed(amount),
                    Timing::DecidedOn(day),
                    day - Duration::days(40),
                    false,
                    &[],
                    rng,
                );
                if let Some(case) = self.year.cases.get_mut(before) {
                    case.place_division = town.clone();
                }
            }
        }
    }

    /// Overdue cases, cases near their limit (with and without an extension), decisions
    /// without the legal review they needed; truth for the flawed ones.
    fn flaws(&mut self, plan: &BodyPlan, rng: &mut Random) {
        let as_of = self.config().as_of();
        let kinds = [
            (
                plan.overdue,
                Some((rule::OVERDUE, "overdue")),
                (100, 130),
                false,
            ),
            (
                plan.near_limit,
                Some((rule::NEAR_LIMIT, "near_limit")),
                (82, 86),
                false,
            ),
            (plan.near_limit_extended, None, (84, 86), true),
        ];
        for (count, truth, (low, high), extended) in kinds {
            for _ in 0..count {
                let ago = rng.days(low, high);
                let timing = Timing::Open {
                    filed_days_ago: ago,
                    extended,
                };
                let act = as_of - Duration::days(ago + 3);
                let tier = Tier::General;
                let Some(id) =
                    self.attempt(tier, false, FinePick::Typical, timing, act, false, rng)
                else {
                    continue;
                };
                if let Some((rule, anomaly)) = truth {
                    self.case_truth(rule, anomaly, &id);
                }
            }
        }
        for _ in 0..plan.unreviewed {
            let act = self.day_in(3 + rng.below(6) as u32, rng);
            let timing = Timing::Natural {
                prefer_summary: false,
            };
            if let Some(id) = self.attempt(
                Tier::Heavier,
                false,
                FinePick::Highest,
                timing,
                act,
                true,
                rng,
            ) {
                self.case_truth(rule::NO_LEGAL_REVIEW, "no_legal_review", &id);
            }
        }
    }

    /// The partner on the departing officer's last case co-signed a departure.
    fn tolerate_partner(&mut self) {
        let Some(case) = self.year.cases.last() else {
            return;
        };
        let Some(partner) = case.officers.get(1) else {
            return;
        };
        let expected = Expected {
            anomaly: "departures".into(),
            scope_kind: "officer".into(),
            scope: partner.credential_no.clone(),
            body: self.year.body.clone(),
            district: self.year.district.clone(),
            period: String::new(),
            cases: Vec::new(),
        };
        self.year
            .tolerated
            .push((rule::DEPARTURE_OFFICER.into(), expected));
    }

    fn case_truth(&mut self, rule: &str, anomaly: &str, id: &str) {
        let (body, district) = (self.year.body.clone(), self.year.district.clone());
        Plan::case_truth(&mut self.year.truth, rule, anomaly, id, &body, &district);
    }

    fn inspections(&mut self, rng: &mut Random) {
        let plan = self.plan();
        let world = self.world();
        let view = &world.bodies[self.b];
        if view.enterprises.is_empty() {
            return;
        }
        let a_heavy = self
            .generator
            .plan
            .a_grade_districts
            .contains(&view.district);
        let weights: Vec<f64> = view
            .enterprises
            .iter()
            .map(|&e| match world.grade(e) {
                CreditGrade::A if a_heavy => 3.0,
                CreditGrade::A => 0.03,
                CreditGrade::B => 1.0,
                CreditGrade::C => 2.0,
                CreditGrade::D => 4.0,
            })
            .collect();
        let total: f64 = weights.iter().sum();
        let items: Vec<String> = view
            .violations
            .iter()
            .take(3)
            .map(|&v| world.data.violations[v].item_code.clone())
            .collect();
        let monthly = self.config().inspections_per_body * view.inspection_rate / 12.0;
        let year = self.config().year;
        for month in 1..=12 {
            let share = self.config().month_share(year, month);
            for _ in 0..rng.poisson(monthly * seasonal(month) * share) {
                let mut x = rng.unit() * total;
                let mut enterprise = view.enterprises[0];
                for (i, w) in weights.iter().enumerate() {
                    x -= w;
                    if x <= 0.0 {
                        enterprise = view.enterprises[i];
                        break;
                    }
                }
                let day = self.day_in(month, rng);
                let planned = rng.chance(0.9);
                self.inspection(enterprise, day, planned, &plan, &items, rng);
            }
        }
        for &(enterprise, day) in &plan.extra_visits {
            self.inspection(enterprise, day, false, &plan, &items, rng);
        }
        self.complaint_spike(&plan);
    }

    fn inspection(
        &mut self,
        enterprise: usize,
        day: NaiveDate,
        planned: bool,
        plan: &BodyPlan,
        items: &[String],
        rng: &mut Random,
    ) {
        let world = &self.generator.world;
        let view = &world.bodies[self.b];
        let lead: Vec<usize> = plan
            .unverified
            .iter()
            .chain(&plan.refused)
            .copied()
            .collect();
        let lead = if !lead.is_empty() && rng.chance(0.35) {
            vec![*rng.pick(&lead)]
        } else {
            Vec::new()
        };
        let officers = self.two_officers(&lead, rng);
        let first = lead.first();
        let verification = if first.is_some_and(|o| plan.unverified.contains(o)) && rng.chance(0.7)
        {
            Verification::NotScanned
        } else if first.is_some_and(|o| plan.refused.contains(o)) && rng.chance(0.15) {
            Verification::Refused
        } else if rng.chance(0.03) {
            Verification::NotScanned
        } else {
            Verification::Valid
        };
        let n = self.year.inspections.len() + 1;
        let spec = InspectionSpec {
            id: format!("{}-{:04}-i{n:06}", self.config().id_prefix(), self.b),
            body: &view.id,
            district: &view.district,
            planned,
            enterprise: &world.data.enterprises[enterprise],
            officers,
            day,
            verification,
        };
        let (inspection, visit) = inspections::build(&spec, items, rng);
        if let Some(rating) = inspections::rating(&visit, rng) {
            self.year.feedback.push(rating);
        }
        if rng.chance(0.01) {
            self.year.feedback.push(inspections::complaint(&visit, 0));
        }
        self.year.inspections.push(inspection);
        self.year.visits.push(visit);
    }

    /// Twelve complaints about one officer, on the body's visits of the anomaly month.
    fn complaint_spike(&mut self, plan: &BodyPlan) {
        if let Some(officer) = plan.complaint_spike {
            let credential = &self.world().data.officers[officer].credential_no;
            let month = self.config().anomaly_month();
            let year = &mut *self.year;
            year.feedback.extend(inspections::complaint_spike(
                &year.visits,
                credential,
                month,
            ));
        }
    }
}
