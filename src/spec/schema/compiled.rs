//! The validators of one document's schemas for one side of an exchange. Every schema the
//! operations name on that side (parameters and bodies, or answers) is compiled together, once, at
//! the first judgement: one validator whose root holds the document turned into JSON Schema
//! and one entry per schema, so a component reached from a hundred operations is compiled once
//! rather than once for each (Stripe's `error` schema reaches 650 KB of its document; compiled for
//! each of its 452 operations, it cost 5.2 GB). A document whose schemas cannot all be compiled
//! together (one that is not JSON Schema, a `$ref` that leads nowhere) falls back to one validator
//! per schema ([`super::sparse`]), compiled at its first use, as does a schema asked for from
//! outside every operation, and every schema of a document whose schemas share little
//! ([`super::sharing`]).

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, OnceLock};

use jsonschema::Validator;
use percent_encoding::{utf8_percent_encode, AsciiSet, CONTROLS};
use serde_json::{json, Map, Value};

use super::broken::Broken;
use super::sharing;
use super::{compile_json_schema, followed, pointer_segment, prepare, reference_at, sparse, Side};
use crate::spec::walk;

/// Where the document sits in the shared root: under `$defs`, which is compiled only where a
/// `$ref` leads, so the rest of the document costs nothing.
const DOCUMENT_AT: &str = "/$defs/document";

/// One schema's validator: its own, or an entry of the document's shared one.
#[derive(Clone)]
pub(crate) struct SchemaValidator {
    validator: Arc<Validator>,
    /// The entry of the shared root that is this schema; `None` for a validator of its own.
    entry: Option<Arc<str>>,
}

impl SchemaValidator {
    pub(crate) fn is_valid(&self, value: &Value) -> bool {
        self.judged(value, |validator, instance| validator.is_valid(instance))
    }

    /// Every violation, as `message at '/instance/path'`.
    pub(crate) fn errors(&self, value: &Value) -> Vec<String> {
        self.judged(value, |validator, instance| {
            validator
                .iter_errors(instance)
                .map(|error| format!("{error} at '{}'", self.place(&error)))
                .collect()
        })
    }

    /// Every violation, as the place it is at and the properties it names as not allowed.
    pub(crate) fn flaws(&self, value: &Value) -> Vec<crate::spec::generate::repair::Flaw> {
        use jsonschema::error::ValidationErrorKind;
        self.judged(value, |validator, instance| {
            validator
                .iter_errors(instance)
                .map(|error| {
                    let place = self.place(&error);
                    let at = place.split('/').skip(1).map(super::unescape_segment).collect();
                    let unexpected = match error.kind() {
                        ValidationErrorKind::AdditionalProperties { unexpected }
                        | ValidationErrorKind::UnevaluatedProperties { unexpected } => unexpected.clone(),
                        _ => Vec::new(),
                    };
                    crate::spec::generate::repair::Flaw { at, unexpected }
                })
                .collect()
        })
    }

    /// Where in the value judged a violation is: its instance path, less the entry's name that
    /// wraps the value for the shared validator.
    fn place(&self, error: &jsonschema::ValidationError<'_>) -> String {
        let path = error.instance_path().to_string();
        match self.entry.as_deref() {
            Some(entry) => path
                .strip_prefix('/')
                .and_then(|rest| rest.strip_prefix(entry))
                .map_or_else(|| path.clone(), str::to_string),
            None => path,
        }
    }

    /// The first violation's message, without its place.
    pub(crate) fn first_error(&self, value: &Value) -> Option<String> {
        self.judged(value, |validator, instance| {
            validator.iter_errors(instance).next().map(|e| e.to_string())
        })
    }

    /// Runs `judge` on the validator and the instance it takes: the value itself, or, for an entry
    /// of the shared root, an object holding the value under the entry's name (the root's
    /// `properties` judge only the names present, so only this schema is applied).
    fn judged<R>(&self, value: &Value, judge: impl FnOnce(&Validator, &Value) -> R) -> R {
        match &self.entry {
            None => judge(&self.validator, value),
            Some(entry) => {
                let wrapped = Value::Object(Map::from_iter([(entry.to_string(), value.clone())]));
                judge(&self.validator, &wrapped)
            }
        }
    }
}

