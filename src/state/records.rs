//! The records of the state inferred from one document, for one namespace: each resource's items
//! (by parent values and id, in the order they were made) and each singleton's value (by
//! credential). The engine's stateful answers read and change them through [`crate::state::store::Store`],
//! which keeps one per namespace ([`Stateful`] is one API's); nothing here knows HTTP.

use std::collections::HashMap;
use std::sync::Arc;

use indexmap::IndexMap;
use serde_json::Value;

use crate::state::store::Store;

/// One API's inferred state: its records, and how an undocumented 404 or 409 is answered.
pub struct Stateful {
    pub store: Store<Records>,
    pub undocumented: UndocumentedStatus,
    /// The resources (`false`, index) and singletons (`true`, index) a compiled vendor's operation
    /// acts on: the vendor keeps that state in its own store, so the other operations on them are
    /// answered statelessly rather than from records the vendor never sees.
    pub vendor_owned: Vec<(bool, usize)>,
}

impl Stateful {
    /// What a compiled vendor owns among `document`'s roles, given the indices of its overridden
    /// operations.
    pub fn owned_by_vendor(
        document: &crate::spec::Document,
        overridden: impl Iterator<Item = usize>,
    ) -> Vec<(bool, usize)> {
        let resources = document.resources();
        overridden
            .filter_map(|index| resources.role(index))
            .map(|role| (role.kind.name().starts_with("singleton"), role.target))
            .collect()
    }
}

/// What answers a 404 or 409 of inferred state that the operation does not document (see
/// `crate::engine::stateful::missing`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum UndocumentedStatus {
    /// The true status, as `application/problem+json`, marked as a departure.
    #[default]
    Strict,
    /// The lowest status the operation documents.
    Lenient,
}

/// Where an item is: the values of its resource's parent variables, and its id. A seed whose
/// parents are unknown has no scope, and is found under any parent. Shared, not copied, when a
/// namespace takes its own copy of the records.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Key {
    pub scope: Arc<[Arc<str>]>,
    pub id: Arc<str>,
}

impl Key {
    pub fn new(scope: &[String], id: &str) -> Key {
        Key {
            scope: scope.iter().map(|s| s.as_str().into()).collect(),
            id: id.into(),
        }
    }

    /// Whether the item belongs to `scope` (a seed without a scope belongs to every one).
    fn within(&self, scope: &[String]) -> bool {
        self.scope.is_empty() || self.scope.iter().map(|s| &**s).eq(scope.iter().map(String::as_str))
    }
}

/// One resource's items, and what making the next id needs without a walk over them. Each item is
/// shared until changed: a namespace's own copy of its seeds costs a pointer a record, not the
/// records.
#[derive(Debug, Clone, Default)]
pub struct Collection {
    items: IndexMap<Key, Arc<Value>>,
    /// The highest id that is an integer, of every item ever kept (a deleted id is not made again).
    highest_integer: Option<i64>,
    /// How many items were ever added (never less after a delete, so the next made id differs).
    added: u64,
}

impl Collection {
    fn insert(&mut self, key: Key, value: Value) {
        if let Ok(number) = key.id.parse::<i64>() {
            self.highest_integer = Some(self.highest_integer.map_or(number, |h| h.max(number)));
        }
        if self.items.insert(key, Arc::new(value)).is_none() {
            self.added += 1;
        }
    }
}

/// Every resource's and singleton's records in one namespace.
#[derive(Debug, Clone, Default)]
pub struct Records {
    collections: Vec<Collection>,
    /// (singleton, credential) → value.
    singletons: HashMap<(usize, Box<str>), Value>,
}

impl Records {
    /// Empty records for `resources` resources.
    pub fn new(resources: usize) -> Records {
        Records {
            collections: vec![Collection::default(); resources],
            singletons: HashMap::new(),
        }
    }

    fn collection(&self, resource: usize) -> Option<&Collection> {
        self.collections.get(resource)
    }

    /// The collection of `resource`, to change.
    pub fn collection_mut(&mut self, resource: usize) -> &mut Collection {
        if self.collections.len() <= resource {
            self.collections.resize_with(resource + 1, Collection::default);
        }
        &mut self.collections[resource]
    }

    /// The key under which the item `id` of `scope` is kept, if it is.
    pub fn find(&self, resource: usize, scope: &[String], id: &str) -> Option<Key> {
        let items = &self.collection(resource)?.items;
        let exact = Key::new(scope, id);
        if items.contains_key(&exact) {
            return Some(exact);
        }
        let unscoped = Key::new(&[], id);
        items.contains_key(&unscoped).then_some(unscoped)
    }

