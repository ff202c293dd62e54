//! What a large document costs: an OpenAPI 3.0 document of 400 operations is generated at run time
//! (50 resources, each with list, create, get, replace, update, delete, an archive action and a
//! history list; `$ref`'d component schemas, parameters and responses; examples on every fifth
//! resource) into a temporary directory. Understudy serves it alone (`--no-vendors`), and then a tiny
//! document (tests/documents/pets-crud-3.0.yaml), turn about: the time from spawning it to its
//! startup line, and its resident memory once started; then, for the large document, its memory
//! once every operation has been sent one valid request (each operation's request rules are
//! compiled at its first request), resource by resource along its lifecycle (create first, delete
//! last), so that each request meets the record it needs. Every one of those answers must be 2xx.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};

use crate::client;
use crate::support::Process;

/// How many resources the document has; each has [`OPERATIONS_PER_RESOURCE`] operations.
const RESOURCES: usize = 50;
const OPERATIONS_PER_RESOURCE: usize = 8;
/// How many times each document is loaded (the median is reported).
const LOADS: usize = 5;
/// The credential the document's security asks for (any value is accepted).
const KEY: &str = "bench-key";

/// What the load measured. Times in milliseconds, memory in MB.
pub struct LoadFigures {
    pub operations: usize,
    pub document_kb: f64,
    pub loads: usize,
    pub tiny_ms: f64,
    pub large_ms: f64,
    pub tiny_rss: f64,
    pub large_rss: f64,
    pub large_rss_after: f64,
    /// Of which anonymous (heap) and file-backed (the executable's pages), MB, for both documents.
    pub tiny_anon: f64,
    pub tiny_file: f64,
    pub large_anon_after: f64,
    pub large_file_after: f64,
    /// Answers to the requests to every operation that were not 2xx.
    pub unexpected: u64,
}

