//! The server's clocks. Every expiry (JWT lifetimes, token and auth-session lifetimes) reads the
//! clock of the request's namespace, never the system clock directly, so that a test can move its
//! namespace's time forward without waiting and without touching other namespaces.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::RwLock;

use chrono::{DateTime, TimeDelta, Utc};

/// Wall-clock time plus, per namespace, an offset that only ever grows.
#[derive(Debug, Default)]
pub struct Clock {
    /// Milliseconds added to the system time, by namespace. An `RwLock` because every request reads
    /// it and only the control API writes it; no `.await` happens while it is held.
    offsets_ms: RwLock<HashMap<String, i64>>,
    /// Whether any namespace has moved its clock: requests skip the lock until one has.
    any_offset: AtomicBool,
}

impl Clock {
    /// The time in `namespace`.
    pub fn now(&self, namespace: &str) -> DateTime<Utc> {
        Utc::now() + TimeDelta::milliseconds(self.offset_ms(namespace))
    }

    /// Moves the namespace's clock forward by `by` (negative durations are refused: time does not
    /// go back, or expired tokens would come back to life).
    pub fn advance(&self, namespace: &str, by: TimeDelta) -> Result<DateTime<Utc>, String> {
        let ms = by.num_milliseconds();
        if ms < 0 {
            return Err("the clock only moves forward".into());
        }
        let mut offsets = self.offsets_ms.write().unwrap_or_else(|p| p.into_inner());
        let offset = offsets.entry(namespace.to_string()).or_insert(0);
        *offset = offset.saturating_add(ms);
        self.any_offset.store(true, Ordering::Release);
        drop(offsets);
        Ok(self.now(namespace))
    }

    /// Puts the namespace's clock back to the system time (with a namespace reset).
    pub fn reset(&self, namespace: &str) {
        self.offsets_ms
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .remove(namespace);
    }

    fn offset_ms(&self, namespace: &str) -> i64 {
        if !self.any_offset.load(Ordering::Acquire) {
            return 0;
        }
        // A poisoned lock still holds whole integers: reading it is safe.
        self.offsets_ms
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(namespace)
            .copied()
            .unwrap_or(0)
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
}