/// The validators of one document's schemas for one side; see the module's documentation.
pub(crate) struct CompiledSchemas {
    side: Side,
    document: Arc<Value>,
    /// The shared root, compiled at the first judgement; `None` when the document's schemas share
    /// too little to be worth it, or cannot be compiled together.
    shared: OnceLock<Option<Shared>>,
    /// Validators of their own, by the address of the schema they judge (after its lone `$ref`s).
    alone: Mutex<HashMap<usize, Result<Arc<Validator>, String>>>,
    /// Compile the schemas together whatever they share (the tests' small documents share little).
    always_together: bool,
}

struct Shared {
    validator: Arc<Validator>,
    /// A schema's address in the document -> its entry in the root.
    entries: HashMap<usize, Arc<str>>,
}

impl CompiledSchemas {
    pub(crate) fn new(side: Side, document: Arc<Value>) -> Self {
        Self {
            side,
            document,
            shared: OnceLock::new(),
            alone: Mutex::default(),
            always_together: false,
        }
    }

    /// The same, its schemas compiled together even where they share little.
    #[cfg(test)]
    fn together(side: Side, document: Arc<Value>) -> Self {
        Self {
            always_together: true,
            ..Self::new(side, document)
        }
    }

    /// Compiles the document's shared validator now, if it is not yet (a large document's takes
    /// seconds: started beside the server, it is ready before most first requests).
    pub(crate) fn warm(&self) {
        self.shared();
    }

    fn shared(&self) -> Option<&Shared> {
        self.shared
            .get_or_init(|| compile_shared(&self.document, self.side, self.always_together))
            .as_ref()
    }

    /// The validator of `schema`, a value inside the document; the error says why it cannot be made.
    pub(crate) fn of(&self, schema: &Value) -> Result<SchemaValidator, String> {
        let shared = self.shared();
        if let Some(shared) = shared {
            let entry = shared.entries.get(&address(schema)).or_else(|| {
                // A reference to a component schema (an array's items, a property) is judged as
                // the component is.
                shared.entries.get(&address(lone_ref_target(&self.document, schema)))
            });
            if let Some(entry) = entry {
                return Ok(SchemaValidator {
                    validator: shared.validator.clone(),
                    entry: Some(entry.clone()),
                });
            }
        }
        self.alone(schema)
            .map(|validator| SchemaValidator { validator, entry: None })
    }

    /// A validator of its own for `schema`, compiled outside the lock: two first uses at once may
    /// both compile, and one is kept. Keyed by where its lone `$ref`s lead, so the operations that
    /// answer one shared schema share it.
    fn alone(&self, schema: &Value) -> Result<Arc<Validator>, String> {
        let schema = lone_ref_target(&self.document, schema);
        let key = address(schema);
        if let Some(found) = crate::state::locks::lock(&self.alone).get(&key) {
            return found.clone();
        }
        let compiled = sparse::compile_alone(schema, &self.document, self.side).map(Arc::new);
        crate::state::locks::lock(&self.alone)
            .entry(key)
            .or_insert(compiled)
            .clone()
    }
}

fn address(value: &Value) -> usize {
    value as *const Value as usize
}

/// Where `schema`'s lone `$ref`s lead (a few hops at most): `schema` itself when it is more than a
/// reference.
fn lone_ref_target<'d>(document: &'d Value, mut schema: &'d Value) -> &'d Value {
    for _ in 0..8 {
        let target = schema
            .as_object()
            .filter(|object| object.len() == 1)
            .and_then(|object| object.get("$ref"))
            .and_then(Value::as_str)
            .and_then(super::local_pointer)
            .and_then(|pointer| document.pointer(&pointer));
        match target {
            Some(target) => schema = target,
            None => break,
        }
    }
    schema
}

