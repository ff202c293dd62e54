//! A diff as it is written: a text report, JSON, markdown for a pull-request comment (and a GitHub
//! step summary), JUnit XML (one failing test case per finding at or above `--fail-on`), GitHub
//! annotations, and SARIF 2.1.0 for code scanning.

use std::fmt::Write as _;

use super::{Diff, Level};
use crate::report::xml_escape as escape;

pub fn text(diff: &Diff) -> String {
    let mut out = format!("{} -> {}: {}\n", diff.old, diff.new, diff.verdict);
    for f in &diff.findings {
        let line = f.line.map(|l| format!(":{l}")).unwrap_or_default();
        let _ = writeln!(
            out,
            "\n  {:<12} {} {}\n    {}{line}\n    {}",
            f.level.word(),
            f.id,
            f.operation,
            f.location,
            f.message
        );
        if let Some(impact) = &f.impact {
            let _ = writeln!(out, "    register/mock: {impact}");
        }
    }
    let _ = writeln!(out, "\nWhat the mock must change for NEW to become the vendored spec:");
    for change in &diff.mock_changes {
        let _ = writeln!(out, "  - {change}");
    }
    out
}

pub fn json(diff: &Diff) -> serde_json::Value {
    serde_json::to_value(diff).unwrap_or_default()
}

pub fn markdown(diff: &Diff) -> String {
    let mut out = format!(
        "### Spec diff: **{}**\n\n`{}` → `{}`\n\n",
        diff.verdict, diff.old, diff.new
    );
    if !diff.findings.is_empty() {
        out.push_str("| level | rule | operation | where | what | register / mock |\n|---|---|---|---|---|---|\n");
        for f in &diff.findings {
            let _ = writeln!(
                out,
                "| {} | `{}` | `{}` | `{}`{} | {} | {} |",
                f.level.word(),
                f.id,
                f.operation,
                f.location,
                f.line.map(|l| format!(" (line {l})")).unwrap_or_default(),
                cell(&f.message),
                cell(f.impact.as_deref().unwrap_or(""))
            );
        }
    }
    out.push_str("\n**What the mock must change for NEW to become the vendored spec**\n\n");
    for change in &diff.mock_changes {
        let _ = writeln!(out, "- {change}");
    }
    out
}

/// Text in a markdown table cell: one line, no column break.
fn cell(text: &str) -> String {
    text.replace(['\r', '\n'], " ").replace('|', "\\|")
}

pub fn junit(diff: &Diff, fail_on: Option<Level>) -> String {
    let failing = |level: Level| fail_on.is_some_and(|f| level >= f);
    let failures = diff.findings.iter().filter(|f| failing(f.level)).count();
    let mut out = format!(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"understudy diff\" tests=\"{}\" failures=\"{failures}\">\n  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\">\n",
        diff.findings.len().max(1),
        escape(&format!("{} -> {}", diff.old, diff.new)),
        diff.findings.len().max(1)
    );
    if diff.findings.is_empty() {
        out.push_str("    <testcase classname=\"understudy.diff\" name=\"unchanged\"/>\n");
    }
    for f in &diff.findings {
        let name = escape(&format!("{} {} {}", f.id, f.operation, f.location));
        if failing(f.level) {
            let _ = writeln!(
                out,
                "    <testcase classname=\"understudy.diff.{}\" name=\"{name}\">\n      <failure message=\"{}\">{}</failure>\n    </testcase>",
                f.level.word(),
                escape(&f.message),
                escape(f.impact.as_deref().unwrap_or(""))
            );
        } else {
            let _ = writeln!(
                out,
                "    <testcase classname=\"understudy.diff.{}\" name=\"{name}\"/>",
                f.level.word()
            );
        }
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

/// `::error file=…,line=…,title=…::message` lines, as GitHub Actions reads them. GitHub shows ten
/// annotations of each level per step: the step summary (`markdown`) shows everything.
pub fn github(diff: &Diff, file: &str) -> String {
    let mut out = String::new();
    for f in &diff.findings {
        let command = match f.level {
            Level::Breaking => "error",
            Level::Unknown => "warning",
            Level::NonBreaking => "notice",
        };
        let line = f.line.map(|l| format!(",line={l}")).unwrap_or_default();
        let impact = f.impact.as_deref().map(|i| format!(" ({i})")).unwrap_or_default();
        let _ = writeln!(
            out,
            "::{command} file={}{line},title={}::{}",
            annotation_property(file),
            annotation_property(&f.id),
            annotation_data(&format!("{}: {}{impact}", f.operation, f.message))
        );
    }
    out
}

/// A workflow command's data (the message): the runner unescapes only `%25`, `%0D` and `%0A` there,
/// so a comma or a colon is written as it is.
pub fn annotation_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// A workflow command's property value (`file`, `line`, `title`): `,` separates properties and `:`
/// ends them, so both are escaped too.
pub fn annotation_property(text: &str) -> String {
    annotation_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// A SARIF 2.1.0 log for code scanning: one rule per rule id, one result per finding, located at
/// its line in NEW (line 1 where NEW has no such place: the finding is about what OLD had).
pub fn sarif(diff: &Diff, file: &str) -> serde_json::Value {
    let mut rules: Vec<(&str, Level)> = Vec::new();
    for f in &diff.findings {
        match rules.iter_mut().find(|(id, _)| *id == f.id) {
            Some((_, level)) => *level = (*level).max(f.level),
            None => rules.push((&f.id, f.level)),
        }
    }
    let sarif_level = |level: Level| match level {
        Level::Breaking => "error",
        Level::Unknown => "warning",
        Level::NonBreaking => "note",
    };
    let uri = sarif_uri(file);
    let results: Vec<serde_json::Value> = diff
        .findings
        .iter()
        .map(|f| {
            let index = rules.iter().position(|(id, _)| *id == f.id).unwrap_or_default();
            let impact = f.impact.as_deref().map(|i| format!(" ({i})")).unwrap_or_default();
            let operation = if f.operation.is_empty() {
                String::new()
            } else {
                format!("{}: ", f.operation)
            };
            serde_json::json!({
                "ruleId": f.id,
                "ruleIndex": index,
                "level": sarif_level(f.level),
                "message": {"text": format!("{operation}{}{impact}", f.message)},
                "locations": [{
                    "physicalLocation": {
                        "artifactLocation": {"uri": uri},
                        "region": {"startLine": f.line.unwrap_or(1)}
                    },
                    "logicalLocations": [{"fullyQualifiedName": f.location}]
                }],
                "properties": {
                    "level": f.level.word(),
                    "direction": f.direction,
                    "operation": f.operation,
                    "pointer": f.location,
                    "impact": f.impact
                }
            })
        })
        .collect();
    let rules: Vec<serde_json::Value> = rules
        .iter()
        .map(|(id, level)| {
            serde_json::json!({
                "id": id,
                "name": id,
                "shortDescription": {"text": id.replace('-', " ")},
                "defaultConfiguration": {"level": sarif_level(*level)}
            })
        })
        .collect();
    serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "understudy diff",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules
            }},
            "properties": {"old": diff.old, "new": diff.new, "verdict": diff.verdict},
            "results": results
        }]
    })
}

/// A path as a relative URI reference: `/` separators, everything but unreserved characters and `/`
/// percent-encoded.
fn sarif_uri(file: &str) -> String {
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'/')
        .remove(b'-')
        .remove(b'.')
        .remove(b'_')
        .remove(b'~');
    percent_encoding::utf8_percent_encode(&file.replace('\\', "/"), KEEP).to_string()
}
