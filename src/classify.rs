//! Classifying a live answer, for `understudy proxy`: it keeps to the spec (`conforms`), it leaves
//! the spec as a registered departure says the service does (`departure=<id>`), or it is new
//! (`drift`, with the reason). An answer matches a departure only when it is what the register's
//! evidence says the service answers (status, body shape, error code), as the vendor's probe
//! catalogue writes it down: a 404 with another body is drift.

use crate::departures::Departure;
use crate::openapi::VendorSpec;
use crate::probe::Catalogue;

/// The response header that carries the classification.
pub const CONFORMANCE_HEADER: &str = "x-understudy-conformance";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conformance {
    Conforms,
    Departure(&'static Departure),
    /// Leaves the spec, and no registered departure answers this way.
    Drift(String),
}

impl Conformance {
    /// The header's value: `conforms`, `departure=<id>` or `drift`.
    pub fn header_value(&self) -> String {
        match self {
            Self::Conforms => "conforms".into(),
            Self::Departure(departure) => format!("departure={}", departure.id),
            Self::Drift(_) => "drift".into(),
        }
    }

    /// The journal's word for it: `conforms`, `departure` or `drift`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Conforms => "conforms",
            Self::Departure(_) => "departure",
            Self::Drift(_) => "drift",
        }
    }
}

pub fn classify(spec: &VendorSpec, catalogue: &Catalogue, status: u16, body: &[u8]) -> Conformance {
    let operation = catalogue.operation;
    let Err(nonconformance) = spec.responses.check(operation.method, operation.template, status, body) else {
        return Conformance::Conforms;
    };
    let registered = catalogue
        .probes
        .iter()
        .filter_map(|probe| Some((probe.departure?, probe)))
        .find(|(_, probe)| probe.live.mismatch(status, body).is_none());
    match registered {
        Some((departure, _)) => Conformance::Departure(departure),
        None => Conformance::Drift(format!(
            "{nonconformance}; no registered departure answers {status} with this body"
        )),
    }
}
