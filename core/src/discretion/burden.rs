//! "Favourable to the party" as the party's burden (Art. 9 order, `lawful.md`): the kinds a
//! penalty imposes by their group, then the amounts. A partial order: two penalties of the same
//! top group with different kinds, or a fine with a higher maximum but a lower minimum, cannot
//! be ranked, and a person decides.

use std::cmp::Ordering;

use super::model::{PenaltyKind, Statutory, YuanRange};

/// What a penalty (or a statutory frame) imposes: the set of kinds, and the fine's range.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Burden {
    kinds: u16,
    fine: Option<YuanRange>,
}

impl Burden {
    pub fn new(kinds: impl IntoIterator<Item = PenaltyKind>, fine: Option<YuanRange>) -> Burden {
        let mut burden = Burden {
            kinds: 0,
            fine: fine.filter(|f| f.max > 0),
        };
        for kind in kinds {
            burden.kinds |= 1 << kind as u16;
        }
        if burden.fine.is_some() {
            burden.kinds |= 1 << PenaltyKind::Fine as u16;
        }
        burden
    }

    /// A statutory frame's burden: every kind it provides, with the fine resolved on its base.
    pub fn of_frame(statutory: &Statutory, fine: Option<YuanRange>) -> Burden {
        let gains = statutory
            .confiscate_gains
            .then_some(PenaltyKind::ConfiscateGains);
        Burden::new(statutory.kinds.iter().copied().chain(gains), fine)
    }

    pub fn has(&self, kind: PenaltyKind) -> bool {
        self.kinds & (1 << kind as u16) != 0
    }

    /// The heaviest Art. 9 group imposed (0: nothing).
    pub fn top_group(&self) -> u8 {
        PenaltyKind::ALL
            .iter()
            .filter(|k| self.has(**k))
            .map(|k| k.group())
            .max()
            .unwrap_or(0)
    }

    /// `Less`: `self` is lighter for the party. `None`: the order cannot settle it.
    pub fn compare(&self, other: &Burden) -> Option<Ordering> {
        let (mine, theirs) = (self.top_group(), other.top_group());
        if mine != theirs {
            return Some(mine.cmp(&theirs));
        }
        let zero = YuanRange { min: 0, max: 0 };
        let (a, b) = (self.fine.unwrap_or(zero), other.fine.unwrap_or(zero));
        let subset = self.kinds & !other.kinds == 0;
        let superset = other.kinds & !self.kinds == 0;
        let lower = a.min <= b.min && a.max <= b.max;
        let higher = a.min >= b.min && a.max >= b.max;
        match (subset && lower, superset && higher) {
            (true, true) => Some(Ordering::Equal),
            (true, false) => Some(Ordering::Less),
            (false, true) => Some(Ordering::Greater),
            (false, false) => None,
        }
    }

    /// The lightest Art. 9 group imposed or provided (0: nothing).
    pub fn low_group(&self) -> u8 {
        PenaltyKind::ALL
            .iter()
            .filter(|k| self.has(**k))
            .map(|k| k.group())
            .min()
            .unwrap_or(0)
    }

    /// Two statutory frames (kinds *provided*, as alternatives, not imposed together): the
    /// heaviest kind provided, then the fine range, then the lightest kind provided.
    pub fn compare_frames(&self, other: &Burden) -> Option<Ordering> {
        let top = self.top_group().cmp(&other.top_group());
        if top != Ordering::Equal {
            return Some(top);
        }
        let zero = YuanRange { min: 0, max: 0 };
        let (a, b) = (self.fine.unwrap_or(zero), other.fine.unwrap_or(zero));
        let fine = match (a.min.cmp(&b.min), a.max.cmp(&b.max)) {
            (x, y) if x == y => x,
            (Ordering::Equal, y) => y,
            (x, Ordering::Equal) => x,
            _ => return None,
        };
        Some(fine.then(self.low_group().cmp(&other.low_group())))
    }

    /// A total order for showing candidates the partial order leaves unranked: group, then
    /// the fine's maximum and minimum.
    pub fn fallback_key(&self) -> (u8, i64, i64, u16) {
        let fine = self.fine.map_or((0, 0), |f| (f.max, f.min));
        (
            self.top_group(),
            fine.0,
            fine.1,
            self.kinds.count_ones() as u16,
        )
    }
}

/// The index of the lightest of `burdens` and whether the order settled it (every other one
/// is at least as heavy). Unsettled, the fallback key picks one for the person to check.
pub fn lightest(burdens: &[Burden]) -> (usize, bool) {
    let settled = (0..burdens.len()).find(|&i| {
        burdens.iter().all(|b| {
            matches!(
                burdens[i].compare(b),
                Some(Ordering::Less | Ordering::Equal)
            )
        })
    });
    match settled {
        Some(i) => (i, true),
        None => {
            let i = (0..burdens.len())
                .min_by_key(|&i| burdens[i].fallback_key())
                .unwrap_or(0);
            (i, false)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use PenaltyKind::*;

    fn fine(min: i64, max: i64) -> Option<YuanRange> {
        Some(YuanRange { min, max })
    }

    #[test]
    fn a_lower_group_is_lighter_than_any_outcome_adding_a_higher_one() {
        let warning = Burden::new([Warning], None);
        let big_fine = Burden::new([], fine(1, 2));
        let closure = Burden::new([OrderClosure], None);
        assert_eq!(warning.compare(&big_fine), Some(Ordering::Less));
        assert_eq!(big_fine.compare(&closure), Some(Ordering::Less));
        let fine_and_licence = Burden::new([RevokeLicence], fine(1, 1));
        assert_eq!(fine_and_licence.compare(&closure), Some(Ordering::Less));
    }

    #[test]
    fn amounts_decide_within_a_group_and_crossing_bands_do_not() {
        let low = Burden::new([], fine(500, 3_000));
        let high = Burden::new([], fine(500, 5_000));
        assert_eq!(low.compare(&high), Some(Ordering::Less));
        let wide = Burden::new([], fine(100, 6_000));
        assert_eq!(low.compare(&wide), None);
        let with_gains = Burden::new([ConfiscateGains], fine(500, 3_000));
        assert_eq!(low.compare(&with_gains), Some(Ordering::Less));
        let gains_only = Burden::new([ConfiscateGains], None);
        assert_eq!(gains_only.compare(&low), None);
        assert_eq!(lightest(&[high, low]), (1, true));
        assert!(!lightest(&[wide, low]).1);
    }

    #[test]
    fn frames_compare_by_their_heaviest_kind_then_the_fine() {
        let old = Burden::new([RevokeLicence], fine(1_000, 10_000));
        let new = Burden::new([], fine(1_000, 10_000));
        assert_eq!(new.compare_frames(&old), Some(Ordering::Less));
        let lower = Burden::new([], fine(500, 5_000));
        assert_eq!(lower.compare_frames(&new), Some(Ordering::Less));
        let with_warning = Burden::new([Warning], fine(1_000, 10_000));
        assert_eq!(with_warning.compare_frames(&new), Some(Ordering::Less));
        let crossing = Burden::new([], fine(200, 20_000));
        assert_eq!(crossing.compare_frames(&new), None);
    }
}
