//! `understudy spec inspect FILE`: every operation of a document, how Understudy will answer it (a
//! compiled override or the generic engine), its documented statuses, and the problems found: a
//! template that cannot be routed, a reference outside the document, a schema that does not compile,
//! an example that breaks its own schema, content with neither schema nor example.

use std::fmt::Write as _;

use serde::Serialize;
use serde_json::Value;

use super::{load, walk, Document};

/// What `spec inspect` reports.
#[derive(Debug, Serialize)]
pub struct Inspection {
    pub name: String,
    pub source: String,
    pub base_path: String,
    pub operations: Vec<OperationReport>,
    /// The state inferred from the document: its resources and singletons, and what was not inferred.
    pub state: Vec<String>,
}

#[derive(Debug, Serialize)]
pub struct OperationReport {
    pub method: String,
    pub path: String,
    pub operation_id: String,
    /// `override (VENDOR)` or `generic`.
    pub answered_by: String,
    /// Its role in the inferred state (`create pets`), if it has one.
    pub role: Option<String>,
    pub statuses: Vec<String>,
    pub problems: Vec<String>,
}

impl Inspection {
    /// How many problems were found.
    pub fn problems(&self) -> usize {
        self.operations.iter().map(|o| o.problems.len()).sum()
    }

    /// The report as text: one line an operation, its problems indented below it.
    pub fn text(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "{} ({}), served under `{}`: {} operations, {} problems",
            self.name,
            self.source,
            if self.base_path.is_empty() {
                "/"
            } else {
                &self.base_path
            },
            self.operations.len(),
            self.problems()
        );
        for op in &self.operations {
            let _ = writeln!(
                out,
                "{:<7} {}  {}  [{}]  {}{}",
                op.method,
                op.path,
                op.operation_id,
                op.statuses.join(" "),
                op.answered_by,
                op.role.as_ref().map(|r| format!(", {r}")).unwrap_or_default()
            );
            for problem in &op.problems {
                let _ = writeln!(out, "        problem: {problem}");
            }
        }
        let _ = writeln!(out, "State inferred from the document:");
        for line in &self.state {
            let _ = writeln!(out, "  {line}");
        }
        out
    }
}

/// Inspects the document at `argument`: a file, `NAME=FILE` (as `--spec` takes it: a vendor's name
/// shows which operations its compiled overrides answer), or a vendor's name for its embedded one.
pub fn inspect(argument: &str) -> Result<Inspection, String> {
    let (named, file) = match argument.split_once('=') {
        Some((name, file)) if !name.contains('/') => (Some(name), file),
        _ => (None, argument),
    };
    let loaded = load::load(file).map_err(|e| e.message)?;
    let vendor = loaded
        .vendor
        .or_else(|| crate::vendors::NAMES.iter().copied().find(|v| Some(*v) == named));
    let name = match (named, loaded.vendor) {
        (Some(name), _) => name.to_string(),
        (None, Some(vendor)) => vendor.to_string(),
        (None, None) => super::slug(loaded.document["info"]["title"].as_str().unwrap_or("")),
    };
    let document = Document::new(&name, loaded.source.clone(), loaded.document);
    Ok(of(&document, vendor, Depth::Thorough))
}

/// How closely a document is inspected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Depth {
    /// Every response schema compiled, every example validated (`spec inspect`).
    Thorough,
    /// At start-up, beside the servers: examples judged by the generator's light validator, no
    /// schema compiled (a large document would otherwise cost its whole set of validators in memory
    /// at once; a served example is still validated for real before it is sent).
    Quick,
}