/// How many places the compiler may name as broken, one compilation each, before the document's
/// schemas are judged one by one instead (bad patterns are found beforehand, all at once).
const ATTEMPTS: usize = 8;

/// The root of every schema of `document` that can be compiled, compiled; `None` when it cannot be.
fn compile_shared(document: &Value, side: Side, always: bool) -> Option<Shared> {
    let pointers = schema_pointers(document, side);
    let targets: Vec<&Value> = pointers
        .iter()
        .filter_map(|pointer| document.pointer(pointer))
        .map(|schema| lone_ref_target(document, schema))
        .collect();
    if !always && !sharing::worth_sharing(document, &targets) {
        return None;
    }
    let mut copy = document.clone();
    move_references_under(&mut copy, DOCUMENT_AT);
    prepare(&mut copy, side);
    let mut root = json!({ "$defs": { "document": copy } });
    let mut broken = Broken::of(document);
    for _ in 0..ATTEMPTS {
        let mut entries = HashMap::with_capacity(pointers.len());
        let mut properties = Map::with_capacity(pointers.len());
        for (index, pointer) in pointers.iter().enumerate() {
            let Some(schema) = document.pointer(pointer) else {
                continue;
            };
            if broken.reaches(pointer) {
                continue;
            }
            let entry: Arc<str> = index.to_string().into();
            let reference = format!("#{DOCUMENT_AT}{}", utf8_percent_encode(pointer, FRAGMENT));
            properties.insert(entry.to_string(), json!({ "$ref": reference }));
            entries.entry(address(schema)).or_insert(entry);
        }
        root["properties"] = Value::Object(properties);
        let place = match compile_json_schema(&root) {
            Ok(validator) => {
                return Some(Shared {
                    validator: Arc::new(validator),
                    entries,
                })
            }
            Err((place, _)) => place,
        };
        // The place the compiler stopped at, in the document; or the entry that leads to it.
        let place = match place.strip_prefix(DOCUMENT_AT) {
            Some(place) => place.to_string(),
            None => {
                let entry = place.strip_prefix("/properties/")?.split('/').next()?;
                pointers.get(entry.parse::<usize>().ok()?)?.clone()
            }
        };
        if !broken.add(place) {
            return None;
        }
    }
    None
}

/// What a JSON pointer may hold as a URI fragment unescaped (RFC 3986's `pchar` and `/`).
const FRAGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'[')
    .add(b'\\')
    .add(b']')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}');

/// Every local `$ref` (`#/…`) of `value` made to point as far below the root as `under`.
fn move_references_under(value: &mut Value, under: &str) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(reference)) = map.get_mut("$ref") {
                if let Some(pointer) = reference.strip_prefix('#') {
                    if pointer.is_empty() || pointer.starts_with('/') {
                        *reference = format!("#{under}{pointer}");
                    }
                }
            }
            map.values_mut().for_each(|v| move_references_under(v, under));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| move_references_under(v, under)),
        _ => {}
    }
}

