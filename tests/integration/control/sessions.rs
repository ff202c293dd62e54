//! Sessions through the control API: created in the vendors' real formats, refused with the rule
//! named, listed, inspected, deleted and reset.

use crate::default_data;
use crate::harness::{Call, Mock};
use serde_json::{json, Value};
use understudy::vendors::{dynamic, moonkey, nango, paragraph};

#[tokio::test]
async fn a_moonkey_session_created_through_control_is_deleted_by_its_jwt() {
    let mock = Mock::start().await;
    let created = mock.control().post("/moonkey/sessions", json!({})).await;
    let session_id = created["session_id"].as_str().unwrap();
    assert!(
        session_id.starts_with("sess_") && session_id.len() == 32,
        "sess_ + 27 base62: {session_id}"
    );
    assert_eq!(created["session_token"].as_str().unwrap().len(), 64);
    let jwt = created["session_jwt"].as_str().unwrap();
    let delete = Call::to(&moonkey::DELETE_SESSION).bearer(moonkey::EXAMPLE_SECRET_KEY);
    assert_eq!(
        mock.send(delete.clone().json(json!({"session_jwt": jwt}))).await.status,
        200
    );
    assert_eq!(
        mock.send(delete.json(json!({"session_id": session_id}))).await.status,
        404
    );
    let (status, _) = mock
        .control()
        .call("GET", &format!("/moonkey/sessions/{session_id}"), None)
        .await;
    assert_eq!(status, 404, "the vendor's delete shows in the control API");
}

#[tokio::test]
async fn sessions_are_created_with_chosen_identifiers_in_each_vendor() {
    let mock = Mock::start().await;
    let control = mock.control();
    let key = "sk_live_uBjYxOPfB3AYuAwZVLWDs3l5ufchhbFjy66LoihSWQS1VxUI";
    let moonkey = control
        .post(
            &format!("/moonkey/sessions?credential={key}"),
            json!({"session_id": "sess_Chosen1"}),
        )
        .await;
    assert_eq!(moonkey["session_id"], "sess_Chosen1");
    let delete = Call::to(&moonkey::DELETE_SESSION).json(json!({"session_id": "sess_Chosen1"}));
    assert_eq!(
        mock.send(delete.clone().bearer(moonkey::EXAMPLE_SECRET_KEY))
            .await
            .status,
        404,
        "another app"
    );
    assert_eq!(
        mock.send(delete.bearer(key)).await.status,
        200,
        "the app of the credential"
    );

    let id = "6a1f0c3e-2b7d-4e59-8c14-9d3b2a7f5e61";
    let dynamic = control
        .post("/dynamic/sessions", json!({"id": id, "ip_address": "198.51.100.4"}))
        .await;
    assert_eq!(
        (dynamic["id"].as_str(), dynamic["userAgent"].clone()),
        (Some(id), Value::Null)
    );
    let revoke = Call::to(&dynamic::REVOKE_SESSION)
        .param("sessionId", id)
        .bearer(dynamic::EXAMPLE_TOKEN);
    let revoked = mock.send(revoke).await;
    assert_eq!(
        (revoked.status, revoked.json()["ipAddress"].clone()),
        (200, json!("198.51.100.4"))
    );

    let deny = |id: &str| Call::to(&paragraph::DENY_SESSION).param("sessionId", id);
    for (status, expected) in [("pending", 200), ("completed", 404), ("expired", 404)] {
        let created = control.post("/paragraph/sessions", json!({"status": status})).await;
        let session_id = created["session_id"].as_str().unwrap();
        assert_eq!(mock.send(deny(session_id)).await.status, expected, "a {status} session");
    }

    let token = control.post("/nango/sessions", json!({})).await["token"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(token.starts_with("nango_connect_session_") && token.len() == 22 + 64);
    assert_eq!(
        mock.send(Call::to(&nango::DELETE_CONNECT_SESSION).bearer(&token))
            .await
            .status,
        204
    );
}

#[tokio::test]
async fn invalid_session_specs_are_refused_with_the_rule_named() {
    let mock = Mock::start().await;
    for (path, body, rule) in [
        (
            "/moonkey/sessions",
            json!({"session_id": "session-1"}),
            "session_id must be",
        ),
        (
            "/moonkey/sessions",
            json!({"session_id": default_data::moonkey_session_id()}),
            "already exists",
        ),
        ("/dynamic/sessions", json!({"id": "NOT-A-UUID"}), "lowercase UUID"),
        (
            "/nango/sessions",
            json!({"token": "nango_connect_session_XYZ"}),
            "64 lowercase hex",
        ),
        ("/paragraph/sessions", json!({"status": "approved"}), "unknown variant"),
        ("/nango/sessions", json!({"ttl": 5}), "unknown field"),
        (
            "/moonkey/sessions?credential=sk_test_typo",
            json!({}),
            "not a credential moonkey accepts",
        ),
        (
            "/dynamic/sessions?credential=dyn_short",
            json!({}),
            "not a credential dynamic accepts",
        ),
    ] {
        let (status, answer) = mock.control().call("POST", path, Some(body)).await;
        assert_eq!(status, 400, "{path}: {answer}");
        assert!(
            answer["message"].as_str().is_some_and(|m| m.contains(rule)),
            "{path}: {answer}"
        );
    }
}

#[tokio::test]
async fn listing_inspecting_deleting_and_resetting_a_namespace() {
    let mock = Mock::start().await;
    let control = mock.control().namespace("inspect");
    let listed = control.get("/dynamic/sessions").await;
    let ids: Vec<&str> = listed
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|s| s["id"].as_str())
        .collect();
    assert_eq!(
        ids,
        vec![
            default_data::dynamic_anonymous_session_id(),
            default_data::dynamic_session_id()
        ],
        "the default data"
    );
    let one = control
        .get(&format!(
            "/paragraph/sessions/{}",
            default_data::paragraph_session_id("pending")
        ))
        .await;
    assert_eq!(one["status"], "pending");

    let (status, _) = control
        .call(
            "DELETE",
            &format!("/nango/sessions/{}", default_data::nango_token()),
            None,
        )
        .await;
    assert_eq!(status, 204);
    let delete = Call::to(&nango::DELETE_CONNECT_SESSION)
        .bearer(default_data::nango_token())
        .namespace("inspect");
    assert_eq!(mock.send(delete.clone()).await.status, 401, "deleted through control");
    assert_eq!(
        mock.send(delete.clone().namespace("elsewhere")).await.status,
        204,
        "other namespaces keep theirs"
    );

    control.post("/reset", json!(null)).await;
    assert_eq!(
        mock.send(delete).await.status,
        204,
        "reset brings the default data back"
    );
}
