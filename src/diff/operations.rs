//! Comparing two documents operation by operation: servers and base path, operations added and
//! removed (paths matched ignoring parameter names), parameters, request bodies, responses (statuses,
//! media types, schemas) and security. Schemas are compared by `super::schema`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::schema::{compare as compare_schema, Context, Judged};
use super::{finding, Direction, Finding, Level};
use crate::spec::walk;

/// An operation's key: method and path with every parameter name blanked.
pub(super) fn key(method: &str, path: &str) -> (String, String) {
    let mut blank = String::new();
    let mut in_parameter = false;
    for c in path.chars() {
        match c {
            '{' => {
                in_parameter = true;
                blank.push_str("{}");
            }
            '}' => in_parameter = false,
            _ if in_parameter => {}
            c => blank.push(c),
        }
    }
    (method.to_uppercase(), blank)
}

fn pointer(segments: &[&str]) -> String {
    segments
        .iter()
        .map(|s| format!("/{}", s.replace('~', "~0").replace('/', "~1")))
        .collect()
}

pub(super) fn compare(old: &Value, new: &Value, findings: &mut Vec<Finding>) {
    compare_servers(old, new, findings);
    let operations = |doc: &'_ Value| -> BTreeMap<(String, String), (String, String)> {
        walk::operations(doc)
            .map(|(path, method, _)| (key(method, path), (method.to_string(), path.to_string())))
            .collect()
    };
    let (olds, news) = (operations(old), operations(new));
    // Schema pairs already judged, shared by every operation (see `schema::Judged`).
    let mut judged = Judged::default();
    for (k, (method, path)) in &olds {
        if news.contains_key(k) {
            continue;
        }
        let name = format!("{} {path}", method.to_uppercase());
        let deprecated = old["paths"][path][method]["deprecated"] == Value::Bool(true);
        let (id, level, why) = if deprecated {
            // oasdiff rates this harmless; a client still calling it breaks all the same.
            (
                "endpoint-removed-after-deprecation",
                Level::Unknown,
                "removed after it was deprecated: clients that have not moved break",
            )
        } else {
            (
                "endpoint-removed",
                Level::Breaking,
                "removed without being deprecated first",
            )
        };
        findings.push(finding(
            id,
            level,
            Direction::None,
            &name,
            &pointer(&["paths", path, method]),
            format!("the operation was {why}"),
        ));
    }
    for (k, (method, path)) in &news {
        let name = format!("{} {path}", method.to_uppercase());
        let at = |segments: &[&str]| {
            let mut all = vec!["paths", path.as_str(), method.as_str()];
            all.extend_from_slice(segments);
            pointer(&all)
        };
        let Some((old_method, old_path)) = olds.get(k) else {
            findings.push(finding(
                "endpoint-added",
                Level::NonBreaking,
                Direction::None,
                &name,
                &at(&[]),
                "the operation was added".into(),
            ));
            continue;
        };
        let (o, n) = (&old["paths"][old_path][old_method], &new["paths"][path][method]);
        if o["deprecated"] != Value::Bool(true) && n["deprecated"] == Value::Bool(true) {
            findings.push(finding(
                "endpoint-deprecated",
                Level::NonBreaking,
                Direction::None,
                &name,
                &at(&["deprecated"]),
                "the operation was deprecated".into(),
            ));
        }
        let (old_servers, new_servers) = (
            operation_servers(&old["paths"][old_path], o),
            operation_servers(&new["paths"][path], n),
        );
        if old_servers.is_some() || new_servers.is_some() {
            let list = |servers: Option<&Vec<Value>>, doc: &Value| {
                servers.or(doc["servers"].as_array()).cloned().unwrap_or_default()
            };
            let own = if n["servers"].is_array() {
                at(&["servers"])
            } else {
                pointer(&["paths", path, "servers"])
            };
            compare_server_lists(&list(old_servers, old), &list(new_servers, new), &own, &name, findings);
        }
        let mut context = Context::new(old, new, name.clone(), findings, &mut judged);
        compare_parameters(
            &old["paths"][old_path],
            o,
            &new["paths"][path],
            n,
            &at(&["parameters"]),
            &mut context,
        );
        compare_request_body(o, n, &at(&["requestBody"]), &mut context);
        compare_responses(o, n, &at(&["responses"]), &mut context);
        compare_security(old, o, new, n, &at(&["security"]), &mut context);
    }
}

