//! Every generated value here is checked by jsonschema (draft 2020-12, formats on) against the
//! schema turned from OpenAPI 3.0 into JSON Schema, as the server's validators see it.

use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, TimeZone, Utc};
use jsonschema::Draft;
use serde_json::{json, Value};

use super::*;

fn now() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 5, 1, 12, 0, 0)
        .single()
        .expect("a valid fixed date")
}

fn generator(document: &Value, direction: Direction) -> Generator<'_> {
    Generator {
        document,
        direction,
        now: now(),
        use_schema_examples: false,
    }
}

/// OpenAPI 3.0 → JSON Schema, as far as these tests need: `nullable` becomes a type array (and a
/// null in `enum`), boolean exclusive bounds become numeric ones, and properties this direction
/// leaves out stop being required (the caller tells its validator the same).
fn to_json_schema(value: &mut Value, left_out: &str) {
    match value {
        Value::Object(map) => {
            if map.remove("nullable") == Some(Value::Bool(true)) {
                if let Some(Value::String(t)) = map.get("type").cloned() {
                    map.insert("type".into(), json!([t, "null"]));
                }
                if let Some(Value::Array(values)) = map.get_mut("enum") {
                    values.push(Value::Null);
                }
            }
            for (flag, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
                match map.get(flag) {
                    Some(Value::Bool(true)) => {
                        if let Some(limit) = map.remove(bound) {
                            map.insert(flag.into(), limit);
                        }
                    }
                    Some(Value::Bool(false)) => {
                        map.remove(flag);
                    }
                    _ => {}
                }
            }
            let dropped: Vec<String> = map
                .get("properties")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
                .filter(|(_, schema)| schema.get(left_out) == Some(&Value::Bool(true)))
                .map(|(name, _)| name.clone())
                .collect();
            if let Some(Value::Array(required)) = map.get_mut("required") {
                required.retain(|name| !dropped.iter().any(|d| Some(d.as_str()) == name.as_str()));
            }
            map.values_mut().for_each(|v| to_json_schema(v, left_out));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| to_json_schema(v, left_out)),
        _ => {}
    }
}

/// A validator for `schema` whose `$ref`s resolve in `document` (both converted).
fn validator(document: &Value, schema: &Value, direction: Direction) -> jsonschema::Validator {
    try_validator(document, schema, direction).unwrap_or_else(|e| panic!("the test schema compiles: {e}"))
}

fn try_validator(document: &Value, schema: &Value, direction: Direction) -> Result<jsonschema::Validator, String> {
    let left_out = match direction {
        Direction::Response => "writeOnly",
        Direction::Request => "readOnly",
    };
    let mut root = document.clone();
    if let Value::Object(map) = &mut root {
        // The document's own keys (`paths`, `info`) are unknown keywords to the validator: ignored,
        // yet there for pointers into them.
        map.insert("allOf".into(), json!([schema]));
    }
    to_json_schema(&mut root, left_out);
    jsonschema::options()
        .with_draft(Draft::Draft202012)
        .should_validate_formats(true)
        .build(&root)
        .map_err(|e| e.to_string())
}

fn errors(validator: &jsonschema::Validator, value: &Value) -> Vec<String> {
    validator
        .iter_errors(value)
        .map(|e| format!("{e} at '{}'", e.instance_path()))
        .collect()
}

/// Generates `schema` with seeds 0..`seeds` and asserts that every value validates; returns them.
fn valid_values(document: &Value, schema: &Value, direction: Direction, seeds: u64) -> Vec<Value> {
    let validator = validator(document, schema, direction);
    let generator = generator(document, direction);
    (0..seeds)
        .map(|seed| {
            let value = generator.generate(schema, seed);
            let errors = errors(&validator, &value);
            assert!(errors.is_empty(), "seed {seed} gave {value} for {schema}: {errors:?}");
            value
        })
        .collect()
}

fn valid(schema: Value) -> Vec<Value> {
    valid_values(&json!({}), &schema, Direction::Response, 40)
}

#[test]
fn refs_resolve_through_any_pointer_with_escapes() {
    let document = json!({
        "components": {"schemas": {
            "a/b": {"type": "object", "required": ["n"], "properties": {"n": {"type": "integer", "minimum": 5}}},
            "Wrapper": {"type": "object", "required": ["inner", "other"], "properties": {
                "inner": {"$ref": "#/components/schemas/a~1b"},
                "other": {"$ref": "#/paths/~1users/get/x-schema"}
            }}
        }},
        "paths": {"/users": {"get": {"x-schema": {"type": "string", "enum": ["found"]}}}, "/{id}": {"get": {"x-schema": 1}}}
    });
    let schema = json!({"$ref": "#/components/schemas/Wrapper"});
    for value in valid_values(&document, &schema, Direction::Response, 20) {
        assert!(value["inner"]["n"].as_i64().is_some_and(|n| n >= 5), "{value}");
        assert_eq!(value["other"], "found");
    }
    // A URI fragment may percent-encode what the pointer holds plainly.
    assert_eq!(
        schema::resolve_ref(&document, "#/paths/~1%7Bid%7D/get/x-schema"),
        Some(&json!(1))
    );
    assert_eq!(
        schema::resolve_ref(&document, "other.yaml#/components/schemas/Wrapper"),
        None
    );
    assert_eq!(
        schema::resolve_ref(&document, "Wrapper"),
        document.pointer("/components/schemas/Wrapper")
    );
}

