//! Namespaced in-memory state. A tenant is a (namespace, credential) pair: the namespace comes from
//! the `x-understudy-namespace` header (parallel test files each take their own), the credential is
//! whatever separates apps at the vendor (a secret key, an environment token; empty where the
//! vendor has none). Each tenant starts from the vendor's default data.
//!
//! Copy on write: a tenant that has changed nothing shares one seeded copy of the default data with
//! every other such tenant, so a new tenant costs a map entry, not a copy; its own copy is made on
//! its first change. Seeding happens at most once a second, so a stream of new tenants never stalls
//! the others.
//!
//! Past its cap, the store forgets a tenant: one that has changed nothing first (it holds nothing
//! that cannot be rebuilt), the least recently used of those; only then the least recently used of
//! those with changes, which is counted and warned of once, so that a user can see it happened.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

use chrono::{DateTime, TimeDelta, Utc};

use crate::state::locks::lock;
use crate::state::text_map::TextMap;

/// How many tenants one vendor keeps unless told otherwise (`--max-tenants`), so that a client
/// inventing a new key per request cannot grow memory without bound.
pub const MAX_TENANTS: usize = 4096;

/// A tenant first seen within this long of the shared default data's seeding shares it. Default
/// data that expires (a fixture's Nango token, say) therefore runs from the tenant's first sight
/// to within this margin.
const RESEED_AFTER: TimeDelta = TimeDelta::seconds(1);

/// Where a new tenant's default data comes from.
enum Seed<S> {
    /// Built afresh (at most once a second), for default data that depends on the time.
    Fresh(Box<dyn Fn(DateTime<Utc>) -> S + Send + Sync>),
    /// One value shared for good: a new tenant costs a map entry however large it is.
    Fixed(Arc<S>),
}

/// One vendor's state for every tenant.
pub struct Store<S> {
    /// A std `Mutex`, not tokio's: no `.await` happens while it is held (callers pass a synchronous
    /// closure), and the critical sections are two hash lookups and a few field updates.
    tenants: Mutex<Tenants<S>>,
    seed: Seed<S>,
    /// Set once a tenant with changes has been forgotten (the warning is printed once).
    warned: AtomicBool,
    /// The vendor's name, for the warning.
    name: &'static str,
}

struct Tenants<S> {
    /// namespace -> credential -> tenant. Nested so that lookups borrow the request's strings and
    /// allocate nothing, and a namespace resets in one removal.
    namespaces: TextMap<Arc<str>, TextMap<Arc<str>, Held<S>>>,
    /// last use -> tenant, for the tenants that have changed nothing and for those that have: the
    /// first of the first map is forgotten first.
    unchanged: BTreeMap<u64, (Arc<str>, Arc<str>)>,
    changed: BTreeMap<u64, (Arc<str>, Arc<str>)>,
    /// Counts uses.
    next_use: u64,
    /// How many tenants are kept.
    limit: usize,
    /// Tenants forgotten since the start, and those of them that had changes.
    forgotten: u64,
    forgotten_with_changes: u64,
    /// The default data as last seeded, and when: shared by every tenant that has not changed it.
    shared_default: Option<(DateTime<Utc>, Arc<S>)>,
}

/// One tenant: its state, when it was last used, and whether it has changed anything.
struct Held<S> {
    state: Arc<S>,
    last_used: u64,
    changed: bool,
}

/// What a store holds and has forgotten, for `GET /stats`.
#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
pub struct StoreStats {
    pub tenants_held: usize,
    /// The most tenants kept (`--max-tenants`).
    pub tenants_limit: usize,
    /// Tenants forgotten because the limit was reached (those that changed nothing go first).
    pub tenants_forgotten: u64,
    /// Of those, the ones that had changed their data (their changes are lost).
    pub tenants_forgotten_with_changes: u64,
}

impl<S: Clone> Store<S> {
    /// `seed` builds the default data for a new tenant at the given time.
    #[cfg(test)]
    pub fn new(seed: impl Fn(DateTime<Utc>) -> S + Send + Sync + 'static) -> Self {
        Self::with_limit("a vendor", MAX_TENANTS, seed)
    }

    /// A store of `name` that keeps at most `limit` tenants.
    pub fn with_limit(
        name: &'static str,
        limit: usize,
        seed: impl Fn(DateTime<Utc>) -> S + Send + Sync + 'static,
    ) -> Self {
        Self::build(name, limit, Seed::Fresh(Box::new(seed)))
    }

    fn build(name: &'static str, limit: usize, seed: Seed<S>) -> Self {
        Self {
            tenants: Mutex::new(Tenants {
                namespaces: TextMap::default(),
                unchanged: BTreeMap::new(),
                changed: BTreeMap::new(),
                next_use: 0,
                limit: limit.max(1),
                forgotten: 0,
                forgotten_with_changes: 0,
                shared_default: None,
            }),
            seed,
            warned: AtomicBool::new(false),
            name,
        }
    }