    pub fn get(&self, resource: usize, key: &Key) -> Option<&Value> {
        self.collection(resource)?.items.get(key).map(|item| &**item)
    }

    /// The item, to change (copied first if another namespace shares it).
    pub fn get_mut(&mut self, resource: usize, key: &Key) -> Option<&mut Value> {
        self.collections
            .get_mut(resource)?
            .items
            .get_mut(key)
            .map(Arc::make_mut)
    }

    /// Keeps `value` as the item `key` (replacing one there, in its place).
    pub fn insert(&mut self, resource: usize, key: Key, value: Value) {
        self.collection_mut(resource).insert(key, value);
    }

    /// The highest integer id `resource` has ever held.
    pub fn highest_integer(&self, resource: usize) -> Option<i64> {
        self.collection(resource)?.highest_integer
    }

    /// How many items `resource` has ever been given.
    pub fn added(&self, resource: usize) -> u64 {
        self.collection(resource).map_or(0, |c| c.added)
    }

    /// Removes the item `key`, keeping the others' order.
    pub fn remove(&mut self, resource: usize, key: &Key) -> Option<Value> {
        let removed = self.collections.get_mut(resource)?.items.shift_remove(key)?;
        Some(Arc::unwrap_or_clone(removed))
    }

    /// Removes the items of `resource` whose scope starts with `prefix` (the sub-resources of a
    /// deleted item); how many.
    pub fn remove_under(&mut self, resource: usize, prefix: &[String]) -> usize {
        let Some(collection) = self.collections.get_mut(resource) else {
            return 0;
        };
        let before = collection.items.len();
        collection.items.retain(|key, _| {
            let under =
                key.scope.len() >= prefix.len() && key.scope.iter().zip(prefix).all(|(a, b)| **a == *b.as_str());
            !under
        });
        before - collection.items.len()
    }

    /// The items of `resource` in `scope`, in the order they were made.
    pub fn list<'a>(&'a self, resource: usize, scope: &'a [String]) -> impl Iterator<Item = (&'a Key, &'a Value)> + 'a {
        self.collection(resource)
            .into_iter()
            .flat_map(|c| c.items.iter())
            .filter(move |(key, _)| key.within(scope))
            .map(|(key, item)| (key, &**item))
    }

    /// Every item of `resource`, any scope.
    pub fn all(&self, resource: usize) -> impl Iterator<Item = (&Key, &Value)> {
        self.collection(resource)
            .into_iter()
            .flat_map(|c| c.items.iter())
            .map(|(key, item)| (key, &**item))
    }

    /// How many items `resource` holds.
    pub fn count(&self, resource: usize) -> usize {
        self.collection(resource).map_or(0, |c| c.items.len())
    }

    pub fn singleton(&self, singleton: usize, credential: &str) -> Option<&Value> {
        self.singletons.get(&(singleton, credential.into()))
    }

    pub fn set_singleton(&mut self, singleton: usize, credential: &str, value: Value) {
        self.singletons.insert((singleton, credential.into()), value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn items_are_found_in_their_scope_and_seeds_without_one_in_any() {
        let mut records = Records::new(1);
        let alice = vec!["alice".to_string()];
        let bob = vec!["bob".to_string()];
        records.insert(0, Key::new(&alice, "1"), json!({"id": 1}));
        records.insert(0, Key::new(&[], "seed"), json!({"id": "seed"}));
        assert!(records.find(0, &alice, "1").is_some());
        assert!(records.find(0, &bob, "1").is_none(), "bob's orders are not alice's");
        assert!(records.find(0, &bob, "seed").is_some());
        assert_eq!(records.list(0, &alice).count(), 2);
        assert_eq!(records.list(0, &bob).count(), 1);
    }

    #[test]
    fn removing_under_a_prefix_takes_the_sub_resources_of_one_parent_only() {
        let mut records = Records::new(1);
        let a = ["book-a".to_string()];
        let b = ["book-b".to_string()];
        records.insert(0, Key::new(&a, "1"), json!({}));
        records.insert(0, Key::new(&a, "2"), json!({}));
        records.insert(0, Key::new(&b, "1"), json!({}));
        assert_eq!(records.remove_under(0, &a), 2);
        assert_eq!(records.count(0), 1);
        assert!(records.find(0, &b, "1").is_some());
    }
}
