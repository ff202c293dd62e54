//! The checks the service runs, in its order: the content type, the credential as it reads it (the
//! connect session token, or for the create the secret key), then for the delete no query parameter
//! and no body (zod strict objects, with zod's messages).

use serde_json::Value;

use super::error::{issue, unrecognized_keys, NangoError};
use crate::exchange::{Incoming, RequestBody};

pub(super) const TOKEN_PREFIX: &str = "nango_connect_session_";

/// `nango_connect_session_` + 64 lowercase hex digits.
pub(super) fn is_well_formed(token: &str) -> bool {
    token
        .strip_prefix(TOKEN_PREFIX)
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
}

/// A `Content-Type` that is present and not JSON is refused before anything else (415), on every
/// route of the public API.
pub(super) fn check_content_type(request: &Incoming) -> Result<(), NangoError> {
    match request.media_type() {
        Some(media) if media != "application/json" => Err(NangoError::InvalidContentType),
        _ => Ok(()),
    }
}

/// The credential as the service reads it: `header.split('Bearer ').pop()`, so that a header
/// without `Bearer ` is read whole; `None` for a header that is not text (it fails every format).
/// `Authorization: Bearer ` never arrives as such: a field value loses its trailing whitespace on the
/// wire (RFC 9110 5.5, in hyper as in Node), so it reads as the credential `Bearer`, a format error,
/// and the service's `malformed_auth_header` branch is out of reach over HTTP/1.1.
fn credential(request: &Incoming) -> Result<Option<&str>, NangoError> {
    let header = request
        .headers
        .get(http::header::AUTHORIZATION)
        .ok_or(NangoError::MissingAuthHeader)?;
    let Ok(header) = header.to_str() else {
        return Ok(None);
    };
    match header.rsplit("Bearer ").next().unwrap_or("") {
        "" => Err(NangoError::MalformedAuthHeader),
        credential => Ok(Some(credential)),
    }
}

/// The connect session token (the delete's and the read's credential), then its format check.
pub(super) fn connect_session_token(request: &Incoming) -> Result<&str, NangoError> {
    match credential(request)? {
        Some(token) if is_well_formed(token) => Ok(token),
        _ => Err(NangoError::InvalidTokenFormat),
    }
}

/// The secret key (the create's credential): a UUID. Any well-formed key is accepted: the mock has
/// no accounts.
pub(super) fn secret_key(request: &Incoming) -> Result<(), NangoError> {
    match credential(request)? {
        Some(key) if uuid::Uuid::parse_str(key).is_ok() => Ok(()),
        _ => Err(NangoError::InvalidSecretKeyFormat),
    }
}

/// The operation takes no query parameter: any key is unrecognised (zod strict object).
pub(super) fn check_query(query: Option<&str>) -> Result<(), NangoError> {
    let keys: Vec<String> = query
        .unwrap_or("")
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| pair.split_once('=').map_or(pair, |(key, _)| key).to_string())
        .collect();
    if keys.is_empty() {
        Ok(())
    } else {
        Err(NangoError::InvalidQuery(keys))
    }
}

/// The operation takes no body: empty and `{}` pass, anything else is an invalid body.
pub(super) fn check_body(body: &RequestBody) -> Result<(), NangoError> {
    let bytes = match body {
        RequestBody::Bytes(bytes) if bytes.iter().all(u8::is_ascii_whitespace) => return Ok(()),
        RequestBody::Bytes(bytes) => bytes,
        RequestBody::TooLarge | RequestBody::Unreadable | RequestBody::TimedOut => {
            return Err(NangoError::InvalidBody(vec![issue(
                "invalid_type",
                "Invalid input: request body is too large or unreadable",
            )]))
        }
    };
    match serde_json::from_slice::<Value>(bytes) {
        Ok(Value::Object(fields)) if fields.is_empty() => Ok(()),
        Ok(Value::Object(fields)) => {
            let keys: Vec<String> = fields.keys().cloned().collect();
            Err(NangoError::InvalidBody(vec![unrecognized_keys(&keys)]))
        }
        Ok(other) => Err(NangoError::InvalidBody(vec![issue(
            "invalid_type",
            &format!("Invalid input: expected object, received {}", json_type(&other)),
        )])),
        Err(_) => Err(NangoError::InvalidBody(vec![issue(
            "invalid_type",
            "Invalid input: the body is not valid JSON",
        )])),
    }
}

fn json_type(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_keys_are_reported_as_zod_does() {
        assert_eq!(check_query(None), Ok(()));
        assert_eq!(check_query(Some("")), Ok(()));
        assert_eq!(
            check_query(Some("foo=1&bar")),
            Err(NangoError::InvalidQuery(vec!["foo".into(), "bar".into()]))
        );
        assert_eq!(
            unrecognized_keys(&["foo".into()])["message"],
            "Unrecognized key: \"foo\""
        );
        assert_eq!(
            unrecognized_keys(&["a".into(), "b".into()])["message"],
            "Unrecognized keys: \"a\", \"b\""
        );
    }
}
