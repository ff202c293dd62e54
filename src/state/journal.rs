//! The request journal: every request to a vendor API, by namespace, oldest first. Each namespace
//! keeps its own most recent entries, up to a per-namespace limit, whatever the other namespaces
//! send. A total limit keeps memory flat when very many namespaces are busy: past it, the namespace
//! holding the most entries gives up its oldest, so a quiet namespace's few entries outlast any
//! neighbour's flood. It keeps as many namespaces as the store keeps tenants; past that, the
//! namespace that arrived first is forgotten, so a client inventing a namespace per request costs
//! no more than one that reuses a few. Whether a response conforms to the spec is worked out when
//! the journal is read, not on the request's path; so is whether a request a compiled vendor
//! answered conforms (see [`crate::state::journaled_request`]).

use std::collections::hash_map::Entry as Slot;
use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex};

use bytes::Bytes;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::departures::Departure;
use crate::exchange::AnsweredBy;
use crate::operation::Operation;
use crate::spec::Document;
use crate::state::journaled_request::JournaledRequest;
use crate::state::locks::lock;
use crate::state::text_map::TextMap;

/// How many entries one namespace keeps unless told otherwise (`--journal-limit`).
pub const DEFAULT_LIMIT: usize = 10_000;
/// How many entries all namespaces keep together unless told otherwise (`--journal-total-limit`).
pub const DEFAULT_TOTAL_LIMIT: usize = 100_000;
/// How many namespaces the journal keeps: as many as the store keeps tenants of one vendor. Past it,
/// the namespace that arrived first is forgotten with its entries, as the store forgets its tenant.
pub const MAX_NAMESPACES: usize = crate::state::store::MAX_TENANTS;

/// One request as it was answered. A journal holds many thousands of these, so everything static is
/// a reference and every text is boxed to its length (136 bytes with the sequence, plus the request).
#[derive(Debug, Clone)]
pub struct Entry {
    pub time: DateTime<Utc>,
    /// The operation (its vendor, id, method and the spec's path template).
    pub operation: &'static Operation,
    /// The request's path as sent, and how it stands to the document's request side (judged, or
    /// kept to be judged when read).
    pub request: JournaledRequest,
    pub status: u16,
    pub forced: bool,
    /// How the answer stands to the spec and the register.
    pub conformance: Classification,
    pub body: Bytes,
    pub departure: Option<&'static Departure>,
    /// The catalogue situation the answer was (a probe's name), when the handler could tell.
    pub situation: Option<&'static str>,
    /// Why, for a drift or an unreachable upstream; for an answer that could not be made to validate
    /// against the document, why not.
    pub conformance_reason: Option<Box<str>>,
    /// What made the answer.
    pub answered_by: AnsweredBy,
    /// For an operation of inferred state: its role and what it did (boxed: most entries have none,
    /// and the box keeps every entry 8 bytes, not 32, larger).
    pub state: Option<Box<crate::exchange::StateStep>>,
}

/// The document of a served API, by the API's name (`Shared::document`): what a request kept
/// unjudged is judged against when the journal is read.
pub type Documents<'a> = dyn Fn(&str) -> Option<&'static Document> + 'a;

impl Entry {
    /// Whether the request keeps to the request side of its API's document.
    pub fn request_conforms(&self, documents: &Documents<'_>) -> bool {
        let document = documents(self.operation.vendor);
        self.request.nonconformance(self.operation, document).is_none()
    }
}

/// How an answer stands to the vendor's spec and the register of departures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Classification {
    /// It keeps to the spec.
    Conforms,
    /// It leaves the spec as a registered departure says the service does.
    Departure,
    /// A relayed answer that leaves the spec in a way no departure describes.
    Drift,
    /// The proxy's upstream gave no answer.
    Unreachable,
    /// The proxy did not relay the request (its body was too large, broken off or too slow).
    NotRelayed,
}

/// An entry as the journal keeps it: numbered in the order the journal received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    pub sequence: u64,
    pub entry: Entry,
}

