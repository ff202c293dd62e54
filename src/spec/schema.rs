//! OpenAPI schemas as JSON Schema: the conversion of OpenAPI 3.0's dialect (`nullable`, boolean
//! `exclusiveMinimum`/`exclusiveMaximum`) into draft 2020-12, and compiling one schema of a document
//! into a validator that carries only the parts of the document its `$ref`s reach, so that a large
//! document's thousand schemas are not copied into every validator.

use jsonschema::{Draft, Validator};
use serde_json::{json, Map, Value};

/// Rewrites OpenAPI 3.0's schema dialect into JSON Schema, in place, over a whole document or one
/// schema:
/// - `{type: T, nullable: true}` becomes `{type: [T, "null"]}` (and an `enum` gains `null`);
/// - `exclusiveMinimum: true` beside `minimum: N` becomes `exclusiveMinimum: N` (the same for the
///   maximum); `false` is dropped.
///
/// 3.1 documents are JSON Schema already; the rewrite leaves them as they are (they have no boolean
/// bounds and no `nullable`).
pub(crate) fn openapi_to_json_schema(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.get("nullable") == Some(&Value::Bool(true)) {
                map.remove("nullable");
                // No type: anything goes already, null included, unless an enum or a composition
                // narrows it; the enum gains null below.
                if let Some(Value::String(t)) = map.get("type").cloned() {
                    map.insert("type".into(), json!([t, "null"]));
                }
                if let Some(Value::Array(values)) = map.get_mut("enum") {
                    if !values.contains(&Value::Null) {
                        values.push(Value::Null);
                    }
                }
            } else if map.get("nullable").is_some_and(Value::is_boolean) {
                map.remove("nullable");
            }
            for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
                match map.get(exclusive) {
                    Some(Value::Bool(true)) => match map.remove(bound) {
                        Some(limit) => {
                            map.insert(exclusive.into(), limit);
                        }
                        None => {
                            map.remove(exclusive);
                        }
                    },
                    Some(Value::Bool(false)) => {
                        map.remove(exclusive);
                    }
                    _ => {}
                }
            }
            map.values_mut().for_each(openapi_to_json_schema);
        }
        Value::Array(items) => items.iter_mut().for_each(openapi_to_json_schema),
        _ => {}
    }
}

/// Which side of an exchange a schema judges: a property marked `readOnly` is not required of a
/// request, nor one marked `writeOnly` of a response (OpenAPI 3.0 says so, and 3.1 documents follow it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Side {
    Request,
    Response,
}

/// Drops from every `required` list, in place, the properties `side` does not carry.
pub(crate) fn drop_one_sided_requirements(value: &mut Value, side: Side) {
    let marker = match side {
        Side::Request => "readOnly",
        Side::Response => "writeOnly",
    };
    match value {
        Value::Object(map) => {
            let one_sided: Vec<String> = map
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(_, property)| property.get(marker) == Some(&Value::Bool(true)))
                .map(|(name, _)| name.clone())
                .collect();
            if !one_sided.is_empty() {
                if let Some(Value::Array(required)) = map.get_mut("required") {
                    required.retain(|name| !name.as_str().is_some_and(|n| one_sided.iter().any(|o| o == n)));
                }
            }
            map.values_mut().for_each(|v| drop_one_sided_requirements(v, side));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| drop_one_sided_requirements(v, side)),
        _ => {}
    }
}

/// A validator for `schema` (a schema of the OpenAPI `document`, as written), judging `side` of an
/// exchange; its local `$ref`s resolve against `document`. The validator's root holds the schema and
/// a sparse copy of the document with only the values its references reach, transitively, and only
/// that copy is turned into JSON Schema ([`openapi_to_json_schema`], [`drop_one_sided_requirements`]):
/// a large document is never copied whole. Fails, with the reason, on a schema that is not valid JSON
/// Schema (an OpenAPI document may hold one: it is served, and the failure is reported, never a panic).
pub(crate) fn compile_for(schema: &Value, document: &Value, side: Side) -> Result<Validator, String> {
    let mut root = Map::new();
    copy_referenced(schema, document, &mut root, 0);
    root.insert("allOf".into(), json!([schema]));
    let mut root = Value::Object(root);
    openapi_to_json_schema(&mut root);
    drop_one_sided_requirements(&mut root, side);
    compile_json_schema(&root)
}

/// The validators of one document's schemas for one side, each compiled once, at its first use,
/// and shared by every operation that reaches the same schema (a `$ref`'d component, a shared
/// response). Keyed by the schema's address in the document, which never moves: a document is never
/// changed once loaded.
pub(crate) struct CompiledSchemas {
    side: Side,
    by_address: std::sync::Mutex<std::collections::HashMap<usize, Result<std::sync::Arc<Validator>, String>>>,
}

impl CompiledSchemas {
    pub(crate) fn new(side: Side) -> Self {
        Self {
            side,
            by_address: Default::default(),
        }
    }

