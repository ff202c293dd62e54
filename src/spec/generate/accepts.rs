//! A light validator, so that generation can judge its own choices without compiling a JSON Schema
//! validator: whether a schema-level example may be used, whether a `oneOf` value matches only
//! its branch, whether a discriminator value fits its property. It follows the JSON Schema rules
//! the real validator applies (OpenAPI 3.0's `nullable` and boolean exclusive bounds included) but
//! gives up (says yes) where it would cost too much: the caller's real validation has the last word.

use std::net::{Ipv4Addr, Ipv6Addr};

use serde_json::{Map, Value};

use super::number::is_multiple;
use super::schema::resolve_ref;
use super::Run;

/// An ISO 8601 duration as RFC 3339's appendix A has it (`P3D`, `PT1H30M`, `P2W`).
const DURATION: &str = r"^P(?:\d+W|(?:\d+Y(?:\d+M(?:\d+D)?)?|\d+M(?:\d+D)?|\d+D)(?:T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S))?|T(?:\d+H(?:\d+M(?:\d+S)?)?|\d+M(?:\d+S)?|\d+S))$";

/// Nesting followed before a check gives up and accepts.
const MAX_CHECK_DEPTH: usize = 24;

impl Run<'_> {
    /// Whether `value` satisfies `schema`, as far as this light check sees.
    pub(super) fn accepts(&mut self, schema: &Value, value: &Value, depth: usize) -> bool {
        if depth > MAX_CHECK_DEPTH || self.check_budget == 0 {
            return true;
        }
        self.check_budget -= 1;
        let map = match schema {
            Value::Bool(allowed) => return *allowed,
            Value::Object(map) => map,
            _ => return true,
        };
        let document = self.generator.document;
        if let Some(target) = map
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| resolve_ref(document, r))
        {
            if !self.accepts(target, value, depth + 1) {
                return false;
            }
        }
        if !accepts_type_and_values(map, value) {
            return false;
        }
        let fits = match value {
            Value::String(text) => self.accepts_string(map, text),
            Value::Number(_) => accepts_number(map, value.as_f64().unwrap_or(0.0)),
            Value::Array(items) => self.accepts_array(map, items, depth),
            Value::Object(object) => self.accepts_object(map, object, depth),
            _ => true,
        };
        fits && self.accepts_combinations(map, value, depth)
    }

    fn accepts_combinations(&mut self, map: &Map<String, Value>, value: &Value, depth: usize) -> bool {
        let branches = |key| map.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or(&[]);
        if !branches("allOf").iter().all(|s| self.accepts(s, value, depth + 1)) {
            return false;
        }
        let any_of = branches("anyOf");
        if !any_of.is_empty() && !any_of.iter().any(|s| self.accepts(s, value, depth + 1)) {
            return false;
        }
        let one_of = branches("oneOf");
        if !one_of.is_empty() && self.matching(one_of, value, depth + 1) != 1 {
            return false;
        }
        match map.get("not") {
            Some(not) => !self.accepts(not, value, depth + 1),
            None => true,
        }
    }

    /// How many of `branches` accept `value`.
    pub(super) fn matching(&mut self, branches: &[Value], value: &Value, depth: usize) -> usize {
        branches
            .iter()
            .filter(|branch| self.accepts(branch, value, depth))
            .count()
    }

    fn accepts_string(&mut self, map: &Map<String, Value>, text: &str) -> bool {
        let length = text.chars().count() as u64;
        if map
            .get("minLength")
            .and_then(Value::as_f64)
            .is_some_and(|min| (length as f64) < min)
            || map
                .get("maxLength")
                .and_then(Value::as_f64)
                .is_some_and(|max| (length as f64) > max)
        {
            return false;
        }
        if let Some(pattern) = map.get("pattern").and_then(Value::as_str) {
            if !self.matches(pattern, text) {
                return false;
            }
        }
        match map.get("format").and_then(Value::as_str) {
            Some("duration") => self.matches(DURATION, text),
            Some("regex") => regress::Regex::new(text).is_ok() || regress::Regex::with_flags(text, "u").is_ok(),
            Some(format) => has_format(format, text),
            None => true,
        }
    }

    fn accepts_array(&mut self, map: &Map<String, Value>, items: &[Value], depth: usize) -> bool {
        let length = items.len() as f64;
        if map
            .get("minItems")
            .and_then(Value::as_f64)
            .is_some_and(|min| length < min)
            || map
                .get("maxItems")
                .and_then(Value::as_f64)
                .is_some_and(|max| length > max)
        {
            return false;
        }
        if map.get("uniqueItems") == Some(&Value::Bool(true)) {
            for (i, item) in items.iter().enumerate() {
                if items[..i].iter().any(|earlier| json_eq(earlier, item)) {
                    return false;
                }
            }
        }
        let prefix = match (map.get("prefixItems"), map.get("items")) {
            (Some(Value::Array(prefix)), _) | (None, Some(Value::Array(prefix))) => prefix.as_slice(),
            _ => &[],
        };
        for (item, schema) in items.iter().zip(prefix) {
            if !self.accepts(schema, item, depth + 1) {
                return false;
            }
        }
        match map.get("items") {
            Some(schema @ (Value::Object(_) | Value::Bool(_))) => items
                .iter()
                .skip(prefix.len())
                .all(|item| self.accepts(schema, item, depth + 1)),
            _ => true,
        }
    }

    fn accepts_object(&mut self, map: &Map<String, Value>, object: &Map<String, Value>, depth: usize) -> bool {
        let count = object.len() as f64;
        if map
            .get("minProperties")
            .and_then(Value::as_f64)
            .is_some_and(|min| count < min)
            || map
                .get("maxProperties")
                .and_then(Value::as_f64)
                .is_some_and(|max| count > max)
        {
            return false;
        }
        let required = map.get("required").and_then(Value::as_array).into_iter().flatten();
        if !required.filter_map(Value::as_str).all(|name| object.contains_key(name)) {
            return false;
        }
        let properties = map.get("properties").and_then(Value::as_object);
        let patterns = map.get("patternProperties").and_then(Value::as_object);
        let additional = map.get("additionalProperties");
        for (name, item) in object {
            if let Some(schema) = properties.and_then(|p| p.get(name)) {
                if !self.accepts(schema, item, depth + 1) {
                    return false;
                }
                continue;
            }
            let mut patterned = false;
            for (pattern, schema) in patterns.into_iter().flatten() {
                if self.matches(pattern, name) {
                    patterned = true;
                    if !self.accepts(schema, item, depth + 1) {
                        return false;
                    }
                }
            }
            if let (false, Some(schema)) = (patterned, additional) {
                if !self.accepts(schema, item, depth + 1) {
                    return false;
                }
            }
        }
        true
    }
}

