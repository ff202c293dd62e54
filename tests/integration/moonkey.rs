//! MoonKey `DELETE /v1/auth/sessions/delete`: the secret key, the exactly-one-identifier rule, JWTs,
//! and state that stays deleted under all three identifiers.

use serde_json::json;
use understudy::generated::moonkey::types::DeleteSessionRequest;
use understudy::generated::moonkey::Client;
use understudy::vendors::moonkey::{EXAMPLE_SECRET_KEY, JWT_LIFETIME_SECS};
use understudy::Fidelity;

use understudy::vendors::moonkey;

use crate::default_data;
use crate::harness::{assert_snapshot, bearer_client, Call, Mock};

const OTHER_APP_KEY: &str = "sk_live_uBjYxOPfB3AYuAwZVLWDs3l5ufchhbFjy66LoihSWQS1VxUI";

fn delete() -> Call {
    Call::to(&moonkey::DELETE_SESSION)
}

fn authorised() -> Call {
    delete().bearer(EXAMPLE_SECRET_KEY)
}

fn client(mock: &Mock, key: &str) -> Client {
    Client::new_with_client(&mock.url("moonkey"), bearer_client(key))
}

/// A session JWT for a session of the example app, freshly issued by the control API at the
/// namespace's time.
async fn session_jwt(mock: &Mock, session_id: &str) -> String {
    let session = mock.control().get(&format!("/moonkey/sessions/{session_id}")).await;
    session["session_jwt"].as_str().expect("a session_jwt").to_string()
}

fn request(body: serde_json::Value) -> DeleteSessionRequest {
    serde_json::from_value(body).expect("a DeleteSessionRequest")
}

/// (name, call, status, error_type): every way to get an error without touching state.
fn error_rows() -> Vec<(&'static str, Call, u16, &'static str)> {
    let token = json!({"session_token": default_data::moonkey_session_token()});
    vec![
        ("no_authorization", delete().json(token.clone()), 401, "unauthorized"),
        (
            "basic_scheme",
            delete()
                .header("authorization", &format!("Basic {EXAMPLE_SECRET_KEY}"))
                .json(token.clone()),
            401,
            "unauthorized",
        ),
        (
            "short_key",
            delete().bearer("sk_test_short").json(token.clone()),
            401,
            "unauthorized",
        ),
        (
            "unknown_key_prefix",
            delete()
                .bearer(&EXAMPLE_SECRET_KEY.replace("sk_test_", "sk_prod_"))
                .json(token.clone()),
            401,
            "unauthorized",
        ),
        ("no_identifier", authorised().json(json!({})), 400, "validation_error"),
        ("no_body", authorised(), 400, "validation_error"),
        (
            "two_identifiers",
            authorised().json(json!({"session_token": default_data::moonkey_session_token(), "session_id": default_data::moonkey_session_id()})),
            400,
            "validation_error",
        ),
        (
            "three_identifiers",
            authorised().json(json!({"session_token": "a", "session_id": "b", "session_jwt": "c"})),
            400,
            "validation_error",
        ),
        (
            "empty_string",
            authorised().json(json!({"session_token": ""})),
            400,
            "validation_error",
        ),
        (
            "wrong_json_type",
            authorised().json(json!({"session_token": 42})),
            400,
            "validation_error",
        ),
        (
            "malformed_json",
            authorised()
                .header("content-type", "application/json")
                .raw_body("{\"session_token\":"),
            400,
            "validation_error",
        ),
        (
            "not_an_object",
            authorised().json(json!([default_data::moonkey_session_token()])),
            400,
            "validation_error",
        ),
        (
            "wrong_content_type",
            authorised()
                .header("content-type", "text/plain")
                .raw_body(token.to_string()),
            400,
            "validation_error",
        ),
        (
            "unknown_token",
            authorised().json(json!({"session_token": "x".repeat(64)})),
            404,
            "session_not_found",
        ),
        (
            "unknown_id",
            authorised().json(json!({"session_id": "sess_000000000000000000000000000"})),
            404,
            "session_not_found",
        ),
        (
            "jwt_not_a_jwt",
            authorised().json(json!({"session_jwt": "not-a-jwt"})),
            401,
            "invalid_session_jwt",
        ),
    ]
}

#[tokio::test]
async fn every_error_answers_in_moonkeys_error_shape_in_both_modes() {
    for fidelity in [Fidelity::Live, Fidelity::Spec] {
        let mock = Mock::start_in(fidelity).await;
        for (name, call, status, error_type) in error_rows() {
            let response = mock.send(call).await;
            assert_eq!(response.status, status, "{name} in {fidelity:?} mode");
            let body = response.json();
            assert_eq!(body["error_type"], error_type, "{name}");
            assert_eq!(
                body["status_code"], status,
                "{name}: status_code repeats the HTTP status"
            );
            assert!(body["error_message"].as_str().is_some_and(|m| !m.is_empty()), "{name}");
            // The spec documents no error: both modes answer alike, so one snapshot serves both.
            assert_snapshot(&format!("moonkey__{name}"), &response);
        }
    }
}

