//! The control API: its committed OpenAPI document, sessions created per vendor in the vendors' real
//! formats, inspection, reset, the journal and the clock, and isolation between namespaces.

use serde_json::{json, Value};
use understudy::vendors::{dynamic, moonkey, nango, paragraph};
use understudy::Options;

use crate::default_data;
use crate::harness::{Call, Mock};

#[tokio::test]
async fn the_served_openapi_document_is_the_committed_one() {
    let mock = Mock::start().await;
    let served = mock.control().get("/openapi.json").await;
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/specs/understudy-control.openapi.json");
    let committed: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap_or_default()).unwrap_or_default();
    assert!(
        served == committed,
        "specs/understudy-control.openapi.json is out of date: run `cargo run -- control-openapi > specs/understudy-control.openapi.json` and review the diff"
    );
    for path in [
        "/moonkey/sessions",
        "/dynamic/sessions/{id}",
        "/journal/count",
        "/clock/advance",
        "/scenarios",
        "/reset",
    ] {
        assert!(served["paths"].get(path).is_some(), "the document describes {path}");
    }
}

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

#[tokio::test]
async fn the_journal_counts_filters_and_judges_conformance() {
    let mock = Mock::start().await;
    let control = mock.control().namespace("journal");
    let revoke = |token: &str| {
        Call::to(&dynamic::REVOKE_SESSION)
            .param("sessionId", default_data::dynamic_session_id())
            .bearer(token)
            .namespace("journal")
    };
    mock.send(revoke(dynamic::EXAMPLE_TOKEN)).await;
    mock.send(revoke("dyn_bad")).await;
    mock.send(
        Call::to(&paragraph::DENY_SESSION)
            .param("sessionId", "nope")
            .namespace("journal"),
    )
    .await;
    mock.send(revoke(dynamic::EXAMPLE_TOKEN).namespace("default")).await; // not this namespace's journal

    assert_eq!(
        control
            .count("vendor=dynamic&operation=revokeSessionById&status=200")
            .await,
        1,
        "exactly one revoke"
    );
    assert_eq!(control.count("vendor=dynamic").await, 2);
    assert_eq!(control.count("").await, 3);
    let entries = control.get("/journal?vendor=paragraph").await;
    let entry = &entries[0];
    assert_eq!(entry["path"], "/api/v1/api/auth/sessions/nope");
    assert_eq!(
        (
            entry["status"].as_u64(),
            entry["conforms"].as_bool(),
            entry["forced"].as_bool()
        ),
        (Some(404), Some(false), Some(false))
    );
    assert_eq!(entry["departure"], "paragraph-404-not-pending");
    let ok = &control.get("/journal?status=200").await[0];
    assert_eq!(ok["conforms"], true, "{ok}");

    let (status, _) = control.call("DELETE", "/journal", None).await;
    assert_eq!(status, 204);
    assert_eq!(control.count("").await, 0);
    assert_eq!(
        mock.control().count("vendor=dynamic").await,
        1,
        "clearing one namespace leaves the others"
    );
}

#[tokio::test]
async fn the_journal_stays_at_its_cap() {
    let mock = Mock::start_with(Options {
        journal_limit: 25,
        ..Options::ephemeral()
    })
    .await;
    for _ in 0..60 {
        mock.send(Call::to(&paragraph::DENY_SESSION).param("sessionId", "x"))
            .await;
    }
    assert_eq!(mock.control().count("").await, 25);
    let entries = mock.control().get("/journal").await;
    let first = entries[0]["sequence"].as_u64().unwrap();
    assert_eq!(first, 36, "the oldest 35 were dropped");
}

#[tokio::test]
async fn the_clock_expires_tokens_sessions_and_jwts() {
    let mock = Mock::start().await;
    let control = mock.control().namespace("clock");
    let token = control.post("/nango/sessions", json!({})).await["token"]
        .as_str()
        .unwrap()
        .to_string();
    let pending = control.post("/paragraph/sessions", json!({})).await["session_id"]
        .as_str()
        .unwrap()
        .to_string();
    let jwt = control.post("/moonkey/sessions", json!({})).await["session_jwt"]
        .as_str()
        .unwrap()
        .to_string();

    let before = control.get("/clock").await["now"].as_str().unwrap().to_string();
    let after = control.post("/clock/advance", json!({"seconds": 30 * 60})).await;
    assert!(after["now"].as_str().unwrap() > before.as_str());

    let nango = mock
        .send(
            Call::to(&nango::DELETE_CONNECT_SESSION)
                .bearer(&token)
                .namespace("clock"),
        )
        .await;
    assert_eq!(
        (nango.status, nango.json()["error"]["code"].as_str()),
        (401, Some("unknown_connect_session_token"))
    );
    let deny = Call::to(&paragraph::DENY_SESSION)
        .param("sessionId", &pending)
        .namespace("clock");
    assert_eq!(
        mock.send(deny).await.status,
        404,
        "a pending session expires after 15 minutes"
    );
    let moonkey = Call::to(&moonkey::DELETE_SESSION)
        .bearer(moonkey::EXAMPLE_SECRET_KEY)
        .namespace("clock");
    assert_eq!(
        mock.send(moonkey.json(json!({"session_jwt": jwt}))).await.json()["error_type"],
        "session_jwt_expired"
    );

    let default_ns = mock
        .send(Call::to(&nango::DELETE_CONNECT_SESSION).bearer(default_data::nango_token()))
        .await;
    assert_eq!(default_ns.status, 204, "the other namespaces' clocks did not move");
    let (status, _) = control
        .call("POST", "/clock/advance", Some(json!({"seconds": -5})))
        .await;
    assert_eq!(status, 400, "the clock does not go back");
}

#[tokio::test]
async fn sixteen_parallel_clients_in_sixteen_namespaces_do_not_cross_talk() {
    let mock = std::sync::Arc::new(Mock::start().await);
    let mut clients = Vec::new();
    for i in 0..16 {
        let mock = mock.clone();
        clients.push(tokio::spawn(async move {
            let namespace = format!("ci-worker-{i}");
            let control = mock.control().namespace(&namespace);
            let created = control
                .post("/dynamic/sessions", json!({"user_agent": format!("worker {i}")}))
                .await;
            let id = created["id"].as_str().unwrap().to_string();
            let revoke = Call::to(&dynamic::REVOKE_SESSION)
                .param("sessionId", &id)
                .bearer(dynamic::EXAMPLE_TOKEN)
                .namespace(&namespace);
            let revoked = mock.send(revoke).await;
            assert_eq!(
                (revoked.status, revoked.json()["userAgent"].clone()),
                (200, json!(format!("worker {i}")))
            );
            let nango = Call::to(&nango::DELETE_CONNECT_SESSION)
                .bearer(default_data::nango_token())
                .namespace(&namespace);
            assert_eq!(
                mock.send(nango).await.status,
                204,
                "each namespace has its own default token"
            );
            assert_eq!(
                control.count("vendor=dynamic&operation=revokeSessionById").await,
                1,
                "worker {i}"
            );
            assert_eq!(control.count("").await, 2, "worker {i} sees only its own requests");
            assert_eq!(
                control.get("/dynamic/sessions").await.as_array().unwrap().len(),
                3,
                "two defaults and its own"
            );
        }));
    }
    for client in clients {
        client.await.expect("a worker passed");
    }
}