    /// The validator of `schema`, a value inside `document`; the error says why it cannot be made.
    /// Compiled outside the lock: two first uses at once may both compile, and one is kept.
    pub(crate) fn of(&self, schema: &Value, document: &Value) -> Result<std::sync::Arc<Validator>, String> {
        let key = schema as *const Value as usize;
        if let Some(found) = crate::state::locks::lock(&self.by_address).get(&key) {
            return found.clone();
        }
        let compiled = compile_for(schema, document, self.side).map(std::sync::Arc::new);
        crate::state::locks::lock(&self.by_address)
            .entry(key)
            .or_insert(compiled)
            .clone()
    }
}

/// A validator for a JSON Schema root as it stands.
fn compile_json_schema(root: &Value) -> Result<Validator, String> {
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .build(root)
        .map_err(|e| format!("the schema cannot be compiled: {e}"))
}

/// A validator for `schema`, whose local `$ref`s resolve against `document`, both JSON Schema already.
#[cfg(test)]
pub(crate) fn compile(schema: &Value, document: &Value) -> Result<Validator, String> {
    let mut root = Map::new();
    copy_referenced(schema, document, &mut root, 0);
    root.insert("allOf".into(), json!([schema]));
    compile_json_schema(&Value::Object(root))
}

/// Copies into `root`, at the same JSON pointer, every value of `document` that `value` reaches by
/// local `$ref`s, and what those reach in turn. A reference already copied is not followed again,
/// so cycles end.
fn copy_referenced(value: &Value, document: &Value, root: &mut Map<String, Value>, depth: usize) {
    // A guard for pathological nesting (each level is a real object of the document).
    if depth > 256 {
        return;
    }
    match value {
        Value::Object(map) => {
            if let Some(pointer) = map
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix('#'))
            {
                if !pointer.is_empty() && !is_present(root, pointer) {
                    if let Some(target) = document.pointer(pointer) {
                        insert_at(root, pointer, target.clone());
                        copy_referenced(target, document, root, depth + 1);
                    }
                }
            }
            for child in map.values() {
                copy_referenced(child, document, root, depth + 1);
            }
        }
        Value::Array(items) => {
            for item in items {
                copy_referenced(item, document, root, depth + 1);
            }
        }
        _ => {}
    }
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

fn is_present(root: &Map<String, Value>, pointer: &str) -> bool {
    let mut segments = pointer.split('/').skip(1).map(unescape);
    let Some(first) = segments.next() else { return false };
    let mut current = match root.get(&first) {
        Some(value) => value,
        None => return false,
    };
    for segment in segments {
        current = match current {
            Value::Object(map) => match map.get(&segment) {
                Some(value) => value,
                None => return false,
            },
            Value::Array(items) => match segment.parse::<usize>().ok().and_then(|i| items.get(i)) {
                Some(value) => value,
                None => return false,
            },
            _ => return false,
        };
    }
    true
}

/// Sets `value` at `pointer` in `root`, creating objects on the way. A pointer through an array
/// index creates an object with that key: a sparse copy, which `$ref` resolution reads the same way.
fn insert_at(root: &mut Map<String, Value>, pointer: &str, value: Value) {
    let segments: Vec<String> = pointer.split('/').skip(1).map(unescape).collect();
    let Some((last, parents)) = segments.split_last() else {
        return;
    };
    let mut current = root;
    for segment in parents {
        let entry = current
            .entry(segment.clone())
            .or_insert_with(|| Value::Object(Map::new()));
        if !entry.is_object() {
            *entry = Value::Object(Map::new());
        }
        current = match entry {
            Value::Object(map) => map,
            // Made an object just above.
            _ => return,
        };
    }
    current.insert(last.clone(), value);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openapi_3_0_nullable_and_boolean_bounds_become_json_schema() {
        let mut schema = json!({"type": "integer", "nullable": true, "minimum": 1, "exclusiveMinimum": true,
                                "maximum": 9, "exclusiveMaximum": false, "enum": [1, 2]});
        openapi_to_json_schema(&mut schema);
        assert_eq!(
            schema,
            json!({"type": ["integer", "null"], "exclusiveMinimum": 1, "maximum": 9, "enum": [1, 2, null]})
        );
    }

    #[test]
    fn a_validator_carries_only_what_its_references_reach_and_survives_cycles() {
        let document = json!({"components": {"schemas": {
            "Node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                                                       "tag": {"$ref": "#/components/schemas/Tag"}}},
            "Tag": {"type": "string", "maxLength": 3},
            "Unused": {"type": "string"}
        }}});
        let validator = compile(&json!({"$ref": "#/components/schemas/Node"}), &document).unwrap();
        assert!(validator.is_valid(&json!({"children": [{"tag": "ab"}]})));
        assert!(!validator.is_valid(&json!({"children": [{"tag": "abcd"}]})));
        let mut root = Map::new();
        copy_referenced(&json!({"$ref": "#/components/schemas/Node"}), &document, &mut root, 0);
        assert!(root["components"]["schemas"].get("Unused").is_none());
    }

    #[test]
    fn a_schema_that_is_not_json_schema_is_an_error_not_a_panic() {
        assert!(compile(&json!({"type": 12}), &json!({})).is_err());
    }
}
