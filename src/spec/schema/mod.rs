//! OpenAPI schemas as JSON Schema: the conversion of OpenAPI 3.0's dialect (`nullable`, boolean
//! `exclusiveMinimum`/`exclusiveMaximum`) into draft 2020-12, what a validator does not need taken
//! out, and (in [`compiled`]) the validators of a document's schemas.

mod broken;
mod compiled;
mod sharing;
mod sparse;

pub(crate) use compiled::{CompiledSchemas, SchemaValidator};

use jsonschema::{Draft, Validator};
use serde_json::{json, Value};

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

/// Turns a copy of (part of) a document into the JSON Schema its validator compiles: OpenAPI 3.0's
/// dialect rewritten, the requirements `side` does not carry dropped, and the annotations no
/// validator reads (descriptions, examples, `x-` extensions…) removed, so they are neither
/// compiled nor kept.
pub(crate) fn prepare(root: &mut Value, side: Side) {
    strip_annotations(root, false);
    openapi_to_json_schema(root);
    drop_one_sided_requirements(root, side);
    strip_annotations(root, true);
}

/// Keywords that only annotate: a validator ignores them but would keep a copy of each.
const ANNOTATIONS: [&str; 10] = [
    "description",
    "title",
    "example",
    "examples",
    "externalDocs",
    "default",
    "deprecated",
    "xml",
    "$comment",
    "discriminator",
];

/// Removes the [`ANNOTATIONS`] and `x-` extensions (and, with `access_flags`, `readOnly` and
/// `writeOnly`) from every object of `value` that may be a schema. The names in a map of names
/// (`properties`, `$defs`, a document's `schemas`…) are kept, and literal values (`enum`, `const`)
/// are left as they are.
fn strip_annotations(value: &mut Value, access_flags: bool) {
    match value {
        Value::Object(map) => {
            map.retain(|key, _| {
                !(ANNOTATIONS.contains(&key.as_str())
                    || key.starts_with("x-")
                    || (access_flags && (key == "readOnly" || key == "writeOnly")))
            });
            for (key, child) in map.iter_mut() {
                match key.as_str() {
                    "enum" | "const" => {}
                    _ if NAME_MAPS.contains(&key.as_str()) => match child {
                        Value::Object(names) => names.values_mut().for_each(|v| strip_annotations(v, access_flags)),
                        other => strip_annotations(other, access_flags),
                    },
                    _ => strip_annotations(child, access_flags),
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|v| strip_annotations(v, access_flags)),
        _ => {}
    }
}

/// Keys whose value maps names (any name, `description` included) to schemas or objects.
const NAME_MAPS: [&str; 12] = [
    "properties",
    "patternProperties",
    "$defs",
    "definitions",
    "dependentSchemas",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "content",
    "paths",
];

/// The JSON pointer a local `$ref` names (`#/components/…`, percent-encoded as a URI fragment may
/// be: `%7Bid%7D` for `{id}`); `None` for a reference to another document.
pub(crate) fn local_pointer(reference: &str) -> Option<std::borrow::Cow<'_, str>> {
    let fragment = reference.strip_prefix('#')?;
    percent_encoding::percent_decode_str(fragment).decode_utf8().ok()
}

/// A JSON pointer's segment for `text` (`~` and `/` escaped).
pub(crate) fn pointer_segment(text: &str) -> String {
    text.replace('~', "~0").replace('/', "~1")
}

/// The text a JSON pointer's segment spells (`~1` and `~0` undone).
fn unescape_segment(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

/// `pointer`, or where the `$ref`s of the objects at it lead in the document (a few hops at most).
pub(crate) fn followed(document: &Value, mut pointer: String) -> String {
    for _ in 0..8 {
        match reference_at(document, &pointer) {
            Some(target) => pointer = target,
            None => break,
        }
    }
    pointer
}

/// Where the `$ref` of the object at `pointer` leads, if it leads somewhere in the document.
fn reference_at(document: &Value, pointer: &str) -> Option<String> {
    let target = local_pointer(document.pointer(pointer)?.get("$ref")?.as_str()?)?;
    document.pointer(&target).is_some().then(|| target.into_owned())
}

/// A validator for a JSON Schema root as it stands; the error names the place in the root that
/// stopped the compiler, then says what is wrong there.
fn compile_json_schema(root: &Value) -> Result<Validator, (String, String)> {
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .build(root)
        .map_err(|e| {
            (
                e.instance_path().to_string(),
                format!("the schema cannot be compiled: {e}"),
            )
        })
}

/// Whether `schema` compiles on its own.
fn compiles(schema: &Value) -> bool {
    compile_json_schema(schema).is_ok()
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
    fn annotations_go_and_names_and_literals_stay() {
        let mut schema = json!({"type": "object", "description": "a thing", "x-internal": true,
            "properties": {"description": {"type": "string", "example": "x", "readOnly": true},
                           "title": {"enum": [{"description": "kept"}]}},
            "required": ["description"]});
        prepare(&mut schema, Side::Request);
        assert_eq!(
            schema,
            json!({"type": "object", "properties": {"description": {"type": "string"},
                   "title": {"enum": [{"description": "kept"}]}}, "required": []})
        );
    }
}
