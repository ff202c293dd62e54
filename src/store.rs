//! Namespaced in-memory state. A tenant is a (namespace, credential) pair: the namespace comes from
//! the `x-understudy-namespace` header (parallel test files each take their own), the credential is
//! whatever separates apps at the vendor (a MoonKey secret key, a Dynamic token; empty where the
//! vendor has none). Each tenant gets its own copy of the vendor's default data when first seen.

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
    /// closure), and the critical sections are two hash lookups and a few field updates.
    tenants: Mutex<Tenants<S>>,
    seed: Seed<S>,
}

struct Tenants<S> {
    /// namespace -> credential -> state. Nested so that lookups borrow the request's strings and
    /// allocate nothing, and a namespace resets in one removal.
    namespaces: HashMap<String, HashMap<String, S>>,
    /// Creation order, for evicting the oldest tenant past [`MAX_TENANTS`].
    order: VecDeque<(String, String)>,
}

impl<S> Store<S> {
    /// `seed` builds the default data for a new tenant at the given time.
    pub fn new(seed: impl Fn(DateTime<Utc>) -> S + Send + Sync + 'static) -> Self {
        Self {
            tenants: Mutex::new(Tenants {
                namespaces: HashMap::new(),
                order: VecDeque::new(),
            }),
            seed: Box::new(seed),
        }
    }

    /// Runs `f` on the tenant's state, seeding it at `now` if the tenant is new.
    pub fn with<R>(&self, namespace: &str, credential: &str, now: DateTime<Utc>, f: impl FnOnce(&mut S) -> R) -> R {
        let mut guard = self.lock();
        let tenants = &mut *guard;
        let known = tenants
            .namespaces
            .get(namespace)
            .is_some_and(|n| n.contains_key(credential));
        if !known {
            if tenants.order.len() >= MAX_TENANTS {
                if let Some((oldest_namespace, oldest_credential)) = tenants.order.pop_front() {
                    tenants.remove(&oldest_namespace, &oldest_credential);
                }
            }
            tenants.order.push_back((namespace.to_string(), credential.to_string()));
            let state = (self.seed)(now);
            tenants
                .namespaces
                .entry(namespace.to_string())
                .or_default()
                .insert(credential.to_string(), state);
        }
        // Present, or just inserted: the lookups cannot fail.
        let state = tenants
            .namespaces
            .get_mut(namespace)
            .and_then(|n| n.get_mut(credential))
            .expect("tenant present");
        f(state)
    }

    /// Forgets every tenant of a namespace: each starts again from the default data.
    pub fn reset_namespace(&self, namespace: &str) {
        let mut tenants = self.lock();
        tenants.namespaces.remove(namespace);
        tenants.order.retain(|(n, _)| n != namespace);
    }

    pub fn tenant_count(&self) -> usize {
        self.lock().order.len()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Tenants<S>> {
        // Each update under the lock is a single insert or remove, so a panic elsewhere cannot leave
        // a tenant half-written: a poisoned lock is safe to keep using.
        self.tenants.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl<S> Tenants<S> {
    fn remove(&mut self, namespace: &str, credential: &str) {
        if let Some(credentials) = self.namespaces.get_mut(namespace) {
            credentials.remove(credential);
            if credentials.is_empty() {
                self.namespaces.remove(namespace);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_tenant_starts_from_the_default_data_and_keeps_its_own_changes() {
        let store = Store::new(|_| vec!["default"]);
        let now = Utc::now();
        store.with("ns", "a", now, |s| s.clear());
        assert!(store.with("ns", "a", now, |s| s.is_empty()));
        assert_eq!(store.with("ns", "b", now, |s| s.clone()), vec!["default"]);
        assert_eq!(
            store.with("other", "a", now, |s| s.clone()),
            vec!["default"],
            "namespaces are apart"
        );
        store.reset_namespace("ns");
        assert_eq!(store.with("ns", "a", now, |s| s.clone()), vec!["default"]);
    }

    #[test]
    fn resetting_a_namespace_leaves_the_others_alone() {
        let store = Store::new(|_| 0u32);
        let now = Utc::now();
        store.with("one", "", now, |s| *s = 1);
        store.with("two", "", now, |s| *s = 2);
        store.reset_namespace("one");
        assert_eq!(store.with("one", "", now, |s| *s), 0);
        assert_eq!(store.with("two", "", now, |s| *s), 2);
    }

    #[test]
    fn the_oldest_tenant_is_forgotten_past_the_cap() {
        let store = Store::new(|_| 0u32);
        let now = Utc::now();
        store.with("ns", "first", now, |s| *s = 7);
        for i in 0..MAX_TENANTS {
            store.with("ns", &i.to_string(), now, |_| ());
        }
        assert_eq!(store.tenant_count(), MAX_TENANTS);
        assert_eq!(
            store.with("ns", "first", now, |s| *s),
            0,
            "the evicted tenant starts again from the default"
        );
    }
}
