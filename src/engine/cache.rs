//! Answers already made: the same request to the same operation gives the same bytes (generation is
//! deterministic), so a body generated and checked once is sent again from here instead of being
//! generated and checked again. Keyed by a hash of everything the answer depends on. The documented
//! examples that validate, and the bodies generated for inferred state, are kept too: the answers
//! of inferred state are laid over them.

use std::collections::HashMap;
use std::hash::{BuildHasher, Hash};
use std::sync::Mutex;

use crate::exchange::Reply;
use crate::state::locks::lock;

/// How many answers one API keeps; past it, the cache starts over (a cache, not a store: anything
/// dropped is made again).
const CAPACITY: usize = 4096;

/// One API's answers, by the hash of what made them.
#[derive(Default)]
pub struct AnswerCache {
    /// A std `Mutex`: a lookup or an insert, nothing awaited while it is held.
    answers: Mutex<HashMap<u64, Reply>>,
    /// Values an answer is made from, by what they depend on: an operation's documented example
    /// for a status and media type (if it validates), the bodies generated for inferred state to
    /// lay its records over.
    values: Mutex<HashMap<u64, Option<serde_json::Value>>>,
    hasher: foldhash::fast::FixedState,
}

impl AnswerCache {
    /// The hash of what an answer depends on.
    pub fn key(&self, parts: impl Hash) -> u64 {
        self.hasher.hash_one(parts)
    }

    /// The answer made for `key` before, or `make`'s, kept for next time.
    pub fn get_or_make(&self, key: u64, make: impl FnOnce() -> Reply) -> Reply {
        self.get_or_make_optional(key, || Some(make()))
            .expect("make always makes an answer")
    }

    /// As [`AnswerCache::get_or_make`], where `make` may have no answer (nothing is kept then, so
    /// it is asked again next time).
    pub fn get_or_make_optional(&self, key: u64, make: impl FnOnce() -> Option<Reply>) -> Option<Reply> {
        if let Some(reply) = lock(&self.answers).get(&key) {
            return Some(reply.clone());
        }
        let reply = make()?;
        let mut answers = lock(&self.answers);
        if answers.len() >= CAPACITY {
            answers.clear();
        }
        answers.insert(key, reply.clone());
        Some(reply)
    }

    /// The value made for `key` before, or `make`'s, kept for next time (bounded by the document:
    /// a few for each operation, status and media type).
    pub fn value(&self, key: u64, make: impl FnOnce() -> Option<serde_json::Value>) -> Option<serde_json::Value> {
        if let Some(found) = lock(&self.values).get(&key) {
            return found.clone();
        }
        let made = make();
        lock(&self.values).insert(key, made.clone());
        made
    }
}