/// Which entries a query selects; every field that is set must match.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct Filter {
    /// A vendor's name, as in the startup line.
    pub vendor: Option<String>,
    /// The operation id, as in the spec (`revokeSessionById`), or derived from method and path where
    /// the spec has none (`delete_connect_session`).
    pub operation: Option<String>,
    pub status: Option<u16>,
    /// Only requests that keep to the spec's request side (`true`), or only those that leave it.
    pub request_conforms: Option<bool>,
    /// Only answers classified so.
    pub conformance: Option<Classification>,
    /// Only entries recorded after this sequence number (for following the journal as it grows).
    pub since: Option<u64>,
}

/// An entry as the control API shows it.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct EntryView {
    pub sequence: u64,
    pub time: DateTime<Utc>,
    pub namespace: String,
    pub vendor: String,
    pub operation: String,
    pub method: String,
    pub path: String,
    pub status: u16,
    /// Does the response validate against the vendor's spec (a documented status, a valid body)?
    pub conforms: bool,
    /// Why not, when it does not.
    pub nonconformance: Option<String>,
    /// The register entry the response was marked with, if any.
    pub departure: Option<String>,
    /// Was the response forced (a `Prefer` header or a scenario) rather than computed?
    pub forced: bool,
    /// Does the request keep to the spec's request side (security, parameters, body)?
    pub request_conforms: bool,
    /// How it leaves it, when it does.
    pub request_nonconformance: Option<String>,
    /// The answer against the spec and the register.
    pub conformance: Classification,
    /// Why, for a drift or an unreachable upstream; for an answer that could not be made to validate
    /// against the document, why not.
    pub conformance_reason: Option<String>,
    /// What made the answer: `override` (a compiled vendor), `example`, `generated`, `upstream`,
    /// `state` (records of inferred state laid over the documented answer).
    pub answered_by: AnsweredBy,
    /// For an operation of inferred state, its role: `create`, `read`, `list`, `replace`, `patch`,
    /// `delete`, `action`, `within`, or `singleton-read`/`-replace`/`-patch`/`-clear`.
    pub state_role: Option<String>,
    /// What it did: `created`, `read`, `listed`, `replaced`, `patched`, `acted`, `deleted`, `set`,
    /// `cleared`, `missing` (404), `conflict` (409), `refused`.
    pub state_outcome: Option<String>,
}

pub struct Journal {
    /// A std `Mutex`: appends are a push and maybe a pop, and nothing awaits while it is held.
    entries: Mutex<Entries>,
    per_namespace: usize,
    total: usize,
    namespaces: usize,
}

#[derive(Default)]
struct Entries {
    by_namespace: TextMap<Arc<str>, Held>,
    /// (entries held, arrival) of every namespace, to its name: the last one holds the most. Keyed
    /// by numbers, so that keeping it in order compares no names.
    sizes: BTreeMap<(usize, u64), Arc<str>>,
    /// last use -> namespace for every namespace held: the first one was used least recently, and
    /// is forgotten past the namespace limit. A use is a request journaled or a read of the journal.
    recency: BTreeMap<u64, Arc<str>>,
    total: usize,
    next_sequence: u64,
    /// Counts uses, for `recency`.
    next_use: u64,
    /// Namespaces forgotten for the namespace limit, since the start.
    forgotten: u64,
}

/// One namespace's entries, oldest first, when the namespace arrived (a sequence number) and when
/// it was last used.
struct Held {
    entries: VecDeque<Recorded>,
    arrival: u64,
    last_used: u64,
}

/// What the journal holds and has forgotten, for `GET /stats`.
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct JournalStats {
    pub namespaces_held: usize,
    /// The most namespaces it keeps (`--journal-max-namespaces`).
    pub namespaces_limit: usize,
    /// Namespaces forgotten, least recently used first, because the limit was reached.
    pub namespaces_forgotten: u64,
    pub entries_held: usize,
}

impl Journal {
    /// A journal that keeps `per_namespace` entries per namespace and `total` in all, for at most
    /// [`MAX_NAMESPACES`] namespaces.
    #[cfg(test)]
    pub fn new(per_namespace: usize, total: usize) -> Self {
        Self::with_namespace_limit(per_namespace, total, MAX_NAMESPACES)
    }