#[test]
fn recursive_trees_terminate_and_validate() {
    let document = json!({"components": {"schemas": {"Node": {
        "type": "object",
        "required": ["name", "children"],
        "properties": {
            "name": {"type": "string"},
            "parent": {"allOf": [{"$ref": "#/components/schemas/Node"}], "nullable": true},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/Node"}}
        }
    }}}});
    let values = valid_values(
        &document,
        &json!({"$ref": "#/components/schemas/Node"}),
        Direction::Response,
        30,
    );
    assert!(values
        .iter()
        .any(|v| v["children"].as_array().is_some_and(|c| !c.is_empty())));
}

#[test]
fn cycles_refs_to_nowhere_and_endless_requirements_stop() {
    let document = json!({"components": {"schemas": {
        "Loop": {"allOf": [{"$ref": "#/components/schemas/Loop"}], "type": "string"},
        "Self": {"$ref": "#/components/schemas/Self"},
        "Endless": {"type": "object", "required": ["next"], "properties": {"next": {"$ref": "#/components/schemas/Endless"}}},
        "Wide": {"type": "object", "required": ["a", "b"], "properties": {
            "a": {"$ref": "#/components/schemas/Wide"}, "b": {"$ref": "#/components/schemas/Wide"}
        }}
    }}});
    let generator = generator(&document, Direction::Response);
    let started = Instant::now();
    for name in ["Loop", "Self", "Endless", "Wide"] {
        let schema = json!({"$ref": format!("#/components/schemas/{name}")});
        generator.generate(&schema, 1);
    }
    generator.generate(&json!({"$ref": "#/components/schemas/Nowhere"}), 1);
    generator.generate(&json!({"$ref": "other.yaml#/Thing"}), 1);
    assert!(
        started.elapsed() < StdDuration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
    let looped = valid_values(
        &document,
        &json!({"$ref": "#/components/schemas/Loop"}),
        Direction::Response,
        5,
    );
    assert!(looped.iter().all(Value::is_string));
}

#[test]
fn all_of_merges_properties_requirements_and_the_tightest_bounds() {
    let document = json!({"components": {"schemas": {
        "Base": {"type": "object", "required": ["id"], "properties": {
            "id": {"type": "string", "format": "uuid"},
            "size": {"type": "integer", "minimum": 0, "maximum": 100}
        }},
        "Middle": {"allOf": [{"$ref": "#/components/schemas/Base"}, {
            "required": ["size"], "properties": {"size": {"minimum": 40, "maximum": 50}, "label": {"type": "string", "maxLength": 4}}
        }]},
        "Top": {"allOf": [{"$ref": "#/components/schemas/Middle"}, {"properties": {"label": {"minLength": 3}}}]}
    }}});
    let schema = json!({"$ref": "#/components/schemas/Top"});
    for value in valid_values(&document, &schema, Direction::Response, 40) {
        let size = value["size"].as_i64().expect("size is required");
        assert!((40..=50).contains(&size), "{value}");
        assert!(value["id"].is_string());
    }
}

fn pets() -> Value {
    json!({"components": {"schemas": {
        "Pet": {
            "oneOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "petType", "mapping": {"cat": "#/components/schemas/Cat", "dog": "Dog"}}
        },
        "Cat": {"type": "object", "required": ["petType", "hunts"], "properties": {
            "petType": {"type": "string"}, "hunts": {"type": "boolean"}, "name": {"type": "string"}
        }},
        "Dog": {"type": "object", "required": ["petType", "bark"], "properties": {
            "petType": {"type": "string"}, "bark": {"type": "string"}, "name": {"type": "string"}
        }},
        "Animal": {
            "anyOf": [{"$ref": "#/components/schemas/Cat"}, {"$ref": "#/components/schemas/Dog"}],
            "discriminator": {"propertyName": "petType"}
        }
    }}})
}

#[test]
fn discriminated_one_of_names_the_chosen_branch_by_its_mapping_key() {
    let document = pets();
    let values = valid_values(
        &document,
        &json!({"$ref": "#/components/schemas/Pet"}),
        Direction::Response,
        40,
    );
    for value in &values {
        match value["petType"].as_str() {
            Some("cat") => assert!(value["hunts"].is_boolean(), "{value}"),
            Some("dog") => assert!(value["bark"].is_string(), "{value}"),
            other => panic!("petType {other:?} in {value}"),
        }
    }
    assert!(values.iter().any(|v| v["petType"] == "cat") && values.iter().any(|v| v["petType"] == "dog"));
}

#[test]
fn a_discriminator_without_mapping_uses_the_schema_names() {
    let document = pets();
    let values = valid_values(
        &document,
        &json!({"$ref": "#/components/schemas/Animal"}),
        Direction::Response,
        20,
    );
    assert!(
        values.iter().all(|v| v["petType"] == "Cat" || v["petType"] == "Dog"),
        "{values:?}"
    );

    let hierarchy = json!({"components": {"schemas": {
        "Shape": {"type": "object", "required": ["kind"], "properties": {"kind": {"type": "string"}},
                  "discriminator": {"propertyName": "kind", "mapping": {"circle": "#/components/schemas/Circle"}}},
        "Circle": {"allOf": [{"$ref": "#/components/schemas/Shape"}, {"properties": {"radius": {"type": "number"}}}]},
        "Square": {"allOf": [{"$ref": "#/components/schemas/Shape"}, {"properties": {"side": {"type": "number"}}}]}
    }}});
    let circle = valid_values(
        &hierarchy,
        &json!({"$ref": "#/components/schemas/Circle"}),
        Direction::Response,
        5,
    );
    assert!(circle.iter().all(|v| v["kind"] == "circle"), "{circle:?}");
    let square = valid_values(
        &hierarchy,
        &json!({"$ref": "#/components/schemas/Square"}),
        Direction::Response,
        5,
    );
    assert!(square.iter().all(|v| v["kind"] == "Square"), "{square:?}");
}

#[test]
fn one_of_without_discriminator_matches_exactly_one_branch() {
    valid(json!({"oneOf": [{"type": "integer"}, {"type": "number"}]}));
    let document = json!({"components": {"schemas": {
        "Card": {"type": "object", "required": ["number"], "properties": {"number": {"type": "string"}, "brand": {"type": "string"}}},
        "Bank": {"type": "object", "required": ["number", "routing"], "properties": {
            "number": {"type": "string"}, "routing": {"type": "string", "pattern": "^\\d{9}$"}
        }}
    }}});
    let schema = json!({"oneOf": [{"$ref": "#/components/schemas/Card"}, {"$ref": "#/components/schemas/Bank"}]});
    valid_values(&document, &schema, Direction::Response, 40);
    let values = valid(
        json!({"anyOf": [{"type": "string", "maxLength": 5000}, {"type": "object", "properties": {"id": {"type": "string"}}}]}),
    );
    assert!(values.iter().any(Value::is_string) && values.iter().any(Value::is_object));
}

#[test]
fn nullable_and_type_arrays_prefer_the_non_null_type() {
    for schema in [
        json!({"type": "string", "nullable": true}),
        json!({"type": ["string", "null"]}),
        json!({"type": ["null", "integer"]}),
        json!({"anyOf": [{"type": "null"}, {"type": "object", "properties": {"a": {"type": "string"}}}]}),
        json!({"oneOf": [{"type": "boolean"}, {"type": "null"}]}),
        json!({"type": "string", "enum": ["a", "b"], "nullable": true}),
    ] {
        assert!(valid(schema.clone()).iter().all(|v| !v.is_null()), "{schema}");
    }
    assert!(valid(json!({"type": "null"})).iter().all(Value::is_null));
}

#[test]
fn const_and_enum_values_are_chosen_by_seed() {
    assert!(valid(json!({"const": {"fixed": [1, 2]}}))
        .iter()
        .all(|v| *v == json!({"fixed": [1, 2]})));
    let values = valid(json!({"type": "string", "enum": ["red", "green", "blue", "cyan", "plum"]}));
    let distinct: std::collections::BTreeSet<String> = values.iter().map(Value::to_string).collect();
    assert!(distinct.len() >= 3, "{distinct:?}");
    valid(
        json!({"allOf": [{"enum": ["a", "b", "c"]}, {"enum": ["c", "b"]}, {"not": {"const": "b"}}], "type": "string"}),
    )
    .iter()
    .for_each(|v| assert_eq!(v, "c"));
    valid(json!({"type": "integer", "enum": [1, 2.5, "x", 3]}));
}

#[test]
fn strings_respect_lengths_and_ecmascript_patterns() {
    for schema in [
        json!({"type": "string", "minLength": 30}),
        json!({"type": "string", "maxLength": 2}),
        json!({"type": "string", "minLength": 5, "maxLength": 5}),
        json!({"type": "string", "pattern": "^[A-Z]{3}-\\d{4}$"}),
        json!({"type": "string", "pattern": "^\\+?[1-9]\\d{1,14}$"}),
        json!({"type": "string", "pattern": "[a-z]+", "minLength": 12}),
        json!({"type": "string", "pattern": "^(?:[a-z0-9-]+\\.)+[a-z]{2,}$"}),
        json!({"type": "string", "pattern": "^sk_(test|live)_[A-Za-z0-9]{24}$"}),
        json!({"type": "string", "pattern": "^\\w+$", "maxLength": 6}),
        json!({"type": "string", "pattern": "^\\/api\\/v\\d$"}),
        json!({"type": "string", "pattern": "^[^\\s@]+@[^\\s@]+$"}),
        json!({"type": "string", "pattern": "^[a-f0-9]{8}-[a-f0-9]{4}-4[a-f0-9]{3}-[89ab][a-f0-9]{3}-[a-f0-9]{12}$", "format": "uuid"}),
        json!({"type": "string", "pattern": "^(?<year>\\d{4})-(?<month>0[1-9]|1[0-2])$"}),
        json!({"type": "string", "pattern": "^[[a-z]+$"}),
        // Look-arounds (AWS's host names and ids): drawn without them, checked with them.
        json!({"type": "string", "pattern": "^(((?!-)[A-Za-z0-9-]{0,62}[A-Za-z0-9])\\.)+((?!-)[A-Za-z0-9-]{1,62}[A-Za-z0-9])(\\.)?$"}),
        json!({"type": "string", "pattern": "^(?=.*[a-z])(?=.*\\d)[a-z0-9(]{8,16}$"}),
        json!({"type": "string", "pattern": "^(?<!x)(?!arn:)[a-z]+(?<=[a-z])$"}),
        json!({"allOf": [{"type": "string", "pattern": "^[a-z0-9]+$"}, {"pattern": "\\d"}, {"maxLength": 10}]}),
    ] {
        valid(schema);
    }
}

#[test]
fn absurd_patterns_and_lengths_fall_back_without_hanging() {
    let generator = generator(&Value::Null, Direction::Response);
    let started = Instant::now();
    for schema in [
        json!({"type": "string", "pattern": "a{100000000}"}),
        json!({"type": "string", "pattern": "("}),
        json!({"type": "string", "pattern": "^(?=.*[A-Z])(?=.*\\d).{8,}$"}),
        json!({"type": "string", "pattern": "^(a)\\1$"}),
        json!({"type": "string", "minLength": 1_000_000_000_000u64}),
        json!({"type": "string", "minLength": 10, "maxLength": 3}),
        json!({"type": "string", "pattern": "^x$", "minLength": 4}),
    ] {
        assert!(generator.generate(&schema, 3).is_string(), "{schema}");
    }
    assert!(
        started.elapsed() < StdDuration::from_secs(5),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn formats_give_valid_values_and_times_near_now() {
    for format in [
        "uuid",
        "date-time",
        "date",
        "time",
        "email",
        "uri",
        "url",
        "uri-reference",
        "hostname",
        "ipv4",
        "ipv6",
        "byte",
        "password",
        "binary",
        "duration",
        "json-pointer",
        "idn-email",
        "iri",
        "uri-template",
        "made-up",
    ] {
        valid(json!({"type": "string", "format": format}));
    }
    valid(json!({"type": "string", "format": "byte", "minLength": 10, "maxLength": 16}));
    for value in valid(json!({"type": "string", "format": "date-time"})) {
        let moment = DateTime::parse_from_rfc3339(value.as_str().unwrap_or_default()).expect("RFC 3339");
        let age = now() - moment.with_timezone(&Utc);
        assert!(
            age >= chrono::Duration::zero() && age <= chrono::Duration::days(30),
            "{value}"
        );
        assert!(value.as_str().is_some_and(|s| s.ends_with('Z')), "{value}");
    }
    for format in ["int32", "int64"] {
        valid(json!({"type": "integer", "format": format}));
    }
    for format in ["float", "double"] {
        valid(json!({"type": "number", "format": format}));
    }
}

#[test]
fn numbers_respect_bounds_in_both_exclusive_forms_and_steps() {
    for schema in [
        json!({"type": "integer", "minimum": 10, "maximum": 20}),
        json!({"type": "integer", "minimum": 10, "exclusiveMinimum": true, "maximum": 11}),
        json!({"type": "integer", "exclusiveMinimum": 0, "exclusiveMaximum": 2}),
        json!({"type": "number", "minimum": 0, "maximum": 1, "exclusiveMaximum": true}),
        json!({"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 0.001}),
        json!({"type": "number", "multipleOf": 0.01, "minimum": 0.5, "maximum": 99.99}),
        json!({"type": "number", "multipleOf": 0.1}),
        json!({"type": "integer", "multipleOf": 7, "minimum": 10, "maximum": 20}),
        json!({"type": "integer", "multipleOf": 0.5}),
        json!({"allOf": [{"type": "integer", "multipleOf": 4}, {"multipleOf": 6}]}),
        json!({"type": "integer", "maximum": -5}),
        json!({"type": "integer", "minimum": 3_000_000_000u64, "format": "int64"}),
        json!({"type": "number", "minimum": 1e20}),
        json!({"type": "integer", "minimum": -1000000, "maximum": 1000000}),
        json!({"allOf": [{"type": "number"}, {"type": "integer"}]}),
    ] {
        valid(schema);
    }
    let prices = valid(json!({"type": "number", "multipleOf": 0.01, "minimum": 1}));
    assert!(
        prices
            .iter()
            .all(|p| p.to_string().split('.').nth(1).is_none_or(|d| d.len() <= 2)),
        "{prices:?}"
    );
}

#[test]
fn arrays_respect_counts_uniqueness_and_tuples() {
    for schema in [
        json!({"type": "array", "items": {"type": "integer"}, "minItems": 3, "maxItems": 4}),
        json!({"type": "array", "items": {"type": "string"}, "maxItems": 0}),
        json!({"type": "array", "items": {"enum": ["a", "b", "c"]}, "uniqueItems": true, "minItems": 3}),
        json!({"type": "array", "items": {"type": "boolean"}, "uniqueItems": true, "minItems": 2}),
        json!({"type": "array"}),
        json!({"type": "array", "minItems": 2}),
        json!({"type": "array", "prefixItems": [{"type": "integer"}, {"type": "string", "format": "date"}], "items": false}),
    ] {
        valid(schema);
    }
    let tuple = valid(json!({"type": "array", "prefixItems": [{"type": "integer"}, {"const": "x"}], "minItems": 2}));
    assert!(tuple.iter().all(|t| t[0].is_i64() && t[1] == "x"), "{tuple:?}");
    // Two values for three unique items cannot be; the generator stops rather than loops.
    let generator = generator(&Value::Null, Direction::Response);
    let schema = json!({"type": "array", "items": {"enum": [1, 2]}, "uniqueItems": true, "minItems": 3});
    assert_eq!(generator.generate(&schema, 0).as_array().map(Vec::len), Some(3));
}

#[test]
fn objects_leave_out_properties_by_direction_and_bound_their_size() {
    let schema = json!({"type": "object", "required": ["id", "password"], "properties": {
        "id": {"type": "string", "readOnly": true},
        "password": {"type": "string", "writeOnly": true},
        "name": {"type": "string"}
    }});
    for value in valid_values(&json!({}), &schema, Direction::Response, 10) {
        assert!(value.get("password").is_none() && value.get("id").is_some(), "{value}");
    }
    for value in valid_values(&json!({}), &schema, Direction::Request, 10) {
        assert!(value.get("id").is_none() && value.get("password").is_some(), "{value}");
    }
    for schema in [
        json!({"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": false}),
        json!({"type": "object", "additionalProperties": {"type": "integer", "minimum": 1}}),
        json!({"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 4}),
        json!({"type": "object", "minProperties": 2}),
        json!({"type": "object", "properties": {"a": {}, "b": {}, "c": {}}, "maxProperties": 1}),
        json!({"type": "object", "properties": {"a": {}, "b": {}}, "required": ["z"], "minProperties": 3}),
        json!({"properties": {"n": {"type": "integer"}}, "required": ["n"]}),
    ] {
        valid(schema);
    }
    let maps = valid(json!({"type": "object", "additionalProperties": {"type": "string"}}));
    assert!(
        maps.iter()
            .all(|m| m.as_object().is_some_and(|o| (1..=2).contains(&o.len()))),
        "{maps:?}"
    );
}

#[test]
fn schemas_without_type_are_inferred_from_their_keywords() {
    assert!(valid(json!({"properties": {"a": {"type": "string"}}}))
        .iter()
        .all(Value::is_object));
    assert!(valid(json!({"items": {"type": "integer"}})).iter().all(Value::is_array));
    assert!(valid(json!({"minLength": 3})).iter().all(Value::is_string));
    assert!(valid(json!({"format": "date"})).iter().all(Value::is_string));
    assert!(valid(json!({"minimum": 5})).iter().all(Value::is_number));
    assert!(valid(json!({})).iter().all(Value::is_string));
}

#[test]
fn well_known_names_get_plausible_values_within_the_schema() {
    let schema = json!({"type": "object", "required": ["id", "email", "name", "created_at", "createdAt", "created", "code"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "email": {"type": "string"},
        "name": {"type": "string"},
        "created_at": {"type": "string"},
        "createdAt": {"type": "integer"},
        "created": {"type": "integer", "format": "int64"},
        "code": {"type": "string", "maxLength": 3}
    }});
    for value in valid(schema) {
        assert!(
            uuid::Uuid::try_parse(value["id"].as_str().unwrap_or_default()).is_ok(),
            "{value}"
        );
        assert!(value["email"].as_str().is_some_and(|e| e.contains('@')), "{value}");
        assert!(
            DateTime::parse_from_rfc3339(value["created_at"].as_str().unwrap_or_default()).is_ok(),
            "{value}"
        );
        let created = value["created"].as_i64().unwrap_or_default();
        assert!(
            created <= now().timestamp() && created >= now().timestamp() - 31 * 24 * 3600,
            "{value}"
        );
    }
}

#[test]
fn schema_examples_are_used_only_where_they_validate_and_when_asked() {
    let document = json!({});
    let schema = json!({"type": "object", "properties": {
        "good": {"type": "string", "example": "from the spec"},
        "bad": {"type": "integer", "maximum": 3, "example": 10},
        "list": {"type": "array", "items": {"type": "string"}, "examples": [["x", "y"]]},
        "fallback": {"type": "string", "format": "date", "default": "2020-01-01", "example": "not a date"}
    }});
    let realistic = Generator {
        document: &document,
        direction: Direction::Response,
        now: now(),
        use_schema_examples: true,
    };
    let value = realistic.generate(&schema, 1);
    assert_eq!(value["good"], "from the spec");
    assert!(value["bad"].as_i64().is_some_and(|n| n <= 3), "{value}");
    assert_eq!(value["list"], json!(["x", "y"]));
    assert_eq!(value["fallback"], "2020-01-01");
    let dynamic = generator(&document, Direction::Response).generate(&schema, 1);
    assert_ne!(dynamic["good"], "from the spec");
    // Examples that break a format the validator checks are left for generated values.
    let formats = json!({"type": "object", "required": ["wait", "at", "shape", "link", "when"], "properties": {
        "wait": {"type": "string", "format": "duration", "example": "3 days"},
        "at": {"type": "string", "format": "json-pointer", "example": "a/b"},
        "shape": {"type": "string", "format": "regex", "example": "(unclosed"},
        "link": {"type": "string", "format": "uri-template", "example": "https://x/{id"},
        "when": {"type": "string", "format": "date-time", "example": "2024-05-01 12:00"}
    }});
    let value = realistic.generate(&formats, 1);
    assert_eq!(
        errors(&validator(&document, &formats, Direction::Response), &value),
        Vec::<String>::new()
    );
}

fn shop() -> Value {
    json!({"components": {"schemas": {
        "Money": {"type": "object", "required": ["amount", "currency"], "properties": {
            "amount": {"type": "number", "multipleOf": 0.01, "minimum": 0},
            "currency": {"type": "string", "enum": ["usd", "eur", "gbp"]}
        }},
        "Customer": {"type": "object", "required": ["id", "object"], "properties": {
            "id": {"type": "string", "pattern": "^cus_[A-Za-z0-9]{14}$"},
            "object": {"type": "string", "enum": ["customer"]},
            "email": {"type": "string", "format": "email", "nullable": true},
            "metadata": {"type": "object", "additionalProperties": {"type": "string", "maxLength": 500}},
            "tags": {"type": "array", "items": {"type": "string"}, "uniqueItems": true}
        }},
        "Order": {"allOf": [{"$ref": "#/components/schemas/Money"}, {"type": "object", "required": ["id", "customer", "lines"], "properties": {
            "id": {"type": "string", "format": "uuid"},
            "customer": {"anyOf": [{"type": "string", "maxLength": 5000}, {"$ref": "#/components/schemas/Customer"}]},
            "lines": {"type": "array", "minItems": 1, "items": {"type": "object", "required": ["sku", "quantity"], "properties": {
                "sku": {"type": "string"}, "quantity": {"type": "integer", "minimum": 1, "maximum": 99},
                "price": {"$ref": "#/components/schemas/Money"}
            }}},
            "status": {"type": "string", "enum": ["open", "paid", "void"]},
            "created": {"type": "integer", "format": "unix-time"},
            "note": {"type": "string", "nullable": true}
        }}]}
    }}})
}

#[test]
fn the_same_seed_gives_the_same_bytes_and_another_seed_another_value() {
    let document = shop();
    let schema = json!({"$ref": "#/components/schemas/Order"});
    let values = valid_values(&document, &schema, Direction::Response, 30);
    let generator = generator(&document, Direction::Response);
    let again = serde_json::to_string(&generator.generate(&schema, 7)).unwrap_or_default();
    assert_eq!(serde_json::to_string(&values[7]).unwrap_or_default(), again);
    assert_ne!(values[7], values[8]);
    let distinct: std::collections::BTreeSet<String> = values.iter().map(Value::to_string).collect();
    assert_eq!(distinct.len(), values.len());
}

#[test]
fn seeds_and_values_are_pinned_across_releases() {
    // Pinned: a change here changes every generated body of every user (FNV-1a, SplitMix64 key
    // expansion, ChaCha8's stream, rand_regex's sampling), so it must be deliberate.
    assert_eq!(seed_of(&[]), 0xcbf2_9ce4_8422_2325);
    assert_eq!(seed_of(&[b"a"]), 0x529a_4ddc_8ff5_6bbf);
    assert_eq!(seed_of(&[b"dynamic", b"getSession", b"200"]), 0x38c2_0c29_bd92_1420);
    assert_ne!(seed_of(&[b"ab", b"c"]), seed_of(&[b"a", b"bc"]));
    let schema = json!({"type": "object", "required": ["id", "code", "at", "n", "price"], "properties": {
        "id": {"type": "string", "format": "uuid"},
        "code": {"type": "string", "pattern": "^[A-Z]{3}-\\d{4}$"},
        "at": {"type": "string", "format": "date-time"},
        "n": {"type": "integer", "minimum": 1, "maximum": 100},
        "price": {"type": "number", "multipleOf": 0.01},
        "tags": {"type": "array", "items": {"type": "string"}}
    }});
    let pinned = json!({
        "at": "2024-04-25T17:57:00Z", "code": "SCP-9973", "id": "dbb02d07-9365-42ec-bbbc-5140b60347cc",
        "n": 57, "price": 421.23, "tags": ["cedar", "juniper harbor"]
    });
    assert_eq!(generator(&json!({}), Direction::Response).generate(&schema, 42), pinned);
}

#[test]
fn malformed_schemas_never_panic() {
    let document = json!({"components": {"schemas": {"X": 5}}});
    let generator = generator(&document, Direction::Request);
    for schema in [
        json!(5),
        json!("string"),
        json!(null),
        json!(false),
        json!(true),
        json!({"type": 5}),
        json!({"type": "unknown"}),
        json!({"type": ["string", "integer"], "allOf": [{"type": "boolean"}]}),
        json!({"minLength": -1, "maxLength": "x", "type": "string"}),
        json!({"type": "integer", "minimum": 10, "maximum": 1}),
        json!({"type": "number", "multipleOf": 0}),
        json!({"type": "number", "multipleOf": -1}),
        json!({"type": "number", "multipleOf": 1e-30, "minimum": 0.5}),
        json!({"type": "integer", "minimum": 1e300}),
        json!({"enum": []}),
        json!({"oneOf": []}),
        json!({"oneOf": [5, "x"]}),
        json!({"type": "array", "items": 3, "minItems": 1_000_000_000_000u64}),
        json!({"type": "object", "required": "x", "properties": []}),
        json!({"$ref": 5}),
        json!({"$ref": "#/components/schemas/X"}),
        json!({"discriminator": {"propertyName": "k", "mapping": {"a": 5}}, "oneOf": [{"$ref": "#/nowhere"}]}),
        json!({"type": "string", "format": "byte", "maxLength": 1}),
    ] {
        generator.generate(&schema, 11);
    }
}

/// A random schema-like value: keywords with plausible and absurd arguments, nested.
fn random_schema(rng: &mut ChaCha8Rng, depth: usize) -> Value {
    let below = |rng: &mut ChaCha8Rng, n: u64| rng.next_u64() % n;
    if depth > 4 || below(rng, 5) == 0 {
        let leaves = [
            json!({"type": "string"}),
            json!({"$ref": "#/components/schemas/A"}),
            json!({"$ref": "#/components/schemas/B"}),
            json!({"$ref": "#/nowhere"}),
            json!({"type": "integer", "minimum": 3, "maximum": 1}),
            json!({"enum": [1, "a", null]}),
            json!(true),
            json!(false),
            json!({"type": ["null", "number"], "multipleOf": 0.3}),
            json!({"pattern": "^[a-c]{2,}\\d$", "maxLength": 2}),
        ];
        return leaves[below(rng, leaves.len() as u64) as usize].clone();
    }
    let mut map = serde_json::Map::new();
    for _ in 0..1 + below(rng, 4) {
        let child = random_schema(rng, depth + 1);
        let (key, value) = match below(rng, 12) {
            0 => ("allOf", json!([child, random_schema(rng, depth + 1)])),
            1 => ("oneOf", json!([child, random_schema(rng, depth + 1)])),
            2 => ("anyOf", json!([child])),
            3 => ("items", child),
            4 => ("properties", json!({"p": child, "q": random_schema(rng, depth + 1)})),
            5 => ("required", json!(["p", "q", "r"])),
            6 => ("additionalProperties", child),
            7 => ("not", child),
            8 => ("minItems", json!(below(rng, 4))),
            9 => ("uniqueItems", json!(true)),
            10 => (
                "discriminator",
                json!({"propertyName": "p", "mapping": {"x": "#/components/schemas/A"}}),
            ),
            _ => (
                "type",
                json!(["object", "array", "string", "integer"][below(rng, 4) as usize]),
            ),
        };
        map.insert(key.into(), value);
    }
    Value::Object(map)
}

#[test]
fn random_schemas_never_panic_nor_hang() {
    let mut rng = ChaCha8Rng::from_seed([7; 32]);
    let a = random_schema(&mut rng, 0);
    let b = random_schema(&mut rng, 0);
    let document = json!({"components": {"schemas": {"A": a, "B": b}}});
    let generator = generator(&document, Direction::Response);
    let started = Instant::now();
    for seed in 0..500 {
        let schema = random_schema(&mut rng, 0);
        generator.generate(&schema, seed);
    }
    assert!(
        started.elapsed() < StdDuration::from_secs(20),
        "took {:?}",
        started.elapsed()
    );
}

#[test]
fn large_documents_generate_fast_and_bounded() {
    // 60 schemas of 30 properties, each pointing at the next two: a deep, wide graph.
    let mut schemas = serde_json::Map::new();
    for i in 0..60 {
        let mut properties = serde_json::Map::new();
        for p in 0..28 {
            properties.insert(format!("field_{p}"), json!({"type": "string", "maxLength": 40}));
        }
        properties.insert(
            "next".into(),
            json!({"$ref": format!("#/components/schemas/S{}", (i + 1) % 60)}),
        );
        properties.insert(
            "more".into(),
            json!({"type": "array", "items": {"$ref": format!("#/components/schemas/S{}", (i + 2) % 60)}}),
        );
        schemas.insert(format!("S{i}"), json!({"type": "object", "properties": properties}));
    }
    let document = json!({"components": {"schemas": schemas}});
    let schema = json!({"$ref": "#/components/schemas/S0"});
    let generator = generator(&document, Direction::Response);
    let started = Instant::now();
    let value = generator.generate(&schema, 5);
    let elapsed = started.elapsed();
    let size = serde_json::to_string(&value).map(|s| s.len()).unwrap_or_default();
    assert!(size < 64 * 1024, "{size} bytes");
    assert!(elapsed < StdDuration::from_millis(500), "took {elapsed:?}");
    valid_values(&document, &schema, Direction::Response, 3);
}

/// Every JSON response (and request) body schema of `document`, generated with a few seeds and
/// validated; returns the failures as text.
fn document_failures(document: &Value, seeds: u64) -> (usize, Vec<String>) {
    let mut bodies = Vec::new();
    for (path, item) in document["paths"].as_object().into_iter().flatten() {
        for (method, operation) in item.as_object().into_iter().flatten() {
            let resolve = |v: &'_ Value| {
                v.get("$ref")
                    .and_then(Value::as_str)
                    .and_then(|r| schema::resolve_ref(document, r))
                    .cloned()
                    .unwrap_or(v.clone())
            };
            for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                for (media, content) in resolve(response)["content"].as_object().into_iter().flatten() {
                    if media.contains("json") && content.get("schema").is_some() {
                        let at = format!("{method} {path} {status} {media}");
                        bodies.push((at, content["schema"].clone(), Direction::Response));
                    }
                }
            }
            let body = resolve(&operation["requestBody"]);
            for (media, content) in body["content"].as_object().into_iter().flatten() {
                if media.contains("json") && content.get("schema").is_some() {
                    bodies.push((
                        format!("{method} {path} request {media}"),
                        content["schema"].clone(),
                        Direction::Request,
                    ));
                }
            }
        }
    }
    for name in document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .map(|(n, _)| n)
    {
        let schema = json!({"$ref": format!("#/components/schemas/{}", name.replace('~', "~0").replace('/', "~1"))});
        bodies.push((format!("schema {name}"), schema.clone(), Direction::Response));
        bodies.push((format!("schema {name} as a request"), schema, Direction::Request));
    }
    let mut failures = Vec::new();
    for (at, schema, direction) in &bodies {
        // A document whose refs lead nowhere cannot be validated: nothing to measure there.
        let Ok(validator) = try_validator(document, schema, *direction) else {
            continue;
        };
        let mut generator = generator(document, *direction);
        for seed in 0..seeds {
            // Realistic bodies (schema examples used) and dynamic ones, by turns.
            generator.use_schema_examples = seed % 2 == 0;
            let value = generator.generate(schema, seed);
            let errors = errors(&validator, &value);
            if !errors.is_empty() {
                let mut text = errors.join("; ");
                text.truncate(400);
                failures.push(format!("{at} seed {seed}: {text}"));
                break;
            }
        }
    }
    (bodies.len(), failures)
}

#[test]
fn every_body_of_the_embedded_documents_validates() {
    let directory = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("specs");
    let mut checked = 0;
    for entry in std::fs::read_dir(&directory).into_iter().flatten().flatten() {
        let path = entry.path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let document: Value = match path.extension().and_then(|e| e.to_str()) {
            Some("yaml") => serde_yaml::from_str(&text).unwrap_or(Value::Null),
            Some("json") => serde_json::from_str(&text).unwrap_or(Value::Null),
            _ => continue,
        };
        if document.get("paths").is_none() {
            continue;
        }
        let (bodies, failures) = document_failures(&document, 5);
        assert!(failures.is_empty(), "{}: {failures:#?}", path.display());
        checked += bodies;
    }
    assert!(checked > 0, "no body schema found under {}", directory.display());
}

/// Public OpenAPI documents (Stripe, Twilio, Slack, …) are not vendored; point
/// `UNDERSTUDY_OPENAPI_CORPUS` at a folder of them and run with `--ignored` to measure.
#[test]
#[ignore = "needs UNDERSTUDY_OPENAPI_CORPUS"]
fn every_body_of_a_corpus_validates() {
    let Ok(directory) = std::env::var("UNDERSTUDY_OPENAPI_CORPUS") else {
        return;
    };
    let mut report = Vec::new();
    let mut all_failures = 0;
    for entry in std::fs::read_dir(&directory).into_iter().flatten().flatten() {
        let path = entry.path();
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let document: Value = match path.extension().and_then(|e| e.to_str()) {
            Some("yaml") => serde_yaml::from_str(&text).unwrap_or(Value::Null),
            Some("json") => serde_json::from_str(&text).unwrap_or(Value::Null),
            _ => continue,
        };
        if !document["openapi"].as_str().is_some_and(|v| v.starts_with('3')) {
            continue;
        }
        // The document as written (3.0), and in 3.1's dialect (type arrays, numeric exclusive bounds).
        let mut in_3_1 = document.clone();
        to_json_schema(&mut in_3_1, "");
        for (dialect, document) in [("3.0", &document), ("3.1", &in_3_1)] {
            let started = Instant::now();
            let (bodies, failures) = document_failures(document, 3);
            let elapsed = started.elapsed();
            report.push(format!(
                "{} as {dialect}: {bodies} bodies, {} failing, {elapsed:?}",
                path.display(),
                failures.len()
            ));
            for failure in failures.iter().take(10) {
                report.push(format!("  {failure}"));
            }
            all_failures += failures.len();
        }
    }
    println!("{}", report.join("\n"));
    assert_eq!(all_failures, 0);
}

#[test]
fn map_keys_meet_property_names() {
    let values = valid(
        json!({"type": "object", "propertyNames": {"pattern": "^[A-Z0-9-]{3,32}$"},
                              "additionalProperties": {"type": "integer"}}),
    );
    assert!(values.iter().any(|v| v.as_object().is_some_and(|o| !o.is_empty())));
}

#[test]
fn date_times_take_the_spelling_their_length_bounds_allow() {
    for (min, max) in [(25, 25), (24, 24), (29, 40), (20, 20)] {
        let values = valid(json!({"type": "string", "format": "date-time", "minLength": min, "maxLength": max}));
        assert!(values
            .iter()
            .all(|v| v.as_str().is_some_and(|s| (min..=max).contains(&s.len()))));
    }
}

#[test]
fn a_pattern_with_exact_length_bounds_is_drawn_at_that_length() {
    let values = valid(json!({"type": "string", "pattern": "^[0-9]+$", "minLength": 12, "maxLength": 12}));
    assert!(values.iter().all(|v| v.as_str().is_some_and(|s| s.len() == 12)));
}
