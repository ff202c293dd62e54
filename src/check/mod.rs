//! `understudy check`: holds a server (a real vendor service, a staging stack, an in-house fake, or
//! Understudy itself) to a vendor's spec and to the live model, by sending the vendor's probe
//! catalogue and judging every answer twice. Provisioning (`provision`), sending (`send`) and judging
//! (`judge`) each have their own room; the report and its formats are in `crate::report`.

mod judge;
mod provision;
mod send;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use crate::exchange::Fidelity;
use crate::probe::ProbeRequest;
use crate::report::{Outcome, ProbeResult, VendorReport};
use crate::vendors::{self, Listed, VendorVisitor};
pub use send::Unreachable;

/// What `check` is asked to do.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    /// (vendor, base URL including the base path), in the order to check them.
    pub targets: Vec<(String, String)>,
    /// Which answer counts: the live service's (`Live`) or the spec's (`Spec`).
    pub expect: Fidelity,
    /// Credentials by vendor (MoonKey secret key, Dynamic token, Nango secret key).
    pub credentials: Vec<(String, String)>,
    /// A session the user names, by vendor: the only live resource `check` touches that it did not
    /// create. It comes before any other source: the happy path uses it up, and the probes of a
    /// deleted session get it then.
    pub sessions: Vec<(String, String)>,
    /// An Understudy control API, to provision sessions and move clocks in namespaces of its own.
    pub control: Option<String>,
    /// Only these probes (all when empty).
    pub only: Vec<String>,
    /// Print every request instead of sending it.
    pub dry_run: bool,
    /// Requests per second at the most; `None`: 10 a second, except to loopback targets.
    pub rate: Option<f64>,
    /// How long one request may take.
    pub timeout: Duration,
}

impl Default for CheckOptions {
    fn default() -> Self {
        Self {
            targets: Vec::new(),
            expect: Fidelity::Live,
            credentials: Vec::new(),
            sessions: Vec::new(),
            control: None,
            only: Vec::new(),
            dry_run: false,
            rate: None,
            timeout: Duration::from_secs(10),
        }
    }
}

/// Why a check could not run at all.
#[derive(Debug)]
pub enum CheckError {
    /// A usage error: an unknown vendor or probe name.
    Usage(String),
    /// The target (or the control API) did not answer.
    Unreachable(String),
}

/// Runs every target's catalogue and returns one report per vendor.
pub async fn check(options: &CheckOptions) -> Result<Vec<VendorReport>, CheckError> {
    let known: Vec<&str> = vendors::NAMES.to_vec();
    for (vendor, _) in &options.targets {
        if !known.contains(&vendor.as_str()) {
            return Err(CheckError::Usage(format!(
                "unknown vendor {vendor:?} (known: {})",
                known.join(", ")
            )));
        }
    }
    let mut reports = Vec::new();
    for (vendor, target) in &options.targets {
        reports.push(check_vendor(options, vendor, target).await?);
    }
    Ok(reports)
}

async fn check_vendor(options: &CheckOptions, vendor: &str, target: &str) -> Result<VendorReport, CheckError> {
    let catalogue =
        vendors::catalogue(vendor).ok_or_else(|| CheckError::Usage(format!("unknown vendor {vendor:?}")))?;
    let names: HashSet<&str> = catalogue.probes.iter().map(|p| p.name).collect();
    if let Some(unknown) = options
        .only
        .iter()
        .find(|n| !names.contains(n.as_str()) && !other_vendor_probe(n, vendor))
    {
        let mut listed: Vec<&str> = names.into_iter().collect();
        listed.sort_unstable();
        return Err(CheckError::Usage(format!(
            "{vendor} has no probe {unknown:?} (its probes: {})",
            listed.join(", ")
        )));
    }
    let sender = send::Sender::new(options, target)?;
    let run = format!("{:x}", rand::random::<u32>());
    let mut provisioner = provision::Provisioner::new(options, vendor, &catalogue, &sender, &run);
    let mut results = Vec::new();
    for probe in &catalogue.probes {
        if !options.only.is_empty() && !options.only.iter().any(|n| n == probe.name) {
            continue;
        }
        let started = Instant::now();
        let provision = match provisioner.provide(probe).await? {
            Ok(provision) => provision,
            Err(reason) => {
                results.push(ProbeResult::skipped(probe, reason));
                continue;
            }
        };
        let request: ProbeRequest = (probe.request)(&provision.resources);
        if options.dry_run {
            provisioner.answered(probe, &provision, None);
            results.push(ProbeResult::planned(probe, &request, provision.namespace));
            continue;
        }
        let answer = sender.send(&request, provision.namespace.as_deref()).await?;
        provisioner.answered(probe, &provision, Some(answer.status));
        let verdict = judge::judge(catalogue.operation, probe, &answer, options.expect);
        results.push(ProbeResult::judged(
            probe,
            &request,
            &answer,
            verdict,
            started.elapsed(),
        ));
    }
    Ok(VendorReport {
        vendor: vendor.to_string(),
        target: target.to_string(),
        expect: options.expect,
        probes: results,
    })
}

