//! `DELETE /v1/auth/sessions/delete`: checks the secret key, reads exactly one session identifier
//! from the body, and deletes that session of the key's app under all three of its identifiers.

use std::sync::{Arc, OnceLock};

use bytes::Bytes;
use dropshot::{Body, HttpError, RawRequest, RequestContext};
use http::{Response, StatusCode};
use serde_json::Value;

use super::error::{self, MoonKeyError};
use super::{jwt, MoonKey};
use crate::exchange::{bearer_token, serialised_once, Bearer, Incoming, Reply, RequestBody};
use crate::generated::moonkey::types::{DeleteSession200Response, DeleteSession200ResponseMessage};
use crate::vendor::VendorContext;
use crate::vendor::{preflight, Api, Operation};

pub const DELETE_SESSION: Operation = Operation {
    id: "DeleteSession",
    method: "DELETE",
    template: "/v1/auth/sessions/delete",
};

pub fn register(api: &mut Api<MoonKey>) -> Result<(), String> {
    crate::register_operation!(api, MoonKey, &DELETE_SESSION, delete_session, preflight::<MoonKey>)
}

async fn delete_session(
    rqctx: RequestContext<Arc<VendorContext<MoonKey>>>,
    raw: RawRequest,
) -> Result<Response<Body>, HttpError> {
    let context = rqctx.context();
    context
        .serve(&DELETE_SESSION, raw, |context, request| {
            answer(context, request).unwrap_or_else(|e| e.reply())
        })
        .await
}

/// A session named by one of its identifiers.
#[derive(Debug, PartialEq, Eq)]
pub enum Identifier {
    Token(String),
    Jwt(String),
    Id(String),
}

fn answer(context: &VendorContext<MoonKey>, request: &Incoming) -> Result<Reply, MoonKeyError> {
    let secret_key = secret_key(request)?;
    let identifier = identifier(request)?;
    let namespace = request.namespace();
    let now = context.now(namespace);
    let session_id_from_jwt = match &identifier {
        Identifier::Jwt(token) => Some(jwt::verify(token, now).map_err(|e| match e {
            jwt::JwtError::Invalid => MoonKeyError::InvalidJwt,
            jwt::JwtError::Expired => MoonKeyError::ExpiredJwt,
        })?),
        _ => None,
    };
    let deleted = context.store.update(namespace, secret_key, now, |tenant| {
        let session_id = match &identifier {
            Identifier::Token(token) => tenant
                .iter()
                .find(|(_, session)| session.session_token == *token)
                .map(|(id, _)| id.clone()),
            Identifier::Id(id) => Some(id.clone()),
            Identifier::Jwt(_) => session_id_from_jwt,
        };
        let session_id = session_id.filter(|id| tenant.get(id).is_some())?;
        tenant.change().remove(&session_id)
    });
    match deleted {
        Some(_) => Ok(Reply::json_bytes(StatusCode::OK, deleted_body())),
        None => Err(MoonKeyError::SessionNotFound),
    }
}

fn deleted_body() -> &'static Bytes {
    static BODY: OnceLock<Bytes> = OnceLock::new();
    serialised_once(&BODY, || {
        let message: DeleteSession200ResponseMessage = "Successfully deleted session"
            .parse()
            .expect("the message is not empty");
        DeleteSession200Response { message }
    })
}

/// The app's secret key: `sk_test_` or `sk_live_` followed by 48 alphanumerics.
fn secret_key(request: &Incoming) -> Result<&str, MoonKeyError> {
    let Bearer::Token(key) = bearer_token(&request.headers) else {
        return Err(MoonKeyError::Unauthorized);
    };
    if is_secret_key(key) {
        Ok(key)
    } else {
        Err(MoonKeyError::Unauthorized)
    }
}

/// `sk_test_` or `sk_live_` followed by 48 alphanumerics.
pub fn is_secret_key(key: &str) -> bool {
    let body = key.strip_prefix("sk_test_").or_else(|| key.strip_prefix("sk_live_"));
    body.is_some_and(|body| body.len() == 48 && crate::ids::is_base62(body))
}

/// The one identifier the body names. A missing or empty value counts as absent.
pub fn identifier(request: &Incoming) -> Result<Identifier, MoonKeyError> {
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
    let value: Value = serde_json::from_slice(bytes).map_err(|_| MoonKeyError::Validation(error::MALFORMED_JSON))?;
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
