//! Checks a request against the document's request side: its security (a credential where the
//! document asks for one), its path, query and header parameters (with their `style` and `explode`),
//! and its body (present where required, absent where none is documented, of a documented
//! Content-Type, valid against the schema: JSON, form-urlencoded, multipart field presence). The
//! verdict lists every violation with its kind, so that a refusal can pick the status the document
//! gives for it. Undeclared query parameters are not judged: OpenAPI does not forbid them. An
//! operation's rules are compiled at its first request, each schema once for every operation that
//! uses it. A body refused lately is refused again from memory (`super::refused`).

use http::HeaderMap;
use serde_json::{Map, Value};

use super::schema::{CompiledSchemas, SchemaValidator, Side};
use super::walk;

/// What the spec asks of one operation's requests.
struct Rules {
    /// Alternatives: one must be met. An empty alternative (`{}`) lets anonymous requests in.
    security: Vec<Vec<Scheme>>,
    parameters: Vec<Parameter>,
    body: Option<BodyRule>,
    /// Every header the rules above read, so that a request can be kept to be judged later with
    /// only these (see `crate::state::journaled_request`).
    reads: Vec<http::HeaderName>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Scheme {
    /// `http` with a scheme: `Authorization: <scheme> <credentials>`.
    Http(String),
    ApiKeyHeader(String),
    ApiKeyQuery(String),
    ApiKeyCookie(String),
    /// A scheme this checker cannot see in a request (OAuth flows, OpenID): a bearer token is taken
    /// as meeting it.
    Token,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Location {
    /// The parameter is this `/`-separated segment of the path (counted in the template).
    Path(usize),
    Query,
    Header,
}

struct Parameter {
    name: String,
    location: Location,
    required: bool,
    /// An array parameter: its values are split (`explode`ed into repeats, or by the style's
    /// delimiter) before they are judged.
    array: Option<ArrayStyle>,
    schema: Option<SchemaValidator>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ArrayStyle {
    /// `?tag=a&tag=b` (form, explode: the default for query parameters).
    Repeated,
    /// One value split by this delimiter (`,` form/simple, ` ` spaceDelimited, `|` pipeDelimited).
    Delimited(char),
}

struct BodyRule {
    required: bool,
    media_types: Vec<String>,
    /// Each media type's validator (JSON, form, multipart) where it has a schema.
    schemas: Vec<(String, SchemaValidator)>,
    /// The schemas as written, for reading form fields by their declared types (`Null` for JSON).
    raw_schemas: Vec<(String, Value)>,
    /// The bodies refused lately, with their verdicts.
    refused: super::refused::RefusedBodies,
}

/// How a request leaves the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViolationKind {
    /// Missing or unusable credentials where security is declared.
    Security,
    /// A Content-Type the operation does not take.
    MediaType,
    /// A parameter missing or of the wrong form.
    Parameter,
    /// A body missing, unexpected or invalid.
    Body,
}

/// One way a request leaves the document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    pub kind: ViolationKind,
    /// Where: `header`, `query.limit`, `path.petId`, `body/name`…
    pub location: String,
    pub message: String,
}

impl std::fmt::Display for Violation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

/// The request rules of every operation, keyed by (method, path template), compiled at first use.
pub struct RequestRules {
    /// The document, shared with its `Document` (each rule turns only what it reaches into JSON Schema).
    document: std::sync::Arc<Value>,
    /// template -> method -> its entry: looked up by the request's `&str`s, allocating nothing.
    operations: super::OperationTable<Rules>,
    /// The validators of its parameters and bodies: the operations that take one `$ref`'d
    /// parameter or body share its validator.
    validators: CompiledSchemas,
}

/// A request as the checker needs it.
pub struct RequestParts<'a> {
    pub method: &'a str,
    /// The spec's path template, and the request's path under the base path.
    pub template: &'a str,
    pub path: &'a str,
    pub query: Option<&'a str>,
    pub headers: &'a HeaderMap,
    pub body: &'a [u8],
    /// The body already parsed as JSON, when the caller has it and it is JSON: not parsed again.
    pub json: Option<&'a Value>,
}

