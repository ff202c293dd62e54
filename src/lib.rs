//! Understudy: a faithful, stateful mock of vendors' session APIs, generated from their OpenAPI
//! documents.
//!
//! # Public API
//! - [`start`] with [`Options`] runs every vendor's server and the control API in this process, and
//!   gives back the [`Running`] servers (their URLs, the startup line, a way to stop them).
//! - [`Fidelity`]: answer as the live services do, or as their specs document.
//! - [`Fixtures`]: the data every tenant starts with (the embedded default, or a file).
//! - The headers Understudy reads and writes: [`NAMESPACE_HEADER`], [`DEPARTURE_HEADER`],
//!   [`FORCED_HEADER`]; and how long a request body may take, [`BODY_READ_TIMEOUT`].
//! - [`vendors`]: the vendor list, and per vendor its operation, example credential and departures.
//! - [`departures`]: the register of departures from the specs, and its markdown.
//! - [`openapi`]: the vendored OpenAPI documents, their examples, and response validation.
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
//! - `server`: start-up (one server per vendor, then the control API); `listen`: binding one server.
//! - `control`: the control API (sessions, reset, journal, clock, scenarios).
//! - `vendors`: one folder per vendor (`mod.rs`: the `vendor::Vendor` impl and handler;
//!   `error.rs`: its error shape and departures), and the one list of them.
//! - `pipeline`: the path every vendor request takes (namespace, forcing, journal, CORS).
//! - `vendor`: the plug-in contract (`Vendor`, `VendorError`, `VendorContext`, `Operation`).
//! - Leaf machinery: `store` (tenants), `sessions`, `journal`, `clock`, `forcing`, `cors`,
//!   `exchange` (requests and replies), `fixtures`, `shared`, `locks`, `ids`, `openapi`.

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
pub use state::fixtures::Fixtures;
pub use serve::listen::Served;
pub use operation::Operation;
pub use serve::pipeline::FORCED_HEADER;
pub use serve::start::{default_ports, start, LogFormat, Options, Running, SpecSource};
