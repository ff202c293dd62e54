//! Vendor-neutral HTTP plumbing: reading a request into an [`Incoming`], answering with a [`Reply`],
//! and the [`Fidelity`] mode that decides between the vendor's real behaviour and the spec's letter.

mod incoming;
mod reply;

pub use incoming::{
    bearer_token, Bearer, Incoming, RequestBody, BODY_READ_TIMEOUT, DEFAULT_NAMESPACE, NAMESPACE_HEADER,
};
pub use reply::{reason, serialised_once, AnsweredBy, Reply, StateStep, DEPARTURE_HEADER, WARNING_HEADER};

/// Which truth the mock follows where the vendor's service and its spec disagree.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Fidelity {
    /// Answer as the real service does, even where that breaks its own spec.
    #[default]
    Live,
    /// Wherever the spec documents a response for the situation, answer exactly that.
    Spec,
}