/// `type` (with 3.0's `nullable`), `const` and `enum`.
fn accepts_type_and_values(map: &Map<String, Value>, value: &Value) -> bool {
    let nullable = map.get("nullable") == Some(&Value::Bool(true));
    let typed = match map.get("type") {
        Some(Value::String(name)) => is_of_type(name, value) || (nullable && value.is_null()),
        Some(Value::Array(names)) => names
            .iter()
            .filter_map(Value::as_str)
            .any(|name| is_of_type(name, value)),
        _ => true,
    };
    let constant = map.get("const").is_none_or(|c| json_eq(c, value));
    let listed = match map.get("enum").and_then(Value::as_array) {
        Some(values) => values.iter().any(|v| json_eq(v, value)) || (nullable && value.is_null()),
        None => true,
    };
    typed && constant && listed
}

fn accepts_number(map: &Map<String, Value>, value: f64) -> bool {
    let flag = |key| map.get(key) == Some(&Value::Bool(true));
    let number = |key| map.get(key).and_then(Value::as_f64);
    let low = number("minimum").is_none_or(|m| {
        if flag("exclusiveMinimum") {
            value > m
        } else {
            value >= m
        }
    });
    let high = number("maximum").is_none_or(|m| {
        if flag("exclusiveMaximum") {
            value < m
        } else {
            value <= m
        }
    });
    let exclusive_low = number("exclusiveMinimum").is_none_or(|m| value > m);
    let exclusive_high = number("exclusiveMaximum").is_none_or(|m| value < m);
    let step = number("multipleOf")
        .filter(|s| *s > 0.0)
        .is_none_or(|s| is_multiple(value, s));
    low && high && exclusive_low && exclusive_high && step
}

fn is_of_type(name: &str, value: &Value) -> bool {
    match (name, value) {
        ("null", Value::Null)
        | ("boolean", Value::Bool(_))
        | ("number", Value::Number(_))
        | ("string", Value::String(_))
        | ("array", Value::Array(_))
        | ("object", Value::Object(_)) => true,
        // JSON Schema counts 1.0 as an integer.
        ("integer", Value::Number(n)) => n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0),
        _ => false,
    }
}

/// JSON equality as JSON Schema has it: 1 and 1.0 are the same number.
pub(super) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(x, y)| json_eq(x, y)),
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// The formats the validator checks, roughly as strictly; any other format passes.
fn has_format(format: &str, text: &str) -> bool {
    match format {
        "date-time" => chrono::DateTime::parse_from_rfc3339(text).is_ok(),
        "date" => text.len() == 10 && chrono::NaiveDate::parse_from_str(text, "%Y-%m-%d").is_ok(),
        "time" => chrono::DateTime::parse_from_rfc3339(&format!("2000-01-01T{text}")).is_ok(),
        "email" | "idn-email" => {
            let (local, domain) = text.rsplit_once('@').unwrap_or(("", ""));
            !local.is_empty() && !domain.is_empty() && !text.contains(char::is_whitespace)
        }
        "uuid" => text.len() == 36 && uuid::Uuid::try_parse(text).is_ok(),
        "ipv4" => text.parse::<Ipv4Addr>().is_ok(),
        "ipv6" => text.parse::<Ipv6Addr>().is_ok(),
        "uri" | "iri" => {
            let scheme = text.split_once(':').map_or("", |(scheme, _)| scheme);
            scheme.starts_with(|c: char| c.is_ascii_alphabetic())
                && scheme.chars().all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
                && !text.contains(char::is_whitespace)
        }
        "uri-reference" | "iri-reference" => !text.contains(char::is_whitespace),
        "hostname" | "idn-hostname" => {
            !text.is_empty()
                && text.len() <= 253
                && text.split('.').all(|label| {
                    !label.is_empty()
                        && label.len() <= 63
                        && !label.starts_with('-')
                        && !label.ends_with('-')
                        && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                })
        }
        "json-pointer" => is_json_pointer(text),
        "relative-json-pointer" => {
            let rest = text.trim_start_matches(|c: char| c.is_ascii_digit());
            rest.len() < text.len() && (rest == "#" || is_json_pointer(rest))
        }
        "uri-template" => {
            let mut open = false;
            text.chars().all(|c| match c {
                '{' if !open => {
                    open = true;
                    true
                }
                '}' if open => {
                    open = false;
                    true
                }
                '{' | '}' => false,
                _ => true,
            }) && !open
        }
        _ => true,
    }
}

/// `/a/b~1c`: empty, or `/`-separated tokens whose `~` escapes are `~0` or `~1`.
fn is_json_pointer(text: &str) -> bool {
    (text.is_empty() || text.starts_with('/')) && text.split('~').skip(1).all(|after| after.starts_with(['0', '1']))
}
