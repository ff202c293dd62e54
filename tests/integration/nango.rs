//! Nango `DELETE /connect/session`: the connect session token authenticates, checks run in the
//! service's order, auth errors carry `payload` in live mode only, and a deleted token is dead.

use nango::EXAMPLE_SECRET_KEY;
use serde_json::json;
use understudy::generated::nango::{Client, Error};
use understudy::Fidelity;

use understudy::vendors::nango;

use crate::default_data;
use crate::harness::{assert_snapshot, bearer_client, Call, Mock};

fn delete() -> Call {
    Call::to(&nango::DELETE_CONNECT_SESSION)
}

fn client(mock: &Mock, token: &str) -> Client {
    Client::new_with_client(&mock.url("nango"), bearer_client(token))
}

/// (name, call, status, error code): every refusal, in the service's check order.
fn error_rows() -> Vec<(&'static str, Call, u16, &'static str)> {
    let unknown = format!("nango_connect_session_{}", "0".repeat(64));
    vec![
        (
            "text_content_type_before_auth",
            delete().header("content-type", "text/plain"),
            415,
            "invalid_content_type",
        ),
        ("missing_authorization", delete(), 401, "missing_auth_header"),
        // A field value loses its trailing whitespace on the wire (RFC 9110 5.5), in hyper as in Node:
        // `Bearer ` arrives as `Bearer`, which is not a token of the right format.
        (
            "empty_bearer",
            delete().header("authorization", "Bearer "),
            401,
            "invalid_connect_session_token_format",
        ),
        (
            "secret_key",
            delete().bearer(EXAMPLE_SECRET_KEY),
            401,
            "invalid_connect_session_token_format",
        ),
        (
            "uppercase_hex",
            delete().bearer(&default_data::nango_token().to_uppercase()),
            401,
            "invalid_connect_session_token_format",
        ),
        (
            "basic_scheme",
            delete().header("authorization", &format!("Basic {}", default_data::nango_token())),
            401,
            "invalid_connect_session_token_format",
        ),
        (
            "unknown_token",
            delete().bearer(&unknown),
            401,
            "unknown_connect_session_token",
        ),
        (
            "query_parameter",
            delete().bearer(default_data::nango_token()).query("foo=bar"),
            400,
            "invalid_query_params",
        ),
        (
            "non_empty_body",
            delete()
                .bearer(default_data::nango_token())
                .json(json!({"token": default_data::nango_token()})),
            400,
            "invalid_body",
        ),
        (
            "array_body",
            delete().bearer(default_data::nango_token()).json(json!([])),
            400,
            "invalid_body",
        ),
    ]
}

#[tokio::test]
async fn every_refusal_follows_the_services_order_and_bodies() {
    for (fidelity, mode) in [(Fidelity::Live, "live"), (Fidelity::Spec, "spec")] {
        let mock = Mock::start_in(fidelity).await;
        for (name, call, status, code) in error_rows() {
            let response = mock.send(call).await;
            assert_eq!(response.status, status, "{name} in {mode} mode");
            let body = response.json();
            assert_eq!(body["error"]["code"], code, "{name} in {mode} mode");
            if status == 401 {
                let has_payload = body["error"].get("payload").is_some();
                assert_eq!(
                    has_payload,
                    fidelity == Fidelity::Live,
                    "{name}: payload is the live service's departure"
                );
            }
            assert_snapshot(&format!("nango__{mode}__{name}"), &response);
        }
        // None of the refusals consumed the token.
        assert_eq!(
            mock.send(delete().bearer(default_data::nango_token())).await.status,
            204,
            "{mode} mode"
        );
    }
}

#[tokio::test]
async fn deleting_with_the_connect_session_token_kills_it() {
    for fidelity in [Fidelity::Live, Fidelity::Spec] {
        let mock = Mock::start_in(fidelity).await;
        let client = client(&mock, default_data::nango_token());
        let deleted = client
            .delete_connect_session()
            .send()
            .await
            .expect("the token deletes its own session");
        assert_eq!(deleted.status().as_u16(), 204);
        let again = client
            .delete_connect_session()
            .send()
            .await
            .expect_err("the token is dead");
        match (fidelity, again) {
            // The client generated from the spec cannot read the live 401: `payload` breaks StdError.
            (Fidelity::Live, Error::InvalidResponsePayload(..)) => {}
            (Fidelity::Spec, Error::ErrorResponse(body)) => {
                assert_eq!(body.status().as_u16(), 401);
                assert_eq!(
                    body.error.as_ref().map(|e| e.code.as_str()),
                    Some("unknown_connect_session_token")
                );
            }
            (fidelity, other) => panic!("{fidelity:?} mode: unexpected {other:?}"),
        }
    }
}

#[tokio::test]
async fn an_empty_json_object_body_is_accepted() {
    let mock = Mock::start().await;
    let response = mock
        .send(delete().bearer(default_data::nango_token()).json(json!({})))
        .await;
    assert_eq!(response.status, 204);
    assert!(response.body.is_empty(), "204 has no body");
    assert_snapshot("nango__deleted", &response);
}
