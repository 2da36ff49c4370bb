//! What the generator needs of the catalogue, computed once: each body's district, sector,
//! officers, violations, towns and the enterprises it regulates (one body each); a seeded random source with
//! the distributions the year uses; and the discretion engine's outcome for a profile of
//! facts, cached (the generated baselines do not change within the year).

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use chrono::NaiveDate;
use zhifa_core::discretion::{
    facts::{FactType, SCHEMA},
    DiscretionEngine, FactValue, Facts, Fine, Outcome, Suggestion, SuggestionRequest, Tier,
    Violation,
};
use zhifa_core::random::SeededRng;
use zhifa_core::registry::{CatalogueData, CreditGrade};

/// Townships (镇街) per district, numbered 001…: a case's place is one of them.
pub const TOWNS_PER_DISTRICT: usize = 12;

/// Sectors a small catalogue's bodies are spread over.
const SMALL_SECTORS: usize = 8;

/// One body as the generator sees it (indices point into the catalogue's vectors).
#[derive(Debug, Clone)]
pub struct BodyView {
    pub index: usize,
    pub id: String,
    pub district: String,
    pub officers: Vec<usize>,
    pub violations: Vec<usize>,
    /// Cumulative weights of `violations`: small violations are common, large ones rare.
    pub violation_weights: Vec<f64>,
    /// Enterprises of its district it regulates (each enterprise has one regulator).
    pub enterprises: Vec<usize>,
    /// Its own yearly rates around the city's mean (bodies differ in size and zeal).
    pub case_rate: f64,
    pub inspection_rate: f64,
}

/// The catalogue, arranged for generating.
pub struct World {
    pub data: CatalogueData,
    pub bodies: Vec<BodyView>,
    engine: DiscretionEngine,
    outcomes: Mutex<HashMap<OutcomeKey, Option<Arc<Outcome>>>>,
    /// The value (yuan) of the property a case confiscates, where its outcome confiscates
    /// property; `None`: no such case is made (the city-years', whose figures are fixed).
    pub property_value: Option<i64>,
    /// Whether the bodies record the heads' collective decision where a case needs it (the
    /// demo's do; the city-years' never did, and their figures are fixed).
    pub collective_decisions: bool,
}

/// What a case's outcome depends on in the generated catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct OutcomeKey {
    violation: usize,
    tier: TierKey,
    citizen: bool,
    gains: i64,
    district: String,
    not_punished: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum TierKey {
    Lighter,
    General,
    Heavier,
}

impl World {
    pub fn new(data: CatalogueData, seed: u64) -> Result<World, String> {
        let engine = DiscretionEngine::new(
            data.violations.clone(),
            data.baseline_documents.clone(),
            data.hearing_thresholds.clone(),
        )
        .map_err(|e| format!("baselines: {e}"))?;
        let bodies = arrange(&data, seed);
        Ok(World {
            data,
            bodies,
            engine,
            outcomes: Mutex::new(HashMap::new()),
            property_value: None,
            collective_decisions: false,
        })
    }

    /// One of body `b`'s violations, the common small ones more often than the large.
    pub fn common_violation(&self, b: usize, rng: &mut Random) -> usize {
        let view = &self.bodies[b];
        let total = view.violation_weights.last().copied().unwrap_or(0.0);
        let x = rng.unit() * total;
        let at = view.violation_weights.partition_point(|w| *w < x);
        view.violations[at.min(view.violations.len() - 1)]
    }

    /// A profile of body `b` (an organisation party) whose band holds `low..=high`, so fines
    /// set there are no departures.
    pub fn banded_profile(&self, b: usize, low: i64, high: i64) -> Option<Profile> {
        let view = &self.bodies[b];
        let place = format!("{}001", view.district);
        for tier in [Tier::General, Tier::Lighter, Tier::Heavier] {
            for &violation in &view.violations {
                let proportional = minimum_gains(&self.data.violations[violation]);
                let gains: &[i64] = if proportional { &GAINS } else { &[0] };
                for &gains in gains {
                    let profile = Profile {
                        violation,
                        tier,
                        citizen: false,
                        gains,
                        corrected: false,
                    };
                    let Some((outcome, _)) = self.outcome(&profile, &place) else {
                        continue;
                    };
                    if outcome.fine.is_some_and(|f| f.min <= low && f.max >= high) {
                        return Some(profile);
                    }
                }
            }
        }
        None
    }

    pub fn grade(&self, enterprise: usize) -> CreditGrade {
        self.data.enterprises[enterprise].credit_grade
    }

