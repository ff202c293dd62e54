//! What a test suite exercised: for each vendor, which situations of its probe catalogue (happy path,
//! repeat, unknown, each credential failure, each bad input, expiry) the requests in the journal met,
//! and which they never did, plus the statuses it forced. Handlers tag each answer with the
//! situation they know it is; a situation the mock cannot tell apart from another (a repeat delete
//! from an unknown id) counts with the one whose answer it shares, and says so. A served document's
//! situations are its operations × their documented statuses, and, where state is inferred, each
//! operation's role × the outcomes it can have (created, read, missing, deleted, …).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;

use schemars::JsonSchema;
use serde::Serialize;

use crate::spec::resources::RoleKind;
use crate::spec::Document;
use crate::state::journal::{Filter, Journal, Recorded};
use crate::vendors;

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Coverage {
    /// `namespace NAME`, or `all namespaces`.
    pub scope: String,
    pub vendors: Vec<VendorCoverage>,
    pub exercised: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct VendorCoverage {
    pub vendor: String,
    pub situations: Vec<SituationCoverage>,
    /// Statuses forced by `Prefer` or a scenario.
    pub forced_statuses: Vec<u16>,
    pub exercised: usize,
    pub total: usize,
}

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct SituationCoverage {
    /// The probe's name, as `understudy check --only` takes it.
    pub name: String,
    pub situation: String,
    pub exercised: bool,
    /// How many requests met it.
    pub times: u64,
    /// Where the mock counts it with another situation, which and why.
    pub note: Option<String>,
}

/// Coverage of one namespace's requests, or of every namespace's when none is named. `documents`
/// are the served APIs': for each one that is no compiled vendor, the situations are its operations
/// × their documented statuses.
pub fn of_journal(journal: &Journal, namespace: Option<&str>, documents: &[&Document]) -> Coverage {
    let (scope, entries) = match namespace {
        Some(namespace) => (
            format!("namespace {namespace}"),
            // The default filter asks nothing of requests: no document is needed to judge one.
            journal.select(namespace, &Filter::default(), &|_| None),
        ),
        None => (
            "all namespaces".into(),
            journal
                .all()
                .into_iter()
                .flat_map(|(_, entries)| entries)
                .collect::<Vec<Recorded>>(),
        ),
    };
    let mut coverage = of(scope, &entries);
    for document in documents.iter().filter(|d| !vendors::NAMES.contains(&d.name)) {
        coverage.vendors.push(of_document(document, &entries));
    }
    coverage.exercised = coverage.vendors.iter().map(|v| v.exercised).sum();
    coverage.total = coverage.vendors.iter().map(|v| v.total).sum();
    coverage
}

/// Coverage of a generic API: every operation × documented status (its key: `200`, `4XX`,
/// `default`), exercised when an answer to that operation had a status the key documents (a status
/// with a key of its own counts there, not under its range or `default`).
fn of_document(document: &Document, entries: &[Recorded]) -> VendorCoverage {
    let mut situations = Vec::new();
    let mut forced = BTreeSet::new();
    for op in document.table() {
        let keys: Vec<String> = document.operation_object(op.method, op.template)["responses"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(k, _)| k.to_ascii_uppercase())
            .collect();
        let answered: Vec<&Recorded> = entries
            .iter()
            .filter(|r| r.entry.operation.vendor == document.name && std::ptr::eq(r.entry.operation, *op))
            .collect();
        for recorded in &answered {
            if recorded.entry.forced {
                forced.insert(recorded.entry.status);
            }
        }
        for key in &keys {
            let times = answered
                .iter()
                .filter(|r| key_of(&keys, r.entry.status).as_deref() == Some(key.as_str()))
                .count() as u64;
            situations.push(SituationCoverage {
                name: format!("{} {}", op.id, key.to_ascii_lowercase()),
                situation: format!("{} {} answered {}", op.method, op.template, key.to_ascii_lowercase()),
                exercised: times > 0,
                times,
                note: None,
            });
        }
    }
    situations.extend(state_outcomes(document, entries));
    let exercised = situations.iter().filter(|s| s.exercised).count();
    VendorCoverage {
        vendor: document.name.to_string(),
        total: situations.len(),
        exercised,
        situations,
        forced_statuses: forced.into_iter().collect(),
    }
}

/// For each operation of inferred state, the outcomes its role can have (a read finds the item or
/// misses it, a create makes one or misses its parent, …), each exercised when an answer had it.
fn state_outcomes(document: &Document, entries: &[Recorded]) -> Vec<SituationCoverage> {
    let resources = document.resources();
    let mut situations = Vec::new();
    for (index, op) in document.table().iter().enumerate() {
        let Some(role) = resources.role(index) else { continue };
        let role_name = role.kind.name();
        let nested = !role.scope_params.is_empty();
        let outcomes: &[&str] = match role.kind {
            RoleKind::Create if nested => &["created", "missing"],
            RoleKind::Create => &["created"],
            RoleKind::List => &["listed"],
            RoleKind::Read | RoleKind::SingletonRead => &["read", "missing"],
            RoleKind::Replace => &["replaced", "missing"],
            RoleKind::Patch => &["patched", "missing"],
            RoleKind::Delete => &["deleted", "missing"],
            RoleKind::Action(_) => &["acted", "missing"],
            RoleKind::Within => &["missing"],
            RoleKind::SingletonReplace | RoleKind::SingletonPatch => &["set"],
            RoleKind::SingletonClear => &["cleared"],
        };
        for outcome in outcomes {
            let times = entries
                .iter()
                .filter(|r| std::ptr::eq(r.entry.operation, *op))
                .filter(|r| {
                    r.entry
                        .state
                        .as_ref()
                        .is_some_and(|step| step.role == role_name && step.outcome == *outcome)
                })
                .count() as u64;
            situations.push(SituationCoverage {
                name: format!("{} {role_name} {outcome}", op.id),
                situation: format!("{} {}: {role_name} {outcome} (inferred state)", op.method, op.template),
                exercised: times > 0,
                times,
                note: None,
            });
        }
    }
    situations
}

/// The response key that documents `status` among `keys`: its own, its range, or `DEFAULT`.
fn key_of(keys: &[String], status: u16) -> Option<String> {
    let exact = status.to_string();
    let range = format!("{}XX", status / 100);
    [exact, range, "DEFAULT".to_string()]
        .into_iter()
        .find(|k| keys.contains(k))
}

/// Coverage of the given journal entries.
fn of(scope: String, entries: &[Recorded]) -> Coverage {
    let mut tagged: BTreeMap<(&str, &str), u64> = BTreeMap::new();
    let mut forced: BTreeMap<&str, BTreeSet<u16>> = BTreeMap::new();
    for recorded in entries {
        let entry = &recorded.entry;
        if let Some(situation) = entry.situation {
            *tagged.entry((entry.operation.vendor, situation)).or_default() += 1;
        }
        if entry.forced {
            forced.entry(entry.operation.vendor).or_default().insert(entry.status);
        }
    }
    let mut vendors_out = Vec::new();
    for vendor in vendors::NAMES {
        let Some(catalogue) = vendors::catalogue(vendor) else {
            continue;
        };
        let situations: Vec<SituationCoverage> = catalogue
            .probes
            .iter()
            .map(|probe| {
                let times = tagged.get(&(*vendor, probe.name)).copied().unwrap_or(0);
                // A situation the mock never tags is counted with the one it cannot tell it from.
                let twin = catalogue
                    .untagged
                    .iter()
                    .find(|(name, _)| *name == probe.name)
                    .map(|(_, twin)| *twin);
                match twin {
                    Some(other) => {
                        let times = tagged.get(&(*vendor, other)).copied().unwrap_or(0);
                        SituationCoverage {
                            name: probe.name.into(),
                            situation: probe.situation.into(),
                            exercised: times > 0,
                            times,
                            note: Some(format!(
                                "counted with {other}: the mock answers both alike and cannot tell them apart"
                            )),
                        }
                    }
                    None => SituationCoverage {
                        name: probe.name.into(),
                        situation: probe.situation.into(),
                        exercised: times > 0,
                        times,
                        note: None,
                    },
                }
            })
            .collect();
        let exercised = situations.iter().filter(|s| s.exercised).count();
        vendors_out.push(VendorCoverage {
            vendor: vendor.to_string(),
            total: situations.len(),
            exercised,
            situations,
            forced_statuses: forced
                .get(vendor)
                .map(|s| s.iter().copied().collect())
                .unwrap_or_default(),
        });
    }
    Coverage {
        scope,
        exercised: vendors_out.iter().map(|v| v.exercised).sum(),
        total: vendors_out.iter().map(|v| v.total).sum(),
        vendors: vendors_out,
    }
}

impl Coverage {
    /// A markdown summary: per vendor, what was exercised and what never was.
    pub fn markdown(&self) -> String {
        let mut out = format!(
            "# Understudy coverage ({})\n\n{} of {} situations exercised.\n",
            self.scope, self.exercised, self.total
        );
        for vendor in &self.vendors {
            let _ = write!(
                out,
                "\n## {} ({} of {})\n\n",
                vendor.vendor, vendor.exercised, vendor.total
            );
            for s in &vendor.situations {
                let mark = if s.exercised { "x" } else { " " };
                let note = s.note.as_deref().map(|n| format!(" ({n})")).unwrap_or_default();
                let _ = writeln!(
                    out,
                    "- [{mark}] `{}`: {} ({} requests){note}",
                    s.name, s.situation, s.times
                );
            }
            if !vendor.forced_statuses.is_empty() {
                let statuses: Vec<String> = vendor.forced_statuses.iter().map(u16::to_string).collect();
                let _ = writeln!(out, "- forced statuses: {}", statuses.join(", "));
            }
        }
        out
    }
}