impl RequestRules {
    pub(crate) fn from_document(document: impl Into<std::sync::Arc<Value>>) -> Self {
        let document: std::sync::Arc<Value> = document.into();
        let operations = super::operation_table(&document);
        Self {
            validators: CompiledSchemas::new(Side::Request, document.clone()),
            document,
            operations,
        }
    }

    /// Compiles the validators of every parameter and body now rather than at the first request.
    pub(crate) fn warm(&self) {
        self.validators.warm();
    }

    fn rules(&self, method: &str, template: &str) -> Option<&Rules> {
        let cell = self.operations.get(template)?.get(method)?;
        Some(cell.get_or_init(|| {
            compile_rules(&self.document, method, template, &|schema| {
                self.validators.of(schema).ok()
            })
        }))
    }

    /// The headers the rules of an operation read (none for an operation the document lacks).
    pub fn headers_read(&self, method: &str, template: &str) -> &[http::HeaderName] {
        self.rules(method, template).map_or(&[], |rules| &rules.reads)
    }

    /// Checks one request; the error says the first way it leaves the spec.
    pub fn check(&self, request: &RequestParts<'_>) -> Result<(), String> {
        match self.judge(request).into_iter().next() {
            None => Ok(()),
            Some(violation) => Err(violation.message),
        }
    }

    /// Every way one request leaves the spec (security first: without credentials, nothing else is
    /// worth reporting).
    pub fn judge(&self, request: &RequestParts<'_>) -> Vec<Violation> {
        let Some(rules) = self.rules(request.method, request.template) else {
            return vec![Violation {
                kind: ViolationKind::Parameter,
                location: "operation".into(),
                message: "the spec has no such operation".into(),
            }];
        };
        if let Err(message) = check_security(&rules.security, request) {
            return vec![Violation {
                kind: ViolationKind::Security,
                location: "security".into(),
                message,
            }];
        }
        let mut violations: Vec<Violation> = rules
            .parameters
            .iter()
            .filter_map(|parameter| check_parameter(parameter, request).err())
            .collect();
        violations.extend(check_body(rules.body.as_ref(), request));
        violations
    }
}

