//! The checks the service runs on a delete, in its order after the content type: the token as it
//! reads it, then no query parameter, then no body (zod strict objects, with zod's messages).

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

/// The token as the service reads it: `header.split('Bearer ').pop()`, then a format check.
/// `Authorization: Bearer ` never arrives as such: a field value loses its trailing whitespace on the
/// wire (RFC 9110 5.5, in hyper as in Node), so it reads as the token `Bearer`, a format error, and
/// the service's `malformed_auth_header` branch is out of reach over HTTP/1.1.
pub(super) fn connect_session_token(request: &Incoming) -> Result<&str, NangoError> {
    let header = request
        .headers
        .get(http::header::AUTHORIZATION)
        .ok_or(NangoError::MissingAuthHeader)?;
    let header = header.to_str().map_err(|_| NangoError::InvalidTokenFormat)?;
    let token = header.rsplit("Bearer ").next().unwrap_or("");
    if token.is_empty() {
        return Err(NangoError::MalformedAuthHeader);
    }
    let well_formed = is_well_formed(token);
    if well_formed {
        Ok(token)
    } else {
        Err(NangoError::InvalidTokenFormat)
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
