//! The journal: counts and filters per namespace, judges each answer against the spec, and keeps
//! its bound.

use crate::default_data;
use crate::harness::{Call, Mock};
use understudy::vendors::{dynamic, paragraph};
use understudy::Options;

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
