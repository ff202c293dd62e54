//! Namespaced in-memory state. A tenant is a (namespace, credential) pair: the namespace comes from
//! the `x-understudy-namespace` header (parallel test files each take their own), the credential is
//! whatever separates apps at the vendor (a secret key, an environment token; empty where the
//! vendor has none). Each tenant starts from the vendor's default data.
//!
//! Copy on write: a tenant that has changed nothing shares one seeded copy of the default data with
//! every other such tenant, so a new tenant costs a map entry, not a copy; its own copy is made on
//! its first change. Seeding happens at most once a second, so a stream of new tenants never stalls
//! the others.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};

use crate::state::locks::lock;
use crate::state::text_map::TextMap;

/// How many tenants one vendor keeps before the oldest is forgotten, so that a client inventing a
/// new key per request cannot grow memory without bound.
pub const MAX_TENANTS: usize = 4096;

/// A tenant first seen within this long of the shared default data's seeding shares it. Default
/// data that expires (a fixture's Nango token, say) therefore runs from the tenant's first sight
/// to within this margin.
const RESEED_AFTER: TimeDelta = TimeDelta::seconds(1);

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
    namespaces: TextMap<String, TextMap<String, Arc<S>>>,
    /// Creation order, for evicting the oldest tenant past [`MAX_TENANTS`].
    order: VecDeque<(String, String)>,
    /// The default data as last seeded, and when: shared by every tenant that has not changed it.
    shared_default: Option<(DateTime<Utc>, Arc<S>)>,
}

impl<S: Clone> Store<S> {
    /// `seed` builds the default data for a new tenant at the given time.
    pub fn new(seed: impl Fn(DateTime<Utc>) -> S + Send + Sync + 'static) -> Self {
        Self {
            tenants: Mutex::new(Tenants {
                namespaces: TextMap::default(),
                order: VecDeque::new(),
                shared_default: None,
            }),
            seed: Box::new(seed),
        }
    }

    /// Runs `f` on the tenant's state without changing it; a new tenant starts from the default data.
    pub fn read<R>(&self, namespace: &str, credential: &str, now: DateTime<Utc>, f: impl FnOnce(&S) -> R) -> R {
        let mut tenants = lock(&self.tenants);
        f(tenants.tenant(namespace, credential, now, &self.seed))
    }

    /// Runs `f` on the tenant, which reads its state and, through [`Tenant::change`], changes it.
    /// Everything `f` does happens under one lock: a check and the change it allows are one step.
    pub fn update<R>(
        &self,
        namespace: &str,
        credential: &str,
        now: DateTime<Utc>,
        f: impl FnOnce(&mut Tenant<'_, S>) -> R,
    ) -> R {
        let mut tenants = lock(&self.tenants);
        f(&mut Tenant(tenants.tenant(namespace, credential, now, &self.seed)))
    }

    /// Forgets every tenant of a namespace: each starts again from the default data.
    pub fn reset_namespace(&self, namespace: &str) {
        let mut tenants = lock(&self.tenants);
        tenants.namespaces.remove(namespace);
        tenants.order.retain(|(n, _)| n != namespace);
    }
}

/// A tenant's state inside [`Store::update`]: read through `Deref`, changed through [`Tenant::change`].
pub struct Tenant<'a, S>(&'a mut Arc<S>);

impl<S: Clone> Tenant<'_, S> {
    /// The tenant's own state, to change: copied from the shared default data the first time.
    pub fn change(&mut self) -> &mut S {
        Arc::make_mut(self.0)
    }
}

impl<S> std::ops::Deref for Tenant<'_, S> {
    type Target = S;
    fn deref(&self) -> &S {
        self.0
    }
}

