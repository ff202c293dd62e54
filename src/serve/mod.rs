//! Serving an API: start-up, the one pipeline every request takes, the override contract the
//! compiled vendors plug into, and `proxy/`, which relays to the real service instead.

pub(crate) mod api;
pub(crate) mod cors;
pub(crate) mod forcing;
pub(crate) mod listen;
pub(crate) mod pipeline;
pub(crate) mod proxy;
pub(crate) mod start;
pub(crate) mod vendor;
