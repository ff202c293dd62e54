//! Understudy: a mock and conformance server generated from OpenAPI. It serves any document given
//! to it, answered from the document alone, with four vendors' session APIs compiled in as faithful,
//! stateful overrides.
//!
//! # Public API
//! - [`start`] with [`Options`] runs every API's server (the vendors', and any document given as a
//!   [`SpecSource`]) and the control API in this process, and gives back the [`Running`] servers
//!   (their URLs, the startup line, a way to stop them).
//! - [`Fidelity`]: answer as the live services do, or as their specs document.
//! - [`Fixtures`]: the data every tenant starts with (the embedded default, or a file).
//! - The headers Understudy reads and writes: [`NAMESPACE_HEADER`], [`DEPARTURE_HEADER`],
//!   [`FORCED_HEADER`]; and how long a request body may take, [`BODY_READ_TIMEOUT`].
//! - [`vendors`]: the vendor list, and per vendor its operation, example credential and departures.
//! - [`departures`]: the register of departures from the specs, and its markdown.
//! - [`spec`]: OpenAPI documents (the vendored ones and any loaded), their examples, and validation.
//! - [`generated`]: the progenitor clients and types that `build.rs` generates from `specs/*.yaml`.
//! - [`control_openapi`]: the control API's OpenAPI document.
//!
//! # Use from Rust tests
//! Start Understudy inside a test on ports the OS chooses, and point the code under test at it:
//!
//! ```
//! # #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
//! # async fn main() {
//! let running = understudy::start(understudy::Options::ephemeral()).await.unwrap();
//! let nango = running.url("nango").unwrap().to_string();
//! let token = running.bearer("nango").unwrap().to_string();
//! let answer = reqwest::Client::new()
//!     .delete(format!("{nango}/connect/session"))
//!     .bearer_auth(&token)
//!     .send()
//!     .await
//!     .unwrap();
//! assert_eq!(answer.status(), 204);
//! running.stop().await.unwrap();
//! # }
//! ```
//!
//! # Layout, from the top
//! A request goes through the stages in this order; each folder is one stage.
//! - `serve`: start-up (`start`: the run-time table of APIs, one server each, then the control API),
//!   `api` (one served API: its document, its compiled vendor, the wildcard endpoints),
//!   `pipeline` (the path every request takes: route, force, override or engine or relay, journal,
//!   CORS), `vendor` (the override contract a compiled vendor implements), `forcing`, `cors`,
//!   `listen`, and `proxy/` (relaying to the real service and classifying its answers).
//! - `spec`: a loaded OpenAPI document: `load`, `walk`, the operation table and `router`, request
//!   rules (`requests`, and the bodies they `refused` lately), response validators (`validate`),
//!   `schema/` (OpenAPI to JSON Schema, and
//!   the validators of a document's schemas, compiled together where they share), `examples`,
//!   `generate` (deterministic bodies from schemas, mended where no seed gives a valid one),
//!   `resources` (the roles and ids inferred from its paths), `inspect`, `extract`.
//! - `engine`: answers an operation from its document alone (status, negotiation, body, errors),
//!   and `engine/stateful/` from the state inferred from it (create, read, list, update, actions,
//!   delete, singletons; ids, timestamps, seeds, the shape of each answer).
//! - `vendors`: one folder per compiled vendor (`mod.rs`: its `Vendor` impl and overrides;
//!   `error.rs`: its error shape and departures; `siblings.rs`, where a vendor has them: the
//!   operations of its fuller document that share its sessions), and the one list of them.
//! - `state`: what is remembered: the `store` of tenants and their `sessions`, the `records` of
//!   inferred state, each namespace's `clock`, the `journal` (its requests kept to be judged when
//!   read: `journaled_request`), the `fixtures`, and what every server `shared`s.
//! - `control`: the control API (sessions, inferred records, reset, journal, clock, scenarios, APIs,
//!   dashboard).
//! - `check`, `diff`, `report`: the judges (`understudy check`, `understudy diff`) and their reports.
//! - Leaf modules: `exchange` (requests and replies), `operation`, `probe`, `coverage`,
//!   `departures`, `ids`, `redact`, `generated` (progenitor's clients, from build.rs).

pub mod check;
mod control;
mod coverage;
pub mod departures;
pub mod diff;
mod engine;
mod exchange;
pub mod generated;
mod ids;
mod operation;
mod probe;
mod redact;
pub mod report;
mod serve;
pub mod spec;
mod state;
pub mod vendors;

pub use control::control_openapi;
pub use exchange::{Fidelity, BODY_READ_TIMEOUT, DEPARTURE_HEADER, NAMESPACE_HEADER, WARNING_HEADER};
pub use operation::Operation;
pub use serve::listen::Served;
pub use serve::pipeline::FORCED_HEADER;
pub use serve::start::{default_ports, start, LogFormat, Options, Running, SpecSource};
pub use state::fixtures::Fixtures;
pub use state::records::UndocumentedStatus;
