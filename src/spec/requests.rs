//! Checks a request against the raw spec's request side: its security (a bearer where the spec
//! asks for one), its path, query and header parameters, and its body (present where required,
//! absent where none is documented, of a documented Content-Type, valid against the schema). The
//! mock answers as the live service would whatever the verdict; the journal records it, so that a
//! test suite can assert that its own app kept to the spec. Undeclared query parameters are not
//! judged: OpenAPI does not forbid them.

use http::HeaderMap;
use jsonschema::Validator;
use serde_json::{json, Value};

use super::validate::{compile, openapi_nullable_to_json_schema};
use super::walk;

/// What the spec asks of one operation's requests.
struct Rules {
    /// Alternatives: one must be met. An empty alternative (`{}`) lets anonymous requests in.
    security: Vec<Vec<Scheme>>,
    parameters: Vec<Parameter>,
    body: Option<BodyRule>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Scheme {
    /// `http` with a scheme: `Authorization: <scheme> <credentials>`.
    Http(String),
    ApiKeyHeader(String),
    ApiKeyQuery(String),
    /// A scheme this checker cannot see in a request (OAuth flows, cookies): taken as met.
    Unchecked,
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
    schema: Option<Box<Validator>>,
}

struct BodyRule {
    required: bool,
    media_types: Vec<String>,
    json_schema: Option<Box<Validator>>,
}

/// The request rules of every operation, keyed by (method, path template).
pub struct RequestRules {
    /// (method, path template, rules): a handful per spec, so a scan that allocates nothing.
    operations: Vec<(String, String, Rules)>,
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
    pub(crate) fn from_document(document: &Value) -> Self {
        let mut converted = document.clone();
        openapi_nullable_to_json_schema(&mut converted);
        let components = converted.get("components").cloned().unwrap_or_else(|| json!({}));
        let default_security = converted.get("security").cloned();
        let schemes = &converted["components"]["securitySchemes"];
        let mut operations = Vec::new();
        for (path, method, operation) in walk::operations(&converted) {
            let item = &converted["paths"][path];
            let security = operation.get("security").or(default_security.as_ref());
            let mut parameters: Vec<Parameter> = Vec::new();
            let declared = item["parameters"].as_array().into_iter().flatten();
            for parameter in declared.chain(operation["parameters"].as_array().into_iter().flatten()) {
                let parameter = walk::resolve(&converted, parameter);
                let name = parameter["name"].as_str().unwrap_or_default().to_string();
                let location = match parameter["in"].as_str() {
                    Some("path") => match path_segment(path, &name) {
                        Some(segment) => Location::Path(segment),
                        // The template has no place for it, so no request can be faulted for it.
                        None => continue,
                    },
                    Some("query") => Location::Query,
                    Some("header") => Location::Header,
                    _ => continue,
                };
                parameters.retain(|p| !(p.name == name && p.location == location));
                parameters.push(Parameter {
                    name,
                    location,
                    required: parameter["required"]
                        .as_bool()
                        .unwrap_or(matches!(location, Location::Path(_))),
                    schema: parameter.get("schema").map(|s| Box::new(compile(s, &components))),
                });
            }
            let body = operation.get("requestBody").map(|body| {
                let body = walk::resolve(&converted, body);
                let content = body["content"].as_object();
                BodyRule {
                    required: body["required"].as_bool().unwrap_or(false),
                    media_types: content
                        .into_iter()
                        .flatten()
                        .map(|(m, _)| m.to_ascii_lowercase())
                        .collect(),
                    json_schema: body
                        .pointer("/content/application~1json/schema")
                        .map(|s| Box::new(compile(s, &components))),
                }
            });
            let rules = Rules {
                security: security_alternatives(security, schemes),
                parameters,
                body,
            };
            operations.push((method.to_uppercase(), path.to_string(), rules));
        }
        Self { operations }
    }

    /// Checks one request; the error says the first way it leaves the spec.
    pub fn check(&self, request: &RequestParts<'_>) -> Result<(), String> {
        let (_, _, rules) = self
            .operations
            .iter()
            .find(|(method, template, _)| method == request.method && template == request.template)
            .ok_or("the spec has no such operation")?;
        check_security(&rules.security, request)?;
        for parameter in &rules.parameters {
            check_parameter(parameter, request)?;
        }
        check_body(rules.body.as_ref(), request)
    }
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
                    match (scheme["type"].as_str(), scheme["in"].as_str()) {
                        (Some("http"), _) => {
                            Scheme::Http(scheme["scheme"].as_str().unwrap_or("bearer").to_ascii_lowercase())
                        }
                        (Some("apiKey"), Some("header")) => {
                            Scheme::ApiKeyHeader(scheme["name"].as_str().unwrap_or("").to_ascii_lowercase())
                        }
                        (Some("apiKey"), Some("query")) => {
                            Scheme::ApiKeyQuery(scheme["name"].as_str().unwrap_or("").to_string())
                        }
                        _ => Scheme::Unchecked,
                    }
                })
                .collect()
        })
        .collect()
}

