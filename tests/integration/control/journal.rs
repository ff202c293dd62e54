//! The journal: counts and filters per namespace, judges each answer and each request against the
//! spec, and keeps its bound.

use serde_json::json;
use understudy::vendors::{dynamic, moonkey, nango, paragraph};
use understudy::Options;

use crate::default_data;
use crate::harness::{Call, Mock};

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

/// The consumer's side: every request the mock receives is judged against the spec's request side,
/// whatever the mock answers, so a suite can assert that its own app kept to the spec.
#[tokio::test]
async fn the_journal_judges_each_request_against_the_spec() {
    let mock = Mock::start().await;
    let ns = "requests";
    let kept = [
        Call::to(&moonkey::DELETE_SESSION)
            .bearer(moonkey::EXAMPLE_SECRET_KEY)
            .json(json!({"session_id": "sess_x"})),
        Call::to(&dynamic::REVOKE_SESSION)
            .param("sessionId", "00000000-0000-4000-8000-000000000000")
            .bearer(dynamic::EXAMPLE_TOKEN),
        Call::to(&paragraph::DENY_SESSION).param("sessionId", "unknown"),
        // The spec's bearer is the secret key, but a bearer is a bearer: the token keeps to it.
        Call::to(&nango::DELETE_CONNECT_SESSION).bearer(default_data::nango_token()),
    ];
    let left = [
        (
            Call::to(&moonkey::DELETE_SESSION).json(json!({"session_id": "sess_x"})),
            "security: the spec asks for an `Authorization: Bearer` credential",
        ),
        (
            Call::to(&moonkey::DELETE_SESSION)
                .bearer(moonkey::EXAMPLE_SECRET_KEY)
                .json(json!({"session_token": ""})),
            "body:",
        ),
        (
            Call::to(&dynamic::REVOKE_SESSION)
                .param("sessionId", "not-a-uuid")
                .bearer(dynamic::EXAMPLE_TOKEN),
            "path parameter `sessionId`",
        ),
        (
            Call::to(&paragraph::DENY_SESSION)
                .param("sessionId", "unknown")
                .json(json!({})),
            "body: the spec documents no request body",
        ),
        (Call::to(&nango::DELETE_CONNECT_SESSION).json(json!({})), "security:"),
    ];
    for call in kept {
        mock.send(call.namespace(ns)).await;
    }
    for (call, _) in &left {
        mock.send(call.clone().namespace(ns)).await;
    }
    let control = mock.control().namespace(ns);
    assert_eq!(control.count("request_conforms=true").await, 4);
    assert_eq!(control.count("request_conforms=false").await, left.len() as u64);
    let judged = control.get("/journal?request_conforms=false").await;
    for ((_, reason), entry) in left.iter().zip(judged.as_array().expect("entries")) {
        let found = entry["request_nonconformance"].as_str().unwrap_or_default();
        assert!(found.starts_with(reason), "{reason:?}: {entry}");
        assert_eq!(entry["request_conforms"], false);
    }
}
