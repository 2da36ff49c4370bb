//! Robust statistics for the statistical rules. A median and the median absolute deviation
//! (MAD) are not dragged by the very outliers the rules look for, so one wild month neither
//! hides itself nor masks the next; means and standard deviations would.

/// The median of `values` (the mean of the two middle values for an even count); `None` when
/// empty.
pub fn median(values: &[f64]) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let mid = sorted.len() / 2;
    Some(if sorted.len().is_multiple_of(2) {
        (sorted[mid - 1] + sorted[mid]) / 2.0
    } else {
        sorted[mid]
    })
}

/// The median absolute deviation from the median.
pub fn mad(values: &[f64]) -> Option<f64> {
    let centre = median(values)?;
    let deviations: Vec<f64> = values.iter().map(|v| (v - centre).abs()).collect();
    median(&deviations)
}

/// The robust z value of `x` against a history's median and MAD (Iglewicz and Hoaglin):
/// 0.6745·(x − median)/MAD, where 0.6745 makes the MAD of a normal series its standard
/// deviation. The MAD is never taken below `mad_floor`, so a flat history (MAD 0) still gives
/// a finite figure and only a real departure fires.
pub fn robust_z(x: f64, median: f64, mad: f64, mad_floor: f64) -> f64 {
    let spread = mad.max(mad_floor);
    if spread <= 0.0 {
        return if x > median { f64::INFINITY } else { 0.0 };
    }
    0.6745 * (x - median) / spread
}

/// The robust coefficient of variation: 1.4826·MAD/median (1.4826·MAD estimates the standard
/// deviation of a normal series); `None` when empty or the median is not positive.
pub fn robust_cv(values: &[f64]) -> Option<f64> {
    let centre = median(values)?;
    let spread = mad(values)?;
    (centre > 0.0).then(|| 1.4826 * spread / centre)
}

/// The index of dispersion, variance/mean: about 1 for Poisson counts (independent events at
/// a steady rate), well below 1 for counts held to a quota. `None` under two values or a
/// mean of zero.
pub fn dispersion(values: &[f64]) -> Option<f64> {
    if values.len() < 2 {
        return None;
    }
    let n = values.len() as f64;
    let mean = values.iter().sum::<f64>() / n;
    if mean <= 0.0 {
        return None;
    }
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / (n - 1.0);
    Some(variance / mean)
}

/// The `q` quantile (0 ≤ q ≤ 1) by linear interpolation between order statistics.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let position = q.clamp(0.0, 1.0) * (sorted.len() - 1) as f64;
    let (low, high) = (position.floor() as usize, position.ceil() as usize);
    Some(sorted[low] + (sorted[high] - sorted[low]) * (position - low as f64))
}

/// The chance of at least `k` events from a Poisson count of mean `mean` (the upper tail).
/// Counts at or below the mean give 1 (never surprising).
pub fn poisson_tail(k: u64, mean: f64) -> f64 {
    if k == 0 || k as f64 <= mean {
        return 1.0;
    }
    if mean <= 0.0 {
        return 0.0;
    }
    let ln_factorial: f64 = (1..=k).map(|i| (i as f64).ln()).sum();
    let mut term = (-mean + k as f64 * mean.ln() - ln_factorial).exp();
    let mut sum = 0.0;
    let mut i = k;
    // Above the mean the terms only fall: stop when they no longer count.
    while term > sum * 1e-17 {
        sum += term;
        i += 1;
        term *= mean / i as f64;
    }
    sum.min(1.0)
}

