//! The request journal: every request to a vendor API, newest last, bounded so that memory stays
//! flat under load (the oldest entries are dropped past the limit). Whether a response conforms to
//! the spec is worked out when the journal is read, not on the request's path.

use std::collections::VecDeque;
use std::sync::Mutex;

use bytes::Bytes;
use chrono::{DateTime, Utc};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// How many entries the journal keeps unless told otherwise (`--journal-limit`).
pub const DEFAULT_LIMIT: usize = 10_000;

/// One request as it was answered.
#[derive(Debug, Clone)]
pub struct Entry {
    pub sequence: u64,
    pub time: DateTime<Utc>,
    pub namespace: String,
    pub vendor: &'static str,
    pub operation: &'static str,
    pub method: &'static str,
    /// The spec's path template, for validating the response.
    pub template: &'static str,
    /// The request's path as sent.
    pub path: String,
    pub status: u16,
    pub body: Bytes,
    pub departure: Option<&'static str>,
    pub forced: bool,
}

/// Which entries a query selects; every field that is set must match.
#[derive(Debug, Clone, Default, Deserialize, JsonSchema)]
pub struct Filter {
    /// `moonkey`, `dynamic`, `paragraph` or `nango`.
    pub vendor: Option<String>,
    /// The operation id, as in the spec (`revokeSessionById`), or derived from method and path where
    /// the spec has none (`delete_connect_session`).
    pub operation: Option<String>,
    pub status: Option<u16>,
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
}

pub struct Journal {
    /// A std `Mutex`: appends are a push and maybe a pop, and nothing awaits while it is held.
    entries: Mutex<VecDeque<Entry>>,
    next_sequence: std::sync::atomic::AtomicU64,
    limit: usize,
}

impl Journal {
    pub fn new(limit: usize) -> Self {
        Self {
            entries: Mutex::new(VecDeque::with_capacity(limit.min(1024))),
            next_sequence: std::sync::atomic::AtomicU64::new(1),
            limit,
        }
    }

    /// Appends an entry (its sequence number is assigned here), dropping the oldest past the limit.
    pub fn record(&self, mut entry: Entry) {
        if self.limit == 0 {
            return;
        }
        entry.sequence = self.next_sequence.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let mut entries = self.lock();
        if entries.len() >= self.limit {
            entries.pop_front();
        }
        entries.push_back(entry);
    }

    /// The namespace's entries that match the filter, oldest first.
    pub fn select(&self, namespace: &str, filter: &Filter) -> Vec<Entry> {
        self.lock()
            .iter()
            .filter(|e| e.namespace == namespace && filter.matches(e))
            .cloned()
            .collect()
    }

    pub fn count(&self, namespace: &str, filter: &Filter) -> usize {
        self.lock()
            .iter()
            .filter(|e| e.namespace == namespace && filter.matches(e))
            .count()
    }

    /// Forgets the namespace's entries.
    pub fn clear(&self, namespace: &str) {
        self.lock().retain(|e| e.namespace != namespace);
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<Entry>> {
        // Entries are whole values pushed or popped in one step: a poisoned lock holds no torn entry.
        self.entries.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

impl Filter {
    fn matches(&self, entry: &Entry) -> bool {
        self.vendor.as_deref().is_none_or(|v| v == entry.vendor)
            && self.operation.as_deref().is_none_or(|o| o == entry.operation)
            && self.status.is_none_or(|s| s == entry.status)
    }
}

impl Entry {
    /// The entry as the control API shows it, with its conformance to the vendor's spec.
    pub fn view(&self) -> EntryView {
        let verdict = crate::spec::of(self.vendor)
            .responses
            .check(self.method, self.template, self.status, &self.body);
        EntryView {
            sequence: self.sequence,
            time: self.time,
            namespace: self.namespace.clone(),
            vendor: self.vendor.to_string(),
            operation: self.operation.to_string(),
            method: self.method.to_string(),
            path: self.path.clone(),
            status: self.status,
            conforms: verdict.is_ok(),
            nonconformance: verdict.err().map(|e| e.to_string()),
            departure: self.departure.map(str::to_string),
            forced: self.forced,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(namespace: &str, status: u16) -> Entry {
        Entry {
            sequence: 0,
            time: Utc::now(),
            namespace: namespace.into(),
            vendor: "nango",
            operation: "delete_connect_session",
            method: "DELETE",
            template: "/connect/session",
            path: "/connect/session".into(),
            status,
            body: Bytes::new(),
            departure: None,
            forced: false,
        }
    }

    #[test]
    fn the_journal_stays_at_its_limit_dropping_the_oldest() {
        let journal = Journal::new(3);
        for status in [201, 202, 203, 204, 205] {
            journal.record(entry("ns", status));
        }
        let statuses: Vec<u16> = journal
            .select("ns", &Filter::default())
            .iter()
            .map(|e| e.status)
            .collect();
        assert_eq!(statuses, vec![203, 204, 205]);
    }

    #[test]
    fn queries_see_only_their_namespace_and_filter() {
        let journal = Journal::new(10);
        journal.record(entry("a", 204));
        journal.record(entry("a", 401));
        journal.record(entry("b", 204));
        let only_204 = Filter {
            status: Some(204),
            ..Filter::default()
        };
        assert_eq!(journal.count("a", &only_204), 1);
        assert_eq!(
            journal.count(
                "a",
                &Filter {
                    vendor: Some("moonkey".into()),
                    ..Filter::default()
                }
            ),
            0
        );
        journal.clear("a");
        assert_eq!(journal.count("a", &Filter::default()), 0);
        assert_eq!(journal.count("b", &Filter::default()), 1);
    }

    #[test]
    fn a_204_without_body_conforms_to_nangos_spec() {
        let view = entry("ns", 204).view();
        assert!(view.conforms, "{:?}", view.nonconformance);
        let undocumented = entry("ns", 418).view();
        assert!(!undocumented.conforms);
    }
}
