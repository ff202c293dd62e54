//! The records every namespace of an API starts with: from the document's examples (a read's
//! example is one item, a list's example one per element, a create's request and answer examples
//! one item; a singleton's read example its value), then from the fixtures file's section for the
//! API (`resources: {NAME: [records]}`, `singletons: {PATH: value}`), which come after and win.
//! An example that breaks its schema is neither served nor seeded.

use serde_json::Value;

use super::ids;
use crate::spec::resources::{list_field, normalise, request_schema, unwrap, Resource, RoleKind};
use crate::spec::{walk, Document};
use crate::state::records::{Key, Records};

/// A fixtures section of an API of inferred state.
#[derive(Debug, Default, serde::Deserialize)]
#[serde(default)]
pub struct StateFixtures {
    /// Records by resource name.
    pub resources: std::collections::BTreeMap<String, Vec<Value>>,
    /// Singleton values by path (`/users/me`).
    pub singletons: std::collections::BTreeMap<String, Value>,
}

/// The records a namespace of `document` starts with.
pub(crate) fn seed_records(document: &'static Document, fixtures: StateFixtures) -> Result<Records, String> {
    let resources = document.resources();
    let mut records = Records::new(resources.resources.len());
    for (index, operation) in document.table().iter().enumerate() {
        let Some(role) = resources.role(index) else { continue };
        let examples = valid_examples(document, operation.method, operation.template);
        match role.kind {
            RoleKind::Read => {
                for (_, example) in &examples {
                    keep(
                        document,
                        &mut records,
                        role.target,
                        unwrapped(document, operation, example),
                    );
                }
            }
            RoleKind::List => {
                for (schema, example) in &examples {
                    let Some(field) = list_field(document.json(), schema, &resources.resources[role.target].name)
                    else {
                        continue;
                    };
                    let elements = match field {
                        None => example.as_array(),
                        Some(name) => example[name].as_array(),
                    };
                    for element in elements.into_iter().flatten() {
                        keep(document, &mut records, role.target, element.clone());
                    }
                }
            }
            RoleKind::Create => {
                let request = request_example(document, operation.method, operation.template);
                for (_, example) in &examples {
                    let mut record = unwrapped(document, operation, example);
                    if let (Some(fields), Some(Value::Object(sent))) = (record.as_object_mut(), &request) {
                        for (name, value) in sent {
                            fields.insert(name.clone(), value.clone());
                        }
                    }
                    keep(document, &mut records, role.target, record);
                }
            }
            RoleKind::SingletonRead => {
                // The example, else a value generated from the answer's schema: `/users/me` is
                // someone from the start, and 404 only once cleared.
                let value = match examples.first() {
                    Some((_, example)) => Some(unwrapped(document, operation, example)),
                    None => generated_item(document, operation),
                };
                if let Some(value) = value {
                    records.set_singleton(role.target, "", value);
                }
            }
            _ => {}
        }
    }
    for (name, items) in fixtures.resources {
        let Some((at, resource)) = resources.named(&name) else {
            let known: Vec<&str> = resources.resources.iter().map(|r| r.name.as_str()).collect();
            return Err(format!(
                "resources.{name}: {} has no resource `{name}` (it has: {})",
                document.name,
                known.join(", ")
            ));
        };
        for (position, item) in items.into_iter().enumerate() {
            if id_text(resource, &item).is_none() {
                return Err(format!(
                    "resources.{name}[{position}]: no id (the field `{}`)",
                    resource.id.as_ref().and_then(|i| i.field.as_deref()).unwrap_or("?")
                ));
            }
            keep(document, &mut records, at, item);
        }
    }
    for (path, value) in fixtures.singletons {
        let Some(at) = resources.singletons.iter().position(|s| s.path == path) else {
            return Err(format!(
                "singletons.{path}: {} has no singleton at {path}",
                document.name
            ));
        };
        records.set_singleton(at, "", value);
    }
    Ok(records)
}

/// Keeps an item, under the parent values its fields give (else under no scope: any parent).
fn keep(document: &Document, records: &mut Records, at: usize, item: Value) {
    let resource = &document.resources().resources[at];
    let Some(id) = id_text(resource, &item) else { return };
    let scope = parent_values(document, at, &item).unwrap_or_default();
    records.insert(at, Key::new(&scope, &id), item);
}

