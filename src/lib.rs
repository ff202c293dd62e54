//! Understudy: a faithful, stateful mock of four vendors' session APIs, generated from their OpenAPI
//! documents.
//!
//! # Layout
//! - [`generated`]: the progenitor clients and types that `build.rs` generates from `specs/*.yaml`.
//! - [`spec`]: the vendored specs: embedded raw documents, page extraction, response validation.
//! - [`clock`]: the server's clock, which every expiry follows.
//! - [`ids`]: random identifiers in the vendors' formats.
//! - [`store`]: namespaced in-memory state, one copy of the default data per tenant.
//! - [`exchange`]: the vendor-neutral request/response plumbing every vendor handler goes through.
//! - [`departures`]: the register of places where a vendor (or the mock) departs from the spec.
//! - [`vendors`]: one module per vendor: its state, its error shape, its handlers.
//! - [`server`]: starts one dropshot server per vendor and reports where they listen.

pub mod clock;
pub mod departures;
pub mod exchange;
pub mod generated;
pub mod ids;
pub mod server;
pub mod spec;
pub mod store;
pub mod vendors;

pub use server::{start, Options, Running};
