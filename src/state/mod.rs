//! What Understudy remembers: tenants' data (the store and its sessions; the records of state
//! inferred from documents), each namespace's clock,
//! the request journal, the fixtures every tenant starts from, and what every server shares.

pub(crate) mod clock;
pub(crate) mod fixtures;
pub(crate) mod journal;
pub(crate) mod journaled_request;
pub(crate) mod locks;
pub(crate) mod records;
pub(crate) mod sessions;
pub(crate) mod shared;
pub(crate) mod store;
pub(crate) mod text_map;
