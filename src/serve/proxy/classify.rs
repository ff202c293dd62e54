//! Classifying a live answer, for `understudy proxy`: it keeps to the spec (`conforms`), it leaves
//! the spec as a registered departure says the service does (`departure=<id>`), or it is new
//! (`drift`, with the reason); or there was no answer to classify (`unreachable`, `not_relayed`). An
//! answer matches a departure only when it is what the register's
//! evidence says the service answers (status, body shape, error code), as the vendor's probe
//! catalogue writes it down: a 404 with another body is drift.

use crate::departures::Departure;
use crate::operation::Operation;
use crate::probe::Catalogue;
use crate::spec::Document;
use crate::state::journal::Classification;

/// The response header that carries the classification.
pub const CONFORMANCE_HEADER: &str = "x-understudy-conformance";

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Conformance {
    Conforms,
    Departure(&'static Departure),
    /// Leaves the spec, and no registered departure answers this way.
    Drift(String),
    /// The upstream gave no answer: why.
    Unreachable(String),
    /// The proxy did not relay the request: why.
    NotRelayed(String),
}

impl Conformance {
    /// The header's value: the classification, with the departure's id for a departure.
    pub fn header_value(&self) -> String {
        match self {
            Self::Departure(departure) => format!("departure={}", departure.id),
            other => serde_json::to_value(other.classification())
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default(),
        }
    }

    pub fn classification(&self) -> Classification {
        match self {
            Self::Conforms => Classification::Conforms,
            Self::Departure(_) => Classification::Departure,
            Self::Drift(_) => Classification::Drift,
            Self::Unreachable(_) => Classification::Unreachable,
            Self::NotRelayed(_) => Classification::NotRelayed,
        }
    }

    pub fn departure(&self) -> Option<&'static Departure> {
        match self {
            Self::Departure(departure) => Some(departure),
            _ => None,
        }
    }

    /// Why, for what is not a conforming or registered answer.
    pub fn reason(&self) -> Option<&str> {
        match self {
            Self::Drift(why) | Self::Unreachable(why) | Self::NotRelayed(why) => Some(why),
            Self::Conforms | Self::Departure(_) => None,
        }
    }
}

/// Classifies an answer to `operation` of `document`. Only a compiled vendor has a register of
/// departures (its `catalogue`, which names the operation its probes send to): for any other
/// answer, leaving the document is drift.
pub fn classify(
    document: &Document,
    operation: &Operation,
    catalogue: Option<&Catalogue>,
    status: u16,
    body: &[u8],
) -> Conformance {
    let Err(nonconformance) = document
        .responses()
        .check(operation.method, operation.template, status, body)
    else {
        return Conformance::Conforms;
    };
    // A departure covers what it describes and nothing else: the answer must be the probe's live
    // answer, and once the fields that live answer names are set aside, the rest must keep to the
    // document (as `check` judges it).
    let registered = catalogue
        .filter(|c| c.operation.method == operation.method && c.operation.template == operation.template)
        .into_iter()
        .flat_map(|c| c.probes.iter())
        .filter_map(|probe| Some((probe.departure?, probe)))
        .filter(|(_, probe)| probe.live.mismatch(status, body).is_none())
        .find(|(_, probe)| covers(document, operation, probe, status, body, &nonconformance));
    match registered {
        Some((departure, _)) => Conformance::Departure(departure),
        None => Conformance::Drift(format!(
            "{nonconformance}; no registered departure answers {status} with this body"
        )),
    }
}

/// Whether `probe`'s departure covers how the answer leaves the document.
fn covers(
    document: &Document,
    operation: &Operation,
    probe: &crate::probe::Probe,
    status: u16,
    body: &[u8],
    nonconformance: &crate::spec::Nonconformance,
) -> bool {
    use crate::spec::Nonconformance;
    match nonconformance {
        Nonconformance::UndocumentedStatus(_) | Nonconformance::BodyWhereNoneDocumented => true,
        Nonconformance::SchemaViolation(_) => {
            let Ok(mut value) = serde_json::from_slice::<serde_json::Value>(body) else {
                return false;
            };
            let described = probe.set_aside_departure(&mut value);
            !described.is_empty()
                && document
                    .responses()
                    .check_value(operation.method, operation.template, status, &value)
                    .is_ok()
        }
        Nonconformance::NotJson(_) | Nonconformance::UnknownOperation => false,
    }
}