fn compare_servers(old: &Value, new: &Value, findings: &mut Vec<Finding>) {
    let list = |doc: &Value| doc["servers"].as_array().cloned().unwrap_or_default();
    compare_server_lists(&list(old), &list(new), "/servers", "", findings);
}

/// The servers an operation is called at, where the operation or its path sets its own.
fn operation_servers<'a>(item: &'a Value, operation: &'a Value) -> Option<&'a Vec<Value>> {
    operation["servers"].as_array().or(item["servers"].as_array())
}

/// Two lists of servers: the first one's base path and host, then every entry added or removed.
fn compare_server_lists(old: &[Value], new: &[Value], at: &str, operation: &str, findings: &mut Vec<Finding>) {
    let url = |servers: &[Value], i: usize| {
        servers
            .get(i)
            .and_then(|s| s["url"].as_str())
            .unwrap_or("")
            .trim_end_matches('/')
            .to_string()
    };
    let split = |url: &str| {
        let rest = url.split_once("://").map_or(url, |(_, r)| r).to_string();
        let (host, path) = rest
            .split_once('/')
            .map_or((rest.clone(), String::new()), |(h, p)| (h.to_string(), format!("/{p}")));
        (host, path.trim_end_matches('/').to_string())
    };
    let (old_first, new_first) = (url(old, 0), url(new, 0));
    let ((old_host, old_path), (new_host, new_path)) = (split(&old_first), split(&new_first));
    let first = format!("{at}/0/url");
    if old_path != new_path {
        findings.push(finding(
            "base-path-changed",
            Level::Breaking,
            Direction::None,
            operation,
            &first,
            format!("the base path changed from `{old_path}` to `{new_path}`: every client's URLs change"),
        ));
    }
    if old_host != new_host {
        findings.push(finding(
            "server-host-changed",
            Level::Unknown,
            Direction::None,
            operation,
            &first,
            format!("the first server's host changed from `{old_host}` to `{new_host}`"),
        ));
    }
    // The first entries were judged above when they differ.
    let skip = usize::from(old_first != new_first);
    let old_urls: Vec<String> = (skip..old.len()).map(|i| url(old, i)).collect();
    let new_urls: Vec<String> = (skip..new.len()).map(|i| url(new, i)).collect();
    for (i, added) in new_urls.iter().enumerate().filter(|(_, u)| !old_urls.contains(u)) {
        findings.push(finding(
            "server-added",
            Level::NonBreaking,
            Direction::None,
            operation,
            &format!("{at}/{}", i + skip),
            format!("server `{added}` added"),
        ));
    }
    for removed in old_urls.iter().filter(|u| !new_urls.contains(u)) {
        findings.push(finding(
            "server-removed",
            Level::Unknown,
            Direction::None,
            operation,
            at,
            format!("server `{removed}` removed: clients configured for it may fail"),
        ));
    }
}

/// Parameters by location and name (path parameters by position, whatever their names), each with
/// its pointer: `at` points to the operation's `parameters`; the path item's are one level up.
fn parameters<'a>(
    doc: &'a Value,
    item: &'a Value,
    operation: &'a Value,
    at: &str,
) -> BTreeMap<(String, String), (String, &'a Value)> {
    let mut found = BTreeMap::new();
    let mut path_index = 0;
    let operation_at = at.strip_suffix("/parameters").unwrap_or(at);
    let item_at = operation_at.rsplit_once('/').map_or("", |(item, _)| item);
    let listed = |list: &'a Value, under: String| {
        list.as_array()
            .into_iter()
            .flatten()
            .enumerate()
            .map(move |(i, p)| (format!("{under}/parameters/{i}"), p))
    };
    let all = listed(&item["parameters"], item_at.to_string())
        .chain(listed(&operation["parameters"], operation_at.to_string()));
    for (pointer, parameter) in all {
        let parameter = walk::resolve(doc, parameter);
        let location = parameter["in"].as_str().unwrap_or("").to_string();
        let name = if location == "path" {
            path_index += 1;
            format!("#{path_index}")
        } else if location == "header" {
            parameter["name"].as_str().unwrap_or("").to_ascii_lowercase()
        } else {
            parameter["name"].as_str().unwrap_or("").to_string()
        };
        found.insert((location, name), (pointer, parameter));
    }
    found
}

