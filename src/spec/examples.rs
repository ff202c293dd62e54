//! Bodies the spec itself gives for a response: a named example, the first example of a status, or,
//! where the spec has none, a body built from the schema (its `example`s, `enum`s and types). Used
//! for forced responses (`Prefer: code=…` / `example=…`).

use chrono::Utc;
use serde_json::{json, Map, Value};

use super::Document;

/// What the spec documents for one status of an operation.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum DocumentedBody {
    /// The status is not documented.
    Undocumented,
    /// Documented without content.
    Empty,
    /// An example the spec gives.
    Example(Value),
    /// No example: built from the schema.
    FromSchema(Value),
}

impl Document {
    fn operation(&self, method: &str, template: &str) -> &Value {
        &self.document["paths"][template][method.to_lowercase()]
    }

    /// The example named `name` among the operation's responses, with its status.
    pub(crate) fn named_example(&self, method: &str, template: &str, name: &str) -> Option<(u16, Value)> {
        let responses = self.operation(method, template)["responses"].as_object()?;
        responses.iter().find_map(|(status, response)| {
            let example = self.resolve(response)["content"]["application/json"]["examples"][name]["value"].clone();
            (!example.is_null())
                .then(|| (status.parse().ok(), example))
                .and_then(|(s, e)| Some((s?, e)))
        })
    }

    /// The body the spec gives for `status` of an operation.
    pub(crate) fn documented_body(&self, method: &str, template: &str, status: u16) -> DocumentedBody {
        let response = &self.operation(method, template)["responses"][status.to_string()];
        if response.is_null() {
            return DocumentedBody::Undocumented;
        }
        let media = &self.resolve(response)["content"]["application/json"];
        if media.is_null() {
            return DocumentedBody::Empty;
        }
        if let Some(example) = media["examples"]
            .as_object()
            .and_then(|e| e.values().find_map(|x| x.get("value")))
        {
            return DocumentedBody::Example(example.clone());
        }
        if let Some(example) = media.get("example") {
            return DocumentedBody::Example(example.clone());
        }
        DocumentedBody::FromSchema(self.synthesize(&media["schema"], 0))
    }

    /// A value that fits `schema`, from its examples where it has them.
    fn synthesize(&self, schema: &Value, depth: usize) -> Value {
        let schema = self.resolve(schema);
        if depth > 8 {
            return Value::Null;
        }
        if let Some(example) = schema.get("example").or_else(|| schema.get("default")) {
            return example.clone();
        }
        if let Some(first) = schema["enum"].as_array().and_then(|values| values.first()) {
            return first.clone();
        }
        match schema["type"].as_str() {
            Some("object") | None if schema.get("properties").is_some() => {
                let properties = schema["properties"].as_object().into_iter().flatten();
                let object: Map<String, Value> = properties
                    .map(|(name, property)| (name.clone(), self.synthesize(property, depth + 1)))
                    .collect();
                Value::Object(object)
            }
            Some("object") => json!({}),
            Some("array") => json!([]),
            Some("boolean") => json!(false),
            Some("integer") | Some("number") => json!(0),
            Some("string") if schema["format"] == "date-time" => {
                json!(Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            }
            Some("string") => json!("string"),
            _ => Value::Null,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn moonkeys_named_example_and_status_example_are_found() {
        let spec = super::super::of("moonkey");
        let expected = json!({"message": "Successfully deleted session"});
        assert_eq!(
            spec.named_example("DELETE", "/v1/auth/sessions/delete", "DeleteSessionResp"),
            Some((200, expected.clone()))
        );
        assert_eq!(
            spec.documented_body("DELETE", "/v1/auth/sessions/delete", 200),
            DocumentedBody::Example(expected)
        );
        assert_eq!(
            spec.documented_body("DELETE", "/v1/auth/sessions/delete", 500),
            DocumentedBody::Undocumented
        );
    }

    #[test]
    fn bodies_are_built_from_schema_examples_and_enums() {
        let dynamic = super::super::of("dynamic");
        let body = dynamic.documented_body("PUT", "/sessions/{sessionId}/revoke", 500);
        assert_eq!(
            body,
            DocumentedBody::FromSchema(json!({"error": "Internal Server Error"}))
        );
        let paragraph = super::super::of("paragraph");
        let ok = paragraph.documented_body("DELETE", "/v1/api/auth/sessions/{sessionId}", 200);
        assert_eq!(ok, DocumentedBody::FromSchema(json!({"success": true})));
        let nango = super::super::of("nango");
        assert_eq!(
            nango.documented_body("DELETE", "/connect/session", 204),
            DocumentedBody::Empty
        );
    }
}