    /// What it holds and has forgotten.
    pub fn stats(&self) -> JournalStats {
        let entries = lock(&self.entries);
        JournalStats {
            namespaces_held: entries.by_namespace.len(),
            namespaces_limit: self.namespaces,
            namespaces_forgotten: entries.forgotten,
            entries_held: entries.total,
        }
    }

    /// A journal that keeps `per_namespace` entries per namespace and `total` in all, for at most
    /// `namespaces` namespaces.
    pub fn with_namespace_limit(per_namespace: usize, total: usize, namespaces: usize) -> Self {
        Self {
            entries: Mutex::new(Entries::default()),
            per_namespace,
            total,
            namespaces: namespaces.max(1),
        }
    }

    /// Whether entries are kept at all (`--journal-limit 0` keeps none).
    pub fn is_recording(&self) -> bool {
        self.per_namespace > 0 && self.total > 0
    }

    /// Appends an entry to its namespace, numbering it, and drops what the limits say to drop.
    pub fn record(&self, namespace: &str, entry: Entry) {
        if self.per_namespace == 0 || self.total == 0 {
            return;
        }
        let mut entries = lock(&self.entries);
        entries.next_sequence += 1;
        let recorded = Recorded {
            sequence: entries.next_sequence,
            entry,
        };
        let key: Arc<str> = match entries.by_namespace.get_key_value(namespace) {
            Some((key, held)) => {
                let (key, full) = (key.clone(), held.entries.len() >= self.per_namespace);
                entries.touch(&key);
                if full {
                    // The steady state of a busy namespace: its oldest makes way for the newest, the
                    // counts stay as they are, and the oldest is dropped once the lock is let go.
                    let evicted = entries.replace_oldest(&key, recorded);
                    drop(entries);
                    drop(evicted);
                    return;
                }
                key
            }
            None => {
                if entries.by_namespace.len() >= self.namespaces {
                    entries.forget_least_recently_used();
                }
                Arc::from(namespace)
            }
        };
        entries.push(key, recorded, self.per_namespace);
        while entries.total > self.total {
            let Some(fullest) = entries.sizes.last_key_value().map(|(_, name)| name.clone()) else {
                break;
            };
            entries.pop_oldest(&fullest);
        }
    }

    /// The namespace's entries that match the filter, oldest first. Reading a namespace's journal
    /// is a use of it. `documents` gives the document of an API by name: a request kept unjudged is
    /// judged against it when the filter asks whether requests conform (outside the journal's lock).
    pub fn select(&self, namespace: &str, filter: &Filter, documents: &Documents<'_>) -> Vec<Recorded> {
        let mut selected: Vec<Recorded> = self.matching(namespace, filter, |found| found.cloned().collect());
        if let Some(conforms) = filter.request_conforms {
            selected.retain(|r| r.entry.request_conforms(documents) == conforms);
        }
        selected
    }

    /// How many of the namespace's entries match the filter (see [`Journal::select`]).
    pub fn count(&self, namespace: &str, filter: &Filter, documents: &Documents<'_>) -> usize {
        match filter.request_conforms {
            Some(_) => self.select(namespace, filter, documents).len(),
            None => self.matching(namespace, filter, |found| found.count()),
        }
    }

    /// `read` given the namespace's entries that match the filter but for `request_conforms`, under
    /// the lock; a read is a use of the namespace.
    fn matching<R>(
        &self,
        namespace: &str,
        filter: &Filter,
        read: impl FnOnce(&mut dyn Iterator<Item = &Recorded>) -> R,
    ) -> R {
        let mut entries = lock(&self.entries);
        entries.touch(namespace);
        let since = filter.since.unwrap_or(0);
        let mut found = entries
            .held(namespace)
            .filter(|r| r.sequence > since && filter.matches(&r.entry));
        read(&mut found)
    }

    /// Every namespace's entries, by namespace (for coverage across a whole run).
    pub fn all(&self) -> Vec<(String, Vec<Recorded>)> {
        let entries = lock(&self.entries);
        entries
            .by_namespace
            .iter()
            .map(|(namespace, held)| (namespace.to_string(), held.entries.iter().cloned().collect()))
            .collect()
    }

    /// Forgets the namespace's entries.
    pub fn clear(&self, namespace: &str) {
        lock(&self.entries).remove_namespace(namespace);
    }
}

