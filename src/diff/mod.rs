//! `understudy diff`: what changed between two versions of a vendor's spec, and whether it can break
//! a client. Every difference is a finding with a rule id, a level decided by its direction
//! (narrowing what a request may carry, or widening what a response may carry, breaks clients; the
//! reverse does not), the operation, the place, and what it means for the register of departures and
//! the mock. Equivalent spellings (3.0 `nullable` and 3.1 type lists, `const` and a one-value `enum`,
//! inline schemas and `$ref`s, renamed path parameters) compare equal. A change whose direction
//! cannot be proven is `unknown`, never silence: a false positive is acceptable; a false negative
//! is not. A finding's line is the line of its node in NEW, from the YAML parser's spans (a doc
//! page's lines counted in the page).

mod impact;

mod operations;
pub mod output;
mod pattern;
mod schema;

use serde::Serialize;

pub use crate::spec::load::{load, LoadError, Loaded};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    NonBreaking,
    Unknown,
    Breaking,
}

impl Level {
    pub fn word(self) -> &'static str {
        match self {
            Self::NonBreaking => "non-breaking",
            Self::Unknown => "unknown",
            Self::Breaking => "breaking",
        }
    }
}

/// Which way the change flows: what clients send, what they receive, or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Direction {
    Request,
    Response,
    None,
}

#[derive(Debug, Clone, Serialize)]
pub struct Finding {
    /// Stable, oasdiff's name where one fits.
    pub id: String,
    pub level: Level,
    pub direction: Direction,
    /// `METHOD /path` as NEW writes it (OLD's where the operation is gone); empty for the document.
    pub operation: String,
    /// A JSON pointer into NEW (into OLD for what NEW no longer has).
    pub location: String,
    /// The line in NEW, where it can be found.
    pub line: Option<usize>,
    pub message: String,
    /// What it means for the register of departures or the mock, when it touches them.
    pub impact: Option<String>,
}

/// The outcome of a diff.
#[derive(Debug, Clone, Serialize)]
pub struct Diff {
    pub old: String,
    pub new: String,
    /// `breaking`, `unknown`, `non-breaking`, or `unchanged` when there is no finding.
    pub verdict: &'static str,
    pub findings: Vec<Finding>,
    /// What the mock must change for NEW to become the vendored spec.
    pub mock_changes: Vec<String>,
}

impl Diff {
    /// The highest level found, if any.
    pub fn level(&self) -> Option<Level> {
        self.findings.iter().map(|f| f.level).max()
    }
}

/// Compares two loaded specs.
pub fn diff(old: &Loaded, new: &Loaded) -> Diff {
    let mut findings = Vec::new();
    operations::compare(&old.document, &new.document, &mut findings);
    if !findings.is_empty() {
        // Only a place NEW has can have a line in NEW: a pointer into OLD finds no node.
        let spans = crate::spec::load::Spans::of(new);
        for finding in &mut findings {
            if finding.line.is_none() {
                finding.line = spans.line(&finding.location);
            }
        }
    }
    let vendor = old.vendor.or(new.vendor).or_else(|| impact::vendor_of(&new.document));
    let mock_changes = if findings.is_empty() {
        Vec::new()
    } else {
        impact::annotate(vendor, &mut findings)
    };
    findings.sort_by(|a, b| {
        b.level
            .cmp(&a.level)
            .then(a.operation.cmp(&b.operation))
            .then(a.location.cmp(&b.location))
    });
    let verdict = match findings.iter().map(|f| f.level).max() {
        None => "unchanged",
        Some(level) => level.word(),
    };
    Diff {
        old: old.source.clone(),
        new: new.source.clone(),
        verdict,
        findings,
        mock_changes,
    }
}

/// A finding under construction.
pub(crate) fn finding(
    id: &str,
    level: Level,
    direction: Direction,
    operation: &str,
    location: &str,
    message: String,
) -> Finding {
    Finding {
        id: id.to_string(),
        level,
        direction,
        operation: operation.to_string(),
        location: location.to_string(),
        line: None,
        message,
        impact: None,
    }
}
