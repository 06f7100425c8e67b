//! Exact fractions for thresholds: integer comparison from counts, nearest double for rates.

use crate::prelude::*;

use core::cmp::Ordering;
use core::fmt;

/// An exact fraction between 0 and 1, kept in lowest terms.
///
/// Thresholds are ratios rather than `f64` so that counts are compared with integers only:
/// `bounces / sent >= 1/50` is decided as `bounces * 50 >= sent`, which has no rounding
/// edge at exactly 2 %. Both terms stay below 2^53, so [`Ratio::to_f64`] is the double
/// nearest the exact value (IEEE division of two exact integers rounds correctly).
///
/// ```
/// use ses_broker::reputation::Thresholds;
/// let warning = Thresholds::cloud_gov().bounce().warning();
/// assert_eq!((warning.numerator(), warning.denominator()), (1, 50));
/// assert_eq!(warning.to_f64(), 0.02);
/// assert_eq!(warning.to_string(), "2%");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Ratio {
    numerator: u64,
    denominator: u64,
    /// Bits of the `f64` nearest the ratio, computed once: rates are compared with it on
    /// every assessment, and a division per comparison dominated the cost.
    nearest_bits: u64,
}

const fn gcd(mut a: u64, mut b: u64) -> u64 {
    while b != 0 {
        let r = a % b;
        a = b;
        b = r;
    }
    a
}

impl Ratio {
    /// `numerator / denominator` in lowest terms; callers keep `0 < denominator`,
    /// `numerator <= denominator` and both below 2^53.
    #[allow(
        clippy::cast_precision_loss,
        reason = "both terms are below 2^53, so they convert exactly"
    )]
    pub(crate) const fn reduced(numerator: u64, denominator: u64) -> Self {
        let divisor = gcd(numerator, denominator);
        // The divisor is zero only for 0/0, taken as 0/1.
        let (numerator, denominator) = match (
            numerator.checked_div(divisor),
            denominator.checked_div(divisor),
        ) {
            (Some(n), Some(d)) => (n, d),
            _ => (0, 1),
        };
        Self {
            numerator,
            denominator,
            nearest_bits: (numerator as f64 / denominator as f64).to_bits(),
        }
    }

    /// The numerator, in lowest terms.
    #[must_use]
    pub const fn numerator(self) -> u64 {
        self.numerator
    }

    /// The denominator, in lowest terms (never zero).
    #[must_use]
    pub const fn denominator(self) -> u64 {
        self.denominator
    }

    /// The `f64` nearest the exact ratio: the value a CloudWatch alarm threshold carries.
    #[must_use]
    pub const fn to_f64(self) -> f64 {
        f64::from_bits(self.nearest_bits)
    }

    /// Whether `count / total >= self`, decided with integers. `total` must not be zero.
    pub(crate) fn reached_by_counts(self, count: u64, total: u64) -> bool {
        // Products of realistic counts fit in 64 bits; widen only when they do not (the
        // 128-bit multiply made the counts path several times slower than the rates path).
        match (
            count.checked_mul(self.denominator),
            self.numerator.checked_mul(total),
        ) {
            (Some(left), Some(right)) => left >= right,
            _ => {
                u128::from(count) * u128::from(self.denominator)
                    >= u128::from(self.numerator) * u128::from(total)
            }
        }
    }

    /// Whether `rate >= self`, where the threshold is the double nearest the exact ratio
    /// (the comparison CloudWatch makes), so a rate written as the threshold's own decimal
    /// (`0.02`) reaches it.
    pub(crate) fn reached_by_rate(self, rate: f64) -> bool {
        rate >= self.to_f64()
    }
}

impl PartialOrd for Ratio {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Ratio {
    fn cmp(&self, other: &Self) -> Ordering {
        (u128::from(self.numerator) * u128::from(other.denominator))
            .cmp(&(u128::from(other.numerator) * u128::from(self.denominator)))
    }
}

/// Digits after the decimal point shown by `Display`; every threshold this crate builds
/// terminates within them.
const PERCENT_DECIMALS: u32 = 9;

impl fmt::Display for Ratio {
    /// As a percentage, exact to nine decimals, trailing zeros dropped: `2%`, `0.04%`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scale = 10_u128.pow(PERCENT_DECIMALS);
        let scaled = u128::from(self.numerator) * 100 * scale / u128::from(self.denominator.max(1));
        let (whole, fraction) = (scaled / scale, scaled % scale);
        if fraction == 0 {
            return write!(f, "{whole}%");
        }
        let digits = format!("{fraction:0width$}", width = PERCENT_DECIMALS as usize);
        write!(f, "{whole}.{}%", digits.trim_end_matches('0'))
    }
}

/// AWS places the account under review at a 5 % bounce rate.
pub(crate) const AWS_REVIEW_BOUNCE: Ratio = Ratio::reduced(1, 20);
/// AWS places the account under review at a 0.1 % complaint rate.
pub(crate) const AWS_REVIEW_COMPLAINT: Ratio = Ratio::reduced(1, 1000);
/// AWS may pause the account's sending at a 10 % bounce rate.
pub(crate) const AWS_PAUSE_BOUNCE: Ratio = Ratio::reduced(1, 10);
/// AWS may pause the account's sending at a 0.5 % complaint rate.
pub(crate) const AWS_PAUSE_COMPLAINT: Ratio = Ratio::reduced(1, 200);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ratios_reduce_and_display_as_percent() {
        assert_eq!(Ratio::reduced(2, 50).to_string(), "4%");
        assert_eq!(Ratio::reduced(4, 10_000).to_string(), "0.04%");
        assert_eq!(Ratio::reduced(1, 3).to_string(), "33.333333333%");
        assert_eq!(AWS_PAUSE_COMPLAINT.to_string(), "0.5%");
        assert_eq!(Ratio::reduced(0, 0), Ratio::reduced(0, 1));
        assert!(Ratio::reduced(1, 50) < Ratio::reduced(1, 25));
    }
}
