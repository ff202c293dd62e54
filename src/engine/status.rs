//! Which documented response answers: by default, `201` for a POST and `204` for a DELETE where
//! documented, else the lowest documented 2xx (`2XX` and `default` understood); for a refused
//! request, the status the document gives for what is wrong, in Prism's order of preference.

use http::StatusCode;
use serde_json::Value;

use super::Answering;
use crate::spec::{Violation, ViolationKind};

/// The response documented for `status` (its own key, then its range `4XX`, then `default`), with
/// the key that documents it.
pub(crate) fn documented(responses: &Value, status: u16) -> Option<(&str, &Value)> {
    let responses = responses.as_object()?;
    let exact = status.to_string();
    let range = format!("{}XX", status / 100);
    responses
        .iter()
        .find(|(key, _)| **key == exact)
        .or_else(|| responses.iter().find(|(key, _)| key.eq_ignore_ascii_case(&range)))
        .or_else(|| responses.iter().find(|(key, _)| *key == "default"))
        .map(|(key, value)| (key.as_str(), value))
}

/// Whether `status` has a response of its own or of its range (not only `default`).
fn has_own(responses: &Value, status: u16) -> bool {
    documented(responses, status).is_some_and(|(key, _)| key != "default")
}

/// The status of an answer nothing forced.
pub(crate) fn default_for(method: &str, responses: &Value) -> StatusCode {
    let keys: Vec<&str> = responses
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| k.as_str())
        .collect();
    let exact = |status: &str| keys.contains(&status);
    let preferred = match method {
        "POST" if exact("201") => Some(201),
        "DELETE" if exact("204") => Some(204),
        _ => None,
    };
    let lowest = |from: u16, to: u16| {
        keys.iter()
            .filter_map(|k| k.parse::<u16>().ok())
            .filter(|s| (from..to).contains(s))
            .min()
    };
    let status = preferred
        .or_else(|| lowest(200, 300))
        .or_else(|| keys.iter().any(|k| k.eq_ignore_ascii_case("2XX")).then_some(200))
        .or_else(|| exact("default").then_some(200))
        .or_else(|| lowest(100, 600))
        .unwrap_or(200);
    StatusCode::from_u16(status).unwrap_or(StatusCode::OK)
}

/// The status of a refusal: 401 for missing credentials where security is declared; 415 for a
/// media type the operation does not take, where documented; then 422, 400, a `4XX` range, where
/// documented; else 422 (the document's `default` response, or `application/problem+json`).
pub(crate) fn for_refusal(answering: &Answering<'_>, violations: &[Violation]) -> StatusCode {
    let responses = &answering
        .document
        .operation_object(answering.operation.method, answering.operation.template)["responses"];
    if violations.iter().any(|v| v.kind == ViolationKind::Security) {
        return StatusCode::UNAUTHORIZED;
    }
    if violations.iter().any(|v| v.kind == ViolationKind::MediaType) && has_own(responses, 415) {
        return StatusCode::UNSUPPORTED_MEDIA_TYPE;
    }
    // A path that names nothing the document could hold (an id of the wrong form) is a resource
    // that is not there, where the document says how it answers that.
    let in_path = |v: &Violation| v.location.starts_with("path.");
    if violations.iter().all(in_path) && has_own(responses, 404) {
        return StatusCode::NOT_FOUND;
    }
    let exact = |status: u16| {
        responses
            .as_object()
            .is_some_and(|r| r.contains_key(&status.to_string()))
    };
    if exact(422) {
        return StatusCode::UNPROCESSABLE_ENTITY;
    }
    if exact(400) {
        return StatusCode::BAD_REQUEST;
    }
    if has_own(responses, 400) {
        return StatusCode::BAD_REQUEST;
    }
    StatusCode::UNPROCESSABLE_ENTITY
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn post_prefers_201_delete_204_and_others_the_lowest_success() {
        let responses = json!({"200": {}, "201": {}, "204": {}, "404": {}});
        assert_eq!(default_for("POST", &responses), StatusCode::CREATED);
        assert_eq!(default_for("DELETE", &responses), StatusCode::NO_CONTENT);
        assert_eq!(default_for("GET", &responses), StatusCode::OK);
        assert_eq!(default_for("GET", &json!({"2XX": {}, "4XX": {}})), StatusCode::OK);
        assert_eq!(default_for("GET", &json!({"default": {}})), StatusCode::OK);
        assert_eq!(default_for("GET", &json!({"302": {}, "404": {}})), StatusCode::FOUND);
    }

    #[test]
    fn a_status_is_documented_by_its_key_its_range_or_default() {
        let responses = json!({"200": {"a": 1}, "4XX": {"b": 2}, "default": {"c": 3}});
        assert_eq!(documented(&responses, 200).unwrap().0, "200");
        assert_eq!(documented(&responses, 404).unwrap().0, "4XX");
        assert_eq!(documented(&responses, 500).unwrap().0, "default");
        assert!(documented(&json!({"200": {}}), 500).is_none());
    }
}
