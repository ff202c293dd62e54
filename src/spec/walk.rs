//! Walking an OpenAPI document held as JSON: its operations and its local `$ref`s. Plain serde_json
//! and nothing of this crate, because build.rs includes this very file (`#[path]`) as well: the
//! build and the server walk the documents the same way.

use serde_json::Value;

/// The keys of a path item that are operations.
pub const HTTP_METHODS: [&str; 8] = ["get", "put", "post", "delete", "options", "head", "patch", "trace"];

/// Every operation of the document: its path template, its method (lowercase, as written) and the
/// operation object.
pub fn operations(document: &Value) -> impl Iterator<Item = (&str, &str, &Value)> {
    let paths = document["paths"].as_object().into_iter().flatten();
    paths.flat_map(|(path, item)| {
        let methods = item.as_object().into_iter().flatten();
        methods
            .filter(|(method, _)| HTTP_METHODS.contains(&method.as_str()))
            .map(move |(method, operation)| (path.as_str(), method.as_str(), operation))
    })
}

/// Runs `change` on every operation of the document (path template, method, operation object).
/// build.rs normalises with it; the server only reads.
#[allow(dead_code)]
pub fn for_each_operation_mut(document: &mut Value, mut change: impl FnMut(&str, &str, &mut Value)) {
    let Some(paths) = document.get_mut("paths").and_then(Value::as_object_mut) else {
        return;
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else { continue };
        for (method, operation) in item.iter_mut() {
            if HTTP_METHODS.contains(&method.as_str()) {
                change(path, method, operation);
            }
        }
    }
}

/// Follows a local `$ref` (`#/components/…`) of `value` within `document`; a value without one, or
/// with one that leads nowhere, comes back as it is. One level is all these documents use.
pub fn resolve<'a>(document: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str().and_then(|r| r.strip_prefix('#')) {
        Some(pointer) => document.pointer(pointer).unwrap_or(value),
        None => value,
    }
}

/// The first `$ref` reachable from `value` (following local references, each once) that points
/// outside the document (`other.yaml#/…`, `https://…`), if any.
#[allow(dead_code)]
pub fn external_ref<'a>(document: &'a Value, value: &'a Value) -> Option<&'a str> {
    let mut seen: std::collections::HashSet<&str> = std::collections::HashSet::new();
    let mut stack: Vec<&Value> = vec![value];
    while let Some(value) = stack.pop() {
        match value {
            Value::Object(map) => {
                if let Some(reference) = map.get("$ref").and_then(Value::as_str) {
                    match reference.strip_prefix('#') {
                        Some(pointer) => {
                            if seen.insert(reference) {
                                if let Some(target) = document.pointer(pointer) {
                                    stack.push(target);
                                }
                            }
                        }
                        None => return Some(reference),
                    }
                }
                stack.extend(map.values());
            }
            Value::Array(items) => stack.extend(items),
            _ => {}
        }
    }
    None
}