fn compile_rules(
    document: &Value,
    method: &str,
    path: &str,
    compile: &dyn Fn(&Value) -> Option<SchemaValidator>,
) -> Rules {
    let converted = document;
    let item = &converted["paths"][path];
    let operation = &item[method.to_lowercase()];
    let default_security = converted.get("security");
    let schemes = &converted["components"]["securitySchemes"];
    let security = operation.get("security").or(default_security);
    let mut parameters: Vec<Parameter> = Vec::new();
    let declared = item["parameters"].as_array().into_iter().flatten();
    for parameter in declared.chain(operation["parameters"].as_array().into_iter().flatten()) {
        let parameter = walk::resolve(converted, parameter);
        let name = parameter["name"].as_str().unwrap_or_default().to_string();
        let location = match parameter["in"].as_str() {
            Some("path") => match path_segment(path, &name) {
                Some(segment) => Location::Path(segment),
                // The template has no whole segment for it (`{id}.json`), or no place at all: the
                // router has checked its presence; its value is not judged here.
                None => continue,
            },
            Some("query") => Location::Query,
            Some("header") => {
                // Accept, Content-Type and Authorization are described elsewhere in OpenAPI, and
                // ignored when declared as parameters.
                if ["accept", "content-type", "authorization"].contains(&name.to_ascii_lowercase().as_str()) {
                    continue;
                }
                Location::Header
            }
            _ => continue,
        };
        let schema = parameter
            .get("schema")
            .or_else(|| {
                // `content` instead of `schema`: the media type's schema (the value is judged as text).
                parameter["content"].as_object()?.values().next()?.get("schema")
            })
            .map(|s| walk::resolve(converted, s));
        let array = schema
            .filter(|s| s["type"] == "array" || s["type"].as_array().is_some_and(|t| t.contains(&"array".into())))
            .map(|_| {
                let style = parameter["style"].as_str();
                let explode = parameter["explode"]
                    .as_bool()
                    .unwrap_or(matches!(location, Location::Query) && style.is_none_or(|s| s == "form"));
                match (style, explode) {
                    (Some("spaceDelimited"), _) => ArrayStyle::Delimited(' '),
                    (Some("pipeDelimited"), _) => ArrayStyle::Delimited('|'),
                    (_, true) if matches!(location, Location::Query) => ArrayStyle::Repeated,
                    _ => ArrayStyle::Delimited(','),
                }
            });
        parameters.retain(|p| !(p.name == name && p.location == location));
        parameters.push(Parameter {
            name,
            location,
            required: parameter["required"]
                .as_bool()
                .unwrap_or(matches!(location, Location::Path(_))),
            array,
            schema: schema.and_then(compile),
        });
    }
    let body = operation.get("requestBody").map(|body| {
        let body = walk::resolve(converted, body);
        let content = body["content"].as_object();
        let media_types: Vec<String> = content
            .into_iter()
            .flatten()
            .map(|(m, _)| m.to_ascii_lowercase())
            .collect();
        let resolved: Vec<(String, &Value)> = content
            .into_iter()
            .flatten()
            .filter_map(|(m, media)| Some((m.to_ascii_lowercase(), walk::resolve(converted, media.get("schema")?))))
            .collect();
        BodyRule {
            required: body["required"].as_bool().unwrap_or(false),
            media_types,
            schemas: resolved
                .iter()
                .filter_map(|(m, schema)| Some((m.clone(), compile(schema)?)))
                .collect(),
            // Read only for forms and multipart bodies: a JSON body's is not kept twice.
            raw_schemas: resolved
                .into_iter()
                .map(|(m, schema)| {
                    let kept = match super::validate::is_json_media(&m) {
                        true => Value::Null,
                        false => schema.clone(),
                    };
                    (m, kept)
                })
                .collect(),
            refused: Default::default(),
        }
    });
    let security = security_alternatives(security, schemes);
    let reads = headers_read(&security, &parameters, body.is_some());
    Rules {
        security,
        parameters,
        body,
        reads,
    }
}

/// The headers that security, header parameters and a body rule read (`Content-Type`).
fn headers_read(security: &[Vec<Scheme>], parameters: &[Parameter], body: bool) -> Vec<http::HeaderName> {
    let from_security = security.iter().flatten().filter_map(|scheme| match scheme {
        Scheme::Http(_) | Scheme::Token => Some(http::header::AUTHORIZATION),
        Scheme::ApiKeyHeader(name) => http::HeaderName::from_bytes(name.as_bytes()).ok(),
        Scheme::ApiKeyCookie(_) => Some(http::header::COOKIE),
        Scheme::ApiKeyQuery(_) => None,
    });
    let from_parameters = parameters
        .iter()
        .filter(|p| p.location == Location::Header)
        .filter_map(|p| http::HeaderName::from_bytes(p.name.as_bytes()).ok());
    let from_body = body.then_some(http::header::CONTENT_TYPE);
    let mut reads: Vec<http::HeaderName> = Vec::new();
    for name in from_security.chain(from_parameters).chain(from_body) {
        if !reads.contains(&name) {
            reads.push(name);
        }
    }
    reads
}

fn security_alternatives(security: Option<&Value>, schemes: &Value) -> Vec<Vec<Scheme>> {
    let Some(alternatives) = security.and_then(Value::as_array) else {
        return vec![Vec::new()];
    };
    if alternatives.is_empty() {
        return vec![Vec::new()];
    }
    alternatives
        .iter()
        .map(|requirement| {
            let names = requirement.as_object().into_iter().flatten().map(|(name, _)| name);
            names
                .map(|name| {
                    let scheme = &schemes[name];
                    let key = || scheme["name"].as_str().unwrap_or("").to_string();
                    match (scheme["type"].as_str(), scheme["in"].as_str()) {
                        (Some("http"), _) => {
                            Scheme::Http(scheme["scheme"].as_str().unwrap_or("bearer").to_ascii_lowercase())
                        }
                        (Some("apiKey"), Some("header")) => Scheme::ApiKeyHeader(key().to_ascii_lowercase()),
                        (Some("apiKey"), Some("query")) => Scheme::ApiKeyQuery(key()),
                        (Some("apiKey"), Some("cookie")) => Scheme::ApiKeyCookie(key()),
                        _ => Scheme::Token,
                    }
                })
                .collect()
        })
        .collect()
}