fn check_security(alternatives: &[Vec<Scheme>], request: &RequestParts<'_>) -> Result<(), String> {
    let met = |scheme: &Scheme| match scheme {
        Scheme::Http(expected) => request
            .headers
            .get(http::header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split_once(' '))
            .is_some_and(|(scheme, credentials)| {
                scheme.eq_ignore_ascii_case(expected) && !credentials.trim().is_empty()
            }),
        Scheme::ApiKeyHeader(name) => request.headers.contains_key(name.as_str()),
        Scheme::ApiKeyQuery(name) => query_pairs(request.query).any(|(key, _)| key == *name),
        Scheme::Unchecked => true,
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
            Scheme::Unchecked => "a credential".into(),
        })
        .collect();
    Err(format!("security: the spec asks for {}", asked.join(" or ")))
}

fn check_parameter(parameter: &Parameter, request: &RequestParts<'_>) -> Result<(), String> {
    let value = match parameter.location {
        Location::Path(segment) => request.path.split('/').nth(segment).map(str::to_string),
        Location::Query => query_pairs(request.query)
            .find(|(k, _)| *k == parameter.name)
            .map(|(_, v)| v),
        Location::Header => request
            .headers
            .get(parameter.name.as_str())
            .and_then(|v| v.to_str().ok())
            .map(str::to_string),
    };
    let place = match parameter.location {
        Location::Path(_) => "path",
        Location::Query => "query",
        Location::Header => "header",
    };
    let Some(value) = value else {
        return if parameter.required {
            Err(format!("{place} parameter `{}` is required", parameter.name))
        } else {
            Ok(())
        };
    };
    let Some(schema) = &parameter.schema else { return Ok(()) };
    // Parameters arrive as text: a string schema sees the text, a number or boolean one the value
    // parsed. The valid case is checked first, without collecting errors: it is every request's.
    let text = Value::String(value);
    if schema.is_valid(&text) {
        return Ok(());
    }
    let candidate = text
        .as_str()
        .and_then(|value| serde_json::from_str::<Value>(value).ok())
        .filter(|v| !v.is_string())
        .unwrap_or(text);
    if schema.is_valid(&candidate) {
        return Ok(());
    }
    let first_error = schema.iter_errors(&candidate).next().map(|e| e.to_string());
    match first_error {
        None => Ok(()),
        Some(error) => Err(format!("{place} parameter `{}`: {error}", parameter.name)),
    }
}

fn check_body(rule: Option<&BodyRule>, request: &RequestParts<'_>) -> Result<(), String> {
    let empty = request.body.iter().all(u8::is_ascii_whitespace);
    let Some(rule) = rule else {
        return if empty {
            Ok(())
        } else {
            Err("body: the spec documents no request body for this operation".into())
        };
    };
    if empty {
        return if rule.required {
            Err("body: the spec requires one".into())
        } else {
            Ok(())
        };
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
        return Err(format!(
            "Content-Type: none, where the spec documents {}",
            rule.media_types.join(", ")
        ));
    };
    if !rule.media_types.contains(&media_type) {
        return Err(format!(
            "Content-Type: {media_type}, where the spec documents {}",
            rule.media_types.join(", ")
        ));
    }
    let Some(schema) = &rule.json_schema else { return Ok(()) };
    if media_type != "application/json" {
        return Ok(());
    }
    let parsed;
    let value = match request.json {
        Some(value) => value,
        None => {
            parsed = serde_json::from_slice::<Value>(request.body).map_err(|e| format!("body: not JSON ({e})"))?;
            &parsed
        }
    };
    let errors: Vec<String> = schema
        .iter_errors(value)
        .map(|e| format!("{e} at '{}'", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(format!("body: {}", errors.join("; ")))
    }
}

/// Which `/`-separated segment of `template` is `{name}`; `None` for a parameter the template lacks.
fn path_segment(template: &str, name: &str) -> Option<usize> {
    template
        .split('/')
        .position(|segment| segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) == Some(name))
}

fn query_pairs(query: Option<&str>) -> impl Iterator<Item = (&str, String)> {
    query.unwrap_or("").split('&').filter(|p| !p.is_empty()).map(|pair| {
        let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
        (key, value.to_string())
    })
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
        RequestRules::from_document(&json!({
            "security": [{"bearer": []}],
            "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
                           "schemas": {"uuid": {"type": "string", "pattern": "^[0-9a-f-]{36}$"}}},
            "paths": {
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
