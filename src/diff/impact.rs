//! What no other diff knows: how a change meets the register of departures and the mock. A NEW that
//! documents a status the live service answers outside the spec resolves that departure; one that
//! drops a status the mock answers makes a new one; a new required header or body is a check the
//! mock must start making. The report ends with what the mock must change for NEW to become the
//! vendored spec.

use serde_json::Value;

use super::operations::key;
use super::{Direction, Finding};
use crate::spec::walk;

/// The vendor whose vendored spec shares an operation with `document`, if any.
pub(super) fn vendor_of(document: &Value) -> Option<&'static str> {
    let operations: Vec<(String, String)> = walk::operations(document)
        .map(|(path, method, _)| key(method, path))
        .collect();
    crate::spec::all().iter().find_map(|spec| {
        let shared = walk::operations(&spec.document).any(|(path, method, _)| operations.contains(&key(method, path)));
        shared.then_some(spec.name)
    })
}

/// The status a finding's location names (`…/responses/404…`), if any.
fn status_of(location: &str) -> Option<u16> {
    let after = location.split("/responses/").nth(1)?;
    after.split('/').next()?.parse().ok()
}

/// Annotates each finding with its impact; returns what the mock must change.
pub(super) fn annotate(vendor: Option<&'static str>, findings: &mut [Finding]) -> Vec<String> {
    let Some(vendor) = vendor else {
        return vec!["No vendored spec shares an operation with NEW: nothing of the mock is touched.".into()];
    };
    let catalogue = crate::vendors::catalogue(vendor);
    // (status the live service answers, the departure that explains it)
    let departures: Vec<(u16, &'static str)> = catalogue
        .iter()
        .flat_map(|c| c.probes.iter())
        .filter_map(|p| Some((p.live.status, p.departure?.id)))
        .collect();
    let answered: Vec<u16> = catalogue
        .iter()
        .flat_map(|c| c.probes.iter())
        .map(|p| p.live.status)
        .collect();
    let mut changes: Vec<String> = Vec::new();
    for finding in findings.iter_mut() {
        let status = status_of(&finding.location);
        let impact = match finding.id.as_str() {
            "response-status-added" => status.and_then(|s| {
                let mut ids: Vec<&str> = departures.iter().filter(|(d, _)| *d == s).map(|(_, id)| *id).collect();
                ids.dedup();
                (!ids.is_empty()).then(|| {
                    format!(
                        "resolves departure {}: NEW documents the {s} the live service answers; once vendored, the mock's {s} answers keep to the spec if their bodies fit NEW's schema, and the register entry can go",
                        ids.join(", ")
                    )
                })
            }),
            "response-success-status-removed" | "response-non-success-status-removed" => status
                .filter(|s| answered.contains(s))
                .map(|s| format!("the mock answers {s} here, which NEW no longer documents: a new departure to register")),
            "new-required-request-parameter" => Some(format!("the mock must start checking it: {}", finding.message)),
            "request-body-added-required" | "request-body-became-required" => Some("the mock must refuse a request without a body".into()),
            "security-added" | "security-changed" | "security-alternative-removed" | "security-removed" => Some(format!(
                "the mock's credential check and {vendor}'s register entries about credentials must be reviewed against NEW"
            )),
            "base-path-changed" => Some("the mock serves under servers[0]'s base path: it moves with the vendored spec, and the README's URLs change".into()),
            "endpoint-removed" | "endpoint-removed-after-deprecation" => Some("the mock still serves this operation: its handler, probes and register entries go with it".into()),
            "endpoint-added" => Some("the mock does not serve this operation: a handler, probes and default data are needed".into()),
            _ if finding.direction == Direction::Response && status.is_some_and(|s| answered.contains(&s)) => status.map(|s| {
                format!("the mock's {s} answers must follow NEW's schema here")
            }),
            _ => None,
        };
        if let Some(impact) = &impact {
            let change = format!("{} ({}): {impact}", finding.operation, finding.id);
            if !changes.contains(&change) {
                changes.push(change);
            }
        }
        finding.impact = impact;
    }
    changes.push(format!(
        "Then replace specs/{vendor}.yaml with NEW (`understudy spec extract PAGE --out specs/{vendor}.yaml`), run `cargo run -- departures > specs/DEPARTURES.md`, and run the tests."
    ));
    changes
}