    /// A store of `name` that keeps at most `limit` tenants, each starting from `seed`, which does
    /// not depend on the time: it is never built again, and never copied until a tenant changes it.
    pub fn with_fixed_seed(name: &'static str, limit: usize, seed: S) -> Self {
        Self::build(name, limit, Seed::Fixed(Arc::new(seed)))
    }

    /// What it holds and has forgotten.
    pub fn stats(&self) -> StoreStats {
        let tenants = lock(&self.tenants);
        StoreStats {
            tenants_held: tenants.unchanged.len() + tenants.changed.len(),
            tenants_limit: tenants.limit,
            tenants_forgotten: tenants.forgotten,
            tenants_forgotten_with_changes: tenants.forgotten_with_changes,
        }
    }

    /// Warns, once, that a tenant with changes was forgotten.
    fn warn_once(&self, forgotten_with_changes: u64) {
        if forgotten_with_changes > 0 && !self.warned.swap(true, Ordering::Relaxed) {
            eprintln!(
                "understudy: warning: {} forgot a tenant whose data had changed: more tenants are in use than --max-tenants keeps (see GET /stats)",
                self.name
            );
        }
    }

    /// Runs `f` on the tenant's state without changing it; a new tenant starts from the default data.
    pub fn read<R>(&self, namespace: &str, credential: &str, now: DateTime<Utc>, f: impl FnOnce(&S) -> R) -> R {
        let mut tenants = lock(&self.tenants);
        let result = f(&tenants.tenant(namespace, credential, now, &self.seed).state);
        let lost = tenants.forgotten_with_changes;
        drop(tenants);
        self.warn_once(lost);
        result
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
        let held = tenants.tenant(namespace, credential, now, &self.seed);
        let mut tenant = Tenant {
            state: &mut held.state,
            changed: false,
        };
        let result = f(&mut tenant);
        let first_change = tenant.changed && !held.changed;
        held.changed |= tenant.changed;
        let last_used = held.last_used;
        if first_change {
            if let Some(key) = tenants.unchanged.remove(&last_used) {
                tenants.changed.insert(last_used, key);
            }
        }
        let lost = tenants.forgotten_with_changes;
        drop(tenants);
        self.warn_once(lost);
        result
    }

    /// Forgets every tenant of a namespace: each starts again from the default data.
    pub fn reset_namespace(&self, namespace: &str) {
        let mut tenants = lock(&self.tenants);
        if let Some(credentials) = tenants.namespaces.remove(namespace) {
            for held in credentials.values() {
                tenants.unchanged.remove(&held.last_used);
                tenants.changed.remove(&held.last_used);
            }
        }
    }
}

/// A tenant's state inside [`Store::update`]: read through `Deref`, changed through [`Tenant::change`].
pub struct Tenant<'a, S> {
    state: &'a mut Arc<S>,
    changed: bool,
}

impl<S: Clone> Tenant<'_, S> {
    /// The tenant's own state, to change: copied from the shared default data the first time.
    pub fn change(&mut self) -> &mut S {
        self.changed = true;
        Arc::make_mut(self.state)
    }
}

impl<S> std::ops::Deref for Tenant<'_, S> {
    type Target = S;
    fn deref(&self) -> &S {
        self.state
    }
}

impl<S> Tenants<S> {
    /// The tenant, seeded (or sharing the default data) if it is new, and marked as just used.
    fn tenant(&mut self, namespace: &str, credential: &str, now: DateTime<Utc>, seed: &Seed<S>) -> &mut Held<S> {
        let previous_use = self.next_use;
        let next_use = previous_use + 1;
        let found = self
            .namespaces
            .get_mut(namespace)
            .and_then(|credentials| credentials.get_mut(credential))
            .map(|held| {
                let (last_used, changed) = (held.last_used, held.changed);
                if last_used != previous_use {
                    held.last_used = next_use;
                }
                (last_used, changed)
            });
        if found.is_none_or(|(last_used, _)| last_used != previous_use) {
            self.next_use = next_use;
        }
        match found {
            // The last use was this tenant's (a busy tenant's steady state): the order stays.
            Some((last_used, _)) if last_used == previous_use => {}
            Some((last_used, changed)) => {
                let order = if changed {
                    &mut self.changed
                } else {
                    &mut self.unchanged
                };
                if let Some(key) = order.remove(&last_used) {
                    order.insert(next_use, key);
                }
            }
            None => {
                if self.unchanged.len() + self.changed.len() >= self.limit {
                    self.forget_one();
                }
                let state = self.shared_default(now, seed);
                let (namespace, credential): (Arc<str>, Arc<str>) = (Arc::from(namespace), Arc::from(credential));
                self.unchanged.insert(next_use, (namespace.clone(), credential.clone()));
                self.namespaces.entry(namespace).or_default().insert(
                    credential,
                    Held {
                        state,
                        last_used: next_use,
                        changed: false,
                    },
                );
            }
        }
        // Present, or inserted just above.
        self.namespaces
            .get_mut(namespace)
            .and_then(|credentials| credentials.get_mut(credential))
            .expect("the tenant is present")
    }