impl Entries {
    /// Marks a held namespace as just used.
    fn touch(&mut self, namespace: &str) {
        let Some((key, held)) = self.by_namespace.get_key_value(namespace) else {
            return;
        };
        if held.last_used == self.next_use {
            // The last use was this namespace's (a busy namespace's steady state): the order stays.
            return;
        }
        self.next_use += 1;
        let next_use = self.next_use;
        let (key, last_used) = (key.clone(), held.last_used);
        self.recency.remove(&last_used);
        self.recency.insert(next_use, key);
        if let Some(held) = self.by_namespace.get_mut(namespace) {
            held.last_used = next_use;
        }
    }

    fn held(&self, namespace: &str) -> impl Iterator<Item = &Recorded> {
        self.by_namespace
            .get(namespace)
            .into_iter()
            .flat_map(|held| held.entries.iter())
    }

    /// Appends to a namespace that holds fewer than `limit`. Its deque grows by doubling as usual, but
    /// never past the limit: at the default 10,000 that saves 6,384 slots a doubling would add.
    /// A namespace not held yet arrives with it (numbered by the entry's sequence).
    fn push(&mut self, namespace: Arc<str>, recorded: Recorded, limit: usize) {
        let held = match self.by_namespace.entry(namespace.clone()) {
            Slot::Occupied(held) => held.into_mut(),
            Slot::Vacant(vacant) => {
                self.next_use += 1;
                self.recency.insert(self.next_use, namespace.clone());
                vacant.insert(Held {
                    entries: VecDeque::new(),
                    arrival: recorded.sequence,
                    last_used: self.next_use,
                })
            }
        };
        let (entries, arrival) = (&mut held.entries, held.arrival);
        let before = entries.len();
        if before == entries.capacity() {
            entries.reserve_exact(before.max(1).min(limit - before));
        }
        entries.push_back(recorded);
        self.sizes.remove(&(before, arrival));
        self.sizes.insert((before + 1, arrival), namespace);
        self.total += 1;
    }

    /// Drops the namespace's oldest entry and appends `recorded`, in a namespace that holds
    /// entries: its size, and every count, stay the same. The entry dropped.
    fn replace_oldest(&mut self, namespace: &str, recorded: Recorded) -> Option<Recorded> {
        let held = self.by_namespace.get_mut(namespace)?;
        let evicted = held.entries.pop_front();
        held.entries.push_back(recorded);
        evicted
    }

    fn pop_oldest(&mut self, namespace: &Arc<str>) {
        let Some(held) = self.by_namespace.get_mut(namespace) else {
            return;
        };
        let (before, arrival, last_used) = (held.entries.len(), held.arrival, held.last_used);
        if held.entries.pop_front().is_none() {
            return;
        }
        self.total -= 1;
        self.sizes.remove(&(before, arrival));
        if before == 1 {
            self.by_namespace.remove(namespace);
            self.recency.remove(&last_used);
        } else {
            self.sizes.insert((before - 1, arrival), namespace.clone());
        }
    }

    /// Forgets the namespace used least recently of those held, with all its entries.
    fn forget_least_recently_used(&mut self) {
        if let Some((_, namespace)) = self.recency.first_key_value() {
            let namespace = namespace.clone();
            self.remove_namespace(&namespace);
            self.forgotten += 1;
        }
    }

    fn remove_namespace(&mut self, namespace: &str) {
        if let Some(held) = self.by_namespace.remove(namespace) {
            self.total -= held.entries.len();
            self.sizes.remove(&(held.entries.len(), held.arrival));
            self.recency.remove(&held.last_used);
        }
    }
}

impl Filter {
    /// Whether the entry matches every field set but `request_conforms` (which judges a kept
    /// request: see [`Journal::select`]) and `since`.
    fn matches(&self, entry: &Entry) -> bool {
        self.vendor.as_deref().is_none_or(|v| v == entry.operation.vendor)
            && self.operation.as_deref().is_none_or(|o| o == entry.operation.id)
            && self.status.is_none_or(|s| s == entry.status)
            && self.conformance.is_none_or(|c| c == entry.conformance)
    }
}