fn id_text(resource: &Resource, item: &Value) -> Option<String> {
    let field = resource.id.as_ref()?.field.as_ref()?;
    ids::text_of(item.get(field)?)
}

/// The item's parent values, where its fields name every parent variable of some operation.
fn parent_values(document: &Document, at: usize, item: &Value) -> Option<Vec<String>> {
    let resources = document.resources();
    let role = resources
        .roles
        .iter()
        .flatten()
        .find(|r| r.target == at && !r.scope_params.is_empty() && !matches!(r.kind, RoleKind::SingletonRead))?;
    let fields = item.as_object()?;
    role.scope_params
        .iter()
        .map(|param| {
            fields
                .iter()
                .find(|(name, _)| normalise(name) == normalise(param))
                .and_then(|(_, value)| ids::text_of(value))
        })
        .collect()
}

/// A value generated for the item of the operation's answer, checked against it.
fn generated_item(document: &'static Document, operation: &crate::operation::Operation) -> Option<Value> {
    let json = document.json();
    let schema = crate::spec::resources::response_schema(json, operation.template, operation.method)?;
    let generator = crate::spec::generate::Generator {
        document: json,
        direction: crate::spec::generate::Direction::Response,
        now: chrono::Utc::now(),
        use_schema_examples: true,
    };
    let seed = crate::spec::generate::seed_of(&[document.name.as_bytes(), operation.id.as_bytes()]);
    let value = generator.generate(schema, seed);
    Some(unwrapped(document, operation, &value))
}

/// The item in an answer example, its wrapper taken off.
fn unwrapped(document: &Document, operation: &crate::operation::Operation, example: &Value) -> Value {
    let json = document.json();
    let wrapper = crate::spec::resources::response_schema(json, operation.template, operation.method)
        .and_then(|schema| unwrap(json, schema).1);
    match wrapper {
        Some(field) => example.get(field).cloned().unwrap_or(Value::Null),
        None => example.clone(),
    }
}

/// The operation's 2xx JSON answer examples that validate, with their schemas.
fn valid_examples(document: &'static Document, method: &str, template: &str) -> Vec<(&'static Value, Value)> {
    let json: &'static Value = document.json();
    let mut found = Vec::new();
    let responses = &json["paths"][template][method.to_ascii_lowercase()]["responses"];
    for (status, response) in responses.as_object().into_iter().flatten() {
        let Ok(code) = status.parse::<u16>() else { continue };
        if !(200..300).contains(&code) {
            continue;
        }
        let response = walk::resolve(json, response);
        for (media, object) in response["content"].as_object().into_iter().flatten() {
            if !crate::spec::is_json_media(media) {
                continue;
            }
            let object = walk::resolve(json, object);
            let Some(schema) = object.get("schema") else { continue };
            let mut values: Vec<Value> = object.get("example").cloned().into_iter().collect();
            for example in object["examples"].as_object().into_iter().flat_map(|e| e.values()) {
                if let Some(value) = walk::resolve(json, example).get("value") {
                    values.push(value.clone());
                }
            }
            for value in values {
                let valid = document
                    .responses()
                    .check_value_as(method, template, code, Some(media), &value)
                    .is_ok();
                if valid {
                    found.push((schema, value));
                }
            }
        }
    }
    found
}

/// The request body's JSON example, if it has one.
fn request_example(document: &Document, method: &str, template: &str) -> Option<Value> {
    let json = document.json();
    let body = walk::resolve(
        json,
        &json["paths"][template][method.to_ascii_lowercase()]["requestBody"],
    );
    request_schema(json, template, method)?;
    let (_, object) = body["content"]
        .as_object()?
        .iter()
        .find(|(media, _)| crate::spec::is_json_media(media))?;
    let object = walk::resolve(json, object);
    object.get("example").cloned().or_else(|| {
        object["examples"]
            .as_object()?
            .values()
            .find_map(|e| walk::resolve(json, e).get("value").cloned())
    })
}
