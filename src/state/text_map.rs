//! The hash map for text a request names (namespaces, credentials), which every request looks up
//! several times. It hashes with foldhash rather than std's SipHash, which took about 3.5% of a
//! request's instructions for these short keys. foldhash is seeded afresh in each process and, in its
//! authors' words, minimally DoS-resistant: enough for a mock on a test machine, where a client could
//! only slow its own tests.

use std::collections::HashMap;

/// A `HashMap` hashed with foldhash's variant for hash maps, randomly seeded.
pub type TextMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;