    /// Forgets the least recently used tenant that has changed nothing, else the least recently
    /// used of all.
    fn forget_one(&mut self) {
        let (victim, had_changes) = match self.unchanged.pop_first() {
            Some((_, victim)) => (victim, false),
            None => match self.changed.pop_first() {
                Some((_, victim)) => (victim, true),
                None => return,
            },
        };
        self.remove(&victim.0, &victim.1);
        self.forgotten += 1;
        if had_changes {
            self.forgotten_with_changes += 1;
        }
    }

    /// The shared default data, seeded again when it is older (or younger) than [`RESEED_AFTER`].
    fn shared_default(&mut self, now: DateTime<Utc>, seed: &Seed<S>) -> Arc<S> {
        let seed = match seed {
            Seed::Fixed(state) => return state.clone(),
            Seed::Fresh(seed) => seed,
        };
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
    fn a_fixed_seed_is_shared_by_every_tenant_and_copied_only_by_one_that_changes_it() {
        let store = Store::with_fixed_seed("a vendor", 10, vec![1u8; 1000]);
        let now = Utc::now() + TimeDelta::seconds(5);
        let address = |namespace: &str| store.read(namespace, "", now, |s| s.as_ptr() as usize);
        let first = address("one");
        assert_eq!(
            address("two"),
            first,
            "a new tenant shares the seed, even seconds later"
        );
        store.update("one", "", now, |t| t.change()[0] = 2);
        assert_ne!(address("one"), first, "the changed tenant has its own copy");
        assert_eq!(address("three"), first, "the seed itself is unchanged");
        assert_eq!(store.read("three", "", now, |s| s[0]), 1);
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
    fn past_the_cap_a_tenant_that_changed_nothing_goes_before_one_that_did() {
        let store = Store::with_limit("test", 3, |_| 0u32);
        let now = Utc::now();
        store.update("ns", "changed", now, |t| *t.change() = 7);
        store.read("ns", "read-only", now, |_| ());
        store.read("ns", "third", now, |_| ());
        store.read("ns", "fourth", now, |_| ());
        assert_eq!(
            store.read("ns", "changed", now, |s| *s),
            7,
            "the oldest, but it holds changes"
        );
        let stats = store.stats();
        assert_eq!(
            (
                stats.tenants_held,
                stats.tenants_forgotten,
                stats.tenants_forgotten_with_changes
            ),
            (3, 1, 0),
            "read-only went instead"
        );
    }

    #[test]
    fn a_tenant_in_use_keeps_its_state_while_ten_thousand_others_come_and_go() {
        let store = Store::with_limit("test", 64, |_| 0u32);
        let now = Utc::now();
        store.update("working", "", now, |t| *t.change() = 1);
        for i in 0..10_000u32 {
            // Others change their data too, so only recency can save the working tenant.
            store.update(&format!("passing-{i}"), "", now, |t| *t.change() = i);
            if i % 32 == 0 {
                store.update("working", "", now, |t| *t.change() += 1);
            }
        }
        assert_eq!(store.read("working", "", now, |s| *s), 1 + 10_000 / 32 + 1);
        let stats = store.stats();
        assert_eq!(stats.tenants_held, 64);
        assert!(
            stats.tenants_forgotten_with_changes > 9_000,
            "and the forgetting is counted: {stats:?}"
        );
    }

    #[test]
    fn past_the_cap_the_least_recently_used_with_changes_goes_first() {
        let store = Store::with_limit("test", 2, |_| 0u32);
        let now = Utc::now();
        store.update("a", "", now, |t| *t.change() = 1);
        store.update("b", "", now, |t| *t.change() = 2);
        store.read("a", "", now, |_| ());
        store.update("c", "", now, |t| *t.change() = 3);
        assert_eq!(
            [store.read("a", "", now, |s| *s), store.read("c", "", now, |s| *s)],
            [1, 3],
            "b, used least recently, went"
        );
        assert_eq!(store.stats().tenants_forgotten_with_changes, 1, "b, and it is counted");
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
                Arc::ptr_eq(&namespace["6"].state, &namespace["5"].state),
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