fn compare_parameters(
    old_item: &Value,
    old: &Value,
    new_item: &Value,
    new: &Value,
    at: &str,
    context: &mut Context<'_>,
) {
    let (olds, news) = (
        parameters(context.old_doc, old_item, old, at),
        parameters(context.new_doc, new_item, new, at),
    );
    for ((location, name), (here, parameter)) in &news {
        let required = parameter["required"].as_bool().unwrap_or(location == "path");
        let shown = parameter["name"].as_str().unwrap_or(name);
        match olds.get(&(location.clone(), name.clone())).map(|(_, p)| p) {
            None if required => context.push(
                "new-required-request-parameter",
                Level::Breaking,
                Direction::Request,
                here,
                format!("required {location} parameter `{shown}` added"),
            ),
            None => context.push(
                "new-optional-request-parameter",
                Level::NonBreaking,
                Direction::Request,
                here,
                format!("optional {location} parameter `{shown}` added"),
            ),
            Some(old_parameter) => {
                let was_required = old_parameter["required"].as_bool().unwrap_or(location == "path");
                if required && !was_required {
                    context.push(
                        "request-parameter-became-required",
                        Level::Breaking,
                        Direction::Request,
                        here,
                        format!("{location} parameter `{shown}` became required"),
                    );
                }
                if !required && was_required {
                    context.push(
                        "request-parameter-became-optional",
                        Level::NonBreaking,
                        Direction::Request,
                        here,
                        format!("{location} parameter `{shown}` became optional"),
                    );
                }
                if old_parameter["deprecated"] != Value::Bool(true) && parameter["deprecated"] == Value::Bool(true) {
                    context.push(
                        "request-parameter-deprecated",
                        Level::NonBreaking,
                        Direction::Request,
                        &format!("{here}/deprecated"),
                        format!("{location} parameter `{shown}` was deprecated"),
                    );
                }
                // How the value is written into the request: clients keep the old way.
                let serialized = |p: &Value| (p.get("style").cloned(), p.get("explode").cloned());
                if serialized(old_parameter) != serialized(parameter) {
                    context.push(
                        "request-parameter-style-changed",
                        Level::Breaking,
                        Direction::Request,
                        here,
                        format!("{location} parameter `{shown}` is now serialized another way (`style`, `explode`)"),
                    );
                }
                if let (Some(a), Some(b)) = (old_parameter.get("schema"), parameter.get("schema")) {
                    compare_schema(a, b, Direction::Request, &format!("{here}/schema"), context, 0);
                }
                let (om, nm) = (media_types(old_parameter), media_types(parameter));
                for (media, content) in &nm {
                    let schemas = om.get(media).and_then(|c| c.get("schema")).zip(content.get("schema"));
                    if let Some((a, b)) = schemas {
                        let there = format!("{here}/content/{}/schema", media.replace('~', "~0").replace('/', "~1"));
                        compare_schema(a, b, Direction::Request, &there, context, 0);
                    }
                }
                if om.keys().ne(nm.keys()) {
                    context.push(
                        "request-parameter-content-changed",
                        Level::Breaking,
                        Direction::Request,
                        here,
                        format!("{location} parameter `{shown}` changed its media type"),
                    );
                }
            }
        }
    }
    for ((location, name), (_, parameter)) in &olds {
        if !news.contains_key(&(location.clone(), name.clone())) {
            let shown = parameter["name"].as_str().unwrap_or(name);
            context.push(
                "request-parameter-removed",
                Level::Unknown,
                Direction::Request,
                at,
                format!("{location} parameter `{shown}` removed: clients that send it may be refused"),
            );
        }
    }
}

fn media_types(body: &Value) -> BTreeMap<String, &Value> {
    body["content"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(m, v)| (m.to_ascii_lowercase(), v))
        .collect()
}