impl Recorded {
    /// The entry as the control API shows it, with its conformance to `document`, the document of
    /// the API it was sent to (`None` for a request no operation matched, or an API no longer served).
    pub fn view(&self, namespace: &str, document: Option<&Document>) -> EntryView {
        let entry = &self.entry;
        let operation = entry.operation;
        let verdict = match document {
            Some(document) => {
                document
                    .responses()
                    .check(operation.method, operation.template, entry.status, &entry.body)
            }
            None => Err(crate::spec::Nonconformance::UnknownOperation),
        };
        let request_nonconformance = entry
            .request
            .nonconformance(operation, document)
            .map(std::borrow::Cow::into_owned);
        EntryView {
            sequence: self.sequence,
            time: entry.time,
            namespace: namespace.to_string(),
            vendor: operation.vendor.to_string(),
            operation: operation.id.to_string(),
            method: operation.method.to_string(),
            path: entry.request.path().to_string(),
            status: entry.status,
            conforms: verdict.is_ok(),
            nonconformance: verdict.err().map(|e| e.to_string()),
            departure: entry.departure.map(|d| d.id.to_string()),
            forced: entry.forced,
            request_conforms: request_nonconformance.is_none(),
            request_nonconformance,
            conformance: entry.conformance,
            conformance_reason: entry.conformance_reason.as_deref().map(str::to_string),
            answered_by: entry.answered_by,
            state_role: entry.state.as_ref().map(|s| s.role.to_string()),
            state_outcome: entry.state.as_ref().map(|s| s.outcome.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    static DELETE_CONNECT_SESSION: Operation = Operation {
        vendor: "nango",
        id: "delete_connect_session",
        method: "DELETE",
        template: "/connect/session",
    };

    fn no_documents(_: &str) -> Option<&'static Document> {
        None
    }

    fn entry(status: u16) -> Entry {
        Entry {
            time: Utc::now(),
            operation: &DELETE_CONNECT_SESSION,
            request: JournaledRequest::judged("/connect/session", None),
            status,
            forced: false,
            conformance: Classification::Conforms,
            body: Bytes::new(),
            departure: None,
            situation: None,
            conformance_reason: None,
            answered_by: AnsweredBy::Override,
            state: None,
        }
    }

    #[test]
    fn an_entry_stays_small() {
        // The journal holds up to 100,000 of these by default: a field that grows it shows here.
        // 144 since `answered_by` (one byte, which alignment rounds to eight): 0.8 MB at the limit;
        // 152 since `state` (a box): 0.8 MB more; 136 since the path and the request's verdict
        // share one box (`request`).
        assert!(
            std::mem::size_of::<Recorded>() <= 136,
            "{}",
            std::mem::size_of::<Recorded>()
        );
    }

    #[test]
    fn a_namespace_keeps_its_last_entries_up_to_its_limit() {
        let journal = Journal::new(3, 100);
        for status in [201, 202, 203, 204, 205] {
            journal.record("ns", entry(status));
        }
        let statuses: Vec<u16> = journal
            .select("ns", &Filter::default(), &no_documents)
            .iter()
            .map(|r| r.entry.status)
            .collect();
        assert_eq!(statuses, vec![203, 204, 205]);
    }

    #[test]
    fn a_full_namespace_replacing_its_oldest_keeps_every_count_true() {
        let journal = Journal::new(3, 5);
        for status in 200..210 {
            journal.record("full", entry(status));
        }
        for _ in 0..3 {
            journal.record("later", entry(404));
        }
        assert_eq!(
            journal.count("full", &Filter::default(), &no_documents),
            3,
            "at its own limit"
        );
        assert_eq!(
            journal.count("later", &Filter::default(), &no_documents),
            2,
            "the total of 5 holds"
        );
        let newest: Vec<u16> = journal
            .select("full", &Filter::default(), &no_documents)
            .iter()
            .map(|r| r.entry.status)
            .collect();
        assert_eq!(newest, vec![207, 208, 209]);
    }

    #[test]
    fn past_the_total_the_fullest_namespace_gives_up_its_oldest() {
        // Six namespaces share 60 entries: the quiet one's 10 are within its share and survive.
        let journal = Journal::new(100, 60);
        for _ in 0..10 {
            journal.record("quiet", entry(204));
        }
        for round in 0..500 {
            journal.record(&format!("busy-{}", round % 5), entry(401));
        }
        assert_eq!(
            journal.count("quiet", &Filter::default(), &no_documents),
            10,
            "the neighbours' flood"
        );
        let busy: usize = (0..5)
            .map(|i| journal.count(&format!("busy-{i}"), &Filter::default(), &no_documents))
            .sum();
        assert_eq!(busy, 50, "the total stays at its limit");
        let sequences: Vec<u64> = journal
            .select("quiet", &Filter::default(), &no_documents)
            .iter()
            .map(|r| r.sequence)
            .collect();
        assert_eq!(sequences, (1..=10).collect::<Vec<u64>>());
    }

    #[test]
    fn past_the_namespace_limit_the_least_recently_used_is_forgotten() {
        let journal = Journal::with_namespace_limit(10, 100, 3);
        for namespace in ["a", "b", "c"] {
            journal.record(namespace, entry(204));
        }
        // a arrived first but is used again: b is now the least recently used.
        journal.record("a", entry(401));
        journal.record("d", entry(204));
        let held = |namespace| lock(&journal.entries).held(namespace).count();
        assert_eq!(
            [held("a"), held("b"), held("c"), held("d")],
            [2, 0, 1, 1],
            "b was used least recently"
        );
        // Reading a namespace's journal is a use too: c, the oldest left, is read and outlives a.
        journal.count("c", &Filter::default(), &no_documents);
        journal.record("e", entry(204));
        assert_eq!([held("a"), held("c"), held("d"), held("e")], [0, 1, 1, 1]);
        assert_eq!(journal.stats().namespaces_forgotten, 2);
        // A namespace that keeps working while a flood of new ones comes and goes keeps its entries.
        for i in 0..1_000 {
            journal.record("busy", entry(200));
            journal.record(&format!("flood-{i}"), entry(204));
        }
        assert_eq!(held("busy"), 10, "its last ten, as its own limit says");
        assert_eq!([held("flood-998"), held("flood-999")], [1, 1]);
    }

    #[test]
    fn a_namespace_used_twice_in_a_row_keeps_its_place_as_the_most_recent() {
        let journal = Journal::with_namespace_limit(10, 100, 2);
        for namespace in ["a", "a", "b", "a", "a", "c"] {
            journal.record(namespace, entry(204));
        }
        let held = |namespace| lock(&journal.entries).held(namespace).count();
        assert_eq!(
            [held("a"), held("b"), held("c")],
            [4, 0, 1],
            "b was used least recently"
        );
        journal.record("c", entry(204));
        journal.record("d", entry(204));
        assert_eq!(
            [held("a"), held("c"), held("d")],
            [0, 2, 1],
            "then a, whose uses came before c's"
        );
    }

    #[test]
    fn queries_see_only_their_namespace_and_filter() {
        let journal = Journal::new(10, 100);
        journal.record("a", entry(204));
        journal.record("a", entry(401));
        journal.record("b", entry(204));
        let only_204 = Filter {
            status: Some(204),
            ..Filter::default()
        };
        assert_eq!(journal.count("a", &only_204, &no_documents), 1);
        assert_eq!(
            journal.count(
                "a",
                &Filter {
                    vendor: Some("moonkey".into()),
                    ..Filter::default()
                },
                &no_documents
            ),
            0
        );
        journal.clear("a");
        assert_eq!(journal.count("a", &Filter::default(), &no_documents), 0);
        assert_eq!(journal.count("b", &Filter::default(), &no_documents), 1);
        journal.record("a", entry(204));
        assert_eq!(
            journal.count("a", &Filter::default(), &no_documents),
            1,
            "a cleared namespace records again"
        );
    }

    #[test]
    fn a_204_without_body_conforms_to_nangos_spec() {
        let recorded = |status| Recorded {
            sequence: 1,
            entry: entry(status),
        };
        let view = recorded(204).view("ns", Some(crate::spec::of("nango")));
        assert!(view.conforms, "{:?}", view.nonconformance);
        let undocumented = recorded(418).view("ns", Some(crate::spec::of("nango")));
        assert!(!undocumented.conforms);
    }
}
