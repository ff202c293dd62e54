//! Understudy: a faithful, stateful mock of four vendors' session APIs, generated from their OpenAPI
//! documents.
//!
//! # Layout
//! - [`generated`]: the progenitor clients and types that `build.rs` generates from `specs/*.yaml`.
//! - [`openapi`]: the vendored OpenAPI documents: embedded raw documents, page extraction, response validation.
//! - [`clock`]: the per-namespace clocks that every expiry follows.
//! - [`ids`]: random identifiers in the vendors' formats.
//! - [`store`]: namespaced in-memory state, one copy of the default data per tenant.
//! - [`sessions`]: a tenant's sessions by id, the state every vendor keeps.
//! - [`fixtures`]: the data a new tenant starts with (embedded default, or `--fixtures FILE`).
//! - [`journal`]: the bounded record of every vendor request.
//! - [`forcing`]: forced responses (`Prefer` header, control-API scenarios).
//! - [`cors`]: CORS headers and preflights for browsers.
//! - [`control`]: the control API (sessions, reset, journal, clock, scenarios).
//! - [`exchange`]: the vendor-neutral request/response plumbing every vendor handler goes through.
//! - [`departures`]: the register of places where a vendor (or the mock) departs from the spec.
//! - [`vendors`]: one module per vendor: its state, its error shape, its handlers.
//! - [`vendor`]: how a vendor module plugs in (the `Vendor` trait, operations, registration).
//! - [`pipeline`]: the path every vendor request takes (namespace, forcing, journal, CORS).
//! - [`server`]: starts the servers, one per vendor and one for control.

pub mod clock;
pub mod control;
pub mod cors;
pub mod departures;
pub mod exchange;
pub mod fixtures;
pub mod forcing;
pub mod generated;
pub mod ids;
pub mod journal;
pub mod listen;
pub mod locks;
pub mod openapi;
pub mod pipeline;
pub mod server;
pub mod sessions;
pub mod shared;
pub mod store;
pub mod vendor;
pub mod vendors;

pub use server::{start, Options, Running};
