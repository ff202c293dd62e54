//! A diff as it is written: a text report, JSON, markdown for a pull-request comment, JUnit XML
//! (one failing test case per finding at or above `--fail-on`), and GitHub annotations.

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
                f.message.replace('|', "\\|"),
                f.impact.as_deref().unwrap_or("").replace('|', "\\|")
            );
        }
    }
    out.push_str("\n**What the mock must change for NEW to become the vendored spec**\n\n");
    for change in &diff.mock_changes {
        let _ = writeln!(out, "- {change}");
    }
    out
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

/// `::error file=…,line=…,title=…::message` lines, as GitHub Actions reads them.
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
            "::{command} file={file}{line},title={}::{}: {}{impact}",
            annotation(&f.id),
            annotation(&f.operation),
            annotation(&f.message)
        );
    }
    out
}

fn annotation(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
        .replace(',', "%2C")
        .replace("::", "%3A%3A")
}