/// The pointer of every schema the operations name on `side` (a request's parameters and bodies, or
/// the answers), through the `$ref`s of those objects, and of every place those schemas' own `$ref`s
/// lead in a few hops (a component answered by several operations is one entry).
fn schema_pointers(document: &Value, side: Side) -> Vec<String> {
    let mut found = Vec::new();
    let mut seen = HashSet::new();
    let mut add = |pointer: String, found: &mut Vec<String>| {
        // The schema, then where its `$ref`s lead.
        let mut pointer = Some(pointer);
        for _ in 0..8 {
            let Some(current) = pointer.take() else { break };
            if document.pointer(&current).is_none() || !seen.insert(current.clone()) {
                break;
            }
            pointer = reference_at(document, &current);
            found.push(current);
        }
    };
    for (path, method, _) in walk::operations(document) {
        let item = format!("/paths/{}", pointer_segment(path));
        let operation = format!("{item}/{method}");
        if side == Side::Request {
            let parameters = [format!("{item}/parameters"), format!("{operation}/parameters")];
            for list in parameters {
                let count = document.pointer(&list).and_then(Value::as_array).map_or(0, Vec::len);
                for index in 0..count {
                    let parameter = followed(document, format!("{list}/{index}"));
                    add(format!("{parameter}/schema"), &mut found);
                    for media in content_of(document, &parameter) {
                        add(format!("{media}/schema"), &mut found);
                    }
                }
            }
            let body = followed(document, format!("{operation}/requestBody"));
            for media in content_of(document, &body) {
                add(format!("{media}/schema"), &mut found);
            }
            continue;
        }
        let responses = format!("{operation}/responses");
        let statuses = document.pointer(&responses).and_then(Value::as_object);
        for status in statuses.into_iter().flatten().map(|(status, _)| status) {
            let response = followed(document, format!("{responses}/{}", pointer_segment(status)));
            for media in content_of(document, &response) {
                add(format!("{media}/schema"), &mut found);
            }
        }
    }
    found
}