pub fn measure() -> LoadFigures {
    let dir = std::env::temp_dir().join(format!("understudy-perf-load-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let large = dir.join("large-3.0.yaml");
    let document = large_document();
    let text = serde_yaml::to_string(&document).expect("the document as YAML");
    std::fs::write(&large, &text).expect("the large document");
    let tiny = PathBuf::from(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/documents/pets-crud-3.0.yaml"
    ));

    let (mut tiny_ms, mut large_ms, mut tiny_rss, mut large_rss) = (vec![], vec![], vec![], vec![]);
    let (mut tiny_anon, mut tiny_file) = (vec![], vec![]);
    let mut last = None;
    for _ in 0..LOADS {
        let (elapsed, rss, process) = started(&tiny);
        tiny_ms.push(elapsed);
        tiny_rss.push(rss);
        tiny_anon.push(status(&process, "RssAnon:"));
        tiny_file.push(status(&process, "RssFile:"));
        drop(process);
        let (elapsed, rss, process) = started(&large);
        large_ms.push(elapsed);
        large_rss.push(rss);
        last = Some(process);
    }
    let process = last.expect("at least one load");
    let unexpected = every_operation(&document, &process.url("api"));
    std::thread::sleep(Duration::from_millis(100));
    let large_rss_after = process.rss_mb();
    let large_anon_after = status(&process, "RssAnon:");
    let large_file_after = status(&process, "RssFile:");
    drop(process);
    let _ = std::fs::remove_dir_all(&dir);
    LoadFigures {
        operations: operations(&document),
        document_kb: text.len() as f64 / 1024.0,
        loads: LOADS,
        tiny_ms: median(tiny_ms),
        large_ms: median(large_ms),
        tiny_rss: median(tiny_rss),
        large_rss: median(large_rss),
        large_rss_after,
        tiny_anon: median(tiny_anon),
        tiny_file: median(tiny_file),
        large_anon_after,
        large_file_after,
        unexpected,
    }
}

/// Writes the large document to `path` (`perf --write-large-document PATH`).
pub fn write(path: &str) {
    let text = serde_yaml::to_string(&large_document()).expect("the document as YAML");
    std::fs::write(path, text).expect("the large document");
}

/// Starts Understudy serving `document` alone: milliseconds from spawning it to its startup line,
/// its resident memory once started (MB), and the process.
fn started(document: &Path) -> (f64, f64, Process) {
    let spec = format!("api={}", document.display());
    let begun = Instant::now();
    let process = Process::start(&["--no-vendors", "--ephemeral-ports", "--spec", &spec]);
    let elapsed = begun.elapsed().as_secs_f64() * 1000.0;
    // Let the runtime's threads settle before memory is read, alike for both documents.
    std::thread::sleep(Duration::from_millis(100));
    let rss = process.rss_mb();
    (elapsed, rss, process)
}

fn status(process: &Process, field: &str) -> f64 {
    crate::support::status_mb(process.pid(), field).unwrap_or(0.0)
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(|a, b| a.total_cmp(b));
    values[values.len() / 2]
}

/// One valid request to every operation of `document`, served at `base`, resource by resource in the
/// order of a lifecycle (list, create, read, replace, update, archive, history, delete), each on the
/// record its create made: how many answers were not 2xx (the first few are printed).
fn every_operation(document: &Value, base: &str) -> u64 {
    let mut unexpected = 0;
    let mut fail = |what: String| {
        unexpected += 1;
        if unexpected <= 5 {
            eprintln!("perf: large document, {what}");
        }
    };
    for resource in resources(document) {
        let mut id = String::new();
        for (method, path, body) in lifecycle(&resource) {
            let path = path.replace("{id}", &id);
            let answer = client::send(
                &method,
                &format!("{base}{path}"),
                &[("X-API-Key", KEY)],
                body.as_deref(),
            );
            match answer {
                Ok(a) if (200..300).contains(&a.status) => {
                    if method == "POST" && !path.ends_with("/archive") {
                        id = a.json()["id"].as_str().unwrap_or_default().to_string();
                    }
                }
                Ok(a) => fail(format!("{method} {path}: expected 2xx, got {}", a.describe())),
                Err(e) => fail(format!("{method} {path}: {e}")),
            }
        }
    }
    unexpected
}

/// The resources of the large document: the first segment of its paths.
fn resources(document: &Value) -> Vec<String> {
    let mut names: Vec<String> = document["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .filter_map(|(template, _)| template.trim_start_matches('/').split('/').next())
        .map(str::to_string)
        .collect();
    names.dedup();
    names
}

/// A resource's operations as valid requests in the order of its lifecycle: method, path (with
/// `{id}` for the record the create made, and a query) and body.
fn lifecycle(resource: &str) -> Vec<(String, String, Option<String>)> {
    let item = format!("/{resource}/{{id}}");
    let input = Some(input_example(resource).to_string());
    let request = |method: &str, path: String, body: Option<String>| (method.to_string(), path, body);
    vec![
        request("GET", format!("/{resource}?limit=10"), None),
        request("POST", format!("/{resource}"), input.clone()),
        request("GET", item.clone(), None),
        request("PUT", item.clone(), input),
        request("PATCH", item.clone(), Some(r#"{"name":"Renamed"}"#.to_string())),
        request("POST", format!("{item}/archive"), None),
        request("GET", format!("{item}/history?limit=10"), None),
        request("DELETE", item, None),
    ]
}

/// How many operations the document has.
fn operations(document: &Value) -> usize {
    document["paths"]
        .as_object()
        .into_iter()
        .flatten()
        .flat_map(|(_, item)| item.as_object().into_iter().flatten())
        .filter(|(method, _)| ["get", "put", "post", "patch", "delete"].contains(&method.as_str()))
        .count()
}

/// A valid request body for a resource's create and replace.
fn input_example(resource: &str) -> Value {
    json!({
        "name": format!("A {resource}"),
        "status": "active",
        "quantity": 3,
        "price": 12.5,
        "enabled": true,
        "tags": ["blue", "large"],
        "owner": {"name": "Ada Lovelace", "email": "ada@example.com"},
        "address": {"line1": "1 Main Street", "city": "Springfield", "country": "US"},
        "notes": null,
        "attributes": {"colour": "blue"}
    })
}

/// A stored resource, as its examples show it.
fn resource_example(resource: &str, number: usize) -> Value {
    let mut example = input_example(resource);
    example["id"] = json!(format!("r{number:02}_example1"));
    example["createdAt"] = json!("2026-11-24T04:00:00Z");
    example["updatedAt"] = Value::Null;
    example
}

/// The large document: [`RESOURCES`] resources of [`OPERATIONS_PER_RESOURCE`] operations each.
fn large_document() -> Value {
    let mut paths = Map::new();
    let mut schemas = Map::new();
    let mut parameters = Map::new();
    let error_ref = |name: &str| json!({"$ref": format!("#/components/responses/{name}")});
    let schema_ref = |name: &str| json!({"$ref": format!("#/components/schemas/{name}")});
    for number in 0..RESOURCES {
        let resource = format!("resource{number:02}");
        let type_name = format!("Resource{number:02}");
        let id_param = format!("{type_name}Id");
        let id_pattern = format!("^r{number:02}_[a-z0-9]{{8}}$");
        let with_examples = number % 5 == 0;
        let input_properties = json!({
            "name": {"type": "string", "minLength": 1, "maxLength": 80},
            "status": {"type": "string", "enum": ["active", "paused", "retired"]},
            "quantity": {"type": "integer", "minimum": 0, "maximum": 10000},
            "price": {"type": "number", "minimum": 0, "maximum": 100000},
            "enabled": {"type": "boolean"},
            "tags": {"type": "array", "maxItems": 10, "items": {"type": "string", "maxLength": 20}},
            "owner": schema_ref("Contact"),
            "address": schema_ref("Address"),
            "notes": {"type": "string", "nullable": true, "maxLength": 500},
            "attributes": {"type": "object", "maxProperties": 10, "additionalProperties": {"type": "string", "maxLength": 40}},
        });
        let mut properties = input_properties.clone();
        properties["id"] = json!({"type": "string", "pattern": id_pattern, "readOnly": true});
        properties["createdAt"] = json!({"type": "string", "format": "date-time", "readOnly": true});
        properties["updatedAt"] = json!({"type": "string", "format": "date-time", "readOnly": true, "nullable": true});
        schemas.insert(
            type_name.clone(),
            json!({"type": "object", "required": ["id", "name", "status", "createdAt"], "properties": properties}),
        );
        schemas.insert(
            format!("{type_name}Input"),
            json!({"type": "object", "required": ["name", "status"], "properties": input_properties}),
        );
        schemas.insert(
            format!("{type_name}Patch"),
            json!({"type": "object", "minProperties": 1, "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 80},
                "status": {"type": "string", "enum": ["active", "paused", "retired"]},
                "quantity": {"type": "integer", "minimum": 0, "maximum": 10000},
                "tags": {"type": "array", "maxItems": 10, "items": {"type": "string", "maxLength": 20}},
            }}),
        );
        schemas.insert(
            format!("{type_name}Page"),
            json!({"type": "object", "required": ["items", "nextCursor"], "properties": {
                "items": {"type": "array", "maxItems": 3, "items": schema_ref(&type_name)},
                "nextCursor": {"type": "string", "nullable": true},
            }}),
        );
        parameters.insert(
            id_param.clone(),
            json!({"name": format!("{resource}Id"), "in": "path", "required": true,
                   "schema": {"type": "string", "pattern": id_pattern}}),
        );
        let one = |description: &str| {
            let mut media = json!({"schema": schema_ref(&type_name)});
            if with_examples {
                media["example"] = resource_example(&resource, number);
            }
            json!({"description": description, "content": {"application/json": media}})
        };
        let body =
            |schema: &str| json!({"required": true, "content": {"application/json": {"schema": schema_ref(schema)}}});
        let mut page = json!({"schema": schema_ref(&format!("{type_name}Page"))});
        if with_examples {
            page["example"] = json!({"items": [resource_example(&resource, number)], "nextCursor": null});
        }
        paths.insert(
            format!("/{resource}"),
            json!({
                "get": {
                    "operationId": format!("list{type_name}"),
                    "tags": [resource],
                    "parameters": [{"$ref": "#/components/parameters/Limit"}, {"$ref": "#/components/parameters/Cursor"}],
                    "responses": {
                        "200": {"description": "A page", "content": {"application/json": page}},
                        "400": error_ref("BadRequest"), "401": error_ref("Unauthorized"),
                    },
                },
                "post": {
                    "operationId": format!("create{type_name}"),
                    "tags": [resource],
                    "requestBody": body(&format!("{type_name}Input")),
                    "responses": {
                        "201": one("Created"),
                        "400": error_ref("BadRequest"), "401": error_ref("Unauthorized"),
                        "422": error_ref("Unprocessable"),
                    },
                },
            }),
        );
        let by_id = json!([{"$ref": format!("#/components/parameters/{id_param}")}]);
        paths.insert(
            format!("/{resource}/{{{resource}Id}}"),
            json!({
                "parameters": by_id.clone(),
                "get": {
                    "operationId": format!("get{type_name}"),
                    "tags": [resource],
                    "responses": {"200": one("The resource"), "401": error_ref("Unauthorized"), "404": error_ref("NotFound")},
                },
                "put": {
                    "operationId": format!("replace{type_name}"),
                    "tags": [resource],
                    "requestBody": body(&format!("{type_name}Input")),
                    "responses": {
                        "200": one("Replaced"), "401": error_ref("Unauthorized"),
                        "404": error_ref("NotFound"), "422": error_ref("Unprocessable"),
                    },
                },
                "patch": {
                    "operationId": format!("update{type_name}"),
                    "tags": [resource],
                    "requestBody": body(&format!("{type_name}Patch")),
                    "responses": {
                        "200": one("Updated"), "401": error_ref("Unauthorized"),
                        "404": error_ref("NotFound"), "422": error_ref("Unprocessable"),
                    },
                },
                "delete": {
                    "operationId": format!("delete{type_name}"),
                    "tags": [resource],
                    "responses": {"204": {"description": "Deleted"}, "401": error_ref("Unauthorized"), "404": error_ref("NotFound")},
                },
            }),
        );
        paths.insert(
            format!("/{resource}/{{{resource}Id}}/archive"),
            json!({
                "parameters": by_id.clone(),
                "post": {
                    "operationId": format!("archive{type_name}"),
                    "tags": [resource],
                    "responses": {"200": one("Archived"), "401": error_ref("Unauthorized"), "404": error_ref("NotFound")},
                },
            }),
        );
        paths.insert(
            format!("/{resource}/{{{resource}Id}}/history"),
            json!({
                "parameters": by_id.clone(),
                "get": {
                    "operationId": format!("history{type_name}"),
                    "tags": [resource],
                    "parameters": [{"$ref": "#/components/parameters/Limit"}],
                    "responses": {
                        "200": {"description": "Changes, newest first", "content": {"application/json": {"schema": {
                            "type": "array", "maxItems": 3, "items": schema_ref("Change"),
                        }}}},
                        "401": error_ref("Unauthorized"), "404": error_ref("NotFound"),
                    },
                },
            }),
        );
    }
    schemas.insert(
        "Contact".into(),
        json!({"type": "object", "required": ["name", "email"], "properties": {
            "name": {"type": "string", "minLength": 1, "maxLength": 80},
            "email": {"type": "string", "format": "email"},
            "phone": {"type": "string", "nullable": true, "pattern": "^\\+[0-9]{7,15}$"},
        }}),
    );
    schemas.insert(
        "Address".into(),
        json!({"type": "object", "required": ["line1", "city", "country"], "properties": {
            "line1": {"type": "string", "maxLength": 100},
            "line2": {"type": "string", "nullable": true, "maxLength": 100},
            "city": {"type": "string", "maxLength": 60},
            "postalCode": {"type": "string", "maxLength": 12},
            "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
        }}),
    );
    schemas.insert(
        "Change".into(),
        json!({"type": "object", "required": ["at", "field"], "properties": {
            "at": {"type": "string", "format": "date-time"},
            "field": {"type": "string", "maxLength": 40},
            "by": schema_ref("Contact"),
        }}),
    );
    schemas.insert(
        "Error".into(),
        json!({"type": "object", "required": ["error"], "properties": {"error": {
            "type": "object", "required": ["code", "message"], "properties": {
                "code": {"type": "string", "enum": ["bad_request", "unauthorized", "not_found", "unprocessable"]},
                "message": {"type": "string"},
            },
        }}}),
    );
    parameters.insert(
        "Limit".into(),
        json!({"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 20}}),
    );
    parameters.insert(
        "Cursor".into(),
        json!({"name": "cursor", "in": "query", "schema": {"type": "string", "maxLength": 64}}),
    );
    let error = |description: &str| json!({"description": description, "content": {"application/json": {"schema": schema_ref("Error")}}});
    json!({
        "openapi": "3.0.3",
        "info": {"title": "Benchmark Large API", "version": "1.0.0",
                 "description": format!("{RESOURCES} resources × {OPERATIONS_PER_RESOURCE} operations, generated by benches/perf/load.rs.")},
        "servers": [{"url": "https://api.example.com/v1"}],
        "security": [{"apiKey": []}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "parameters": parameters,
            "responses": {
                "BadRequest": error("Malformed request"),
                "Unauthorized": error("Missing API key"),
                "NotFound": error("No such resource"),
                "Unprocessable": error("Well-formed but invalid"),
            },
            "securitySchemes": {"apiKey": {"type": "apiKey", "in": "header", "name": "X-API-Key"}},
        },
    })
}
