//! The server's clocks. Every expiry (JWT lifetimes, token and auth-session lifetimes) reads the
//! clock of the request's namespace, never the system clock directly, so that a test can move its
//! namespace's time forward without waiting and without touching other namespaces.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::RwLock;

use chrono::{DateTime, TimeDelta, Utc};

use crate::state::locks;
use crate::state::text_map::TextMap;

/// How far ahead of the system time a namespace's clock may run, in all: 100 years. Far enough for
/// any expiry a test needs, and far from the end of the calendar the server can represent.
pub const MAX_AHEAD: TimeDelta = TimeDelta::days(36_525);

/// Wall-clock time plus, per namespace, an offset that only ever grows, up to [`MAX_AHEAD`].
#[derive(Debug, Default)]
pub struct Clock {
    /// Milliseconds added to the system time, by namespace. An `RwLock` because every request reads
    /// it and only the control API writes it; no `.await` happens while it is held.
    offsets_ms: RwLock<TextMap<String, i64>>,
    /// Whether any namespace has moved its clock: requests skip the lock until one has.
    any_offset: AtomicBool,
}

impl Clock {
    /// The time in `namespace`.
    pub fn now(&self, namespace: &str) -> DateTime<Utc> {
        let offset = TimeDelta::try_milliseconds(self.offset_ms(namespace)).unwrap_or(MAX_AHEAD);
        let now = Utc::now();
        // Offsets stay within MAX_AHEAD, so the sum is representable; the fallback is never reached.
        now.checked_add_signed(offset).unwrap_or(now)
    }

    /// Moves the namespace's clock forward by `by`. Refused, with the range in the message, when `by`
    /// is negative (time does not go back, or expired tokens would come back to life) or would take
    /// the clock more than [`MAX_AHEAD`] ahead; a refused move changes nothing.
    pub fn advance(&self, namespace: &str, by: TimeDelta) -> Result<DateTime<Utc>, String> {
        let max_ms = MAX_AHEAD.num_milliseconds();
        let ms = by.num_milliseconds();
        if ms < 0 {
            return Err("the clock only moves forward: seconds and milliseconds must add up to 0 or more".into());
        }
        let mut offsets = locks::write(&self.offsets_ms);
        let current = offsets.get(namespace).copied().unwrap_or(0);
        let total = current
            .checked_add(ms)
            .filter(|total| *total <= max_ms)
            .ok_or_else(|| {
                format!(
                    "the clock can run at most {} seconds (100 years) ahead of the system time in all; \
                 this namespace is {} seconds ahead, so it can move at most {} seconds more",
                    max_ms / 1000,
                    current / 1000,
                    (max_ms - current) / 1000
                )
            })?;
        offsets.insert(namespace.to_string(), total);
        self.any_offset.store(true, Ordering::Release);
        drop(offsets);
        Ok(self.now(namespace))
    }

    /// Puts the namespace's clock back to the system time (with a namespace reset).
    pub fn reset(&self, namespace: &str) {
        locks::write(&self.offsets_ms).remove(namespace);
    }

    fn offset_ms(&self, namespace: &str) -> i64 {
        if !self.any_offset.load(Ordering::Acquire) {
            return 0;
        }
        locks::read(&self.offsets_ms).get(namespace).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn advancing_one_namespace_leaves_the_others_on_system_time() {
        let clock = Clock::default();
        let before = clock.now("a");
        clock.advance("a", TimeDelta::minutes(31)).unwrap();
        assert!(clock.now("a") - before >= TimeDelta::minutes(31));
        assert!(clock.now("b") - before < TimeDelta::minutes(1));
        assert!(clock.advance("a", TimeDelta::seconds(-1)).is_err());
        clock.reset("a");
        assert!(clock.now("a") - before < TimeDelta::minutes(1));
    }

    #[test]
    fn the_clock_refuses_to_run_past_its_range_and_keeps_working() {
        let clock = Clock::default();
        clock.advance("a", MAX_AHEAD - TimeDelta::days(1)).unwrap();
        let error = clock.advance("a", TimeDelta::days(2)).unwrap_err();
        assert!(error.contains("at most 86400 seconds more"), "{error}");
        assert!(clock.advance("a", TimeDelta::MAX).is_err());
        assert!(clock.advance("a", TimeDelta::MIN).is_err());
        assert!(
            clock.now("a") > Utc::now() + TimeDelta::days(36_000),
            "the refused moves changed nothing"
        );
        clock.advance("a", TimeDelta::days(1)).unwrap();
    }
}