fn compare_request_body(old: &Value, new: &Value, at: &str, context: &mut Context<'_>) {
    let (o, n) = (
        old.get("requestBody").map(|b| walk::resolve(context.old_doc, b)),
        new.get("requestBody").map(|b| walk::resolve(context.new_doc, b)),
    );
    match (o, n) {
        (None, None) => {}
        (None, Some(body)) => {
            let required = body["required"] == Value::Bool(true);
            let (id, level) = if required {
                ("request-body-added-required", Level::Breaking)
            } else {
                ("request-body-added-optional", Level::NonBreaking)
            };
            context.push(
                id,
                level,
                Direction::Request,
                at,
                format!(
                    "a {} request body was added",
                    if required { "required" } else { "optional" }
                ),
            );
        }
        (Some(_), None) => context.push(
            "request-body-removed",
            Level::Unknown,
            Direction::Request,
            at,
            "the request body was removed: clients that send one may be refused".into(),
        ),
        (Some(o), Some(n)) => {
            match (o["required"] == Value::Bool(true), n["required"] == Value::Bool(true)) {
                (false, true) => context.push(
                    "request-body-became-required",
                    Level::Breaking,
                    Direction::Request,
                    &format!("{at}/required"),
                    "the request body became required".into(),
                ),
                (true, false) => context.push(
                    "request-body-became-optional",
                    Level::NonBreaking,
                    Direction::Request,
                    &format!("{at}/required"),
                    "the request body became optional".into(),
                ),
                _ => {}
            }
            let (om, nm) = (media_types(o), media_types(n));
            for (media, content) in &nm {
                let here = format!("{at}/content/{}", media.replace('/', "~1"));
                match om.get(media) {
                    None => context.push(
                        "request-body-media-type-added",
                        Level::NonBreaking,
                        Direction::Request,
                        &here,
                        format!("the request body may now be {media}"),
                    ),
                    Some(old_content) => {
                        if let (Some(a), Some(b)) = (old_content.get("schema"), content.get("schema")) {
                            compare_schema(a, b, Direction::Request, &format!("{here}/schema"), context, 0);
                        }
                    }
                }
            }
            for media in om.keys().filter(|m| !nm.contains_key(*m)) {
                context.push(
                    "request-body-media-type-removed",
                    Level::Breaking,
                    Direction::Request,
                    at,
                    format!("the request body may no longer be {media}"),
                );
            }
        }
    }
}

fn compare_responses(old: &Value, new: &Value, at: &str, context: &mut Context<'_>) {
    let statuses = |operation: &Value| -> BTreeMap<String, Value> {
        operation["responses"]
            .as_object()
            .into_iter()
            .flatten()
            .map(|(s, r)| (s.clone(), r.clone()))
            .collect()
    };
    let (olds, news) = (statuses(old), statuses(new));
    for (status, response) in &news {
        let here = format!("{at}/{status}");
        let Some(old_response) = olds.get(status) else {
            context.push(
                "response-status-added",
                Level::Unknown,
                Direction::Response,
                &here,
                format!("status {status} may now come: clients may not handle it"),
            );
            continue;
        };
        let (o, n) = (
            walk::resolve(context.old_doc, old_response),
            walk::resolve(context.new_doc, response),
        );
        let (om, nm) = (media_types(o), media_types(n));
        for (media, content) in &nm {
            let media_here = format!("{here}/content/{}", media.replace('/', "~1"));
            match om.get(media) {
                None => context.push(
                    "response-media-type-added",
                    Level::Unknown,
                    Direction::Response,
                    &media_here,
                    format!("status {status} may now come as {media}"),
                ),
                Some(old_content) => match (old_content.get("schema"), content.get("schema")) {
                    (Some(a), Some(b)) => {
                        compare_schema(a, b, Direction::Response, &format!("{media_here}/schema"), context, 0)
                    }
                    (None, Some(_)) => context.push(
                        "response-schema-added",
                        Level::NonBreaking,
                        Direction::Response,
                        &media_here,
                        format!("status {status} now documents its body"),
                    ),
                    (Some(_), None) => context.push(
                        "response-schema-removed",
                        Level::Unknown,
                        Direction::Response,
                        &media_here,
                        format!("status {status} no longer documents its body"),
                    ),
                    (None, None) => {}
                },
            }
        }
        for media in om.keys().filter(|m| !nm.contains_key(*m)) {
            context.push(
                "response-media-type-removed",
                Level::Breaking,
                Direction::Response,
                &here,
                format!("status {status} no longer comes as {media}"),
            );
        }
        if o["description"] != n["description"] {
            context.push(
                "response-description-changed",
                Level::NonBreaking,
                Direction::None,
                &here,
                format!("status {status}'s description changed (documentation only)"),
            );
        }
    }
    for (status, _) in olds.iter().filter(|(s, _)| !news.contains_key(*s)) {
        let success = status.starts_with('2');
        let (id, level) = if success {
            ("response-success-status-removed", Level::Breaking)
        } else {
            ("response-non-success-status-removed", Level::NonBreaking)
        };
        context.push(
            id,
            level,
            Direction::Response,
            // A pointer into OLD: NEW no longer has it.
            &format!("{at}/{status}"),
            format!("status {status} is no longer documented"),
        );
    }
}