/// The pointers of an object's `content` media types, each through its `$ref`.
fn content_of(document: &Value, object: &str) -> Vec<String> {
    let content = format!("{object}/content");
    let media = document.pointer(&content).and_then(Value::as_object);
    media
        .into_iter()
        .flatten()
        .map(|(media, _)| followed(document, format!("{content}/{}", pointer_segment(media))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Arc<Value> {
        Arc::new(json!({"paths": {"/things/{id}": {"get": {
        "parameters": [{"name": "id", "in": "path", "required": true, "schema": {"type": "integer"}}],
        "responses": {
            "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
            "default": {"$ref": "#/components/responses/Error"}
        }}}},
        "components": {
            "schemas": {
                "Thing": {"type": "object", "required": ["id", "secret"], "properties": {
                    "id": {"type": "integer", "readOnly": true},
                    "secret": {"type": "string", "writeOnly": true},
                    "parts": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}},
                "Error": {"type": "object", "required": ["message"], "properties": {"message": {"type": "string"}}}
            },
            "responses": {"Error": {"description": "no", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}}
        }}))
    }

    fn at<'d>(document: &'d Value, pointer: &str) -> &'d Value {
        document.pointer(pointer).unwrap()
    }

    #[test]
    fn every_schema_an_operation_names_is_an_entry_of_one_shared_validator() {
        let document = document();
        let requests = CompiledSchemas::together(Side::Request, document.clone());
        let parameter = requests
            .of(at(&document, "/paths/~1things~1{id}/get/parameters/0/schema"))
            .unwrap();
        assert!(
            parameter.entry.is_some(),
            "a request's parameter is an entry of the request side"
        );
        let schemas = CompiledSchemas::together(Side::Response, document.clone());
        let answer = schemas
            .of(at(
                &document,
                "/paths/~1things~1{id}/get/responses/200/content/application~1json/schema",
            ))
            .unwrap();
        let error = schemas
            .of(at(
                &document,
                "/components/responses/Error/content/application~1json/schema",
            ))
            .unwrap();
        assert!(answer.entry.is_some() && error.entry.is_some());
        // An array's items that refer to a component are judged as the component is.
        let part = schemas
            .of(at(&document, "/components/schemas/Thing/properties/parts/items"))
            .unwrap();
        assert_eq!(
            part.entry,
            schemas.of(at(&document, "/components/schemas/Thing")).unwrap().entry
        );
        assert!(Arc::ptr_eq(&answer.validator, &error.validator));
        assert!(parameter.is_valid(&json!(7)) && !parameter.is_valid(&json!("seven")));
        // A response need not carry the write-only secret; the recursive parts are judged.
        assert!(answer.is_valid(&json!({"id": 1, "parts": [{"id": 2}]})));
        assert_eq!(
            answer.errors(&json!({"id": 1, "parts": [{"id": "two"}]})),
            vec![r#""two" is not of type "integer" at '/parts/0/id'"#]
        );
        assert_eq!(
            error.first_error(&json!({})).as_deref(),
            Some(r#""message" is a required property"#)
        );
    }

    #[test]
    fn a_request_must_carry_what_only_a_response_may_leave_out() {
        let document = document();
        let schemas = CompiledSchemas::together(Side::Request, document.clone());
        let thing = schemas.of(at(&document, "/components/schemas/Thing")).unwrap();
        assert!(thing.is_valid(&json!({"secret": "s"})));
        assert_eq!(
            thing.errors(&json!({})),
            vec![r#""secret" is a required property at ''"#]
        );
    }

    #[test]
    fn a_schema_that_is_not_json_schema_is_judged_alone_and_fails_alone() {
        let document = Arc::new(json!({"paths": {"/a": {"get": {"responses": {
            "200": {"content": {"application/json": {"schema": {"type": "string", "maxLength": 2}}}},
            "400": {"content": {"application/json": {"schema": {"type": 12}}}}
        }}}}}));
        let schemas = CompiledSchemas::together(Side::Response, document.clone());
        let good = schemas
            .of(at(
                &document,
                "/paths/~1a/get/responses/200/content/application~1json/schema",
            ))
            .unwrap();
        assert!(good.entry.is_some());
        assert!(good.is_valid(&json!("ok")) && !good.is_valid(&json!("too long")));
        let bad = at(
            &document,
            "/paths/~1a/get/responses/400/content/application~1json/schema",
        );
        assert!(schemas.of(bad).is_err());
    }

    #[test]
    fn a_pattern_no_validator_can_compile_costs_only_the_schemas_that_reach_it() {
        let document = Arc::new(json!({"paths": {"/a": {"get": {"responses": {
            "200": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Fine"}}}},
            "400": {"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Uses"}}}}
        }}}}, "components": {"schemas": {
            "Fine": {"type": "string", "maxLength": 2},
            "Bad": {"type": "string", "pattern": "[\\p{all}]*"},
            "Odd": {"type": "object", "properties": {"kind": {"type": {"enum": ["a"]}}}},
            "Uses": {"type": "object", "properties": {"bad": {"$ref": "#/components/schemas/Bad"}}}
        }}}));
        let schemas = CompiledSchemas::together(Side::Response, document.clone());
        let fine = schemas.of(at(&document, "/components/schemas/Fine")).unwrap();
        assert!(fine.entry.is_some(), "judged by the shared validator");
        assert!(fine.is_valid(&json!("ok")) && !fine.is_valid(&json!("too long")));
        for unusable in ["Bad", "Uses", "Odd"] {
            assert!(
                schemas
                    .of(at(&document, &format!("/components/schemas/{unusable}")))
                    .is_err(),
                "{unusable}"
            );
        }
    }

    #[test]
    fn a_document_whose_schemas_share_little_has_each_compiled_alone_at_first_use() {
        let document = document();
        let schemas = CompiledSchemas::new(Side::Response, document.clone());
        let answer = schemas
            .of(at(
                &document,
                "/paths/~1things~1{id}/get/responses/200/content/application~1json/schema",
            ))
            .unwrap();
        assert!(answer.entry.is_none());
        assert!(!answer.is_valid(&json!({"id": "one"})));
        let thing = schemas.of(at(&document, "/components/schemas/Thing")).unwrap();
        assert!(
            Arc::ptr_eq(&answer.validator, &thing.validator),
            "a lone `$ref` and its target share one"
        );
    }

    #[test]
    fn a_schema_outside_every_operation_has_a_validator_of_its_own() {
        let document = Arc::new(json!({"x-elsewhere": {"type": "integer"}, "paths": {}}));
        let schemas = CompiledSchemas::together(Side::Response, document.clone());
        let elsewhere = schemas.of(at(&document, "/x-elsewhere")).unwrap();
        assert!(elsewhere.entry.is_none() && elsewhere.is_valid(&json!(3)));
    }
}
