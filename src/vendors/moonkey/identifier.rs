//! The one session identifier a delete's body names: exactly one of `session_token`, `session_jwt`
//! and `session_id`, each a non-empty string, in a JSON object.

use serde_json::Value;

use super::error::{self, MoonKeyError};
use crate::exchange::{Incoming, RequestBody};

/// A session named by one of its identifiers.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Identifier {
    Token(String),
    Jwt(String),
    Id(String),
}

/// The one identifier the body names. A missing or empty value counts as absent.
pub(super) fn read(request: &Incoming) -> Result<Identifier, MoonKeyError> {
    if request.media_type().is_some_and(|media| media != "application/json") {
        return Err(MoonKeyError::Validation(error::NOT_JSON_CONTENT));
    }
    let bytes = match &request.body {
        RequestBody::Bytes(bytes) => bytes,
        RequestBody::TooLarge => return Err(MoonKeyError::Validation(error::TOO_LARGE)),
        RequestBody::Unreadable | RequestBody::TimedOut => return Err(MoonKeyError::Validation(error::MALFORMED_JSON)),
    };
    if bytes.is_empty() {
        return Err(MoonKeyError::Validation(error::NONE_GIVEN));
    }
    let value = request.json().ok_or(MoonKeyError::Validation(error::MALFORMED_JSON))?;
    let Value::Object(fields) = value else {
        return Err(MoonKeyError::Validation(error::NOT_AN_OBJECT));
    };
    let mut found = Vec::with_capacity(1);
    for (name, make) in [
        ("session_token", Identifier::Token as fn(String) -> Identifier),
        ("session_jwt", Identifier::Jwt),
        ("session_id", Identifier::Id),
    ] {
        match fields.get(name) {
            None | Some(Value::Null) => {}
            Some(Value::String(text)) if text.is_empty() => {}
            Some(Value::String(text)) => found.push(make(text.clone())),
            Some(_) => return Err(MoonKeyError::Validation(error::NOT_A_STRING)),
        }
    }
    match found.len() {
        0 => Err(MoonKeyError::Validation(error::NONE_GIVEN)),
        1 => Ok(found.remove(0)),
        _ => Err(MoonKeyError::Validation(error::MORE_THAN_ONE)),
    }
}