/// `--only` may name probes of several vendors when several are checked.
fn other_vendor_probe(name: &str, vendor: &str) -> bool {
    vendors::NAMES
        .iter()
        .filter(|v| **v != vendor)
        .filter_map(|v| vendors::catalogue(v))
        .any(|c| c.probes.iter().any(|p| p.name == name))
}

/// One row of a vendor's catalogue: the probe's name and the departure it expects, if any.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogueRow {
    pub vendor: &'static str,
    pub probe: &'static str,
    pub departure: Option<&'static str>,
}

/// Every vendor's catalogue, row by row: what the register's test holds against the register.
pub fn catalogue_rows() -> Vec<CatalogueRow> {
    struct Collect(Vec<CatalogueRow>);
    impl VendorVisitor for Collect {
        fn visit<V: Listed>(&mut self) -> Result<(), String> {
            self.0.extend(V::catalogue().probes.iter().map(|p| CatalogueRow {
                vendor: V::NAME,
                probe: p.name,
                departure: p.departure.map(|d| d.id),
            }));
            Ok(())
        }
    }
    let mut collect = Collect(Vec::new());
    let _ = vendors::visit_all(&mut collect);
    collect.0
}

impl ProbeResult {
    fn judged(
        probe: &crate::probe::Probe,
        request: &ProbeRequest,
        answer: &send::Answer,
        verdict: judge::Verdict,
        took: Duration,
    ) -> Self {
        Self {
            name: probe.name,
            situation: probe.situation,
            method: request.method.to_string(),
            path: request.path.clone(),
            status: Some(answer.status),
            spec: verdict.spec.unwrap_or_default(),
            model: verdict.model.unwrap_or_default(),
            answer: (verdict.outcome == Outcome::Fail).then(|| answer.redacted()),
            outcome: verdict.outcome,
            reason: verdict.reason,
            departure: probe.departure.map(|d| d.id),
            millis: took.as_millis() as u64,
        }
    }

    /// `--dry-run`: the request as it would be sent, with every credential redacted.
    fn planned(probe: &crate::probe::Probe, request: &ProbeRequest, namespace: Option<String>) -> Self {
        let mut sent: Vec<String> = request
            .headers
            .iter()
            .map(|(name, value)| format!("{name}: {}", crate::redact::header(name, value)))
            .collect();
        if let Some(namespace) = namespace {
            sent.push(format!("{}: {namespace}", crate::exchange::NAMESPACE_HEADER));
        }
        if let Some(body) = &request.body {
            sent.push(format!("body: {}", crate::redact::body(body)));
        }
        Self {
            name: probe.name,
            situation: probe.situation,
            method: request.method.to_string(),
            path: request.path.clone(),
            status: None,
            spec: String::new(),
            model: String::new(),
            answer: None,
            outcome: Outcome::Planned,
            reason: sent.join("; "),
            departure: probe.departure.map(|d| d.id),
            millis: 0,
        }
    }

    fn skipped(probe: &crate::probe::Probe, reason: String) -> Self {
        Self {
            name: probe.name,
            situation: probe.situation,
            method: String::new(),
            path: String::new(),
            status: None,
            spec: String::new(),
            model: String::new(),
            answer: None,
            outcome: Outcome::Skip,
            reason,
            departure: probe.departure.map(|d| d.id),
            millis: 0,
        }
    }
}