/// What [`check_security`] reads of an `Authorization` value: its scheme, and whether a credential
/// follows it (`Bearer x`). A request kept to be judged later keeps this, not the credential.
pub fn authorization_as_judged(value: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    use std::borrow::Cow;
    // `HeaderValue::to_str`'s rule: a value of anything but visible ASCII is not read at all.
    let visible = value.iter().all(|&b| (32..127).contains(&b) || b == b'\t');
    let Some(text) = visible.then(|| std::str::from_utf8(value).ok()).flatten() else {
        return Cow::Borrowed(value);
    };
    match text.split_once(' ') {
        Some((scheme, credentials)) if !credentials.trim().is_empty() => Cow::Owned(format!("{scheme} x").into_bytes()),
        Some((scheme, _)) => Cow::Owned(format!("{scheme} ").into_bytes()),
        None => Cow::Borrowed(b"x"),
    }
}

fn check_security(alternatives: &[Vec<Scheme>], request: &RequestParts<'_>) -> Result<(), String> {
    let authorization = || {
        request
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
    };
    let met = |scheme: &Scheme| match scheme {
        Scheme::Http(expected) => authorization().is_some_and(|(scheme, credentials)| {
            scheme.eq_ignore_ascii_case(expected) && !credentials.trim().is_empty()
        }),
        Scheme::ApiKeyHeader(name) => request.headers.get(name.as_str()).is_some_and(|v| !v.is_empty()),
        Scheme::ApiKeyQuery(name) => query_pairs(request.query).any(|(key, value)| key == *name && !value.is_empty()),
        Scheme::ApiKeyCookie(name) => request
            .headers
            .get_all(http::header::COOKIE)
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(';'))
            .any(|pair| {
                pair.trim()
                    .split_once('=')
                    .is_some_and(|(k, v)| k == name && !v.is_empty())
            }),
        Scheme::Token => authorization().is_some_and(|(scheme, credentials)| {
            scheme.eq_ignore_ascii_case("bearer") && !credentials.trim().is_empty()
        }),
    };
    if alternatives.iter().any(|requirement| requirement.iter().all(met)) {
        return Ok(());
    }
    let asked: Vec<String> = alternatives
        .iter()
        .flatten()
        .map(|scheme| match scheme {
            Scheme::Http(scheme) => format!("an `Authorization: {}` credential", capitalise(scheme)),
            Scheme::ApiKeyHeader(name) => format!("the `{name}` header"),
            Scheme::ApiKeyQuery(name) => format!("the `{name}` query parameter"),
            Scheme::ApiKeyCookie(name) => format!("the `{name}` cookie"),
            Scheme::Token => "an `Authorization: Bearer` token".into(),
        })
        .collect();
    Err(format!("security: the spec asks for {}", asked.join(" or ")))
}