#[tokio::test]
async fn a_session_deleted_by_token_is_gone_under_all_three_identifiers() {
    let mock = Mock::start().await;
    let jwt = session_jwt(&mock, default_data::moonkey_session_id()).await;
    let deleted = client(&mock, EXAMPLE_SECRET_KEY)
        .delete_session()
        .body(request(json!({"session_token": default_data::moonkey_session_token()})))
        .send()
        .await
        .expect("the spec example deletes the default session");
    assert_eq!(deleted.message.as_str(), "Successfully deleted session");

    for (name, body) in [
        ("token", json!({"session_token": default_data::moonkey_session_token()})),
        ("id", json!({"session_id": default_data::moonkey_session_id()})),
        ("jwt", json!({"session_jwt": jwt})),
    ] {
        let again = mock.send(authorised().json(body)).await;
        assert_eq!(again.status, 404, "deleted session still found by {name}");
        assert_eq!(again.json()["error_type"], "session_not_found");
    }
}

#[tokio::test]
async fn a_session_deleted_by_id_or_jwt_is_gone() {
    let mock = Mock::start().await;
    let first = mock
        .send(authorised().json(json!({"session_id": default_data::moonkey_session_id()})))
        .await;
    assert_eq!(first.status, 200);
    assert_snapshot("moonkey__deleted", &first);
    let by_token = mock
        .send(authorised().json(json!({"session_token": default_data::moonkey_session_token()})))
        .await;
    assert_eq!(by_token.status, 404);

    let other = Mock::start().await;
    let jwt = session_jwt(&other, default_data::moonkey_session_id()).await;
    assert_eq!(
        other.send(authorised().json(json!({"session_jwt": jwt}))).await.status,
        200
    );
    assert_eq!(
        other
            .send(authorised().json(json!({"session_id": default_data::moonkey_session_id()})))
            .await
            .status,
        404
    );
}

#[tokio::test]
async fn each_secret_key_is_its_own_app() {
    let mock = Mock::start().await;
    let other_app = client(&mock, OTHER_APP_KEY);
    let deleted = other_app
        .delete_session()
        .body(request(json!({"session_id": default_data::moonkey_session_id()})))
        .send()
        .await;
    assert!(
        deleted.is_ok(),
        "every app starts with its own copy of the default session"
    );
    let again = other_app
        .delete_session()
        .body(request(json!({"session_id": default_data::moonkey_session_id()})))
        .send()
        .await;
    assert_eq!(
        again
            .expect_err("deleted in the other app")
            .status()
            .map(|s| s.as_u16()),
        Some(404)
    );
    let first_app = mock
        .send(authorised().json(json!({"session_id": default_data::moonkey_session_id()})))
        .await;
    assert_eq!(
        first_app.status, 200,
        "another app's delete left this app's session alone"
    );
}

#[tokio::test]
async fn session_jwts_are_verified_and_expire_after_300_seconds() {
    let mock = Mock::start().await;
    let current = session_jwt(&mock, default_data::moonkey_session_id()).await;

    let (head, signature) = current.rsplit_once('.').unwrap();
    let forged = format!("{head}.{}", signature.chars().rev().collect::<String>());
    let response = mock.send(authorised().json(json!({"session_jwt": forged}))).await;
    assert_eq!(
        (response.status, response.json()["error_type"].as_str()),
        (401, Some("invalid_session_jwt"))
    );

    // A JWT this server signed for a session it has since deleted: verified, naming no session.
    let created = mock.control().post("/moonkey/sessions", json!({})).await;
    let gone = created["session_id"].as_str().expect("a session_id");
    let unknown = session_jwt(&mock, gone).await;
    let (status, _) = mock
        .control()
        .call("DELETE", &format!("/moonkey/sessions/{gone}"), None)
        .await;
    assert_eq!(status, 204);
    let response = mock.send(authorised().json(json!({"session_jwt": unknown}))).await;
    assert_eq!(
        response.status, 404,
        "a verified JWT naming no session of this app is an unknown session"
    );

    mock.control().advance(JWT_LIFETIME_SECS).await;
    let response = mock.send(authorised().json(json!({"session_jwt": current}))).await;
    assert_eq!(
        (response.status, response.json()["error_type"].as_str()),
        (401, Some("session_jwt_expired"))
    );
    assert_snapshot("moonkey__jwt_expired", &response);
    let still_there = mock
        .send(authorised().json(json!({"session_id": default_data::moonkey_session_id()})))
        .await;
    assert_eq!(still_there.status, 200, "a refused JWT deletes nothing");
}
