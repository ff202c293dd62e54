//! Namespaced in-memory state. Every tenant (a vendor credential: an app's secret key, an
//! environment's token; or the default tenant where the vendor has no credential) gets its own copy
//! of the vendor's default data the first time it is seen, so parallel test runs that use different
//! keys never see each other's changes.

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;

use chrono::{DateTime, Utc};

/// How many tenants one vendor keeps before the oldest is forgotten, so that a client inventing a
/// new key per request cannot grow memory without bound.
pub const MAX_TENANTS: usize = 4096;

type Seed<S> = Box<dyn Fn(DateTime<Utc>) -> S + Send + Sync>;

/// One vendor's state for every tenant.
pub struct Store<S> {
    /// A std `Mutex`, not tokio's: no `.await` happens while it is held (callers pass a synchronous
    /// closure), and the critical sections are a hash lookup and a few field updates.
    tenants: Mutex<Tenants<S>>,
    seed: Seed<S>,
}

struct Tenants<S> {
    states: HashMap<String, S>,
    /// Creation order, for evicting the oldest tenant past [`MAX_TENANTS`].
    order: VecDeque<String>,
}

impl<S> Store<S> {
    /// `seed` builds the default data for a new tenant at the given time.
    pub fn new(seed: impl Fn(DateTime<Utc>) -> S + Send + Sync + 'static) -> Self {
        Self {
            tenants: Mutex::new(Tenants {
                states: HashMap::new(),
                order: VecDeque::new(),
            }),
            seed: Box::new(seed),
        }
    }

    /// Runs `f` on the tenant's state, seeding it at `now` if the tenant is new.
    pub fn with<R>(&self, tenant: &str, now: DateTime<Utc>, f: impl FnOnce(&mut S) -> R) -> R {
        let mut guard = self.lock();
        let tenants = &mut *guard;
        if !tenants.states.contains_key(tenant) {
            if tenants.order.len() >= MAX_TENANTS {
                if let Some(oldest) = tenants.order.pop_front() {
                    tenants.states.remove(&oldest);
                }
            }
            tenants.order.push_back(tenant.to_string());
            tenants.states.insert(tenant.to_string(), (self.seed)(now));
        }
        // Just inserted when absent: the lookup cannot fail.
        f(tenants.states.get_mut(tenant).expect("tenant present"))
    }

    /// Forgets a tenant: its next request starts again from the default data.
    pub fn reset(&self, tenant: &str) {
        let mut tenants = self.lock();
        tenants.states.remove(tenant);
        tenants.order.retain(|t| t != tenant);
    }

    pub fn tenant_count(&self) -> usize {
        self.lock().states.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tenants<S>> {
        // A panic while holding the lock cannot leave a tenant half-updated in a way later requests
        // could not cope with (each update is a single insert or remove), so a poisoned lock is used.
        self.tenants.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tenant_starts_from_the_default_data_and_keeps_its_own_changes() {
        let store = Store::new(|_| vec!["default"]);
        let now = Utc::now();
        store.with("a", now, |s| s.clear());
        assert!(store.with("a", now, |s| s.is_empty()));
        assert_eq!(store.with("b", now, |s| s.clone()), vec!["default"]);
        store.reset("a");
        assert_eq!(store.with("a", now, |s| s.clone()), vec!["default"]);
    }

    #[test]
    fn the_oldest_tenant_is_forgotten_past_the_cap() {
        let store = Store::new(|_| 0u32);
        let now = Utc::now();
        store.with("first", now, |s| *s = 7);
        for i in 0..MAX_TENANTS {
            store.with(&i.to_string(), now, |_| ());
        }
        assert_eq!(store.tenant_count(), MAX_TENANTS);
        assert_eq!(
            store.with("first", now, |s| *s),
            0,
            "the evicted tenant starts again from the default"
        );
    }
}