fn check_parameter(parameter: &Parameter, request: &RequestParts<'_>) -> Result<(), Violation> {
    let place = match parameter.location {
        Location::Path(_) => "path",
        Location::Query => "query",
        Location::Header => "header",
    };
    let violation = |message: String| Violation {
        kind: ViolationKind::Parameter,
        location: format!("{place}.{}", parameter.name),
        message,
    };
    let values: Vec<String> = match parameter.location {
        Location::Path(segment) => request
            .path
            .split('/')
            .nth(segment)
            .map(percent_decoded)
            .into_iter()
            .collect(),
        Location::Query => query_pairs(request.query)
            .filter(|(k, _)| *k == parameter.name)
            .map(|(_, v)| v)
            .collect(),
        Location::Header => request
            .headers
            .get_all(parameter.name.as_str())
            .iter()
            .filter_map(|v| v.to_str().ok())
            .map(str::to_string)
            .collect(),
    };
    if values.is_empty() {
        return if parameter.required {
            Err(violation(format!("{place} parameter `{}` is required", parameter.name)))
        } else {
            Ok(())
        };
    }
    let Some(schema) = &parameter.schema else { return Ok(()) };
    // Parameters arrive as text: a string schema sees the text, a number or boolean one the value
    // parsed. The valid case is checked first, without collecting errors: it is every request's.
    // An array's items are judged as text first (a `"null"` in a list of strings is text), then
    // as the values they spell.
    let items: Option<Vec<&str>> = match parameter.array {
        // `explode: true`: each repeat is one item, commas and all.
        Some(ArrayStyle::Repeated) => Some(values.iter().map(String::as_str).collect()),
        Some(ArrayStyle::Delimited(delimiter)) => Some(
            values
                .iter()
                .flat_map(|v| v.split(delimiter))
                .filter(|v| !v.is_empty())
                .collect(),
        ),
        None => None,
    };
    let candidate = match items {
        Some(items) => {
            let texts = Value::Array(items.iter().map(|i| Value::String(i.to_string())).collect());
            if schema.is_valid(&texts) {
                return Ok(());
            }
            Value::Array(items.into_iter().map(typed).collect())
        }
        None => {
            let text = Value::String(values[0].clone());
            if schema.is_valid(&text) {
                return Ok(());
            }
            typed(&values[0])
        }
    };
    if schema.is_valid(&candidate) {
        return Ok(());
    }
    let first_error = schema.first_error(&candidate);
    match first_error {
        None => Ok(()),
        Some(error) => Err(violation(format!("{place} parameter `{}`: {error}", parameter.name))),
    }
}

/// A parameter's text as the JSON value it spells (a number, a boolean, null), else as text.
fn typed(text: &str) -> Value {
    serde_json::from_str::<Value>(text)
        .ok()
        .filter(|v| !v.is_string() && !v.is_object() && !v.is_array())
        .unwrap_or_else(|| Value::String(text.to_string()))
}

fn percent_decoded(text: &str) -> String {
    // Most path values have no escape (a UUID): copied as they are, without the decoder's pass.
    if !text.contains('%') {
        return text.to_string();
    }
    percent_encoding::percent_decode_str(text)
        .decode_utf8_lossy()
        .into_owned()
}

fn check_body(rule: Option<&BodyRule>, request: &RequestParts<'_>) -> Option<Violation> {
    let Some(rule) = rule else {
        let empty = request.body.iter().all(u8::is_ascii_whitespace);
        return (!empty).then(|| Violation {
            kind: ViolationKind::Body,
            location: "body".into(),
            message: "body: the spec documents no request body for this operation".into(),
        });
    };
    let content_type = request.headers.get(http::header::CONTENT_TYPE).map(|v| v.as_bytes());
    if let Some(violation) = rule.refused.find(content_type, request.body) {
        return Some(violation);
    }
    let verdict = judge_body(rule, request);
    if let Some(violation) = &verdict {
        rule.refused.remember(content_type, request.body, violation);
    }
    verdict
}

