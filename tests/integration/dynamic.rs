//! Dynamic `PUT /api/v0/sessions/{sessionId}/revoke`: token checks, the undocumented 400 and 404,
//! a `revokedAt` that is set once and kept, explicit nulls, and one environment per token.

use dynamic::EXAMPLE_TOKEN;
use understudy::generated::dynamic::Client;
use understudy::Fidelity;

use understudy::vendors::dynamic;

use crate::default_data;
use crate::harness::{assert_snapshot, bearer_client, Call, Mock};

const OTHER_ENVIRONMENT_TOKEN: &str = "dyn_B20LwS7GuY22QkshRXI7vRpXRqjiVksDZDLI";

fn revoke(session_id: &str) -> Call {
    Call::to(&dynamic::REVOKE_SESSION).param("sessionId", session_id)
}

fn client(mock: &Mock, token: &str) -> Client {
    Client::new_with_client(&mock.url("dynamic"), bearer_client(token))
}

fn error_rows() -> Vec<(&'static str, Call, u16, serde_json::Value)> {
    use serde_json::json;
    vec![
        (
            "no_bearer",
            revoke(default_data::dynamic_session_id()),
            401,
            json!({"error": "No jwt provided!"}),
        ),
        (
            "basic_scheme",
            revoke(default_data::dynamic_session_id()).header("authorization", "Basic abc"),
            401,
            json!({"error": "No jwt provided!"}),
        ),
        (
            "malformed_token",
            revoke(default_data::dynamic_session_id()).bearer("dyn_tooshort"),
            401,
            json!({"error": "Unauthorized"}),
        ),
        (
            "restricted_token",
            revoke(default_data::dynamic_session_id()).bearer(default_data::dynamic_restricted_token()),
            403,
            json!({"error": "Access Forbidden"}),
        ),
        (
            "uppercase_uuid",
            revoke(&default_data::dynamic_session_id().to_uppercase()).bearer(EXAMPLE_TOKEN),
            400,
            json!({"error": "sessionId must be a UUID"}),
        ),
        (
            "not_a_uuid",
            revoke("session-1").bearer(EXAMPLE_TOKEN),
            400,
            json!({"error": "sessionId must be a UUID"}),
        ),
        (
            "unknown_session",
            revoke("00000000-0000-4000-8000-000000000000").bearer(EXAMPLE_TOKEN),
            404,
            json!({"error": "Not Found", "code": "not_found"}),
        ),
    ]
}

#[tokio::test]
async fn every_error_answers_dynamics_body_in_both_modes() {
    for fidelity in [Fidelity::Live, Fidelity::Spec] {
        let mock = Mock::start_in(fidelity).await;
        for (name, call, status, body) in error_rows() {
            let response = mock.send(call).await;
            assert_eq!(
                (response.status, response.json()),
                (status, body),
                "{name} in {fidelity:?} mode"
            );
            assert_snapshot(&format!("dynamic__{name}"), &response);
        }
    }
}

#[tokio::test]
async fn a_revoked_session_keeps_its_first_revoked_at() {
    let mock = Mock::start().await;
    let client = client(&mock, EXAMPLE_TOKEN);
    let first = client
        .revoke_session_by_id()
        .session_id(default_data::dynamic_session_id())
        .send()
        .await
        .expect("revoke succeeds");
    let revoked_at = first.revoked_at.expect("revokedAt is set");
    assert_eq!(
        first.id.as_deref().map(String::as_str),
        Some(default_data::dynamic_session_id())
    );
    assert!(first.created_at.is_some_and(|created| created < revoked_at));

    mock.control().advance(5 * 60).await;
    let second = client
        .revoke_session_by_id()
        .session_id(default_data::dynamic_session_id())
        .send()
        .await
        .expect("a repeat revoke succeeds");
    assert_eq!(
        second.revoked_at,
        Some(revoked_at),
        "a second revoke keeps the original revokedAt"
    );

    let raw = mock
        .send(revoke(default_data::dynamic_session_id()).bearer(EXAMPLE_TOKEN))
        .await;
    assert_snapshot("dynamic__revoked", &raw);
}

#[tokio::test]
async fn unknown_ip_address_and_user_agent_are_sent_as_explicit_null() {
    let mock = Mock::start().await;
    let response = mock
        .send(revoke(default_data::dynamic_anonymous_session_id()).bearer(EXAMPLE_TOKEN))
        .await;
    assert_eq!(response.status, 200);
    let body = response.json();
    let fields = body.as_object().expect("a Session object");
    assert_eq!(
        fields.get("ipAddress"),
        Some(&serde_json::Value::Null),
        "ipAddress present and null"
    );
    assert_eq!(
        fields.get("userAgent"),
        Some(&serde_json::Value::Null),
        "userAgent present and null"
    );
    assert_snapshot("dynamic__revoked_anonymous", &response);
}

#[tokio::test]
async fn each_token_is_its_own_environment() {
    let mock = Mock::start().await;
    let first = client(&mock, EXAMPLE_TOKEN)
        .revoke_session_by_id()
        .session_id(default_data::dynamic_session_id())
        .send()
        .await
        .unwrap();
    mock.control().advance(60).await;
    let other = client(&mock, OTHER_ENVIRONMENT_TOKEN)
        .revoke_session_by_id()
        .session_id(default_data::dynamic_session_id())
        .send()
        .await
        .unwrap();
    assert!(
        other.revoked_at > first.revoked_at,
        "the other environment's copy was not yet revoked"
    );
}