/// An operation's security, as the set of alternatives, each the schemes it needs as defined.
fn security(doc: &Value, operation: &Value) -> Vec<Vec<Value>> {
    let requirements = operation.get("security").or(doc.get("security"));
    let alternatives = requirements.and_then(Value::as_array).cloned().unwrap_or_default();
    let mut out: Vec<Vec<Value>> = alternatives
        .iter()
        .map(|requirement| {
            let mut schemes: Vec<Value> = requirement
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, _)| {
                    let scheme = &doc["components"]["securitySchemes"][name];
                    let mut defined = serde_json::json!({"type": scheme["type"], "scheme": scheme["scheme"].as_str().map(str::to_ascii_lowercase), "in": scheme["in"], "name": scheme["name"]});
                    if defined["type"].is_null() {
                        defined["unknown"] = Value::String(name.clone());
                    }
                    defined
                })
                .collect();
            schemes.sort_by_key(Value::to_string);
            schemes
        })
        .collect();
    if out.is_empty() {
        out.push(Vec::new());
    }
    out.sort_by_key(|a| serde_json::to_string(a).unwrap_or_default());
    out
}

fn compare_security(old_doc: &Value, old: &Value, new_doc: &Value, new: &Value, at: &str, context: &mut Context<'_>) {
    let (o, n) = (security(old_doc, old), security(new_doc, new));
    if o == n {
        return;
    }
    let anonymous = |alternatives: &[Vec<Value>]| alternatives.iter().any(Vec::is_empty);
    let describe = |alternatives: &[Vec<Value>]| {
        alternatives
            .iter()
            .map(|a| {
                if a.is_empty() {
                    "none".to_string()
                } else {
                    a.iter()
                        .map(|s| {
                            format!(
                                "{} {}",
                                s["type"].as_str().unwrap_or("?"),
                                s["scheme"].as_str().or(s["name"].as_str()).unwrap_or("")
                            )
                        })
                        .collect::<Vec<_>>()
                        .join(" + ")
                }
            })
            .collect::<Vec<_>>()
            .join(" or ")
    };
    let (id, level) = match (anonymous(&o), anonymous(&n)) {
        (true, false) => ("security-added", Level::Breaking),
        (false, true) => ("security-removed", Level::NonBreaking),
        _ if n.iter().all(|alt| o.contains(alt)) => ("security-alternative-removed", Level::Breaking),
        _ if o.iter().all(|alt| n.contains(alt)) => ("security-alternative-added", Level::NonBreaking),
        _ => ("security-changed", Level::Breaking),
    };
    context.push(
        id,
        level,
        Direction::Request,
        at,
        format!("security changed from {} to {}", describe(&o), describe(&n)),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_match_whatever_their_parameter_names() {
        assert_eq!(
            key("put", "/sessions/{sessionId}/revoke"),
            key("PUT", "/sessions/{id}/revoke")
        );
        assert_ne!(key("put", "/sessions/{id}/revoke"), key("put", "/sessions/{id}"));
    }
}