impl<S> Tenants<S> {
    /// The tenant's state, seeded (or shared) if the tenant is new.
    fn tenant(&mut self, namespace: &str, credential: &str, now: DateTime<Utc>, seed: &Seed<S>) -> &mut Arc<S> {
        let known = self
            .namespaces
            .get(namespace)
            .is_some_and(|n| n.contains_key(credential));
        if !known {
            if self.order.len() >= MAX_TENANTS {
                if let Some((oldest_namespace, oldest_credential)) = self.order.pop_front() {
                    self.remove(&oldest_namespace, &oldest_credential);
                }
            }
            let state = self.shared_default(now, seed);
            self.order.push_back((namespace.to_string(), credential.to_string()));
            self.namespaces
                .entry(namespace.to_string())
                .or_default()
                .insert(credential.to_string(), state);
        }
        // Present, or inserted just above.
        self.namespaces
            .get_mut(namespace)
            .and_then(|credentials| credentials.get_mut(credential))
            .expect("the tenant is present")
    }

    /// The shared default data, seeded again when it is older (or younger) than [`RESEED_AFTER`].
    fn shared_default(&mut self, now: DateTime<Utc>, seed: &Seed<S>) -> Arc<S> {
        match &self.shared_default {
            Some((seeded_at, state)) if (now - *seeded_at).abs() < RESEED_AFTER => state.clone(),
            _ => {
                let state = Arc::new(seed(now));
                self.shared_default = Some((now, state.clone()));
                state
            }
        }
    }

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
        store.update("ns", "a", now, |t| t.change().clear());
        assert!(store.read("ns", "a", now, |s| s.is_empty()));
        assert_eq!(store.read("ns", "b", now, |s| s.clone()), vec!["default"]);
        assert_eq!(
            store.read("other", "a", now, |s| s.clone()),
            vec!["default"],
            "namespaces are apart"
        );
        store.reset_namespace("ns");
        assert_eq!(store.read("ns", "a", now, |s| s.clone()), vec!["default"]);
    }

    #[test]
    fn resetting_a_namespace_leaves_the_others_alone() {
        let store = Store::new(|_| 0u32);
        let now = Utc::now();
        store.update("one", "", now, |t| *t.change() = 1);
        store.update("two", "", now, |t| *t.change() = 2);
        store.reset_namespace("one");
        assert_eq!(store.read("one", "", now, |s| *s), 0);
        assert_eq!(store.read("two", "", now, |s| *s), 2);
    }

    #[test]
    fn the_oldest_tenant_is_forgotten_past_the_cap() {
        let store = Store::new(|_| 0u32);
        let now = Utc::now();
        store.update("ns", "first", now, |t| *t.change() = 7);
        for i in 0..MAX_TENANTS {
            store.read("ns", &i.to_string(), now, |_| ());
        }
        assert_eq!(lock(&store.tenants).order.len(), MAX_TENANTS);
        assert_eq!(
            store.read("ns", "first", now, |s| *s),
            0,
            "the evicted tenant starts again from the default"
        );
    }

    #[test]
    fn tenants_share_the_default_data_until_they_change_it() {
        let seeded = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let counter = seeded.clone();
        let store = Store::new(move |_| {
            counter.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            vec![1u8]
        });
        let now = Utc::now();
        for i in 0..100 {
            store.read("ns", &i.to_string(), now, |_| ());
        }
        assert_eq!(
            seeded.load(std::sync::atomic::Ordering::Relaxed),
            1,
            "seeded once for 100 tenants"
        );
        store.update("ns", "6", now, |t| assert_eq!(**t, vec![1]));
        {
            let tenants = lock(&store.tenants);
            let namespace = &tenants.namespaces["ns"];
            assert!(
                Arc::ptr_eq(&namespace["6"], &namespace["5"]),
                "an update that changes nothing keeps sharing"
            );
        }
        store.update("ns", "7", now, |t| t.change().push(2));
        assert_eq!(store.read("ns", "7", now, |s| s.clone()), vec![1, 2]);
        assert_eq!(
            store.read("ns", "8", now, |s| s.clone()),
            vec![1],
            "the others still share the default"
        );
        store.read("ns", "late", now + TimeDelta::seconds(5), |_| ());
        assert_eq!(
            seeded.load(std::sync::atomic::Ordering::Relaxed),
            2,
            "a tenant first seen later gets default data seeded at its own time"
        );
    }
}