/// The chance of at least `k` successes in `n` trials of chance `p` (the binomial upper
/// tail): how surprising a count is against a base rate. Counts at or below the mean give 1
/// (never surprising), which also keeps the sum away from underflow.
pub fn binomial_tail(k: u64, n: u64, p: f64) -> f64 {
    if k == 0 || p >= 1.0 {
        return 1.0;
    }
    if k > n || p <= 0.0 {
        return 0.0;
    }
    if k as f64 <= n as f64 * p {
        return 1.0;
    }
    let ln_choose: f64 = (0..k)
        .map(|i| ((n - i) as f64).ln() - ((i + 1) as f64).ln())
        .sum();
    let mut term = (ln_choose + k as f64 * p.ln() + (n - k) as f64 * (1.0 - p).ln()).exp();
    let mut sum = 0.0;
    // Above the mean the terms only fall: stop when they no longer count.
    for i in k..=n {
        sum += term;
        if term <= sum * 1e-17 {
            break;
        }
        term *= (n - i) as f64 / (i + 1) as f64 * p / (1.0 - p);
    }
    sum.min(1.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_and_mad_of_odd_and_even_series() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[5.0, 1.0, 3.0]), Some(3.0));
        assert_eq!(median(&[4.0, 1.0, 3.0, 2.0]), Some(2.5));
        // Deviations from 3: 2, 1, 0, 1, 97 → median 1.
        assert_eq!(mad(&[1.0, 2.0, 3.0, 4.0, 100.0]), Some(1.0));
        assert_eq!(mad(&[7.0, 7.0, 7.0]), Some(0.0));
    }

    #[test]
    fn robust_z_ignores_the_outlier_and_floors_a_flat_history() {
        let history = [
            10.0, 12.0, 11.0, 13.0, 12.0, 11.0, 12.0, 10.0, 13.0, 12.0, 11.0, 12.0,
        ];
        let (m, d) = (median(&history).unwrap(), mad(&history).unwrap());
        assert_eq!((m, d), (12.0, 1.0));
        assert!((robust_z(20.0, m, d, 0.0) - 0.6745 * 8.0).abs() < 1e-9);
        // Flat history: the floor makes the figure finite.
        assert!((robust_z(14.0, 10.0, 0.0, 2.0) - 0.6745 * 2.0).abs() < 1e-9);
        assert_eq!(robust_z(10.0, 10.0, 0.0, 0.0), 0.0);
        assert!(robust_z(11.0, 10.0, 0.0, 0.0).is_infinite());
    }

    #[test]
    fn coefficient_of_variation_dispersion_and_quantiles() {
        assert_eq!(robust_cv(&[2.0, 2.0, 2.0, 3.0]), Some(0.0));
        let cv = robust_cv(&[1.0, 2.0, 3.0, 4.0, 5.0]).unwrap();
        assert!((cv - 1.4826 / 3.0).abs() < 1e-9);
        assert_eq!(robust_cv(&[0.0, 0.0]), None);
        // Quota-held counts are under-dispersed; Poisson-like ones are about 1.
        assert!(dispersion(&[2.0, 3.0, 2.0, 3.0, 2.0, 3.0]).unwrap() < 0.35);
        let poisson_like = [1.0, 4.0, 2.0, 0.0, 3.0, 5.0, 2.0, 1.0, 3.0, 2.0, 4.0, 3.0];
        assert!(dispersion(&poisson_like).unwrap() > 0.6);
        assert_eq!(quantile(&[1.0, 2.0, 3.0, 4.0, 5.0], 0.5), Some(3.0));
        assert_eq!(quantile(&[10.0, 20.0], 0.9), Some(19.0));
        assert_eq!(quantile(&[], 0.5), None);
    }

    #[test]
    fn the_binomial_tail_matches_hand_counted_cases() {
        // P(X ≥ 2 | 3, 0.5) = (3 + 1) / 8.
        assert!((binomial_tail(2, 3, 0.5) - 0.5).abs() < 1e-12);
        // P(X ≥ 3 | 3, 0.9) = 0.729.
        assert!((binomial_tail(3, 3, 0.9) - 0.729).abs() < 1e-12);
        // P(X ≥ 5 | 10, 0.1) = 0.0016349374.
        assert!((binomial_tail(5, 10, 0.1) - 0.001_634_937_4).abs() < 1e-9);
        assert_eq!(binomial_tail(0, 10, 0.1), 1.0);
        assert_eq!(binomial_tail(1, 100, 0.05), 1.0, "at or below the mean");
        assert_eq!(binomial_tail(11, 10, 0.1), 0.0);
        assert!(binomial_tail(70, 100, 0.03) < 1e-60);
    }

    #[test]
    fn the_poisson_tail_matches_hand_counted_cases() {
        // P(X ≥ 2 | mean 1) = 1 − 2/e.
        assert!((poisson_tail(2, 1.0) - (1.0 - 2.0 / std::f64::consts::E)).abs() < 1e-12);
        // P(X ≥ 8 | mean 2) = 0.0010967...
        assert!((poisson_tail(8, 2.0) - 0.001_096_7).abs() < 1e-6);
        assert_eq!(poisson_tail(0, 3.0), 1.0);
        assert_eq!(poisson_tail(3, 3.0), 1.0, "at or below the mean");
        assert_eq!(poisson_tail(1, 0.0), 0.0);
    }
}
