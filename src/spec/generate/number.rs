//! Numbers and integers: bounds in both the 3.0 (boolean) and 3.1 (numeric) exclusive forms, and
//! `multipleOf` in decimal steps, computed on scaled integers so that `0.01` steps print as `12.34`
//! and not `12.340000000000002` (the validator divides decimals exactly).

use serde_json::{Number, Value};

use super::schema::{Bound, Flat};
use super::Run;

/// Beyond this magnitude bounds are not scaled into integers: the value is taken from the bound.
const LARGEST: f64 = 1e15;
/// Decimal places a step may have and still be computed exactly.
const MAX_DECIMALS: u32 = 12;
/// The width of the window values are drawn from when the bounds allow more.
const WINDOW: f64 = 1000.0;

impl Run<'_> {
    /// A number (or integer) within `flat`'s bounds and steps, for a property named `hint`.
    pub(super) fn number(&mut self, flat: &Flat<'_>, integer: bool, hint: Option<&str>) -> Value {
        let mut minimum = flat.minimum;
        let mut maximum = flat.maximum;
        if flat.format == Some("int32") {
            minimum = tighter_low(minimum, (f64::from(i32::MIN), false));
            maximum = tighter_high(maximum, (f64::from(i32::MAX), false));
        }
        let low = minimum.map_or(f64::NEG_INFINITY, |b| b.0);
        let high = maximum.map_or(f64::INFINITY, |b| b.0);
        if low > LARGEST || high < -LARGEST || low > high {
            // Out of reach of the scaled arithmetic, or contradictory: the bound itself.
            return float_value(if low.is_finite() { low } else { high });
        }
        // Values drawn from a plausible window inside the bounds: 1..1000, or the last 30 days for
        // a Unix time (Stripe's `created`).
        let timestamp = integer && hint.is_some_and(is_time_name);
        let anchor = if timestamp {
            (self.generator.now.timestamp() - 30 * 24 * 3600) as f64
        } else {
            1.0
        };
        let width = if timestamp { 30.0 * 24.0 * 3600.0 } else { WINDOW };
        let anchor = anchor.clamp(low.max(-LARGEST), high.min(LARGEST));
        let (mut from, mut to) = (anchor, (anchor + width).min(high).min(LARGEST));
        if to <= from {
            from = (high - width).max(low).max(-LARGEST);
            to = anchor;
        }
        let Some(step) = Step::of(&flat.multiple_of, integer) else {
            return self.float_steps(&flat.multiple_of, minimum, maximum, from, to);
        };
        let scale = 10f64.powi(step.decimals as i32);
        let to_units = |x: f64| x * scale / step.units as f64;
        let mut first = to_units(from).ceil() as i128;
        let mut last = to_units(to).floor() as i128;
        let value_of = |k: i128| (k * step.units) as f64 / scale;
        // Float rounding can put the first or last multiple just outside a bound: step inwards.
        for _ in 0..3 {
            if !inside(value_of(first), minimum, maximum) {
                first += 1;
            }
            if !inside(value_of(last), minimum, maximum) {
                last -= 1;
            }
        }
        if first > last {
            if flat.multiple_of.is_empty() && !integer {
                // A range narrower than a cent: its middle.
                return float_value((low.max(-LARGEST) + high.min(LARGEST)) / 2.0);
            }
            return float_value(from);
        }
        let span = (last - first) as u128;
        let mut k = first + (self.below_u128(span + 1)) as i128;
        // A free `number` reads as one when it has a fraction (and then also fails `integer`,
        // which keeps `oneOf: [integer, number]` exclusive).
        if step.free && (k * step.units) % (scale as i128) == 0 {
            k = if k < last { k + 1 } else { (k - 1).max(first) };
        }
        step.print(k * step.units)
    }

    /// The fallback for steps with too many decimals to scale: plain floats.
    fn float_steps(
        &mut self,
        steps: &[f64],
        minimum: Option<Bound>,
        maximum: Option<Bound>,
        from: f64,
        to: f64,
    ) -> Value {
        let step = steps.iter().copied().fold(f64::MIN_POSITIVE, f64::max);
        let first = (from / step).ceil();
        let last = (to / step).floor();
        if first.is_nan() || first > last || last - first > 1e12 {
            return float_value(first * step);
        }
        let k = first + self.below((last - first) as u64 + 1) as f64;
        let value = k * step;
        float_value(if inside(value, minimum, maximum) {
            value
        } else {
            first * step
        })
    }

    fn below_u128(&mut self, n: u128) -> u128 {
        match u64::try_from(n) {
            Ok(n) => u128::from(self.below(n)),
            // Spans this wide only come from bounds near LARGEST; any value in the first 2^64 does.
            Err(_) => u128::from(self.next()),
        }
    }
}