/// The inspection of a loaded document; `vendor` names the compiled vendor that overrides some of
/// its operations, if any.
pub(crate) fn of(document: &Document, vendor: Option<&str>, depth: Depth) -> Inspection {
    let compiled = vendor.map(crate::vendors::compiled_operations).unwrap_or_default();
    // Compiled for a thorough inspection and dropped after it: the document's own validators stay
    // lazy, compiled only for the responses a request meets.
    let validators = match depth {
        Depth::Thorough => super::ResponseValidators::from_document(document.shared()),
        Depth::Quick => super::ResponseValidators::from_document(Value::Null),
    };
    let resources = document.resources();
    let operations = document
        .table()
        .iter()
        .enumerate()
        .map(|(index, op)| {
            let object = document.operation_object(op.method, op.template);
            let statuses: Vec<String> = object["responses"]
                .as_object()
                .into_iter()
                .flatten()
                .map(|(k, _)| k.clone())
                .collect();
            let overridden = compiled
                .iter()
                .any(|c| c.method == op.method && c.template == op.template);
            let mut problems: Vec<String> = Vec::new();
            if let Some(why) = document.unservable(index) {
                problems.push(format!("not served (501): {why}"));
            }
            let role = resources.role(index).map(|role| match &role.kind {
                super::resources::RoleKind::Action(verb) => {
                    format!("action `{verb}` on {}", resources.resources[role.target].name)
                }
                kind if kind.name().starts_with("singleton") => {
                    format!("{} {}", kind.name(), resources.singletons[role.target].path)
                }
                kind => format!("{} {}", kind.name(), resources.resources[role.target].name),
            });
            match depth {
                Depth::Thorough => {
                    if let Some(why) = validators.problem(op.method, op.template) {
                        problems.push(format!("a response schema cannot be used: {why}"));
                    }
                    problems.extend(example_problems(
                        document,
                        Some(&validators),
                        op.method,
                        op.template,
                        object,
                    ));
                }
                Depth::Quick => problems.extend(example_problems(document, None, op.method, op.template, object)),
            }
            OperationReport {
                method: op.method.to_string(),
                path: op.template.to_string(),
                operation_id: op.id.to_string(),
                answered_by: match (overridden, vendor) {
                    (true, Some(vendor)) => format!("override ({vendor})"),
                    _ => "generic".into(),
                },
                role,
                statuses,
                problems,
            }
        })
        .collect();
    Inspection {
        name: document.name.to_string(),
        source: document.source.clone(),
        base_path: document.base_path.clone(),
        operations,
        state: state_lines(resources),
    }
}

/// The inferred state, a line a resource or singleton, then what was not inferred.
fn state_lines(resources: &super::resources::Resources) -> Vec<String> {
    let mut lines: Vec<String> = resources
        .resources
        .iter()
        .map(|r| {
            let id = match &r.id {
                Some(id) => format!("id: {}", id.how),
                None => "no id field: only seeds fill it".to_string(),
            };
            let parents = match r.parents {
                0 => String::new(),
                n => format!(", scoped by {n} parent value(s)"),
            };
            let creatable = if r.creatable { "creatable" } else { "not creatable" };
            format!(
                "resource {} at {}/{{}} ({creatable}{parents}; {id})",
                r.name, r.collection
            )
        })
        .collect();
    lines.extend(resources.singletons.iter().map(|s| {
        let keyed = if s.per_credential {
            "per credential"
        } else {
            "per namespace"
        };
        format!("singleton {} ({keyed})", s.path)
    }));
    lines.extend(resources.notes.iter().map(|note| format!("not inferred: {note}")));
    if lines.is_empty() {
        lines.push("no resource or singleton: every operation is answered statelessly".to_string());
    }
    lines
}

/// Examples of the operation's responses that break their own schema (they are not served), and
/// content with neither a schema nor an example. Judged by `validators`, else by the generator's
/// light validator.
pub(crate) fn example_problems(
    document: &Document,
    validators: Option<&super::ResponseValidators>,
    method: &str,
    template: &str,
    object: &Value,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (key, response) in object["responses"].as_object().into_iter().flatten() {
        let response = walk::resolve(document.json(), response);
        for (media, media_object) in response["content"].as_object().into_iter().flatten() {
            let media_object = walk::resolve(document.json(), media_object);
            let mut examples: Vec<(String, &Value)> = Vec::new();
            if let Some(example) = media_object.get("example") {
                examples.push(("example".into(), example));
            }
            for (name, example) in media_object["examples"].as_object().into_iter().flatten() {
                if let Some(value) = walk::resolve(document.json(), example).get("value") {
                    examples.push((format!("example `{name}`"), value));
                }
            }
            if media_object.get("schema").is_none() && examples.is_empty() {
                problems.push(format!("{key} {media}: no schema and no example (answered 501)"));
            }
            let Ok(status) = key.parse::<u16>() else { continue };
            if !super::is_json_media(media) {
                continue;
            }
            for (what, value) in examples {
                let verdict = match validators {
                    Some(validators) => validators
                        .check_value_as(method, template, status, Some(media), value)
                        .map_err(|why| why.to_string()),
                    None => {
                        let light = super::generate::Generator {
                            document: document.json(),
                            direction: super::generate::Direction::Response,
                            now: chrono::Utc::now(),
                            use_schema_examples: false,
                        };
                        let schema = media_object.get("schema").unwrap_or(&Value::Null);
                        match light.accepts(schema, value) {
                            true => Ok(()),
                            false => Err("it does not fit its schema".to_string()),
                        }
                    }
                };
                if let Err(why) = verdict {
                    problems.push(format!(
                        "{key} {media}: the {what} breaks its schema and is not served: {why}"
                    ));
                }
            }
        }
    }
    problems
}
