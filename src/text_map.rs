//! The hash map for text a request names (namespaces, credentials), which every request looks up
//! several times. It hashes with foldhash, seeded afresh in each process, rather than std's SipHash:
//! SipHash took about 3.5% of a request's instructions for these short keys.

use std::collections::HashMap;

/// A `HashMap` hashed with foldhash's seeded, DoS-resistant variant.
pub type TextMap<K, V> = HashMap<K, V, foldhash::quality::RandomState>;