/// A step as an integer count of units of 10^-decimals: `0.01` is 1 unit at 2 decimals, and the
/// steps of an `allOf` combine into their least common multiple.
struct Step {
    units: i128,
    decimals: u32,
    /// No `multipleOf`: a cent, for plausible prices and ratios.
    free: bool,
}

impl Step {
    fn of(steps: &[f64], integer: bool) -> Option<Step> {
        let mut parts: Vec<(i128, u32)> = steps.iter().map(|s| decimal_parts(*s)).collect::<Option<_>>()?;
        let free = parts.is_empty() && !integer;
        if integer {
            parts.push((1, 0));
        }
        if free {
            parts.push((1, 2));
        }
        let decimals = parts.iter().map(|p| p.1).max()?;
        if decimals > MAX_DECIMALS {
            return None;
        }
        let mut units: i128 = 1;
        for (mantissa, places) in parts {
            let scaled = mantissa.checked_mul(10i128.checked_pow(decimals - places)?)?;
            units = lcm(units, scaled)?;
        }
        // The decimal point moves left over trailing zeros: an integer step prints as an integer.
        let mut step = Step { units, decimals, free };
        while step.decimals > 0 && step.units % 10 == 0 {
            step.units /= 10;
            step.decimals -= 1;
        }
        Some(step)
    }

    /// `scaled` units of 10^-decimals as a JSON number, through its decimal text so that the float
    /// is the one that prints as those digits.
    fn print(&self, scaled: i128) -> Value {
        if self.decimals == 0 {
            return i64::try_from(scaled).map_or_else(|_| float_value(scaled as f64), Value::from);
        }
        let divisor = 10i128.pow(self.decimals);
        let sign = if scaled < 0 { "-" } else { "" };
        let (whole, fraction) = (scaled.abs() / divisor, scaled.abs() % divisor);
        let text = format!("{sign}{whole}.{fraction:0width$}", width = self.decimals as usize);
        float_value(text.parse().unwrap_or(0.0))
    }
}

/// The mantissa and decimal places of `x` as it prints (`0.01` → (1, 2)), for finite positive steps.
pub(super) fn decimal_parts(x: f64) -> Option<(i128, u32)> {
    if !x.is_finite() {
        return None;
    }
    // Rust prints the shortest text that reads back as `x`, never in exponent form.
    let text = format!("{x}");
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let digits = format!("{whole}{fraction}");
    let places = u32::try_from(fraction.len()).ok()?;
    Some((digits.parse().ok()?, places))
}

fn gcd(mut a: i128, mut b: i128) -> i128 {
    while b != 0 {
        (a, b) = (b, a % b);
    }
    a.abs()
}

fn lcm(a: i128, b: i128) -> Option<i128> {
    if a == 0 || b == 0 {
        return Some(a.max(b));
    }
    (a / gcd(a, b))
        .checked_mul(b)
        .map(i128::abs)
        .filter(|l| *l < 10i128.pow(18))
}

fn inside(value: f64, minimum: Option<Bound>, maximum: Option<Bound>) -> bool {
    let above = minimum.is_none_or(|(m, exclusive)| if exclusive { value > m } else { value >= m });
    let below = maximum.is_none_or(|(m, exclusive)| if exclusive { value < m } else { value <= m });
    above && below
}

fn tighter_low(bound: Option<Bound>, other: Bound) -> Option<Bound> {
    Some(bound.filter(|b| b.0 >= other.0).unwrap_or(other))
}

fn tighter_high(bound: Option<Bound>, other: Bound) -> Option<Bound> {
    Some(bound.filter(|b| b.0 <= other.0).unwrap_or(other))
}

/// Unix times are integers under names like `created` or `expires_at`.
fn is_time_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    ["created", "updated", "timestamp"].contains(&lower.as_str())
        || lower.ends_with("_at")
        || name.ends_with("At")
        || lower.ends_with("_time")
}

/// A float as JSON; NaN and infinities (from absurd bounds) become 0.
fn float_value(x: f64) -> Value {
    Number::from_f64(x).map_or(Value::from(0), Value::Number)
}

/// Whether `value` is a multiple of `step`, decided on decimal digits like the validator does.
pub(super) fn is_multiple(value: f64, step: f64) -> bool {
    if value == 0.0 {
        return true;
    }
    match (decimal_parts(value), decimal_parts(step)) {
        (Some((v, vd)), Some((s, sd))) if s != 0 => {
            let shared = vd.min(sd);
            let scale = |m: i128, d: u32| m.checked_mul(10i128.checked_pow(d - shared)?);
            match (scale(v, sd), scale(s, vd)) {
                (Some(a), Some(b)) => a % b == 0,
                _ => ((value / step).round() - value / step).abs() < 1e-9,
            }
        }
        _ => ((value / step).round() - value / step).abs() < 1e-9,
    }
}