/// The body against the operation's body rule: its presence, its media type, its schema.
fn judge_body(rule: &BodyRule, request: &RequestParts<'_>) -> Option<Violation> {
    let violation = |kind: ViolationKind, message: String| Violation {
        kind,
        location: "body".into(),
        message,
    };
    let empty = request.body.iter().all(u8::is_ascii_whitespace);
    let form = request
        .headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.to_ascii_lowercase().starts_with("application/x-www-form-urlencoded"));
    // An empty form is a form with no fields: judged as `{}` below, not as a missing body.
    if empty && !form {
        return rule
            .required
            .then(|| violation(ViolationKind::Body, "body: the spec requires one".into()));
    }
    let media_type = request.headers.get(http::header::CONTENT_TYPE).map(|v| {
        String::from_utf8_lossy(v.as_bytes())
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    let Some(media_type) = media_type else {
        return Some(violation(
            ViolationKind::MediaType,
            format!(
                "Content-Type: none, where the spec documents {}",
                rule.media_types.join(", ")
            ),
        ));
    };
    let Some(documented) = rule.media_types.iter().find(|m| media_matches(m, &media_type)) else {
        return Some(violation(
            ViolationKind::MediaType,
            format!(
                "Content-Type: {media_type}, where the spec documents {}",
                rule.media_types.join(", ")
            ),
        ));
    };
    let schema = rule.schemas.iter().find(|(m, _)| m == documented).map(|(_, v)| v);
    let raw_schema = rule.raw_schemas.iter().find(|(m, _)| m == documented).map(|(_, v)| v);
    let (Some(schema), Some(raw_schema)) = (schema, raw_schema) else {
        return None;
    };
    let parsed;
    let value = if super::validate::is_json_media(&media_type) {
        match request.json {
            Some(value) => value,
            None => match serde_json::from_slice::<Value>(request.body) {
                Ok(value) => {
                    parsed = value;
                    &parsed
                }
                Err(e) => return Some(violation(ViolationKind::Body, format!("body: not JSON ({e})"))),
            },
        }
    } else if media_type == "application/x-www-form-urlencoded" {
        parsed = form_fields(request.body, raw_schema);
        &parsed
    } else if media_type.starts_with("multipart/") {
        // Multipart bodies are judged by the presence of their required fields only: their parts
        // are files and texts whose types the schema rarely pins down.
        let names = multipart_field_names(request.body, request.headers);
        let missing: Vec<&str> = raw_schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .filter(|field| !names.iter().any(|n| n == field))
            .collect();
        return (!missing.is_empty()).then(|| {
            violation(
                ViolationKind::Body,
                format!("body: the multipart fields {} are required", missing.join(", ")),
            )
        });
    } else {
        return None;
    };
    if schema.is_valid(value) {
        return None;
    }
    Some(violation(
        ViolationKind::Body,
        format!("body: {}", schema.errors(value).join("; ")),
    ))
}

/// Whether a documented media type (`application/*`, `application/json`) takes the request's.
fn media_matches(documented: &str, request: &str) -> bool {
    let documented = documented.split(';').next().unwrap_or("").trim();
    documented == request
        || documented == "*/*"
        || documented
            .strip_suffix("/*")
            .is_some_and(|prefix| request.split('/').next() == Some(prefix))
}

/// A form-urlencoded body as an object, each field typed as its property's schema declares (an
/// integer field's text as a number, a repeated or `[]` field as an array).
fn form_fields(body: &[u8], schema: &Value) -> Value {
    let mut object = Map::new();
    for (key, value) in form_urlencoded::parse(body) {
        let key = key.trim_end_matches("[]").to_string();
        let declared = &schema["properties"][&key];
        let is_array = declared["type"] == "array";
        let item_schema = if is_array { &declared["items"] } else { declared };
        let typed_value = match item_schema["type"].as_str() {
            Some("integer") | Some("number") | Some("boolean") => typed(&value),
            _ => Value::String(value.into_owned()),
        };
        match object.get_mut(&key) {
            Some(Value::Array(items)) => items.push(typed_value),
            _ if is_array => {
                object.insert(key, Value::Array(vec![typed_value]));
            }
            _ => {
                object.insert(key, typed_value);
            }
        }
    }
    Value::Object(object)
}

/// The field names of a multipart body (`Content-Disposition: form-data; name="…"` of each part).
fn multipart_field_names(body: &[u8], headers: &HeaderMap) -> Vec<String> {
    let Some(boundary) = headers
        .get(http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').find_map(|p| p.trim().strip_prefix("boundary=")))
        .map(|b| b.trim_matches('"').to_string())
    else {
        return Vec::new();
    };
    let text = String::from_utf8_lossy(body);
    text.split(&format!("--{boundary}"))
        .filter_map(|part| {
            let headers_end = part.find("\r\n\r\n").or_else(|| part.find("\n\n"))?;
            let part_headers = &part[..headers_end];
            part_headers.lines().find_map(|line| {
                let (name, value) = line.split_once(':')?;
                if !name.trim().eq_ignore_ascii_case("content-disposition") {
                    return None;
                }
                value
                    .split(';')
                    .find_map(|p| p.trim().strip_prefix("name=").map(|n| n.trim_matches('"').to_string()))
            })
        })
        .collect()
}

/// Which `/`-separated segment of `template` is `{name}`; `None` for a parameter the template lacks.
fn path_segment(template: &str, name: &str) -> Option<usize> {
    template
        .split('/')
        .position(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) == Some(name))
}

fn query_pairs(query: Option<&str>) -> impl Iterator<Item = (std::borrow::Cow<'_, str>, String)> {
    form_urlencoded::parse(query.unwrap_or("").as_bytes()).map(|(k, v)| (k, v.into_owned()))
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> RequestRules {
        RequestRules::from_document(serde_json::json!({
            "security": [{"bearer": []}],
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"},
                                               "basic": {"type": "http", "scheme": "basic"}},
                           "schemas": {"uuid": {"type": "string", "pattern": "^[0-9a-f-]{36}$"}}},
            "paths": {
                "/bearer": {"get": {"responses": {}}},
                "/basic": {"get": {"security": [{"basic": []}], "responses": {}}},
                "/s/{id}": {"put": {"parameters": [{"name": "id", "in": "path", "required": true, "schema": {"$ref": "#/components/schemas/uuid"}}],
                                    "responses": {}}},
                "/open": {"delete": {"security": [{}], "requestBody": {"required": true, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"a": {"type": "string"}}}}}}, "responses": {}}}
            }
        }))
    }

    fn check(method: &str, template: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Result<(), String> {
        let mut map = HeaderMap::new();
        for (name, value) in headers {
            map.insert(
                http::HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        rules().check(&RequestParts {
            method,
            template,
            path,
            query: None,
            headers: &map,
            body,
            json: None,
        })
    }

    #[test]
    fn an_authorization_kept_as_judged_holds_no_credential_and_judges_the_same() {
        for (value, kept) in [
            ("Bearer sk_test_secret", &b"Bearer x"[..]),
            ("Basic dXNlcjpwYXNz", b"Basic x"),
            ("Bearer ", b"Bearer "),
            ("Bearer    ", b"Bearer "),
            ("sk_test_secret", b"x"),
        ] {
            assert_eq!(&*authorization_as_judged(value.as_bytes()), kept, "{value}");
            for template in ["/bearer", "/basic"] {
                let verdict = |authorization: &[u8]| {
                    let authorization = std::str::from_utf8(authorization).unwrap();
                    check("GET", template, template, &[("authorization", authorization)], b"").is_ok()
                };
                assert_eq!(verdict(value.as_bytes()), verdict(kept), "{value} on {template}");
            }
        }
        // Not visible ASCII: the rules do not read it, and it is kept as it is.
        assert_eq!(&*authorization_as_judged("Bearer é".as_bytes()), "Bearer é".as_bytes());
    }

    #[test]
    fn security_path_parameters_and_bodies_are_judged() {
        let uuid = "/s/95b11417-f18f-457f-8804-68e361f9164f";
        assert_eq!(
            check("PUT", "/s/{id}", uuid, &[("authorization", "Bearer x")], b""),
            Ok(())
        );
        assert!(check("PUT", "/s/{id}", uuid, &[], b"")
            .unwrap_err()
            .starts_with("security"));
        assert!(
            check("PUT", "/s/{id}", "/s/nope", &[("authorization", "Bearer x")], b"")
                .unwrap_err()
                .starts_with("path parameter `id`")
        );
        assert!(check("PUT", "/s/{id}", uuid, &[("authorization", "Bearer x")], b"{}")
            .unwrap_err()
            .contains("no request body"));
        let json = [("content-type", "application/json")];
        assert_eq!(check("DELETE", "/open", "/open", &json, br#"{"a":"x"}"#), Ok(()));
        assert!(check("DELETE", "/open", "/open", &json, br#"{"a":1}"#)
            .unwrap_err()
            .starts_with("body:"));
        assert!(check("DELETE", "/open", "/open", &json, b"")
            .unwrap_err()
            .contains("requires"));
        assert!(
            check("DELETE", "/open", "/open", &[("content-type", "text/plain")], b"x")
                .unwrap_err()
                .starts_with("Content-Type")
        );
    }
}