    /// The engine's outcome for a profile of facts (its tier, the party, the gains), with the
    /// facts that give it; `None` when the engine gives no penalty outcome for them.
    pub fn outcome(&self, profile: &Profile, place: &str) -> Option<(Arc<Outcome>, Facts)> {
        let facts = profile.facts();
        let key = OutcomeKey {
            violation: profile.violation,
            tier: tier_key(profile.tier),
            citizen: profile.citizen,
            gains: profile.gains,
            district: place[..6.min(place.len())].to_owned(),
            not_punished: profile.corrected,
        };
        if let Some(found) = self.outcomes.lock().expect("not poisoned").get(&key) {
            return found.clone().map(|o| (o, facts));
        }
        let found = self.suggest(profile, place, facts.clone());
        self.outcomes
            .lock()
            .expect("not poisoned")
            .insert(key, found.clone());
        found.map(|o| (o, facts))
    }

    fn suggest(&self, profile: &Profile, place: &str, mut facts: Facts) -> Option<Arc<Outcome>> {
        let day = NaiveDate::from_ymd_opt(2026, 6, 1).expect("valid date");
        // The engine asks for what a condition needs; the generated parties answer no/none.
        for _ in 0..4 {
            let request = SuggestionRequest {
                violation: self.data.violations[profile.violation].code.clone(),
                place_division: place.to_owned(),
                act_date: day,
                act_ended: None,
                discovered_on: day,
                decision_date: day,
                facts: facts.clone(),
            };
            match self.engine.suggest(&request).ok()? {
                Suggestion::Outcome(outcome) => return Some(Arc::new(*outcome)),
                Suggestion::NeedFacts(questions) => {
                    for q in questions {
                        facts.set(&q.fact, default_answer(&q.fact));
                    }
                }
            }
        }
        None
    }
}

fn tier_key(tier: Tier) -> TierKey {
    match tier {
        Tier::Lighter => TierKey::Lighter,
        Tier::Heavier => TierKey::Heavier,
        _ => TierKey::General,
    }
}

/// The facts of a case the generator chooses: which baseline tier they fall in, who the
/// party is, the illegal gains; `corrected` makes a first offence one that may go unpunished.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub violation: usize,
    pub tier: Tier,
    pub citizen: bool,
    pub gains: i64,
    pub corrected: bool,
}

impl Profile {
    pub fn facts(&self) -> Facts {
        let (first, harm, priors) = match self.tier {
            Tier::Lighter => (true, "slight", 0i64),
            Tier::Heavier => (false, "serious", 1),
            _ => (false, "general", 0),
        };
        let mut facts = Facts::new()
            .with(
                "party_type",
                if self.citizen {
                    "citizen"
                } else {
                    "organisation"
                },
            )
            .with("criminal_referral", false)
            .with("no_fault_proven", false)
            .with("minor_act", false)
            .with("removed_harm", false)
            .with("coerced", false)
            .with("confessed", false)
            .with("meritorious", false)
            .with("first_offence", first)
            .with("harm", harm)
            .with("priors_12m", priors)
            .with("illegal_gains", self.gains)
            .with(
                "correction",
                if self.corrected {
                    "corrected"
                } else {
                    "refused"
                },
            );
        if self.citizen {
            facts = facts.with("age", 40i64).with("capacity", "full");
        }
        facts
    }
}

/// The answer a generated party gives to a question the profile did not settle.
fn default_answer(fact: &str) -> FactValue {
    match SCHEMA.iter().find(|s| s.name == fact).map(|s| s.kind) {
        Some(FactType::Int) => FactValue::Int(0),
        Some(FactType::Enum(values)) => FactValue::Text(values[0].into()),
        _ => FactValue::Bool(false),
    }
}

