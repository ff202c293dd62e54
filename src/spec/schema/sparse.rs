//! One schema compiled on its own: a root holding the schema and a sparse copy of the document with
//! only the values its `$ref`s reach, transitively. The fallback for a document whose schemas
//! cannot all be compiled together, and for a schema asked for from outside every operation.

use jsonschema::Validator;
use serde_json::{json, Map, Value};

use super::{compile_json_schema, prepare, unescape_segment, Side};

/// A validator for `schema` (a schema of the OpenAPI `document`, as written), judging `side` of an
/// exchange. Only the sparse copy is turned into JSON Schema: a large document is never copied
/// whole. Fails, with the reason, on a schema that is not valid JSON Schema.
pub(super) fn compile_alone(schema: &Value, document: &Value, side: Side) -> Result<Validator, String> {
    let mut root = Map::new();
    copy_referenced(schema, document, &mut root, 0);
    root.insert("allOf".into(), json!([schema]));
    let mut root = Value::Object(root);
    prepare(&mut root, side);
    compile_json_schema(&root).map_err(|(_, why)| why)
}

/// Copies into `root`, at the same JSON pointer, every value of `document` that `value` reaches by
/// local `$ref`s, and what those reach in turn. A reference already copied is not followed again,
/// so cycles end.
pub(super) fn copy_referenced(value: &Value, document: &Value, root: &mut Map<String, Value>, depth: usize) {
    // A guard for pathological nesting (each level is a real object of the document).
    if depth > 256 {
        return;
    }
    match value {
        Value::Object(map) => {
            // A fragment may percent-encode what the pointer holds (`%7Bid%7D` for `{id}`).
            let pointer = map.get("$ref").and_then(Value::as_str).and_then(super::local_pointer);
            if let Some(pointer) = pointer {
                // Through an array (`…/allOf/0`), the whole array is copied: a sparse array would
                // be an object, which is not what `allOf` or `parameters` hold.
                let pointer = through_array(document, &pointer).unwrap_or(&pointer);
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

/// The part of `pointer` that leads to the first array on its way, if it passes through one.
fn through_array<'p>(document: &Value, pointer: &'p str) -> Option<&'p str> {
    let mut current = document;
    let mut end = 0;
    for segment in pointer.split('/').skip(1) {
        if current.is_array() {
            return Some(&pointer[..end]);
        }
        current = match current {
            Value::Object(map) => map.get(&unescape_segment(segment))?,
            _ => return None,
        };
        end += 1 + segment.len();
    }
    None
}

fn is_present(root: &Map<String, Value>, pointer: &str) -> bool {
    let mut segments = pointer.split('/').skip(1).map(unescape_segment);
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
    let segments: Vec<String> = pointer.split('/').skip(1).map(unescape_segment).collect();
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
    fn a_validator_carries_only_what_its_references_reach_and_survives_cycles() {
        let document = json!({"components": {"schemas": {
            "Node": {"type": "object", "properties": {"children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}},
                                                       "tag": {"$ref": "#/components/schemas/Tag"}}},
            "Tag": {"type": "string", "maxLength": 3},
            "Unused": {"type": "string"}
        }}});
        let validator =
            compile_alone(&json!({"$ref": "#/components/schemas/Node"}), &document, Side::Response).unwrap();
        assert!(validator.is_valid(&json!({"children": [{"tag": "ab"}]})));
        assert!(!validator.is_valid(&json!({"children": [{"tag": "abcd"}]})));
        let mut root = Map::new();
        copy_referenced(&json!({"$ref": "#/components/schemas/Node"}), &document, &mut root, 0);
        assert!(root["components"]["schemas"].get("Unused").is_none());
    }

    #[test]
    fn references_percent_encoded_or_through_arrays_are_copied_whole() {
        let document = json!({"paths": {"/apps/{id}": {"get": {"responses": {"200": {"content": {
            "application/json": {"schema": {"allOf": [{"type": "object", "required": ["a"]}]}}}}}}}}});
        let into_array =
            json!({"$ref": "#/paths/~1apps~1%7Bid%7D/get/responses/200/content/application~1json/schema/allOf/0"});
        let validator = compile_alone(&into_array, &document, Side::Response).unwrap();
        assert!(validator.is_valid(&json!({"a": 1})));
        assert!(!validator.is_valid(&json!({})));
    }

    #[test]
    fn a_schema_that_is_not_json_schema_is_an_error_not_a_panic() {
        assert!(compile_alone(&json!({"type": 12}), &json!({}), Side::Request).is_err());
    }
}
