//! The server's clock. Every expiry (JWT lifetimes, token and auth-session lifetimes) reads this
//! clock, never the system clock directly, so that the clock can be moved forward for tests.

use std::sync::atomic::{AtomicI64, Ordering};

use chrono::{DateTime, TimeDelta, Utc};

/// Wall-clock time plus an offset that only ever grows.
#[derive(Debug, Default)]
pub struct Clock {
    /// Milliseconds added to the system time. An atomic, not a lock: reading the clock is on every
    /// request's path.
    offset_ms: AtomicI64,
}

impl Clock {
    pub fn now(&self) -> DateTime<Utc> {
        Utc::now() + TimeDelta::milliseconds(self.offset_ms.load(Ordering::Relaxed))
    }

    /// Moves the clock forward by `by` (negative durations are ignored: time does not go back).
    pub fn advance(&self, by: TimeDelta) {
        let ms = by.num_milliseconds().max(0);
        self.offset_ms.fetch_add(ms, Ordering::Relaxed);
    }
}