/// Each body's share of the catalogue; each enterprise of a district goes to one of its bodies.
fn arrange(data: &CatalogueData, seed: u64) -> Vec<BodyView> {
    let mut rng = Random::new(seed ^ 0x5EED_B0D1);
    let body_of: HashMap<&str, usize> = data
        .bodies
        .iter()
        .enumerate()
        .map(|(i, b)| (b.id.as_str(), i))
        .collect();
    let mut bodies: Vec<BodyView> = data
        .bodies
        .iter()
        .enumerate()
        .map(|(index, b)| BodyView {
            index,
            id: b.id.clone(),
            district: b.division[..6].to_owned(),
            officers: Vec::new(),
            violations: Vec::new(),
            violation_weights: Vec::new(),
            enterprises: Vec::new(),
            case_rate: rng.between(0.6, 1.4),
            inspection_rate: rng.between(0.6, 1.4),
        })
        .collect();
    for (i, officer) in data.officers.iter().enumerate() {
        if let Some(&b) = body_of.get(officer.body_id.as_str()) {
            bodies[b].officers.push(i);
        }
    }
    let sector_of_item: HashMap<&str, &str> = data
        .items
        .iter()
        .map(|i| (i.code.as_str(), i.sector.as_str()))
        .collect();
    let mut by_sector: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, v) in data.violations.iter().enumerate() {
        if let Some(sector) = sector_of_item.get(v.item_code.as_str()) {
            by_sector.entry(sector).or_default().push(i);
        }
    }
    // The catalogue's sectors in order; a small catalogue puts all its bodies in the first,
    // so there the bodies take the first few sectors in turn instead.
    let mut ordered: Vec<&str> = Vec::new();
    for item in &data.items {
        if !ordered.contains(&item.sector.as_str()) {
            ordered.push(&item.sector);
        }
    }
    let named: std::collections::HashSet<&str> = data
        .bodies
        .iter()
        .map(|b| sector_of_body(&b.name, &by_sector))
        .collect();
    let degenerate = named.len() < SMALL_SECTORS && data.bodies.len() > SMALL_SECTORS;
    let mut in_district: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, b) in data.bodies.iter().enumerate() {
        let sector = if degenerate {
            ordered[i % SMALL_SECTORS.min(ordered.len())]
        } else {
            sector_of_body(&b.name, &by_sector)
        };
        bodies[i].violations = by_sector.get(sector).cloned().unwrap_or_default();
        bodies[i].violation_weights = weights(data, &bodies[i].violations);
        in_district
            .entry(bodies[i].district.clone())
            .or_default()
            .push(i);
    }
    for (e, enterprise) in data.enterprises.iter().enumerate() {
        let Some(local) = in_district.get(&enterprise.division) else {
            continue;
        };
        // One regulator each: the natural year keeps to 综合查一次.
        bodies[local[e % local.len()]].enterprises.push(e);
    }
    bodies
}

/// Cumulative weights of `violations`: small violations are common, large ones rare.
pub(super) fn weights(data: &CatalogueData, violations: &[usize]) -> Vec<f64> {
    let mut total = 0.0;
    violations
        .iter()
        .map(|&v| {
            total += (minimum(&data.violations[v]) as f64).max(1.0).powf(-0.7);
            total
        })
        .collect()
}

/// The sector a body's name carries (重庆市万州区市场监管局 → 市场监管), the longest that fits.
fn sector_of_body<'a>(name: &str, by_sector: &HashMap<&'a str, Vec<usize>>) -> &'a str {
    by_sector
        .keys()
        .filter(|s| name.contains(**s))
        .max_by_key(|s| s.len())
        .copied()
        .unwrap_or("")
}

/// The township codes of a district.
pub fn towns(district: &str) -> Vec<String> {
    (1..=TOWNS_PER_DISTRICT)
        .map(|t| format!("{district}{t:03}"))
        .collect()
}

/// The illegal gains a generated case states, where the fine is a multiple of them.
pub const GAINS: [i64; 4] = [2_000, 5_000, 10_000, 20_000];

/// Whether the violation's fine is a multiple of the illegal gains.
pub fn minimum_gains(violation: &Violation) -> bool {
    matches!(violation.statutory.fine, Fine::Multiple { .. })
}

/// The statutory minimum fine (without gains for a multiple).
pub fn minimum(violation: &Violation) -> i64 {
    match &violation.statutory.fine {
        Fine::Range { min, .. } => *min,
        Fine::Multiple {
            if_no_base: Some(range),
            ..
        } => range.min,
        _ => 0,
    }
}

/// `SeededRng` with the distributions the year needs.
pub struct Random(SeededRng);

impl Random {
    pub fn new(seed: u64) -> Random {
        Random(SeededRng::new(seed))
    }

    pub fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            self.0.below(n)
        }
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        self.0.pick(items)
    }

    /// Uniform in [0, 1).
    pub fn unit(&mut self) -> f64 {
        (self.0.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn between(&mut self, low: f64, high: f64) -> f64 {
        low + (high - low) * self.unit()
    }

    /// Uniform in low..=high days, as an integer.
    pub fn days(&mut self, low: i64, high: i64) -> i64 {
        low + self.below((high - low + 1).max(1) as usize) as i64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// Poisson-distributed count of mean `mean` (Knuth's method; means here stay small).
    pub fn poisson(&mut self, mean: f64) -> usize {
        if mean <= 0.0 {
            return 0;
        }
        if mean > 60.0 {
            // Normal approximation, clamped at zero.
            let z = (-2.0 * self.unit().max(1e-12).ln()).sqrt()
                * (std::f64::consts::TAU * self.unit()).cos();
            return (mean + z * mean.sqrt()).round().max(0.0) as usize;
        }
        let limit = (-mean).exp();
        let mut product = self.unit();
        let mut count = 0;
        while product > limit {
            product *= self.unit();
            count += 1;
        }
        count
    }

    /// A child source for one part of the year, independent of the others' draws.
    pub fn fork(&mut self, salt: u64) -> Random {
        Random::new(self.0.next_u64() ^ salt.wrapping_mul(0x9E37_79B9_7F4A_7C15))
    }
}
